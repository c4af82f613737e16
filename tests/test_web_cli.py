"""`auditor users` (issue 12 part 4): accounts made, listed and disabled from the command line, passwords read from
a prompt or a file and stored only as argon2 hashes; bad input is a message and exit code 2, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main
from auditor.store import Store
from auditor.store.accounts import Accounts
from auditor.web.passwords import verify


def test_users_are_added_listed_and_disabled(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    secret = tmp_path / "pw"
    secret.write_text("a-long-enough-password\n", encoding="utf-8")
    runner = CliRunner()
    added = runner.invoke(main, ["users", "add", "--db", str(db), "office", "--role", "supervisor",
                                 "--password-file", str(secret)])
    assert added.exit_code == 0, added.output
    prompted = runner.invoke(main, ["users", "add", "--db", str(db), "hongze", "--role", "agency", "--agency",
                                    "淮安市洪泽区人民政府"], input="another-password\nanother-password\n")
    assert prompted.exit_code == 0, prompted.output
    listed = runner.invoke(main, ["users", "list", "--db", str(db)])
    assert "office  supervisor  -" in listed.output and "hongze  agency  淮安市洪泽区人民政府" in listed.output
    with Store(db) as store:
        user = Accounts(store).user(name="hongze")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert verify(user.password_hash, "another-password") and not verify(user.password_hash, "wrong")
    rows = sqlite3.connect(db).execute("SELECT password_hash FROM users").fetchall()
    assert not any("password" in r[0] for r in rows)
    assert runner.invoke(main, ["users", "disable", "--db", str(db), "hongze"]).exit_code == 0
    listed = runner.invoke(main, ["users", "list", "--db", str(db)])
    assert "hongze  agency  淮安市洪泽区人民政府 已停用" in listed.output


def test_bad_accounts_are_refused_with_a_message(tmp_path: Path) -> None:
    db = tmp_path / "audits.db"
    secret = tmp_path / "pw"
    secret.write_text("a-long-enough-password\n", encoding="utf-8")
    short = tmp_path / "short"
    short.write_text("short\n", encoding="utf-8")
    runner = CliRunner()

    def add(*args: str) -> tuple[int, str]:
        done = runner.invoke(main, ["users", "add", "--db", str(db), *args])
        assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
        return done.exit_code, done.output

    assert add("x", "--role", "agency", "--password-file", str(secret))[0] == 2  # no --agency
    assert add("x", "--role", "supervisor", "--agency", "某局", "--password-file", str(secret))[0] == 2
    code, output = add("x", "--role", "supervisor", "--password-file", str(short))
    assert code == 2 and "10" in output
    assert add("office", "--role", "supervisor", "--password-file", str(secret))[0] == 0
    code, output = add("office", "--role", "supervisor", "--password-file", str(secret))
    assert code == 2 and "exists" in output
    unknown = runner.invoke(main, ["users", "disable", "--db", str(db), "nobody"])
    assert unknown.exit_code == 2 and "nobody" in unknown.output
    missing = runner.invoke(main, ["users", "list", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "none.db" in missing.output


def test_serve_refuses_a_store_it_cannot_use_before_listening(tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "no" / "such" / "dir.db")])
    assert done.exit_code == 2 and done.output.startswith("auditor: ")
    assert isinstance(done.exception, SystemExit)  # a message, not a traceback
