"""`--format json`: the whole run as one JSON document, findings apart from the tool's own problems.

Written a document at a time, so a run of thousands never builds the whole document in memory: the documents first,
then the run's totals (a JSON object's members have no order a reader may rely on). Each piece is json.dumps's text
for it, written by orjson (formatters.encode), and goes through `json_text`: the characters json.dumps leaves raw
that could act on a terminal or fail to encode (C1 controls, bidi overrides, a lone surrogate from a damaged UTF-16
file) are written as `\\uXXXX` escapes, the same data to a parser.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditor import __version__
from auditor.formatters import register
from auditor.formatters.encode import dumps_indented
from auditor.formatters.safe import json_text
from auditor.formatters.serialize import Totals, document
from auditor.model import RunResult, RunStream


def _member(value: Any) -> str:
    """A value as the member of an object at depth 1 of an indent-2 document."""
    return json_text(dumps_indented(value)).replace("\n", "\n  ")


@register("json")
def as_json(result: RunResult | RunStream, color: bool = False, show: frozenset[str] = frozenset()) -> Iterator[str]:
    """`show` changes nothing here: the JSON lists everything."""
    yield f'{{\n  "tool": {_member({"name": "auditor", "version": __version__})},\n  "lang": {_member(result.lang)},\n'
    yield '  "documents": ['
    totals = Totals()
    for d in result.documents:
        yield ("," if totals.documents else "") + "\n    " + json_text(dumps_indented(document(d))).replace(
            "\n", "\n    ")
        totals.add(d)
    yield ("\n  ]" if totals.documents else "]") + ",\n"
    yield f'  "summary": {_member(totals.data(result.problems))},\n'
    yield f'  "problems": {_member(result.problems)}\n}}\n'
