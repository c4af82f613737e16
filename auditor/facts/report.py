"""Report identity from the title: agency, statistics year, template."""

from __future__ import annotations

import re

from auditor.facts.normalize import compact, nfkc
from auditor.ingest.document import Paragraph

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_SUFFIX = re.compile(r"(?:关于)?(?:政府信息公开|政务公开)?(?:工作)?的?年度报告.*$")
# What a page header puts before the title on a printed page (「Page 8 - 威海市文登区信访局2022年…」).
_PAGE_HEADER = re.compile(r"^(?:Page\s+\d+\s*[-—–]\s*|第\s*\d+\s*页\s*)", re.IGNORECASE)
# A title ends with 年度报告 (perhaps followed by a bracketed note such as （全文）) and is short: a sentence that only
# mentions 年度报告 is not one.
_TITLE_END = re.compile(r"年度报告(?:[(（][^)）]*[)）])?$")
_MAX_TITLE_CHARS = 60
_HEADING = re.compile(r"^#{1,6}\s*")
_LABEL = re.compile(r"^(?:标题|题目|title)\s*[:：]\s*", re.IGNORECASE)  # web-archive dumps prefix the title


def find_title(paragraphs: tuple[Paragraph, ...], before_line: int | None) -> tuple[Paragraph, str] | None:
    """The title line (and its text) before section 一. A title broken over two lines, as PDF conversions leave
    it (「2024 年上海市科委政府信息公开工作」 / 「年度报告」), is joined."""
    head = [p for p in paragraphs if before_line is None or p.line < before_line]
    for i, p in enumerate(head):
        options = [p.text.strip()]
        if i + 1 < len(head) and head[i + 1].line == p.line + 1:
            options.append(p.text.strip() + head[i + 1].text.strip())
        for text in options:
            folded = compact(text).lstrip("#")
            if len(folded) <= _MAX_TITLE_CHARS and _TITLE_END.search(folded) and _YEAR.search(nfkc(text)):
                return p, _HEADING.sub("", text)  # a Markdown heading's marker is no part of the title
    return None


def parse_title(title: str) -> tuple[str | None, int | None]:
    """(agency, year) from a title such as 「焦作市人民政府办公室 2021 年政府信息公开工作年度报告」."""
    text = _PAGE_HEADER.sub("", _LABEL.sub("", nfkc(title).strip().strip("#").strip()))
    match = _YEAR.search(text)
    if not match:
        return None, None
    year = int(match.group(1))
    without_year = (text[: match.start()] + text[match.end():]).strip()
    agency = _SUFFIX.sub("", without_year).strip(" 《》<>\"“”:：-—")
    if agency.startswith("关于"):  # 「关于2021年度政府信息公开工作的年度报告」: no agency in the title
        agency = agency[2:].strip()
    return (agency or None), year
