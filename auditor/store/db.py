"""The history store: every audited document's facts and findings in one SQLite file, or in one PostgreSQL
database for an office that shares it between many staff (`postgresql://…`, auditor.store.postgres); the same
queries and the same migrations on both (schema.py).

Each `record` is one transaction, so a batch killed midway leaves every document recorded before the kill complete
and none half-written. Content, not path, identifies a document: the same bytes audited again under the same pack
version replace their earlier findings instead of adding a second document.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from auditor.facts.model import ReportFacts, to_json
from auditor.model import DocumentResult
from auditor.store.agency import agency_stem, normal_agency, same_body, superseded
from auditor.store.decisions import Decision, append
from auditor.store.decisions import read as read_decisions
from auditor.store.errors import StoreError, classify
from auditor.store.peers import encode, report_narratives, signature_of
from auditor.store.postgres import PostgresConnection, is_url
from auditor.store.schema import POSTGRESQL, SQLITE, migrate, version

# Seconds a statement waits for another process's lock on the store before the run stops with a message: long
# enough for another run's batch of records (Store.batch) to commit, short enough that a forgotten process is named.
BUSY_TIMEOUT = 30.0



class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store needs of a connection: sqlite3's, or auditor.store.postgres's over psycopg. `?` placeholders;
    autocommit, every transaction explicit."""

    @property
    def in_transaction(self) -> bool: ...
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...
    def close(self) -> None: ...


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """A Store method whose SQLite errors reach the caller as the StoreError naming the file and the cause
    (PostgreSQL's come as StoreError already: auditor.store.postgres)."""

    @functools.wraps(method)
    def guarded(self: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc

    return guarded


@dataclass(frozen=True)
class StoredFacts:
    """One stored document's facts (the JSON of schemas/facts.schema.json, as a dict) and where they came from."""

    document_id: int
    path: str
    agency: str | None
    year: int | None
    pack: str
    audited_at: str
    facts: dict[str, Any]


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Store:
    """An open history database: an SQLite file (a path) or a PostgreSQL database (a `postgresql://` URL; the
    database must exist, the tables are created in it). Opening creates the file if needed, checks it (SQLite:
    quick_check; integrity_check after a run that did not finish) and applies missing migrations. Every way the
    store cannot be opened or used, then or later (a newer schema, not a database, corrupt, locked beyond `timeout`
    seconds, the disk full, read-only, no such folder; the server unreachable, the login refused, no such database,
    permission denied, a conflict with another writer), raises StoreError naming the file or the URL (never its
    password) and the cause (auditor.store.errors). Use as a context manager, or call close()."""

    _connection: Connection

    def __init__(self, path: Path | str, timeout: float = BUSY_TIMEOUT) -> None:
        self.timeout = timeout
        if is_url(path):
            self._open_postgres(str(path))
            return
        self.engine = SQLITE
        self.path: Path | str = Path(path)
        unfinished = _left_by_a_crash(self.path)
        try:
            # Autocommit: every transaction below is explicit, so none is left open by accident between calls.
            self._connection = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise classify(exc, self.path, timeout) from exc
        try:
            self._connection.execute("PRAGMA foreign_keys = ON")
            if version(self._connection) > 0:  # a new or empty file has nothing to check
                self._check(thorough=unfinished or self._pending())
            self.version = migrate(self._connection)
        except sqlite3.Error as exc:
            self._connection.close()
            raise classify(exc, self.path, timeout) from exc
        except StoreError as exc:
            self._connection.close()
            raise exc.at(self.path) from exc

    def _open_postgres(self, url: str) -> None:
        """A store on a server: the server checks its own pages and plays back its own log after a crash, so
        there is nothing for us to check; the migrations are the same."""
        self.engine = POSTGRESQL
        connection = PostgresConnection(url, self.timeout)
        self.path = connection.location
        self._connection = connection
        try:
            self.version = migrate(connection)
        except StoreError as exc:
            connection.close()
            raise exc.at(self.path) from exc

    def _check(self, thorough: bool) -> None:
        """Refuse a store whose pages are damaged before anything reads or writes it. quick_check reads every page
        once (measured: 30-60 ms for a store of 1,000 reports, 60 MB, in the page cache; 1.1 s from a cold disk);
        integrity_check also matches every index against its table, which is what a write torn by a crash or a power
        cut would leave wrong, so it runs after a run that did not finish (it cost the same here: four indexes)."""
        rows = self._connection.execute(f"PRAGMA {'integrity_check' if thorough else 'quick_check'}(5)").fetchall()
        damage = [str(r[0]) for r in rows if r[0] != "ok"]
        if damage:
            raise StoreError("corrupt", self.path, detail="; ".join(damage))

    def _pending(self) -> bool:
        """Whether a run stopped between recording a document and recording its audit (the audit_pending problem
        of auditor.run): cheap (a scan of the small problems table), so such a store gets the thorough check."""
        try:
            row = self._connection.execute(
                "SELECT EXISTS (SELECT 1 FROM problems WHERE slug = 'audit_pending')").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a version-0 file without our tables: nothing pending
                return False
            raise
        return bool(row[0])

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    def _failed(self, exc: sqlite3.Error) -> StoreError:
        return classify(exc, self.path, self.timeout)

    @_guarded
    def record(self, path: Path, facts: ReportFacts, result: DocumentResult,
               audited_at: datetime | None = None) -> int:
        """Store one audited document, return its id. Idempotent per (content hash, pack version): a document already
        there keeps its id, gets the new path, facts and time, and its findings and problems are replaced. All in one
        transaction: after a crash the document is either wholly the old record, wholly the new, or absent.
        `audited_at` (default: now; a naive time is local) orders documents for previous_year."""
        digest = file_hash(path)
        when = _stamp(audited_at)
        narratives = [(number, text, encode(signature_of(text))) for number, text in report_narratives(facts).items()]
        agency = facts.agency
        row = (str(path), result.format or facts.format, agency,
               normal_agency(agency) if agency else None, agency_stem(agency) if agency else None,
               facts.year, facts.template, json.dumps(to_json(facts), ensure_ascii=False), result.passed,
               len(result.not_assessable), _gaps(result), _checks(result), _result(result), when)
        pack = result.pack or ""
        with self._transaction() as db:
            # One statement, insert or update: two writers recording the same file at once on a server cannot both
            # insert it (the second waits for the first's row, then updates it), and the row stays locked for the
            # rest of the record, so its findings are written by one writer at a time.
            document_id = int(db.execute(
                "INSERT INTO documents (path, format, agency, agency_norm, agency_stem, year, template, facts, "
                "passed, not_assessable, gaps, checks, result, audited_at, sha256, pack, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "COALESCE((SELECT MIN(received_at) FROM documents WHERE sha256 = ?), ?)) "
                "ON CONFLICT (sha256, pack) DO UPDATE SET path = excluded.path, format = excluded.format, "
                "agency = excluded.agency, agency_norm = excluded.agency_norm, agency_stem = excluded.agency_stem, "
                "year = excluded.year, template = excluded.template, facts = excluded.facts, "
                "passed = excluded.passed, not_assessable = excluded.not_assessable, gaps = excluded.gaps, "
                "checks = excluded.checks, result = excluded.result, audited_at = excluded.audited_at RETURNING id",
                (*row, digest, pack, digest, when)).fetchone()[0])
            self.record_narratives(document_id, narratives)
            db.execute("DELETE FROM unreadable WHERE sha256 = ?", (digest,))
            _write_results(db, document_id, result)
        return document_id

    @_guarded
    def record_result(self, document_id: int, result: DocumentResult, audited_at: datetime | None = None) -> None:
        """Replace a recorded document's audit outcome (counts, findings, problems), keeping its facts and pack: the
        second half of a batch that recorded every file's facts first (auditor.run). One transaction."""
        with self._transaction() as db:
            db.execute("UPDATE documents SET passed = ?, not_assessable = ?, gaps = ?, checks = ?, result = ?, "
                       "audited_at = ? WHERE id = ?",
                       (result.passed, len(result.not_assessable), _gaps(result), _checks(result), _result(result),
                        _stamp(audited_at), document_id))
            _write_results(db, document_id, result)

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the store's connection (a batch of records, say): what is written now is
        seen by other connections only when it commits."""
        return bool(self._connection.in_transaction)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Record several documents in one transaction: one commit, and one wait for the disk, instead of one per
        document (measured: 2.5 of the 4.6 ms a record took on this machine's SSD; far more on a spinning disk).
        Each record stays whole; killed midway, the batch is rolled back whole and the next run records it again."""
        try:
            with self._transaction():
                yield
        except sqlite3.Error as exc:  # the commit at the end (the disk full, a lock)
            raise self._failed(exc) from exc

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        db = self._connection
        if db.in_transaction:  # inside batch(): a savepoint keeps each record whole if a caller carries on
            db.execute("SAVEPOINT record")
            try:
                yield db
            except BaseException:
                # A full disk or an I/O error can make SQLite roll back the whole transaction, savepoint and all:
                # ROLLBACK TO would then fail with "no such savepoint: record" and hide the cause. The caller's
                # batch() sees the transaction gone and has nothing left to roll back either.
                if db.in_transaction:
                    with suppress(sqlite3.Error, StoreError):  # the error being raised says more than a failed one
                        db.execute("ROLLBACK TO record")
                        db.execute("RELEASE record")
                raise
            db.execute("RELEASE record")
            return
        # SQLite: the write lock at once, so a transaction never fails halfway for another's. PostgreSQL locks
        # rows as they are written (READ COMMITTED): writers of different documents go on side by side.
        db.execute("BEGIN IMMEDIATE" if self.engine == SQLITE else "BEGIN")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:  # KeyboardInterrupt too: never leave the transaction open on this connection
            if db.in_transaction:  # SQLite may have rolled back already (a full disk, an I/O error)
                with suppress(sqlite3.Error, StoreError):
                    db.execute("ROLLBACK")
            raise

    @_guarded
    def record_unreadable(self, path: Path, result: DocumentResult, audited_at: datetime | None = None) -> None:
        """Keep a file that could not be read into facts, with its first problem; idempotent per content (a file
        that cannot be opened at all is keyed by its path)."""
        if not result.problems:
            return
        try:
            key = file_hash(path)
        except OSError:
            key = f"path:{path}"
        when = _stamp(audited_at)
        first = result.problems[0]
        self._connection.execute(
            "INSERT INTO unreadable (sha256, path, slug, message, audited_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (sha256) DO UPDATE SET path = excluded.path, slug = excluded.slug, "
            "message = excluded.message, audited_at = excluded.audited_at",
            (key, str(path), first.slug, first.message, when))

    @_guarded
    def previous_year(self, agency: str, year: int, aliases: tuple[str, ...] = ()) -> StoredFacts | None:
        """The stored facts of the same body for `year - 1`, or None.

        The body is `agency` or one of its `aliases` (former names, 简称), compared as agency.py does. Exact matches
        of the normalised name win; only without one is a name with or without its leading 省/市 accepted, and then
        only if every such candidate denotes one body (a bare 「洪泽区政府」 that could be two cities' is ambiguous:
        None, never a guess). Among several documents of the body, the most recently audited."""
        names = (agency, *aliases)
        norms = sorted({normal_agency(n) for n in names})
        stems = sorted({agency_stem(n) for n in names})
        marks = ", ".join("?" * len(stems))
        rows = self._connection.execute(
            "SELECT id, path, agency, agency_norm, year, pack, audited_at, facts FROM documents "
            f"WHERE year = ? AND agency_stem IN ({marks}) ORDER BY audited_at DESC, id DESC",
            (year - 1, *stems)).fetchall()
        exact = [r for r in rows if r[3] in norms]
        if exact:
            return _stored(exact[0])
        loose = [r for r in rows if any(same_body(r[3], n) for n in names)]
        bodies = {r[3] for r in loose}
        if not loose or any(not same_body(a, b) for a in bodies for b in bodies):
            return None
        return _stored(loose[0])

    def narrative_signatures(self, year: int) -> Iterator[tuple[str, str, str, int, bytes]]:
        """(content hash, agency, path, section number, MinHash) of each recorded narrative of `year`'s documents
        with an agency, a file's latest record first (a file recorded under two pack versions comes twice)."""
        try:
            rows = self._connection.execute(
                "SELECT d.sha256, d.agency, d.path, n.number, n.minhash FROM documents d "
                "JOIN narratives n ON n.document_id = d.id WHERE d.year = ? AND d.agency IS NOT NULL "
                "ORDER BY d.sha256, d.audited_at DESC, d.id DESC, n.number", (year,))
            for digest, agency, path, number, minhash in rows:
                yield str(digest), str(agency), str(path), int(number), bytes(minhash)
        except sqlite3.Error as exc:  # a generator: _guarded would only cover its creation
            raise self._failed(exc) from exc

    @_guarded
    def unsigned_documents_of_year(self, year: int) -> list[tuple[int, str, str]]:
        """(id, content hash, path) of `year`'s documents recorded before the store kept narratives (version 4), a
        file's latest record first; their facts are read one at a time (facts_of)."""
        rows = self._connection.execute(
            "SELECT id, sha256, path FROM documents WHERE year = ? AND narratives_indexed = 0 "
            "ORDER BY sha256, audited_at DESC, id DESC", (year,)).fetchall()
        return [(int(i), str(digest), str(path)) for i, digest, path in rows]

    @_guarded
    def record_narratives(self, document_id: int, narratives: list[tuple[int, str, bytes]]) -> None:
        """A document's judged narrative sections as (number, text, MinHash), replacing any it had: written when it
        is recorded, or later for a document recorded before version 4 (auditor.store.peers)."""
        with self._transaction() as db:
            # The document's row first: on a server, it makes a second writer of the same narratives wait here.
            db.execute("UPDATE documents SET narratives_indexed = 1 WHERE id = ?", (document_id,))
            db.execute("DELETE FROM narratives WHERE document_id = ?", (document_id,))
            db.executemany("INSERT INTO narratives (document_id, number, text, minhash) VALUES (?, ?, ?, ?)",
                           [(document_id, *n) for n in narratives])

    @_guarded
    def narrative_text(self, digest: str, number: int) -> str | None:
        row = self._connection.execute(
            "SELECT n.text FROM documents d JOIN narratives n ON n.document_id = d.id "
            "WHERE d.sha256 = ? AND n.number = ? ORDER BY d.audited_at DESC LIMIT 1", (digest, number)).fetchone()
        return str(row[0]) if row else None

    @_guarded
    def facts_of(self, document_id: int) -> dict[str, Any]:
        """A recorded document's facts (the JSON of schemas/facts.schema.json, as a dict); KeyError if none."""
        row = self._connection.execute("SELECT facts FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise KeyError(document_id)
        result: dict[str, Any] = json.loads(row[0])
        return result

    @_guarded
    def result_of(self, document_id: int) -> DocumentResult | None:
        """A recorded document's audit as it was recorded (without review marks or view); None for a document
        recorded before version 9. Raises results.ResultError for one this version cannot read."""
        from auditor.store import results  # noqa: PLC0415 - see _result

        row = self._connection.execute("SELECT result FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise KeyError(document_id)
        return results.load(row[0]) if row[0] is not None else None

    @_guarded
    def years_of(self, document_ids: Iterable[int]) -> list[int]:
        """The distinct statistics years of these documents, in order (documents without a year aside)."""
        ids = list(document_ids)
        years: set[int] = set()
        for start in range(0, len(ids), 500):  # SQLite limits a statement's parameters
            chunk = ids[start:start + 500]
            rows = self._connection.execute(
                f"SELECT DISTINCT year FROM documents WHERE year IS NOT NULL AND id IN ({', '.join('?' * len(chunk))})",
                chunk)
            years.update(int(r[0]) for r in rows)
        return sorted(years)

    @_guarded
    def content_hash(self, document_id: int) -> str | None:
        row = self._connection.execute("SELECT sha256 FROM documents WHERE id = ?", (document_id,)).fetchone()
        return str(row[0]) if row else None

    @_guarded
    def document_count(self) -> int:
        return int(self._connection.execute("SELECT count(*) FROM documents").fetchone()[0])

    @_guarded
    def record_decisions(self, decisions: Iterable[Decision]) -> int:
        """Append review decisions (one transaction); return how many were new. Never changes or removes one."""
        with self._transaction() as db:
            if self.engine == POSTGRESQL:  # one appender at a time, as BEGIN IMMEDIATE gives on SQLite: two
                # imports of one file at once must not both find a decision new (readers are not blocked)
                db.execute("LOCK TABLE decisions IN SHARE ROW EXCLUSIVE MODE")
            return append(db, decisions)

    @_guarded
    def decisions(self, fingerprint: str | None = None) -> list[Decision]:
        """Every review decision recorded (or those on one fingerprint), oldest first."""
        return read_decisions(self._connection, fingerprint)

    @_guarded
    def checks_of(self, document_id: int) -> dict[str, list[str]] | None:
        """The check ids of the document's audit that passed and those not assessable (documents.checks); None for
        a document audited before schema version 7."""
        row = self._connection.execute("SELECT checks FROM documents WHERE id = ?", (document_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    @_guarded
    def year_findings(self, year: int | None) -> list[dict[str, Any]]:
        """The findings recorded on the documents of `year` (None: every year), with their document's agency, its
        stem, year and path, in the order of documents and then of findings; fingerprinted ones only (a finding
        recorded before schema version 6 has none until its report is audited again)."""
        where, params = ("AND d.year = ?", (year,)) if year is not None else ("", ())
        rows = self._connection.execute(
            "SELECT f.fingerprint, f.rule_id, f.rule_name, f.check_id, f.severity, f.message, f.location, "
            "d.agency, d.agency_stem, d.year, d.path, d.id FROM findings f JOIN documents d ON d.id = f.document_id "
            f"WHERE f.fingerprint IS NOT NULL {where} ORDER BY d.year, d.agency_norm, d.path, f.id", params)
        keys = ("fingerprint", "rule_id", "rule_name", "check_id", "severity", "message", "location", "agency",
                "agency_stem", "year", "path", "document_id")
        out = [dict(zip(keys, row, strict=True)) for row in rows.fetchall()]
        for item in out:
            item["location"] = json.loads(item["location"])
        return out

    @_guarded
    def years(self) -> list[int]:
        """The statistics years the store has documents of, in order."""
        rows = self._connection.execute("SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY year")
        return [int(y) for (y,) in rows.fetchall()]

    @_guarded
    def replaced_documents(self, year: int | None) -> dict[int, int]:
        """The documents of `year` (None: every year) that a later one of the same body and year replaces, each with
        the one that does (agency.superseded): left out of the year's queue and summary."""
        where, params = ("WHERE year = ?", (year,)) if year is not None else ("", ())
        return superseded(self._connection.execute(f"SELECT id, agency, year, received_at FROM documents {where}",
                                                   params).fetchall())

    @_guarded
    def summary_rows(self, year: int | None) -> tuple[list[Any], ...]:
        """What a year's summary reads (auditor.summary.collect), on either engine: the documents of `year` (None:
        every year) as (id, agency, year, path, pack, not_assessable, gaps, facts, checks, whether its whole result
        is recorded) in the order of year,
        normalised agency and path; every finding as (document_id, rule_id, check_id, severity, message, location,
        evidence, rule_name, fingerprint, messages: its message in the other languages, JSON or NULL); every
        problem as (document_id, slug); every unreadable file as (id, path,
        slug); the years the store holds (Store.years); every review decision."""
        where, params = ("WHERE year = ?", (year,)) if year is not None else ("", ())
        db = self._connection
        docs = db.execute(f"SELECT id, agency, year, path, pack, not_assessable, gaps, facts, checks, "
                          f"result IS NOT NULL FROM documents {where} ORDER BY year, agency_norm, path",
                          params).fetchall()
        findings = db.execute("SELECT document_id, rule_id, check_id, severity, message, location, evidence, "
                              "rule_name, fingerprint, messages FROM findings ORDER BY document_id, id").fetchall()
        problems = db.execute("SELECT document_id, slug FROM problems ORDER BY id").fetchall()
        unreadable = db.execute("SELECT id, path, slug FROM unreadable ORDER BY path").fetchall()
        rows = tuple([tuple(r) for r in rows] for rows in (docs, findings, problems, unreadable))
        return (*rows, self.years(), read_decisions(db))

    @_guarded
    def findings_of(self, document_id: int) -> list[dict[str, Any]]:
        """A document's stored findings as dicts (location and evidence decoded), in insertion order."""
        rows = self._connection.execute(
            "SELECT rule_id, rule_name, check_id, severity, message, location, evidence, fingerprint FROM findings "
            "WHERE document_id = ? ORDER BY id", (document_id,)).fetchall()
        keys = ("rule_id", "rule_name", "check_id", "severity", "message")
        return [{**dict(zip(keys, r[:5], strict=True)), "location": json.loads(r[5]), "evidence": json.loads(r[6]),
                 "fingerprint": r[7]} for r in rows]


def _left_by_a_crash(path: Path) -> bool:
    """Whether a process stopped in the middle of a transaction on the store: its rollback journal is still beside
    the file with a live header (a hot journal, which SQLite plays back when the file is next read; once played
    back, SQLite deletes it or zeroes its header), or a write-ahead log is. A run that holds the store right now
    has one too; the store then only gets the thorough check for nothing."""
    with suppress(OSError), path.with_name(path.name + "-journal").open("rb") as journal:
        if journal.read(len(_JOURNAL_MAGIC)) == _JOURNAL_MAGIC:
            return True
    with suppress(OSError):
        return path.with_name(path.name + "-wal").stat().st_size > 0
    return False


# The first bytes of a rollback journal that has not been played back or finished (SQLite's pager.c aJournalMagic).
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _write_results(db: Connection, document_id: int, result: DocumentResult) -> None:
    """A document's findings and problems, replacing any it had (inside the caller's transaction)."""
    db.execute("DELETE FROM findings WHERE document_id = ?", (document_id,))
    db.execute("DELETE FROM problems WHERE document_id = ?", (document_id,))
    db.executemany(
        "INSERT INTO findings (document_id, rule_id, rule_name, check_id, severity, message, location, "
        "evidence, fingerprint, messages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(document_id, f.rule_id, f.rule_name, f.check_id, f.severity.label, f.message,
          json.dumps(asdict(f.location), ensure_ascii=False),
          json.dumps(asdict(f.evidence), ensure_ascii=False), f.fingerprint or None,
          json.dumps(dict(f.translations), ensure_ascii=False) if f.translations else None)
         for f in result.findings])
    db.executemany("INSERT INTO problems (document_id, slug, title, message) VALUES (?, ?, ?, ?)",
                   [(document_id, p.slug, p.title, p.message) for p in result.problems])


def _gaps(result: DocumentResult) -> str:
    """Why the audit was incomplete, as stored (documents.gaps); a result without coverage read nothing at all."""
    return json.dumps(list(result.coverage.gaps) if result.coverage is not None else [], ensure_ascii=False)


def _checks(result: DocumentResult) -> str:
    """The check ids that passed and those not assessable, as stored (documents.checks)."""
    return json.dumps({"passed": list(result.passed_checks),
                       "not_assessable": list(dict.fromkeys(n.check_id for n in result.not_assessable))},
                      ensure_ascii=False)


def _result(result: DocumentResult) -> str:
    """The whole result as stored (documents.result), without its view: the page draws that from the facts."""
    from auditor.store import results  # noqa: PLC0415 - pydantic, ~0.1 s of start-up, only for a run with a store

    return results.dump(replace(result, view=None) if result.view is not None else result)


def _stamp(audited_at: datetime | None) -> str:
    """The time stored: UTC, always with microseconds, so text order is time order ("most recently audited")."""
    return (audited_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def _stored(row: tuple[Any, ...]) -> StoredFacts:
    document_id, path, agency, _, year, pack, audited_at, facts = row
    return StoredFacts(int(document_id), str(path), agency, year, str(pack), str(audited_at), json.loads(facts))

