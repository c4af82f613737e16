"""雷同 between bodies: how much of a report's narrative repeats another body's report of the same year (domain.md
§4 M-DUP; R21-7 names 内容雷同 as accountable; CASS found reports copied across regions).

Measuring every pair of a year's reports is quadratic: a province's thousands of reports would be millions of
comparisons. So each judged narrative section gets a MinHash of its `GRAM`-character runs (the runs
facts.similarity.overlap looks up), computed once when the store records the report and kept there; a year's
signatures go into an LSH Forest (datasketch) per section number, which returns the most similar sections cheaply.
The most similar few that belong to *other* bodies are then measured exactly with overlap, and the highest share
becomes the section's `claim.copied_from_peer`, naming the other report. A report whose body is unknown, or a
section no other body's report of the year has, gets no claim: the check is not assessable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from hashlib import sha1
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
    from datasketch import MinHash

    from auditor.store.db import Store

NUM_PERM = 128  # datasketch's default; the forest's precision grows with it, its cost too
# Named, not defaulted: stored signatures must be read back under the hashing scheme that made them.
SCHEME = "affine32"
ASKED = 10  # sections asked of the forest per query: more than are measured, as datasketch advises
MEASURED = 3  # of those, the most similar other bodies' sections measured exactly
_WRITE_BATCH = 64  # older documents whose signatures are recorded per transaction


@dataclass(frozen=True)
class PeerSection:
    """One judged narrative section of a report of the year: the report's key (its content hash), body and file,
    the section's number, and the MinHash of its text."""

    key: str
    agency: str
    path: str
    number: int
    signature: MinHash


def narratives(sections: dict[int, str]) -> dict[int, str]:
    """The sections compared (总体情况 and 五), each when long enough to judge."""
    return {n: sections[n] for n in SECTIONS if n in sections and judged(sections[n])}


def report_narratives(facts: ReportFacts) -> dict[int, str]:
    return narratives({n: text for n, (_, text) in section_texts(facts).items()})


def signature_of(text: str) -> MinHash:
    """The MinHash of a section's runs, as datasketch's default hash (the first 4 bytes of SHA-1, little-endian)
    makes it: each run hashed here in one pass, without a call of datasketch's per run, and the permutations made
    once (_permutations), not drawn from a new random state for each section."""
    from datasketch import MinHash  # imported on first use: numpy and scipy cost a plain audit 0.3 s at start

    signature = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations(), hashfunc=int)
    signature.update_batch([int.from_bytes(sha1(g.encode("utf-8")).digest()[:4], "little")
                            for g in grams(bare(text))])
    return signature


def encode(signature: MinHash) -> bytes:
    """A signature as the store keeps it: its 32-bit hash values, little-endian (the permutations come back from
    datasketch's fixed seed)."""
    return bytes(signature.hashvalues.astype("<u4").tobytes())


def decode(blob: bytes) -> MinHash:
    import numpy
    from datasketch import MinHash

    # The permutations are the seed's, the same for every signature: made once, not for each of a year's thousands.
    return MinHash(scheme=SCHEME, hashvalues=numpy.frombuffer(blob, dtype="<u4").astype(numpy.uint32),
                   permutations=_permutations())


@functools.cache
def _permutations() -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


class PeerIndex:
    """A year's judged narrative sections, in one MinHash LSH Forest per section number. `text(key, number)` gives a
    section's text when a candidate is measured (the store reads it then, not for every report of the year)."""

    def __init__(self, sections: Iterable[PeerSection], text: Callable[[str, int], str | None]) -> None:
        from datasketch import MinHashLSHForest

        self._text = text
        self._sections: dict[tuple[str, int], PeerSection] = {}
        self._names: dict[int, set[str]] = {}  # per section number, the (normalised) bodies that wrote one
        forests: dict[int, MinHashLSHForest] = {}
        for section in sections:
            where = (section.key, section.number)
            if where in self._sections:
                continue  # one file recorded under two pack versions: one report
            self._sections[where] = section
            self._names.setdefault(section.number, set()).add(normal_agency(section.agency))
            forests.setdefault(section.number, MinHashLSHForest(num_perm=NUM_PERM)).add(where, section.signature)
        for forest in forests.values():
            forest.index()
        self._forests = forests

    @classmethod
    def of_reports(cls, reports: Iterable[tuple[str, str, str, dict[int, str]]]) -> PeerIndex:
        """From reports in memory, each (key, agency, path, {section: text}): the rule fixtures' peers."""
        texts: dict[tuple[str, int], str] = {}
        sections = []
        for key, agency, path, by_number in reports:
            for number, text in narratives(by_number).items():
                texts[(key, number)] = text
                sections.append(PeerSection(key, agency, path, number, signature_of(text)))
        return cls(sections, lambda key, number: texts.get((key, number)))

    @classmethod
    def of_year(cls, store: Store, year: int) -> PeerIndex:
        """The year's reports in the store: the signatures recorded with them, and for reports recorded before the
        store kept signatures (schema version 4), signatures computed from their facts now and recorded."""
        older: dict[tuple[str, int], str] = {}
        sections = [PeerSection(key, agency, path, number, decode(blob))
                    for key, agency, path, number, blob in store.narrative_signatures(year)]
        signed = {s.key for s in sections}
        unsigned = store.unsigned_documents_of_year(year)
        # Hashed once and kept, so the next run reads them back like the others; committed a batch at a time, so an
        # interrupted run keeps what it hashed. Read one document at a time: a year of old records can be large.
        for start in range(0, len(unsigned), _WRITE_BATCH):
            with store.batch():
                for document_id, key, path in unsigned[start:start + _WRITE_BATCH]:
                    facts_json = store.facts_of(document_id)
                    texts = narratives(stored_section_texts(facts_json))
                    hashed = {number: signature_of(text) for number, text in texts.items()}
                    store.record_narratives(document_id, [(n, texts[n], encode(h)) for n, h in hashed.items()])
                    agency = (facts_json.get("report") or {}).get("agency")
                    if not agency or key in signed:
                        continue  # whose text it is, is the point; a file recorded again since reads as then
                    signed.add(key)  # its latest record only
                    for number, signature in hashed.items():
                        older[(key, number)] = texts[number]
                        sections.append(PeerSection(key, str(agency), path, number, signature))

        def text_of(key: str, number: int) -> str | None:
            return older.get((key, number)) or store.narrative_text(key, number)

        return cls(sections, text_of)

    def __len__(self) -> int:
        return len({key for key, _ in self._sections})

    def claims(self, facts: ReportFacts, key: str) -> tuple[Claim, ...]:
        """One claim per judged narrative section of this report (whose index key is `key`, so it is not compared
        with itself) that some other body's report of the year also has."""
        if not facts.agency:
            return ()
        own = normal_agency(facts.agency)
        sections = section_texts(facts)
        claims = []
        for number, text in narratives({n: text for n, (_, text) in sections.items()}).items():
            forest = self._forests.get(number)
            # Bodies told apart as the candidates are below (same_body: 「洪泽区政府」 is 「淮安市洪泽区政府」).
            if forest is None or all(same_body(name, own) for name in self._names.get(number, ())):
                continue  # no other body wrote this section this year: nothing to compare with
            # A report of this run is in the index already, its text hashed when it was recorded: not hashed again.
            mine = self._sections.get((key, number))
            signature = mine.signature if mine is not None else signature_of(text)
            found = [where for where in forest.query(signature, ASKED) if self._other_body(where, key, own)]
            # Most similar first; the key breaks ties, so the result never depends on the forest's set order.
            found.sort(key=lambda where: (-signature.jaccard(self._sections[where].signature), where))
            best: tuple[float, str, str | None] = (0.0, "", None)  # percent, passage, the other report
            for where in found[:MEASURED]:
                peer, peer_text = self._sections[where], self._text(*where)
                if peer_text is None:
                    continue
                percent, passage = overlap(text, peer_text)
                if percent > best[0]:
                    best = (percent, passage, f"{peer.agency}（{peer.path}）")
            claims.append(copied_claim(COPIED_FROM_PEER, number, sections[number][0], *best))
        return tuple(claims)

    def _other_body(self, where: tuple[str, int], key: str, own: str) -> bool:
        section = self._sections[where]
        return section.key != key and not same_body(normal_agency(section.agency), own)
