"""The check language: a small expression over fact keys, parsed with Python's `ast` under a whitelist.

    t3[new_received][col] + t3[carried_over][col] == t3[total_processed][col] + t3[carried_forward][col]
    t3[total_processed][col] == sum(t3[results][col])
    min(t3[row][columns]) >= 0 and fractional(t3[row][columns]) == 0
    approx(t2[admin_fees].amount_10k_yuan, 0, 0.0001)
    claim.applications_received == t3.new_received.total or claim.applications_received == ...
    exists(section[n]), exists(claim.fee_statement), decimals(t2.admin_fees.amount_10k_yuan) <= param.max_decimals

A reference is a dotted path; `[x]` puts a loop variable, a group (inside a function only) or a literal segment there.
A name that is neither variable nor group is literal, so `t3[new_received][col]` and `t3.new_received[col]` agree.
"""

from __future__ import annotations

import ast
import io
import itertools
import math
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from auditor import limits
from auditor.packs.functions import FUNCTIONS


class ExprError(ValueError):
    """The check text is not in the language; the message says what and where."""


@dataclass(frozen=True)
class Num:
    value: int | float


@dataclass(frozen=True)
class Path:
    """An unresolved reference: each segment is ('lit', text) or ('name', identifier)."""

    segments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Key:
    """A resolved reference to one fact key."""

    key: str


@dataclass(frozen=True)
class Call:
    """A function of the registry (auditor/packs/functions.py) over facts: `path` before resolution, `keys` after."""

    fn: str
    path: Path | None
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Approx:
    """|left - right| <= tolerance; the tolerance is a number or `param.NAME` (a Num once resolved)."""

    left: Node
    right: Node
    tolerance: Num | Path

    @property
    def tol(self) -> float:
        assert isinstance(self.tolerance, Num), "resolve() turns a parameter tolerance into a number"
        return float(self.tolerance.value)


@dataclass(frozen=True)
class BoolOp:
    op: str
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class Exists:
    """exists(x), which holds when count(x) >= 1: its operand is that count. It stays a node of its own, not a function
    of the registry, because it is a condition (alone or in and/or/not) where count(x) is a value to compare."""

    count: Call


Node: TypeAlias = Num | Path | Key | Call | BinOp | Compare | Approx | BoolOp | Not | Exists

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMPOPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def parse(text: str) -> Node:
    """The check `text` as a tree; ExprError when it is not in the language, or has more than
    limits.MAX_EXPR_TERMS tokens or nests deeper than limits.MAX_EXPR_DEPTH. Both are counted before anything
    recurses over the text: Python builds `a + a + … + a` as a tree as deep as it is long, and 3,000 terms
    overflow its stack (RecursionError) in ast.parse already."""
    text = text.strip()
    terms = _count_tokens(text, limits.MAX_EXPR_TERMS + 1)
    if terms > limits.MAX_EXPR_TERMS:
        raise ExprError(f"more than {limits.MAX_EXPR_TERMS} terms (names, numbers, operators, brackets); "
                        "split the check into several rules")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise ExprError(f"syntax error{where}: {exc.msg}") from None
    depth = _depth(tree.body)
    if depth > limits.MAX_EXPR_DEPTH:
        raise ExprError(f"nests {depth} deep (each + or - of a chain is a level); at most {limits.MAX_EXPR_DEPTH}: "
                        "add a group's cells with sum(), or split the check")
    node = _convert(tree.body)
    if not isinstance(node, (Compare, Approx, BoolOp, Not, Exists)):
        raise ExprError("a check must be a comparison, approx(), exists() or a combination with and/or/not")
    return node


def _count_tokens(text: str, stop: int) -> int:
    """Python tokens in `text` (ends of line aside), counting no further than `stop`. A text that does not
    tokenize is counted as far as it does: ast.parse then says what is wrong with it."""
    skip = {tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
    tokens = (t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in skip)
    count = 0
    try:
        for _ in itertools.islice(tokens, stop):
            count += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return count


def _depth(root: ast.AST) -> int:
    """How deep expressions nest in `root` (a name is 1, `a + b` is 2), without recursion."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    return deepest


def _convert(node: ast.AST) -> Node:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        # 1e999 is infinity to Python, and a constant beyond the engine's exact range would decide a check wrongly
        if not math.isfinite(node.value) or abs(node.value) > limits.MAX_EXPR_NUMBER:
            raise ExprError(f"the number {ast.unparse(node)[:40]} is out of range; at most "
                            f"{limits.MAX_EXPR_NUMBER:,} either side of 0")
        if not limits.engine_exact(node.value):  # 0.00001 reaches the engine as 1e-05, which crashes it
            raise ExprError(f"the number {ast.unparse(node)[:40]} is too small for the rule engine to read exactly; "
                            f"use 0 or a magnitude of at least {limits.ENGINE_MIN_ABS:g}")
        return Num(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _convert(node.operand)
        if isinstance(inner, Num):
            return Num(-inner.value)
        return BinOp("-", Num(0), inner)
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return Path(tuple(_segments(node)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        op = _BINOPS[type(node.op)]
        right = _convert(node.right)
        if op == "/" and isinstance(right, Num) and right.value == 0:
            raise ExprError("division by zero")
        return BinOp(op, _arith(_convert(node.left)), _arith(right))
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in _CMPOPS:
            raise ExprError("write one comparison at a time (a < b and b < c, not a < b < c)")
        return Compare(_CMPOPS[type(node.ops[0])], _arith(_convert(node.left)), _arith(_convert(node.comparators[0])))
    if isinstance(node, ast.BoolOp):
        op = "and" if isinstance(node.op, ast.And) else "or"
        return BoolOp(op, tuple(_logical(_convert(v)) for v in node.values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return Not(_logical(_convert(node.operand)))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        return _call(node.func.id, node.args)
    raise ExprError(f"not part of the check language: {ast.unparse(node)!r}")


def _call(name: str, args: list[ast.expr]) -> Node:
    if name in FUNCTIONS and len(args) == 1:
        path = _convert(args[0])
        if not isinstance(path, Path):
            raise ExprError(f"{name}() takes one reference, e.g. {name}(t3[results][col])")
        return Call(name, path)
    if name == "approx" and len(args) == 3:
        tolerance = _convert(args[2])
        is_param = isinstance(tolerance, Path) and tolerance.segments[:1] == (("lit", "param"),)
        if not (isinstance(tolerance, Num) and tolerance.value >= 0) and not is_param:
            raise ExprError("approx(a, b, tolerance) needs a non-negative number or param.NAME as tolerance")
        assert isinstance(tolerance, (Num, Path))
        return Approx(_arith(_convert(args[0])), _arith(_convert(args[1])), tolerance)
    if name == "exists" and len(args) == 1:
        path = _convert(args[0])
        if not isinstance(path, Path):
            raise ExprError("exists() takes one reference, e.g. exists(section[n])")
        return Exists(Call("count", path))
    known = ", ".join([f"{n}/1" for n in FUNCTIONS] + ["approx/3", "exists/1"])
    raise ExprError(f"unknown function or wrong arguments: {name}() (known: {known})")


def _arith(node: Node) -> Node:
    if isinstance(node, (Num, Path, Call, BinOp)):
        return node
    raise ExprError("a comparison's sides must be numbers, references, sums or arithmetic")


def _logical(node: Node) -> Node:
    if isinstance(node, (Compare, Approx, BoolOp, Not, Exists)):
        return node
    raise ExprError("and/or/not combine comparisons, not values")


def _segments(node: ast.AST) -> list[tuple[str, str]]:
    if isinstance(node, ast.Name):
        return [("lit", node.id)]
    if isinstance(node, ast.Attribute):
        return _segments(node.value) + [("lit", node.attr)]
    if isinstance(node, ast.Subscript):
        return _segments(node.value) + [_index(node.slice)]
    raise ExprError(f"not a reference: {ast.unparse(node)!r}")


def _index(node: ast.AST) -> tuple[str, str]:
    if isinstance(node, ast.Name):
        return ("name", node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, str)) and not isinstance(node.value, bool):
        return ("lit", str(node.value))
    if isinstance(node, ast.Attribute):  # t3[denied.state_secret][col]
        return ("lit", ".".join(text for _, text in _segments(node)))
    raise ExprError(f"inside [...] write a name or a literal, not {ast.unparse(node)!r}")


def resolve(node: Node, bindings: dict[str, str], groups: dict[str, list[str]],
            params: dict[str, float] | None = None) -> Node:
    """Replace loop variables by their values, `param.NAME` by the pack's parameter, and expand groups inside
    functions; every reference becomes a Key."""
    params = params or {}

    def again(n: Node) -> Node:
        return resolve(n, bindings, groups, params)

    if isinstance(node, Num | Key):
        return node
    if isinstance(node, Path):
        if node.segments and node.segments[0] == ("lit", "param"):
            name = ".".join(text for _, text in node.segments[1:])
            if name not in params:
                raise ExprError(f"unknown parameter param.{name} (pack.yaml parameters: {sorted(params)})")
            if not limits.engine_exact(params[name]):
                raise ExprError(f"parameter param.{name} = {params[name]!r} is outside the range the rule engine "
                                f"reads exactly (0, or {limits.ENGINE_MIN_ABS:g} ≤ |x| < {limits.ENGINE_MAX_ABS:,})")
            return Num(params[name])
        return Key(_join(node, bindings, groups)[0])
    if isinstance(node, Call):
        assert node.path is not None
        return Call(node.fn, None, tuple(_join(node.path, bindings, groups, node.fn)))
    if isinstance(node, BinOp):
        return BinOp(node.op, again(node.left), again(node.right))
    if isinstance(node, Compare):
        return Compare(node.op, again(node.left), again(node.right))
    if isinstance(node, Approx):
        tolerance = again(node.tolerance)
        if not isinstance(tolerance, Num) or tolerance.value < 0:
            raise ExprError("approx() needs a non-negative tolerance")
        return Approx(again(node.left), again(node.right), tolerance)
    if isinstance(node, BoolOp):
        return BoolOp(node.op, tuple(again(i) for i in node.items))
    if isinstance(node, Not):
        return Not(again(node.item))
    if isinstance(node, Exists):  # of one fact: a group is for functions
        assert node.count.path is not None
        return Exists(Call(node.count.fn, None, (_join(node.count.path, bindings, groups)[0],)))
    raise TypeError(node)


def _join(path: Path, bindings: dict[str, str], groups: dict[str, list[str]], fn: str | None = None) -> list[str]:
    """The keys a reference names. A group may expand only in the argument of a function `fn`, and must where the
    function says so (Function.group)."""
    prefixes = [""]
    group_used = False
    for kind, text in path.segments:
        if kind == "name" and text in bindings:
            choices = [bindings[text]]
        elif kind == "name" and text in groups:
            if fn is None:
                raise ExprError(f"group {text!r} can only be used inside a function such as sum()")
            if group_used:
                raise ExprError("a function expands one group at a time")
            group_used = True
            choices = [str(v) for v in groups[text]]
        else:  # a literal segment (a misspelt variable surfaces as an unknown fact key at load time)
            choices = [text]
        prefixes = [f"{p}.{c}" if p else c for p in prefixes for c in choices]
    if fn is not None and FUNCTIONS[fn].group and not group_used:
        raise ExprError(f"{fn}() needs a group inside its reference, e.g. {fn}(t3[results][col])")
    return prefixes


def call_key(call: Call) -> str:
    """The key under which a function call's value travels (in check facts, in the reference evaluator's env)."""
    return f"{call.fn}:{','.join(call.keys)}"


def walk(node: Node) -> Iterator[Node]:
    """The nodes of a tree in reading order, parents first. Function calls are leaves; exists(x) holds count(x)."""
    yield node
    if isinstance(node, (BinOp, Compare, Approx)):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, BoolOp):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Not):
        yield from walk(node.item)
    elif isinstance(node, Exists):
        yield from walk(node.count)


def keys_of(node: Node) -> list[str]:
    """Every key a resolved node references, in order of first appearance (sums contribute their members)."""
    out: list[str] = []
    for n in walk(node):
        if isinstance(n, Key):
            out.append(n.key)
        elif isinstance(n, Call):
            out.extend(n.keys)
    return list(dict.fromkeys(out))
