"""The six sections of the template, found by their headings, and section 五 by its content when its heading was
lost (a PDF converted to Markdown drops it: both 上海 files of the corpus).

A heading is a short line (at most 40 characters, no sentence inside it). It names its section either by the
template's title (「主动公开政府信息情况」), whatever numeral precedes it, or by a keyword under the right numeral
(「二、主动公开」). Title matches win: Shanghai's reports renumber their sections and add chapters such as
「三、主动公开工作情况」 inside 总体情况. Sub-items such as 「二、主动公开情况。按照……」 inside section 一 (sample 004)
are sentences, not headings: they run on past a 。.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.facts.model import Claim, ParagraphFact, SectionFact
from auditor.facts.normalize import compact
from auditor.facts.vocabulary import CHINESE_ORDINALS, SECTIONS
from auditor.ingest.document import Paragraph

_ORDINAL = re.compile(r"^([一二三四五六七八九十])、")
# 「（一）主动公开政府信息情况」 is a sub-item of 总体情况 in some reports, never a section heading.
_SUB_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_MAX_HEADING_CHARS = 40  # the longest real section title seen is ~30 characters (Shanghai's section 四 variant)
_KEYWORDS = {n: re.compile(spec[2]) for n, spec in SECTIONS.items()}
_TITLES = {n: re.compile(spec[3]) for n, spec in SECTIONS.items()}
# The sub-headings of section 五 (「（一）主要问题」「（二）改进情况」「（一）2024 年工作中存在问题的改进情况」): what
# finds the section when its heading is gone. Short lines only, so a sentence mentioning 问题 elsewhere is not one.
_CONTENT = {5: re.compile(r"存在的?主要问题|主要问题|存在(?:的)?问题|改进(?:情况|措施|举措|方向)|整改情况")}


@dataclass(frozen=True)
class _Candidate:
    paragraph: Paragraph
    text: str
    numeral: int | None
    sub_item: bool  # 「（一）…」: never a section heading, but a sub-heading that can find a section (_by_content)


def _candidates(paragraphs: tuple[Paragraph, ...]) -> list[_Candidate]:
    """Every short line that is no sentence: the headings are among them, and the sub-headings."""
    out = []
    for p in paragraphs:
        text = compact(p.text).lstrip("#")
        if len(text) > _MAX_HEADING_CHARS or "。" in text.rstrip("。"):
            continue
        match = _ORDINAL.match(text)
        out.append(_Candidate(p, text, CHINESE_ORDINALS[match.group(1)] if match else None,
                              bool(_SUB_ITEM.match(text))))
    return out


def _by_content(candidates: list[_Candidate], found: dict[int, _Candidate]) -> dict[int, _Candidate]:
    """Sections without a heading, found by a sub-heading of their own (「（一）主要问题」: a sub-item, so not a
    heading candidate) between the sections around them."""
    inferred: dict[int, _Candidate] = {}
    for number, pattern in _CONTENT.items():
        if number in found:
            continue
        before = max((c.paragraph.line for n, c in found.items() if n < number), default=0)
        after = min((c.paragraph.line for n, c in found.items() if n > number), default=None)
        if before == 0:  # nothing found before it: the report's structure is unknown, so no guess
            continue
        pick = next((c for c in candidates if before < c.paragraph.line and (after is None or c.paragraph.line < after)
                     and pattern.search(c.text)), None)
        if pick is not None:
            inferred[number] = pick
    return inferred


def find_sections(paragraphs: tuple[Paragraph, ...], line_count: int) -> tuple[SectionFact, ...]:
    """Sections in document order; each number at most once, each after the one before it."""
    candidates = _candidates(paragraphs)
    headings = [c for c in candidates if not c.sub_item]
    found: dict[int, _Candidate] = {}
    after = 0
    for number in SECTIONS:
        later = [c for c in headings if c.paragraph.line > after]
        pick = next((c for c in later if _TITLES[number].search(c.text)), None) or next(
            (c for c in later if c.numeral == number and _KEYWORDS[number].search(c.text)), None)
        if pick is not None:
            found[number] = pick
            after = pick.paragraph.line
    inferred = _by_content(candidates, found)
    ordered = sorted({**found, **inferred}.items(), key=lambda item: item[1].paragraph.line)
    sections = []
    for i, (number, c) in enumerate(ordered):
        end = ordered[i + 1][1].paragraph.line - 1 if i + 1 < len(ordered) else line_count
        sections.append(SectionFact(number=number, title=c.paragraph.text.strip(), line=c.paragraph.line,
                                    end_line=end, numeral=c.numeral if number in found else None,
                                    inferred=number in inferred))
    return tuple(sections)


def heading_values(sections: tuple[SectionFact, ...]) -> dict[str, int]:
    """`report.section_heading.<n>`: 1 when section n has its heading, 0 when it was found by its content alone;
    absent for a section not found (SEC-PRESENT's finding). (A heading's numeral is numbering_claims'.)"""
    return {f"report.section_heading.{s.number}": 0 if s.inferred else 1 for s in sections}


def length_values(sections: tuple[SectionFact, ...], paragraphs: Iterable[ParagraphFact]) -> dict[str, int]:
    """`report.section_length.<n>`: the characters of section n's text, its heading and white space not counted;
    absent for a section not found. How much a section says, where what it must say has no keyword (S5-THIN)."""
    lengths = dict.fromkeys((s.number for s in sections), 0)
    for paragraph in paragraphs:
        if paragraph.section in lengths:
            # str.split() splits at exactly the characters str.isspace() calls white space
            lengths[paragraph.section] += len("".join(paragraph.text.split()))
    return {f"report.section_length.{n}": count for n, count in lengths.items()}


MISNUMBERED = "claim.section_misnumbered"


def numbering_claims(sections: tuple[SectionFact, ...], numerals: str) -> tuple[Claim, ...]:
    """One claim for every heading numbered otherwise than the template numbers its section, at the first of them:
    a section added outside the template renumbers every one after it, which is one mistake, not four. Its value
    counts them, its text lists each heading with the numeral the template gives it. `numerals`: 一 to 十."""
    wrong = [s for s in sections if not s.inferred and s.numeral not in (None, s.number)]
    if not wrong:
        return ()
    text = "；".join(f"「{s.title}」应为「{numerals[s.number - 1]}、」" for s in wrong)
    first = wrong[0]
    return (Claim(MISNUMBERED, len(wrong), text, first.line, first.number, 1, 1 + len(text)),)


def section_at(sections: tuple[SectionFact, ...], line: int) -> int | None:
    for s in sections:
        if s.line <= line <= s.end_line:
            return s.number
    return None
