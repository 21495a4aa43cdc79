"""DOC / WPS / RTF through LibreOffice; a clear error when LibreOffice is missing."""
import shutil

import pytest

from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.formats import UnreadableDocument, office, read_document
from pipeline.extract.parse import parse_document
from pipeline.fixtures.documents import APPLICANT_COLUMNS, render_doc, sample_report

needs_soffice = pytest.mark.skipif(not shutil.which("soffice"),
                                   reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")

RTF = (b"{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0 SimSun;}}\\f0 "
       b"\\'d2\\'bb\\'a1\\'a2\\'d7\\'dc\\'cc\\'e5\\'c7\\'e9\\'bf\\'f6\\par}")  # 一、总体情况 in GBK


def test_missing_libreoffice_says_how_to_install(monkeypatch):
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    with pytest.raises(UnreadableDocument, match=r"apt-get install libreoffice-writer"):
        read_document(RTF, filename="report.rtf")


@pytest.fixture(scope="module")
def doc_report():
    meta, values = sample_report("2021", seed=8)
    return render_doc(meta, values), values


@needs_soffice
def test_doc_reads_through_libreoffice(doc_report):
    data, values = doc_report
    fmt, blocks = read_document(data, filename="report.doc")
    assert fmt == "doc"
    applications = [b for b in blocks if isinstance(b, TableBlock)][1]
    row = next(r for r in applications.cells if r[0] == "一、本年新收政府信息公开申请数量")
    assert row[3:] == [str(values[f"applications.new_received.{c}"]) for c in APPLICANT_COLUMNS]


@needs_soffice
def test_doc_parses_to_its_values(doc_report):
    data, values = doc_report
    report = parse_document(data, source="report.doc")
    assert report.status == "ok", report.error
    got = {f"{c['table']}.{c['row']}.{c['col']}": c["value"] for c in report.cells.iter_rows(named=True)}
    assert {k: got.get(k) for k in values} == {k: float(v) for k, v in values.items()}


@needs_soffice
def test_wps_named_file_is_converted(doc_report):
    data, _ = doc_report
    fmt, blocks = read_document(data, filename="report.wps")
    assert fmt == "wps" and any(isinstance(b, TableBlock) for b in blocks)


@needs_soffice
def test_rtf_in_gbk():
    fmt, blocks = read_document(RTF, filename="report.rtf")
    assert fmt == "rtf"
    assert [b.text.strip() for b in blocks if isinstance(b, TextBlock)] == ["一、总体情况"]


@needs_soffice
def test_conversion_past_its_time_limit_is_killed(doc_report):
    data, _ = doc_report
    with pytest.raises(UnreadableDocument, match="within 0.01 s"):
        office.read_blocks(data, filename="report.doc", timeout_s=0.01)


@needs_soffice
def test_garbage_doc_is_unreadable():
    with pytest.raises(UnreadableDocument, match="LibreOffice could not convert"):
        office.read_blocks(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, filename="broken.doc")
