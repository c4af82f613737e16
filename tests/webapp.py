"""What the web application's tests share: a store with three accounts, the application over it, and clients that
sign in as a person does (the login page's form, its CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from auditor.packs import Pack
from auditor.store import Store
from auditor.store.accounts import Accounts
from auditor.web import create_app
from auditor.web.passwords import hash_password

PASSWORDS = {"office": "office-password-1", "jiaozuo": "jiaozuo-password-1", "hongze": "hongze-password-1"}
AGENCIES = {"jiaozuo": "焦作市城乡一体化示范区管委会", "hongze": "淮安市洪泽区人民政府"}
_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def make_accounts(db: Path | str) -> None:
    with Store(db) as store:
        accounts = Accounts(store)
        accounts.add_user("office", hash_password(PASSWORDS["office"]), "supervisor", None)
        for name, agency in AGENCIES.items():
            accounts.add_user(name, hash_password(PASSWORDS[name]), "agency", agency)


@dataclass
class Person:
    """A browser's worth of state: its cookies (in the client) and the CSRF token its pages carry."""

    client: TestClient
    csrf: str = ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(url, follow_redirects=False, **kwargs)
        self._token(response.text)
        return response

    def post(self, url: str, data: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        form = {"csrf": self.csrf, **(data or {})}
        return self.client.post(url, data=form, follow_redirects=False, **kwargs)

    def _token(self, text: str) -> None:
        found = _TOKEN.search(text)
        if found:
            self.csrf = found.group(1)


def sign_in(app: FastAPI, name: str, password: str | None = None) -> Person:
    person = Person(TestClient(app))
    person.get("/login")
    response = person.post("/login", {"name": name, "password": password or PASSWORDS[name]})
    assert response.status_code == 303, response.text
    person.get("/")
    person.get("/dashboard" if name == "office" else "/self-check")  # the signed-in session's token
    return person


def upload(person: Person, path: Path, name: str | None = None) -> int:
    with path.open("rb") as handle:
        response = person.post("/uploads", files={"file": (name or path.name, handle)})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def web_app(tmp_path: Path, packs: list[Pack]) -> Iterator[FastAPI]:
    db = tmp_path / "web.db"
    make_accounts(db)
    app = create_app(db, packs)
    yield app
    app.state.audits.close()
