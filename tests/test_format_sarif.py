"""`--format sarif` (issue 11 part 4): SARIF 2.1.0 validated against the official schema for the samples, the corpus,
an unreadable file, reviewed findings and `--lang en`; rule descriptors, a cell's logical location, fingerprints
equal to the JSON output's, suppressions and baseline states; the exit code unchanged by the format; and what
GitHub code scanning expects beyond the schema (every result's rule described, artifact URIs relative)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Generator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft4Validator

from auditor.cli import main
from auditor.formatters import FORMATTERS
from auditor.model import (
    DocumentResult,
    Evidence,
    Finding,
    Location,
    Operand,
    Problem,
    ReportInfo,
    Review,
    ReviewState,
    RunResult,
    RunStream,
    Severity,
)
from auditor.packs import Pack
from auditor.run import rule_infos
from tests.conftest import CORPUS, ROOT, SAMPLES, edited_copy

SCHEMA_FILE = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
S000 = SAMPLES / "000_0d1f4deeeff05532.txt"
S003 = SAMPLES / "003_1299ff54e50d8c9c.txt"
S004 = SAMPLES / "004_bdd5b039361f2e6c.txt"
FINGERPRINT = "auditorFingerprint/v1"
# C0 and C1 controls, DEL, bidi overrides and isolates, line and paragraph separators: none may reach the output raw.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

pytestmark = pytest.mark.skipif(not SCHEMA_FILE.is_file(), reason="../shared/schemas is not beside this checkout")


@cache
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def audit_sarif(*args: str) -> tuple[int, dict[str, Any]]:
    result = run("audit", "--format", "sarif", *args)
    assert not _CONTROLS.search(result.stdout)
    log = json.loads(result.stdout)
    validate(log)
    return result.exit_code, log


def validate(log: dict[str, Any]) -> None:
    """The official schema, then what GitHub code scanning checks on upload beyond it."""
    errors = sorted(validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors[:10])
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "one descriptor per rule id"
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        for location in result["locations"] + result.get("relatedLocations", []):
            where = location["physicalLocation"]["artifactLocation"]
            assert run_["artifacts"][where["index"]]["location"]["uri"] == where["uri"]
    for artifact in run_["artifacts"]:
        uri = artifact["location"]["uri"]
        if artifact["location"].get("uriBaseId"):  # relative to the working directory: no scheme, no way out of it
            assert not re.match(r"^[a-z]+:|/", uri) and not uri.startswith("..")
        else:
            assert uri.startswith("file:///")


def results_by_file(log: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    run_ = log["runs"][0]
    out: dict[str, list[dict[str, Any]]] = {}
    for result in run_["results"]:
        index = result["locations"][0]["physicalLocation"]["artifactLocation"]["index"]
        out.setdefault(run_["artifacts"][index]["properties"]["path"], []).append(result)
    return out


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


# --- the samples: validity, rules, locations, fingerprints ------------------------------------------------------

def test_the_samples_validate_with_relative_uris_and_the_jsons_fingerprints(in_root: None) -> None:
    code, log = audit_sarif("samples")
    assert code == 1
    run_ = log["runs"][0]
    assert [a["location"] for a in run_["artifacts"]] == [
        {"uri": f"samples/{p.name}", "uriBaseId": "SRCROOT"} for p in sorted(SAMPLES.glob("*.txt"))]
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == ROOT.as_uri() + "/"
    assert run_["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    assert run_["language"] == "zh-CN" and run_["columnKind"] == "unicodeCodePoints"
    data = json.loads(run("audit", "--format", "json", "samples").stdout)
    by_file = results_by_file(log)
    for document in data["documents"]:
        sarif = by_file.get(document["path"], [])
        fingerprints = [f["fingerprint"] for f in document["findings"]]
        assert [r["partialFingerprints"][FINGERPRINT] for r in sarif] == fingerprints
        assert [r["message"]["text"] for r in sarif] == [f["message"] for f in document["findings"]]
        assert [r["ruleId"] for r in sarif] == [f["rule_id"] for f in document["findings"]]
        assert all("suppressions" not in r and "baselineState" not in r for r in sarif)  # no review, no baseline
    assert run_["properties"]["summary"] == data["summary"]
    # coverage per artifact, as the JSON gives it
    for artifact, document in zip(run_["artifacts"], data["documents"], strict=True):
        assert artifact["properties"]["verdict"] == document["verdict"]
        assert artifact["properties"]["coverage"] == document["coverage"]
        assert len(artifact["properties"]["notAssessable"]) == len(document["not_assessable"])
        assert artifact["mimeType"] == "text/plain" and artifact["roles"] == ["analysisTarget"]


def test_one_descriptor_per_rule_of_the_packs(packs: list[Pack]) -> None:
    _, log = audit_sarif(str(S003))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    every = {r.id: r for p in packs for r in p.rules}
    assert set(rules) == set(every)
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for rule_id, rule in every.items():
        descriptor = rules[rule_id]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.title["zh"]
        assert descriptor["fullDescription"]["text"] == rule.rationale
        assert rule.remediation in descriptor["help"]["text"] and rule.references[0] in descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
        assert "helpUri" not in descriptor  # no page of ours to point at
        assert descriptor["properties"]["category"] == rule.category
    shared = rules["T3-BAL"]["properties"]["packs"]
    assert shared == ["standard@0.1.0", "standard-2019@0.1.0"]
    assert rules["FEE-STATED"]["properties"]["packs"] == ["standard@0.1.0"]  # tied to the 2021 template
    assert "informationUri" not in log["runs"][0]["tool"]["driver"]


def test_a_configured_severity_is_the_descriptors_default(tmp_path: Path) -> None:
    config = tmp_path / "auditor.yaml"
    config.write_text("rules:\n  disable: [S5-PREV]\n  severity: {FEE-STATED: error}\n", encoding="utf-8")
    _, log = audit_sarif(str(S003), "--config", str(config))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "S5-PREV" not in rules and rules["FEE-STATED"]["defaultConfiguration"]["level"] == "error"
    fee = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "FEE-STATED")
    assert fee["level"] == "error"


def test_a_table_cells_finding_has_its_logical_and_physical_location(tmp_path: Path) -> None:
    # README: 004 with （一）予以公开's 总计 changed from 11 to 12 fails T3-ROW on that cell (line 43)
    edited = edited_copy(S004, tmp_path, lambda text: _set_granted_total(text, "12"))
    _, log = audit_sarif(str(edited))
    row = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "T3-ROW")
    location = row["locations"][0]
    assert location["logicalLocations"] == [{"name": "总计", "fullyQualifiedName": "表三/予以公开/总计",
                                             "decoratedName": "t3.granted.total", "kind": "value"}]
    assert location["physicalLocation"]["region"] == {"startLine": 43, "snippet": {"text": "12"}}
    assert location["physicalLocation"]["artifactLocation"]["uri"] == edited.as_uri()  # outside the working dir
    # every operand is a related location: the six applicant columns and the total
    related = row["relatedLocations"]
    assert len(related) == 7 and {r["id"] for r in related} == set(range(1, 8))
    assert any(r["message"]["text"] == "表三「予以公开」行「总计」列 = 12" for r in related)
    _, english = audit_sarif(str(edited), "--lang", "en")
    row = next(r for r in english["runs"][0]["results"] if r["ruleId"] == "T3-ROW")
    assert row["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("table 3/")


def _set_granted_total(text: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    assert "予以公开" in lines[42] and lines[42].endswith("\t11\t\n"), lines[42]  # line 43: （一）予以公开
    lines[42] = lines[42].removesuffix("\t11\t\n") + f"\t{value}\t\n"
    return "".join(lines)


def test_a_narrative_finding_has_its_line_and_section() -> None:
    _, log = audit_sarif(str(S003))
    new = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "TXT-NEW")
    location = new["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 15,
                                                      "snippet": {"text": "受理政府信息公开申请 9 件"}}
    assert location["logicalLocations"] == [{"name": "第一部分", "fullyQualifiedName": "第一部分", "kind": "section"}]
    assert new["level"] == "error" and new["properties"]["checkId"] == "TXT-NEW"


# --- the corpus, an unreadable file, --lang en --------------------------------------------------------------------

@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_the_corpus_and_an_unreadable_file_in_english(tmp_path: Path) -> None:
    unreadable = tmp_path / "损坏 的#报告.pdf"
    unreadable.write_bytes(b"%PDF-1.4 not really")
    code, log = audit_sarif(str(CORPUS), str(unreadable), str(tmp_path / "missing.txt"), "--lang", "en")
    assert code == 2  # as in every format: files the run cannot vouch for
    run_ = log["runs"][0]
    assert run_["language"] == "en-US"
    assert len(run_["artifacts"]) == len(list(CORPUS.iterdir())) + 2
    invocation = run_["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notices = invocation["toolExecutionNotifications"]
    slugs = {n["properties"]["slug"] for n in notices}
    assert {"blank_template", "flattened_text", "file_not_found"} <= slugs
    descriptors = run_["tool"]["driver"]["notifications"]
    for notice in notices:
        assert descriptors[notice["descriptor"]["index"]]["id"] == notice["descriptor"]["id"]
        assert notice["level"] == ("error" if notice["properties"]["blocking"] else "warning")
    # the unreadable file: an artifact that failed, its problem located on it, its name percent-encoded
    broken = next(a for a in run_["artifacts"] if a["properties"]["path"] == str(unreadable))
    assert broken["properties"]["verdict"] == "failed" and broken["properties"]["coverage"] is None
    assert broken["location"]["uri"].endswith("/%E6%8D%9F%E5%9D%8F%20%E7%9A%84%23%E6%8A%A5%E5%91%8A.pdf")
    index = run_["artifacts"].index(broken)
    assert any(n["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == index and n["level"] == "error"
               for n in notices)
    # PDF and HTML count lines in reading order: no region, the line kept in properties; a flattened dump's segment
    # is on one physical line of the file: that line is its region, the segment's number in properties
    for result in run_["results"]:
        artifact = run_["artifacts"][result["locations"][0]["physicalLocation"]["artifactLocation"]["index"]]
        flattened = "pingtan" in artifact["properties"]["path"] and artifact["properties"]["format"] == "text"
        has_region = "region" in result["locations"][0]["physicalLocation"]
        in_properties = "line" in result["locations"][0].get("properties", {})
        if flattened:
            assert has_region and in_properties, result["locations"][0]
            assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 10  # 平潭's line 10
        else:
            assert has_region == (artifact["properties"]["format"] in ("text", "markdown") and not in_properties)
    incomplete = [a for a in run_["artifacts"] if a["properties"]["verdict"] == "incomplete"]
    assert incomplete and all(a["properties"]["coverage"]["gaps"] for a in incomplete)
    assert all(not re.search(r"[\u4e00-\u9fff]", d["shortDescription"]["text"])
               for d in run_["tool"]["driver"]["rules"])
    assert {"T4-SUM", "TXT-NEW"} <= {r["ruleId"] for r in run_["results"]}  # 洪泽 2023's table 四, 2024's 17 件


def test_a_skipped_file_is_a_note(tmp_path: Path) -> None:
    shutil.copy(S003, tmp_path / S003.name)
    (tmp_path / "page.gif").write_bytes(b"GIF89a")  # a GIF is not OCR-read (a PNG is: ingest/scan.py)
    code, log = audit_sarif(str(tmp_path))
    assert code == 1
    notices = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["properties"]["slug"], n["level"]) for n in notices] == [("file_skipped", "note")]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


# --- reviews and the baseline -------------------------------------------------------------------------------------

def _finding(check: str, review: Review | None, severity: Severity = Severity.ERROR) -> Finding:
    where = Location(section=3, line=12, table="t3", row="new_received", column="total", snippet="9")
    operand = Operand("t3.new_received.total", 9, "9", "number", where)
    return Finding(check, "narrative.new", check, severity, "正文称 9 件", where, Evidence("15", "9", (operand,)),
                   fingerprint=check.lower() * 4, review=review)


def _reviewed_run(baseline: bool) -> RunResult:
    findings = (
        _finding("A", Review(ReviewState.DISMISSED, "简称", "王", "2025-01-02T00:00:00+00:00")),
        _finding("B", Review(ReviewState.WAIVED, "统一口径", "李", "2025-01-03T00:00:00+00:00", "agency",
                             "2025-12-31")),
        _finding("C", Review(ReviewState.KNOWN, source="baseline")),
        _finding("D", Review(ReviewState.CONFIRMED, by="王")),
        _finding("E", None, Severity.WARNING),
    )
    document = DocumentResult("/in/x.txt", "text", ReportInfo("t", "某局", 2024, 2021), "standard@0.1.0", findings)
    return RunResult((document,), baseline=baseline)


def test_reviews_become_suppressions_and_the_baseline_states() -> None:
    log = json.loads("".join(FORMATTERS["sarif"](_reviewed_run(baseline=True))))
    validate(log)
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert results["A"]["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "简称",
                                             "properties": {"state": "dismissed", "by": "王",
                                                            "at": "2025-01-02T00:00:00+00:00", "scope": "report",
                                                            "until": None, "source": "store"}}]
    waiver = results["B"]["suppressions"][0]
    assert waiver["justification"] == "统一口径" and waiver["properties"]["scope"] == "agency"
    assert waiver["properties"]["until"] == "2025-12-31"
    assert "suppressions" not in results["C"] and results["C"]["baselineState"] == "unchanged"
    assert "suppressions" not in results["D"] and results["D"]["properties"]["review"]["state"] == "confirmed"
    assert {k: r["baselineState"] for k, r in results.items()} == {
        "A": "new", "B": "new", "C": "unchanged", "D": "new", "E": "new"}
    assert "review" not in results["E"]["properties"]
    # rules a RunResult does not list are described from the findings, so every result's rule is in the driver
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["A", "B", "C", "D", "E"]
    without = json.loads("".join(FORMATTERS["sarif"](_reviewed_run(baseline=False))))
    # without a baseline, only what a baseline marked known says so
    assert {r["ruleId"]: r.get("baselineState") for r in without["runs"][0]["results"]} == {
        "A": None, "B": None, "C": "unchanged", "D": None, "E": None}


def test_decisions_and_a_baseline_end_to_end_leave_fail_on_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    assert run("audit", str(S003), "--db", str(db)).exit_code == 1
    queue = {i["check_id"]: i["fingerprint"]
             for i in json.loads(run("review", "list", "--db", str(db), "--format", "json").stdout)}
    run("review", "dismiss", "--db", str(db), queue["M-ENTITY"], "--reason", "简称「高新区」")
    run("review", "waive", "--db", str(db), queue["FEE-STATED"], "--reason", "本年度统一说明")
    run("review", "confirm", "--db", str(db), queue["TXT-NEW"])
    decisions = tmp_path / "decisions.yaml"
    assert run("review", "export", "--db", str(db), "-o", str(decisions)).exit_code == 0
    baseline = tmp_path / "known.json"
    assert run("baseline", str(S003), "-o", str(baseline)).exit_code == 0
    known = json.loads(baseline.read_text(encoding="utf-8"))
    known["findings"] = [f for f in known["findings"] if f["check_id"] in ("S5-PREV", "TXT-NEW")]
    baseline.write_text(json.dumps(known), encoding="utf-8")
    args = (str(S003), "--decisions", str(decisions), "--baseline", str(baseline))
    code, log = audit_sarif(*args)
    results = {r["properties"]["checkId"]: r for r in log["runs"][0]["results"]}
    assert results["M-ENTITY"]["suppressions"][0]["justification"] == "简称「高新区」"
    assert results["FEE-STATED"]["suppressions"][0]["justification"] == "本年度统一说明"
    assert results["FEE-STATED"]["suppressions"][0]["properties"]["state"] == "waived"
    assert results["S5-PREV"]["baselineState"] == "unchanged" and "suppressions" not in results["S5-PREV"]
    assert results["S1-ASPECTS[aspect=aspect_oversight]"]["baselineState"] == "new"
    # TXT-NEW is in the baseline too, but confirmed: a person's decision outranks the baseline's mark
    assert results["TXT-NEW"]["properties"]["review"]["state"] == "confirmed" and code == 1
    data = json.loads(run("audit", "--format", "json", *args).stdout)
    assert {f["check_id"]: f["review"] and f["review"]["state"] for f in data["documents"][0]["findings"]} == {
        k: r["properties"].get("review", {}).get("state") for k, r in results.items()}
    assert log["runs"][0]["properties"]["summary"]["reviews"] == data["summary"]["reviews"]
    # the exit code is the format's business in no case
    codes = {fail_on: {fmt: run("audit", "--format", fmt, "--fail-on", fail_on, *args).exit_code
                       for fmt in ("json", "sarif")} for fail_on in ("error", "warning", "info", "none")}
    assert codes == {"error": {"json": 1, "sarif": 1}, "warning": {"json": 1, "sarif": 1},
                     "info": {"json": 1, "sarif": 1}, "none": {"json": 0, "sarif": 0}}


def test_fail_on_reads_the_same_findings_in_sarif() -> None:
    # 000 has notes (info) only: below --fail-on error, at --fail-on info
    codes = {fail_on: {fmt: run("audit", "--format", fmt, "--fail-on", fail_on, str(S000)).exit_code
                       for fmt in ("text", "sarif")} for fail_on in ("error", "info")}
    assert codes == {"error": {"text": 0, "sarif": 0}, "info": {"text": 1, "sarif": 1}}


def test_an_empty_baseline_makes_every_finding_new(tmp_path: Path) -> None:
    baseline = tmp_path / "known.json"
    baseline.write_text('{"auditor_baseline": 1, "findings": []}', encoding="utf-8")
    code, log = audit_sarif(str(S003), "--baseline", str(baseline))
    assert code == 1 and log["runs"][0]["properties"]["baseline"] is True
    assert {r["baselineState"] for r in log["runs"][0]["results"]} == {"new"}


# --- hostile text, streaming --------------------------------------------------------------------------------------

HOSTILE = ("局\x1b[31m红", "局\u202etxt.exe", "局\udcff", "局\x9b2J", "a\r\nb\u2028c", "=HYPERLINK(\"x\")")


def _hostile(agency: str) -> DocumentResult:
    where = Location(section=1, line=3, snippet=f"{agency}收到申请")
    finding = Finding("TXT-NEW", "narrative.new", "TXT-NEW", Severity.ERROR, f"标题机关为「{agency}」", where,
                      Evidence("15", "9", (Operand("claim.x", 9, agency, "number", where),)), fingerprint="f" * 32,
                      review=Review(ReviewState.DISMISSED, reason=f"因为{agency}"))
    return DocumentResult(f"/in/{agency}.txt", "text", ReportInfo(agency, agency, 2021, 2021), "standard@0.1.0",
                          (finding,), problems=(Problem("slug", "title", f"{agency}: 无法读取"),))


def test_nothing_from_a_report_reaches_the_output_as_a_control_sequence() -> None:
    result = RunResult(tuple(_hostile(a) for a in HOSTILE), (Problem("run", "t", "运行\x1b[2J"),))
    dumped = "".join(FORMATTERS["sarif"](result))
    dumped.encode("utf-8")
    assert not _CONTROLS.search(dumped)
    log = json.loads(dumped)
    validate(log)
    run_ = log["runs"][0]
    # text to be read is shown escaped; properties keep the data exact, as the JSON output does
    assert run_["results"][0]["message"]["text"] == "标题机关为「局\\x1b[31m红」"
    assert run_["results"][1]["suppressions"][0]["justification"] == "因为局\\u202etxt.exe"
    assert [a["properties"]["report"]["agency"] for a in run_["artifacts"]] == list(HOSTILE)
    assert "%1B" in run_["artifacts"][0]["location"]["uri"] and "%E2%80%AE" in run_["artifacts"][1]["location"]["uri"]
    notices = run_["invocations"][0]["toolExecutionNotifications"]
    assert notices[-1]["message"]["text"] == "运行\\x1b[2J" and "descriptor" not in notices[-1]


def test_results_are_written_as_documents_come(packs: list[Pack]) -> None:
    taken: list[int] = []

    def documents() -> Generator[DocumentResult, None, None]:
        for n in range(3):
            taken.append(n)
            yield _hostile(f"局{n}")

    pieces = FORMATTERS["sarif"](RunStream(documents(), rules=rule_infos(packs)))
    head = next(pieces)
    assert '"results"' in head and not taken
    first = next(pieces)
    assert '"TXT-NEW"' in first and taken == [0]  # the first result is out before the second document is asked for
    rest = "".join(pieces)
    assert taken == [0, 1, 2]
    log = json.loads(head + first + rest)
    validate(log)
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(rule_infos(packs))
