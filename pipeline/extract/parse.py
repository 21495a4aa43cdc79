"""One document's bytes → ParsedReport: read blocks, run the template model, metadata and checks.

`parse_document` never raises on bad input. A document it cannot read gets status `error` or
`needs_ocr`, one that reads but holds none of the template's tables `not_a_report`; the message
says what went wrong and what to do. A report read without all of its template's rows, or from a
document that is not whole (cut off, mixed encodings), is `partial`: its cells are kept, and
`error` says what is missing. Scanned pages and images are read by OCR (`parse_route` says so),
and the template's arithmetic then settles or doubts what OCR read (pipeline.extract.ocr.settle).
"""
from __future__ import annotations

import hashlib

import polars as pl

from pipeline.extract import completeness
from pipeline.extract.checks import run_checks
from pipeline.extract.formats import NeedsOCR, UnreadableDocument, read_document
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.ocr.settle import settle
from pipeline.extract.template import extract_cells
from pipeline.extract.text import decode_text
from pipeline.extract.traditional import simplified_blocks
from pipeline.report.model import CELL_SCHEMA, ParsedReport, partial_reason


def parse_document(data: bytes, *, source: str, filename: str | None = None,
                   content_type: str | None = None) -> ParsedReport:
    """Parse one document; never raises. `source` names it in the output, `filename` and
    `content_type` help tell its format when the bytes alone do not."""
    report = ParsedReport(source=source, sha256=hashlib.sha256(data).hexdigest())
    try:
        report.format, blocks = read_document(data, filename=filename or source, content_type=content_type)
    except NeedsOCR as exc:
        return _failed(report, "needs_ocr", f"{exc}")
    except UnreadableDocument as exc:
        return _failed(report, "error", f"{exc}")
    except Exception as exc:  # a reader bug or a pathological file must not stop a batch
        return _failed(report, "error", f"could not read the document ({type(exc).__name__}: {exc}); "
                                        "check the file opens in a viewer, then report it with the file attached")
    try:
        blocks = simplified_blocks(blocks)
        meta = extract_metadata(blocks, filename=filename or source)
        result = extract_cells(blocks, year=meta.year, ends_mid_cell=report.format == "text" and ends_inside_a_number(data))
        report.parse_route = parse_route(blocks)
        if report.parse_route != "text":
            result.cells = settle(result.cells, blocks)
    except Exception as exc:
        return _failed(report, "error", f"the report model failed on this document ({type(exc).__name__}: {exc}); "
                                        "report it with the file attached")
    if result.template is None or not result.cells:
        found = "、".join(sorted(result.found_sections)) or "none"
        return _failed(report, "not_a_report",
                       f"no annual-report table cells found (report sections found: {found}): "
                       "not a 政府信息公开工作年度报告, or its tables are images that need OCR")
    meta.template = result.template
    report.meta = meta
    report.cells = pl.DataFrame(
        [
            {"table": c.table, "row": c.row, "col": c.col, "value": c.value, "raw": c.raw,
             "flags": c.flags, "locator": c.locator, "source_unit": c.source_unit}
            for c in result.cells
        ],
        schema=CELL_SCHEMA,
    )
    report.checks = run_checks(report.cells, result.template)
    measured = completeness.measure(result.template, report.cells)
    report.completeness = round(measured.ratio, 4)
    report.missing_rows = list(measured.missing_rows)
    report.notes = sorted(result.notes)
    if report.missing_rows or report.notes:
        report.status = "partial"
        report.error = partial_reason(report.missing_rows, measured.rows_required, report.notes)
    return report


def parse_route(blocks) -> str:
    """How the document's text was read: `text` (its own text layer), `ocr` (recognised from
    page images) or `text+ocr` (a mixed PDF: text pages and scanned pages)."""
    kinds = {block.read_by for block in blocks}
    return "text+ocr" if len(kinds) > 1 else kinds.pop() if kinds else "text"


def ends_inside_a_number(data: bytes) -> bool:
    """A stored copy cut off mid-number ends in a digit (plus at most the one newline storage adds);
    a complete cell is followed by something: a space, a `|`, a blank line."""
    text = decode_text(data[-64:] if len(data) > 64 else data)
    for ending in ("\r\n", "\n", "\r"):
        if text.endswith(ending):
            text = text[:-len(ending)]
            break
    return bool(text) and text[-1].isdigit()


def _failed(report: ParsedReport, status: str, message: str) -> ParsedReport:
    report.status = status  # type: ignore[assignment]
    report.error = message
    return report
