"""The annual summary of a jurisdiction: collect one year's documents from the history store (collect.py), then write
each output with a small function from a registry keyed by name, as auditor.formatters does (STYLE §12).

    summary = collect(Path("audits.db"), 2024, read_roster(Path("roster.txt")))
    paths = write_all(summary, Path("out/"), "zh")  # summary.html, .md, .xlsx; agencies.csv, findings.csv;
                                                    # tongbao.docx (the 通报 draft); scores.csv with a scheme

`summarise` does all of it as `auditor summary` does: the run configuration's aliases, options and scoring scheme,
the packs' rule titles.
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from auditor.config import RunConfig, resolve_scoring
from auditor.packs import Pack
from auditor.summary.collect import Summary, SummaryError, collect, correction_rates, read_roster
from auditor.summary.score import score

# A writer puts its file(s) in the output folder and returns their paths.
Writer = Callable[[Summary, Path, str], list[Path]]
WRITERS: dict[str, Writer] = {}


def register(name: str) -> Callable[[Writer], Writer]:
    def decorate(function: Writer) -> Writer:
        WRITERS[name] = function
        return function

    return decorate


def write_all(summary: Summary, out: Path, lang: str = "zh", names: tuple[str, ...] | None = None) -> list[Path]:
    """Run the writers named (default: all, in registration order) and return the paths of their files in `out`
    (created if absent). All or nothing: the files are written into a temporary folder beside `out` and moved into
    `out` only when every writer has finished, each move an atomic rename, so a writer that fails (the disk full, a
    bug) leaves the summary that was there whole. Files of `out` that no writer writes are left alone. Raises the
    OSError met; the temporary folder is removed either way. The paths returned are under `out` as given (a
    symbolic link stays the link: the files are staged beside where it points, on that file system)."""
    real = out.resolve()
    staging = _staging_folder(real)
    try:
        written = [path for name in (names or tuple(WRITERS)) for path in WRITERS[name](summary, staging, lang)]
        if not real.exists():
            staging.rename(real)  # the whole folder at once
            return [out / path.relative_to(staging) for path in written]
        real.mkdir(exist_ok=True)  # a file named `out`: FileExistsError, here, not halfway through the moves
        placed = []
        for path in written:
            relative = path.relative_to(staging)
            target = real / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)  # same file system (see _staging_folder): a rename, which needs no space
            placed.append(out / relative)
        return placed
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def summarise(db: Path | str, year: int | None, roster: Path | None, config: RunConfig, packs: list[Pack]) -> Summary:
    """The year's summary as `auditor summary` writes it: the roster read (any encoding, read_roster), its names and
    the documents' matched through the agency aliases of `packs` (which load_configured_packs has merged with the
    configuration's), rule titles from `packs`, the configuration's 通报 options, and scores when it has a scheme
    (its rules resolved against `packs`). Raises SummaryError (collect, read_roster) or ConfigError (a scheme
    naming a rule no pack has)."""
    scoring = config.summary.scoring  # resolved before the store is read: a configuration error is said first
    scheme = resolve_scoring(scoring, packs, config.path or "configuration") if scoring is not None else None
    aliases: dict[str, tuple[str, ...]] = {}
    for pack in packs:
        for name, others in pack.agency_aliases.items():
            aliases[name] = tuple(dict.fromkeys(aliases.get(name, ()) + others))
    titles = {rule.id: dict(rule.title) for pack in packs for rule in pack.rules}
    summary = collect(db, year, read_roster(roster) if roster is not None else None, aliases, titles)
    options = config.summary
    summary = replace(summary, jurisdiction=options.jurisdiction, issuer=options.issuer, deadline=options.deadline)
    return score(summary, scheme) if scheme is not None else summary


def _staging_folder(out: Path) -> Path:
    """A new, empty folder on the same file system as `out`, so that moving a file into `out` is a rename: beside
    `out`; inside it when `out` is a mount point (its parent is another file system) or its parent cannot be written
    (a writable folder in a read-only one)."""
    out = out.absolute()
    for folder in (out, *out.parents):  # a file where a folder must be: say so, not mkdir's "File exists"
        if folder.exists():
            if folder != out and not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
            break
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_dir() and os.path.ismount(out):
        return _new_folder(out, out.name)
    try:
        return _new_folder(out.parent, out.name)
    except PermissionError:
        if not out.is_dir():
            raise
        return _new_folder(out, out.name)


def _new_folder(parent: Path, name: str) -> Path:
    # Not tempfile.mkdtemp: its mode 0700 would become `out`'s when the folder is renamed to it; mkdir honours umask.
    folder = parent / f".{name}.partial-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


# Importing the modules registers them.
from auditor.summary import html, markdown, sheets, tongbao  # noqa: E402,F401

__all__ = ["WRITERS", "Summary", "SummaryError", "collect", "correction_rates", "read_roster", "register",
           "summarise", "write_all"]
