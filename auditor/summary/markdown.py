"""`md`: summary.md, Markdown to paste into a 通报: totals, status counts, the agencies with errors and their error
messages, and the agencies that did not submit.

Everything that came from a report (agency, file name, finding messages) or from the roster goes through
`markdown_text` (auditor.formatters.safe): a renderer passes raw HTML through, so `<script>` must arrive as
`&lt;script&gt;`, and a `*`, `[`, `|` or newline in a name must not open emphasis, a link, a cell or a block.
"""

from __future__ import annotations

from pathlib import Path

from auditor.formatters.safe import markdown_text as md
from auditor.summary import register
from auditor.summary.collect import STATUSES, DocumentRow, Summary
from auditor.summary.rows import (
    incomplete_note,
    late_documents,
    not_audited_counts,
    number,
    problem_title,
    publication_counts,
    publication_reason,
    publication_word,
    rate_rows,
    rectification_rows,
    review_rows,
    rule_problems,
    score_note,
    status_word,
    t3_rows,
    t4_header,
    t4_rows,
    unknown_publication,
)
from auditor.summary.words import WORDS, severity_label


def _cell(text: str) -> str:
    """The summary's own words and numbers inside a Markdown table cell (no report text is put in a table)."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows), ""]


def render_markdown(summary: Summary, lang: str) -> str:
    words = WORDS[lang]
    year = str(summary.year) if summary.year is not None else words["all_years"]
    counts = summary.status_counts
    lines = [f"# {words['title']} · {year}", "", f"{words['documents']}: {len(summary.documents)}", "",
             f"## {words['status_counts']}", "",
             *_table([words[s] for s in STATUSES], [[str(counts[s]) for s in STATUSES]]),
             f"## {words['t3_section']}", "",
             *_table([words["measure"], words["total"], words["share"]], [list(r) for r in t3_rows(summary, lang)]),
             incomplete_note(summary.t3, lang, md), "",
             f"## {words['t4_section']}", "", *_table(t4_header(lang), t4_rows(summary, lang)),
             *(f"- {label}: {value}" for label, value in rate_rows(summary, lang)), "",
             incomplete_note(summary.t4, lang, md), "", f"## {words['errors_section']}", ""]
    errors: dict[int, list[str]] = {}  # the standing errors (not dismissed or waived), per report
    for f in summary.standing():
        if f.severity == "error":
            errors.setdefault(f.document_id, []).append(f"  - {md(f.check_id)}: {md(f.message_in(lang))}")
    with_errors = [d for d in summary.documents if d.document_id in errors]
    for doc in with_errors:
        agency, name = md(doc.agency), md(Path(doc.path).name)
        lines.append(f"- **{agency}**（{doc.year or '?'}，{name}）" if lang == "zh"
                     else f"- **{agency}** ({doc.year or '?'}, {name})")
        lines.extend(errors[doc.document_id])
    if not with_errors:
        lines.append(words["no_errors"])
    lines += ["", f"## {words['by_rule_section']}", ""]
    problems = rule_problems(summary, lang)
    open_, sep, close = ("（", "，", "）") if lang == "zh" else (" (", ", ", ")")
    lines.extend(f"- {md(p.rule_id)} {md(p.title)}{open_}{severity_label(p.severity, lang)}{sep}{p.count}{close}: "
                 + ("、" if lang == "zh" else ", ").join(md(a) for a in p.agencies) for p in problems)
    if not problems:
        lines.append(words["no_findings"])
    lines += _not_audited(summary, lang) + _publication(summary, lang) + _reviews(summary, lang)
    if summary.scores is not None:
        lines += ["", f"## {words['score_section']}", ""]
        for entry in summary.scores:
            value = words["not_scored"] if entry.score is None else number(entry.score)
            rank = "—" if entry.rank is None else str(entry.rank)
            year = f"{'（' if lang == 'zh' else ' ('}{entry.year or '?'}{'）' if lang == 'zh' else ')'}"
            lines.append(f"- {rank} {md(entry.agency)}{year}: {value}")
        lines += ["", score_note(summary, lang)]
    lines += ["", f"## {words['not_submitted']}", ""]
    if not summary.roster_given:
        lines.append(words["no_roster"])
    elif summary.not_submitted:
        lines.extend(f"- {md(name)}" for name in summary.not_submitted)
    else:
        lines.append(words["none_missing"])
    return "\n".join(lines) + "\n"


def _not_audited(summary: Summary, lang: str) -> list[str]:
    """The reports not fully audited, counted and listed apart (a file that could not be read by its name)."""
    words = WORDS[lang]
    docs = summary.not_fully_audited
    if not docs:
        return []
    lines = ["", f"## {words['not_audited_section']}", "",
             "；".join(f"{words[k]} {n}" for k, n in not_audited_counts(summary).items()), ""]
    for d in docs:
        reason = "；".join(d.gaps) if d.status == "incomplete" else problem_title(d.problems, lang)
        who = md(Path(d.path).name) if d.unreadable else f"{md(d.agency)}（{md(Path(d.path).name)}）"
        lines.append(f"- {who}: {status_word(d, lang)}{'，' if lang == 'zh' else ', '}{md(reason)}")
    return lines


def _publication(summary: Summary, lang: str) -> list[str]:
    """The reports published late, by how many days, and those whose date or deadline is not known."""
    words = WORDS[lang]
    lines = ["", f"## {words['pub_section']}", "", words["pub_counts"].format(**publication_counts(summary)), "",
             f"### {words['pub_late_table']}", ""]
    late = late_documents(summary)
    lines.extend(f"- {_who(d, lang)}: {md(publication_word(d, lang))}" for d in late)
    if not late:
        lines.append(words["pub_none_late"])
    lines += ["", f"### {words['pub_unknown_table']}", ""]
    unknown = unknown_publication(summary)
    lines.extend(f"- {_who(d, lang)}: {md(publication_reason(d, lang))}" for d in unknown)
    if not unknown:
        lines.append(words["pub_none_unknown"])
    return [*lines, "", words["pub_note"]]


def _who(doc: DocumentRow, lang: str) -> str:
    """A report as a list item names it: its agency, year and file name."""
    agency, year, name = md(doc.agency), doc.year or "?", md(Path(doc.path).name)
    return f"{agency}（{year}，{name}）" if lang == "zh" else f"{agency} ({year}, {name})"


def _reviews(summary: Summary, lang: str) -> list[str]:
    """Findings per review state, and last year's confirmed problems matched with this year's reports."""
    words = WORDS[lang]
    lines = ["", f"## {words['review_section']}", ""]
    if summary.reviews_read:
        lines += [*_table([words["review"], words["count"]], [[str(a), str(b)] for a, b in review_rows(summary, lang)]),
                  words["review_note"]]
    else:
        lines.append(words["unreviewed_note"])
    lines += ["", f"## {words['rect_section']}", ""]
    if summary.rectification is None:
        return [*lines, words["no_rect"]]
    for agency, year, _rule, check, last, status, now in rectification_rows(summary, lang):
        lines.append(f"- {md(str(agency))}（{year}）{md(str(check))}: {status}: {md(str(now or last))}" if lang == "zh"
                     else f"- {md(str(agency))} ({year}) {md(str(check))}: {status}: {md(str(now or last))}")
    if not summary.rectification:
        lines.append(words["no_findings"])
    return [*lines, "", words["rect_note"]]


@register("md")
def write_markdown(summary: Summary, out: Path, lang: str) -> list[Path]:
    path = out / "summary.md"
    path.write_text(render_markdown(summary, lang), encoding="utf-8")
    return [path]
