"""Reports reposted in traditional characters read the same cells and metadata as their simplified original."""
import opencc
import pytest

from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.parse import parse_document
from pipeline.extract.traditional import is_traditional, simplified_blocks
from pipeline.fixtures.documents import render_html, render_text, sample_report


def cells(report):
    return sorted((c["table"], c["row"], c["col"], c["value"], tuple(c["flags"])) for c in report.cells.iter_rows(named=True))


def metadata(report):
    m = report.meta
    return m.region, m.publisher, m.year, m.template, m.level, m.title, m.published_on


# OpenCC's own simplified → traditional conversions stand in for the mirror sites: character for
# character (s2t; s2hk, Hong Kong forms) and Taiwan characters with Taiwan vocabulary (s2twp).
@pytest.mark.parametrize("conversion", ["s2t", "s2hk", "s2twp"])
@pytest.mark.parametrize("template, seed", [("2019", 1), ("2021", 5)])
def test_traditional_text_reads_the_cells_of_its_simplified_original(conversion, template, seed):
    report_meta, values = sample_report(template, seed=seed)
    original = render_text(report_meta, values)
    reposted = opencc.OpenCC(conversion).convert(original)
    assert {"條", "項"} <= set(reposted) and "第二十條" in reposted
    if conversion == "s2twp":
        assert "規範性檔案" in reposted and "政府資訊公開" in reposted
    simplified, traditional = (parse_document(text.encode(), source="r.txt") for text in (original, reposted))
    assert simplified.status == traditional.status == "ok"
    assert simplified.cells.height == 200 if template == "2021" else simplified.cells.height > 150
    assert cells(traditional) == cells(simplified)
    assert metadata(traditional) == metadata(simplified)


def test_big5_article_page_with_taiwan_vocabulary_reads_like_the_original():
    report_meta, values = sample_report("2021", seed=7)
    page = render_html(report_meta, values).decode("utf-8")
    reposted = opencc.OpenCC("s2twp").convert(page).replace('charset="utf-8"', 'charset="big5"')
    simplified = parse_document(page.encode("utf-8"), source="r.html")
    traditional = parse_document(reposted.encode("big5", errors="xmlcharrefreplace"), source="r.html")
    assert traditional.status == "ok" and traditional.cells.height == 200
    assert cells(traditional) == cells(simplified)
    assert metadata(traditional) == metadata(simplified)


def test_simplified_documents_are_left_as_they_are():
    blocks = [TextBlock("根据《中华人民共和国政府信息公开条例》，现将我镇工作情况报告如下。访问臺灣的代表团未涉及信息公开。"),
              TableBlock([["规范性文件", "0"], ["属于行政查询事项", "1"]])]
    assert not is_traditional("\n".join([blocks[0].text]))
    assert simplified_blocks(blocks) is blocks


def test_conversion_keeps_locators_and_table_shapes():
    blocks = [TextBlock("二、主動公開政府資訊情況", "page 2"),
              TableBlock([["第二十條第（一）項", "第二十條第（一）項"], ["規範性檔案", "3"]], [[(0, 0), (0, 0)], [(1, 0), (1, 1)]],
                         "page 2, table 1")]
    text, table = simplified_blocks(blocks)
    assert (text.text, text.locator) == ("二、主动公开政府信息情况", "page 2")
    assert table.cells == [["第二十条第（一）项", "第二十条第（一）项"], ["规范性文件", "3"]]
    assert table.anchors == [[(0, 0), (0, 0)], [(1, 0), (1, 1)]] and table.locator == "page 2, table 1"
