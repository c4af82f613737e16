"""Evaluate a pack's checks on one report's facts: engine facts in, one outcome per check instance out.

The engine decides failures; Python decides assessability (every operand a number, a narrative claim present) and
re-decides each instance with the reference evaluator, reporting any disagreement as the tool's own problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.engine import Engine, EngineFact
from auditor.facts.model import CellFact, Claim, ReportFacts
from auditor.model import Status
from auditor.packs.compile import CompiledCheck
from auditor.packs.expr import Exists
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


def engine_facts(pack: Pack, facts: ReportFacts) -> tuple[list[EngineFact], dict[int, Claim]]:
    """Numbers only (blank, '—', '无' never reach the engine), claims, present sections and precomputed sums."""
    out: list[EngineFact] = []
    claim_ids: dict[int, Claim] = {}
    next_id = 1
    for cell in facts.cells.values():
        if cell.status == "number" and cell.value is not None:
            out.append(EngineFact(next_id, cell.key, cell.value))
            next_id += 1
    for claim in facts.claims:
        out.append(EngineFact(next_id, claim.key, claim.value))
        claim_ids[next_id] = claim
        next_id += 1
    for number in sorted(facts.section_numbers()):
        out.append(EngineFact(next_id, f"section.{number}", 1))
        next_id += 1
    for check in pack.checks:
        for operand in check.operands:
            if operand.members and all(_number(facts.cells.get(k)) is not None for k in operand.members):
                total = sum(_number(facts.cells.get(k)) or 0 for k in operand.members)
                out.append(EngineFact(next_id, operand.key, total))
                next_id += 1
    return out, claim_ids


def _number(cell: CellFact | None) -> Number | None:
    return cell.value if cell is not None and cell.status == "number" else None


def evaluate(pack: Pack, facts: ReportFacts, engine: Engine) -> Evaluation:
    engine_input, claim_ids = engine_facts(pack, facts)
    firings = engine.evaluate(pack.shards, engine_input)
    failed: dict[int, list[set[int]]] = {}
    for firing in firings:
        failed.setdefault(firing.check_index, []).append({fact_id for _, fact_id in firing.facts})
    claim_id_of = {id(claim): fact_id for fact_id, claim in claim_ids.items()}

    outcomes: list[Outcome] = []
    disagreements: list[tuple[str, str, str]] = []
    for check in pack.checks:
        fired = failed.get(check.index, [])
        if isinstance(check.node, Exists):
            present = check.operands[0].key.removeprefix("section.").isdigit() and int(
                check.operands[0].key.removeprefix("section.")) in facts.section_numbers()
            status = Status.FAILED if fired else Status.PASSED
            if (status is Status.PASSED) != present:
                disagreements.append((check.check_id, status.value, "passed" if present else "failed"))
            outcomes.append(Outcome(check, status))
            continue
        env: dict[str, Number] = {}
        missing: list[str] = []
        for operand in check.operands:
            if operand.is_claim:
                continue
            for key in operand.members or (operand.key,):
                number = _number(facts.cells.get(key))
                if number is None:
                    missing.append(key)
                else:
                    env[key] = number
        if missing:
            outcomes.append(Outcome(check, Status.NOT_ASSESSABLE, env, missing=tuple(missing)))
            continue
        claim_key = check.claim_key
        if claim_key is None:
            outcomes.append(_decide(check, env, None, bool(fired), disagreements))
            continue
        claims = [c for c in facts.claims if c.key == claim_key]
        if not claims:
            outcomes.append(Outcome(check, Status.NOT_ASSESSABLE, env, missing=(claim_key,)))
        for claim in claims:
            fact_id = claim_id_of[id(claim)]
            instance_env = {**env, claim_key: claim.value}
            outcomes.append(_decide(check, instance_env, claim, any(fact_id in ids for ids in fired), disagreements))
    return Evaluation(tuple(outcomes), tuple(disagreements))


def _decide(check: CompiledCheck, env: dict[str, Number], claim: Claim | None, fired: bool,
            disagreements: list[tuple[str, str, str]]) -> Outcome:
    reference_passes = holds(check.node, env)
    if reference_passes == fired:
        disagreements.append((check.check_id, "failed" if fired else "passed",
                              "passed" if reference_passes else "failed"))
    return Outcome(check, Status.FAILED if fired else Status.PASSED, env, claim)
