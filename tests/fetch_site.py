"""A local web site of saved report pages for the fetch tests: http.server on 127.0.0.1 in a thread, never the
network. Pages are made from the samples' parity fixtures (tests/fixtures/parity), as a CMS publishes them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.ofd_writer import ofd_from_pdf

PARITY = Path(__file__).parent / "fixtures" / "parity"
REPORT = "002_9257bfa62931542d"  # 孟州市人民政府办公室 2025: a department, due 2026-01-31


def _page_only(stated: str) -> bytes:
    """The report as its own page, with the publication line a CMS puts under the title."""
    html = (PARITY / f"{REPORT}.html").read_text(encoding="utf-8")
    title_end = html.index("</h1>") + len("</h1>")
    return (html[:title_end] + f'\n<div class="info">{stated}　来源：孟州市人民政府办公室</div>'
            + html[title_end:]).encode()


def _announcement(date_meta: str, link: str, text: str) -> bytes:
    """A page that only announces the report and links its attachment (with a link to a guide beside it)."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="PubDate" content="{date_meta}">
<title>孟州市人民政府办公室 2025 年政府信息公开工作年度报告</title></head><body>
<nav><a href="/">首页</a></nav><h1>孟州市人民政府办公室 2025 年政府信息公开工作年度报告</h1>
<p>成文日期：2026-01-02</p><p>现将本机关 2025 年政府信息公开工作年度报告予以公布。</p>
<p><a href="/files/guide.pdf">政府信息公开指南.pdf</a></p>
<p>附件：<a href="{link}">{text}</a></p></body></html>""".encode()


@dataclass
class Site:
    base: str
    requests: list[tuple[str, float, str]] = field(default_factory=list)  # path, time, User-Agent

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)


def _routes() -> dict[str, tuple[int, str, bytes]]:
    pdf = (PARITY / f"{REPORT}.pdf").read_bytes()
    return {
        "/attached.html": (200, "text/html; charset=utf-8",
                           _announcement("2026-01-20 09:30", "/files/report.pdf", f"{REPORT}年度报告.pdf")),
        "/files/report.pdf": (200, "application/pdf", pdf),
        "/files/guide.pdf": (200, "application/pdf", pdf),
        "/late.html": (200, "text/html; charset=utf-8", _page_only("发布时间：2026年2月5日 10:30")),
        "/undated.html": (200, "text/html; charset=utf-8", _page_only("浏览次数：123")),
        "/broken-link.html": (200, "text/html; charset=utf-8",
                              _announcement("2026-01-20", "/files/missing.pdf", "年度报告.pdf")),
        "/login-link.html": (200, "text/html; charset=utf-8",
                             _announcement("2026-01-20", "/login.html?next=report.pdf", "年度报告.pdf")),
        "/login.html": (200, "text/html", b"<html><body>please log in</body></html>"),
        "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
        # The other attachments agencies publish: a Word file, and an OFD (served as a CMS serves it, octet-stream).
        "/attached-docx.html": (200, "text/html; charset=utf-8",
                                _announcement("2026-01-21", "/files/report.docx", f"{REPORT}年度报告.docx")),
        "/files/report.docx": (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                               (PARITY / f"{REPORT}.docx").read_bytes()),
        "/attached-ofd.html": (200, "text/html; charset=utf-8",
                               _announcement("2026-01-22", "/files/download?id=77", f"{REPORT}年度报告.ofd")),
        "/files/download": (200, "application/octet-stream", ofd_from_pdf(pdf, REPORT)),
    }


class _Handler(BaseHTTPRequestHandler):
    site: Site
    routes: dict[str, tuple[int, str, bytes]]
    flaky: dict[str, int]

    def log_message(self, format: str, *args: object) -> None:  # quiet in the test output
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        self.site.requests.append((path, time.monotonic(), self.headers.get("User-Agent", "")))
        if path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/late.html")
            self.end_headers()
            return
        if path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if path == "/slow":
            time.sleep(1.5)
        if path == "/big":  # no Content-Length: the client must stop at its limit as the bytes come
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            try:
                self.wfile.write(b"%PDF-1.4\n")
                for _ in range(64):
                    self.wfile.write(b"0" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if path == "/flaky.html":  # a 503 first, then the page
            self.flaky[path] = self.flaky.get(path, 0) + 1
            if self.flaky[path] == 1:
                self._send(503, "text/plain", b"busy")
                return
            path = "/late.html"
        if path == "/always-503":
            self._send(503, "text/plain", b"busy")
            return
        status, kind, body = self.routes.get(path, (404, "text/html", b"<html><body>not found</body></html>"))
        self._send(status, kind, body)

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@contextmanager
def serve(port: int = 0) -> Iterator[Site]:
    """The site on 127.0.0.1 (`port` 0: any free one), in a thread, until the block ends. Also run by hand for the
    README's example: `python -c "from tests.fetch_site import serve; ..."`."""
    handler = type("Handler", (_Handler,), {"routes": _routes(), "flaky": {}})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    site = Site(f"http://127.0.0.1:{server.server_address[1]}")
    handler.site = site
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
