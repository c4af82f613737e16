"""Last year's facts as values rules can read: `prev.<key>` for every cell last year's report gave as a number.

A cell that was blank, 「—」, 「无」 or unreadable last year is simply absent, so a check that needs it is not
assessable (a missing number is never 0). Without last year's report there are no `prev.` values at all and every
cross-year check is not assessable.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from auditor.facts.model import LastYear, ReportFacts, section_texts, to_json
from auditor.facts.similarity import copied_claims
from auditor.store.db import Store

PREFIX = "prev."


def prev_values(facts_json: dict[str, Any]) -> dict[str, int | float]:
    """`prev.<cell key>` → value for the cells of status "number" in facts shaped as auditor.facts.model.to_json."""
    values: dict[str, int | float] = {}
    for table in (facts_json.get("tables") or {}).values():
        for cell in table.get("cells", ()):
            value = cell.get("value")
            # bool is an int to Python; JSON true is not a count
            if cell.get("status") == "number" and isinstance(value, int | float) and not isinstance(value, bool):
                values[PREFIX + cell["key"]] = value
    return dict(sorted(values.items()))


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


def prev_values_of(facts: ReportFacts) -> dict[str, int | float]:
    """The same, from last year's facts in memory (a batch that holds both years, a test)."""
    return prev_values(to_json(facts))


def previous_values(store: Store, facts: ReportFacts, aliases: tuple[str, ...] = ()) -> dict[str, int | float]:
    """The `prev.` values for this report from the store: last year's report of the same body (Store.previous_year,
    by the title's agency and its `aliases`), or {} when the report has no agency or year, or none is stored."""
    if facts.agency is None or facts.year is None:
        return {}
    stored = store.previous_year(facts.agency, facts.year, aliases)
    return {} if stored is None else prev_values(stored.facts)


def with_previous(facts: ReportFacts, values: dict[str, int | float]) -> ReportFacts:
    """The facts with `prev.` values added to `ReportFacts.values` (where auditor.evaluate reads `prev.` keys); any
    `prev.` values they held before are dropped, so a report never mixes two previous years."""
    kept = {k: v for k, v in facts.values.items() if not k.startswith(PREFIX)}
    return dataclasses.replace(facts, values={**kept, **values})
