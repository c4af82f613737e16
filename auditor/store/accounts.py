"""The web application's accounts and uploads as the store keeps them (schema version 8), on either engine.

`Accounts(store)` reads and writes the two tables over the store's own connection and transactions, so an upload
and its submission are as durable as an audit's record, and SQLite's errors leave here as the StoreError naming the
file and the cause, as every Store method's do (PostgreSQL's come classified already: auditor.store.postgres).
Passwords never reach this module: only their argon2 hashes (auditor.web.passwords).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from auditor.store.db import Store

ROLES = ("supervisor", "agency")
SUPERVISOR, AGENCY = ROLES


@dataclass(frozen=True)
class User:
    id: int
    name: str
    password_hash: str
    role: str  # one of ROLES
    agency: str | None  # the body an agency account speaks for; None for a supervisor
    disabled: bool = False


@dataclass(frozen=True)
class Upload:
    """An uploaded report, without its bytes (Accounts.upload_content reads those)."""

    id: int
    user_id: int
    agency: str
    name: str
    sha256: str
    size: int
    uploaded_at: str
    result: str | None  # the audit's DocumentResult as JSON (auditor.store.results)
    submitted_at: str | None
    document_id: int | None


@dataclass(frozen=True)
class DocumentRow:
    """What a page says of a recorded document besides its findings."""

    id: int
    path: str
    format: str | None
    agency: str | None
    year: int | None
    template: int | None
    pack: str
    passed: int
    audited_at: str


_USER = "id, name, password_hash, role, agency, disabled"
_UPLOAD = "id, user_id, agency, name, sha256, size, uploaded_at, result, submitted_at, document_id"

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _OnStore(Protocol):
    store: Store


_S = TypeVar("_S", bound=_OnStore)


def store_guarded(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """SQLite's errors leave a method of a class over an open Store as that store's StoreError."""
    @functools.wraps(method)
    def guarded(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise self.store._failed(exc) from exc

    return guarded


def now() -> str:
    """The time stored: UTC with microseconds, so text order is time order (as the store's audited_at)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Accounts:
    """Users and uploads of one open Store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # The store's connection and transactions: one module of the same layer, sharing them rather than opening a
        # second connection that would wait for the first's lock on SQLite.
        self._db = store._connection

    @store_guarded
    def add_user(self, name: str, password_hash: str, role: str, agency: str | None) -> int:
        """A new account; ValueError for an unknown role, an agency account without its agency, or a name taken."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if role == AGENCY and not (agency or "").strip():
            raise ValueError("an agency account needs its agency (--agency)")
        if self.user(name=name) is not None:
            raise ValueError(f"the user {name!r} exists already")
        with self.store._transaction() as db:
            return int(db.execute(
                "INSERT INTO users (name, password_hash, role, agency, created_at) VALUES (?, ?, ?, ?, ?) "
                "RETURNING id",
                (name, password_hash, role, agency.strip() if role == AGENCY and agency else None, now()),
            ).fetchone()[0])

    @store_guarded
    def set_disabled(self, name: str, disabled: bool = True) -> bool:
        """Whether such a user exists (and is now disabled or enabled)."""
        if self.user(name=name) is None:
            return False
        with self.store._transaction() as db:
            db.execute("UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name))
        return True

    @store_guarded
    def user(self, *, name: str | None = None, user_id: int | None = None) -> User | None:
        column, value = ("name", name) if name is not None else ("id", user_id)
        row = self._db.execute(f"SELECT {_USER} FROM users WHERE {column} = ?", (value,)).fetchone()
        return _user(row) if row else None

    @store_guarded
    def users(self) -> list[User]:
        return [_user(r) for r in self._db.execute(f"SELECT {_USER} FROM users ORDER BY name").fetchall()]

    @store_guarded
    def add_upload(self, user_id: int, agency: str, name: str, sha256: str, content: bytes, result: str) -> int:
        with self.store._transaction() as db:
            return int(db.execute(
                "INSERT INTO uploads (user_id, agency, name, sha256, size, content, uploaded_at, result) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (user_id, agency, name, sha256, len(content), content, now(), result)).fetchone()[0])

    @store_guarded
    def upload(self, upload_id: int) -> Upload | None:
        row = self._db.execute(f"SELECT {_UPLOAD} FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return _upload(row) if row else None

    @store_guarded
    def uploads(self, agency: str | None = None) -> list[Upload]:
        """Newest first; one agency's or (None) every agency's."""
        where, params = ("WHERE agency = ?", (agency,)) if agency is not None else ("", ())
        rows = self._db.execute(f"SELECT {_UPLOAD} FROM uploads {where} ORDER BY uploaded_at DESC, id DESC", params)
        return [_upload(r) for r in rows.fetchall()]

    @store_guarded
    def upload_of_document(self, document_id: int) -> Upload | None:
        """The latest upload recorded as this document (a web submission or a batch), if any."""
        row = self._db.execute(f"SELECT {_UPLOAD} FROM uploads WHERE document_id = ? ORDER BY id DESC LIMIT 1",
                               (document_id,)).fetchone()
        return _upload(row) if row else None

    @store_guarded
    def upload_content(self, upload_id: int) -> bytes | None:
        row = self._db.execute("SELECT content FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return bytes(row[0]) if row else None

    @store_guarded
    def mark_submitted(self, upload_id: int, document_id: int | None, result: str) -> None:
        """The upload as the office received it: recorded as `document_id`, with the audit made then."""
        with self.store._transaction() as db:
            db.execute("UPDATE uploads SET submitted_at = ?, document_id = ?, result = ? WHERE id = ?",
                       (now(), document_id, result, upload_id))

    @store_guarded
    def claim_submission(self, agency: str, year: int, upload_id: int, stale_before: str) -> bool:
        """Whether `upload_id` now holds its agency's submission of `year` (schema version 10): claimed afresh, or
        taken over from an upload that claimed it before `stale_before` and was never submitted (its process
        stopped midway). The key is the table's, so two processes claiming at once get one claim between them."""
        for _ in range(3):  # on a server, another process's claim may be released between the two statements
            with self.store._transaction() as db:
                if db.execute("INSERT INTO submissions (agency, year, upload_id, claimed_at) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT (agency, year) DO NOTHING RETURNING upload_id",
                              (agency, year, upload_id, now())).fetchone() is not None:
                    return True
                current = db.execute("SELECT upload_id, claimed_at FROM submissions WHERE agency = ? AND year = ?",
                                     (agency, year)).fetchone()
                if current is None:
                    continue  # released since the insert found it: claim it again
                held, claimed_at = current
                holder = db.execute("SELECT submitted_at FROM uploads WHERE id = ?", (held,)).fetchone()
                if holder is None or holder[0] is not None or claimed_at >= stale_before:
                    return False
                return db.execute("UPDATE submissions SET upload_id = ?, claimed_at = ? WHERE agency = ? AND "
                                  "year = ? AND upload_id = ? AND claimed_at = ? RETURNING upload_id",
                                  (upload_id, now(), agency, year, held, claimed_at)).fetchone() is not None
        return False  # claimed and released over and over meanwhile: the next click tries again

    @store_guarded
    def release_submission(self, upload_id: int) -> None:
        """The claim of an upload whose submission failed given up, so the agency can submit again."""
        with self.store._transaction() as db:
            db.execute("DELETE FROM submissions WHERE upload_id = ? AND upload_id NOT IN "
                       "(SELECT id FROM uploads WHERE submitted_at IS NOT NULL)", (upload_id,))

    @store_guarded
    def document_id(self, sha256: str, pack: str) -> int | None:
        """The recorded document of these bytes under this pack (what `audit --db` recorded for a file)."""
        row = self._db.execute("SELECT id FROM documents WHERE sha256 = ? AND pack = ?", (sha256, pack)).fetchone()
        return int(row[0]) if row else None

    @store_guarded
    def document(self, document_id: int) -> DocumentRow | None:
        row = self._db.execute(
            "SELECT id, path, format, agency, year, template, pack, passed, audited_at FROM documents WHERE id = ?",
            (document_id,)).fetchone()
        return DocumentRow(*row) if row else None

    @store_guarded
    def documents(self, year: int | None = None) -> list[DocumentRow]:
        """The recorded documents (of `year`), in the summary's order: year, body, path."""
        where, params = ("WHERE year = ?", (year,)) if year is not None else ("", ())
        rows = self._db.execute(
            "SELECT id, path, format, agency, year, template, pack, passed, audited_at FROM documents "
            f"{where} ORDER BY year, agency_norm, path", params).fetchall()
        return [DocumentRow(*r) for r in rows]


def _user(row: tuple[Any, ...]) -> User:
    return User(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4], bool(row[5]))


def _upload(row: tuple[Any, ...]) -> Upload:
    return Upload(int(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]), int(row[5]), str(row[6]), row[7],
                  row[8], None if row[9] is None else int(row[9]))
