"""Mutators for HTML: table spans, deep nesting, repeated rows, character references (on top of the text mutators).

By default a span is made huge on one cell only (the reader must clamp it); `--bombs` sets rowspan × colspan at
the grid-bomb sizes of issue 9 on several cells.
"""

from __future__ import annotations

import random
import re

from fuzz_text import TEXT_MUTATORS, Context, Mutator

SPAN_VALUES: tuple[str, ...] = ("0", "-1", "2", "1000", "1001", "65534", "2147483647", "2147483648",
                                "99999999999999999999", "1e9", "abc", "", " 3 ", "３", "1.5")
BOMB_SPANS: tuple[tuple[str, str], ...] = (("65534", "1000"), ("1000", "1000"), ("65534", "65534"))

_CELL = re.compile(rb"<t[dh](?=[\s>])", re.IGNORECASE)
_SPAN_ATTR = re.compile(rb"\s(?:rowspan|colspan)\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_ROW = re.compile(rb"<tr[\s>].*?</tr>", re.IGNORECASE | re.DOTALL)
_TAG_END = re.compile(rb">")
_NESTERS: tuple[tuple[bytes, bytes], ...] = (
    (b"<div>", b"</div>"), (b"<span>", b"</span>"), (b"<b>", b"</b>"), (b"<table><tr><td>", b"</td></tr></table>"),
    (b"<ul><li>", b"</li></ul>"), (b"<blockquote>", b"</blockquote>"), (b"<td>", b""), (b"<tr>", b""),
)
ENTITIES: tuple[bytes, ...] = (b"&#0;", b"&#xD800;", b"&#x110000;", b"&#99999999999;", b"&#xFF11;", b"&#8203;",
                               b"&nbsp;", b"&#x202E;", b"&#27;[2J", b"&unknown;", b"&#", b"&amp")


def huge_span(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    cells = list(_CELL.finditer(data))
    if not cells:
        return data, "huge_span: no cells"
    chosen = rng.sample(cells, min(len(cells), rng.choice((3, 8)))) if ctx.bombs else [rng.choice(cells)]
    if ctx.bombs:
        rows, cols = rng.choice(BOMB_SPANS)
    else:
        value = rng.choice(SPAN_VALUES)
        rows, cols = (value, "1") if rng.random() < 0.5 else ("1", value)
    attr = f' rowspan="{rows}" colspan="{cols}"'.encode()
    out, last = bytearray(), 0
    for cell in sorted(chosen, key=lambda m: m.start()):
        out += data[last:cell.end()] + attr
        last = cell.end()
    out += data[last:]
    where = chosen[0].start()
    return bytes(out), f"huge_span rowspan={rows!r} colspan={cols!r} on {len(chosen)} cell(s), first at {where}"


def strip_spans(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    found = list(_SPAN_ATTR.finditer(data))
    if not found:
        return data, "strip_spans: none"
    gone = rng.choice(found)
    return data[:gone.start()] + data[gone.end():], f"strip_spans {gone.group().strip()!r} at {gone.start()}"


def deep_nesting(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    opener, closer = rng.choice(_NESTERS)
    depth = rng.choice((100, 500, 1000, 3000, 10000))
    tags = list(_TAG_END.finditer(data))
    pos = rng.choice(tags).end() if tags else 0
    closed = rng.random() < 0.7
    blob = opener * depth + b"1" + (closer * depth if closed else b"")
    return data[:pos] + blob + data[pos:], f"deep_nesting {opener.decode()} x{depth} at {pos} closed={closed}"


def duplicate_tr(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    rows = list(_ROW.finditer(data))
    if not rows:
        return data, "duplicate_tr: no rows"
    row, times = rng.choice(rows), rng.choice((1, 2, 10, 100))
    return data[:row.end()] + row.group() * times + data[row.end():], f"duplicate_tr at {row.start()} x{times}"


def char_refs(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    """Character references that decode to NUL, surrogates, out-of-range code points, controls or full-width digits,
    placed in a cell's text when one is found."""
    cells = list(re.finditer(rb"<t[dh][^>]*>", data, re.IGNORECASE)) or list(_TAG_END.finditer(data))
    pos = rng.choice(cells).end() if cells else 0
    ref = rng.choice(ENTITIES)
    return data[:pos] + ref + data[pos:], f"char_refs {ref.decode()} at {pos}"


HTML_MUTATORS: tuple[tuple[Mutator, int], ...] = TEXT_MUTATORS + (
    (huge_span, 6), (strip_spans, 2), (deep_nesting, 4), (duplicate_tr, 4), (char_refs, 3),
)
