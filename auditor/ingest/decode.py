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


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name), or raise DecodeError. A byte-order mark decides first (it outranks any
    declaration, as in WHATWG encoding sniffing); then `declared`, the encoding the file names for itself (an HTML
    <meta charset>), when it is a character encoding (_usable) and decodes the bytes; then UTF-8, strictly; GB18030
    and others come from detection.

    Bytes after a BOM that are not valid in the BOM's encoding (invalid UTF-8, an odd number of UTF-16 bytes, a lone
    surrogate) are a DecodeError, not a guess: the file names its encoding and breaks it, so it is damaged, and
    reading it with replacement characters or another encoding could silently change a number or a name."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeError as exc:
                raise DecodeError(f"invalid {name} after its byte-order mark: {exc}") from None
    if declared:
        name = _as_gb18030(declared.lower())
        if _usable(name):
            try:
                return data.decode(name), name
            except (UnicodeError, LookupError):  # LookupError: bytes.decode refuses bytes-to-bytes codecs (zlib…)
                pass  # a wrong declaration (pages copied between sites keep their old <meta>): detect instead
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("no encoding fits")
    name = _as_gb18030(best.encoding.lower())
    try:
        return data.decode(name), name
    except (UnicodeError, LookupError) as exc:
        raise DecodeError(str(exc)) from exc


# Python codecs that are text encodings to Python but no page's charset: IDNA and Punycode transform host names
# (Punycode decoding is quadratic: a page declaring it could stall the run), the escape codecs read backslash
# sequences, and "undefined" always fails (with UnicodeError, not UnicodeDecodeError).
_NOT_CHARSETS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"})


def _usable(name: str) -> bool:
    """Whether a declared name is a character encoding worth trying."""
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return False  # an unknown name: detect instead
    return codec.name not in _NOT_CHARSETS


# Chinese government sites still publish GBK/GB2312; GB18030 is a superset of both (it decodes everything they do and
# more), so any of their names, as a detector or a <meta> gives them, is read as GB18030.
_GB18030_SUBSETS = frozenset({"gbk", "gb2312", "gb_2312-80", "cp936", "x-gbk", "gb18030", "euc-cn", "hz-gb-2312"})


def _as_gb18030(name: str) -> str:
    return "gb18030" if name in _GB18030_SUBSETS else name
