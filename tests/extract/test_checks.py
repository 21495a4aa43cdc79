import polars as pl

from pipeline.extract.checks import run_checks
from pipeline.report.model import CELL_SCHEMA

COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_organization",
        "legal_service_agency", "other_organization", "total")


def frame(values: dict[str, float | None], uncertain: set[str] = frozenset()) -> pl.DataFrame:
    rows = []
    for key, value in values.items():
        table, row, col = key.split(".")
        rows.append({"table": table, "row": row, "col": col, "value": value, "raw": "" if value is None else str(value),
                     "flags": ["uncertain"] if key in uncertain else [], "locator": ""})
    return pl.DataFrame(rows, schema=CELL_SCHEMA)


def application_row(row, natural, total, **others):
    values = {f"applications.{row}.{c}": None for c in COLS}
    values[f"applications.{row}.natural_person"] = natural
    values[f"applications.{row}.total"] = total
    values.update({f"applications.{row}.{c}": v for c, v in others.items()})
    return values


def results(checks: pl.DataFrame, name: str) -> dict:
    return {(c["row"], c["col"]): (c["ok"], c["detail"]) for c in checks.filter(pl.col("check") == name).iter_rows(named=True)}


def test_applications_balance_holds_and_fails_per_column():
    values = {**application_row("new_received", 21, 21), **application_row("carried_over", 0, 0),
              **application_row("granted", 17, 17), **application_row("total_processed", 17, 17),
              **application_row("carried_forward", 4, 4)}
    balance = results(run_checks(frame(values)), "applications_balance")
    assert balance[(None, "total")] == (True, "21 + 0 = 17 + 4")
    values["applications.carried_forward.total"] = 0
    assert results(run_checks(frame(values)), "applications_balance")[(None, "total")] == (False, "21 + 0 = 17 + 0")


def test_row_total_against_applicant_columns():
    values = {**application_row("new_received", 1, 5, other_organization=3)}
    row_total = results(run_checks(frame(values)), "row_total")
    assert row_total[("new_received", "total")][0] is False
    values["applications.new_received.total"] = 4
    assert results(run_checks(frame(values)), "row_total")[("new_received", "total")][0] is True


def test_outcome_total_against_outcome_rows():
    values = {**application_row("granted", 2, 2), **application_row("partially_granted", 1, 1),
              **application_row("total_processed", 3, 4)}
    outcome = results(run_checks(frame(values)), "outcome_total")
    assert outcome[("total_processed", "natural_person")][0] is True
    assert outcome[("total_processed", "total")][0] is False


def test_review_total_against_its_four_outcomes():
    values = {f"review_litigation.administrative_review.{c}": v
              for c, v in zip(("upheld", "corrected", "other_result", "pending", "total"), (10, 1, 0, 0, 0))}
    review = results(run_checks(frame(values)), "review_total")
    assert review[("administrative_review", "total")] == (False, "0 = 10 + 1 + 0 + 0")


def test_blank_totals_and_uncertain_cells_are_not_checked():
    values = {**application_row("new_received", 1, None)}
    assert run_checks(frame(values)).filter(pl.col("check") == "row_total").height == 0
    values = {**application_row("new_received", 1, 2)}
    checks = run_checks(frame(values, uncertain={"applications.new_received.total"}))
    assert checks.filter(pl.col("check") == "row_total").height == 0


def test_checks_never_change_values(parse_text, report_rows, render):
    printed = {"applications.new_received.natural_person": "887", "applications.new_received.total": "887"}
    report = parse_text(render(report_rows("2019", printed, title="泽库县2020年政府信息公开工作年度报告"), "tab"))
    assert report.failed_checks > 0
    cell = report.cells.filter((pl.col("row") == "new_received") & (pl.col("col") == "total")).row(0, named=True)
    assert cell["value"] == 887 and cell["flags"] == []


def test_rows_a_partial_report_lacks_are_named_in_the_check_detail():
    """A row not read counts as 0, so the check can fail for the reading's sake: the detail says which."""
    values = {**application_row("new_received", 5, 5), **application_row("total_processed", 5, 5),
              **application_row("granted", 3, 3), **application_row("carried_forward", 0, 0)}
    checks = run_checks(frame(values), "2021")
    ok, detail = results(checks, "applications_balance")[(None, "total")]
    assert ok and detail == "5 + 0 = 5 + 0 (carried_over not read: counted as 0)"
    ok, detail = results(checks, "outcome_total")[("total_processed", "total")]
    assert not ok and detail.startswith("5 = sum of 1 outcome rows (3) (partially_granted, denied_state_secret")
    assert "other_no_correction" in detail and "other_processing" not in detail, "the 2021 form's rows"
    complete = run_checks(frame({**values, **application_row("carried_over", 0, 0)}), "2021")
    assert "not read" not in results(complete, "applications_balance")[(None, "total")][1]
