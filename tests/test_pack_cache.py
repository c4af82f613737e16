"""Compiled packs cached on disk (auditor/packs/cache.py): read back only when made from the same files by the same
code, passed over whenever the cache is in doubt, never holding a pack that failed to load."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.audit import audit_file
from auditor.formatters.encode import dumps_indented
from auditor.formatters.serialize import document
from auditor.packs import PackError, load_pack, loader
from auditor.packs.model import Pack
from auditor.resources import default_pack_dirs, rules_root
from tests.conftest import SAMPLES


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The directories compiled from their files (not read from the cache), in order."""
    compiled: list[Path] = []
    real: Callable[..., Pack] = loader._compiled

    def counting(directory: Path, *args: object) -> Pack:
        compiled.append(directory)
        return real(directory, *args)

    monkeypatch.setattr(loader, "_compiled", counting)
    return compiled


def _pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled packs; the standard pack's folder in it."""
    shutil.copytree(rules_root(), tmp_path / "rules")
    return tmp_path / "rules" / "standard"


def _audited(pack: Pack) -> list[str]:
    return [dumps_indented(document(audit_file(path, [pack]))) for path in sorted(SAMPLES.glob("*.txt"))]


def test_a_pack_read_back_audits_as_the_one_compiled(cache: Path, compiles: list[Path]) -> None:
    directory = next(d for d in default_pack_dirs() if d.name == "standard")
    first = load_pack(directory)
    again = load_pack(directory)
    assert compiles == [directory]
    assert len(list(cache.glob("pack-*.pickle"))) == 1
    assert again is not first
    assert [c.check_id for c in again.checks] == [c.check_id for c in first.checks]
    assert [(s.name, s.rules) for s in again.shards] == [(s.name, s.rules) for s in first.shards]
    assert again.path == first.path
    assert _audited(again) == _audited(first)


def test_an_edited_rule_file_is_compiled_again(tmp_path: Path, cache: Path, compiles: list[Path]) -> None:
    directory = _pack_copy(tmp_path)
    load_pack(directory)
    rule = directory / "T3-BAL.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("severity: error", "severity: warning", 1),
                    encoding="utf-8")
    edited = load_pack(directory)
    assert compiles == [directory, directory]
    assert edited.rule("T3-BAL").severity.name.lower() == "warning"


def test_an_edit_to_the_pack_extended_is_compiled_again(tmp_path: Path, cache: Path, compiles: list[Path]) -> None:
    child = _pack_copy(tmp_path).parent / "standard-2019"
    load_pack(child)
    parent_rule = child.parent / "standard" / "T3-BAL.yaml"
    parent_rule.write_text(parent_rule.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    load_pack(child)
    assert compiles == [child, child]


def test_other_parameters_are_another_pack(cache: Path, compiles: list[Path]) -> None:
    directory = next(d for d in default_pack_dirs() if d.name == "standard")
    load_pack(directory)
    changed = load_pack(directory, {"proactive_min_items": 3})
    assert changed.parameters["proactive_min_items"] == 3
    assert load_pack(directory).parameters["proactive_min_items"] == 10
    assert compiles == [directory, directory]


def test_a_damaged_file_is_passed_over_and_written_again(cache: Path, compiles: list[Path]) -> None:
    directory = next(d for d in default_pack_dirs() if d.name == "standard")
    load_pack(directory)
    (stored,) = cache.glob("pack-*.pickle")
    stored.write_bytes(stored.read_bytes()[:1000])
    load_pack(directory)
    assert isinstance(pickle.loads(stored.read_bytes()), Pack)
    stored.write_bytes(pickle.dumps({"not": "a pack"}))
    assert isinstance(load_pack(directory), Pack)
    assert compiles == [directory] * 3


def test_a_folder_others_may_write_in_is_not_read(cache: Path, compiles: list[Path]) -> None:
    directory = next(d for d in default_pack_dirs() if d.name == "standard")
    load_pack(directory)
    cache.chmod(0o777)  # anyone could have put a pickle there, and a pickle runs code
    try:
        load_pack(directory)
        load_pack(directory)
    finally:
        cache.chmod(0o700)
    assert compiles == [directory] * 3


def test_set_empty_nothing_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[Path]) -> None:
    monkeypatch.setenv("AUDITOR_CACHE_DIR", "")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    directory = next(d for d in default_pack_dirs() if d.name == "standard")
    load_pack(directory)
    load_pack(directory)
    assert compiles == [directory] * 2
    assert not any(tmp_path.rglob("*.pickle"))


def test_a_pack_that_fails_is_never_stored(tmp_path: Path, cache: Path) -> None:
    directory = _pack_copy(tmp_path)
    rule = directory / "T3-BAL.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("severity: error", "severity: grave", 1),
                    encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PackError, match="T3-BAL.yaml"):
            load_pack(directory)
    assert not cache.exists() or not any(cache.glob("pack-*.pickle"))


def test_an_unwritable_folder_costs_only_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(blocked / "cache"))
    directory = next(d for d in default_pack_dirs() if d.name == "standard")
    assert load_pack(directory).id == "standard"
    assert os.path.isfile(blocked)


def test_an_edited_manifest_is_read_again(tmp_path: Path, cache: Path) -> None:
    directory = _pack_copy(tmp_path)
    title = load_pack(directory).title["zh"]
    assert load_pack(directory).title["zh"] == title
    manifest = directory / "pack.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(title, "改过的标题", 1), encoding="utf-8")
    assert load_pack(directory).title["zh"] == "改过的标题"
    assert len(list(cache.glob("manifest-*.pickle"))) == 2
