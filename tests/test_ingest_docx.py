"""The DOCX reader: merged cells as a visual grid, heading styles, reading order and lines, the blank template, and
files python-docx cannot open."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from lxml import etree

from auditor.facts import extract_facts
from auditor.ingest import IngestError, Table
from auditor.ingest.docx import read_docx
from auditor.problems import problem
from tests.conftest import CORPUS

BLANK_TEMPLATE = CORPUS / "blank-template-2021.docx"


def _bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _read_table(build: Callable[[Any], None]) -> Table:
    """The one table a document built by `build` reads as."""
    document = docx.Document()
    build(document)
    read = read_docx(_bytes(document), "t.docx")
    assert len(read.tables) == 1
    return read.tables[0]


def _grid(build: Callable[[Any], None]) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in _read_table(build).rows]


def _covered(build: Callable[[Any], None]) -> list[list[bool]]:
    return [[c.covered for c in row.cells] for row in _read_table(build).rows]


def _table(document: Any, rows: list[list[str]]) -> Any:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    return table


def test_horizontal_merge_keeps_text_at_origin_and_blanks_what_it_covers() -> None:
    def build(document: Any) -> None:
        table = _table(document, [["", "", "", "总计"], ["行政许可", "12", "", ""]])
        table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"
    assert _grid(build) == [["申请人情况", "", "", "总计"], ["行政许可", "12", "", ""]]


def test_vertical_merge_blanks_the_rows_below_and_numbers_stay_at_the_end() -> None:
    def build(document: Any) -> None:
        table = _table(document, [["", "（一）予以公开", "5"], ["", "（二）部分公开", "1"],
                                  ["", "（三）不予公开", "0"]])
        table.cell(0, 0).merge(table.cell(2, 0)).text = "三、本年度办理结果"
    assert _grid(build) == [["三、本年度办理结果", "（一）予以公开", "5"], ["", "（二）部分公开", "1"],
                            ["", "（三）不予公开", "0"]]


def test_block_merge_over_rows_and_columns() -> None:
    def build(document: Any) -> None:
        table = _table(document, [["", "", "申请人情况"], ["", "", "自然人"], ["一、本年新收", "", "3"]])
        table.cell(0, 0).merge(table.cell(1, 1)).text = "（本列数据的勾稽关系为：…）"
        table.cell(2, 0).merge(table.cell(2, 1))
    assert _grid(build) == [["（本列数据的勾稽关系为：…）", "", "申请人情况"], ["", "", "自然人"],
                            ["一、本年新收", "", "3"]]
    # Covered positions are marked, so the facts layer never reads one as a blank value.
    assert _covered(build) == [[False, True, False], [True, True, False], [False, True, False]]


def test_row_starting_late_is_padded_to_the_grid() -> None:
    """A row with gridBefore (Word's "row starts in column 2") has empty grid positions, not shifted cells."""
    def build(document: Any) -> None:
        table = _table(document, [["信息内容", "本年处理决定数量"], ["", "7"]])
        tr = table.rows[1]._tr
        tr.remove(tr.tc_lst[0])
        tr_pr = tr.get_or_add_trPr()
        grid_before = etree.SubElement(tr_pr, qn("w:gridBefore"))
        grid_before.set(qn("w:val"), "1")
    assert _grid(build) == [["信息内容", "本年处理决定数量"], ["", "7"]]
    assert _covered(build) == [[False, False], [False, False]]  # a skipped position is empty, not merged


def test_cell_text_is_raw_and_joined_without_spaces_between_cjk_or_digits() -> None:
    def build(document: Any) -> None:
        table = _table(document, [["", "", "/", "—", "无", ""], ["", "", "", "", "", ""]])
        table.cell(0, 0).text = "商业"
        table.cell(0, 0).add_paragraph("企业")
        table.cell(0, 1).text = "1"
        table.cell(0, 1).add_paragraph("2")
        table.cell(1, 0).text = "Total"
        table.cell(1, 0).add_paragraph("count")
        table.cell(1, 1).text = "结果\n维持"  # a line break inside one paragraph
        table.cell(1, 2).text = "\u3000\u3000"  # the blank template's "empty" cells hold ideographic spaces
    assert _grid(build) == [["商业企业", "12", "/", "—", "无", ""], ["Total count", "结果维持", "", "", "", ""]]


def test_reading_order_and_one_shared_line_sequence() -> None:
    document = docx.Document()
    document.add_paragraph("二、主动公开政府信息情况")
    _table(document, [["信息内容", "本年处理决定数量"], ["行政许可", "0"]])
    document.add_paragraph("")  # an empty paragraph takes no line
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    read = read_docx(_bytes(document), "r.docx")
    assert (read.format, read.path, read.line_count) == ("docx", "r.docx", 4)
    assert [(p.line, p.text) for p in read.paragraphs] == [
        (1, "二、主动公开政府信息情况"), (4, "三、收到和处理政府信息公开申请情况")]
    rows = read.tables[0].rows
    assert [r.line for r in rows] == [2, 3]
    assert all(c.line == r.line for r in rows for c in r.cells)


def test_heading_levels_come_from_paragraph_styles() -> None:
    document = docx.Document()
    document.add_heading("某市人民政府 2024 年政府信息公开工作年度报告", level=0)  # Title
    document.add_heading("一、总体情况", level=1)
    document.add_heading("（一）主动公开", level=3)
    based = document.styles.add_style("报告章节", WD_STYLE_TYPE.PARAGRAPH)
    based.base_style = document.styles["Heading 2"]
    document.add_paragraph("二、主动公开政府信息情况", style=based)
    document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)  # WPS names its heading styles in Chinese
    document.add_paragraph("三、收到和处理政府信息公开申请情况", style="标题 2")
    document.add_paragraph("正文。")
    document.add_paragraph("第一行\n第二行")  # a soft line break: one paragraph, one line
    read = read_docx(_bytes(document), "h.docx")
    assert [(p.text, p.heading_level) for p in read.paragraphs] == [
        ("某市人民政府 2024 年政府信息公开工作年度报告", 1), ("一、总体情况", 1), ("（一）主动公开", 3),
        ("二、主动公开政府信息情况", 2), ("三、收到和处理政府信息公开申请情况", 2), ("正文。", None),
        ("第一行第二行", None)]


def test_blank_template_reads_as_three_tables_of_blank_cells() -> None:
    read = read_docx(BLANK_TEMPLATE.read_bytes(), str(BLANK_TEMPLATE))
    assert [(len(t.rows), {len(r.cells) for r in t.rows}) for t in read.tables] == [(14, {4}), (28, {10}), (4, {15})]
    t2, t3, t4 = ([[c.text for c in r.cells] for r in t.rows] for t in read.tables)
    assert t2[2] == ["规章", "", "", ""]
    assert t3[0][:4] == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"]
    assert t3[1][3:] == ["自然人", "法人或其他组织", "", "", "", "", "总计"]
    assert t3[7] == ["", "（三）不予公开", "1.属于国家秘密"] + [""] * 7
    assert t4[-1] == [""] * 15
    assert t3[3] == ["一、本年新收政府信息公开申请数量"] + [""] * 9  # merged over three columns, seven blank values
    facts = extract_facts(read)
    assert facts.cells, "table 二 at least is read"
    assert {c.status for c in facts.cells.values()} == {"blank"}
    assert not any(c.value is not None for c in facts.cells.values())
    assert [s.number for s in facts.sections] == [1, 2, 3, 4, 5, 6]


def test_blank_template_tables_are_all_found_by_the_facts_layer() -> None:
    facts = extract_facts(read_docx(BLANK_TEMPLATE.read_bytes(), str(BLANK_TEMPLATE)))
    assert facts.tables_found == ("t2", "t3", "t4")


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _edited(edit: Callable[[str, bytes], bytes]) -> bytes:
    """A copy of a valid .docx (made here) with each zip entry passed through `edit`."""
    with zipfile.ZipFile(io.BytesIO(_bytes(docx.Document()))) as source:
        return _zip({name: edit(name, source.read(name)) for name in source.namelist()})


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK\x03\x04word/document.xml", "not a zip archive"),
    (b"just some text, not a Word file", "not a zip archive"),
    (_bytes(docx.Document())[:2000], "not a zip archive"),  # truncated download
    (_zip({"readme.txt": b"hello"}), "no main document part"),
    (_edited(lambda n, d: b"<w:document" if n == "word/document.xml" else d), "damaged content"),
    (_edited(lambda n, d: d.replace(b"wordprocessingml.document.main", b"spreadsheetml.sheet.main")
             if n == "[Content_Types].xml" else d), "not WordprocessingML"),
], ids=["zip-signature-only", "text", "truncated", "other-zip", "broken-xml", "spreadsheet"])
def test_files_python_docx_cannot_open_are_corrupt(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as error:
        read_docx(data, "bad.docx")
    assert error.value.slug == "corrupt_file"
    assert error.value.values["format"] == "DOCX"
    assert reason in error.value.values["reason"]
    assert "bad.docx" in problem("corrupt_file", "en", "bad.docx", **error.value.values).message

