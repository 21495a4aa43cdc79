"""Real-world shapes the evaluation corpus does not show, generated with known answers.

Each test builds a quirk the hidden reports carry (a 序号 column, a 千元 header, a title with
no year, a place name holding 和) and checks that the parser reads it right or flags it;
each failed before the fix it guards.
"""
from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from pipeline.extract.blocks import TextBlock
from pipeline.extract.metadata import extract_metadata, region_of
from pipeline.extract.numbers import header_money_unit, parse_number
from pipeline.extract.parse import parse_document
from pipeline.fixtures import documents
from pipeline.fixtures.documents import Cell, FormTable, render_html, render_text, sample_report
from pipeline.report.model import ParsedReport


def _cells(report):
    return {f'{c["table"]}.{c["row"]}.{c["col"]}': (c["value"], c["flags"]) for c in report.cells.to_dicts()}


def _silent_errors(report, values):
    """Cells asserted without `uncertain` that differ from what was printed."""
    got = _cells(report)
    wrong = {}
    for key, want in values.items():
        value, flags = got.get(key, (None, []))
        if "uncertain" in flags or isinstance(want, str):
            continue
        if (value is None) != (want is None) or (value is not None and abs(value - want) > 0.005):
            wrong[key] = (value, want)
    return wrong


def _with_tables(monkeypatch, transform):
    original = documents.report_sections

    def sections(meta, values):
        return [dataclasses.replace(s, table=transform(s.table)) if s.table else s for s in original(meta, values)]
    monkeypatch.setattr(documents, "report_sections", sections)


def _numbered(table: FormTable) -> FormTable:
    """A 序号 column before the label column: header rows spanned, data rows counted 1, 2, 3, …"""
    rows, n = [], 0
    if table.width in (10, 15):      # applications / review: three header rows
        for i, row in enumerate(table.rows):
            if i == 0:
                rows.append((Cell("序号", rowspan=3), *row))
            elif i < 3:
                rows.append(row)
            else:
                n += 1
                rows.append((Cell(str(n)), *row))
    else:
        for row in table.rows:
            if len(row) == 1:        # a 第二十条 section title across the table
                rows.append((dataclasses.replace(row[0], colspan=row[0].colspan + 1),))
            elif row[0].text == "信息内容":
                rows.append((Cell("序号"), *row))
            else:
                n += 1
                rows.append((Cell(str(n)), *row))
    return FormTable(tuple(rows), table.width + 1)


def _blanked(template, seed):
    meta, values = sample_report(template, seed=seed)
    for k, key in enumerate(sorted(values)):
        if (k * 7 + seed) % 5 == 0:
            values[key] = None
    return meta, values


@pytest.mark.parametrize("layout", ["html", "tab", "cell_per_line"])
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_row_number_column_is_not_read_as_values(monkeypatch, template, layout):
    """A 序号 column: its digits must not shift a row (one cell per line: the next row's number
    follows the last value; the review table's single data row opens with '1')."""
    _with_tables(monkeypatch, _numbered)
    for seed in range(3):
        meta, values = _blanked(template, seed)
        if layout == "html":
            report = parse_document(render_html(meta, values), source="r.html")
        else:
            report = parse_document(render_text(meta, values, layout=layout).encode(), source="r.txt")
        assert report.status == "ok", report.error
        assert _silent_errors(report, values) == {}


def test_counting_values_before_labels_are_kept_when_they_do_not_count_from_one():
    """Only a run 1, 2, 3 … right before row labels is a row-number column."""
    meta, values = sample_report("2021", seed=0)
    report = parse_document(render_text(meta, values, layout="cell_per_line").encode(), source="r.txt")
    assert _silent_errors(report, values) == {}
    assert not any("uncertain" in flags for _, flags in _cells(report).values())


@pytest.mark.parametrize("header, factor", [("本年收费金额（单位：千元）", 1_000), ("本年收费金额（百万元）", 1_000_000),
                                            ("本年收费金额（单位：万元）", 10_000), ("本年收费金额（元）", 1)])
def test_money_header_units_ending_in_yuan(monkeypatch, header, factor):
    """千元 / 百万元 end in 元 / 万元 and must not be read as them."""
    meta, values = sample_report("2021", seed=3)
    fee = values["fees.administrative_fees.amount_yuan"]
    printed = documents._money_in_wan(fee)

    def retitled(table):
        def fix(c):
            if c.text == "本年收费金额（单位：万元）":
                return dataclasses.replace(c, text=header)
            if c.text == printed:
                return dataclasses.replace(c, text=documents.format_value(round(fee / factor, 6)))
            return c
        return FormTable(tuple(tuple(fix(c) for c in row) for row in table.rows), table.width)
    _with_tables(monkeypatch, retitled)
    report = parse_document(render_html(meta, values), source="r.html")
    value, flags = _cells(report)["fees.administrative_fees.amount_yuan"]
    assert "uncertain" not in flags and value == pytest.approx(fee)
    expected_unit = header[header.rindex("（") + 1:-1].removeprefix("单位：")
    for cells in (report.cells, ParsedReport.from_contract(report.to_contract()).cells):
        amount = cells.filter((pl.col("table") == "fees") & (pl.col("col") == "amount_yuan")).row(0, named=True)
        assert amount["source_unit"] == expected_unit   # the unit as printed survives the parse cache


def test_cell_and_header_units_read_longest_first():
    assert header_money_unit("采购总金额（千元）") == "千元"
    assert header_money_unit("金额（单位：百万元）") == "百万元"
    assert parse_number("3936.2千元").unit == "千元"


@pytest.mark.parametrize("title, region", [
    ("内蒙古自治区呼和浩特市新城区2022年政府信息公开工作年度报告", "内蒙古自治区呼和浩特市新城区"),
    ("和田地区和田市2022年政府信息公开工作年度报告", "和田地区和田市"),
    ("天津市和平区2022年政府信息公开工作年度报告", "天津市和平区"),
])
def test_place_names_holding_he(title, region):
    """和 is no mark of a non-place (呼和浩特市, 和田市, 和平区); 住房和城乡 still is."""
    assert extract_metadata([TextBlock(title), TextBlock("一、总体情况")]).region == region
    assert region_of("海盐县住房和城乡建设局") == "海盐县"


def test_title_without_a_year_names_its_department():
    m = extract_metadata([TextBlock(t) for t in (
        "人民政府门户网站", "乌海市工业和信息化局政府信息公开工作年度报告",
        "本报告统计期限自2020年1月1日起至2020年12月31日止。", "一、总体情况")])
    assert (m.region, m.publisher, m.year, m.level) == ("乌海市", "乌海市工业和信息化局", 2020, "department")


def test_portal_banner_is_not_the_publisher():
    """A year-less title on a portal page: the banner 人民政府门户网站 is chrome, not the body."""
    meta, values = sample_report("2019", seed=1)
    meta = dataclasses.replace(meta, title="政府信息公开工作年度报告", publisher=None, region=None)
    report = parse_document(render_html(meta, values), source="r.html")
    assert report.meta.publisher is None or "网站" not in report.meta.publisher


def test_header_cell_wrapped_above_its_row_does_not_reorder_columns():
    """PDF text copy: a tall header cell's first line lands on a line of its own above the row
    (`采购总金额（万元` … `信息内容\t采购项目数量\t）`); reading it as the first column swapped
    项目数量 and 金额. The order is unproven, so differing values are flagged, never swapped."""
    meta, values = sample_report("2019", seed=0)
    lines = []
    for line in render_text(meta, values, layout="tab").split("\n"):
        cells = line.split("\t")
        if "采购总金额（万元）" in cells:
            k = cells.index("采购总金额（万元）")
            lines.append("采购总金额（万元")
            cells[k] = "）"
        lines.append("\t".join(cells))
    report = parse_document("\n".join(lines).encode(), source="r.txt")
    assert (report.status, report.missing_rows) == ("partial", ["procurement.centralized_procurement"]), \
        "a row whose every cell is unsettled is not read: the report says so"
    wrong = _silent_errors(report, values)
    assert not any(key.startswith("procurement.") for key in wrong), wrong


@pytest.mark.parametrize("width", [8, 12])
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_labels_wrapped_over_lines_in_one_cell_per_line_text(template, width):
    """Text copied from a PDF: a long label wraps (`一、本年新收政府信息公` / `开申请数量`), so the
    first line was read as the label and its numbers, behind the continuation, were lost."""
    meta, values = sample_report(template, seed=1)
    lines = []
    for line in render_text(meta, values, layout="cell_per_line").split("\n"):
        text = line.strip("\t")
        if line.startswith("\t") and len(text) > width:
            lines += ["\t" + text[:width], "\t" + text[width:]]
        else:
            lines.append(line)
    report = parse_document("\n".join(lines).encode(), source="r.txt")
    assert report.status in ("ok", "partial"), report.error
    assert not [row for row in report.missing_rows if row.startswith("applications.")]
    got = _cells(report)
    missed = {k for k, v in values.items() if v is not None and got.get(k, (None, []))[0] is None}
    assert _silent_errors(report, values) == {}
    assert not {k for k in missed if k.startswith("applications.")}


def test_group_label_merged_with_its_first_sub_row():
    """A space-separated copy puts `（六）其他处理 1.申请人…申请 0 0 …` on one line: the group must
    still open, or 2021's `3.其他` (a sub-row named only by its group) is lost."""
    meta, values = sample_report("2021", seed=1)
    text = "\n".join(" ".join(c for c in line.split("\t") if c) if "\t" in line else line
                     for line in render_text(meta, values, layout="tab").split("\n"))
    got = _cells(parse_document(text.encode(), source="r.txt"))
    for col in ("natural_person", "total"):
        value, flags = got.get(f"applications.other_other.{col}", (None, []))
        assert value == values[f"applications.other_other.{col}"] and "uncertain" not in flags


@pytest.mark.parametrize("layout", ["html", "tab"])
def test_row_totals_counting_one_two_three_are_values_not_row_numbers(layout):
    """In a table row the last cell before the next row's label is its 总计, even when the totals
    of consecutive rows happen to count 1, 2, 3."""
    meta, values = sample_report("2019", seed=0)
    applicants = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_organization",
                  "legal_service_agency", "other_organization")
    for row, total in (("new_received", 1), ("carried_over", 2), ("granted", 3)):
        values.update({f"applications.{row}.{col}": 0 for col in applicants})
        values[f"applications.{row}.natural_person"] = total
        values[f"applications.{row}.total"] = total
    document = render_html(meta, values) if layout == "html" else render_text(meta, values, layout="tab").encode()
    report = parse_document(document, source=f"r.{'html' if layout == 'html' else 'txt'}")
    got = _cells(report)
    assert [got[f"applications.{row}.total"] for row in ("new_received", "carried_over", "granted")] == [
        (1, []), (2, []), (3, [])]
    assert _silent_errors(report, values) == {}
