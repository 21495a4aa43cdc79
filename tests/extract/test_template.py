from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.template import extract_cells


def cells_of(blocks, year=None):
    result = extract_cells(blocks, year=year)
    return result.template, {f"{c.table}.{c.row}.{c.col}": (c.value, c.flags) for c in result.cells}


def active_blocks(marker, header, rows, heading="二、主动公开政府信息情况"):
    return [TextBlock(heading), TextBlock(marker), TableBlock([header, *rows])]


def test_columns_follow_the_printed_header_not_the_template_order():
    blocks = active_blocks("第二十条第(五)项", ["信息内容", "处理决定数量", "上一年项目数量", "本年增/减"],
                           [["行政许可", "219", "88", "-4"]])
    template, cells = cells_of(blocks)
    assert template == "2019"
    assert cells["licensing.administrative_licensing.decisions"] == (219, [])
    assert cells["licensing.administrative_licensing.prior_year_items"] == (88, [])
    assert cells["licensing.administrative_licensing.change"] == (-4, ["signed"])


def test_header_that_does_not_prove_the_order_makes_differing_values_uncertain():
    rows = [["规章", "1", "2", "3"], ["规范性文件", "0", "0", "0"]]
    _, cells = cells_of(active_blocks("第二十条第（一）项", ["信息内容", "本年新", "本年新", "对外公开总数量"], rows))
    assert all("uncertain" in cells[f"regulations.rules.{c}"][1] for c in ("made", "published", "total_public"))
    assert cells["regulations.normative_documents.made"] == (0, [])


def test_template_is_told_by_the_columns_not_the_year():
    blocks = active_blocks("第二十条第(一)项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                           [["规章", "2", "0", "2"], ["规范性文件", "1", "0", "5"]])
    template, cells = cells_of(blocks, year=2019)
    assert template == "2021"
    assert cells["regulations.normative_documents.in_force"] == (5, [])


def test_year_breaks_a_tie_only():
    assert cells_of([TextBlock("二、主动公开政府信息情况")], year=2023)[0] == "2021"
    assert cells_of([TextBlock("二、主动公开政府信息情况")], year=2020)[0] == "2019"
    assert cells_of([TextBlock("二、主动公开政府信息情况")], year=None)[0] is None


def test_fee_amount_in_wan_yuan_from_the_header():
    blocks = active_blocks("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], [["行政事业性收费", "7730.28"]])
    _, cells = cells_of(blocks)
    assert cells["fees.administrative_fees.amount_yuan"] == (77_302_800, [])


def applications_grid(rows, template_header=True):
    header = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况"],
              ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
              ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    grid = [*(header if template_header else []), *rows]
    width = max(len(r) for r in grid)
    return TableBlock([r + [""] * (width - len(r)) for r in grid])


def test_typo_labels_and_full_width_brackets_map_by_meaning():
    rows = [["一、本年新收政府信息公开申请数量", "", "1", "0", "0", "0", "0", "0", "1"],
            ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政止公开", "3", "0", "0", "0", "0", "0", "3"]]
    blocks = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年制发件数"),
              TextBlock("三、收到和处理政府信息公开申请情况"), applications_grid(rows)]
    _, cells = cells_of(blocks)
    assert cells["applications.denied_prohibited_by_law.natural_person"] == (3, [])
    assert cells["applications.denied_prohibited_by_law.total"] == (3, [])


def test_2021_other_processing_printed_as_one_merged_row_is_not_assigned():
    rows = [["一、本年新收政府信息公开申请数量", "", "1", "0", "0", "0", "0", "0", "1"],
            ["", "（六）其他处理", "0", "0", "0", "0", "0", "0", "0"],
            ["", "（七）总计", "1", "0", "0", "0", "0", "0", "1"]]
    blocks = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年处理决定数量"),
              TextBlock("三、收到和处理政府信息公开申请情况"), applications_grid(rows)]
    template, cells = cells_of(blocks)
    assert template == "2021"
    assert not any(k.startswith("applications.other_") for k in cells)
    assert cells["applications.total_processed.total"] == (1, [])


def test_span_copies_are_not_printed_cells():
    """A value cell spanning two columns (colspan=2) is one printed cell, not two."""
    table = TableBlock(
        cells=[["信息内容", "上一年项目数量", "本年增/减", "本年增/减", "处理决定数量"],
               ["行政许可", "5", "5", "0", "7"]],
        anchors=[[(0, 0), (0, 1), (0, 2), (0, 2), (0, 4)],
                 [(1, 0), (1, 1), (1, 1), (1, 3), (1, 4)]],
    )
    _, cells = cells_of([TextBlock("二、主动公开政府信息情况"), TextBlock("第二十条第（五）项"), table])
    assert cells["licensing.administrative_licensing.prior_year_items"] == (5, [])
    assert cells["licensing.administrative_licensing.change"] == (0, [])
    assert cells["licensing.administrative_licensing.decisions"] == (7, [])


def review_blocks(values):
    return [TextBlock("四、政府信息公开行政复议、行政诉讼情况"),
            TableBlock([["行政复议", "行政诉讼"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]),
            TableBlock([values])]


def test_review_row_with_more_numbers_than_columns_flags_the_unsettled_row():
    values = ["0"] * 11 + ["1", "0", "0", "0", "1"]
    _, cells = cells_of([TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"), *review_blocks(values)])
    assert cells["review_litigation.administrative_review.total"] == (0, [])
    assert cells["review_litigation.litigation_without_review.upheld"] == (0, [])
    for col in ("upheld", "corrected", "other_result", "pending", "total"):
        assert "uncertain" in cells[f"review_litigation.litigation_after_review.{col}"][1]


def test_checks_settle_an_extra_number_when_only_one_placement_adds_up():
    values = ["1", "0", "0", "0", "1"] + ["0"] * 10 + ["7"]
    _, cells = cells_of([TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"), *review_blocks(values)])
    assert cells["review_litigation.administrative_review.upheld"] == (1, [])
    assert cells["review_litigation.litigation_after_review.total"] == (0, [])


def test_missing_section_headings_are_inferred_from_markers():
    blocks = [TextBlock("第二十条第（一）项"),
              TableBlock([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规范性文件", "8", "8", "83"]])]
    _, cells = cells_of(blocks)
    assert cells["regulations.normative_documents.total_public"] == (83, [])


def test_applications_table_broken_across_pages():
    first = [["一、本年新收政府信息公开申请数量", "", "2", "0", "0", "0", "0", "0", "2"],
             ["", "（四）无法提供", "1.本机关不掌握相关政府信息", "1", "0", "0", "0", "0", "0", "1"]]
    second = TableBlock([["", "", "2.没有现成信息需要另行制作", "4", "0", "0", "0", "0", "0", "4"]], locator="page 5, table 1")
    blocks = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"),
              TextBlock("三、收到和处理政府信息公开申请情况"), applications_grid(first), TextBlock("- 4 -"), second]
    _, cells = cells_of(blocks)
    assert cells["applications.unable_not_held.total"] == (1, [])
    assert cells["applications.unable_needs_creation.natural_person"] == (4, [])


def test_cells_merged_by_a_reader_are_split_back():
    """'2 0' is two printed cells (never 20); a label cell that swallowed its numbers is split too."""
    rows = [["一、本年新收政府信息公开申请数量", "", "8", "1", "8", "7", "", "2 0", "26"],
            ["", "（一）予以公开 8 1", "8", "7", "2 0", "26"]]
    blocks = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"),
              TextBlock("三、收到和处理政府信息公开申请情况"), applications_grid(rows)]
    _, cells = cells_of(blocks)
    expected = {"natural_person": 8, "commercial_enterprise": 1, "research_institution": 8,
                "social_welfare_organization": 7, "legal_service_agency": 2, "other_organization": 0, "total": 26}
    for col, value in expected.items():
        assert cells[f"applications.granted.{col}"] == (value, [])
        # the interior blank had to be dropped: a guess the row total confirms (8+1+8+7+2+0 = 26)
        assert cells[f"applications.new_received.{col}"] == (value, [])


def test_dropping_an_interior_cell_without_arithmetic_proof_is_uncertain():
    blocks = active_blocks("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
                           [["行政许可", "5", "", "3", "9"]])
    _, cells = cells_of(blocks)
    assert all("uncertain" in cells[f"licensing.administrative_licensing.{c}"][1]
               for c in ("prior_year_items", "change", "decisions"))


def test_overview_subheadings_and_narrative_lines_do_not_hijack_tables():
    blocks = [TextBlock("一、总体情况"), TextBlock("（一）主动公开政府信息情况"), TextBlock("行政许可事项公开情况良好"),
              TextBlock("（二）收到和处理政府信息公开申请情况"), TextBlock("二、主动公开政府信息情况"),
              TextBlock("第二十条第（五）项"),
              TableBlock([["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "5", "1", "9"]]),
              TextBlock("三、收到和处理政府信息公开申请情况"),
              applications_grid([["一、本年新收政府信息公开申请数量", "", "2", "0", "0", "0", "0", "0", "2"]])]
    _, cells = cells_of(blocks)
    assert cells["licensing.administrative_licensing.decisions"] == (9, [])
    assert cells["applications.new_received.total"] == (2, [])


def test_review_row_after_a_leading_label_cell():
    blocks = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"),
              TextBlock("四、政府信息公开行政复议、行政诉讼情况"),
              TableBlock([["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
                          ["数量", *(["1", "0", "0", "0", "1"] * 3)]])]
    _, cells = cells_of(blocks)
    assert cells["review_litigation.litigation_after_review.total"] == (1, [])


def test_sentences_citing_article_20_or_review_words_are_not_table_parts():
    blocks = [TextBlock("按照《条例》第二十条第（一）项规定，我镇主动公开规章。"), TextBlock("二、主动公开政府信息情况"),
              TextBlock("第二十条第（一）项"),
              TableBlock([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "1", "1", "1"]]),
              TextBlock("四、政府信息公开行政复议、行政诉讼情况"),
              TableBlock([["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], ["0"] * 4 + ["0"] + ["2", "0", "0", "0", "2"] + ["0"] * 5]),
              TextBlock("注：本年度因政府信息公开被申请行政复议0件，提起行政诉讼2件。")]
    _, cells = cells_of(blocks)
    assert cells["regulations.rules.total_public"] == (1, [])
    assert cells["review_litigation.litigation_without_review.total"] == (2, [])


def test_a_narrative_line_ending_in_a_number_does_not_displace_the_table_row():
    rows = [["一、本年新收政府信息公开申请数量", "", "21", "0", "0", "0", "0", "0", "21"]]
    blocks = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"),
              TextBlock("三、收到和处理政府信息公开申请情况"), TextBlock("本年新收政府信息公开申请 21"),
              applications_grid(rows)]
    _, cells = cells_of(blocks)
    assert cells["applications.new_received.natural_person"] == (21, [])
    assert cells["applications.new_received.total"] == (21, [])


def test_text_cells_around_a_rows_numbers_are_not_values():
    blocks = active_blocks("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "备注"],
                           [["规章", "1", "2", "3", "无变化说明"]])
    _, cells = cells_of(blocks)
    assert cells["regulations.rules.total_public"] == (3, [])


def test_numbers_on_the_row_below_a_wrapped_label_belong_to_it():
    """An unruled PDF: the label's first line, then its numbers, then the label's second line."""
    rows = [["一、本年新收政府信息公开申请数量", "", "6", "1", "8", "5", "0", "1", "21"],
            ["", "（二）部分公开（区分处理的，只计", "", "", "", "", "", "", ""],
            ["", "", "6", "1", "8", "5", "0", "1", "21"],
            ["", "这一情形，不计其他情形）", "", "", "", "", "", "", ""]]
    blocks = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"),
              TextBlock("三、收到和处理政府信息公开申请情况"), applications_grid(rows)]
    _, cells = cells_of(blocks)
    assert cells["applications.partially_granted.research_institution"] == (8, [])
    assert cells["applications.partially_granted.total"] == (21, [])


def test_headings_wrapped_across_lines_still_open_their_sections():
    blocks = [TextBlock("二、主动公开政府信息情"), TextBlock("况"), TextBlock("第二十条第（一）项"),
              TableBlock([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "1", "1", "1"]]),
              TextBlock("四、政府信息公开行政复议、行政诉"), TextBlock("讼情况"),
              TableBlock([["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], ["1", "0", "0", "0", "1"] + ["0"] * 10])]
    _, cells = cells_of(blocks)
    assert cells["review_litigation.administrative_review.total"] == (1, [])


def test_review_table_found_by_its_header_when_the_heading_is_missing():
    blocks = [TextBlock("第二十条第（一）项"),
              TableBlock([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "1", "1", "1"]]),
              TableBlock([["行政复议", "", "", "", "", "行政诉讼"],
                          ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], ["2", "0", "0", "0", "2"] + ["0"] * 10])]
    _, cells = cells_of(blocks)
    assert cells["review_litigation.administrative_review.upheld"] == (2, [])


def test_a_later_sentence_naming_review_does_not_displace_the_table():
    blocks = [TextBlock("第二十条第（一）项"),
              TableBlock([["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "1", "1", "1"]]),
              TextBlock("四、政府信息公开行政复议、行政诉讼情况"),
              TableBlock([["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], ["3", "0", "0", "0", "3"] + ["0"] * 10]),
              TextBlock("行政复议"), TextBlock("1")]
    _, cells = cells_of(blocks)
    assert cells["review_litigation.administrative_review.upheld"] == (3, [])


def test_cells_read_from_a_doubted_layout_are_uncertain_blanks_included():
    doubt = "page 3: 40 of 200 neighbouring characters overlap"
    rows = [["一、本年新收政府信息公开申请数量", "", "2", "0", "0", "0", "0", "0", "2"]]
    trusted = [TextBlock("二、主动公开政府信息情况"), TextBlock("本年新制作数量"),
               TextBlock("三、收到和处理政府信息公开申请情况"), applications_grid(rows)]
    _, cells = cells_of(trusted)
    assert cells["applications.new_received.total"] == (2, [])
    doubted = applications_grid(rows)
    doubted.doubt = doubt
    _, cells = cells_of([*trusted[:3], doubted])
    row = {k: v for k, v in cells.items() if k.startswith("applications.new_received.")}
    assert len(row) == 7 and all(set(flags) == {"uncertain", "implausible_layout"} for _, flags in row.values())
    # a label whose numbers were lost to the layout: its blank row is uncertain, never a confident blank
    _, cells = cells_of([*trusted[:3], TextBlock("一、本年新收政府信息公开申请数量", "page 3", doubt=doubt)])
    row = {k: v for k, v in cells.items() if k.startswith("applications.new_received.")}
    assert row and all(value is None and "uncertain" in flags for value, flags in row.values())
