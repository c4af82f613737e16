"""HTML reports: the visual grid of every table, text as written, page chrome dropped, bad markup named.

The corpus expectations below were read off the source files themselves (the <td>s of tables 二/三/四, the title
element), not off this reader's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.facts import ReportFacts, extract_facts
from auditor.ingest import Document, IngestError
from auditor.ingest.html import read_html

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside this checkout")

ALL_SECTIONS = (1, 2, 3, 4, 5, 6)

# file → (title, agency, year, cell key → raw text as the source writes it)
EXPECTED: dict[str, tuple[str, str, int, dict[str, str]]] = {
    "pingtan-2023.html": ("平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区", 2023, {
        "t3.new_received.natural_person": "80", "t3.new_received.commercial": "1", "t3.new_received.total": "81",
        "t3.carried_over.total": "0", "t3.granted.total": "22", "t3.partially_granted.natural_person": "19",
        "t3.partially_granted.total": "20", "t3.unable.not_held.total": "31", "t3.other.other.total": "1",
        "t3.total_processed.total": "81", "t3.carried_forward.total": "0",
        "t4.review.upheld": "1", "t4.review.total": "2", "t4.litigation_direct.total": "5",
        "t4.litigation_after_review.total": "2",
        "t2.normative_documents.issued": "77", "t2.normative_documents.repealed": "132",
        "t2.normative_documents.in_force": "470", "t2.licensing.decisions": "2629",
        "t2.admin_fees.amount_10k_yuan": "5949.088667",
    }),
    "pingtan-2025.html": ("平潭综合实验区2025年度政府信息公开工作年度报告", "平潭综合实验区", 2025, {
        "t3.new_received.natural_person": "151", "t3.new_received.commercial": "3", "t3.new_received.total": "154",
        "t3.carried_over.total": "0", "t3.granted.total": "33", "t3.partially_granted.total": "38",
        "t3.unable.not_held.commercial": "1", "t3.unable.not_held.total": "50",
        "t3.total_processed.natural_person": "147", "t3.total_processed.total": "148",
        "t3.carried_forward.natural_person": "4", "t3.carried_forward.total": "6",
        "t4.review.upheld": "25", "t4.review.other": "8", "t4.review.total": "36",
        "t4.litigation_direct.total": "6", "t4.litigation_after_review.total": "3",
        "t2.normative_documents.issued": "58", "t2.licensing.decisions": "2418",
        "t2.admin_fees.amount_10k_yuan": "4166.241619",
    }),
    # Exported from Word: labels split over many spans (「三|、本|年|度|办|理|结|果」), legal-person cells left blank.
    "shuyang-drc-2023.html": ("沭阳县发展和改革局2023年政府信息公开年度报告", "沭阳县发展和改革局", 2023, {
        "t3.new_received.natural_person": "26", "t3.new_received.commercial": "", "t3.new_received.total": "26",
        "t3.carried_over.total": "0", "t3.granted.natural_person": "26", "t3.granted.research": "",
        "t3.granted.total": "26", "t3.total_processed.total": "26", "t3.carried_forward.total": "0",
        "t4.review.pending": "1", "t4.review.total": "1", "t4.litigation_direct.total": "0",
        "t4.litigation_after_review.total": "0",
        "t2.normative_documents.issued": "8", "t2.normative_documents.in_force": "18",
    }),
    # The 2019 template: blank cells for 0, the 总计 column blank except in four rows.
    "shanghai-gov-office-2019.html": (
        "2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019, {
        "t3.new_received.natural_person": "821", "t3.new_received.commercial": "35",
        "t3.new_received.research": "", "t3.new_received.legal_service": "2", "t3.new_received.total": "859",
        "t3.carried_over.natural_person": "18", "t3.carried_over.total": "18",
        "t3.unable.not_held.natural_person": "252", "t3.unable.not_held.total": "",
        "t3.rejected.complaint.natural_person": "148",
        "t3.total_processed.natural_person": "767", "t3.total_processed.total": "805",
        "t3.carried_forward.natural_person": "72", "t3.carried_forward.total": "72",
    }),
}


def _read(name: str) -> tuple[Document, ReportFacts]:
    path = CORPUS / name
    document = read_html(path.read_bytes(), str(path))
    return document, extract_facts(document)


def _rows(document: Document) -> list[list[str]]:
    return [[c.text for c in r.cells] for t in document.tables for r in t.rows]


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_report_identity_sections_and_cells(name: str) -> None:
    title, agency, year, cells = EXPECTED[name]
    document, facts = _read(name)
    assert document.format == "html" and document.encoding == "utf-8"
    assert (facts.title, facts.agency, facts.year) == (title, agency, year)
    assert [s.number for s in facts.sections] == list(ALL_SECTIONS)
    assert {"t2", "t3"} <= set(facts.tables_found)
    for key, raw in cells.items():
        cell = facts.cells[key]
        assert cell.raw == raw, key
        assert cell.status == ("number" if raw else "blank"), key
        if raw:
            assert cell.value == (float(raw) if "." in raw else int(raw)), key


@needs_corpus
@pytest.mark.parametrize("name", ["pingtan-2023.html", "pingtan-2025.html", "shuyang-drc-2023.html"])
def test_corpus_2021_reports_read_completely(name: str) -> None:
    _, facts = _read(name)
    assert facts.tables_found == ("t2", "t3", "t4")
    assert not facts.issues
    t3 = [c for c in facts.cells.values() if c.table == "t3"]
    assert len(t3) == 25 * 7 and all(c.status in {"number", "blank"} for c in t3)
    assert facts.template == facts.values["report.layout"] == 2021


@needs_corpus
def test_pingtan_lines_are_reading_order_and_sections_span_their_tables() -> None:
    document, facts = _read("pingtan-2023.html")
    lines = sorted([p.line for p in document.paragraphs] + [r.line for t in document.tables for r in t.rows])
    assert lines == list(range(1, document.line_count + 1))
    by_number = {s.number: s for s in facts.sections}
    for table, section in zip(document.tables, (2, 3, 4), strict=True):
        assert by_number[section].line < table.first_line <= table.last_line <= by_number[section].end_line
    assert {c.section for c in facts.cells.values() if c.table == "t3"} == {3}


@needs_corpus
def test_pingtan_2025_labels_split_over_paragraphs_and_narrative_over_spans() -> None:
    document, _ = _read("pingtan-2025.html")
    rows = _rows(document)
    # <p>三、本</p><p>年度办 &nbsp;…</p><p>理结果 &nbsp;…</p> in a rowspan=22 cell
    assert rows.index(next(r for r in rows if r[0] == "三、本年度办理结果")) + 21 == rows.index(
        next(r for r in rows if r[1] == "（七）总计"))
    # <p>社会</p><p>公益 &nbsp; …</p><p>组织 &nbsp; …</p> under a colspan=5 and beside two rowspan=2 cells
    assert ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""] in rows
    narrative = next(p.text for p in document.paragraphs if p.text.startswith("（二）依申请公开方面"))
    assert "共收到政府信息公开申请154件，共办结148件，结转至2026年6件" in narrative


@needs_corpus
def test_shuyang_page_chrome_and_split_spans() -> None:
    document, facts = _read("shuyang-drc-2023.html")
    texts = [p.text for p in document.paragraphs]
    # 「20</span><span>23」 and 「<font>年</font>1<font>月</font>」 come out whole
    assert any("统计时限为2023年1月1日至2023年12月31日" in t for t in texts)
    assert facts.title_line == next(p.line for p in document.paragraphs if p.heading_level == 1)
    assert not any("script" in t or "websiteId" in t for t in texts)
    assert "三、本年度办理结果" in [r[0] for r in _rows(document)]


@needs_corpus
def test_shanghai_2019_grid_is_as_written() -> None:
    """The reader's side of the 2019 page: blank cells stay blank, 251000元 stays as written, spans expanded."""
    document, facts = _read("shanghai-gov-office-2019.html")
    rows = _rows(document)
    assert ["政府集中采购", "6", "", "251000元", ""] in rows
    assert ["规章", "13", "13", "", "524"] in rows  # 本年新公开数量 is colspan=2 in header and data alike
    assert ["三、本年度办理结果", "（一）予以公开", "", "258", "12", "", "", "1", "1", ""] in rows
    assert ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""] in rows  # table 四
    assert facts.values["report.layout"] == 2019 and facts.template == 2019


@needs_corpus
def test_shanghai_2019_granted_row_is_placed() -> None:
    _, facts = _read("shanghai-gov-office-2019.html")
    assert facts.cells["t3.granted.natural_person"].raw == "258"
    assert facts.cells["t3.granted.total"].raw == ""


@needs_corpus
def test_shanghai_2019_table_four_is_found() -> None:
    _, facts = _read("shanghai-gov-office-2019.html")
    assert facts.cells["t4.review.total"].raw == "7"


# ---- synthetic pages -------------------------------------------------------------------------------------------


def _page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_rowspan_and_colspan_expand_to_the_visual_grid() -> None:
    page = _page(
        "<table>"
        '<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>1</td><td>2</td></tr>'
        '<tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>0</td><td>—</td></tr>'
        "<tr><td>2.其他法律行政法规禁止公开</td><td></td><td>3</td></tr>"
        '<tr><td colspan="3">四、结转下年度继续办理</td><td>&nbsp;</td><td rowspan="9">5</td></tr>'
        "</table>")
    document = read_html(page, "t.html")
    assert _rows(document) == [
        ["三、本年度办理结果", "（一）予以公开", "", "1", "2"],
        ["", "（三）不予公开", "1.属于国家秘密", "0", "—"],  # a dash stays a dash
        ["", "", "2.其他法律行政法规禁止公开", "", "3"],
        ["四、结转下年度继续办理", "", "", "", "5"],  # rowspan past the last row stops there
    ]
    assert [r.line for r in document.tables[0].rows] == [1, 2, 3, 4] and document.line_count == 4


def test_short_rows_are_padded_and_bad_spans_read_as_one() -> None:
    page = _page('<table><tr><td colspan="x">a</td><td>b</td><td>c</td></tr><tr><td rowspan="-2">d</td></tr></table>')
    assert _rows(read_html(page, "t.html")) == [["a", "b", "c"], ["d", "", ""]]


def test_split_numbers_and_labels_are_joined_without_spaces() -> None:
    page = _page(
        "<table><tr>"
        "<td><p>三、本</p><p>年度办&nbsp;&nbsp;&nbsp;</p><p>理结果</p></td>"
        "<td><span>1</span><span>2</span></td>"
        "<td><span>3</span>\n  <span>4</span></td>"
        "<td>结果<br/>纠正</td>"
        "<td>Total<br>cases</td>"
        "</tr></table>"
        "<p><span>共收到申请</span>\n<span>1</span><span>5</span><span>4</span>\n<span>件</span></p>"
        "<p>受理政府信息公开申请 9 件</p>")
    document = read_html(page, "t.html")
    assert _rows(document) == [["三、本年度办理结果", "12", "34", "结果纠正", "Total cases"]]
    assert [p.text for p in document.paragraphs] == ["共收到申请154件", "受理政府信息公开申请 9 件"]


REPORT = "<h1>某县人民政府2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本年共收到申请\u3000１２件。</p>"


def test_gbk_page_with_a_meta_charset() -> None:
    data = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>{REPORT}' \
           "</body></html>"
    document = read_html(data.encode("gbk"), "t.html")
    assert document.encoding == "gb18030"
    assert document.paragraphs[0].text == "某县人民政府2023年政府信息公开工作年度报告"
    assert document.paragraphs[0].heading_level == 1
    assert document.paragraphs[2].text == "本年共收到申请 １２件。"  # U+3000 is white space; full-width digits stay


def test_gbk_page_without_a_meta_charset_is_detected() -> None:
    body = REPORT + "<p>" + "本机关坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。" * 4 + "</p>"
    document = read_html(f"<html><body>{body}</body></html>".encode("gbk"), "t.html")
    assert document.encoding == "gb18030"
    assert document.paragraphs[0].text == "某县人民政府2023年政府信息公开工作年度报告"


def test_a_wrong_meta_charset_falls_back_to_detection() -> None:
    data = ('<html><head><meta charset="utf-8"></head><body>' + REPORT + "</body></html>").encode("gb18030")
    assert read_html(data, "t.html").paragraphs[0].text.startswith("某县人民政府")


def test_page_chrome_is_dropped() -> None:
    page = _page(
        "<header>政府门户网站</header><nav><a>首页</a><a>政务公开</a></nav>"
        "<div>【字体：大 中 小】</div><div>分享到：微信 微博</div>"
        "<script>var a = '年度报告';</script><style>p { color: red }</style><noscript>请启用脚本</noscript>"
        '<div style="display: none">隐藏</div><!-- 注释 -->'
        "<h2>一、总体情况</h2><p>正文。</p>"
        "<div>附件下载：</div><div>【打印本页】 【关闭窗口】</div><footer>版权所有</footer>",
        head='<meta charset="utf-8"><title>标题栏</title>')
    document = read_html(page, "t.html")
    assert [(p.line, p.text, p.heading_level) for p in document.paragraphs] == [
        (1, "一、总体情况", 2), (2, "正文。", None)]
    assert document.line_count == 2


def test_paragraphs_and_rows_share_one_line_sequence_and_layout_tables_are_unwrapped() -> None:
    page = _page(
        "<p>前言</p>"
        "<table><tr><td><p>一、总体情况</p><table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table>"
        "</td></tr></table>"
        "<div>结尾<br>第二行</div>")
    document = read_html(page, "t.html")
    assert [(p.line, p.text) for p in document.paragraphs] == [(1, "前言"), (2, "一、总体情况"), (5, "结尾"),
                                                                (6, "第二行")]
    assert len(document.tables) == 1
    assert [(r.line, [c.text for c in r.cells]) for r in document.tables[0].rows] == [(3, ["a", "1"]), (4, ["b", "2"])]
    assert all(c.line == 3 for c in document.tables[0].rows[0].cells)


@pytest.mark.parametrize("markup", [
    "<html><body><table><tr><td>1<td>2</tr><tr><td colspan=2>3</table></p></div></body>",
    "<div>" * 5000 + "深层正文" + "</span>" * 10,
    "<table><tr><td rowspan=99999 colspan=99999>x</td></tr></table>",
    "<p>未闭合<p>段落<table><td>孤立单元格</td>",
])
def test_broken_markup_does_not_crash(markup: str) -> None:
    document = read_html(markup.encode(), "t.html")
    assert document.paragraphs or document.tables


@pytest.mark.parametrize(("data", "slug"), [
    (bytes(range(256)) * 8, "corrupt_file"),
    (b"<html><body><script>only()</script></body></html>", "corrupt_file"),
    (b"<html></html>", "corrupt_file"),
])
def test_unreadable_pages_are_named(data: bytes, slug: str) -> None:
    with pytest.raises(IngestError) as error:
        read_html(data, "t.html")
    assert error.value.slug == slug
    assert error.value.values.get("format") == "HTML" and error.value.values.get("reason")
