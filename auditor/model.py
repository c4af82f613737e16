"""The small frozen value types every layer above ingest shares: severities, locations, findings, results."""

from __future__ import annotations

import enum
from collections.abc import Generator
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered severities; compare with the enum, never with strings."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, name: str) -> Severity:
        return cls[name.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


class Status(enum.Enum):
    """The outcome of one check instance."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_ASSESSABLE = "not_assessable"


@dataclass(frozen=True)
class Location:
    """Where a fact or finding sits in the source: section, line, and for a table cell its table, row and column.
    `line` counts the lines the reader made (in a PDF, paragraphs and table rows in reading order); in a paged
    format `page` and `page_line` say where a person finds it in the file (page_line None for a table row)."""

    section: int | None = None
    line: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    snippet: str | None = None
    page: int | None = None
    page_line: int | None = None


@dataclass(frozen=True)
class Operand:
    """One value a check used, with the text it was read from and where."""

    ref: str
    value: int | float | None
    raw: str | None
    status: str
    location: Location


@dataclass(frozen=True)
class Evidence:
    """What the rule expected, what the report says, and every operand behind the two."""

    expected: str
    found: str
    operands: tuple[Operand, ...] = ()


class ReviewState(enum.Enum):
    """A person's decision on a finding (issue 11), or a baseline's mark (Finding.stands, Finding.counts)."""

    CONFIRMED = "confirmed"  # the problem is real: it goes into the year's 通报
    DISMISSED = "dismissed"  # a false positive (reason required)
    WAIVED = "waived"  # an accepted exception (reason required), for a report, an agency or every report
    KNOWN = "known"  # in the `--baseline` file: reported, not new



@dataclass(frozen=True)
class Review:
    """The decision that applies to a finding: the latest one recorded for its fingerprint (or its baseline entry)."""

    state: ReviewState
    reason: str = ""
    by: str = ""
    at: str = ""  # ISO 8601, UTC
    scope: str = "report"  # "report" | "agency" | "all" (a waiver's reach)
    until: str | None = None  # a waiver's last day (ISO date), None: no end
    source: str = "store"  # "store" | "baseline" | "file"


@dataclass(frozen=True)
class Finding:
    """A failed check: built complete, never mutated (dataclasses.replace gives the fingerprinted, reviewed copy)."""

    rule_id: str
    rule_name: str
    check_id: str
    severity: Severity
    message: str
    location: Location
    evidence: Evidence
    # Set when the engine and the reference evaluator disagreed and only one failed the check: "engine" or
    # "reference". The finding is kept either way (an engine bug must not hide an error) and the run has an
    # engine_disagreement problem.
    failed_by: str | None = None
    # Stable across re-audits, edited copies, formats and pack upgrades (auditor/fingerprint.py); "" until assigned.
    fingerprint: str = ""
    review: Review | None = None  # the decision that applies (auditor/review), None: awaiting review
    # The message in the other languages the tool speaks, as (language, text): a summary or a page asked for in
    # another language than the run's shows the finding in that one. Not written to the run's JSON or SARIF.
    translations: tuple[tuple[str, str], ...] = ()

    def message_in(self, lang: str) -> str:
        """The message in `lang` when the finding carries it, else in the run's language."""
        return dict(self.translations).get(lang, self.message)

    @property
    def stands(self) -> bool:
        """Whether the finding is a problem of the report: not dismissed (a false positive) or waived (an accepted
        exception). The report's verdict and the year's summary count these."""
        return self.review is None or self.review.state in (ReviewState.CONFIRMED, ReviewState.KNOWN)

    @property
    def counts(self) -> bool:
        """Whether the finding counts towards `--fail-on`: it stands and a baseline does not already know it."""
        return self.review is None or self.review.state is ReviewState.CONFIRMED


@dataclass(frozen=True)
class NotAssessable:
    """A check that could not be made, and why (a blank cell is never read as zero)."""

    rule_id: str
    check_id: str
    reason: str
    operands: tuple[Operand, ...] = ()


@dataclass(frozen=True)
class Problem:
    """The tool's own trouble with an input or a pack (not a finding about the report)."""

    slug: str
    title: str
    message: str
    path: str | None = None
    blocking: bool = False  # the run cannot vouch for the file (problems.CATALOG's input_error): exit code 2


@dataclass(frozen=True)
class ReportInfo:
    title: str | None
    agency: str | None
    year: int | None
    template: int | None
    # Which evidence decided the year and the agency (「标题」, 「统计期限（第 3 行）」, 「文件名」…), in the run's
    # language.
    year_source: str | None = None
    agency_source: str | None = None


class Verdict(enum.Enum):
    """What one document's audit comes to, for a person and for a script (the exit code follows it)."""

    CLEAN = "clean"  # every core check ran and nothing was found
    FINDINGS = "findings"  # every core check ran and something was found
    INCOMPLETE = "incomplete"  # a core check could not run: not clean, whatever else was found (exit code 3)
    FAILED = "failed"  # the tool cannot vouch for the file: it was not read, or a problem of its own (exit code 2)


@dataclass(frozen=True)
class CoreRun:
    """One core group of the pack (pack.yaml `core`) on one report: how many of its checks were evaluated."""

    id: str
    title: str
    evaluated: int
    applicable: int


@dataclass(frozen=True)
class Unchecked:
    """A number the narrative states that looks like a table quantity but that no extractor understood: shown so a
    supervisor sees what the tool did not check."""

    line: int
    section: int | None
    text: str
    number: str
    page: int | None = None  # a paged file (PDF, OFD, a scan): the page, and the line of text on it
    page_line: int | None = None


@dataclass(frozen=True)
class Coverage:
    """What was checked on one document and what could not be: every result says so (issue 10)."""

    evaluated: int  # check instances passed or failed
    applicable: int  # every check instance of the pack, not-assessable ones included
    tables: tuple[str, ...]  # the tables read: "t2", "t3", "t4"
    sections: tuple[int, ...]  # the standard sections found, by number
    claims: int  # narrative statements read
    claims_checked: int  # of them, those a check compared with the tables
    core: tuple[CoreRun, ...] = ()
    # Why the audit is incomplete, in the run's language (a core group that did not run, no pack for the report):
    # empty when it is complete.
    gaps: tuple[str, ...] = ()
    unchecked: tuple[Unchecked, ...] = ()


@dataclass(frozen=True)
class Rectification:
    """One of last year's confirmed findings on the same body, matched with this year's report (issue 11 part 6):
    `fixed` (the check ran and passed), `repeated` (the same check fails again: a 通报 names these) or
    `not_assessable` (the check could not be made this year, or the report could not be audited)."""

    rule_id: str
    check_id: str
    year: int  # last year's
    fingerprint: str  # last year's finding's
    message: str  # last year's finding's message, as recorded
    status: str  # "fixed" | "repeated" | "not_assessable"
    now: str | None = None  # this year's finding's fingerprint, when repeated


@dataclass(frozen=True)
class ViewLine:
    """One line of the report as a page shows it: a paragraph or a section heading, with its line number."""

    line: int
    section: int | None
    text: str
    heading: bool = False
    page: int | None = None  # a paged file: the page the line starts on, and its line of text there
    page_line: int | None = None


@dataclass(frozen=True)
class ViewCell:
    """One table cell as read (facts.model.CellFact without its value): `status` is number, blank, dash, none or
    unreadable, and `raw` the text as printed."""

    table: str
    row: str
    column: str
    raw: str
    status: str
    line: int
    page: int | None = None  # a paged file: the page the cell's row is on


@dataclass(frozen=True)
class ReportView:
    """What a page of the report needs beyond its findings (`--format html`): its text lines and its table cells.
    Filled only when an output draws the report (audit_file's `view`), so JSON and text runs stay lean."""

    lines: tuple[ViewLine, ...]
    cells: tuple[ViewCell, ...]
    title_line: int | None = None


@dataclass(frozen=True)
class DocumentResult:
    """Everything one document's audit produced."""

    path: str
    format: str | None
    report: ReportInfo
    pack: str | None
    findings: tuple[Finding, ...] = ()
    passed: int = 0
    not_assessable: tuple[NotAssessable, ...] = ()
    problems: tuple[Problem, ...] = ()
    coverage: Coverage | None = None  # None: nothing was read, so nothing was checked
    # The check ids that ran and passed: a finding confirmed last year is "fixed" only when its check passed now.
    passed_checks: tuple[str, ...] = ()
    rectification: tuple[Rectification, ...] = ()  # with a history store: last year's confirmed findings, matched
    view: ReportView | None = None  # the report's lines and cells, only when an HTML output asked for them

    @property
    def verdict(self) -> Verdict:
        if self.coverage is None or any(p.blocking for p in self.problems):
            return Verdict.FAILED
        if self.coverage.gaps:
            return Verdict.INCOMPLETE
        # Findings a person dismissed or waived are shown but leave the report clean.
        return Verdict.FINDINGS if any(f.stands for f in self.findings) else Verdict.CLEAN

    @classmethod
    def unread(cls, path: str, problem: Problem) -> DocumentResult:
        """A file that yielded no facts (it could not be read, its audit hit a bug, its worker died): only why."""
        return cls(path, None, ReportInfo(None, None, None, None), None, problems=(problem,))


@dataclass(frozen=True)
class RuleInfo:
    """What an output says about one rule of the run's packs (SARIF's reportingDescriptor): its metadata, not its
    check. A rule two packs share (one extends the other) is one RuleInfo naming both."""

    id: str
    name: str
    title: dict[str, str]  # by language
    severity: Severity  # the run configuration's, when it overrides the pack's
    category: str
    rationale: str
    remediation: str
    references: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()  # the labels (id@version) of the packs that have it


@dataclass(frozen=True)
class RunStream:
    """A run whose documents come one at a time, in input order (auditor.run.audit_stream): formatters write each
    as it comes, so a run of any size holds only the documents in flight. Iterate `documents` once."""

    documents: Generator[DocumentResult, None, None]
    problems: tuple[Problem, ...] = ()
    lang: str = "zh"
    rules: tuple[RuleInfo, ...] = ()  # every rule of the packs the run loaded
    baseline: bool = False  # a `--baseline` was given: a finding without review.state "known" is new


@dataclass(frozen=True)
class RunResult:
    """A whole run: its documents in input order and the problems that belong to no single document."""

    documents: tuple[DocumentResult, ...]
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    lang: str = "zh"
    rules: tuple[RuleInfo, ...] = ()
    baseline: bool = False
