"""Compile a rule's check into a durable-rules rule, and plan ruleset shards within the engine's limits.

Each check instance becomes one *check fact* holding its operand values (`p0`, `p1`, …, and `zero: 0`); the compiled
rule is a single pattern on that fact whose test is the check's *violation*. So the engine evaluates every condition
in its alpha network, never in a join (joins with arithmetic crash the C engine, see limits.py). Joins between facts
(a narrative claim and a table cell), sums and counts are resolved when the check facts are built.

A comparison `l OP r` is tested as `zero OP (r - l)`, so neither side needs rearranging. `exists(x)` is a count of
x that must be at least 1, computed once the whole document has been read (no `$not`, which fires early).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from auditor.packs import limits
from auditor.packs.expr import (
    Approx,
    BinOp,
    BoolOp,
    Call,
    Compare,
    Exists,
    ExprError,
    Key,
    Node,
    Not,
    Num,
    call_key,
    walk,
)
from auditor.packs.reference import compile_condition

DOCUMENT_KEY = "document"
CLAIM_PREFIX = "claim."

_NEGATE = {"==": "$neq", "!=": "$eq", "<": "$gte", "<=": "$gt", ">": "$lte", ">=": "$lt"}
_HOLDS = {"==": "$eq", "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_ARITH = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}


@dataclass(frozen=True)
class OperandSpec:
    """One operand of a check: the fact key it reads, or a function (`fn`) of the facts named in `members`."""

    field: str
    key: str
    members: tuple[str, ...] = ()
    fn: str | None = None

    @cached_property  # asked for every operand of every check of every report
    def is_claim(self) -> bool:
        """A narrative claim read directly: the check runs once per claim of this kind."""
        return self.fn is None and self.key.startswith(CLAIM_PREFIX)


@dataclass(frozen=True)  # cached_property needs a __dict__: no slots here
class CompiledCheck:
    index: int
    check_id: str
    rule_id: str
    bindings: tuple[tuple[str, str], ...]
    node: Node
    operands: tuple[OperandSpec, ...]
    durable: dict[str, Any]
    no_claims_pass: bool = False

    @cached_property
    def fact_key(self) -> str:
        return f"c{self.index}"

    @cached_property
    def claim_key(self) -> str | None:
        return next((o.key for o in self.operands if o.is_claim), None)

    def __getstate__(self) -> dict[str, Any]:
        """Packs go to worker processes pickled: the compiled condition (a function made by compile()) does not
        pickle, so it is left out and compiled again on first use there."""
        state = dict(self.__dict__)
        state.pop("holds", None)
        return state

    @cached_property
    def holds(self) -> Callable[[Mapping[str, int | float]], bool]:
        """The reference evaluator's verdict on this check, compiled once (reference.compile_condition)."""
        return compile_condition(self.node)

    @cached_property
    def table_operands(self) -> tuple[OperandSpec, ...]:
        """The operands resolved from the report's facts (every one but a narrative claim read directly)."""
        return tuple(o for o in self.operands if not o.is_claim)

    @cached_property
    def divisors(self) -> tuple[Node, ...]:
        """The right-hand sides of every division: an instance where one is 0 is not assessable."""
        return tuple(n.right for n in walk(self.node) if isinstance(n, BinOp) and n.op == "/")


@dataclass(frozen=True)
class Shard:
    name: str
    checks: tuple[int, ...]
    keys: frozenset[str]
    rules: dict[str, Any]


def compile_check(index: int, check_id: str, rule_id: str, bindings: tuple[tuple[str, str], ...],
                  node: Node, no_claims_pass: bool = False) -> CompiledCheck:
    operands: dict[str, OperandSpec] = {}
    for n in walk(node):  # one field per distinct key or function call, in reading order
        if isinstance(n, Key) and n.key not in operands:
            operands[n.key] = OperandSpec(f"p{len(operands)}", n.key)
        elif isinstance(n, Call) and call_key(n) not in operands:  # exists(x) too: walk reaches its count(x)
            operands[call_key(n)] = OperandSpec(f"p{len(operands)}", call_key(n), n.keys, n.fn)
    if not operands:
        raise ExprError("the check references no fact")
    if len({o.key for o in operands.values() if o.is_claim}) > 1:
        raise ExprError("a check may compare one kind of narrative claim, not several")
    if len(operands) > limits.MAX_OPERANDS_PER_CHECK:
        raise ExprError(f"the check reads {len(operands)} values; the rule engine holds at most "
                        f"{limits.MAX_OPERANDS_PER_CHECK} per fact. Aggregate with sum() over a group")

    def value(n: Node) -> Any:
        if isinstance(n, Num):
            return n.value
        if isinstance(n, Key):
            return {"$m": operands[n.key].field}
        if isinstance(n, Call):
            return {"$m": operands[call_key(n)].field}
        if isinstance(n, BinOp):
            return {_ARITH[n.op]: {"$l": value(n.left), "$r": value(n.right)}}
        raise ExprError(f"not a value: {n}")

    def test(n: Node, violated: bool) -> dict[str, Any]:
        if isinstance(n, Exists):
            field = operands[call_key(n.count)].field
            return {"$lt": {field: 1}} if violated else {"$gte": {field: 1}}
        if isinstance(n, Compare):
            diff = {"$sub": {"$l": value(n.right), "$r": value(n.left)}}  # l OP r  ⇔  0 OP (r - l)
            op = _NEGATE[n.op] if violated else _HOLDS[n.op]
            return {"zero": diff} if op == "$eq" else {op: {"zero": diff}}
        if isinstance(n, Approx):
            diff = {"$sub": {"$l": value(n.right), "$r": value(n.left)}}
            low = {"$sub": {"$l": diff, "$r": n.tol}}
            high = {"$add": {"$l": diff, "$r": n.tol}}
            if violated:  # |d| > tol  ⇔  0 < d - tol  or  0 > d + tol
                return {"$or": [{"$lt": {"zero": low}}, {"$gt": {"zero": high}}]}
            return {"$and": [{"$gte": {"zero": low}}, {"$lte": {"zero": high}}]}
        if isinstance(n, BoolOp):
            # De Morgan: a conjunction is violated when any part is, a disjunction when every part is.
            combinator = ("$or" if n.op == "and" else "$and") if violated else ("$and" if n.op == "and" else "$or")
            return {combinator: [test(i, violated) for i in n.items]}
        if isinstance(n, Not):
            return test(n.item, not violated)
        raise ExprError(f"not a condition: {n}")

    # The fact is marked by a property named after its check (`c12: 1`), not by a shared `key: "c12"`: the engine
    # buckets a node's tests by property name, so a shared name sends every fact through every check's test
    # (measured: 1.3 ms against 0.9 ms per report for two shards of the 2021 pack).
    durable = {"all": [{"m": {"$and": [{f"c{index}": 1}, test(node, violated=True)]}}]}
    return CompiledCheck(index, check_id, rule_id, bindings, node, tuple(operands.values()), durable, no_claims_pass)


def alpha_cost(test: Any) -> int:
    """How many alpha tests a condition becomes: durable expands `$or` into separate branches."""
    if isinstance(test, dict):
        if "$or" in test:
            return sum(alpha_cost(t) for t in test["$or"])
        if "$and" in test:
            cost = 1
            for t in test["$and"]:
                cost *= alpha_cost(t)
            return cost
    return 1


def check_cost(check: CompiledCheck) -> int:
    """Root-level alpha tests this check adds to a ruleset."""
    return sum(alpha_cost(next(iter(p.values()))) for p in check.durable["all"])


def check_limits(check: CompiledCheck) -> str | None:
    """Why this check cannot run on the engine at all (no sharding helps), or None."""
    cost = check_cost(check)
    if cost > limits.MAX_ALPHA_TESTS - len(_BUILTIN):
        return (f"expands to {cost} engine tests; the engine hangs beyond {limits.MAX_ALPHA_TESTS} "
                "(durable-rules loops forever at 512 sibling tests). Simplify its and/or")
    return None


_BUILTIN: dict[str, dict[str, Any]] = {
    # Catches every fact no rule wants, so a batch is never refused as a whole (engine-notes §1.6).
    "__sink__": {"all": [{"never": {"key": "__never__"}}, {"x": {"$ex": {"id": 1}}}]},
    # Fires on the document-complete fact, asserted last: proof that the engine saw the whole document. It also keeps
    # delete_state safe: a state whose facts met only the sink crashes the next document (SIGSEGV, measured).
    "__done__": {"all": [{"d": {"key": DOCUMENT_KEY}}]},
}


def plan_shards(pack_name: str, checks: list[CompiledCheck]) -> tuple[Shard, ...]:
    """Greedy packing of checks into rulesets small enough to be fast (limits.FAST_ALPHA_TESTS), and so never near
    the root fan-out that hangs the engine. A check too big for the fast size gets a shard of its own."""
    budget = limits.FAST_ALPHA_TESTS - len(_BUILTIN)
    groups: list[list[CompiledCheck]] = []
    used: list[int] = []
    for check in checks:  # first fit, so a big check does not leave a shard half empty (each costs a state)
        cost = check_cost(check)
        n = next((i for i, u in enumerate(used) if u + cost <= budget), len(groups))
        if n == len(groups):
            groups.append([])
            used.append(0)
        groups[n].append(check)
        used[n] += cost
    digest = hashlib.sha256(json.dumps([c.durable for c in checks], sort_keys=True).encode()).hexdigest()[:10]
    shards = []
    for n, group in enumerate(groups):
        rules = {c.fact_key: c.durable for c in group}
        rules.update(_BUILTIN)
        keys = frozenset(c.fact_key for c in group) | {DOCUMENT_KEY}
        shards.append(Shard(f"{pack_name}/{digest}#{n}", tuple(c.index for c in group), keys, rules))
    return tuple(shards)
