"""Place a row's printed cells into the template's columns, or say that the source does not settle it.

A row's cells rarely line up with the template by count alone: span placeholders and padding
add empty cells at the edges, exports drop blank cells, and some rows print more numbers than
there are columns. `align_row` enumerates every placement the layout allows — extra empty cells
removed from the edges only, extra printed numbers removed anywhere, missing cells inserted
anywhere — and keeps a column's value only when every placement agrees on it. Dropping a cell
from inside a row is a guess: its placements stand only when some placement passes the check
(`proof`) outright. A check may also settle a disagreement, but only when exactly one outcome
passes it outright and every other outcome fails it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Generic, TypeVar

Item = TypeVar("Item")
MAX_PLACEMENTS = 5000


@dataclass
class Placement(Generic[Item]):
    cells: list[Item | None]      # one per column; None where no printed cell lands
    uncertain: list[bool]         # True where placements disagree and nothing settles it


def _edge_trims(cells: list, extra: int, is_blank: Callable) -> list[list]:
    leading = next((i for i, c in enumerate(cells) if not is_blank(c)), len(cells))
    trailing = next((i for i, c in enumerate(reversed(cells)) if not is_blank(c)), len(cells))
    options = []
    for head in range(extra + 1):
        tail = extra - head
        if head <= leading and tail <= trailing and head + tail <= len(cells):
            options.append(cells[head:len(cells) - tail])
    return options


def _strip_edge_blanks(cells: list, is_blank: Callable) -> list:
    start, end = 0, len(cells)
    while start < end and is_blank(cells[start]):
        start += 1
    while end > start and is_blank(cells[end - 1]):
        end -= 1
    return cells[start:end]


def candidate_placements(cells: list, width: int, is_blank: Callable) -> tuple[list[list], bool]:
    """Every way the printed cells can fill `width` columns (in order, never reordered), and whether
    they are guesses: cells dropped from inside the row, which only arithmetic can confirm."""
    placements = _placements(cells, width, is_blank)
    trimmed = _strip_edge_blanks(cells, is_blank)
    return placements, len(trimmed) > width


def _placements(cells: list, width: int, is_blank: Callable) -> list[list]:
    if len(cells) == width:
        return [list(cells)]
    if len(cells) > width:
        extra = len(cells) - width
        trimmed = _edge_trims(cells, extra, is_blank)
        if trimmed:
            return trimmed
        cells = _strip_edge_blanks(cells, is_blank)
        if len(cells) <= width:
            return _placements(cells, width, is_blank)
        extra = len(cells) - width
        blanks = [i for i, c in enumerate(cells) if is_blank(c)]
        pool = blanks if len(blanks) >= extra else list(range(len(cells)))
        drops = list(combinations(pool, extra))
        if len(drops) > MAX_PLACEMENTS:
            return []
        return [[c for i, c in enumerate(cells) if i not in drop] for drop in map(set, drops)]
    slots = list(combinations(range(width), len(cells)))
    if len(slots) > MAX_PLACEMENTS:
        return []
    placements = []
    for chosen in slots:
        row: list = [None] * width
        for cell, slot in zip(cells, chosen):
            row[slot] = cell
        placements.append(row)
    return placements


def align_row(
    cells: list[Item],
    width: int,
    *,
    is_blank: Callable[[Item | None], bool],
    value_of: Callable[[Item | None], object],
    proof: Callable[[list[object]], bool | None] | None = None,
) -> Placement[Item]:
    """Align printed cells to `width` columns; `value_of` decides when two placements agree."""
    placements, guessed = candidate_placements(cells, width, is_blank)
    if not placements:
        return Placement([None] * width, [True] * width)
    outcomes: dict[tuple, list] = {}
    for placement in placements:
        outcomes.setdefault(tuple(value_of(c) for c in placement), placement)
    verdicts = {outcome: proof(list(outcome)) if proof else None for outcome in outcomes}
    proven = [o for o, verdict in verdicts.items() if verdict is True]
    if len(outcomes) > 1 and len(proven) == 1 and all(v is False for o, v in verdicts.items() if o != proven[0]):
        outcomes = {proven[0]: outcomes[proven[0]]}
    keys = list(outcomes)
    first = outcomes[keys[0]]
    if guessed and not proven:
        return Placement(list(first), [True] * width)
    uncertain = [len({key[i] for key in keys}) > 1 for i in range(width)]
    return Placement(list(first), uncertain)
