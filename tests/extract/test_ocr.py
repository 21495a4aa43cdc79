"""The OCR route on scans of generated reports whose every value is known.

Each scan degrades a rendered report as scanners and cameras do (pipeline.fixtures.scans): low
resolution, a page fed askew or turned, noise, JPEG, a red seal over a table; a mixed PDF keeps
its text pages and scans its table pages; a long PNG stacks the table pages. A value read
confidently (not flagged uncertain) that differs from the truth is a silent error: there must
be none. Accuracy is the share of the template's values read right and confidently.
"""
from __future__ import annotations

import pytest

from pipeline.extract import ocr
from pipeline.extract.blocks import TableBlock
from pipeline.extract.formats import NeedsOCR, read_document
from pipeline.extract.ocr import engine
from pipeline.extract.ocr.settle import settle
from pipeline.extract.parse import parse_document
from pipeline.extract.template import Cell
from pipeline.fixtures.documents import render_pdf, sample_report
from pipeline.fixtures.scans import Scan, long_image, mixed_pdf, scanned_pdf

CASES = {
    "clean-150dpi": ("2021", 1, "pdf", Scan(dpi=150)),
    "100dpi-askew-noisy-jpeg": ("2019", 2, "pdf", Scan(dpi=100, skew=1.5, noise=12, jpeg=60, seed=2)),
    "200dpi-on-its-side": ("2021", 3, "pdf", Scan(dpi=200, skew=-0.8, turn=90, seed=3)),
    "red-seal-over-a-table": ("2019", 4, "pdf", Scan(dpi=150, stamp=True, jpeg=75, noise=6, seed=4)),
    "mixed-text-and-scans": ("2021", 5, "mixed", Scan(dpi=150, skew=-1.0, jpeg=80, seed=5)),
    "long-png-upside-down": ("2019", 6, "png", Scan(dpi=120, turn=180, noise=8, seed=6)),
}
ACCURACY_REACHED = 0.97   # measured 0.9707 over the six scans (1159 of 1194 values)


def _document(kind: str, pdf: bytes, scan: Scan) -> tuple[bytes, str]:
    if kind == "mixed":
        return mixed_pdf(pdf, scan, {2, 3, 4}), "report.pdf"
    if kind == "png":
        return long_image(pdf, scan, (2, 3, 4)), "report.png"
    return scanned_pdf(pdf, scan), "report.pdf"


@pytest.fixture(scope="module")
def parsed():
    """Case → (truth values, report), each scan parsed once."""
    out = {}
    for name, (template, seed, kind, scan) in CASES.items():
        meta, values = sample_report(template, seed=seed)
        data, filename = _document(kind, render_pdf(meta, values), scan)
        out[name] = (meta, values, parse_document(data, source=filename, filename=filename))
    return out


def _scores(values: dict, report) -> tuple[int, list[str]]:
    cells = {f"{c['table']}.{c['row']}.{c['col']}": c for c in report.cells.iter_rows(named=True)}
    right, silent = 0, []
    for key, truth in values.items():
        cell = cells.get(key)
        if cell is None or "uncertain" in cell["flags"]:
            continue
        if cell["value"] == truth:
            right += 1
        else:
            silent.append(f"{key}: read {cell['raw']!r} ({cell['value']}), truth {truth}")
    return right, silent


def test_no_silent_errors(parsed):
    silent = [f"{name}: {error}" for name, (_, values, report) in parsed.items() for error in _scores(values, report)[1]]
    assert silent == []


SCANNED_FIRST_PAGE = ("clean-150dpi", "100dpi-askew-noisy-jpeg", "200dpi-on-its-side", "red-seal-over-a-table")


@pytest.mark.parametrize("name", SCANNED_FIRST_PAGE)
def test_metadata_of_a_fully_scanned_report_comes_from_its_title_lines(parsed, name):
    truth, _, report = parsed[name]
    assert (report.meta.region, report.meta.year, report.meta.publisher, report.meta.template) == (
        truth.region, truth.year, truth.publisher, truth.template)
    assert f"{truth.year}年" in report.meta.title


def test_accuracy_over_the_scans(parsed):
    right = sum(_scores(values, report)[0] for _, values, report in parsed.values())
    total = sum(len(values) for _, values, _ in parsed.values())
    assert right / total >= ACCURACY_REACHED, f"{right}/{total}"


def test_a_clean_scan_reads_every_value(parsed):
    _, values, report = parsed["clean-150dpi"]
    assert report.status == "ok"
    assert _scores(values, report)[0] == len(values)


@pytest.mark.parametrize("name, fmt, route", [
    ("clean-150dpi", "pdf", "ocr"), ("mixed-text-and-scans", "pdf", "text+ocr"), ("long-png-upside-down", "image", "ocr"),
])
def test_route_and_format_recorded(parsed, name, fmt, route):
    report = parsed[name][2]
    contract = report.to_contract()["report"]
    assert (contract["format"], contract["parse_route"]) == (fmt, route)


def test_ocr_cells_have_the_same_shape_as_text_cells(parsed):
    report = parsed["clean-150dpi"][2]
    locators = report.cells["locator"].to_list()
    assert all(loc.startswith("page ") and ", table " in loc and ", row " in loc for loc in locators)
    assert report.checks.height > 0 and report.checks["ok"].all()


def test_mixed_pdf_reads_its_text_pages_from_the_text_layer(parsed):
    meta, _, report = parsed["mixed-text-and-scans"]
    assert report.meta.year == meta.year   # the title and preamble on page 1 are text, not OCR


def test_mixed_pdf_ocrs_only_its_image_pages():
    meta, values = sample_report("2021", seed=5)
    data = mixed_pdf(render_pdf(meta, values), Scan(dpi=150), {3})
    _, blocks = read_document(data, filename="report.pdf")
    by_route = {block.read_by for block in blocks if block.locator.startswith("page 3")}
    assert by_route == {"ocr"}
    assert {block.read_by for block in blocks if not block.locator.startswith("page 3")} == {"text"}


def test_without_the_recogniser_a_scan_needs_ocr(monkeypatch):
    def missing():
        raise engine.OCRUnavailable("OCR needs the rapidocr-onnxruntime package: pip install -e . installs it")

    monkeypatch.setattr(engine, "_recogniser", missing)
    meta, values = sample_report("2019", seed=7)
    data = long_image(render_pdf(meta, values), Scan(dpi=100), (3,))
    report = parse_document(data, source="scan.png")
    assert report.status == "needs_ocr"
    assert "rapidocr-onnxruntime" in report.error


def test_an_undecodable_image_needs_ocr():
    report = parse_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, source="x.png")
    assert report.status == "needs_ocr" and "cannot be decoded" in report.error


def _row(values: dict[str, str], doubted: set[str]) -> list[Cell]:
    return [Cell("review_litigation", "administrative_review", col, float(text) if text else None, text,
                 ["uncertain", "low_confidence"] if col in doubted else [], f"page 1, table 1, row 4, col {k + 1}")
            for k, (col, text) in enumerate(values.items())]


def test_arithmetic_settles_a_digit_when_exactly_one_reading_passes():
    cells = _row({"upheld": "1", "corrected": "2", "other_result": "8", "pending": "0", "total": "6"}, {"other_result"})
    block = TableBlock([["1", "2", "8", "0", "6"]], locator="page 1, table 1", read_by="ocr",
                       alternatives={(3, 2): ("3", "9")})
    settled = {c.col: c for c in settle(cells, [block])}["other_result"]
    assert settled.value == 3 and settled.flags == ["settled_by_arithmetic"]


def test_arithmetic_settles_nothing_when_no_reading_passes():
    cells = _row({"upheld": "1", "corrected": "2", "other_result": "8", "pending": "0", "total": "6"}, {"other_result"})
    block = TableBlock([[""] * 5], locator="page 1, table 1", read_by="ocr", alternatives={(3, 2): ("4", "9")})
    cell = {c.col: c for c in settle(cells, [block])}["other_result"]
    assert "uncertain" in cell.flags and cell.value == 8


def test_one_identity_does_not_settle_two_doubted_cells():
    # 1 + 2 + 3 + 0 = 6 passes, but so would two misreadings that cancel out: both stay doubted
    cells = _row({"upheld": "1", "corrected": "2", "other_result": "3", "pending": "0", "total": "6"},
                 {"other_result", "total"})
    assert all("uncertain" in c.flags for c in settle(cells, []) if c.col in ("other_result", "total"))


def test_a_contradicted_row_of_confident_readings_becomes_uncertain():
    cells = settle(_row({"upheld": "1", "corrected": "2", "other_result": "8", "pending": "0", "total": "6"}, set()), [])
    assert all("uncertain" in c.flags and "arithmetic_contradiction" in c.flags for c in cells)


def test_pages_come_upright():
    meta, values = sample_report("2021", seed=1)
    upright_blocks = ocr.read_page(ocr.image_pages(long_image(render_pdf(meta, values), Scan(dpi=150), (4,)))[0], 4)
    turned_blocks = ocr.read_page(ocr.image_pages(long_image(render_pdf(meta, values), Scan(dpi=150, turn=270), (4,)))[0], 4)
    assert [b.cells for b in turned_blocks] == [b.cells for b in upright_blocks]


def test_no_ruled_table_in_the_image_needs_ocr():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 1100), "white").save(buffer, format="PNG")
    with pytest.raises(NeedsOCR, match="no ruled table"):
        read_document(buffer.getvalue(), filename="blank.png")


@pytest.mark.parametrize("reading, label", [
    ("政府集中采呦", "政府集中采购"),                                   # one character misread
    ("1.申请人无正当理由逾期不：补正", "1.申请人无正当理由逾期不补正"),      # a speck read as a colon
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理"),
    ("1.属于国家秘密", "1.属于国家秘密"),
])
def test_labels_put_right_by_the_template_vocabulary(reading, label):
    from pipeline.extract.ocr.vocabulary import tidy_label

    assert tidy_label(reading) == label
