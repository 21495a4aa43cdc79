"""The template's arithmetic over OCR'd cells: doubt what it contradicts, settle what it proves.

Each identity of the form (a row's 总计 = its six applicant columns; （七）总计 = the outcome
rows; 一 + 二 = （七） + 四; a review row's 总计 = its four outcomes) is an equation over cells.

1. An uncertain cell with other readings (the OCR's first and second look) is settled when the
   equations it is in, whose other cells are all certain, leave exactly one of its readings
   passing: it takes that reading and is flagged `settled_by_arithmetic`. The arithmetic never
   invents a value no reading gave.
2. An equation over certain cells that fails cannot tell which of its cells is misread, so all
   of them become uncertain (`arithmetic_contradiction`): never a confident wrong value.
"""
from __future__ import annotations

from pipeline.extract.blocks import Block, TableBlock
from pipeline.extract.labels import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_ROWS
from pipeline.extract.numbers import parse_number
from pipeline.extract.template import Cell

Key = tuple[str, str, str]
BALANCE = (("new_received", 1), ("carried_over", 1), ("total_processed", -1), ("carried_forward", -1))
_NOT_OUTCOMES = {"new_received", "carried_over", "total_processed", "carried_forward"}


def equations(cells: dict[Key, Cell]) -> list[list[tuple[Key, int]]]:
    """Each identity as (key, sign) terms summing to 0, over the rows this report has."""
    rows = sorted({row for table, row, _ in cells if table == "applications"})
    found: list[list[tuple[Key, int]]] = []
    for row in rows:
        found.append([(("applications", row, c), 1) for c in APPLICANT_COLUMNS[:-1]]
                     + [(("applications", row, "total"), -1)])
    outcomes = [row for row in rows if row not in _NOT_OUTCOMES]
    for col in APPLICANT_COLUMNS:
        found.append([(("applications", row, col), sign) for row, sign in BALANCE])
        if outcomes:
            found.append([(("applications", row, col), 1) for row in outcomes]
                         + [(("applications", "total_processed", col), -1)])
    for row in REVIEW_ROWS:
        found.append([(("review_litigation", row, c), 1) for c in REVIEW_COLUMNS[:-1]]
                     + [(("review_litigation", row, "total"), -1)])
    return [terms for terms in found if all(key in cells for key, _ in terms)]


def _uncertain(cell: Cell) -> bool:
    return "uncertain" in cell.flags


def _balances(terms: list[tuple[Key, int]], cells: dict[Key, Cell], key: Key | None = None,
              value: float | None = None) -> bool:
    total = sum(sign * ((value if k == key else cells[k].value) or 0) for k, sign in terms)
    return abs(total) < 1e-6


def _readings(cell: Cell, alternatives: dict[str, tuple[str, ...]]) -> list[tuple[str, float | None]]:
    """(text, value) of each distinct numeric reading of the cell: the one taken, then the others."""
    found: dict[float | None, str] = {}
    for text in (cell.raw, *alternatives.get(cell.locator, ())):
        parsed = parse_number(text)
        if parsed.blank or parsed.is_number:
            found.setdefault(None if parsed.blank else parsed.value, text)
    return [(text, value) for value, text in found.items()]


def settle(cells: list[Cell], blocks: list[Block]) -> list[Cell]:
    """The cells with arithmetic applied (see the module docstring); others pass unchanged."""
    by_key = {(c.table, c.row, c.col): c for c in cells}
    alternatives = {f"{b.locator}, row {r + 1}, col {c + 1}": texts
                    for b in blocks if isinstance(b, TableBlock) for (r, c), texts in b.alternatives.items()}
    identities = equations(by_key)
    # only a doubt about the reading itself can be settled; other doubts (layout, a cut) stay
    open_cells = {key: _readings(cell, alternatives) for key, cell in by_key.items()
                  if set(cell.flags) == {"uncertain", "low_confidence"}}
    open_cells = {key: readings for key, readings in open_cells.items() if readings}
    chosen = {key: readings[0] for key, readings in open_cells.items()}
    involved = {key: [terms for terms in identities if any(k == key for k, _ in terms)] for key in open_cells}
    # cells whose value the identities may lean on: certain ones, and open ones at their chosen reading
    settled_by = {k: c for k, c in by_key.items() if not _uncertain(c) or k in open_cells}

    def passes(terms, key, value) -> bool:
        if any(k not in settled_by for k, _ in terms):
            return False
        total = sum(sign * ((value if k == key else chosen[k][1] if k in chosen else settled_by[k].value) or 0)
                    for k, sign in terms)
        return abs(total) < 1e-6

    for _ in range(3):   # a settled cell can settle its neighbours
        for key, readings in open_cells.items():
            passing = [r for r in readings if involved[key] and all(passes(t, key, r[1]) for t in involved[key])]
            if len(passing) == 1:
                chosen[key] = passing[0]
    for key, readings in open_cells.items():
        tests = involved[key]
        others_open = {k for terms in tests for k, _ in terms if k in open_cells and k != key}
        passing = [r for r in readings if tests and all(passes(t, key, r[1]) for t in tests)]
        # one identity alone cannot tell two misreadings that cancel out: it proves a cell only when
        # every other cell in it is certain
        proven = len(passing) == 1 and (len(tests) >= 2 or not others_open)
        if proven:
            cell = by_key[key]
            cell.raw, cell.value = passing[0]
            cell.flags = [f for f in cell.flags if f not in ("uncertain", "low_confidence")] + ["settled_by_arithmetic"]
    failing = [terms for terms in identities
               if not any(_uncertain(by_key[k]) for k, _ in terms) and not _balances(terms, by_key)]
    for key in dict.fromkeys(k for terms in failing for k, _ in terms):
        by_key[key].flags = [*by_key[key].flags, "uncertain", "arithmetic_contradiction"]
    return cells
