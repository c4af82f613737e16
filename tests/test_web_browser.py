"""The web application as people use it (issue 12 part 6): uvicorn serving it on 127.0.0.1, Debian's Chromium driven
by Playwright (never a browser download of Playwright's own), on both engines. An agency signs in, uploads the 洪泽
reports and sees their findings marked; the office confirms one finding and dismisses another and the dashboard's
counts change; another agency reaches none of it. Screenshots of the main pages go to /tmp/webapp-shots/."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

from auditor.packs import Pack
from auditor.web import create_app
from tests.conftest import CORPUS, SAMPLES
from tests.webapp import PASSWORDS, make_accounts

HONGZE_2023 = CORPUS / "huaian-hongze-gov-2023.pdf"
HONGZE_2024 = CORPUS / "huaian-hongze-gov-2024.pdf"
SHOTS = Path("/tmp/webapp-shots")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """The application under uvicorn in a thread of this process, on a free loopback port."""

    def __init__(self, db: Path | str, packs: list[Pack]) -> None:
        import uvicorn

        self.app = create_app(db, packs)
        self.url = f"http://127.0.0.1:{_free_port()}"
        port = int(self.url.rsplit(":", 1)[1])
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)


class Visitor:
    """One person's browser context, with every console error and script error its pages raised."""

    def __init__(self, browser: Any, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def go(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def sign_in(self, name: str) -> None:
        self.go("/")
        assert self.page.url.endswith("/login")
        self.page.fill("input[name=name]", name)
        self.page.fill("input[name=password]", PASSWORDS[name])
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def upload(self, path: Path) -> int:
        self.go("/self-check")
        self.page.set_input_files("input[name=file]", str(path))
        self.page.click("form.upload button")
        self.page.wait_for_url(re.compile(r"/uploads/\d+$"), timeout=120_000)
        return int(self.page.url.rsplit("/", 1)[1])

    def shot(self, name: str, engine: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{engine}-{name}.png"), full_page=True)

    def count(self, selector: str) -> int:
        return int(self.page.inner_text(selector))


def test_an_agency_checks_and_submits_the_office_reviews_and_no_one_else_sees_it(
        chromium: Any, store_at: Path | str, packs: list[Pack]) -> None:
    engine = "sqlite" if isinstance(store_at, Path) else "postgresql"
    make_accounts(store_at)
    served = Served(store_at, packs)
    try:
        hongze = Visitor(chromium, served.url)
        hongze.go("/dashboard")
        assert hongze.page.url.endswith("/login")  # nothing but the login page without a session
        hongze.shot("login", engine)
        hongze.sign_in("hongze")
        assert hongze.page.url.endswith("/self-check")

        # 2023: table 四's 行政复议 总计 0 where 10 + 1: marked on its cell, its message on hover.
        first = hongze.upload(HONGZE_2023)
        report = hongze.page.frame_locator("iframe.report")
        marked = report.locator("td[data-mk]")
        marked.first.wait_for(timeout=30_000)
        assert marked.count() >= 1
        assert "T4-SUM" in report.locator("body").inner_text()
        hongze.page.click("form.submit button")
        hongze.page.wait_for_url(re.compile(rf"/uploads/{first}$"))
        assert "已提交" in hongze.page.inner_text("section.summary")
        hongze.go(f"/uploads/{first}/page")  # the whole page, as the link beside the frame opens it
        cell = hongze.page.locator("td[data-mk]").first
        cell.scroll_into_view_if_needed()
        cell.hover()
        hongze.page.screenshot(path=str(SHOTS / f"{engine}-marked-cell.png"))

        # 2024: 「受理政府信息公开申请17件」 where table 三 has 95 new, marked on its line.
        second = hongze.upload(HONGZE_2024)
        report = hongze.page.frame_locator("iframe.report")
        line = report.locator("mark", has_text="17")
        line.first.wait_for(timeout=30_000)
        assert "17件" in line.first.inner_text()
        hongze.shot("upload", engine)
        hongze.page.click("form.submit button")
        hongze.page.wait_for_url(re.compile(rf"/uploads/{second}$"))
        hongze.go("/self-check")
        hongze.shot("self-check", engine)

        office = Visitor(chromium, served.url)
        office.sign_in("office")
        assert office.page.url.endswith("/dashboard")
        before = {s: office.count(f"#review-{s}") for s in ("awaiting", "confirmed", "dismissed")}
        assert office.count("#status-error") == 1 and before["confirmed"] == before["dismissed"] == 0
        office.shot("dashboard", engine)
        office.page.click("#documents a:has-text('审核')")
        office.page.wait_for_url(re.compile(r"/documents/\d+$"))
        document_url = office.page.url
        articles = office.page.locator("article.finding")
        assert articles.count() == before["awaiting"] >= 2
        articles.nth(0).locator("button.confirm").click()
        office.page.wait_for_load_state()
        articles = office.page.locator("article.finding")
        dismiss = articles.nth(1).locator("form:has(button.dismiss)")
        dismiss.locator("input[name=reason]").fill("正文所称为受理件数，不含不予受理")
        dismiss.locator("button.dismiss").click()
        office.page.wait_for_load_state()
        assert office.page.locator("article[data-state=confirmed]").count() == 1
        assert office.page.locator("article[data-state=dismissed]").count() == 1
        office.shot("document", engine)
        office.go("/dashboard")
        after = {s: office.count(f"#review-{s}") for s in ("awaiting", "confirmed", "dismissed")}
        assert after == {"awaiting": before["awaiting"] - 2, "confirmed": 1, "dismissed": 1}, (before, after)
        assert office.count("#status-error") == 1  # a confirmed error still stands; the dismissed one is set aside

        # Last year's confirmed finding, matched with this year's report.
        office.go("/dashboard?year=2023")
        office.page.click("#documents a:has-text('审核')")
        office.page.locator("article.finding").nth(0).locator("button.confirm").click()
        office.page.wait_for_load_state()
        office.go("/rectification?year=2024")
        assert office.page.locator("#rectification tbody tr").count() >= 1
        office.shot("rectification", engine)

        # A batch: the page answers at once and shows its progress until the batch is done.
        office.go("/dashboard")
        office.page.set_input_files("input[name=files]", [str(SAMPLES / "003_1299ff54e50d8c9c.txt"),
                                                           str(SAMPLES / "004_bdd5b039361f2e6c.txt")])
        office.page.click("form.upload button")
        office.page.wait_for_url(re.compile(r"/batches/\w+$"))
        for _ in range(240):
            if "已完成" in office.page.inner_text("#stage"):
                break
            time.sleep(0.5)
            office.page.reload()
        assert "已完成" in office.page.inner_text("#stage")
        office.shot("batch", engine)

        # Another agency: none of it, whichever id it types.
        jiaozuo = Visitor(chromium, served.url)
        jiaozuo.sign_in("jiaozuo")
        for path in (f"/uploads/{second}", f"/uploads/{second}/page", document_url.removeprefix(served.url),
                     document_url.removeprefix(served.url) + "/page", "/dashboard", "/rectification"):
            response = jiaozuo.go(path)
            assert response.status in (403, 404), (path, response.status)
        jiaozuo.shot("forbidden", engine)
        for visitor in (hongze, office, jiaozuo):
            assert not [e for e in visitor.errors if "404" not in e and "403" not in e], visitor.errors
            visitor.context.close()
    finally:
        served.stop()
