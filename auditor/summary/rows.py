"""The rows the writers share: one per document, one per finding (in the order of words.py's columns), and the
table 三 and 四 totals as printed.

The rows hold the text as stored (a report's agency, path, messages): each writer escapes it for its own output
with auditor.formatters.safe, since what is safe differs (HTML entities, Markdown backslashes, a spreadsheet's text
marker). Numbers stay ints.
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.facts.vocabulary import T4_BLOCKS
from auditor.problems import CATALOG
from auditor.summary.collect import T3_APPLICATIONS, T3_OUTCOMES, T4_OUTCOMES, Summary, Totals, correction_rates, ratio
from auditor.summary.words import AGENCY_COLUMNS, FINDING_COLUMNS, WORDS, block_label, severity_label, t4_column_word

Cell = str | int | None


def agency_header(lang: str) -> list[str]:
    return [WORDS[lang][c] for c in AGENCY_COLUMNS]


def finding_header(lang: str) -> list[str]:
    return [WORDS[lang][c] for c in FINDING_COLUMNS]


def agency_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    words = WORDS[lang]
    return [[d.agency, d.year, d.path, d.pack, d.counts["error"], d.counts["warning"], d.counts["info"],
             d.counts["not_assessable"], words[d.status]] for d in summary.documents]


def finding_rows(summary: Summary, lang: str) -> list[list[Cell]]:
    return [[f.agency, f.year, f.rule_id, f.check_id, severity_label(f.severity, lang), f.message, f.line,
             f.expected, f.found] for f in summary.findings]


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
