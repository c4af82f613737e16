"""A real PostgreSQL server for the store's tests, started by the test session and stopped at its end.

Debian's `initdb` and `pg_ctl` (on PATH, or under /usr/lib/postgresql/*/bin: the `postgresql` package, which
.ci/run installs) make a cluster in a temporary folder, listening on 127.0.0.1 at a free port and on a Unix socket in
that folder. PostgreSQL refuses to run as root, so under root the cluster belongs to `nobody` (present on every
Debian system) and each server command runs through `runuser -u nobody`; the folder, made by mkdtemp under /tmp, is
handed to that user. Otherwise the server runs as the current user.

Logins over TCP need a password (scram-sha-256), as on a shared server, so the tests meet a real authentication;
over the socket, the superuser is trusted (how the fixture makes roles and databases).

Without the binaries or psycopg the PostgreSQL tests are skipped with the reason, and fail instead under CI
(CI=true): a CI machine without them is a broken set-up, never a green run that tested nothing.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SUPERUSER = "auditor_admin"
PASSWORD = "s3cret-pw"  # of SUPERUSER; the tests check it never appears in a message
_UNPRIVILEGED = "nobody"


def _binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    base: Path  # the temporary folder: data/, the socket, the log
    port: int

    def url(self, dbname: str, user: str = SUPERUSER, password: str | None = PASSWORD) -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, dbname: str = "postgres") -> Any:
        """A superuser connection over the socket (autocommit), for making roles and databases."""
        import psycopg

        return psycopg.connect(host=str(self.base), port=self.port, user=SUPERUSER, dbname=dbname, autocommit=True)

    def new_database(self, name: str) -> str:
        with self.admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _run(command: list[str], as_user: str | None, cwd: Path) -> None:
    full = ["runuser", "-u", as_user, "--", *command] if as_user else command
    done = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed ({done.returncode}): {done.stderr or done.stdout}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    binaries = _binaries()
    if binaries is None:
        _unavailable("no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
        return
    as_user = _UNPRIVILEGED if os.geteuid() == 0 else None
    if as_user and shutil.which("runuser") is None:
        _unavailable("running as root, and no runuser to start the server as an unprivileged user")
        return
    base = Path(tempfile.mkdtemp(prefix="auditor-pg-"))
    (base / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    if as_user:
        shutil.chown(base, as_user)
        shutil.chown(base / "pw", as_user)
    data, port = base / "data", _free_port()
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={base / 'pw'}",
              "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
             as_user, base)
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "-t", "60",
              "start"], as_user, base)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"could not start a PostgreSQL server for the tests: {exc}", pytrace=False)
    try:
        yield PostgresServer(base, port)
    finally:
        stop = [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
        subprocess.run(["runuser", "-u", as_user, "--", *stop] if as_user else stop, cwd=base, capture_output=True,
                       timeout=120, check=False)
        shutil.rmtree(base, ignore_errors=True)


_numbers = itertools.count(1)


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> str:
    """The URL of a new, empty database on the session's server (one per test)."""
    return postgres_server.new_database(f"store_{os.getpid()}_{next(_numbers)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_at(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's store lives, once on each engine: an SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "h.db"
    return str(request.getfixturevalue("pg_url"))
