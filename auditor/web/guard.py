"""Two small ASGI middlewares every response passes: the security headers, and a bound on a request's body.

The body is counted as it arrives, whatever Content-Length claims, so a client cannot make the multipart parser
spool gigabytes to disk before a route's own per-file limit (uploads.receive) is reached: 413 once `limit` bytes
(a batch's route: `batch_limit`) have come.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The application's own pages: its stylesheet, its frames (the annotated report pages) and its forms, nothing else.
APP_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:  # a report page sets its own (auditor.web.app)
                    headers["Content-Security-Policy"] = APP_POLICY
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


class TooLarge(HTTPException):
    """Raised from the body's stream: an HTTPException, so the route's form parsing lets it through as the 413 it
    is (the application's error page), not as a body it could not parse."""

    def __init__(self) -> None:
        super().__init__(413, "the request is over the upload limit")


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int, batch_limit: int) -> None:
        self.app = app
        self.limit = limit
        self.batch_limit = batch_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.batch_limit if scope.get("path") == "/batches" else self.limit
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await _refuse(send)


async def _refuse(send: Send) -> None:
    body = b"413: the request is over the upload limit"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
