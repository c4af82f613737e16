"""`--format text`: findings grouped by file, for a person at a terminal (colour only on a terminal).

Every field printed here can come from a report, a file name or a pack, so each goes through `visible` before it is
laid out: an escape sequence, a bare CR or a bidi override in an agency name shows as `\\x1b`, `\\r`, `\\u202e`
instead of acting on the terminal. The colours are added after, so they are the only control sequences printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import click

from auditor.describe import describe_key, describe_line
from auditor.facts.vocabulary import CHINESE_NUMERALS, TABLES
from auditor.formatters import register
from auditor.formatters.safe import visible
from auditor.formatters.serialize import SKIPPED, Totals
from auditor.model import (
    Coverage,
    DocumentResult,
    Finding,
    Location,
    Operand,
    Problem,
    RunResult,
    RunStream,
    Severity,
    Verdict,
)
from auditor.review.labels import STATE_LABELS

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_VERDICT_COLORS = {Verdict.CLEAN: "green", Verdict.FINDINGS: "yellow", Verdict.INCOMPLETE: "magenta",
                   Verdict.FAILED: "red"}
_WORDS = {
    "zh": {"section": "第{n}部分", "narrative": "正文", "evidence": "依据", "sep": "；",
           "cite": "{what}（{where}）", "quote": "「{text}」", "zeros": "（其余 {n} 项为 0）",
           "problems": "工具问题", "unassessed": "无法评估", "summary":
           "核查 {total} 项：通过 {passed}，未通过 {failed}，无法评估 {na}",
           "run": "共 {docs} 个文件：核查完整未发现问题 {clean}，发现问题 {findings}，核查不完整 {incomplete}，"
                  "未能核查 {failed}；错误 {error}，警告 {warning}，提示 {info}；无法评估 {na}；工具问题 {problems}",
           "template": "{t} 年格式", "clean": "未发现问题", "colon": "：", "list": "、", "none": "无",
           "verdict_clean": "结论：核查完整，未发现问题", "verdict_findings": "结论：核查完整，发现问题",
           "verdict_incomplete": "结论：核查不完整", "verdict_failed": "结论：未能核查",
           "year_source": "年度依据：{source}", "hint": "（{option} 列出）",
           "tables": "读到的表格：{tables}", "sections": "章节：{sections}",
           "claims": "正文陈述 {claims} 条，已与表格核对 {checked} 条", "unchecked": "未核对的正文数字 {n} 处",
           "unchecked_line": "未核对: {where}「{text}」中的「{number}」", "reviewed": "其中{states}",
           "skipped": "未核查的其他文件 {n} 个", "not_audited": "未核查的文件"},
    "en": {"section": "section {n}", "narrative": "narrative", "evidence": "evidence", "sep": "; ",
           "cite": "{what} ({where})", "quote": "'{text}'", "zeros": " ({n} more, all 0)",
           "problems": "tool problems", "unassessed": "not assessable", "summary":
           "{total} checks: {passed} passed, {failed} failed, {na} not assessable",
           "run": "{docs} files: {clean} clean, {findings} with findings, {incomplete} incomplete, {failed} not "
                  "audited; {error} errors, {warning} warnings, {info} info; {na} not assessable; "
                  "{problems} tool problems",
           "template": "{t} template", "clean": "no findings", "colon": ": ", "list": ", ", "none": "none",
           "verdict_clean": "verdict: audited in full, no findings",
           "verdict_findings": "verdict: audited in full, findings",
           "verdict_incomplete": "verdict: INCOMPLETE", "verdict_failed": "verdict: NOT AUDITED",
           "year_source": "year decided by: {source}", "hint": " (listed with {option})",
           "tables": "tables read: {tables}", "sections": "sections: {sections}",
           "claims": "{claims} narrative statements, {checked} checked against the tables",
           "unchecked": "{n} narrative numbers not checked",
           "unchecked_line": "not checked: {where}, '{number}' in '{text}'", "reviewed": "of them {states}",
           "skipped": "{n} other files not audited", "not_audited": "not audited"},
}
# The English counts are written plural; one of a thing is singular ("1 file: 1 error", never "1 files: 1 errors").
_SINGULAR = re.compile(r"(?<![\d.,])1 (files|errors|warnings|checks|tool problems|other files|narrative numbers|"
                       r"narrative statements)\b")
_ONE = {"files": "file", "errors": "error", "warnings": "warning", "checks": "check", "tool problems": "tool problem",
        "other files": "other file", "narrative numbers": "narrative number",
        "narrative statements": "narrative statement"}


def _counted(text: str, lang: str) -> str:
    return _SINGULAR.sub(lambda m: f"1 {_ONE[m.group(1)]}", text) if lang == "en" else text


# A finding only one of the two evaluators failed (Finding.failed_by) is kept, and says so.
_FAILED_BY = {
    "zh": {"engine": "仅规则引擎判定未通过，参考计算判定通过，请人工复核",
           "reference": "仅参考计算判定未通过，规则引擎判定通过，请人工复核"},
    "en": {"engine": "failed by the rule engine only (the reference evaluator passed it): review by hand",
           "reference": "failed by the reference evaluator only (the rule engine passed it): review by hand"},
}


def _where(location: Location, words: dict[str, str], lang: str) -> str:
    parts = []
    if location.section:
        n = CHINESE_NUMERALS[location.section - 1] if lang == "zh" else str(location.section)
        parts.append(words["section"].format(n=n))
    if location.line:
        parts.append(describe_line(location.line, location.page, location.page_line, lang))
    return " ".join(parts)


def _finding(f: Finding, lang: str, color: bool, show: frozenset[str] = frozenset()) -> list[str]:
    words = _WORDS[lang]
    severity = click.style(f"{f.severity.label:<7}", fg=_COLORS[f.severity], bold=True) if color \
        else f"{f.severity.label:<7}"
    head = f"  {severity} {visible(f.check_id)}  {_where(f.location, words, lang)}"
    if "fingerprints" in show:
        head += f"  #{f.fingerprint[:12]}"
    if f.review is not None:
        head += "  " + _review(f, lang, color)
    lines = [head, f"          {visible(f.message)}"]
    located = [o for o in f.evidence.operands if o.location.line]
    # The located cell and every non-zero operand; zeros are only counted (the JSON output lists them all).
    cited = [o for i, o in enumerate(located) if i == 0 or o.value != 0]
    if cited:
        refs = words["sep"].join(_cite(o, words, lang) for o in cited)
        zeros = len(located) - len(cited)
        lines.append(f"          {words['evidence']}: {refs}{words['zeros'].format(n=zeros) if zeros else ''}")
    if f.failed_by is not None:
        lines.append(f"          ⚠ {_FAILED_BY[lang][f.failed_by]}")
    return lines


def _review(f: Finding, lang: str, color: bool) -> str:
    """The decision that applies, e.g. 「[已豁免：本年度统一口径]」; dimmed when the finding no longer counts."""
    review = f.review
    assert review is not None
    text = STATE_LABELS[lang][review.state.value]
    if review.reason:
        text += _WORDS[lang]["colon"] + visible(review.reason)
    text = f"[{text}]"
    return click.style(text, dim=True) if color and not f.counts else text


def _cite(o: Operand, words: dict[str, str], lang: str) -> str:
    where = describe_line(o.location.line, o.location.page, o.location.page_line, lang)
    if o.ref.startswith("claim."):
        what = words["narrative"] + " " * (lang == "en") + words["quote"].format(text=visible(str(o.raw)))
    else:
        what = f"{visible(describe_key(o.ref, lang))} = {visible(o.raw) if o.raw else '—'}"
    return words["cite"].format(what=what, where=where)


def _document(d: DocumentResult, lang: str, color: bool, show: frozenset[str]) -> list[str]:
    words = _WORDS[lang]
    head = [visible(d.report.agency or ""), str(d.report.year or ""),
            words["template"].format(t=d.report.template) if d.report.template else "", visible(d.pack or "")]
    path = visible(d.path)
    title = click.style(path, bold=True) if color else path
    lines = [f"{title}  {' · '.join(h for h in head if h)}", "  " + _verdict(d, words, color)]
    if d.report.year_source and d.report.title is None:  # no title line: say what decided the year instead
        lines.append("  " + words["year_source"].format(source=visible(d.report.year_source)))
    for p in d.problems:
        lines.append(_problem(p, words))
    for f in d.findings:
        lines.extend(_finding(f, lang, color, show))
    if "not-assessable" in show:
        for n in d.not_assessable:
            lines.append(f"  {words['unassessed']}: {visible(n.check_id)} — {visible(n.reason)}")
    c = d.coverage
    if c is not None and "unchecked" in show:
        for u in c.unchecked:
            where = describe_line(u.line, u.page, u.page_line, lang)
            lines.append("  " + words["unchecked_line"].format(where=where, text=visible(u.text),
                                                               number=visible(u.number)))
    if d.rectification:
        lines.extend(_rectification(d, lang))
    if c is not None:
        lines.append("  " + _coverage(d, c, words, lang, show))
    return lines


_RECTIFIED = {
    "zh": {"head": "上年度已确认问题整改情况：已整改 {fixed}，重复出现 {repeated}，无法评估 {not_assessable}",
           "repeated": "重复出现: {check}（{year} 年：{message}）"},
    "en": {"head": "last year's confirmed findings: {fixed} fixed, {repeated} repeated, {not_assessable} not "
                   "assessable", "repeated": "repeated: {check} ({year}: {message})"},
}


def _rectification(d: DocumentResult, lang: str) -> list[str]:
    words = _RECTIFIED[lang]
    counts = {s: sum(1 for r in d.rectification if r.status == s) for s in ("fixed", "repeated", "not_assessable")}
    lines = ["  " + words["head"].format(**counts)]
    lines.extend("    " + words["repeated"].format(check=visible(r.check_id), year=r.year, message=visible(r.message))
                 for r in d.rectification if r.status == "repeated")
    return lines


def _verdict(d: DocumentResult, words: dict[str, str], color: bool) -> str:
    verdict = d.verdict
    text = words[f"verdict_{verdict.value}"]
    if verdict is Verdict.INCOMPLETE and d.coverage is not None:
        text += words["colon"] + words["sep"].join(visible(g) for g in d.coverage.gaps)
    return click.style(text, fg=_VERDICT_COLORS[verdict], bold=True) if color else text


def _coverage(d: DocumentResult, c: Coverage, words: dict[str, str], lang: str, show: frozenset[str]) -> str:
    parts = [words["summary"].format(total=c.applicable, passed=d.passed, failed=len(d.findings),
                                     na=len(d.not_assessable))]
    if d.not_assessable and "not-assessable" not in show:
        parts[0] += words["hint"].format(option="--show not-assessable")
    tables = words["list"].join(TABLES[t][0 if lang == "zh" else 1] for t in c.tables)
    parts.append(words["tables"].format(tables=tables or words["none"]))
    numerals = [CHINESE_NUMERALS[n - 1] if lang == "zh" else str(n) for n in c.sections]
    parts.append(words["sections"].format(sections=words["list"].join(numerals) or words["none"]))
    parts.append(words["claims"].format(claims=c.claims, checked=c.claims_checked))
    if c.unchecked:
        hint = "" if "unchecked" in show else words["hint"].format(option="--show unchecked")
        parts.append(words["unchecked"].format(n=len(c.unchecked)) + hint)
    return _counted(words["sep"].join(parts), lang)


def _problem(p: Problem, words: dict[str, str]) -> str:
    # A file the walk left out is no tool problem (the run line counts it apart): labelled as what it is.
    label = words["not_audited"] if p.slug == SKIPPED else words["problems"]
    return f"  {label}: [{visible(p.slug)}] {visible(p.message)}"


@register("text")
def as_text(result: RunResult | RunStream, color: bool = False, show: frozenset[str] = frozenset()) -> Iterator[str]:
    """`show`: what is listed only on request, "not-assessable" checks and "unchecked" narrative numbers (their
    counts are always printed)."""
    lang = result.lang
    totals = Totals()
    for d in result.documents:
        totals.add(d)
        yield "\n".join(_document(d, lang, color, show)) + "\n\n"
    out = [_problem(p, _WORDS[lang]).lstrip() for p in result.problems]
    skipped = sum(1 for p in result.problems if p.slug == SKIPPED)
    line = _WORDS[lang]["run"].format(docs=totals.documents,
                                      problems=totals.problems + len(result.problems) - skipped,
                                      na=totals.not_assessable, **totals.by_severity, **totals.by_verdict)
    if skipped:  # listed above, one line each: a folder walk leaves nothing out in silence
        line += _WORDS[lang]["sep"] + _WORDS[lang]["skipped"].format(n=skipped)
    reviewed = [f"{STATE_LABELS[lang][state]} {n}" for state, n in totals.by_review.items() if n]
    if reviewed:  # how many of the findings counted above a person (or the baseline) has decided already
        line += _WORDS[lang]["sep"] + _WORDS[lang]["reviewed"].format(states=_WORDS[lang]["list"].join(reviewed))
    out.append(_counted(line, lang))
    yield "\n".join(out) + "\n"
