"""The rows the writers share: one per document, one per finding (in the order of words.py's columns), and the
table 三 and 四 totals as printed.

The rows hold the text as stored (a report's agency, path, messages): each writer escapes it for its own output
with auditor.formatters.safe, since what is safe differs (HTML entities, Markdown backslashes, a spreadsheet's text
marker). Numbers stay ints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.facts.publication import NO_DATE
from auditor.facts.vocabulary import T4_BLOCKS
from auditor.model import Severity
from auditor.problems import CATALOG
from auditor.summary.collect import (
    AWAITING,
    REVIEW_STATES,
    T3_APPLICATIONS,
    T3_OUTCOMES,
    T4_OUTCOMES,
    DocumentRow,
    FindingRow,
    Summary,
    Totals,
    correction_rates,
    ratio,
)
from auditor.summary.words import (
    AGENCY_COLUMNS,
    FINDING_COLUMNS,
    RECTIFICATION_COLUMNS,
    WORDS,
    block_label,
    severity_label,
    t4_column_word,
)

Cell = str | int | float | None


def agency_header(lang: str) -> list[str]:
    return [WORDS[lang][c] for c in AGENCY_COLUMNS]


def finding_header(lang: str) -> list[str]:
    return [WORDS[lang][c] for c in FINDING_COLUMNS]


def agency_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    words = WORDS[lang]
    return [[d.agency, d.year, d.path, d.pack, d.counts["error"], d.counts["warning"], d.counts["info"],
             d.counts["not_assessable"], words[d.status], publication_word(d, lang)] for d in summary.documents]


def publication_word(doc: DocumentRow, lang: str) -> str:
    """Whether the report was published by its deadline, in words: on time, late by how many days, or unknown
    (no date, or a date whose deadline cannot be told: never on time)."""
    words = WORDS[lang]
    if doc.published is None:
        return words["pub_unknown"]
    late = doc.days_late
    if late is None:
        return words["pub_no_deadline"].format(date=doc.published)
    if late:
        return words["pub_late"].format(days=late, date=doc.published, deadline=doc.deadline)
    return words["pub_on_time"].format(date=doc.published)


def late_documents(summary: Summary) -> list[DocumentRow]:
    """The reports published after their deadline, the latest first."""
    late = [d for d in summary.documents if (d.days_late or 0) > 0]
    return sorted(late, key=lambda d: -(d.days_late or 0))


def unknown_publication(summary: Summary) -> list[DocumentRow]:
    """The readable reports whose timeliness cannot be told: no publication date, or no deadline for it. (A file
    that could not be read is listed among the reports not audited, not here.)"""
    return [d for d in summary.documents if not d.unreadable and d.days_late is None]


def publication_reason(doc: DocumentRow, lang: str) -> str:
    """Why a report's timeliness is unknown: no date given, the page stated none, the source could not be used
    (its error as the audit said it), or the deadline cannot be told."""
    words = WORDS[lang]
    if doc.published is not None:
        return words["pub_deadline_unknown"]
    if doc.publication_error == NO_DATE:
        return words["pub_page_states_none"]
    return doc.publication_error or words["pub_no_date_given"]


def publication_counts(summary: Summary) -> dict[str, int]:
    """late, unknown (date or deadline), on_time: of the readable reports."""
    readable = [d for d in summary.documents if not d.unreadable]
    late = sum(1 for d in readable if (d.days_late or 0) > 0)
    unknown = sum(1 for d in readable if d.days_late is None)
    return {"late": late, "unknown": unknown, "on_time": len(readable) - late - unknown}


def late_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    """[agency, year, file, published, deadline, days late] of each report published late."""
    return [[d.agency, d.year, d.path, d.published, d.deadline, d.days_late] for d in late_documents(summary)]


def unknown_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    """[agency, year, file, why] of each report whose timeliness is unknown."""
    return [[d.agency, d.year, d.path, publication_reason(d, lang)] for d in unknown_publication(summary)]


def finding_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    return [[f.agency, f.year, f.rule_id, f.check_id, severity_label(f.severity, lang), f.message_in(lang),
             f.place(lang), f.expected, f.found, summary.title_of(f.rule_id, lang, f.rule_name), review_word(f, lang)]
            for f in summary.findings]


def review_word(finding: FindingRow, lang: str) -> str:
    return WORDS[lang][finding.review if finding.review in REVIEW_STATES else AWAITING]


def review_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    """Findings per review state: [state, count]."""
    return [[WORDS[lang][state], n] for state, n in summary.review_counts.items()]


def rectification_header(lang: str) -> list[str]:
    return [WORDS[lang][c] for c in RECTIFICATION_COLUMNS]


def rectification_word(status: str, lang: str) -> str:
    return WORDS[lang]["rect_not_assessable" if status == "not_assessable" else status]


def rectification_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    """Last year's confirmed findings matched with this year's reports: repeated first (what a 通报 names)."""
    order = {"repeated": 0, "not_assessable": 1, "fixed": 2}
    rows = sorted(summary.rectification or (), key=lambda r: order.get(r.status, 3))
    return [[r.agency, r.year, r.rule_id, r.check_id, r.last_message, rectification_word(r.status, lang), r.message]
            for r in rows]


def number(value: float) -> str:
    """A sum as written: whole numbers without a decimal point."""
    return str(int(value)) if value == int(value) else f"{value:g}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}%"


def t3_rows(summary: Summary, lang: str) -> list[tuple[str, str, str]]:
    """(label, total, share of processed) for the applications and then the outcomes of table 三."""
    words, values = WORDS[lang], summary.t3.values
    rows = [(words[name], number(values[name]), "") for name in T3_APPLICATIONS]
    processed = values["total_processed"]
    rows += [(words[name], number(values[name]), percent(ratio(values[name], processed))) for name in T3_OUTCOMES]
    return rows


def t4_rows(summary: Summary, lang: str) -> list[list[str]]:
    """One row per block of table 四: its label, then each outcome column's total."""
    values = summary.t4.values
    return [[block_label(b, lang), *(number(values[f"{b}.{c}"]) for c in T4_OUTCOMES)] for b in T4_BLOCKS]


def t4_header(lang: str) -> list[str]:
    words = WORDS[lang]
    return ["", *(words[t4_column_word(c)] for c in T4_OUTCOMES)]


def rate_rows(summary: Summary, lang: str) -> list[tuple[str, str]]:
    rates = correction_rates(summary.t4)
    return [(WORDS[lang]["rate_review"], percent(rates["review"])),
            (WORDS[lang]["rate_litigation"], percent(rates["litigation"]))]


def incomplete_note(totals: Totals, lang: str, quote: Callable[[str], str] = str) -> str:
    """Which reports the totals leave out, and which files were not counted as copies of the same report; each name
    (an agency and year, a file name: taken from reports) passed through `quote`, the note's own words not."""
    words, join = WORDS[lang], "、".join if lang == "zh" else ", ".join
    names = tuple(quote(n) for n in totals.incomplete)
    note = words["left_out"].format(n=len(names), names=join(names)) if names else words["all_complete"]
    if totals.copies:
        note += " " + words["copies"].format(n=len(totals.copies), names=join(quote(n) for n in totals.copies))
    return note


def problem_title(slugs: tuple[str, ...], lang: str) -> str:
    """The catalog titles of a document's problems, e.g. 「空白模板」 for blank_template."""
    return "、".join(CATALOG[s].title[lang] if s in CATALOG else s for s in slugs) or WORDS[lang]["problem"]


def status_word(doc: DocumentRow, lang: str) -> str:
    """A document's status in words; of the reports not vouched for, the unreadable told from the failed."""
    if doc.status == "problem":
        return WORDS[lang]["unreadable" if doc.unreadable else "failed"]
    return WORDS[lang][doc.status]


def not_audited_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    """[agency, year, file, status, reason] of each report not fully audited: why a core check did not run, or the
    problems that kept the tool from reading or vouching for it."""
    return [[d.agency, d.year, d.path, status_word(d, lang),
             "；".join(d.gaps) if d.status == "incomplete" else problem_title(d.problems, lang)]
            for d in summary.not_fully_audited]


def not_audited_counts(summary: Summary) -> dict[str, int]:
    """How many reports were not fully audited, by kind: incomplete, failed, unreadable (WORDS keys)."""
    docs = summary.not_fully_audited
    return {"incomplete": sum(1 for d in docs if d.status == "incomplete"),
            "failed": sum(1 for d in docs if d.status == "problem" and not d.unreadable),
            "unreadable": sum(1 for d in docs if d.unreadable)}


@dataclass(frozen=True)
class AgencyGroup:
    """One body's reports of the summary and the findings on each, for the page that lists findings by agency."""

    agency: str
    documents: tuple[DocumentRow, ...]
    findings: dict[int, tuple[FindingRow, ...]]  # document id → its findings, in the store's order


def agency_groups(summary: Summary) -> list[AgencyGroup]:
    """The readable documents grouped by body (DocumentRow.body: a 简称 or former name configured as an alias joins
    its body), bodies in the order their first report comes (the store's: year, name, path)."""
    by_doc: dict[int, list[FindingRow]] = {}
    for finding in summary.findings:
        by_doc.setdefault(finding.document_id, []).append(finding)
    groups: dict[str, list[DocumentRow]] = {}
    for doc in summary.documents:
        if not doc.unreadable:
            groups.setdefault(doc.body or doc.agency, []).append(doc)
    return [AgencyGroup(docs[0].agency, tuple(docs), {d.document_id: tuple(by_doc.get(d.document_id, ()))
                                                      for d in docs}) for docs in groups.values()]


@dataclass(frozen=True)
class RuleProblem:
    """One rule's standing findings over the year: how many, and the agencies that have them (each once)."""

    rule_id: str
    title: str
    severity: str  # the worst severity among its findings
    count: int
    agencies: tuple[str, ...]


def rule_problems(summary: Summary, lang: str) -> list[RuleProblem]:
    """Per rule, its standing findings (FindingRow.stands) and the agencies with them; the worst severity first,
    then the rules that most agencies share: the order of a 通报's 主要问题."""
    found: dict[str, list[FindingRow]] = {}
    for finding in summary.standing():
        found.setdefault(finding.rule_id, []).append(finding)
    problems = []
    for rule_id, items in found.items():
        worst = max((Severity.parse(f.severity) for f in items), default=Severity.INFO)
        agencies = tuple(dict.fromkeys(f.agency for f in items))
        problems.append(RuleProblem(rule_id, summary.title_of(rule_id, lang, items[0].rule_name), worst.label,
                                    len(items), agencies))
    return sorted(problems, key=lambda p: (-Severity.parse(p.severity), -len(p.agencies), -p.count, p.rule_id))


def score_header(lang: str) -> list[str]:
    words = WORDS[lang]
    return [words["rank"], words["agency"], words["year"], words["score"], words["findings_counted"],
            words["deductions"]]


def score_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    """[rank, agency, year, score, findings counted, deductions per rule] per scored or unscored body."""
    words = WORDS[lang]
    rows: list[list[Cell]] = []
    for entry in summary.scores or ():
        detail = "；".join(f"{rule} −{number(points)}" for rule, points in entry.deductions.items())
        rows.append([entry.rank, entry.agency, entry.year,
                     number(entry.score) if entry.score is not None else words["not_scored"], entry.findings,
                     detail])
    return rows


def score_note(summary: Summary, lang: str) -> str:
    """The scheme in words, and how many findings await review (or that decisions are not counted); "no scheme"
    without one."""
    words, scheme = WORDS[lang], summary.scheme
    if scheme is None:
        return words["no_scheme"]
    cap = words["cap_note"].format(cap=number(scheme.cap_per_rule)) if scheme.cap_per_rule is not None else ""
    note = words["score_note"].format(cap=cap, start=number(scheme.start), floor=number(scheme.floor))
    space = "" if lang == "zh" else " "
    if not summary.reviews_read:
        return f"{note}{space}{words['unreviewed_note']}"
    awaiting = summary.review_counts[AWAITING]
    return f"{note}{space}{words['awaiting_note'].format(n=awaiting)}" if awaiting else note
