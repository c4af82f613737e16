"""The run configuration: rules off, severities, thresholds and agency names, applied without editing a pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit import audit_file
from auditor.config import ConfigError, load_config, load_configured_packs
from auditor.model import Severity
from auditor.resources import default_pack_dirs

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auditor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _findings(config_text: str, tmp_path: Path, sample: str) -> dict[str, Severity]:
    packs = load_configured_packs(default_pack_dirs(), load_config(_config(tmp_path, config_text)))
    return {f.check_id: f.severity for f in audit_file(SAMPLES / sample, packs).findings}


def test_no_configuration_changes_nothing(tmp_path: Path) -> None:
    assert "S5-PREV" in _findings("{}", tmp_path, "003_1299ff54e50d8c9c.txt")


def test_disable_by_id_or_name_and_override_severity(tmp_path: Path) -> None:
    found = _findings("rules:\n  disable: [S5-PREV, structure.overview-aspects]\n  severity: {FEE-STATED: error}\n",
                      tmp_path, "003_1299ff54e50d8c9c.txt")
    assert "S5-PREV" not in found and not any(k.startswith("S1-ASPECTS") for k in found)
    assert found["FEE-STATED"] is Severity.ERROR


def test_a_disabled_rule_is_not_counted_as_passed(tmp_path: Path) -> None:
    packs = load_configured_packs(default_pack_dirs(), load_config(_config(tmp_path, "rules: {disable: [T3-ROW]}")))
    full = load_configured_packs(default_pack_dirs(), load_config(None))
    assert audit_file(SAMPLES / "004_bdd5b039361f2e6c.txt", full).passed - audit_file(
        SAMPLES / "004_bdd5b039361f2e6c.txt", packs).passed == 25


def test_parameters_change_thresholds(tmp_path: Path) -> None:
    # 17 of 56 (30%) under (六)3 其他: flagged at the default 25%, not at 35%.
    assert "PLA-OTHER" in _findings("{}", tmp_path, "004_bdd5b039361f2e6c.txt")
    assert "PLA-OTHER" not in _findings("parameters: {catch_all_share_pct: 35}", tmp_path, "004_bdd5b039361f2e6c.txt")


def test_agency_aliases(tmp_path: Path) -> None:
    assert "M-ENTITY" in _findings("{}", tmp_path, "003_1299ff54e50d8c9c.txt")
    assert "M-ENTITY" not in _findings("agency_aliases: {焦作市城乡一体化示范区管委会: [高新区管委会]}", tmp_path,
                                       "003_1299ff54e50d8c9c.txt")


def test_agency_classes(tmp_path: Path) -> None:
    assert "PLA-APPROVAL" not in _findings("agency_classes: {approval_bureau: '^$'}", tmp_path,
                                           "000_0d1f4deeeff05532.txt")


@pytest.mark.parametrize(("text", "pointer", "reason", "reason_zh"), [
    ("rules: {disable: [NO-SUCH-RULE]}", "/rules/disable", "no loaded pack has a rule", "已加载的规则包中没有规则"),
    ("rules: {severity: {T3-BAL: fatal}}", "/rules/severity/T3-BAL", "is not one of", "应为以下之一：error、warning"),
    ("parameters: {no_such_threshold: 3}", "/parameters/no_such_threshold", "no loaded pack has this parameter",
     "已加载的规则包中没有这个参数"),
    ("agency_classes: {approval_bureau: '('}", "/agency_classes/approval_bureau", "regular expression",
     "不是有效的正则表达式"),
    ("colour: red", "/", "Additional properties", "不认识的键：colour"),
    ("parameters: {deadline_department: 230}", "/parameters/deadline_department", "not a day of every year",
     "230 不是每年都有的月日"),
    ("parameters: {deadline_department: x}", "/parameters/deadline_department", "is not of type", "应为数"),
    ("summary: {scoring: {severity: {error: 5}, start: 10, floor: 20}}", "/summary/scoring/floor",
     "above the start", "最低分（20）高于起始分（10）"),
    ("rules:\n  off: [T3-BAL]", "/rules", "is not text", "YAML 把它读成了布尔值"),
    ("rules: [", "/", "not valid YAML", "不是有效的 YAML（第 1 行第 9 列）"),
])
def test_invalid_configuration_names_file_pointer_and_reason(tmp_path: Path, text: str, pointer: str,
                                                              reason: str, reason_zh: str) -> None:
    """In the language asked for (issue 15, stumble 3): a Chinese line has a Chinese reason."""
    path = _config(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_configured_packs(default_pack_dirs(), load_config(path))
    assert error.value.file == str(path) and error.value.pointer == pointer and reason in error.value.reason
    assert reason_zh in error.value.reason_in("zh") and error.value.reason_in("en") == error.value.reason


def test_the_cli_applies_a_configuration_and_refuses_a_bad_one(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from auditor.cli import main

    sample = str(SAMPLES / "003_1299ff54e50d8c9c.txt")
    good = _config(tmp_path, "rules: {severity: {TXT-NEW: warning}}")
    result = CliRunner().invoke(main, ["audit", "--config", str(good), sample])
    assert result.exit_code == 0 and "warning TXT-NEW" in result.stdout  # the only error, now a warning
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: {disable: [NOPE]}", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "--config", str(bad), sample])
    assert result.exit_code == 2 and "运行配置无效" in result.stderr and "/rules/disable" in result.stderr
