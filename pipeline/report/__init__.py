"""The report model: what extraction produces and the warehouse loads."""
from pipeline.report.contract import CELLS, TABLES, cell_spec, cells_for_template
from pipeline.report.model import CELL_SCHEMA, CHECK_SCHEMA, ParsedReport, ReportMeta

__all__ = [
    "CELLS", "TABLES", "cell_spec", "cells_for_template",
    "CELL_SCHEMA", "CHECK_SCHEMA", "ParsedReport", "ReportMeta",
]
