"""The web application through FastAPI's TestClient (issue 12): who may see what on every route, sessions and CSRF,
uploads refused by size and content, and the working loop (self-check, submission, review, the dashboard's counts)
on both engines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from auditor.packs import Pack
from auditor.store import Store
from auditor.store.accounts import Accounts
from auditor.web import create_app
from tests.conftest import SAMPLES
from tests.webapp import AGENCIES, Person, make_accounts, sign_in, upload, web_app  # noqa: F401

SAMPLE_003 = SAMPLES / "003_1299ff54e50d8c9c.txt"  # 焦作市城乡一体化示范区管委会 2024: an error and warnings
SAMPLE_004 = SAMPLES / "004_bdd5b039361f2e6c.txt"
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/style.css")}


@dataclass
class Desk:
    """A store where 焦作 has submitted sample 003 and 洪泽 has a self-check of its own, and the ids to try."""

    app: FastAPI
    office: Person
    jiaozuo: Person
    hongze: Person
    jiaozuo_upload: int
    hongze_upload: int
    document: int
    fingerprint: str
    job: str


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, packs: list[Pack]) -> Iterator[Desk]:
    db = tmp_path_factory.mktemp("desk") / "web.db"
    make_accounts(db)
    app = create_app(db, packs)
    office, jiaozuo, hongze = (sign_in(app, n) for n in ("office", "jiaozuo", "hongze"))
    mine = upload(jiaozuo, SAMPLE_003)
    assert jiaozuo.post(f"/uploads/{mine}/submit").status_code == 303
    theirs = upload(hongze, SAMPLE_004)
    with Store(db) as store:
        document = Accounts(store).uploads(AGENCIES["jiaozuo"])[0].document_id
        assert document is not None
        fingerprint = store.findings_of(document)[0]["fingerprint"]
    with SAMPLE_004.open("rb") as handle:
        batch = office.post("/batches", files=[("files", ("004.txt", handle))])
    job = batch.headers["location"].rsplit("/", 1)[1]
    yield Desk(app, office, jiaozuo, hongze, mine, theirs, document, fingerprint, job)
    app.state.audits.close()


def _requests(app: FastAPI, desk: Desk, upload_id: int) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Every route of the application with real ids filled in: (method, route path, URL, request arguments)."""
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        url = route.path.format(upload_id=upload_id, document_id=desk.document, job_id=desk.job, year=2024,
                                name="summary.html")
        for method in sorted(route.methods):
            extra: dict[str, Any] = {"params": {"name": AGENCIES["jiaozuo"]}} if route.path == "/agency" else {}
            if method == "POST":
                extra["data"] = {"fingerprint": desk.fingerprint, "state": "confirmed", "reason": "x"}
                if route.path in ("/uploads", "/batches"):
                    extra["files"] = {"file" if route.path == "/uploads" else "files": ("x.txt", b"x")}
            yield method, route.path, url, extra


def _send(person: Person, method: str, url: str, extra: dict[str, Any], csrf: bool = True) -> Any:
    if method == "GET":
        return person.client.get(url, follow_redirects=False, params=extra.get("params"))
    data = {**extra.get("data", {}), **({"csrf": person.csrf} if csrf else {})}
    return person.client.post(url, data=data, files=extra.get("files"), follow_redirects=False,
                              params=extra.get("params"))


def test_without_a_session_every_route_but_the_login_page_leads_to_it(desk: Desk) -> None:
    stranger = Person(TestClient(desk.app))
    stranger.get("/login")  # a session with a CSRF token, but nobody signed in
    walked = 0
    for method, path, url, extra in _requests(desk.app, desk, desk.jiaozuo_upload):
        if (method, path) in PUBLIC:
            continue
        stranger.get("/login")  # a token again (the walk's POST /logout clears the session)
        response = _send(stranger, method, url, extra)
        walked += 1
        assert response.status_code == 303 and response.headers["location"] == "/login", (method, url)
    assert walked == 17  # every route of app.py but the three public ones
    assert stranger.client.get("/login").status_code == 200


def test_an_agency_reaches_nothing_of_another_agency_or_of_the_office_on_any_route(desk: Desk) -> None:
    own = {("GET", "/"), ("GET", "/self-check"), ("POST", "/uploads"), ("POST", "/logout")}
    refused = []
    for method, path, url, extra in _requests(desk.app, desk, desk.jiaozuo_upload):
        if (method, path) in PUBLIC | own:
            continue
        response = _send(desk.hongze, method, url, extra)
        refused.append((method, url, response.status_code))
    assert refused and all(code in (403, 404) for _, _, code in refused), refused
    # The ids are real: the owner reaches them.
    assert desk.jiaozuo.get(f"/uploads/{desk.jiaozuo_upload}").status_code == 200
    assert desk.jiaozuo.get(f"/uploads/{desk.jiaozuo_upload}/page").status_code == 200
    assert desk.jiaozuo.get(f"/documents/{desk.document}").status_code == 200
    # And changing the id in the URL or the form the other way round is refused too.
    assert desk.jiaozuo.get(f"/uploads/{desk.hongze_upload}").status_code == 404
    assert desk.jiaozuo.post(f"/uploads/{desk.hongze_upload}/submit").status_code == 404
    assert desk.hongze.get(f"/uploads/{desk.hongze_upload}").status_code == 200


def test_the_office_gets_404_for_ids_that_do_not_exist(desk: Desk) -> None:
    for url in ("/uploads/999999", "/uploads/999999/page", "/documents/999999", "/documents/999999/page",
                "/batches/nope", "/summary/1999/summary.html", "/summary/2024/../../etc/passwd",
                "/summary/2024/secret.db"):
        assert desk.office.get(url).status_code == 404, url
    assert desk.office.get("/agency", params={"name": "没有这个机关"}).status_code == 404
    other = desk.office.post(f"/documents/{desk.document}/decisions", {"fingerprint": "0" * 64, "state": "confirmed"})
    assert other.status_code == 404


def test_every_form_is_refused_without_the_sessions_csrf_token(desk: Desk) -> None:
    for person, paths in ((desk.office, {"/batches", "/documents/{document_id}/decisions", "/logout"}),
                          (desk.jiaozuo, {"/uploads", "/uploads/{upload_id}/submit"})):
        for method, path, url, extra in _requests(desk.app, desk, desk.jiaozuo_upload):
            if method == "POST" and path in paths:
                assert _send(person, method, url, extra, csrf=False).status_code == 403, url
                wrong = {**extra, "data": {**extra["data"], "csrf": "forged"}}
                assert _send(person, method, url, wrong, csrf=False).status_code == 403, url
    fresh = Person(TestClient(desk.app))
    fresh.get("/login")
    forged = fresh.client.post("/login", data={"name": "office", "password": "office-password-1", "csrf": "x"},
                               follow_redirects=False)
    assert forged.status_code == 403


def test_the_session_cookie_is_httponly_samesite_and_signed(desk: Desk, packs: list[Pack]) -> None:
    person = Person(TestClient(desk.app))
    person.get("/login")
    response = person.post("/login", {"name": "office", "password": "office-password-1"})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert person.get("/dashboard").status_code == 200
    value = person.client.cookies["auditor_session"]
    person.client.cookies.set("auditor_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert person.client.get("/dashboard", follow_redirects=False).status_code == 303  # tampered: no session


def test_a_wrong_password_and_a_disabled_account_are_refused(desk: Desk) -> None:
    person = Person(TestClient(desk.app))
    person.get("/login")
    assert person.post("/login", {"name": "office", "password": "wrong-password"}).status_code == 401
    assert person.post("/login", {"name": "nobody", "password": "wrong-password"}).status_code == 401


def test_guessing_a_password_is_held_off_for_every_process_of_a_deployment(store_at: Path | str,
                                                                          packs: list[Pack]) -> None:
    from auditor.web import throttle

    make_accounts(store_at)
    apps = [create_app(store_at, packs) for _ in range(2)]  # two processes over one store count the same guesses
    try:
        guesser = [Person(TestClient(app, client=("203.0.113.7", 50000))) for app in apps]
        for person in guesser:
            person.get("/login")
        codes = [guesser[i % 2].post("/login", {"name": "office", "password": f"guess-{i}"}).status_code
                 for i in range(throttle.PER_ACCOUNT + 1)]
        assert codes == [401] * throttle.PER_ACCOUNT + [429]
        # Held before the password is looked at: the right one is refused too, and says when to come back.
        held = guesser[0].post("/login", {"name": "office", "password": "office-password-1"})
        assert held.status_code == 429 and "15 分钟后再试" in held.text and held.headers["retry-after"] == "900"
        # Another account from the same address is not held by office's count, and signing in clears its own.
        assert guesser[1].post("/login", {"name": "hongze", "password": "wrong"}).status_code == 401
        assert guesser[1].post("/login", {"name": "hongze", "password": "hongze-password-1"}).status_code == 303
        # Once the window has passed (the failures aged in the store), the owner signs in again.
        with Store(store_at) as store:
            store._connection.execute("UPDATE sign_in_failures SET at = '2000-01-01T00:00:00.000000+00:00'")
        assert sign_in(apps[0], "office").get("/dashboard").status_code == 200
        # One address trying a password on many names is held by the address's count.
        sprayer = Person(TestClient(apps[0], client=("198.51.100.9", 50000)))
        sprayer.get("/login")
        for i in range(throttle.PER_CLIENT):
            assert sprayer.post("/login", {"name": f"user{i}", "password": "123456"}).status_code == 401
        assert sprayer.post("/login", {"name": "jiaozuo", "password": "jiaozuo-password-1"}).status_code == 429
    finally:
        for app in apps:
            app.state.audits.close()


def test_a_login_is_not_held_up_by_a_batch_holding_the_stores_write_lock(web_app: FastAPI) -> None:  # noqa: F811
    """A batch records 64 files in one SQLite transaction: a login meanwhile reads what it needs and skips a count it
    cannot write at once (auditor.web.throttle), rather than waiting 30 s for the lock and failing."""
    import time

    person = Person(TestClient(web_app))
    person.get("/login")
    with Store(web_app.state.db) as busy, busy.batch():  # another writer's transaction, as a batch's
        started = time.monotonic()
        assert person.post("/login", {"name": "office", "password": "wrong"}).status_code == 401
        assert person.post("/login", {"name": "office", "password": "office-password-1"}).status_code == 303
        assert time.monotonic() - started < 10


def test_a_disabled_account_loses_its_session_at_once(web_app: FastAPI) -> None:  # noqa: F811
    person = sign_in(web_app, "hongze")
    assert person.get("/self-check").status_code == 200
    with Store(web_app.state.db) as store:
        assert Accounts(store).set_disabled("hongze")
    assert person.get("/self-check").headers["location"] == "/login"
    again = Person(TestClient(web_app))
    again.get("/login")
    assert again.post("/login", {"name": "hongze", "password": "hongze-password-1"}).status_code == 401


def test_uploads_are_refused_by_size_and_by_content(desk: Desk, tmp_path: Path) -> None:
    def refused(name: str, content: bytes) -> Any:
        return desk.hongze.post("/uploads", files={"file": (name, content)})

    assert refused("empty.txt", b"").status_code == 400
    archive = refused("report.pdf", b"PK\x03\x04" + b"\0" * 100)  # a zip named .pdf: its bytes decide
    assert archive.status_code == 400 and "zip" in archive.text
    assert refused("tool.txt", b"\x7fELF\x02\x01\x01" + b"\0" * 100).status_code == 400  # a program, not a report
    small = create_app(desk.app.state.db, desk.app.state.packs, upload_limit=1 << 10)
    try:
        person = sign_in(small, "hongze")
        big = person.post("/uploads", files={"file": ("big.txt", b"x" * 5000)})
        assert big.status_code == 400 and "上限" in big.text
        huge = person.post("/uploads", files={"file": ("huge.txt", b"x" * (2 << 20))})  # beyond the body's bound
        assert huge.status_code == 413
    finally:
        small.state.audits.close()


def test_an_agency_checks_a_photo_of_its_report_and_sees_what_ocr_read(web_app: FastAPI) -> None:  # noqa: F811
    """A scan or photo is uploaded as any report is (issue 13): read through OCR in the supervised worker, with the
    time its page earns, and its page says the text came from OCR; a GIF is refused, naming what is read."""
    pytest.importorskip("rapidocr_onnxruntime", reason="the OCR extra (pip install '.[ocr]')")
    import io

    from tests.scan_writer import scanned_pages
    from tests.test_parity import PARITY

    photo = io.BytesIO()
    next(scanned_pages((PARITY / "003_1299ff54e50d8c9c.pdf").read_bytes(), 0.9, 5)).save(photo, format="PNG")
    hongze = sign_in(web_app, "hongze")
    response = hongze.post("/uploads", files={"file": ("第1页.png", photo.getvalue())})
    assert response.status_code == 303, response.text
    page = hongze.get(response.headers["location"] + "/page").text
    assert "文字识别" in page and "政府信息公开" in page
    gif = hongze.post("/uploads", files={"file": ("scan.gif", b"GIF89a" + b"\0" * 100)})
    assert gif.status_code == 400 and "PNG、JPEG、TIFF" in gif.text


def test_a_hostile_file_name_is_shown_inert_and_the_file_is_never_served_back(desk: Desk) -> None:
    name = '<img src=x onerror=alert(1)>\u202e\x1b[31m.txt'
    with SAMPLE_004.open("rb") as handle:
        response = desk.hongze.post("/uploads", files={"file": (name, handle)})
    page = desk.hongze.get(response.headers["location"])
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "\u202e" not in page.text and "\x1b" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    report = desk.hongze.get(response.headers["location"] + "/page")
    assert "<img src=x" not in report.text and report.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert not any(r.path.endswith(("/content", "/download")) for r in desk.app.routes if isinstance(r, APIRoute))


def test_the_batch_page_shows_progress_until_done_and_records_the_files(desk: Desk) -> None:
    import time

    for _ in range(120):
        page = desk.office.get(f"/batches/{desk.job}")
        if "已完成" in page.text or "失败" in page.text:
            break
        assert 'http-equiv="refresh"' in page.text  # polled without a script (progressive enhancement)
        time.sleep(0.5)
    assert "已完成" in page.text and 'http-equiv="refresh"' not in page.text
    document = re.search(r'/documents/(\d+)', page.text)
    assert document is not None
    assert desk.office.get(document.group(0)).status_code == 200


def test_a_batch_page_is_shown_by_another_process_and_a_stalled_batch_says_so(store_at: Path | str,
                                                                           packs: list[Pack]) -> None:
    import time

    make_accounts(store_at)
    running, other = create_app(store_at, packs), create_app(store_at, packs)
    try:
        office = sign_in(running, "office")
        with SAMPLE_004.open("rb") as handle:
            job = office.post("/batches", files=[("files", ("004.txt", handle))]).headers["location"]
        elsewhere = sign_in(other, "office")  # the next poll reaches another process of the deployment
        for _ in range(120):
            page = elsewhere.get(job)
            if "已完成" in page.text:
                break
            assert page.status_code == 200 and 'http-equiv="refresh"' in page.text
            time.sleep(0.5)
        assert "已完成" in page.text and "004.txt" in page.text and re.search(r"/documents/\d+", page.text)
        # A batch whose process stopped midway: the store last heard of it long ago, and the page says so.
        with Store(store_at) as store:
            store._connection.execute("UPDATE batches SET stage = 'audit', updated_at = ?",
                                      ("2000-01-01T00:00:00.000000+00:00",))
        stalled = elsewhere.get(job)
        assert 'id="quiet"' in stalled.text and "可能已停止" in stalled.text and "已完成" not in stalled.text
        assert 'id="quiet"' not in office.get(job).text  # the process running it knows better than the store
        assert elsewhere.get("/batches/" + "0" * 32).status_code == 404
    finally:
        running.state.audits.close()
        other.state.audits.close()


def _counts(person: Person) -> dict[str, Any]:
    response = person.get("/dashboard.json")
    assert response.status_code == 200
    return dict(json.loads(response.text))


def test_self_check_submission_review_and_the_dashboard_on_both_engines(store_at: Path | str,
                                                                       packs: list[Pack]) -> None:
    make_accounts(store_at)
    app = create_app(store_at, packs)
    try:
        office, jiaozuo = sign_in(app, "office"), sign_in(app, "jiaozuo")
        first = upload(jiaozuo, SAMPLE_003)
        page = jiaozuo.get(f"/uploads/{first}")
        assert "提交此版本" in page.text and f'src="/uploads/{first}/page"' in page.text
        assert "受理政府信息公开申请 9 件" in jiaozuo.get(f"/uploads/{first}/page").text
        # A self-check is no part of the year: the dashboard has no document yet.
        assert sum(_counts(office)["statuses"].values()) == 0 and _counts(office)["pending"] == 1
        second = upload(jiaozuo, SAMPLE_003, "again.txt")
        assert jiaozuo.post(f"/uploads/{second}/submit").status_code == 303
        assert jiaozuo.post(f"/uploads/{first}/submit").status_code == 409  # one version a year
        before = _counts(office)
        assert before["statuses"]["error"] == 1 and before["reviews"]["awaiting"] == 5, before
        with Store(store_at) as store:
            document = Accounts(store).upload(second).document_id  # type: ignore[union-attr]
            assert document is not None and store.document_count() == 1
            fingerprints = [f["fingerprint"] for f in store.findings_of(document)]
        assert office.post(f"/documents/{document}/decisions",
                           {"fingerprint": fingerprints[0], "state": "confirmed"}).status_code == 303
        no_reason = office.post(f"/documents/{document}/decisions",
                                {"fingerprint": fingerprints[1], "state": "dismissed"})
        assert no_reason.status_code == 400 and "理由" in no_reason.text
        assert office.post(f"/documents/{document}/decisions", {"fingerprint": fingerprints[1],
                           "state": "dismissed", "reason": "高新区管委会即示范区管委会"}).status_code == 303
        after = _counts(office)
        assert after["reviews"] == {"awaiting": 3, "confirmed": 1, "dismissed": 1, "waived": 0}, after
        shown = office.get(f"/documents/{document}")
        assert shown.text.count('data-state="confirmed"') == 1 and shown.text.count('data-state="dismissed"') == 1
        assert "高新区管委会即示范区管委会" in shown.text
        # The agency sees the office's decisions on its report, and cannot make one.
        assert jiaozuo.post(f"/documents/{document}/decisions",
                            {"fingerprint": fingerprints[2], "state": "dismissed", "reason": "x"}).status_code == 403
        assert "已确认" in jiaozuo.get(f"/uploads/{second}/page").text
        download = office.get("/summary/2024/findings.csv")
        assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
        assert office.get("/rectification").status_code == 200
    finally:
        app.state.audits.close()


def test_two_submissions_at_once_record_one_version(web_app: FastAPI) -> None:  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor

    jiaozuo = sign_in(web_app, "jiaozuo")
    first, second = upload(jiaozuo, SAMPLE_003), upload(jiaozuo, SAMPLE_003, "copy.txt")
    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(lambda u: jiaozuo.post(f"/uploads/{u}/submit").status_code, (first, second)))
    assert codes == [303, 409]
    with Store(web_app.state.db) as store:
        assert store.document_count() == 1
        assert sum(1 for u in Accounts(store).uploads() if u.submitted_at) == 1


def test_two_processes_of_one_deployment_record_one_version_of_an_agencys_year(store_at: Path | str,
                                                                                packs: list[Pack]) -> None:
    """Two application instances over one store (as `auditor serve` twice behind one address): each has its own
    audit thread, so only the store's claim can keep the year to one submission."""
    from concurrent.futures import ThreadPoolExecutor

    make_accounts(store_at)
    apps = [create_app(store_at, packs) for _ in range(2)]
    try:
        people = [sign_in(app, "jiaozuo") for app in apps]
        uploads = [upload(people[0], SAMPLE_003), upload(people[1], SAMPLE_003, "copy.txt")]
        with ThreadPoolExecutor(2) as pool:
            codes = sorted(pool.map(lambda i: people[i].post(f"/uploads/{uploads[i]}/submit").status_code, (0, 1)))
        assert codes == [303, 409]
        with Store(store_at) as store:
            assert store.document_count() == 1
            assert sum(1 for u in Accounts(store).uploads() if u.submitted_at) == 1
    finally:
        for app in apps:
            app.state.audits.close()


def test_a_submission_that_fails_gives_its_claim_back(web_app: FastAPI) -> None:  # noqa: F811
    jiaozuo = sign_in(web_app, "jiaozuo")
    first = upload(jiaozuo, SAMPLE_003)
    audits = web_app.state.audits
    recorded = audits._recorded

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the disk is full")

    audits._recorded = broken
    with pytest.raises(RuntimeError):
        jiaozuo.post(f"/uploads/{first}/submit")
    audits._recorded = recorded
    assert jiaozuo.post(f"/uploads/{first}/submit").status_code == 303


def test_the_summary_download_links_each_report_to_its_page_here(desk: Desk) -> None:
    response = desk.office.client.get("/summary/2024/summary.html")
    assert response.status_code == 200
    page = response.text
    assert f'<a class="page" href="http://testserver/documents/{desk.document}"' in page
    opened = desk.office.client.get(f"/documents/{desk.document}")
    assert opened.status_code == 200
