"""Batch runs: worker processes, results in input order whatever the number of workers, a dying worker costs only
its own file, a progress bar only when asked for or on a terminal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.audit import audit_paths
from auditor.batch import CRASH_ON
from auditor.cli import main
from auditor.packs import Pack

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
