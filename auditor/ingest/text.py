"""Plain text and Markdown reports as published: tab-separated and pipe tables, `#` headings or none.

A line with a tab, or a line framed by `|`, is a table row; consecutive such lines form one table (a blank line ends
it). Cells are kept exactly as written: deciding what a cell means belongs to the facts layer.
"""

from __future__ import annotations

import re

from auditor.ingest.document import Cell, Document, Paragraph, Row, Table
from auditor.ingest.flat import looks_flattened, read_flattened

_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
# Web-archive dumps open with the page's metadata (发布时间, 原文链接, 本地目录…) above a 「==== 正文 ====」 line: not
# report text, except the 标题 line, which is the report's title.
_BODY_SEPARATOR = re.compile(r"^=+\s*正文\s*=+$")
_TITLE_LABEL = re.compile(r"^(?:标题|题目)\s*[:：]")
_ARCHIVE_HEADER_LINES = 20
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _pipe_cells(stripped: str) -> list[str]:
    """The cells of a pipe row, given the line already stripped."""
    body = stripped
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def _is_pipe_row(stripped: str) -> bool:
    """Whether a line, already stripped, is framed by `|`."""
    return stripped.startswith("|") and stripped.count("|") >= 2


def read_text(text: str, path: str, fmt: str, encoding: str) -> Document:
    lines = text.splitlines()
    header = lines[:_ARCHIVE_HEADER_LINES]
    header_end = next((i for i, line in enumerate(header) if _BODY_SEPARATOR.match(line.strip())), None)
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    current: list[Row] = []
    flattened_line: int | None = None
    line_count = len(lines)  # a flattened line's segments are numbered after the physical lines, and count too

    def close_table() -> None:
        if current:
            tables.append(Table(rows=tuple(current)))
            current.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()  # once per line: every test below reads the stripped form
        if header_end is not None and number <= header_end + 1 and not _TITLE_LABEL.match(stripped):
            continue  # the archive's metadata and the separator
        if _is_pipe_row(stripped):
            if _PIPE_SEPARATOR.match(stripped):
                continue  # Markdown header separator: structure, not content
            current.append(Row(tuple([Cell(c, number) for c in _pipe_cells(stripped)]), number))
            continue
        if stripped and "\t" in line:
            # Keep empty cells: in a tab table they are the merged-cell offsets and the blank values. (A list, not a
            # generator, feeds tuple(): a report has hundreds of cells and a generator costs a resume for each.)
            current.append(Row(tuple([Cell(c.strip(), number) for c in line.split("\t")]), number))
            continue
        close_table()
        if not stripped:
            continue
        if flattened_line is None and looks_flattened(stripped):
            flattened_line = number
            # Appended here, the segments keep document order: they sit where their physical line was.
            found, flat_tables, line_count = read_flattened(stripped, len(lines) + 1)
            paragraphs.extend(found)
            tables.extend(flat_tables)
            continue
        match = _HEADING.match(stripped)
        if match:
            paragraphs.append(Paragraph(number, match.group(2), heading_level=len(match.group(1))))
        else:
            paragraphs.append(Paragraph(number, stripped))
    close_table()
    return Document(path=path, format=fmt, encoding=encoding, paragraphs=tuple(paragraphs),
                    tables=tuple(tables), line_count=line_count, flattened_line=flattened_line)
