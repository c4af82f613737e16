"""The history store on a PostgreSQL server (`--db postgresql://user@host:port/dbname`), through psycopg 3.

Store speaks to both engines through the same few calls (`execute`, `executemany`, `in_transaction`, `close`): an
sqlite3 connection has them, and PostgresConnection gives them over psycopg. So the store's queries are written
once, with SQLite's `?` placeholders; here they become psycopg's `%s`. Every error psycopg raises leaves this module
as the StoreError that names its cause (the server unreachable, the login refused, no such database, permission
denied, a lock waited on too long, a conflict with another writer), never as psycopg's own exception.

The URL shown in messages is `display(url)`: user, host, port and database, never the password.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from auditor.store.errors import StoreError

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
# Seconds to wait for the server to answer a connection: a server that is down is named at once, one behind a
# firewall that drops packets after this long rather than after the operating system's minutes.
CONNECT_SECONDS = 10


def is_url(location: object) -> bool:
    """Whether `--db` names a PostgreSQL database rather than an SQLite file."""
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def display(url: str) -> str:
    """The URL as messages show it: postgresql://user@host:port/dbname, without a password (in the URL or in its
    query). libpq's own reading of the URL when psycopg is there (a socket folder in `?host=`), else the URL's."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = {k: str(v) for k, v in conninfo_to_dict(url).items()}
    except Exception:  # no psycopg, or a URL libpq cannot read: mask what a URL's grammar says is the password
        return re.sub(r"(//[^/@:]*):[^/@]*@", r"\1@", url)
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = parts.get("host", "")
    where = f"{host}:{parts['port']}" if host and not host.startswith("/") and parts.get("port") else \
        "" if host.startswith("/") else host
    socket = f"?host={host}" + (f"&port={parts['port']}" if parts.get("port") else "") if host.startswith("/") else ""
    return f"postgresql://{user}{where}/{parts.get('dbname', '')}{socket}"


class PostgresConnection:
    """A psycopg connection in autocommit mode (every transaction is the store's explicit BEGIN … COMMIT, as on
    SQLite), with sqlite3's calls and SQLite's placeholders."""

    def __init__(self, url: str, timeout: float) -> None:
        self.location = display(url)
        self.timeout = timeout
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError("driver_missing", self.location) from exc
        self._psycopg = psycopg
        try:  # libpq reads the URL first: a typing error in it is named as such, not as a server unreachable
            psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError("bad_url", self.location, reason=_reason(exc)) from exc
        try:
            self._raw: psycopg.Connection[Any] = psycopg.connect(url, autocommit=True,
                                                                 connect_timeout=CONNECT_SECONDS)
        except psycopg.Error as exc:
            raise classify(exc, self.location, timeout) from exc
        # SQLite's busy timeout, on the server: a row or table another writer holds is waited for this long, then
        # the run stops with "locked" (SQLSTATE 55P03). Milliseconds; ours, so no placeholder is needed.
        self.execute(f"SET lock_timeout = {int(timeout * 1000)}")

    @property
    def in_transaction(self) -> bool:
        return self._raw.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> psycopg.Cursor[Any]:
        """Run one statement (or, without parameters, a script of several: a migration); the rows are fetched
        with it (psycopg's client-side cursor), so reading them meets no error of the server's."""
        try:
            return self._raw.execute(_placeholders(sql), None if parameters is None else tuple(parameters))
        except self._psycopg.Error as exc:
            raise classify(exc, self.location, self.timeout) from exc

    def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> psycopg.Cursor[Any]:
        rows = [tuple(p) for p in parameters]
        try:
            cursor = self._raw.cursor()
            if rows:
                cursor.executemany(_placeholders(sql), rows)
            return cursor
        except self._psycopg.Error as exc:
            raise classify(exc, self.location, self.timeout) from exc

    def close(self) -> None:
        self._raw.close()


def _placeholders(sql: str) -> str:
    """SQLite's `?` as psycopg's `%s`. The store's statements have no `?` or `%` of their own (no string literal
    holds one), which keeps this a replacement rather than a parser; a statement that had one would be a bug."""
    if "%" in sql:
        raise ValueError(f"a store statement with '%' cannot be given to psycopg: {sql[:60]!r}")
    return sql.replace("?", "%s")


# SQLSTATE (PostgreSQL's appendix A) → kind: whole codes first, then the two-character class.
_BY_STATE = {
    "28P01": "auth_failed", "28000": "auth_failed",
    "3D000": "database_missing",
    "42501": "permission",
    "53100": "full",
    "55P03": "locked", "57014": "locked",  # lock_timeout; a statement cancelled while it waited
    "40P01": "conflict", "40001": "conflict",  # a deadlock or a serialization failure: rolled back, run again
    "25006": "read_only",  # a read-only transaction (a hot standby)
    "57P01": "connection_lost", "57P02": "connection_lost", "57P03": "unreachable",
}
_BY_CLASS = {"08": "connection_lost", "28": "auth_failed", "53": "full", "58": "io", "XX": "corrupt"}
# libpq's messages when no connection was made (they carry no SQLSTATE), lower case.
_BY_TEXT = (("password authentication failed", "auth_failed"), ("no password supplied", "auth_failed"),
            ("authentication failed", "auth_failed"), ("does not exist", "database_missing"),
            ("permission denied", "permission"), ("connection refused", "unreachable"),
            ("could not connect", "unreachable"), ("no such file or directory", "unreachable"),
            ("could not translate host name", "unreachable"), ("timeout expired", "unreachable"),
            ("connection is closed", "connection_lost"), ("server closed the connection", "connection_lost"),
            ("connection to server", "unreachable"))


def classify(exc: psycopg.Error, location: str, timeout: float = 0.0) -> StoreError:
    """The StoreError for psycopg's error `exc` on the store at `location` (the URL as `display` shows it)."""
    state = getattr(exc, "sqlstate", None) or ""
    kind = _BY_STATE.get(state) or _BY_CLASS.get(state[:2])
    reason = _reason(exc)
    if kind is None and not state:
        lowered = str(exc).lower()
        kind = next((k for text, k in _BY_TEXT if text in lowered), None)
        if kind is None and "connection" in lowered:
            kind = "unreachable"
    kind = kind or "failed"
    if kind == "locked":
        return StoreError(kind, location, timeout=timeout)
    if kind == "corrupt":
        return StoreError(kind, location, detail=reason)
    if kind == "database_missing" and "role" in reason:  # 'role "x" does not exist': the login, not the database
        kind = "auth_failed"
    return StoreError(kind, location, reason=reason)


def _reason(exc: Exception) -> str:
    """psycopg's message on one line: libpq's connection errors run over several, naming every address tried."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(dict.fromkeys(lines))[:400] or type(exc).__name__
