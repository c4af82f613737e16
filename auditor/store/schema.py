"""The history store's schema, as an ordered list of migration scripts, and the code that applies them, on SQLite
and on PostgreSQL alike (issue 12 part 5): one list, one numbering, one version for both engines.

The scripts are written in SQLite's dialect. On PostgreSQL each is translated by a short, fixed table of
substitutions (`POSTGRES_TYPES`: an identity key for SQLite's rowid key, BYTEA for BLOB, TEXT compared by code
point as SQLite compares it, so the store's ORDER BY gives the same order on both), and the one script whose
statements have no common form (the decisions' triggers, version 6) gives each engine its own text.

The database's version is SQLite's `PRAGMA user_version` (on PostgreSQL, the one row of the table
`auditor_schema`): the number of scripts applied. Opening a database applies
the scripts it lacks, each in its own transaction together with the version bump, so a crash between two migrations
leaves a database at a consistent earlier version. A database newer than the code is refused, never altered.

Append a new script to change the schema; never edit one that has shipped (databases in the field have run it).

Tables (version 1):

- `documents`: one row per (file content, pack version): `sha256` of the file's bytes, the `path` it was read from
  last, its `format`, the title's `agency`, that name normalised (`agency_norm`) and without its leading 省/市
  (`agency_stem`, see agency.py), the statistics `year`, the `template`, the `pack` as id@version ('' when no pack
  applied), the facts as JSON text (auditor.facts.model.to_json), the audit's `passed` and `not_assessable` counts,
  and `audited_at` (ISO 8601, UTC) of the latest recording.
- `findings`: a document's failed checks: rule id and name, check id, severity label, message, and location and
  evidence as JSON text (the dataclasses of auditor.model, as dicts).
- `problems`: the tool's own problems met on a document (slug, title, message), e.g. `rows_missing`.

Version 2:

- `unreadable`: a file the audit could not read into facts (a blank template, a corrupt PDF, an empty file), so the
  year's summary can count it: `sha256` of its bytes (or `path:` and the path when it could not even be opened),
  the `path`, the first problem's `slug` and `message`, and `audited_at`. Reading the same bytes later, with a
  better version, removes the row (Store.record).

Version 3:

- `documents_by_year`: an index for reading a whole year (the reports of other bodies a report is compared with,
  auditor.store.peers).

Version 4:

- `narratives`: each document's judged narrative sections (总体情况 and 五, auditor.store.peers): the section
  `number`, its `text`, and the `minhash` of its text (datasketch's affine32 scheme: 128 little-endian uint32 hash
  values), computed once when the document is recorded, so comparing a report with its year's others does not
  re-read and re-hash every one.
- `documents.narratives_indexed`: 1 once its narratives are recorded; documents recorded before version 4 have 0
  until the comparison first needs them, which hashes their texts from their facts and records them.

Version 5:

- `documents.gaps`: why the audit was incomplete (auditor.model.Coverage.gaps, a JSON list of messages; `[]` when
  every core check ran). NULL for a document audited before version 5: the summary then judges it as before.

Version 6 (issue 11, the office's review):

- `findings.fingerprint`: the finding's stable identity (auditor/fingerprint.py); NULL for a finding recorded before
  version 6, until its document is audited again.
- `decisions`: a person's decisions on findings, **append-only** (triggers refuse UPDATE and DELETE): a changed mind
  is a new row, so the history of every decision can be shown. Each row: the finding's `fingerprint`, `rule_id`,
  `check_id`, the body's `agency_stem` and the `year` (a waiver's scope beyond one report is matched on these), the
  `state` (confirmed, dismissed, waived, or awaiting: reopened), the `scope` (report, agency, all), the `reason`
  (required for dismissed and waived), `decided_by`, `decided_at` (ISO 8601, UTC), a waiver's last day `until`
  (ISO date or NULL), and the finding's `message` when decided (for a person reading the history or an export).

Version 7:

- `documents.checks`: the check ids of the audit that passed and those not assessable, as JSON
  (`{"passed": […], "not_assessable": […]}`), so that a finding confirmed last year can be called fixed (its check
  ran and passed this year) or not assessable, not merely absent. NULL for a document audited before version 7.

Version 8 (issue 12, the web application):

- `users`: the application's local accounts: a unique `name`, the `password_hash` (argon2, never the password),
  the `role` (supervisor or agency), the `agency` an agency account speaks for (NULL for a supervisor), `created_at`,
  and `disabled` (1: refused at login; accounts are never deleted, their decisions name them).
- `uploads`: a file an agency checked or submitted, or a supervisor uploaded in a batch: who (`user_id`), the
  `agency` it is for (an agency account's body; a supervisor's batch: the report's own), the file's `name` as
  uploaded (shown, never used as a path), its `sha256`, `size` and `content` (the bytes: kept so a submission can be
  audited again with the store's history), `uploaded_at`, the audit's `result` (auditor.store.results: the whole
  DocumentResult as JSON, the report's lines and cells included, so its annotated page can be drawn again without
  reading the file), and `submitted_at` and `document_id` once it is submitted to the office (then it is recorded
  in `documents` and part of the year; a self-check never submitted is not).

Version 9 (issue 11, the summary's report pages):

- `documents.result`: the audit's whole DocumentResult as JSON (auditor.store.results), without its review marks
  (decisions are read afresh) or its `view` (the lines and cells are drawn again from `facts`), so any recorded
  document's annotated page shows its coverage, not-assessable checks and problems as its audit gave them, whether
  `audit --db` or the web application recorded it. NULL for a document audited before version 9: its page then has
  its findings only, until it is audited again.

Version 10 (issue 12, a deployment of several application processes on one store):

- `submissions`: the one report an agency submits for a year, claimed by its (`agency`, `year`) key before the
  audit is recorded, so two processes (or two clicks) submitting at once record one version: the `upload_id` that
  holds the claim and `claimed_at`. `year` 0: a report whose year could not be read.
- `sign_in_failures`: each refused login's account `name`, `client` address and time `at`, so repeated guessing is
  slowed for every process of a deployment alike (auditor.web.throttle); rows older than the window are dropped.
- `batches`: a supervisor's batch upload as its page shows it (auditor.web.audits.Job), written by the process
  running it at each stage and as files finish, so any process can show its progress and a batch whose process
  stopped is shown as interrupted, not as running forever: its `owner`, `total`, `stage`, `done`, `error`, the
  files `refused` and the finished `items` (JSON lists), `started_at` and `updated_at`.

Version 11 (issue 15, a summary in another language than the audit's):

- `findings.messages`: the finding's message in every language the tool speaks, as a JSON object (`{"zh": …,
  "en": …}`), so `summary --lang en` of a year audited in Chinese shows each finding in English. NULL for a finding
  recorded before version 11: it is shown in the run's language (`message`) until its report is audited again.

Version 12:

- `documents.received_at`: when the store first recorded these bytes (under any pack: a pack upgrade audits the same
  file again as a new row, which must not make an old version look newer). Of one body's documents of a year, the
  one received last is the year's report (agency.superseded). Documents recorded before version 12 take their
  `audited_at`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from contextlib import suppress
from typing import TYPE_CHECKING

from auditor.store.errors import StoreError

if TYPE_CHECKING:
    from auditor.store.db import Connection

SQLITE, POSTGRESQL = "sqlite", "postgresql"
# A migration: one script for both engines (translated for PostgreSQL), or each engine's own text.
Migration = str | Mapping[str, str]
VERSION_TABLE = "auditor_schema"  # PostgreSQL: one row, the version (SQLite keeps it in PRAGMA user_version)
MIGRATION_LOCK = 0x61756469746F72  # PostgreSQL advisory lock key for migrations ("auditor" in ASCII)
# SQLite's words → PostgreSQL's, applied in order to a shared script's text (whole words, upper case as written).
POSTGRES_TYPES: tuple[tuple[str, str], ...] = (
    # SQLite's INTEGER PRIMARY KEY is the rowid, numbered by the engine; PostgreSQL's equivalent is an identity.
    (r"\bINTEGER PRIMARY KEY\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (r"\bBLOB\b", "BYTEA"),
    # SQLite compares text by code point (BINARY); the C collation does the same on PostgreSQL (UTF-8 bytes sort as
    # code points), whatever the database's locale: agencies and paths come out of ORDER BY in one order.
    (r"\bTEXT\b", 'TEXT COLLATE "C"'),
)


def _postgres(script: str) -> str:
    """A script of SQLite's dialect in PostgreSQL's (POSTGRES_TYPES)."""
    for pattern, replacement in POSTGRES_TYPES:
        script = re.sub(pattern, replacement, script)
    return script

_DECISIONS = """
    ALTER TABLE findings ADD COLUMN fingerprint TEXT;
    CREATE INDEX findings_by_fingerprint ON findings (fingerprint);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        check_id TEXT NOT NULL,
        agency_stem TEXT NOT NULL,
        year INTEGER,
        state TEXT NOT NULL CHECK (state IN ('confirmed', 'dismissed', 'waived', 'awaiting')),
        scope TEXT NOT NULL CHECK (scope IN ('report', 'agency', 'all')),
        reason TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        until TEXT,
        message TEXT NOT NULL,
        CHECK (state NOT IN ('dismissed', 'waived') OR length(trim(reason)) > 0),
        CHECK (scope = 'report' OR state = 'waived')
    );
    CREATE INDEX decisions_by_fingerprint ON decisions (fingerprint);
"""
# SQLite: RAISE(ABORT) in a trigger refuses the statement (sqlite3.IntegrityError).
_SQLITE_APPEND_ONLY = """
    CREATE TRIGGER decisions_are_never_updated BEFORE UPDATE ON decisions
    BEGIN
        SELECT RAISE(ABORT, 'decisions are append-only: record a new decision instead');
    END;
    CREATE TRIGGER decisions_are_never_deleted BEFORE DELETE ON decisions
    BEGIN
        SELECT RAISE(ABORT, 'decisions are append-only: record a new decision instead');
    END;
    """
# PostgreSQL: one trigger function that raises (SQLSTATE 23001, restrict_violation: psycopg's IntegrityError, as
# SQLite's is), fired before any UPDATE, DELETE or TRUNCATE of the table.
_POSTGRES_APPEND_ONLY = """
CREATE FUNCTION decisions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION 'decisions are append-only: record a new decision instead' USING ERRCODE = 'restrict_violation';
END;
$body$;
CREATE TRIGGER decisions_are_never_updated BEFORE UPDATE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decisions_are_append_only();
CREATE TRIGGER decisions_are_never_deleted BEFORE DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decisions_are_append_only();
CREATE TRIGGER decisions_are_never_truncated BEFORE TRUNCATE ON decisions
    FOR EACH STATEMENT EXECUTE FUNCTION decisions_are_append_only();
"""

MIGRATIONS: tuple[Migration, ...] = (
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL,
        format TEXT,
        agency TEXT,
        agency_norm TEXT,
        agency_stem TEXT,
        year INTEGER,
        template INTEGER,
        pack TEXT NOT NULL,
        facts TEXT NOT NULL,
        passed INTEGER NOT NULL,
        not_assessable INTEGER NOT NULL,
        audited_at TEXT NOT NULL,
        UNIQUE (sha256, pack)
    );
    CREATE INDEX documents_by_agency_year ON documents (agency_stem, year);
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        rule_id TEXT NOT NULL,
        rule_name TEXT NOT NULL,
        check_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL,
        location TEXT NOT NULL,
        evidence TEXT NOT NULL
    );
    CREATE INDEX findings_by_document ON findings (document_id);
    CREATE TABLE problems (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        slug TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX problems_by_document ON problems (document_id);
    """,
    """
    CREATE TABLE unreadable (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL,
        slug TEXT NOT NULL,
        message TEXT NOT NULL,
        audited_at TEXT NOT NULL
    );
    """,
    """
    CREATE INDEX documents_by_year ON documents (year);
    """,
    """
    CREATE TABLE narratives (
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        minhash BLOB NOT NULL,
        PRIMARY KEY (document_id, number)
    );
    ALTER TABLE documents ADD COLUMN narratives_indexed INTEGER NOT NULL DEFAULT 0;
    """,
    """
    ALTER TABLE documents ADD COLUMN gaps TEXT;
    """,
    {"sqlite": _DECISIONS + _SQLITE_APPEND_ONLY, "postgresql": _postgres(_DECISIONS) + _POSTGRES_APPEND_ONLY},
    """
    ALTER TABLE documents ADD COLUMN checks TEXT;
    """,
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('supervisor', 'agency')),
        agency TEXT,
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        CHECK (role = 'supervisor' OR agency IS NOT NULL)
    );
    CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        agency TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        content BLOB NOT NULL,
        uploaded_at TEXT NOT NULL,
        result TEXT,
        submitted_at TEXT,
        document_id INTEGER REFERENCES documents (id) ON DELETE SET NULL
    );
    CREATE INDEX uploads_by_agency ON uploads (agency, uploaded_at);
    CREATE INDEX uploads_by_document ON uploads (document_id);
    """,
    """
    ALTER TABLE documents ADD COLUMN result TEXT;
    """,
    """
    CREATE TABLE submissions (
        agency TEXT NOT NULL,
        year INTEGER NOT NULL,
        upload_id INTEGER NOT NULL REFERENCES uploads (id),
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (agency, year)
    );
    CREATE TABLE sign_in_failures (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        client TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX sign_in_failures_by_name ON sign_in_failures (name, at);
    CREATE INDEX sign_in_failures_by_client ON sign_in_failures (client, at);
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        owner INTEGER NOT NULL REFERENCES users (id),
        total INTEGER NOT NULL,
        stage TEXT NOT NULL,
        done INTEGER NOT NULL,
        error TEXT,
        refused TEXT NOT NULL,
        items TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE findings ADD COLUMN messages TEXT;
    """,
    """
    ALTER TABLE documents ADD COLUMN received_at TEXT;
    UPDATE documents SET received_at = audited_at;
    """,
)


def script_for(migration: Migration, engine: str) -> str:
    """The text of a migration on `engine` ("sqlite" or "postgresql")."""
    if isinstance(migration, str):
        return migration if engine == SQLITE else _postgres(migration)
    return migration[engine]


def statements(script: str) -> list[str]:
    """A script cut into complete statements (sqlite3 executes one at a time; executescript would commit early)."""
    out: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    if pending.strip():
        raise StoreError("failed", reason=f"incomplete SQL statement in a migration: {pending.strip()[:60]!r}")
    return out


def engine_of(connection: Connection) -> str:
    return SQLITE if isinstance(connection, sqlite3.Connection) else POSTGRESQL


def version(connection: Connection) -> int:
    if engine_of(connection) == SQLITE:
        row = connection.execute("PRAGMA user_version").fetchone()
        return int(row[0])
    if connection.execute(f"SELECT to_regclass('{VERSION_TABLE}')").fetchone()[0] is None:
        return 0  # a database without our tables (a new one)
    row = connection.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    return int(row[0] or 0)


def migrate(connection: Connection, migrations: tuple[Migration, ...] | None = None) -> int:
    """Bring the database to `len(migrations)` (default: this module's MIGRATIONS, read at call time); return that
    version. Raises StoreError for a newer database or a failed script (which is rolled back; it names no file,
    Store does), and sqlite3.Error when the disk, a lock or the file itself stopped a script (on PostgreSQL the
    StoreError naming that cause: auditor.store.postgres).

    `connection` must be in autocommit mode (isolation_level=None): transactions here are explicit. Each script runs
    in a transaction that only one process may hold (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level
    advisory lock) and the version is re-read inside it, so two processes opening one new database at once cannot
    both apply a script."""
    migrations = MIGRATIONS if migrations is None else migrations
    engine = engine_of(connection)
    known = len(migrations)
    current = version(connection)
    if current > known:
        raise StoreError("newer", found=current, known=known)
    for number, migration in enumerate(migrations, start=1):
        if number <= current:
            continue
        _begin_migration(connection, engine)
        try:
            now = version(connection)
            if now >= number:  # another process got here first
                connection.execute("COMMIT")
                if now > known:
                    raise StoreError("newer", found=now, known=known)
                continue
            script = script_for(migration, engine)
            if engine == SQLITE:
                for statement in statements(script):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")  # no placeholders in PRAGMA; number is ours
            else:  # one call: PostgreSQL runs a script of statements sent without parameters in order
                connection.execute(script)
                connection.execute(f"DELETE FROM {VERSION_TABLE}")
                connection.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES ({number})")
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_ERROR) & 0xFF != sqlite3.SQLITE_ERROR:
                raise  # the disk, a lock or the file, not the script: Store names the cause (errors.classify)
            raise StoreError("migration_failed", number=number, reason=str(exc)) from exc
        except StoreError as exc:  # PostgreSQL's errors come classified (auditor.store.postgres)
            if connection.in_transaction:
                with suppress(StoreError):  # the connection itself may be gone: the error says more
                    connection.execute("ROLLBACK")
            if exc.kind != "failed":
                raise  # the server, the login, a permission, a lock: not the script
            raise StoreError("migration_failed", number=number, reason=exc.values.get("reason", "")) from exc
    return version(connection)


def _begin_migration(connection: Connection, engine: str) -> None:
    if engine == SQLITE:
        connection.execute("BEGIN IMMEDIATE")
        return
    connection.execute("BEGIN")
    # Held until COMMIT or ROLLBACK: a second process opening a new store waits here, then sees the new version.
    connection.execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    connection.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")

