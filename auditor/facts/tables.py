"""Tables 二, 三 and 四 mapped onto canonical keys.

Published tables shift their rows by merged cells, so a row is identified by its label and its numbers are taken from
its end (issue 2). A row whose values cannot be placed unambiguously yields `unreadable` cells, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from auditor.facts.model import CellFact, Issue, SectionFact
from auditor.facts.normalize import compact, read_cell, written_as_number
from auditor.facts.readings import Readings, digit_readings, split_digit_run
from auditor.facts.sections import section_at
from auditor.facts.vocabulary import (
    OTHER_2021,
    T2_LAYOUT,
    T2_LAYOUT_MARKERS,
    T2_ROWS,
    T3_COLUMNS,
    T3_LAYOUT,
    T3_ROW_PATTERNS,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
)
from auditor.ingest.document import Cell, Paragraph, Row, Table

__all__ = ["fit_values", "read_t2", "read_t3", "read_t4", "split_digit_run", "split_row"]


@dataclass(frozen=True)
class SplitRow:
    """A table row cut into its label (compacted text of the leading cells) and its trailing value cells."""

    label: str
    values: tuple[Cell, ...]
    trailing_blanks: int
    line: int


def split_row(row: Row) -> SplitRow:
    cells = [c for c in row.cells if not c.covered]  # a merged cell's other positions are not cells of their own
    # Two bounds walked in from the end, then one slice each, rather than popping cells and inserting them at the
    # front of a list one at a time.
    end = len(cells)
    while end and not cells[end - 1].text.strip():
        end -= 1
    start = end
    while start and (read_cell(cells[start - 1].text).status != "unreadable"
                     or written_as_number(cells[start - 1].text)):
        start -= 1
    label = compact("".join([c.text for c in cells[:start]]))
    return SplitRow(label=label, values=tuple(cells[start:end]), trailing_blanks=len(cells) - end, line=row.line)


def fit_values(split: SplitRow, width: int) -> tuple[Cell, ...] | None:
    """Exactly `width` value cells, or None when the row cannot be placed without guessing.

    Extra leading cells are accepted only when blank (merged-label offsets); missing cells only when the row ended in
    blank cells that can stand for them (a blank last column, as in tables whose 总计 column was left empty). A single
    run of digits standing for several cells (flattened text) is split only when exactly one reading exists.
    """
    values = list(split.values)
    if width > 1 and len(values) == 1 and values[0].text.replace(" ", "").isdigit():
        cells = split_digit_run(values[0].text, width)
        return tuple(Cell(c, values[0].line) for c in cells) if cells else None
    while len(values) > width and not values[0].text.strip():
        values.pop(0)
    if len(values) > width:
        return None
    missing = width - len(values)
    if missing and missing <= split.trailing_blanks:
        values += [Cell("", split.line)] * missing
    return tuple(values) if len(values) == width else None


def _cell(table: str, row: str, column: str, source: Cell | None, line: int, section: int | None) -> CellFact:
    if source is None:  # the row is there but its cells cannot be placed
        return CellFact(f"{table}.{row}.{column}", table, row, column, "", "unreadable", None, line, section)
    value = read_cell(source.text)
    return CellFact(f"{table}.{row}.{column}", table, row, column, source.text, value.status, value.value,
                    source.line, section)


def _ambiguous_run(split: SplitRow, width: int) -> tuple[str, Readings] | None:
    """The digit run and its readings when the row is one run of digits with more than one reading (flattened text):
    the cells stay unreadable, and carry what each reading would make of them (auditor.evaluate checks every one)."""
    values = split.values
    if width < 2 or len(values) != 1 or not values[0].text.replace(" ", "").isdigit():
        return None
    readings = digit_readings(values[0].text, width)
    return (values[0].text, readings) if readings.count > 1 else None


def _row_cells(table: str, row: str, columns: list[str], split: SplitRow, line: int,
               section: int | None) -> list[CellFact]:
    """A row's cells under `columns`: placed when they can be, else unreadable, with their readings when the row is
    one digit run that reads several ways (its text as the cells' raw text, where it came from)."""
    placed = fit_values(split, len(columns))
    if placed is not None:
        return [_cell(table, row, column, placed[i], line, section) for i, column in enumerate(columns)]
    ambiguous = _ambiguous_run(split, len(columns))
    if ambiguous is None:
        return [_cell(table, row, column, None, line, section) for column in columns]
    run, readings = ambiguous
    return [CellFact(f"{table}.{row}.{column}", table, row, column, run, "unreadable", None, split.values[0].line,
                     section, readings=tuple(int(cells[i]) for cells in readings.cells), reading_count=readings.count)
            for i, column in enumerate(columns)]


def _rows_in(tables: Iterable[Table], span: SectionFact | None) -> list[Row]:
    rows = [r for t in tables for r in t.rows]
    if span is None:
        return rows
    return [r for r in rows if span.line <= r.line <= span.end_line]


def t3_layout(cells: dict[str, CellFact]) -> int | None:
    """2019 when table 三 has the single （六）其他处理 row, 2021 when it has （六）'s sub-rows, else unknown."""
    rows = {c.row for c in cells.values() if c.table == "t3"}
    if "other_processing" in rows:
        return 2019
    if rows.intersection(OTHER_2021):
        return 2021
    return None


def read_t3(tables: tuple[Table, ...], span: SectionFact | None,
            sections: tuple[SectionFact, ...]) -> tuple[dict[str, CellFact], list[Issue]]:
    """Table 三's cells. A row whose label is in the file is never missing: with values that cannot be placed its
    cells are unreadable; with nothing after its label they are unreadable too, or blank when the whole table has
    nothing written in it (a table never filled in, see `empty_table`)."""
    cells: dict[str, CellFact] = {}
    seen: set[str] = set()
    bare: dict[str, int] = {}  # rows whose label is there with no value cell after it: key → line
    ambiguous: set[str] = set()  # rows whose label shares a row with another row's label
    previous: str | None = None
    columns = list(T3_COLUMNS)
    for row in _rows_in(tables, span):
        split = split_row(row)
        if not split.label:
            continue
        keys = _match_t3_all(split.label, previous)
        if len(keys) > 1 and len(split.label) <= _MAX_LABEL:
            # one label holding two rows' labels (PDF text that put 「4.无正当理由大量反复申请」 and 「5.要求行政机关
            # 确认或重新出具」 above one row of values): the rows are there, whose values these are is not known
            ambiguous.update(k for k in keys if k not in seen)
            previous = keys[-1]
            continue
        key = keys[0] if keys else None
        if key is None or key in seen:
            continue
        previous = key
        # A labelled row whose value cells are all blank is a row of blanks (as a blank template has); it must span
        # the row's width, so a header row that merely ends in 总计 is not taken for (七). Shorter, it is a label
        # with nothing after it (a cell-per-line copy's header, a row whose values were never written).
        if not split.values and split.trailing_blanks < len(columns):
            if len(split.label) <= _MAX_LABEL:
                bare.setdefault(key, row.line)
            continue
        seen.add(key)
        for fact in _row_cells("t3", key, columns, split, row.line, section_at(sections, row.line)):
            cells[fact.key] = fact
    cells.update(_bare_rows(bare, seen, cells, sections))
    cells.update(_unplaced(ambiguous - seen, tables, span, sections))
    issues = []
    expected = T3_LAYOUT[t3_layout(cells) or 2021]
    present = seen | bare.keys() | ambiguous
    if present and any(k not in present for k in expected):
        missing = [T3_ROWS[k][0] for k in expected if k not in present]
        issues.append(Issue("rows_missing", {"table": "三", "rows": "、".join(missing)}))
    return cells, issues


# A row label, however wrapped or prefixed by a merged cell's text, is short: a longer "label" with nothing after it is
# text run together (a flattened page, a header), not a row. A table never filled in shows several of its labels.
_MAX_LABEL = 80
_MIN_EMPTY_ROWS = 3


def _bare_rows(bare: dict[str, int], seen: set[str], cells: dict[str, CellFact],
               sections: tuple[SectionFact, ...]) -> dict[str, CellFact]:
    """Cells for the rows whose label is there with no value after it: blank when nothing is written anywhere in
    the table (never filled in), else unreadable. A (六)其他处理 label beside (六)'s 2021 sub-rows is the sub-rows'
    heading, not the 2019 row (the 2021 template writes 「（六）其他处理」 above 「1.申请人无正当理由逾期不补正…」)."""
    rows = {k: line for k, line in bare.items() if k not in seen}
    if "other_processing" in rows and (seen | rows.keys()).intersection(OTHER_2021):
        del rows["other_processing"]
    # Something written, even a row whose values cannot be placed, makes the table one that was filled in.
    written = any(c.raw.strip() or c.status == "unreadable" for c in cells.values())
    if not written and len(rows) < _MIN_EMPTY_ROWS:
        return {}  # a stray label or two is no table
    status = "unreadable" if written else "blank"
    out: dict[str, CellFact] = {}
    for key, line in rows.items():
        for column in T3_COLUMNS:
            fact = CellFact(f"t3.{key}.{column}", "t3", key, column, "", status, None, line,
                            section_at(sections, line))
            out[fact.key] = fact
    return out


def empty_table(cells: dict[str, CellFact], table: str) -> bool | None:
    """Whether a table is there but never filled in: its row labels are in the report and every one of its cells is
    blank (no number, no 「—」 or 「无」, nothing unreadable). None when the table is not there at all."""
    mine = [c for c in cells.values() if c.table == table]
    if not mine:
        return None
    return all(c.status == "blank" for c in mine)


def _unplaced(keys: set[str], tables: tuple[Table, ...], span: SectionFact | None,
              sections: tuple[SectionFact, ...]) -> dict[str, CellFact]:
    """Unreadable cells for rows that are in the table but whose values cannot be told apart from another row's."""
    line = next((r.line for r in _rows_in(tables, span)), 0)
    out: dict[str, CellFact] = {}
    for key in sorted(keys):
        for column in T3_COLUMNS:
            out[f"t3.{key}.{column}"] = CellFact(f"t3.{key}.{column}", "t3", key, column, "", "unreadable", None,
                                                 line, section_at(sections, line))
    return out


def _match_t3_all(label: str, previous: str | None) -> list[str]:
    """Every row key whose pattern the label holds, in template order; (六)其他处理 beside one of its 2021 sub-rows
    is that sub-row's heading, not a row of its own."""
    keys = []
    for key, pattern in T3_ROW_PATTERNS:
        if key == "other.other" and previous not in {"other.no_correction", "other.unpaid_fee"}:
            continue
        if pattern.search(label):
            keys.append(key)
    if "other_processing" in keys and set(keys).intersection(OTHER_2021):
        keys.remove("other_processing")
    return keys


def _match_t3(label: str, previous: str | None) -> str | None:
    for key, pattern in T3_ROW_PATTERNS:
        if not pattern.search(label):
            continue
        # 「3.其他」 is (六)3 only inside (六); elsewhere 其他 is a column header or an unrelated note.
        if key == "other.other" and previous not in {"other.no_correction", "other.unpaid_fee"}:
            continue
        return key
    return None


def read_t4(tables: tuple[Table, ...], span: SectionFact | None, sections: tuple[SectionFact, ...],
            paragraphs: tuple[Paragraph, ...] = ()) -> dict[str, CellFact]:
    """Table 四 is one row of 15 numbers under a two-level header; its header text identifies it. Some reports write
    it as three tables of five under headings that name the blocks (read from `paragraphs`)."""
    width = len(T4_BLOCKS) * len(T4_COLUMNS)
    for table in tables:
        if span is not None and not (span.line <= table.first_line <= span.end_line):
            continue
        # Inside section 四 any table may be table 四 (Markdown conversions leave its header words as plain lines
        # above it); without the section, only a table that names 复议 and 诉讼.
        if span is None:
            header = compact("".join([c.text for r in table.rows for c in r.cells]))
            if "复议" not in header or "诉讼" not in header:
                continue
        for row in table.rows:
            split = split_row(row)
            numbers = sum(1 for c in split.values if written_as_number(c.text))
            # A data row: half its cells numbers; or no label and a value in every cell, blanks standing for 0 as some
            # tables write them; or (flattened text) one run with at least a digit per cell.
            run = len(split.values) == 1 and len(split.values[0].text.replace(" ", "")) >= width
            unlabelled = not split.label and len(split.values) + split.trailing_blanks >= width
            if numbers < width // 2 and not run and not unlabelled:
                continue
            return _t4_row(split, row.line, section_at(sections, row.line))
    if span is None:
        return {}
    return _read_t4_blocks(tables, span, sections, paragraphs) or _unfilled_t4(tables, span, sections)


def _t4_row(split: SplitRow, line: int, section: int | None) -> dict[str, CellFact]:
    """Table 四's fifteen cells from its one row: placed, or unreadable with the readings of its digit run (the
    readings of the whole row, whose cells belong to three blocks, so each block's cells stay one reading apart)."""
    columns = [f"{b}.{c}" for b in T4_BLOCKS for c in T4_COLUMNS]
    cells = {}
    for fact in _row_cells("t4", "", columns, split, line, section):
        block, column = fact.column.rsplit(".", 1)
        fact = replace(fact, key=f"t4.{block}.{column}", row=block, column=column)
        cells[fact.key] = fact
    return cells


def _written_value(text: str) -> bool:
    """Whether a cell holds a value of any kind: a number (a digit run too long to read included) or a mark."""
    return any(ch.isdigit() for ch in text) or read_cell(text).status in {"number", "dash", "none"}


def _unfilled_t4(tables: tuple[Table, ...], span: SectionFact, sections: tuple[SectionFact, ...]) \
        -> dict[str, CellFact]:
    """Table 四 there but never filled in: inside section 四, its header (「结果维持」…) with no value anywhere in the
    table. Its fifteen cells are blank, at the header's line, so the report says the table is empty rather than
    absent."""
    for table in tables:
        if not span.line <= table.first_line <= span.end_line:
            continue
        texts = [c.text for r in table.rows for c in r.cells if not c.covered]
        header = compact("".join(texts))
        if "结果维持" not in header or any(_written_value(t) for t in texts):
            continue
        section = section_at(sections, table.first_line)
        return {f"t4.{b}.{c}": CellFact(f"t4.{b}.{c}", "t4", b, c, "", "blank", None, table.first_line, section)
                for b in T4_BLOCKS for c in T4_COLUMNS}
    return {}


# Headings that name a block of table 四 when each block is a table of its own (沭阳 2025: 「### 行政复议」,
# 「### 行政诉讼（未经复议直接起诉）」, 「### 行政诉讼（复议后起诉）」). Tried in this order: 复议后 before 复议.
_T4_BLOCK_HEADINGS = (("litigation_after_review", "复议后"), ("litigation_direct", "直接起诉"),
                      ("litigation_direct", "未经复议"), ("review", "复议"))


def _read_t4_blocks(tables: tuple[Table, ...], span: SectionFact, sections: tuple[SectionFact, ...],
                    paragraphs: tuple[Paragraph, ...]) -> dict[str, CellFact]:
    """Table 四 written as three tables of five, each under a heading that names its block."""
    cells: dict[str, CellFact] = {}
    for table in tables:
        if not span.line <= table.first_line <= span.end_line:
            continue
        heading = next((compact(p.text) for p in reversed(paragraphs) if p.line < table.first_line), "")
        block = next((b for b, word in _T4_BLOCK_HEADINGS if word in heading), None)
        if block is None or any(k.startswith(f"t4.{block}.") for k in cells):
            continue
        for row in table.rows:
            split = split_row(row)
            if split.label or sum(1 for c in split.values if written_as_number(c.text)) < 1:
                continue
            for fact in _row_cells("t4", block, list(T4_COLUMNS), split, row.line, section_at(sections, row.line)):
                cells[fact.key] = fact
            break
    return cells


# The vocabulary's patterns compiled once, at import, not on every report.
_T2_MARKERS = {layout: re.compile(marker) for layout, marker in T2_LAYOUT_MARKERS.items()}
_T2_ROW_PATTERNS = {key: re.compile(spec[2]) for key, spec in T2_ROWS.items()}


def t2_layout(tables: tuple[Table, ...], span: SectionFact | None) -> int | None:
    """Which template's table 二 this is, from its header words (本年制发件数 or 本年新制作数量…); None if unclear."""
    text = compact("".join([c.text for r in _rows_in(tables, span) for c in r.cells]))
    found = [layout for layout, marker in _T2_MARKERS.items() if marker.search(text)]
    return found[0] if len(found) == 1 else None


_PLAIN_ROW = re.compile(r"^([\u4e00-\u9fff（）()]+)((?:\s+\S+)+)$")


def _plain_rows(paragraphs: tuple[Paragraph, ...], span: SectionFact | None) -> list[Row]:
    """Lines of plain text that are table rows whose markup a conversion lost: 「行政许可 97」 (a label, then its
    cells separated by white space). Only inside section 二, where table 二 is expected."""
    if span is None:
        return []
    rows = []
    for p in paragraphs:
        if not span.line <= p.line <= span.end_line:
            continue
        match = _PLAIN_ROW.match(p.text.strip())
        if match:
            rows.append(Row((Cell(match.group(1), p.line), *(Cell(t, p.line) for t in match.group(2).split())), p.line))
    return rows


def read_t2(tables: tuple[Table, ...], span: SectionFact | None, sections: tuple[SectionFact, ...],
            layout: int, paragraphs: tuple[Paragraph, ...] = ()) -> dict[str, CellFact]:
    """Table 二 read with the columns of `layout` (2019 or 2021); rows may also be plain lines (「行政许可 97」)."""
    cells: dict[str, CellFact] = {}
    rows = T2_LAYOUT[layout]
    patterns = {key: _T2_ROW_PATTERNS[key] for key in rows}
    for row in _rows_in(tables, span) + _plain_rows(paragraphs, span):
        split = split_row(row)
        if not split.label:
            continue
        for key, pattern in patterns.items():
            if f"t2.{key}.{rows[key][0]}" in cells or not pattern.search(split.label):
                continue
            columns = list(rows[key])
            if not split.values:
                # the label with nothing after it (a table never filled in): blank cells, not unplaceable ones
                split = SplitRow(split.label, tuple(Cell("", row.line) for _ in columns), 0, split.line)
            for fact in _row_cells("t2", key, columns, split, row.line, section_at(sections, row.line)):
                cells[fact.key] = fact
            break
    return cells
