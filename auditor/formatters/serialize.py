"""RunResult → plain JSON data (the shape in schemas/audit-result.schema.json)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from auditor import __version__
from auditor.model import DocumentResult, Finding, RunResult, Severity


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


def run(result: RunResult) -> dict[str, Any]:
    documents = [document(d) for d in result.documents]
    return {
        "tool": {"name": "auditor", "version": __version__},
        "lang": result.lang,
        "summary": {
            "documents": len(documents),
            "findings": sum(len(d.findings) for d in result.documents),
            **{s.label: sum(1 for d in result.documents for f in d.findings if f.severity is s) for s in Severity},
            "problems": len(result.problems) + sum(len(d.problems) for d in result.documents),
        },
        "documents": documents,
        "problems": [asdict(p) for p in result.problems],
    }
