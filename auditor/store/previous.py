"""Last year's facts as values rules can read: `prev.<key>` for every cell last year's report gave as a number.

A cell that was blank, 「—」, 「无」 or unreadable last year is simply absent, so a check that needs it is not
assessable (a missing number is never 0). Without last year's report there are no `prev.` values at all and every
cross-year check is not assessable.

Two marks in the values say what the store could give, so a check that is not assessable can say why: STORE_MARK
(a store was used) and LAST_YEAR_MARK (last year's report of the body was in it; its value is that year).

YOY-PREV5: are the problems last year's section 五 listed taken up again in this year's 五?

R21-5 ([K], domain.md §2.5) expects section 五 to say how last year's problems were rectified. With last year's report
of the same body in the store, the problems it listed can be looked for (domain.md §3.4 YOY-PREV5):

* last year's problems are the items of its 五 before the improvement measures start (「一是…；二是…」,
  「（一）…（二）…」, 「1.…2.…」, or else its sentences that name a shortcoming);
* an item is *taken up* when this year's 五 shares with it a run of `ECHO` characters once the words every
  report uses (政府信息公开, 进一步, 不够…) are set aside: 「政策解读形式单一」 last year, 「针对政策解读形式单一的
  问题」 this year.

What it cannot tell: a problem reworded with no common phrase counts as not taken up (a false warning), and a
problem merely repeated (copied, not rectified) counts as taken up (YOY-DUP sees copying). So the finding is a
warning that lists the problems, for a reader to judge.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from auditor.facts.model import Claim, History, ReportFacts, number_values, section_texts
from auditor.facts.similarity import bare, copied_claims, stored_section_texts
from auditor.store.db import Store

PREFIX = "prev."
# Not fact keys (no rule reads them): what the history store gave this report, for the not-assessable reasons.
MARK_PREFIX = "history."
STORE_MARK = MARK_PREFIX + "store"
LAST_YEAR_MARK = MARK_PREFIX + "last_year"

PREVIOUS_PROBLEMS = "claim.previous_problems_not_taken_up"
ECHO = 4  # characters: a short term (「栏目设置」「解读形式」), longer than the generic words removed below
MIN_ITEM = 8  # bare characters: shorter items are headings (「存在的问题」), not problems
MAX_SHOWN = 3  # problems quoted in the finding; the count says how many there are
# Where 五 turns from problems to measures (its second half).
_MEASURES = re.compile(r"改进(?:情况|措施|方向|举措)|整改(?:措施|情况)|下一步|工作(?:打算|计划|思路)|努力方向|"
                       r"今后|采取(?:以下|如下)?措施|加以改进|[（(]二[）)]\s*改进")
_ITEM = re.compile(r"[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]{1,2}[）)]|(?<![\d.])\d{1,2}[.、．]")
_SHORTCOMING = re.compile(r"不够|不足|有待|欠缺|薄弱|不到位|不及时|不高|不强|不全|不规范|单一|滞后|短板|差距|问题")
# Words every 五 uses: a run made of them proves no link between two problems.
_GENERIC = re.compile(r"政府信息公开|政务公开|信息公开|公开工作|进一步|有待|加强|提升|提高|不够|不足|存在|部分|"
                      r"问题|工作|方面|还需|仍需|一是|二是|三是|四是|五是|主要|情况|改进|整改|本年度|上年度|"
                      r"[一二三四五六七八九十]")


def problem_items(section_five: str) -> list[str]:
    """Last year's problems: the items of 五 before its measures, as written (white space trimmed)."""
    measures = _MEASURES.search(section_five, pos=min(len(section_five), 10))
    part = section_five[:measures.start()] if measures else section_five
    if measures:  # the sentence that announces the measures (「2024年，我区将采取以下措施加以改进」) is no problem
        part = part[:max(part.rfind("。"), part.rfind("；")) + 1] or part
    starts = [m.start() for m in _ITEM.finditer(part)]
    if len(starts) >= 2:
        pieces = [part[a:b] for a, b in zip(starts, [*starts[1:], len(part)], strict=True)]
    else:
        pieces = [s for s in re.split(r"[。；;]", part) if _SHORTCOMING.search(s)]
    items = [p.strip(" \u3000\n；;。，,：:") for p in pieces]
    return [item for item in items if len(bare(item)) >= MIN_ITEM and _SHORTCOMING.search(item)]


def taken_up(item: str, this_year: str) -> bool:
    """Whether this year's 五 shares with the item a run of `ECHO` characters that is not generic wording."""
    core = [part for part in _GENERIC.split(bare(item)) if len(part) >= ECHO]
    text = bare(this_year)
    return any(part[i:i + ECHO] in text for part in core for i in range(len(part) - ECHO + 1))


def problems_claim(this_year: tuple[int, str] | None, last_year: str | None) -> tuple[Claim, ...]:
    """One claim on this year's 五 when last year's 五 listed problems: its value how many were not taken up, its
    text those problems (the first `MAX_SHOWN`, each cut to 40 characters). None when either 五 is missing or
    last year's lists nothing (the check is then not assessable)."""
    if this_year is None or not last_year:
        return ()
    items = problem_items(last_year)
    if not items:
        return ()
    heading_line, text = this_year
    missed = [item for item in items if not taken_up(item, text)]
    shown = "；".join(f"「{m[:40]}{'…' if len(m) > 40 else ''}」" for m in missed[:MAX_SHOWN])
    if len(missed) > MAX_SHOWN:
        shown += "…"
    return (Claim(key=PREVIOUS_PROBLEMS, value=len(missed), text=shown, line=heading_line, section=5,
                  start_column=1, end_column=1),)


def prev_values(facts_json: dict[str, Any]) -> dict[str, int | float]:
    """`prev.<cell key>` → value for the number cells of facts shaped as auditor.facts.model.to_json."""
    return {PREFIX + key: value for key, value in sorted(number_values(facts_json).items())}


def last_year_of(facts: ReportFacts, last_json: dict[str, Any]) -> History:
    """Last year's numbers, the comparison of the two years' narratives and of last year's problems with this year's
    五, from last year's facts JSON; marked as coming from a store that held last year's report."""
    this, last = section_texts(facts), stored_section_texts(last_json)
    year = (last_json.get("report") or {}).get("year") or (facts.year - 1 if facts.year else 0)
    marks = {STORE_MARK: 1, LAST_YEAR_MARK: int(year)}
    claims = copied_claims(this, last) + problems_claim(this.get(5), last.get(5))
    return History({**marks, **prev_values(last_json)}, claims)


def last_year(store: Store, facts: ReportFacts, aliases: tuple[str, ...] = ()) -> History:
    """Last year's report of the same body from the store, as History; only the store's mark when there is none
    (every cross-year check is then not assessable, and says that the store has no such report)."""
    if facts.agency is None or facts.year is None:
        return History({STORE_MARK: 1})
    stored = store.previous_year(facts.agency, facts.year, aliases)
    return last_year_of(facts, stored.facts) if stored else History({STORE_MARK: 1})


def with_history(facts: ReportFacts, history: History) -> ReportFacts:
    """The facts with last year's `prev.` values in `ReportFacts.values` (where auditor.evaluate reads them) and the
    comparisons of texts among the claims. Any `prev.` values and history marks they held before are dropped, so a
    report never mixes two previous years."""
    kept = {k: v for k, v in facts.values.items() if not k.startswith((PREFIX, MARK_PREFIX))}
    return dataclasses.replace(facts, values={**kept, **history.values}, claims=facts.claims + history.claims)
