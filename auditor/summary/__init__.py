"""The annual summary of a jurisdiction: collect one year's documents from the history store (collect.py), then write
each output with a small function from a registry keyed by name, as auditor.formatters does (STYLE §12).

    summary = collect(Path("audits.db"), 2024, read_roster(Path("roster.txt")))
    paths = write_all(summary, Path("out/"), "zh")  # summary.html, .md, .xlsx; agencies.csv, findings.csv
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from auditor.summary.collect import Summary, SummaryError, collect, correction_rates, read_roster

# A writer puts its file(s) in the output folder and returns their paths.
Writer = Callable[[Summary, Path, str], list[Path]]
WRITERS: dict[str, Writer] = {}


def register(name: str) -> Callable[[Writer], Writer]:
    def decorate(function: Writer) -> Writer:
        WRITERS[name] = function
        return function

    return decorate


def write_all(summary: Summary, out: Path, lang: str = "zh", names: tuple[str, ...] | None = None) -> list[Path]:
    """Run the writers named (default: all, in registration order) into `out` (created if absent)."""
    out.mkdir(parents=True, exist_ok=True)
    return [path for name in (names or tuple(WRITERS)) for path in WRITERS[name](summary, out, lang)]


# Importing the modules registers them.
from auditor.summary import html, markdown, sheets  # noqa: E402,F401

__all__ = ["WRITERS", "Summary", "SummaryError", "collect", "correction_rates", "read_roster", "register",
           "write_all"]
