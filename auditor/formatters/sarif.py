"""`--format sarif`: the run as one SARIF 2.1.0 log (OASIS; schema in ../shared/schemas), for code-scanning viewers.

One `run`: each finding a `result` (ruleId and ruleIndex into `tool.driver.rules`, level, message in the run's
language, the file as an artifact, a table cell as a logical location 「表三/本年新收/总计」, the fingerprint as
`partialFingerprints`, a dismissal or waiver as an external accepted `suppression`, a baseline's mark as
`baselineState`); each document an `artifact` whose properties carry its verdict and coverage; the tool's own problems
`toolExecutionNotifications` of the one invocation, described in `tool.driver.notifications`.

Streamed like json_format: results are written as documents come; the artifacts and notifications, which SARIF keeps
in arrays of their own, are spooled to a temporary file (in memory up to 1 MiB) and copied after them. `tool` is
written last, so a rule a result names that the run's packs do not list (a caller's RunResult without `rules`) still
gets its descriptor and the result its index; JSON members have no order a reader may rely on.

A region's `startLine` is given only where the audit's line numbers are the file's lines (text and Markdown, not a
flattened web dump); in HTML, DOCX and PDF they count paragraphs in reading order and are kept in the location's
properties (`line`), with the section as a logical location. Text meant to be read (messages, snippets, names,
justifications) goes through `visible`; properties keep the data exact, as the JSON output does; every piece goes
through `json_text`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from auditor import __version__
from auditor.describe import describe_key
from auditor.facts.vocabulary import CHINESE_NUMERALS, TABLES, label
from auditor.fingerprint import VERSION as FINGERPRINT_VERSION
from auditor.formatters import register
from auditor.formatters.safe import json_text, markdown_text, visible
from auditor.formatters.serialize import SKIPPED, Totals
from auditor.model import (
    DocumentResult,
    Finding,
    Location,
    Problem,
    ReviewState,
    RuleInfo,
    RunResult,
    RunStream,
    Severity,
    Verdict,
)
from auditor.problems import CATALOG

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = f"auditorFingerprint/v{FINGERPRINT_VERSION}"
ROOT = "SRCROOT"  # uriBaseId of the working directory: artifact URIs are relative to it when they can be
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
LANGUAGES = {"zh": "zh-CN", "en": "en-US"}
MIME_TYPES = {"text": "text/plain", "markdown": "text/markdown", "html": "text/html", "pdf": "application/pdf",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# Formats whose line numbers are the file's own lines (ingest/text.py); a flattened dump's count its segments.
_LINE_TRUE = frozenset({"text", "markdown"})
_SUPPRESSED = (ReviewState.DISMISSED, ReviewState.WAIVED)
# tool.driver.notifications lists the catalog in its order
_NOTIFICATION_INDEX = {slug: i for i, slug in enumerate(CATALOG)}
_WORDS = {
    "zh": {"section": "第{n}部分", "remediation": "整改建议", "references": "依据", "value": "{what} = {value}"},
    "en": {"section": "section {n}", "remediation": "Remediation", "references": "References",
           "value": "{what} = {value}"},
}


def _dump(value: Any) -> str:
    return json_text(json.dumps(value, ensure_ascii=False))


class _Spool:
    """An array's items written now and read back once, in order: in memory up to 1 MiB, then a temporary file."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115
        self.count = 0

    def add(self, item: dict[str, Any]) -> None:
        self._file.write(("," if self.count else "") + "\n      " + _dump(item))
        self.count += 1

    def pieces(self) -> Iterator[str]:
        with self._file:
            self._file.seek(0)
            while chunk := self._file.read(1 << 16):
                yield chunk


@register("sarif")
def as_sarif(result: RunResult | RunStream, color: bool = False,
             show: frozenset[str] = frozenset()) -> Iterator[str]:
    """`color` and `show` change nothing here: SARIF carries everything, for a viewer to choose from."""
    lang = result.lang
    rules = list(result.rules)
    index = {r.id: i for i, r in enumerate(rules)}
    base = Path.cwd()
    artifacts, notices = _Spool(), _Spool()
    totals = Totals()
    failed = any(_blocking(p) for p in result.problems)
    yield f'{{\n  "$schema": {_dump(SCHEMA)},\n  "version": "2.1.0",\n  "runs": [\n    {{\n      "results": ['
    written = 0
    for number, d in enumerate(result.documents):
        where = _artifact_location(d.path, base) | {"index": number}
        artifacts.add(_artifact(d, where, lang))
        for p in d.problems:
            notices.add(_notification(p, lang, where))
        failed = failed or d.verdict is Verdict.FAILED
        line_true = d.format in _LINE_TRUE and not any(p.slug == "flattened_text" for p in d.problems)
        for f in d.findings:
            if f.rule_id not in index:  # a rule the run's packs do not list: described from the finding
                index[f.rule_id] = len(rules)
                rules.append(RuleInfo(f.rule_id, f.rule_name, {}, f.severity, "", "", ""))
            item = _result(f, index[f.rule_id], where, line_true, lang, result.baseline)
            yield ("," if written else "") + "\n        " + _dump(item)
            written += 1
        totals.add(d)
    for p in result.problems:
        notices.add(_notification(p, lang, _artifact_location(p.path, base) if p.path else None))
    yield ("\n      ]" if written else "]") + ',\n      "artifacts": ['
    yield from artifacts.pieces()
    yield ("\n      ]" if artifacts.count else "]") + ',\n      "invocations": [\n        {"executionSuccessful": '
    yield f'{json.dumps(not failed)}, "toolExecutionNotifications": ['
    yield from notices.pieces()
    yield ("\n      ]" if notices.count else "]") + "}\n      ],\n"
    yield f'      "language": {_dump(LANGUAGES.get(lang, "zh-CN"))},\n      "columnKind": "unicodeCodePoints",\n'
    yield f'      "originalUriBaseIds": {_dump({ROOT: {"uri": base.as_uri().rstrip("/") + "/"}})},\n'
    run_properties = {"lang": lang, "baseline": result.baseline, "summary": totals.data(result.problems)}
    yield f'      "properties": {_dump(run_properties)},\n'
    yield f'      "tool": {_dump(_tool(rules, lang))}\n    }}\n  ]\n}}\n'


def _blocking(p: Problem) -> bool:
    kind = CATALOG.get(p.slug)
    return p.blocking or (kind is not None and kind.input_error)


# --- results ---------------------------------------------------------------------------------------------------------

def _result(f: Finding, rule_index: int, where: dict[str, Any], line_true: bool, lang: str,
            baseline: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ruleId": f.rule_id, "ruleIndex": rule_index, "level": LEVELS[f.severity],
        "message": {"text": visible(f.message)},
        "locations": [_location(f.location, where, line_true, lang)],
    }
    related = [_location(o.location, where, line_true, lang, number=i, text=_operand_text(o.ref, o.raw, o.value, lang))
               for i, o in enumerate(f.evidence.operands, start=1) if o.location.line or o.location.table]
    if related:
        item["relatedLocations"] = related
    if f.fingerprint:
        item["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    review = f.review
    if review is not None and review.state in _SUPPRESSED:
        item["suppressions"] = [{"kind": "external", "status": "accepted", "justification": visible(review.reason),
                                 "properties": {"state": review.state.value, "by": review.by, "at": review.at,
                                                "scope": review.scope, "until": review.until,
                                                "source": review.source}}]
    if review is not None and review.state is ReviewState.KNOWN:
        item["baselineState"] = "unchanged"
    elif baseline:
        item["baselineState"] = "new"
    properties: dict[str, Any] = {"checkId": f.check_id, "ruleName": f.rule_name, "severity": f.severity.label,
                                  "expected": f.evidence.expected, "found": f.evidence.found,
                                  "operands": [asdict(o) for o in f.evidence.operands]}
    if review is not None:
        properties["review"] = asdict(review) | {"state": review.state.value}
    if f.failed_by is not None:
        properties["failedBy"] = f.failed_by
    item["properties"] = properties
    return item


def _operand_text(ref: str, raw: str | None, value: object, lang: str) -> str:
    shown = raw if raw is not None else "" if value is None else str(value)
    return visible(_WORDS[lang]["value"].format(what=describe_key(ref, lang), value=shown))


def _location(at: Location, where: dict[str, Any], line_true: bool, lang: str, number: int | None = None,
              text: str | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": where}
    # A flattened text's segment is on a physical line of the file (Location.page_line, with no page): that line.
    file_line = at.line if line_true else at.page_line if at.page is None else None
    if at.line and file_line:
        region: dict[str, Any] = {"startLine": file_line}
        if at.snippet:
            region["snippet"] = {"text": visible(at.snippet)}
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if number is not None:
        location["id"] = number
    if text is not None:
        location["message"] = {"text": text}
    logical = _logical(at, lang)
    if logical:
        location["logicalLocations"] = logical
    if at.line and not line_true:  # a paragraph's position in reading order, not a line of the file
        location["properties"] = {"line": at.line} | ({"snippet": at.snippet} if at.snippet else {})
        if at.page is not None:  # SARIF's regions are lines of text: a page is a property
            location["properties"] |= {"page": at.page} | ({"pageLine": at.page_line} if at.page_line else {})
    return location


def _logical(at: Location, lang: str) -> list[dict[str, Any]]:
    """A table cell as 「表三/本年新收/总计」 (kind "value": the spec's word for a value in a data structure; the fact
    key as decoratedName), else the section (kind "section": none of the spec's kinds is one, and it allows others)."""
    if at.table in TABLES and at.row and at.column:
        parts = (TABLES[at.table][0 if lang == "zh" else 1], label(at.row, lang), label(at.column, lang))
        return [{"name": visible(parts[2]), "fullyQualifiedName": visible("/".join(parts)),
                 "decoratedName": visible(f"{at.table}.{at.row}.{at.column}"), "kind": "value"}]
    if at.section and 1 <= at.section <= len(CHINESE_NUMERALS):
        n = CHINESE_NUMERALS[at.section - 1] if lang == "zh" else str(at.section)
        name = _WORDS[lang]["section"].format(n=n)
        return [{"name": name, "fullyQualifiedName": name, "kind": "section"}]
    return []


# --- artifacts and notifications -------------------------------------------------------------------------------------

def _artifact_location(path: str, base: Path) -> dict[str, Any]:
    """The file relative to the working directory when it is inside it (uriBaseId SRCROOT), else an absolute file
    URI; percent-encoded from the file system's bytes (a Chinese name, a space, a control character, an undecodable
    byte all become %XX)."""
    given = Path(path)
    absolute = Path(os.path.abspath(given if given.is_absolute() else base / given))
    try:
        relative = absolute.relative_to(base)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(os.fsencode(relative.as_posix()), safe="/"), "uriBaseId": ROOT}


def _artifact(d: DocumentResult, where: dict[str, Any], lang: str) -> dict[str, Any]:
    location = {k: v for k, v in where.items() if k != "index"}
    coverage = asdict(d.coverage) if d.coverage is not None else None
    properties = {"path": d.path, "verdict": d.verdict.value, "format": d.format, "pack": d.pack,
                  "report": asdict(d.report), "passed": d.passed, "failed": len(d.findings),
                  "coverage": coverage,
                  "notAssessable": [{"ruleId": n.rule_id, "checkId": n.check_id, "reason": n.reason}
                                    for n in d.not_assessable],
                  "rectification": [asdict(r) for r in d.rectification]}
    artifact: dict[str, Any] = {"location": location, "roles": ["analysisTarget"], "properties": properties}
    if d.format in MIME_TYPES:
        artifact["mimeType"] = MIME_TYPES[d.format]
    return artifact


def _notification_level(slug: str, blocking: bool) -> str:
    return "error" if blocking else "note" if slug == SKIPPED else "warning"


def _notification(p: Problem, lang: str, where: dict[str, Any] | None) -> dict[str, Any]:
    item: dict[str, Any] = {"level": _notification_level(p.slug, _blocking(p)), "message": {"text": visible(p.message)},
                            "properties": {"slug": p.slug, "title": p.title, "blocking": _blocking(p)}}
    if p.slug in _NOTIFICATION_INDEX:
        item["descriptor"] = {"id": p.slug, "index": _NOTIFICATION_INDEX[p.slug]}
    if where is not None:
        item["locations"] = [{"physicalLocation": {"artifactLocation": where}}]
    return item


# --- the tool --------------------------------------------------------------------------------------------------------

def _tool(rules: list[RuleInfo], lang: str) -> dict[str, Any]:
    notifications = [{"id": k.slug, "name": k.slug, "shortDescription": {"text": k.title[lang]},
                      "defaultConfiguration": {"level": _notification_level(k.slug, k.input_error)}}
                     for k in CATALOG.values()]
    # No informationUri or helpUri: the project publishes no page for them (the packs' READMEs are local files).
    return {"driver": {"name": "auditor", "version": __version__, "semanticVersion": __version__,
                       "rules": [_descriptor(r, lang) for r in rules], "notifications": notifications}}


def _descriptor(r: RuleInfo, lang: str) -> dict[str, Any]:
    words = _WORDS[lang]
    title = r.title.get(lang) or r.title.get("zh") or r.id
    descriptor: dict[str, Any] = {"id": r.id, "name": r.name or r.id, "shortDescription": {"text": visible(title)},
                                  "defaultConfiguration": {"level": LEVELS[r.severity]}}
    if r.rationale:
        descriptor["fullDescription"] = {"text": visible(r.rationale)}
    text = [r.rationale or title]
    markdown = [markdown_text(r.rationale or title)]
    if r.remediation:
        text.append(f"{words['remediation']}: {r.remediation}")
        markdown.append(f"**{words['remediation']}**: {markdown_text(r.remediation)}")
    if r.references:
        text.append(f"{words['references']}: " + "; ".join(r.references))
        markdown.append(f"**{words['references']}**:\n\n" + "\n".join(f"- {markdown_text(x)}" for x in r.references))
    # Each paragraph is made visible on its own, so the blank lines between them stay.
    descriptor["help"] = {"text": "\n\n".join(visible(t) for t in text), "markdown": "\n\n".join(markdown)}
    descriptor["properties"] = {"category": r.category, "severity": r.severity.label, "packs": list(r.packs),
                                "tags": [t for t in (r.category,) if t]}
    return descriptor
