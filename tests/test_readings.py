"""Digit runs with several readings (issue 10 part 5): a check whose missing cells are such a run's is decided under
every reading, one engine fact each; failing under every one is a finding that lists them, failing under some is not
assessable with the counts. The runs are the 平潭 web dumps' (../shared/corpus/reports/, the body is line 10 of each
file; the line numbers below are those of the segments the flattened text is cut into)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.audit import audit_file, read_facts
from auditor.engine import Engine, EngineFact, Firing, process_engine
from auditor.evaluate import READINGS, TOO_MANY_READINGS, evaluate
from auditor.facts.model import from_json, to_json
from auditor.facts.readings import READINGS_PER_ROW, cases, digit_readings, split_digit_run
from auditor.model import DocumentResult, Status
from auditor.packs import Pack
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")

PINGTAN_2020 = CORPUS / "pingtan-2020.txt"
PINGTAN_2023 = CORPUS / "pingtan-2023.txt"


@pytest.mark.parametrize(("run", "width", "readings"), [
    # pingtan-2020.txt, （七）总计 (segment 49): the space after 20 and after 00 cuts, the rest may be cut anywhere
    ("20 0 00 0 121", 7, [("2", "0", "0", "0", "0", "0", "121"), ("20", "0", "0", "0", "0", "1", "21"),
                          ("20", "0", "0", "0", "0", "12", "1")]),
    # pingtan-2020.txt, 一、本年新收 (segment 28)
    ("200 000121", 7, [("2", "0", "0", "0", "0", "0", "121"), ("20", "0", "0", "0", "0", "1", "21"),
                       ("20", "0", "0", "0", "0", "12", "1"), ("200", "0", "0", "0", "1", "2", "1")]),
    ("0000000", 7, [("0",) * 7]),
    ("12", 3, []),
])
def test_a_run_lists_its_readings(run: str, width: int, readings: list[tuple[str, ...]]) -> None:
    found = digit_readings(run, width)
    assert list(found.cells) == readings and found.count == len(readings) and not found.capped


def test_pingtan_2023s_table_two_run_reads_21_ways_none_in_force_393() -> None:
    """pingtan-2023.txt, 行政规范性文件 (segment 21): 「77132470」 for 本年制发 | 本年废止 | 现行有效."""
    found = digit_readings("77132470", 3)
    assert found.count == 21
    assert {int(r[2]) for r in found.cells} == {0, 70, 470, 2470, 32470, 132470}


def test_more_readings_than_the_cap_are_counted_not_listed() -> None:
    found = digit_readings("1" * 12, 7)  # C(11, 6) = 462 readings
    assert found.capped and found.count == READINGS_PER_ROW + 1 and found.cells == ()
    assert split_digit_run("1" * 12, 7) is None and split_digit_run("0 0 00 00 0", 7) == ["0"] * 7


@pytest.mark.parametrize("run", ["1" * 100_000, "10" * 50_000, "1" * 104, "9 " * 50_000])
def test_a_hostile_run_costs_bounded_time(run: str) -> None:
    started = time.perf_counter()
    found = digit_readings(run, 7)
    assert time.perf_counter() - started < 2
    assert all(len(cell) <= 15 for reading in found.cells for cell in reading)
    assert len(found.cells) <= READINGS_PER_ROW


def test_cells_keep_their_readings_and_cells_of_one_row_move_together(packs: list[Pack]) -> None:
    facts, _ = read_facts(PINGTAN_2020, packs)
    total, person = facts.cells["t3.total_processed.total"], facts.cells["t3.total_processed.natural_person"]
    assert (total.status, total.raw, total.reading_count) == ("unreadable", "20 0 00 0 121", 3)
    assert list(zip(person.readings, total.readings, strict=True)) == [(2, 121), (20, 21), (20, 1)]
    # two cells of one run: its three readings, not 3 × 3; two runs: every pair
    assert len(cases([person, total], 64) or ()) == 3
    assert len(cases([total, facts.cells["t3.new_received.total"]], 64) or ()) == 3 * 3
    assert cases([total, facts.cells["t3.new_received.total"]], 8) is None
    # only the values a check reads count: 商业企业 is 0 in every reading of the row
    assert cases([facts.cells["t3.total_processed.commercial"]], 64) == [(("t3.total_processed.commercial", 0),)]
    assert from_json(to_json(facts)).cells == facts.cells  # the history store keeps them


def _finding(result: DocumentResult, check_id: str) -> str:
    (message,) = [f.message for f in result.findings if f.check_id == check_id]
    return message


def test_pingtan_2020s_total_fails_under_every_reading(packs: list[Pack]) -> None:
    """（七）总计 reads 总计 121, 21 or 1 and 自然人 2 or 20; the result rows, each one reading, add up to 27 and 26."""
    result = audit_file(PINGTAN_2020, packs)
    total = _finding(result, "T3-SUM[col=total]")
    assert "「20 0 00 0 121」" in total and "3 种读法（121、21 或 1）" in total and "每一种读法下本项都不成立" in total
    assert "如读作 21" in total and "比各项办理结果之和（27）少 6" in total
    assert "2 种读法（2 或 20）" in _finding(result, "T3-SUM[col=natural_person]")
    (finding,) = [f for f in result.findings if f.check_id == "T3-SUM[col=total]"]
    assert (finding.evidence.expected, finding.evidence.found) == ("27", "121、21 或 1")
    english = _finding(audit_file(PINGTAN_2020, packs, "en"), "T3-SUM[col=total]")
    assert "3 readings (121, 21 or 1)" in english and "fails under every one" in english and "6 less" in english


def test_a_check_some_readings_pass_is_not_assessable_with_the_counts(packs: list[Pack]) -> None:
    result = audit_file(PINGTAN_2020, packs)
    reasons = {n.check_id: n.reason for n in result.not_assessable}
    # 其他 in （七） reads 0, 1 or 12 against 1: one reading holds
    counts = "按本项用到的数字的 3 种读法逐一核对：2 种不成立、1 种成立，无法断定"
    assert reasons["T3-SUM[col=other_org]"].endswith(counts)
    assert "连写为「20 0 00 0 121」，有 3 种读法" in reasons["T3-SUM[col=other_org]"]
    # 「共受理政府信息公开申请21件」 against 新收 121, 21 or 1
    assert "2 种不成立、1 种成立" in reasons["TXT-NEW"]
    # a check that holds under every reading passed: 商业企业 is 0 in （七） and in every result row
    assert "T3-SUM[col=commercial]" not in reasons and "T3-SUM[col=commercial]" not in {
        f.check_id for f in result.findings}


def test_pingtan_2023s_393_fails_under_every_reading(packs: list[Pack]) -> None:
    """「现行有效行政规范性文件393件」 (segment 14) against table 二's run 77132470 (the HTML copy prints 470)."""
    message = _finding(audit_file(PINGTAN_2023, packs), "TXT-T2-INFORCE")
    assert "「77132470」" in message and "6 种读法（132470、32470、2470、470、70 或 0）" in message
    assert "如读作 470" in message and "正文比表格少 77 件" in message


class _Recording(Engine):
    """The process's engine, keeping the facts it was given."""

    def __init__(self, inner: Engine) -> None:  # noqa: D107 - a wrapper, not a second engine
        self.inner, self.facts = inner, []

    def evaluate(self, shards, facts: list[EngineFact]) -> list[Firing]:  # type: ignore[no-untyped-def]
        self.facts.extend(facts)
        return self.inner.evaluate(shards, facts)


def test_the_engine_decides_every_reading(packs: list[Pack]) -> None:
    facts, pack = read_facts(PINGTAN_2020, packs)
    assert pack is not None
    engine = _Recording(process_engine())
    evaluation = evaluate(pack, facts, engine)
    (outcome,) = [o for o in evaluation.outcomes if o.check.check_id == "T3-SUM[col=total]"]
    assert outcome.status is Status.FAILED and [c.status for c in outcome.cases] == [Status.FAILED] * 3
    posted = [dict(f.values) for f in engine.facts if f.key == outcome.check.fact_key]
    assert sorted(v["p0"] for v in posted) == [1, 21, 121]  # （七）总计, one fact per reading
    assert not evaluation.disagreements


class _Silent(Engine):
    """An engine that fails nothing: the reference evaluator's failures must still show, and say so."""

    def __init__(self) -> None:  # noqa: D107
        pass

    def evaluate(self, shards, facts):  # type: ignore[no-untyped-def]
        return []


def test_an_engine_that_passes_a_reading_is_a_disagreement_not_a_pass(packs: list[Pack]) -> None:
    facts, pack = read_facts(PINGTAN_2020, packs)
    assert pack is not None
    evaluation = evaluate(pack, facts, _Silent())
    (outcome,) = [o for o in evaluation.outcomes if o.check.check_id == "T3-SUM[col=total]"]
    assert outcome.status is Status.FAILED and outcome.failed_by == "reference"
    assert sum(1 for d in evaluation.disagreements if d[0] == "T3-SUM[col=total]") == 3


def test_too_many_readings_are_not_assessable_saying_so(packs: list[Pack], tmp_path: Path) -> None:
    """Every row of pingtan-2023.txt's table 三 turned into a 28-reading run: the audit ends, quickly, and the checks
    past the caps say why they were not made."""
    text = PINGTAN_2023.read_text(encoding="utf-8")
    hostile = tmp_path / "pingtan-2023.txt"
    hostile.write_text(text.replace("0000000", "111111111").replace("1000001", "111111111"), encoding="utf-8")
    started = time.perf_counter()
    facts, pack = read_facts(hostile, packs)
    assert pack is not None
    outcomes = evaluate(pack, facts, process_engine()).outcomes
    assert time.perf_counter() - started < 5
    assert sum(len(o.cases) for o in outcomes) <= 2048
    assert any(o.cause == TOO_MANY_READINGS for o in outcomes)
    assert any(o.cause == READINGS for o in outcomes)
    reasons = [n.reason for n in audit_file(hostile, packs).not_assessable]
    assert any("读法组合过多（每项最多逐一核对 256 种，每份报告最多 2048 种），未逐一核对" in r for r in reasons)


def test_a_row_of_more_readings_than_the_cap_says_so(packs: list[Pack], tmp_path: Path) -> None:
    text = PINGTAN_2020.read_text(encoding="utf-8")
    path = tmp_path / "pingtan-2020.txt"
    path.write_text(text.replace("20 0 00 0 121", "111111111111", 1), encoding="utf-8")
    reasons = {n.check_id: n.reason for n in audit_file(path, packs).not_assessable}
    assert "连写为「111111111111」，读法超过 64 种，未逐一列出" in reasons["T3-SUM[col=total]"]
