"""Page images of a scan, bounded and straightened: photos and scans (PNG, JPEG, TIFF) opened with Pillow, image-only
PDF pages rendered with pdfium (pypdfium2), each page turned grey and deskewed before OCR (ocr.py) reads it.

Bounds (auditor.limits): MAX_SCAN_PIXELS pixels a page, checked on the image's header (Pillow reads the size without
decoding) or on the PDF page's size before it is rendered, so a decompression bomb is refused unread; MAX_SCAN_PAGES
pages (a multi-page TIFF's frames, a PDF's pages). Pillow's own MAX_IMAGE_PIXELS guard is kept at our limit, so a
decoder that finds more pixels than the header said still stops.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from auditor import limits
from auditor.ingest.errors import IngestError

# What Pillow's decoders raise on a damaged image: they vary with the format.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error)
_MAX_WIDTH = 1654  # pixels: an A4 page at 200 dpi; a wider photo is reduced to it
_A4_WIDTH_PT = 595.0  # a photo has no page size: its width is taken as an A4 page's, so OCR geometry is in points
# A scan is rarely straight; beyond a few degrees it is a photo taken askew, which the table finder cannot read.
_MAX_SKEW = 3.0
_SKEW_STEP = 0.1
_SKEW_WIDTH = 800  # pixels: the skew is measured on a reduced copy, which is as accurate and 4× cheaper


@dataclass(frozen=True)
class PageImage:
    """One page as a grey image (uint8, white 255) and its scale: points per pixel."""

    pixels: np.ndarray
    scale: float


def image_pages(data: bytes, fmt: str) -> Iterator[PageImage]:
    """The pages of a PNG, JPEG or (multi-page) TIFF, deskewed. IngestError `corrupt_file` for an image Pillow cannot
    decode, `limit_exceeded` for a page over MAX_SCAN_PIXELS or more than MAX_SCAN_PAGES pages."""
    image = _open(data, fmt)
    try:
        for number, frame in enumerate(ImageSequence.Iterator(image)):
            if number >= limits.MAX_SCAN_PAGES:
                raise _too_many_pages()
            _check_pixels(frame.width, frame.height)  # each frame of a TIFF has its own size
            try:
                grey = frame.convert("L")
            except _DECODE_ERRORS as exc:
                raise _corrupt(fmt, exc) from None
            if grey.width > _MAX_WIDTH:  # a phone's 4,000-pixel photo: OCR reads no better, four times slower
                grey = grey.resize((_MAX_WIDTH, max(1, round(grey.height * _MAX_WIDTH / grey.width))),
                                   Image.Resampling.LANCZOS)
            yield PageImage(deskew(np.asarray(grey)), _A4_WIDTH_PT / grey.width)
    finally:
        image.close()


def _open(data: bytes, fmt: str) -> Image.Image:
    """The image, its header read and nothing decoded yet. Pillow warns past MAX_IMAGE_PIXELS and refuses past twice
    that; the warning is made an error here, so the limit is ours."""
    Image.MAX_IMAGE_PIXELS = limits.MAX_SCAN_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except _DECODE_ERRORS as exc:
        raise _corrupt(fmt, exc) from None
    return image


def _corrupt(fmt: str, exc: BaseException) -> IngestError:
    return IngestError("corrupt_file", format=fmt, reason=str(exc) or type(exc).__name__)


def pdf_pages(data: bytes, dpi: float) -> Iterator[PageImage]:
    """An image-only PDF's pages rendered at `dpi`, deskewed; the same limits as image_pages. IngestError
    `no_text_layer` when no page holds an image either: nothing a scan would be (vector drawings, or a text layer
    pdfminer could not read), and rendering it for OCR would cost seconds a page for nothing."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError("corrupt_file", format="PDF", reason=str(exc)) from None
    try:
        if len(document) > limits.MAX_SCAN_PAGES:
            raise _too_many_pages()
        images = [pdfium_c.FPDF_PAGEOBJ_IMAGE]
        if not any(next(document[i].get_objects(filter=images, max_depth=2), None) for i in range(len(document))):
            raise IngestError("no_text_layer")
        scale = dpi / 72
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            _check_pixels(round(width * scale), round(height * scale))
            bitmap = page.render(scale=scale, grayscale=True)
            grey = np.asarray(bitmap.to_pil().convert("L"))
            yield PageImage(deskew(grey), 1 / scale)
    finally:
        document.close()


def deskew(grey: np.ndarray) -> np.ndarray:
    """The page turned straight: the angle (within ±_MAX_SKEW degrees) at which the rows of ink are most sharply
    separated, i.e. the row sums of the ink vary most (a projection profile: text lines and table rules are
    horizontal on a straight page)."""
    image = Image.fromarray(grey)
    ratio = min(1.0, _SKEW_WIDTH / max(1, image.width))
    small = image.resize((max(1, round(image.width * ratio)), max(1, round(image.height * ratio))))
    ink = Image.fromarray(np.where(np.asarray(small) < 128, 255, 0).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST)).sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    steps = round(_MAX_SKEW / _SKEW_STEP)
    angle = max((k * _SKEW_STEP for k in range(-steps, steps + 1)), key=sharpness)
    if abs(angle) < _SKEW_STEP / 2:
        return grey
    return np.asarray(image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))


def _check_pixels(width: int, height: int) -> None:
    if width * height > limits.MAX_SCAN_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> IngestError:
    return IngestError("limit_exceeded", **limits.exceeded(
        "扫描页像素数", "the pixels of a scanned page", f"{limits.MAX_SCAN_PIXELS:,}"))


def _too_many_pages() -> IngestError:
    return IngestError("limit_exceeded", **limits.exceeded(
        "扫描件页数", "the pages of a scan", str(limits.MAX_SCAN_PAGES)))
