"""`html`: summary.html, one self-contained page (inline CSS and SVG, no script, nothing fetched) for the office.

Every text put on the page goes through `html_text` (auditor.formatters.safe): entities for markup, and controls or
bidi overrides from a report made visible; only ints and the page's own tags are written raw.
"""

from __future__ import annotations

from pathlib import Path

from auditor.formatters.safe import html_text
from auditor.summary import register
from auditor.summary.collect import STATUSES, Summary
from auditor.summary.rows import (
    agency_groups,
    agency_header,
    agency_rows,
    incomplete_note,
    late_rows,
    not_audited_counts,
    not_audited_rows,
    publication_counts,
    rate_rows,
    rectification_header,
    rectification_rows,
    rectification_word,
    review_rows,
    review_word,
    rule_problems,
    score_header,
    score_note,
    score_rows,
    status_word,
    t3_rows,
    t4_header,
    t4_rows,
    unknown_rows,
)
from auditor.summary.svg import SEVERITY_COLORS, STATUS_COLORS, bar_chart
from auditor.summary.words import AGENCY_COLUMNS, WORDS, severity_label

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.s-problem { color: #6d4c41; font-weight: bold; } .s-error { color: #c62828; font-weight: bold; }
.s-warning { color: #ef8f00; } .s-info { color: #1f77b4; } .s-pass { color: #2e7d32; }
.note { color: #555; font-size: 0.9em; }
.report { margin: 0.6em 0 0.2em; } .report .file { color: #555; }
.r-dismissed, .r-waived { color: #777; } .r-confirmed { font-weight: bold; }
:target { background: #fff3c4; }
"""


def _table(header: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{html_text(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="{c}">{html_text(v)}</td>' if c else f"<td>{html_text(v)}</td>"
                                    for v, c in zip(row, classes or [""] * len(row), strict=True)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status_chart(summary: Summary, lang: str) -> str:
    words = WORDS[lang]
    counts = summary.status_counts
    chart = bar_chart([(words[s], counts[s], STATUS_COLORS[s]) for s in STATUSES], words["status_counts"])
    return f"<h2>{words['status_counts']}</h2>{chart}"


def _status_table(summary: Summary, lang: str) -> str:
    """One row per report: last on the page, since a province's runs to thousands of rows."""
    words = WORDS[lang]
    rows = []
    status = AGENCY_COLUMNS.index("status")  # its cell is coloured by the status
    for doc, row in zip(summary.documents, agency_rows(summary, lang), strict=True):
        cells = "".join(f'<td class="s-{doc.status}">{html_text(str(v))}</td>' if i == status
                        else f'<td class="n">{v}</td>' if isinstance(v, int) else f"<td>{html_text(str(v or ''))}</td>"
                        for i, v in enumerate(row))
        rows.append(f"<tr>{cells}</tr>")
    head = "".join(f"<th>{html_text(h)}</th>" for h in agency_header(lang))
    return (f"<h2>{words['status_section']}</h2>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _review_section(summary: Summary, lang: str) -> str:
    """Findings per review state; before any decision is read, that they are not counted yet."""
    words = WORDS[lang]
    head = f"<h2>{words['review_section']}</h2>"
    if not summary.reviews_read:
        return head + f"<p>{html_text(words['unreviewed_note'])}</p>"
    rows = [[str(label), str(n)] for label, n in review_rows(summary, lang)]
    return (head + _table([words["review"], words["count"]], rows, ["", "n"])
            + f'<p class="note">{html_text(words["review_note"])}</p>')


def _rectification_section(summary: Summary, lang: str) -> str:
    words = WORDS[lang]
    head = f"<h2>{words['rect_section']}</h2>"
    if summary.rectification is None:
        return head + f"<p>{html_text(words['no_rect'])}</p>"
    counts = "；".join(f"{rectification_word(k, lang)} {n}" for k, n in summary.rectification_counts.items())
    rows = [["" if v is None else str(v) for v in row] for row in rectification_rows(summary, lang)]
    return (head + f"<p>{html_text(counts)}</p>" + _table(rectification_header(lang), rows)
            + f'<p class="note">{html_text(words["rect_note"])}</p>')


def _publication_section(summary: Summary, lang: str) -> str:
    """The reports published after their Art. 49 deadline (by how many days) and those whose date or deadline is
    not known: a report of unknown date is listed, never counted as on time."""
    words = WORDS[lang]
    counts = words["pub_counts"].format(**publication_counts(summary))
    late = [["" if v is None else str(v) for v in row] for row in late_rows(summary, lang)]
    unknown = [["" if v is None else str(v) for v in row] for row in unknown_rows(summary, lang)]
    where = [words["agency"], words["year"], words["file"]]
    return (f"<h2>{words['pub_section']}</h2><p>{html_text(counts)}</p>"
            f"<h3>{words['pub_late_table']}</h3>"
            + (_table([*where, words["published"], words["deadline"], words["days_late"]], late,
                      ["", "", "", "", "", "n"]) if late else f"<p>{words['pub_none_late']}</p>")
            + f"<h3>{words['pub_unknown_table']}</h3>"
            + (_table([*where, words["reason"]], unknown) if unknown else f"<p>{words['pub_none_unknown']}</p>")
            + f'<p class="note">{html_text(words["pub_note"])}</p>')


def _findings_section(summary: Summary, lang: str) -> str:
    words = WORDS[lang]
    if not summary.by_rule:
        return f"<h2>{words['findings_section']}</h2><p>{words['no_findings']}</p>"
    items = sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0]))
    chart = bar_chart([(f"{rule} · {severity_label(sev, lang)}", n, SEVERITY_COLORS.get(sev, "#888"))
                       for (rule, sev), n in items], words["findings_section"])
    agencies = {p.rule_id: len(p.agencies) for p in rule_problems(summary, lang)}
    rows = [[rule, summary.title_of(rule, lang), severity_label(sev, lang), str(n), str(agencies.get(rule, 0))]
            for (rule, sev), n in items]
    return (f"<h2>{words['findings_section']}</h2>{chart}"
            + _table([words["rule"], words["title_col"], words["severity"], words["count"], words["agencies_count"]],
                     rows, ["", "", "", "n", "n"]))


def _not_audited_section(summary: Summary, lang: str) -> str:
    """The reports the tool could not fully audit, counted and listed apart: their few findings are not a clean
    bill. A file that could not be read has no place among the agencies, so its anchor is its row here."""
    words = WORDS[lang]
    docs = summary.not_fully_audited
    head = f"<h2>{words['not_audited_section']}</h2>"
    if not docs:
        return head + f"<p>{words['all_audited']}</p>"
    counts = "；".join(f"{words[k]} {n}" for k, n in not_audited_counts(summary).items())
    rows = []
    for doc, row in zip(docs, not_audited_rows(summary, lang), strict=True):
        anchor = f' id="{doc.anchor}"' if doc.unreadable else ""
        rows.append(f"<tr{anchor}>" + "".join(f"<td>{html_text(str(v if v is not None else ''))}</td>" for v in row)
                    + "</tr>")
    header = "".join(f"<th>{html_text(h)}</th>" for h in (words["agency"], words["year"], words["file"],
                                                          words["status"], words["reason"]))
    return (head + f"<p>{html_text(counts)}</p><p class=\"note\">{html_text(words['not_audited_note'])}</p>"
            f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _by_agency_section(summary: Summary, lang: str) -> str:
    """Every readable report under its body, anchored (``#doc-12``) so another page can link to it, with the
    findings themselves: severity, rule and its title, the message, the line."""
    words = WORDS[lang]
    parts = [f"<h2>{words['by_agency_section']}</h2>"]
    header = [words["severity"], words["rule"], words["title_col"], words["message"], words["line"], words["review"]]
    for group in agency_groups(summary):
        parts.append(f"<h3>{html_text(group.agency)}</h3>")
        for doc in group.documents:
            href = summary.pages.href(doc) if summary.pages is not None else None
            name = f'<span class="file">{html_text(Path(doc.path).name)}</span>'
            if href is not None:  # a link the summary built (a number in a fixed pattern), escaped all the same
                name = f'<a class="page" href="{html_text(href)}" title="{html_text(words["page_link"])}">{name}</a>'
            parts.append(f'<p class="report" id="{doc.anchor}">{html_text(str(doc.year or "?"))} · {name} · '
                         f'<span class="s-{doc.status}">{html_text(status_word(doc, lang))}</span></p>')
            found = group.findings[doc.document_id]
            if not found:
                parts.append(f"<p>{words['no_findings_here']}</p>")
                continue
            head = "".join(f"<th>{html_text(h)}</th>" for h in header)
            body = "".join(
                f'<tr><td class="s-{html_text(f.severity)}">{html_text(severity_label(f.severity, lang))}</td>'
                f"<td>{html_text(f.check_id)}</td><td>{html_text(summary.title_of(f.rule_id, lang, f.rule_name))}</td>"
                f"<td>{html_text(f.message_in(lang))}</td><td class=\"n\">{html_text(f.place(lang))}</td>"
                f'<td class="r-{html_text(f.review or "awaiting")}">{html_text(review_word(f, lang))}</td></tr>'
                for f in found)
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "".join(parts)


def _scores_section(summary: Summary, lang: str) -> str:
    words = WORDS[lang]
    if summary.scores is None:
        return ""
    rows = [["" if v is None else str(v) for v in row] for row in score_rows(summary, lang)]
    return (f"<h2>{words['score_section']}</h2>" + _table(score_header(lang), rows, ["n", "", "", "n", "n", ""])
            + f'<p class="note">{html_text(score_note(summary, lang))}</p>')


def _totals_section(summary: Summary, lang: str) -> str:
    words = WORDS[lang]
    t3 = [list(r) for r in t3_rows(summary, lang)]
    t4 = t4_rows(summary, lang)
    rates = [list(r) for r in rate_rows(summary, lang)]
    return (f"<h2>{words['t3_section']}</h2>"
            + _table([words["measure"], words["total"], words["share"]], t3, ["", "n", "n"])
            + f'<p class="note">{html_text(incomplete_note(summary.t3, lang))}</p>'
            + f"<h2>{words['t4_section']}</h2>"
            + _table(t4_header(lang), t4, ["", *["n"] * (len(t4[0]) - 1)])
            + _table([words["measure"], words["rate"]], rates, ["", "n"])
            + f'<p class="note">{html_text(words["rate_note"])}</p>'
            + f'<p class="note">{html_text(incomplete_note(summary.t4, lang))}</p>')


def _roster_section(summary: Summary, lang: str, roster_given: bool) -> str:
    words = WORDS[lang]
    if not roster_given:
        body = f"<p>{words['no_roster']}</p>"
    elif summary.not_submitted:
        body = "<ul>" + "".join(f"<li>{html_text(n)}</li>" for n in summary.not_submitted) + "</ul>"
    else:
        body = f"<p>{words['none_missing']}</p>"
    return f"<h2>{words['not_submitted']}</h2>{body}"


def render_html(summary: Summary, lang: str) -> str:
    words = WORDS[lang]
    year = str(summary.year) if summary.year is not None else words["all_years"]
    title = f"{words['title']} · {year}"
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{html_text(title)}</title><style>{_CSS}</style></head><body><h1>{html_text(title)}</h1>"
            f"<p>{words['documents']}: {len(summary.documents)}</p>"
            + _status_chart(summary, lang) + _not_audited_section(summary, lang) + _review_section(summary, lang)
            + _findings_section(summary, lang) + _rectification_section(summary, lang)
            + _publication_section(summary, lang)
            + _scores_section(summary, lang) + _totals_section(summary, lang)
            + _roster_section(summary, lang, summary.roster_given) + _by_agency_section(summary, lang)
            + _status_table(summary, lang)
            + "</body></html>\n")


@register("html")
def write_html(summary: Summary, out: Path, lang: str) -> list[Path]:
    path = out / "summary.html"
    path.write_text(render_html(summary, lang), encoding="utf-8")
    return [path]
