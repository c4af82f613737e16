"""Tables 二, 三 and 四 laid out as the State Council template draws them (domain.md §2.2–2.4): header rows, the
merged label cells of table 三's first columns, and the value cells, each under the canonical key its fact has.

Each table is a list of rows; a row is a list of `Slot`s, a label (with its span) or the key of a value cell. The
page fills the value slots with the cells the report gave, so a cell the report did not have shows as missing,
never as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.facts.vocabulary import (
    OTHER_2021,
    T2_COLUMNS,
    T2_LAYOUT,
    T2_ROWS,
    T3_COLUMNS,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
)


@dataclass(frozen=True)
class Slot:
    """A label (`text`, a header cell when `header`) or a value cell (`key`, e.g. t3.granted.total)."""

    text: str = ""
    key: str | None = None
    colspan: int = 1
    rowspan: int = 1
    header: bool = False


Grid = list[list[Slot]]

# The template's own wording where it is longer than the vocabulary's label (国办公开办函〔2021〕30号, table 三).
_T3_WORDING = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "other.no_correction": "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.unpaid_fee": "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "carried_forward": "四、结转下年度继续办理",
}
_T3_EN_PREFIX = {"new_received": "1. ", "carried_over": "2. ", "granted": "(1) ", "partially_granted": "(2) ",
                 "carried_forward": "4. "}
# （三）to（六）: their leaf rows, in the template's order.
_T3_GROUPS = (
    ("（三）不予公开", "(3) not disclosed", "denied."),
    ("（四）无法提供", "(4) unable to provide", "unable."),
    ("（五）不予处理", "(5) not processed", "rejected."),
    ("（六）其他处理", "(6) other processing", "other."),
)
_WORDS = {
    "zh": {"results": "三、本年度办理结果",
           "header": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
           "applicants": "申请人情况", "organisations": "法人或其他组织", "content": "信息内容",
           "litigation": "行政诉讼"},
    "en": {"results": "3. results of processing this year", "header": "(in every column: 1 + 2 = 3 + 4)",
           "applicants": "applicants", "organisations": "legal persons and other organisations",
           "content": "information", "litigation": "administrative litigation"},
}


def _label(table: Mapping[str, tuple[str, ...]], key: str, lang: str) -> str:
    return str(table[key][0 if lang == "zh" else 1])


def _t3_row_label(key: str, lang: str) -> str:
    if lang == "zh":
        return _T3_WORDING.get(key, T3_ROWS[key][0])
    return _T3_EN_PREFIX.get(key, "") + T3_ROWS[key][1]


def t3_layout(cells: set[str], template: int | None) -> int:
    """Which table 三 to draw: the report's own layout when its cells show it (洪泽 2023 prints the 2019 （六） row in
    a 2021 report), else its template's."""
    if any(k.startswith("t3.other_processing.") for k in cells) and \
            not any(k.startswith(("t3.other.no_correction.", "t3.other.unpaid_fee.", "t3.other.other."))
                    for k in cells):
        return 2019
    return 2019 if template == 2019 else 2021


def table3(layout: int, lang: str) -> Grid:
    words = _WORDS[lang]
    columns = list(T3_COLUMNS)
    organisations = columns[1:-1]
    grid: Grid = [
        [Slot(words["header"], colspan=3, rowspan=3, header=True), Slot(words["applicants"], colspan=7, header=True)],
        [Slot(_label(T3_COLUMNS, "natural_person", lang), rowspan=2, header=True),
         Slot(words["organisations"], colspan=len(organisations), header=True),
         Slot(_label(T3_COLUMNS, "total", lang), rowspan=2, header=True)],
        [Slot(_label(T3_COLUMNS, c, lang), header=True) for c in organisations],
    ]

    def values(row: str) -> list[Slot]:
        return [Slot(key=f"t3.{row}.{c}") for c in columns]

    results: list[list[Slot]] = [[Slot(_t3_row_label("granted", lang), colspan=2)] + values("granted"),
                                 [Slot(_t3_row_label("partially_granted", lang), colspan=2)]
                                 + values("partially_granted")]
    for zh, en, prefix in _T3_GROUPS:
        leaves = [k for k in T3_ROWS if k.startswith(prefix)]
        if prefix == "other." and layout == 2019:  # one （六） row, no sub-items (domain.md §2.3)
            results.append([Slot(zh if lang == "zh" else en, colspan=2)] + values("other_processing"))
            continue
        leaves = [k for k in leaves if layout == 2021 or k not in OTHER_2021]
        for n, key in enumerate(leaves, start=1):
            head = [Slot(zh if lang == "zh" else en, rowspan=len(leaves))] if n == 1 else []
            results.append(head + [Slot(f"{n}.{'' if lang == 'zh' else ' '}{_t3_row_label(key, lang)}")]
                           + values(key))
    total = T3_ROWS["total_processed"][0 if lang == "zh" else 1]
    results.append([Slot(total, colspan=2)] + values("total_processed"))
    results[0].insert(0, Slot(words["results"], rowspan=len(results)))
    grid.append([Slot(_t3_row_label("new_received", lang), colspan=3)] + values("new_received"))
    grid.append([Slot(_t3_row_label("carried_over", lang), colspan=3)] + values("carried_over"))
    grid.extend(results)
    grid.append([Slot(_t3_row_label("carried_forward", lang), colspan=3)] + values("carried_forward"))
    return grid


def table4(lang: str) -> Grid:
    words = _WORDS[lang]
    blocks = list(T4_BLOCKS)
    columns = list(T4_COLUMNS)
    return [
        [Slot(_label(T4_BLOCKS, "review", lang), colspan=len(columns), header=True),
         Slot(words["litigation"], colspan=2 * len(columns), header=True)],
        [*(Slot(_label(T4_COLUMNS, c, lang), rowspan=2, header=True) for c in columns),
         *(Slot(_label(T4_BLOCKS, b, lang), colspan=len(columns), header=True) for b in blocks[1:])],
        [Slot(_label(T4_COLUMNS, c, lang), header=True) for _ in blocks[1:] for c in columns],
        [Slot(key=f"t4.{b}.{c}") for b in blocks for c in columns],
    ]


# Table 二's blocks: the item of 条例 第二十条 each reports, and its rows (domain.md §2.2).
_T2_BLOCKS = {
    2021: (("（一）", ("regulations", "normative_documents")), ("（五）", ("licensing",)),
           ("（六）", ("punishment", "coercion")), ("（八）", ("admin_fees",))),
    2019: (("（一）", ("regulations", "normative_documents")), ("（五）", ("licensing", "other_services")),
           ("（六）", ("punishment", "coercion")), ("（八）", ("admin_fees",)), ("（九）", ("procurement",))),
}
_T2_WIDTH = 3  # value columns of the widest block


def table2(template: int | None, lang: str) -> Grid:
    layout = 2019 if template == 2019 else 2021
    grid: Grid = []
    for item, rows in _T2_BLOCKS[layout]:
        title = f"第二十条第{item}项" if lang == "zh" else f"Article 20, item {item.strip('（）')}"
        grid.append([Slot(title, colspan=_T2_WIDTH + 1, header=True)])
        columns = T2_LAYOUT[layout][rows[0]]
        spans = [1] * (len(columns) - 1) + [_T2_WIDTH - len(columns) + 1]  # the last column takes the rest
        grid.append([Slot(_WORDS[lang]["content"], header=True)]
                    + [Slot(_label(T2_COLUMNS, c, lang), colspan=s, header=True) for c, s in zip(columns, spans,
                                                                                                 strict=True)])
        for row in rows:
            grid.append([Slot(_label(T2_ROWS, row, lang))]
                        + [Slot(key=f"t2.{row}.{c}", colspan=s) for c, s in zip(columns, spans, strict=True)])
    return grid


def keys(grid: Grid) -> set[str]:
    return {slot.key for row in grid for slot in row if slot.key}
