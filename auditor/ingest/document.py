"""The format-neutral Document every reader produces: paragraphs and table grids, each with its source line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


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


def table_from_grid(grid: Iterable[Sequence[str | None]], line: int) -> tuple[Table | None, int]:
    """A reader's grid as a Table whose rows take the lines after `line`, and the last line used. None in the grid is
    a position covered by a merged cell (Cell.covered); a grid without rows is no table."""
    rows = []
    for texts in grid:
        line += 1
        rows.append(Row(tuple(Cell(t or "", line, covered=t is None) for t in texts), line))
    return (Table(rows=tuple(rows)) if rows else None), line


@dataclass(frozen=True)
class Paragraph:
    """A line of running text; `heading_level` is set where the markup says so (Markdown `#`)."""

    line: int
    text: str
    heading_level: int | None = None


@dataclass(frozen=True)
class Document:
    path: str
    format: str
    encoding: str
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    line_count: int
    flattened_line: int | None = None  # a report run together on this physical line; later lines count its segments
