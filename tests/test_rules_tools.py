"""Tools for rule writers: the generated pack README, the metadata lint, and `auditor rules list|show|doc|test`."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main
from auditor.packs import Pack, load_pack
from auditor.packs.docs import GENERATED_NOTE, lint_rule_metadata, render_pack_readme
from auditor.resources import default_pack_dirs

ROOT = Path(__file__).resolve().parent.parent
STANDARD = ROOT / "rules" / "standard"
FIXTURES = ROOT / "tests" / "rules"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(STANDARD)


def pack_copy(tmp_path: Path) -> Path:
    """A copy of the standard pack that a test may edit; its id stays `standard`, so the fixtures still apply."""
    return Path(shutil.copytree(STANDARD, tmp_path / "standard"))


# --- the generated README and the metadata it is made of ----------------------------------------------------------

@pytest.mark.parametrize("directory", default_pack_dirs(), ids=lambda d: d.name)
def test_the_committed_readme_is_generated_from_the_rules(directory: Path) -> None:
    readme = directory / "README.md"
    committed = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    assert committed == render_pack_readme(load_pack(directory)), f"{readme} is stale: run `auditor rules doc`"


def test_the_readme_says_it_is_generated_and_covers_every_rule(pack: Pack) -> None:
    text = render_pack_readme(pack)
    assert text.splitlines()[0] == GENERATED_NOTE and "`auditor rules doc`" in GENERATED_NOTE
    assert text.endswith("\n") and not text.endswith("\n\n")
    headings = [line.removeprefix("## ") for line in text.splitlines() if line.startswith("## ")]
    assert headings == [rule.id for rule in pack.rules]
    rule = pack.rule("T3-BAL")
    assert rule is not None
    for part in (rule.check, rule.title["zh"], rule.title["en"], rule.message["zh"], "`col` in group `columns`",
                 *(f"- {reference}" for reference in rule.references)):
        assert part in text
    assert render_pack_readme(pack) == text


def test_every_standard_rule_is_documented(pack: Pack) -> None:
    assert lint_rule_metadata(pack) == []


def test_a_blank_rationale_is_a_problem(pack: Pack) -> None:
    first = dataclasses.replace(pack.rules[0], rationale="  \n")
    problems = lint_rule_metadata(dataclasses.replace(pack, rules=(first, *pack.rules[1:])))
    assert len(problems) == 1 and first.id in problems[0] and "rationale" in problems[0]


def test_no_reference_is_a_problem(pack: Pack) -> None:
    first = dataclasses.replace(pack.rules[0], references=(" ",))
    problems = lint_rule_metadata(dataclasses.replace(pack, rules=(first,)))
    assert problems == [f"{first.id}: no reference (metadata.references has no non-blank entry)"]


# --- auditor rules list / show ------------------------------------------------------------------------------------

def test_list_shows_every_rule(pack: Pack) -> None:
    result = run("rules", "list", "--no-default-packs", "--pack", str(STANDARD))
    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header.split()[:2] == ["规则包", "编号"]
    assert [line.split()[1] for line in lines] == [rule.id for rule in pack.rules]
    ids = {"T3-BAL", "T3-SUM", "T3-ROW", "T4-SUM", "T2-VALID", "SEC-PRESENT", "TXT-NEW"}
    assert ids <= {line.split()[1] for line in lines}
    assert any("table3.column-balance" in line and "error" in line and "表三各列勾稽关系" in line for line in lines)


def test_list_as_json_in_english(pack: Pack) -> None:
    result = run("rules", "list", "--no-default-packs", "--pack", str(STANDARD), "--format", "json", "--lang", "en")
    rows = json.loads(result.stdout)
    assert result.exit_code == 0 and [row["id"] for row in rows] == [rule.id for rule in pack.rules]
    bal = next(row for row in rows if row["id"] == "T3-BAL")
    assert bal == {"id": "T3-BAL", "name": "table3.column-balance", "severity": "error", "category": "table",
                   "title": "Table 3 balances in every column: new + carried over = total processed + carried forward",
                   "pack": "standard"}


@pytest.mark.parametrize("wanted", ["T3-BAL", "table3.column-balance"])
def test_show_by_id_or_name(wanted: str, pack: Pack) -> None:
    result = run("rules", "show", wanted, "--no-default-packs", "--pack", str(STANDARD))
    rule = pack.rule("T3-BAL")
    assert result.exit_code == 0 and rule is not None
    assert "## T3-BAL" in result.stdout and "table3.column-balance" in result.stdout
    assert rule.check in result.stdout and rule.remediation in result.stdout and rule.message["en"] in result.stdout


def test_show_an_unknown_rule_exits_two() -> None:
    result = run("rules", "show", "NOPE", "--no-default-packs", "--pack", str(STANDARD), "--lang", "en")
    assert result.exit_code == 2
    assert result.stdout == "" and "no rule 'NOPE'" in result.stderr


# --- auditor rules doc --------------------------------------------------------------------------------------------

def test_doc_check_passes_on_the_repository() -> None:
    result = run("rules", "doc", "--check", "--no-default-packs", "--pack", str(STANDARD))
    assert result.exit_code == 0, result.output


def test_doc_check_fails_on_an_edited_readme_and_doc_rewrites_it(tmp_path: Path) -> None:
    copy = pack_copy(tmp_path)
    readme = copy / "README.md"
    edited = readme.read_text(encoding="utf-8").replace("## T3-BAL", "## T3-BAL (edited by hand)")
    readme.write_text(edited, encoding="utf-8")
    result = run("rules", "doc", "--check", "--no-default-packs", "--pack", str(copy))
    assert result.exit_code == 1 and f"stale: {readme}" in result.stdout
    assert readme.read_text(encoding="utf-8") == edited  # --check writes nothing
    assert run("rules", "doc", "--no-default-packs", "--pack", str(copy)).exit_code == 0
    assert run("rules", "doc", "--check", "--no-default-packs", "--pack", str(copy)).exit_code == 0


# --- auditor rules test -------------------------------------------------------------------------------------------

def test_rules_test_passes_on_the_standard_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the default --fixtures is tests/rules under the current directory
    result = run("rules", "test", "rules/standard")
    assert result.exit_code == 0, result.output
    assert "PASS  T3-BAL  sample 004 balances in every column" in result.stdout
    assert "FAIL" not in result.stdout and "GAP" not in result.stdout


def test_rules_test_names_the_case_a_broken_check_fails(tmp_path: Path) -> None:
    copy = pack_copy(tmp_path)
    rule_file = copy / "T3-BAL.yaml"
    text = rule_file.read_text(encoding="utf-8")
    assert text.count(" == ") == 1
    rule_file.write_text(text.replace(" == ", " >= "), encoding="utf-8")  # a surplus on the left now passes
    result = run("rules", "test", str(copy), "--fixtures", str(FIXTURES))
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL  T3-BAL")]
    assert failed == ["FAIL  T3-BAL  two columns off by +1/-1 while the total column still balances: "
                      "passed: expected 5, got 6; failing: expected ['T3-BAL[col=commercial]', "
                      "'T3-BAL[col=natural_person]'], got ['T3-BAL[col=commercial]']"]
    assert "PASS  T3-BAL  sample 004 balances in every column" in result.stdout


def test_rules_test_reports_rules_without_fixtures(tmp_path: Path, pack: Pack) -> None:
    (tmp_path / "standard").mkdir()
    result = run("rules", "test", str(STANDARD), "--fixtures", str(tmp_path))
    assert result.exit_code == 1
    gaps = [line for line in result.stdout.splitlines() if line.startswith("GAP")]
    assert len(gaps) == len(pack.rules) and all("no fixture file" in gap for gap in gaps)


def test_rules_test_reports_a_rule_without_a_failing_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the copied fixture names its base report from the project root
    fixtures = tmp_path / "standard"
    fixtures.mkdir()
    cases = (FIXTURES / "standard" / "T3-BAL.yaml").read_text(encoding="utf-8")
    only_passing = cases.split("  - name: one natural-person cell off by one")[0]
    (fixtures / "T3-BAL.yaml").write_text(only_passing + "  - name: passes again\n"
                                          "    base: samples/004_bdd5b039361f2e6c.txt\n"
                                          "    expect: {failed: 0}\n", encoding="utf-8")
    result = run("rules", "test", str(STANDARD), "--fixtures", str(tmp_path))
    assert result.exit_code == 1
    assert "GAP   T3-BAL: no case that must fail" in result.stdout
    assert "PASS  T3-BAL  passes again" in result.stdout


def test_rules_test_leaves_a_rule_taken_unchanged_to_the_pack_it_comes_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    extending = load_pack(ROOT / "rules" / "standard-2019")
    assert extending.extends == "standard"
    result = run("rules", "test", "rules/standard-2019")  # the standard pack is found beside it, as the loader does
    assert result.exit_code == 0, result.output
    assert "SAME  T3-BAL  unchanged from pack standard" in result.stdout and "GAP" not in result.stdout
    assert "PASS  T3-ROW" in result.stdout  # changed by the 2019 groups: tested by its own pack's fixtures
