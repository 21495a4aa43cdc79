"""How much of its template a parsed report holds: the rows read against the rows the form has.

Every report of a template prints the same rows (the contract's cells), so a report that reads
43 of 200 cells lost rows somewhere: a reader dropped part of a table, the document was cut off,
or the publisher left a table out. Summed as if whole, such a report skews every total, so it
gets the status `partial` and the rows it lacks are named.

A row counts as read when at least one of its cells was read without `uncertain`: a row whose
every cell is unsettled (cut off, columns not provable) holds nothing a total can use.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.report.contract import template_rows


@dataclass(frozen=True)
class Completeness:
    rows_read: int
    rows_required: int
    missing_rows: tuple[str, ...]   # "table.row" keys of the template's rows not read, in form order

    @property
    def ratio(self) -> float:
        return self.rows_read / self.rows_required if self.rows_required else 0.0


def measure(template: str, cells: pl.DataFrame) -> Completeness:
    """The template's rows read in `cells` (the report's long-format cells)."""
    required = template_rows(template)
    read = set()
    for table, row, flags in zip(cells["table"], cells["row"], cells["flags"]):
        if "uncertain" not in (flags if flags is not None else ()):
            read.add((table, row))
    missing = tuple(f"{table}.{row}" for table, row in required if (table, row) not in read)
    return Completeness(len(required) - len(missing), len(required), missing)
