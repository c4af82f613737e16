"""Formatters: a registry of small functions keyed by name; `--format` choices come from here (STYLE §12)."""

from __future__ import annotations

from collections.abc import Callable

from auditor.model import RunResult

Formatter = Callable[[RunResult, bool], str]
FORMATTERS: dict[str, Formatter] = {}


def register(name: str) -> Callable[[Formatter], Formatter]:
    def decorate(function: Formatter) -> Formatter:
        FORMATTERS[name] = function
        return function

    return decorate


def render(name: str, result: RunResult, color: bool = False) -> str:
    return FORMATTERS[name](result, color)


# Importing the modules registers them.
from auditor.formatters import json_format, text  # noqa: E402,F401
