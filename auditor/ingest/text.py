"""Plain text and Markdown reports as published: tab-separated and pipe tables, `#` headings or none.

Table rows come in the shapes text copies of a report really take (issue 10 part 3; real examples quoted in
tests/corpus/catalogue/layouts.yaml):
- pipe rows, framed by `|` or not (「一、本年新收政府信息公开申请数量 | 58 | 7 | … | 66 |」), and tab rows;
- rows aligned by spaces, as PDF text gives them (「四、结转下年度继续办理 0 0 0 0 0 0 0」), when the label is one of
  the template's row labels, or the line is four or more values and nothing else;
- one cell per line, as a web page's table pasted as text gives it (the label on its line, then each value on its
  own line, with or without `|`), only in a run of short lines that holds the template's table words;
- a row label wrapped onto the next line before its values, or after them.
Consecutive rows form one table; tables apart only by blank lines or page marks (「P. 9」「第 3 页」) are one table
cut by a page break. Cells are kept exactly as written: deciding what a cell means belongs to the facts layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.ingest.document import Cell, Document, Paragraph, Row, Table
from auditor.ingest.flat import SECTION_TITLE, looks_flattened, read_flattened

_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
# Web-archive dumps open with the page's metadata (发布时间, 原文链接, 本地目录…) above a 「==== 正文 ====」 line: not
# report text, except the 标题 line, which is the report's title.
_BODY_SEPARATOR = re.compile(r"^=+\s*正文\s*=+$")
_TITLE_LABEL = re.compile(r"^(?:标题|题目)\s*[:：]")
_ARCHIVE_HEADER_LINES = 20
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# A value as a table writes it: a number, or a mark for "nothing" (read_cell decides what each means).
_VALUE = re.compile(r"^(?:[+-]?\d[\d,]*(?:\.\d+)?|[/／\\\-－—–―]+|无)$")
# Where a template row label starts: the numbered rows of table 三, the rows of table 二. A label on its own line
# that starts so begins a new row; a line that does not continues the label before it.
_ROW_START = re.compile(
    r"^(?:[一二三四]、(?:本年新收|上年结转|本年度办理结果|结转下年度)|[（(][一二三四五六七][）)]|\d{1,2}\s*[.．、]\D|"
    r"规章|(?:行政)?规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购)")
# The words of the template's table headers and row labels: a run of short lines is a table only where they are.
_TABLE_WORDS = re.compile(
    r"本年新收|上年结转|本年度办理结果|予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|结转下年度|申请人情况|"
    r"自然人|法人或其他组织|商业企业|科研机构|信息内容|本年制发件数|本年新制作数量|现行有效件数|本年处理决定数量|"
    r"行政许可|行政处罚|行政强制|行政事业性收费|规章|规范性文件|结果维持|结果纠正|尚未审结|复议后起诉|直接起诉")
_MIN_TABLE_WORDS = 3
# A table never filled in has no values to show it is one: only many of its labels and a header's words do.
_MIN_EMPTY_TABLE_WORDS = 8
_HEADER_WORDS = re.compile(r"申请人情况|信息内容|本年制发件数|本年新制作数量|结果维持")
# A page break's own lines: a page number or a running page header that names the page.
_PAGE_MARK = re.compile(r"^(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]|P\.\s*\d+|"
                        r"Page\s+\d+(?:\s+-\s+.*)?|\d+\s*/\s*\d+)$")
# A cell on a line of its own is short and not a sentence: sentence punctuation outside brackets ends a table.
_MAX_CELL_LINE = 45
_SENTENCE = re.compile(r"[，,。；;：:！？!?]")
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")


def _pipe_cells(stripped: str) -> list[str]:
    """The cells of a pipe row, given the line already stripped."""
    body = stripped
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def _is_pipe_row(stripped: str) -> bool:
    """Whether a line, already stripped, is a pipe row: framed by `|`, or two or more cells apart by `|` without
    the outer pipes (web pages copied as text write 「label | 58 | 7 | … | 66 |」)."""
    if stripped.startswith("|"):
        return stripped.count("|") >= 2
    return stripped.count("|") >= 2 and not _SENTENCE.search(_BRACKETED.sub("", stripped.split("|")[0]))


@dataclass
class _Line:
    """One line of the body, classified: `row` (cells of a whole row), `cell` (one cell on a line of its own),
    `pipes` (a line of bare `|`, `count` of them), `page` (a page break's mark) or `text`."""

    number: int
    text: str
    kind: str
    cells: list[str] = field(default_factory=list)
    piped: bool = False  # a `cell` line that ends in `|`: the `|` closes this cell, so a bare `|` after it is a cell
    count: int = 0


def _spaced_row(stripped: str) -> list[str] | None:
    """The cells of a row aligned by spaces (「四、结转下年度继续办理 0 0 0 0 0 0 0」): a template row label, then
    values; or four or more values and nothing else. None for any other line: narrative never becomes a row."""
    tokens = stripped.split()
    end = len(tokens)
    while end and _VALUE.match(tokens[end - 1]):
        end -= 1
    values = tokens[end:]
    if not values:
        return None
    if end == 0:
        return values if len(values) >= 4 else None
    label = tokens[:end]
    if not _ROW_START.match(label[0]) or not _TABLE_WORDS.search("".join(label)):
        return None
    return ["".join(label), *values]


def _classify(number: int, line: str, stripped: str) -> _Line:
    if "\t" in line:
        # Keep empty cells: in a tab table they are the merged-cell offsets and the blank values.
        return _Line(number, stripped, "row", [c.strip() for c in line.split("\t")])
    if "|" in stripped:
        if _PIPE_SEPARATOR.match(stripped):
            return _Line(number, stripped, "separator")
        if not stripped.replace("|", "").strip():
            return _Line(number, stripped, "pipes", count=stripped.count("|"))
        if _is_pipe_row(stripped):
            return _Line(number, stripped, "row", _pipe_cells(stripped))
        if stripped.endswith("|") and stripped.count("|") == 1:
            body = stripped[:-1].strip()
            if _short_cell(body):
                return _Line(number, stripped, "cell", [body], piped=True)
        return _Line(number, stripped, "text")
    if _PAGE_MARK.match(stripped):
        return _Line(number, stripped, "page")
    spaced = _spaced_row(stripped) if " " in stripped or "\u3000" in stripped else None
    if spaced is not None:
        return _Line(number, stripped, "row", spaced)
    if _short_cell(stripped):
        return _Line(number, stripped, "cell", [stripped])
    return _Line(number, stripped, "text")


def _short_cell(text: str) -> bool:
    """Whether a line can be one cell of a table copied one cell per line: a value, or a short label that is not a
    sentence and not one of the six section titles."""
    if _VALUE.match(text):
        return True
    if len(text) > _MAX_CELL_LINE or text.startswith("#") or SECTION_TITLE.match(text):
        return False
    return not _SENTENCE.search(_BRACKETED.sub("", text))


def _is_table_run(run: list[_Line]) -> bool:
    """Whether a run of short lines is a table copied one cell per line: the template's table words on several of
    its lines and values on others; or, a table never filled in, many table words and a header's.
    Short narrative lines (sub-headings, a list) never hold both."""
    cells = [line.cells[0] for line in run if line.kind == "cell"]
    words = sum(1 for text in cells if _TABLE_WORDS.search(text))
    values = sum(1 for text in cells if _VALUE.match(text)) + sum(line.count for line in run if line.kind == "pipes")
    if words >= _MIN_TABLE_WORDS and values >= 2:
        return True
    return words >= _MIN_EMPTY_TABLE_WORDS and any(_HEADER_WORDS.search(text) for text in cells)


class _Rows:
    """Rows built from classified lines: whole rows as they are, cells of a one-cell-per-line run gathered into the
    row their label starts, and a wrapped label joined to its row."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.pending: list[Cell] = []  # the row being gathered from cell lines
        self.pending_values = False
        self.previous_unpiped = False

    def whole(self, line: _Line) -> None:
        cells = [Cell(c, line.number) for c in line.cells]
        label = next((c.text for c in cells if c.text), "")
        if self.pending and not self.pending_values and label and not _VALUE.match(label) \
                and not _ROW_START.match(label):
            # 「（二）部分公开（区分处理的，只计这一情形，不计」 / 「其他情形） 0 0 …」: the label wrapped before its values
            cells = self.pending + cells
            self.pending = []
        self.flush()
        self.rows.append(Row(tuple(cells), line.number))

    def cell(self, line: _Line) -> None:
        text = line.cells[0]
        if _VALUE.match(text):
            self.pending.append(Cell(text, line.number))
            self.pending_values = True
        elif self.pending and (self.pending_values or _ROW_START.match(text)):
            self.flush()
            self.pending.append(Cell(text, line.number))
        elif not self.pending and self.rows and not _ROW_START.match(text) and self.continues_label(text):
            # 「（二）部分公开（…，不计 16 1 0 0 0 0 17」 / 「其他情形）」: the label's rest after the values
            last = self.rows[-1]
            first = last.cells[0]
            self.rows[-1] = Row((Cell(first.text + text, first.line), *last.cells[1:]), last.line)
        else:
            self.pending.append(Cell(text, line.number))
        self.previous_unpiped = not line.piped

    def continues_label(self, text: str) -> bool:
        """A label's rest after its row's values: the row before has a label that starts a template row and an
        unclosed bracket, which this line closes."""
        label = self.rows[-1].cells[0].text
        return bool(_ROW_START.match(label)) and label.count("（") + label.count("(") > \
            label.count("）") + label.count(")") and text.endswith(("）", ")"))

    def pipes(self, line: _Line) -> None:
        # After a cell written without a `|`, the first bare `|` only closes it; otherwise each `|` is a blank cell.
        blanks = line.count - 1 if self.previous_unpiped else line.count
        if self.pending or blanks:
            self.pending.extend(Cell("", line.number) for _ in range(blanks))
            self.pending_values = self.pending_values or blanks > 0
        self.previous_unpiped = False

    def flush(self) -> None:
        if self.pending:
            self.rows.append(Row(tuple(self.pending), self.pending[0].line))
        self.pending = []
        self.pending_values = False


def _tables(lines: list[_Line]) -> tuple[list[Table], set[int]]:
    """The tables in the classified body lines, and the numbers of the lines they took (the others are text)."""
    tables: list[Table] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if lines[i].kind not in {"row", "cell", "pipes", "separator"}:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind in {"row", "cell", "pipes", "separator"}:
            j += 1
        run = lines[i:j]
        stream = _is_table_run(run)
        rows = _Rows()
        for k, line in enumerate(run):
            if line.kind == "row":
                rows.whole(line)
            elif line.kind == "cell" and (stream or _wraps(run, k, rows)):
                rows.cell(line)
            elif line.kind == "pipes" and stream:
                rows.pipes(line)
            elif line.kind == "cell":
                rows.flush()
                continue  # a short line between rows outside a table run: text, not a cell
            used.add(line.number)  # a separator or stray `|` outside a table run is structure, not text
        rows.flush()
        if rows.rows:
            _add_table(tables, rows.rows, lines, i)
        i = j
    return tables, used


def _wraps(run: list[_Line], k: int, rows: _Rows) -> bool:
    """Whether the short line run[k], between whole rows (tab, pipe or spaced), is part of a row's wrapped label:
    the start of a template row label whose values are on the next line, or a label's rest after its values."""
    text = run[k].cells[0]
    if _VALUE.match(text):
        return False
    if _ROW_START.match(text) and k + 1 < len(run) and run[k + 1].kind == "row":
        label = next((c for c in run[k + 1].cells if c), "")
        return bool(label) and not _VALUE.match(label) and not _ROW_START.match(label)
    return not rows.pending and bool(rows.rows) and rows.continues_label(text)


def _add_table(tables: list[Table], rows: list[Row], lines: list[_Line], start: int) -> None:
    """Append a table, or join it to the one before when it is that table's second half, cut by a page break: only
    page marks and blank lines lie between them, and either a page mark does or the second half goes on with a
    template row and its rows are as wide as the first half's last. (Separate tables a blank line apart, as table
    二's four blocks often are, start with their own header and stay apart.)"""
    if tables:
        between = [line for line in lines[:start] if tables[-1].last_line < line.number]
        if between and all(line.kind in {"page", "blank"} for line in between):
            label = next((c.text for c in rows[0].cells if c.text), "")
            continues = bool(_ROW_START.match(label)) and len(rows[0].cells) == len(tables[-1].rows[-1].cells)
            if continues or any(line.kind == "page" for line in between):
                tables[-1] = Table(rows=tables[-1].rows + tuple(rows))
                return
    tables.append(Table(rows=tuple(rows)))


def read_text(text: str, path: str, fmt: str, encoding: str) -> Document:
    lines = text.splitlines()
    header = lines[:_ARCHIVE_HEADER_LINES]
    header_end = next((i for i, line in enumerate(header) if _BODY_SEPARATOR.match(line.strip())), None)
    body: list[_Line] = []
    flat_paragraphs: list[Paragraph] = []
    flat_tables: list[Table] = []
    flattened_line: int | None = None
    line_count = len(lines)  # a flattened line's segments are numbered after the physical lines, and count too
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()  # once per line: every test below reads the stripped form
        if header_end is not None and number <= header_end + 1 and not _TITLE_LABEL.match(stripped):
            continue  # the archive's metadata and the separator
        if not stripped:
            body.append(_Line(number, "", "blank"))  # ends a table; _add_table may join the halves again
            continue
        if flattened_line is None and "\t" not in line and looks_flattened(stripped):
            flattened_line = number
            found, flat_tables, line_count = read_flattened(stripped, len(lines) + 1)
            flat_paragraphs.extend(found)
            body.append(_Line(number, stripped, "flat"))
            continue
        body.append(_classify(number, line, stripped))
    tables, used = _tables(body)
    paragraphs: list[Paragraph] = []
    for item in body:
        if item.number in used or item.kind == "blank":
            continue
        if item.kind == "flat":
            # Appended here, the segments keep document order: they sit where their physical line was.
            paragraphs.extend(flat_paragraphs)
            continue
        match = _HEADING.match(item.text)
        if match:
            paragraphs.append(Paragraph(item.number, match.group(2), heading_level=len(match.group(1))))
        else:
            paragraphs.append(Paragraph(item.number, item.text))
    if flattened_line is not None:  # the flattened line's tables, where it was among the others
        before = [t for t in tables if t.first_line < flattened_line]
        tables = before + flat_tables + tables[len(before):]
    return Document(path=path, format=fmt, encoding=encoding, paragraphs=tuple(paragraphs),
                    tables=tuple(tables), line_count=line_count, flattened_line=flattened_line)
