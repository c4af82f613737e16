"""Scans of the parity PDFs, as an office scanner or a phone makes them: each page rendered to grey pixels at a
scanner's resolution, turned by about a degree (a sheet is never fed quite straight), with grain (sensor noise) and
specks (dust), then written as an image-only PDF or a multi-page TIFF. Deterministic: the noise has a fixed seed, so
a scan is the same bytes every run and a measured share of cells read does not drift.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

DPI = 150  # the low end of what scanners are set to for text (150–300); the cheaper one to read
GRAIN = 12.0  # standard deviation of the sensor noise, in grey levels of 255
SPECKS = 0.0005  # share of pixels turned to a dark speck of dust


def scanned_pages(pdf: bytes, angle: float, seed: int, dpi: int = DPI) -> Iterator[Image.Image]:
    """The PDF's pages as a scanner gives them: grey, rotated by `angle` degrees, with grain and specks."""
    rng = np.random.default_rng(seed)
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            pixels = np.asarray(turned, dtype=np.float64) + rng.normal(0.0, GRAIN, (turned.height, turned.width))
            pixels[rng.random(pixels.shape) < SPECKS] = 40.0
            yield Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    finally:
        document.close()


def scanned_pdf(pdf: bytes, angle: float, seed: int, dpi: int = DPI) -> bytes:
    """An image-only PDF of the scanned pages (no text layer: the reader must OCR it)."""
    pages = list(scanned_pages(pdf, angle, seed, dpi))
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return buffer.getvalue()


def scanned_tiff(pdf: bytes, angle: float, seed: int, dpi: int = DPI) -> bytes:
    """A multi-page TIFF of the scanned pages, as a scanner's "one file" setting writes one."""
    pages = list(scanned_pages(pdf, angle, seed, dpi))
    buffer = io.BytesIO()
    pages[0].save(buffer, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate",
                  dpi=(dpi, dpi))
    return buffer.getvalue()
