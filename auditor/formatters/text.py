"""`--format text`: findings grouped by file, for a person at a terminal (colour only on a terminal).

Every field printed here can come from a report, a file name or a pack, so each goes through `visible` before it is
laid out: an escape sequence, a bare CR or a bidi override in an agency name shows as `\\x1b`, `\\r`, `\\u202e`
instead of acting on the terminal. The colours are added after, so they are the only control sequences printed.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from auditor.describe import describe_key
from auditor.facts.vocabulary import CHINESE_NUMERALS
from auditor.formatters import register
from auditor.formatters.safe import visible
from auditor.formatters.serialize import Totals
from auditor.model import DocumentResult, Finding, Location, Operand, Problem, RunResult, RunStream, Severity

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_WORDS = {
    "zh": {"section": "第{n}部分", "narrative": "正文", "line": "第 {n} 行", "evidence": "依据", "sep": "；",
           "cite": "{what}（{where}）", "quote": "「{text}」", "zeros": "（其余 {n} 项为 0）",
           "problems": "工具问题", "unassessed": "无法评估", "summary":
           "核查 {total} 项：通过 {passed}，未通过 {failed}，无法评估 {na}",
           "run": "共 {docs} 个文件：错误 {error}，警告 {warning}，提示 {info}；工具问题 {problems}",
           "template": "{t} 年格式", "clean": "未发现问题"},
    "en": {"section": "section {n}", "narrative": "narrative", "line": "line {n}", "evidence": "evidence", "sep": "; ",
           "cite": "{what} ({where})", "quote": "'{text}'", "zeros": " ({n} more, all 0)",
           "problems": "tool problems", "unassessed": "not assessable", "summary":
           "{total} checks: {passed} passed, {failed} failed, {na} not assessable",
           "run": "{docs} files: {error} errors, {warning} warnings, {info} info; {problems} tool problems",
           "template": "{t} template", "clean": "no findings"},
}
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
        parts.append(words["line"].format(n=location.line))
    return " ".join(parts)


def _finding(f: Finding, lang: str, color: bool) -> list[str]:
    words = _WORDS[lang]
    severity = click.style(f"{f.severity.label:<7}", fg=_COLORS[f.severity], bold=True) if color \
        else f"{f.severity.label:<7}"
    lines = [f"  {severity} {visible(f.check_id)}  {_where(f.location, words, lang)}",
             f"          {visible(f.message)}"]
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


def _cite(o: Operand, words: dict[str, str], lang: str) -> str:
    where = words["line"].format(n=o.location.line)
    if o.ref.startswith("claim."):
        what = words["narrative"] + " " * (lang == "en") + words["quote"].format(text=visible(str(o.raw)))
    else:
        what = f"{visible(describe_key(o.ref, lang))} = {visible(o.raw) if o.raw else '—'}"
    return words["cite"].format(what=what, where=where)


def _document(d: DocumentResult, lang: str, color: bool) -> list[str]:
    words = _WORDS[lang]
    head = [visible(d.report.agency or ""), str(d.report.year or ""),
            words["template"].format(t=d.report.template) if d.report.template else "", visible(d.pack or "")]
    path = visible(d.path)
    title = click.style(path, bold=True) if color else path
    lines = [f"{title}  {' · '.join(h for h in head if h)}"]
    for p in d.problems:
        lines.append(_problem(p, words))
    for f in d.findings:
        lines.extend(_finding(f, lang, color))
    for n in d.not_assessable:
        lines.append(f"  {words['unassessed']}: {visible(n.check_id)} — {visible(n.reason)}")
    if d.pack:
        total = d.passed + len(d.findings) + len(d.not_assessable)
        lines.append("  " + words["summary"].format(total=total, passed=d.passed, failed=len(d.findings),
                                                    na=len(d.not_assessable)))
    return lines


def _problem(p: Problem, words: dict[str, str]) -> str:
    return f"  {words['problems']}: [{visible(p.slug)}] {visible(p.message)}"


@register("text")
def as_text(result: RunResult | RunStream, color: bool = False) -> Iterator[str]:
    lang = result.lang
    totals = Totals()
    for d in result.documents:
        totals.add(d)
        yield "\n".join(_document(d, lang, color)) + "\n\n"
    out = [_problem(p, _WORDS[lang]).lstrip() for p in result.problems]
    out.append(_WORDS[lang]["run"].format(docs=totals.documents, problems=totals.problems + len(result.problems),
                                          **totals.by_severity))
    yield "\n".join(out) + "\n"
