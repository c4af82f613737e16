"""A year's findings as the review queue: one item per fingerprint (the same finding in two copies or two formats of
one report is one decision), with the decision that applies to it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditor.review.ledger import Ledger, Subject
from auditor.store import Store
from auditor.store.decisions import Decision

# The states a queue can be filtered on; "awaiting" are the findings nobody has decided (or that were reopened).
FILTERS = ("awaiting", "confirmed", "dismissed", "waived", "all")


@dataclass(frozen=True)
class Item:
    subject: Subject
    severity: str
    line: int | None
    paths: tuple[str, ...]  # every stored file the finding was found in
    decision: Decision | None  # the one that applies; None: awaiting review
    page: int | None = None  # a paged file (PDF, OFD, a scan): the page, and the line of text on it
    page_line: int | None = None

    @property
    def state(self) -> str:
        return "awaiting" if self.decision is None else self.decision.state


def queue(store: Store, year: int | None, ledger: Ledger | None = None) -> list[Item]:
    """The year's findings in the store's order (year, body, file, finding), each fingerprint once."""
    ledger = ledger or Ledger(store.decisions())
    grouped: dict[str, list[dict[str, Any]]] = {}
    replaced = store.replaced_documents(year)  # an earlier version of a body's year is not reviewed any more
    for row in store.year_findings(year):
        if row["document_id"] not in replaced:
            grouped.setdefault(row["fingerprint"], []).append(row)
    items = []
    for fingerprint, rows in grouped.items():
        first = rows[0]
        subject = Subject(fingerprint, first["rule_id"], first["check_id"], first["agency"], first["year"],
                          first["message"])
        where = first["location"]
        items.append(Item(subject, first["severity"], where.get("line"),
                          tuple(dict.fromkeys(str(r["path"]) for r in rows)), ledger.decision(subject),
                          where.get("page"), where.get("page_line")))
    return items


def pick(items: Iterable[Item], wanted: str) -> list[Item]:
    """The items whose fingerprint starts with `wanted` (8 characters or more, as a person copies them from a
    list)."""
    return [i for i in items if i.subject.fingerprint.startswith(wanted.lower())]
