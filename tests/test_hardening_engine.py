"""Issue 9, part 1 and 2: one bad number never costs a batch, whatever -j is, and an engine bug never hides an error.

Each case starts from the input that broke it: a table cell of 0.00001 (json writes 1e-05, which crashed the C
engine with SIGSEGV and took every later file of a -j 1 run with it), cells of 10**12 and more, numbers of 400 and
5,000 digits, and an engine that disagrees with the reference evaluator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from auditor import limits
from auditor.audit import audit_file, audit_guarded
from auditor.batch import CRASH_ON, EARN_ON, HANG_ON, Lost, Supervision, _audit_task, in_order, run_parallel
from auditor.engine import Engine, EngineFact, Firing
from auditor.evaluate import BY_REFERENCE
from auditor.model import DocumentResult
from auditor.packs.loader import PackError, load_pack
from auditor.packs.model import Pack
from auditor.problems import problem
from tests.conftest import edited_copy

ROOT = Path(__file__).resolve().parent.parent
S004 = ROOT / "samples" / "004_bdd5b039361f2e6c.txt"
GRANTED_LINE = "(一) 予以公开\t11\t0\t0"  # table 三, row （一）予以公开: 自然人 11, …


def _copy(tmp_path: Path, value: str, name: str) -> Path:
    """Sample 004 with `value` in table 三's 予以公开 / 自然人 cell (11 in the sample)."""
    text = S004.read_text(encoding="utf-8")
    assert GRANTED_LINE in text
    path = tmp_path / name
    path.write_text(text.replace(GRANTED_LINE, f"(一) 予以公开\t{value}\t0\t0"), encoding="utf-8")
    return path


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """The installed CLI in a process of its own: a crash of the engine here must not take pytest with it."""
    return subprocess.run([sys.executable, "-c", "from auditor.cli import main; main()", *args],
                          capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, cwd=ROOT)


@pytest.mark.parametrize("number", [0, 1, 11, 0.0001, 0.5, 96091.4123456, 10**12 - 1, -3, -0.25])
def test_numbers_the_engine_reads_exactly(number: float) -> None:
    assert limits.engine_exact(number)


@pytest.mark.parametrize("number", [0.00001, -0.00001, 1e-10, 5e-324, 10**12, 10**16, 1e16, 1e308, float("inf"),
                                    float("-inf"), float("nan"), 10**400])
def test_numbers_kept_from_the_engine(number: float) -> None:
    assert not limits.engine_exact(number)


def test_a_batch_with_a_tiny_cell_in_the_middle_prints_every_result_with_one_job(tmp_path: Path) -> None:
    """The done-when case: -j 1, the 0.00001 report second of three. Before: SIGSEGV (exit 139), JSON cut off."""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.txt").write_text(S004.read_text(encoding="utf-8"), encoding="utf-8")
    _copy(folder, "0.00001", "b.txt")
    _copy(folder, "1e16", "c.txt")
    _copy(folder, "10000000000000000", "d.txt")
    done = _cli("audit", "--format", "json", "-j", "1", str(folder))
    assert done.returncode in (1, 2), done.stderr
    data = json.loads(done.stdout)
    by_name = {Path(d["path"]).name: d for d in data["documents"]}
    assert sorted(by_name) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    tiny = by_name["b.txt"]
    assert tiny["problems"] == [] and tiny["summary"]["passed"] > 100
    reasons = {n["check_id"]: n["reason"] for n in tiny["not_assessable"]}
    assert "表三「予以公开」行「自然人」列为 1e-05，超出规则引擎能精确比较的范围" in reasons["T3-ROW[row=granted]"]
    assert [p["slug"] for p in by_name["d.txt"]["problems"]] == ["number_too_long"]
    assert "第 43 行「10000000000000000」" in by_name["d.txt"]["problems"][0]["message"]


def test_a_value_beyond_the_engine_range_is_not_assessable_with_its_reason(tmp_path: Path, packs: list[Pack],
                                                                           engine: Engine) -> None:
    result = audit_file(_copy(tmp_path, "1000000000000", "big.txt"), packs, engine=engine)
    reasons = {n.check_id: n.reason for n in result.not_assessable}
    assert reasons["T3-ROW[row=granted]"] == (
        "表三「予以公开」行「自然人」列为 1000000000000，超出规则引擎能精确比较的范围（0.0001 ≤ |x| < 1e12，或 0）")
    cited = next(n for n in result.not_assessable if n.check_id == "T3-ROW[row=granted]").operands
    assert [o.ref for o in cited] == ["t3.granted.natural_person"] and cited[0].location.line == 43
    english = audit_file(_copy(tmp_path, "1000000000000", "big.txt"), packs, lang="en", engine=engine)
    assert "outside the range the rule engine compares exactly" in {
        n.check_id: n.reason for n in english.not_assessable}["T3-ROW[row=granted]"]
    assert result.problems == ()


@pytest.mark.parametrize("digits", [16, 400, 5_000])
def test_a_cell_of_too_many_digits_is_unread_and_said(tmp_path: Path, packs: list[Pack], engine: Engine,
                                                       digits: int) -> None:
    """int() refuses 4,300 digits and float() overflows past 309: both were internal_errors."""
    result = audit_file(_copy(tmp_path, "9" * digits, "long.txt"), packs, engine=engine)
    assert [p.slug for p in result.problems] == ["number_too_long"]
    assert "超过 15 位" in result.problems[0].message and len(result.problems[0].message) < 200


def test_a_claim_of_too_many_digits_is_unread_and_said(tmp_path: Path, packs: list[Pack], engine: Engine) -> None:
    path = edited_copy(S004, tmp_path, lambda t: t.replace("新收政府信息公开申请 58 件", "新收政府信息公开申请 "
                                                                  + "7" * 5000 + " 件", 1))
    result = audit_file(path, packs, engine=engine)
    assert "number_too_long" in [p.slug for p in result.problems]


def test_a_long_digit_run_in_prose_is_not_a_number(tmp_path: Path, packs: list[Pack], engine: Engine) -> None:
    """A URL's content id is not a quantity: no problem. Nor is it slow (it was quadratic: a 100,000-digit run)."""
    path = edited_copy(S004, tmp_path, lambda t: t.replace("\n", "\n详见 http://www.example.gov.cn/content_"
                                                                  + "1" * 100_000 + ".htm\n", 1))
    result = audit_file(path, packs, engine=engine)
    assert "number_too_long" not in [p.slug for p in result.problems]


class _SilentEngine(Engine):
    """An engine that fires nothing: every check the reference fails is a disagreement."""

    def evaluate(self, shards: object, facts: list[EngineFact]) -> list[Firing]:
        return []


def test_a_disagreement_keeps_the_finding_marked(packs: list[Pack]) -> None:
    result = audit_file(S004, packs, engine=_SilentEngine())
    assert "engine_disagreement" in [p.slug for p in result.problems]
    errors = [f for f in result.findings if f.rule_id == "TXT-PCT-NOTHELD"]
    assert errors and all(f.failed_by == BY_REFERENCE for f in result.findings)


def test_a_kept_finding_says_so_in_text_and_json(packs: list[Pack]) -> None:
    from auditor.formatters import FORMATTERS
    from auditor.model import RunResult

    run = RunResult(documents=(audit_file(S004, packs, engine=_SilentEngine()),), problems=(), lang="zh")
    text = "".join(FORMATTERS["text"](run, False))
    assert "仅参考计算判定未通过，规则引擎判定通过，请人工复核" in text
    data = json.loads("".join(FORMATTERS["json"](run, False)))
    assert {f["failed_by"] for f in data["documents"][0]["findings"]} == {"reference"}


def test_a_pack_constant_the_engine_cannot_read_is_refused(tmp_path: Path) -> None:
    from tests.test_engine_hazards import _write_pack

    with pytest.raises(PackError) as error:
        load_pack(_write_pack(tmp_path, {"X-TINY": "approx(t3.new_received.total, 1, 0.00001)"}))
    assert "too small for the rule engine" in error.value.reason or "rule engine reads exactly" in error.value.reason


def test_a_crash_costs_its_file_only_with_one_job(tmp_path: Path) -> None:
    """A worker killed mid-file (as a crash of the C engine kills it) with -j 1: that file is worker_died, the others
    are audited, and the JSON is whole."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(S004.read_text(encoding="utf-8"), encoding="utf-8")
    done = _cli("audit", "--format", "json", "-j", "1", str(folder), env={CRASH_ON: "b.txt"})
    assert done.returncode == 2
    documents = json.loads(done.stdout)["documents"]
    assert [[p["slug"] for p in d["problems"]] for d in documents] == [[], ["worker_died"], []]
    assert documents[2]["summary"]["passed"] > 100


def test_a_file_that_hangs_is_stopped_and_the_others_are_audited(monkeypatch: pytest.MonkeyPatch,
                                                                   packs: list[Pack], tmp_path: Path) -> None:
    files = []
    for name in ("a.txt", "b.txt", "c.txt"):
        files.append(tmp_path / name)
        files[-1].write_text(S004.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv(HANG_ON, "b.txt")
    lost: list[tuple[str, str]] = []

    def record(path: Path, why: Lost) -> DocumentResult:
        lost.append((path.name, why.kind))
        return DocumentResult.unread(str(path), problem("file_timeout", "zh", str(path), limit="3"))

    task = partial(_audit_task, audit_guarded, "zh")
    results = list(in_order(task, files, packs, 1, lambda: None, lambda _: None, record, Supervision(seconds=3)))
    assert lost == [("b.txt", "timeout")]
    assert [r.passed > 100 for r in results] == [True, False, True]


def test_a_file_whose_worker_earns_time_gets_it_and_is_still_stopped_at_the_new_limit(
        monkeypatch: pytest.MonkeyPatch, packs: list[Pack], tmp_path: Path) -> None:
    """A scan's pages earn their OCR time (auditor.budget): the file runs past the run's limit by what it earned,
    no longer, and its problem names the limit that applied."""
    import time

    files = []
    for name in ("a.txt", "b.txt"):
        files.append(tmp_path / name)
        files[-1].write_text(S004.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv(EARN_ON, "b.txt")  # earns 2 s, then hangs
    started = time.monotonic()
    results = list(run_parallel(audit_guarded, files, packs, "en", 1, supervision=Supervision(seconds=2)))
    took = time.monotonic() - started
    assert results[0].passed > 100 and [p.slug for p in results[1].problems] == ["file_timeout"]
    assert "4 s" in results[1].problems[0].message, results[1].problems[0].message
    assert 4 <= took < 12, took  # 2 s of its own, 2 earned; the workers' start and the first file besides


def test_a_runaway_allocation_in_a_worker_is_the_files_limit_problem(monkeypatch: pytest.MonkeyPatch,
                                                                     packs: list[Pack]) -> None:
    import auditor.audit as audit_module

    def hungry(*_: object, **__: object) -> DocumentResult:
        raise MemoryError

    monkeypatch.setattr(audit_module, "audit_file", hungry)
    result = audit_guarded(S004, packs, "zh")
    assert [p.slug for p in result.problems] == ["limit_exceeded"]
    assert "处理所需内存超过上限（2 GiB）" in result.problems[0].message
    assert limits.WORKER_MEMORY_BYTES == 2 << 30


def test_the_cli_stops_a_file_past_its_timeout(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(S004.read_text(encoding="utf-8"), encoding="utf-8")
    done = _cli("audit", "--format", "json", "--timeout", "3", "--lang", "en", str(folder), env={HANG_ON: "b.txt"})
    assert done.returncode == 2
    documents = json.loads(done.stdout)["documents"]
    assert [[p["slug"] for p in d["problems"]] for d in documents] == [[], ["file_timeout"], []]
    assert "took over 3 s and was stopped" in documents[1]["problems"][0]["message"]
    assert documents[2]["summary"]["passed"] > 100


def _copies(tmp_path: Path, names: list[str]) -> list[Path]:
    files = []
    for name in names:
        files.append(tmp_path / name)
        files[-1].write_text(S004.read_text(encoding="utf-8"), encoding="utf-8")
    return files


def test_a_timeout_with_two_jobs_costs_only_its_file(monkeypatch: pytest.MonkeyPatch, packs: list[Pack],
                                                     tmp_path: Path) -> None:
    """The files queued behind a stopped one in its pool are retried, never reported as errors of their own (a
    cancelled future once made them internal_errors, in 2 of 3 runs)."""
    files = _copies(tmp_path, [f"f{i}.txt" for i in range(8)])
    monkeypatch.setenv(HANG_ON, "f1.txt")
    results = list(run_parallel(audit_guarded, files, packs, "zh", 2, supervision=Supervision(seconds=3)))
    assert [[p.slug for p in r.problems] for r in results] == [[], ["file_timeout"]] + [[]] * 6
    assert all(r.passed > 100 for i, r in enumerate(results) if i != 1)


def test_a_run_stopped_early_does_not_wait_for_a_hung_file(monkeypatch: pytest.MonkeyPatch, packs: list[Pack],
                                                            tmp_path: Path) -> None:
    """A consumer that stops (a full store, a broken pipe) while a later file hangs in a worker: the workers are
    killed, not waited for (it waited for ever)."""
    import time

    files = _copies(tmp_path, ["a.txt", "b.txt", "c.txt", "d.txt"])
    monkeypatch.setenv(HANG_ON, "c.txt")
    results = run_parallel(audit_guarded, files, packs, "zh", 2, supervision=Supervision(seconds=600))
    assert next(results).passed > 100
    start = time.monotonic()
    results.close()  # type: ignore[attr-defined]
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("year", [2021, 2024, 2025])
def test_a_flattened_dumps_long_digit_runs_are_still_row_values(year: int, packs: list[Pack],
                                                                engine: Engine) -> None:
    """平潭's table 四 is a 17-digit run of 15 cells: too long to read as one number, but where the row's values
    are (the label stayed the label, the table was found), and no number_too_long for a flattened dump."""
    result = audit_file(ROOT.parent / "shared" / "corpus" / "reports" / f"pingtan-{year}.txt", packs, engine=engine)
    assert [p.slug for p in result.problems] == ["flattened_text"]
