"""Human descriptions of fact keys and cell states, in Chinese or English, for messages and reasons."""

from __future__ import annotations

from auditor.facts.vocabulary import CHINESE_NUMERALS, TABLES, label

_STATUS = {
    "blank": ("为空白", "is blank"),
    "dash": ("填写为「{raw}」", "reads '{raw}'"),
    "none": ("填写为「{raw}」", "reads '{raw}'"),
    "unreadable": ("无法识别（「{raw}」）", "cannot be read ('{raw}')"),
    "absent": ("未找到", "was not found"),
}


def describe_key(key: str, lang: str) -> str:
    zh = lang == "zh"
    if key.startswith("prev."):
        inner = describe_key(key.removeprefix("prev."), lang)
        return f"上一年度报告{inner}" if zh else f"last year's report, {inner}"
    parts = key.split(".")
    table = parts[0]
    if table in TABLES and len(parts) >= 3:
        row, column = ".".join(parts[1:-1]), parts[-1]
        name = TABLES[table][0 if zh else 1]
        if zh:
            return f"{name}「{label(row, lang)}」行「{label(column, lang)}」列"
        return f"{name}, row '{label(row, lang)}', column '{label(column, lang)}'"
    if table == "section":
        if zh:
            return f"第{CHINESE_NUMERALS[int(parts[1]) - 1]}部分「{label(parts[1], lang)}」"
        return f"section {parts[1]} ({label(parts[1], lang)})"
    if key.startswith("report.year_evidence."):
        what = label(parts[-1], lang)
        return f"{what}所示年度" if zh else f"the year {what} gives"
    if table == "claim":
        return f"正文所述「{parts[1]}」" if zh else f"narrative claim '{parts[1]}'"
    return key


def describe_line(line: int | None, page: int | None, page_line: int | None, lang: str) -> str:
    """Where a reader finds a line: 「第 7 行」 in a text file; in a paged one (PDF, OFD, a scan) 「第 3 页第 5 行」,
    the fifth line of text on page 3, or 「第 3 页」 for a table row; "" when nothing says."""
    zh = lang == "zh"
    if page is not None:
        if page_line is not None:
            return f"第 {page} 页第 {page_line} 行" if zh else f"page {page}, line {page_line}"
        return f"第 {page} 页" if zh else f"page {page}"
    line = page_line if page_line is not None else line  # a flattened text's segment: its physical line
    if line is None:
        return ""
    return f"第 {line} 行" if zh else f"line {line}"


def describe_status(status: str, raw: str, lang: str) -> str:
    zh, en = _STATUS.get(status, ("状态为 " + status, "has status " + status))
    return (zh if lang == "zh" else en).format(raw=raw)
