"""Results → JSON data (the shape in schemas/audit-result.schema.json): dicts and lists holding the results' own
frozen dataclasses and enums, which formatters.encode writes as objects of their fields and as values (no `asdict`
copy of every finding and operand first)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from auditor.model import DocumentResult, Finding, Problem, ReviewState, Severity, Verdict

SKIPPED = "file_skipped"  # a run's problem for each file a folder walk left out (audit.walk)


# The run's JSON has each finding in the run's language (--lang); the other languages' words are for the store.
_FINDING_FIELDS = tuple(f.name for f in fields(Finding) if f.name != "translations")


def _finding(f: Finding) -> dict[str, Any]:
    """A finding's fields, its severity by name (an IntEnum's value would be its rank); its review's state is written
    as the enum's value."""
    data = {name: getattr(f, name) for name in _FINDING_FIELDS}
    data["severity"] = f.severity.label
    return data


def document(d: DocumentResult) -> dict[str, Any]:
    counts = {s.label: sum(1 for f in d.findings if f.severity is s) for s in Severity}
    return {
        "path": d.path,
        "verdict": d.verdict.value,
        "format": d.format,
        "report": d.report,
        "pack": d.pack,
        "summary": {"passed": d.passed, "failed": len(d.findings), "not_assessable": len(d.not_assessable),
                    **counts},
        "findings": [_finding(f) for f in d.findings],
        "not_assessable": d.not_assessable,
        "problems": d.problems,
        "coverage": d.coverage,
        "rectification": d.rectification,
    }


class Totals:
    """The run's totals, counted as its documents go by (a streamed run does not keep them)."""

    def __init__(self) -> None:
        self.documents = self.findings = self.problems = self.not_assessable = 0
        self.by_severity = dict.fromkeys((s.label for s in Severity), 0)
        self.by_verdict = dict.fromkeys((v.value for v in Verdict), 0)
        self.by_review = dict.fromkeys((s.value for s in ReviewState), 0)  # findings with a decision or known

    def add(self, d: DocumentResult) -> None:
        self.documents += 1
        self.findings += len(d.findings)
        self.problems += len(d.problems)
        self.not_assessable += len(d.not_assessable)
        self.by_verdict[d.verdict.value] += 1
        for f in d.findings:
            self.by_severity[f.severity.label] += 1
            if f.review is not None:
                self.by_review[f.review.state.value] += 1

    def data(self, problems: tuple[Problem, ...]) -> dict[str, Any]:
        return {"documents": self.documents, "findings": self.findings, **self.by_severity,
                "not_assessable": self.not_assessable, "verdicts": dict(self.by_verdict),
                "reviews": dict(self.by_review),
                "skipped": sum(1 for p in problems if p.slug == SKIPPED),
                "problems": self.problems + sum(1 for p in problems if p.slug != SKIPPED)}
