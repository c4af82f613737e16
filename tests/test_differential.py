"""The engine against the reference evaluator on many mutated reports: every check instance must agree.

Mutations change cells by small amounts, blank them or write '—' into them, so failures, passes and not-assessable
outcomes all occur; the expected outcome of each instance is recomputed here in plain Python from the facts.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from auditor.audit import read_facts
from auditor.engine import Engine
from auditor.evaluate import evaluate
from auditor.facts.model import ReportFacts
from auditor.model import Status
from auditor.packs import Pack
from auditor.packs.reference import holds

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))


def _mutate(facts: ReportFacts, rng: random.Random) -> ReportFacts:
    cells = dict(facts.cells)
    for key in rng.sample(sorted(cells), k=rng.randint(1, 12)):
        cell = cells[key]
        roll = rng.random()
        if roll < 0.7 and cell.value is not None:
            value = max(0, int(cell.value) + rng.choice([-2, -1, 1, 3]))
            cells[key] = dataclasses.replace(cell, raw=str(value), value=value)
        elif roll < 0.85:
            cells[key] = dataclasses.replace(cell, raw="", status="blank", value=None)
        else:
            cells[key] = dataclasses.replace(cell, raw="—", status="dash", value=None)
    drop = {n for n in range(1, 7) if rng.random() < 0.05}
    return dataclasses.replace(facts, cells=cells, sections=tuple(s for s in facts.sections if s.number not in drop))


def test_engine_agrees_with_reference_on_mutated_reports(standard: Pack) -> None:
    rng = random.Random(20261122)
    engine = Engine()
    counts = {s: 0 for s in Status}
    for round_ in range(60):
        facts, _ = read_facts(SAMPLES[round_ % len(SAMPLES)], [standard])
        mutated = _mutate(facts, rng)
        evaluation = evaluate(standard, mutated, engine)
        assert evaluation.disagreements == ()
        for outcome in evaluation.outcomes:
            counts[outcome.status] += 1
            if outcome.status is Status.NOT_ASSESSABLE:
                assert outcome.missing or outcome.cause
                continue
            if outcome.check.claim_key and outcome.claim is None:
                assert outcome.check.no_claims_pass  # a detector that found nothing: nothing to re-decide
                continue
            assert (outcome.status is Status.PASSED) == holds(outcome.check.node, outcome.env), outcome.check.check_id
    assert all(counts[s] > 50 for s in Status), counts
