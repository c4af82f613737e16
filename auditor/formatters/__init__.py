"""Formatters: a registry of small functions keyed by name; `--format` choices come from here (STYLE §12).

Each writes a run as a sequence of text pieces, a document's as soon as it comes (a streamed run holds only the
documents in flight), and the run's totals at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from auditor.model import RunResult, RunStream


class Formatter(Protocol):
    """(run, colour on a terminal, what the text lists only on request) → the output's pieces."""

    def __call__(self, result: RunResult | RunStream, color: bool = False,
                 show: frozenset[str] = frozenset()) -> Iterator[str]: ...


FORMATTERS: dict[str, Formatter] = {}


def register(name: str) -> Callable[[Formatter], Formatter]:
    def decorate(function: Formatter) -> Formatter:
        FORMATTERS[name] = function
        return function

    return decorate


# Importing the modules registers them.
from auditor.formatters import html, json_format, sarif, text  # noqa: E402,F401
