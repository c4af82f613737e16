"""Mutators for DOCX: the XML members (cell numbers, gridSpan, vMerge, truncation, nesting) and the zip container
(truncation, a damaged deflate stream, forged sizes, duplicate and missing members).

An XML mutator unpacks the package, changes one member and packs it again (fixed timestamps, so the bytes are the
same on every run); when an earlier container mutation left no readable zip it flips bytes instead.
"""

from __future__ import annotations

import functools
import io
import random
import re
import struct
import warnings
import zipfile
from collections.abc import Callable

from fuzz_text import EXTREME_NUMBERS, INVALID_UTF8, Context, Mutator, flip_bits

Members = list[tuple[str, bytes]]
XmlChange = Callable[[bytes, random.Random], tuple[bytes, str]]
MAIN = "word/document.xml"
GRID_VALUES: tuple[str, ...] = ("0", "-1", "2", "50", "1000", "1001", "65534", "2147483648", "9" * 25, "abc", "",
                                " 3", "1e3")
VMERGE_VALUES: tuple[str, ...] = ("restart", "continue", "bogus", "")
BOMB_BYTES = 1 << 30  # what issue 9 measured: a member inflating to 1 GB

# duplicate_member writes two entries of one name on purpose
warnings.filterwarnings("ignore", "Duplicate name", UserWarning, "zipfile")

_TEXT_RUN = re.compile(rb"(<w:t(?:\s[^>]*)?>)([^<]*\d[^<]*)(</w:t>)")
_DIGITS = re.compile(rb"\d+(?:\.\d+)?")
_TCPR = re.compile(rb"<w:tcPr>")
_ROW = re.compile(rb"<w:tr[\s>].*?</w:tr>", re.DOTALL)
_CELL_BODY = re.compile(rb"(<w:tc>)(.*?)(</w:tc>)", re.DOTALL)


def unpack(data: bytes) -> Members | None:
    """The package's members in order, or None when it is no readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return [(info.filename, package.read(info)) for info in package.infolist()]
    except Exception:  # noqa: BLE001 - any damage means "not a package any more"; the caller flips bytes instead
        return None


def pack(members: Members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, body in members:
            package.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _xml_mutator(change: XmlChange) -> Mutator:
    """A bytes mutator from one that changes an XML member: document.xml mostly, sometimes another XML part."""

    def mutate(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
        members = unpack(data)
        if members is None:
            out, what = flip_bits(data, rng, ctx)
            return out, f"{change.__name__}: not a zip any more, {what}"
        names = [n for n, _ in members if n.endswith((".xml", ".rels"))]
        target = MAIN if MAIN in names and rng.random() < 0.8 else rng.choice(names or [MAIN])
        index = next((i for i, (n, _) in enumerate(members) if n == target), None)
        if index is None:
            return data, f"{change.__name__}: no {target}"
        body, what = change(members[index][1], rng)
        members[index] = (target, body)
        return pack(members), f"{change.__name__} in {target}: {what}"

    mutate.__name__ = change.__name__
    return mutate


def cell_number(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    runs = list(_TEXT_RUN.finditer(xml))
    if not runs:
        return xml, "no text with digits"
    run, value = rng.choice(runs), rng.choice(EXTREME_NUMBERS)
    text = _DIGITS.sub(value.encode("utf-8").replace(b"\\", b"\\\\"), run.group(2), count=1)
    shown = value if len(value) <= 24 else f"{value[:6]}…({len(value)} chars)"
    return xml[:run.start(2)] + text + xml[run.end(2):], f"{run.group(2)[:20]!r} -> {shown!r} at {run.start()}"


def grid_span(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    value = rng.choice(GRID_VALUES).encode()
    existing = list(re.finditer(rb'<w:gridSpan w:val="[^"]*"/>', xml))
    if existing and rng.random() < 0.5:
        hit = rng.choice(existing)
        return xml[:hit.start()] + b'<w:gridSpan w:val="' + value + b'"/>' + xml[hit.end():], \
            f"gridSpan at {hit.start()} set to {value!r}"
    cells = list(_TCPR.finditer(xml))
    if not cells:
        return xml, "no tcPr"
    at = rng.choice(cells).end()
    return xml[:at] + b'<w:gridSpan w:val="' + value + b'"/>' + xml[at:], f"gridSpan {value!r} added at {at}"


def v_merge(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    cells = list(_TCPR.finditer(xml))
    if not cells:
        return xml, "no tcPr"
    value = rng.choice(VMERGE_VALUES).encode()
    tag = b"<w:vMerge/>" if not value else b'<w:vMerge w:val="' + value + b'"/>'
    chosen = sorted(rng.sample(cells, min(len(cells), rng.choice((1, 5, 50)))), key=lambda m: m.start())
    out, last = bytearray(), 0
    for cell in chosen:
        out += xml[last:cell.end()] + tag
        last = cell.end()
    return bytes(out + xml[last:]), f"{tag.decode()} added to {len(chosen)} cell(s), first at {chosen[0].start()}"


def truncate_xml(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    pos = rng.randint(0, len(xml))
    return xml[:pos], f"cut at {pos} of {len(xml)}"


def flip_xml(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    out, what = flip_bits(xml, rng, Context(()))
    return out, what


def duplicate_row(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    rows = list(_ROW.finditer(xml))
    if not rows:
        return xml, "no rows"
    row, times = rng.choice(rows), rng.choice((1, 2, 10, 100))
    return xml[:row.end()] + row.group() * times + xml[row.end():], f"row at {row.start()} x{times}"


def nest_tables(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A cell whose content is a table in a table in a table…, `depth` deep."""
    cells = list(_CELL_BODY.finditer(xml))
    if not cells:
        return xml, "no cells"
    cell, depth = rng.choice(cells), rng.choice((20, 300, 2000))
    wrapped = b"<w:tbl><w:tr><w:tc>" * depth + cell.group(2) + b"</w:tc></w:tr></w:tbl><w:p/>" * depth
    return xml[:cell.start(2)] + wrapped + xml[cell.end(2):], f"cell at {cell.start()} nested {depth} tables deep"


def bad_text(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Characters XML forbids or a decoder refuses, inside a text run."""
    runs = list(re.finditer(rb"<w:t(?:\s[^>]*)?>", xml))
    pos = rng.choice(runs).end() if runs else 0
    bad = rng.choice((b"\x00", b"\x1b[31m", b"&#0;", b"&#xD800;", b"&#x1b;", b"&undefined;", b"\x0c")
                     + INVALID_UTF8)
    return xml[:pos] + bad + xml[pos:], f"{bad!r} at {pos}"


def doctype(xml: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A DTD before the root: an internal entity, an external one (XXE), or a parameter entity."""
    decl = rng.choice((b'<!DOCTYPE d [<!ENTITY e "12">]>', b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                       b'<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>'))
    end = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    body = xml[:end] + decl + xml[end:]
    runs = list(re.finditer(rb"<w:t(?:\s[^>]*)?>", body))
    if runs and b"ENTITY e" in decl:
        at = rng.choice(runs).end()
        body = body[:at] + b"&e;" + body[at:]
    return body, f"DOCTYPE {decl[:60]!r}"


def drop_member(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    members = unpack(data)
    if not members:
        return flip_bits(data, rng, ctx)
    gone = rng.choice([MAIN, "[Content_Types].xml", "word/_rels/document.xml.rels", "word/styles.xml",
                       rng.choice(members)[0]])
    return pack([m for m in members if m[0] != gone]), f"drop_member {gone}"


def duplicate_member(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    members = unpack(data)
    if not members:
        return flip_bits(data, rng, ctx)
    index = next((i for i, (n, _) in enumerate(members) if n == MAIN), 0)
    copy, what = cell_number(members[index][1], rng)
    members.insert(index + 1, (members[index][0], copy))
    return pack(members), f"duplicate_member {members[index][0]} (second copy: {what})"


def _local_headers(data: bytes) -> list[int]:
    return [m.start() for m in re.finditer(rb"PK\x03\x04", data)]


def corrupt_deflate(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    """Bytes flipped inside one member's compressed data (document.xml when found), CRC left as it was."""
    heads = _local_headers(data)
    main = [h for h in heads if data[h + 30:h + 30 + len(MAIN)] == MAIN.encode()]
    head = main[0] if main and rng.random() < 0.8 else (rng.choice(heads) if heads else None)
    if head is None or len(data) < head + 30:
        return flip_bits(data, rng, ctx)
    size, = struct.unpack_from("<I", data, head + 18)  # the compressed size, as the local header states it
    name_len, extra_len = struct.unpack_from("<HH", data, head + 26)
    start = head + 30 + name_len + extra_len
    size = max(1, min(size, len(data) - start))
    out = bytearray(data)
    positions = sorted(start + rng.randrange(size) for _ in range(rng.randint(1, 6)))
    for pos in positions:
        out[pos] ^= 0xFF
    return bytes(out), f"corrupt_deflate of member at {head}: bytes {positions} inverted"


def forge_sizes(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    """A central-directory (or local) entry's compressed or uncompressed size, or CRC, set to a lie."""
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not entries:
        return flip_bits(data, rng, ctx)
    entry = rng.choice(entries)
    field, offset = rng.choice((("crc", 16), ("compressed", 20), ("uncompressed", 24)))
    value = rng.choice((0, 1, 100, 0x7FFFFFFF, 0xFFFFFFFF))
    out = bytearray(data)
    struct.pack_into("<I", out, entry + offset, value)
    return bytes(out), f"forge_sizes: central entry at {entry} {field} = {value:#x}"


def zip_truncate(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    pos = rng.choice((rng.randint(0, len(data)), max(0, len(data) - rng.randint(1, 200))))
    return data[:pos], f"zip_truncate at {pos} of {len(data)}"


def zip_garbage(data: bytes, rng: random.Random, _: Context) -> tuple[bytes, str]:
    junk = rng.randbytes(rng.choice((1, 100, 5000)))
    if rng.random() < 0.5:
        return junk + data, f"zip_garbage {len(junk)} bytes prepended"
    return data + junk, f"zip_garbage {len(junk)} bytes appended"


@functools.lru_cache(maxsize=4)
def _bomb(data: bytes, member: str) -> bytes:
    """The package with `member` inflating to BOMB_BYTES: spaces before its last closing tag (streamed, so the fuzzer
    itself never holds the inflated bytes)."""
    members = unpack(data) or []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, body in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name != member:
                package.writestr(info, body)
                continue
            cut = body.rfind(b"</")
            with package.open(info, "w", force_zip64=True) as stream:
                stream.write(body[:cut])
                block = b" " * (1 << 20)
                for _ in range(BOMB_BYTES // len(block)):
                    stream.write(block)
                stream.write(body[cut:])
    return buffer.getvalue()


def docx_bomb(data: bytes, rng: random.Random, ctx: Context) -> tuple[bytes, str]:
    member = rng.choice((MAIN, "word/styles.xml"))
    if not ctx.bombs or not unpack(data):
        return data, "docx_bomb: off"
    return _bomb(data, member), f"docx_bomb: {member} inflates to {BOMB_BYTES >> 20} MiB"


DOCX_MUTATORS: tuple[tuple[Mutator, int], ...] = tuple(
    (_xml_mutator(change), weight) for change, weight in (
        (cell_number, 10), (grid_span, 5), (v_merge, 5), (truncate_xml, 2), (flip_xml, 2), (duplicate_row, 3),
        (nest_tables, 2), (bad_text, 3), (doctype, 1))
) + ((drop_member, 1), (duplicate_member, 1), (corrupt_deflate, 4), (forge_sizes, 3), (zip_truncate, 2),
     (zip_garbage, 1), (flip_bits, 1))
BOMB_MUTATORS: tuple[tuple[Mutator, int], ...] = ((docx_bomb, 4),)
