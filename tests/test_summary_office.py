"""`auditor summary` as the office uses it (issue 11 parts 5 and 7): the findings themselves by agency, the reports
not fully audited counted apart, the XLSX carrying what the HTML has, aliases from the configuration, rosters in
GBK, mistyped years, scores, and the 通报 draft (tongbao.docx) opened with python-docx."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import ConfigError, ScoringScheme, load_config
from auditor.model import Severity
from auditor.packs import Pack
from auditor.run import EXIT_ERROR, audit_paths
from auditor.store import Store
from auditor.summary import collect, write_all
from auditor.summary.collect import COUNTED, DocumentRow, FindingRow, Summary, _t3_totals, _t4_totals
from auditor.summary.reviews import Rectified
from auditor.summary.score import score
from auditor.summary.tongbao import render_docx
from tests.conftest import CORPUS, SAMPLES

# Table 三 「本年新收」 总计 of samples 000–004 (test_summary.NEW_APPLICATIONS).
NEW_APPLICATIONS = 0 + 0 + 129 + 11 + 58
# pingtan-2020.txt: table 三 lacks its 总计 column, so its audit is incomplete; the blank template is unreadable.
INCOMPLETE, UNREADABLE = CORPUS / "pingtan-2020.txt", CORPUS / "blank-template-2021.docx"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["summary", *args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, packs: list[Pack]) -> Path:
    """The five samples, an incomplete report and an unreadable file, audited into one store."""
    folder = tmp_path_factory.mktemp("office") / "in"
    folder.mkdir()
    for path in (*sorted(SAMPLES.glob("*.txt")), INCOMPLETE, UNREADABLE):
        shutil.copy(path, folder / path.name)
    db = folder.parent / "audits.db"
    with Store(db) as opened:
        audit_paths([folder], packs, store=opened)
    return db


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auditor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SCHEME = """
agency_aliases:
  孟州市人民政府办公室: [孟州市政府办]
summary:
  jurisdiction: 焦作市
  issuer: 焦作市政务公开办公室
  deadline: 2025年3月31日
  scoring:
    start: 100
    floor: 80
    severity: {error: 5, warning: 2}
    rules: {narrative.applications-received: 10}
    cap_per_rule: 8
"""


@pytest.fixture(scope="module")
def office(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`auditor summary` with a configuration (aliases, 通报 options, a scheme) and a GBK roster naming 孟州 by its
    简称 and one body that did not submit."""
    out = tmp_path_factory.mktemp("out")
    config = _config(out.parent, SCHEME)
    roster = out.parent / "roster.txt"
    roster.write_bytes("焦作市人民政府办公室\n孟州市政府办\n某某县教育局\n".encode("gbk"))
    code, output = _run("--db", str(store), "--roster", str(roster), "--config", str(config), "--out", str(out))
    assert code == 0, output
    return out


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(v for k, v in attrs if k == "id" and v)


# --- part 5: the summary page --------------------------------------------------------------------------------------

def test_html_shows_the_findings_by_agency_with_rule_titles_and_an_anchor_per_report(store: Path,
                                                                                     office: Path) -> None:
    html = (office / "summary.html").read_text(encoding="utf-8")
    body = html.split("<h2>各机关发现的问题</h2>", 1)[1]
    section = body.split("<h3>焦作市城乡一体化示范区管委会</h3>", 1)[1].split("<h3>", 1)[0]
    assert "正文所述收到申请数与表三一致" in section  # TXT-NEW's title
    assert "正文称收到申请 9 件（第 15 行「受理政府信息公开申请 9 件」）" in section  # the finding itself
    parser = _Ids()
    parser.feed(html)
    summary = collect(store)
    assert len(parser.ids) == len(set(parser.ids)) == len(summary.documents)  # each report once, none twice
    assert {d.anchor for d in summary.documents} == set(parser.ids)


def test_reports_not_fully_audited_are_counted_apart(store: Path, office: Path) -> None:
    summary = collect(store)
    apart = {Path(d.path).name: d.status for d in summary.not_fully_audited}
    assert apart == {INCOMPLETE.name: "incomplete", UNREADABLE.name: "problem"}
    html = (office / "summary.html").read_text(encoding="utf-8")
    section = html.split("<h2>未能完整核查的报告（单独统计）</h2>", 1)[1].split("<h2>", 1)[0]
    assert "核查不完整 1；未能核查 0；无法读取 1" in section
    assert "正文申请数与表三核对未能核查" in section and "空白模板" in section  # its tables are read (readings)
    sheet = openpyxl.load_workbook(office / "summary.xlsx")["未完整核查"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] and r[2]]
    assert sorted(Path(str(r[2])).name for r in rows) == sorted(apart)


def test_the_xlsx_carries_the_totals_and_the_non_submitters(store: Path, office: Path) -> None:
    workbook = openpyxl.load_workbook(office / "summary.xlsx")
    assert workbook.sheetnames[:2] == ["机关", "问题"]
    t3 = {r[0]: r[1] for r in workbook["表三合计"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert t3["本年新收申请"] == NEW_APPLICATIONS
    summary = collect(store)
    t4 = {r[0]: r[1:] for r in workbook["表四合计"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert t4["行政复议"][0] == summary.t4.values["review.upheld"]
    assert "行政复议纠错率" in t4
    missing = [r[0] for r in workbook["未报送"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert missing == ["某某县教育局"]
    titles = [r[9] for r in workbook["问题"].iter_rows(min_row=2, values_only=True) if r[2] == "TXT-NEW"]
    assert titles == ["正文所述收到申请数与表三一致"]


def test_roster_names_match_through_the_configurations_aliases(store: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("孟州市政府办\n", encoding="utf-8")
    code, _ = _run("--db", str(store), "--roster", str(roster), "--out", str(tmp_path / "plain"))
    assert code == 0
    assert "孟州市政府办" in (tmp_path / "plain" / "summary.md").read_text(encoding="utf-8").split(
        "## 未报送年度报告的机关", 1)[1]
    config = _config(tmp_path, "agency_aliases: {孟州市人民政府办公室: [孟州市政府办]}\n")
    code, _ = _run("--db", str(store), "--roster", str(roster), "--config", str(config), "--out",
                   str(tmp_path / "aliased"))
    assert code == 0
    missing = (tmp_path / "aliased" / "summary.md").read_text(encoding="utf-8").split("## 未报送年度报告的机关", 1)[1]
    assert "孟州市政府办" not in missing and "名单中的机关均已报送" in missing
    # A former name as the documents' agency: one body, one group, under the title's name.
    aliased = collect(store, aliases={"焦作市新机关": ["孟州市人民政府办公室"]})
    assert {d.body for d in aliased.documents if d.agency == "孟州市人民政府办公室"} == {"焦作市新机关"}


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_a_roster_in_any_encoding_offices_use_is_read(store: Path, tmp_path: Path, encoding: str) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_bytes("# 名单\n焦作市人民政府办公室\n某某县教育局\n".encode(encoding))
    code, output = _run("--db", str(store), "--roster", str(roster), "--out", str(tmp_path / "out"))
    assert code == 0, output
    assert collect(store, roster=["焦作市人民政府办公室", "某某县教育局"]).not_submitted == ("某某县教育局",)
    md = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert "- 某某县教育局" in md and "焦作市人民政府办公室" not in md.split("## 未报送年度报告的机关", 1)[1]


@pytest.mark.parametrize(("content", "said"), [
    (b"PK\x03\x04\x00\x00\x00\x00" + bytes(range(256)) * 4, "名单不是文本文件"),
    (b"\xef\xbb\xbf\xff\xfe bad", "名单的文字编码无法识别"),
    (b"x" * (2 << 20), "名单超过 1 MiB"),
])
def test_an_unusable_roster_exits_2_with_a_message(store: Path, tmp_path: Path, content: bytes, said: str) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_bytes(content)
    code, output = _run("--db", str(store), "--roster", str(roster), "--out", str(tmp_path / "out"))
    assert code == EXIT_ERROR and said in output and str(roster) in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("year", ["20244", "2019", "0"])
def test_a_mistyped_year_exits_2_whatever_else_the_store_holds(store: Path, tmp_path: Path, year: str) -> None:
    """The store holds an unreadable file (no year, so in every summary) and other years: before, that file alone
    made a 'summary' of 20244."""
    code, output = _run("--db", str(store), "--year", year, "--out", str(tmp_path / "out"))
    assert code == EXIT_ERROR
    assert f"没有 {year} 年度的报告（历史库中的年度：2020, 2021, 2024, 2025）" in output
    code, output = _run("--db", str(store), "--year", year, "--out", str(tmp_path / "out"), "--lang", "en")
    assert code == EXIT_ERROR and f"no document of {year}" in output and "2021, 2024, 2025" in output
    assert not (tmp_path / "out").exists()


# --- part 7: scores -------------------------------------------------------------------------------------------------

def _doc(i: int, agency: str, status: str = "error", body: str = "") -> DocumentRow:
    return DocumentRow(i, agency, 2024, f"/in/{i}.txt", "standard@0.1.0", dict.fromkeys(COUNTED, 0), (), status,
                       body=body or agency)


def _finding(i: int, agency: str, rule: str, check: str, severity: str = "error",
             review: str | None = None) -> FindingRow:
    return FindingRow(agency, 2024, f"/in/{i}.txt", rule, check, severity, "m", 1, "", "", i, review=review)


def _scored(docs: tuple[DocumentRow, ...], findings: tuple[FindingRow, ...], scheme: ScoringScheme) -> dict[str, tuple]:
    summary = Summary(2024, docs, findings, _t3_totals([]), _t4_totals([]))
    return {s.agency: (s.score, s.rank, s.deductions) for s in score(summary, scheme).scores or ()}


def test_scores_deduct_by_rule_or_severity_with_a_cap_and_a_floor_and_rank_ties_alike() -> None:
    scheme = ScoringScheme({Severity.ERROR: 5, Severity.WARNING: 2}, {"TXT-NEW": 10}, start=100, floor=70,
                           cap_per_rule=15)
    docs = (_doc(1, "甲"), _doc(2, "乙"), _doc(3, "丙"), _doc(4, "丁"), _doc(5, "戊", "incomplete"))
    findings = (
        _finding(1, "甲", "TXT-NEW", "TXT-NEW"),                                      # 10 by rule
        _finding(1, "甲", "T3-ROW", "T3-ROW[row=a]"), _finding(1, "甲", "T3-ROW", "T3-ROW[row=b]"),  # 5 + 5
        _finding(1, "甲", "FEE-STATED", "FEE-STATED", "info"),                        # info: 0, not in the scheme
        _finding(2, "乙", "S1-ASPECTS", "S1-ASPECTS[a=1]", "warning"),                # 2
        *(_finding(3, "丙", "T3-SUM", f"T3-SUM[col={c}]") for c in range(4)),        # 20 capped to 15
        *(_finding(3, "丙", "T4-SUM", f"T4-SUM[b={c}]") for c in range(4)),          # 15 more: floor 70
        _finding(4, "丁", "S1-ASPECTS", "S1-ASPECTS[a=1]", "warning"),                # 2: ties 乙
        _finding(4, "丁", "TXT-NEW", "TXT-NEW", review="dismissed"),                  # set aside: no deduction
        _finding(5, "戊", "TXT-NEW", "TXT-NEW"),
    )
    scored = _scored(docs, findings, scheme)
    assert scored["甲"] == (80, 3, {"T3-ROW": 10, "TXT-NEW": 10})
    assert scored["乙"] == (98, 1, {"S1-ASPECTS": 2}) and scored["丁"] == (98, 1, {"S1-ASPECTS": 2})
    assert scored["丙"] == (70, 4, {"T3-SUM": 15, "T4-SUM": 15})  # 100 − 30 = 70, the floor not yet needed
    assert scored["戊"] == (None, None, {})  # not fully audited: no score, no rank
    below = _scored(docs[2:3], findings[5:13], replace(scheme, floor=75))
    assert below["丙"][0] == 75


def test_two_files_of_one_report_deduct_once_per_check() -> None:
    """The HTML page and the text copy of one report: the same check fails in both, one body's year."""
    scheme = ScoringScheme({Severity.ERROR: 5})
    docs = (_doc(1, "甲"), _doc(2, "甲（文本）", body="甲"))
    findings = (_finding(1, "甲", "TXT-NEW", "TXT-NEW"), _finding(2, "甲（文本）", "TXT-NEW", "TXT-NEW"))
    assert _scored(docs, findings, scheme) == {"甲": (95, 1, {"TXT-NEW": 5})}


@pytest.mark.parametrize(("text", "pointer"), [
    ("summary: {scoring: {severity: {error: -1}}}", "/summary/scoring/severity/error"),
    ("summary: {scoring: {severity: {fatal: 1}}}", "/summary/scoring/severity"),
    ("summary: {scoring: {start: 100}}", "/summary/scoring"),
    ("summary: {scoring: {severity: {error: 1}, cap: 3}}", "/summary/scoring"),
    ("summary: {scoring: {severity: {error: 1}, start: 50, floor: 60}}", "/summary/scoring/floor"),
    ("summary: {deadline: 2025-03-31}", "/summary/deadline"),
    ("summary: {issuer: ''}", "/summary/issuer"),
])
def test_an_invalid_scheme_is_refused_with_its_pointer(tmp_path: Path, text: str, pointer: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(_config(tmp_path, text))
    assert raised.value.pointer == pointer


def test_a_scheme_naming_no_rule_exits_2(store: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, "summary: {scoring: {severity: {error: 1}, rules: {TXT-NWE: 3}}}")
    code, output = _run("--db", str(store), "--config", str(config), "--out", str(tmp_path / "out"))
    assert code == EXIT_ERROR and "/summary/scoring/rules/TXT-NWE" in output and "TXT-NWE" in output
    assert not (tmp_path / "out").exists()


def test_scores_appear_in_every_format(office: Path) -> None:
    # 焦作市城乡一体化示范区管委会 (003): TXT-NEW by rule 10 → capped 8; FEE-STATED, M-ENTITY 2 each; S1-ASPECTS
    # 2; S5-PREV (info) 0: 100 − 14 = 86.
    html = (office / "summary.html").read_text(encoding="utf-8")
    assert "<h2>评分与排名</h2>" in html and "个问题待人工复核，暂按成立计" in html
    md = (office / "summary.md").read_text(encoding="utf-8")
    assert re.search(r"- \d+ 焦作市城乡一体化示范区管委会（2024）: 86$", md, re.MULTILINE)
    csv_rows = (office / "scores.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_rows[0] == "名次,机关,年度,得分,计分问题数,扣分明细"
    assert any(r.split(",")[1:4] == ["焦作市城乡一体化示范区管委会", "2024", "86"] for r in csv_rows)
    assert any("平潭综合实验区" in r and "未评分" in r for r in csv_rows)
    sheet = openpyxl.load_workbook(office / "summary.xlsx")["评分"]
    assert any(r[1] == "焦作市城乡一体化示范区管委会" and r[3] == 86 for r in sheet.iter_rows(values_only=True))
    assert any(str(r[3]).startswith("未评分") for r in sheet.iter_rows(values_only=True))  # words stay words
    text = "\n".join(c.text for t in docx.Document(str(office / "tongbao.docx")).tables
                     for row in t.rows for c in row.cells)
    assert "焦作市城乡一体化示范区管委会" in text and "86" in text


# --- part 7: the 通报 draft -----------------------------------------------------------------------------------------

def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_the_draft_holds_the_totals_problems_non_submitters_and_says_what_it_lacks(office: Path) -> None:
    paragraphs = _paragraphs(office / "tongbao.docx")
    text = "\n".join(paragraphs)
    assert paragraphs[0] == "关于焦作市各年度政府信息公开工作年度报告核查情况的通报（草稿）"  # no --year: every year
    headings = [p for p in paragraphs if re.match(r"^[一二三四五六七八]、", p)]
    assert headings == ["一、基本情况", "二、存在的主要问题", "三、未报送年度报告的单位", "四、连续两年出现的问题",
                        "五、未能完整核查的报告", "六、评分与排名", "七、整改要求"]
    assert "共核查年度报告 7 份" in text and "核查不完整 1 份、未能核查 0 份、无法读取 1 份" in text
    assert f"本年新收申请 {NEW_APPLICATIONS}" in text  # the jurisdiction's table 三 total
    assert re.search(r"（[一二三四五六七八九十]+）未做到“正文所述收到申请数与表三一致”：共 1 处（错误），"
                     r"涉及 1 个单位：焦作市城乡一体化示范区管委会。", text)
    assert "焦作市城乡一体化示范区管委会：正文称收到申请 9 件" in text
    assert "另有提示类问题" in text  # info findings counted, not listed
    assert "以下 1 个单位未报送" in text and "某某县教育局" in text and "孟州市政府办" not in text
    assert "无从比对本年度的整改情况" in text  # nothing confirmed last year: said, not "nothing repeated"
    assert "2025年3月31日前将整改情况报送焦作市政务公开办公室" in text
    assert "经人工复核确认 0 个，尚待复核" in text


def test_the_draft_says_repeated_problems_when_given_and_marks_blanks_without_options(store: Path) -> None:
    summary = collect(store, 2024)
    text = "\n".join(p.text for p in render_docx(summary, "zh").paragraphs)
    assert "（请填写发文机关）" in text and "（请填写整改期限）" in text and "未提供应报送单位名单" in text
    assert "六、整改要求" in text  # no scheme: no scoring part
    repeated = replace(summary, rectification=(
        Rectified("焦作市城乡一体化示范区管委会", 2024, 1, "TXT-NEW", "TXT-NEW", "去年错了", "repeated", "又错了"),))
    text = "\n".join(p.text for p in render_docx(repeated, "zh").paragraphs)
    assert "焦作市城乡一体化示范区管委会：又错了（上年度已指出）" in text
    none = "\n".join(p.text for p in render_docx(replace(summary, rectification=()), "zh").paragraphs)
    assert "未发现上年度已确认的问题在本年度报告中重复出现" in none
    english = "\n".join(p.text for p in render_docx(summary, "en").paragraphs)
    assert "Main problems" in english and "to be filled in" in english


def test_the_draft_holds_no_control_character_of_a_report(tmp_path: Path) -> None:
    hostile = ("局\x1b[31m红\x07", "局\u202etxt.exe", "局\x00\x0b", "=cmd|' /C calc'!A0")
    docs = tuple(_doc(i, a) for i, a in enumerate(hostile, start=1))
    findings = tuple(_finding(i, a, "TXT-NEW", "TXT-NEW") for i, a in enumerate(hostile, start=1))
    summary = Summary(2024, docs, findings, _t3_totals([]), _t4_totals([]), hostile, True, issuer="办\x1b")
    write_all(summary, tmp_path, "zh", ("docx",))
    document = docx.Document(str(tmp_path / "tongbao.docx"))
    text = "\n".join([*(p.text for p in document.paragraphs),
                      *(c.text for t in document.tables for r in t.rows for c in r.cells)])
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", text)
    assert "局\\x1b[31m红\\x07" in text and "局\\u202etxt.exe" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_draft_renders_to_pdf(office: Path, tmp_path: Path) -> None:
    shutil.copy(office / "tongbao.docx", tmp_path / "tongbao.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "tongbao.docx")], check=True, timeout=180,
                   capture_output=True)
    with pdfplumber.open(tmp_path / "tongbao.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "基本情况" in text and "整改要求" in text and "焦作市城乡一体化示范区管委会" in text


def test_a_corrected_report_and_another_format_replace_the_earlier_document_everywhere(tmp_path: Path,
                                                                                      packs: list[Pack]) -> None:
    """The office's loop: 焦作 fixes its narrative (受理 9 件 → 11 件, as table 三 says) and the file is audited again;
    the same report also came as the HTML page. The year has one report of that body: the one received last."""
    from auditor.review.queue import queue

    report = tmp_path / "r.txt"
    report.write_bytes((SAMPLES / "003_1299ff54e50d8c9c.txt").read_bytes())
    original = tmp_path / "kept" / "r-original.txt"
    original.parent.mkdir()
    original.write_bytes(report.read_bytes())
    db = tmp_path / "audits.db"
    with Store(db) as opened:
        audit_paths([report], packs, store=opened)
        before = collect(db, 2024)
        assert any(f.rule_id == "TXT-NEW" for f in before.findings)
        report.write_text(report.read_text(encoding="utf-8").replace("共受理政府信息公开申请 9 件",
                                                                     "共受理政府信息公开申请 11 件"), encoding="utf-8")
        audit_paths([report], packs, store=opened)
        assert opened.document_count() == 2  # the earlier version is kept in the history
        items = queue(opened, 2024)
    after = collect(db, 2024)
    assert len(after.documents) == 1 and not any(f.rule_id == "TXT-NEW" for f in after.findings)
    assert len(after.findings) == len(before.findings) - 1
    assert not any(i.subject.rule_id == "TXT-NEW" for i in items) and len(items) == len(after.findings)
    assert after.t3.copies == ("r.txt",) and "较早的版本" in _note(after)
    # A pack upgrade audits the original again as a new row (a new pack version): it is no newer for that.
    from auditor.audit import audit_file, read_facts

    with Store(db) as opened:
        old = audit_file(original, packs)
        opened.record(original, read_facts(original, packs)[0], replace(old, pack=f"{old.pack}+upgraded"))
        assert opened.document_count() == 3
    assert not any(f.rule_id == "TXT-NEW" for f in collect(db, 2024).findings)
    # The same report as its HTML page, received after: it is the year's report now, and counts once.
    with Store(db) as opened:
        audit_paths([Path("tests/fixtures/parity/003_1299ff54e50d8c9c.html").resolve()], packs, store=opened)
        items = queue(opened, 2024)
    both = collect(db, 2024)
    assert [d.path.rsplit("/", 1)[-1] for d in both.documents] == ["003_1299ff54e50d8c9c.html"]
    assert both.review_counts["awaiting"] == len(items) and both.t3.values == after.t3.values


def _note(summary: Summary) -> str:
    from auditor.summary.rows import incomplete_note

    return incomplete_note(summary.t3, "zh")


def test_a_summary_in_english_shows_a_chinese_runs_findings_in_english(store: Path, tmp_path: Path) -> None:
    """Issue 15, stumble 3: messages are kept in every language the tool speaks (store version 11), so the summary
    is written in the language asked for, whatever language the audit ran in (the store fixture's ran in Chinese)."""
    english, chinese = tmp_path / "en", tmp_path / "zh"
    assert _run("--db", str(store), "--out", str(english), "--lang", "en")[0] == 0
    assert _run("--db", str(store), "--out", str(chinese))[0] == 0
    md = (english / "summary.md").read_text(encoding="utf-8")
    assert "The narrative states 9 applications" in md and "正文称收到申请" not in md
    assert "正文称收到申请 9 件" in (chinese / "summary.md").read_text(encoding="utf-8")
    rows = (english / "findings.csv").read_text(encoding="utf-8-sig")
    assert "The narrative states 9 applications" in rows and "正文称" not in rows
    page = (english / "summary.html").read_text(encoding="utf-8")
    assert "The narrative states 9 applications" in page
    # A finding recorded before version 11 has only the run's words: shown in those, never as nothing.
    older = tmp_path / "older.db"
    shutil.copy(store, older)
    with sqlite3.connect(older) as connection:
        connection.execute("UPDATE findings SET messages = NULL")
    connection.close()
    assert _run("--db", str(older), "--out", str(tmp_path / "old"), "--lang", "en")[0] == 0
    assert "正文称收到申请 9 件" in (tmp_path / "old" / "summary.md").read_text(encoding="utf-8")
