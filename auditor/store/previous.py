"""Last year's facts as values rules can read: `prev.<key>` for every cell last year's report gave as a number.

A cell that was blank, 「—」, 「无」 or unreadable last year is simply absent, so a check that needs it is not
assessable (a missing number is never 0). Without last year's report there are no `prev.` values at all and every
cross-year check is not assessable.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from auditor.facts.model import History, ReportFacts, number_values, section_texts
from auditor.facts.similarity import copied_claims, stored_section_texts
from auditor.store.db import Store

PREFIX = "prev."


def prev_values(facts_json: dict[str, Any]) -> dict[str, int | float]:
    """`prev.<cell key>` → value for the number cells of facts shaped as auditor.facts.model.to_json."""
    return {PREFIX + key: value for key, value in sorted(number_values(facts_json).items())}


def last_year_of(facts: ReportFacts, last_json: dict[str, Any]) -> History:
    """Last year's numbers and the comparison of the two years' narratives, from last year's facts JSON."""
    return History(prev_values(last_json), copied_claims(section_texts(facts), stored_section_texts(last_json)))


def last_year(store: Store, facts: ReportFacts, aliases: tuple[str, ...] = ()) -> History:
    """Last year's report of the same body from the store, as History; empty when there is none (every cross-year
    check is then not assessable)."""
    if facts.agency is None or facts.year is None:
        return History()
    stored = store.previous_year(facts.agency, facts.year, aliases)
    return last_year_of(facts, stored.facts) if stored else History()


def with_history(facts: ReportFacts, history: History) -> ReportFacts:
    """The facts with last year's `prev.` values in `ReportFacts.values` (where auditor.evaluate reads them) and the
    comparisons of texts among the claims. Any `prev.` values they held before are dropped, so a report never
    mixes two previous years."""
    kept = {k: v for k, v in facts.values.items() if not k.startswith(PREFIX)}
    return dataclasses.replace(facts, values={**kept, **history.values}, claims=facts.claims + history.claims)
