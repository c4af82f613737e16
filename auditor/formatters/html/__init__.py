"""`--format html`: one self-contained page per report (inline CSS, a small inline script for the filters, nothing
fetched) and, for a batch, an index page linking them.

A page shows the report's identity and the evidence that decided its year and agency, the verdict and coverage
(what was checked, what could not be, why an audit is incomplete), every finding (severity, rule, where, message,
evidence, review state) with filters by severity and by review state, and the report itself: its lines, and tables
二, 三 and 四 drawn as the State Council template draws them, with each finding marked on its cell (highlighted; the
message and evidence on hover or keyboard focus) or on its line (the message beneath it).

`auditor audit FILE --format html` prints the page of that one report; `auditor audit DIR... --format html -o OUT`
writes OUT/index.html and one page per report, named by its place in the run and the file's name reduced to
[A-Za-z0-9_-] (never a path the report gives). Several reports without -o is a usage error (the CLI says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from auditor.formatters import register
from auditor.formatters.html.page import build_page
from auditor.formatters.html.render import render
from auditor.model import DocumentResult, Problem, RuleInfo, RunResult, RunStream, Verdict


class SeveralReports(ValueError):
    """A run of several reports cannot be one page: write them to a folder (write_site)."""


def page_html(d: DocumentResult, lang: str, index_href: str | None = None,
              rules: Mapping[str, RuleInfo] | None = None) -> str:
    """The page of one report (its `view` draws the report; without one, the findings only). `rules`: the run's,
    by id (each finding's rule title and remediation)."""
    page = build_page(d, lang, rules)
    counts = {s: sum(1 for r in d.rectification if r.status == s) for s in ("fixed", "repeated", "not_assessable")}
    return render("page.html.j2", lang, script=bool(page.findings), page=page, index_href=index_href,
                  rect=counts)


@dataclass(frozen=True)
class IndexRow:
    """One report on the index: what a supervisor scans a batch for, and the link to its page."""

    number: int
    href: str
    path: str
    agency: str | None
    year: int | None
    verdict: str
    error: int
    warning: int
    info: int
    awaiting: int
    not_assessable: int
    problems: tuple[str, ...]

    @classmethod
    def of(cls, number: int, href: str, d: DocumentResult) -> IndexRow:
        count = {s: sum(1 for f in d.findings if f.severity.label == s) for s in ("error", "warning", "info")}
        return cls(number, href, d.path, d.report.agency, d.report.year, d.verdict.value, **count,
                   awaiting=sum(1 for f in d.findings if f.review is None),
                   not_assessable=len(d.not_assessable), problems=tuple(p.title for p in d.problems))


def index_html(rows: list[IndexRow], problems: tuple[Problem, ...], lang: str) -> str:
    verdicts = [(v.value, n) for v in Verdict if (n := sum(1 for r in rows if r.verdict == v.value))]
    return render("index.html.j2", lang, rows=rows, problems=problems, verdicts=verdicts)


_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def page_name(number: int, path: str) -> str:
    """A page's file name: its place in the run (unique) and the input file's stem reduced to safe characters, so
    nothing a file is called can reach outside the folder or mean something to a shell (「平潭.txt」 → 0007.html)."""
    stem = _UNSAFE.sub("-", PurePath(path).stem).strip("-")[:60]
    return f"{number:04d}-{stem}.html" if stem else f"{number:04d}.html"


def write_site(result: RunResult | RunStream, folder: Path) -> int:
    """Each report's page in `folder` as it comes (a streamed run holds only the documents in flight), then
    index.html; each file written beside itself and moved into place whole. Returns the number of pages. Raises
    OSError when the folder cannot be written."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[IndexRow] = []
    rules = {r.id: r for r in result.rules}
    for number, d in enumerate(result.documents, start=1):
        name = page_name(number, d.path)
        _write(folder / name, page_html(d, result.lang, "index.html", rules))
        rows.append(IndexRow.of(number, name, d))
    _write(folder / "index.html", index_html(rows, result.problems, result.lang))
    return len(rows)


def _write(path: Path, text: str) -> None:
    unfinished = path.with_name(path.name + ".partial")
    try:
        unfinished.write_text(text, encoding="utf-8")
        unfinished.replace(path)
    finally:
        unfinished.unlink(missing_ok=True)


@register("html")
def as_html(result: RunResult | RunStream, color: bool = False, show: frozenset[str] = frozenset()) -> Iterator[str]:
    """The page of a run's one report (the index, listing the run's problems, when it has none). Raises
    SeveralReports for more: those go to a folder (write_site). `color` and `show` change nothing: the page shows
    everything, the filters choose."""
    documents = iter(result.documents)
    first = next(documents, None)
    if next(documents, None) is not None:
        raise SeveralReports("several reports make several pages: write them to a folder")
    if first is None:
        yield index_html([], result.problems, result.lang)
    else:
        yield page_html(first, result.lang, rules={r.id: r for r in result.rules})
