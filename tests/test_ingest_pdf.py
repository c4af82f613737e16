"""PDF reports read through pdfplumber, checked against what the published files say.

Every expected value below was read off the source by a person: pdfplumber's plain text extraction of each page and
the pages rendered to images (pypdfium2), not the output of the reader under test.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from auditor.facts import extract_facts
from auditor.ingest import IngestError
from auditor.ingest.document import Document
from auditor.ingest.layout import Item, Line, drop_page_furniture
from auditor.ingest.pdf import read_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports"

# file → what the document says. t3 and t4 values are (row key, column key) → the number printed in that cell.
EXPECTED: dict[str, dict[str, Any]] = {
    "huaian-hongze-gov-2023.pdf": {
        # The title names the agency without 淮安市 (page 1: 「洪泽区人民政府」 / 「2023 年政府信息公开工作年度报告」).
        "agency": "洪泽区人民政府", "year": 2023,
        "t3": {"new_received.total": 21, "carried_over.total": 0, "total_processed.total": 21,
               "carried_forward.total": 0, "partially_granted.total": 4, "unable.not_held.natural_person": 10,
               "unable.needs_creation.total": 3, "unable.unclear.total": 0, "rejected.complaint.total": 1},
        # Page 4: 10 1 0 0 0 | 0 0 0 0 0 | 5 0 0 0 0 (the report's own totals are 0; not the reader's business).
        "t4": {"review.upheld": 10, "review.corrected": 1, "review.total": 0, "litigation_direct.total": 0,
               "litigation_after_review.upheld": 5, "litigation_after_review.total": 0},
        "t2": {"normative_documents.repealed": 5, "licensing.decisions": 550, "punishment.decisions": 4119,
               "admin_fees.amount_10k_yuan": 7730.28},
        # The report misprints a row 「2.其他法律行政止公开」; the vocabulary reads it as the row it is.
        "issues": [],
    },
    "huaian-hongze-gov-2024.pdf": {
        "agency": "淮安市洪泽区人民政府", "year": 2024,
        "t3": {"new_received.total": 95, "carried_over.total": 0, "total_processed.total": 95,
               "carried_forward.total": 0, "granted.total": 50, "partially_granted.total": 9,
               "unable.not_held.total": 31, "unable.needs_creation.total": 1, "denied.three_safeties.total": 1},
        "t4": {"review.upheld": 1, "review.total": 2, "litigation_direct.total": 1,
               "litigation_after_review.other": 1, "litigation_after_review.total": 3},
        "t2": {"normative_documents.issued": 3, "normative_documents.in_force": 8, "licensing.decisions": 9487,
               "punishment.decisions": 2776, "coercion.decisions": 84, "admin_fees.amount_10k_yuan": 7545},
        "issues": [],  # the same misprinted 「2.其他法律行政止公开」 row, read
    },
    "huaian-gov-2024.pdf": {
        "agency": "淮安市人民政府", "year": 2024,
        "t3": {"new_received.total": 3119, "new_received.natural_person": 3001, "new_received.legal_service": 61,
               "carried_over.total": 34, "total_processed.total": 3050, "carried_forward.total": 103,
               "granted.total": 1362, "unable.not_held.total": 769, "unable.needs_creation.total": 11,
               "other.no_correction.total": 71, "other.unpaid_fee.total": 6, "other.other.total": 110},
        "t4": {"review.upheld": 72, "review.corrected": 64, "review.other": 178, "review.pending": 37,
               "review.total": 351, "litigation_direct.total": 26, "litigation_after_review.total": 20},
        "t2": {"regulations.issued": 1, "regulations.in_force": 11, "normative_documents.repealed": 26,
               "licensing.decisions": 447228, "punishment.decisions": 3985758, "admin_fees.amount_10k_yuan": 96171.6},
        "issues": [],
    },
}

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus of real reports is not here")

_cache: dict[str, Document] = {}


def _read(name: str) -> Document:
    # Reading a report takes about half a second; each is read once for all the tests that look at it.
    if name not in _cache:
        _cache[name] = read_pdf((CORPUS / name).read_bytes(), str(CORPUS / name))
    return _cache[name]


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_report_yields_the_facts_the_document_states(name: str) -> None:
    expected = EXPECTED[name]
    facts = extract_facts(_read(name))
    assert facts.format == "pdf"
    assert facts.title is not None and facts.title.endswith("政府信息公开工作年度报告")
    assert (facts.agency, facts.year) == (expected["agency"], expected["year"])
    assert [s.number for s in facts.sections] == [1, 2, 3, 4, 5, 6]
    assert facts.tables_found == ("t2", "t3", "t4")
    assert [i.slug for i in facts.issues] == expected["issues"]
    for table in ("t2", "t3", "t4"):
        for key, value in expected[table].items():
            cell = facts.cells[f"{table}.{key}"]
            assert (cell.status, cell.value) == ("number", value), f"{table}.{key}"
    # Every cell the facts layer placed is a number: no cell of these three tables is blank or unreadable.
    assert {c.status for c in facts.cells.values()} == {"number"}


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_table_three_across_a_page_break_is_one_table(name: str) -> None:
    doc = _read(name)
    table = next(t for t in doc.tables if any(r.cells[0].text.startswith("一、本年新收") for r in t.rows))
    labels = ["".join(c.text for c in r.cells) for r in table.rows]
    assert any("结转下年度继续办理" in label for label in labels)  # the last row, on the next page
    assert any("补正后申请内容仍不明确" in label for label in labels)
    assert len({len(r.cells) for r in table.rows}) == 1  # one grid: every row as wide as the table
    assert len(table.rows) == len({r.line for r in table.rows})


@needs_corpus
def test_cells_are_the_visual_grid_with_broken_lines_joined() -> None:
    doc = _read("huaian-gov-2024.pdf")
    table = next(t for t in doc.tables if any(r.cells[0].text.startswith("一、本年新收") for r in t.rows))
    header = [c.text for c in table.rows[2].cells]
    # 「商业企⏎业」 printed over two lines is one word; merged header cells leave "" in the positions they cover.
    assert header == ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    granted = [c.text for c in table.rows[5].cells]
    # The row label printed one character per line (「三、⏎本⏎年⏎度…」) is one word, in the top-left of its span.
    assert granted == ["三、本年度办理结果", "（一）予以公开", "", "1288", "21", "0", "0", "50", "3", "1362"]


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_paragraphs_and_rows_share_one_line_sequence_without_page_numbers(name: str) -> None:
    doc = _read(name)
    numbers = [p.line for p in doc.paragraphs] + [r.line for t in doc.tables for r in t.rows]
    assert sorted(numbers) == list(range(1, doc.line_count + 1))
    assert all(c.line == r.line for t in doc.tables for r in t.rows for c in r.cells)
    assert not any(re.fullmatch(r"[-—\s]*\d+[-—\s]*", p.text) for p in doc.paragraphs)


@needs_corpus
def test_a_paragraph_runs_on_across_lines_and_pages() -> None:
    doc = _read("huaian-hongze-gov-2023.pdf")
    texts = [p.text for p in doc.paragraphs]
    # Page 1 ends in 「严格执行“分」 and page 2 begins 「级审核、先审后发”程序」: one paragraph.
    assert any("严格执行“分级审核、先审后发”程序" in t for t in texts)
    # The claim the narrative makes stays in one paragraph, its justified spacing gone.
    assert any("2023年全区受理政府信息公开申请21件，均在法定期限答复。" in t for t in texts)
    assert texts[:2] == ["洪泽区人民政府", "2023年政府信息公开工作年度报告"]


@needs_corpus
def test_a_narrower_continuation_is_spread_onto_the_grid_it_continues() -> None:
    # hongze-2023 table 二: four columns on page 2, its continuation on page 3 has two (the second spans three).
    doc = _read("huaian-hongze-gov-2023.pdf")
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "第二十条第（一）项")
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert ["行政处罚", "4119", "", ""] in rows
    assert ["信息内容", "本年处理决定数量", "", ""] in rows  # page 3's first row: its border was only half drawn
    assert rows[-1] == ["行政事业性收费", "7730.28", "", ""]


def test_page_numbers_and_running_headers_are_dropped() -> None:
    def line(text: str, top: float, page: int) -> Line:
        return Line(text, 100.0, 300.0, top, top + 12, 12.0, page)

    pages: list[list[Item]] = [
        [line("某市人民政府 政务公开年报", 30, n), line(f"正文第{n}页的内容", 400, n), line(f"— {n + 1} —", 800, n)]
        for n in range(3)
    ]
    kept = drop_page_furniture(pages, [842.0] * 3)
    assert [[i.text for i in items if isinstance(i, Line)] for items in kept] == [
        ["正文第0页的内容"], ["正文第1页的内容"], ["正文第2页的内容"]]


def _image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, format="PDF")  # Pillow writes pages with an image, no text
    return buffer.getvalue()


def test_a_scan_without_a_text_layer_is_named() -> None:
    with pytest.raises(IngestError) as caught:
        read_pdf(_image_only_pdf(), "scan.pdf")
    assert caught.value.slug == "no_text_layer"


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really a PDF", b"", _image_only_pdf()[:40]],
                         ids=["garbage", "empty", "truncated"])
def test_a_file_pdfplumber_cannot_open_is_corrupt(data: bytes) -> None:
    with pytest.raises(IngestError) as caught:
        read_pdf(data, "broken.pdf")
    assert caught.value.slug == "corrupt_file"
    assert caught.value.values["format"] == "PDF"
    assert caught.value.values["reason"]
