"""Scans and photos: page images (image.py) read through OCR (ocr.py), then rebuilt into a Document by the rules the
PDF reader applies to a text layer (layout.py): the same tables, joined across pages, the same
paragraphs. The Document says it came from OCR (Document.ocr: the engine, the pages, the share of cells read), and
its encoding is "ocr".
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable

from auditor import budget
from auditor.ingest.document import Document, OcrNote
from auditor.ingest.errors import IngestError
from auditor.ingest.image import PageImage, image_pages, pdf_pages
from auditor.ingest.layout import Grid, Line, build_document, drop_page_furniture, join_pages
from auditor.ingest.ocr import ENGINE, PageRead, read_page

# Dots per inch an image-only PDF is rendered at: at 150 the engine read every number of the parity scans it read
# at 200, in half the time (a page costs ~2–4 s; a file has `--timeout`, 30 s by default).
PDF_DPI = 150
# Lines whose heights differ by less than this share are one font size: OCR boxes vary by a pixel or two, and the
# paragraph rule (layout._continues) would otherwise break a paragraph at every line.
_SAME_SIZE = 0.2


def read_scanned_pdf(data: bytes, path: str) -> Document:
    """An image-only PDF, rendered at PDF_DPI and read through OCR."""
    return _read(pdf_pages(data, PDF_DPI), path, "pdf")


def read_image(data: bytes, path: str, fmt: str) -> Document:
    """A PNG, JPEG or TIFF (`fmt`) photo or scan, each frame a page, read through OCR (format "image")."""
    return _read(image_pages(data, fmt), path, "image")


def _read(pages: Iterable[PageImage], path: str, fmt: str) -> Document:
    """IngestError `ocr_unavailable` without the engine, `scan_blank` when OCR reads no character on any page."""
    reads = [_read_page(page, number) for number, page in enumerate(pages)]
    if not any(read.items for read in reads):
        raise IngestError("scan_blank", pages=str(len(reads)))
    items = _even_sizes([read.items for read in reads])
    kept = drop_page_furniture(items, [read.height for read in reads])
    document = build_document(join_pages(kept), path, fmt, "ocr")
    note = OcrNote(ENGINE, len(reads), sum(r.cells_read for r in reads), sum(r.cells_unsure for r in reads))
    return dataclasses.replace(document, ocr=note)


def _read_page(page: PageImage, number: int) -> PageRead:
    # Each page's OCR earns the file its time: the run's --timeout is for reading a file, not for 100 pages of OCR.
    budget.earn_page()
    return read_page(page, number)


def _even_sizes(pages: list[list[Line | Grid]]) -> list[list[Line | Grid]]:
    """Every line of about the body's height given the body's height exactly (the module constant says why)."""
    heights = [item.size for items in pages for item in items if isinstance(item, Line)]
    if not heights:
        return pages
    body = statistics.median(heights)
    return [[dataclasses.replace(item, size=body)
             if isinstance(item, Line) and abs(item.size - body) <= _SAME_SIZE * body else item
             for item in items] for items in pages]
