"""A report's year, agency and template from every evidence it gives, not only its title line (issue 10 part 2).

Real pages often lack a 「XX 年政府信息公开工作年度报告」 line: a CMS prints the title outside the body, a web dump
starts at section 一. The evidence, strongest first:

- the title line (report.py);
- the statistics period: 「本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止」 (the definition of the
  statistics year, domain.md §1);
- the report naming itself in its preamble: 「现公布2024年度政府信息公开工作年度报告」;
- an HTML page's <title> (「XX区2024年政府信息公开工作年度报告_XX区人民政府」), the file name when it is a title;
- the first sentence of 总体情况: 「2024年，XX区人民政府办公室坚持…」;
- for the agency, the signature that closes the report (the agency's name above the date);
- for the template alone, the layout of tables 二 and 三 (the 2019 and 2021 templates differ, domain.md §2).

The strongest present decides; the sources that disagree with it are kept as evidence, and the rules compare them
(M-YEAR, M-YEAR-SOURCE): a disagreement is a finding, never resolved by a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from auditor.facts.model import Evidence
from auditor.facts.normalize import compact, nfkc
from auditor.facts.report import parse_title
from auditor.ingest.document import Paragraph

YEAR_MIN, YEAR_MAX = 2008, 2099  # the 条例 took effect in 2008: a year outside is a number, not a report year

# Evidence kinds, strongest first (the order decides).
TITLE, PERIOD, SELF_NAMED, PAGE_TITLE, FILE_NAME, OPENING, SIGNATURE, LAYOUT = (
    "title", "period", "self_named", "page_title", "file_name", "opening", "signature", "layout")
_ORDER = (TITLE, PERIOD, SELF_NAMED, PAGE_TITLE, FILE_NAME, OPENING, SIGNATURE)

_YEAR = r"((?:19|20)\d{2})"
_PERIOD = re.compile(rf"统计(?:期限|周期|期间|时限|时段|区间|范围|时间)[^。；]{{0,16}}?{_YEAR}\s*年\s*1\s*月\s*1\s*日"
                     rf"\s*(?:起)?\s*(?:至|到|—|－|-|~|～)\s*{_YEAR}\s*年\s*12\s*月\s*31\s*日")
# 「现公布2024年度政府信息公开工作年度报告」「本报告为…2024年政府信息公开工作年度报告」: the report names its year.
_SELF_NAMED = re.compile(rf"{_YEAR}\s*年(?:度)?(?:本(?:机关|单位|部门))?(?:政府信息公开|政务公开)(?:工作)?年度报告")
_OPENING = re.compile(rf"^{_YEAR}\s*年(?:度|以来)?[，,]")
# A closing signature: a line that is only an agency's name, followed by the date the report was signed.
_AGENCY_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}(?:人民政府|办公室|办公厅|委员会|管委会|管理委员会|局|厅|署|院|"
                          r"中心|政府|街道办事处|办事处|公司|集团|会)$")
_DATE_LINE = re.compile(rf"^{_YEAR}\s*年\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?$")
_PAGE_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|——|—|-{1,2}|–)\s*")
_PREAMBLE_PARAGRAPHS = 40  # the statistics period and the self-naming sentence come before section 二
_SIGNATURE_PARAGRAPHS = 6


@dataclass(frozen=True)
class Identity:
    year: int | None
    agency: str | None
    year_by: Evidence | None
    agency_by: Evidence | None
    evidence: tuple[Evidence, ...]


def _year(text: str) -> int | None:
    year = int(text)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def _titled(kind: str, text: str, line: int | None) -> Evidence | None:
    """Evidence from a text that is a report title, perhaps among other words (a page title's site name)."""
    for part in _PAGE_TITLE_SPLIT.split(nfkc(text)):
        if "年度报告" in compact(part) or "年报" in compact(part):
            agency, year = parse_title(part)
            if year is not None and _year(str(year)) is not None:
                return Evidence(kind, year, agency, part.strip(), line)
    return None


def gather(paragraphs: tuple[Paragraph, ...], title: tuple[str, int] | None, page_title: str | None,
           path: str, first_section_line: int | None) -> tuple[Evidence, ...]:
    """Every piece of identity evidence the report gives, strongest first."""
    found: list[Evidence] = []
    if title is not None:
        agency, year = parse_title(title[0])
        if agency is None:  # 「盐边县新九镇人民政府」 above 「关于2021年度政府信息公开工作的年度报告」: two lines
            agency = _agency_above(paragraphs, title[0])
        elif agency[:1] in _BARE_LEVEL:
            agency = _fuller(paragraphs, agency)
        found.append(Evidence(TITLE, year, agency, title[0], title[1]))
    preamble = paragraphs[:_PREAMBLE_PARAGRAPHS]
    for p in preamble:
        text = nfkc(p.text)
        for m in _PERIOD.finditer(text):
            start, end = _year(m.group(1)), _year(m.group(2))
            if start is not None and start == end:
                found.append(Evidence(PERIOD, start, None, m.group(0), p.line))
        for m in _SELF_NAMED.finditer(text):
            if title is None or p.line != title[1]:
                found.append(Evidence(SELF_NAMED, _year(m.group(1)), None, m.group(0), p.line))
    if page_title:
        evidence = _titled(PAGE_TITLE, page_title, None)
        if evidence is not None:
            found.append(evidence)
    evidence = _titled(FILE_NAME, PurePath(path).stem, None)
    if evidence is not None:
        found.append(evidence)
    opening = next((p for p in paragraphs if first_section_line is not None and p.line > first_section_line
                    and not p.heading_level), None)
    if opening is not None:
        first = _OPENING.match(nfkc(opening.text).strip())
        if first:
            found.append(Evidence(OPENING, _year(first.group(1)), None, opening.text[:40], opening.line))
    found.extend(_signature(paragraphs))
    return tuple(e for e in found if e.year is not None or e.agency)


# A title that names its body from the level down (「市政府研究室」) leaves out the place the text then names
# (「孝感市政府研究室」).
_BARE_LEVEL = frozenset("省市区县州乡镇")
# A place name's characters: Han characters that are not the words a sentence puts before a name (「2019年孝感市…」).
_PLACE = re.compile(r"((?:(?![年的了在和与及是为对向从将把被于等共由经])[\u4e00-\u9fff]){2,4})")


def _agency_above(paragraphs: tuple[Paragraph, ...], title: str) -> str | None:
    """The agency's name on the line right above the title (or above a repetition of it: a page prints its title
    in its header and again above the report), when the title itself names none."""
    wanted = compact(nfkc(title))
    for before, line in zip(paragraphs, paragraphs[1:], strict=False):
        if compact(nfkc(line.text)) == wanted:
            name = compact(nfkc(before.text))
            if _AGENCY_LINE.match(name) and not name.endswith("年度报告"):
                return name
    return None


def _fuller(paragraphs: tuple[Paragraph, ...], agency: str) -> str:
    """The title's agency with its place, when the preamble names it so with one place only (「孝感市政府研究室」 for
    the title's 「市政府研究室」); else as the title gives it."""
    text = "".join(compact(nfkc(p.text)) for p in paragraphs[:_PREAMBLE_PARAGRAPHS])
    places = {m.group(1) for m in re.finditer(_PLACE.pattern + re.escape(agency), text)}
    return places.pop() + agency if len(places) == 1 else agency


def _signature(paragraphs: tuple[Paragraph, ...]) -> list[Evidence]:
    tail = paragraphs[-_SIGNATURE_PARAGRAPHS:]
    for first, second in zip(tail, tail[1:], strict=False):
        name = compact(nfkc(first.text))
        if _AGENCY_LINE.match(name) and _DATE_LINE.match(compact(nfkc(second.text))):
            return [Evidence(SIGNATURE, None, name, first.text.strip(), first.line)]
    return []


def decide(evidence: tuple[Evidence, ...]) -> Identity:
    """The strongest evidence decides the year, and likewise the agency; the rest stays for the rules to compare."""
    rank = {kind: i for i, kind in enumerate(_ORDER)}
    ordered = sorted(evidence, key=lambda e: rank.get(e.kind, len(rank)))
    year_by = next((e for e in ordered if e.year is not None), None)
    agency_by = next((e for e in ordered if e.agency), None)
    return Identity(year_by.year if year_by else None, agency_by.agency if agency_by else None, year_by, agency_by,
                    tuple(ordered))


def year_values(identity: Identity) -> dict[str, int]:
    """`report.year_evidence.<kind>` for the rule that compares the sources no line of the narrative holds (the
    page's title, the file name) with the year that was decided; the others are claims M-YEAR reads."""
    values: dict[str, int] = {}
    for e in identity.evidence:
        if e.kind in (PAGE_TITLE, FILE_NAME) and e.year is not None:
            values.setdefault(f"report.year_evidence.{e.kind}", e.year)
    return values
