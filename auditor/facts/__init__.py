"""Facts: a Document becomes a ReportFacts with provenance for every value."""

from __future__ import annotations

import re

from auditor.facts.claims import Extractor
from auditor.facts.identity import LAYOUT, decide, gather, year_values
from auditor.facts.model import CellFact, Claim, Issue, ParagraphFact, ReportFacts, SectionFact, template_for_year
from auditor.facts.normalize import too_long
from auditor.facts.report import find_title
from auditor.facts.sections import find_sections, heading_values, length_values, section_at
from auditor.facts.tables import empty_table, read_t2, read_t3, read_t4, t2_layout, t3_layout
from auditor.ingest.document import Document, OcrNote
from auditor.limits import MAX_NUMBER_DIGITS

__all__ = ["CellFact", "Claim", "Extractor", "Issue", "ReportFacts", "SectionFact", "agency_classes", "extract_facts"]

_TABLE_TITLES = {"t2": ("二", "主动公开政府信息情况"), "t3": ("三", "收到和处理政府信息公开申请情况"),
                 "t4": ("四", "政府信息公开行政复议、行政诉讼情况")}


def extract_facts(document: Document) -> ReportFacts:
    """A Document's facts; its narrative claims come later, from the pack that applies (auditor.audit.read_facts)."""
    sections = find_sections(document.paragraphs, document.line_count)
    heading_lines = {s.line for s in sections if not s.inferred}  # an inferred one starts at a line of its text
    first_section = sections[0].line if sections else None
    found_title = find_title(document.paragraphs, first_section)
    title, title_text = found_title if found_title else (None, None)
    identity = decide(gather(document.paragraphs, (title_text, title.line) if title and title_text else None,
                             document.page_title, document.path, first_section))
    agency, year = identity.agency, identity.year
    issues: list[Issue] = []
    if title is None and (agency is None or year is None):  # else other evidence stood in for it (year_source)
        issues.append(Issue("title_not_found"))
    if document.flattened_line is not None:
        issues.append(Issue("flattened_text", {"line": str(document.flattened_line)}))
    if document.script == "traditional":
        issues.append(Issue("traditional_script"))
    if document.ocr is not None:
        issues.append(_ocr_issue(document.ocr))

    by_number = {s.number: s for s in sections}
    cells: dict[str, CellFact] = {}
    t3, t3_issues = read_t3(document.tables, by_number.get(3), sections)
    # The layout the report is actually in: table 二's header words, else table 三's （六）rows. It may differ from the
    # template its year calls for, which is a finding in itself (rule TPL-LAYOUT).
    layout_t3 = t3_layout(t3)
    layout = t2_layout(document.tables, by_number.get(2)) or layout_t3
    # No year anywhere: the tables' layout still tells the template (the 2019 and 2021 formats differ).
    template = template_for_year(year) or layout
    cells.update(read_t2(document.tables, by_number.get(2), sections, layout or template or 2021,
                         document.paragraphs))
    cells.update(t3)
    cells.update(read_t4(document.tables, by_number.get(4), sections, document.paragraphs))
    # `report.empty.<table>`: 1 when the table is there but never filled in (rule TBL-EMPTY), 0 when it holds
    # something; absent when the table is not there (table_not_found says so).
    empty: dict[str, int | float] = {f"report.empty.{t}": int(e) for t in ("t2", "t3", "t4")
                                     if (e := empty_table(cells, t)) is not None}
    with_cells = {c.table for c in cells.values()}  # one pass over the cells, not one per table
    found = tuple(t for t in ("t2", "t3", "t4") if t in with_cells)
    if not document.tables:
        issues.append(Issue("no_tables"))
    else:
        for table in ("t2", "t3", "t4"):
            if table not in found:
                number, name = _TABLE_TITLES[table]
                issues.append(Issue("table_not_found", {"table": number, "title": name}))
    issues.extend(t3_issues)
    overlong = _too_long_numbers(document)
    if overlong is not None:
        issues.append(overlong)

    paragraphs = tuple(
        ParagraphFact(line=p.line, section=section_at(sections, p.line), text=p.text)
        for p in document.paragraphs
        if p.line not in heading_lines and (title is None or p.line != title.line)
    )
    return ReportFacts(
        path=document.path, format=document.format, encoding=document.encoding,
        title=title_text, title_line=title.line if title else None,
        agency=agency, year=year, template=template,
        sections=sections, paragraphs=paragraphs, cells=cells, tables_found=found,
        issues=tuple(issues),
        values={**{k: v for k, v in (("report.year", year), ("report.template", template), ("report.layout", layout),
                                      ("report.layout_t3", layout_t3)) if v is not None},
                **year_values(identity), **heading_values(sections),
                **length_values(sections, paragraphs), **empty},
        evidence=identity.evidence,
        year_source=identity.year_by.kind if identity.year_by else (LAYOUT if template else None),
        agency_source=identity.agency_by.kind if identity.agency_by else None,
        places=document.places,
    )


# A quantity in the narrative: a digit run followed by what reports count in. A long digit run without one (a URL's
# content id, a 统一社会信用代码) is not a number the audit reads, so it is not this problem.
# The look-behind starts a match only where a digit run starts: without it, a run of n digits is tried from each of
# its n positions, n² steps (a 100,000-digit run hung the fuzzer).
_LONG_QUANTITY = re.compile(rf"(?<!\d)\d{{{MAX_NUMBER_DIGITS + 1},}}\s*(?:件|份|条|起|宗|个|人次|次|项|万|元|%|％)")


_NUMBER_LIKE = re.compile(r"[\s\d,.，．+\-０-９]+")  # a cell meant as a number, not a code or a file number


def _ocr_issue(note: OcrNote) -> Issue:
    """The notice that a scan was read through OCR, with the share of its table cells with ink that were read."""
    total = note.cells_read + note.cells_unsure
    share = f"{note.cells_read / total:.1%}" if total else "—"
    return Issue("ocr", {"engine": note.engine, "pages": str(note.pages), "read": str(note.cells_read),
                         "unsure": str(note.cells_unsure), "total": str(total), "share": share})


def _too_long_numbers(document: Document) -> Issue | None:
    """The number_too_long problem: table cells and narrative quantities with more digits than a number may have.
    They are not read (a cell is unreadable, a claim is not made), so the checks that need them cannot pass
    unseen: the problem makes the file one the run cannot vouch for. Every cell of every table is looked at, not
    only those read as facts: a row whose long number broke its reading has no fact for it. Not in a flattened web
    dump, whose long digit runs are several cells run together (flat.py reads them as unreadable, and the
    flattened_text problem says so)."""
    found = [] if document.flattened_line is not None else [
        (c.line, c.text) for t in document.tables for r in t.rows for c in r.cells
        if not c.covered and too_long(c.text) and _NUMBER_LIKE.fullmatch(c.text)]
    found += [(p.line, m.group()) for p in document.paragraphs for m in _LONG_QUANTITY.finditer(p.text)]
    if not found:
        return None
    line, raw = min(found)
    sample = raw if len(raw) <= 24 else f"{raw[:20]}…({len(raw)})"
    return Issue("number_too_long", {"count": str(len(found)), "limit": str(MAX_NUMBER_DIGITS), "line": str(line),
                                     "sample": sample})


def agency_classes(facts: ReportFacts, classes: dict[str, re.Pattern[str]]) -> dict[str, int]:
    """`report.agency.<class>`: 1 when the agency named in the title matches the class's pattern, else 0; nothing when
    the agency is unknown (a rule that needs the class is then not assessable)."""
    if facts.agency is None:
        return {}
    return {f"report.agency.{name}": int(bool(pattern.search(facts.agency))) for name, pattern in classes.items()}
