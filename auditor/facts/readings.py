"""The readings of a run of digits that flattened text ran together (「230000023」): every way to cut it into a row's
cells, counted and listed within a cap, so a check can be evaluated under each reading (auditor.evaluate).

Cells are whole numbers written without leading zeros, so 「0000000」 is seven zeros; a space always separates two
cells (no number holds one), though cells may also touch. Nothing else narrows the readings: the row's own
arithmetic is never used to choose one, since those identities are what the rules check.

Both the count and the listing are bounded whatever the run: a cell has at most limits.MAX_NUMBER_DIGITS digits (a
longer number is never read: `number_too_long`), the count of readings is kept no higher than `cap + 1` at every
step (no big numbers), so a run costs at most its length × the width × 15
(and a run longer than width × 15 digits has no reading at all); the listing walks only into prefixes that lead
to a reading, so it stops after `cap` of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.facts.model import CellFact
from auditor.limits import MAX_NUMBER_DIGITS

# A row's readings kept on its cells: more than this and the row is left unreadable, saying it has more.
READINGS_PER_ROW = 64


@dataclass(frozen=True)
class Readings:
    """A run's readings: `cells` lists at most `cap` of them (each `width` cells as written); `count` is how many
    there are, capped at `cap + 1` (more than the cap: none is listed)."""

    cells: tuple[tuple[str, ...], ...]
    count: int

    @property
    def capped(self) -> bool:
        return self.count > len(self.cells)


def digit_readings(run: str, width: int, cap: int = READINGS_PER_ROW) -> Readings:
    """Every way to cut `run` into `width` cells; none when it has fewer digits than cells or is not all digits."""
    digits = run.replace(" ", "")
    if width < 1 or not digits.isdigit() or not width <= len(digits) <= width * MAX_NUMBER_DIGITS:
        return Readings((), 0)  # too few digits for the cells, or too many for cells of readable numbers
    cuts, position = set(), 0  # positions in `digits` where the run had a space: a cell may not straddle one
    for token in run.split():
        position += len(token)
        cuts.add(position)
    n = len(digits)
    # The ends of a cell starting at i: one digit for a 0 (no leading zeros), else up to the next space, and no
    # longer than a number may be.
    next_cut = [n] * (n + 1)
    for i in range(n - 1, -1, -1):
        next_cut[i] = i + 1 if i + 1 in cuts else next_cut[i + 1]
    ending = [range(i + 1, i + 2) if digits[i] == "0" else range(i + 1, min(next_cut[i], i + MAX_NUMBER_DIGITS) + 1)
              for i in range(n)]
    # ways[i][k]: readings of digits[i:] as k cells, capped at cap + 1 (only "how many, up to the cap" matters).
    most = cap + 1
    ways = [[0] * (width + 1) for _ in range(n + 1)]
    ways[n][0] = 1
    for i in range(n - 1, -1, -1):
        row = ways[i]
        for k in range(1, min(width, n - i) + 1):
            total = 0
            for j in ending[i]:
                total += ways[j][k - 1]
                if total >= most:
                    total = most
                    break
            row[k] = total
    count = ways[0][width]
    if count == 0 or count > cap:
        return Readings((), count)
    found: list[tuple[str, ...]] = []
    stack: list[tuple[int, int, tuple[str, ...]]] = [(0, width, ())]
    while stack:  # depth first, in order: only into prefixes that lead to a reading, so at most `cap` leaves
        i, k, prefix = stack.pop()
        if k == 0:
            found.append(prefix)
            continue
        for j in reversed(ending[i]):
            if ways[j][k - 1]:
                stack.append((j, k - 1, (*prefix, digits[i:j])))
    return Readings(tuple(found), count)


def split_digit_run(run: str, width: int) -> list[str] | None:
    """The cells of a run when exactly one reading exists, else None."""
    readings = digit_readings(run, width, cap=1)
    return list(readings.cells[0]) if readings.count == 1 else None


Case = tuple[tuple[str, int], ...]  # one reading of the runs a check reads: each cell's key and its value in it


def cases(cells: Sequence[CellFact], cap: int) -> list[Case] | None:
    """The distinct combinations of values `cells` take over their rows' readings: the cells of one run move
    together (the i-th reading of the row), different runs independently. Only the values of these cells count, so
    two readings that differ elsewhere in the row are one case. None when there would be more than `cap`."""
    rows: dict[tuple[str, int, str], list[CellFact]] = {}
    for cell in cells:
        rows.setdefault((cell.table, cell.line, cell.raw), []).append(cell)
    choices: list[list[Case]] = []
    size = 1
    for row in rows.values():
        distinct = dict.fromkeys(tuple((c.key, c.readings[i]) for c in row) for i in range(len(row[0].readings)))
        size *= len(distinct)
        if size > cap:
            return None
        choices.append(list(distinct))
    return [tuple(pair for part in combination for pair in part) for combination in itertools.product(*choices)]
