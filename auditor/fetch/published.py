"""`audit --published FILE`: publication dates given for reports that were not fetched (sent by mail, saved by
hand), one a line: `path<TAB>date`. A path is relative to the list file's folder (a list kept beside the reports
works from wherever the audit is run), or absolute; the date is written as pages write it (2025-01-20, 2025/1/20,
2025.01.20, 2025年1月20日: pages.parse_date). Blank lines and # comments are skipped.

Each date becomes the file's Publication (source "list", `where` the list's name and line), exactly as a fetch's
sidecar would give it (auditor.audit.read_facts). A line that cannot be used is a note the run shows: no TAB, a
date that is none, two different dates for one file (then that file's date is unknown, never either of them),
or a path naming no audited file (auditor.run, which knows the files)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from auditor.facts.model import Publication
from auditor.fetch.dates import parse_date
from auditor.fetch.lists import list_lines

PUBLISHED_LIST = "list"  # Publication.source of a date from an --published list


@dataclass(frozen=True)
class ListNote:
    """A line of the list that could not be used: where (list:line), the path it names as written, and why (a
    slug: no_tab, bad_date, two_dates, unmatched; `given` the date as written)."""

    line: int
    where: str
    path: str
    why: str
    given: str = ""


@dataclass(frozen=True)
class PublishedList:
    """The dates of a --published list by each file's resolved path, and the lines that could not be used."""

    source: Path
    dates: dict[Path, Publication]
    lines: dict[Path, tuple[int, str, str]]  # resolved path → (line, list:line, the path as written): its first line
    notes: tuple[ListNote, ...]

    def for_files(self, files: list[Path]) -> tuple[dict[Path, Publication], tuple[ListNote, ...]]:
        """The dates of `files` (the run's, as walked), and every note: the list's own, then each line whose path
        names none of `files`, in the list's order."""
        wanted = {f.resolve(): f for f in files}
        matched = {wanted[key]: pub for key, pub in self.dates.items() if key in wanted}
        unmatched = [ListNote(line, where, written, "unmatched") for key, (line, where, written) in self.lines.items()
                     if key not in wanted]
        return matched, tuple(sorted((*self.notes, *unmatched), key=lambda n: n.line))


def read_published_list(path: Path) -> PublishedList:
    """The list at `path`. ListError (auditor.fetch.lists) when the file itself cannot be read; a line that cannot
    be used is a note, and the other lines are read all the same."""
    folder = path.parent
    dates: dict[Path, Publication] = {}
    lines: dict[Path, tuple[int, str, str]] = {}
    notes: list[ListNote] = []
    for number, line in list_lines(path, "a list of files and publication dates"):
        where = f"{path.name}:{number}"
        written, tab, given = line.partition("\t")
        written, given = written.strip(), given.strip()
        if not tab or not written:
            notes.append(ListNote(number, where, line.strip(), "no_tab"))
            continue
        key = (folder / written).resolve()
        lines.setdefault(key, (number, where, written))
        day = parse_date(given)
        if day is None:
            notes.append(ListNote(number, where, written, "bad_date", given))
            dates[key] = Publication(PUBLISHED_LIST, where, None, given, error=f"「{given}」 is not a date")
            continue
        found = Publication(PUBLISHED_LIST, where, day.isoformat(), given)
        known = dates.get(key)
        if known is not None and known.date != found.date:
            notes.append(ListNote(number, where, written, "two_dates", given))
            dates[key] = Publication(PUBLISHED_LIST, where, None, given,
                                     error=f"{known.where} and {where} give different dates")
        elif known is None:
            dates[key] = found
    return PublishedList(path, dates, lines, tuple(notes))
