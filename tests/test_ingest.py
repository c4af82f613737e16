"""Text and Markdown as published: encodings detected, tables kept cell for cell, bad input named, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.ingest import IngestError, read_document

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "004_bdd5b039361f2e6c.txt"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("encoding", "prefix", "expected"), [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
    ("gb18030", b"", "gb18030"),
    ("utf-16", b"", "utf-16"),
])
def test_encodings_are_detected(tmp_path: Path, encoding: str, prefix: bytes, expected: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    doc = read_document(_write(tmp_path, "r.txt", prefix + text.encode(encoding)))
    assert doc.encoding == expected
    assert doc.paragraphs[0].text.startswith("焦作市人民政府办公室")
    assert len(doc.tables) == len(read_document(SAMPLE).tables)


def test_tab_cells_are_kept_as_written_including_empty_ones() -> None:
    doc = read_document(SAMPLE)
    row = next(r for t in doc.tables for r in t.rows if r.cells[0].text.startswith("一、本年新收"))
    assert [c.text for c in row.cells] == [
        "一、本年新收政府信息公开申请数量", "", "57", "1", "0", "0", "0", "0", "58", ""]
    assert row.line == 41


def test_markdown_headings_and_pipe_tables(tmp_path: Path) -> None:
    text = "# 标题\n\n## 一、总体情况\n\n正文。\n\n| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 12 |\n"
    doc = read_document(_write(tmp_path, "r.md", text.encode()))
    assert doc.format == "markdown"
    assert [(p.text, p.heading_level) for p in doc.paragraphs[:2]] == [("标题", 1), ("一、总体情况", 2)]
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows == [["信息内容", "本年处理决定数量"], ["行政许可", "12"]]


@pytest.mark.parametrize(("name", "data", "slug"), [
    ("empty.txt", b"", "empty_file"),
    ("blank.txt", b"  \n\n \t\n", "empty_file"),
    ("image.txt", bytes(range(256)) * 8, "binary_file"),
    ("report.pdf", b"%PDF-1.7\n...", "corrupt_file"),
    ("report.docx", b"PK\x03\x04word/document.xml", "corrupt_file"),
    ("report.zip", b"PK\x03\x04" + bytes(64), "unsupported_format"),
])
def test_bad_input_is_named(tmp_path: Path, name: str, data: bytes, slug: str) -> None:
    with pytest.raises(IngestError) as error:
        read_document(_write(tmp_path, name, data))
    assert error.value.slug == slug


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as missing:
        read_document(tmp_path / "nope.txt")
    assert missing.value.slug == "file_not_found"
    with pytest.raises(IngestError) as directory:
        read_document(tmp_path)
    assert directory.value.slug == "read_error"
