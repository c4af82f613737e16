"""Bytes to text: BOMs, UTF-8 and GB18030 detected from the content, never assumed."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can name."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that do not occur in text: everything below 32 except tab, LF, form feed and CR.
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB mean this is not a text file."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    # Counted by deleting them (bytes.translate runs in C) rather than testing 8192 bytes one by one in Python.
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return controls > len(head) * 0.02


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). UTF-8 is tried strictly first; GB18030 and others come from detection."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese government sites still publish GBK/GB18030; GB18030 is a superset of both, so prefer it when the
    # detector names either (it decodes everything GBK does and more).
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("no encoding fits")
    name = best.encoding.lower()
    if name in {"gbk", "gb2312", "gb18030", "hz", "cp936"}:
        name = "gb18030"
    try:
        return data.decode(name), name
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(str(exc)) from exc
