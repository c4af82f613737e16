"""The reference evaluator: the check language evaluated in plain Python over resolved values.

The engine decides which checks fail; this evaluator computes the numbers a finding quotes and independently
re-decides every check, so an engine hazard (a string compared as text, a swallowed action) cannot pass silently.
"""

from __future__ import annotations

from collections.abc import Mapping

from auditor.packs.expr import (
    Approx,
    BinOp,
    BoolOp,
    Call,
    Compare,
    Exists,
    Key,
    Node,
    Not,
    Num,
    call_key,
    walk,
)
from auditor.packs.functions import FUNCTIONS

Number = int | float

# Integer arithmetic is exact; the only floats are amounts (万元), compared with approx() and a stated tolerance.
_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def value(node: Node, env: Mapping[str, Number]) -> Number:
    """The number a value node stands for; KeyError when an operand is not in `env` (not assessable)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Key):
        return env[node.key]
    if isinstance(node, Call):
        return env[call_key(node)]
    if isinstance(node, BinOp):
        left, right = value(node.left, env), value(node.right, env)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return left / right
    raise TypeError(f"not a value: {node}")


def holds(node: Node, env: Mapping[str, Number]) -> bool:
    """Whether a condition holds; exists(x) when count(x), a value in `env`, is at least 1."""
    if isinstance(node, Exists):
        return value(node.count, env) >= 1
    if isinstance(node, Compare):
        return bool(_COMPARE[node.op](value(node.left, env), value(node.right, env)))
    if isinstance(node, Approx):
        return abs(value(node.right, env) - value(node.left, env)) <= node.tol
    if isinstance(node, BoolOp):
        results = [holds(i, env) for i in node.items]
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not holds(node.item, env)
    raise TypeError(f"not a condition: {node}")


def comparisons(node: Node) -> list[Compare | Approx]:
    """The comparisons of a condition in reading order (the first is the one a message quotes as lhs/rhs)."""
    return [n for n in walk(node) if isinstance(n, (Compare, Approx))]


def fmt(number: Number) -> str:
    """A number as the report wrote it: the shortest text that reads back as the same float (96091.4123456 stays
    96091.4123456); whole floats without «.0». Computed ratios are rounded before they get here."""
    if isinstance(number, float):
        return str(int(number)) if number.is_integer() else repr(number)
    return str(number)


def terms(node: Node, env: Mapping[str, Number]) -> str:
    """The arithmetic with values in place of references: `10 + 0`; a function shows its members where their values
    are known, joined by its infix (a sum: `5 + 1 + 0`) or else as its name and members (`min(3, 0)`)."""
    if isinstance(node, (Num, Key)):
        return fmt(value(node, env))
    if isinstance(node, Call):
        if not all(k in env for k in node.keys):
            return fmt(value(node, env))
        members, infix = [fmt(env[k]) for k in node.keys], FUNCTIONS[node.fn].infix
        return f" {infix} ".join(members) if infix else f"{node.fn}({', '.join(members)})"
    if isinstance(node, BinOp):
        right = terms(node.right, env)
        if isinstance(node.right, BinOp) and node.op in "-*/":
            right = f"({right})"
        return f"{terms(node.left, env)} {node.op} {right}"
    raise TypeError(f"not a value: {node}")


def left_keys(node: Node) -> list[str]:
    """The keys on the left of a comparison: where a finding is located (the reported value is written left)."""
    if isinstance(node, Key):
        return [node.key]
    if isinstance(node, Call):
        return list(node.keys)
    if isinstance(node, BinOp):
        return left_keys(node.left) + left_keys(node.right)
    return []
