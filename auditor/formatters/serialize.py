"""Results → plain JSON data (the shape in schemas/audit-result.schema.json)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from auditor.model import DocumentResult, Finding, Problem, Severity


def _finding(f: Finding) -> dict[str, Any]:
    data = asdict(f)
    data["severity"] = f.severity.label
    return data


def document(d: DocumentResult) -> dict[str, Any]:
    counts = {s.label: sum(1 for f in d.findings if f.severity is s) for s in Severity}
    return {
        "path": d.path,
        "format": d.format,
        "report": asdict(d.report),
        "pack": d.pack,
        "summary": {"passed": d.passed, "failed": len(d.findings), "not_assessable": len(d.not_assessable),
                    **counts},
        "findings": [_finding(f) for f in d.findings],
        "not_assessable": [asdict(n) for n in d.not_assessable],
        "problems": [asdict(p) for p in d.problems],
    }


def problem_data(p: Problem) -> dict[str, Any]:
    return asdict(p)


def totals(documents: list[dict[str, Any]], problems: tuple[Problem, ...]) -> dict[str, Any]:
    """The run's totals from each document's summary (plus its problem count) and the run's own problems."""
    return {
        "documents": len(documents),
        "findings": sum(d["failed"] for d in documents),
        **{s.label: sum(d[s.label] for d in documents) for s in Severity},
        "problems": len(problems) + sum(d["problems"] for d in documents),
    }
