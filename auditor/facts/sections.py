"""The six sections of the template, found by numeral and keyword.

A section heading is a short line that starts with a Chinese ordinal and names its section's subject. Sub-items such
as 「二、主动公开情况。按照……」 inside section 一 (sample 004) are sentences, not headings: they run on past a 。.
"""

from __future__ import annotations

import re

from auditor.facts.model import SectionFact
from auditor.facts.normalize import compact
from auditor.facts.vocabulary import CHINESE_ORDINALS, SECTIONS
from auditor.ingest.document import Paragraph

_ORDINAL = re.compile(r"^([一二三四五六七八九十])、")
_MAX_HEADING_CHARS = 40  # the longest real title seen is ~30 characters (Shanghai's section 四 variant)
_KEYWORDS = {n: re.compile(spec[2]) for n, spec in SECTIONS.items()}


def _heading_number(p: Paragraph) -> int | None:
    text = compact(p.text)
    match = _ORDINAL.match(text)
    if not match or len(text) > _MAX_HEADING_CHARS or "。" in text.rstrip("。"):
        return None
    number = CHINESE_ORDINALS[match.group(1)]
    keyword = _KEYWORDS.get(number)
    return number if keyword and keyword.search(text) else None


def find_sections(paragraphs: tuple[Paragraph, ...], line_count: int) -> tuple[SectionFact, ...]:
    """Sections in document order; each number at most once, each after the one before it."""
    found: list[tuple[int, Paragraph]] = []
    for p in paragraphs:
        number = _heading_number(p)
        if number is None or any(n == number for n, _ in found):
            continue
        if found and number < found[-1][0]:
            continue
        found.append((number, p))
    sections = []
    for i, (number, p) in enumerate(found):
        end = found[i + 1][1].line - 1 if i + 1 < len(found) else line_count
        sections.append(SectionFact(number=number, title=p.text.strip(), line=p.line, end_line=end))
    return tuple(sections)


def section_at(sections: tuple[SectionFact, ...], line: int) -> int | None:
    for s in sections:
        if s.line <= line <= s.end_line:
            return s.number
    return None
