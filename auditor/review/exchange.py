"""Decisions as a file (issue 11 part 2): exported from one store, imported into another, kept in version control,
or applied to a run without a store (`audit --decisions FILE`). YAML (schemas/decisions.schema.json), every decision
oldest first, so the file carries the history and not only the outcome."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from auditor import limits
from auditor.resources import InvalidFile, check_schema, read_yaml
from auditor.store.decisions import Decision

# File member ← Decision field (the file's names are a person's: `by`, `at`, `agency`).
_FIELDS = {"fingerprint": "fingerprint", "rule_id": "rule_id", "check_id": "check_id", "agency": "agency_stem",
           "year": "year", "state": "state", "scope": "scope", "reason": "reason", "by": "decided_by",
           "at": "decided_at", "until": "until", "message": "message"}


class FileRefused(Exception):
    """A review file (decisions, baseline) that cannot be used: the message names the file and says why, in each
    language (exit code 2)."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" and self.zh else str(self)

    @classmethod
    def of(cls, path: Path, exc: InvalidFile) -> FileRefused:
        where = f"{exc.pointer}: " if exc.pointer else ""
        return cls(f"{path}: {where}{exc.reason}", f"{path}：{where}{exc.reason_zh}" if exc.reason_zh else None)


class ExchangeError(FileRefused):
    """A decisions file that cannot be used."""


def read_decisions(path: Path) -> list[Decision]:
    try:
        data = read_yaml(path, limits.MAX_REVIEW_FILE_BYTES)
        check_schema(data, "decisions.schema.json")
    except InvalidFile as exc:
        raise ExchangeError.of(path, exc) from None
    return [Decision(**{field: item.get(member, "" if member == "message" else None)
                        for member, field in _FIELDS.items()}) for item in data["decisions"]]


def decisions_data(decisions: Iterable[Decision]) -> dict[str, Any]:
    return {"auditor_decisions": 1,
            "decisions": [{member: getattr(d, field) for member, field in _FIELDS.items()} for d in decisions]}


def write_decisions(decisions: Iterable[Decision], path: Path) -> int:
    """Write the decisions to `path` (beside it first, then moved over it); return how many."""
    data = decisions_data(decisions)
    unfinished = path.with_name(path.name + ".partial")
    try:
        with unfinished.open("w", encoding="utf-8") as handle:
            yaml.safe_dump(data, handle, allow_unicode=True, sort_keys=False, width=120)
        unfinished.replace(path)
    except BaseException:
        unfinished.unlink(missing_ok=True)
        raise
    return len(data["decisions"])
