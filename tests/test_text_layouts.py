"""Table layouts as text copies of real reports come (issue 10 part 3): every layout in
tests/corpus/catalogue/layouts.yaml is read from its real quoted text, cell for cell; narrative never becomes a table;
a table there but never filled in is a fact of its own; a row that is in the file is never reported missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.audit import audit_file
from auditor.facts import ReportFacts, extract_facts
from auditor.facts.normalize import read_cell
from auditor.ingest import read_document
from auditor.ingest.document import Document
from auditor.packs import Pack

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "corpus" / "catalogue" / "layouts.yaml").read_text(encoding="utf-8"))["layouts"]
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"

# The layouts issue 10 part 3 names, each of which must have a real example in the catalogue.
REQUIRED = {
    "pipe_rows_without_leading_pipe", "one_cell_per_line_trailing_pipe", "one_cell_per_line_pipe_lines",
    "tab_rows", "rows_aligned_by_spaces", "label_wrapped_pdf_text", "table_cut_by_page_break",
    "pipe_rows_mixed_framing_blank_cells", "table_never_filled_in", "wrapped_rows_that_cannot_be_told_apart",
}


def _read(tmp_path: Path, text: str, name: str = "report.txt") -> tuple[Document, ReportFacts]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    document = read_document(path)
    return document, extract_facts(document)


def test_every_layout_of_the_issue_has_a_real_example() -> None:
    layouts = [entry["layout"] for entry in CATALOGUE]
    assert len(layouts) == len(set(layouts)), "a layout is catalogued twice"
    assert set(layouts) >= REQUIRED, REQUIRED - set(layouts)
    for entry in CATALOGUE:
        assert entry["source"] and entry["text"].strip() and entry["cells"], entry["layout"]


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e["layout"] for e in CATALOGUE])
def test_catalogued_layout_is_read_cell_for_cell(tmp_path: Path, entry: dict[str, Any]) -> None:
    document, facts = _read(tmp_path, entry["text"])
    for key, raw in entry["cells"].items():
        assert key in facts.cells, f"{key} not read"
        cell = facts.cells[key]
        assert cell.raw == raw, (key, cell.raw, raw)
        if key not in (entry.get("statuses") or {}):  # a row that cannot be placed has no raw text, and is unreadable
            value = read_cell(raw)
            assert (cell.status, cell.value) == (value.status, value.value), key
    for key, status in (entry.get("statuses") or {}).items():
        assert facts.cells[key].status == status, (key, facts.cells[key].status)
    for key, number in (entry.get("values") or {}).items():
        assert facts.values.get(key) == number, (key, facts.values.get(key))
    if "tables" in entry:
        assert len(document.tables) == entry["tables"]
    slugs = {i.slug for i in facts.issues}
    assert not slugs.intersection(entry.get("absent_issues") or ()), slugs


def _entry(layout: str) -> dict[str, Any]:
    return next(e for e in CATALOGUE if e["layout"] == layout)


def test_pipe_rows_without_either_outer_pipe_and_a_bare_separator(tmp_path: Path) -> None:
    """The 龙岗 rows with their trailing pipe taken off as well, under a Markdown separator without outer pipes
    (「---|---」): the same cells."""
    lines = _entry("pipe_rows_without_leading_pipe")["text"].splitlines()
    header = lines.index("自然人 | 法人或其他组织 | 总计 |")
    rows = [line.rstrip(" |") for line in lines]
    rows.insert(header + 1, "---|---|---")
    _, facts = _read(tmp_path, "\n".join(rows) + "\n", "report.md")
    assert facts.cells["t3.new_received.natural_person"].raw == "58"
    assert facts.cells["t3.new_received.total"].raw == "66"
    assert facts.cells["t3.denied.internal_affairs.total"].raw == "1"
    assert facts.cells["t2.normative_documents.in_force"].raw == "25"


def test_a_table_cut_by_a_page_break_is_one_table(tmp_path: Path) -> None:
    document, _ = _read(tmp_path, _entry("table_cut_by_page_break")["text"])
    assert len(document.tables) == 1
    labels = [r.cells[0].text for r in document.tables[0].rows]
    assert labels[2].startswith("（四）无") and labels[3].startswith("法提供")
    # the same halves with a blank line and the page's number between them: still one table
    text = _entry("table_cut_by_page_break")["text"].replace("- 4 -\n", "\n- 4 -\n\n")
    assert len(_read(tmp_path, text)[0].tables) == 1


def test_tables_apart_by_a_blank_line_stay_apart_when_the_second_has_its_own_header(tmp_path: Path) -> None:
    """Table 二's blocks, a blank line apart, each start with their own header: not one table's halves."""
    text = _entry("pipe_rows_without_leading_pipe")["text"].replace(
        "第二十条第(五)项 |\n", "\n第二十条第(五)项 |\n")
    document, facts = _read(tmp_path, text)
    assert len(document.tables) == 3
    assert facts.cells["t2.licensing.decisions"].raw == "0"


@pytest.mark.parametrize("raw", ["/", "-", "—", "－", "——", "／", "", "无"])
def test_a_mark_for_nothing_is_never_zero(raw: str) -> None:
    """「/」 is what the 区统计局 page writes (one_cell_per_line_trailing_pipe); the others are the marks the house
    style names. None of them is a number, so a rule that needs the cell is not assessable."""
    value = read_cell(raw)
    assert value.status in {"dash", "blank", "none"} and value.value is None


def test_a_dash_cell_read_from_text_is_a_dash_not_a_zero(tmp_path: Path) -> None:
    _, facts = _read(tmp_path, _entry("one_cell_per_line_trailing_pipe")["text"])
    cell = facts.cells["t2.regulations.repealed"]
    assert (cell.raw, cell.status, cell.value) == ("/", "dash", None)


def test_a_value_line_after_a_label_line_that_is_a_sentence_is_no_table(tmp_path: Path) -> None:
    """Narrative as the real pages write it, short lines with numbers among them included, makes no table."""
    narrative = (
        # 审计局 2020 (rows_aligned_by_spaces source): sentences wrapped by the page
        "2020 年,我单位对形成的政府信息实现了依法、有序公开,\n"
        "未出现申请行政复议、提起行政诉讼的情况。\n"
        # 洪泽 2023 PDF text, section 五
        "2023 年，洪泽区政府信息公开工作取得一定的成效，但对照\n"
        "上级要求，仍存在一定差距。如依申请公开工作规范性还有待提\n"
        # 湛江市地方志办公室 2023 (https://www.zhanjiang.gov.cn/zjsfw/bmdh/dfz/zwgk/xxgkndbg/content/post_1871569.html)
        "2023年,我办全年未收到行政许可申请;全年未接到信息公开申请;各栏目共刊发文稿、通知、公告、公示等44篇。\n"
        # 新疆 xjnlk 2023: the line before each table
        "该部分以表格形式报告。表格如下:\n"
        "一、总体情况\n"
        "2022年,全区各职能部门、镇街共收到政府信息依申请公开1499件。\n"
    )
    document, facts = _read(tmp_path, narrative)
    assert document.tables == ()
    assert not facts.cells


def test_short_narrative_lines_with_table_words_but_no_values_are_no_table(tmp_path: Path) -> None:
    """Sub-headings of 总体情况 name 主动公开, 依申请公开, 行政复议: without values or a table header they are text."""
    text = ("一、总体情况\n（一）主动公开\n（二）依申请公开\n（三）政府信息管理\n（四）平台建设\n（五）监督保障\n"
            "（六）行政许可和行政处罚公开\n")
    document, facts = _read(tmp_path, text)
    assert document.tables == ()
    assert len(facts.paragraphs) == 6


@pytest.mark.parametrize("name", ["pingtan-2019.txt", "pingtan-2022.txt", "shuyang-gov-2025.txt",
                                  "shanghai-stcsm-2024.md", "shanghai-gov-office-2025.md"])
def test_no_narrative_sentence_of_a_corpus_report_is_taken_into_a_table(name: str) -> None:
    """Every line of a real report that is a sentence (it has 「。」) stays a paragraph."""
    path = CORPUS / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    document = read_document(path)
    in_tables = {c.line for t in document.tables for r in t.rows for c in r.cells}
    if document.flattened_line is not None:
        in_tables.discard(document.flattened_line)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    sentences = {n for n, line in enumerate(lines, start=1) if "。" in line and "|" not in line and "\t" not in line}
    assert not sentences & in_tables


@pytest.mark.parametrize(("pdf", "pages"), [("huaian-gov-2024.pdf", (3, 4)), ("huaian-hongze-gov-2023.pdf", (2, 3))])
def test_a_pdf_copied_as_text_reads_no_number_the_pdf_reader_does_not(tmp_path: Path, pdf: str,
                                                                       pages: tuple[int, int]) -> None:
    """The catalogue's PDF-text entries are these pages' text; read as text, every number found is the one the PDF
    reader finds in the same cell (rows it cannot tell apart are unreadable, never another row's values)."""
    pdfplumber = pytest.importorskip("pdfplumber")
    path = CORPUS / pdf
    if not path.is_file():
        pytest.skip("../shared/corpus is not beside this checkout")
    with pdfplumber.open(path) as document:
        text = "\n".join(document.pages[i].extract_text() for i in pages) + "\n"
    from_pdf = extract_facts(read_document(path)).cells
    _, facts = _read(tmp_path, text)
    numbers = {k: c for k, c in facts.cells.items() if c.status == "number" and k.startswith(("t3.", "t4."))}
    assert len(numbers) >= 100
    assert {k: c.value for k, c in numbers.items()} == {k: from_pdf[k].value for k in numbers}


def test_a_row_in_the_file_is_unreadable_not_missing(tmp_path: Path) -> None:
    """Half a table read: the 龙岗 table 三 with one row's values lost (the label stays): that row is unreadable,
    and the rows that are not in the file at all are the only ones missing."""
    text = _entry("pipe_rows_without_leading_pipe")["text"].replace(
        "5.属于三类内部事务信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "5.属于三类内部事务信息 |")
    _, facts = _read(tmp_path, text)
    assert facts.cells["t3.denied.internal_affairs.total"].status == "unreadable"
    missing = next(i for i in facts.issues if i.slug == "rows_missing").values["rows"]
    assert "属于三类内部事务信息" not in missing and "属于行政执法案卷" in missing


def test_an_empty_table_is_a_finding_and_a_blank_template_stays_a_blank_template(tmp_path: Path,
                                                                                 packs: list[Pack]) -> None:
    text = "2019年政府信息公开工作年度报告\n" + _entry("table_never_filled_in")["text"]
    path = tmp_path / "report.txt"
    path.write_text(text.replace("2019", "2021"), encoding="utf-8")
    result = audit_file(path, packs)
    failed = {f.check_id for f in result.findings if f.rule_id == "TBL-EMPTY"}
    assert failed == {"TBL-EMPTY[table=t3]", "TBL-EMPTY[table=t4]"}
    assert any("表三只有栏目、没有填写数字" in f.message for f in result.findings)
    assert "no_tables" not in {p.slug for p in result.problems}
    template = CORPUS / "blank-template-2021.docx"
    if template.is_file():
        assert [p.slug for p in audit_file(template, packs).problems] == ["blank_template"]


def test_a_filled_table_is_not_empty(tmp_path: Path) -> None:
    _, facts = _read(tmp_path, _entry("one_cell_per_line_pipe_lines")["text"])
    assert facts.values["report.empty.t3"] == 0 and facts.values["report.empty.t2"] == 0
    assert "report.empty.t4" not in facts.values  # not there at all: table_not_found says so, not TBL-EMPTY
