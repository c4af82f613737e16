"""Word (.docx) reports through python-docx: body paragraphs and tables in reading order, tables as visual grids.

A merged cell is written once, at its top-left (origin) grid position, and every position it covers reads "" and is
marked `covered`: the shape the text exports of the same reports have, so the facts layer's "label first, numbers
from the end of the row" reading applies unchanged, and a covered position is never taken for a blank value. Cell
text is kept as written (a blank, "/", "—" or "无" stays what it is).

Lines: a .docx has none, so every emitted paragraph and every table row gets the next number of one shared 1-based
sequence in reading order (empty paragraphs take none). Sections, provenance and "the row after the heading" all work
on that order.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.table import CT_Tc
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from auditor.ingest.document import Document, Paragraph, Table, table_from_grid
from auditor.ingest.errors import IngestError
from auditor.ingest.text_join import join

# Built-in heading styles are stored under their English names ("heading 1", shown as "Heading 1"); WPS and some
# Chinese templates name their own copies 「标题 1」. A bare Title / 「标题」 is the document title: level 1.
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_MAX_BASE_STYLES = 8  # a custom style based on Heading 2 is a heading too; the chain is short, a loop is malformed


def read_docx(data: bytes, path: str) -> Document:
    """Read the bytes of a .docx file into a Document (format "docx", encoding "utf-8": WordprocessingML is XML).

    Raises IngestError("corrupt_file", format="DOCX", reason=…) when python-docx cannot open the bytes as a Word
    document (not a zip, a zip of something else, a damaged part). Never coerces a cell's text.
    """
    word = _open(data)
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    line = 0
    for block in _body(word):
        if isinstance(block, DocxTable):
            found, line = table_from_grid(_grid(block), line)
            if found:
                tables.append(found)
            continue
        text = join(block.text.split("\n"))
        if not text:
            continue
        line += 1
        paragraphs.append(Paragraph(line, text, heading_level=heading_level(block)))
    return Document(path=path, format="docx", encoding="utf-8", paragraphs=tuple(paragraphs),
                    tables=tuple(tables), line_count=line)


def _open(data: bytes) -> DocxDocument:
    """python-docx's Document for `data`, or IngestError("corrupt_file") naming what was wrong."""
    try:
        return docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile:
        reason = "not a zip archive"
    except (KeyError, PackageNotFoundError):  # a zip without [Content_Types].xml or without a main document part
        reason = "not a Word document (no main document part)"
    except ValueError:  # python-docx: the main part is not WordprocessingML (a spreadsheet, a macro document…)
        reason = "not a Word document (main part is not WordprocessingML)"
    except (etree.LxmlError, zipfile.LargeZipFile, EOFError, OSError) as exc:  # damaged XML or compressed data
        reason = f"damaged content ({type(exc).__name__})"
    raise _corrupt(reason)


def _corrupt(reason: str) -> IngestError:
    return IngestError("corrupt_file", format="DOCX", reason=reason)


def _body(word: DocxDocument) -> Iterator[DocxParagraph | DocxTable]:
    """Top-level paragraphs and tables in document order (python-docx ≥ 1.1, as pyproject.toml requires, has
    iter_inner_content; `Document.paragraphs` and `.tables` apart would lose the order tables need for their
    section)."""
    return word.iter_inner_content()


def _grid(table: DocxTable) -> Iterator[list[str | None]]:
    """Each row's text per layout-grid column, merges expanded: the origin holds the text, covered positions None
    (read as "" and marked `covered`, so the facts layer never takes one for a value).

    python-docx returns the same underlying `w:tc` for every grid position a cell spans across (gridSpan) and for
    every row it continues down (vMerge), so a position whose `_tc` is the one to its left or the one above is
    covered. Positions a row skips (gridBefore/gridAfter) are empty cells of the grid (""), not covered ones.
    """
    previous: list[CT_Tc | None] = []
    for row in table.rows:
        try:
            present = list(row.cells)
        except ValueError as exc:  # python-docx: a vMerge continuation with no cell above it to continue
            raise _corrupt(f"malformed merged cell ({exc})") from None
        before: list[None] = [None] * row.grid_cols_before
        after: list[None] = [None] * row.grid_cols_after
        cells: list[_Cell | None] = [*before, *present, *after]
        tcs: list[CT_Tc | None] = [*before, *(c._tc for c in present), *after]
        texts: list[str | None] = []
        for i, (tc, cell) in enumerate(zip(tcs, cells, strict=True)):
            covered = tc is not None and (
                (i > 0 and tcs[i - 1] is tc) or (i < len(previous) and previous[i] is tc))
            texts.append(None if covered else "" if cell is None else cell_text(cell))
        # Kept alive on purpose: lxml hands back the same proxy object for a node only while one is referenced, and the
        # `is` comparisons above rely on it.
        previous = tcs
        yield texts


def cell_text(cell: _Cell) -> str:
    """A cell's paragraphs (and the lines within them) joined as one string, stripped (text_join.join: nothing
    between CJK or digits, 「商业」「企业」 → 「商业企业」, a space between Latin words)."""
    return join(line for p in cell.paragraphs for line in p.text.split("\n"))


def heading_level(paragraph: DocxParagraph) -> int | None:
    """1–9 for a Heading n / 「标题 n」 style (or a style based on one), 1 for Title / 「标题」, else None."""
    style = paragraph.style
    for _ in range(_MAX_BASE_STYLES):
        if style is None:
            return None
        name = (style.name or "").strip()
        match = _HEADING_STYLE.match(name)
        if match:
            return int(match.group(1))
        if _TITLE_STYLE.match(name):
            return 1
        style = style.base_style
    return None
