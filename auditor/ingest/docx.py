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
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.styles import CT_Style
from docx.oxml.table import CT_Tc
from docx.styles.style import StyleFactory
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from auditor.ingest.document import CellBudget, Document, Paragraph, Table, table_from_grid
from auditor.ingest.errors import IngestError
from auditor.ingest.package import bounded_package
from auditor.ingest.text_join import join

# Built-in heading styles are stored under their English names ("heading 1", shown as "Heading 1"); WPS and some
# Chinese templates name their own copies 「标题 1」. A bare Title / 「标题」 is the document title: level 1.
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_MAX_BASE_STYLES = 8  # a custom style based on Heading 2 is a heading too; the chain is short, a loop is malformed


def read_docx(data: bytes, path: str) -> Document:
    """Read the bytes of a .docx file into a Document (format "docx", encoding "utf-8": WordprocessingML is XML).

    Raises IngestError: `limit_exceeded` for a package that inflates beyond its limits (package.py) or a table grid
    beyond MAX_TABLE_CELLS (all tables beyond MAX_DOCUMENT_CELLS), and `corrupt_file` (format "DOCX") when the bytes
    are not a Word document python-docx can read (not a zip, a zip of something else, a damaged member or part, XML
    python-docx fails on). Never coerces a cell's text.
    """
    word = _open(bounded_package(data, "DOCX"))
    try:
        return _read(word, path)
    except IngestError:
        raise
    except RecursionError:
        raise _corrupt("content nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - python-docx's failures on malformed parts are not a documented set
        raise _corrupt(f"malformed content ({type(exc).__name__}: {exc})") from None


def _read(word: DocxDocument, path: str) -> Document:
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    headings = _HeadingStyles(word)
    budget = CellBudget()
    line = 0
    for block in _body(word):
        if isinstance(block, DocxTable):
            found, line = table_from_grid(_grid(block, budget), line)
            if found:
                tables.append(found)
            continue
        text = join(block.text.split("\n"))
        if not text:
            continue
        line += 1
        paragraphs.append(Paragraph(line, text, heading_level=headings.level(block)))
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
    except Exception as exc:  # noqa: BLE001 - anything else python-docx meets in a damaged package
        reason = f"damaged content ({type(exc).__name__})"
    raise _corrupt(reason)


def _corrupt(reason: str) -> IngestError:
    return IngestError("corrupt_file", format="DOCX", reason=reason)


def _body(word: DocxDocument) -> Iterator[DocxParagraph | DocxTable]:
    """Top-level paragraphs and tables in document order (python-docx ≥ 1.1, as pyproject.toml requires, has
    iter_inner_content; `Document.paragraphs` and `.tables` apart would lose the order tables need for their
    section)."""
    return word.iter_inner_content()


def _grid(table: DocxTable, budget: CellBudget) -> Iterator[list[str | None]]:
    """Each row's text per layout-grid column, merges expanded: the origin holds the text, covered positions None
    (read as "" and marked `covered`, so the facts layer never takes one for a value).

    The positions are python-docx's `_Row.cells`: a `w:tc` fills as many positions as it spans (gridSpan), and a
    vMerge continuation fills the positions of the cell it continues, the `w:tc` of the row above that starts at the
    same grid offset (and so on up). That rule is applied here with a map of the row above instead of python-docx's
    walk up the rows for each cell, which is quadratic and recursive (a hostile table of long vertical merges takes
    hours, or raises RecursionError), and every position is counted against the cell limits before it is made: a
    gridSpan of a billion costs nothing. A position whose `w:tc` is the one to its left or the one above is covered.
    Positions a row skips (gridBefore/gridAfter) are empty cells of the grid (""), not covered ones.
    """
    previous: list[CT_Tc | None] = []
    above: dict[int, CT_Tc] | None = None  # the row above: grid offset where a w:tc starts → the cell it shows
    count = 0
    for tr in table._tbl.tr_lst:
        starts: dict[int, CT_Tc] = {}
        offset = tr.grid_before
        tcs: list[CT_Tc | None] = [None] * budget.take(count, offset)
        count += offset
        for tc in tr.tc_lst:
            span = tc.grid_span
            if span < 0:
                raise _corrupt(f"malformed merged cell (gridSpan {span})")
            shown = tc if tc.vMerge != "continue" else _continued(above, offset)
            starts.setdefault(offset, shown)
            width = shown.grid_span if shown is not tc else span
            tcs.extend([shown] * budget.take(count, max(width, 0)))
            count += max(width, 0)
            offset += span
        after = tr.grid_after
        tcs.extend([None] * budget.take(count, after))
        count += after
        texts: list[str | None] = []
        for i, position in enumerate(tcs):
            covered = position is not None and (
                (i > 0 and tcs[i - 1] is position) or (i < len(previous) and previous[i] is position))
            texts.append(None if covered else "" if position is None else cell_text(_Cell(position, table)))
        # Kept alive on purpose: lxml hands back the same proxy object for a node only while one is referenced, and the
        # `is` comparisons above rely on it.
        previous = tcs
        above = starts
        yield texts
    budget.spend(count)


def _continued(above: dict[int, CT_Tc] | None, offset: int) -> CT_Tc:
    """The cell a vMerge continuation at `offset` shows: the one the row above shows where a w:tc starts at that
    offset. python-docx raises ValueError for both failures, read before as a malformed merged cell."""
    if above is None:
        raise _corrupt("malformed merged cell (no tr above topmost tr in w:tbl)")
    shown = above.get(offset)
    if shown is None:
        raise _corrupt(f"malformed merged cell (no `tc` element at grid_offset={offset})")
    return shown


def cell_text(cell: _Cell) -> str:
    """A cell's paragraphs (and the lines within them) joined as one string, stripped (text_join.join: nothing
    between CJK or digits, 「商业」「企业」 → 「商业企业」, a space between Latin words)."""
    return join(line for p in cell.paragraphs for line in p.text.split("\n"))


class _HeadingStyles:
    """Heading levels of paragraphs from their styles: 1–9 for a Heading n / 「标题 n」 style (or a style based on
    one), 1 for Title / 「标题」, else None.

    Styles are python-docx's (a paragraph's style, or the default paragraph style when its id is missing, unknown or
    not a paragraph style; a base style by id), looked up in a map of the styles part built once and resolved once
    per style id: python-docx finds a style by an XPath over every style, for each paragraph and each base style,
    which is quadratic on a hostile file, and an id with a quote in it is an XPath syntax error."""

    def __init__(self, word: DocxDocument) -> None:
        styles = word.styles.element
        self._by_id: dict[str, CT_Style] = {}
        for style in styles.style_lst:
            if style.styleId is not None:
                self._by_id.setdefault(style.styleId, style)
        self._default = styles.default_for(WD_STYLE_TYPE.PARAGRAPH)
        self._levels: dict[str | None, int | None] = {}

    def level(self, paragraph: DocxParagraph) -> int | None:
        style_id = paragraph._p.style
        if style_id not in self._levels:
            self._levels[style_id] = self._resolve(style_id)
        return self._levels[style_id]

    def _resolve(self, style_id: str | None) -> int | None:
        style = self._by_id.get(style_id) if style_id else None
        if style is None or style.type != WD_STYLE_TYPE.PARAGRAPH:
            style = self._default
        for _ in range(_MAX_BASE_STYLES):
            if style is None:
                return None
            name = (StyleFactory(style).name or "").strip()
            match = _HEADING_STYLE.match(name)
            if match:
                return int(match.group(1))
            if _TITLE_STYLE.match(name):
                return 1
            based_on = style.basedOn_val  # python-docx: base_style, looked up by id whatever its type
            style = self._by_id.get(based_on) if based_on is not None else None
        return None
