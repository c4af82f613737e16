"""Ingest: bytes of a published report → one Document. Formats are recognised by content, not only by name.

Readers are imported when a file of their format arrives: a run over text reports never loads pdfplumber or lxml.
"""

from __future__ import annotations

from pathlib import Path

from auditor.ingest.decode import DecodeError, decode, looks_binary
from auditor.ingest.document import Cell, Document, Paragraph, Row, Table
from auditor.ingest.errors import IngestError
from auditor.ingest.text import read_text

__all__ = ["Cell", "Document", "IngestError", "Paragraph", "Row", "Table", "read_document", "sniff_format"]


def sniff_format(data: bytes, path: Path) -> str:
    """Name the format from the bytes; the extension only separates Markdown from plain text."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or path.suffix.lower() == ".docx" else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<table" in data[:65536].lower():
        return "html"
    if path.suffix.lower() in {".md", ".markdown"}:
        return "markdown"
    return "text"


def read_document(path: Path) -> Document:
    """Read one report. Raises IngestError (never a traceback-worthy exception) for anything unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError("file_not_found") from None
    except IsADirectoryError:
        raise IngestError("read_error", reason="is a directory") from None
    except OSError as exc:
        raise IngestError("read_error", reason=exc.strerror or str(exc)) from None
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
    if fmt in {"doc", "zip"}:  # legacy Word and other archives: no kept library reads them well enough
        raise IngestError("unsupported_format", format=fmt.upper())
    if looks_binary(data):
        raise IngestError("binary_file")
    try:
        text, encoding = decode(data)
    except DecodeError:
        raise IngestError("undecodable_text") from None
    return read_text(text, str(path), fmt, encoding)
