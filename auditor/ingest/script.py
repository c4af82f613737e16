"""Reports written in traditional characters (繁体字), as some bodies' sites serve a page
(「政府信息公開工作年度報告」): converted to simplified characters with OpenCC's phrase-aware `t2s` conversion before
anything reads them, so that sections, table labels and statements are recognised. The result says so (problem
`traditional_script`), and every quotation in it is of the converted text.

Recognition is by the text itself: converting simplified text changes (almost) nothing, a traditional text changes
a large share of its Han characters. Mixed text (a simplified report quoting a traditional name) stays as written.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache

import opencc

from auditor.ingest.document import Cell, Document, Paragraph, Row, Table

SAMPLE = 20_000  # characters looked at to decide
MIN_CHANGED = 20  # Han characters a conversion changes, at least,
MIN_SHARE = 0.03  # and this share of the Han characters looked at


# Characters every traditional report writes and no simplified text has (公開, 報告, 資訊, 處理, 總體, 申請, 機關…):
# a text with none of them is not traditional, and the conversion is not run (it costs a report ~0.3 ms).
_TRADITIONAL_ONLY = re.compile("[開報資處體總請與為們這時會對說國過發經關門問頁務機裡構準]")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return str(_converter().convert(text))


def is_traditional(text: str) -> bool:
    sample = text[:SAMPLE]
    if _TRADITIONAL_ONLY.search(sample) is None:
        return False
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if han == 0:
        return False
    converted = simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return changed >= MIN_CHANGED and changed >= MIN_SHARE * han


def document_simplified(document: Document) -> Document:
    """Every paragraph, cell and the page title converted (lines and structure unchanged)."""
    return dataclasses.replace(
        document,
        paragraphs=tuple(Paragraph(p.line, simplified(p.text), p.heading_level) for p in document.paragraphs),
        tables=tuple(Table(tuple(Row(tuple(Cell(simplified(c.text), c.line, c.covered) for c in r.cells), r.line)
                                 for r in t.rows)) for t in document.tables),
        page_title=simplified(document.page_title) if document.page_title else None,
        script="traditional")


def document_text(document: Document) -> str:
    """The document's text, for recognising its script."""
    parts = [p.text for p in document.paragraphs[:400]]
    parts += [c.text for t in document.tables[:3] for r in t.rows for c in r.cells]
    return "".join(parts)
