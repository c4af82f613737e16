"""Scans and photos that are not reports: each a clear problem, never a traceback. Whole scanned reports against
the text facts: tests/test_parity_scan.py."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from auditor import limits
from auditor.ingest import ocr as ocr_module
from auditor.ingest import read_document, sniff_format
from auditor.ingest.errors import IngestError


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _slug(path: Path) -> str:
    with pytest.raises(IngestError) as caught:
        read_document(path)
    return caught.value.slug


def test_images_are_known_by_their_bytes(tmp_path: Path) -> None:
    assert sniff_format(_png(Image.new("L", (8, 8), 255)), tmp_path / "scan.txt") == "image"
    assert sniff_format(b"\xff\xd8\xff\xe0rest", tmp_path / "a.bin") == "image"
    assert sniff_format(b"II*\x00rest", tmp_path / "a.bin") == "image"


def test_a_blank_page_is_named(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    path.write_bytes(_png(Image.new("L", (600, 800), 255)))
    assert _slug(path) == "scan_blank"


def test_a_huge_image_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png(Image.new("1", (8000, 8000), 1)))  # 64 M pixels in a few kB
    assert limits.MAX_SCAN_PIXELS < 8000 * 8000
    assert _slug(path) == "limit_exceeded"


def test_too_many_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SCAN_PAGES", 1)
    buffer = io.BytesIO()
    pages = [Image.new("L", (60, 80), 255) for _ in range(2)]
    pages[0].save(buffer, format="TIFF", save_all=True, append_images=pages[1:])
    path = tmp_path / "two.tif"
    path.write_bytes(buffer.getvalue())
    assert _slug(path) == "limit_exceeded"


def test_a_damaged_image_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bad.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert _slug(path) == "corrupt_file"


def test_the_engine_missing_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails as when not installed
    ocr_module._engine.cache_clear()
    try:
        path = tmp_path / "page.png"
        path.write_bytes(_png(Image.new("L", (300, 400), 255)))
        with pytest.raises(IngestError) as caught:
            read_document(path)
        assert caught.value.slug == "ocr_unavailable"
    finally:
        ocr_module._engine.cache_clear()
    from auditor.problems import problem
    assert "rapidocr-onnxruntime" in problem("ocr_unavailable", "en", str(path), **caught.value.values).message
