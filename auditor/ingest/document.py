"""The format-neutral Document every reader produces: paragraphs and table grids, each with its source line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor import limits
from auditor.ingest.errors import IngestError


@dataclass(frozen=True)
class Cell:
    """One table cell as written (raw text, never coerced), and the line it came from. `covered`: a grid position
    under a merged cell (rowspan/colspan, gridSpan/vMerge), not a cell of its own: it is never read as a value.
    Formats without merge information (text) leave it False: an empty cell there may be either."""

    text: str
    line: int
    covered: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    line: int


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]

    @property
    def first_line(self) -> int:
        return self.rows[0].line

    @property
    def last_line(self) -> int:
        return self.rows[-1].line


def table_from_grid(grid: Iterable[Sequence[str | None]], line: int,
                    budget: CellBudget | None = None) -> tuple[Table | None, int]:
    """A reader's grid as a Table whose rows take the lines after `line`, and the last line used. None in the grid is
    a position covered by a merged cell (Cell.covered); a grid without rows is no table.

    Raises IngestError("limit_exceeded") for a grid of more than MAX_TABLE_CELLS cells, or more than the document's
    `budget` has left (a reader that counts while it expands its spans checks before it builds; this is the net)."""
    budget = budget if budget is not None else CellBudget()
    rows = []
    count = 0
    for texts in grid:
        count += budget.take(count, len(texts))
        line += 1
        rows.append(Row(tuple(Cell(t or "", line, covered=t is None) for t in texts), line))
    budget.spend(count)
    return (Table(rows=tuple(rows)) if rows else None), line


class CellBudget:
    """The table cells one document may still make: MAX_TABLE_CELLS per table, MAX_DOCUMENT_CELLS for all its tables
    together (an HTML page of many tables with colspan 1000 would otherwise multiply its size by a thousand)."""

    def __init__(self) -> None:
        self.left = limits.MAX_DOCUMENT_CELLS

    def take(self, count: int, more: int) -> int:
        """`more`, once a table that has `count` cells may take `more`; else IngestError("limit_exceeded")."""
        if count + more > limits.MAX_TABLE_CELLS:
            raise IngestError("limit_exceeded", **limits.exceeded(
                "表格单元格数", "table cells", f"{limits.MAX_TABLE_CELLS:,}"))
        if count + more > self.left:
            raise IngestError("limit_exceeded", **limits.exceeded(
                "全文表格单元格总数", "table cells in the document", f"{limits.MAX_DOCUMENT_CELLS:,}"))
        return more

    def spend(self, count: int) -> None:
        """Record a finished table of `count` cells."""
        self.left -= count


@dataclass(frozen=True)
class Paragraph:
    """A line of running text; `heading_level` is set where the markup says so (Markdown `#`)."""

    line: int
    text: str
    heading_level: int | None = None


@dataclass(frozen=True)
class Place:
    """Where a reader finds one of a paged document's lines (PDF, OFD, a scan): the page, from 1, and for a line of
    running text its line on that page, from 1 at the top (None for a table row). In a text flattened onto one line
    (a web dump, ingest/flat.py) there is no page (None) and `line` is the physical line each segment is on."""

    page: int | None
    line: int | None = None
    # A paragraph printed over several lines: where each line after its first starts, as (offset in the paragraph's
    # text, page, line on that page), so a statement in its middle is found on its own line (Place.at).
    wraps: tuple[tuple[int, int, int | None], ...] = ()

    def at(self, offset: int) -> tuple[int | None, int | None]:
        """(page, line on the page) of the character at `offset` (from 0) in the paragraph's text."""
        page, line = self.page, self.line
        for start, wrap_page, wrap_line in self.wraps:
            if start > offset:
                break
            page, line = wrap_page, wrap_line
        return page, line


@dataclass(frozen=True)
class OcrNote:
    """How a scan was read (ingest/scan.py): the engine, the pages, and of the table cells with ink in them, how many
    were read with confidence; the others are unreadable (never a guessed number)."""

    engine: str
    pages: int
    cells_read: int
    cells_unsure: int


@dataclass(frozen=True)
class Document:
    path: str
    format: str
    encoding: str
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    line_count: int
    flattened_line: int | None = None  # a report run together on this physical line; later lines count its segments
    page_title: str | None = None  # an HTML page's <title>: evidence of the report's year and agency (facts/identity)
    script: str | None = None  # "traditional": written in traditional characters, read converted (ingest/script.py)
    ocr: OcrNote | None = None  # a scan or photo, read through OCR (ingest/scan.py)
    places: tuple[Place, ...] | None = None  # a paged format: where line n is in the file, at places[n - 1]
