"""The summary counts the office's decisions (issue 11 parts 2, 5, 6): each finding's review state survives a
re-audit of the whole year and is counted in every format; last year's confirmed findings are matched with this
year's reports, the same as each report's own rectification (auditor audit --db)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document
from openpyxl import load_workbook

from auditor.cli import main
from auditor.summary import collect
from tests.conftest import CORPUS
from tests.test_cli import audit_json
from tests.test_rectification import confirm_year, rectification, run

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")

HONGZE = [CORPUS / "huaian-hongze-gov-2023.pdf", CORPUS / "huaian-hongze-gov-2024.pdf"]
# 洪泽 2024 reports its 考核 only: 社会评议 and 责任追究 are nowhere in it (S1-GOV). 2023 reported none of the three.
GOV_DUTIES = ("S1-GOV[duty=gov_accountability]", "S1-GOV[duty=gov_public_review]")


def queue(db: Path, year: int) -> dict[str, str]:
    """check id → fingerprint of the year's findings."""
    items = json.loads(run("review", "list", "--db", str(db), "--year", str(year), "--state", "all",
                           "--format", "json").stdout)
    return {i["check_id"]: i["fingerprint"] for i in items}


def summarise(db: Path, out: Path, *args: str) -> Result:
    result = CliRunner().invoke(main,
                                ["summary", "--db", str(db), "--out", str(out), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    """洪泽 2023 confirmed whole; 2024: the layout finding and the two duties of Art. 50(四) it does not report
    confirmed, TXT-NEW dismissed, YOY-PREV5 waived; then the whole year audited again, as an office does after a
    pack upgrade."""
    db = tmp_path / "audits.db"
    run("audit", *map(str, HONGZE), "--db", str(db))
    confirm_year(db, 2023)
    found = queue(db, 2024)
    assert set(found) == {"TPL-LAYOUT-T3", "TXT-NEW", "YOY-PREV5", *GOV_DUTIES}
    for check in ("TPL-LAYOUT-T3", *GOV_DUTIES):
        assert run("review", "confirm", "--db", str(db), found[check]).exit_code == 0
    assert run("review", "dismiss", "--db", str(db), found["TXT-NEW"], "--reason", "新增数为上年结转").exit_code == 0
    assert run("review", "waive", "--db", str(db), found["YOY-PREV5"], "--reason", "机构改革，口径变化").exit_code == 0
    run("audit", *map(str, HONGZE), "--db", str(db))
    return db


def test_a_decision_survives_the_re_audit_and_is_counted(reviewed: Path) -> None:
    summary = collect(reviewed, 2024)
    assert summary.reviews_read
    assert summary.review_counts == {"confirmed": 3, "dismissed": 1, "waived": 1, "awaiting": 0}
    states = {f.check_id: f.review for f in summary.findings}
    assert states == {"TPL-LAYOUT-T3": "confirmed", "TXT-NEW": "dismissed", "YOY-PREV5": "waived",
                      **dict.fromkeys(GOV_DUTIES, "confirmed")}
    assert [f.check_id for f in summary.standing()] == ["TPL-LAYOUT-T3", *GOV_DUTIES]


def test_every_format_carries_the_review_and_the_rectification(reviewed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summarise(reviewed, out, "--year", "2024")
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "<h2>人工复核情况</h2>" in html and "<td>已排除（误报）</td><td class=\"n\">1</td>" in html
    assert '<td class="r-dismissed">已排除（误报）</td>' in html
    assert "<h2>上年度已确认问题的整改情况</h2>" in html and "重复出现 3" in html
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "| 已确认 | 3 |" in md and "TPL-LAYOUT-T3: 重复出现" in md
    assert "TXT-NEW" not in md.split("## 存在错误的机关")[1].split("##")[0]  # dismissed: not among the errors
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["检查项"]: r["复核"] for r in csv.DictReader(handle)}
    assert rows == {"TPL-LAYOUT-T3": "已确认", "TXT-NEW": "已排除（误报）", "YOY-PREV5": "已豁免",
                    **dict.fromkeys(GOV_DUTIES, "已确认")}
    book = load_workbook(out / "summary.xlsx")
    assert [[c.value for c in r] for r in book["复核"].iter_rows(min_row=2, max_row=5)] == [
        ["已确认", 3], ["已排除（误报）", 1], ["已豁免", 1], ["待复核", 0]]
    statuses = {r[3].value: r[5].value for r in book["整改"].iter_rows(min_row=2) if r[3].value}
    assert statuses["TPL-LAYOUT-T3"] == "重复出现" and statuses["T4-SUM[block=review]"] == "已整改"
    draft = "\n".join(p.text for p in Document(str(out / "tongbao.docx")).paragraphs)
    assert "经人工复核确认 3 个" in draft and "排除误报 1 个、豁免 1 个" in draft
    assert "淮安市洪泽区人民政府：" in draft and "（上年度已指出）" in draft
    english = tmp_path / "en"
    summarise(reviewed, english, "--year", "2024", "--lang", "en")
    assert "dismissed (false positive)" in (english / "summary.html").read_text(encoding="utf-8")


def test_the_summary_matches_each_reports_own_rectification(reviewed: Path) -> None:
    """The summary's year-wide match and `audit --db`'s per-report one say the same for every check."""
    summary = collect(reviewed, 2024)
    _, data = audit_json(str(HONGZE[1]), "--db", str(reviewed))
    own = rectification(data, HONGZE[1].name)
    assert {r.check_id: r.status for r in summary.rectification or ()} == own
    assert own["TPL-LAYOUT-T3"] == "repeated" and own["T4-SUM[block=review]"] == "fixed"
    repeated = summary.repeated or ()
    assert [r.check_id for r in repeated] == ["TPL-LAYOUT-T3", *GOV_DUTIES] and repeated[0].message  # this year's words


def test_the_pingtan_series_across_the_years(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    files = [CORPUS / f"pingtan-{y}.txt" for y in (2019, 2020, 2023, 2024)]
    run("audit", *map(str, files), "--db", str(db))
    confirm_year(db, 2019)
    confirm_year(db, 2023)
    summary = collect(db)  # every year: each report against the year before it
    by_year = {(r.year, r.check_id): r.status for r in summary.rectification or ()}
    assert by_year[(2020, "TXT-LIST")] == "repeated"
    assert by_year[(2024, "TXT-T2-INFORCE")] == "not_assessable"  # 2024's table 二 is one run of digits: not read
    assert by_year[(2024, "TXT-ENUM")] == "fixed"  # an incomplete report fixes what ran and passed
    assert not any(year == 2019 for year, _ in by_year)  # no 2018 report was confirmed
    assert collect(db, 2020).rectification is not None


def test_nothing_confirmed_last_year_is_said_not_counted_as_nothing_repeated(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    run("audit", *map(str, HONGZE), "--db", str(db))
    summary = collect(db, 2024)
    assert summary.rectification is None and summary.repeated is None
    assert summary.review_counts == {"confirmed": 0, "dismissed": 0, "waived": 0, "awaiting": 5}
    out = tmp_path / "out"
    summarise(db, out, "--year", "2024")
    assert "无从比对整改情况" in (out / "summary.html").read_text(encoding="utf-8")


def test_a_report_whose_errors_were_dismissed_is_no_longer_counted_with_errors(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    run("audit", str(HONGZE[1]), "--db", str(db))
    found = queue(db, 2024)
    for check in ("TPL-LAYOUT-T3", "TXT-NEW"):
        assert run("review", "dismiss", "--db", str(db), found[check], "--reason", "误报").exit_code == 0
    summary = collect(db, 2024)
    (doc,) = summary.documents
    assert doc.status != "error" and doc.counts["error"] == 0
    assert not {rule for rule, _ in summary.by_rule} & {"TPL-LAYOUT-T3", "TXT-NEW"}
    assert {f.check_id: f.review for f in summary.findings if f.review} == {"TPL-LAYOUT-T3": "dismissed",
                                                                           "TXT-NEW": "dismissed"}
