"""Who may see what, decided here and nowhere else (STYLE §17): every route depends on `viewer` (a signed-in,
enabled account, read afresh from the store on each request), `supervisor` or `agency` (the role), and reaches an
upload or a document only through `own_upload` / `visible_document`, which answer 404 for what the viewer may not
see (an agency learns nothing of another agency's ids). Every form posts `csrf`, checked by `csrf_checked` against
the session's token.

Sessions are Starlette's signed cookies (itsdangerous; HttpOnly, SameSite=Lax: auditor.web.app), holding the user's
id and the CSRF token only. CSRF is the synchronizer-token pattern (OWASP): one random token per session, put in
every form as a hidden field and compared in constant time; starlette-csrf checks a header only, which a plain HTML
form cannot send, and the session cookie already signs what a double-submit cookie would.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request

from auditor.store import Store
from auditor.store.accounts import AGENCY, SUPERVISOR, Accounts, Upload, User

SESSION_USER, SESSION_CSRF = "user", "csrf"


class SignInRequired(Exception):
    """No session, or its account is gone or disabled: the login page (auditor.web.app's handler)."""


@dataclass(frozen=True)
class Viewer:
    id: int
    name: str
    role: str
    agency: str | None

    @property
    def is_supervisor(self) -> bool:
        return self.role == SUPERVISOR


def csrf_token(request: Request) -> str:
    """The session's token, made on first need (the login page's form needs one before anyone signs in)."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def csrf_checked(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse (403) a form without the session's token."""
    expected = request.session.get(SESSION_CSRF)
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), csrf.encode()):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")


def sign_in(request: Request, user: User) -> None:
    """A new session for `user`: the old one's contents (and its CSRF token) dropped, so a token or session fixed
    before the login is worth nothing after it."""
    request.session.clear()
    request.session[SESSION_USER] = user.id
    csrf_token(request)


def sign_out(request: Request) -> None:
    request.session.clear()


def viewer(request: Request) -> Viewer:
    user_id = request.session.get(SESSION_USER)
    if not isinstance(user_id, int):
        raise SignInRequired
    with Store(request.app.state.db) as store:
        user = Accounts(store).user(user_id=user_id)
    if user is None or user.disabled:
        request.session.clear()
        raise SignInRequired
    who = Viewer(user.id, user.name, user.role, user.agency)
    request.state.viewer = who  # for the pages' header
    return who


def supervisor(who: Annotated[Viewer, Depends(viewer)]) -> Viewer:
    if not who.is_supervisor:
        raise HTTPException(403, "for the supervisory office only")
    return who


def agency(who: Annotated[Viewer, Depends(viewer)]) -> Viewer:
    if who.role != AGENCY:
        raise HTTPException(403, "for agency accounts only")
    return who


def own_upload(who: Viewer, accounts: Accounts, upload_id: int) -> Upload:
    """The upload, if `who` may see it: an agency its own agency's, a supervisor every one; else 404."""
    found = accounts.upload(upload_id)
    if found is None or (not who.is_supervisor and found.agency != who.agency):
        raise HTTPException(404, "no such upload")
    return found


def visible_document(who: Viewer, accounts: Accounts, document_id: int) -> Upload | None:
    """For a recorded document: a supervisor sees every one (its upload, or None for one `audit --db` recorded);
    an agency only a document it submitted itself; else 404."""
    if accounts.document(document_id) is None:
        raise HTTPException(404, "no such document")
    upload = accounts.upload_of_document(document_id)
    if not who.is_supervisor and (upload is None or upload.agency != who.agency):
        raise HTTPException(404, "no such document")
    return upload
