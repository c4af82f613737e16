"""雷同: how much of a section repeats another report — last year's report of the same body (domain.md §3.4
YOY-DUP) or another body's report of the same year (§4 M-DUP, store/peers.py); R21-7 names 内容雷同 as accountable.

The share of this year's text (white space and punctuation aside) covered by runs of `GRAM` characters that also
occur in last year's same section, and the longest such passage. Twelve characters is about a short clause: common
phrases of the template (「政府信息公开」) are shorter, copied sentences are much longer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from auditor.facts.model import Claim

GRAM = 12
COPIED = "claim.copied_from_last_year"
COPIED_FROM_PEER = "claim.copied_from_peer"
# The narrative sections where copying shows (一 总体情况, 五 问题及改进); shorter texts prove nothing.
SECTIONS = (1, 5)
MIN_CHARS = 100
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def bare(text: str) -> str:
    """The text as compared: white space and punctuation removed."""
    return _NOISE.sub("", text)


def grams(text: str) -> set[str]:
    """The `GRAM`-character runs of a bare text: what overlap looks up, and what the peer index hashes."""
    return {text[i:i + GRAM] for i in range(len(text) - GRAM + 1)}


def judged(text: str) -> bool:
    """Whether a section is long enough for its overlap to mean anything."""
    return len(bare(text)) >= MIN_CHARS


@lru_cache(maxsize=64)  # a year's most copied report is the candidate of many: its runs are gathered once
def _grams_of(bare_text: str) -> frozenset[str]:
    return frozenset(grams(bare_text))


def overlap(this: str, last: str) -> tuple[float, str]:
    """(percent of `this` found in `last`, the longest passage of `this` found there: the longest, and of two as
    long the later)."""
    a, b = bare(this), bare(last)
    if len(a) < GRAM or len(b) < GRAM:
        return 0.0, ""
    found = _grams_of(b)
    # Each run found covers its GRAM characters; runs that overlap or touch make one passage.
    covered, best = 0, (0, 0)
    start = end = -1
    for i in range(len(a) - GRAM + 1):
        if a[i:i + GRAM] not in found:
            continue
        if i > end:  # a new passage: the last one ends
            if end >= 0:
                covered += end - start
                best = max(best, (end - start, start))
            start = i
        end = i + GRAM
    if end >= 0:
        covered += end - start
        best = max(best, (end - start, start))
    length, at = best
    return 100.0 * covered / len(a), a[at:at + length]


def copied_claim(key: str, number: int, heading_line: int, percent: float, passage: str,
                 source: str | None = None) -> Claim:
    """A derived claim on one section: its value the percentage copied, its text the longest copied passage (cut to
    60 characters), located at the section's heading."""
    shown = passage if len(passage) <= 60 else passage[:60] + "…"
    return Claim(key=key, value=round(percent, 1), text=shown, line=heading_line, section=number,
                 start_column=1, end_column=1, source=source)


def copied_claims(this: dict[int, tuple[int, str]], last: dict[int, str]) -> tuple[Claim, ...]:
    """One claim per narrative section both years have (this year's `{section: (heading line, text)}`, last year's
    `{section: text}`), comparing this year's text with last year's."""
    claims = []
    for number in SECTIONS:
        if number not in this or number not in last or not judged(this[number][1]):
            continue
        percent, passage = overlap(this[number][1], last[number])
        claims.append(copied_claim(COPIED, number, this[number][0], percent, passage))
    return tuple(claims)


def stored_section_texts(facts_json: dict[str, Any]) -> dict[int, str]:
    """Each section's narrative from stored facts (auditor.facts.model.to_json): its paragraphs' text joined."""
    texts: dict[int, str] = {}
    for paragraph in facts_json.get("paragraphs", ()):
        if paragraph.get("section"):
            texts[paragraph["section"]] = texts.get(paragraph["section"], "") + paragraph["text"]
    return texts
