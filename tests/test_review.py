"""The office's review (issue 11 parts 2 and 3): decisions kept in the store under fingerprints, applied to every
later audit, counted by --fail-on only while they stand; their history; a decisions file; a baseline."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main
from tests.conftest import SAMPLES, edited_copy
from tests.test_cli import audit_json

S003 = SAMPLES / "003_1299ff54e50d8c9c.txt"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def queue(db: Path | str, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = run("review", "list", "--db", str(db), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def by_check(items: list[dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {i["check_id"]: i for i in items}


@pytest.fixture
def db(store_at: Path | str) -> Path | str:
    """A store holding the five samples' audits: an SQLite file, then a PostgreSQL database (tests/pgserver.py)."""
    assert run("audit", str(SAMPLES), "--db", str(store_at)).exit_code == 1
    return store_at


def findings_of(data: dict, name: str) -> dict[str, dict]:  # type: ignore[type-arg]
    doc = next(d for d in data["documents"] if Path(d["path"]).name == name)
    return {f["check_id"]: f for f in doc["findings"]}


def test_a_years_findings_await_review(db: Path | str) -> None:
    items = queue(db, "--year", "2024")
    assert items and {i["state"] for i in items} == {"awaiting"}
    assert "TXT-NEW" in by_check(items)
    assert all(len(i["fingerprint"]) == 32 and i["paths"] for i in items)
    assert queue(db, "--year", "2024", "--state", "confirmed") == []
    text = run("review", "list", "--db", str(db), "--year", "2024").output
    assert by_check(items)["TXT-NEW"]["fingerprint"][:12] in text and "待审核" in text


def test_decisions_last_through_a_reaudit_and_count_only_while_they_stand(db: Path | str) -> None:
    items = by_check(queue(db, "--year", "2024"))
    error = items["TXT-NEW"]["fingerprint"]
    # 003's only error dismissed: the run no longer fails on errors, though the finding is still shown
    assert run("review", "dismiss", "--db", str(db), error[:12], "--reason", "核实后为正确数字",
               "--by", "审核员甲").exit_code == 0
    code, data = audit_json(str(S003), "--db", str(db))
    assert code == 0
    finding = findings_of(data, S003.name)["TXT-NEW"]
    assert finding["review"]["state"] == "dismissed" and finding["review"]["reason"] == "核实后为正确数字"
    assert finding["review"]["by"] == "审核员甲"
    assert data["summary"]["reviews"]["dismissed"] == 1
    # the whole year again: the decision is kept, and --fail-on counts the other sample's error only
    code, data = audit_json(str(SAMPLES), "--db", str(db))
    assert code == 1 and findings_of(data, S003.name)["TXT-NEW"]["review"]["state"] == "dismissed"
    # changed mind: confirmed, it counts again; both decisions are in its history
    assert run("review", "confirm", "--db", str(db), error[:12], "--by", "审核员乙").exit_code == 0
    code, data = audit_json(str(S003), "--db", str(db))
    assert code == 1 and findings_of(data, S003.name)["TXT-NEW"]["review"]["state"] == "confirmed"
    history = run("review", "history", "--db", str(db), error[:10]).output
    assert history.index("已排除") < history.index("已确认") and "审核员甲" in history and "审核员乙" in history
    assert by_check(queue(db, "--state", "confirmed"))["TXT-NEW"]["decision"]["by"] == "审核员乙"


def test_the_text_output_marks_the_decision(db: Path | str) -> None:
    fingerprint = by_check(queue(db, "--year", "2024"))["M-ENTITY"]["fingerprint"]
    run("review", "dismiss", "--db", str(db), fingerprint, "--reason", "高新区管委会即示范区管委会")
    result = run("audit", str(S003), "--db", str(db), "--show", "fingerprints")
    line = next(x for x in result.output.splitlines() if "M-ENTITY" in x)
    assert f"#{fingerprint[:12]}" in line and "[已排除（误报）：高新区管委会即示范区管委会]" in line
    assert "其中已排除（误报） 1" in result.output


def test_decisions_are_appended_never_changed(db: Path | str) -> None:
    fingerprint = by_check(queue(db, "--year", "2024"))["TXT-NEW"]["fingerprint"]
    run("review", "confirm", "--db", str(db), fingerprint)
    if isinstance(db, Path):
        connection, refused, changes = sqlite3.connect(db), sqlite3.IntegrityError, ("UPDATE", "DELETE")
    else:  # the same on a server, by a client of its own (not through the store), TRUNCATE too
        import psycopg

        connection, refused = psycopg.connect(db, autocommit=True), psycopg.IntegrityError
        changes = ("UPDATE", "DELETE", "TRUNCATE")
    statements = {"UPDATE": "UPDATE decisions SET state = 'dismissed'", "DELETE": "DELETE FROM decisions",
                  "TRUNCATE": "TRUNCATE decisions"}
    try:
        for change in changes:
            with pytest.raises(refused, match="append-only"):
                connection.execute(statements[change])
        with pytest.raises(refused):  # a dismissal without a reason never enters the store
            connection.execute("INSERT INTO decisions (fingerprint, rule_id, check_id, agency_stem, year, state, "
                               "scope, reason, decided_by, decided_at, until, message) VALUES "
                               "('x', 'R', 'R', '', 2024, 'dismissed', 'report', ' ', 'me', 'now', NULL, '')")
    finally:
        connection.close()


@pytest.mark.parametrize(("args", "says"), [
    (("dismiss", "--reason", " "), "须写明理由"),
    (("waive", "--reason", " "), "须写明理由"),
    (("confirm", "--lang", "en"), None),
])
def test_a_decision_needs_its_reason(db: Path | str, args: tuple[str, ...], says: str | None) -> None:
    fingerprint = by_check(queue(db, "--year", "2024"))["TXT-NEW"]["fingerprint"]
    result = run("review", args[0], "--db", str(db), fingerprint, *args[1:])
    if says is None:
        assert result.exit_code == 0
    else:
        assert result.exit_code == 2 and says in result.output
        assert queue(db, "--state", "all")[0]["decision"] is None


@pytest.mark.parametrize(("wanted", "says"), [("21b2", "太短"), ("ffffffffffff", "不是"), ("", "太短")])
def test_a_fingerprint_that_names_no_finding_is_refused(db: Path | str, wanted: str, says: str) -> None:
    result = run("review", "confirm", "--db", str(db), wanted)
    assert result.exit_code == 2 and says in result.output


def test_an_edited_report_keeps_the_decisions_of_its_unchanged_findings(db: Path | str, tmp_path: Path) -> None:
    items = by_check(queue(db, "--year", "2024"))
    run("review", "confirm", "--db", str(db), items["M-ENTITY"]["fingerprint"])
    run("review", "confirm", "--db", str(db), items["TXT-NEW"]["fingerprint"])
    fixed = edited_copy(S003, tmp_path, lambda t: "\n更正版\n" + t.replace("受理政府信息公开申请 9 件",
                                                                      "受理政府信息公开申请 10 件"))
    code, data = audit_json(str(fixed), "--db", str(db))
    found = findings_of(data, fixed.name)
    assert found["M-ENTITY"]["review"]["state"] == "confirmed"  # unchanged: its decision follows it
    assert found["TXT-NEW"]["review"] is None  # another number: a new finding, awaiting review


def test_a_waiver_reaches_as_far_as_its_scope_and_its_date(db: Path | str, tmp_path: Path) -> None:
    fee = by_check(queue(db, "--year", "2024"))["FEE-STATED"]["fingerprint"]
    # the same check on another year's report of the same body: an agency-wide waiver covers it
    other_year = edited_copy(S003, tmp_path, lambda t: t.replace("2024", "2023"), name="003-2023.txt")
    code, data = audit_json(str(other_year))
    assert findings_of(data, other_year.name)["FEE-STATED"]["review"] is None
    run("review", "waive", "--db", str(db), fee, "--reason", "该机关不收费，已书面说明", "--scope", "agency")
    _, data = audit_json(str(other_year), "--db", str(db))
    covered = findings_of(data, other_year.name)["FEE-STATED"]
    assert covered["review"]["state"] == "waived"
    # its history names the waiver that covers it, though no decision was made on it
    history = run("review", "history", "--db", str(db), covered["fingerprint"][:12])
    assert history.exit_code == 0 and "适用本机关各年度报告的豁免" in history.output
    assert "该机关不收费，已书面说明" in history.output
    _, data = audit_json(str(SAMPLES), "--db", str(db))  # another body's FEE-STATED is not covered
    others = [f for d in data["documents"] if Path(d["path"]).name != S003.name
              for f in d["findings"] if f["rule_id"] == "FEE-STATED"]
    assert others and all(f["review"] is None for f in others)
    # every report, but only until yesterday (decided two days ago): expired, so it covers nothing
    from auditor.review import decide
    from auditor.review.queue import queue as review_queue
    from auditor.store import Store

    with Store(db) as store:
        item = next(i for i in review_queue(store, None) if i.subject.fingerprint == others[0]["fingerprint"])
        store.record_decisions([decide(item.subject, "waived", reason="旧口径", by="科员甲", scope="all",
                                       until=date.today() - timedelta(days=1),
                                       at=datetime.now(UTC) - timedelta(days=2))])
    _, data = audit_json(str(SAMPLES), "--db", str(db))
    assert all(f["review"] is None for d in data["documents"] if Path(d["path"]).name != S003.name
               for f in d["findings"] if f["rule_id"] == "FEE-STATED")
    # a decision on the finding itself outranks a broader waiver; reopening puts it back in the queue
    run("review", "confirm", "--db", str(db), fee)
    assert by_check(queue(db, "--year", "2024", "--state", "confirmed"))["FEE-STATED"]
    run("review", "reopen", "--db", str(db), fee)
    assert "FEE-STATED" in by_check(queue(db, "--year", "2024"))


def test_a_mistyped_year_is_refused_not_an_empty_queue(db: Path | str) -> None:
    result = run("review", "list", "--db", str(db), "--year", "20244")
    assert result.exit_code == 2 and "没有 20244 年度的报告" in result.output and "2024" in result.output


def test_only_a_waiver_has_a_scope_or_an_end(db: Path | str) -> None:
    fingerprint = by_check(queue(db, "--year", "2024"))["TXT-NEW"]["fingerprint"]
    result = run("review", "waive", "--db", str(db), fingerprint, "--reason", "x", "--until", "2027-02-30")
    assert result.exit_code == 2  # not a date: click's usage error
    # a last day already past would waive nothing: refused, not recorded (a mistyped year, most likely)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    result = run("review", "waive", "--db", str(db), fingerprint, "--reason", "x", "--until", yesterday)
    assert result.exit_code == 2 and f"截止日期 {yesterday} 已过" in result.output
    assert by_check(queue(db, "--year", "2024"))["TXT-NEW"]  # still awaiting review


def test_decisions_move_between_stores_as_a_file(db: Path | str, tmp_path: Path) -> None:
    items = by_check(queue(db, "--year", "2024"))
    run("review", "dismiss", "--db", str(db), items["M-ENTITY"]["fingerprint"], "--reason", "简称「高新区」")
    run("review", "confirm", "--db", str(db), items["TXT-NEW"]["fingerprint"])
    exported = tmp_path / "decisions.yaml"
    assert run("review", "export", "--db", str(db), "-o", str(exported)).exit_code == 0
    assert "简称「高新区」" in exported.read_text(encoding="utf-8")  # a person can read it in version control
    other = tmp_path / "other.db"
    assert "2 条" in run("review", "import", "--db", str(other), str(exported)).output
    assert "0 条" in run("review", "import", "--db", str(other), str(exported)).output  # idempotent
    run("audit", str(SAMPLES), "--db", str(other))
    assert by_check(queue(other, "--state", "dismissed"))["M-ENTITY"]["decision"]["reason"] == "简称「高新区」"
    # without any store: the file applies to the run
    code, data = audit_json(str(S003), "--decisions", str(exported))
    found = findings_of(data, S003.name)
    assert found["M-ENTITY"]["review"]["source"] == "file" and found["TXT-NEW"]["review"]["state"] == "confirmed"


@pytest.mark.parametrize("content", [b"", b"decisions: 1\n", b"\xff\xfe", b"auditor_decisions: 1\ndecisions:\n"
                                     b"  - {fingerprint: 'zz', rule_id: R}\n"])
def test_a_bad_decisions_file_is_a_message(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    for args in (("review", "import", "--db", str(tmp_path / "x.db"), str(bad)),
                 ("audit", str(S003), "--decisions", str(bad))):
        result = run(*args)
        assert result.exit_code == 2 and "bad.yaml" in result.output
        # the reason in the line's language: none of JSON Schema's or our English words on a Chinese line
        assert not re.search(r"is not|required|not UTF-8|not valid|cannot", result.output), result.output


def test_a_baseline_fails_a_script_only_on_new_findings(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    result = run("baseline", str(SAMPLES), "-o", str(base))
    assert result.exit_code == 0 and "22 条" in result.output
    assert json.loads(base.read_text(encoding="utf-8"))["auditor_baseline"] == 1
    # 22: with S5-THIN on 004 and S1-PADDING on 000 and 001
    code, data = audit_json(str(SAMPLES), "--baseline", str(base), "--fail-on", "info")
    assert code == 0 and data["summary"]["reviews"]["known"] == data["summary"]["findings"] == 22
    assert {f["review"]["source"] for d in data["documents"] for f in d["findings"]} == {"baseline"}
    # verdicts still say the reports have findings: known is not fixed
    assert data["summary"]["verdicts"]["findings"] == 5
    changed = edited_copy(S003, tmp_path, lambda t: t.replace("受理政府信息公开申请 9 件", "受理政府信息公开申请 8 件"))
    code, data = audit_json(str(changed), "--baseline", str(base))
    assert code == 1
    new = [f for f in data["documents"][0]["findings"] if f["review"] is None]
    assert [f["check_id"] for f in new] == ["TXT-NEW"]


@pytest.mark.parametrize("content", [b"", b"{}", b"[1]", b'{"auditor_baseline": 2, "findings": []}', b"\xff"])
def test_a_bad_baseline_is_a_message(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "base.json"
    bad.write_bytes(content)
    result = run("audit", str(S003), "--baseline", str(bad))
    assert result.exit_code == 2 and "base.json" in result.output
