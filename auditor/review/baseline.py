"""A baseline without a store (issue 11 part 3), as Semgrep's and ruff's: the fingerprints of the findings a run
already had, so that a later run reports those as known and a script fails only on new ones.

The file is JSON (schemas/baseline.schema.json): `{"auditor_baseline": 1, "findings": [{"fingerprint": …, …}]}`.
Only the fingerprints decide anything; rule, body, year, path and message are written for a person reading it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor import __version__, limits
from auditor.model import DocumentResult
from auditor.resources import InvalidFile, check_schema, read_bounded
from auditor.review.exchange import FileRefused


class BaselineError(FileRefused):
    """A baseline file that cannot be used."""


def read_baseline(path: Path) -> frozenset[str]:
    """The fingerprints a baseline file holds. Raises BaselineError when it cannot be read, is not JSON, or not a
    baseline (with the JSON pointer of what is wrong)."""
    try:
        data = json.loads(read_bounded(path, limits.MAX_REVIEW_FILE_BYTES).decode("utf-8"))
        check_schema(data, "baseline.schema.json")
    except InvalidFile as exc:
        raise BaselineError.of(path, exc) from None
    except OSError as exc:
        reason = exc.strerror or exc
        raise BaselineError(f"{path}: cannot read: {reason}", f"{path}：无法读取：{reason}") from None
    except (UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise BaselineError(f"{path}: not a JSON baseline file ({exc})",
                            f"{path}：不是 JSON 格式的基线文件（{exc}）") from None
    return frozenset(item["fingerprint"] for item in data["findings"])


def baseline_pieces(documents: Iterable[DocumentResult]) -> Iterator[str]:
    """The baseline of a run as text pieces, a document's findings at a time (a run streams)."""
    head = {"auditor_baseline": 1, "tool": {"name": "auditor", "version": __version__},
            "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
    yield json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "findings": ['
    seen: set[str] = set()
    for document in documents:
        for finding in document.findings:
            if finding.fingerprint in seen:  # the same finding in two copies of one report
                continue
            entry: dict[str, Any] = {
                "fingerprint": finding.fingerprint, "rule_id": finding.rule_id, "check_id": finding.check_id,
                "severity": finding.severity.label, "agency": document.report.agency, "year": document.report.year,
                "path": document.path, "message": finding.message}
            yield ("," if seen else "") + "\n  " + json.dumps(entry, ensure_ascii=True)
            seen.add(finding.fingerprint)
    yield "\n ]\n}\n"


def write_baseline(documents: Iterable[DocumentResult], path: Path) -> int:
    """Write the baseline beside `path` and move it over it when complete (a failed run keeps the old one); return
    how many findings it holds."""
    unfinished = path.with_name(path.name + ".partial")
    count = 0
    try:
        with unfinished.open("w", encoding="utf-8") as handle:
            for piece in baseline_pieces(documents):
                count += piece.count('"fingerprint"')
                handle.write(piece)
        unfinished.replace(path)
    except BaseException:
        unfinished.unlink(missing_ok=True)
        raise
    return count
