"""Format sniffing: magic bytes beat content type, which beats the extension."""
import io
import zipfile

import pytest

from pipeline.extract.sniff import sniff_format
from pipeline.fixtures.documents import render_docx, render_html, render_pdf, sample_report


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ole(stream_names: list[str]) -> bytes:
    """A minimal compound file: header, one FAT sector, one directory sector."""
    sector = 512
    header = bytearray(sector)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[30:32] = (9).to_bytes(2, "little")          # 512-byte sectors
    header[0x2C:0x30] = (1).to_bytes(4, "little")      # one FAT sector
    header[48:52] = (1).to_bytes(4, "little")          # directory starts at sector 1
    header[0x4C:0x50] = (0).to_bytes(4, "little")      # FAT is sector 0
    fat = bytearray(b"\xff" * sector)
    fat[0:4] = (0xFFFFFFFD).to_bytes(4, "little")
    fat[4:8] = (0xFFFFFFFE).to_bytes(4, "little")      # directory chain ends after sector 1
    directory = bytearray(sector)
    for i, name in enumerate(["Root Entry", *stream_names][:4]):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[i * 128:i * 128 + len(encoded)] = encoded
        directory[i * 128 + 64:i * 128 + 66] = len(encoded).to_bytes(2, "little")
    return bytes(header + fat + directory)


@pytest.fixture(scope="module")
def report():
    return sample_report("2021", seed=1)


def test_real_documents_by_magic(report):
    meta, values = report
    assert sniff_format(render_pdf(meta, values), filename="x.html") == "pdf"
    assert sniff_format(render_docx(meta, values), filename="x.pdf") == "docx"
    assert sniff_format(render_html(meta, values), content_type="application/pdf") == "html"


@pytest.mark.parametrize("data, expected", [
    (b"", "empty"),
    (b"  \r\n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n0000", "image"),
    (b"\xff\xd8\xff\xe0JFIF", "image"),
    (b"GIF89a....", "image"),
    (b"{\\rtf1\\ansi hello}", "rtf"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html></html>", "html"),
    ("<html><body>报告</body></html>".encode("utf-16"), "html"),
    (b"Rar!\x1a\x07\x00", "zip"),
    (b"\x00\x01\x02\x03\x04\x05\x06\x07" * 10, "unknown"),
])
def test_magic_bytes(data, expected):
    assert sniff_format(data) == expected


def test_zip_members_decide():
    assert sniff_format(_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"})) == "docx"
    assert sniff_format(_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})) == "xls"
    assert sniff_format(_zip({"OFD.xml": b"<x/>", "Doc_0/Document.xml": b"<x/>"})) == "ofd"
    assert sniff_format(_zip({"report.pdf": b"%PDF-1.4"})) == "zip"


def test_truncated_docx_is_still_a_docx(report):
    meta, values = report
    assert sniff_format(render_docx(meta, values)[:3000]) == "docx"


def test_ole_stream_names_tell_word_from_excel():
    assert sniff_format(_ole(["WordDocument", "1Table"]), filename="a.doc") == "doc"
    assert sniff_format(_ole(["WordDocument", "1Table"]), filename="a.wps") == "wps"
    assert sniff_format(_ole(["Workbook"]), filename="a.doc") == "xls"
    assert sniff_format(_ole(["PowerPoint Document"])) == "unknown"


def test_text_by_content_type_and_extension():
    text = "一、总体情况\n二、主动公开政府信息情况\n".encode()
    assert sniff_format(text, content_type="text/plain; charset=utf-8") == "text"
    assert sniff_format(text, filename="report.txt") == "text"
    assert sniff_format(text) == "text"
    assert sniff_format("一、总体情况".encode("gbk"), filename="a.txt") == "text"


def test_a_doc_link_serving_html_is_html():
    page = "<div class='article'><p>报告</p></div>".encode()
    assert sniff_format(page, filename="report.doc", content_type="application/msword") == "html"


def test_declared_binary_without_its_magic_is_not_trusted():
    assert sniff_format(b"\x00\x9c\x01\x02" * 100, filename="report.pdf", content_type="application/pdf") == "unknown"


def test_extension_ignores_query_strings():
    assert sniff_format(b"\x00\x01" * 100, filename="/a/b.png?x=1") == "unknown"
    assert sniff_format(b"hello", filename="/a/b.html?x=1.pdf") == "text"


def test_read_document_refuses_what_it_cannot_read_with_a_reason():
    from pipeline.extract.formats import NeedsOCR, UnreadableDocument, read_document

    with pytest.raises(NeedsOCR, match="image"):
        read_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, filename="scan.png")
    with pytest.raises(UnreadableDocument, match="OFD"):
        read_document(_zip({"OFD.xml": b"<x/>"}), filename="report.ofd")
    with pytest.raises(UnreadableDocument, match="spreadsheet"):
        read_document(_zip({"xl/workbook.xml": b"<x/>"}), filename="report.xlsx")
    with pytest.raises(UnreadableDocument, match="empty"):
        read_document(b"", filename="report.pdf")
    with pytest.raises(UnreadableDocument, match="unpack"):
        read_document(_zip({"report.pdf": b"%PDF-1.4"}), filename="reports.zip")
