"""雷同: how much of a section repeats last year's report of the same body (domain.md §3.4 YOY-DUP, R21-7).

The share of this year's text (white space and punctuation aside) covered by runs of `GRAM` characters that also
occur in last year's same section, and the longest such passage. Twelve characters is about a short clause: common
phrases of the template (「政府信息公开」) are shorter, copied sentences are much longer.
"""

from __future__ import annotations

import re

from auditor.facts.model import Claim

GRAM = 12
COPIED = "claim.copied_from_last_year"
# The narrative sections where copying shows (一 总体情况, 五 问题及改进); shorter texts prove nothing.
SECTIONS = (1, 5)
MIN_CHARS = 100
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def overlap(this: str, last: str) -> tuple[float, str]:
    """(percent of `this` found in `last`, the longest passage of `this` found there)."""
    a, b = _NOISE.sub("", this), _NOISE.sub("", last)
    if len(a) < GRAM or len(b) < GRAM:
        return 0.0, ""
    grams = {b[i:i + GRAM] for i in range(len(b) - GRAM + 1)}
    covered = [False] * len(a)
    for i in range(len(a) - GRAM + 1):
        if a[i:i + GRAM] in grams:
            covered[i:i + GRAM] = [True] * GRAM
    best, start = (0, 0), None
    for i, flag in enumerate([*covered, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            best = max(best, (i - start, start))
            start = None
    length, at = best
    return 100.0 * sum(covered) / len(a), a[at:at + length]


def copied_claims(this: dict[int, tuple[int, str]], last: dict[int, str]) -> tuple[Claim, ...]:
    """One claim per narrative section both years have (this year's `{section: (heading line, text)}`, last year's
    `{section: text}`), its value the percentage copied, its text the longest copied passage (cut to 60 characters)."""
    claims = []
    for number in SECTIONS:
        if number not in this or number not in last or len(_NOISE.sub("", this[number][1])) < MIN_CHARS:
            continue
        percent, passage = overlap(this[number][1], last[number])
        line = this[number][0]
        shown = passage if len(passage) <= 60 else passage[:60] + "…"
        claims.append(Claim(key=COPIED, value=round(percent, 1), text=shown, line=line, section=number,
                            start_column=1, end_column=1))
    return tuple(claims)
