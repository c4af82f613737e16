"""The reference evaluator: the check language evaluated in plain Python over resolved values.

The engine decides which checks fail; this evaluator computes the numbers a finding quotes and independently
re-decides every check, so an engine hazard (a string compared as text, a swallowed action) cannot pass silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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


def _source(node: Node) -> str:
    """A node as a Python expression over `e` (the env), every operation parenthesised as `value`/`holds` nest it.
    Keys and numbers are written with repr: a key is data, never code, and a number reads back as the same value."""
    if isinstance(node, Num):
        return f"({node.value!r})"
    if isinstance(node, Key):
        return f"e[{node.key!r}]"
    if isinstance(node, Call):
        return f"e[{call_key(node)!r}]"
    if isinstance(node, BinOp):
        return f"({_source(node.left)} {node.op} {_source(node.right)})"
    if isinstance(node, Exists):
        return f"({_source(node.count)} >= 1)"
    if isinstance(node, Compare):
        return f"({_source(node.left)} {node.op} {_source(node.right)})"
    if isinstance(node, Approx):
        return f"(abs({_source(node.right)} - {_source(node.left)}) <= {node.tol!r})"
    if isinstance(node, BoolOp):
        return "(" + f" {node.op} ".join(_source(i) for i in node.items) + ")"
    if isinstance(node, Not):
        return f"(not {_source(node.item)})"
    raise TypeError(f"not a node: {node}")


def compile_condition(node: Node) -> Callable[[Mapping[str, Number]], bool]:
    """`holds(node, env)` as one compiled function (compiled once per pack: `holds` walks the tree for every check of
    every report). The same operations on the same values in the same order, so the same answer wherever `holds`
    gives one; and/or short-circuit, which changes nothing for an env the evaluator posts (every operand present,
    no zero divisor: evaluate._blocked). tests/test_differential.py holds the two to each other."""
    for n in walk(node):
        if isinstance(n, Num) and not isinstance(n.value, (int, float)):
            raise TypeError(f"not a number: {n.value!r}")
        if isinstance(n, (BinOp, Compare, BoolOp)) and n.op not in _OPERATORS:
            raise TypeError(f"not an operator: {n.op!r}")
    code = compile(f"lambda e: bool({_source(node)})", "<check>", "eval")
    return eval(code, {"__builtins__": {}, "abs": abs, "bool": bool})  # type: ignore[no-any-return]


_OPERATORS = {"+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"}
