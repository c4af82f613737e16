"""The canonical keys rule packs speak in, their labels, and the label patterns that find them in a table.

These key names are a public vocabulary (rule packs and `auditor parse` output use them): keep them stable.
"""

from __future__ import annotations

import re

# Table 三 rows: key → (zh label, en label, pattern on the compacted row label). Order is the template's order.
T3_ROWS: dict[str, tuple[str, str, str]] = {
    "new_received": ("本年新收", "new applications", r"本年新收"),
    "carried_over": ("上年结转", "carried over from last year", r"上年结转"),
    "granted": ("予以公开", "granted", r"予以公开"),
    "partially_granted": ("部分公开", "partially granted", r"部分公开"),
    "denied.state_secret": ("属于国家秘密", "state secret", r"国家秘密"),
    # Also as misprinted in 洪泽 2023/2024: 「其他法律行政止公开」 (法规禁 dropped).
    "denied.prohibited_by_law": ("其他法律行政法规禁止公开", "prohibited by law", r"法律行政(?:法规)?禁?止"),
    "denied.three_safeties": ("危及“三安全一稳定”", "three safeties and stability", r"三安全一稳定"),
    "denied.third_party": ("保护第三方合法权益", "third-party rights", r"第三方合法权益"),
    "denied.internal_affairs": ("属于三类内部事务信息", "internal affairs", r"三类内部事务"),
    "denied.process_info": ("属于四类过程性信息", "process information", r"四类过程性"),
    "denied.enforcement_file": ("属于行政执法案卷", "enforcement files", r"行政执法案卷"),
    "denied.query_matter": ("属于行政查询事项", "administrative query matters", r"行政查询事项"),
    "unable.not_held": ("本机关不掌握相关政府信息", "not held", r"不掌握"),
    "unable.needs_creation": ("没有现成信息需要另行制作", "would need creating", r"另行制作"),
    "unable.unclear": ("补正后申请内容仍不明确", "still unclear after correction", r"仍不明确"),
    "rejected.complaint": ("信访举报投诉类申请", "petitions and complaints", r"信访举报投诉"),
    "rejected.repeated": ("重复申请", "repeated applications", r"重复申请"),
    "rejected.publication": ("要求提供公开出版物", "publications", r"公开出版物"),
    "rejected.excessive": ("无正当理由大量反复申请", "excessive applications", r"大量反复"),
    "rejected.confirmation": ("要求行政机关确认或重新出具已获取信息", "confirmation of held information",
                              r"确认或重新出具"),
    "other.no_correction": ("逾期不补正", "no correction in time", r"逾期不补正"),
    "other.unpaid_fee": ("逾期未缴纳费用", "fee not paid", r"缴纳费用|收费通知"),
    "other.other": ("其他", "other", r"(?:^|[.、)）\d])其他$"),
    # The 2019 template's (六) is one row with no sub-items (domain.md §2.3); in 2021 its label carries them.
    "other_processing": ("（六）其他处理", "(6) other processing", r"其他处理$"),
    "total_processed": ("（七）总计", "(7) total processed", r"^(?:三、本年度办理结果)?\(七\)总计$|^总计$"),
    "carried_forward": ("结转下年度继续办理", "carried forward", r"结转下年"),
}

# The rows each template's table 三 has: 2019 has one （六）其他处理 row where 2021 has three (domain.md §2.6 item 6).
OTHER_2021 = ("other.no_correction", "other.unpaid_fee", "other.other")  # （六）'s sub-rows, 2021 layout only
T3_LAYOUT: dict[int, tuple[str, ...]] = {
    2021: tuple(k for k in T3_ROWS if k != "other_processing"),
    2019: tuple(k for k in T3_ROWS if k not in OTHER_2021),
}

T3_COLUMNS: dict[str, tuple[str, str]] = {
    "natural_person": ("自然人", "natural persons"),
    "commercial": ("商业企业", "businesses"),
    "research": ("科研机构", "research institutions"),
    "social_org": ("社会公益组织", "public-interest organisations"),
    "legal_service": ("法律服务机构", "legal service providers"),
    "other_org": ("其他", "other organisations"),
    "total": ("总计", "total"),
}

T4_BLOCKS: dict[str, tuple[str, str]] = {
    "review": ("行政复议", "administrative review"),
    "litigation_direct": ("未经复议直接起诉", "litigation without review"),
    "litigation_after_review": ("复议后起诉", "litigation after review"),
}

T4_COLUMNS: dict[str, tuple[str, str]] = {
    "upheld": ("结果维持", "upheld"),
    "corrected": ("结果纠正", "corrected"),
    "other": ("其他结果", "other outcome"),
    "pending": ("尚未审结", "pending"),
    "total": ("总计", "total"),
}

# Table 二 rows: key → (zh, en, label pattern), and their columns in order for each template (domain.md §2.2, §2.6).
T2_ROWS: dict[str, tuple[str, str, str]] = {
    "regulations": ("规章", "regulations", r"^规章$"),
    "normative_documents": ("行政规范性文件", "normative documents", r"^(?:行政)?规范性文件$"),
    "licensing": ("行政许可", "administrative licensing", r"^行政许可$"),
    "other_services": ("其他对外管理服务事项", "other external management services", r"^其他对外管理服务事项$"),
    "punishment": ("行政处罚", "administrative punishment", r"^行政处罚$"),
    "coercion": ("行政强制", "administrative coercion", r"^行政强制$"),
    "admin_fees": ("行政事业性收费", "administrative fees", r"^行政事业性收费$"),
    "procurement": ("政府集中采购", "government central procurement", r"^政府集中采购$"),
}

_ITEMS_2019 = ("items_last_year", "change", "decisions")
T2_LAYOUT: dict[int, dict[str, tuple[str, ...]]] = {
    2021: {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",), "punishment": ("decisions",), "coercion": ("decisions",),
        "admin_fees": ("amount_10k_yuan",),
    },
    2019: {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": _ITEMS_2019, "other_services": _ITEMS_2019, "punishment": _ITEMS_2019, "coercion": _ITEMS_2019,
        "admin_fees": ("items_last_year", "change"),
        "procurement": ("projects", "amount"),
    },
}

# Header words that tell the two table 二 layouts apart.
T2_LAYOUT_MARKERS: dict[int, str] = {
    2021: r"本年制发件数|现行有效件数|本年收费金额",
    2019: r"本年新制作数量|对外公开总数量|上一年项目数量",
}

T2_COLUMNS: dict[str, tuple[str, str]] = {
    "issued": ("本年制发件数", "issued this year"),
    "repealed": ("本年废止件数", "repealed this year"),
    "in_force": ("现行有效件数", "in force"),
    "decisions": ("本年处理决定数量", "decisions this year"),
    "amount_10k_yuan": ("本年收费金额（万元）", "amount (10k yuan)"),
    "new_made": ("本年新制作数量", "newly made this year"),
    "new_published": ("本年新公开数量", "newly published this year"),
    "total_published": ("对外公开总数量", "published in total"),
    "items_last_year": ("上一年项目数量", "items last year"),
    "change": ("本年增/减", "change this year"),
    "projects": ("采购项目数量", "procurement projects"),
    "amount": ("采购总金额", "procurement amount"),
}

# The six sections: number → (template title, English, keyword pattern, template-title pattern), both patterns on a
# compacted heading. The title pattern recognises a section whatever its numeral (Shanghai renumbers its sections and
# adds chapters such as 「三、主动公开工作情况」 inside 总体情况); the keyword alone only with the right numeral.
SECTIONS: dict[int, tuple[str, str, str, str]] = {
    1: ("一、总体情况", "general situation", r"总体情况", r"总体情况$"),
    2: ("二、主动公开政府信息情况", "proactive disclosure", r"主动公开", r"主动公开政府信息(?:的)?情况$"),
    3: ("三、收到和处理政府信息公开申请情况", "applications received and processed",
        r"收到和处理|依申请公开.*情况", r"收到和处理政府信息公开申请(?:的)?情况$"),
    4: ("四、政府信息公开行政复议、行政诉讼情况", "administrative review and litigation", r"复议|诉讼",
        r"行政复议.{0,4}行政诉讼(?:的)?情况$"),
    5: ("五、存在的主要问题及改进情况", "problems and improvements", r"问题.*改进|改进.*问题|主要问题",
        r"存在的主要问题及改进情况$"),
    6: ("六、其他需要报告的事项", "other matters", r"其他需要报告|其他事项", r"其他需要报告的事项$"),
}

# The five aspects 总体情况 must cover (国办公开办函〔2021〕30号, domain.md R21-2), as claim kinds `aspect_<name>`.
ASPECTS: dict[str, tuple[str, str]] = {
    "aspect_proactive": ("主动公开", "proactive disclosure"),
    "aspect_request": ("依申请公开", "disclosure on request"),
    "aspect_management": ("政府信息管理", "information management"),
    "aspect_platform": ("政府信息公开平台建设", "disclosure platforms"),
    "aspect_oversight": ("监督保障", "oversight and safeguards"),
}

# What 条例 Art. 50(四) asks 各级人民政府 to report besides the other sections (rule S1-GOV).
GOV_DUTIES: dict[str, tuple[str, str]] = {
    "gov_assessment": ("工作考核", "performance assessment"),
    "gov_public_review": ("社会评议", "public evaluation"),
    "gov_accountability": ("责任追究", "accountability"),
}

# The identity evidence that no line of the narrative holds, compared with the report's year (rule M-YEAR-SOURCE).
YEAR_EVIDENCE: dict[str, tuple[str, str]] = {
    "page_title": ("网页标题", "the page's title"),
    "file_name": ("文件名", "the file name"),
}

# The three tables, as a rule's loop names them (`for_each: {table: [t2, t3, t4]}` in TBL-EMPTY).
TABLES: dict[str, tuple[str, str]] = {"t2": ("表二", "table 2"), "t3": ("表三", "table 3"), "t4": ("表四", "table 4")}

# Section headings are numbered 一、二、…; the same numerals name a section in messages (第二部分).
CHINESE_NUMERALS = "一二三四五六七八九十"
CHINESE_ORDINALS = {numeral: n for n, numeral in enumerate(CHINESE_NUMERALS, start=1)}

T3_ROW_PATTERNS = [(key, re.compile(spec[2])) for key, spec in T3_ROWS.items()]


def label(segment: str, lang: str) -> str:
    """The label of one key segment (a row, a column, a block) in the given language; the key itself if unknown."""
    index = 0 if lang == "zh" else 1
    for table in (T3_ROWS, T3_COLUMNS, T4_BLOCKS, T4_COLUMNS, T2_COLUMNS, T2_ROWS, ASPECTS, GOV_DUTIES, YEAR_EVIDENCE,
                  TABLES):
        if segment in table:
            return str(table[segment][index])
    if "." in segment and segment not in T3_ROWS:  # a row and a column bound together: `regulations.issued`
        row, column = segment.rsplit(".", 1)
        if row in T2_ROWS or row in T3_ROWS:
            joiner = "·" if lang == "zh" else ", "
            return f"{label(row, lang)}{joiner}{label(column, lang)}"
    if segment.isdigit() and int(segment) in SECTIONS:
        return SECTIONS[int(segment)][index]
    return segment


def known_keys() -> set[str]:
    """Every fact key a rule may reference (claims and aggregates aside), last year's cells (`prev.`) included."""
    keys = {f"t3.{r}.{c}" for r in T3_ROWS for c in T3_COLUMNS}
    keys |= {f"t4.{b}.{c}" for b in T4_BLOCKS for c in T4_COLUMNS}
    keys |= {f"t2.{r}.{c}" for layout in T2_LAYOUT.values() for r, cols in layout.items() for c in cols}
    # Last year's report of the same body (domain.md §3.4): every table cell again under `prev.`.
    keys |= {f"prev.{k}" for k in keys}
    keys |= {f"section.{n}" for n in SECTIONS}
    keys |= {"report.year", "report.template", "report.layout", "report.layout_t3"}
    # The publication date and its deadline, as days (facts/publication.py).
    keys |= {"report.published", "report.deadline"}
    keys |= {f"report.year_evidence.{kind}" for kind in YEAR_EVIDENCE}
    keys |= {f"report.section_heading.{n}" for n in SECTIONS}
    keys |= {f"report.section_length.{n}" for n in SECTIONS}  # characters of its text (facts/sections.length_values)
    keys |= {f"report.empty.{t}" for t in TABLES}  # a table there but never filled in (facts/tables.empty_table)
    # Derived by comparing texts, not extracted: with last year's report, with other bodies' (facts/similarity.py).
    keys |= {"claim.copied_from_last_year", "claim.copied_from_peer"}
    # Read from the parts of 总体情况 by facts/aspects.py, not by an extractor.
    keys |= {f"claim.{aspect}" for aspect in ASPECTS}
    # What the 主动公开 part counts as published (facts/padding.py, S1-PADDING).
    keys |= {"claim.proactive_items"}
    # Last year's section 五 problems this year's 五 does not take up (auditor/store/previous.py, YOY-PREV5).
    keys |= {"claim.previous_problems_not_taken_up"}
    # The headings numbered otherwise than the template numbers their sections (facts/sections.numbering_claims).
    keys |= {"claim.section_misnumbered"}
    return keys
