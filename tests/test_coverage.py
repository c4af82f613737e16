"""No silent clean (issue 10 part 1): every result states what was checked, a report whose core checks could not run
is `incomplete` with exit code 3 in text, JSON and the summary, and `--fail-on` applies to it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main
from tests.conftest import edited_copy, without_lines
from tests.test_cli import audit_json

ROOT = Path(__file__).resolve().parent.parent
S004 = ROOT / "samples" / "004_bdd5b039361f2e6c.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
PINGTAN_2024 = CORPUS / "pingtan-2024.txt"  # every table a flattened digit run: tables 三 and 四 cannot be read


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_a_complete_audit_states_its_coverage() -> None:
    code, data = audit_json(str(S004))
    doc = data["documents"][0]
    assert code == 1 and doc["verdict"] == "findings"
    coverage = doc["coverage"]
    assert coverage["gaps"] == [] and coverage["tables"] == ["t2", "t3", "t4"]
    assert coverage["sections"] == [1, 2, 3, 4, 5, 6]
    assert coverage["evaluated"] == doc["summary"]["passed"] + doc["summary"]["failed"]
    assert coverage["applicable"] == coverage["evaluated"] + doc["summary"]["not_assessable"]
    assert {c["id"]: c["evaluated"] > 0 for c in coverage["core"]} == {"t3": True, "t4": True, "narrative": True}
    assert 0 < coverage["claims_checked"] <= coverage["claims"]


def test_a_report_without_its_tables_is_incomplete_not_clean(tmp_path: Path) -> None:
    """Every table line gone: no finding can be made, and the report must not pass as clean."""
    path = edited_copy(S004, tmp_path, without_lines("\t"))
    for fail_on in ("error", "warning", "info"):
        code, data = audit_json(str(path), "--fail-on", fail_on)
        assert code == 3, fail_on
    doc = data["documents"][0]
    assert doc["verdict"] == "incomplete" and data["summary"]["verdicts"]["incomplete"] == 1
    assert any("表三勾稽关系未能核查" in g for g in doc["coverage"]["gaps"])
    assert any("表四合计未能核查" in g for g in doc["coverage"]["gaps"])
    code, _ = audit_json(str(path), "--fail-on", "none")
    assert code == 0  # --fail-on none: the caller asked for 0 whatever was found


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_a_real_report_whose_tables_cannot_be_split_is_incomplete() -> None:
    code, data = audit_json(str(PINGTAN_2024))
    doc = data["documents"][0]
    assert code == 3 and doc["verdict"] == "incomplete"
    assert [c["id"] for c in doc["coverage"]["core"] if c["evaluated"] == 0] == ["t3", "t4", "narrative"]


def test_incomplete_outranks_findings_and_an_unread_file_outranks_both(tmp_path: Path) -> None:
    incomplete = edited_copy(S004, tmp_path, without_lines("\t"))
    code, data = audit_json(str(S004), str(incomplete))
    assert code == 3 and [d["verdict"] for d in data["documents"]] == ["findings", "incomplete"]
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, data = audit_json(str(S004), str(incomplete), str(empty))
    assert code == 2 and data["documents"][2]["verdict"] == "failed"


def test_a_report_no_pack_applies_to_is_incomplete(tmp_path: Path) -> None:
    """A body, no year anywhere, no table layout: nothing can choose a pack, so no rule runs; never exit 0."""
    path = tmp_path / "report.txt"
    path.write_text("一、总体情况\n本机关认真落实条例。\n二、主动公开政府信息情况\n无。\n", encoding="utf-8")
    code, data = audit_json(str(path), "--fail-on", "warning")
    doc = data["documents"][0]
    assert code == 3 and doc["verdict"] == "incomplete" and doc["pack"] is None
    assert "没有运行任何规则" in doc["coverage"]["gaps"][0]


def test_text_lists_not_assessable_checks_only_on_request() -> None:
    plain = run("audit", str(S004)).output
    assert "无法评估:" not in plain
    assert re.search(r"无法评估 \d+（--show not-assessable 列出）", plain)
    assert "结论：核查完整，发现问题" in plain and "读到的表格：表二、表三、表四" in plain
    shown = run("audit", "--show", "not-assessable", str(S004)).output
    listed = [line for line in shown.splitlines() if line.startswith("  无法评估:")]
    counted = int(re.search(r"无法评估 (\d+)", plain).group(1))  # type: ignore[union-attr]
    assert len(listed) == counted > 0
    assert f"无法评估 {counted}；" in plain.splitlines()[-1]  # the run's line counts them too


def test_text_says_incomplete_and_why(tmp_path: Path) -> None:
    path = edited_copy(S004, tmp_path, without_lines("\t"))
    out = run("audit", str(path)).output
    assert "结论：核查不完整：表三勾稽关系未能核查" in out
    assert "核查不完整 1" in out.splitlines()[-1]
    english = run("audit", "--lang", "en", str(path)).output
    assert "verdict: INCOMPLETE: table 3 identities could not be checked" in english


def test_the_summary_counts_incomplete_reports(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(S004, folder / "a.txt")
    edited_copy(S004, folder, without_lines("\t")).rename(folder / "b.txt")
    db = tmp_path / "h.db"
    assert run("audit", "--db", str(db), str(folder / "a.txt"), str(folder / "b.txt")).exit_code == 3
    out = tmp_path / "out"
    assert run("summary", "--db", str(db), "--year", "2021", "--out", str(out)).exit_code == 0
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "核查不完整" in markdown
    agencies = (out / "agencies.csv").read_text(encoding="utf-8-sig")
    assert "incomplete" in agencies or "核查不完整" in agencies
