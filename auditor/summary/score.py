"""Scores and a ranking of the year's bodies under the configuration's scheme (config `summary.scoring`).

What counts: the findings that stand (FindingRow.stands: not dismissed as false positives, not waived). Until review
decisions are read into the summary (issue 11 part 2), that is every finding: the score is then an upper bound of
what review will deduct, and the outputs say so (words: score_note).

A body whose report was not fully audited (a core check did not run, or the file could not be read or vouched for)
gets no score: fewer findings there mean fewer checks, not a better report, and a high score would say otherwise.
It is listed, unranked, with the reason. A body with two files of one report (its HTML page and a text copy)
deducts once per check: a finding of the same check instance counts once for the body's year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from auditor.config import ScoringScheme
from auditor.model import Severity
from auditor.summary.collect import AgencyScore, DocumentRow, Summary


def score(summary: Summary, scheme: ScoringScheme) -> Summary:
    """The summary with `scores`: one per body and year, ranked within its year (1 the best; equal scores share a
    rank, the next rank skipping as many: 1, 2, 2, 4), the unscored after them in year and name order."""
    documents: dict[tuple[str, int | None], list[DocumentRow]] = defaultdict(list)
    for doc in summary.documents:
        if not doc.unreadable:  # a file that could not be read names no body
            documents[(doc.body, doc.year)].append(doc)
    checks: dict[tuple[str, int | None], dict[str, tuple[str, str]]] = defaultdict(dict)
    body_of = {d.document_id: d.body for d in summary.documents}
    for finding in summary.findings:
        if finding.stands:
            key = (body_of.get(finding.document_id, ""), finding.year)
            checks[key].setdefault(finding.check_id, (finding.rule_id, finding.severity))
    scored: list[AgencyScore] = []
    unscored: list[AgencyScore] = []
    for key, docs in documents.items():
        name = docs[0].agency
        if not all(d.fully_audited for d in docs):
            unscored.append(AgencyScore(name, key[1], None, None, {}, len(checks[key])))
            continue
        deductions = _deductions(checks[key].values(), scheme)
        value = max(scheme.floor, scheme.start - sum(deductions.values()))
        scored.append(AgencyScore(name, key[1], value, None, deductions, len(checks[key])))
    # Ranked within a year (a summary of every year holds several): ranks of different years are not comparable.
    scored.sort(key=lambda s: (s.year or 0, -(s.score or 0.0), s.agency))
    ranked: list[AgencyScore] = []
    for entry in scored:
        previous = ranked[-1] if ranked and ranked[-1].year == entry.year else None
        place = sum(1 for r in ranked if r.year == entry.year) + 1
        same = previous is not None and previous.score == entry.score
        ranked.append(replace(entry, rank=previous.rank if same and previous else place))
    unscored.sort(key=lambda s: (s.year or 0, s.agency))
    return replace(summary, scores=(*ranked, *unscored), scheme=scheme)


def _deductions(findings: Iterable[tuple[str, str]], scheme: ScoringScheme) -> dict[str, float]:
    """Points deducted per rule id for (rule id, severity) pairs, each rule's total capped."""
    totals: dict[str, float] = defaultdict(float)
    for rule_id, severity in findings:
        if rule_id in scheme.rules:
            totals[rule_id] += scheme.rules[rule_id]
        else:
            totals[rule_id] += scheme.severity.get(Severity.parse(severity), 0.0)
    cap = scheme.cap_per_rule
    return {rule: (min(points, cap) if cap is not None else points) for rule, points in sorted(totals.items())
            if points}
