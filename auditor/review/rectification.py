"""Rectification across years (issue 11 part 6): each of last year's confirmed findings on a body, matched with this
year's report of the same body.

The match is by check (rule and check instance), not by fingerprint: a fingerprint names the year and the numbers,
and this year's numbers are new. A check that fails again is `repeated` (the 通报 names these), one that ran and
passed is `fixed`, and one that could not be made this year (its cells blank, the report unreadable, the check not
in this year's pack) is `not_assessable`: absent from the findings is not proof of a fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.model import DocumentResult, Rectification, Verdict
from auditor.review.ledger import Ledger

FIXED, REPEATED, NOT_ASSESSABLE = "fixed", "repeated", "not_assessable"


def status(check_id: str, standing: dict[str, str], passed: Iterable[str]) -> tuple[str, str | None]:
    """(status, this year's fingerprint when repeated) of a check, from this year's standing findings (check id →
    fingerprint) and the check ids that passed."""
    if check_id in standing:
        return REPEATED, standing[check_id]
    if check_id in set(passed):
        return FIXED, None
    return NOT_ASSESSABLE, None


def rectify(document: DocumentResult, ledger: Ledger, aliases: tuple[str, ...] = ()) -> tuple[Rectification, ...]:
    """Last year's confirmed findings on the document's body (by its name or an alias), each matched with this
    document's audit; () when the report names no body or year, or nothing of last year was confirmed. The
    decisions say what was confirmed (rule, check, body, year, message): last year's report need not be read."""
    info = document.report
    if info.agency is None or info.year is None:
        return ()
    confirmed = ledger.confirmed(info.year - 1, (info.agency, *aliases))
    unread = document.verdict is Verdict.FAILED
    standing = {} if unread else {f.check_id: f.fingerprint for f in document.findings if f.stands}
    passed = () if unread else document.passed_checks
    out, seen = [], set()
    for decision in confirmed:
        if decision.check_id in seen:  # two copies of last year's report, one problem
            continue
        seen.add(decision.check_id)
        state, now = status(decision.check_id, standing, passed)
        out.append(Rectification(decision.rule_id, decision.check_id, info.year - 1, decision.fingerprint,
                                 decision.message, state, now))
    return tuple(out)
