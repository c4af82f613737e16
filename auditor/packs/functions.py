"""The functions of the check language: small pure functions keyed by their name in YAML (STYLE §5).

Each reads the facts named in its argument (cells, claims or sections) and returns a number, or None when it cannot:
a check that needs a None is *not assessable*, never guessed. They run before the engine sees anything, because the
engine has no aggregates (engine-notes §1.4) and its joins are unsafe (packs/limits.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from auditor.facts.model import CellFact
from auditor.facts.normalize import compact

Number = int | float


class Item(NamedTuple):  # not a frozen dataclass: evaluate builds ~230 a report, and a tuple builds in half the time
    """One fact a key names (auditor.evaluate.referent): its number (None when blank, '—', '无', unreadable or
    absent), its text as written, its status (a cell's, else "number" or "absent") and, for a cell, the cell."""

    value: Number | None
    raw: str
    status: str = "number"
    cell: CellFact | None = None


Values = Sequence[Number | None]


@dataclass(frozen=True)
class Function:
    name: str
    group: bool  # whether its argument must expand a group (`sum(t3[results][col])`): a sum of one cell is a slip
    facts: str  # "cells": table cells only; "any": cells, claims or sections
    compute: Callable[[Sequence[Item]], Number | None]
    infix: str | None = None  # a message shows its members joined by this (`5 + 1 + 0`), not as `name(…)`
    # Its value over members is their sum: members may be replaced by one fact that is their sum by definition
    # (the 2019 layout's one （六） row for （六）'s three 2021 sub-rows, auditor.evaluate.members_read).
    additive: bool = False
    # The same function of the members' values alone, for one that reads nothing else of them (all but decimals):
    # evaluate computes it from a report's numbers without building an Item per member.
    of_values: Callable[[Values], Number | None] | None = None


def _all(values: Values) -> list[Number] | None:
    return None if None in values else list(values)  # type: ignore[arg-type]  # no None in them


def sum_of(values: Values) -> Number | None:
    """The sum; None when any member is missing (a blank cell is not 0)."""
    return None if None in values else sum(values)  # type: ignore[arg-type]  # no None in them


def min_of(values: Values) -> Number | None:
    """The smallest value; None when any member is missing."""
    known = _all(values)
    return None if known is None else min(known)


def max_of(values: Values) -> Number | None:
    """The largest value; None when any member is missing."""
    known = _all(values)
    return None if known is None else max(known)


def fractional_of(values: Values) -> Number | None:
    """The largest fractional part (0 when every value is a whole number); None when any member is missing."""
    known = _all(values)
    return None if known is None else max(abs(v - int(v)) for v in known)


def fn_decimals(items: Sequence[Item]) -> Number | None:
    """Digits after the decimal point as written (`96.0914` → 4), the most among members; None when any is missing.

    Read from the text, not the float, so 0.10 counts two digits and binary rounding cannot add any."""
    if _all([i.value for i in items]) is None:
        return None
    digits = 0
    for item in items:
        try:
            exponent = Decimal(compact(item.raw).replace(",", "")).as_tuple().exponent
        except InvalidOperation:
            return None
        digits = max(digits, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return digits


def count_of(values: Values) -> Number | None:
    """How many of the facts are there (a cell counts when it holds a number). Never missing: absent counts 0."""
    return len(values) - list(values).count(None)


def printed_of(values: Values) -> Number | None:
    """The sum of the members that hold a number, blank and unreadable ones left out: a lower bound of the whole
    sum, since every member is a count (≥ 0): 0 when none holds one. None when one is negative (not a count)."""
    known = [v for v in values if v is not None]
    if any(v < 0 for v in known):
        return None
    return sum(known)


def _on_values(name: str, group: bool, facts: str, of_values: Callable[[Values], Number | None],
               infix: str | None = None, additive: bool = False) -> Function:
    """A function that reads only its members' values."""
    return Function(name, group, facts, lambda items: of_values([i.value for i in items]), infix, additive,
                    of_values)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        _on_values("sum", True, "cells", sum_of, infix="+", additive=True),
        _on_values("min", False, "cells", min_of),
        _on_values("max", False, "cells", max_of),
        _on_values("fractional", False, "cells", fractional_of),
        Function("decimals", False, "cells", fn_decimals),
        _on_values("count", False, "any", count_of),
        _on_values("printed", True, "cells", printed_of, infix="+", additive=True),
    )
}
