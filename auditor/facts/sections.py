"""The six sections of the template, found by their headings.

A heading is a short line (at most 40 characters, no sentence inside it). It names its section either by the
template's title (「主动公开政府信息情况」), whatever numeral precedes it, or by a keyword under the right numeral
(「二、主动公开」). Title matches win: Shanghai's reports renumber their sections and add chapters such as
「三、主动公开工作情况」 inside 总体情况. Sub-items such as 「二、主动公开情况。按照……」 inside section 一 (sample 004)
are sentences, not headings: they run on past a 。.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.facts.model import SectionFact
from auditor.facts.normalize import compact
from auditor.facts.vocabulary import CHINESE_ORDINALS, SECTIONS
from auditor.ingest.document import Paragraph

_ORDINAL = re.compile(r"^([一二三四五六七八九十])、")
# 「（一）主动公开政府信息情况」 is a sub-item of 总体情况 in some reports, never a section heading.
_SUB_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_MAX_HEADING_CHARS = 40  # the longest real section title seen is ~30 characters (Shanghai's section 四 variant)
_KEYWORDS = {n: re.compile(spec[2]) for n, spec in SECTIONS.items()}
_TITLES = {n: re.compile(spec[3]) for n, spec in SECTIONS.items()}


@dataclass(frozen=True)
class _Candidate:
    paragraph: Paragraph
    text: str
    numeral: int | None


def _candidates(paragraphs: tuple[Paragraph, ...]) -> list[_Candidate]:
    out = []
    for p in paragraphs:
        text = compact(p.text).lstrip("#")
        if len(text) > _MAX_HEADING_CHARS or "。" in text.rstrip("。") or _SUB_ITEM.match(text):
            continue
        match = _ORDINAL.match(text)
        out.append(_Candidate(p, text, CHINESE_ORDINALS[match.group(1)] if match else None))
    return out


def find_sections(paragraphs: tuple[Paragraph, ...], line_count: int) -> tuple[SectionFact, ...]:
    """Sections in document order; each number at most once, each after the one before it."""
    candidates = _candidates(paragraphs)
    found: list[Paragraph] = []
    numbers: list[int] = []
    after = 0
    for number in SECTIONS:
        later = [c for c in candidates if c.paragraph.line > after]
        pick = next((c for c in later if _TITLES[number].search(c.text)), None) or next(
            (c for c in later if c.numeral == number and _KEYWORDS[number].search(c.text)), None)
        if pick is not None:
            found.append(pick.paragraph)
            numbers.append(number)
            after = pick.paragraph.line
    sections = []
    for i, (number, p) in enumerate(zip(numbers, found, strict=True)):
        end = found[i + 1].line - 1 if i + 1 < len(found) else line_count
        sections.append(SectionFact(number=number, title=p.text.strip(), line=p.line, end_line=end))
    return tuple(sections)


def section_at(sections: tuple[SectionFact, ...], line: int) -> int | None:
    for s in sections:
        if s.line <= line <= s.end_line:
            return s.number
    return None
