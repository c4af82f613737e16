"""JSON text as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, byte for byte, written by orjson (issue
14 part 4: the standard library's encoder, with `asdict` before it, cost 0.55 ms of a report's ~5 ms).

`value` may hold frozen dataclasses and enums as they are (no `asdict` copy first): orjson writes a dataclass as the
object of its fields in their order and an enum as its value, and so does the fallback's `default`. The two encoders
agree on everything the results hold except where orjson cannot encode or writes differently, and there the
standard library's encoder writes the text instead:
- a float below 10⁻⁴ in magnitude (orjson: `0.00001`, `1e-7`; Python: `1e-05`, `1e-07`), seen in orjson's output as
  a digit followed by `e-` or as `0.0000` (a report's own text holding these costs only the slower encoder);
- what orjson refuses (a lone surrogate from a damaged UTF-16 file, an integer beyond 64 bits, a type it does not
  know): it raises, and json.dumps writes it (json_text then escapes the surrogate).
A NaN or an infinity, which orjson would write as `null`, is never in a result: cells are parsed from digits and the
engine refuses a non-finite value (engine.Engine._message). orjson reads a dataclass's __dict__ and leaves out names
with a leading underscore, so a result class must keep no `_field`, cached_property or memo in its instances.
tests/test_json_encode.py holds all this: the two encoders on every sample, found, corpus and generated report, on
random values, and on the result classes themselves.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from typing import Any

import orjson

_PYTHON_WRITES_OTHERWISE = re.compile(rb"\de-|0\.0000")


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)` of the plain data `value` stands for."""
    try:
        dumped = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return stdlib_indented(value)
    if _PYTHON_WRITES_OTHERWISE.search(dumped):
        return stdlib_indented(value)
    return dumped.decode("utf-8")


def stdlib_indented(value: Any) -> str:
    """The standard library's text for `value` (its dataclasses and enums read as orjson reads them)."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=_plain)


def _plain(value: Any) -> Any:
    """A dataclass as the dict of its fields (one level: json.dumps calls this again for what they hold), an enum as
    its value; anything else is refused as json.dumps refuses it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
