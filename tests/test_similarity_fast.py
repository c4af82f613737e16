"""The store path's two hot functions, rewritten for speed (issue 14 part 6), give what the plain forms give: a
section's MinHash is datasketch's own (so signatures recorded before still compare), and overlap's share and passage are
the character-by-character coverage's, on real reports' sections and on passages copied between them."""

from __future__ import annotations

import random

import pytest
from datasketch import MinHash

from auditor.facts.similarity import GRAM, bare, grams, overlap
from auditor.store.peers import NUM_PERM, SCHEME, decode, encode, signature_of
from tests.conftest import CORPUS, SAMPLES


def _texts() -> list[str]:
    paths = sorted(SAMPLES.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))[:30]
    texts = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts += [text[i:i + 1500] for i in range(0, min(len(text), 9000), 700)]
    return texts


def _covered(this: str, last: str) -> tuple[float, str]:
    """overlap as first written: a flag per character of `this`, set for every run found in `last`."""
    a, b = bare(this), bare(last)
    if len(a) < GRAM or len(b) < GRAM:
        return 0.0, ""
    found = grams(b)
    covered = [False] * len(a)
    for i in range(len(a) - GRAM + 1):
        if a[i:i + GRAM] in found:
            covered[i:i + GRAM] = [True] * GRAM
    best, start = (0, 0), None
    for i, flag in enumerate([*covered, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            best = max(best, (i - start, start))
            start = None
    length, at = best
    return 100.0 * sum(covered) / len(a), a[at:at + length]


def test_a_signature_is_datasketchs_own() -> None:
    texts = _texts()
    assert len(texts) >= 20
    for text in texts[:80]:
        plain = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
        plain.update_batch([g.encode("utf-8") for g in grams(bare(text))])
        fast = signature_of(text)
        assert (fast.hashvalues == plain.hashvalues).all()
        assert encode(decode(encode(fast))) == encode(plain)


@pytest.mark.parametrize("seed", range(4))
def test_overlap_is_the_coverage_of_every_run_found(seed: int) -> None:
    texts = _texts()
    rng = random.Random(seed)
    for _ in range(600):
        this, last = rng.choice(texts), rng.choice(texts)
        if rng.random() < 0.6:  # a passage of this year's copied into last year's, of any length around GRAM
            at = rng.randrange(len(this))
            last = last[:300] + this[at:at + rng.randrange(GRAM - 2, 400)] + last[300:]
        assert overlap(this, last) == _covered(this, last)


def test_overlap_of_runs_that_touch_is_one_passage() -> None:
    this = "甲" * 30 + "乙" * 30
    assert overlap(this, "甲" * 30 + "丙" + "乙" * 30) == _covered(this, "甲" * 30 + "丙" + "乙" * 30)
    assert overlap(this, this) == (100.0, this)
    assert overlap("短", this) == (0.0, "")

