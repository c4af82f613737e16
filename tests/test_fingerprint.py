"""Fingerprints (issue 11 part 1): the identity review decisions and baselines are kept under survives what does not
change a finding (a re-audit, an edited copy, a pack upgrade, another format, another language) and changes with
what does (a number)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, SAMPLES, edit_file, edited_copy
from tests.test_cli import audit_json

S003 = SAMPLES / "003_1299ff54e50d8c9c.txt"
S004 = SAMPLES / "004_bdd5b039361f2e6c.txt"


def prints(*args: str) -> dict[str, str]:
    """check id → fingerprint of every finding of one report."""
    _, data = audit_json(*args)
    (doc,) = data["documents"]
    found = {f["check_id"]: f["fingerprint"] for f in doc["findings"]}
    assert len(found) == len(doc["findings"])  # one finding per check here, so the map loses nothing
    return found


def test_a_reaudit_gives_the_same_fingerprints() -> None:
    first = prints(str(S003))
    assert first and all(re.fullmatch(r"[0-9a-f]{32}", f) for f in first.values())
    assert prints(str(S003)) == first
    assert len(set(first.values())) == len(first)


def test_an_edited_copy_keeps_the_fingerprints_of_its_unchanged_findings(tmp_path: Path) -> None:
    """Lines added at the top move every finding down (its line numbers change), a sentence elsewhere is reworded,
    the file is renamed: none of it is the findings' meaning."""
    def edit(text: str) -> str:
        assert "切身利益的政府信息" in text
        text = text.replace("切身利益的政府信息", "切身利益的各类政府信息")
        return "\n\n（本报告已于 2025 年 1 月 20 日更新）\n" + text

    copy = edited_copy(S003, tmp_path, edit, name="renamed-003.txt")
    before, after = prints(str(S003)), prints(str(copy))
    assert after == before


def test_a_changed_number_makes_a_new_fingerprint(tmp_path: Path) -> None:
    """003 says 9 applications where its table says 11: say 10, and TXT-NEW is another finding (a decision on the
    old one must not cover it); the others keep theirs."""
    copy = edited_copy(S003, tmp_path, lambda t: t.replace("受理政府信息公开申请 9 件", "受理政府信息公开申请 10 件"))
    before, after = prints(str(S003)), prints(str(copy))
    assert before["TXT-NEW"] != after["TXT-NEW"]
    assert {k: v for k, v in after.items() if k != "TXT-NEW"} == {k: v for k, v in before.items() if k != "TXT-NEW"}


def test_a_changed_cell_makes_a_new_fingerprint(tmp_path: Path) -> None:
    """The same finding (TXT-PCT-NOTHELD, 44% claimed) with another table cell behind it is another finding."""
    lines = S004.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if "本机关不掌握相关政府信息" in line)
    lines[row] = lines[row].replace("15\t0\t0\t0\t0\t0\t15", "14\t0\t0\t0\t0\t0\t14")
    copy = tmp_path / S004.name
    copy.write_text("\n".join(lines), encoding="utf-8")
    assert prints(str(copy))["TXT-PCT-NOTHELD"] != prints(str(S004))["TXT-PCT-NOTHELD"]


def test_a_pack_upgrade_that_keeps_the_rules_meaning_keeps_the_fingerprints(tmp_path: Path) -> None:
    """A new pack version with a reworded message: the rule means the same, the fingerprints stay."""
    packs = tmp_path / "packs"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", packs)
    edit_file(packs / "standard" / "pack.yaml", "version: 0.1.0", "version: 0.2.0")
    rule = next((packs / "standard").rglob("TXT-NEW.yaml"))
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("正文称收到申请", "正文所述收到申请"), encoding="utf-8")
    upgraded = prints(str(S003), "--no-default-packs",
                      *[a for d in sorted(packs.iterdir()) if d.is_dir() for a in ("--pack", str(d))])
    assert upgraded == prints(str(S003))


def test_the_language_of_the_run_is_not_in_the_fingerprint() -> None:
    assert prints(str(S003), "--lang", "en") == prints(str(S003))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_another_format_of_the_same_report_keeps_the_fingerprints() -> None:
    """平潭 2023 as the web page and as its text copy: a finding whose evidence both formats read alike (a wording
    detector, a section check) has one fingerprint. TXT-T2-INFORCE is found in both, but on other evidence: the
    page's cell reads 470, the text copy's is a run of digits found wrong under each of its readings, so it is
    another finding (a decision on the one is not a decision on the other)."""
    page, text = prints(str(CORPUS / "pingtan-2023.html")), prints(str(CORPUS / "pingtan-2023.txt"))
    assert {"TXT-ENUM", "S5-PREV", "TXT-T2-INFORCE"} <= page.keys() & text.keys()
    assert page["TXT-ENUM"] == text["TXT-ENUM"] and page["S5-PREV"] == text["S5-PREV"]
    assert page["TXT-T2-INFORCE"] != text["TXT-T2-INFORCE"]


def test_two_findings_on_one_basis_get_two_fingerprints() -> None:
    """Two findings whose basis is equal (the same check, body, year and evidence, at two places of one report) are
    told apart by their order, so a decision on one is not a decision on the other."""
    from auditor.fingerprint import distinguish
    from auditor.model import Evidence, Finding, Location, Severity

    finding = Finding("R", "r", "R", Severity.ERROR, "m", Location(line=1), Evidence("1", "2"), fingerprint="a" * 32)
    moved = Finding("R", "r", "R", Severity.ERROR, "m", Location(line=9), Evidence("1", "2"), fingerprint="a" * 32)
    first, second = distinguish([finding, moved])
    assert first.fingerprint == "a" * 32 and second.fingerprint != first.fingerprint
    assert distinguish([finding, moved]) == [first, second]  # deterministic
