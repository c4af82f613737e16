"""Where the package's data lives: the JSON Schemas (top-level `schemas/`) and the bundled rule packs (`rules/`), and
the one way a YAML file is read and checked against one of those schemas (packs, run configuration, rule fixtures).

Both are mapped into the package by pyproject.toml (`auditor.schemas`, `auditor.rules`), so an installed auditor
finds them without the checkout.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator


@cache
def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files("auditor.schemas").joinpath(name).read_text(encoding="utf-8"))
    return data


def rules_root() -> Path:
    return Path(str(files("auditor.rules")))


def default_pack_dirs() -> list[Path]:
    root = rules_root()
    return sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file())


class InvalidFile(Exception):
    """What is wrong with a YAML file: the JSON pointer of the offending value ("" for the whole file) and why. It
    names no file: each caller re-raises it as its own error (PackError, ConfigError, …) with the path."""

    def __init__(self, pointer: str, reason: str) -> None:
        super().__init__(pointer, reason)
        self.pointer = pointer
        self.reason = reason


def read_yaml(path: Path) -> Any:
    """The YAML document in `path` (None for an empty file). Raises InvalidFile when the file cannot be read as
    UTF-8 or is not YAML (with PyYAML's line and column)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidFile("", f"not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile("", f"cannot read: {exc}") from None


def check_schema(data: Any, schema_name: str, *, sort: bool = True) -> None:
    """Raise InvalidFile for the first error of `data` against schemas/`schema_name`: with `sort`, the error whose
    path sorts first (so the message does not depend on the order the validator tries keywords in); without it, the
    first the validator finds."""
    errors = Draft202012Validator(schema(schema_name)).iter_errors(data)
    error = min(errors, key=lambda e: list(e.absolute_path), default=None) if sort else next(errors, None)
    if error is not None:
        raise InvalidFile("/" + "/".join(str(p) for p in error.absolute_path), error.message)


def compile_regex(source: str, pointer: str) -> re.Pattern[str]:
    """`source` compiled; InvalidFile at `pointer` when it is not a regular expression."""
    try:
        return re.compile(source)
    except re.error as exc:
        raise InvalidFile(pointer, f"not a valid regular expression: {exc}") from None
