"""`docx`: tongbao.docx, a draft of the year's 通报 in the form offices circulate (python-docx): a title, the
addressees, why and how the reports were checked, then 一、基本情况 (the jurisdiction's totals), 二、存在的主要问题
(each problem with the agencies that have it), 三、未按时报送 (the roster's entries without a report), 四、重复出现的
问题, 五、未能完整核查的报告, 六、评分 (with a scheme), 七、整改要求, the issuer; the per-agency table as 附件.

The draft states only what the store holds: a part that has no data yet (the cross-year comparison, a roster not
given, review decisions not read) says so in words instead of showing an empty list that would read as "none";
what only the office can say (issuer, deadline, when not configured) is a marked blank, 「（请填写…）」.

Every text from a report or the roster goes through `visible` (auditor.formatters.safe): Word documents are XML,
which cannot hold control characters (python-docx raises ValueError), and a bidi override must not reorder a name.
"""

from __future__ import annotations

from pathlib import Path

import cn2an
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from auditor.formatters.safe import visible
from auditor.summary import register
from auditor.summary.collect import Summary
from auditor.summary.rows import (
    incomplete_note,
    not_audited_counts,
    not_audited_rows,
    number,
    rate_rows,
    rule_problems,
    score_header,
    score_note,
    score_rows,
    status_word,
    t3_rows,
)
from auditor.summary.words import severity_label

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "关于{where}{year}政府信息公开工作年度报告核查情况的通报（草稿）",
        "year": "{year}年度", "all_years": "各年度",
        "draft_note": "本稿由 auditor 依据核查结果生成，所列问题为规则核查所见{review}，印发前请逐项复核。",
        "unreviewed": "（人工复核结果尚未纳入）",
        "reviewed": "（经人工复核确认 {confirmed} 个，尚待复核 {awaiting} 个、暂按成立列入；排除误报 {dismissed} 个、"
                    "豁免 {waived} 个，不列入本通报）",
        "to": "各有关单位：",
        "intro": "根据《中华人民共和国政府信息公开条例》第五十条和《中华人民共和国政府信息公开工作年度报告格式》"
                 "（国办公开办函〔2021〕30号）的要求，{issuer}对{where}各单位{year}政府信息公开工作年度报告"
                 "进行了核查。现将有关情况通报如下：",
        "s_basic": "基本情况", "s_problems": "存在的主要问题", "s_missing": "未报送年度报告的单位",
        "s_repeated": "连续两年出现的问题", "s_not_audited": "未能完整核查的报告", "s_scores": "评分与排名",
        "s_demands": "整改要求",
        "basic": "共核查年度报告 {docs} 份，涉及 {agencies} 个单位。其中核查完整、未发现问题 {clean} 份，"
                 "发现问题 {found} 份；{apart}。共发现问题 {n} 个（错误 {error} 个、警告 {warning} 个、"
                 "提示 {info} 个）。",
        "apart": "核查不完整 {incomplete} 份、未能核查 {failed} 份、无法读取 {unreadable} 份，单独统计（见第五部分）",
        "t3": "全辖区政府信息公开申请办理情况（表三合计）：{items}。",
        "t4": "全辖区因政府信息公开被申请行政复议、提起行政诉讼情况（表四合计）：{items}。",
        "t4_item": "{block} {total} 件（结果纠正 {corrected} 件）",
        "problem": "（{n}）未做到“{title}”：共 {count} 处（{severity}），涉及 {k} 个单位：{agencies}。",
        "example": "{agency}：{message}",
        "no_problems": "核查未发现错误或警告类问题。",
        "minor": "另有提示类问题 {n} 个，涉及 {k} 个单位，不列入本通报，详见汇总表。",
        "missing": "截至汇总时，以下 {n} 个单位未报送（未在核查范围内发现其年度报告）：{names}。",
        "none_missing": "应报送单位名单中的单位均已报送年度报告。",
        "no_roster": "未提供应报送单位名单，本项未作核对。",
        "repeated_unknown": "历史库中没有上年度经人工确认的问题（auditor review confirm），无从比对本年度的整改情况；"
                            "本稿未列出重复出现的问题。",
        "repeated_none": "经比对，未发现上年度已确认的问题在本年度报告中重复出现。",
        "repeated": "{agency}：{message}（上年度已指出）",
        "not_audited": "以下报告未能完整核查，核查结论不代表其不存在问题，请相关单位核实：",
        "not_audited_item": "{agency}（{file}）：{status}，{reason}",
        "all_audited": "全部报告均已完整核查。",
        "demands": "请存在问题的单位对照本通报逐项核实、整改，更正已公开的年度报告中的错误，并于{deadline}前将整改"
                   "情况报送{issuer}。未报送年度报告的单位应尽快编制并公开本单位年度报告。",
        "fill_issuer": "（请填写发文机关）", "fill_deadline": "（请填写整改期限）", "fill_where": "",
        "annex": "附件：各单位年度报告核查情况表",
        "annex_header": "单位|年度|报告文件|状态|错误|警告|提示",
        "sep": "、", "semi": "；",
    },
    "en": {
        "title": "Notice on the audit of the {year} government information disclosure annual reports{where} (draft)",
        "year": "{year}", "all_years": "recorded",
        "draft_note": "Drafted by auditor from the audit results; the problems listed are the rules' findings{review}. "
                      "Check each before the notice is issued.",
        "unreviewed": " (review decisions not yet counted)",
        "reviewed": " ({confirmed} confirmed in review, {awaiting} awaiting review and listed for now; {dismissed} "
                    "dismissed as false positives and {waived} waived, not listed)",
        "to": "To the agencies concerned:",
        "intro": "As article 50 of the Regulations on the Disclosure of Government Information and the annual "
                 "report format (国办公开办函〔2021〕30号) require, {issuer} audited the {year} annual reports of the "
                 "agencies{where}. The results are as follows.",
        "s_basic": "Overview", "s_problems": "Main problems", "s_missing": "Agencies that did not submit",
        "s_repeated": "Problems repeated from last year", "s_not_audited": "Reports not fully audited",
        "s_scores": "Scores and ranking", "s_demands": "Rectification",
        "basic": "{docs} annual reports of {agencies} agencies were audited: {clean} fully audited without findings, "
                 "{found} with findings; {apart}. {n} findings in all ({error} errors, {warning} warnings, "
                 "{info} info).",
        "apart": "{incomplete} incomplete, {failed} not audited and {unreadable} unreadable, counted apart "
                 "(part 5)",
        "t3": "Applications for disclosure in the jurisdiction (table 3 totals): {items}.",
        "t4": "Administrative reviews and lawsuits in the jurisdiction (table 4 totals): {items}.",
        "t4_item": "{block} {total} (corrected {corrected})",
        "problem": "({n}) Not met: \"{title}\": {count} findings ({severity}) at {k} agencies: {agencies}.",
        "example": "{agency}: {message}",
        "no_problems": "The audit found no errors or warnings.",
        "minor": "{n} further findings of severity info, at {k} agencies, are not listed here (see the summary "
                 "workbook).",
        "missing": "{n} agencies had not submitted when the summary was made (no annual report of theirs was "
                   "audited): {names}.",
        "none_missing": "Every agency on the roster submitted its annual report.",
        "no_roster": "No roster was given, so submissions were not checked.",
        "repeated_unknown": "The store holds no problem confirmed in review for last year (auditor review confirm), "
                            "so this year's rectification cannot be compared: this draft lists no repeated "
                            "problems.",
        "repeated_none": "None of last year's confirmed problems appears again in this year's reports.",
        "repeated": "{agency}: {message} (already pointed out last year)",
        "not_audited": "These reports could not be fully audited; their result does not mean they have no problems:",
        "not_audited_item": "{agency} ({file}): {status}, {reason}",
        "all_audited": "Every report was fully audited.",
        "demands": "The agencies with problems are asked to verify and rectify each, correct their published annual "
                   "reports, and report the rectification to {issuer} by {deadline}. Agencies that did not submit "
                   "are asked to compile and publish their annual reports without delay.",
        "fill_issuer": "(issuer: to be filled in)", "fill_deadline": "(deadline: to be filled in)",
        "fill_where": "",
        "annex": "Annex: audit results per agency",
        "annex_header": "Agency|Year|Report file|Status|Errors|Warnings|Info",
        "sep": ", ", "semi": "; ",
    },
}
_FONT = "仿宋"  # the body font of official documents (GB/T 9704: 仿宋_GB2312; 仿宋 where that is not installed)


def _numeral(n: int, lang: str) -> str:
    return str(cn2an.an2cn(n)) if lang == "zh" else str(n)


def render_docx(summary: Summary, lang: str) -> DocxDocument:
    """The 通报 draft as a python-docx Document (unsaved)."""
    text = _TEXT[lang]
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)  # CJK text uses eastAsia
    year = text["year"].format(year=summary.year) if summary.year is not None else text["all_years"]
    where = visible(summary.jurisdiction or "")
    where_en = f" of {where}" if where and lang == "en" else ""
    issuer = visible(summary.issuer) if summary.issuer else text["fill_issuer"]
    title = document.add_heading(text["title"].format(where=where if lang == "zh" else where_en, year=year), 0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    review = text["reviewed"].format(**summary.review_counts) if summary.reviews_read else text["unreviewed"]
    note = document.add_paragraph(text["draft_note"].format(review=review))
    note.runs[0].italic = True
    document.add_paragraph(text["to"])
    document.add_paragraph(text["intro"].format(issuer=issuer, where=where if lang == "zh" else where_en, year=year))
    sections = [("s_basic", _basic), ("s_problems", _problems), ("s_missing", _missing), ("s_repeated", _repeated),
                ("s_not_audited", _not_audited)]
    if summary.scores is not None:
        sections.append(("s_scores", _scores))
    sections.append(("s_demands", _demands))
    for index, (key, part) in enumerate(sections, start=1):
        document.add_heading(f"{_numeral(index, lang)}{'、' if lang == 'zh' else '. '}{text[key]}", 1)
        part(document, summary, lang)
    if summary.issuer:
        document.add_paragraph(visible(summary.issuer)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _annex(document, summary, lang)
    return document


def _basic(document: DocxDocument, summary: Summary, lang: str) -> None:
    text = _TEXT[lang]
    docs = [d for d in summary.documents if not d.unreadable]
    counts = summary.status_counts
    found = sum(counts[s] for s in ("error", "warning", "info"))
    standing = summary.standing()
    by_severity = {s: sum(1 for f in standing if f.severity == s) for s in ("error", "warning", "info")}
    document.add_paragraph(text["basic"].format(
        docs=len(summary.documents), agencies=len({d.body or d.agency for d in docs}), clean=counts["pass"],
        found=found, apart=text["apart"].format(**not_audited_counts(summary)), n=len(standing), **by_severity))
    items = text["sep"].join(f"{label} {total}" + (f"（{share}）" if share and lang == "zh" else
                                                    f" ({share})" if share else "")
                             for label, total, share in t3_rows(summary, lang))
    document.add_paragraph(text["t3"].format(items=items) + " " + incomplete_note(summary.t3, lang, visible))
    values = summary.t4.values
    blocks = [("review", "行政复议" if lang == "zh" else "administrative reviews"),
              ("litigation_direct", "未经复议直接起诉" if lang == "zh" else "lawsuits without review"),
              ("litigation_after_review", "复议后起诉" if lang == "zh" else "lawsuits after review")]
    t4 = text["sep"].join(text["t4_item"].format(block=label, total=number(values[f"{b}.total"]),
                                                 corrected=number(values[f"{b}.corrected"])) for b, label in blocks)
    rates = text["semi"].join(f"{label} {value}" for label, value in rate_rows(summary, lang))
    document.add_paragraph(text["t4"].format(items=t4) + " " + rates + "。" * (lang == "zh") + " "
                           + incomplete_note(summary.t4, lang, visible))


def _problems(document: DocxDocument, summary: Summary, lang: str) -> None:
    """Each rule's standing errors and warnings, the worst first, with the agencies that have them and, under it,
    each agency's first message on it (the message quotes the report: the evidence a reader checks). Findings of
    severity info (a hint, such as a requirement whose source is yet to be verified) are counted, not listed: a
    通报 names what must be corrected."""
    text = _TEXT[lang]
    every = rule_problems(summary, lang)
    problems = [p for p in every if p.severity != "info"]
    if not problems:
        document.add_paragraph(text["no_problems"])
    for n, problem in enumerate(problems, start=1):
        document.add_paragraph(text["problem"].format(
            n=_numeral(n, lang), title=visible(problem.title), count=problem.count,
            severity=severity_label(problem.severity, lang), k=len(problem.agencies),
            agencies=text["sep"].join(visible(a) for a in problem.agencies)))
        shown: set[str] = set()
        for finding in summary.standing():
            if finding.rule_id == problem.rule_id and finding.agency not in shown:
                shown.add(finding.agency)
                document.add_paragraph(text["example"].format(agency=visible(finding.agency),
                                                              message=visible(finding.message_in(lang))), "List Bullet")
    minor = [p for p in every if p.severity == "info"]
    if minor:
        document.add_paragraph(text["minor"].format(n=sum(p.count for p in minor),
                                                    k=len({a for p in minor for a in p.agencies})))


def _missing(document: DocxDocument, summary: Summary, lang: str) -> None:
    text = _TEXT[lang]
    if not summary.roster_given:
        document.add_paragraph(text["no_roster"])
    elif summary.not_submitted:
        document.add_paragraph(text["missing"].format(
            n=len(summary.not_submitted), names=text["sep"].join(visible(n) for n in summary.not_submitted)))
    else:
        document.add_paragraph(text["none_missing"])


def _repeated(document: DocxDocument, summary: Summary, lang: str) -> None:
    text = _TEXT[lang]
    if summary.repeated is None:
        document.add_paragraph(text["repeated_unknown"])
    elif not summary.repeated:
        document.add_paragraph(text["repeated_none"])
    for item in summary.repeated or ():
        message = item.message or item.last_message  # this year's words, else last year's as confirmed
        document.add_paragraph(text["repeated"].format(agency=visible(item.agency), message=visible(message)),
                               "List Bullet")


def _not_audited(document: DocxDocument, summary: Summary, lang: str) -> None:
    text = _TEXT[lang]
    rows = not_audited_rows(summary, lang)
    if not rows:
        document.add_paragraph(text["all_audited"])
        return
    document.add_paragraph(text["not_audited"])
    for agency, _, path, status, reason in rows:
        document.add_paragraph(text["not_audited_item"].format(
            agency=visible(str(agency)), file=visible(Path(str(path)).name), status=status,
            reason=visible(str(reason))), "List Bullet")


def _scores(document: DocxDocument, summary: Summary, lang: str) -> None:
    _grid(document, score_header(lang), [["" if v is None else visible(str(v)) for v in row]
                                         for row in score_rows(summary, lang)])
    document.add_paragraph(score_note(summary, lang))


def _demands(document: DocxDocument, summary: Summary, lang: str) -> None:
    text = _TEXT[lang]
    issuer = visible(summary.issuer) if summary.issuer else text["fill_issuer"]
    deadline = visible(summary.deadline) if summary.deadline else text["fill_deadline"]
    document.add_paragraph(text["demands"].format(issuer=issuer, deadline=deadline))


def _annex(document: DocxDocument, summary: Summary, lang: str) -> None:
    text = _TEXT[lang]
    document.add_page_break()  # type: ignore[no-untyped-call]
    document.add_heading(text["annex"], 1)
    rows = [[visible(d.agency), str(d.year or "?"), visible(Path(d.path).name), status_word(d, lang),
             str(d.counts["error"]), str(d.counts["warning"]), str(d.counts["info"])] for d in summary.documents]
    _grid(document, text["annex_header"].split("|"), rows)


def _grid(document: DocxDocument, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, value in zip(table.rows[0].cells, header, strict=True):
        cell.text = value
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


@register("docx")
def write_docx(summary: Summary, out: Path, lang: str) -> list[Path]:
    path = out / "tongbao.docx"
    render_docx(summary, lang).save(str(path))
    return [path]
