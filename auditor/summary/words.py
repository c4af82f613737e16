"""Every label the summary writers print, in Chinese and English (--lang)."""

from __future__ import annotations

from auditor.facts.vocabulary import T4_BLOCKS

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "政府信息公开工作年度报告核查汇总", "year": "年度", "all_years": "全部年度",
        "documents": "报告数", "agency": "机关", "file": "文件", "pack": "规则包", "status": "状态",
        "error": "错误", "warning": "警告", "info": "提示", "not_assessable": "无法评估",
        "problem": "无法读取", "pass": "通过", "incomplete": "核查不完整",
        "status_section": "各机关核查状态", "status_counts": "状态统计",
        "findings_section": "按规则和严重程度统计问题", "rule": "规则", "check": "检查项", "severity": "严重程度",
        "count": "数量", "message": "说明", "line": "位置", "expected": "应为", "found": "实为",
        "t3_section": "表三 政府信息公开申请办理情况（全辖区合计）", "measure": "项目", "total": "合计",
        "share": "占办理结果总计", "t4_section": "表四 政府信息公开行政复议、行政诉讼情况（全辖区合计）",
        "rate": "纠错率", "rate_review": "行政复议纠错率", "rate_litigation": "行政诉讼纠错率（两类诉讼合计）",
        "left_out": "{n} 份报告因表格缺失或单元格空白、无法识别，未计入该表合计：{names}。",
        "all_complete": "全部报告均计入合计。",
        "copies": "同一机关同一年度只计最后收到的一份报告（状态、问题、审核和合计均按这一份统计），以下 {n} 个文件"
        "为较早的版本或同一报告的其他文件，未计入：{names}。",
        "not_submitted": "未报送年度报告的机关", "none_missing": "名单中的机关均已报送。",
        "no_roster": "未提供应报送机关名单。",
        "unreadable_section": "无法读取或未作核查的文件",
        "errors_section": "存在错误的机关", "no_errors": "未发现错误。", "no_findings": "未发现问题。",
        "rate_note": "纠错率 = 结果纠正 ÷（结果维持 + 结果纠正 + 其他结果）",
        "new_received": "本年新收申请", "carried_over": "上年结转申请", "total_processed": "本年度办理结果总计",
        "carried_forward": "结转下年度继续办理",
        "granted": "予以公开", "partially_granted": "部分公开", "denied": "不予公开", "unable": "无法提供",
        "rejected": "不予处理", "other": "其他处理",
        "upheld": "结果维持", "corrected": "结果纠正", "other_result": "其他结果", "pending": "尚未审结",
        "sheet_agencies": "机关", "sheet_findings": "问题",
        "by_rule_section": "主要问题及涉及机关", "title_col": "规则名称", "agencies_count": "涉及机关数",
        "reason": "原因",
        "by_agency_section": "各机关发现的问题", "no_findings_here": "未发现问题。",
        "page_link": "打开该报告的标注页面",
        "not_audited_section": "未能完整核查的报告（单独统计）",
        "not_audited_note": "以下报告未能完整核查：其结论不代表报告没有问题，未计入评分。",
        "all_audited": "全部报告均已完整核查。", "failed": "未能核查", "unreadable": "无法读取",
        "audited_fully": "完整核查", "report_file": "报告文件",
        "score_section": "评分与排名", "rank": "名次", "score": "得分", "deductions": "扣分明细",
        "findings_counted": "计分问题数", "not_scored": "未评分（未能完整核查）",
        "score_note": "评分口径：每个未被驳回或豁免的问题按规则或严重程度扣分{cap}，起评 {start} 分，最低 {floor} 分。",
        "unreviewed_note": "人工复核结果尚未纳入：全部问题均按成立计（复核驳回或豁免的问题不再扣分）。",
        "cap_note": "，同一规则最多扣 {cap} 分",
        "sheet_t3": "表三合计", "sheet_t4": "表四合计", "sheet_missing": "未报送", "sheet_not_audited": "未完整核查",
        "sheet_scores": "评分", "sheet_rules": "按规则",
        "review_section": "人工复核情况", "review": "复核", "confirmed": "已确认", "dismissed": "已排除（误报）",
        "waived": "已豁免", "awaiting": "待复核", "sheet_review": "复核",
        "review_note": "已排除（误报）和已豁免的问题不列入通报、不扣分；待复核的问题暂按成立计。",
        "rect_section": "上年度已确认问题的整改情况", "sheet_rect": "整改", "fixed": "已整改", "repeated": "重复出现",
        "rect_not_assessable": "无法判断", "last_message": "上年度问题", "this_message": "本年度情况",
        "no_rect": "历史库中没有上年度经人工确认的问题，无从比对整改情况。",
        "rect_note": "按检查项比对：本年度同一检查项仍不通过为“重复出现”，已运行并通过为“已整改”，"
                     "未能运行（单元格空白、报告未能完整核查等）为“无法判断”，不作已整改计。",
        "awaiting_note": "尚有 {n} 个问题待人工复核，暂按成立计。",
        "no_scheme": "未配置评分方案。",
        "publication": "按期公布", "pub_on_time": "按期（{date} 公布）",
        "pub_late": "逾期 {days} 天（{date} 公布，期限 {deadline}）", "pub_unknown": "发布日期不明",
        "pub_no_deadline": "{date} 公布，期限无法确定", "pub_section": "逾期公布与发布日期不明的报告",
        "pub_counts": "逾期 {late} 份；发布日期不明或期限无法确定 {unknown} 份；按期 {on_time} 份。",
        "pub_late_table": "逾期公布", "pub_unknown_table": "发布日期不明", "published": "发布日期",
        "deadline": "公布期限", "days_late": "逾期天数", "pub_none_late": "没有逾期公布的报告。",
        "pub_none_unknown": "全部报告的发布日期均已知。",
        "pub_no_date_given": "未提供发布日期（auditor fetch 的附带记录或 audit --published 清单）",
        "pub_page_states_none": "保存的网页未载明发布日期",
        "pub_deadline_unknown": "报告年度或机关类别无法判断",
        "pub_note": "期限依《条例》第四十九条：部门报告 1 月 31 日前，本级政府报告 3 月 31 日前（可按辖区配置）；"
                    "发布日期不明的报告不作按期计。",
    },
    "en": {
        "title": "Government information disclosure annual reports: audit summary", "year": "Year",
        "all_years": "all years", "documents": "Reports", "agency": "Agency", "file": "File", "pack": "Pack",
        "status": "Status", "error": "errors", "warning": "warnings", "info": "info",
        "not_assessable": "not assessable", "problem": "unreadable", "pass": "pass", "incomplete": "incomplete",
        "status_section": "Status per agency", "status_counts": "Status counts",
        "findings_section": "Findings by rule and severity", "rule": "Rule", "check": "Check",
        "severity": "Severity", "count": "Count", "message": "Message", "line": "Where", "expected": "Expected",
        "found": "Found", "t3_section": "Table 3: applications for disclosure (jurisdiction totals)",
        "measure": "Item", "total": "Total", "share": "Share of processed",
        "t4_section": "Table 4: administrative reviews and lawsuits (jurisdiction totals)",
        "rate": "Correction rate", "rate_review": "Correction rate, administrative review",
        "rate_litigation": "Correction rate, lawsuits (both kinds together)",
        "left_out": "Left out of this table's totals (table missing, or cells blank or unreadable), {n} in all: "
                      "{names}.",
        "all_complete": "Every report is in the totals.",
        "copies": "An agency's year counts once, as the report received last (its status, findings, reviews and "
        "totals); earlier versions and other files of the same report, not counted ({n}): {names}.",
        "not_submitted": "Agencies that did not submit", "none_missing": "Every agency on the roster submitted.",
        "no_roster": "No roster given.",
        "unreadable_section": "Files not read or not audited",
        "errors_section": "Agencies with errors", "no_errors": "No errors found.", "no_findings": "No findings.",
        "rate_note": "correction rate = corrected / (upheld + corrected + other outcome)",
        "new_received": "New applications", "carried_over": "Carried over from last year",
        "total_processed": "Processed (total)", "carried_forward": "Carried forward",
        "granted": "Granted", "partially_granted": "Partially granted", "denied": "Denied",
        "unable": "Unable to provide", "rejected": "Rejected", "other": "Other processing",
        "upheld": "Upheld", "corrected": "Corrected", "other_result": "Other outcome", "pending": "Pending",
        "sheet_agencies": "Agencies", "sheet_findings": "Findings",
        "by_rule_section": "Main problems and the agencies with them", "title_col": "Rule title",
        "agencies_count": "Agencies", "reason": "Reason",
        "by_agency_section": "Findings by agency", "no_findings_here": "No findings.",
        "page_link": "open the report's annotated page",
        "not_audited_section": "Reports not fully audited (counted apart)",
        "not_audited_note": "These reports could not be fully audited: their result does not mean the report has no "
                            "problems, and they are not scored.",
        "all_audited": "Every report was fully audited.", "failed": "not audited", "unreadable": "unreadable",
        "audited_fully": "fully audited", "report_file": "Report file",
        "score_section": "Scores and ranking", "rank": "Rank", "score": "Score", "deductions": "Deductions",
        "findings_counted": "Findings counted", "not_scored": "not scored (not fully audited)",
        "score_note": "Scoring: each finding not dismissed or waived deducts its rule's or severity's points{cap}, "
                      "from {start}, never below {floor}.",
        "unreviewed_note": "Review decisions are not yet counted: every finding stands (one dismissed or waived in "
                           "review will no longer deduct).",
        "cap_note": ", at most {cap} for one rule",
        "sheet_t3": "Table 3 totals", "sheet_t4": "Table 4 totals", "sheet_missing": "Not submitted",
        "sheet_not_audited": "Not fully audited", "sheet_scores": "Scores", "sheet_rules": "By rule",
        "review_section": "Review", "review": "Review", "confirmed": "confirmed", "dismissed": "dismissed (false "
        "positive)", "waived": "waived", "awaiting": "awaiting review", "sheet_review": "Review",
        "review_note": "Findings dismissed as false positives or waived are neither reported nor scored; those "
                       "awaiting review stand for now.",
        "rect_section": "Last year's confirmed problems: rectification", "sheet_rect": "Rectification",
        "fixed": "fixed", "repeated": "repeated", "rect_not_assessable": "not assessable",
        "last_message": "Last year's problem", "this_message": "This year",
        "no_rect": "The store holds no problem confirmed in review for last year, so rectification cannot be "
                   "compared.",
        "rect_note": "Matched by check: the same check failing again this year is \"repeated\", one that ran and "
                     "passed is \"fixed\", one that could not run (blank cells, a report not fully audited) is \"not "
                     "assessable\", never counted as fixed.",
        "awaiting_note": "{n} findings await review and stand for now.",
        "no_scheme": "No scoring scheme configured.",
        "publication": "Published on time", "pub_on_time": "on time (published {date})",
        "pub_late": "{days} days late (published {date}, deadline {deadline})", "pub_unknown": "date unknown",
        "pub_no_deadline": "published {date}, deadline unknown",
        "pub_section": "Reports published late or on an unknown date",
        "pub_counts": "Late: {late}; date or deadline unknown: {unknown}; on time: {on_time}.",
        "pub_late_table": "Published late", "pub_unknown_table": "Publication date unknown",
        "published": "Published", "deadline": "Deadline", "days_late": "Days late",
        "pub_none_late": "No report was published late.",
        "pub_none_unknown": "Every report's publication date is known.",
        "pub_no_date_given": "no publication date given (an auditor fetch sidecar or an audit --published list)",
        "pub_page_states_none": "the page saved states no publication date",
        "pub_deadline_unknown": "the report's year or the kind of body cannot be told",
        "pub_note": "Deadlines under 条例 Art. 49: a department's report by 31 January, the government-wide report by "
                    "31 March (configurable per jurisdiction); a report whose date is unknown is never counted as on "
                    "time.",
    },
}

# "publication" last: the columns before it keep their places for the scripts that read them.
AGENCY_COLUMNS = ("agency", "year", "file", "pack", "error", "warning", "info", "not_assessable", "status",
                  "publication")
FINDING_COLUMNS = ("agency", "year", "rule", "check", "severity", "message", "line", "expected", "found", "title_col",
                   "review")
RECTIFICATION_COLUMNS = ("agency", "year", "rule", "check", "last_message", "status", "this_message")


SEVERITY_WORDS = {"zh": {"error": "错误", "warning": "警告", "info": "提示"},
                  "en": {"error": "error", "warning": "warning", "info": "info"}}


def severity_label(severity: str, lang: str) -> str:
    return SEVERITY_WORDS[lang].get(severity, severity)


def block_label(block: str, lang: str) -> str:
    zh, en = T4_BLOCKS[block]
    return zh if lang == "zh" else en[0].upper() + en[1:]


def t4_column_word(column: str) -> str:
    """The WORDS key of a table 四 column ('other' is also a table 三 measure, so it has its own key here)."""
    return "other_result" if column == "other" else column
