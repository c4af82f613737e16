"""Pages of positioned text and rulings → one Document: the geometry the PDF and OFD readers share.

A reader turns each page into `Item`s in reading order: `Line`s of running text outside tables and `Grid`s, the
ruled tables found by pdfplumber's table finder (lines strategy) on the page's edges, in points from the top left.
What happens next is the same whatever the format (pdf.py's docstring gives the rules and the reports behind them):
page numbers and running headers are dropped, a table continued at the top of a page is joined to the one ending the
page before, lines are joined into visual paragraphs, and every paragraph and table row takes the next line number.
Each of those lines also keeps where a reader finds it in the file (Document.places): its page, and for a paragraph
the line of text on that page it starts at, counted from the top as a reader counts them (running headers included,
table rows not: a cell is found by its table, row and column).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pdfplumber.table import TableFinder, TableSettings

from auditor.ingest.document import CellBudget, Document, Paragraph, Place, Table, table_from_grid
from auditor.ingest.text_join import SENTENCE_END, join_wrapped

TOL = 3.0  # points: pdfplumber's own snap/join tolerance; rulings drawn by Word meet within a point or two
_MARGIN_BAND = 0.10  # running headers, footers and page numbers live in the top and bottom tenth of a page
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": TOL,
    "join_tolerance": TOL,
    "intersection_tolerance": TOL,
}
_PAGE_NUMBER = re.compile(r"^[-－—–\s]*\d+[-－—–\s]*$|^第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$")
# White space next to a wide character (CJK, full-width punctuation) is layout: justified lines spread their glyphs
# and pdfplumber reads the gaps as spaces (「号 ， 邮 编 ：」). Between two ASCII characters it is kept (「0517 1234」).
_LAYOUT_SPACE = re.compile(r"(?<=[^\x00-\x7f\s])\s+|\s+(?=[^\x00-\x7f\s])")


@dataclass(frozen=True)
class Line:
    """One line of running text outside tables, with the geometry paragraphs are built from."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    on_page: int = 0  # the line's place among the page's lines of text, from 1 at the top (drop_page_furniture)


@dataclass
class Grid:
    """One table piece: the visual grid (covered positions already "") and where its columns start."""

    rows: list[list[str]]
    columns: list[float]  # x of each column's left border, ascending
    right: float
    page: int
    row_pages: list[int] = field(default_factory=list)  # the page each row is on (a table joined across pages)

    def __post_init__(self) -> None:
        if not self.row_pages:
            self.row_pages = [self.page] * len(self.rows)


Item = Line | Grid


def find_tables(page: Any, edges: Iterable[dict[str, Any]]) -> list[Any]:
    """pdfplumber's ruled tables on `page` (a pdfplumber page, or an object with the `chars`, `edges` and `bbox` its
    TableFinder reads), with the closing edges a page break left undrawn; a grid of one column is a framed text box,
    not a table."""
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=closing_edges(edges))
    found = TableFinder(page, TableSettings.resolve(settings)).tables
    return [t for t in found if len(column_starts(t)) >= 2]


def outside_tables(tables: Iterable[Any]) -> Callable[[dict[str, Any]], bool]:
    """Whether a character (its centre) lies outside every table of `tables`."""
    boxes = [t.bbox for t in tables]

    def outside(char: dict[str, Any]) -> bool:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    return outside


def page_items(text_lines: Iterable[dict[str, Any]], tables: Iterable[Any], number: int) -> list[Item]:
    """One page's text lines (pdfplumber's extract_text_lines with chars) and tables as Items, top to bottom."""
    positioned: list[tuple[float, Item]] = []
    for line in text_lines:
        text = tidy(line["text"])
        if text:
            size = statistics.median(float(c["size"]) for c in line["chars"])
            positioned.append((float(line["top"]), Line(text, float(line["x0"]), float(line["x1"]),
                                                        float(line["top"]), float(line["bottom"]), size, number)))
    for table in tables:
        positioned.append((float(table.bbox[1]), table_grid(table, number)))
    positioned.sort(key=lambda pair: pair[0])
    return [item for _, item in positioned]


def closing_edges(edges: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges where vertical rules end with no horizontal rule meeting them, spanning those ends (at least
    two, or one and a partial rule at that height): the border a page break left undrawn. Without it pdfplumber
    drops the last (or first) row of the piece, or the cells under the missing stretch."""
    edges = list(edges)
    horizontal = [e for e in edges if e["orientation"] == "h"]
    open_ends: list[tuple[float, float]] = []
    for v in (e for e in edges if e["orientation"] == "v"):
        x = float(v["x0"])
        for y in (float(v["top"]), float(v["bottom"])):
            if not any(abs(float(h["top"]) - y) <= TOL and float(h["x0"]) - TOL <= x <= float(h["x1"]) + TOL
                       for h in horizontal):
                open_ends.append((y, x))
    closing = []
    for group in _cluster(sorted(open_ends)):
        y = statistics.median(y for y, _ in group)
        # A rule drawn at that height over only some columns is extended to the open ends (hongze-2023 page 3: the
        # continued table 二 has a top border over its second column only).
        ruled = [float(x) for h in horizontal if abs(float(h["top"]) - y) <= TOL for x in (h["x0"], h["x1"])]
        xs = sorted({x for _, x in group} | set(ruled))
        if len(xs) < 2:
            continue
        closing.append({"object_type": "line", "x0": xs[0], "x1": xs[-1], "top": y, "bottom": y,
                        "width": xs[-1] - xs[0], "height": 0.0})
    return closing


def _cluster(ends: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    groups: list[list[tuple[float, float]]] = []
    for end in ends:
        if groups and end[0] - groups[-1][-1][0] <= TOL:
            groups[-1].append(end)
        else:
            groups.append([end])
    return groups


def column_starts(table: Any) -> list[float]:
    # pdfplumber lays out Table.extract() rows over exactly these x positions (its Table.rows), so they index the grid.
    return sorted({float(cell[0]) for cell in table.cells})


def table_grid(table: Any, page: int) -> Grid:
    columns = column_starts(table)
    CellBudget().take(0, len(table.rows) * len(columns))  # the grid extract() builds, before it builds it
    rows = [[_cell_text(text) for text in row] for row in table.extract()]
    return Grid(rows=rows, columns=columns, right=float(table.bbox[2]), page=page)


def _cell_text(text: str | None) -> str:
    """A covered position (None) is ""; a cell's lines are joined without spaces, as one word."""
    if text is None:
        return ""
    return "".join(tidy(part) for part in text.splitlines())


def tidy(text: str) -> str:
    return _LAYOUT_SPACE.sub("", text).strip()


def drop_page_furniture(pages: list[list[Item]], heights: list[float]) -> list[list[Item]]:
    """Remove page numbers and running headers/footers: lines in the top or bottom band of a page that are a page
    number, or whose text (digits aside) recurs in that band on at least half of the pages (and at least two). Every
    line first takes its place on the page (Line.on_page), counted before they go: a reader sees them."""
    pages = [_numbered(items) for items in pages]

    def in_band(line: Line) -> bool:
        height = heights[line.page]
        return line.bottom <= height * _MARGIN_BAND or line.top >= height * (1 - _MARGIN_BAND)

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    counts: Counter[str] = Counter()
    for items in pages:
        counts.update({key(i) for i in items if isinstance(i, Line) and in_band(i)})  # once per page
    repeated = {k for k, n in counts.items() if n >= max(2, (len(pages) + 1) // 2)}
    return [[item for item in items
             if not (isinstance(item, Line) and in_band(item)
                     and (_PAGE_NUMBER.match(item.text) or key(item) in repeated))]
            for items in pages]


def _numbered(items: list[Item]) -> list[Item]:
    count = 0
    out: list[Item] = []
    for item in items:
        if isinstance(item, Line):
            count += 1
            item = replace(item, on_page=count)
        out.append(item)
    return out


_NUMBER = re.compile(r"[\d.,，]+")
_ROW_START = re.compile(
    r"第[一二三四五六七八九十]+条|信息内容|[（(][一二三四五六七八九十]+[)）]|\d+[.．]|[一二三四五六七八九十]+、")


def join_pages(pages: list[list[Item]]) -> list[Item]:
    """All items in reading order, a table continued at the top of a page appended to the one ending the page
    before (the rule in the module docstring)."""
    items: list[Item] = []
    for page_items in pages:
        rest = page_items
        previous = items[-1] if items else None
        if rest and isinstance(rest[0], Grid) and isinstance(previous, Grid) and previous.page < rest[0].page:
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
                previous.row_pages.extend([rest[0].page] * len(continued))
                rest = rest[1:]
        items.extend(rest)
    return items


def _spread(piece: Grid, onto: Grid) -> list[list[str]] | None:
    """The piece's rows on the columns of `onto`, or None when its borders do not line up with them."""
    if abs(piece.right - onto.right) > TOL:
        return None
    index: list[int] = []
    for x in piece.columns:
        match = next((i for i, start in enumerate(onto.columns) if abs(start - x) <= TOL), None)
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


def build_document(items: list[Item], path: str, fmt: str, encoding: str) -> Document:
    """The Document of a reader's items (after join_pages), `fmt` and `encoding` as the reader names them."""
    lines = [item for item in items if isinstance(item, Line)]
    left = min((line.x0 for line in lines), default=0.0)
    # Justified lines end at the right margin, so its most common position is the margin (a long URL may overhang).
    right = Counter(round(line.x1) for line in lines).most_common(1)[0][0] if lines else 0.0
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    budget = CellBudget()
    number = 0
    places: list[Place] = []  # where line number n is, at places[n - 1]
    previous: Item | None = None
    for item in items:
        if isinstance(item, Grid):
            found, number = table_from_grid(item.rows, number, budget)
            if found:
                tables.append(found)
                places.extend(Place(page + 1) for page in item.row_pages)
        elif isinstance(previous, Line) and paragraphs and _continues(previous, item, left, right):
            last = paragraphs[-1]
            joined = join_wrapped(last.text, item.text)
            paragraphs[-1] = Paragraph(last.line, joined)
            place = places[-1]  # the paragraph's: nothing is placed between a paragraph and the line it continues
            wrap = (len(joined) - len(item.text), item.page + 1, item.on_page or None)
            places[-1] = replace(place, wraps=(*place.wraps, wrap))
        else:
            number += 1
            paragraphs.append(Paragraph(number, item.text))
            places.append(Place(item.page + 1, item.on_page or None))
        previous = item
    return Document(path=path, format=fmt, encoding=encoding, paragraphs=tuple(paragraphs),
                    tables=tuple(tables), line_count=number, places=tuple(places))


def _continues(before: Line, line: Line, left: float, right: float) -> bool:
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
