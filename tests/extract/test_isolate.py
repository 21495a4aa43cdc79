"""Isolated parsing: bad input never crashes or hangs the caller; results keep input order."""
import io
import time
import zipfile

import pytest

from pipeline import cli
from pipeline.extract.isolate import WorkerStartupError, parse_many
from pipeline.fixtures.documents import render_docx, render_html, render_pdf, sample_report

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def report():
    return sample_report("2021", seed=9)


def zip_bomb_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (64 * 2**20) + b"</w:document>")
    return buffer.getvalue()


def test_bad_documents_give_error_results_in_order(report, tmp_path):
    meta, values = report
    good_pdf = tmp_path / "good.pdf"
    good_pdf.write_bytes(render_pdf(meta, values))
    items = [
        ("truncated.pdf", render_pdf(meta, values)[:3000], "truncated.pdf", "application/pdf"),
        ("truncated.docx", render_docx(meta, values)[:3000], "truncated.docx", None),
        ("bomb.docx", zip_bomb_docx(), "bomb.docx", None),
        ("empty.html", b"", "empty.html", "text/html"),
        ("good.pdf", good_pdf, "good.pdf", None),
        ("garbage.html", b"<html><body><table><tr><td rowspan=99999999>\xff\xfe\x00", "garbage.html", None),
        ("missing.pdf", tmp_path / "missing.pdf", "missing.pdf", None),
        ("good.html", render_html(meta, values), "good.html", None),
    ]
    results = list(parse_many(items, timeout_s=30, workers=2))
    assert [r.source for r in results] == [item[0] for item in items]
    status = {r.source: r.status for r in results}
    assert status == {"truncated.pdf": "error", "truncated.docx": "error", "bomb.docx": "error", "empty.html": "error",
                      "good.pdf": "ok", "garbage.html": "not_a_report", "missing.pdf": "error", "good.html": "ok"}
    errors = {r.source: r.error for r in results}
    assert "zip bomb" in errors["bomb.docx"]
    assert "empty" in errors["empty.html"]
    assert "missing.pdf" in errors["missing.pdf"]
    assert results[4].cells.height == 200


def test_a_worker_over_its_time_limit_is_killed_and_replaced(report):
    meta, values = report
    slow = render_html(meta, values) * 200  # a few MB of tables: far longer than the limit
    items = [("slow.html", slow, "slow.html", None), ("next.html", render_html(meta, values), "next.html", None)]
    started = time.monotonic()
    first, second = parse_many(items, timeout_s=0.3, workers=1)
    assert time.monotonic() - started < 30
    assert first.status == "error" and "longer than 0.3 s" in first.error
    assert second.status == "ok"  # a fresh worker took over


@pytest.mark.parametrize("memory_mb", [32, 64])   # 32: imports fail; 64: polars loads without its native library
def test_a_memory_limit_too_small_to_start_the_parser_is_a_resource_error_not_a_document_error(report, memory_mb):
    meta, values = report
    with pytest.raises(WorkerStartupError, match=rf"{memory_mb} MB memory limit .*no document was read\. Raise the limit"):
        list(parse_many([("report.html", render_html(meta, values), "report.html", None)], memory_mb=memory_mb))


def test_parse_command_reports_a_too_small_memory_limit_not_a_bad_document(report, tmp_path, capsys):
    meta, values = report
    document = tmp_path / "report.html"
    document.write_bytes(render_html(meta, values))
    assert cli.main(["parse", "--memory-mb", "64", str(document)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "Raise the limit (gongkai parse --memory-mb" in err and "Traceback" not in err


def test_no_items_no_workers_left_behind():
    assert list(parse_many([])) == []
    with pytest.raises(ValueError):
        list(parse_many([], workers=0))
