"""Evaluate a pack's checks on one report's facts: one check fact per instance in, one outcome per instance out.

Python resolves each instance's operands (a cell, a report value, a function of facts, a narrative claim) and
decides whether it is assessable: every operand a number, a claim present and exact, no division by zero, every
value one the engine reads exactly (limits.engine_exact). The engine then decides which assessable instances fail,
and the reference evaluator re-decides each one. A disagreement is reported as the tool's own problem, and an
instance that either of them fails is failed: an engine bug must never hide an error (the outcome says who failed it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from auditor import limits
from auditor.engine import Engine, EngineFact
from auditor.facts.model import CellFact, Claim, ReportFacts
from auditor.facts.readings import Case, cases
from auditor.facts.vocabulary import OTHER_2021
from auditor.model import Status
from auditor.packs.compile import CompiledCheck, OperandSpec
from auditor.packs.functions import FUNCTIONS, Item
from auditor.packs.model import Pack
from auditor.packs.reference import Number, fmt, value

APPROXIMATE = "approximate"
ZERO_DIVISOR = "zero_divisor"
OUT_OF_RANGE = "out_of_range"  # a value the engine cannot read exactly: `unsafe` names its keys
READINGS = "readings"  # some readings of a digit run fail the check and some do not: `cases` says which
TOO_MANY_READINGS = "too_many_readings"  # more combinations of readings than are checked one by one

# Readings are checked one engine fact each, and the engine slows past ~64 facts a state (README, Performance): at
# most this many combinations for one instance, and this many reading facts for one report (later instances are
# not assessable, saying so). The corpus's worst, pingtan-2025.txt, posts 849 (+56 ms); at the cap a report of
# 2,048 reading facts took 160 ms.
READINGS_PER_INSTANCE = 256
READINGS_PER_REPORT = 2048

# Who failed an instance the other passed (Outcome.failed_by): the reference evaluator alone, or the engine alone.
BY_REFERENCE = "reference"
BY_ENGINE = "engine"


@dataclass(frozen=True)
class Outcome:
    """One check instance: its status, the values it used, and (for narrative checks) the claim it examined.
    A not-assessable outcome names the keys that were missing, or a `cause` (an approximate claim, a zero divisor,
    values out of the engine's range, named in `unsafe`). A failed outcome that only one of the engine and the
    reference evaluator failed says which in `failed_by` (None: both)."""

    check: CompiledCheck
    status: Status
    env: dict[str, Number] = field(default_factory=dict)
    claim: Claim | None = None
    missing: tuple[str, ...] = ()
    cause: str | None = None
    unsafe: tuple[str, ...] = ()
    failed_by: str | None = None
    cases: tuple[ReadingCase, ...] = ()


class Passed(NamedTuple):
    """A passed check instance, as an Outcome reads (its status, and no missing key, cause, cases or dissent): the
    instances that pass are most of a report's, and a tuple builds in a sixth of a frozen dataclass's time."""

    check: CompiledCheck
    env: dict[str, Number]
    claim: Claim | None = None

    @property
    def status(self) -> Status:
        return Status.PASSED

    @property
    def missing(self) -> tuple[str, ...]:
        return ()

    @property
    def cause(self) -> str | None:
        return None

    @property
    def unsafe(self) -> tuple[str, ...]:
        return ()

    @property
    def failed_by(self) -> str | None:
        return None

    @property
    def cases(self) -> tuple[ReadingCase, ...]:
        return ()


@dataclass(frozen=True)
class ReadingCase:
    """One reading of the digit runs an instance reads (the value each of its cells takes) and the check's status
    under it: passed, failed, or not assessable (a zero divisor in this reading)."""

    values: Case
    env: dict[str, Number]
    status: Status
    failed_by: str | None = None


@dataclass(frozen=True)
class Evaluation:
    outcomes: tuple[Outcome | Passed, ...]
    disagreements: tuple[tuple[str, str, str], ...]

    def with_status(self, status: Status) -> list[Outcome]:
        """The failed or the not-assessable outcomes, in order (a passed one is a Passed: nothing to build)."""
        return [o for o in self.outcomes if o.status is status and isinstance(o, Outcome)]


Kind = Literal["claim", "section", "report", "prev", "cell"]
Resolved = tuple[tuple[tuple[str, Number], ...], tuple[str, ...]]  # (key, value) pairs for env; keys missing


class _Lookup:
    """What each key names in one report, and each operand's values, worked out once: checks share most of their
    cells and many of their sums."""

    def __init__(self, facts: ReportFacts) -> None:
        self.facts = facts
        self._items: dict[str, list[Item]] = {}
        self._operands: dict[str, Resolved] = {}
        self.claims: dict[str, list[Claim]] = {}
        for claim in facts.claims:
            self.claims.setdefault(claim.key, []).append(claim)
        # Each cell's number (None: blank, '—', '无' or unreadable), as referent gives it: what a function of cells
        # alone reads (_on_cells).
        self.numbers = {k: c.value if c.status == "number" else None for k, c in facts.cells.items()}

    def items(self, key: str) -> list[Item]:
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = referent(key, self.facts)[1]
        return found

    def operand(self, spec: OperandSpec) -> Resolved:
        found = self._operands.get(spec.key)  # a spec's key names its function and members too (call_key)
        if found is None:
            found = self._operands[spec.key] = _resolve(spec, self)
        return found


def referent(key: str, facts: ReportFacts) -> tuple[Kind, list[Item]]:
    """What a key names in this report (the one place that decides it): its kind, and every claim of the kind, the
    section if present, a report value (`prev.`: last year's cells, put in values by auditor.store) or a cell."""
    if key.startswith("claim."):
        return "claim", [Item(c.value, c.text) for c in facts.claims if c.key == key]
    if key.startswith("section."):
        return "section", [Item(1, "")] if int(key.removeprefix("section.")) in facts.section_numbers() else []
    if key.startswith(("report.", "prev.")):
        number = facts.values.get(key)
        found = [Item(None, "", "absent") if number is None else Item(number, fmt(number))]
        return ("prev" if key.startswith("prev.") else "report"), found
    cell = facts.cells.get(key)
    if cell is None:
        return "cell", [Item(None, "", "absent")]
    return "cell", [Item(cell.value if cell.status == "number" else None, cell.raw, cell.status, cell)]


def _reads_other(spec: OperandSpec) -> bool:
    """Whether members_read may replace any of a spec's members (a sum over some of (六)'s 2021 sub-rows)."""
    found = _READS_OTHER.get(spec.key)
    if found is None:
        found = _READS_OTHER[spec.key] = (spec.fn is not None and FUNCTIONS[spec.fn].additive
                                          and any(k.startswith("t3.other.") for k in spec.members))
    return found


_READS_OTHER: dict[str, bool] = {}  # by spec key: a spec's key names its function and members (call_key)


def members_read(spec: OperandSpec, facts: ReportFacts) -> tuple[str, ...]:
    """The facts a function operand reads in this report: its members, except that in a sum (an additive function)
    （六）'s three 2021 sub-rows of a column, none of them in the report, are read as the one （六）其他处理 row of that
    column when the report prints table 三 in the 2019 layout. (六) is by definition the three together (domain.md
    §2.6, item 6), so a sum over the result rows or over （六） means the same in both layouts; a check of one sub-row
    alone stays not assessable, and TPL-LAYOUT-T3 reports the layout."""
    members = spec.members
    if not _reads_other(spec):
        return members
    for column in {k.rsplit(".", 1)[1] for k in members if k.startswith("t3.other.")}:
        parts = [f"t3.{row}.{column}" for row in OTHER_2021]
        printed = f"t3.other_processing.{column}"
        if all(k in members and k not in facts.cells for k in parts) and printed in facts.cells:
            first = members.index(parts[0])
            kept = [k for k in members if k not in parts]
            members = (*kept[:first], printed, *kept[first:])
    return members


_NOT_CELLS = ("claim.", "section.", "report.", "prev.")  # every other key names a cell (referent)


def _cell_members(spec: OperandSpec) -> tuple[str, ...] | None:
    """A function's distinct members, when it reads only their values and every one is a cell that members_read
    never replaces: such an operand is computed from the report's numbers (_on_cells). None for any other."""
    if spec.key not in _CELL_MEMBERS:
        fn = FUNCTIONS[spec.fn] if spec.fn is not None else None
        plain = fn is not None and fn.of_values is not None and not _reads_other(spec) \
            and not any(k.startswith(_NOT_CELLS) for k in spec.members)
        _CELL_MEMBERS[spec.key] = tuple(dict.fromkeys(spec.members)) if plain else None
    return _CELL_MEMBERS[spec.key]


_CELL_MEMBERS: dict[str, tuple[str, ...] | None] = {}  # by spec key, as _READS_OTHER


def _on_cells(spec: OperandSpec, members: tuple[str, ...], numbers: dict[str, Number | None]) -> Resolved:
    """_resolve for a function of cells' values alone: the same pairs and missing keys, from one number map (a cell
    not in the report, like a blank one, has no number)."""
    values = [numbers.get(k) for k in members]
    known = [(k, v) for k, v in zip(members, values, strict=True) if v is not None]
    of_values = FUNCTIONS[spec.fn].of_values if spec.fn is not None else None
    result = of_values(values) if of_values is not None else None
    if result is None:
        return tuple(known), tuple([k for k, v in zip(members, values, strict=True) if v is None])
    known.append((spec.key, result))
    return tuple(known), ()


def _resolve(spec: OperandSpec, lookup: _Lookup) -> Resolved:
    """The operand's value (and, for a function, its members' values) for `env`, or the keys that are missing.
    Blank, '—', '无' and unreadable cells are missing: never zero."""
    key = spec.key
    if spec.fn is None:
        if key.startswith(_NOT_CELLS):
            (item,) = lookup.items(key)
            number = item.value
        else:
            number = lookup.numbers.get(key)
        return ((), (key,)) if number is None else (((key, number),), ())
    cells = _cell_members(spec)
    if cells is not None:
        return _on_cells(spec, cells, lookup.numbers)
    items = lookup.items
    member_items = {k: items(k) for k in (members_read(spec, lookup.facts) if _reads_other(spec) else spec.members)}
    known = [(k, found[0].value) for k, found in member_items.items() if len(found) == 1 and found[0].value is not None]
    every = [i for found in member_items.values() for i in found]
    result = FUNCTIONS[spec.fn].compute(every)
    if result is None:
        return tuple(known), tuple([k for k, found in member_items.items() if any(i.value is None for i in found)])
    known.append((key, result))
    return tuple(known), ()


def _zero_divisor(check: CompiledCheck, env: dict[str, Number]) -> bool:
    return any(value(divisor, env) == 0 for divisor in check.divisors)


def _unsafe(check: CompiledCheck, env: dict[str, Number]) -> tuple[str, ...]:
    """The keys of the values that keep an instance from the engine: a cell or claim itself, or, for a function of
    cells, the members out of range (the function's own key when only the result is, e.g. a sum too large). The C
    engine's parser crashes on a number in exponent notation, and integers past 2**53 lose digits as doubles while
    the reference keeps them exact (limits.engine_exact)."""
    keys: list[str] = []
    for spec in check.operands:
        if not limits.engine_exact(env[spec.key]):
            members = [k for k in spec.members if k in env and not limits.engine_exact(env[k])]
            keys.extend(members or [spec.key])
    return tuple(dict.fromkeys(keys))


def _absent_sections(needs: tuple[tuple[int, ...], ...], present: set[int]) -> list[str]:
    """`section.N` for each section a check's narrative claims are read from (Pack.section_needs), when the report
    has none of the sections one claim kind is read from."""
    absent: list[str] = []
    for sections in needs:
        if not present.intersection(sections):
            absent.extend(f"section.{n}" for n in sections if f"section.{n}" not in absent)
    return absent


def _distinct(claims: list[Claim]) -> list[Claim]:
    """A detector's matches, one per mistake, at its first place: a passage repeated word for word (a page holding
    its text twice, a typo copied into another paragraph), and, within one paragraph, matches ending alike: in
    「一是…；三是…；三是」 the order breaks twice (二 skipped, 三 repeated), but one 「三是」 stands for
    「二是」."""
    kept: list[Claim] = []
    for claim in claims:
        if claim.value == 0:  # a match that passes (M-ENTITY's own name): every one is counted
            kept.append(claim)
            continue
        found = [k for k in kept if k.value != 0]
        repeated = any(k.text.strip() == claim.text.strip() for k in found)
        same_slip = any(k.line == claim.line and k.section == claim.section and k.text[-2:] == claim.text[-2:]
                        for k in found)
        if not (repeated or same_slip):
            kept.append(claim)
    return kept


def _blocked(check: CompiledCheck, instance: dict[str, Number], claim: Claim | None) -> Outcome | None:
    """Why an instance with every value present still cannot go to the engine, as its outcome; None when it can."""
    if claim is not None and claim.approximate:  # 「4.6万余件」 bounds a count; comparing it exactly would invent one
        return Outcome(check, Status.NOT_ASSESSABLE, instance, claim, cause=APPROXIMATE)
    unsafe = _unsafe(check, instance)
    if unsafe:  # before the divisor test: value() of an infinite or huge operand can overflow
        return Outcome(check, Status.NOT_ASSESSABLE, instance, claim, cause=OUT_OF_RANGE, unsafe=unsafe)
    if check.divisors and _zero_divisor(check, instance):
        return Outcome(check, Status.NOT_ASSESSABLE, instance, claim, cause=ZERO_DIVISOR)
    return None


def _reading_cells(missing: list[str], facts: ReportFacts) -> list[CellFact] | None:
    """The missing values' cells when every one is a cell of a digit run with its readings listed, else None."""
    found = [facts.cells.get(key) for key in dict.fromkeys(missing)]
    cells = [c for c in found if c is not None and c.readings]
    return cells if cells and len(cells) == len(found) else None


def _with_case(check: CompiledCheck, env: dict[str, Number], case: Case, lookup: _Lookup) -> dict[str, Number]:
    """The instance's values under one reading: its cells' values, and every function of them computed again."""
    values = dict(case)
    instance = {**env, **values}
    for spec in check.operands:
        if spec.fn is None or not values.keys() & set(members_read(spec, lookup.facts)):
            continue
        items = [Item(values[key], lookup.items(key)[0].raw) if key in values else item
                 for key in members_read(spec, lookup.facts) for item in lookup.items(key)]
        result = FUNCTIONS[spec.fn].compute(items)
        if result is not None:  # every other member was known: only reading cells were missing
            instance[spec.key] = result
    return instance


def _settle_cases(check: CompiledCheck, claim: Claim | None, missing: tuple[str, ...],
                  found: list[ReadingCase]) -> Outcome:
    """One outcome from an instance's readings: failed only when every reading fails, passed when every one passes,
    else not assessable, the cases saying how many failed."""
    statuses = {c.status for c in found}
    if statuses == {Status.FAILED}:
        by = {c.failed_by for c in found}
        failed_by = BY_REFERENCE if BY_REFERENCE in by else BY_ENGINE if BY_ENGINE in by else None
        return Outcome(check, Status.FAILED, found[0].env, claim, cases=tuple(found), failed_by=failed_by)
    if statuses == {Status.PASSED}:
        return Outcome(check, Status.PASSED, found[0].env, claim, cases=tuple(found))
    first = next((c for c in found if c.status is Status.FAILED), found[0])
    return Outcome(check, Status.NOT_ASSESSABLE, first.env, claim, missing=missing, cause=READINGS,
                   cases=tuple(found))


def evaluate(pack: Pack, facts: ReportFacts, engine: Engine) -> Evaluation:
    """Every check instance of `pack` on `facts`: settled here when not assessable, else decided by the engine and
    re-decided by the reference evaluator. An instance whose only missing values are cells of digit runs with
    several readings is posted once per combination of readings (facts.readings.cases), each decided the same way,
    and settled from all of them (_settle_cases)."""
    pending: list[tuple[CompiledCheck, dict[str, Number], Claim | None]] = []
    outcomes: dict[int, Outcome | Passed] = {}
    order: list[int] = []
    # Instances checked under readings: the slot of their outcome, and per reading its values and its engine fact
    # (a pending index) or the outcome it was settled with.
    grouped: list[tuple[int, CompiledCheck, Claim | None, tuple[str, ...], list[tuple[Case, int | Outcome]]]] = []
    reading_facts = 0

    def settle(outcome: Outcome | Passed) -> None:
        """An outcome decided without the engine (not assessable, or a detector with nothing to detect)."""
        slot = -len(outcomes) - len(grouped) - 1  # negative slots never meet the engine's fact ids, which start at 1
        outcomes[slot] = outcome
        order.append(slot)

    def post(check: CompiledCheck, instance: dict[str, Number], claim: Claim | None) -> int:
        pending.append((check, instance, claim))
        return len(pending)  # fact ids start at 1; 0 is the document-complete fact

    lookup = _Lookup(facts)
    present = facts.section_numbers()
    section_needs = pack.section_needs
    for check in pack.checks:
        env: dict[str, Number] = {}
        # A narrative check of a section the report lacks is not assessable: the missing section is SEC-PRESENT's
        # finding, not one more finding of each check that reads it.
        needs = section_needs.get(check.index)
        missing: list[str] = _absent_sections(needs, present) if needs else []
        if missing:
            settle(Outcome(check, Status.NOT_ASSESSABLE, env, missing=tuple(missing)))
            continue
        for spec in check.table_operands:
            known, absent = lookup.operand(spec)
            if known:
                env.update(known)
            if absent:
                missing.extend(absent)
        claim_key = check.claim_key
        claims: list[Claim | None] = [None]
        if claim_key is not None:
            found = list(lookup.claims.get(claim_key, ()))
            claims = list(_distinct(found) if check.no_claims_pass else found)
            if not claims and check.no_claims_pass and not missing:
                settle(Passed(check, env))
                continue
            if not claims:
                missing.append(claim_key)
        reading_cells = _reading_cells(missing, facts) if missing else None
        if missing and reading_cells is None:
            settle(Outcome(check, Status.NOT_ASSESSABLE, env, missing=tuple(missing)))
            continue
        combinations = cases(reading_cells, READINGS_PER_INSTANCE) if reading_cells else [()]
        if combinations is None or reading_facts + len(combinations) * len(claims) > READINGS_PER_REPORT:
            settle(Outcome(check, Status.NOT_ASSESSABLE, env, missing=tuple(missing), cause=TOO_MANY_READINGS))
            continue
        for claim in claims:
            instance = dict(env)
            if claim is not None:
                instance[claim.key] = claim.value
            if not reading_cells:
                blocked = _blocked(check, instance, claim)
                if blocked is not None:
                    settle(blocked)
                else:
                    order.append(post(check, instance, claim))
                continue
            if claim is not None and claim.approximate:
                settle(Outcome(check, Status.NOT_ASSESSABLE, instance, claim, cause=APPROXIMATE))
                continue
            readings: list[tuple[Case, int | Outcome]] = []
            for case in combinations:
                reading = _with_case(check, instance, case, lookup)
                blocked = _blocked(check, reading, claim)
                readings.append((case, blocked if blocked is not None else post(check, reading, claim)))
            reading_facts += len(readings)
            slot = -len(outcomes) - len(grouped) - 1
            grouped.append((slot, check, claim, tuple(missing), readings))
            order.append(slot)

    engine_input = [EngineFact(i, check.fact_key, tuple([(s.field, env[s.key]) for s in check.operands]))
                    for i, (check, env, _) in enumerate(pending, start=1)]
    failed = {f.fact_id for f in engine.evaluate(pack.shards, engine_input)}

    disagreements: list[tuple[str, str, str]] = []
    for i, (check, env, claim) in enumerate(pending, start=1):
        fired = i in failed
        reference_fails = not check.holds(env)  # holds(check.node, env), compiled once per pack
        failed_by = None
        if reference_fails != fired:
            disagreements.append((check.check_id, "failed" if fired else "passed",
                                  "failed" if reference_fails else "passed"))
            failed_by = BY_ENGINE if fired else BY_REFERENCE
        outcomes[i] = Outcome(check, Status.FAILED, env, claim, failed_by=failed_by) \
            if fired or reference_fails else Passed(check, env, claim)
    for slot, check, claim, missing_keys, readings in grouped:
        under: list[ReadingCase] = []
        for case, decided in readings:
            outcome = outcomes.pop(decided) if isinstance(decided, int) else decided
            under.append(ReadingCase(case, outcome.env, outcome.status, outcome.failed_by))
        outcomes[slot] = _settle_cases(check, claim, missing_keys, under)
    return Evaluation(tuple(outcomes[k] for k in order), tuple(disagreements))
