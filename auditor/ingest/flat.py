"""Reports flattened onto one line (web dumps such as the 平潭 archive: the page's text with every line break, cell
and heading run together). The line is cut at the template's six section titles; inside sections 二–四 the text is
cut into rows of a label and the digit run after it. Nothing is split further here: whether a run such as
`230000023` can be cut into cells unambiguously is decided by the facts layer, which knows how many cells a row has.

Line numbers: every segment of the flattened line is numbered as a line of its own, after the physical lines before
it, so sections keep their spans; Document.flattened_line records the physical line, and the facts layer reports it.
"""

from __future__ import annotations

import re

from auditor.ingest.document import Cell, Paragraph, Row, Table

# The six section titles of both templates, as the dumps write them (平潭 2022 writes 「行政法复议」).
# facts/vocabulary.py recognises the same sections more loosely; here they cut a line, so they stay close to the
# template's words.
_SECTION = re.compile(
    r"[一二三四五六]、(?:总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|"
    r"政府信息公开行政.?复议、?行政诉讼情况|存在的主要问题及改进情况|其他需要报告的事项)")
SECTION_TITLE = _SECTION  # text.py: a section title on its own line is never a table cell
_TABLE_SECTIONS = ("主动公开政府信息情况", "收到和处理", "复议")  # 复议: 平潭 2022 writes 行政法复议
# A line this long that holds at least three section titles is a flattened report, not a paragraph.
MIN_FLAT_CHARS = 1000
_RUN = re.compile(r"(\d[\d ]*\d(?:\.\d+)?|\d(?:\.\d+)?)")  # a decimal point with digits after it stays in the run
# Header words of table 二 that end its column headers, so the next words are a row label (规章, 行政许可…).
_T2_HEADER_END = re.compile(r"(?:件数|数量|（单位：万元）|\(单位：万元\)|金额|本年增/减)")
_SUBHEADING = re.compile(r"(?=（[一二三四五六七八九十]+）)")


def looks_flattened(line: str) -> bool:
    return len(line) >= MIN_FLAT_CHARS and len(_SECTION.findall(line)) >= 3


def _rows(body: str, line: int, t2: bool) -> tuple[list[Row], int]:
    """Label + digit-run rows. A digit before 「.」 (「2.其他法律…」) numbers the next label, not the run before it;
    a run that is only that digit (「（三）不予公开1.属于国家秘密」) joins its label to the next."""
    pieces = _RUN.split(body)
    texts, runs = pieces[0::2], pieces[1::2]
    rows: list[Row] = []
    for i, run in enumerate(runs):
        following = texts[i + 1] if i + 1 < len(texts) else ""
        if following.startswith((".", "．")):
            digits = run.replace(" ", "")
            texts[i + 1] = (texts[i] if len(digits) == 1 else "") + digits[-1] + following
            if len(digits) == 1:
                continue
            run = run.rstrip()[:-1]
        label = texts[i]
        if t2:
            label = _T2_HEADER_END.split(label)[-1]
        rows.append(Row((Cell(label.strip(), line), Cell(run.strip(), line)), line))
        line += 1
    return rows, line


def read_flattened(line_text: str, first_line: int) -> tuple[list[Paragraph], list[Table], int]:
    """Paragraphs and tables of one flattened line, numbered from `first_line`; returns the next free number."""
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    line = first_line
    cuts = [m for m in _SECTION.finditer(line_text)]
    head = line_text[: cuts[0].start()] if cuts else line_text
    for part in _SUBHEADING.split(head):
        if part.strip():
            paragraphs.append(Paragraph(line, part.strip()))
            line += 1
    for i, match in enumerate(cuts):
        paragraphs.append(Paragraph(line, match.group(0), heading_level=2))
        line += 1
        body = line_text[match.end(): cuts[i + 1].start() if i + 1 < len(cuts) else len(line_text)]
        if any(word in match.group(0) for word in _TABLE_SECTIONS):
            rows, line = _rows(body, line, t2="主动公开" in match.group(0))
            if rows:
                tables.append(Table(tuple(rows)))
            continue
        for part in _SUBHEADING.split(body):
            if part.strip():
                paragraphs.append(Paragraph(line, part.strip()))
                line += 1
    return paragraphs, tables, line
