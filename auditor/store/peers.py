"""雷同 between bodies: how much of a report's narrative repeats another body's report of the same year (domain.md
§4 M-DUP; R21-7 names 内容雷同 as accountable; CASS found reports copied across regions).

Measuring every pair of a year's reports is quadratic: a province's thousands of reports would be millions of
comparisons. So each narrative section is indexed by a MinHash of its `GRAM`-character runs (the runs
facts.similarity.overlap looks up) in an LSH Forest (datasketch), which returns the most similar sections of the year
cheaply. The most similar few that belong to *other* bodies are then measured exactly with overlap, and the highest
share becomes the section's `claim.copied_from_peer`, naming the other report. A report whose body is unknown, or a
section no other body's report of the year has, gets no claim: the check is not assessable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditor.facts.model import Claim, ReportFacts, section_texts
from auditor.facts.similarity import (
    COPIED_FROM_PEER,
    SECTIONS,
    bare,
    copied_claim,
    grams,
    judged,
    overlap,
    stored_section_texts,
)
from auditor.store.agency import normal_agency, same_body

if TYPE_CHECKING:
    from datasketch import MinHash, MinHashLSHForest

    from auditor.store.db import Store

NUM_PERM = 128  # datasketch's default; the forest's precision grows with it, its cost too
ASKED = 10  # sections asked of the forest per query: more than are measured, as datasketch advises
MEASURED = 3  # of those, the most similar other bodies' sections measured exactly


@dataclass(frozen=True)
class PeerReport:
    """One report as the index knows it: a key that tells its file apart (content hash), its body, where it was read,
    and its narrative sections' text."""

    key: str
    agency: str
    path: str
    sections: dict[int, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, key: str, path: str, facts_json: dict[str, Any]) -> PeerReport | None:
        """From stored facts (auditor.facts.model.to_json); None without a body (whose text it is, is the point)."""
        agency = (facts_json.get("report") or {}).get("agency")
        if not agency:
            return None
        texts = stored_section_texts(facts_json)
        return cls(key, agency, path, {n: texts[n] for n in SECTIONS if n in texts and judged(texts[n])})


def _minhash(text: str) -> MinHash:
    from datasketch import MinHash  # imported on first use: numpy and scipy cost a plain audit 0.3 s at start

    signature = MinHash(num_perm=NUM_PERM)
    signature.update_batch(sorted(g.encode("utf-8") for g in grams(bare(text))))
    return signature


class PeerIndex:
    """A year's reports, each judged narrative section in a MinHash LSH Forest of its own section number."""

    def __init__(self, reports: Iterable[PeerReport]) -> None:
        from datasketch import MinHashLSHForest

        self._reports: dict[str, PeerReport] = {}
        self._signatures: dict[tuple[str, int], MinHash] = {}
        self._forests: dict[int, MinHashLSHForest] = {}
        self._names: dict[int, set[str]] = {}  # per section number, the (normalised) bodies that wrote one
        for report in reports:
            if report.key in self._reports:
                continue  # one file audited under two pack versions: one report
            self._reports[report.key] = report
            for number, text in report.sections.items():
                signature = _minhash(text)
                self._signatures[(report.key, number)] = signature
                self._names.setdefault(number, set()).add(normal_agency(report.agency))
                self._forests.setdefault(number, MinHashLSHForest(num_perm=NUM_PERM)).add((report.key, number),
                                                                                          signature)
        for forest in self._forests.values():
            forest.index()

    @classmethod
    def of_year(cls, store: Store, year: int) -> PeerIndex:
        return cls(report for key, path, facts_json in store.documents_of_year(year)
                   if (report := PeerReport.from_json(key, path, facts_json)) is not None)

    def __len__(self) -> int:
        return len(self._reports)

    def claims(self, facts: ReportFacts, key: str) -> tuple[Claim, ...]:
        """One claim per judged narrative section of this report (whose index key is `key`, so it is not compared
        with itself) that some other body's report of the year also has."""
        if not facts.agency:
            return ()
        own = normal_agency(facts.agency)
        claims = []
        for number, (line, text) in section_texts(facts).items():
            forest = self._forests.get(number)
            if number not in SECTIONS or forest is None or not judged(text):
                continue
            if not self._names.get(number, set()) - {own}:
                continue  # no other body wrote this section this year: nothing to compare with
            # A report of this run is in the index already, its text hashed while indexing: not hashed twice.
            signature = self._signatures.get((key, number))
            if signature is None:
                signature = _minhash(text)
            found = [k for k, _ in forest.query(signature, ASKED) if self._other_body(self._reports[k], key, own)]
            # Most similar first; the key breaks ties, so the result never depends on the forest's set order.
            found.sort(key=lambda k: (-signature.jaccard(self._signatures[(k, number)]), k))
            best: tuple[float, str, str | None] = (0.0, "", None)  # percent, passage, the other report
            for peer in (self._reports[k] for k in found[:MEASURED]):
                percent, passage = overlap(text, peer.sections[number])
                if percent > best[0]:
                    best = (percent, passage, f"{peer.agency}（{peer.path}）")
            claims.append(copied_claim(COPIED_FROM_PEER, number, line, *best))
        return tuple(claims)

    @staticmethod
    def _other_body(report: PeerReport, key: str, own: str) -> bool:
        return report.key != key and not same_body(normal_agency(report.agency), own)
