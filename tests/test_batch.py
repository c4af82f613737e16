"""Batch runs: worker processes, results in input order whatever the number of workers, a dying worker costs only
its own file, a progress bar only when asked for or on a terminal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.batch import CRASH_ON, IN_PROCESS
from auditor.cli import main
from auditor.packs import Pack
from auditor.run import audit_paths

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _folder(tmp_path: Path) -> Path:
    for i, sample in enumerate(sorted(SAMPLES.glob("*.txt")) * 2):
        shutil.copy(sample, tmp_path / f"{i:02d}-{sample.name}")
    (tmp_path / "99-empty.txt").write_bytes(b"")
    return tmp_path


def test_results_do_not_depend_on_the_number_of_workers(tmp_path: Path, packs: list[Pack]) -> None:
    folder = _folder(tmp_path)
    one = audit_paths([folder], packs, jobs=1)
    three = audit_paths([folder], packs, jobs=3)
    assert one == three
    assert [Path(d.path).name for d in three.documents] == sorted(p.name for p in folder.iterdir())


def test_a_worker_that_dies_costs_only_its_file(tmp_path: Path, packs: list[Pack],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)
    victim = sorted(p.name for p in folder.iterdir())[3]
    monkeypatch.setenv(CRASH_ON, victim)  # spawned workers inherit the environment
    result = audit_paths([folder], packs, jobs=2)
    by_name = {Path(d.path).name: d for d in result.documents}
    assert [p.slug for p in by_name[victim].problems] == ["worker_died"]
    assert all(d.passed > 0 for name, d in by_name.items() if name not in {victim, "99-empty.txt"})


def test_progress_bar_on_request_only(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    shown = CliRunner().invoke(main, ["audit", "--progress", "-j", "2", "--format", "json", str(folder)])
    hidden = CliRunner().invoke(main, ["audit", "--no-progress", "--format", "json", str(folder)])
    assert "份" in shown.stderr and hidden.stderr == ""
    assert json.loads(shown.stdout) == json.loads(hidden.stdout)
    # With a store, the first pass (reading and recording every file) has a bar of its own: no silent wait.
    stored = CliRunner().invoke(main, ["audit", "--progress", "--db", str(tmp_path / "h.db"), "--format", "json",
                                       str(folder)])
    assert "读取入库" in stored.stderr and "核查" in stored.stderr


def test_a_run_streams_its_documents(tmp_path: Path, packs: list[Pack], monkeypatch: pytest.MonkeyPatch) -> None:
    """The first document comes before the second file is audited, so a run of any size holds only the documents
    in flight; with a store, each document's facts are read back from it, not kept from the first pass."""
    import auditor.run as run_module
    from auditor.run import audit_stream
    from auditor.store import Store

    folder = tmp_path / "reports"
    folder.mkdir()
    _folder(folder)
    audited: list[str] = []
    real = run_module.audit_guarded
    monkeypatch.setattr(run_module, "audit_guarded",
                        lambda path, *rest: audited.append(path.name) or real(path, *rest))
    run = audit_stream([folder], packs, supervision=IN_PROCESS)  # in this process, where the patch is
    first = next(run.documents)
    assert audited == [Path(first.path).name]
    with Store(tmp_path / "history.db") as store:
        streamed = audit_stream([folder], packs, store=store)
        kept = run_module.audit_paths([folder], packs)
        assert [d.findings for d in streamed.documents] == [d.findings for d in kept.documents]


def test_a_streamed_json_run_is_one_valid_document(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    from auditor.resources import schema

    folder = _folder(tmp_path)
    result = CliRunner().invoke(main, ["audit", "--format", "json", str(folder)])
    data = json.loads(result.stdout)
    Draft202012Validator(schema("audit-result.schema.json")).validate(data)
    assert data["summary"]["documents"] == len(data["documents"]) == 11
    assert data["summary"]["findings"] == sum(len(d["findings"]) for d in data["documents"])
    assert data["summary"]["problems"] == sum(len(d["problems"]) for d in data["documents"]) > 0
    (tmp_path / "nothing-here").mkdir()
    empty = json.loads(CliRunner().invoke(main, ["audit", "--format", "json", str(tmp_path / "nothing-here")]).stdout)
    assert empty["documents"] == [] and [p["slug"] for p in empty["problems"]] == ["no_input_files"]


def test_a_worker_that_dies_while_files_are_being_prepared_costs_only_its_file(
        tmp_path: Path, packs: list[Pack], monkeypatch: pytest.MonkeyPatch) -> None:
    """With a store, each file is prepared (read back, compared) just before it is handed to a worker; a worker that
    died meanwhile breaks the pool under the next hand-over, which must go to a fresh pool, not end the run."""
    import time

    from auditor.audit import audit_guarded
    from auditor.batch import run_parallel

    folder = _folder(tmp_path)
    files = sorted(folder.iterdir())[:6]
    monkeypatch.setenv(CRASH_ON, files[1].name)

    def slow(_: Path) -> None:
        time.sleep(0.3)  # long enough for the victim's worker to die before the next file is handed over

    results = list(run_parallel(audit_guarded, files, packs, "zh", 2, prepare=slow))
    assert [Path(d.path).name for d in results] == [f.name for f in files]
    assert [p.slug for p in results[1].problems] == ["worker_died"]
    assert all(d.passed > 0 for i, d in enumerate(results) if i != 1)


def test_with_a_store_files_are_read_in_workers_and_a_dying_one_costs_only_its_file(
        tmp_path: Path, packs: list[Pack], monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's first pass reads files in worker processes too; a file that kills its worker there (and again
    in the audit) is that file's worker_died, and every other file is recorded and audited as with one process."""
    from auditor.store import Store

    folder = tmp_path / "reports"
    folder.mkdir()
    _folder(folder)
    with Store(tmp_path / "one.db") as store:
        one = audit_paths([folder], packs, jobs=1, store=store)
        recorded = store.document_count()  # one per content: each sample is there twice
    victim = sorted(p.name for p in folder.iterdir())[2]
    monkeypatch.setenv(CRASH_ON, victim)
    with Store(tmp_path / "two.db") as store:
        two = audit_paths([folder], packs, jobs=2, store=store)
        assert store.document_count() == recorded  # the victim's twin (same bytes) was recorded
    for a, b in zip(one.documents, two.documents, strict=True):
        if Path(a.path).name == victim:
            assert [p.slug for p in b.problems] == ["worker_died"]
        else:
            assert a == b


def test_a_run_with_a_dying_worker_ends(tmp_path: Path) -> None:
    """A worker that died while its pool was still starting the others left one outside the pool's shutdown: the
    report was written, then the process never exited (5 of 6 runs before the workers were started up front)."""
    import os
    import subprocess
    import sys

    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, tmp_path / sample.name)
    env = {**os.environ, CRASH_ON: "001_c4cd1e6bdb0ce4f5.txt"}
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", "from auditor.cli import main; main()", "audit", "-j", "2",
                               "--format", "json", str(tmp_path)], env=env, capture_output=True, timeout=120)
        assert done.returncode == 2
        assert "worker_died" in done.stdout.decode("utf-8")


_DIES_AS_IT_STARTS = """
import sys
if __name__ == "__mp_main__":  # how spawn imports this script in each worker: the worker dies as it starts
    sys.exit(3)
from auditor.cli import main
if __name__ == "__main__":
    main()
"""


def test_workers_that_die_as_they_start_never_hang_the_run(tmp_path: Path) -> None:
    """A worker that died before it had read its start-up data left the parent blocked for ever in spawn's write of
    that data (the packs, 650 KB, were sent that way: batch._shipped). Now the run ends, each file its worker_died
    problem, and after a few starts that fail no more are tried."""
    import subprocess
    import sys
    import time

    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, tmp_path / sample.name)
    script = tmp_path.parent / "dies_as_it_starts.py"
    script.write_text(_DIES_AS_IT_STARTS, encoding="utf-8")
    for jobs in ("1", "2"):
        start = time.monotonic()
        done = subprocess.run([sys.executable, str(script), "audit", "-j", jobs, "--format", "json", str(tmp_path)],
                              capture_output=True, timeout=120)
        assert done.returncode == 2, done.stderr.decode("utf-8", errors="replace")
        documents = json.loads(done.stdout)["documents"]
        assert len(documents) == 5
        assert all([p["slug"] for p in d["problems"]] == ["worker_died"] for d in documents)
        assert time.monotonic() - start < 60
