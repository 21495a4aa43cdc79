"""The stable cell keys of both national templates (a copy of shared/contract/cells.csv)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

TEMPLATES = ("2019", "2021")
TABLES = ("regulations", "licensing", "enforcement", "fees", "procurement", "applications", "review_litigation")


@dataclass(frozen=True)
class CellSpec:
    template: str
    table: str
    row: str
    col: str
    row_label: str
    col_label: str
    unit: str  # "count" or "yuan"

    @property
    def key(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"


@cache
def _load() -> tuple[CellSpec, ...]:
    text = resources.files("pipeline.report").joinpath("cells.csv").read_text(encoding="utf-8")
    return tuple(CellSpec(**row) for row in csv.DictReader(text.splitlines()))


CELLS: tuple[CellSpec, ...] = _load()


@cache
def cells_for_template(template: str) -> tuple[CellSpec, ...]:
    """Every cell of one template, in the order of the printed form."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}: expected one of {TEMPLATES}")
    return tuple(c for c in CELLS if c.template == template)


@cache
def _index() -> dict[tuple[str, str, str, str], CellSpec]:
    return {(c.template, c.table, c.row, c.col): c for c in CELLS}


def cell_spec(template: str, table: str, row: str, col: str) -> CellSpec | None:
    """The contract's entry for one cell, or None when the key is not in that template."""
    return _index().get((template, table, row, col))


@cache
def template_rows(template: str) -> tuple[tuple[str, str], ...]:
    """(table, row) of every row the template's form prints, in form order."""
    return tuple(dict.fromkeys((spec.table, spec.row) for spec in cells_for_template(template)))
