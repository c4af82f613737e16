"""Every rule's fixtures, run by one parametrized test; and a meta-test that every rule has both kinds of case."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.engine import process_engine
from auditor.packs import load_pack
from auditor.resources import default_pack_dirs
from auditor.ruletests import load_fixture, run_case, run_pack_fixtures

FIXTURES = Path(__file__).parent / "rules"
PACKS = {d.name: load_pack(d) for d in default_pack_dirs()}


def _cases() -> list[tuple[str, Path, dict]]:
    out = []
    for pack_id in PACKS:
        for fixture in sorted((FIXTURES / pack_id).glob("*.yaml")):
            for case in load_fixture(fixture)["cases"]:
                out.append((pack_id, fixture, case))
    return out


CASES = _cases()


@pytest.mark.parametrize(("pack_id", "fixture", "case"), CASES,
                         ids=[f"{p}/{f.stem}/{c['name']}" for p, f, c in CASES])
def test_rule_case(pack_id: str, fixture: Path, case: dict) -> None:
    pack = PACKS[pack_id]
    rule_id = load_fixture(fixture)["rule"]
    assert rule_id == fixture.stem, f"{fixture} names rule {rule_id}"
    result = run_case(pack, rule_id, case, fixture, process_engine())
    assert result.ok, result.detail


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_every_rule_has_a_passing_and_a_failing_case(pack_id: str) -> None:
    """The gaps `auditor rules test` reports (a rule without a fixture file, or without a case that must pass and one
    that must fail; a fixture that tests no rule), checked by the same code: none. A rule taken unchanged from the
    pack this one extends is tested by that pack's fixtures."""
    report = run_pack_fixtures(PACKS[pack_id], FIXTURES, process_engine(), PACKS.values())
    assert report.gaps == (), "\n".join(report.gaps)
