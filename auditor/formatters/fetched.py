"""`auditor fetch`'s lines: one per URL, saved or failed and why, then a count. Every text a page or a URL gives
passes through `visible`, so no control sequence reaches the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.formatters.safe import visible

if TYPE_CHECKING:
    from auditor.fetch.save import Outcome

REASONS = {
    "zh": {"http_status": "服务器答复 {detail}", "timeout": "超时：{detail}", "too_large": "文件过大：{detail}",
           "connection": "连接失败：{detail}", "too_many_redirects": "重定向过多：{detail}",
           "invalid_url": "不是 http(s) 网址：{detail}", "not_a_report_format": "不是网页或报告文件（{detail}）",
           "attachment_failed": "附件未能下载（{detail}）；已将网页作为报告保存",
           "attachment_not_a_document": "附件不是报告文件（{detail}）；已将网页作为报告保存",
           "write_error": "无法写入：{detail}"},
    "en": {"http_status": "the server answered {detail}", "timeout": "timed out: {detail}",
           "too_large": "too large: {detail}", "connection": "could not connect: {detail}",
           "too_many_redirects": "too many redirects: {detail}", "invalid_url": "not an http(s) URL: {detail}",
           "not_a_report_format": "neither a page nor a report file ({detail})",
           "attachment_failed": "the attachment could not be fetched ({detail}); the page was saved as the report",
           "attachment_not_a_document": "the attachment is no report file ({detail}); the page was saved as the "
                                        "report",
           "write_error": "cannot write: {detail}"},
}

_WORDS = {
    "zh": {"saved": "已保存  {url} → {file}", "page": "（附件；网页另存为 {page}）",
           "date": "；发布日期 {date}（{how}）",
           "no_date": "；未载明发布日期", "failed": "失败    {url}：{reason}", "agency": "［{agency}］",
           "total": "共 {n} 个网址：已保存 {saved}，失败 {failed}"},
    "en": {"saved": "saved   {url} → {file}", "page": " (the attachment; the page kept as {page})",
           "date": "; published {date} ({how})", "no_date": "; no publication date stated",
           "failed": "FAILED  {url}: {reason}", "agency": " [{agency}]",
           "total": "{n} URLs: {saved} saved, {failed} failed"},
}


def outcome_line(outcome: Outcome, lang: str) -> str:
    words = _WORDS[lang]
    url = visible(outcome.url) + (words["agency"].format(agency=visible(outcome.agency)) if outcome.agency else "")
    if outcome.failure is not None:
        reason = REASONS[lang].get(outcome.failure, outcome.failure + " {detail}").format(detail=outcome.detail)
        line = words["failed"].format(url=url, reason=visible(reason))
        return line + (f" → {outcome.file}" if outcome.file else "")
    line = words["saved"].format(url=url, file=outcome.file)
    if outcome.page:
        line += words["page"].format(page=outcome.page)
    if outcome.published is not None:
        line += words["date"].format(date=outcome.published.date.isoformat(),
                                     how=visible(outcome.published.text))
    else:  # the M-DEADLINE check of this report will not be assessable: say so now
        line += words["no_date"]
    return line


def total_line(outcomes: list[Outcome], lang: str) -> str:
    failed = sum(1 for o in outcomes if not o.ok)
    return _WORDS[lang]["total"].format(n=len(outcomes), saved=len(outcomes) - failed, failed=failed)
