"""The office's decisions in the summary (issue 11 parts 2, 5, 6): each finding's review state (collect counts only
the findings that stand), and last year's confirmed findings matched with this year's reports.

Both are worked out by the same Ledger a run uses (auditor.review.ledger), over the store's decisions: the summary
must say "confirmed" exactly when `auditor review list` and an audit's output do. The match across years is the
per-report one of auditor.review.rectification (by check, not fingerprint), here for every body of the year at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from auditor.review.ledger import Ledger, Subject
from auditor.review.rectification import status
from auditor.summary.names import Bodies

if TYPE_CHECKING:  # collect() calls this module: the types only, or the imports would go round
    from auditor.summary.collect import DocumentRow, FindingRow, Summary


@dataclass(frozen=True)
class Rectified:
    """One of last year's confirmed findings on a body, matched with this year's report of that body: fixed,
    repeated (a 通报 names these) or not assessable."""

    agency: str  # this year's report's agency, as written
    year: int  # this year
    document_id: int  # this year's report
    rule_id: str
    check_id: str
    last_message: str  # last year's finding's message, as recorded with the decision
    status: str  # one of collect.RECTIFICATION_STATES
    message: str = ""  # this year's finding's message, when repeated


def reviewed(finding: FindingRow, ledger: Ledger) -> FindingRow:
    """`finding` with the state of the decision that applies to it (None: awaiting review)."""
    return replace(finding, review=_state(finding, ledger))


def rectification(summary: Summary, ledger: Ledger, checks: dict[int, str | None], bodies: Bodies) -> tuple[
        Rectified, ...] | None:
    """For each report of the year whose body had findings confirmed the year before: each such finding fixed,
    repeated or not assessable. `checks`: document id → documents.checks as stored (JSON; None for an audit made
    before the store kept it, so nothing can be called fixed there). A report that failed (status "problem")
    fixes nothing either, as in auditor.review.rectification; an incomplete one fixes what ran and passed. Two
    copies of one body's report are matched once (the first, as the summary lists them). None when no report's
    body had a finding confirmed the year before: nothing to compare, which is not "nothing repeated"."""
    out: list[Rectified] = []
    compared = False
    seen: set[tuple[str, str]] = set()
    by_doc: dict[int, list[FindingRow]] = {}
    for f in summary.findings:
        by_doc.setdefault(f.document_id, []).append(f)
    for doc in summary.documents:
        if doc.unreadable or doc.year is None:
            continue
        confirmed = ledger.confirmed(doc.year - 1, bodies.names(doc.agency))
        if not confirmed:
            continue
        compared = True
        mine = by_doc.get(doc.document_id, [])
        standing = {f.check_id: f.fingerprint for f in mine if f.stands}
        passed = _passed(doc, checks.get(doc.document_id))
        messages = {f.fingerprint: f.message for f in mine}
        for decision in confirmed:
            key = (doc.body, decision.check_id)
            if key in seen:
                continue
            seen.add(key)
            state, now = status(decision.check_id, standing, passed)
            out.append(Rectified(doc.agency, doc.year, doc.document_id, decision.rule_id, decision.check_id,
                                 decision.message, state, messages.get(now or "", "")))
    return tuple(out) if compared else None


def _state(finding: FindingRow, ledger: Ledger) -> str | None:
    if not finding.fingerprint:  # stored before fingerprints were: no decision can name it
        return None
    review = ledger.review(Subject(finding.fingerprint, finding.rule_id, finding.check_id, finding.agency,
                                   finding.year))
    return review.state.value if review is not None else None


def _passed(doc: DocumentRow, checks: str | None) -> tuple[str, ...]:
    if checks is None or doc.status == "problem":
        return ()
    try:
        return tuple(str(c) for c in json.loads(checks).get("passed", ()))
    except (ValueError, AttributeError):  # a damaged column: nothing is proven fixed
        return ()
