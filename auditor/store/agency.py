"""Agency names as the store compares them across years: the loose equality of auditor.facts.claims, plus a
leading 省/市 that one year's title gives and the other's leaves out (「洪泽区人民政府」 in 2023,
「淮安市洪泽区人民政府」 in 2024).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Reused, not copied, so a name the narrative checks call equal is equal here too: 「人民政府」 ~ 「政府」, white
# space, brackets and quotes ignored.
from auditor.facts.claims import _normal_agency

_HAN = r"[\u4e00-\u9fff]"
# A province- or prefecture-level place a title may put in front of the body's own place name.
_UPPER_PLACE = re.compile(rf"^{_HAN}{{2,7}}?(?:省|自治区|市|自治州|地区|盟)")
# What must follow it for the prefix to be droppable: the body's own place (a county, district, county-level city
# or banner), so 「淮安市人民政府」 never loses 「淮安市」 (what remains, 「政府」, names no place).
_OWN_PLACE = re.compile(rf"^{_HAN}{{2,7}}?(?:市|区|县|旗)")
# Functional zones every city has: 「经济开发区管委会」 without its city could be any city's, so it keeps it.
_ZONE = re.compile(r"(?:开发区|园区|示范区|高新区|保税区|试验区|合作区|新城区)$")


def normal_agency(name: str) -> str:
    """The name as stored in `documents.agency_norm`: claims' normalisation, nothing more."""
    return _normal_agency(name)


def agency_stem(name: str) -> str:
    """The normalised name without the upper places in front of the body's own place: 「江苏省淮安市洪泽区政府」 →
    「洪泽区政府」, 「江苏省淮安市政府」 → 「淮安市政府」. A name whose remainder would not start with a place (or only
    with a functional zone) keeps its prefix; so does a name with none."""
    stem = normal_agency(name)
    while (upper := _UPPER_PLACE.match(stem)) is not None:
        rest = stem[upper.end():]
        own = _OWN_PLACE.match(rest)
        if own is None or _ZONE.search(own.group()) or len(rest) == len(own.group()):
            break
        stem = rest
    return stem


def same_body(a: str, b: str) -> bool:
    """Whether two titles' names denote one body across years: equal once normalised, or equal stems where one name
    is the other with upper places in front (「淮安市洪泽区政府」 and 「洪泽区政府」). Two different prefixes
    (「淮安市洪泽区政府」, 「宿迁市洪泽区政府」) are two bodies."""
    a_n, b_n = normal_agency(a), normal_agency(b)
    if a_n == b_n:
        return True
    return agency_stem(a_n) == agency_stem(b_n) and (a_n.endswith(b_n) or b_n.endswith(a_n))


def superseded(documents: Iterable[tuple[int, str | None, int | None, str | None]]) -> dict[int, int]:
    """Which recorded documents a later one replaces: of the documents (id, agency, year, received_at) of one body and
    year, the one received last (documents.received_at: when the store first recorded its bytes; between two first
    recorded in one run, the one recorded later, its id higher) is the year's report, and each earlier one maps to
    it. A corrected report audited again is a new document; so is the same report in another format. Documents of no
    agency or no year replace nothing and are never replaced: nothing says they are one body's year."""
    latest: dict[tuple[str, int], tuple[str, int]] = {}
    keyed: list[tuple[int, tuple[str, int]]] = []
    for document_id, agency, year, received_at in documents:
        name = normal_agency(agency or "")
        if not name or year is None:
            continue
        key, rank = (name, int(year)), (str(received_at or ""), int(document_id))
        keyed.append((int(document_id), key))
        latest[key] = max(latest.get(key, rank), rank)
    return {d: latest[k][1] for d, k in keyed if latest[k][1] != d}
