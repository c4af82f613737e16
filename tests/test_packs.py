"""Rule packs: an invalid pack stops the run naming the file, the JSON pointer and the reason (exit code 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.packs import PackError, load_pack
from auditor.packs.expr import ExprError, parse
from tests.conftest import edit_file

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "004_bdd5b039361f2e6c.txt"




@pytest.mark.parametrize(("file", "old", "new", "pointer", "reason"), [
    ("T3-BAL.yaml", "severity: error", "severity: fatal", "/metadata/severity", "is not one of"),
    ("T3-BAL.yaml", "id: T3-BAL", "id: T3-BALANCE", "/metadata/id", "does not match the file name"),
    ("T3-BAL.yaml", "  col: columns", "  col: colums", "/for_each/col", "unknown group"),
    ("T3-BAL.yaml", "t3[carried_over][col]", "t3[caried_over][col]", "/check", "unknown fact key"),
    ("T3-BAL.yaml", "== t3[total_processed]", "=== t3[total_processed]", "/check", "syntax error"),
    ("T3-BAL.yaml", "{col_label}」列不平衡", "{column}」列不平衡", "/message/zh", "unknown placeholder"),
    ("T3-SUM.yaml", "sum(t3[results][col])", "sum(t3[granted][col])", "/check", "needs a group"),
    ("T4-SUM.yaml", "  rationale: >-", "  rationale_x: >-", "/metadata", "rationale"),
    ("SEC-PRESENT.yaml", "check: exists(section[n])", "check: exists(section[n], 2)", "/check",
     "unknown function or wrong arguments"),
    ("extractors.yaml", "{NUM}\\s*{UNIT}'", "(\\d+)\\s*件'", "/claims/applications_received/patterns/0", "value"),
    ("extractors.yaml", "{TOTAL}", "{TOTALS}", "/claims/applications_received/patterns/0", "unknown macro"),
    ("pack.yaml", "version: 0.1.0", "version: one", "/version", "does not match"),
    ("T3-ROW.yaml", "metadata:", "metadata: [", "/", "not valid YAML"),
])
def test_invalid_pack_names_file_pointer_and_reason(pack_copy: Path, file: str, old: str, new: str, pointer: str,
                                                    reason: str) -> None:
    edit_file(pack_copy / file, old, new)
    with pytest.raises(PackError) as error:
        load_pack(pack_copy)
    assert Path(error.value.file).name == file
    assert error.value.pointer == pointer
    assert reason in error.value.reason
    result = CliRunner().invoke(main, ["audit", "--no-default-packs", "--pack", str(pack_copy), str(SAMPLE)])
    assert result.exit_code == 2
    assert file in result.stderr and pointer in result.stderr and "Traceback" not in result.output


def test_duplicate_names_are_refused(pack_copy: Path) -> None:
    edit_file(pack_copy / "T3-SUM.yaml", "name: table3.results-total", "name: table3.column-balance")
    with pytest.raises(PackError, match="already used"):
        load_pack(pack_copy)


def test_a_rule_is_found_by_id_name_or_alias(pack_copy: Path) -> None:
    edit_file(pack_copy / "T3-BAL.yaml", "  references:", "  aliases: [T3-001]\n  references:")
    pack = load_pack(pack_copy)
    assert pack.rule("T3-BAL") is pack.rule("table3.column-balance") is pack.rule("T3-001")


def test_a_supervisor_adds_a_rule_without_python(pack_copy: Path) -> None:
    (pack_copy / "T2-LIC.yaml").write_text("""
metadata:
  id: T2-LIC
  name: local.licensing-reported
  title: {zh: 行政许可数不为零, en: Licensing decisions are reported}
  severity: warning
  category: plausibility
  rationale: 本地要求：审批部门应报告行政许可处理决定数量。
  remediation: 核对行政许可处理决定数量。
  references: [本地通知]
check: t2.licensing.decisions > 0
message: {zh: "行政许可处理决定数量为 {lhs}。", en: "Licensing decisions: {lhs}."}
""", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "--no-default-packs", "--pack", str(pack_copy), "--fail-on", "warning",
                                       str(SAMPLE)])
    assert result.exit_code == 1 and "行政许可处理决定数量为 0。" in result.stdout


@pytest.mark.parametrize(("text", "reason"), [
    ("t3.a.b + 1", "must be a comparison"),
    ("a < b < c", "one comparison at a time"),
    ("t3.a.b == t3.c.d / 0", "division by zero"),
    ("foo(t3.a.b) == 1", "unknown function"),
    ("t3.a.b == 'x'", "not part of the check language"),
    ("approx(t3.a.b, 1, -1)", "non-negative"),
    ("(t3.a.b == 1) + 1 == 2", "sides must be"),
])
def test_expression_errors_are_explained(text: str, reason: str) -> None:
    with pytest.raises(ExprError, match=reason):
        parse(text)
