"""A user's pack beside the bundled ones (issue 15, stumble 1): `--pack` adds; a pack for a template a bundled pack
already audits either supplements it (its rules run with that pack's) or is refused, never ignored in silence;
`--no-default-packs` runs only the packs given."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main
from tests.conftest import ROOT, SAMPLES

SAMPLE = SAMPLES / "004_bdd5b039361f2e6c.txt"

RULE = """\
metadata:
  id: {id}
  name: local.{name}
  title: {{zh: "表二各项均为零（本地规则）", en: "Every table 2 count is zero (a local rule)"}}
  severity: warning
  category: table
  rationale: 用于测试：本地规则包的规则与内置规则一同运行，并使用内置规则包的分组。
  remediation: 本规则仅用于测试，报告无需因此修改。
  references: [测试]
for_each:
  cell: t2_counts
check: t2[cell] <= 0
message:
  zh: "表二「{{cell_label}}」为 {{lhs}}（本地规则）。"
  en: "Table 2, '{{cell_label}}', is {{lhs}} (a local rule)."
"""


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def make_pack(folder: Path, manifest: str, rule_id: str = "LOCAL-T2-ZERO") -> Path:
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(manifest, encoding="utf-8")
    (folder / f"{rule_id}.yaml").write_text(RULE.format(id=rule_id, name=rule_id.lower()), encoding="utf-8")
    return folder


SUPPLEMENT = """\
id: local
title: {zh: 本地补充规则, en: Local rules}
version: 1.0.0
templates: [2021]
supplements: standard
"""
OWN = """\
id: mine
title: {zh: 自己的规则包, en: My pack}
version: 1.0.0
templates: [2021]
groups:
  t2_counts: [regulations.issued, regulations.repealed, regulations.in_force, normative_documents.issued,
              normative_documents.repealed, normative_documents.in_force, licensing.decisions,
              punishment.decisions, coercion.decisions]
"""


def checks_of(args: list[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run("audit", "--format", "json", "--fail-on", "none", *args, str(SAMPLE))
    data = json.loads(result.stdout)
    return result.exit_code, data["documents"][0]


def test_a_supplement_runs_with_the_bundled_pack(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "local", SUPPLEMENT)
    _, plain = checks_of([])
    code, doc = checks_of(["--pack", str(pack)])
    assert code == 0
    local = [f for f in doc["findings"] if f["rule_id"] == "LOCAL-T2-ZERO"]
    assert local and all("本地规则" in f["message"] for f in local)  # the bundled group t2_counts, here too
    assert {f["rule_id"] for f in plain["findings"]} <= {f["rule_id"] for f in doc["findings"]}  # nothing lost
    assert doc["pack"].startswith("standard@") and doc["pack"].endswith("+local@1.0.0")


def test_a_second_pack_for_the_same_template_is_refused_naming_both(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "mine", OWN)
    result = run("audit", "--pack", str(pack), str(SAMPLE))
    assert result.exit_code == 2
    assert "standard" in result.stderr and "supplements: standard" in result.stderr
    assert "--no-default-packs" in result.stderr


def test_no_default_packs_runs_only_the_packs_given(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "mine", OWN)
    code, doc = checks_of(["--no-default-packs", "--pack", str(pack)])
    assert {f["rule_id"] for f in doc["findings"]} == {"LOCAL-T2-ZERO"}
    assert doc["pack"] == "mine@1.0.0"
    assert run("audit", "--no-default-packs", str(SAMPLE)).exit_code == 2


@pytest.mark.parametrize(("manifest", "rule_id", "said", "said_zh"), [
    (SUPPLEMENT.replace("supplements: standard", "supplements: nowhere"), "LOCAL-T2-ZERO", "not loaded", "未加载"),
    (SUPPLEMENT, "T2-NN", "already used", "已被"),
    (SUPPLEMENT.replace("[2021]", "[2019]"), "LOCAL-T2-ZERO", "does not audit template 2019", "不核查模板 2019"),
])
def test_a_supplement_that_cannot_be_added_is_refused(tmp_path: Path, manifest: str, rule_id: str, said: str,
                                                       said_zh: str) -> None:
    pack = make_pack(tmp_path / "local", manifest, rule_id)
    result = run("audit", "--pack", str(pack), str(SAMPLE))
    assert result.exit_code == 2 and said_zh in result.stderr  # the reason in the line's language
    english = run("audit", "--pack", str(pack), str(SAMPLE), "--lang", "en")
    assert english.exit_code == 2 and said in english.stderr


def test_the_bundled_pack_given_again_is_loaded_once() -> None:
    assert run("audit", "--pack", str(ROOT / "rules" / "standard"), str(SAMPLE)).exit_code in (0, 1)


def test_rules_doc_and_test_work_on_the_supplement_alone(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "local", SUPPLEMENT)
    assert run("rules", "doc", "--pack", str(pack)).exit_code == 0
    readme = (pack / "README.md").read_text(encoding="utf-8")
    assert "LOCAL-T2-ZERO" in readme and "T2-NN" not in readme
    fixtures = tmp_path / "fixtures" / "local"
    fixtures.mkdir(parents=True)
    shutil.copy(SAMPLE, tmp_path / "base.txt")
    (fixtures / "LOCAL-T2-ZERO.yaml").write_text(
        "rule: LOCAL-T2-ZERO\ncases:\n"
        f"  - name: all zero\n    base: {tmp_path / 'base.txt'}\n"
        "    cells: {t2.licensing.decisions: 0}\n    expect: {failed: 8}\n"
        f"  - name: one licensing decision\n    base: {tmp_path / 'base.txt'}\n"
        "    cells: {t2.licensing.decisions: 1}\n"
        "    expect: {failing: [\"LOCAL-T2-ZERO[cell=licensing.decisions]\"]}\n",
        encoding="utf-8")
    result = run("rules", "test", str(pack), "--fixtures", str(tmp_path / "fixtures"))
    assert "local@1.0.0" in result.output, result.output
