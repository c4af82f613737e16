"""Review decisions as the store keeps them (schema version 6): rows appended, never changed, so that what a person
decided, when and why stays readable after they change their mind (auditor/review reads them back)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.store.db import Connection

STATES = ("confirmed", "dismissed", "waived", "awaiting")  # awaiting: reopened, back in the review queue
SCOPES = ("report", "agency", "all")  # a waiver's reach: this report's finding, this body's, every body's
NEEDS_REASON = ("dismissed", "waived")

_COLUMNS = ("fingerprint", "rule_id", "check_id", "agency_stem", "year", "state", "scope", "reason", "decided_by",
            "decided_at", "until", "message")


@dataclass(frozen=True)
class Decision:
    """One recorded decision on a finding."""

    fingerprint: str
    rule_id: str
    check_id: str
    agency_stem: str  # the body, as auditor.store.agency.agency_stem names it ("" when the report named none)
    year: int | None
    state: str  # one of STATES
    scope: str  # one of SCOPES; beyond "report" only for a waiver
    reason: str
    decided_by: str
    decided_at: str  # ISO 8601, UTC
    until: str | None = None  # a waiver's last day, ISO date
    message: str = ""  # the finding's message when decided

    def key(self) -> tuple[object, ...]:
        """What makes two rows the same decision (an import of a file already imported adds nothing)."""
        return (self.fingerprint, self.state, self.scope, self.reason, self.decided_by, self.decided_at, self.until)


def append(db: Connection, decisions: Iterable[Decision]) -> int:
    """Append the decisions not already recorded; return how many were new. Inside the caller's transaction."""
    known = {d.key() for d in read(db)}
    added = 0
    for decision in decisions:
        if decision.key() in known:
            continue
        db.execute(f"INSERT INTO decisions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                   tuple(getattr(decision, c) for c in _COLUMNS))
        known.add(decision.key())
        added += 1
    return added


def read(db: Connection, fingerprint: str | None = None) -> list[Decision]:
    """Every decision (or every one on one fingerprint), oldest first: the order they were made in."""
    where, params = ("WHERE fingerprint = ?", (fingerprint,)) if fingerprint else ("", ())
    rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM decisions {where} ORDER BY decided_at, id", params)
    return [Decision(*row) for row in rows.fetchall()]
