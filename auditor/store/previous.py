"""Last year's facts as values rules can read: `prev.<key>` for every cell last year's report gave as a number.

A cell that was blank, 「—」, 「无」 or unreadable last year is simply absent, so a check that needs it is not
assessable (a missing number is never 0). Without last year's report there are no `prev.` values at all and every
cross-year check is not assessable.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from auditor.facts.model import LastYear, ReportFacts, number_values, section_texts
from auditor.facts.similarity import copied_claims
from auditor.store.db import Store

PREFIX = "prev."


def prev_values(facts_json: dict[str, Any]) -> dict[str, int | float]:
    """`prev.<cell key>` → value for the number cells of facts shaped as auditor.facts.model.to_json."""
    return {PREFIX + key: value for key, value in sorted(number_values(facts_json).items())}


def last_year_of(facts: ReportFacts, last_json: dict[str, Any]) -> LastYear:
    """Last year's numbers and the comparison of the two years' narratives, from last year's facts JSON."""
    last_texts: dict[int, str] = {}
    for paragraph in last_json.get("paragraphs", ()):
        if paragraph.get("section"):
            last_texts[paragraph["section"]] = last_texts.get(paragraph["section"], "") + paragraph["text"]
    return LastYear(prev_values(last_json), copied_claims(section_texts(facts), last_texts))


def last_year(store: Store, facts: ReportFacts, aliases: tuple[str, ...] = ()) -> LastYear:
    """Last year's report of the same body from the store, as LastYear; empty when there is none (every cross-year
    check is then not assessable)."""
    if facts.agency is None or facts.year is None:
        return LastYear()
    stored = store.previous_year(facts.agency, facts.year, aliases)
    return last_year_of(facts, stored.facts) if stored else LastYear()


def with_last_year(facts: ReportFacts, last: LastYear) -> ReportFacts:
    """The facts with last year's `prev.` values in `ReportFacts.values` (where auditor.evaluate reads them) and the
    two narratives' comparison among the claims. Any `prev.` values they held before are dropped, so a report never
    mixes two previous years."""
    kept = {k: v for k, v in facts.values.items() if not k.startswith(PREFIX)}
    return dataclasses.replace(facts, values={**kept, **last.values}, claims=facts.claims + last.claims)
