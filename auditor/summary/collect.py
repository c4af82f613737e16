"""The history store → one year's jurisdiction summary: a row per document, a row per finding, table 三 and 四 totals.

Reads the store read-only (after Store has checked its schema). Sums count only cells whose status is "number": a
blank, "—", "无" or unreadable cell is never read as 0 (STYLE §6). A report enters a table's totals whole or not at
all: one missing cell leaves the whole report out of that table, and it is named, so shares never exceed 100%.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from auditor import limits
from auditor.config import ScoringScheme
from auditor.describe import describe_line
from auditor.facts.model import number_values
from auditor.facts.publication import DEADLINE, PUBLISHED, show_day
from auditor.facts.vocabulary import T3_LAYOUT, T3_ROWS, T4_BLOCKS
from auditor.ingest.decode import DecodeError, decode, looks_binary
from auditor.model import RuleInfo, Severity
from auditor.problems import CATALOG
from auditor.resources import InvalidFile, read_bounded
from auditor.review.ledger import Ledger
from auditor.store import Store, StoreError, display, is_url
from auditor.store.agency import normal_agency
from auditor.summary import reviews
from auditor.summary.names import Bodies
from auditor.summary.reviews import Rectified

# Worst first: a document's status is the worst of what was found on it.
# 'incomplete': a core check could not run (auditor.model.Verdict.INCOMPLETE), whatever else was found.
STATUSES = ("problem", "incomplete", "error", "warning", "info", "pass")
PAGE_FOLDER = "reports"  # the summary folder's subfolder of report pages (Pages)
COUNTED = ("error", "warning", "info", "not_assessable")  # DocumentRow.counts' keys
# The statuses of a report the tool could not fully audit, counted apart from the audited ones: a core check did not
# run ('incomplete'), or an input error kept the tool from vouching for the file ('problem': failed or unreadable).
NOT_FULLY_AUDITED = ("incomplete", "problem")
# Review states (auditor.model.ReviewState's values) under which a finding does not stand: a false positive, an
# accepted exception.
SET_ASIDE = ("dismissed", "waived")
# Review states as the summary counts them: a finding without a decision (or reopened) is awaiting review.
AWAITING = "awaiting"
REVIEW_STATES = ("confirmed", "dismissed", "waived", AWAITING)
# Last year's confirmed findings, matched with this year's report (auditor.review.rectification's statuses).
RECTIFICATION_STATES = ("fixed", "repeated", "not_assessable")

# Table 三 measures: name → the row keys (column 总计) they add up. 「other」 is the 2021 （六） rows or the 2019 single
# （六）其他处理 row (a report has one or the other, T3_LAYOUT).
T3_APPLICATIONS: dict[str, tuple[str, ...]] = {
    "new_received": ("new_received",),
    "carried_over": ("carried_over",),
    "total_processed": ("total_processed",),
    "carried_forward": ("carried_forward",),
}
T3_OUTCOMES: dict[str, tuple[str, ...]] = {
    "granted": ("granted",),
    "partially_granted": ("partially_granted",),
    "denied": tuple(k for k in T3_ROWS if k.startswith("denied.")),
    "unable": tuple(k for k in T3_ROWS if k.startswith("unable.")),
    "rejected": tuple(k for k in T3_ROWS if k.startswith("rejected.")),
    "other": ("other.no_correction", "other.unpaid_fee", "other.other", "other_processing"),
}
T4_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
LITIGATION = ("litigation_direct", "litigation_after_review")


# Why there is no summary, in each language the CLI speaks (SummaryError.message).
_REASONS: dict[str, dict[str, str]] = {
    "no_store": {"zh": "{where}：没有这个历史库（请先运行 `auditor audit --db {where} …`）",
                 "en": "{where}: no such history store (run `auditor audit --db {where} …` first)"},
    "no_year": {"zh": "{where}：没有 {year} 年度的报告（历史库中的年度：{held}）",
                "en": "{where}: no document of {year} (the years the store holds: {held})"},
    "no_years": {"zh": "{where}：没有 {year} 年度的报告（历史库中没有任何年度的报告）",
                 "en": "{where}: no document of {year} (the years the store holds: none)"},
    "empty": {"zh": "{where}：历史库是空的", "en": "{where}: the store is empty"},
    "store": {"zh": "{text}", "en": "{text}"},
    "roster_binary": {"zh": "{path}：名单不是文本文件（每行一个机关名称；电子表格请先另存为文本）",
                      "en": "{path}: the roster is not a text file (one agency name per line; a spreadsheet must "
                            "be saved as text first)"},
    "roster_large": {"zh": "{path}：名单超过 {limit}，未读取",
                     "en": "{path}: the roster is larger than {limit}; not read"},
    "roster_encoding": {"zh": "{path}：名单的文字编码无法识别（{reason}）",
                        "en": "{path}: the roster is not text in any encoding recognised ({reason})"},
    "roster_unreadable": {"zh": "{path}：无法读取名单：{reason}", "en": "{path}: cannot read the roster: {reason}"},
}


class SummaryError(Exception):
    """Nothing to summarise (no such database, no document of that year) or an unusable database: `slug` names
    the reason (_REASONS), `fields` fill its words."""

    def __init__(self, slug: str, **fields: object) -> None:
        self.slug, self.fields = slug, fields
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        words = _REASONS[self.slug]
        return words.get(lang, words["en"]).format(**self.fields)


@dataclass(frozen=True)
class DocumentRow:
    """One stored document: who, which year, which file, and what the audit found on it."""

    document_id: int  # negative for a file that could not be read (the store's `unreadable` table)
    agency: str
    year: int | None
    path: str
    pack: str
    counts: dict[str, int]  # error, warning, info, not_assessable
    problems: tuple[str, ...]  # problem slugs
    status: str  # one of STATUSES
    gaps: tuple[str, ...] = ()  # why the audit is incomplete (the result's coverage.gaps, in the run's language)
    body: str = ""  # the body's key (Bodies.key): documents of one body, under any of its names, group by it
    # When the report was published and its Art. 49 deadline (ISO dates, from the facts' `report.published` and
    # `report.deadline`, as M-DEADLINE judged them), and why the date is unknown when it is (Publication.error: the
    # page stated none, a sidecar or --published line that could not be used). None: not known.
    published: str | None = None
    deadline: str | None = None
    publication_error: str | None = None
    whole: bool = False  # its whole result is recorded (store version 9), so its annotated page can be drawn

    @property
    def unreadable(self) -> bool:
        return self.document_id < 0

    @property
    def fully_audited(self) -> bool:
        return self.status not in NOT_FULLY_AUDITED

    @property
    def days_late(self) -> int | None:
        """Days after the deadline the report was published (0: on time); None when the date or the deadline is
        not known, which is never counted as on time."""
        if self.published is None or self.deadline is None:
            return None
        return max(0, (dt.date.fromisoformat(self.published) - dt.date.fromisoformat(self.deadline)).days)

    @property
    def anchor(self) -> str:
        """The id of this report's place on the summary page (``summary.html#doc-12``), for links to it."""
        return f"doc-{self.document_id}" if self.document_id >= 0 else f"unread-{-self.document_id}"


@dataclass(frozen=True)
class FindingRow:
    agency: str
    year: int | None
    path: str
    rule_id: str
    check_id: str
    severity: str
    message: str
    line: int | None
    expected: str
    found: str
    document_id: int = 0
    rule_name: str = ""
    # The finding's fingerprint and the state of the decision that applies to it (auditor.model.ReviewState's
    # value), None while awaiting review (collect() fills it from the store's decisions: summary.reviews).
    fingerprint: str = ""
    review: str | None = None
    page: int | None = None  # a paged file (PDF, OFD, a scan): the page, and the line of text on it
    page_line: int | None = None
    # The message in the other languages (store version 11: findings.messages), as (language, text).
    translations: tuple[tuple[str, str], ...] = ()

    def place(self, lang: str) -> str:
        """Where a reader finds it: 「第 7 行」, in a paged file 「第 3 页第 5 行」."""
        return describe_line(self.line, self.page, self.page_line, lang)

    def message_in(self, lang: str) -> str:
        """The message in the summary's language when the store has it, else as the audit's run wrote it."""
        return dict(self.translations).get(lang, self.message)

    @property
    def stands(self) -> bool:
        """Whether the finding is a problem of the report: not dismissed (a false positive) or waived (an accepted
        exception). What the 通报 reports and a score deducts for: until review decisions are read, every finding."""
        return self.review not in SET_ASIDE


@dataclass(frozen=True)
class Totals:
    """Sums of one table's cells over the documents, and the documents that lacked a cell a sum needs."""

    values: dict[str, float]
    incomplete: tuple[str, ...]  # "agency year" of each report left out of the totals (a needed cell unreadable)
    copies: tuple[str, ...] = ()  # files not counted because another file of the same agency and year was


@dataclass(frozen=True)
class AgencyScore:
    """One body's score under the configuration's scheme (auditor.summary.score), or why it has none."""

    agency: str
    year: int | None
    score: float | None  # None: not scored (its report was not fully audited)
    rank: int | None
    deductions: dict[str, float]  # rule id → points deducted (after the cap)
    findings: int  # the standing findings counted


@dataclass(frozen=True)
class Pages:
    """Each report's annotated page (auditor.formatters.html), for the summary's links to them: drawn from the store
    at `db` into the summary's folder (`reports/doc-12.html`, by the `reports` writer), or, with `web` (the web
    application's root URL), the application's own page of each document."""

    db: str
    aliases: Mapping[str, tuple[str, ...]]  # for the rectification each page shows (review.rectify)
    rules: Mapping[str, RuleInfo]  # each finding's rule title and remediation
    web: str | None = None

    def href(self, doc: DocumentRow) -> str | None:
        """The link to `doc`'s page; None where there is none: a file that could not be read, or (in the folder) a
        document recorded before its whole result was, whose page would have its findings only."""
        if doc.unreadable:
            return None
        if self.web is not None:
            return f"{self.web.rstrip('/')}/documents/{doc.document_id}"
        return f"{PAGE_FOLDER}/{doc.anchor}.html" if doc.whole else None


@dataclass(frozen=True)
class Summary:
    year: int | None
    documents: tuple[DocumentRow, ...]
    findings: tuple[FindingRow, ...]
    t3: Totals
    t4: Totals
    not_submitted: tuple[str, ...] = ()
    roster_given: bool = False
    by_rule: dict[tuple[str, str], int] = field(default_factory=dict)  # (rule id, severity) → count
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # rule id → title per language (the packs')
    # Set by the writers' caller, not by collect(): None says "not computed", which the outputs say in words, never
    # as an empty list that would read as "none found".
    scores: tuple[AgencyScore, ...] | None = None  # None: no scoring scheme configured
    scheme: ScoringScheme | None = None  # the scheme the scores were computed with
    reviews_read: bool = False  # whether FindingRow.review was filled from the store's decisions
    rectification: tuple[Rectified, ...] | None = None  # None: last year's confirmed findings not compared (part 6)
    jurisdiction: str | None = None
    issuer: str | None = None
    deadline: str | None = None
    pages: Pages | None = None  # None: the summary links to no report page

    @property
    def status_counts(self) -> dict[str, int]:
        counted = Counter(d.status for d in self.documents)
        return {s: counted.get(s, 0) for s in STATUSES}

    def title_of(self, rule_id: str, lang: str, fallback: str = "") -> str:
        """A rule's title in `lang` as the loaded packs give it; else the name stored with the finding, else the id
        (a rule of a pack not loaded for the summary)."""
        titles = self.titles.get(rule_id) or {}
        return titles.get(lang) or titles.get("zh") or fallback or rule_id

    @property
    def not_fully_audited(self) -> tuple[DocumentRow, ...]:
        return tuple(d for d in self.documents if not d.fully_audited)

    def standing(self) -> tuple[FindingRow, ...]:
        return tuple(f for f in self.findings if f.stands)

    @property
    def review_counts(self) -> dict[str, int]:
        """Findings per review state (REVIEW_STATES' order); every one awaiting until reviews are read."""
        counts = dict.fromkeys(REVIEW_STATES, 0)
        for f in self.findings:
            counts[f.review if f.review in counts else AWAITING] += 1
        return counts

    @property
    def repeated(self) -> tuple[Rectified, ...] | None:
        """The problems confirmed last year that this year's reports have again; None: not compared."""
        if self.rectification is None:
            return None
        return tuple(r for r in self.rectification if r.status == "repeated")

    @property
    def rectification_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RECTIFICATION_STATES, 0)
        for r in self.rectification or ():
            counts[r.status] += 1
        return counts


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None for a zero whole (a share of nothing is not 0%)."""
    return part / whole if whole else None


def correction_rates(t4: Totals) -> dict[str, float | None]:
    """纠错率 = corrected / (upheld + corrected + other), for 复议 and for the two 诉讼 blocks together (pending cases
    have no result yet, so they are left out of the denominator)."""
    def rate(blocks: Iterable[str]) -> float | None:
        blocks = tuple(blocks)
        decided = sum(t4.values[f"{b}.{c}"] for b in blocks for c in ("upheld", "corrected", "other"))
        return ratio(sum(t4.values[f"{b}.corrected"] for b in blocks), decided)
    return {"review": rate(("review",)), "litigation": rate(LITIGATION)}


def collect(db: Path | str, year: int | None = None, roster: Iterable[str] | None = None,
            aliases: Mapping[str, Iterable[str]] | None = None,
            titles: Mapping[str, Mapping[str, str]] | None = None) -> Summary:
    """Everything the writers need, for the documents of `year` (all years if None). Raises SummaryError when the
    database is missing or unusable, or holds no document of that year (whatever it holds otherwise: files of no
    year, other years; the message names the years it has). `roster`: agency names expected to report; those
    matching no document's agency (names.Bodies, with `aliases`: a body's title name → its 简称 and former names)
    are listed as not submitted; None: no roster given. `titles`: rule id → title per language."""
    where = display(str(db)) if is_url(db) else str(db)
    if not is_url(db) and not Path(db).is_file():
        raise SummaryError("no_store", where=where)
    try:
        store = Store(db)  # checks (and if needed brings up) the schema version
    except StoreError as exc:
        raise SummaryError("store", text=str(exc)) from exc
    try:
        docs, findings, problems, unreadable, years, decisions = store.summary_rows(year)
        replaced = store.replaced_documents(year)
    except StoreError as exc:
        raise SummaryError("store", text=str(exc)) from exc
    finally:
        store.close()
    if year is not None and not docs:
        # Files of no year would otherwise make a summary of 20244 (a typo for 2024) out of nothing but them.
        if not years:
            raise SummaryError("no_years", where=where, year=year)
        raise SummaryError("no_year", where=where, year=year, held=", ".join(map(str, years)))
    if not docs and not unreadable:
        raise SummaryError("empty", where=where)
    bodies = Bodies(aliases)
    ledger = Ledger(decisions)  # the decisions as a run applies them (auditor.review.ledger)
    summary = _summary(year, docs, findings, problems, None if roster is None else list(roster), bodies, ledger,
                       replaced)
    # A file that could not be read has no year, so every summary of the store counts it (as status "problem").
    rows = tuple(DocumentRow(-int(i), "?", None, str(path), "", dict.fromkeys(COUNTED, 0), (str(slug),), "problem",
                             body="?") for i, path, slug in unreadable)
    summary = replace(summary, documents=summary.documents + rows,
                      titles={k: dict(v) for k, v in (titles or {}).items()})
    checks = {int(d[0]): d[8] for d in docs}  # last year's confirmed findings matched with this year's reports
    return replace(summary, rectification=reviews.rectification(summary, ledger, checks, bodies))


def _summary(year: int | None, docs: list[tuple[Any, ...]], findings: list[tuple[Any, ...]],
             problems: list[tuple[Any, ...]], roster: list[str] | None, bodies: Bodies, ledger: Ledger,
             replaced: dict[int, int]) -> Summary:
    by_doc: dict[int, list[tuple[Any, ...]]] = {}
    for f in findings:
        by_doc.setdefault(int(f[0]), []).append(f)
    slugs: dict[int, list[str]] = {}
    for document_id, slug in problems:
        slugs.setdefault(int(document_id), []).append(str(slug))
    rows: list[DocumentRow] = []
    finding_rows: list[FindingRow] = []
    facts: list[Report] = []
    # One body's year is one report: a corrected version received later, or the same report in another format,
    # replaces the earlier document in every count (statuses, findings, reviews, totals), which are named instead.
    for document_id, agency, doc_year, path, pack, not_assessable, gaps, facts_json, _checks, whole in docs:
        if int(document_id) in replaced:
            continue
        name = str(agency or "?")
        # Reviewed as a run reviews them: a finding dismissed or waived no longer counts against the report.
        mine = [reviews.reviewed(_finding(name, doc_year, str(path), f), ledger)
                for f in by_doc.get(int(document_id), [])]
        counts = {s.label: sum(1 for f in mine if f.stands and f.severity == s.label)
                  for s in sorted(Severity, reverse=True)}
        counts["not_assessable"] = int(not_assessable)
        doc_slugs = tuple(slugs.get(int(document_id), []))
        doc_gaps = [str(g) for g in json.loads(gaps)] if gaps else []
        stored = json.loads(facts_json)
        rows.append(DocumentRow(int(document_id), name, doc_year, str(path), str(pack), counts, doc_slugs,
                                _status(str(pack), doc_slugs, counts, doc_gaps), tuple(doc_gaps), bodies.key(name),
                                *_publication(stored), bool(whole)))
        finding_rows.extend(mine)
        # A report of no agency or no year is its own: never summed as a copy of another such report.
        key = (normal_agency(name), doc_year) if agency and doc_year is not None else (f"#{document_id}", doc_year)
        facts.append(Report(f"{name} {doc_year or ''}".strip(), key, str(path), number_values(stored)))
    by_rule = Counter((f.rule_id, f.severity) for f in finding_rows if f.stands)
    agencies = [r.agency for r in rows]
    missing = tuple(n for n in roster or () if not any(bodies.same(n, a) for a in agencies))
    earlier = tuple(Path(str(d[3])).name for d in docs if int(d[0]) in replaced)
    t3, t4 = _t3_totals(facts), _t4_totals(facts)
    return Summary(year, tuple(rows), tuple(finding_rows), replace(t3, copies=earlier + t3.copies),
                   replace(t4, copies=earlier + t4.copies), missing, roster is not None,
                   dict(sorted(by_rule.items())), reviews_read=True)


def _publication(stored: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(published, deadline, why the date is unknown) of a stored document's facts: the day values M-DEADLINE
    compared, as dates. Facts recorded before publication dates were read have none: unknown."""
    values = stored.get("values") or {}
    found = stored.get("publication") or {}
    day = {key: show_day(values[key]) if isinstance(values.get(key), int) else None for key in (PUBLISHED, DEADLINE)}
    error = found.get("error")
    return day[PUBLISHED], day[DEADLINE], str(error) if error else None


def _status(pack: str, slugs: tuple[str, ...], counts: dict[str, int], gaps: list[str]) -> str:
    """'problem' when an input error kept the tool from vouching for the report; 'incomplete' when no pack applied
    or a core check could not run; else the worst severity found, or 'pass'."""
    if any(CATALOG[s].input_error for s in slugs if s in CATALOG):
        return "problem"
    if not pack or gaps:
        return "incomplete"
    return next((s.label for s in sorted(Severity, reverse=True) if counts[s.label]), "pass")


def _finding(agency: str, year: int | None, path: str, row: tuple[Any, ...]) -> FindingRow:
    document_id, rule_id, check_id, severity, message, location, evidence, rule_name, fingerprint, messages = row
    where, proof = json.loads(location), json.loads(evidence)
    translations = tuple((str(k), str(v)) for k, v in json.loads(messages).items()) if messages else ()
    return FindingRow(agency, year, path, str(rule_id), str(check_id), str(severity), str(message), where.get("line"),
                      str(proof.get("expected") or ""), str(proof.get("found") or ""), int(document_id),
                      str(rule_name or ""), str(fingerprint or ""), page=where.get("page"),
                      page_line=where.get("page_line"), translations=translations)


def _add(totals: dict[str, float], name: str, values: dict[str, int | float], keys: Iterable[str]) -> bool:
    """Add the number cells among `keys` to totals[name]; False if any of them is absent (not a number)."""
    complete = True
    for key in keys:
        if key in values:
            totals[name] += float(values[key])
        else:
            complete = False
    return complete


@dataclass(frozen=True)
class Report:
    """One stored document as the totals see it: its label, the (agency, year) it reports for, its file, its facts."""

    label: str
    key: tuple[str, int | None]
    path: str
    values: dict[str, int | float]  # its number cells (auditor.facts.model.number_values)


def _sum_whole(reports: list[Report], keys_of: Callable[[dict[str, int | float]], dict[str, Iterable[str]]]) -> Totals:
    """Sum each measure over the reports; keys_of(values) names the cells each measure adds up in one report.

    All or nothing: a report that gives some cells and not others would make the totals and shares disagree with each
    other (outcomes adding up to more than processed), so it is left out whole and named instead. An agency's year
    counts once: when the same report was audited from two files (the HTML page and its text, say), the first file
    that reads whole is summed and the others are named as copies.
    """
    totals = dict.fromkeys(keys_of({}), 0.0)  # every measure, at 0 even when no report gives it
    groups: dict[tuple[str, int | None], list[Report]] = {}
    for report in reports:
        groups.setdefault(report.key, []).append(report)
    incomplete: list[str] = []
    copies: list[str] = []
    for group in groups.values():
        counted = None
        for report in group:
            measures = keys_of(report.values)
            part = dict.fromkeys(measures, 0.0)
            # A table the report lacks has no number cells, so it too is left out (and named).
            if all([_add(part, name, report.values, keys) for name, keys in measures.items()]):
                for name, value in part.items():
                    totals[name] += value
                counted = report
                break
        if counted is None:
            incomplete.append(group[0].label)
        copies.extend(Path(r.path).name for r in group if r is not counted and len(group) > 1)
    return Totals(totals, tuple(incomplete), tuple(copies))


def _t3_keys(values: dict[str, int | float]) -> dict[str, Iterable[str]]:
    # The rows the table has, not the template its year prescribes: a 2021 report filled in the 2019 layout
    # (TPL-LAYOUT-T3) still contributes its single （六）其他处理.
    layout = set(T3_LAYOUT[2019 if "t3.other_processing.total" in values else 2021])
    measures = {**T3_APPLICATIONS, **T3_OUTCOMES}
    return {name: [f"t3.{r}.total" for r in rows if r in layout] for name, rows in measures.items()}


def _t3_totals(reports: list[Report]) -> Totals:
    return _sum_whole(reports, _t3_keys)


def _t4_totals(reports: list[Report]) -> Totals:
    return _sum_whole(reports, lambda _: {f"{b}.{c}": [f"t4.{b}.{c}"] for b in T4_BLOCKS for c in T4_OUTCOMES})


def read_roster(path: Path) -> list[str]:
    """One agency name per line; blank lines and lines starting with # are skipped, duplicates (as normalised) too.
    The encoding is detected as a report's is (auditor.ingest.decode: a BOM, UTF-8, else GB18030 and the others
    charset_normalizer names), since offices keep rosters in Excel exports saved as GBK. SummaryError, naming the
    file, when it cannot be read, is over 1 MiB, is binary (a spreadsheet given in place of its text) or is not text
    in any encoding."""
    try:
        data = read_bounded(path)
        if looks_binary(data):
            raise SummaryError("roster_binary", path=path)
        text, _ = decode(data)
    except InvalidFile:
        raise SummaryError("roster_large", path=path, limit=limits.size_text(limits.MAX_YAML_BYTES)) from None
    except DecodeError as exc:
        raise SummaryError("roster_encoding", path=path, reason=exc) from None
    except OSError as exc:
        raise SummaryError("roster_unreadable", path=path, reason=exc.strerror or exc) from None
    names: dict[str, str] = {}
    for line in text.splitlines():
        name = line.strip()
        if name and not name.startswith("#"):
            names.setdefault(normal_agency(name), name)
    return list(names.values())
