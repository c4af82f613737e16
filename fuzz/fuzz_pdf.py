"""Mutators for PDF: truncation, damaged streams (compressed bytes flipped, or the inflated content edited and
deflated again), duplicated objects, lying numbers in dictionaries and the cross-reference table.

The seeds keep their objects in the clear (no object streams), so objects and streams are found by pattern.
"""

from __future__ import annotations

import functools
import random
import re
import zlib

from fuzz_text import EXTREME_NUMBERS, Context, Mutator, flip_bits, truncate

BOMB_BYTES = 1 << 30
DICT_NUMBERS: tuple[bytes, ...] = (b"0", b"-1", b"99999999999", b"1e308", b"2147483648", b"9" * 400, b"0.00001",
                                   b"-0", b"3.5")

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_OBJECT = re.compile(rb"\d+ \d+ obj\b.*?endobj", re.DOTALL)
_DICT_NUMBER = re.compile(rb"/(Length|Count|Size|W|MediaBox|Prev|First|N|Columns|Predictor|BitsPerComponent)"
                          rb"[ \[]*(-?\d+)")
_OPERAND = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


def _streams(data: bytes) -> list[re.Match[bytes]]:
    return list(_STREAM.finditer(data))


def flip_stream(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    streams = _streams(data)
    if not streams:
        return flip_bits(data, rng, ctx)
    stream = rng.choice(streams)
    out = bytearray(data)
    span = max(1, stream.end(1) - stream.start(1))
    positions = sorted(stream.start(1) + rng.randrange(span) for _ in range(rng.randint(1, 16)))
    for pos in positions:
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out), f"flip_stream at {stream.start()}: bits at {positions[:6]}{'…' if len(positions) > 6 else ''}"


def _edit_content(content: bytes, rng: random.Random) -> tuple[bytes, str]:
    operands = list(_OPERAND.finditer(content))
    variant = rng.choice(("number", "number", "duplicate", "truncate", "flip"))
    if variant == "number" and operands:
        hit, value = rng.choice(operands), rng.choice(EXTREME_NUMBERS).encode("utf-8")
        return content[:hit.start()] + value + content[hit.end():], f"operand {hit.group()!r} -> {value[:24]!r}"
    if variant == "duplicate" and content:
        start = rng.randrange(len(content))
        end = min(len(content), start + rng.choice((64, 1024, 16384)))
        times = rng.choice((2, 20))
        return content[:end] + content[start:end] * times + content[end:], f"[{start}:{end}] repeated x{times}"
    if variant == "truncate" and content:
        pos = rng.randrange(len(content))
        return content[:pos], f"cut at {pos} of {len(content)}"
    out, what = flip_bits(content, rng, Context(()))
    return out, what


def reflate_stream(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    """A Flate stream inflated, its content edited (an operand made extreme, a run repeated, cut, bits flipped),
    deflated again and its /Length set to the new size (which moves the later objects: xref offsets go stale)."""
    candidates = []
    for stream in _streams(data):
        head = data[max(0, stream.start() - 300):stream.start()]
        if b"FlateDecode" in head[head.rfind(b"obj"):]:
            candidates.append(stream)
    if not candidates:
        return flip_stream(data, rng, ctx)
    stream = rng.choice(candidates)
    try:
        content = zlib.decompressobj().decompress(stream.group(1), 16 << 20)
    except zlib.error:
        return flip_stream(data, rng, ctx)
    edited, what = _edit_content(content, rng)
    packed = zlib.compress(edited)
    dict_start = data.rfind(b"obj", 0, stream.start())
    head = re.sub(rb"/Length \d+(?: \d+ R)?", b"/Length %d" % len(packed), data[dict_start:stream.start()], count=1)
    out = data[:dict_start] + head + b"stream\n" + packed + b"\nendstream" + data[stream.end():]
    return out, f"reflate_stream at {stream.start()}: {what}"


def duplicate_object(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    objects = [m for m in _OBJECT.finditer(data) if len(m.group()) < 65536]
    if not objects:
        return flip_bits(data, rng, ctx)
    obj = rng.choice(objects)
    copy = obj.group()
    if rng.random() < 0.5:  # the copy differs: which of two objects with one number is read?
        copy, _ = flip_bits(copy, rng, ctx)
    where = data.rfind(b"xref") if rng.random() < 0.5 else obj.end()
    where = obj.end() if where < 0 else where
    return data[:where] + b"\n" + copy + b"\n" + data[where:], f"duplicate_object at {obj.start()} inserted at {where}"


def dict_number(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    hits = list(_DICT_NUMBER.finditer(data))
    if not hits:
        return flip_bits(data, rng, ctx)
    hit, value = rng.choice(hits), rng.choice(DICT_NUMBERS)
    return data[:hit.start(2)] + value + data[hit.end(2):], \
        f"dict_number /{hit.group(1).decode()} {hit.group(2).decode()} -> {value[:24]!r} at {hit.start()}"


def break_xref(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    found = list(re.finditer(rb"startxref\s+(\d+)", data))
    if not found:
        return flip_bits(data, rng, ctx)
    hit = found[-1]
    value = rng.choice((b"0", b"1", b"99999999", b"-5", str(rng.randrange(len(data))).encode()))
    return data[:hit.start(1)] + value + data[hit.end(1):], f"break_xref startxref -> {value!r}"


def pdf_truncate(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    if rng.random() < 0.5:
        pos = max(0, len(data) - rng.choice((1, 10, 100, 2000)))
        return data[:pos], f"pdf_truncate: last {len(data) - pos} bytes cut"
    return truncate(data, rng, ctx)


@functools.lru_cache(maxsize=4)
def _bomb(data: bytes) -> bytes:
    """The first page content stream replaced by one inflating to BOMB_BYTES of spaces."""
    contents = re.search(rb"/Contents\s+(\d+)\s+0\s+R", data)
    target = re.search(rb"\b%s 0 obj\b" % contents.group(1), data) if contents else None
    stream = _STREAM.search(data, target.end()) if target else None
    if target is None or stream is None:
        return data
    packer = zlib.compressobj(9)
    block = b" " * (1 << 20)
    packed = b"".join(packer.compress(block) for _ in range(BOMB_BYTES // len(block))) + packer.flush()
    head = re.sub(rb"/Length \d+(?: \d+ R)?", b"/Length %d" % len(packed), data[target.end():stream.start()], count=1)
    return data[:target.end()] + head + b"stream\n" + packed + b"\nendstream" + data[stream.end():]


def pdf_bomb(data: bytes, _: random.Random, ctx: Context) -> tuple[bytes, str]:
    if not ctx.bombs:
        return data, "pdf_bomb: off"
    return _bomb(data), f"pdf_bomb: first page content inflates to {BOMB_BYTES >> 20} MiB"


PDF_MUTATORS: tuple[tuple[Mutator, int], ...] = (
    (pdf_truncate, 3), (flip_stream, 4), (reflate_stream, 8), (duplicate_object, 4), (dict_number, 4),
    (break_xref, 2), (flip_bits, 2),
)
BOMB_MUTATORS: tuple[tuple[Mutator, int], ...] = ((pdf_bomb, 4),)
