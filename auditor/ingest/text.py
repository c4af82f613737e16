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

from auditor.ingest.document import Cell, Document, Paragraph, Place, Row, Table
from auditor.ingest.flat import SECTION_TITLE, looks_flattened, read_flattened
from auditor.ingest.rewrap import unwrap

_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
# Web-archive dumps open with the page's metadata (发布时间, 原文链接, 本地目录…) above a 「==== 正文 ====」 line: not
# report text, except the 标题 line, which is the report's title.
_BODY_SEPARATOR = re.compile(r"^=+\s*正文\s*=+$")
_TITLE_LABEL = re.compile(r"^(?:标题|题目)\s*[:：]")
_ARCHIVE_HEADER_LINES = 20
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# A value as a table writes it: a number, a 2019 table 二's change (「减4」), or a mark for "nothing" (read_cell decides
# what each means).
_VALUE = re.compile(r"^(?:[+-]?\d[\d,]*(?:\.\d+)?|[增减]\d+(?:\.\d+)?|[/／\\\-－—–―]+|无)$")
# Where a template row label starts: the numbered rows of table 三, the rows of table 二. A label on its own line
# that starts so begins a new row; a line that does not continues the label before it.
_ROW_START = re.compile(
    r"^(?:[一二三四]、(?:本年新收|上年结转|本年度办理结果|结转下年度)|[（(][一二三四五六七][）)]|\d{1,2}\s*[.．、]\D|"
    r"规章|(?:行政)?规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购|"
    r"第二十条第)")
# A numbered heading (「四、因政府信息公开工作被申请行政复议提起行政诉讼情况」) is never a cell, though a merged cell's
# numeral alone (「三、」 of 「三、本年度办理结果」 printed down the cell) may be.
_NUMBERED_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S{2,}")
# The words of the template's table headers and row labels: a run of short lines is a table only where they are.
_TABLE_WORDS = re.compile(
    r"本年新收|上年结转|本年度办理结果|予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|结转下年度|申请人情况|"
    r"自然人|法人或其他组织|商业企业|科研机构|信息内容|本年制发件数|本年新制作数量|现行有效件数|本年处理决定数量|"
    r"行政许可|行政处罚|行政强制|行政事业性收费|规章|规范性文件|结果维持|结果纠正|尚未审结|复议后起诉|直接起诉")
_MIN_TABLE_WORDS = 3
# A table never filled in has no values to show it is one: only many of its labels and a header's words do.
_MIN_EMPTY_TABLE_WORDS = 4
_HEADER_WORDS = re.compile(r"申请人情况|信息内容|本年制发件数|本年新制作数量|结果维持")
# A page break's own lines: a page number or a running page header that names the page.
_PAGE_MARK = re.compile(r"^(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]|P\.\s*\d+|"
                        r"Page\s+\d+(?:\s+-\s+.*)?|\d+\s*/\s*\d+)$")
# A cell on a line of its own is short and not a sentence: sentence punctuation outside brackets ends a table.
_MAX_CELL_LINE = 45
_MAX_WRAPPED_LABEL = 20  # a wrapped label's rest is a short line; narrative wrapped by a PDF fills the line
_SENTENCE = re.compile(r"[，,。；;：:！？!?]")
# A wrapped row label may hold 「，」 (「形，不计其他情形）」), never these.
_STRICT_SENTENCE = re.compile(r"[。；;：:！？!?]")
# A template row's start anywhere in a label: PDF text puts a merged cell's characters before it
# (「办 （三）不 4.保护…」).
_ROW_ANYWHERE = re.compile(r"(?:^|\s|[^\d])(?:\d{1,2}\s*[.．、]\D|[（(][一二三四五六七][）)])")
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
    """The cells of a row aligned by spaces, as PDF text gives it (「四、结转下年度继续办理 0 0 0 0 0 0 0」,
    「本 2.其他法律行政法规禁止公开 30 1 0 0 0 0 31」, 「本」 a character of the merged 「三、本年度办理结果」): a label
    with a template row's words, then values; or four or more values after a short label that is not a sentence, or
    after none. None for any other line: narrative never becomes a row."""
    tokens = stripped.split()
    end = len(tokens)
    while end and _VALUE.match(tokens[end - 1]):
        end -= 1
    values = tokens[end:]
    if not values:
        return None
    label = "".join(tokens[:end])
    if not label:
        return values if len(values) >= 4 else None
    if _STRICT_SENTENCE.search(_BRACKETED.sub("", label)) or any(_VALUE.match(t) for t in tokens[:end]):
        return None  # a sentence, or a value inside the label (「行政许可 6 减4 2」): not a row this can cut
    if _ROW_ANYWHERE.search(label) or _TABLE_WORDS.search(label) or (len(values) >= 4 and len(label) <= _MAX_CELL_LINE):
        return [label, *values]
    return None


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
    if _NUMBERED_HEADING.match(text) and not _ROW_START.match(text):
        return False
    bare = _BRACKETED.sub("", text)
    if _STRICT_SENTENCE.search(bare):
        return False
    # 「，」 in a short line is a wrapped row label's: 「（二）部分公开（区分处理的，只计这一情」「形，不计其他情形）」
    return not _SENTENCE.search(bare) or len(text) <= _MAX_WRAPPED_LABEL or bool(_ROW_START.match(text))


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
    """Rows built from classified lines.

    Whole rows are kept as they are. Short lines are label fragments: in a table copied one cell per line
    (`stream`) they and the value lines gather into the row their label starts. Between whole rows, a fragment is
    the part of a wrapped label, as PDF text wraps a merged cell: 「（二）部分公开（区分处理的，只计这一情」,
    「447 7 0 0 0 0 454」, 「形，不计其他情形）」. A row without a label, or whose label does not start a template row,
    takes the fragments just before it; failing those, a row without a label takes the template row label just
    after it (「1 0 0 0 0 0 1」, 「1.属于国家秘密」); a fragment that starts no row, just after a row that took
    fragments or whose bracket is unclosed, is its label's rest. Any other fragment between rows is the table's
    own text (a merged cell's characters, a header) and stays a label-only row; before the first row it is text."""

    def __init__(self, stream: bool) -> None:
        self.stream = stream
        self.rows: list[Row] = []
        self.pending: list[Cell] = []  # the row being gathered (stream), or label fragments waiting for a row
        self.pending_values = False
        self.previous_unpiped = False
        self.open = False  # the last row may still take its label's rest
        self.wants_label = False  # the last row has values and no label: it may take the template row label after it
        self.leading: list[int] = []  # fragments before the first row: text, unless a row takes them

    def whole(self, line: _Line) -> None:
        cells = [Cell(c, line.number) for c in line.cells]
        label = next((c.text for c in cells if c.text and not _VALUE.match(c.text)), "")
        unlabelled = not label
        took = False
        if self.pending and not self.pending_values and (unlabelled or not _starts_row(label)):
            cells = [Cell("".join(c.text for c in self.pending), self.pending[0].line), *cells]
            self.pending = []
            took = True
        else:
            self.flush()
        self.leading = []
        self.rows.append(Row(tuple(cells), line.number))
        self.open = took or _unclosed(label)
        self.wants_label = unlabelled and not took and not self.stream

    def cell(self, line: _Line) -> None:
        text = line.cells[0]
        if self.stream:
            self._stream_cell(line, text)
        elif _VALUE.match(text):
            self.flush()
            self.leading = []
        elif self.rows and self.wants_label and not self.pending and _starts_row(text):
            self._label_last(text, prefix=True)
            self.wants_label = False
            self.open = True
        elif self.rows and self.open and not self.pending and not _starts_row(text):
            self._label_last(text, prefix=False)
        else:
            if not self.rows:
                self.leading.append(line.number)
            self.pending.append(Cell(text, line.number))
            self.open = self.wants_label = False
        self.previous_unpiped = not line.piped

    def _stream_cell(self, line: _Line, text: str) -> None:
        if _VALUE.match(text):
            self.pending.append(Cell(text, line.number))
            self.pending_values = True
        elif self.pending and (self.pending_values or _ROW_START.match(text)):
            self.flush()
            self.pending.append(Cell(text, line.number))
        else:
            self.pending.append(Cell(text, line.number))

    def _label_last(self, text: str, prefix: bool) -> None:
        """Put `text` into the last row's label: before it (the label after a row of values), or at its end, after
        the label's last cell (the rest of a wrapped label)."""
        last = self.rows[-1]
        cells = list(last.cells)
        labels = 0
        while labels < len(cells) and cells[labels].text and not _VALUE.match(cells[labels].text):
            labels += 1
        if prefix or labels == 0:
            cells.insert(0, Cell(text, last.line))
        else:
            end = cells[labels - 1]
            cells[labels - 1] = Cell(end.text + text, end.line)
        self.rows[-1] = Row(tuple(cells), last.line)

    def pipes(self, line: _Line) -> None:
        # After a cell written without a `|`, the first bare `|` only closes it; otherwise each `|` is a blank cell.
        blanks = line.count - 1 if self.previous_unpiped else line.count
        if self.pending or blanks:
            self.pending.extend(Cell("", line.number) for _ in range(blanks))
            self.pending_values = self.pending_values or blanks > 0
        self.previous_unpiped = False

    def flush(self) -> None:
        """The gathered cells as a row: in a stream its label and values; between rows, fragments no row took."""
        if self.pending and (self.stream or self.rows):
            self.rows.append(Row(tuple(self.pending), self.pending[0].line))
            self.leading = []
        self.pending = []
        self.pending_values = False

    def text_lines(self) -> set[int]:
        """The lines of fragments before the first row that no row took: text, not table."""
        return set(self.leading) if self.rows and not self.stream else set()


def _starts_row(label: str) -> bool:
    return bool(_ROW_START.match(label) or _ROW_ANYWHERE.search(label))


def _unclosed(label: str) -> bool:
    return label.count("（") + label.count("(") > label.count("）") + label.count(")")


def _tables(lines: list[_Line]) -> tuple[list[Table], set[int]]:
    """The tables in the classified body lines, and the numbers of the lines they took (the others are text)."""
    tables: list[Table] = []
    used: set[int] = set()
    kinds = {"row", "cell", "pipes", "separator"}
    i = 0
    while i < len(lines):
        if lines[i].kind not in kinds:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind in kinds:
            j += 1
        run = lines[i:j]
        i = j
        stream = _is_table_run(run)
        if not stream and not any(line.kind == "row" for line in run):
            continue  # short lines and no row: text
        rows = _Rows(stream)
        for line in run:
            if line.kind == "row":
                rows.whole(line)
            elif line.kind == "cell":
                rows.cell(line)
            elif line.kind == "pipes" and stream:
                rows.pipes(line)
        rows.flush()
        if not stream:
            # fragments after the last row that no row took are text too
            taken = {c.line for r in rows.rows for c in r.cells}
            tail = [line.number for line in run if line.kind == "cell" and line.number not in taken]
        else:
            tail = []
        text = rows.text_lines() | set(tail)
        used.update(line.number for line in run if line.number not in text)
        if rows.rows:
            _add_table(tables, rows.rows, lines, i - len(run))
    return tables, used


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


def _unwrapped(body: list[_Line], paragraphs: list[Paragraph], used: set[int]) -> list[Paragraph]:
    """The paragraphs with the lines a PDF's wrap cut joined again (rewrap.py). Two prose lines follow each other
    when nothing but page marks (「— 2 —」) stands between them; in a wrapped file those marks are the PDF's page
    breaks, not report text, and are dropped, so the paragraph they cut joins across them."""
    follows: set[tuple[int, int]] = set()
    marks: set[int] = set()
    previous: _Line | None = None
    pending: list[int] = []
    for item in body:
        if item.kind == "page" and item.number not in used:
            pending.append(item.number)
            continue
        is_prose = item.kind in ("text", "cell") and item.number not in used
        if is_prose and previous is not None:
            follows.add((previous.number, item.number))
            marks.update(pending)
        previous = item if is_prose else None
        pending = []
    prose = [p for p in paragraphs if p.line not in marks]
    joined = unwrap(prose, follows)
    return paragraphs if len(joined) == len(prose) else joined


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
    if flattened_line is None:
        paragraphs = _unwrapped(body, paragraphs, used)
    if flattened_line is not None:  # the flattened line's tables, where it was among the others
        before = [t for t in tables if t.first_line < flattened_line]
        tables = before + flat_tables + tables[len(before):]
    # A flattened line's segments are numbered after the physical lines; a reader finds each on its physical line.
    places = None if flattened_line is None else tuple(
        Place(None, n if n <= len(lines) else flattened_line) for n in range(1, line_count + 1))
    return Document(path=path, format=fmt, encoding=encoding, paragraphs=tuple(paragraphs),
                    tables=tuple(tables), line_count=line_count, flattened_line=flattened_line, places=places)
