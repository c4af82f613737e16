"""An uploaded file, checked before anything audits it: its size bounded while it is read (never the client's
Content-Length), its format named by its bytes as the CLI names them (auditor.ingest.sniff_format), its name kept
only to be shown. It is written for the audit under a name of our own, and never served back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import BinaryIO

from auditor.ingest import image_format, sniff_format
from auditor.ingest.decode import looks_binary

MAX_UPLOAD_BYTES = 32 << 20  # a report of 100 pages with images is ~20 MB; the CLI's own limit is 64 MiB
MAX_BATCH_FILES = 500
_NAME_CHARS = 120  # of a shown name
# The formats the audit reads, by what sniff_format calls them, and the suffix the file is written under.
SUFFIXES = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "wps": ".wps", "ofd": ".ofd", "html": ".html",
            "markdown": ".md", "text": ".txt", "image": ""}  # an image: its own kind's suffix (image_format)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Refused(ValueError):
    """An upload that is not audited, with why (in Chinese and English)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.messages = {"zh": zh, "en": en}


@dataclass(frozen=True)
class Received:
    name: str  # as uploaded, made printable: shown, never used as a path
    content: bytes
    format: str  # one of SUFFIXES

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def write(self, folder: Path, number: int = 0) -> Path:
        """The bytes under a name of our own: the name's safe letters with the suffix of the format found (so the
        audit reads them as what they are), in a folder of `folder` numbered `number` (a batch's files may share a
        name). The store records this path; pages show `name`."""
        stem = _UNSAFE.sub("-", PurePath(self.name).stem).strip("-")[:60] or "report"
        place = folder / f"{number:04d}"
        place.mkdir(exist_ok=True)
        suffix = SUFFIXES[self.format] or f".{(image_format(self.content) or 'png').lower()}"
        path = place / f"{stem}{suffix}"
        path.write_bytes(self.content)
        return path


def receive(name: str | None, stream: BinaryIO, limit: int = MAX_UPLOAD_BYTES) -> Received:
    """Read an upload of at most `limit` bytes; Refused for an empty or larger file, or one whose bytes are of a
    format the audit cannot read (a zip archive, a GIF)."""
    return checked(name, stream.read(limit + 1), limit)


def checked(name: str | None, content: bytes, limit: int = MAX_UPLOAD_BYTES) -> Received:
    """Bytes already read (a stored upload submitted later), checked as `receive` checks an upload."""
    shown = _CONTROL.sub("", PurePath((name or "").replace("\\", "/")).name)[:_NAME_CHARS] or "report"
    if not content:
        raise Refused(f"「{shown}」是空文件", f"'{shown}' is empty")
    if len(content) > limit:
        raise Refused(f"「{shown}」超过 {limit >> 20} MB 的上传上限", f"'{shown}' is over the {limit >> 20} MB limit")
    found = sniff_format(content, Path(shown))  # the name only tells Markdown from plain text
    if found in ("text", "markdown") and looks_binary(content):
        found = "binary"  # a program or an image is not a text report, whatever it is called
    if found not in SUFFIXES:
        raise Refused(f"「{shown}」不是可核查的格式（可读 PDF、DOCX、DOC、WPS、OFD、HTML、Markdown、文本，以及"
                      f"扫描件和照片 PNG、JPEG、TIFF；此文件为 {found}）",
                      f"'{shown}' is not a format the audit reads (PDF, DOCX, DOC, WPS, OFD, HTML, Markdown, text, "
                      f"and scans or photos as PNG, JPEG, TIFF; this is {found})")
    return Received(shown, content, found)
