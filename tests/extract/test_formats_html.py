"""HTML reader: encodings, span expansion, Word exports, layout tables, page chrome."""
import codecs

import pytest

from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.formats.html import decode_html, read_blocks
from pipeline.extract.parse import parse_document
from pipeline.fixtures.documents import APPLICANT_COLUMNS, render_html, sample_report


def tables(blocks):
    return [b for b in blocks if isinstance(b, TableBlock)]


def texts(blocks):
    """Text blocks without the full-width indentation the reader keeps as printed."""
    return [b.text.strip("\u3000") for b in blocks if isinstance(b, TextBlock)]


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_spans_expand_into_a_grid_with_anchors():
    html = page("<table>"
                "<tr><td rowspan=2>A</td><td colspan=2>B</td></tr>"
                "<tr><td>c</td><td>d</td></tr>"
                "<tr><td>e</td><td colspan=2>&nbsp;</td></tr>"
                "</table>")
    [table] = tables(read_blocks(html.encode()))
    assert table.cells == [["A", "B", "B"], ["A", "c", "d"], ["e", "", ""]]
    assert table.anchors == [[(0, 0), (0, 1), (0, 1)], [(0, 0), (1, 1), (1, 2)], [(2, 0), (2, 1), (2, 1)]]


def test_ragged_rows_are_padded_and_absurd_spans_clamped():
    html = page("<table><tr><td rowspan=9999>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr></table>")
    [table] = tables(read_blocks(html.encode()))
    assert table.cells == [["a", "b", "c"], ["a", "d", ""]]
    assert table.anchors[1] == [(0, 0), (1, 1), (1, 2)]


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_rendered_report_tables_are_faithful(template):
    meta, values = sample_report(template, seed=2)
    disclosure, applications, review = tables(read_blocks(render_html(meta, values)))
    assert len(applications.cells[0]) == 10 and len(review.cells[0]) == 15
    row = next(r for r in applications.cells if r[0] == "一、本年新收政府信息公开申请数量")
    assert row[3:] == [str(values[f"applications.new_received.{c}"]) for c in APPLICANT_COLUMNS]
    assert applications.anchors[3][:3] == [(3, 0)] * 3
    granted = next(r for r, cells in enumerate(applications.cells) if cells[1] == "（一）予以公开")
    assert applications.anchors[granted + 1][0] == (granted, 0)  # 三、本年度办理结果 spans down
    assert disclosure.cells[0] == ["第二十条第（一）项"] * 4


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "big5"])
def test_declared_encodings(encoding):
    meta, values = sample_report("2019")
    blocks = read_blocks(render_html(meta, values, encoding=encoding))
    assert "二、主动公开政府信息情况" in texts(blocks)


def test_gb2312_declared_page_with_gbk_only_characters_decodes_as_gb18030():
    text = "镕基同志 𠀾 政府信息公开"  # 镕 is GBK, not GB2312; 𠀾 needs GB18030
    data = page(f"<p>{text}</p>", '<meta charset="gb2312">').encode("gb18030")
    assert text in texts(read_blocks(data))


def test_http_header_charset_wins_and_a_wrong_declaration_is_not_trusted():
    body = page("<p>政府信息公开工作年度报告</p>")
    assert "政府信息公开工作年度报告" in texts(read_blocks(body.encode("gbk"), content_type="text/html; charset=GBK"))
    lying = page("<p>政府信息公开工作年度报告，本年度共收到申请二十一件</p>", '<meta charset="utf-8">').encode("gbk")
    assert "政府信息公开工作年度报告，本年度共收到申请二十一件" in texts(read_blocks(lying))


def test_undeclared_gbk_is_detected():
    data = page("<p>本年度报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括总体情况、主动公开政府信息情况。</p>").encode("gbk")
    assert "《中华人民共和国政府信息公开条例》要求编制" in decode_html(data)


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_byte_order_marks(bom, encoding):
    data = bom + page("<p>年度报告</p>", '<meta charset="gbk">').encode(encoding)
    assert "年度报告" in texts(read_blocks(data))


def test_word_export_joins_split_labels_and_blanks_nbsp():
    meta, values = sample_report("2021")
    values["applications.granted.research_institution"] = None
    blocks = read_blocks(render_html(meta, values, word_export=True, encoding="gbk"))
    applications = tables(blocks)[1]
    granted = next(r for r in applications.cells if r[1] == "（一）予以公开")
    assert granted[0] == "三、本年度办理结果"
    assert granted[5] == ""
    assert "二、主动公开政府信息情况" in texts(blocks)


def test_word_labels_split_over_runs_and_lines():
    html = page("<table><tr><td><p class=MsoNormal><span>本年新</span><span lang=EN-US>制作</span>"
                "<span>数量<o:p></o:p></span></p></td><td><p>本年新<br>公开数量</p></td></tr></table>")
    [table] = tables(read_blocks(html.encode()))
    assert table.cells == [["本年新制作数量", "本年新\n公开数量"]]


def test_source_line_breaks_between_cjk_vanish():
    html = page("<table><tr><td>一、本年新收政府\n   信息公开申请数量</td><td>21 \n 件</td></tr></table>")
    [table] = tables(read_blocks(html.encode()))
    assert table.cells == [["一、本年新收政府信息公开申请数量", "21 件"]]


def test_layout_tables_give_only_the_data_tables():
    meta, values = sample_report("2019")
    blocks = read_blocks(render_html(meta, values, layout_table=True))
    assert [len(t.cells[0]) for t in tables(blocks)] == [4, 10, 15]
    assert "政务公开" in texts(blocks)  # the layout table's menu survives as text


def test_scripts_and_styles_are_dropped_chrome_kept_as_text():
    meta, values = sample_report("2021")
    blocks = read_blocks(render_html(meta, values))
    every_text = "".join(texts(blocks))
    assert "document.write" not in every_text and "text-align" not in every_text
    assert texts(blocks)[0] == meta.title or "年度报告" in texts(blocks)[0]
    assert any("首页" in t for t in texts(blocks))


def test_one_column_frames_are_text_not_tables():
    html = page("<table><tr><td><p>一、总体情况</p><p>本年度……</p></td></tr></table>")
    blocks = read_blocks(html.encode())
    assert not tables(blocks)
    assert texts(blocks) == ["一、总体情况", "本年度……"]


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("word_export, encoding, layout_table", [(False, "utf-8", False), (True, "gbk", True)])
def test_rendered_reports_parse_to_their_values(template, word_export, encoding, layout_table):
    meta, values = sample_report(template, seed=5)
    data = render_html(meta, values, encoding=encoding, word_export=word_export, layout_table=layout_table)
    report = parse_document(data, source="report.html")
    assert report.status == "ok", report.error
    got = {f"{c['table']}.{c['row']}.{c['col']}": c["value"] for c in report.cells.iter_rows(named=True)}
    assert {k: got.get(k) for k in values} == {k: float(v) for k, v in values.items()}


def test_recorded_shanghai_colspan_values_anchor_on_their_first_column():
    from pathlib import Path

    blocks = read_blocks((Path(__file__).parent / "recorded" / "shanghai-office-2019.html").read_bytes())
    disclosure, applications, review = tables(blocks)
    licensing = next(r for r, row in enumerate(disclosure.cells) if row[0] == "行政许可")
    assert disclosure.cells[licensing] == ["行政许可", "0", "0", "0", "0"]
    assert disclosure.anchors[licensing] == [(licensing, 0), (licensing, 1), (licensing, 1), (licensing, 3), (licensing, 4)]
    header = disclosure.anchors[licensing - 1]
    assert header[2] == header[3]  # 本年增/减 spans the two middle columns
    assert applications.cells[3][3:] == ["821", "35", "", "", "2", "1", "859"]
    assert review.cells[-1][:5] == ["5", "", "", "2", "7"]


def test_a_one_cell_table_inside_a_data_cell_is_cell_content():
    html = page("<table><tr><td>规章</td><td><table><tr><td>13</td></tr></table></td></tr></table>")
    [table] = tables(read_blocks(html.encode()))
    assert table.cells == [["规章", "13"]]


def test_table_caption_is_kept_as_text_before_the_table():
    html = page("<table><caption>第二十条第（一）项</caption><tr><td>规章</td><td>13</td></tr></table>")
    blocks = read_blocks(html.encode())
    assert [type(b).__name__ for b in blocks] == ["TextBlock", "TableBlock"]
    assert blocks[0].text == "第二十条第（一）项"


def test_utf8_bytes_under_a_gb2312_declaration_are_utf8():
    data = page("<p>政府信息公开工作年度报告</p>", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    assert "政府信息公开工作年度报告" in texts(read_blocks(data.encode("utf-8"), content_type="text/html; charset=GBK"))


def test_a_truncated_utf8_page_stays_utf8():
    data = page("<p>政府信息公开工作年度报告</p><p>二、主动公开").encode("utf-8")[:-len("</body></html>") - 2]
    assert "政府信息公开工作年度报告" in texts(read_blocks(data))
