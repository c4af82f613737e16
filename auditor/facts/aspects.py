"""The five aspects of 总体情况 (国办公开办函〔2021〕30号: 主动公开, 依申请公开, 政府信息管理, 政府信息公开平台建设,
监督保障; domain.md R21-2), recognised by what each part of the section is about (issue 10 part 6).

A word anywhere in the section is not enough: sample 004 has no 政府信息管理 part, yet its 组织保障 part mentions the
公开指南. So the section is cut into its parts (「（一）…」「一、…」「1.…」「一是…」), and each part is about the
aspects its heading names, or, when the heading names none, the aspect its text speaks of most. A section without
parts is read as one. Each aspect covered becomes a claim `claim.aspect_<name>` (value 1) at the part's first
line, which rule S1-ASPECTS requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.facts.model import Claim, ParagraphFact
from auditor.facts.normalize import nfkc

# What names each aspect, in a part's heading and in its text. Heading words are narrower than text words: a heading
# 「加强组织保障」 is about 监督保障, while a text mentions 网站 in passing.
_HEADING = {
    "aspect_proactive": r"主动公开|政策解读|解读回应|信息发布",
    "aspect_request": r"依申请|申请公开|公开申请",
    "aspect_management": r"信息管理|公开属性|保密审查|发布审查|发布审核|公开指南|公开目录|规范性文件(?:管理|清理)|"
                         r"制度建设|信息资源",
    "aspect_platform": r"平台|网站|新媒体|渠道|栏目|专栏|专区|公报|政务服务|阵地",
    # Not a bare 监督: 「意见征集栏目中接受群众监督」 (sample 003) is a column of the website, not 监督保障.
    "aspect_oversight": r"监督保障|监督考核|监督检查|保障|考核|培训|评议|责任|组织领导|队伍",
}
_TEXT = {
    "aspect_proactive": r"主动公开|政策解读|解读",
    "aspect_request": r"依申请|申请公开|公开申请|答复",
    "aspect_management": r"信息管理|公开属性|保密审查|发布审查|发布审核|公开指南|公开目录|动态更新|清理",
    "aspect_platform": r"平台|网站|新媒体|公众号|微博|专栏|专区|公报",
    "aspect_oversight": r"监督|考核|培训|评议|责任追究|督查|督导",
}
_HEADING_RE = {k: re.compile(v) for k, v in _HEADING.items()}
_TEXT_RE = {k: re.compile(v) for k, v in _TEXT.items()}
# The marks that open a part of 总体情况, with the part's heading up to the first 。 or ：.
_PART = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．]|"
                   r"[一二三四五六七八九十]是)\s*(?P<heading>[^。：:；，,]{1,16})")
_MIN_TEXT_HITS = 2  # a headless part is about an aspect only when its text names it more than in passing


@dataclass(frozen=True)
class _Part:
    line: int
    heading: str
    text: str


def _parts(paragraphs: Iterable[ParagraphFact]) -> list[_Part]:
    parts: list[_Part] = []
    for p in paragraphs:
        text = nfkc(p.text)
        match = _PART.match(text)
        if match or not parts:
            parts.append(_Part(p.line, match.group("heading") if match else "", text))
        else:
            last = parts[-1]
            parts[-1] = _Part(last.line, last.heading, last.text + text)
    return parts


def _quote(part: _Part, aspect: str) -> str:
    """What a claim quotes: the part's heading, else the words that named the aspect (the same in every format,
    where a paragraph's first characters are not: a PDF breaks its lines elsewhere)."""
    if part.heading:
        return part.heading
    found = _TEXT_RE[aspect].search(part.text)
    return found.group() if found else part.text[:10]


def _aspects_of(part: _Part) -> list[str]:
    named = [a for a, pattern in _HEADING_RE.items() if pattern.search(part.heading)]
    if named:
        return named
    hits = {a: len(pattern.findall(part.text)) for a, pattern in _TEXT_RE.items()}
    best = max(hits.values())
    return [a for a, n in hits.items() if n == best] if best >= _MIN_TEXT_HITS else []


def aspect_claims(paragraphs: Iterable[ParagraphFact]) -> tuple[Claim, ...]:
    """One claim per aspect 总体情况 covers, at the first part about it."""
    parts = _parts(p for p in paragraphs if p.section == 1)
    if not parts:
        return ()
    if len(parts) > 1 and not parts[0].heading:
        parts = parts[1:]  # the opening paragraph before the first part sums up the year; it is no part
    if len(parts) == 1:  # prose without parts: each aspect it names at all
        part = parts[0]
        covered = {a: part for a, pattern in _TEXT_RE.items() if pattern.search(part.text)}
    else:
        covered = {}
        for part in parts:
            for aspect in _aspects_of(part):
                covered.setdefault(aspect, part)
    claims = []
    for aspect, part in covered.items():
        quoted = _quote(part, aspect)
        claims.append(Claim(f"claim.{aspect}", 1, quoted, part.line, 1, 1, 1 + len(quoted)))
    return tuple(claims)
