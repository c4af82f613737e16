"""A document's audit kept in the store (uploads.result) and read back, whole: the findings, coverage, review marks
and the report's own lines and cells (`view`), so its annotated page is drawn again without reading the file.

pydantic's TypeAdapter reads and writes the frozen dataclasses of auditor.model as they are (tuples, enums, nested
dataclasses), and checks what it reads against their types: a row that does not fit is refused, never half-read.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from pydantic import TypeAdapter, ValidationError

from auditor.model import DocumentResult, Finding, Severity


class ResultError(ValueError):
    """A stored result that cannot be read back (written by another version, or damaged)."""


@cache
def _documents() -> TypeAdapter[DocumentResult]:
    return TypeAdapter(DocumentResult)


@cache
def _findings() -> TypeAdapter[list[Finding]]:
    return TypeAdapter(list[Finding])


def dump(document: DocumentResult) -> str:
    """The result as JSON text (its review marks dropped: decisions are read afresh whenever it is shown)."""
    unmarked = document.findings if all(f.review is None for f in document.findings) else tuple(
        _unreviewed(f) for f in document.findings)
    return _documents().dump_json(_replace(document, unmarked)).decode("utf-8")


def load(text: str) -> DocumentResult:
    try:
        return _documents().validate_json(text)
    except ValidationError as exc:
        raise ResultError(f"a stored audit result could not be read: {exc.error_count()} errors") from exc


def findings(rows: list[dict[str, object]]) -> tuple[Finding, ...]:
    """Findings as the store keeps them (Store.findings_of: location and evidence decoded), as Finding values."""
    try:
        return tuple(_findings().validate_python(
            [{**r, "rule_name": r.get("rule_name") or "", "fingerprint": r.get("fingerprint") or "",
              "severity": _severity(str(r["severity"]))} for r in rows]))
    except ValidationError as exc:
        raise ResultError(f"stored findings could not be read: {exc.error_count()} errors") from exc


def _severity(label: str) -> int:
    return int(Severity.parse(label))


def _unreviewed(f: Finding) -> Finding:
    return dataclasses.replace(f, review=None)


def _replace(document: DocumentResult, found: tuple[Finding, ...]) -> DocumentResult:
    return document if found is document.findings else dataclasses.replace(document, findings=found)
