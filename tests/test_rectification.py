"""Rectification across years (issue 11 part 6): last year's confirmed findings on a body matched with this year's
report of the same body: repeated, fixed, or not assessable, on the 平潭 series and the 洪泽 pair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main
from tests.conftest import CORPUS
from tests.test_cli import audit_json

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def confirm_year(db: Path, year: int) -> list[str]:
    items = json.loads(run("review", "list", "--db", str(db), "--year", str(year), "--format", "json").stdout)
    for item in items:
        assert run("review", "confirm", "--db", str(db), item["fingerprint"]).exit_code == 0
    return [i["check_id"] for i in items]


def rectification(data: dict, name: str) -> dict[str, str]:  # type: ignore[type-arg]
    doc = next(d for d in data["documents"] if Path(d["path"]).name == name)
    return {r["check_id"]: r["status"] for r in doc["rectification"]}


def test_the_hongze_pair(tmp_path: Path) -> None:
    """2023 and 2024 name the body differently (「洪泽区人民政府」, 「淮安市洪泽区人民政府」): one body. 2023's seven
    findings confirmed; 2024 repeats the 2019 layout of table 三 and passes the checks it failed in 2023."""
    db = tmp_path / "audits.db"
    older, newer = CORPUS / "huaian-hongze-gov-2023.pdf", CORPUS / "huaian-hongze-gov-2024.pdf"
    run("audit", str(older), str(newer), "--db", str(db))
    assert confirm_year(db, 2023)
    _, data = audit_json(str(newer), "--db", str(db))
    status = rectification(data, newer.name)
    assert status["TPL-LAYOUT-T3"] == "repeated"
    assert status["T4-SUM[block=review]"] == "fixed"
    assert status["T4-SUM[block=litigation_after_review]"] == "fixed"
    doc = data["documents"][0]
    repeated = next(r for r in doc["rectification"] if r["status"] == "repeated")
    assert repeated["year"] == 2023 and repeated["now"] in {f["fingerprint"] for f in doc["findings"]}
    text = run("audit", str(newer), "--db", str(db)).output
    # 2024 reports its 考核 (「纳入全区高质量发展考核」), as 2023 did not; 社会评议 and 责任追究 are still absent
    assert status["S1-GOV[duty=gov_assessment]"] == "fixed"
    assert status["S1-GOV[duty=gov_public_review]"] == status["S1-GOV[duty=gov_accountability]"] == "repeated"
    assert "上年度已确认问题整改情况：已整改 4，重复出现 3" in text and "重复出现: TPL-LAYOUT-T3（2023 年" in text


def test_the_pingtan_series(tmp_path: Path) -> None:
    """平潭 2019's listed categories do not add up to their total, and 2020's do not either: repeated. A 2024 report
    whose tables cannot be read leaves 2023's table checks not assessable, never fixed."""
    db = tmp_path / "audits.db"
    files = [CORPUS / f"pingtan-{y}.txt" for y in (2019, 2020, 2024)] + [CORPUS / "pingtan-2023.html"]
    run("audit", *map(str, files), "--db", str(db))
    assert confirm_year(db, 2019) == ["TXT-LIST"]
    assert "TXT-T2-INFORCE" in confirm_year(db, 2023)
    _, data = audit_json(*map(str, files), "--db", str(db))
    assert rectification(data, "pingtan-2020.txt") == {"TXT-LIST": "repeated"}
    later = rectification(data, "pingtan-2024.txt")
    assert later["TXT-T2-INFORCE"] == "not_assessable"  # 2024's table 二 is one run of digits: not read
    assert later["TXT-ENUM"] == "fixed"
    assert rectification(data, "pingtan-2019.txt") == {}  # no 2018 report in the store


def test_nothing_confirmed_nothing_to_rectify(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    files = [str(CORPUS / f"huaian-hongze-gov-{y}.pdf") for y in (2023, 2024)]
    run("audit", *files, "--db", str(db))
    _, data = audit_json(*files, "--db", str(db))
    assert all(d["rectification"] == [] for d in data["documents"])
