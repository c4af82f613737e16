"""Locations a reader can find in a paged file (issue 15 stumble 2): a PDF's lines are numbered in reading order over
the whole document, which no reader can count; every result also names the page and the line of text on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.facts import extract_facts
from auditor.facts.model import from_json, to_json
from auditor.ingest import read_document
from auditor.packs import Pack
from tests.conftest import CORPUS
from tests.test_cli import audit_json, run
from tests.test_format_sarif import audit_sarif

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")

# Page 1 of 洪泽 2024 as printed: the title on lines 1–2, the 本报告 paragraph on 3–8, 「一、总体情况」 on 9,
# 「（二）依申请公开情况」 on 20; table 二 runs from page 2 onto page 3, table 三 from page 3 onto page 4.
HONGZE = CORPUS / "huaian-hongze-gov-2024.pdf"


def test_every_line_of_a_pdf_knows_its_page_and_its_line_there() -> None:
    document = read_document(HONGZE)
    assert document.places is not None and len(document.places) == document.line_count
    by_text = {p.text[:6]: document.places[p.line - 1] for p in document.paragraphs}
    assert (by_text["一、总体情况"].page, by_text["一、总体情况"].line) == (1, 9)
    assert (by_text["（二）依申请"].page, by_text["（二）依申请"].line) == (1, 20)
    assert (by_text["（三）政府信"].page, by_text["（三）政府信"].line) == (2, 1)
    pages = [document.places[row.line - 1] for table in document.tables for row in table.rows]
    assert all(p.line is None for p in pages)  # a table row: its cell is found by table, row and column
    assert [p.page for p in pages] == sorted(p.page for p in pages) and len({p.page for p in pages}) >= 2


def test_places_survive_the_history_store() -> None:
    """A batch with a store audits the facts it recorded (facts.model.from_json): the pages must come back."""
    facts = extract_facts(read_document(HONGZE))
    assert from_json(to_json(facts)).places == facts.places is not None


def test_a_text_file_has_no_pages() -> None:
    assert read_document(CORPUS / "shuyang-gov-2025.txt").places is None


def test_findings_and_messages_send_the_reader_to_the_page() -> None:
    _, data = audit_json(str(HONGZE), "--fail-on", "none")
    (doc,) = data["documents"]
    new = next(f for f in doc["findings"] if f["rule_id"] == "TXT-NEW")
    assert (new["location"]["page"], new["location"]["page_line"]) == (1, 23)
    assert "第 1 页第 23 行「受理政府信息公开申请17件」" in new["message"]
    cell = next(o for o in new["evidence"]["operands"] if o["ref"].startswith("t3."))
    assert cell["location"]["page"] == 3 and cell["location"]["page_line"] is None
    layout = next(f for f in doc["findings"] if f["rule_id"] == "TPL-LAYOUT-T3")
    assert layout["location"]["section"] == 3 and layout["location"]["page"] == 3  # where table 三's section begins
    text = run("audit", str(HONGZE), "--fail-on", "none").output
    assert "TXT-NEW  第一部分 第 1 页第 23 行" in text and "= 95（第 3 页）" in text


def test_sarif_keeps_the_page_as_a_property(tmp_path: Path) -> None:
    _, log = audit_sarif(str(HONGZE), "--lang", "en")
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "TXT-NEW")
    properties = result["locations"][0]["properties"]
    assert properties["page"] == 1 and properties["pageLine"] == 23 and "region" not in \
        result["locations"][0]["physicalLocation"]


def test_the_drawn_report_marks_each_page_and_counts_lines_as_printed(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    run("audit", str(HONGZE), "--fail-on", "none", "--format", "html", "--output", str(out))
    (page,) = [p for p in out.iterdir() if p.name != "index.html"]
    html = page.read_text(encoding="utf-8")
    assert '<div class="pg">第 1 页</div>' in html and '<div class="pg">第 2 页</div>' in html
    assert '<span class="no">20</span><span class="tx rt">（二）依申请公开情况' in html
    assert "第一部分 第 1 页第 23 行" in html and "标题（第 1 页第 1 行）" in html


def test_unchecked_numbers_and_the_review_queue_name_the_page(tmp_path: Path) -> None:
    huaian = CORPUS / "huaian-gov-2024.pdf"  # two numbers of its narrative no statement is read from
    _, data = audit_json(str(huaian), "--fail-on", "none")
    unchecked = data["documents"][0]["coverage"]["unchecked"]
    assert unchecked and all(u["page"] is not None and u["page_line"] is not None for u in unchecked)
    text = run("audit", str(huaian), "--fail-on", "none", "--show", "unchecked").output
    assert f"未核对: 第 {unchecked[0]['page']} 页第 {unchecked[0]['page_line']} 行「" in text
    db = tmp_path / "audits.db"
    run("audit", str(HONGZE), "--db", str(db), "--fail-on", "none")
    listed = run("review", "list", "--db", str(db), "--year", "2024").output
    assert "第 1 页第 23 行" in listed  # TXT-NEW's statement, on the printed line where it starts


def test_a_statement_in_the_middle_of_a_paragraph_is_placed_on_its_own_printed_line(packs: list[Pack]) -> None:
    """A paragraph printed over many lines is one line of the Document; a statement in it is found on the printed
    line where it starts (Place.wraps), not at the paragraph's first line: 洪泽 2024's 「受理政府信息公开申请17件」
    starts at the end of page 1's line 23, three lines into its paragraph (line 20)."""
    import pdfplumber

    from auditor.audit import read_facts
    from auditor.findings import located

    facts, _ = read_facts(HONGZE, packs)
    claim = next(c for c in facts.claims if c.key == "claim.applications_received")
    assert (located(facts, line=claim.line).page_line, located(facts, line=claim.line, start=claim.start_column)
            .page_line) == (20, 23)
    with pdfplumber.open(HONGZE) as pdf:
        printed = {n: pdf.pages[n - 1].extract_text().replace(" ", "").splitlines() for n in (1, 2)}
    placed = [(c, located(facts, line=c.line, start=c.start_column)) for c in facts.claims]
    on_prose = [(c, at) for c, at in placed if at.page in printed and at.page_line]
    assert len(on_prose) >= 3
    for c, at in on_prose:  # each starts on the printed line named (its first characters, at least)
        assert c.text.replace(" ", "")[:2] in printed[at.page][at.page_line - 1], (c.text, at)
    assert from_json(to_json(facts)).places == facts.places  # the wraps survive the history store
