"""Report identity from the title: agency, statistics year, template."""

from __future__ import annotations

import re

from auditor.facts.normalize import nfkc
from auditor.ingest.document import Paragraph

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_SUFFIX = re.compile(r"(?:关于)?(?:政府信息公开|政务公开)?(?:工作)?年度报告.*$")


def find_title(paragraphs: tuple[Paragraph, ...], before_line: int | None) -> Paragraph | None:
    """The first line before section 一 that names a year and a 年度报告 (the title is not always marked up)."""
    for p in paragraphs:
        if before_line is not None and p.line >= before_line:
            break
        text = nfkc(p.text)
        if "年度报告" in text and _YEAR.search(text):
            return p
    return None


def parse_title(title: str) -> tuple[str | None, int | None]:
    """(agency, year) from a title such as 「焦作市人民政府办公室 2021 年政府信息公开工作年度报告」."""
    text = nfkc(title).strip().strip("#").strip()
    match = _YEAR.search(text)
    if not match:
        return None, None
    year = int(match.group(1))
    without_year = (text[: match.start()] + text[match.end():]).strip()
    agency = _SUFFIX.sub("", without_year).strip(" 《》<>\"“”:：-—")
    return (agency or None), year
