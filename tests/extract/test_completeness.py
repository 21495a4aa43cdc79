"""Reports that lose rows of a table they print are `partial` in every reader, never `ok`.

The documents are the fixture reports with their applications table cut after its first outcome
rows (the rest of the form missing, as when a reader drops a page of it) and the 复议/诉讼 table
printed without its row of numbers; each format is rendered from the same damaged form.
"""
import dataclasses

import pytest

from pipeline.extract import parse_document
from pipeline.extract.completeness import measure
from pipeline.fixtures import documents
from pipeline.fixtures.documents import Cell, FormTable, sample_report
from pipeline.report.contract import template_rows

KEPT_APPLICATION_ROWS = ("new_received", "carried_over", "granted", "partially_granted")


def lose_rows(sections):
    """The form with table 三 cut after （二）部分公开 and table 四 without its numbers."""
    damaged = []
    for section in sections:
        table = section.table
        if section.heading.startswith("三、"):
            rows = list(table.rows[:7])   # three header rows, 新收, 结转, （一）予以公开, （二）部分公开
            outcome_label = rows[5][0]
            rows[5] = (Cell(outcome_label.text, rowspan=2), *rows[5][1:])
            table = FormTable(tuple(rows), table.width)
        elif section.heading.startswith("四、"):
            table = FormTable(table.rows[:3], table.width)
        damaged.append(dataclasses.replace(section, table=table))
    return damaged


RENDERERS = {
    "html": lambda meta, values: documents.render_html(meta, values),
    "pdf": lambda meta, values: documents.render_pdf(meta, values),
    "docx": lambda meta, values: documents.render_docx(meta, values),
    "text": lambda meta, values: documents.render_text(meta, values).encode("utf-8"),
}


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("fmt", list(RENDERERS))
def test_a_report_that_lost_rows_is_partial_in_every_reader(monkeypatch, fmt, template):
    meta, values = sample_report(template, seed=21)
    whole = parse_document(RENDERERS[fmt](meta, values), source=f"whole.{fmt}")
    original = documents.report_sections
    monkeypatch.setattr(documents, "report_sections", lambda *args: lose_rows(original(*args)))
    report = parse_document(RENDERERS[fmt](meta, values), source=f"report.{fmt}")

    assert report.status == "partial", f"{report.status}: rows lost, yet {report.error}"
    lost = {f"{table}.{row}" for table, row in template_rows(template)
            if table == "review_litigation" or (table == "applications" and row not in KEPT_APPLICATION_ROWS)}
    assert lost <= set(report.missing_rows)
    assert report.completeness < whole.completeness
    assert "template rows not read" in report.error and "review_litigation" in report.error
    assert report.to_contract()["status"] == "partial"


def test_complete_means_every_template_row_read_without_uncertain():
    meta, values = sample_report("2021", seed=22)
    report = parse_document(documents.render_text(meta, values).encode("utf-8"), source="r.txt")
    assert (report.status, report.completeness, report.missing_rows) == ("ok", 1.0, [])
    flagged = report.cells.with_columns(
        flags=report.cells["flags"].map_elements(lambda f: [*f, "uncertain"], return_dtype=report.cells["flags"].dtype))
    assert measure("2021", flagged).rows_read == 0, "a row read only as uncertain holds nothing a total can use"
