"""Fetch each URL into a folder as published: the page itself, or the attachment it links when it links one (the
page kept beside it), each report with its sidecar. A URL that fails is an Outcome saying why; the others go on."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from auditor import __version__
from auditor.fetch.client import FetchFailed, Policy, PoliteClient, Response
from auditor.fetch.pages import Published, attachment_link, parse_page, publication_date
from auditor.fetch.sidecar import Sidecar, write_atomic, write_sidecar
from auditor.ingest.decode import looks_binary


@dataclass(frozen=True)
class FetchOptions:
    policy: Policy = Policy()


@dataclass(frozen=True)
class Outcome:
    """What became of one URL: the report file saved (and the page it was linked from), the publication date the
    page states, or why it failed (`failure`: a slug, `detail`). A failed URL may still have saved its page
    (an attachment that could not be fetched: the page is kept as the report, so the audit sees what was
    published)."""

    index: int
    url: str
    agency: str | None
    file: str | None = None
    page: str | None = None
    published: Published | None = None
    failure: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.failure is None


def fetch_all(entries: Iterable[tuple[str, str | None]], out: Path, options: FetchOptions = FetchOptions(),
              client: PoliteClient | None = None) -> Iterator[Outcome]:
    """Fetch each (URL, agency) into `out` (an existing folder) in turn, one Outcome each, in order."""
    own = client is None
    polite = client or PoliteClient(options.policy)
    try:
        for index, (url, agency) in enumerate(entries, start=1):
            yield fetch_one(polite, index, url, agency, out)
    finally:
        if own:
            polite.close()


def fetch_one(client: PoliteClient, index: int, url: str, agency: str | None, out: Path) -> Outcome:
    stem = f"{index:04d}-{_host_name(url)}"
    try:
        first = client.get(url)
    except FetchFailed as exc:
        return Outcome(index, url, agency, failure=exc.slug, detail=exc.detail)
    try:
        kind = document_kind(first)
        if kind is not None:  # the URL is the report's file itself: no page states a date
            name = f"{stem}.{kind}"
            _save(out, name, url, agency, first, None, None)
            return Outcome(index, url, agency, file=name)
        if not _looks_html(first) and _is_text(first):  # a report published as plain text
            name = f"{stem}.{'md' if 'markdown' in (first.content_type or '') else 'txt'}"
            _save(out, name, url, agency, first, None, None)
            return Outcome(index, url, agency, file=name)
        root = parse_page(first.body) if _looks_html(first) else None
        if root is None:
            return Outcome(index, url, agency, failure="not_a_report_format",
                           detail=first.content_type or "unknown content")
        published = publication_date(root)
        link = attachment_link(root, first.url)
        if link is None:
            name = f"{stem}.html"
            _save(out, name, url, agency, first, published, None)
            return Outcome(index, url, agency, file=name, published=published)
        try:
            attached = client.get(link.url)
            kind = document_kind(attached)
            if kind is None:
                raise FetchFailed("attachment_not_a_document", f"{link.url}: {attached.content_type or 'unknown'}")
        except FetchFailed as exc:  # keep the page as the report: the audit then sees what was published
            name = f"{stem}.html"
            _save(out, name, url, agency, first, published, None)
            slug = exc.slug if exc.slug.startswith("attachment") else "attachment_failed"
            detail = exc.detail if exc.slug.startswith("attachment") else f"{link.url}: {exc.slug} {exc.detail}"
            return Outcome(index, url, agency, file=name, published=published, failure=slug, detail=detail)
        page_name, name = f"{stem}.page.html", f"{stem}.{kind}"
        write_atomic(out / page_name, first.body)
        page = {"file": page_name, "final_url": first.url, "status": first.status,
                "content_type": first.content_type, "sha256": hashlib.sha256(first.body).hexdigest(),
                "size": len(first.body), "link_text": link.text[:200]}
        _save(out, name, url, agency, attached, published, page)
        return Outcome(index, url, agency, file=name, page=page_name, published=published)
    except OSError as exc:
        return Outcome(index, url, agency, failure="write_error", detail=f"{out}: {exc.strerror or exc}")


def document_kind(response: Response) -> str | None:
    """The report format of a response's body by its content (never by its name alone): pdf, docx, ofd, doc or wps
    (an OLE2 file: which of the two, by the URL), or None (a page, or nothing a report is published as)."""
    body = response.body
    if body[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if body.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2 compound file: Word 97 and WPS
        return "wps" if _suffix(response.url) == ".wps" else "doc"
    if body.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names:  # GB/T 33190: the package's entry file
            return "ofd"
    return None


def _looks_html(response: Response) -> bool:
    """A page by its declared type, or by its first bytes when the server declares none or a text type."""
    kind = (response.content_type or "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    if kind and not kind.startswith("text/"):
        return False
    head = response.body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<meta", b"<title"))


def _is_text(response: Response) -> bool:
    kind = (response.content_type or "").split(";")[0].strip().lower()
    return kind in ("text/plain", "text/markdown") and not looks_binary(response.body)


def _save(out: Path, name: str, url: str, agency: str | None, response: Response, published: Published | None,
          page: dict[str, object] | None) -> None:
    write_atomic(out / name, response.body)
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    stated = None if published is None else {"date": published.date.isoformat(), "source": published.source,
                                             "text": published.text}
    write_sidecar(out, Sidecar(f"auditor {__version__}", url, agency, when, name, response.url, response.status,
                               response.content_type, hashlib.sha256(response.body).hexdigest(), len(response.body),
                               stated, page))


def _host_name(url: str) -> str:
    """The URL's host reduced to [A-Za-z0-9.-], for a file name no URL can make a path of."""
    try:
        host = urlsplit(url).hostname or "url"
    except ValueError:  # not a URL: client.get says so
        host = "url"
    return re.sub(r"[^A-Za-z0-9.-]", "_", host).strip(".")[:60] or "url"


def _suffix(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
