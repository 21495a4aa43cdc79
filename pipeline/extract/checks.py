"""The template's own arithmetic, run over extracted cells. Checks report; they never change values.

- applications_balance, per applicant column: 一 新收 + 二 结转 = 三（七）总计 + 四 结转下年度
- row_total, per application row: 总计 = the six applicant columns
- outcome_total, per applicant column: （七）总计 = the sum of the outcome rows
- review_total, per review/litigation row: 总计 = 维持 + 纠正 + 其他 + 尚未审结

A blank cell counts as 0 among the addends; a check is skipped when the total it tests is blank,
when every cell it would use is blank, or when one of its cells is flagged uncertain. A row the
report lacks (not read: the report is `partial`) counts as 0 too, and the detail names it, so a
failure that comes from the reading is told from one printed in the source.
"""
from __future__ import annotations

import polars as pl

from pipeline.extract.labels import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_ROWS
from pipeline.report.contract import template_rows
from pipeline.report.model import CHECK_SCHEMA

OUTCOME_ROWS = (
    "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_security_stability", "denied_third_party_rights",
    "denied_internal_affairs", "denied_process_information", "denied_enforcement_case_file",
    "denied_administrative_query",
    "unable_not_held", "unable_needs_creation", "unable_unclear_after_correction",
    "not_processed_petition_complaint", "not_processed_repeated", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
    "other_processing", "other_no_correction", "other_fee_unpaid", "other_other",
)
_MISSING = object()


def _fmt(value: float | None) -> str:
    if value is None:
        return "blank"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class _Cells:
    def __init__(self, cells: pl.DataFrame) -> None:
        self.values: dict[tuple[str, str, str], float | None] = {}
        self.uncertain: set[tuple[str, str, str]] = set()
        for c in cells.iter_rows(named=True):
            key = (c["table"], c["row"], c["col"])
            self.values[key] = c["value"]
            if "uncertain" in (c["flags"] or []):
                self.uncertain.add(key)

    def get(self, table: str, row: str, col: str):
        return self.values.get((table, row, col), _MISSING)

    def not_read(self, keys: list[tuple[str, str, str]]) -> str:
        """Detail suffix naming the rows among `keys` the report lacks."""
        rows = list(dict.fromkeys(row for table, row, col in keys if (table, row, col) not in self.values))
        return f" ({', '.join(rows)} not read: counted as 0)" if rows else ""

    def usable(self, keys: list[tuple[str, str, str]]) -> bool:
        present = [k for k in keys if k in self.values]
        return bool(present) and not any(k in self.uncertain for k in keys) and any(
            self.values[k] is not None for k in present)


def _record(out: list[dict], check: str, table: str, row: str | None, col: str | None,
            expected: float, actual: float, detail: str) -> None:
    out.append({"check": check, "table": table, "row": row, "col": col, "ok": abs(expected - actual) < 0.005,
                "expected": expected, "actual": actual, "detail": detail})


def run_checks(cells: pl.DataFrame, template: str | None = None) -> pl.DataFrame:
    """The template's arithmetic over `cells`; with `template`, outcome rows of the form that the
    report lacks are named in the outcome_total detail."""
    found = _Cells(cells)
    out: list[dict] = []
    printed = {row for table, row in template_rows(template) if table == "applications"} if template else set()
    outcome_rows = printed or {row for table, row, _ in found.values if table == "applications"}

    def value(table: str, row: str, col: str) -> float:
        v = found.get(table, row, col)
        return 0.0 if v is _MISSING or v is None else float(v)

    for col in APPLICANT_COLUMNS:
        keys = [("applications", r, col) for r in ("new_received", "carried_over", "total_processed", "carried_forward")]
        if found.usable(keys):
            left = [value(*k) for k in keys[:2]]
            right = [value(*k) for k in keys[2:]]
            _record(out, "applications_balance", "applications", None, col, sum(left), sum(right),
                    f"{_fmt(left[0])} + {_fmt(left[1])} = {_fmt(right[0])} + {_fmt(right[1])}" + found.not_read(keys))
        total_key = ("applications", "total_processed", col)
        template_keys = [("applications", r, col) for r in OUTCOME_ROWS if r in outcome_rows]
        outcome_keys = [k for k in template_keys if k in found.values]
        if found.get(*total_key) not in (None, _MISSING) and found.usable([total_key, *outcome_keys]):
            parts = [value(*k) for k in outcome_keys]
            _record(out, "outcome_total", "applications", "total_processed", col, sum(parts), value(*total_key),
                    f"{_fmt(value(*total_key))} = sum of {len(parts)} outcome rows ({_fmt(sum(parts))})"
                    + found.not_read(template_keys))

    rows = sorted({r for (t, r, _c) in found.values if t == "applications"})
    for row in rows:
        keys = [("applications", row, c) for c in APPLICANT_COLUMNS]
        if found.get(*keys[-1]) in (None, _MISSING) or not found.usable(keys):
            continue
        parts = [value(*k) for k in keys[:-1]]
        _record(out, "row_total", "applications", row, "total", sum(parts), value(*keys[-1]),
                f"{_fmt(value(*keys[-1]))} = {' + '.join(_fmt(p) for p in parts)}")

    for row in REVIEW_ROWS:
        keys = [("review_litigation", row, c) for c in REVIEW_COLUMNS]
        if found.get(*keys[-1]) in (None, _MISSING) or not found.usable(keys):
            continue
        parts = [value(*k) for k in keys[:-1]]
        _record(out, "review_total", "review_litigation", row, "total", sum(parts), value(*keys[-1]),
                f"{_fmt(value(*keys[-1]))} = {' + '.join(_fmt(p) for p in parts)}")
    return pl.DataFrame(out, schema=CHECK_SCHEMA) if out else pl.DataFrame(schema=CHECK_SCHEMA)
