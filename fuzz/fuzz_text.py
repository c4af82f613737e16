"""Mutators for text-like inputs (plain text, Markdown, HTML): bytes in, bytes out, plus a description.

Each mutator takes the input's bytes, the input's own random generator and a Context, and returns the new bytes with
a one-line description of what it did (the "mutation path" saved with a failing input). Mutators never read the clock
or any global state, so an input is a pure function of (campaign seed, index). Outputs stay small: the largest
insertion is ~100 KB; real bombs exist only when Context.bombs is set.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Context:
    """What a mutator may use besides its input: other seeds to splice from, and whether bombs are allowed."""

    splice_pool: Sequence[bytes]
    bombs: bool = False


Mutator = Callable[[bytes, random.Random, Context], tuple[bytes, str]]

# Numbers that broke, or could break, the number parsing, the engine adapter or the durable-rules C engine: tiny
# decimals (exponent notation in Python's repr), magnitudes beyond 2**53 and 1e308, more digits than int() accepts
# (4,300), signs and bare fractions a cell should never hold, and digits that are not ASCII.
EXTREME_NUMBERS: tuple[str, ...] = (
    "0.00001", "0.000001", "0.0000000001", "1e-05", "1e16", "1E+16", "10000000000000000", "12345678901234567",
    "9007199254740993", "1e308", "1.8e308", "9" * 400, "1" + "0" * 399, "9" * 5000, "-1", "-0", "-12", "-0.00001",
    ".5", "5.", "0.5", "0" * 30 + "7", "3.14159265358979323846264338327950288", "1,234,567", "1_000", "NaN",
    "Infinity", "１２３", "１１", "０.０００１", "٣٤", "²", "1/0", "--3", "1.2.3",
)

# Characters a report should not contain but a damaged one may: NUL and C0 controls, an ANSI escape, C1 NEL,
# line/paragraph separators, bidi overrides, zero-width and replacement characters.
CONTROL_TEXTS: tuple[str, ...] = (
    "\x00", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b[31m", "\x1b]0;pwned\x07", "\x7f", "\x85", "\u2028", "\u2029",
    "\u202e", "\u200b", "\ufeff", "\ufffd", "\ufffe",
)

BOMS: tuple[tuple[str, bytes], ...] = (
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-32-le", b"\xff\xfe\x00\x00"), ("gb18030", b"\x84\x31\x95\x33"),
)

# Byte sequences no UTF-8 decoder accepts: a stray continuation or 0xFF, an overlong form, an encoded surrogate, a
# truncated multibyte character, a code point beyond U+10FFFF.
INVALID_UTF8: tuple[bytes, ...] = (b"\xff", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe4\xb8", b"\xf4\x90\x80\x80",
                                   b"\xfe\xfe\xfe")

_DIGITS = re.compile(rb"\d+(?:\.\d+)?")
_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def encoding_of(data: bytes) -> str:
    """The encoding to write inserted text in, so an insertion does not itself make the file undecodable."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"  # the corpus's non-UTF-8 reports are GBK; gb18030 encodes every code point
    return "utf-8"


def _encode(text: str, data: bytes) -> bytes:
    return text.encode(encoding_of(data), errors="replace")


def _ascii_boundary(data: bytes, pos: int) -> int:
    """The first position at or after `pos` just before an ASCII byte: a character boundary in UTF-8 and GBK."""
    while pos < len(data) and data[pos] >= 0x80:
        pos += 1
    return pos


def _line_spans(data: bytes) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(rb"\n", data):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(data):
        spans.append((start, len(data)))
    return spans


def flip_bits(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    if not data:
        return data, "flip_bits: empty input"
    out = bytearray(data)
    positions = sorted(rng.randrange(len(out)) for _ in range(rng.randint(1, 8)))
    for pos in positions:
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out), f"flip_bits at {positions}"


def insert_random_bytes(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    pos, junk = rng.randint(0, len(data)), rng.randbytes(rng.randint(1, 16))
    return data[:pos] + junk + data[pos:], f"insert_random_bytes {junk.hex()} at {pos}"


def delete_bytes(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    start = rng.randint(0, len(data))
    end = min(len(data), start + rng.choice((1, 2, 7, 64, 256, 4096)))
    return data[:start] + data[end:], f"delete_bytes [{start}:{end}]"


def truncate(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    pos = rng.randint(0, len(data))
    return data[:pos], f"truncate at {pos} of {len(data)}"


def splice(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    """A chunk of another seed inserted at a line start of this one (or replacing a region): two reports' tables or
    sections in one file."""
    other = rng.choice(list(ctx.splice_pool)) if ctx.splice_pool else data
    a = rng.randint(0, len(other))
    chunk = other[a:a + rng.choice((64, 512, 4096))]
    lines = _line_spans(data) or [(0, 0)]
    at = rng.choice(lines)[0]
    cut = at + (rng.choice((0, 0, 64, 1024)))
    return data[:at] + chunk + data[min(cut, len(data)):], f"splice {len(chunk)} bytes from another seed at {at}"


def extreme_number(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    """Digit runs replaced by one extreme number: one run, every run on one line (a table row), or every run."""
    runs = list(_DIGITS.finditer(data))
    if not runs:
        return data, "extreme_number: no digits"
    value = rng.choice(EXTREME_NUMBERS)
    scope = rng.choices(("one", "line", "all"), weights=(6, 3, 1))[0]
    if scope == "one":
        chosen = [rng.choice(runs)]
    elif scope == "line":
        pick = rng.choice(runs)
        line_start, line_end = data.rfind(b"\n", 0, pick.start()) + 1, data.find(b"\n", pick.end())
        line_end = len(data) if line_end < 0 else line_end
        chosen = [r for r in runs if line_start <= r.start() < line_end]
    else:
        chosen = runs
    encoded = _encode(value, data)
    out, last = bytearray(), 0
    for run in chosen:
        out += data[last:run.start()] + encoded
        last = run.end()
    out += data[last:]
    where = chosen[0].start()
    shown = value if len(value) <= 24 else f"{value[:6]}…({len(value)} chars)"
    return bytes(out), f"extreme_number {shown!r} replacing {len(chosen)} run(s) ({scope}), first at byte {where}"


def full_width_digits(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    runs = list(_DIGITS.finditer(data))
    if not runs:
        return data, "full_width_digits: no digits"
    run = rng.choice(runs)
    wide = _encode(run.group().decode("ascii").translate(_FULL_WIDTH), data)
    return data[:run.start()] + wide + data[run.end():], f"full_width_digits {run.group()!r} at {run.start()}"


def control_chars(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    out, done = data, []
    for _i in range(rng.randint(1, 5)):
        text = rng.choice(CONTROL_TEXTS)
        pos = _ascii_boundary(out, rng.randint(0, len(out)))
        out = out[:pos] + _encode(text, out) + out[pos:]
        done.append(f"{text!r}@{pos}")
    return out, f"control_chars {', '.join(done)}"


def bom_and_invalid(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    """BOMs, invalid UTF-8, odd-length or surrogate-bearing UTF-16, and whole-file re-encodings."""
    variant = rng.choice(("bom", "bom_invalid", "invalid", "utf16_odd", "utf16_surrogate", "reencode"))
    text = data.decode(encoding_of(data), errors="replace")
    if variant in {"bom", "bom_invalid"}:
        name, bom = rng.choice(BOMS)
        body = data if variant == "bom" else data[:64] + rng.choice(INVALID_UTF8) + data[64:]
        return bom + body, f"{variant}: {name} BOM before the original bytes"
    if variant == "invalid":
        out, where = data, []
        for _i in range(rng.randint(1, 5)):
            pos, bad = rng.randint(0, len(out)), rng.choice(INVALID_UTF8)
            out = out[:pos] + bad + out[pos:]
            where.append(f"{bad.hex()}@{pos}")
        return out, f"invalid_utf8 {', '.join(where)}"
    if variant == "utf16_odd":
        encoded = b"\xff\xfe" + text.encode("utf-16-le")
        cut = rng.randrange(3, len(encoded), 2) if len(encoded) > 3 else 3
        return encoded[:cut], f"utf16_odd: UTF-16-LE with BOM cut to odd length {cut}"
    if variant == "utf16_surrogate":
        encoded = text.encode("utf-16-le")
        pos = rng.randrange(0, max(1, len(encoded)), 2) if encoded else 0
        lone = rng.choice((b"\x00\xd8", b"\x00\xdc"))
        return b"\xff\xfe" + encoded[:pos] + lone + encoded[pos:], f"utf16_surrogate: lone {lone.hex()} at {pos}"
    codec = rng.choice(("gb18030", "big5", "utf-16-be", "shift_jis", "latin-1"))
    return text.encode(codec, errors="replace"), f"reencode whole file as {codec} (no BOM)"


def duplicate_rows(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    """A line with digits (usually a table row) repeated: a row key met twice, a table taller than its template."""
    lines = [s for s in _line_spans(data) if _DIGITS.search(data, s[0], s[1])] or _line_spans(data)
    if not lines:
        return data, "duplicate_rows: no lines"
    start, end = rng.choice(lines)
    times = rng.choice((1, 2, 10, 50, 200))
    row = data[start:end] if data[start:end].endswith(b"\n") else data[start:end] + b"\n"
    return data[:end] + row * times + data[end:], f"duplicate_rows line at byte {start} x{times}"


def duplicate_chunk(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    start = rng.randint(0, len(data))
    end = min(len(data), start + rng.choice((256, 2048, 8192)))
    return data[:end] + data[start:end] + data[end:], f"duplicate_chunk [{start}:{end}]"


def flatten(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    """Newlines removed from a region (or all): the web-dump shape with a whole body on one line."""
    whole = rng.random() < 0.3
    start = 0 if whole else rng.randint(0, len(data))
    end = len(data) if whole else min(len(data), start + rng.choice((512, 4096)))
    joiner = rng.choice((b"", b" ", b"\t"))
    middle = data[start:end].replace(b"\r\n", b"\n").replace(b"\n", joiner)
    return data[:start] + middle + data[end:], f"flatten [{start}:{end}] joined by {joiner!r}"


def long_line(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    unit = rng.choice(("一", "1", "|", " ", "（一）", "12,", "<", "&amp;"))
    size = rng.choice((10_000, 100_000))
    pos = _ascii_boundary(data, rng.randint(0, len(data)))
    blob = _encode(unit * (size // len(unit.encode("utf-8"))), data)
    return data[:pos] + blob + data[pos:], f"long_line {unit!r} x{size // len(unit.encode('utf-8'))} at {pos}"


def shuffle_lines(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data, "shuffle_lines: one line"
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines), f"shuffle_lines swap {a} and {b}"


TEXT_MUTATORS: tuple[tuple[Mutator, int], ...] = (
    (flip_bits, 3), (insert_random_bytes, 2), (delete_bytes, 2), (truncate, 1), (splice, 2), (extreme_number, 8),
    (full_width_digits, 2), (control_chars, 3), (bom_and_invalid, 4), (duplicate_rows, 3), (duplicate_chunk, 1),
    (flatten, 1), (long_line, 1), (shuffle_lines, 1),
)


def pick(mutators: Sequence[tuple[Mutator, int]], rng: random.Random) -> Mutator:
    """One mutator, by weight."""
    return rng.choices([m for m, _ in mutators], weights=[w for _, w in mutators])[0]
