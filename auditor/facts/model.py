"""Facts: what a report says, each with where it says it. `to_json` gives the shape in schemas/facts.schema.json."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from auditor.ingest.document import Place


@dataclass(frozen=True)
class CellFact:
    """One table cell under its canonical key (`t3.new_received.total`); `value` only when status is `number`.

    A cell of a row that flattened text ran into one digit run with several readings (「200 000121」) is unreadable,
    its raw text the run, and carries `readings`: its value in each reading of the row, in the same order for every
    cell of the row (the i-th values of the row's cells are one reading), and `reading_count`, how many readings the
    run has. More than facts.readings.READINGS_PER_ROW: none is listed, and the count is that cap + 1."""

    key: str
    table: str
    row: str
    column: str
    raw: str
    status: str
    value: int | float | None
    line: int
    section: int | None
    readings: tuple[int, ...] = ()
    reading_count: int = 0


@dataclass(frozen=True)
class SectionFact:
    number: int
    title: str
    line: int
    end_line: int
    numeral: int | None = None  # the numeral its heading is written with (「一、主动公开…」 → 1), None without one
    inferred: bool = False  # no heading: recognised by its content, from its first sub-heading (`title`)


@dataclass(frozen=True)
class ParagraphFact:
    line: int
    section: int | None
    text: str


@dataclass(frozen=True)
class Claim:
    """A number the narrative states, found by a pack extractor; columns count code points from 1."""

    key: str
    value: int | float
    text: str
    line: int
    section: int | None
    start_column: int
    end_column: int
    approximate: bool = False  # 「4.6万余件」「约 30 件」: a bound, not a count to compare exactly
    source: str | None = None  # a claim derived by comparing with another report (雷同): that report


@dataclass(frozen=True)
class Issue:
    """A problem met while reading facts, as a catalog slug and its values (rendered later in the run's language)."""

    slug: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence of the report's identity (facts/identity.py): its kind (title, period, page_title…),
    the year and agency it gives, the text it was read from and its line (None: not a line of the report, e.g. the
    page's <title> or the file name)."""

    kind: str
    year: int | None
    agency: str | None
    text: str
    line: int | None


@dataclass(frozen=True)
class Publication:
    """When the report was published, with where that is known from: `source` "fetched" (the sidecar `auditor
    fetch` wrote beside the file, `where` its name) or "list" (an `audit --published` file, `where` its file name
    and line: dates.tsv:3); `stated`: how the page or list states it (「发布日期：2025-01-20」, a <meta>
    tag); `url`: the page, when fetched. `date` is ISO 8601 (2025-01-20); None with `error` when the source
    exists but cannot be used."""

    source: str
    where: str
    date: str | None
    stated: str = ""
    url: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ReportFacts:
    path: str
    format: str
    encoding: str
    title: str | None
    title_line: int | None
    agency: str | None
    year: int | None
    template: int | None
    sections: tuple[SectionFact, ...]
    paragraphs: tuple[ParagraphFact, ...]
    cells: dict[str, CellFact]
    tables_found: tuple[str, ...]
    claims: tuple[Claim, ...] = ()
    issues: tuple[Issue, ...] = ()
    # Report-level numbers rules may use: `report.year`, and `report.agency.<class>` (1/0) for the agency classes a pack
    # defines (e.g. an approval bureau); a class is absent when the agency is unknown.
    values: dict[str, int | float] = field(default_factory=dict)
    # Every piece of identity evidence, strongest first, and the kinds that decided the year and the agency.
    evidence: tuple[Evidence, ...] = ()
    year_source: str | None = None
    agency_source: str | None = None
    # The publication date and where it is known from (a fetch's sidecar, a list); None: nothing says (M-DEADLINE is
    # then not assessable). Its date is also the value `report.published` (auditor.facts.publication).
    publication: Publication | None = None
    # A paged format (PDF, OFD, a scan): where a reader finds line n in the file, at places[n - 1] (ingest's Place).
    places: tuple[Place, ...] | None = None

    def section_numbers(self) -> set[int]:
        return {s.number for s in self.sections}


@dataclass(frozen=True)
class History:
    """What the history store gives a report's cross-report rules: last year's numbers as `prev.<key>` values, and
    the derived claims that compare its text with other reports (雷同 with last year's report of the same body,
    and with other bodies' reports of the same year)."""

    values: dict[str, int | float] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A file a batch has already read (auditor.run with a history store): its facts, claims included,
    and what the store gives its cross-report rules, so the audit need not read the file again."""

    facts: ReportFacts | None  # None when preparing the file failed: `failure` says why
    history: History = field(default_factory=History)
    failure: str | None = None  # a bug met while preparing it; the audit reports it as this file's internal_error
    # The publication date the run was given for the file (`audit --published`), applied when the file is read
    # (facts None); facts read back from the store already carry it.
    published: Publication | None = None


def section_texts(facts: ReportFacts) -> dict[int, tuple[int, str]]:
    """Each section's narrative: its heading line and its paragraphs' text joined."""
    texts: dict[int, tuple[int, str]] = {}
    for section in facts.sections:
        body = "".join(p.text for p in facts.paragraphs if p.section == section.number)
        texts[section.number] = (section.line, body)
    return texts


def template_for_year(year: int | None) -> int | None:
    """国办公开办函〔2019〕60号 for 2019–2020 reports, 〔2021〕30号 from 2021 (domain.md §2.1)."""
    if year is None or year < 2019:
        return None
    return 2019 if year <= 2020 else 2021


def cell_counts(facts: ReportFacts) -> dict[str, dict[str, int]]:
    """Per table found, how many cells are numbers, blank, a written 'nothing' mark (— / 无) or unreadable."""
    counts: dict[str, dict[str, int]] = {}
    for cell in facts.cells.values():
        table = counts.setdefault(cell.table, {"number": 0, "blank": 0, "dash": 0, "none": 0, "unreadable": 0})
        table[cell.status] += 1
    return dict(sorted(counts.items()))


def number_values(facts_json: dict[str, Any]) -> dict[str, int | float]:
    """Cell key → value for the cells of status "number" in facts shaped as to_json gives them (the history store's
    facts). A blank, 「—」, 「无」 or unreadable cell is absent, never 0."""
    values: dict[str, int | float] = {}
    for table in (facts_json.get("tables") or {}).values():
        for cell in table.get("cells", ()):
            value = cell.get("value")
            # bool is an int to Python; JSON true is not a count
            if cell.get("status") == "number" and isinstance(value, int | float) and not isinstance(value, bool):
                values[cell["key"]] = value
    return values


def _flat(fact: CellFact | SectionFact | ParagraphFact | Claim | Evidence | Publication) -> dict[str, Any]:
    """A fact whose fields are all plain values, as a dict. dataclasses.asdict deep-copies every value on the way and
    cost ~4 ms of a report's to_json, which the history store calls for every file."""
    names = _FIELD_NAMES.get(type(fact))
    if names is None:  # dataclasses.fields() builds its tuple again at every call: once per class here
        names = _FIELD_NAMES[type(fact)] = tuple(f.name for f in fields(fact))
    return {name: getattr(fact, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _flat_cell(cell: CellFact) -> dict[str, Any]:
    """A cell as a dict; the readings of a digit run only where the cell has them (most cells have none)."""
    flat = _flat(cell)
    if not cell.reading_count:
        del flat["readings"], flat["reading_count"]
    else:
        flat["readings"] = list(cell.readings)
    return flat


def _cell_from(data: dict[str, Any]) -> CellFact:
    return CellFact(**{**data, "readings": tuple(data.get("readings", ()))})


def to_json(facts: ReportFacts) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for name in ("t2", "t3", "t4"):
        cells = [_flat_cell(c) for c in facts.cells.values() if c.table == name]
        tables[name] = {"found": name in facts.tables_found, "cells": cells}
    return {
        "path": facts.path,
        "format": facts.format,
        "encoding": facts.encoding,
        "report": {"title": facts.title, "title_line": facts.title_line, "agency": facts.agency,
                   "year": facts.year, "template": facts.template},
        "sections": [_flat(s) for s in facts.sections],
        "paragraphs": [_flat(p) for p in facts.paragraphs],
        "tables": tables,
        "claims": [_flat(c) for c in facts.claims],
        "values": dict(sorted(facts.values.items())),
        "issues": [{"slug": i.slug, "values": dict(i.values)} for i in facts.issues],
        "identity": {"year_source": facts.year_source, "agency_source": facts.agency_source,
                     "evidence": [_flat(e) for e in facts.evidence]},
        **({"publication": _flat(facts.publication)} if facts.publication is not None else {}),
        **({"places": [[p.page, p.line, [list(w) for w in p.wraps]] if p.wraps else [p.page, p.line]
                       for p in facts.places]} if facts.places is not None else {}),
    }


def _place(item: list[Any]) -> Place:
    wraps = tuple((int(o), int(p), None if line is None else int(line)) for o, p, line in item[2]) \
        if len(item) > 2 else ()
    return Place(None if item[0] is None else int(item[0]), item[1], wraps)


def from_json(data: dict[str, Any]) -> ReportFacts:
    """The facts to_json gave: what the history store keeps, read back for the audit of a batch (so a batch need
    not hold every file's facts in memory between recording them and auditing them)."""
    report = data["report"]
    identity = data.get("identity") or {}
    cells = {c["key"]: _cell_from(c) for name in ("t2", "t3", "t4") for c in data["tables"][name]["cells"]}
    return ReportFacts(
        path=data["path"], format=data["format"], encoding=data["encoding"], title=report["title"],
        title_line=report["title_line"], agency=report["agency"], year=report["year"], template=report["template"],
        sections=tuple(SectionFact(**s) for s in data["sections"]),
        paragraphs=tuple(ParagraphFact(**p) for p in data["paragraphs"]),
        cells=cells,
        tables_found=tuple(name for name in ("t2", "t3", "t4") if data["tables"][name]["found"]),
        claims=tuple(Claim(**c) for c in data["claims"]),
        issues=tuple(Issue(i["slug"], dict(i["values"])) for i in data["issues"]),
        values=dict(data["values"]),
        # Facts recorded before issue 10 have no identity block: their year came from the title.
        evidence=tuple(Evidence(**e) for e in identity.get("evidence", ())),
        year_source=identity.get("year_source"), agency_source=identity.get("agency_source"),
        publication=Publication(**data["publication"]) if data.get("publication") else None,
        places=tuple(_place(p) for p in data["places"]) if data.get("places") is not None else None,
    )
