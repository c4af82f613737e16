"""Compile a rule's check into durable-rules JSON, and plan ruleset shards within the engine's limits.

Only the *violation* of a check is compiled: a durable rule fires when the check fails. Passes are the assessable
instances that did not fire; an instance is assessable when every operand is a number (decided in Python from the
facts, so a blank cell is reported as not assessable, never compared).

A comparison `l OP r` is tested on the last pattern as `zero OP (r - l)`: every engine fact carries `zero: 0`, so no
side needs rearranging and the earlier patterns' values are reached through their aliases.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from auditor.packs import limits
from auditor.packs.expr import Approx, BinOp, BoolOp, Compare, Exists, ExprError, Key, Node, Not, Num, Sum

DOCUMENT_KEY = "document"
CLAIM_PREFIX = "claim."

_NEGATE = {"==": "$neq", "!=": "$eq", "<": "$gte", "<=": "$gt", ">": "$lte", ">=": "$lt"}
_HOLDS = {"==": "$eq", "!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_ARITH = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}


@dataclass(frozen=True)
class OperandSpec:
    """One pattern of a check: the engine fact key it matches, and for a sum the cell keys it aggregates."""

    alias: str
    key: str
    members: tuple[str, ...] = ()

    @property
    def is_claim(self) -> bool:
        return self.key.startswith(CLAIM_PREFIX)


@dataclass(frozen=True)
class CompiledCheck:
    index: int
    check_id: str
    rule_id: str
    bindings: tuple[tuple[str, str], ...]
    node: Node
    operands: tuple[OperandSpec, ...]
    durable: dict[str, Any]

    @property
    def claim_key(self) -> str | None:
        return next((o.key for o in self.operands if o.is_claim), None)

    @property
    def is_exists(self) -> bool:
        return isinstance(self.node, Exists)


@dataclass(frozen=True)
class Shard:
    name: str
    checks: tuple[int, ...]
    keys: frozenset[str]
    rules: dict[str, Any]


def compile_check(index: int, check_id: str, rule_id: str, bindings: tuple[tuple[str, str], ...],
                  node: Node) -> CompiledCheck:
    if isinstance(node, Exists):
        assert isinstance(node.target, Key)
        key = node.target.key
        durable = {"all": [{"d": {"key": DOCUMENT_KEY}}, {"m$not": {"key": key}}]}
        return CompiledCheck(index, check_id, rule_id, bindings, node, (OperandSpec("m", key),), durable)

    operands: dict[object, OperandSpec] = {}

    def allocate(n: Node) -> None:
        if isinstance(n, Key) and n.key not in operands:
            operands[n.key] = OperandSpec(f"p{len(operands)}", n.key)
        elif isinstance(n, Sum) and n not in operands:
            operands[n] = OperandSpec(f"p{len(operands)}", f"agg.{index}.{len(operands)}", n.keys)
        elif isinstance(n, (BinOp, Compare, Approx)):
            allocate(n.left)
            allocate(n.right)
        elif isinstance(n, BoolOp):
            for item in n.items:
                allocate(item)
        elif isinstance(n, Not):
            allocate(n.item)

    allocate(node)
    if not operands:
        raise ExprError("the check references no fact")
    if len({o.key for o in operands.values() if o.is_claim}) > 1:
        raise ExprError("a check may join one kind of narrative claim, not several")
    specs = list(operands.values())
    last = specs[-1].alias

    def value(n: Node) -> Any:
        if isinstance(n, Num):
            return n.value
        if isinstance(n, (Key, Sum)):
            alias = operands[n.key if isinstance(n, Key) else n].alias
            return {"$m": "value"} if alias == last else {alias: "value"}
        if isinstance(n, BinOp):
            return {_ARITH[n.op]: {"$l": value(n.left), "$r": value(n.right)}}
        raise ExprError(f"not a value: {n}")

    def test(n: Node, violated: bool) -> dict[str, Any]:
        if isinstance(n, Compare):
            diff = {"$sub": {"$l": value(n.right), "$r": value(n.left)}}  # l OP r  ⇔  0 OP (r - l)
            op = _NEGATE[n.op] if violated else _HOLDS[n.op]
            return {"zero": diff} if op == "$eq" else {op: {"zero": diff}}
        if isinstance(n, Approx):
            diff = {"$sub": {"$l": value(n.right), "$r": value(n.left)}}
            low = {"$sub": {"$l": diff, "$r": n.tolerance}}
            high = {"$add": {"$l": diff, "$r": n.tolerance}}
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

    patterns: list[dict[str, Any]] = [{o.alias: {"key": o.key}} for o in specs[:-1]]
    patterns.append({last: {"$and": [{"key": specs[-1].key}, test(node, violated=True)]}})
    return CompiledCheck(index, check_id, rule_id, bindings, node, tuple(specs), {"all": patterns})


def _alpha_cost(test: Any) -> int:
    """How many alpha tests a condition becomes: durable expands `$or` into separate branches."""
    if isinstance(test, dict):
        if "$or" in test:
            return sum(_alpha_cost(t) for t in test["$or"])
        if "$and" in test:
            cost = 1
            for t in test["$and"]:
                cost *= _alpha_cost(t)
            return cost
    return 1


def pattern_costs(check: CompiledCheck) -> dict[str, int]:
    """Alpha tests per fact key that this check adds to a ruleset."""
    costs: dict[str, int] = {}
    for pattern in check.durable["all"]:
        ((alias, test),) = pattern.items()
        key = test["key"] if "key" in test else test["$and"][0]["key"]
        costs[key] = costs.get(key, 0) + _alpha_cost(test)
    return costs


def check_limits(check: CompiledCheck) -> str | None:
    """Why this check cannot run on the engine at all (no sharding helps), or None."""
    patterns = len(check.durable["all"])
    if patterns > limits.MAX_PATTERNS_PER_CHECK:
        return (f"joins {patterns} facts; the rule engine fails beyond {limits.MAX_PATTERNS_PER_CHECK} "
                f"(durable-rules error 304). Aggregate operands with sum() over a group instead")
    costs = pattern_costs(check)
    if max(costs.values()) > limits.MAX_PATTERNS_PER_KEY or sum(costs.values()) > limits.MAX_ALPHA_TESTS:
        return (f"expands to {sum(costs.values())} engine tests; the engine hangs or fails beyond "
                f"{limits.MAX_ALPHA_TESTS} (or {limits.MAX_PATTERNS_PER_KEY} on one fact). Simplify the and/or")
    return None


_BUILTIN = {
    # Catches every fact no rule wants, so a batch is never refused as a whole (engine-notes §1.6).
    "__sink__": {"all": [{"never": {"key": "__never__"}}, {"x": {"$ex": {"id": 1}}}]},
    # Fires on the document-complete fact: proof that the engine saw the whole document. It also keeps
    # delete_state safe: a state whose facts met only the sink crashes the next document (SIGSEGV, measured).
    "__done__": {"all": [{"d": {"key": DOCUMENT_KEY}}]},
}


def plan_shards(pack_name: str, checks: list[CompiledCheck]) -> tuple[Shard, ...]:
    """Greedy packing of checks into rulesets so no ruleset breaks a fan-out limit."""
    groups: list[list[CompiledCheck]] = []
    per_key: dict[str, int] = {}
    total = 0
    builtin = {DOCUMENT_KEY: 1}
    for check in checks:
        costs = pattern_costs(check)
        size = sum(costs.values())
        fits = groups and total + size <= limits.MAX_ALPHA_TESTS - 3 and all(
            per_key.get(k, 0) + c <= limits.MAX_PATTERNS_PER_KEY - builtin.get(k, 0) for k, c in costs.items())
        if not fits:
            groups.append([])
            per_key, total = {}, 0
        groups[-1].append(check)
        total += size
        for k, c in costs.items():
            per_key[k] = per_key.get(k, 0) + c
    digest = hashlib.sha256(json.dumps([c.durable for c in checks], sort_keys=True).encode()).hexdigest()[:10]
    shards = []
    for n, group in enumerate(groups):
        rules = {f"c{c.index}": c.durable for c in group}
        rules.update(_BUILTIN)
        keys = frozenset(o.key for c in group for o in c.operands) | {DOCUMENT_KEY}
        shards.append(Shard(f"{pack_name}/{digest}#{n}", tuple(c.index for c in group), keys, rules))
    return tuple(shards)
