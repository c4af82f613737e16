"""PDF reports with a text layer: ruled tables as visual grids, the text around them as paragraphs (pdfplumber).

What comes out, and the rules that decide it:

* **Tables** are pdfplumber's ruled tables (lines strategy), read as the visual grid: a merged cell's text in its
  top-left position and "" in every position it covers. A cell's lines are joined without spaces, so a label printed
  one character per line (「三⏎、⏎本⏎年⏎度…」) comes out as one word; cells are never coerced ("", "/", "—", "无" stay
  as written). A grid of one column is a framed text box, not a table: its text is read as paragraphs.
* Only ink counts as a ruling: filled rectangles without a stroke are backgrounds (Word puts an invisible white one
  behind every line of text, and shades header cells), so they are ignored unless thin enough to be a drawn rule.
  A table cut by a page break is often left without its bottom (or top) border; where several vertical rules end at
  the same height with no horizontal rule there, a closing edge is added so the last row is not lost.
* **Cross-page tables** are joined into one Table: when a page's content begins with a table (running headers and
  page numbers aside) and the previous page's content ended with a table, and every column of the new piece starts
  where a column of the earlier piece starts (same left and right borders, within 3 pt), the piece is appended. A
  piece with fewer columns (cells spanning several) is spread onto the earlier grid, its text in the first column it
  covers. Header rows repeated at the top of the piece are dropped. A cell split by the break keeps its two parts in
  their own rows (huaian-gov-2024: 「（四）无」 on page 4, 「法提供」 on page 5).
* **Paragraphs** are visual paragraphs: a line joins the one before it when that line ran to the right margin, this
  one starts at the left margin (not indented), the font size is the same and no wider gap or table lies between
  (across a page break too). Headings, titles and short lines therefore stand alone. Spaces next to a Chinese
  character or full-width punctuation are dropped: they come from justified layout, not from the text.
* Page numbers (「- 3 -」, 「— 3 —」, 「第3页」, 「3/6」) and running headers or footers (the same text, digits aside,
  in the top or bottom tenth of at least half of the pages) are not content and are dropped.
* **Line numbers** are one sequence in reading order over the whole document (top to bottom, page after page):
  each paragraph takes one number, each table row one. The page is not kept in the Document model; a reader that
  needed it could record the first line number of each page here (a `page_starts` tuple) without changing the order.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfminer.pdfpage import PDFPage

from auditor import limits
from auditor.ingest.document import CellBudget, Document, Paragraph, Table, table_from_grid
from auditor.ingest.errors import IngestError
from auditor.ingest.pdfstreams import StreamLimitExceeded, bounded_streams
from auditor.ingest.text_join import SENTENCE_END, join_wrapped

_TOL = 3.0  # points: pdfplumber's own snap/join tolerance; rulings drawn by Word meet within a point or two
_RULE_MAX_THICKNESS = 2.0  # a filled rectangle thinner than this is a drawn rule, not a background
_MARGIN_BAND = 0.10  # running headers, footers and page numbers live in the top and bottom tenth of a page
_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": _TOL,
    "join_tolerance": _TOL,
    "intersection_tolerance": _TOL,
}
_PAGE_NUMBER = re.compile(r"^[-－—–\s]*\d+[-－—–\s]*$|^第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
# White space next to a wide character (CJK, full-width punctuation) is layout: justified lines spread their glyphs
# and pdfplumber reads the gaps as spaces (「号 ， 邮 编 ：」). Between two ASCII characters it is kept (「0517 1234」).
_LAYOUT_SPACE = re.compile(r"(?<=[^\x00-\x7f\s])\s+|\s+(?=[^\x00-\x7f\s])")
_WHITE = {(1,), (1.0,), (1, 1, 1), (1.0, 1.0, 1.0), (0, 0, 0, 0), (0.0, 0.0, 0.0, 0.0)}


@dataclass(frozen=True)
class _Line:
    """One line of running text outside tables, with the geometry paragraphs are built from."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


@dataclass
class _Grid:
    """One table piece: the visual grid (covered positions already "") and where its columns start."""

    rows: list[list[str]]
    columns: list[float]  # x of each column's left border, ascending
    right: float
    page: int


_Item = _Line | _Grid


def read_pdf(data: bytes, path: str) -> Document:
    """Read a PDF report into a Document (format "pdf").

    Raises IngestError("corrupt_file", format="PDF", reason=...) when pdfplumber cannot open or parse the file, and
    IngestError("no_text_layer") when no page has a single character (a scan: it needs OCR first). A PDF with some
    text is read even if some of its pages are images; those pages contribute nothing. Raises
    IngestError("limit_exceeded") for more than MAX_PDF_PAGES pages, a stream that decodes beyond its limit
    (pdfstreams.py) or a table grid beyond the cell limits.
    """
    with bounded_streams() as budget:
        try:
            pages, heights = _read_pages(data)
        except IngestError:
            raise
        except Exception as exc:  # pdfminer fails on malformed input with many unrelated exception types, not one class
            if budget.exceeded is not None:  # raised by a decode, perhaps wrapped by pdfplumber on the way
                raise _stream_limit(budget.exceeded) from None
            raise IngestError("corrupt_file", format="PDF", reason=str(exc) or type(exc).__name__) from None
        if budget.exceeded is not None:  # pdfminer caught it (a font or an image it could do without): still refused
            raise _stream_limit(budget.exceeded)
    if not any(has_text for _, has_text in pages):
        raise IngestError("no_text_layer")
    items = _drop_page_furniture([page_items for page_items, _ in pages], heights)
    return _build_document(_join_pages(items), path)


def _read_pages(data: bytes) -> tuple[list[tuple[list[_Item], bool]], list[float]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        # Counted on pdfminer's page tree before pdfplumber makes an object for each page of it.
        if any(n >= limits.MAX_PDF_PAGES for n, _ in enumerate(PDFPage.create_pages(pdf.doc))):
            raise IngestError("limit_exceeded", **limits.exceeded("PDF 页数", "PDF pages", str(limits.MAX_PDF_PAGES)))
        pages = [_read_page(page, number) for number, page in enumerate(pdf.pages)]
        heights = [float(page.height) for page in pdf.pages]
    return pages, heights


def _stream_limit(exceeded: StreamLimitExceeded) -> IngestError:
    if exceeded.what == "stream":
        return IngestError("limit_exceeded", **limits.exceeded(
            "PDF 数据流解码后大小", "a decoded PDF stream", limits.size_text(limits.MAX_PDF_STREAM_BYTES)))
    return IngestError("limit_exceeded", **limits.exceeded(
        "PDF 全部数据流解码后总大小", "all decoded PDF streams", limits.size_text(limits.MAX_PDF_DECODED_BYTES)))


def _read_page(page: Any, number: int) -> tuple[list[_Item], bool]:
    """The page's tables and text lines in reading order (top to bottom), and whether it has any character."""
    has_text = any(c["text"].strip() for c in page.chars)
    inked = page.filter(_is_ink)
    settings = dict(_TABLE_SETTINGS, explicit_horizontal_lines=_closing_edges(inked.edges))
    tables = [t for t in inked.find_tables(settings) if len(_column_starts(t)) >= 2]
    boxes = [t.bbox for t in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    positioned: list[tuple[float, _Item]] = []
    for line in page.filter(outside_tables).extract_text_lines(return_chars=True):
        text = _tidy(line["text"])
        if text:
            size = statistics.median(float(c["size"]) for c in line["chars"])
            positioned.append((float(line["top"]), _Line(text, float(line["x0"]), float(line["x1"]),
                                                         float(line["top"]), float(line["bottom"]), size, number)))
    for table in tables:
        positioned.append((float(table.bbox[1]), _grid(table, number)))
    positioned.sort(key=lambda pair: pair[0])
    return [item for _, item in positioned], has_text


def _is_ink(obj: dict[str, Any]) -> bool:
    """Keep everything but background fills: a rectangle counts as ruling when stroked, or when it is a thin
    non-white fill (some writers draw rules as filled bars). Backgrounds would otherwise turn every line of a
    Word-made page into a one-row "table"."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    thin = min(float(obj["width"]), float(obj["height"])) < _RULE_MAX_THICKNESS
    colour = obj.get("non_stroking_color")
    white = tuple(colour) in _WHITE if isinstance(colour, (list, tuple)) else colour == 1
    return thin and not white


def _closing_edges(edges: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges where vertical rules end with no horizontal rule meeting them, spanning those ends (at least
    two, or one and a partial rule at that height): the border a page break left undrawn. Without it pdfplumber
    drops the last (or first) row of the piece, or the cells under the missing stretch."""
    edges = list(edges)
    horizontal = [e for e in edges if e["orientation"] == "h"]
    open_ends: list[tuple[float, float]] = []
    for v in (e for e in edges if e["orientation"] == "v"):
        x = float(v["x0"])
        for y in (float(v["top"]), float(v["bottom"])):
            if not any(abs(float(h["top"]) - y) <= _TOL and float(h["x0"]) - _TOL <= x <= float(h["x1"]) + _TOL
                       for h in horizontal):
                open_ends.append((y, x))
    closing = []
    for group in _cluster(sorted(open_ends)):
        y = statistics.median(y for y, _ in group)
        # A rule drawn at that height over only some columns is extended to the open ends (hongze-2023 page 3: the
        # continued table 二 has a top border over its second column only).
        ruled = [float(x) for h in horizontal if abs(float(h["top"]) - y) <= _TOL for x in (h["x0"], h["x1"])]
        xs = sorted({x for _, x in group} | set(ruled))
        if len(xs) < 2:
            continue
        closing.append({"object_type": "line", "x0": xs[0], "x1": xs[-1], "top": y, "bottom": y,
                        "width": xs[-1] - xs[0], "height": 0.0})
    return closing


def _cluster(ends: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    groups: list[list[tuple[float, float]]] = []
    for end in ends:
        if groups and end[0] - groups[-1][-1][0] <= _TOL:
            groups[-1].append(end)
        else:
            groups.append([end])
    return groups


def _column_starts(table: Any) -> list[float]:
    # pdfplumber lays out Table.extract() rows over exactly these x positions (its Table.rows), so they index the grid.
    return sorted({float(cell[0]) for cell in table.cells})


def _grid(table: Any, page: int) -> _Grid:
    columns = _column_starts(table)
    CellBudget().take(0, len(table.rows) * len(columns))  # the grid extract() builds, before it builds it
    rows = [[_cell_text(text) for text in row] for row in table.extract()]
    return _Grid(rows=rows, columns=columns, right=float(table.bbox[2]), page=page)


def _cell_text(text: str | None) -> str:
    """A covered position (None) is ""; a cell's lines are joined without spaces, as one word."""
    if text is None:
        return ""
    return "".join(_tidy(part) for part in text.splitlines())


def _tidy(text: str) -> str:
    return _LAYOUT_SPACE.sub("", text).strip()


def _drop_page_furniture(pages: list[list[_Item]], heights: list[float]) -> list[list[_Item]]:
    """Remove page numbers and running headers/footers: lines in the top or bottom band of a page that are a page
    number, or whose text (digits aside) recurs in that band on at least half of the pages (and at least two)."""

    def in_band(line: _Line) -> bool:
        height = heights[line.page]
        return line.bottom <= height * _MARGIN_BAND or line.top >= height * (1 - _MARGIN_BAND)

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    counts: Counter[str] = Counter()
    for items in pages:
        counts.update({key(i) for i in items if isinstance(i, _Line) and in_band(i)})  # once per page
    repeated = {k for k, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)}
    return [[item for item in items
             if not (isinstance(item, _Line) and in_band(item)
                     and (_PAGE_NUMBER.match(item.text) or key(item) in repeated))]
            for items in pages]


_NUMBER = re.compile(r"[\d.,，]+")
_ROW_START = re.compile(
    r"第[一二三四五六七八九十]+条|信息内容|[（(][一二三四五六七八九十]+[)）]|\d+[.．]|[一二三四五六七八九十]+、")


def _join_pages(pages: list[list[_Item]]) -> list[_Item]:
    """All items in reading order, a table continued at the top of a page appended to the one ending the page
    before (the rule in the module docstring)."""
    items: list[_Item] = []
    for page_items in pages:
        rest = page_items
        previous = items[-1] if items else None
        if rest and isinstance(rest[0], _Grid) and isinstance(previous, _Grid) and previous.page < rest[0].page:
            spread = _spread(rest[0], previous)
            if spread is not None:
                continued = _without_repeated_header(spread, previous.rows)
                if continued and previous.rows and _rest_of_row(continued[0], previous.rows[-1]):
                    # A row cut by the page break: 「（四）无法」「1.本机关」 + numbers at the foot of one page,
                    # 「提供」「不掌握相关政府信息」 at the head of the next. Its text joins the row it belongs to.
                    last = previous.rows[-1]
                    previous.rows[-1] = [a + b for a, b in zip(last, continued[0], strict=True)]
                    continued = continued[1:]
                previous.rows.extend(continued)
                rest = rest[1:]
        items.extend(rest)
    return items


def _spread(piece: _Grid, onto: _Grid) -> list[list[str]] | None:
    """The piece's rows on the columns of `onto`, or None when its borders do not line up with them."""
    if abs(piece.right - onto.right) > _TOL:
        return None
    index: list[int] = []
    for x in piece.columns:
        match = next((i for i, start in enumerate(onto.columns) if abs(start - x) <= _TOL), None)
        if match is None:
            return None
        index.append(match)
    if not index or index[0] != 0:
        return None
    rows = []
    for row in piece.rows:
        spread = [""] * len(onto.columns)
        for i, text in zip(index, row, strict=True):
            spread[i] = text
        rows.append(spread)
    return rows


def _rest_of_row(row: list[str], before: list[str]) -> bool:
    """Whether `row` is the part of `before` that a page break pushed onto the next page: text only in cells that
    hold text (not numbers) in `before`, and empty wherever `before` has a number. A row that starts a new item
    (「第二十条第（五）项」, 「信息内容」, 「（四）」, 「2.」, 「四、」) is a row of its own, not the rest of one."""
    if not any(row) or _ROW_START.match(next(cell for cell in row if cell)):
        return False
    return all(not cell or (above and not _NUMBER.fullmatch(above)) for cell, above in zip(row, before, strict=True))


def _without_repeated_header(rows: list[list[str]], first_rows: list[list[str]]) -> list[list[str]]:
    """Drop the leading rows that repeat the table's own first rows (a header repeated on every page)."""
    k = 0
    while k < len(rows) and k < len(first_rows) and rows[k] == first_rows[k] and any(rows[k]):
        k += 1
    return rows[k:]


def _build_document(items: list[_Item], path: str) -> Document:
    lines = [item for item in items if isinstance(item, _Line)]
    left = min((line.x0 for line in lines), default=0.0)
    # Justified lines end at the right margin, so its most common position is the margin (a long URL may overhang).
    right = Counter(round(line.x1) for line in lines).most_common(1)[0][0] if lines else 0.0
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    budget = CellBudget()
    number = 0
    previous: _Item | None = None
    for item in items:
        if isinstance(item, _Grid):
            found, number = table_from_grid(item.rows, number, budget)
            if found:
                tables.append(found)
        elif isinstance(previous, _Line) and paragraphs and _continues(previous, item, left, right):
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.line, join_wrapped(last.text, item.text))
        else:
            number += 1
            paragraphs.append(Paragraph(number, item.text))
        previous = item
    return Document(path=path, format="pdf", encoding="text-layer", paragraphs=tuple(paragraphs),
                    tables=tuple(tables), line_count=number)


def _continues(before: _Line, line: _Line, left: float, right: float) -> bool:
    """Whether `line` carries on the paragraph `before` belongs to (the rule in the module docstring)."""
    size = before.size
    if abs(line.size - size) > 0.5:
        return False
    # A line that stopped short ends its paragraph, unless it stopped mid-sentence only a few characters short: a
    # layout engine moves a character down with its neighbour (「办理 5」 / 「件。」), leaving a gap at the margin.
    short = before.x1 < right - 1.5 * size
    wrapped = before.x1 >= right - 4 * size and not SENTENCE_END.search(before.text)
    if (short and not wrapped) or line.x0 > left + 0.5 * size:
        return False  # the line before stopped short, or this one is indented: a new paragraph
    # On one page, a gap wider than a line means a new block; across a page break there is no gap to measure.
    return line.page != before.page or line.top - before.bottom <= size
