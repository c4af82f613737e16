"""Ingest: bytes of a published report → one Document. Formats are recognised by content, not only by name.

Readers are imported when a file of their format arrives: a run over text reports never loads pdfplumber or lxml.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

from auditor import limits
from auditor.ingest.decode import DecodeError, decode, looks_binary
from auditor.ingest.document import Cell, Document, Paragraph, Row, Table
from auditor.ingest.errors import IngestError
from auditor.ingest.script import document_simplified, document_text, is_traditional, simplified
from auditor.ingest.text import read_text

OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 compound file's signature ([MS-CFB] §2.2)
# The scans OCR reads, by signature. Here rather than in image.py, which loads numpy and Pillow: every audit sniffs,
# only a scan's needs them.
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}

__all__ = ["Cell", "Document", "IngestError", "Paragraph", "Row", "Table", "read_document", "sniff_format"]


def image_format(data: bytes) -> str | None:
    """"PNG", "JPEG" or "TIFF" when the bytes begin as one does, else None."""
    return next((name for magic, name in IMAGE_MAGIC.items() if data.startswith(magic)), None)


def sniff_format(data: bytes, path: Path) -> str:
    """Name the format from the bytes; the extension only separates Markdown from plain text."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or path.suffix.lower() == ".docx":
            return "docx"
        # An OFD package (GB/T 33190 §7.1) has its entry file OFD.xml at the root: named in a local header near the
        # start, or in the central directory at the end.
        return "ofd" if b"OFD.xml" in data[:65536] or b"OFD.xml" in data[-65536:] else "zip"
    if head.startswith(OLE2_MAGIC):
        # Word 97 and Kingsoft WPS are both OLE2 compound files read the same way; the name only labels which.
        return "wps" if path.suffix.lower() == ".wps" else "doc"
    if image_format(data) is not None:  # a photo or scan (PNG, JPEG, TIFF): read through OCR
        return "image"
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<table" in data[:65536].lower():
        return "html"
    if path.suffix.lower() in {".md", ".markdown"}:
        return "markdown"
    return "text"


def read_document(path: Path) -> Document:
    """Read one report. Raises IngestError (never a traceback-worthy exception) for anything unreadable, and
    `file_too_large` for a file over limits.MAX_INPUT_BYTES, before it is read into memory. A report in traditional
    characters is read converted to simplified ones (script.py; Document.script says so)."""
    document = _read(path)
    # Text is converted before it is cut into lines (_read); the other formats after they are read.
    if document.format not in ("text", "markdown") and is_traditional(document_text(document)):
        return document_simplified(document)
    return document


def _read(path: Path) -> Document:
    data = read_bounded(path, limits.MAX_INPUT_BYTES)
    if not data.strip():
        raise IngestError("empty_file")
    fmt = sniff_format(data, path)
    if fmt == "pdf":
        from auditor.ingest.pdf import read_pdf
        return read_pdf(data, str(path))
    if fmt == "docx":
        from auditor.ingest.docx import read_docx
        return read_docx(data, str(path))
    if fmt == "html":
        from auditor.ingest.html import read_html
        return read_html(data, str(path))
    if fmt == "image":
        from auditor.ingest.scan import read_image
        return read_image(data, str(path), image_format(data) or "image")
    if fmt in {"doc", "wps"}:
        from auditor.ingest.office import read_office
        return read_office(data, str(path), fmt)
    if fmt == "ofd":
        from auditor.ingest.ofd import read_ofd
        return read_ofd(data, str(path))
    if fmt == "zip":  # an archive of something else: no report is read out of it
        raise IngestError("unsupported_format", format=fmt.upper())
    if looks_binary(data):
        raise IngestError("binary_file")
    try:
        text, encoding = decode(data)
    except DecodeError:
        raise IngestError("undecodable_text") from None
    if is_traditional(text):  # before the text is cut into lines: its headings and table words must be recognised
        return dataclasses.replace(read_text(simplified(text), str(path), fmt, encoding), script="traditional")
    return read_text(text, str(path), fmt, encoding)


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of `path`, or IngestError: `file_too_large` when it holds more than `limit` bytes, `file_not_found`,
    `read_error`. The size is checked with fstat before anything is read, and the read itself stops one byte past the
    limit: a file that grows while it is read, or a device whose size reads 0 (/dev/zero), cannot make it read without
    bound. Opening does not wait (O_NONBLOCK): a FIFO nobody writes to reads as empty instead of hanging the run."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise IngestError("file_not_found") from None
    except OSError as exc:
        raise _read_error(exc) from None
    try:
        os.set_blocking(fd, True)  # non-blocking only to open: a pipe that has a writer is read to its end
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IngestError("read_error", reason="is a directory")
        if info.st_size > limit:
            raise _too_large(limits.size_text(info.st_size), limit)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise _read_error(exc) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew after fstat, or is a device: how much more there is is not known
        raise _too_large(f"{limits.size_text(limit)}+", limit)
    return data


def _read_error(exc: OSError) -> IngestError:
    if isinstance(exc, IsADirectoryError):
        return IngestError("read_error", reason="is a directory")
    return IngestError("read_error", reason=exc.strerror or str(exc))


def _too_large(size: str, limit: int) -> IngestError:
    return IngestError("file_too_large", size=size, limit=limits.size_text(limit))
