"""Paragraphs a text copy of a PDF wrapped at the page's width, put back together.

A Markdown or text file saved from a PDF (the 上海 reports) breaks every paragraph into lines of one width: 「其中，
予以公开及部」 / 「分公开 208 件（17.46%）」. Read line by line, a statement cut by the wrap is never read. The wrap is
recognised by the file itself: many prose lines of nearly one display width (a CJK character is two columns). Only
then is a line that fills the width and does not end a sentence joined with the prose line right after it, by the
rule pdf.py joins a PDF's wrapped lines with (text_join.join_wrapped). A file whose paragraphs are one line each
(most Markdown) has no such width, and nothing is joined. The joined paragraph keeps its first line's number.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

from auditor.ingest.document import Paragraph
from auditor.ingest.text_join import SENTENCE_END, join_wrapped

MIN_WRAPPED_LINES = 10  # prose lines at the common width, for a file to count as wrapped
MIN_SHARE = 0.25  # of its prose lines
MIN_WIDTH = 30  # columns: a width narrower than this is a list or a table, not a page's wrap
SLACK = 8  # columns a wrapped line may fall short of the width (half-width digits, a character moved down)


class _Widths(dict[str, int]):
    """Each character's display width, looked up once per process: a report's lines repeat a few thousand
    characters, and a dict's lookup (map's, in C) costs a tenth of unicodedata's call."""

    def __missing__(self, ch: str) -> int:
        found = 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1
        if len(self) < _MAX_CACHED:  # a file of every character there is must not grow it without end
            self[ch] = found
        return found


_MAX_CACHED = 1 << 16
_WIDTHS = _Widths()


def width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


def wrap_width(lines: Sequence[str]) -> int | None:
    """The display width the file's prose was wrapped at, or None when it was not."""
    widths = [width(line) for line in lines]
    counted = Counter(w for w in widths if w >= MIN_WIDTH)
    if not counted:
        return None
    mode = max(counted, key=lambda w: (sum(counted[v] for v in range(w - 2, w + 3)), w))
    near = sum(1 for w in widths if mode - SLACK <= w <= mode + 3)
    if near < MIN_WRAPPED_LINES or near < MIN_SHARE * len(widths):
        return None
    return mode


def unwrap(prose: Sequence[Paragraph], follows: set[tuple[int, int]]) -> list[Paragraph]:
    """The prose paragraphs with wrapped lines joined. `follows` holds the (line, next line) pairs with nothing but
    a page mark between them: only those may join (a blank line or a table ends a paragraph)."""
    limit = wrap_width([p.text for p in prose if p.heading_level is None])
    if limit is None:
        return list(prose)
    out: list[Paragraph] = []
    last_line, last_text = -1, ""  # the physical line before, of the paragraph being built
    for paragraph in prose:
        previous = out[-1] if out else None
        if (previous is not None and previous.heading_level is None and paragraph.heading_level is None
                and (last_line, paragraph.line) in follows and _fills(last_text, limit)):
            out[-1] = Paragraph(previous.line, join_wrapped(previous.text, paragraph.text))
        else:
            out.append(paragraph)
        last_line, last_text = paragraph.line, paragraph.text
    return out


def _fills(text: str, limit: int) -> bool:
    """Whether a physical line was cut by the wrap: it fills the width and does not end a sentence."""
    return width(text) >= limit - SLACK and not SENTENCE_END.search(text)
