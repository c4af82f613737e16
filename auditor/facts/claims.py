"""Narrative claims: numbers the text states, found by the pack's extractors (phrases → numbers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.facts.model import Claim, ParagraphFact
from auditor.facts.normalize import parse_arabic, same_length_nfkc


@dataclass(frozen=True)
class Extractor:
    """One claim kind: its key (`claim.applications_received`) and compiled patterns with a `value` group."""

    key: str
    patterns: tuple[re.Pattern[str], ...]
    sections: tuple[int, ...] = ()


def extract_claims(paragraphs: tuple[ParagraphFact, ...], extractors: tuple[Extractor, ...]) -> tuple[Claim, ...]:
    """Every mention, not the first: each non-overlapping match of each pattern in each paragraph."""
    claims: list[Claim] = []
    if not extractors:
        return ()
    for paragraph in paragraphs:
        text = same_length_nfkc(paragraph.text)
        for extractor in extractors:
            if extractor.sections and paragraph.section not in extractor.sections:
                continue
            taken: list[tuple[int, int]] = []
            for pattern in extractor.patterns:
                for match in pattern.finditer(text):
                    if any(s < match.end() and match.start() < e for s, e in taken):
                        continue
                    value = parse_arabic(match.group("value"))
                    if value is None:
                        continue
                    taken.append((match.start(), match.end()))
                    claims.append(Claim(key=extractor.key, value=value, text=paragraph.text[match.start():match.end()],
                                        line=paragraph.line, section=paragraph.section,
                                        start_column=match.start() + 1, end_column=match.end()))
    return tuple(sorted(claims, key=lambda c: (c.line, c.start_column, c.key)))
