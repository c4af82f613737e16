"""A polite HTTP client for fetching reports (httpx): a timeout, a size limit read as the body streams in, retries
with back-off on 5xx answers and time-outs only (a 404 or a refused connection will not be better in a second),
one request at a time per host with a delay between them, and a User-Agent that names the tool."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from auditor import __version__

USER_AGENT = f"auditor/{__version__} (government information disclosure report audit; python-httpx)"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Policy:
    """How politely to fetch. `timeout`: seconds for one request, from connecting to the last byte; `max_bytes`: the
    most one response may be (the audit reads no larger file: limits.MAX_INPUT_BYTES); `retries`: further attempts
    after a 5xx or a time-out, waiting `backoff`, 2×`backoff`, … seconds; `delay`: seconds between two requests to
    one host."""

    timeout: float = 30.0
    max_bytes: int = 64 * 1024 * 1024
    retries: int = 2
    backoff: float = 2.0
    delay: float = 1.0


@dataclass(frozen=True)
class Response:
    url: str  # the final URL, after redirects
    status: int
    content_type: str | None
    body: bytes


class FetchFailed(Exception):
    """A URL that could not be fetched: `slug` names why (http_status, timeout, too_large, connection,
    too_many_redirects, invalid_url), `detail` says more."""

    def __init__(self, slug: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(f"{slug}: {detail}")
        self.slug, self.detail, self.status = slug, detail, status


class _TooLarge(Exception):
    pass


class _Slow(Exception):
    pass


class PoliteClient:
    """One httpx client for a run. Requests go one at a time (a run fetches its URLs in turn), and a host is asked
    again only `delay` seconds after its last answer."""

    def __init__(self, policy: Policy, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._sleep, self._clock = sleep, clock
        self._last: dict[str, float] = {}
        self._client = httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=True,
                                    max_redirects=MAX_REDIRECTS, transport=transport,
                                    timeout=httpx.Timeout(policy.timeout))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, url: str) -> Response:
        """The response to GET `url` with status 200; FetchFailed otherwise, after the retries the policy allows."""
        try:
            parts = urlsplit(url)
        except ValueError:  # an unbalanced [ in the host, a port that is no number
            raise FetchFailed("invalid_url", url) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchFailed("invalid_url", url)
        attempt = 0
        while True:
            self._wait_for(parts.hostname)
            try:
                response = self._once(url)
            except FetchFailed as exc:
                retry = exc.slug == "timeout" or (exc.slug == "http_status" and (exc.status or 0) >= 500)
                if not retry or attempt >= self.policy.retries:
                    raise
                self._sleep(self.policy.backoff * 2 ** attempt)
                attempt += 1
                continue
            return response

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.policy.delay - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)

    def _once(self, url: str) -> Response:
        host = urlsplit(url).hostname or ""  # checked by get
        started = self._clock()
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise FetchFailed("http_status", f"HTTP {response.status_code}", response.status_code)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.policy.max_bytes:
                    raise _TooLarge
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.policy.max_bytes:
                        raise _TooLarge  # stop reading: the rest is never downloaded
                    if self._clock() - started > self.policy.timeout:
                        raise _Slow  # a server that trickles bytes is not let hold the run
                return Response(str(response.url), response.status_code, response.headers.get("content-type"),
                                bytes(body))
        except _TooLarge:
            raise FetchFailed("too_large", f"over {self.policy.max_bytes} bytes") from None
        except (_Slow, httpx.TimeoutException):
            raise FetchFailed("timeout", f"no complete answer within {self.policy.timeout:g} s") from None
        except httpx.TooManyRedirects:
            raise FetchFailed("too_many_redirects", f"more than {MAX_REDIRECTS}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchFailed("invalid_url", str(exc)) from None
        except httpx.HTTPError as exc:  # refused, reset, a protocol error, a body that does not decode
            raise FetchFailed("connection", f"{type(exc).__name__}: {exc}") from None
        finally:
            self._last[host] = self._clock()
