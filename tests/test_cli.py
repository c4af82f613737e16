"""The command line end to end: audits, JSON validated against its schema, exit codes, bad input without traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from auditor.cli import main
from auditor.resources import schema
from tests.conftest import edited_copy, without_lines

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
S003 = SAMPLES / "003_1299ff54e50d8c9c.txt"
S004 = SAMPLES / "004_bdd5b039361f2e6c.txt"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def audit_json(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run("audit", "--format", "json", *args)
    data = json.loads(result.stdout)
    Draft202012Validator(schema("audit-result.schema.json")).validate(data)
    return result.exit_code, data


def test_audit_samples_errors_and_the_narrative_error_of_003() -> None:
    code, data = audit_json(str(SAMPLES))
    assert code == 1
    assert data["summary"]["documents"] == 5 and data["summary"]["problems"] == 0
    errors = [(Path(d["path"]).name, f["rule_id"]) for d in data["documents"] for f in d["findings"]
              if f["severity"] == "error"]
    assert errors == [("003_1299ff54e50d8c9c.txt", "TXT-NEW"), ("004_bdd5b039361f2e6c.txt", "TXT-PCT-NOTHELD")]
    doc = next(d for d in data["documents"] if d["path"].endswith("003_1299ff54e50d8c9c.txt"))
    finding = doc["findings"][0]
    assert (finding["evidence"]["found"], finding["evidence"]["expected"]) == ("9", "11")
    assert "9" in finding["message"] and "11" in finding["message"]
    assert finding["location"] == {"section": 1, "line": 15, "table": None, "row": None, "column": None,
                                   "snippet": "受理政府信息公开申请 9 件", "page": None, "page_line": None}
    assert doc["summary"]["passed"] > 100


def test_no_table_arithmetic_finding_on_any_sample() -> None:
    _, data = audit_json(str(SAMPLES))
    table_rules = [f["rule_id"] for d in data["documents"] for f in d["findings"] if f["rule_id"].startswith("T")
                   and not f["rule_id"].startswith("TXT")]
    assert table_rules == []


def test_a_changed_cell_is_named_with_both_numbers(tmp_path: Path) -> None:
    copy = edited_copy(S004, tmp_path, lambda text: text.replace(
        "\t(一) 予以公开\t11\t0\t0\t0\t0\t0\t11", "\t(一) 予以公开\t11\t0\t0\t0\t0\t0\t12"))
    code, data = audit_json(str(copy))
    assert code == 1
    findings = {f["check_id"]: f for f in data["documents"][0]["findings"]
                if f["rule_id"].startswith(("T2", "T3", "T4"))}
    assert set(findings) == {"T3-ROW[row=granted]", "T3-SUM[col=total]"}
    row = findings["T3-ROW[row=granted]"]
    assert row["location"]["table"] == "t3" and row["location"]["row"] == "granted"
    assert row["location"]["column"] == "total" and row["location"]["line"] == 43
    assert (row["evidence"]["found"], row["evidence"]["expected"]) == ("12", "11")
    assert "予以公开" in row["message"] and "12" in row["message"] and "11" in row["message"]
    total = findings["T3-SUM[col=total]"]
    assert (total["evidence"]["found"], total["evidence"]["expected"]) == ("56", "57")


def test_text_format_groups_by_file_and_english_on_request() -> None:
    result = run("audit", str(S003))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(str(S003))
    assert "正文称收到申请 9 件" in result.stdout and "\x1b[" not in result.stdout  # no colour off a terminal
    english = run("audit", "--lang", "en", str(S003))
    assert "The narrative states 9 applications" in english.stdout and "table 3 reports 11" in english.stdout


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("warning", 1), ("info", 1), ("none", 0)])
def test_fail_on(fail_on: str, code: int) -> None:
    assert run("audit", "--fail-on", fail_on, str(S003)).exit_code == code


def test_warnings_alone_exit_zero_by_default() -> None:
    s002 = SAMPLES / "002_9257bfa62931542d.txt"  # warnings and info, no error
    assert run("audit", str(s002)).exit_code == 0
    assert run("audit", "--fail-on", "warning", str(s002)).exit_code == 1


def test_parse_prints_facts_that_match_the_schema() -> None:
    result = run("parse", str(S003))
    data = json.loads(result.stdout)
    Draft202012Validator(schema("facts.schema.json")).validate(data)
    cells = {c["key"]: c for c in data["tables"]["t3"]["cells"]}
    assert cells["t3.new_received.total"]["value"] == 11 and cells["t3.new_received.total"]["raw"] == "11"
    assert data["report"] == {"title": "焦作市城乡一体化示范区管委会 2024 年政府信息公开工作年度报告", "title_line": 3,
                              "agency": "焦作市城乡一体化示范区管委会", "year": 2024, "template": 2021}
    assert [c["value"] for c in data["claims"] if c["key"] == "claim.applications_received"] == [9]


def test_output_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.json"
    result = run("audit", "--format", "json", "-o", str(out), str(S004))
    assert result.exit_code == 1 and json.loads(out.read_text(encoding="utf-8"))["summary"]["documents"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
    # A run that fails while writing leaves the last complete output where it was.
    import auditor.formatters.json_format as json_format

    def failing(*_: object) -> dict[str, object]:
        raise OSError("disk full")

    monkeypatch.setattr(json_format, "document", failing)
    failed = run("audit", "--format", "json", "-o", str(out), str(S004))
    assert failed.exit_code == 2 and "disk full" in failed.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["documents"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


# --- bad input: a clear message, a documented exit code, the other files kept -------------------------------------

def test_missing_file() -> None:
    code, data = audit_json("no/such/file.txt")
    assert code == 2
    assert [p["slug"] for p in data["documents"][0]["problems"]] == ["file_not_found"]


def test_a_folder_of_mixed_files_keeps_every_good_result(tmp_path: Path) -> None:
    shutil.copy(S003, tmp_path / "a.txt")
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "d.pdf").write_bytes(b"%PDF-1.4\n%not really a PDF")
    (tmp_path / "e-notes.md").write_text("# 会议纪要\n\n无关内容。\n", encoding="utf-8")
    (tmp_path / "photo.gif").write_bytes(b"GIF89a")  # an image OCR does not read: skipped by the walk, named
    (tmp_path / "sub").mkdir()
    shutil.copy(S004, tmp_path / "sub" / "f.txt")
    code, data = audit_json(str(tmp_path))
    assert code == 2
    by_name = {Path(d["path"]).name: d for d in data["documents"]}
    assert sorted(by_name) == ["a.txt", "b-empty.txt", "c-binary.txt", "d.pdf", "e-notes.md", "f.txt"]
    assert [f["rule_id"] for f in by_name["a.txt"]["findings"] if f["severity"] == "error"] == ["TXT-NEW"]
    assert by_name["f.txt"]["summary"]["passed"] > 100
    slugs = {name: [p["slug"] for p in d["problems"]] for name, d in by_name.items()}
    assert slugs["b-empty.txt"] == ["empty_file"] and slugs["c-binary.txt"] == ["binary_file"]
    assert slugs["d.pdf"] == ["corrupt_file"] and slugs["e-notes.md"] == ["not_a_report"]
    text = run("audit", str(tmp_path)).stdout
    assert "[empty_file]" in text and "正文称收到申请 9 件" in text


def test_a_report_without_tables_is_audited_with_checks_not_assessable(tmp_path: Path) -> None:
    path = edited_copy(S004, tmp_path, without_lines("\t"))
    code, data = audit_json(str(path))
    doc = data["documents"][0]
    assert [p["slug"] for p in doc["problems"]] == ["no_tables"]  # the report's own problem, not an input error
    assert not [f for f in doc["findings"] if f["rule_id"].startswith(("T2", "T3", "T4"))]
    table_checks = [n for n in doc["not_assessable"] if n["rule_id"].startswith(("T2", "T3", "T4"))]
    assert len(table_checks) == 7 + 7 + 25 + 3 + 2 + 25 + 7 + 3 + 9 + 1 + 1  # every table check, none passed
    # Without table 三 the 44% claim cannot be checked: no error, nothing guessed; and the report is not clean, its
    # core checks never ran (exit code 3).
    assert code == 3 and doc["verdict"] == "incomplete"
    assert any("表三勾稽关系" in gap for gap in doc["coverage"]["gaps"])


def test_a_missing_row_makes_its_checks_not_assessable(tmp_path: Path) -> None:
    path = edited_copy(S004, tmp_path, without_lines("重复申请"))
    code, data = audit_json(str(path))
    doc = data["documents"][0]
    assert not [f for f in doc["findings"] if f["rule_id"].startswith(("T2", "T3", "T4"))]
    assert [p["slug"] for p in doc["problems"]] == ["rows_missing"]
    unassessed = {n["check_id"]: n["reason"] for n in doc["not_assessable"]}
    assert "T3-ROW[row=rejected.repeated]" in unassessed
    assert "表三「重复申请」行「自然人」列未找到" in unassessed["T3-SUM[col=natural_person]"]


def test_usage_error_exits_two() -> None:
    result = CliRunner().invoke(main, ["audit", "--format", "yaml", str(S004)])
    assert result.exit_code == 2


def test_a_report_flattened_onto_one_line_is_named_not_audited(tmp_path: Path) -> None:
    body = "".join(line.strip() for line in S004.read_text(encoding="utf-8").splitlines()[3:])
    path = tmp_path / "flat.txt"
    path.write_text("标题: 焦作市人民政府办公室2021年政府信息公开工作年度报告\n" + body, encoding="utf-8")
    code, data = audit_json(str(path))
    assert code == 2
    assert [p["slug"] for p in data["documents"][0]["problems"]] == ["structure_not_found"]


def test_an_internal_error_on_one_file_keeps_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug met on one file (here injected into the worker that audits it: the CLI audits in a supervised worker
    process, where a test's monkeypatch does not reach) is that file's internal_error; the others are audited."""
    from auditor.batch import RAISE_ON

    shutil.copy(S003, tmp_path / "a.txt")
    shutil.copy(S004, tmp_path / "b.txt")
    monkeypatch.setenv(RAISE_ON, "a.txt")
    code, data = audit_json(str(tmp_path))
    assert code == 2
    by_name = {Path(d["path"]).name: d for d in data["documents"]}
    assert [p["slug"] for p in by_name["a.txt"]["problems"]] == ["internal_error"]
    assert "IndexError" in by_name["a.txt"]["problems"][0]["message"]
    assert by_name["b.txt"]["summary"]["passed"] > 100


def test_an_empty_folder_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "notes.gif").write_bytes(b"GIF89a")
    code, data = audit_json(str(tmp_path))
    # no report in it, and the image it holds is named as not audited (test_walk.py)
    assert code == 2 and [p["slug"] for p in data["problems"]] == ["no_input_files", "file_skipped"]


def test_an_empty_folder_is_reported_beside_a_sibling_whose_name_it_starts(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder's emptiness is what its own walk found, not a path prefix: `x` is empty even though `x2/a.txt`
    starts with its name, and `.` is not empty although no result path starts with '.'."""
    (tmp_path / "x").mkdir()
    (tmp_path / "x2").mkdir()
    (tmp_path / "x2" / "a.txt").write_bytes((SAMPLES / "002_9257bfa62931542d.txt").read_bytes())
    monkeypatch.chdir(tmp_path)
    code, data = audit_json("x", "x2")
    assert code == 2 and [(p["slug"], p["path"]) for p in data["problems"]] == [("no_input_files", "x")]
    assert len(data["documents"]) == 1
    code, data = audit_json(".")
    assert data["problems"] == [] and len(data["documents"]) == 1


def test_parse_stats_counts_what_was_read(tmp_path: Path) -> None:
    shutil.copy(S004, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_bytes(b"")
    result = run("parse", "--stats", str(tmp_path))
    assert result.exit_code == 2  # b.txt is empty: named on stderr, a.txt still reported
    header, line = result.stdout.splitlines()
    assert header.startswith("# 文件")
    assert "焦作市人民政府办公室 2021" in line and "sections 123456" in line
    assert "t2:10/0/0 t3:175/0/0 t4:15/0/0" in line
    assert "空文件" in result.stderr
    assert run("parse", str(S004), str(S003)).exit_code == 2  # facts are for one file at a time


def test_a_store_failing_mid_run_is_a_message_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from auditor.store import Store

    def full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "record_result", full)
    out = tmp_path / "r.json"
    result = run("audit", "--db", str(tmp_path / "h.db"), "--format", "json", "-o", str(out), str(S004))
    assert result.exit_code == 2 and "disk is full" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.db"]  # no output, no .partial left behind
