"""Issue 9, items 5 and 7: every way the history store or an output folder cannot be used is one clear message (in
--lang) and exit 2, never a traceback; a full disk says so; a corrupt store is refused before it is written; a
summary that fails to be written leaves the previous one whole.

Conditions and how they are made: disk full by SQLite's `max_page_count` (SQLITE_FULL, everywhere) and by a tiny
tmpfs (only where mounting is permitted, else skipped); corrupt pages by garbage written over a table's root page;
read-only and permission denied by running as the unprivileged user `nobody` when the tests run as root (root's
writes ignore file modes), by chmod otherwise; a lock by another connection holding the database.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import auditor.cli as cli
import auditor.run as run_module
from auditor.cli import main
from auditor.packs import Pack
from auditor.run import audit_paths
from auditor.store import MIGRATIONS, Store, StoreError
from auditor.store.errors import MESSAGES, classify
from auditor.summary import WRITERS, collect, write_all

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
S004 = SAMPLES / "004_bdd5b039361f2e6c.txt"
SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
AUDITOR = [sys.executable, "-c", "from auditor.cli import main; main()"]  # the command, in a process of its own
SUMMARY_FILES = ["agencies.csv", "findings.csv", "summary.html", "summary.md", "summary.xlsx", "tongbao.docx"]


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory, packs: list[Pack]) -> Path:
    """A store holding the five samples (copy it before changing it)."""
    path = tmp_path_factory.mktemp("recorded") / "audits.db"
    with Store(path) as store:
        audit_paths([SAMPLES], packs, store=store)
    return path


def _copy(recorded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(recorded, tmp_path / "audits.db"))


def _capped(extra_pages: int) -> type[Store]:
    """A Store whose database may grow by `extra_pages` pages only: SQLite then fails as on a full disk."""

    class Capped(Store):
        def __init__(self, path: Path | str, timeout: float = 30.0) -> None:
            super().__init__(path, timeout)
            pages = self._connection.execute("PRAGMA page_count").fetchone()[0]
            self._connection.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    return Capped


# --- opening ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "words"), [("zh", "没有文件夹"), ("en", "there is no folder")])
def test_a_store_in_a_missing_folder_is_a_message_and_exit_2(tmp_path: Path, lang: str, words: str) -> None:
    db = tmp_path / "no" / "such" / "h.db"
    result = run("audit", "--db", str(db), "--lang", lang, str(S004))
    assert result.exit_code == 2 and result.stdout == ""
    assert words in result.stderr and str(db) in result.stderr and str(db.parent) in result.stderr
    assert not (tmp_path / "no").exists()


def test_a_store_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as raised:
        Store(tmp_path)
    assert raised.value.kind == "is_directory" and "是一个文件夹" in raised.value.message("zh")
    assert run("audit", "--db", str(tmp_path), str(S004)).exit_code == 2  # click says so first (dir_okay=False)


def test_a_file_that_is_not_a_database_is_named_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_bytes(b"minutes of the meeting, not a database " * 200)
    before = db.read_bytes()
    result = run("audit", "--db", str(db), str(S004))
    assert result.exit_code == 2 and "不是 SQLite 数据库" in result.stderr and str(db) in result.stderr
    assert db.read_bytes() == before


def test_a_newer_store_is_refused_in_either_language(recorded: Path, tmp_path: Path) -> None:
    db = _copy(recorded, tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 3}")
    zh = run("audit", "--db", str(db), str(S004))
    assert zh.exit_code == 2 and f"结构版本为 {len(MIGRATIONS) + 3}" in zh.stderr and "更新版本的 auditor" in zh.stderr
    en = run("summary", "--db", str(db), "--out", str(tmp_path / "out"), "--lang", "en")
    assert en.exit_code == 2 and "newer than this auditor knows" in en.stderr and str(db) in en.stderr
    assert not (tmp_path / "out").exists()


@contextlib.contextmanager
def _held(db: Path, how: str) -> Iterator[None]:
    """Another process's lock on the store, for as long as the block runs."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute(f"BEGIN {how}")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_store_locked_beyond_the_busy_timeout(recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                packs: list[Pack]) -> None:
    db = _copy(recorded, tmp_path)
    with _held(db, "EXCLUSIVE"), pytest.raises(StoreError) as raised:  # at open: nothing can be read
        Store(db, timeout=0.2)
    assert raised.value.kind == "locked" and "0.2 秒" in raised.value.message("zh")
    with Store(db, timeout=0.2) as store, _held(db, "IMMEDIATE"), pytest.raises(StoreError) as raised:
        audit_paths([S004], packs, store=store)  # mid-run: the first record waits for the writer's lock
    assert raised.value.kind == "locked"
    monkeypatch.setattr(cli, "Store", partial(Store, timeout=0.2))
    with _held(db, "IMMEDIATE"):
        result = run("audit", "--db", str(db), "--lang", "en", str(S004))
    assert result.exit_code == 2 and "locked by another process" in result.stderr


# --- disk full ----------------------------------------------------------------------------------------------------


def test_a_full_disk_inside_a_batch_says_so_not_no_such_savepoint(tmp_path: Path, packs: list[Pack]) -> None:
    """SQLITE_FULL rolls the whole transaction back, the savepoint of the record with it; rolling back to that
    savepoint then failed with "no such savepoint: record", which hid the cause."""
    with _capped(2)(tmp_path / "h.db") as store:
        with pytest.raises(StoreError) as raised, store.batch():
            audit_paths([S004], packs, store=store)
        assert raised.value.kind == "full" and "savepoint" not in str(raised.value)
        assert "磁盘已满" in raised.value.message("zh") and "disk is full" in raised.value.message("en")
        assert not store._connection.in_transaction  # nothing left open: the store is still usable
        store._connection.execute("PRAGMA max_page_count = 1000000")
        audit_paths([S004], packs, store=store)
        assert store.document_count() == 1


def test_a_full_disk_during_a_run_is_a_message_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "Store", _capped(2))
    result = run("audit", "--db", str(tmp_path / "h.db"), str(SAMPLES))
    assert result.exit_code == 2 and "磁盘已满" in result.stderr and "savepoint" not in result.stderr


def test_a_full_disk_after_results_were_printed_keeps_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store fills up while the audit pass records its results: what was printed stays printed, the run stops
    with the store's message and exit 2, and the documents of the batch that failed stay audit_pending."""
    monkeypatch.setattr(run_module, "RECORD_BATCH", 2)
    first_pass = run_module._record_all

    def then_full(*args: Any, **kwargs: Any) -> dict[Path, int]:
        recorded = first_pass(*args, **kwargs)
        store = args[4]
        pages = store._connection.execute("PRAGMA page_count").fetchone()[0]
        store._connection.execute(f"PRAGMA max_page_count = {pages}")  # not one page more from here on
        return recorded

    monkeypatch.setattr(run_module, "_record_all", then_full)
    db = tmp_path / "h.db"
    result = run("audit", "--db", str(db), "--lang", "en", str(SAMPLES))
    assert result.exit_code == 2 and "the disk is full" in result.stderr
    assert SAMPLE_FILES[0].name in result.stdout  # printed before the first batch of results was recorded
    assert "5 files" not in result.stdout  # the run's closing line never came
    with sqlite3.connect(db) as connection:
        pending = connection.execute("SELECT count(*) FROM problems WHERE slug = 'audit_pending'").fetchone()[0]
    assert pending == len(SAMPLE_FILES)  # the failed batch was rolled back whole; running again completes it


@contextlib.contextmanager
def _tiny_tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                                 capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def _fill(folder: Path) -> None:
    """Take every free byte of the file system holding `folder`."""
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


def test_a_really_full_disk_during_a_run(tmp_path: Path) -> None:
    with _tiny_tmpfs(tmp_path / "small", "200k") as small:
        result = run("audit", "--db", str(small / "h.db"), str(SAMPLES))
    assert result.exit_code == 2 and "磁盘已满" in result.stderr and "savepoint" not in result.stderr


# --- corrupt ------------------------------------------------------------------------------------------------------


def _corrupt(db: Path) -> None:
    """Garbage over the root page of the documents table, as a failing disk or a copy cut short would leave."""
    with sqlite3.connect(db) as connection:
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with db.open("r+b") as handle:
        handle.seek((root - 1) * size)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(size)))


def test_a_corrupt_store_is_refused_before_anything_is_written(recorded: Path, tmp_path: Path) -> None:
    db = _copy(recorded, tmp_path)
    _corrupt(db)
    before = db.read_bytes()
    with pytest.raises(StoreError) as raised:
        Store(db)
    assert raised.value.kind == "corrupt"
    result = run("audit", "--db", str(db), str(S004))
    assert result.exit_code == 2 and result.stdout == ""
    assert "已损坏" in result.stderr and str(db) in result.stderr and "备份" in result.stderr
    summary = run("summary", "--db", str(db), "--out", str(tmp_path / "out"), "--lang", "en")
    assert summary.exit_code == 2 and "is corrupt" in summary.stderr and "restore the file" in summary.stderr
    assert db.read_bytes() == before and not (tmp_path / "out").exists()


def test_the_store_is_checked_at_open_and_thoroughly_after_a_run_that_did_not_finish(
        recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packs: list[Pack]) -> None:
    checks: list[bool] = []
    original = Store._check

    def check(self: Store, thorough: bool) -> None:
        checks.append(thorough)
        original(self, thorough)

    monkeypatch.setattr(Store, "_check", check)
    db = _copy(recorded, tmp_path)
    Store(db).close()
    assert checks == [False]  # a store left whole: quick_check
    # A process killed in the middle of a transaction that had begun to write the file (a cache too small for the
    # transaction spills pages to it) leaves a hot journal beside the store. A journal whose writer never touched
    # the file keeps a zeroed header, and neither SQLite nor Store counts it.
    killed = ("import os, sqlite3, sys\n"
              "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "c.execute('PRAGMA cache_size = 2')\n"
              "c.execute('BEGIN IMMEDIATE'); c.execute('DELETE FROM findings'); c.execute('DELETE FROM narratives')\n"
              "os._exit(9)\n")
    subprocess.run([sys.executable, "-c", killed, str(db)], check=False, timeout=60)
    assert Path(f"{db}-journal").read_bytes()[:8] == bytes.fromhex("d9d505f920a163d7")
    with Store(db) as store:  # checked thoroughly, then SQLite plays the journal back: nothing was lost
        assert store._connection.execute("SELECT count(*) FROM findings").fetchone()[0] > 0
    assert checks == [False, True]
    Store(db).close()  # played back: a store left whole again
    assert checks == [False, True, False]
    # A run stopped between its two passes leaves audit_pending documents: checked thoroughly too.
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO problems (document_id, slug, title, message) "
                           "VALUES ((SELECT min(id) FROM documents), 'audit_pending', 't', 'm')")
    connection.close()
    Store(db).close()
    assert checks == [False, True, False, True]


def test_a_store_failing_while_a_file_is_prepared_stops_the_run(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A StoreError met while reading a file's facts back is the store's, not that file's internal_error."""

    def corrupt(self: Store, document_id: int) -> dict[str, Any]:
        raise StoreError("corrupt", self.path, detail="database disk image is malformed")

    monkeypatch.setattr(Store, "facts_of", corrupt)
    result = run("audit", "--db", str(tmp_path / "h.db"), "--format", "json", str(S004))
    assert result.exit_code == 2 and "已损坏" in result.stderr and "internal_error" not in result.stdout


# --- read-only and permission denied --------------------------------------------------------------------------------

_AS_NOBODY = """
import json, sys
from pathlib import Path
from auditor.model import DocumentResult, Problem
from auditor.store import Store, StoreError
kinds = {}
for name in sys.argv[1:]:
    try:
        with Store(name) as store:  # one write, as a run's would be
            store.record_unreadable(Path(name), DocumentResult.unread(name, Problem("read_error", "t", "m", name)))
        kinds[name] = "ok"
    except StoreError as exc:
        kinds[name] = exc.kind
    except Exception as exc:
        kinds[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(kinds))
"""


def _unprivileged() -> dict[str, Any]:
    """How to run a process that file modes apply to: as `nobody` when we are root (root's writes ignore them);
    skipped when that user cannot run this interpreter (e.g. a Python under /root, mode 0700)."""
    if os.geteuid() != 0:
        return {}
    drop: dict[str, Any] = {"user": 65534, "group": 65534, "extra_groups": []}
    try:
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True, timeout=120, **drop)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"running as root, whose writes file modes do not stop, and the unprivileged user cannot run "
                    f"{sys.executable} ({exc}); the read-only file system test covers read-only stores")
    return drop


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder `nobody` can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="auditor-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            with contextlib.suppress(OSError):
                path.chmod(0o777 if path.is_dir() else 0o666)
        shutil.rmtree(folder, ignore_errors=True)


def test_read_only_stores_and_folders(recorded: Path, shared_tmp: Path) -> None:
    writable = shared_tmp / "writable"
    writable.mkdir(mode=0o777)
    writable.chmod(0o777)
    readonly_file = Path(shutil.copy(recorded, writable / "read-only.db"))
    readonly_file.chmod(0o444)
    closed = shared_tmp / "closed"
    closed.mkdir()
    writable_file = Path(shutil.copy(recorded, closed / "writable.db"))
    writable_file.chmod(0o666)
    closed.chmod(0o555)
    wanted = [str(readonly_file), str(closed / "new.db"), str(writable_file)]
    done = subprocess.run([sys.executable, "-c", _AS_NOBODY, *wanted], cwd=ROOT, capture_output=True, timeout=120,
                          **_unprivileged())
    assert done.returncode == 0, done.stderr.decode()
    kinds = json.loads(done.stdout)
    # The file read-only; no new file in a closed folder; no journal beside a writable file in a closed folder.
    assert [kinds[w] for w in wanted] == ["read_only", "permission", "read_only"]
    audited = subprocess.run([*AUDITOR, "audit", "--db", str(readonly_file), str(S004)],
                             cwd=ROOT, capture_output=True, timeout=300, **_unprivileged())
    stderr = audited.stderr.decode()
    assert audited.returncode == 2 and "不可写" in stderr and "Traceback" not in stderr


def test_a_store_on_a_read_only_file_system(recorded: Path, tmp_path: Path) -> None:
    """What root cannot be stopped by with chmod, a read-only mount stops: the store can be read and summarised,
    not written."""
    with _tiny_tmpfs(tmp_path / "ro", "2m") as ro:
        db = Path(shutil.copy(recorded, ro / "audits.db"))
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(ro)], capture_output=True, timeout=30)
        assert remounted.returncode == 0, remounted.stderr
        existing = run("audit", "--db", str(db), str(S004))
        new = run("audit", "--db", str(ro / "new.db"), "--lang", "en", str(S004))
        summarised = run("summary", "--db", str(db), "--out", str(tmp_path / "out"))
        refused = run("summary", "--db", str(db), "--out", str(ro / "out"))
    assert existing.exit_code == 2 and "不可写" in existing.stderr and "readonly" in existing.stderr
    assert new.exit_code == 2 and "cannot be written" in new.stderr and "Read-only file system" in new.stderr
    assert summarised.exit_code == 0 and (tmp_path / "out" / "summary.html").is_file()
    assert refused.exit_code == 2 and "文件系统只读" in refused.stderr


# --- every message renders -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["database or disk is full", "database disk image is malformed",
                                  "file is not a database", "database is locked", "attempt to write a readonly "
                                  "database", "disk I/O error", "something else entirely"])
def test_sqlite_errors_without_a_code_are_classified_by_their_text(tmp_path: Path, text: str) -> None:
    error = classify(sqlite3.OperationalError(text), tmp_path / "h.db", 30)
    assert error.kind != "failed" or text == "something else entirely"
    for lang in ("zh", "en"):
        assert str(tmp_path / "h.db") in error.message(lang)


def test_every_kind_has_both_languages() -> None:
    assert all(set(templates) == {"zh", "en"} for templates in MESSAGES.values())


# --- summary --out --------------------------------------------------------------------------------------------------


def test_summary_into_a_path_under_a_file_is_a_message_and_exit_2(recorded: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = run("summary", "--db", str(recorded), "--out", str(tmp_path / "a-file" / "summary"))
    assert result.exit_code == 2 and "无法把汇总写入" in result.stderr and "不是文件夹" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_summary_that_fails_halfway_leaves_the_previous_one_whole(recorded: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "summary"
    assert run("summary", "--db", str(recorded), "--out", str(out)).exit_code == 0
    (out / "notes.txt").write_text("the office's own file", encoding="utf-8")
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert sorted(p for p in before if not p.startswith("reports/")) == sorted([*SUMMARY_FILES, "notes.txt"])
    assert len([p for p in before if p.startswith("reports/")]) == 5  # each report's page, kept whole too

    def full(*_: object) -> list[Path]:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setitem(WRITERS, "xlsx", full)  # after html and md were written, before the CSVs
    result = run("summary", "--db", str(recorded), "--out", str(out), "--lang", "en")
    assert result.exit_code == 2 and "No space left on device" in result.stderr and "left as they were" in result.stderr
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary"]  # no temporary folder left beside it


def test_a_summary_written_whole_replaces_the_previous_files_and_keeps_the_others(
        recorded: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary"
    out.mkdir()
    (out / "summary.md").write_text("last year's", encoding="utf-8")
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    paths = write_all(collect(recorded), out, "zh")
    assert sorted(p.name for p in paths) == sorted(SUMMARY_FILES) and all(p.parent == out for p in paths)
    assert "last year's" not in (out / "summary.md").read_text(encoding="utf-8")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary"]
    fresh = tmp_path / "fresh"
    write_all(collect(recorded), fresh, "zh")
    assert fresh.stat().st_mode & 0o777 == 0o777 & ~_umask()  # made as mkdir makes a folder, not 0700


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_summary_onto_a_really_full_disk_leaves_the_previous_one(recorded: Path, tmp_path: Path) -> None:
    with _tiny_tmpfs(tmp_path / "small", "4m") as small:
        out = small / "summary"
        assert run("summary", "--db", str(recorded), "--out", str(out)).exit_code == 0
        before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        _fill(small)
        result = run("summary", "--db", str(recorded), "--out", str(out))
        after = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        leftovers = sorted(p.name for p in small.iterdir())
    assert result.exit_code == 2 and "磁盘空间不足" in result.stderr
    assert after == before and leftovers == ["filler", "summary"]


def test_a_summary_into_a_link_to_another_file_system(recorded: Path, tmp_path: Path) -> None:
    """The files are staged where the link points (a rename across file systems fails with EXDEV)."""
    with _tiny_tmpfs(tmp_path / "elsewhere", "4m") as elsewhere:
        (elsewhere / "summary").mkdir()
        link = tmp_path / "out"
        link.symlink_to(elsewhere / "summary")
        result = run("summary", "--db", str(recorded), "--out", str(link))
        written = sorted(p.name for p in (elsewhere / "summary").iterdir())
        leftovers = sorted(p.name for p in elsewhere.iterdir())
    assert result.exit_code == 0, result.stderr
    assert "summary.html" in written and leftovers == ["summary"]
    assert str(link / "summary.html") in result.stdout


def test_a_summary_into_a_folder_nobody_may_write(recorded: Path, shared_tmp: Path) -> None:
    db = Path(shutil.copy(recorded, shared_tmp / "audits.db"))
    db.chmod(0o644)
    out = shared_tmp / "closed" / "summary"
    out.parent.mkdir()
    out.parent.chmod(0o555)
    done = subprocess.run([*AUDITOR, "summary", "--db", str(db), "--out", str(out),
                           "--lang", "en"], cwd=ROOT, capture_output=True, timeout=300, **_unprivileged())
    stderr = done.stderr.decode()
    assert done.returncode == 2 and "Permission denied" in stderr and "Traceback" not in stderr
    assert not out.exists()
