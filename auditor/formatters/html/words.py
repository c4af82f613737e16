"""The words of the page and the index around what the report says, in each output language."""

from __future__ import annotations

from auditor.review.labels import STATE_LABELS

SEVERITY_LABELS = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
VERDICT_LABELS = {
    "zh": {"clean": "核查完整，未发现问题", "findings": "核查完整，发现问题", "incomplete": "核查不完整",
           "failed": "未能核查"},
    "en": {"clean": "audited in full, no findings", "findings": "audited in full, findings",
           "incomplete": "incomplete", "failed": "not audited"},
}
STATES = ("awaiting", "confirmed", "dismissed", "waived", "known")

WORDS = {
    "zh": {
        "page_title": "核查结果", "colon": "：", "sep": "；", "comma": "，", "cited": "（{where}）",
        "remediation": "整改建议", "index_title": "政府信息公开工作年度报告核查结果", "agency": "机关", "year": "年度",
        "template": "格式", "template_value": "{t} 年格式", "pack": "规则包", "year_source": "年度依据",
        "agency_source": "机关依据", "file": "文件", "unknown": "未能确定", "verdict": "结论", "coverage": "核查范围",
        "checks": "核查 {total} 项：通过 {passed}，未通过 {failed}，无法评估 {na}", "tables_read": "读到的表格",
        "sections_found": "读到的章节", "none": "无", "claims": "正文陈述 {claims} 条，已与表格核对 {checked} 条",
        "core": "核心核查", "core_run": "{title}：{evaluated}/{applicable}", "gaps": "核查不完整的原因",
        "problems": "工具问题", "findings": "发现的问题", "no_findings": "未发现问题。", "filters": "筛选",
        "by_severity": "严重程度", "by_state": "审核状态", "rule": "规则", "where": "位置", "message": "说明",
        "state": "审核", "located_cell": "{table}「{row}」行「{column}」列", "not_located": "未定位到具体单元格或行",
        "report": "报告原文", "section": "第{n}部分", "table_missing": "{table}：未读到",
        "cells_elsewhere": "读到但不在模板位置的单元格", "not_assessable": "无法评估的核查（{n} 项）",
        "unchecked": "未与表格核对的正文数字（{n} 处）", "unchecked_line": "{where}「{text}」中的「{number}」",
        "rectification": "上年度已确认问题整改情况：已整改 {fixed}，重复出现 {repeated}，无法评估 {not_assessable}",
        "repeated": "重复出现：{check}（{year} 年：{message}）", "missing": "未读到", "blank": "空白",
        "reason": "理由", "by": "审核人", "until": "有效期至", "back": "返回索引",
        "failed_by_engine": "仅规则引擎判定未通过，参考计算判定通过，请人工复核",
        "failed_by_reference": "仅参考计算判定未通过，规则引擎判定通过，请人工复核", "reports": "共 {n} 份报告",
        "awaiting_n": "待审核", "na_n": "无法评估", "run_problems": "本次运行的其他问题",
        "shown": "显示 {shown} / {total} 条",
    },
    "en": {
        "page_title": "audit result", "colon": ": ", "sep": "; ", "comma": ", ", "cited": " ({where})",
        "remediation": "what to do", "index_title": "Audit of government information disclosure annual reports",
        "agency": "agency", "year": "year", "template": "template", "template_value": "{t} template", "pack": "pack",
        "year_source": "year decided by", "agency_source": "agency decided by", "file": "file",
        "unknown": "not determined", "verdict": "verdict", "coverage": "coverage",
        "checks": "{total} checks: {passed} passed, {failed} failed, {na} not assessable",
        "tables_read": "tables read", "sections_found": "sections found", "none": "none",
        "claims": "{claims} narrative statements, {checked} checked against the tables", "core": "core checks",
        "core_run": "{title}: {evaluated}/{applicable}", "gaps": "why the audit is incomplete",
        "problems": "tool problems", "findings": "findings", "no_findings": "No findings.", "filters": "filters",
        "by_severity": "severity", "by_state": "review", "rule": "rule", "where": "where", "message": "message",
        "state": "review", "located_cell": "{table}, row '{row}', column '{column}'",
        "not_located": "not located on a cell or line", "report": "the report",
        "section": "section {n}", "table_missing": "{table}: not read",
        "cells_elsewhere": "cells read outside the template's places",
        "not_assessable": "checks not assessable ({n})",
        "unchecked": "narrative numbers not checked against the tables ({n})",
        "unchecked_line": "{where}: '{number}' in '{text}'",
        "rectification": "last year's confirmed findings: {fixed} fixed, {repeated} repeated, {not_assessable} not "
                         "assessable",
        "repeated": "repeated: {check} ({year}: {message})", "missing": "not read", "blank": "blank",
        "reason": "reason", "by": "by", "until": "until", "back": "back to the index",
        "failed_by_engine": "failed by the rule engine only (the reference evaluator passed it): review by hand",
        "failed_by_reference": "failed by the reference evaluator only (the rule engine passed it): review by hand",
        "reports": "{n} reports", "awaiting_n": "awaiting review", "na_n": "not assessable",
        "run_problems": "other problems of the run", "shown": "{shown} of {total} shown",
    },
}

__all__ = ["SEVERITY_LABELS", "STATES", "STATE_LABELS", "VERDICT_LABELS", "WORDS"]
