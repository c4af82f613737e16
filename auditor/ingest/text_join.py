"""Text the source split where the report has no break of its own: a DOCX line break or cell paragraph, white space
between HTML tags. Whether such a break is a space or nothing is one rule for both readers (`join`, `glues`). A
layout wrap (a PDF's line, a text copy of one: pdf.py, rewrap.py) is a different question, with its own rule
(`join_wrapped`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def glues(before: str, after: str) -> bool:
    """Whether a break between the characters `before` and `after` ("" at an end of the text) is nothing rather than
    one space: next to a wide character (CJK, full-width forms: those scripts put no space between words) and between
    two digits or a digit and a mark numbers carry (a number split across spans, runs or a narrow cell's lines).
    Elsewhere, Latin words, other punctuation and a digit beside a Latin letter included, it is a space."""
    if not before or not after or (before.isdigit() and after.isdigit()):
        return True
    if (before.isdigit() and after in _IN_NUMBERS) or (after.isdigit() and before in _IN_NUMBERS):
        return True  # 「85.」「5%」, 「1,」「234」, 「0517-」「8360」: a number or a phone number split, not two words
    return _wide(before) or _wide(after)


# Marks that sit inside or right after a number as written: decimals, thousands, percent, ranges, phone numbers,
# dates and times.
_IN_NUMBERS = frozenset(".,%-/:")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F"}


def join(pieces: Iterable[str]) -> str:
    """The pieces stripped and joined, empty ones dropped, with a space between two only where they do not glue:
    「商业」「企业」 → 「商业企业」, 「1」「2」 → 「12」, 「Total」「count」 → 「Total count」."""
    out = ""
    for piece in (p.strip() for p in pieces):
        if piece:
            out += ("" if glues(out[-1:], piece[0]) else " ") + piece
    return out


# A line that ends with one of these ends its sentence: a layout wrap never falls there, a paragraph may end.
SENTENCE_END = re.compile(r"[。！？；：:;!?”」）)]$")


def join_wrapped(before: str, after: str) -> str:
    """Two lines a layout wrapped, joined. Not `glues` (DOCX, HTML): those breaks are in the source, this one is a
    wrap, and Chinese line breaking wraps anywhere (inside a number 「0517-8」「3605210」, after 「0517-」 or 「“」,
    inside a URL), so only two English words keep a space."""
    if before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() and after[:1].isalpha():
        return f"{before} {after}"
    return before + after
