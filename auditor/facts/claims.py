"""Narrative claims: numbers the text states, found by the pack's extractors (phrases → numbers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.facts.model import Claim, ParagraphFact
from auditor.facts.normalize import parse_number, same_length_nfkc


@dataclass(frozen=True)
class ClaimPattern:
    """A phrase. Its number comes from the `value` group, or is `fixed` (「未收到…申请」 states 0; a presence phrase
    such as template residue states 1). A matched `approx` group (余, 多) marks the number as a bound."""

    regex: re.Pattern[str]
    fixed: int | float | None = None


@dataclass(frozen=True)
class Extractor:
    """One claim kind: its key (`claim.applications_received`), its phrases, the sections it reads (all if empty)."""

    key: str
    patterns: tuple[ClaimPattern, ...]
    sections: tuple[int, ...] = ()
    kind: str = "regex"  # "enumeration": broken 一是…二是… (no patterns); "agency": names the body speaks as


def extract_claims(paragraphs: tuple[ParagraphFact, ...], extractors: tuple[Extractor, ...],
                   agency: str | None = None, aliases: tuple[str, ...] = ()) -> tuple[Claim, ...]:
    """Every mention, not the first: each non-overlapping match of each phrase in each paragraph.

    Phrases of one kind are tried in order and an earlier phrase's match wins where two overlap. `agency` (the title's)
    and its `aliases` serve the extractors of kind "agency"."""
    claims: list[Claim] = []
    if not extractors:
        return ()
    for extractor in extractors:
        if extractor.kind == "enumeration":
            claims.extend(enumeration_breaks(paragraphs, extractor.key, extractor.sections))
        elif extractor.kind == "agency":
            claims.extend(agency_mentions(paragraphs, extractor, agency, aliases))
    regex_extractors = [e for e in extractors if e.kind == "regex"]
    for paragraph in paragraphs:
        text = same_length_nfkc(paragraph.text)
        for extractor in regex_extractors:
            if extractor.sections and paragraph.section not in extractor.sections:
                continue
            taken: list[tuple[int, int]] = []
            for pattern in extractor.patterns:
                for match in pattern.regex.finditer(text):
                    if any(s < match.end() and match.start() < e for s, e in taken):
                        continue
                    value = pattern.fixed if pattern.fixed is not None else parse_number(match.group("value"))
                    if value is None:
                        continue
                    approximate = "approx" in pattern.regex.groupindex and match.group("approx") is not None
                    taken.append((match.start(), match.end()))
                    claims.append(Claim(key=extractor.key, value=value, text=paragraph.text[match.start():match.end()],
                                        line=paragraph.line, section=paragraph.section,
                                        start_column=match.start() + 1, end_column=match.end(),
                                        approximate=approximate))
    return tuple(sorted(claims, key=lambda c: (c.line, c.start_column, c.key)))


_ENUMERATION = re.compile(r"([一二三四五六七八九十])是")
_ORDINAL = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def enumeration_breaks(paragraphs: tuple[ParagraphFact, ...], key: str,
                       sections: tuple[int, ...] = ()) -> tuple[Claim, ...]:
    """Broken 一是…二是… enumerations: an ordinal that repeats or skips (一是…三是…三是), as presence claims (value 1)
    at the marker that breaks the order. A sequence runs through one section; it restarts at 一是."""
    claims: list[Claim] = []
    expected: dict[int | None, int] = {}
    for paragraph in paragraphs:
        if sections and paragraph.section not in sections:
            continue
        for match in _ENUMERATION.finditer(paragraph.text):
            n = _ORDINAL[match.group(1)]
            want = expected.get(paragraph.section, 1)
            if n == 1:
                expected[paragraph.section] = 2
                continue
            if n != want:
                start = max(0, match.start() - 8)
                claims.append(Claim(key=key, value=1, text=paragraph.text[start:match.end()], line=paragraph.line,
                                    section=paragraph.section, start_column=start + 1, end_column=match.end()))
            expected[paragraph.section] = n + 1
    return tuple(claims)


_MIN_SHORT_FORM = 4


def _normal_agency(name: str) -> str:
    """Names compared loosely: 「人民政府」 is also written 「政府」; white space and brackets do not count."""
    return re.sub(r"[\s（）()“”\"]", "", name).replace("人民政府", "政府")


def same_agency(mention: str, agency: str, aliases: tuple[str, ...] = ()) -> bool:
    """Whether a name in the body refers to the agency of the title: equal, an alias, or a short form of it.

    A short form drops the place name: 「市政府办公室」 for 「焦作市人民政府办公室」, i.e. the mention without
    its leading 市/县/区 ends the title's name. It must keep at least four characters, so a bare 「管委会」
    matches nothing."""
    mention_n = _normal_agency(mention)
    short = mention_n.lstrip("市县区")
    for name in (agency, *aliases):
        name_n = _normal_agency(name)
        if mention_n == name_n or (len(short) >= _MIN_SHORT_FORM and name_n.endswith(short)):
            return True
    return False


def agency_mentions(paragraphs: tuple[ParagraphFact, ...], extractor: Extractor, agency: str | None,
                    aliases: tuple[str, ...]) -> tuple[Claim, ...]:
    """The agency names the body speaks as (the `name` group of the extractor's patterns), each a claim whose value
    is 0 when it is the title's agency (or an alias) and 1 when it names another body. None without a title agency."""
    if agency is None:
        return ()
    claims = []
    for paragraph in paragraphs:
        if extractor.sections and paragraph.section not in extractor.sections:
            continue
        text = same_length_nfkc(paragraph.text)
        for pattern in extractor.patterns:
            for match in pattern.regex.finditer(text):
                name = paragraph.text[match.start("name"):match.end("name")]
                claims.append(Claim(key=extractor.key, value=0 if same_agency(name, agency, aliases) else 1,
                                    text=name, line=paragraph.line, section=paragraph.section,
                                    start_column=match.start("name") + 1, end_column=match.end("name")))
    return tuple(claims)
