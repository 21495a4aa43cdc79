import codecs
import random

import pytest

from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.text import decode_text, read_blocks, split_cells
from pipeline.report.contract import cells_for_template

LAYOUTS = ("tab", "pipe_rows", "pipe_cells", "cell_per_line", "cell_per_paragraph")


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_reads_every_cell(parse_text, template, layout, full_values, render, report_rows, cell_map):
    values = full_values(template)
    year = 2019 if template == "2019" else 2022
    text = render(report_rows(template, values, title=f"通元镇{year}年政府信息公开工作年度报告"), layout)
    report = parse_text(text)
    assert report.status == "ok", report.error
    assert report.meta.template == template
    got = cell_map(report)
    wrong = {}
    for key, printed in values.items():
        expected = float(printed) * (10_000 if key == "fees.administrative_fees.amount_yuan" else 1)
        value, flags = got.get(key, (None, []))
        if key == "procurement.centralized_procurement.amount_yuan":
            assert "uncertain" in flags  # no unit printed anywhere: 元 or 万元 is not settled
            continue
        if value != expected or "uncertain" in flags:
            wrong[key] = (got.get(key), printed)
    assert not wrong


def test_blanks_dropped_layout_never_places_a_lone_number(parse_text, render, report_rows, cell_map):
    values = {"regulations.rules.made": "0", "regulations.normative_documents.made": "8",
              "regulations.normative_documents.total_public": "83"}
    text = render(report_rows("2019", values, title="张村镇2019年度信息公开工作报告"), "blanks_dropped")
    got = cell_map(parse_text(text))
    for key in values:
        value, flags = got[key]
        assert "uncertain" in flags or value is None


def test_tab_rows_with_trailing_empty_column(parse_text, render, report_rows, cell_map):
    rows = report_rows("2019", {"applications.new_received.natural_person": "0",
                                "applications.new_received.other_organization": "656",
                                "applications.new_received.total": "656"}, title="泽库县2020年政府信息公开工作年度报告")
    text = render([row + [""] if len(row) > 1 else row for row in rows], "tab")
    got = cell_map(parse_text(text))
    assert got["applications.new_received.other_organization"] == (656, [])
    assert got["applications.new_received.total"] == (656, [])


def test_tab_row_whose_merged_label_column_is_dropped_is_uncertain(parse_text, render, report_rows, cell_map):
    """（七）总计 printed without its rowspan cell: one '1' could be 其他 or 总计."""
    rows = report_rows("2019", {}, title="镇坪县2019年政府信息公开工作年度报告")
    index = next(i for i, r in enumerate(rows) if "（七）总计" in r)
    rows[index] = ["（七）总计", "", "", "", "", "", "", "1", ""]
    got = cell_map(parse_text(render(rows, "tab")))
    assert "uncertain" in got["applications.total_processed.other_organization"][1]
    assert got["applications.total_processed.total"][0] is None or "uncertain" in got["applications.total_processed.total"][1]


def test_full_width_spaces_around_numbers(parse_text, render, report_rows, cell_map):
    values = {"licensing.administrative_licensing.prior_year_items": "\u300073",
              "licensing.administrative_licensing.decisions": "\u3000\u300021538", "fees.administrative_fees.change": "\xa0增1"}
    got = cell_map(parse_text(render(report_rows("2019", values, title="西店镇2019年政府信息公开工作年度报告"), "cell_per_line")))
    assert got["licensing.administrative_licensing.prior_year_items"][0] == 73
    assert got["licensing.administrative_licensing.decisions"][0] == 21538
    assert got["fees.administrative_fees.change"][0] == 1


def test_split_cells():
    assert split_cells("规章\t0\t0\t0") == ["规章", "0", "0", "0"]
    assert split_cells("\t0") is None                      # an indenting tab is not a separator
    assert split_cells("\t\t2.重复申请\t0") == ["", "", "2.重复申请", "0"]
    assert split_cells("| 规章 | 2 | 0 | 2 | ") == ["规章", "2", "0", "2"]
    assert split_cells("0 |") == ["0"]
    assert split_cells("|") == []
    assert split_cells("行政许可 | 0 | ||") == ["行政许可", "0", "", ""]
    assert split_cells("一、总体情况") is None


def test_ragged_rows_are_padded_with_span_copies():
    blocks = read_blocks("a\tb\tc\nd\te\n".encode())
    assert len(blocks) == 1 and isinstance(blocks[0], TableBlock)
    table = blocks[0]
    assert table.cells[1] == ["d", "e", "e"]
    assert table.anchors[1][2] == (1, 1)


def test_whitespace_only_line_is_a_blank_cell_and_empty_line_only_separates():
    blocks = read_blocks("规章\n\xa0\n\n0\n".encode())
    assert [b.text for b in blocks if isinstance(b, TextBlock)] == ["规章", " ", "0"]


@pytest.mark.parametrize("encoding, bom", [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("gb18030", b"")])
def test_encodings(encoding, bom):
    text = "通元镇2019年政府信息公开工作年度报告"
    assert decode_text(bom + text.encode(encoding)) == text


def test_gb18030_report_parses(parse_text, render, report_rows, full_values):
    text = render(report_rows("2019", full_values("2019"), title="通元镇2019年政府信息公开工作年度报告"), "tab")
    report = parse_text(text, encoding="gb18030")
    assert report.status == "ok" and report.meta.region == "通元镇"


def test_markdown_separator_rows_are_not_cells(parse_text, render, report_rows, cell_map):
    values = {f"review_litigation.administrative_review.{c}": v
              for c, v in zip(("upheld", "corrected", "other_result", "pending", "total"), ("1", "2", "0", "0", "3"))}
    rows = report_rows("2019", values, title="西店镇2019年政府信息公开工作年度报告")
    review_row = max(i for i, r in enumerate(rows) if len(r) == 15)
    rows.insert(review_row, ["---"] * 15)
    got = cell_map(parse_text(render(rows, "pipe_rows")))
    assert got["review_litigation.administrative_review.total"] == (3, [])
    assert got["review_litigation.administrative_review.corrected"] == (2, [])


def test_bare_pipe_lines_are_empty_cells(parse_text, cell_map):
    text = ("胡市镇人民政府2019年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项 | |||\n"
            "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |\n规章 |\n|\n|\n|\n"
            "规范性文件(指各行政机关印发的有正式文号的文件) | 2 | 0 | 83 |\n")
    got = cell_map(parse_text(text))
    assert got["regulations.rules.made"] == (None, [])
    assert got["regulations.normative_documents.total_public"] == (83, [])


@pytest.mark.parametrize("seed", range(24))
def test_random_blanks_in_any_layout_never_give_a_confident_wrong_value(parse_text, render, report_rows, seed):
    """Blank cells in random places: every value read without `uncertain` must be the printed one."""
    rng = random.Random(seed)
    template = ("2019", "2021")[seed % 2]
    layout = ("tab", "pipe_rows", "pipe_cells", "cell_per_line", "cell_per_paragraph", "blanks_dropped")[seed % 6]
    blank_rate = (0.2, 0.5, 0.9)[seed % 3]
    printed = {spec.key: str(rng.randint(0, 300)) for spec in cells_for_template(template) if rng.random() >= blank_rate}
    report = parse_text(render(report_rows(template, printed, title="通元镇2022年政府信息公开工作年度报告"), layout))
    for cell in report.cells.iter_rows(named=True):
        if "uncertain" in cell["flags"]:
            continue
        key = f'{cell["table"]}.{cell["row"]}.{cell["col"]}'
        want = printed.get(key)
        if want is not None and key == "fees.administrative_fees.amount_yuan":
            want = str(int(want) * 10_000)
        assert cell["value"] == (None if want is None else float(want)), key
