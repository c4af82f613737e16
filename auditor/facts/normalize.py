"""Text normalisation and cell reading. A cell's meaning is decided here, once, and never guessed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from auditor.limits import MAX_NUMBER_DIGITS

# What a published table writes where it has nothing to report. Kept as written, never turned into 0.
_DASHES = {"/", "-", "—", "——", "–", "－", "―", "／", "\\", "—-"}
_NONE_WORDS = {"无", "暂无", "空"}
_INT = re.compile(r"^[+-]?\d+$")
_CHANGE = re.compile(r"^([增减])(\d+(?:\.\d+)?)$")
_DEC = re.compile(r"^[+-]?\d+\.\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACE = re.compile(r"[\s\u3000\u00a0]+")
_NUMERAL = re.compile(r"[0-9.零〇一二两三四五六七八九十百千万亿]+")


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (（一） → (一), ５８ → 58)."""
    if text.isascii():  # ASCII is its own NFKC form, and most cells are digits: skip the normaliser's call
        return text
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    """NFKC without any white space: the form labels are matched in."""
    return _SPACE.sub("", nfkc(text))


@dataclass(frozen=True)
class CellValue:
    """status: number | blank | dash | none | unreadable. Only `number` carries a value."""

    status: str
    value: int | float | None


@lru_cache(maxsize=4096)  # pure, and a report repeats the same few cell texts ("0", "") hundreds of times
def read_cell(raw: str) -> CellValue:
    text = compact(raw)
    if not text:
        return CellValue("blank", None)
    if text in _DASHES:
        return CellValue("dash", None)
    if text in _NONE_WORDS:
        return CellValue("none", None)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if too_long(text):  # int() refuses 4,300 digits and float() overflows past 309; no real count has 16
        return CellValue("unreadable", None)
    change = _CHANGE.match(text)
    if change:  # the 2019 table 二's 本年增/减 written in words: 「减4」 is -4, 「增2」 is +2
        sign = -1 if change.group(1) == "减" else 1
        number = read_cell(change.group(2))
        return CellValue("number", sign * number.value) if number.value is not None else number
    if _INT.match(text):
        return CellValue("number", int(text))
    if _DEC.match(text):
        return CellValue("number", float(text))
    return CellValue("unreadable", None)


_OCR_UNSURE = re.compile(r"\?+")  # ingest/ocr.py: a number read without confidence
_DIGIT_RUN = re.compile(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}")


def too_long(text: str) -> bool:
    """Whether `text` holds a run of more digits than a number may have (limits.MAX_NUMBER_DIGITS)."""
    return len(text) > MAX_NUMBER_DIGITS and _DIGIT_RUN.search(text) is not None


def written_as_number(text: str) -> bool:
    """Whether a cell is written as a number, however long: one too long to read (status unreadable) still stands
    where a row's values do, so a row is split as it was (a flattened dump's 16-digit run of 15 cells is a value,
    not part of the label). So does a number OCR could not read with confidence, which ingest/ocr.py writes as
    「?」s: unreadable, but where a value is."""
    value = read_cell(text)
    if value.status == "unreadable" and _OCR_UNSURE.fullmatch(compact(text)):
        return True
    return value.status == "number" or (value.status == "unreadable" and too_long(text)
                                        and _LONG_NUMBER.fullmatch(compact(text)) is not None)


_LONG_NUMBER = re.compile(r"[+-]?[\d,]+(?:\.\d+)?")


def mask_long_numbers(text: str) -> str:
    """`text` with every run of more digits than a number may have replaced by as many «#»: the same length, so
    offsets into it still point into the original."""
    return _DIGIT_RUN.sub(lambda m: "#" * len(m.group()), text) if too_long(text) else text


class _FoldTable(dict[int, str]):
    """Code point → its one-character NFKC form (itself where NFKC gives more or fewer characters), worked out the
    first time a character is met. A str.translate table: translate walks the text in C and only calls back here for
    a character not seen before, where a Python call per character cost more than the folding itself."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        result = folded if len(folded) == 1 else ch
        if len(self) < _MAX_FOLDS:
            self[code] = result
        return result


_MAX_FOLDS = 65536  # bounds the table's memory; Chinese reports use a few thousand characters
_FOLDS = _FoldTable()  # pure: a character's fold never changes


def same_length_nfkc(text: str) -> str:
    """NFKC applied per character where it keeps one character, so offsets still point into the original."""
    return text.translate(_FOLDS)


def parse_number(text: str) -> int | float | None:
    """A number as prose writes it: Arabic (full-width and thousands commas allowed), Chinese numerals (十二, 两千),
    or either with 万 (4.6万 → 46000). None when it is not one. Chinese numerals are read by cn2an."""
    value = read_cell(text)
    if value.status == "number":
        return value.value
    folded = compact(text)
    if not folded or not _NUMERAL.fullmatch(folded) or too_long(folded) or len(folded) > 4 * MAX_NUMBER_DIGITS:
        return None  # the report's number_too_long problem says why this one was not read (facts/__init__.py)
    import cn2an  # here, not at the top: ~0.17 s to import, and most reports write every number in digits

    try:
        number = cn2an.cn2an(folded, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(number) if float(number).is_integer() else float(number)
