"""Narrative numbers that look like table quantities but that no extractor understood: what the audit did not check.

A supervisor reading a clean result must see which counts in the text were never compared with the tables
(issue 10, part 4): a count in 件/份/起/宗 in a clause that speaks of applications, reviews, lawsuits, outcomes or
normative documents, not covered by any claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.facts.model import Claim, ParagraphFact
from auditor.facts.normalize import parse_number, same_length_nfkc

# 条 is left out: 「公开政府信息2599条」 counts published items, which no table holds.
_COUNT = re.compile(r"(?P<value>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*(?:件|份|起|宗)")
# Words of the quantities tables 二, 三 and 四 hold.
_TABLE_WORDS = re.compile(r"申请|复议|诉讼|答复|办结|办理|结转|顺延|公开|规范性文件|规章|许可|处罚|强制|"
                          r"不予处理|其他处理")
_CLAUSE = re.compile(r"[^,，。;；]+")


@dataclass(frozen=True)
class UncheckedNumber:
    """A count the narrative states that no claim covers: where it is (line, columns from 1 in the paragraph),
    the clause quoted, the number as written and its value."""

    line: int
    section: int | None
    clause: str
    text: str
    value: int | float
    start_column: int
    end_column: int


def unchecked_numbers(paragraphs: tuple[ParagraphFact, ...],
                      claims: tuple[Claim, ...]) -> tuple[UncheckedNumber, ...]:
    """Every count in a clause with a table word (申请, 复议, 诉讼, 公开, 规范性文件…) whose digits no claim's columns
    cover, in reading order. Claims derived from other reports (source set) cover nothing here."""
    covered: dict[int, list[tuple[int, int]]] = {}
    for claim in claims:
        if claim.source is None:
            covered.setdefault(claim.line, []).append((claim.start_column, claim.end_column))
    found: list[UncheckedNumber] = []
    for paragraph in paragraphs:
        text = same_length_nfkc(paragraph.text)  # the extractors' text: columns agree with theirs
        spans = covered.get(paragraph.line, [])
        for clause in _CLAUSE.finditer(text):
            if not _TABLE_WORDS.search(clause.group()):
                continue
            for count in _COUNT.finditer(clause.group()):
                start = clause.start() + count.start() + 1
                end = clause.start() + count.end()
                if any(s <= start and end <= e for s, e in spans):
                    continue
                value = parse_number(count.group("value"))
                if value is None:
                    continue
                found.append(UncheckedNumber(paragraph.line, paragraph.section,
                                             paragraph.text[clause.start():clause.end()].strip(),
                                             paragraph.text[start - 1:end], value, start, end))
    return tuple(found)
