"""`auditor summary`: the five samples audited into a store, then summarised into HTML, XLSX, CSV and Markdown."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from auditor.audit import read_facts
from auditor.cli import main
from auditor.facts.model import number_values
from auditor.facts.vocabulary import T3_LAYOUT
from auditor.packs import Pack
from auditor.run import EXIT_ERROR, audit_paths
from auditor.store import Store
from auditor.summary import WRITERS, collect, correction_rates
from auditor.summary.collect import Report, _t3_totals
from auditor.summary.markdown import render_markdown
from tests.conftest import SAMPLES

# Table 三 「本年新收」 总计 of samples 000–004, read off the files (lines 63, 41, 40, 47, 41): 0, 0, 129, 11, 58.
NEW_APPLICATIONS = 0 + 0 + 129 + 11 + 58


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, packs: list[Pack]) -> tuple[Path, list[str]]:
    """A history store holding the five samples, and their agencies in the run's order."""
    path = tmp_path_factory.mktemp("store") / "audits.db"
    with Store(path) as opened:
        result = audit_paths([SAMPLES], packs, store=opened)
    return path, [d.report.agency or "" for d in result.documents]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["summary", *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def out_zh(store: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zh")
    roster = out.parent / "roster.txt"
    roster.write_text("焦作市人民政府办公室\n孟州市人民政府办公室\n焦作市自然资源和规划局\n", encoding="utf-8")
    code, output = _run("--db", str(store[0]), "--roster", str(roster), "--out", str(out))
    assert code == 0, output
    return out


def test_every_output_is_written(out_zh: Path) -> None:
    names = {p.name for p in out_zh.iterdir()}
    assert {"summary.html", "summary.xlsx", "agencies.csv", "findings.csv", "summary.md", "tongbao.docx",
            "reports"} == names
    assert set(WRITERS) == {"html", "md", "xlsx", "csv", "docx", "reports"}
    assert sorted(p.name for p in (out_zh / "reports").iterdir())  # each report's page (test_summary_pages)


def test_html_is_self_contained_and_names_agencies_and_totals(out_zh: Path, store: tuple[Path, list[str]]) -> None:
    html = (out_zh / "summary.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*\bhref=|<img[^>]*\bsrc=", html, re.IGNORECASE)
    assert "<svg" in html and "<style>" in html
    for agency in store[1]:
        assert agency in html
    assert f"<td>本年新收申请</td><td class=\"n\">{NEW_APPLICATIONS}</td>" in html
    assert "TXT-NEW" in html and "行政复议纠错率" in html


def test_totals_of_table_three_and_four(store: tuple[Path, list[str]]) -> None:
    summary = collect(store[0])
    assert summary.t3.values["new_received"] == NEW_APPLICATIONS
    assert summary.t3.incomplete == ()  # every sample's table 三 is read whole
    processed = summary.t3.values["total_processed"]
    outcomes = ("granted", "partially_granted", "denied", "unable", "rejected", "other")
    assert sum(summary.t3.values[o] for o in outcomes) == processed
    rates = correction_rates(summary.t4)
    t4 = summary.t4.values
    decided = t4["review.upheld"] + t4["review.corrected"] + t4["review.other"]
    assert rates["review"] == (t4["review.corrected"] / decided if decided else None)
    assert collect(store[0], 2025).t3.values["new_received"] == 0 + 0 + 129


def test_xlsx_has_a_row_per_document_and_per_finding(out_zh: Path, store: tuple[Path, list[str]]) -> None:
    workbook = openpyxl.load_workbook(out_zh / "summary.xlsx")
    agencies, findings = workbook.worksheets[:2]
    assert agencies.max_row == len(store[1]) + 1
    assert [c.value for c in agencies[1]] == ["机关", "年度", "文件", "规则包", "错误", "警告", "提示", "无法评估",
                                              "状态", "按期公布"]
    rows = list(findings.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(collect(store[0]).findings)
    assert any(r[0] == "焦作市城乡一体化示范区管委会" and r[2] == "TXT-NEW" and r[4] == "错误" for r in rows)


def test_csvs_have_the_same_rows_with_a_bom(out_zh: Path, store: tuple[Path, list[str]]) -> None:
    raw = (out_zh / "agencies.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (out_zh / "agencies.csv").open(encoding="utf-8-sig", newline="") as handle:
        agencies = list(csv.reader(handle))
    assert len(agencies) == len(store[1]) + 1
    assert sorted(r[0] for r in agencies[1:]) == sorted(store[1])
    column = agencies[0].index("状态")  # the publication column follows it
    status = {r[0]: r[column] for r in agencies[1:]}
    assert status["焦作市城乡一体化示范区管委会"] == "错误"
    with (out_zh / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        findings = list(csv.reader(handle))
    assert len(findings) == len(collect(store[0]).findings) + 1
    assert any(r[2] == "TXT-NEW" and r[6] == "第 15 行" for r in findings[1:])  # where a reader finds it


def test_markdown_lists_errors_and_non_submitters(out_zh: Path) -> None:
    md = (out_zh / "summary.md").read_text(encoding="utf-8")
    assert "焦作市城乡一体化示范区管委会" in md
    assert re.search(r"TXT-NEW: 正文称收到申请 9 件", md)
    assert str(NEW_APPLICATIONS) in md
    missing = md.split("## 未报送年度报告的机关", 1)[1]
    assert "- 焦作市自然资源和规划局" in missing
    assert "孟州市人民政府办公室" not in missing


def test_roster_names_match_as_the_store_compares_them(store: tuple[Path, list[str]]) -> None:
    # 「人民政府」 ~ 「政府」 and white space, as auditor.store.agency compares names.
    summary = collect(store[0], roster=["焦作市 政府办公室", "某某县教育局"])
    assert summary.not_submitted == ("某某县教育局",)


def test_english_labels(store: tuple[Path, list[str]], tmp_path: Path) -> None:
    code, output = _run("--db", str(store[0]), "--lang", "en", "--out", str(tmp_path))
    assert code == 0, output
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "Status per agency" in html and "New applications" in html and "本年新收申请" not in html
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "Agencies with errors" in md and "No roster given." in md
    header = (tmp_path / "findings.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "Agency,Year,Rule,Check,Severity,Message,Where,Expected,Found,Rule title,Review"


def test_empty_store_or_year_exits_2(store: tuple[Path, list[str]], tmp_path: Path) -> None:
    Store(tmp_path / "empty.db").close()
    code, output = _run("--db", str(tmp_path / "empty.db"), "--out", str(tmp_path / "out"))
    assert code == EXIT_ERROR and "empty" in output
    code, output = _run("--db", str(store[0]), "--year", "1999", "--out", str(tmp_path / "out"))
    assert code == EXIT_ERROR and "1999" in output
    code, _ = _run("--db", str(tmp_path / "absent.db"), "--out", str(tmp_path / "out"))
    assert code == EXIT_ERROR
    assert not (tmp_path / "out").exists()


def test_a_report_with_one_blank_cell_is_left_out_whole() -> None:
    """All or nothing per report: partial sums would let outcomes add up to more than processed."""
    whole = _t3_totals([_report("甲", None)])
    assert whole.incomplete == () and whole.values["new_received"] == 1
    both = _t3_totals([_report("甲", None), _report("乙", T3_LAYOUT[2021][-1])])
    assert both.incomplete == ("乙",)
    assert both.values == whole.values


def test_an_agency_year_audited_from_two_files_counts_once() -> None:
    """The HTML page and its text copy are one report: summed once, the other file named; the first file that reads
    whole is the one counted."""
    totals = _t3_totals([_report("甲", T3_LAYOUT[2021][0], "甲.txt"), _report("甲", None, "甲.html"),
                         _report("乙", None)])
    assert totals.values["new_received"] == 2
    assert totals.incomplete == () and totals.copies == ("甲.txt",)


def _report(agency: str, blank: str | None, path: str = "") -> Report:
    """A report whose every table 三 total is 1 except the `blank` row."""
    cells = [{"key": f"t3.{r}.total", "row": r, "column": "total", "status": "blank" if r == blank else "number",
              "value": None if r == blank else 1} for r in T3_LAYOUT[2021]]
    facts = {"tables": {"t3": {"found": True, "cells": cells}}}
    return Report(agency, (agency, 2024), path or f"{agency}.txt", number_values(facts))


def test_unreadable_files_are_counted_once_and_leave_when_read(packs: list[Pack], tmp_path: Path) -> None:
    """A file the audit cannot read has no facts, yet the summary must count it; auditing it again adds no second
    row, and the same bytes read into facts later (a better version) are no longer unreadable."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    sample = sorted(SAMPLES.glob("*.txt"))[2]
    (folder / sample.name).write_bytes(sample.read_bytes())
    db = tmp_path / "audits.db"
    for _ in range(2):
        with Store(db) as opened:
            audit_paths([folder], packs, store=opened)
    summary = collect(db)
    assert summary.status_counts["problem"] == 1 and len(summary.documents) == 2
    md = render_markdown(summary, "zh")
    assert "## 未能完整核查的报告（单独统计）" in md and "- empty.txt: 无法读取，" in md
    with Store(db) as opened:  # the same bytes, now read: stand in a sample's facts for the better reader's
        facts, _ = read_facts(folder / sample.name, packs)
        result = audit_paths([folder / sample.name], packs).documents[0]
        opened.record(folder / "empty.txt", facts, result)
    assert collect(db).status_counts["problem"] == 0
