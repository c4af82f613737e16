"""`--format json`: the whole run as one JSON document, findings apart from the tool's own problems."""

from __future__ import annotations

import json

from auditor.formatters import register
from auditor.formatters.serialize import run
from auditor.model import RunResult


@register("json")
def as_json(result: RunResult, color: bool = False) -> str:
    return json.dumps(run(result), ensure_ascii=False, indent=2) + "\n"
