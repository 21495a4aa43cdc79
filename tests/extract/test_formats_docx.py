"""DOCX reader: document order, gridSpan / vMerge / gridBefore expansion, zip-bomb guards."""
import io
import zipfile

import pytest

from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.formats import UnreadableDocument
from pipeline.extract.formats.docx import MAX_RATIO, read_blocks
from pipeline.extract.parse import parse_document
from pipeline.fixtures.documents import APPLICANT_COLUMNS, render_docx, sample_report

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(body: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document {NS}><w:body>{body}</w:body></w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text)}</w:tc>"


def test_paragraphs_and_tables_in_document_order():
    body = p("一、总体情况") + "<w:tbl><w:tr>" + tc("规章") + tc("3") + "</w:tr></w:tbl>" + p("三、收到和处理")
    blocks = read_blocks(docx_with_body(body))
    assert [type(b).__name__ for b in blocks] == ["TextBlock", "TableBlock", "TextBlock"]
    assert blocks[1].cells == [["规章", "3"]] and blocks[1].locator == "table 1"


def test_merged_cells_expand_with_anchors():
    body = ("<w:tbl>"
            "<w:tr>" + tc("三、本年度办理结果", '<w:vMerge w:val="restart"/>') + tc("（一）予以公开", '<w:gridSpan w:val="2"/>') + tc("5") + "</w:tr>"
            "<w:tr>" + tc("", "<w:vMerge/>") + tc("（三）不予公开") + tc("1.属于国家秘密") + tc("0") + "</w:tr>"
            "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>" + tc("（七）总计", '<w:gridSpan w:val="2"/>') + tc("5") + "</w:tr>"
            "</w:tbl>")
    [table] = read_blocks(docx_with_body(body))
    assert table.cells == [["三、本年度办理结果", "（一）予以公开", "（一）予以公开", "5"],
                           ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "0"],
                           ["", "（七）总计", "（七）总计", "5"]]
    assert table.anchors[0] == [(0, 0), (0, 1), (0, 1), (0, 3)]
    assert table.anchors[1][0] == (0, 0)
    assert table.anchors[2] == [(2, 0), (2, 1), (2, 1), (2, 3)]


def test_runs_tabs_and_breaks_in_a_paragraph():
    body = ("<w:p><w:r><w:t>本年新</w:t></w:r><w:r><w:t>制作</w:t><w:tab/><w:t>数量</w:t><w:br/>"
            "<w:t>第二行</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del></w:p>")
    [block] = read_blocks(docx_with_body(body))
    assert block == TextBlock("本年新制作\t数量\n第二行", "paragraph 1")


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_rendered_report_tables(template):
    meta, values = sample_report(template, seed=6)
    blocks = read_blocks(render_docx(meta, values))
    applications = [b for b in blocks if isinstance(b, TableBlock)][1]
    row = next(r for r in applications.cells if r[0] == "二、上年结转政府信息公开申请数量")
    assert row[3:] == [str(values[f"applications.carried_over.{c}"]) for c in APPLICANT_COLUMNS]
    report = parse_document(render_docx(meta, values), source="report.docx")
    assert report.status == "ok", report.error
    got = {f"{c['table']}.{c['row']}.{c['col']}": c["value"] for c in report.cells.iter_rows(named=True)}
    assert {k: got.get(k) for k in values} == {k: float(v) for k, v in values.items()}


def test_zip_bomb_member_is_refused_before_inflating():
    bomb = docx_with_body(p("报告"), {"word/media/bomb.bin": b"\0" * (MAX_RATIO * 2**20 // 50)})
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_blocks(bomb)


def test_declared_size_too_big_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", f"<w:document {NS}><w:body>" + p("报告") * 300_000 + "</w:body></w:document>")
    assert len(buffer.getvalue()) < 2**20
    with pytest.raises(UnreadableDocument, match="zip bomb|limit"):
        read_blocks(buffer.getvalue())


def test_truncated_docx_is_unreadable():
    meta, values = sample_report("2019")
    with pytest.raises(UnreadableDocument, match="truncated"):
        read_blocks(render_docx(meta, values)[:4000])


def test_zip_without_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableDocument, match="not a Word document"):
        read_blocks(buffer.getvalue())


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
           f"<w:document {NS}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>{p('报告')}</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", xml)
    blocks = read_blocks(buffer.getvalue())
    assert "TOP-SECRET" not in "".join(b.text for b in blocks)


def test_broken_xml_is_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with pytest.raises(UnreadableDocument, match="damaged"):
        read_blocks(buffer.getvalue())


def test_text_box_fallback_copy_is_not_read_twice():
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    body = (f"<w:p {mc}><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:txbxContent>{p('框内文字')}"
            f"</w:txbxContent></mc:Choice><mc:Fallback><w:pict><w:txbxContent>{p('框内文字')}</w:txbxContent>"
            "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    [block] = read_blocks(docx_with_body(body))
    assert block.text == "框内文字"
