"""Evaluate a pack's checks on one report's facts: one check fact per instance in, one outcome per instance out.

Python resolves each instance's operands (a cell, a sum of cells, a count, a narrative claim) and decides whether it
is assessable: every operand a number, a claim present. The engine then decides which assessable instances fail,
and the reference evaluator re-decides each one; a disagreement is reported as the tool's own problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.engine import Engine, EngineFact
from auditor.facts.model import CellFact, Claim, ReportFacts
from auditor.model import Status
from auditor.packs.compile import CompiledCheck, OperandSpec
from auditor.packs.model import Pack
from auditor.packs.reference import Number, holds


@dataclass(frozen=True)
class Outcome:
    """One check instance: its status, the values it used, and (for narrative checks) the claim it examined."""

    check: CompiledCheck
    status: Status
    env: dict[str, Number] = field(default_factory=dict)
    claim: Claim | None = None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    outcomes: tuple[Outcome, ...]
    disagreements: tuple[tuple[str, str, str], ...]


def _number(cell: CellFact | None) -> Number | None:
    return cell.value if cell is not None and cell.status == "number" else None


def _resolve(spec: OperandSpec, facts: ReportFacts, env: dict[str, Number], missing: list[str]) -> None:
    """Put the operand's values into `env` (cells by key, sums and counts by their own key) or record what is
    missing. Blank, '—', '无' and unreadable cells are missing: never zero."""
    if spec.count:
        prefix = "section."
        if spec.key.startswith(prefix):
            env[spec.key] = 1 if int(spec.key[len(prefix):]) in facts.section_numbers() else 0
        else:
            env[spec.key] = 1 if _number(facts.cells.get(spec.key)) is not None else 0
        return
    for key in spec.members or (spec.key,):
        number = _number(facts.cells.get(key))
        if number is None:
            missing.append(key)
        else:
            env[key] = number


def _fact_values(check: CompiledCheck, env: dict[str, Number]) -> tuple[tuple[str, Number], ...]:
    values = []
    for spec in check.operands:
        if spec.members:
            values.append((spec.field, sum(env[k] for k in spec.members)))
        else:
            values.append((spec.field, env[spec.key]))
    return tuple(values)


def evaluate(pack: Pack, facts: ReportFacts, engine: Engine) -> Evaluation:
    pending: list[tuple[CompiledCheck, dict[str, Number], Claim | None]] = []
    outcomes: dict[int, Outcome] = {}
    order: list[int] = []
    for check in pack.checks:
        env: dict[str, Number] = {}
        missing: list[str] = []
        for spec in check.operands:
            if not spec.is_claim:
                _resolve(spec, facts, env, missing)
        claim_key = check.claim_key
        claims: list[Claim | None] = [None]
        if claim_key is not None:
            claims = [c for c in facts.claims if c.key == claim_key]
            if not claims:
                missing.append(claim_key)
        if missing:
            slot = -len(outcomes) - 1
            outcomes[slot] = Outcome(check, Status.NOT_ASSESSABLE, env, missing=tuple(missing))
            order.append(slot)
            continue
        for claim in claims:
            instance = dict(env)
            if claim is not None:
                instance[claim.key] = claim.value
            pending.append((check, instance, claim))
            order.append(len(pending))  # fact ids start at 1; 0 is the document-complete fact

    engine_input = [EngineFact(i, check.fact_key, _fact_values(check, env))
                    for i, (check, env, _) in enumerate(pending, start=1)]
    failed = {f.fact_id for f in engine.evaluate(pack.shards, engine_input)}

    disagreements: list[tuple[str, str, str]] = []
    for i, (check, env, claim) in enumerate(pending, start=1):
        fired = i in failed
        reference_fails = not holds(check.node, env)
        if reference_fails != fired:
            disagreements.append((check.check_id, "failed" if fired else "passed",
                                  "failed" if reference_fails else "passed"))
        outcomes[i] = Outcome(check, Status.FAILED if fired else Status.PASSED, env, claim)
    return Evaluation(tuple(outcomes[k] for k in order), tuple(disagreements))
