"""The routes: parse the request, ask access.py who may, call the library, render a page (STYLE §17).

    app = create_app("audits.db", packs)      # or a postgresql:// URL; `auditor serve` runs it under uvicorn

Every page but the login page needs a session (access.viewer); every form carries the session's CSRF token
(access.csrf_checked). Audits never run here: auditor.web.audits hands them to its own thread and the supervised
worker processes under it.
"""

from __future__ import annotations

import dataclasses
import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from auditor.config import RunConfig
from auditor.formatters.html import page_html
from auditor.model import DocumentResult
from auditor.packs import Pack
from auditor.review import DecisionError, decide
from auditor.run import rule_infos
from auditor.store import Store, StoreError, results
from auditor.store.accounts import Accounts, DocumentRow, Upload
from auditor.summary import WRITERS, write_all
from auditor.web import desk, throttle
from auditor.web.access import (
    SignInRequired,
    Viewer,
    agency,
    csrf_checked,
    own_upload,
    sign_in,
    sign_out,
    supervisor,
    viewer,
    visible_document,
)
from auditor.web.audits import AlreadySubmitted, Audits, submitted_before, year_of
from auditor.web.guard import BodyLimit, SecurityHeaders
from auditor.web.pages import page, stylesheet
from auditor.web.passwords import verify
from auditor.web.uploads import MAX_BATCH_FILES, MAX_UPLOAD_BYTES, Refused, checked, receive
from auditor.web.words import REFUSALS_ZH

SESSION_HOURS = 8
# Minutes without progress after which a batch read from the store is said to have perhaps stopped, by stage. Its
# process writes as files finish, but not while SQLite's write lock is its own (recording: its saves wait for each
# record batch of 64 files, whose slowest could take 64 × --timeout), and a queued batch waits for the batches
# before it.
QUIET_MINUTES = {"queued": 60, "record": 35, "audit": 10}
# A batch's request, all files together: its files are held in memory until the audit thread has written them.
BATCH_BYTES = 1 << 30
# The summary's files a supervisor can download, with their media types; nothing else is served from its folder.
DOWNLOADS = {"summary.html": "text/html; charset=utf-8", "summary.md": "text/markdown; charset=utf-8",
             "summary.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "agencies.csv": "text/csv; charset=utf-8", "findings.csv": "text/csv; charset=utf-8",
             "tongbao.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

_ALREADY = {"zh": "本年度的报告已经提交，如需更正请联系政务公开办",
            "en": "a report of this year was submitted already: ask the office to correct it"}

Signed = Annotated[Viewer, Depends(viewer)]
Supervisor = Annotated[Viewer, Depends(supervisor)]
Agency = Annotated[Viewer, Depends(agency)]
Checked = Depends(csrf_checked)


def create_app(db: Path | str, packs: list[Pack], lang: str = "zh", secret: str | None = None,
               https_only: bool = False, config: RunConfig | None = None,
               upload_limit: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """The application over the store at `db` (opened now: a StoreError says why it cannot be used). `secret`
    signs the session cookies (default: a new random one, so a restart signs everyone out); `https_only` marks
    them Secure, for a deployment behind TLS."""
    with Store(db):
        pass  # checked and migrated once, before the first request

    audits = Audits(db, packs, lang)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:  # the audit thread finishes what it was doing (a batch's store stays whole), then stops
            audits.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db, app.state.packs, app.state.lang, app.state.audits = db, packs, lang, audits
    app.state.config = config or RunConfig()
    app.state.rules = {r.id: r for r in rule_infos(packs)}
    app.state.aliases = _aliases(packs)
    app.state.upload_limit = upload_limit
    app.add_middleware(SessionMiddleware, secret_key=secret or secrets.token_urlsafe(32),
                       session_cookie="auditor_session", max_age=SESSION_HOURS * 3600, same_site="lax",
                       https_only=https_only)
    app.add_middleware(BodyLimit, limit=upload_limit * 4 + (1 << 20), batch_limit=BATCH_BYTES)
    app.add_middleware(SecurityHeaders)
    _handlers(app)
    _routes(app)
    return app


def _aliases(packs: list[Pack]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, tuple[str, ...]] = {}
    for pack in packs:
        for name, others in pack.agency_aliases.items():
            merged[name] = tuple(dict.fromkeys(merged.get(name, ()) + others))
    return merged


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        message = REFUSALS_ZH.get(detail, detail) if request.app.state.lang == "zh" else detail
        return page(request, "error.html.j2", exc.status_code, message=message, code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        detail = "the form is incomplete or malformed"
        message = REFUSALS_ZH[detail] if request.app.state.lang == "zh" else detail
        return page(request, "error.html.j2", 400, message=message, code=400)

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> Response:
        return page(request, "error.html.j2", 503, message=exc.message(request.app.state.lang), code=503)

    @app.exception_handler(results.ResultError)
    async def unreadable(request: Request, exc: results.ResultError) -> Response:
        return page(request, "error.html.j2", 500, message=str(exc), code=500)


def _routes(app: FastAPI) -> None:  # noqa: C901 - one flat list of routes reads better than several files
    @app.get("/style.css")
    def style() -> Response:
        return Response(stylesheet(), media_type="text/css; charset=utf-8")

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> Response:
        return page(request, "login.html.j2")

    @app.post("/login", dependencies=[Checked])
    def login(request: Request, name: Annotated[str, Form()] = "",
              password: Annotated[str, Form()] = "") -> Response:
        name, client = name.strip(), request.client.host if request.client else "-"
        words = request.app.state.lang
        with Store(request.app.state.db) as store:
            counts = throttle.failures(store, name, client)
            if throttle.held(counts):
                held = page(request, "login.html.j2", 429, error=throttle.MESSAGES[words])
                held.headers["Retry-After"] = str(int(throttle.WINDOW.total_seconds()))
                return held
            user = Accounts(store).user(name=name)
            if user is None or user.disabled or not verify(user.password_hash if user else None, password):
                throttle.refused(request.app.state.db, name, client)
                message = "用户名或密码不正确，或账户已停用" if words == "zh" else \
                    "wrong name or password, or the account is disabled"
                return page(request, "login.html.j2", 401, error=message)
            throttle.succeeded(request.app.state.db, name, counts)
        sign_in(request, user)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout", dependencies=[Checked])
    def logout(request: Request) -> Response:
        sign_out(request)
        return RedirectResponse("/login", status_code=303)

    @app.get("/")
    def home(who: Signed) -> Response:
        return RedirectResponse("/dashboard" if who.is_supervisor else "/self-check", status_code=303)

    # --- an agency's self-check --------------------------------------------------------------------------------

    @app.get("/self-check", response_class=HTMLResponse)
    def self_check(request: Request, who: Agency) -> Response:
        with Store(request.app.state.db) as store:
            uploads = Accounts(store).uploads(who.agency)
        return page(request, "self_check.html.j2", uploads=uploads, summaries=_summaries(uploads))

    @app.post("/uploads", dependencies=[Checked])
    def upload(request: Request, who: Agency, file: Annotated[UploadFile, File()]) -> Response:
        try:
            received = receive(file.filename, file.file, request.app.state.upload_limit)
        except Refused as exc:
            raise HTTPException(400, exc.messages[request.app.state.lang]) from exc
        result = request.app.state.audits.check(received)
        with Store(request.app.state.db) as store:
            upload_id = Accounts(store).add_upload(who.id, who.agency or "", received.name, received.sha256,
                                                   received.content, results.dump(result))
        return RedirectResponse(f"/uploads/{upload_id}", status_code=303)

    @app.get("/uploads/{upload_id}", response_class=HTMLResponse)
    def upload_page(request: Request, who: Signed, upload_id: int) -> Response:
        with Store(request.app.state.db) as store:
            accounts = Accounts(store)
            found = own_upload(who, accounts, upload_id)
            result = desk.shown(results.load(found.result or ""), store)
            submitted = [u for u in accounts.uploads(found.agency) if u.submitted_at and u.id != found.id
                         and year_of(u.result) == result.report.year]
        return page(request, "upload.html.j2", upload=found, result=result, other_submitted=submitted)

    @app.get("/uploads/{upload_id}/page", response_class=HTMLResponse)
    def upload_report(request: Request, who: Signed, upload_id: int) -> Response:
        with Store(request.app.state.db) as store:
            found = own_upload(who, Accounts(store), upload_id)
            result = desk.shown(results.load(found.result or ""), store)
        return _report_page(request, result)

    @app.post("/uploads/{upload_id}/submit", dependencies=[Checked])
    def submit(request: Request, who: Agency, upload_id: int) -> Response:
        with Store(request.app.state.db) as store:
            accounts = Accounts(store)
            found = own_upload(who, accounts, upload_id)
            if submitted_before(accounts, upload_id):
                raise HTTPException(409, _ALREADY[request.app.state.lang])
            content = accounts.upload_content(upload_id) or b""
        received = checked(found.name, content, max(len(content), 1))
        try:
            request.app.state.audits.submit(upload_id, received)
        except AlreadySubmitted as exc:
            raise HTTPException(409, _ALREADY[request.app.state.lang]) from exc
        return RedirectResponse(f"/uploads/{upload_id}", status_code=303)

    # --- the supervisor's desk -----------------------------------------------------------------------------------

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request, who: Supervisor, year: Annotated[int | None, Query()] = None) -> Response:
        with Store(request.app.state.db) as store:
            board = desk.dashboard(store, request.app.state.db, year, request.app.state.packs,
                                   request.app.state.config)
        return page(request, "dashboard.html.j2", board=board, downloads=list(DOWNLOADS))

    @app.get("/dashboard.json")
    def dashboard_json(request: Request, who: Supervisor, year: Annotated[int | None, Query()] = None) -> Response:
        with Store(request.app.state.db) as store:
            board = desk.dashboard(store, request.app.state.db, year, request.app.state.packs,
                                   request.app.state.config)
        return Response(desk.json_counts(board), media_type="application/json")

    @app.get("/agency", response_class=HTMLResponse)
    def agency_page(request: Request, who: Supervisor, name: Annotated[str, Query(max_length=200)]) -> Response:
        with Store(request.app.state.db) as store:
            documents, uploads = desk.history(Accounts(store), name)
        if not documents and not uploads:
            raise HTTPException(404, "no such agency")
        return page(request, "agency.html.j2", name=name, documents=documents, uploads=uploads,
                    summaries=_summaries(uploads))

    @app.get("/documents/{document_id}", response_class=HTMLResponse)
    def document_page(request: Request, who: Signed, document_id: int) -> Response:
        with Store(request.app.state.db) as store:
            row, result, drawn = _visible_result(request, who, store, document_id)
            decisions = {f.fingerprint: store.decisions(f.fingerprint) for f in result.findings if f.fingerprint}
        return page(request, "document.html.j2", document=row, result=result, drawn=drawn, decisions=decisions,
                    rules=request.app.state.rules, today=date.today().isoformat())

    @app.get("/documents/{document_id}/page", response_class=HTMLResponse)
    def document_report(request: Request, who: Signed, document_id: int) -> Response:
        with Store(request.app.state.db) as store:
            _, result, _ = _visible_result(request, who, store, document_id)
        return _report_page(request, result)

    @app.post("/documents/{document_id}/decisions", dependencies=[Checked])
    def decide_finding(request: Request, who: Supervisor, document_id: int,
                       fingerprint: Annotated[str, Form(max_length=128)],
                       state: Annotated[str, Form(max_length=20)], reason: Annotated[str, Form(max_length=2000)] = "",
                       scope: Annotated[str, Form(max_length=20)] = "report",
                       until: Annotated[str, Form(max_length=10)] = "") -> Response:
        with Store(request.app.state.db) as store:
            _, result, _ = _visible_result(request, who, store, document_id)
            subject = desk.subject_of(result, fingerprint)
            if subject is None:
                raise HTTPException(404, "no such finding on this document")
            try:
                last = date.fromisoformat(until) if until else None
                decision = decide(subject, state, reason=reason, by=who.name, scope=scope, until=last)
            except ValueError as exc:
                message = exc.messages[request.app.state.lang] if isinstance(exc, DecisionError) else str(exc)
                raise HTTPException(400, message) from exc
            store.record_decisions([decision])
        return RedirectResponse(f"/documents/{document_id}#f-{fingerprint[:12]}", status_code=303)

    @app.get("/rectification", response_class=HTMLResponse)
    def rectification_page(request: Request, who: Supervisor, year: Annotated[int | None, Query()] = None) -> Response:
        with Store(request.app.state.db) as store:
            known = desk.years(Accounts(store))
            year = year if year is not None else (known[-1] if known else None)
            rows = desk.rectification(store, year, request.app.state.aliases) if year is not None else []
        return page(request, "rectification.html.j2", year=year, years=known, rows=rows)

    @app.get("/summary/{year}/{name}")
    def download(request: Request, who: Supervisor, year: int, name: str) -> Response:
        if name not in DOWNLOADS:
            raise HTTPException(404, "no such summary file")
        with Store(request.app.state.db) as store:
            board = desk.dashboard(store, request.app.state.db, year, request.app.state.packs,
                                   request.app.state.config)
        if board.summary is None or board.year != year:
            raise HTTPException(404, "no document of that year")
        summary = board.summary
        if summary.pages is not None:  # each report's link is this application's page of it, not a file beside
            summary = dataclasses.replace(summary, pages=dataclasses.replace(summary.pages,
                                                                             web=str(request.base_url)))
        with tempfile.TemporaryDirectory(prefix="auditor-summary-") as folder:
            written = write_all(summary, Path(folder) / "out", request.app.state.lang,
                                tuple(n for n in WRITERS if n != "reports"))
            wanted = next((p for p in written if p.name == name), None)
            if wanted is None:
                raise HTTPException(404, "no such summary file")
            content = wanted.read_bytes()
        filename = f"{year}-{name}"
        return Response(content, media_type=DOWNLOADS[name], headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})

    @app.post("/batches", dependencies=[Checked])
    def batch(request: Request, who: Supervisor, files: Annotated[list[UploadFile], File()]) -> Response:
        if len(files) > MAX_BATCH_FILES:
            raise HTTPException(400, f"at most {MAX_BATCH_FILES} files in one batch")
        received, refused = [], []
        for file in files:
            try:
                received.append(receive(file.filename, file.file, request.app.state.upload_limit))
            except Refused as exc:
                refused.append(exc.messages[request.app.state.lang])
        if not received:
            raise HTTPException(400, "；".join(refused) or "no file")
        job = request.app.state.audits.start_batch(who.id, received, tuple(refused))
        return RedirectResponse(f"/batches/{job.id}", status_code=303)

    @app.get("/batches/{job_id}", response_class=HTMLResponse)
    def batch_page(request: Request, who: Supervisor, job_id: str) -> Response:
        job = request.app.state.audits.job(job_id)
        if job is None:
            raise HTTPException(404, "no such batch")
        return page(request, "batch.html.j2", job=job, quiet_after=QUIET_MINUTES.get(job.stage, 1 << 30))


def _visible_result(request: Request, who: Viewer, store: Store, document_id: int) -> tuple[
        DocumentRow, DocumentResult, bool]:
    """A recorded document `who` may see (403/404 otherwise: access.visible_document), with its result as a page
    shows it (desk.document_result): every route to a document goes through this one check."""
    accounts = Accounts(store)
    upload_row = visible_document(who, accounts, document_id)
    row = accounts.document(document_id)
    assert row is not None  # visible_document said 404 otherwise
    result, drawn = desk.document_result(store, row, upload_row, request.app.state.aliases)
    return row, result, drawn


def _summaries(uploads: list[Upload]) -> dict[int, DocumentResult]:
    """Each upload's stored audit, read for the lists' verdict and counts (an unreadable one is left out)."""
    out: dict[int, DocumentResult] = {}
    for u in uploads:
        try:
            out[u.id] = results.load(u.result or "")
        except results.ResultError:
            continue
    return out


def _report_page(request: Request, result: DocumentResult) -> Response:
    """The annotated report page (auditor.formatters.html, as `--format html` writes it), shown inside the
    application's page in a sandboxed frame: its own CSP (in the page) allows only its inline style and script,
    and only this application may frame it."""
    html = page_html(result, request.app.state.lang, None, request.app.state.rules)
    return HTMLResponse(html, headers={"Content-Security-Policy": "frame-ancestors 'self'"})
