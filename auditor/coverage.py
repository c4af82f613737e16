"""What one audit checked and what it could not: the coverage every result states (issue 10).

A report is complete only when each core group of its pack (pack.yaml `core`: table 三's identities, table 四's
totals, the narrative's application counts) had at least one check evaluated. Otherwise it is `incomplete`, whatever
else passed: a report whose tables were never read must not look clean.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.evaluate import Outcome, Passed
from auditor.facts.model import ReportFacts
from auditor.model import CoreRun, Coverage, Status, Unchecked
from auditor.packs.model import Pack

_WORDS = {
    "zh": {"core": "{title}未能核查（{evaluated}/{applicable} 项可核查）",
           "no_pack": "未能确定报告适用的格式（{why}），没有运行任何规则",
           "unknown_year": "报告年度和表格格式均未能识别",
           "template": "没有适用于 {template} 年格式的规则包"},
    "en": {"core": "{title} could not be checked ({evaluated} of {applicable} checks assessable)",
           "no_pack": "the report's template could not be decided ({why}); no rule ran",
           "unknown_year": "neither the report's year nor its table layout was recognised",
           "template": "no rule pack covers the {template} template"},
}


def coverage(facts: ReportFacts, pack: Pack | None, outcomes: Iterable[Outcome | Passed] = (), lang: str = "zh",
             unchecked: tuple[Unchecked, ...] = ()) -> Coverage:
    """The coverage of one report's audit by `pack` (None: no pack applied, so nothing was checked)."""
    words = _WORDS[lang]
    sections = tuple(s.number for s in facts.sections)
    if pack is None:
        why = words["template"].format(template=facts.template) if facts.template else words["unknown_year"]
        return Coverage(0, 0, facts.tables_found, sections, len(facts.claims), 0,
                        gaps=(words["no_pack"].format(why=why),), unchecked=unchecked)
    outcomes = tuple(outcomes)
    evaluated_by_rule: dict[str, int] = {}
    applicable_by_rule: dict[str, int] = {}
    checked_claims: set[tuple[str, int, int]] = set()
    for outcome in outcomes:
        rule = outcome.check.rule_id
        applicable_by_rule[rule] = applicable_by_rule.get(rule, 0) + 1
        if outcome.status is not Status.NOT_ASSESSABLE:
            evaluated_by_rule[rule] = evaluated_by_rule.get(rule, 0) + 1
            if outcome.claim is not None:
                checked_claims.add((outcome.claim.key, outcome.claim.line, outcome.claim.start_column))
    core = tuple(CoreRun(g.id, g.title[lang], sum(evaluated_by_rule.get(r, 0) for r in g.rules),
                         sum(applicable_by_rule.get(r, 0) for r in g.rules)) for g in pack.core)
    gaps = tuple(words["core"].format(title=c.title, evaluated=c.evaluated, applicable=c.applicable)
                 for c in core if c.evaluated == 0)
    # A derived claim (a comparison with another report, `source` set) is not a statement of this report.
    own_claims = [c for c in facts.claims if c.source is None]
    return Coverage(sum(evaluated_by_rule.values()), len(outcomes), facts.tables_found, sections, len(own_claims),
                    sum(1 for c in own_claims if (c.key, c.line, c.start_column) in checked_claims), core, gaps,
                    unchecked)
