"""PDF reader: ruled and unruled tables, tables across pages, text frames, scans."""
import io

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.formats import NeedsOCR, UnreadableDocument
from pipeline.extract.formats import pdf as pdf_reader
from pipeline.extract.formats.pdf import read_blocks
from pipeline.extract.parse import parse_document
from pipeline.fixtures.documents import APPLICANT_COLUMNS, PDF_FONT, render_pdf, sample_report

pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
HEIGHT = A4[1]


def tables(blocks):
    return [b for b in blocks if isinstance(b, TableBlock)]


def texts(blocks):
    return [b.text for b in blocks if isinstance(b, TextBlock)]


def draw_table(pdf: canvas.Canvas, rows: list[list[str]], columns: list[float], top: float, *,
               row_height: float = 20, skip_top_left: bool = False, skip_bottom: bool = False) -> None:
    """A ruled grid (top measured from the page top) with each cell's text centred."""
    pdf.setFont(PDF_FONT, 10)
    bottom = top + row_height * len(rows)
    for r in range(len(rows) + 1):
        y = HEIGHT - (top + r * row_height)
        if (r == 0 and skip_top_left) or (r == len(rows) and skip_bottom):
            if r == 0:
                pdf.line(columns[1], y, columns[-1], y)
            continue
        pdf.line(columns[0], y, columns[-1], y)
    for x in columns:
        pdf.line(x, HEIGHT - top, x, HEIGHT - bottom)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            pdf.drawCentredString((columns[c] + columns[c + 1]) / 2, HEIGHT - (top + r * row_height + 14), text)


def make_pdf(draw) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    draw(pdf)
    pdf.save()
    return buffer.getvalue()


def cell_values(report):
    return {f"{c['table']}.{c['row']}.{c['col']}": c["value"] for c in report.cells.iter_rows(named=True)}


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("options", [{"ruled": True}, {"ruled": False}, {"ruled": True, "repeat_header": True}])
def test_rendered_reports_parse_to_their_values(template, options):
    meta, values = sample_report(template, seed=4)
    report = parse_document(render_pdf(meta, values, **options), source="report.pdf")
    assert report.status == "ok", report.error
    got = cell_values(report)
    assert {k: got.get(k) for k in values} == {k: float(v) for k, v in values.items()}


@pytest.mark.parametrize("repeat_header", [False, True])
def test_applications_table_broken_across_pages_is_one_grid(repeat_header):
    meta, values = sample_report("2021", seed=3)
    blocks = read_blocks(render_pdf(meta, values, repeat_header=repeat_header))
    applications = next(t for t in tables(blocks) if len(t.cells[0]) == 10)
    assert "-" in applications.locator.split(",")[0]  # e.g. "page 3-4, table 2"
    assert len(applications.cells) == 28
    labels = [row[2] for row in applications.cells]
    assert labels.count("自然人") == 0 and sum("申请人情况" in row for row in applications.cells) == 1
    last = applications.cells[-1]
    assert last[0] == "四、结转下年度继续办理"
    assert last[3:] == [str(values[f"applications.carried_forward.{c}"]) for c in APPLICANT_COLUMNS]
    outcome_rows = [r for r, row in enumerate(applications.cells) if row[0].replace("\n", "") == "三、本年度办理结果"]
    assert len(outcome_rows) == 22 and all(applications.anchors[r][0] == applications.anchors[outcome_rows[0]][0]
                                           for r in outcome_rows)


def test_continuation_joins_a_label_cut_by_the_page_break_and_drops_page_numbers():
    columns = [60, 140, 300, 360]
    header = ["类别", "项目", "数量"]

    def draw(pdf):
        pdf.setFont(PDF_FONT, 12)
        pdf.drawString(60, HEIGHT - 60, "三、收到和处理政府信息公开申请情况")
        draw_table(pdf, [header, ["（三）", "1.属于国家秘密", "5"], ["（四）无", "1.本机关不掌握", "7"]],
                   columns, 700, skip_bottom=True)
        pdf.drawCentredString(300, 30, "- 1 -")
        pdf.showPage()
        draw_table(pdf, [header, ["法提供", "2.没有现成信息", "3"], ["（五）", "1.信访举报投诉类申请", "1"]], columns, 60)
        pdf.setFont(PDF_FONT, 12)
        pdf.drawString(60, HEIGHT - 160, "四、政府信息公开行政复议、行政诉讼情况")
        pdf.drawCentredString(300, 30, "- 2 -")

    blocks = read_blocks(make_pdf(draw))
    [table] = tables(blocks)
    assert table.locator == "page 1-2, table 1"
    assert [row[0] for row in table.cells] == ["类别", "（三）", "（四）无法提供", "（四）无法提供", "（五）"]
    assert table.anchors[3][0] == table.anchors[2][0]
    assert [row[2] for row in table.cells][1:] == ["5", "7", "3", "1"]
    assert not any("- 1 -" in t or "- 2 -" in t for t in texts(blocks))
    assert texts(blocks)[-1] == "四、政府信息公开行政复议、行政诉讼情况"


def test_a_partly_drawn_top_border_keeps_the_corner_cell():
    def draw(pdf):
        draw_table(pdf, [["信息内容", "本年处理决定数量"], ["行政处罚", "4119"], ["行政强制", "195"]],
                   [80, 250, 500], 100, skip_top_left=True)

    [table] = tables(read_blocks(make_pdf(draw)))
    assert table.cells == [["信息内容", "本年处理决定数量"], ["行政处罚", "4119"], ["行政强制", "195"]]


def test_white_paragraph_backgrounds_are_not_tables():
    def draw(pdf):
        pdf.setFont(PDF_FONT, 14)
        for i, line in enumerate(["一、总体情况", "本报告由本机关根据《条例》要求编制。", "如对本报告有疑问，请与本机关联系。"]):
            y = HEIGHT - 100 - 28 * i
            pdf.setFillColorRGB(1, 1, 1)
            pdf.rect(74, y - 8, 444, 28, stroke=0, fill=1)
            pdf.setFillColorRGB(0, 0, 0)
            pdf.drawString(80, y, line)

    blocks = read_blocks(make_pdf(draw))
    assert not tables(blocks)
    assert texts(blocks) == ["一、总体情况", "本报告由本机关根据《条例》要求编制。", "如对本报告有疑问，请与本机关联系。"]


def test_single_characters_pdfium_cannot_decode_are_read_with_pdfminer():
    def draw(pdf):
        pdf.setFont(PDF_FONT, 12)
        pdf.drawString(80, 700, "本年新收政府信息公开申请数量为二十一件，自然")
        pdf.drawString(80, 684, "人")

    assert texts(read_blocks(make_pdf(draw))) == ["本年新收政府信息公开申请数量为二十一件，自然", "人"]


def test_unruled_columns_come_from_word_positions():
    def draw(pdf):
        pdf.setFont(PDF_FONT, 10)
        rows = [("行政复议", "", "行政诉讼"), ("结果维持", "结果纠正", "总计"), ("10", "1", "11"), ("0", "5", "5")]
        for r, row in enumerate(rows):
            for x, text in zip((100, 200, 300), row):
                pdf.drawString(x, 700 - 20 * r, text)

    [table] = tables(read_blocks(make_pdf(draw)))
    assert table.cells == [["行政复议", "", "行政诉讼"], ["结果维持", "结果纠正", "总计"], ["10", "1", "11"], ["0", "5", "5"]]


def test_character_boxes_come_from_the_fonts_widths_not_a_system_font():
    """STSong-Light is not embedded: its widths are the /W array reportlab writes (ideographs
    1000, digits 462 per 1000 em), whatever font the host would draw it with."""
    def draw(pdf):
        pdf.setFont(PDF_FONT, 10)
        pdf.drawString(100, 700, "申请2024")

    [page] = pdf_reader._load(make_pdf(draw))
    widths = [round(c.x1 - c.x0, 2) for c in page.chars]
    assert [c.text for c in page.chars] == list("申请2024")
    assert widths == [10, 10, 4.62, 4.62, 4.62, 4.62]
    assert [round(c.x0, 2) for c in page.chars] == [100, 110, 120, 124.62, 129.24, 133.86]
    assert {(round(c.top, 2), round(c.bottom, 2)) for c in page.chars} == {(round(HEIGHT - 708.8, 2), round(HEIGHT - 698.8, 2))}


def with_font_widths(data: bytes, default_width: bytes) -> bytes:
    """The PDF with its CID font's /W array disabled and /DW set: every glyph claims that width
    while the text stays where the content stream placed it (same byte length, same offsets)."""
    assert data.count(b"/DW 1000 ") == 1 and data.count(b"/W [") == 1 and len(default_width) == 4
    return data.replace(b"/DW 1000 ", b"/DW " + default_width + b" ").replace(b"/W [", b"/X [")


def test_overlapping_characters_make_the_page_doubtful_and_its_cells_uncertain():
    meta, values = sample_report("2021", seed=4)
    data = with_font_widths(render_pdf(meta, values, ruled=False), b"3000")
    pages = pdf_reader._load(data)
    doubted = [page.number for page in pages if page.doubt]
    assert doubted == [3, 4] and "overlap" in pages[2].doubt
    blocks = read_blocks(data)
    assert all(block.doubt for block in blocks if block.locator.startswith(("page 3", "page 4")))
    assert not any(block.doubt for block in blocks if block.locator.startswith(("page 1", "page 2")))
    report = parse_document(data, source="report.pdf")
    cells = list(report.cells.iter_rows(named=True))
    from_doubted_pages = [c for c in cells if c["locator"].startswith(("page 3", "page 4"))]
    assert from_doubted_pages and all("uncertain" in c["flags"] for c in from_doubted_pages)
    wrong = [c for c in cells if "uncertain" not in c["flags"]
             and c["value"] != (float(values[f"{c['table']}.{c['row']}.{c['col']}"])
                                if f"{c['table']}.{c['row']}.{c['col']}" in values else None)]
    assert wrong == []


def test_fonts_with_consistent_widths_leave_every_page_trusted():
    meta, values = sample_report("2019", seed=4)
    for data in (render_pdf(meta, values, ruled=False), (RECORDED / "hongze-2023.pdf").read_bytes(),
                 (RECORDED / "huaian-2024.pdf").read_bytes()):
        assert not any(page.doubt for page in pdf_reader._load(data))


def test_prose_with_numbers_is_not_a_table():
    def draw(pdf):
        pdf.setFont(PDF_FONT, 12)
        for i, line in enumerate(["2023年，全区受理政府信息公开申请21件，均在法定期限答复。",
                                  "主动公开政府信息1136条，其中政策文件53件。"]):
            pdf.drawString(80, 700 - 24 * i, line)

    assert not tables(read_blocks(make_pdf(draw)))


def test_scanned_pdf_needs_ocr():
    image = Image.new("L", (850, 1100), 255)

    def draw(pdf):
        for _ in range(2):
            pdf.drawInlineImage(image, 0, 0, width=A4[0], height=A4[1])
            pdf.showPage()

    with pytest.raises(NeedsOCR, match="scanned"):
        read_blocks(make_pdf(draw))
    report = parse_document(make_pdf(draw), source="scan.pdf")
    assert report.status == "needs_ocr"


def test_blank_pdf_is_unreadable_not_empty():
    with pytest.raises(UnreadableDocument, match="no text layer"):
        read_blocks(make_pdf(lambda pdf: pdf.line(10, 10, 100, 100)))


@pytest.mark.parametrize("cut", [0, 200, 5000])
def test_truncated_or_garbage_pdf_is_unreadable(cut):
    meta, values = sample_report("2019")
    data = render_pdf(meta, values)[:cut] if cut else b"%PDF-1.4\n garbage"
    with pytest.raises(UnreadableDocument, match="fetch it again"):
        read_blocks(data)


RECORDED = __import__("pathlib").Path(__file__).parent / "recorded"


def test_recorded_huaian_applications_table_across_pages_4_5():
    blocks = read_blocks((RECORDED / "huaian-2024.pdf").read_bytes())
    applications = next(t for t in tables(blocks) if len(t.cells[0]) == 10)
    assert applications.locator == "page 4-5, table 2"
    rows = {row[2]: row[3:] for row in applications.cells}
    assert rows["1.本机关不掌握相关政府信息"] == ["746", "12", "0", "0", "10", "1", "769"]
    assert rows["2.没有现成信息需要另行制作"] == ["11", "0", "0", "0", "0", "0", "11"]
    unable = [r for r, row in enumerate(applications.cells) if row[1] == "（四）无法提供"]
    assert len(unable) == 3 and len({applications.anchors[r][1] for r in unable}) == 1
    assert applications.cells[-1][0] == "四、结转下年度继续办理" and applications.cells[-1][-1] == "103"
    assert len(applications.cells) == 28


def test_recorded_hongze_keeps_its_quirks():
    blocks = read_blocks((RECORDED / "hongze-2023.pdf").read_bytes())
    disclosure, applications, review = tables(blocks)
    assert disclosure.cells[8][0] == "信息内容"  # its top border is drawn only from the second column
    assert disclosure.cells[-1][:2] == ["行政事业性收费", "7730.28"]
    labels = [row[2] for row in applications.cells]
    assert "2.其他法律行政止公开" in labels
    other = next(row for row in applications.cells if row[1] == "（六）其他处理")
    assert other[3:] == ["0"] * 7
    assert review.cells[-1] == ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]
    assert not any("- 3 -" in t for t in texts(blocks))


def test_typed_cover_page_with_scanned_tables_needs_ocr():
    image = Image.new("L", (850, 1100), 255)

    def draw(pdf):
        pdf.setFont(PDF_FONT, 16)
        pdf.drawString(80, 700, "某某镇人民政府2023年政府信息公开工作年度报告")
        pdf.drawString(80, 670, "本报告由某某镇人民政府根据《条例》要求编制。")
        pdf.showPage()
        pdf.drawInlineImage(image, 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()

    with pytest.raises(NeedsOCR, match="tables are in the images"):
        read_blocks(make_pdf(draw))


def test_cells_drawn_as_rectangles_and_thin_filled_bars():
    def draw(pdf):
        pdf.setFont(PDF_FONT, 10)
        for r, row in enumerate([["规章", "1"], ["行政规范性文件", "8"]]):  # each cell its own stroked rectangle
            for c, text in enumerate(row):
                pdf.rect(80 + 150 * c, 700 - 20 * r, 150, 20, stroke=1, fill=0)
                pdf.drawString(85 + 150 * c, 706 - 20 * r, text)
        pdf.setFillColorRGB(0, 0, 0)
        for y in (500, 520, 540):  # Word draws borders as thin filled bars
            pdf.rect(80, y, 300, 0.5, stroke=0, fill=1)
        for x in (80, 230, 380):
            pdf.rect(x, 500, 0.5, 40, stroke=0, fill=1)
        for r, row in enumerate([["行政处罚", "4119"], ["行政强制", "195"]]):
            for c, text in enumerate(row):
                pdf.drawString(85 + 150 * c, 526 - 20 * r, text)

    first, second = tables(read_blocks(make_pdf(draw)))
    assert first.cells == [["规章", "1"], ["行政规范性文件", "8"]]
    assert second.cells == [["行政处罚", "4119"], ["行政强制", "195"]]


@pytest.mark.parametrize("rules_to", ["the crop box edge", "the table's end"])
def test_a_table_running_past_the_crop_box_keeps_its_last_columns(rules_to):
    """A wide table's last columns lie past the crop box (Word, LibreOffice): their text is still
    in the content stream, while the rules may stop at the page edge."""
    crop = 400
    columns = [40, 120, 180, 240, 300, 360, 420, 480]
    rows = [["项目", "自然人", "商业企业", "科研机构", "公益组织", "法律服务", "其他"],
            ["新收", "1", "2", "3", "4", "5", "15"], ["结转", "0", "1", "0", "0", "0", "1"]]

    def draw(pdf):
        pdf.setCropBox((0, 0, crop, HEIGHT))
        right = crop if rules_to == "the crop box edge" else columns[-1]
        pdf.setFont(PDF_FONT, 10)
        for r in range(len(rows) + 1):
            pdf.line(columns[0], HEIGHT - (100 + 20 * r), right, HEIGHT - (100 + 20 * r))
        for x in (x for x in columns if x <= right):
            pdf.line(x, HEIGHT - 100, x, HEIGHT - (100 + 20 * len(rows)))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                pdf.drawCentredString((columns[c] + columns[c + 1]) / 2, HEIGHT - (100 + 20 * r + 14), text)

    blocks = read_blocks(make_pdf(draw))
    assert [b.cells for b in blocks] == [rows]
