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


def _all(items: Sequence[Item]) -> list[Number] | None:
    values = [i.value for i in items]
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def fn_sum(items: Sequence[Item]) -> Number | None:
    """The sum; None when any member is missing (a blank cell is not 0)."""
    values = _all(items)
    return None if values is None else sum(values)


def fn_min(items: Sequence[Item]) -> Number | None:
    """The smallest value; None when any member is missing."""
    values = _all(items)
    return None if values is None else min(values)


def fn_max(items: Sequence[Item]) -> Number | None:
    """The largest value; None when any member is missing."""
    values = _all(items)
    return None if values is None else max(values)


def fn_fractional(items: Sequence[Item]) -> Number | None:
    """The largest fractional part (0 when every value is a whole number); None when any member is missing."""
    values = _all(items)
    return None if values is None else max(abs(v - int(v)) for v in values)


def fn_decimals(items: Sequence[Item]) -> Number | None:
    """Digits after the decimal point as written (`96.0914` → 4), the most among members; None when any is missing.

    Read from the text, not the float, so 0.10 counts two digits and binary rounding cannot add any."""
    if _all(items) is None:
        return None
    digits = 0
    for item in items:
        try:
            exponent = Decimal(compact(item.raw).replace(",", "")).as_tuple().exponent
        except InvalidOperation:
            return None
        digits = max(digits, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return digits


def fn_count(items: Sequence[Item]) -> Number | None:
    """How many of the facts are there (a cell counts when it holds a number). Never missing: absent counts 0."""
    return sum(1 for i in items if i.value is not None)


def fn_printed(items: Sequence[Item]) -> Number | None:
    """The sum of the members that hold a number, blank and unreadable ones left out: a lower bound of the whole
    sum, since every member is a count (≥ 0): 0 when none holds one. None when one is negative (not a count)."""
    values = [i.value for i in items if i.value is not None]
    if any(v < 0 for v in values):
        return None
    return sum(values)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("sum", True, "cells", fn_sum, infix="+", additive=True),
        Function("min", False, "cells", fn_min),
        Function("max", False, "cells", fn_max),
        Function("fractional", False, "cells", fn_fractional),
        Function("decimals", False, "cells", fn_decimals),
        Function("count", False, "any", fn_count),
        Function("printed", True, "cells", fn_printed, infix="+", additive=True),
    )
}
