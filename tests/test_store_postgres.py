"""The history store on PostgreSQL (issue 12 part 5), against a real server the session starts (tests/pgserver.py):
the same migrations and records as on SQLite, the decisions append-only, every failure a StoreError with a message
(never the password), and writers at once, each with its own connection, losing nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main
from auditor.store import MIGRATIONS, Store, StoreError
from auditor.store import schema as store_schema
from auditor.store.decisions import Decision
from auditor.store.errors import MESSAGES
from auditor.store.postgres import display
from tests.conftest import CORPUS, ROOT, SAMPLES
from tests.pgserver import PASSWORD, PostgresServer

S003 = SAMPLES / "003_1299ff54e50d8c9c.txt"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return [tuple(r) for r in connection.execute(sql).fetchall()]


# --- the schema -----------------------------------------------------------------------------------------------------


def test_a_new_database_gets_every_migration_and_its_version_in_a_table(pg_url: str) -> None:
    with Store(pg_url) as store:
        assert store.version == len(MIGRATIONS) and store.engine == "postgresql"
    assert _rows(pg_url, "SELECT version FROM auditor_schema") == [(len(MIGRATIONS),)]
    with Store(pg_url) as store:  # reopened: nothing applied again
        assert store.version == len(MIGRATIONS)


def test_both_engines_get_the_same_tables_and_columns(pg_url: str, tmp_path: Path) -> None:
    Store(tmp_path / "h.db").close()
    Store(pg_url).close()
    with sqlite3.connect(tmp_path / "h.db") as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        on_sqlite = {(t, r[1]) for t in tables for r in connection.execute(f"PRAGMA table_info({t})")}
    on_postgres = set(_rows(pg_url, "SELECT table_name, column_name FROM information_schema.columns "
                                    "WHERE table_schema = 'public' AND table_name <> 'auditor_schema'"))
    assert on_postgres == on_sqlite and len(on_sqlite) > 40
    # Every text column compares as SQLite's do (by code point), whatever the database's locale.
    collations = _rows(pg_url, "SELECT DISTINCT collation_name FROM information_schema.columns "
                               "WHERE table_schema = 'public' AND data_type = 'text'")
    assert collations == [("C",)]


def test_a_failing_migration_is_rolled_back_whole(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_schema, "MIGRATIONS", MIGRATIONS[:1])
    Store(pg_url).close()
    monkeypatch.setattr(store_schema, "MIGRATIONS", (*MIGRATIONS[:1], "CREATE TABLE half (x TEXT);\nNOT SQL;"))
    with pytest.raises(StoreError) as raised:
        Store(pg_url)
    assert raised.value.kind == "migration_failed" and "2" in raised.value.message("en")
    assert _rows(pg_url, "SELECT version FROM auditor_schema") == [(1,)]
    assert _rows(pg_url, "SELECT to_regclass('half')") == [(None,)]  # the script's first statement undone too


def test_a_newer_store_is_refused_untouched(pg_url: str, postgres_server: PostgresServer) -> None:
    Store(pg_url).close()
    with postgres_server.admin(pg_url.rsplit("/", 1)[1]) as admin:
        admin.execute("UPDATE auditor_schema SET version = 99")
    with pytest.raises(StoreError) as raised:
        Store(pg_url)
    assert raised.value.kind == "newer" and "99" in raised.value.message("zh")
    assert _rows(pg_url, "SELECT version FROM auditor_schema") == [(99,)]
    result = run("audit", "--db", pg_url, str(S003))
    assert result.exit_code == 2 and result.stdout == "" and "99" in result.stderr


def test_two_stores_opening_a_new_database_at_once_migrate_it_once(pg_url: str) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Store(pg_url).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and _rows(pg_url, "SELECT version FROM auditor_schema") == [(len(MIGRATIONS),)]


# --- what cannot be opened or used: a message, never the password ---------------------------------------------------


@pytest.fixture
def reader(postgres_server: PostgresServer, pg_url: str) -> str:
    """The URL of pg_url's database for a role that may log in and read but not create a table (PostgreSQL 15
    gives PUBLIC no CREATE on the public schema)."""
    with postgres_server.admin() as admin:
        admin.execute("DROP ROLE IF EXISTS reader")
        admin.execute("CREATE ROLE reader LOGIN PASSWORD 'reader-pw'")
    with postgres_server.admin(pg_url.rsplit("/", 1)[1]) as admin:
        admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    return pg_url.replace(f"auditor_admin:{PASSWORD}", "reader:reader-pw")


@pytest.mark.parametrize("case", ["unreachable", "auth_failed", "database_missing", "permission", "bad_url"])
def test_a_store_that_cannot_be_opened_says_why(case: str, postgres_server: PostgresServer, pg_url: str,
                                                 reader: str) -> None:
    closed_port = postgres_server.port + 1 if postgres_server.port < 65535 else 1
    url = {"unreachable": pg_url.replace(f":{postgres_server.port}/", f":{closed_port}/"),
           "auth_failed": pg_url.replace(PASSWORD, "wrong-password"),
           "database_missing": postgres_server.url("no_such_database"),
           "permission": reader,
           "bad_url": f"postgresql://auditor_admin:{PASSWORD}@127.0.0.1:{postgres_server.port}/db?no_such_option=1",
           }[case]
    with pytest.raises(StoreError) as raised:
        Store(url)
    assert raised.value.kind == case
    for lang in ("zh", "en"):
        message = raised.value.message(lang)
        assert PASSWORD not in message and "reader-pw" not in message and "wrong-password" not in message
        assert "127.0.0.1" in message
    result = run("audit", "--db", url, str(S003))
    assert result.exit_code == 2 and result.stdout == ""
    assert raised.value.message("zh").split("（")[0] in result.stderr and PASSWORD not in result.stderr


def test_the_url_shown_has_no_password() -> None:
    assert display(f"postgresql://u:{PASSWORD}@db.example:5433/audits") == "postgresql://u@db.example:5433/audits"
    assert display(f"postgresql://u@/audits?host=/run/pg&password={PASSWORD}") == \
        "postgresql://u@/audits?host=/run/pg"


def test_a_lock_held_beyond_the_timeout_is_named(pg_url: str, postgres_server: PostgresServer) -> None:
    import psycopg

    Store(pg_url).close()
    holder = psycopg.connect(pg_url)  # a transaction left open by another client
    try:
        holder.execute("LOCK TABLE decisions IN ACCESS EXCLUSIVE MODE")
        with Store(pg_url, timeout=1) as store, pytest.raises(StoreError) as raised:
            store.decisions()
        assert raised.value.kind == "locked" and "1 秒" in raised.value.message("zh")
    finally:
        holder.close()


def test_a_connection_lost_mid_run_is_named(pg_url: str, postgres_server: PostgresServer) -> None:
    with Store(pg_url) as store:
        with postgres_server.admin() as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                          (pg_url.rsplit("/", 1)[1],))
        with pytest.raises(StoreError) as raised:
            store.document_count()
        assert raised.value.kind == "connection_lost"
    assert all(kind in MESSAGES for kind in ("unreachable", "auth_failed", "database_missing", "conflict"))


# --- the same records on both engines -------------------------------------------------------------------------------


def _contents(location: Path | str) -> dict[str, Any]:
    """What a store holds, without the ids the engines number for themselves."""
    with Store(location) as store:
        docs, findings, problems, unreadable, _years, _decisions = store.summary_rows(None)
        by_id = {d[0]: d[3] for d in docs}
        return {
            "documents": [d[1:] for d in docs],
            "findings": sorted((by_id[f[0]], *f[1:]) for f in findings),
            "problems": sorted((by_id[p[0]], p[1]) for p in problems),
            "unreadable": [u[1:] for u in unreadable],
            "queue": [{k: v for k, v in f.items() if k != "document_id"} for f in store.year_findings(None)],
            "decisions": store.decisions(),
            "signatures": sorted(store.narrative_signatures(2024)),
            "previous": store.previous_year("洪泽区人民政府", 2024) is not None,
        }


def test_an_audit_records_the_same_on_both_engines(pg_url: str, tmp_path: Path) -> None:
    files = [*sorted(SAMPLES.glob("*.txt")), *[CORPUS / n for n in ("huaian-hongze-gov-2023.pdf",
                                                                    "huaian-hongze-gov-2024.pdf",
                                                                    "blank-template-2021.docx")]]
    files = [f for f in files if f.exists()]
    lite = tmp_path / "h.db"
    for where in (lite, pg_url):
        run("audit", "--db", str(where), *map(str, files))
        queue = run("review", "list", "--db", str(where), "--year", "2024", "--format", "json").stdout
        first = queue.split('"fingerprint": "')[1][:16]
        assert run("review", "dismiss", "--db", str(where), first, "--reason", "误报", "--by", "tester").exit_code == 0
        run("audit", "--db", str(where), *map(str, files))  # again: the same records, replaced
    on_sqlite, on_postgres = _contents(lite), _contents(pg_url)
    assert on_sqlite["documents"] and on_sqlite["findings"] and on_sqlite["signatures"]
    for key in on_sqlite:
        if key == "decisions":  # decided_at differs between the two runs
            assert [d.fingerprint for d in on_postgres[key]] == [d.fingerprint for d in on_sqlite[key]]
        else:
            assert on_postgres[key] == on_sqlite[key], key


def test_the_summary_of_a_server_store_is_the_summary_of_a_file_store(pg_url: str, tmp_path: Path) -> None:
    files = [f for f in (*sorted(SAMPLES.glob("*.txt")), CORPUS / "huaian-hongze-gov-2024.pdf") if f.exists()]
    lite = tmp_path / "h.db"
    outs = {}
    for name, where in (("sqlite", str(lite)), ("postgresql", pg_url)):
        run("audit", "--db", where, *map(str, files))
        outs[name] = tmp_path / name
        result = run("summary", "--db", where, "--year", "2024", "--out", str(outs[name]))
        assert result.exit_code == 0, result.stderr
    for written in ("agencies.csv", "findings.csv", "summary.md"):
        text = (outs["postgresql"] / written).read_text(encoding="utf-8-sig")
        assert text == (outs["sqlite"] / written).read_text(encoding="utf-8-sig"), written
    assert "洪泽" in (outs["postgresql"] / "agencies.csv").read_text(encoding="utf-8-sig")


def test_a_mistyped_year_on_a_server_store_names_the_years_without_the_password(pg_url: str) -> None:
    run("audit", "--db", pg_url, str(CORPUS / "huaian-hongze-gov-2024.pdf"))
    result = run("summary", "--db", pg_url, "--year", "20244", "--out", "unused")
    assert result.exit_code == 2 and "2024" in result.stderr and PASSWORD not in result.stderr


# --- writers at once ------------------------------------------------------------------------------------------------


def _audit_process(url: str, files: list[Path]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", "from auditor.cli import main; main()", "audit", "--db", url,
                             "--format", "json", "--no-progress", *map(str, files)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_two_batches_and_a_review_at_once_lose_nothing(pg_url: str, tmp_path: Path) -> None:
    """Two `auditor audit` processes over overlapping files, and a reviewer appending decisions all the while,
    each with its own connection: every document is recorded once, with the findings a lone run records, and
    every decision is there."""
    samples = sorted(SAMPLES.glob("*.txt"))
    corpus = sorted(p for p in CORPUS.glob("pingtan-*") if p.is_file())[:6]
    first, second = [*samples[:3], *corpus], [*samples[2:], *corpus[::-1]]  # sample 3 and the corpus in both
    Store(pg_url).close()
    made: list[Decision] = []
    failures: list[BaseException] = []
    batches: list[subprocess.Popen[str]] = []

    def review() -> None:  # one decision after another for as long as the batches run (and at least 10)
        try:
            with Store(pg_url) as store:
                while len(made) < 10 or any(p.poll() is None for p in batches):
                    n = len(made)
                    decision = Decision(f"{n:064x}", "TXT-NEW", "TXT-NEW", "某区政府", 2024, "confirmed", "report",
                                        "", f"reviewer{n}", f"2025-01-01T00:00:00.{n:06d}+00:00")
                    assert store.record_decisions([decision]) == 1
                    made.append(decision)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    batches.extend([_audit_process(pg_url, first), _audit_process(pg_url, second)])
    reviewer = threading.Thread(target=review)
    reviewer.start()
    errors = [p.communicate(timeout=300)[1] for p in batches]
    reviewer.join(timeout=120)
    assert not failures
    assert all("Traceback" not in e and "历史库" not in e for e in errors), errors
    assert [p.returncode for p in batches] == [p.returncode for p in batches if p.returncode in (1, 2, 3)]
    # A lone run of every file into SQLite records the same documents and findings.
    lite = tmp_path / "alone.db"
    run("audit", "--db", str(lite), *map(str, sorted({*first, *second})))
    on_sqlite, on_postgres = _contents(lite), _contents(pg_url)
    for key in ("documents", "findings", "problems", "unreadable"):
        assert sorted(on_postgres[key], key=repr) == sorted(on_sqlite[key], key=repr), key
    assert len(on_postgres["documents"]) == len({*first, *second}) - len(on_sqlite["unreadable"])
    assert sorted(d.decided_by for d in on_postgres["decisions"]) == sorted(d.decided_by for d in made)


def test_threads_recording_one_document_at_once_leave_it_whole(pg_url: str) -> None:
    from auditor.audit import audit_file, read_facts
    from auditor.packs import load_pack
    from auditor.resources import default_pack_dirs

    packs = [load_pack(d) for d in default_pack_dirs()]
    facts, _ = read_facts(S003, packs)
    result = audit_file(S003, packs)
    Store(pg_url).close()
    failures: list[BaseException] = []
    barrier = threading.Barrier(4)

    def record() -> None:
        try:
            with Store(pg_url) as store:
                barrier.wait()
                for _ in range(3):
                    with store.batch():
                        store.record(S003, facts, result)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=record) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    with Store(pg_url) as store:
        assert store.document_count() == 1
        (document_id,) = [r[0] for r in store.summary_rows(None)[0]]
        assert len(store.findings_of(document_id)) == len(result.findings)
