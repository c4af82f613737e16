"""Text that came from a report (or a pack, a roster, a file name) made safe for each output it reaches.

Nothing a report says may reach an output as a terminal control sequence, markup or a formula, and no character may
crash a writer. One rule underlies every output: `visible` turns each invisible or controlling character into a
printable escape (ESC → `\\x1b`), so an ANSI or OSC sequence is left inert and plain to see, a bidi override cannot
reorder what a person reads, and nothing is left that XML (XLSX), an encoder (lone surrogates) or a terminal chokes
on. Each output then adds its own escape on top: HTML entities, Markdown backslashes, a spreadsheet's text marker.
JSON keeps the data exact instead (`json_text`: the same characters as `\\uXXXX` escapes, which a parser reads back).

Ordinary text, Chinese with full-width punctuation, 「」 and the ideographic space included, passes unchanged.

This module sits in the formatters layer so that the summary writers (a higher layer) can import it too.
"""

from __future__ import annotations

import html
import re

# Unicode categories Cc (C0, DEL, C1 controls), Cf (format: bidi embeddings, overrides and isolates, zero-width
# characters, BOM, tag characters), Cs (surrogates: a lone one cannot be encoded as UTF-8), Zl and Zp (line and
# paragraph separators), and the noncharacters (U+FDD0–FDEF, U+xxFFFE/FFFF; XML 1.0 forbids U+FFFE/FFFF).
# Listed from unicodedata (Unicode 14.0, Python 3.11, plus U+13439–1343F of Unicode 15) rather than computed at
# import, which would cost 0.2 s on every run; tests/test_hardening_outputs.py fails if the running Python knows such a
# character the list misses.
_RANGES = (
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xD800, 0xDFFF), (0xFDD0, 0xFDEF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0xFFFE, 0xFFFF), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
    *((plane + 0xFFFE, plane + 0xFFFF) for plane in range(0x10000, 0x110000, 0x10000)),
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


_INVISIBLE = _char_class(_RANGES)
# json.dumps has already written every C0 character inside a string as an escape; the raw C0 left in its output
# are the newlines of indentation, which must stay.
_JSON_RAW = _char_class(tuple((max(a, 0x20), b) for a, b in _RANGES if b >= 0x20))


def invisible(char: str) -> bool:
    """True for a character `visible` replaces."""
    return _INVISIBLE.fullmatch(char) is not None


def visible(text: str) -> str:
    """`text` with every control, format, separator, surrogate and noncharacter replaced by its Python escape
    (`\\x1b`, `\\t`, `\\u202e`, `\\udcff`): printable, one line, encodable. Meant to be read, not parsed back (a
    report's own backslash is not doubled)."""
    if text.isprintable():  # the common case: nothing to replace (isprintable is False also for U+3000, so check)
        return text
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def json_text(dumped: str) -> str:
    """The output of json.dumps(…, ensure_ascii=False) with the characters it leaves raw that `visible` would
    replace (C1, DEL, bidi and other format characters, separators, lone surrogates) written as JSON escapes: the
    same data to a parser, safe on a terminal, encodable as UTF-8 (a lone surrogate stays a `\\udcff` escape)."""
    if dumped.replace("\n", "").isprintable():  # the common case, as in `visible`: no character it escapes is
        return dumped  # printable; 0.07 ms for a report's JSON where the search alone takes 2.4 ms (issue 14)
    return _JSON_RAW.sub(lambda m: "".join(f"\\u{unit:04x}" for unit in _utf16(m.group())), dumped)


def _utf16(char: str) -> tuple[int, ...]:
    code = ord(char)
    if code < 0x10000:
        return (code,)
    code -= 0x10000
    return 0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)


def html_text(text: str) -> str:
    """Text for HTML content or a quoted attribute value: `visible`, then &, <, >, " and ' as entities."""
    return html.escape(visible(text))


# CommonMark: any ASCII punctuation may be escaped with a backslash. These are the ones that can open a structure
# in running text: code spans, emphasis, links and images ([…](…)), table cells, strikethrough; a backslash that
# would escape the next character is itself escaped. `_` between two letters or digits can neither open nor close
# emphasis, so it is left as is (file names such as 004_bdd5b039.txt stay readable in the raw file).
_MARKDOWN = re.compile(r"[\\`*\[\]|~]|(?<![^\W_])_|_(?![^\W_])")


def markdown_text(text: str) -> str:
    """Text for running Markdown (a list item, a table cell): `visible` (so no newline can start a block), HTML
    entities for &, < and > (raw HTML would pass through a renderer), and backslashes before Markdown syntax."""
    return _MARKDOWN.sub(lambda m: "\\" + m.group(), html.escape(visible(text), quote=False))


# OWASP, CSV Injection: a spreadsheet reads a cell that begins with = + - @ (or tab, CR, and per ASVS 1.2.10 NUL)
# as a formula. Leading spaces are skipped because some spreadsheets trim them before deciding.
_FORMULA_START = re.compile(r"^[ ]*[=+\-@\t\r\0]")
# A plain decimal number cannot be a formula, and a spreadsheet reads it as the number it is: a difference of "-3"
# that the audit computed stays a number, not the text "'-3".
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def formula_like(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula (OWASP's leading characters), unless it is a plain
    number."""
    return _FORMULA_START.match(text) is not None and _PLAIN_NUMBER.fullmatch(text) is None


def csv_text(text: str) -> str:
    """A CSV cell: `visible`, then a leading ' when it could be read as a formula (OWASP). CSV has no cell types, so
    the apostrophe is the only marker Excel and LibreOffice honour; it shows in the cell, which is the lesser evil."""
    text = visible(text)
    return "'" + text if formula_like(text) else text
