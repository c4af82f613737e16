"""Every label the application's pages print, in Chinese and English (`auditor serve --lang`)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "app": "政府信息公开年度报告核查", "login": "登录", "logout": "退出", "name": "用户名", "password": "密码",
        "signed_in_as": "当前用户", "supervisor": "政务公开办", "agency_role": "报送单位",
        "self_check": "报告自查", "self_check_intro": "上传本单位的年度报告（PDF、DOCX、HTML、Markdown 或文本），"
        "立即查看核查结果；修改后可再次上传，确认无误后提交其中一个版本。未提交的自查不计入年度汇总。",
        "upload": "上传并核查", "file": "文件", "uploaded_at": "上传时间", "verdict": "结论", "submitted": "已提交",
        "not_submitted": "未提交（自查）", "submit": "提交此版本", "submit_note": "提交后，此版本即作为本单位本年度"
        "报告报送政务公开办，并计入年度汇总；每年只能提交一个版本。", "open": "查看", "your_uploads": "上传记录",
        "none_yet": "暂无", "annotated": "报告标注页", "findings": "发现的问题", "errors": "错误", "warnings": "警告",
        "infos": "提示", "back": "返回", "year": "年度", "agency": "机关", "dashboard": "年度总览",
        "agencies": "各机关报告", "reviews": "审核状态", "statuses": "核查状态", "documents": "报告",
        "downloads": "下载汇总文件", "batch": "批量上传", "batch_intro": "一次上传多份报告，后台核查并记入历史库，"
        "本页不会等待。", "start_batch": "开始批量核查", "rectification": "上年度问题整改", "history": "历史记录",
        "audited_at": "核查时间", "pack": "规则包", "decide": "审核", "confirm": "确认", "dismiss": "排除（误报）",
        "waive": "豁免", "reopen": "重新待审", "reason": "理由", "scope": "范围", "until": "截止日期",
        "record": "记录", "decision_history": "审核记录", "by": "审核人", "no_findings": "未发现问题。",
        "no_page": "此报告由命令行记入历史库，没有保存原文，只能列出问题。", "progress": "进度",
        "stage_queued": "排队中", "stage_record": "读取入库", "stage_audit": "核查", "stage_done": "已完成",
        "stage_failed": "失败", "refresh_note": "页面每 2 秒自动刷新。",
        "quiet": "这一批已 {n} 分钟没有进展：运行它的服务进程可能已停止。已核查的报告保留在历史库中，"
        "其余文件可重新上传。", "refused": "未核查的文件",
        "no_documents": "该年度还没有报告。", "uploads_pending": "尚未提交的自查", "fixed": "已整改",
        "repeated": "重复出现", "not_assessable": "无法评估", "last_message": "上年度问题", "check": "检查项",
        "status": "状态", "no_rectification": "历史库中没有上年度已确认的问题可供比对。", "error": "出错了",
        "other_submitted": "本年度已提交另一版本：", "years": "年度", "where": "位置", "state": "审核状态",
        "message": "说明", "fingerprint": "编号", "all_years": "全部年度", "whole_page": "在新窗口中打开整页",
    },
    "en": {
        "app": "Disclosure report audits", "login": "Sign in", "logout": "Sign out", "name": "Name",
        "password": "Password", "signed_in_as": "Signed in as", "supervisor": "supervisory office",
        "agency_role": "agency", "self_check": "Self-check", "self_check_intro": "Upload your annual report (PDF, "
        "DOCX, HTML, Markdown or text) and see the audit at once; upload a corrected version as often as needed, then "
        "submit one. Self-checks not submitted are no part of the year's summary.", "upload": "Upload and audit",
        "file": "File", "uploaded_at": "Uploaded", "verdict": "Verdict", "submitted": "submitted",
        "not_submitted": "not submitted (self-check)", "submit": "Submit this version", "submit_note": "Submitted, "
        "this version is your report of the year to the office and counts in its summary; one version a year.",
        "open": "open", "your_uploads": "Uploads", "none_yet": "none yet", "annotated": "Annotated report",
        "findings": "Findings", "errors": "errors", "warnings": "warnings", "infos": "info", "back": "back",
        "year": "Year", "agency": "Agency", "dashboard": "The year", "agencies": "Agencies and their reports",
        "reviews": "Review", "statuses": "Audit status", "documents": "reports", "downloads": "Summary files",
        "batch": "Batch upload", "batch_intro": "Upload many reports at once: audited and recorded in the background; "
        "this page does not wait.", "start_batch": "Start the batch", "rectification": "Rectification",
        "history": "History", "audited_at": "Audited", "pack": "Pack", "decide": "Review", "confirm": "Confirm",
        "dismiss": "Dismiss (false positive)", "waive": "Waive", "reopen": "Reopen", "reason": "Reason",
        "scope": "Scope", "until": "Until", "record": "Record", "decision_history": "Decisions", "by": "By",
        "no_findings": "No findings.", "no_page": "Recorded by the command line: the report's text was not kept, so "
        "its findings are listed only.", "progress": "Progress", "stage_queued": "queued", "stage_record":
        "recording", "stage_audit": "auditing", "stage_done": "done", "stage_failed": "failed", "refresh_note":
        "This page refreshes every 2 seconds.",
        "quiet": "No progress for {n} minutes: the server process running this batch may have stopped. The "
        "reports audited so far stay in the store; upload the others again.", "refused": "Files not audited",
        "no_documents": "No report of this year yet.", "uploads_pending": "self-checks not submitted",
        "fixed": "fixed", "repeated": "repeated",
        "not_assessable": "not assessable", "last_message": "Last year's finding", "check": "Check",
        "status": "Status", "no_rectification": "The store has no confirmed finding of last year to compare with.",
        "error": "Something went wrong", "other_submitted": "Another version of this year was submitted:",
        "years": "Years", "where": "Where", "state": "Review state", "message": "Message",
        "fingerprint": "Fingerprint", "all_years": "every year", "whole_page": "open the whole page",
    },
}

# The refusals routes raise (HTTPException's detail, in English), as a Chinese page says them.
REFUSALS_ZH: dict[str, str] = {
    "CSRF token missing or wrong: reload the page and try again": "表单已失效（CSRF 校验未通过）：请刷新页面后重试",
    "for the supervisory office only": "此页面仅供政务公开办使用",
    "for agency accounts only": "此页面仅供报送单位使用",
    "no such upload": "没有这份上传的报告",
    "no such document": "没有这份报告",
    "no such agency": "历史库中没有这个机关的报告",
    "no such finding on this document": "这份报告没有这条问题",
    "no such summary file": "没有这个汇总文件",
    "no document of that year": "历史库中没有该年度的报告",
    "no such batch": "没有这个批次（服务重启后批次进度不再保留）",
    "no file": "没有选择文件",
    "Not Found": "页面不存在",
    "Method Not Allowed": "不支持此请求方式",
    "the request is over the upload limit": "请求超过上传大小上限",
    "the form is incomplete or malformed": "表单内容不完整或格式不正确",
}
