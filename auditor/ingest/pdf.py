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
  each paragraph takes one number, each table row one. A result names the place a reader finds in the file beside
  it (Document.places): 「第 3 页第 12 行」, the twelfth line of text on page 3 counting from the top, running headers
  included and table rows not; a table row is on its page, its cell found by table, row and column.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from pdfminer.pdfpage import PDFPage

from auditor import limits
from auditor.ingest.document import Document
from auditor.ingest.errors import IngestError
from auditor.ingest.layout import (
    Item,
    build_document,
    drop_page_furniture,
    find_tables,
    join_pages,
    outside_tables,
    page_items,
)
from auditor.ingest.pdfstreams import StreamLimitExceeded, bounded_streams

_RULE_MAX_THICKNESS = 2.0  # a filled rectangle thinner than this is a drawn rule, not a background
_WHITE = {(1,), (1.0,), (1, 1, 1), (1.0, 1.0, 1.0), (0, 0, 0, 0), (0.0, 0.0, 0.0, 0.0)}


def read_pdf(data: bytes, path: str) -> Document:
    """Read a PDF report into a Document (format "pdf").

    Raises IngestError("corrupt_file", format="PDF", reason=...) when pdfplumber cannot open or parse the file. A PDF
    of which no page has a single character (a scan) is read through OCR (scan.py, with problems of its own). A PDF
    with some text is read even if some of its pages are images; those pages contribute nothing. Raises
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
        # A scan: its pages are rendered and read through OCR (scan.py).
        from auditor.ingest.scan import read_scanned_pdf
        return read_scanned_pdf(data, path)
    items = drop_page_furniture([page_items for page_items, _ in pages], heights)
    return build_document(join_pages(items), path, "pdf", "text-layer")


def _read_pages(data: bytes) -> tuple[list[tuple[list[Item], bool]], list[float]]:
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


def _read_page(page: Any, number: int) -> tuple[list[Item], bool]:
    """The page's tables and text lines in reading order (top to bottom), and whether it has any character."""
    has_text = any(c["text"].strip() for c in page.chars)
    inked = page.filter(_is_ink)
    tables = find_tables(inked, inked.edges)
    outside = outside_tables(tables)
    lines = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj)).extract_text_lines(
        return_chars=True)
    return page_items(lines, tables, number), has_text


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


