"""Report texts generated from cell values, in the text layouts real portals produce.

The fixtures hand tests plain functions: `report_rows` lays out a report of either template as
printed rows (label cells + value cells); `render` writes those rows in one layout. Tests parse the result and compare with the values
they started from, so every layout quirk is tested on documents the tests make themselves.
"""
from __future__ import annotations

import pytest

from pipeline.report.contract import cells_for_template

APPLICANT_HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况", "", "", "", "", "", ""],
    ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
]
APPLICATION_LABELS_2019 = [
    ("new_received", ["一、本年新收政府信息公开申请数量", ""]),
    ("carried_over", ["二、上年结转政府信息公开申请数量", ""]),
    ("granted", ["三、本年度办理结果", "（一）予以公开"]),
    ("partially_granted", ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]),
    ("denied_state_secret", ["", "（三）不予公开", "1.属于国家秘密"]),
    ("denied_prohibited_by_law", ["", "", "2.其他法律行政法规禁止公开"]),
    ("denied_security_stability", ["", "", "3.危及“三安全一稳定”"]),
    ("denied_third_party_rights", ["", "", "4.保护第三方合法权益"]),
    ("denied_internal_affairs", ["", "", "5.属于三类内部事务信息"]),
    ("denied_process_information", ["", "", "6.属于四类过程性信息"]),
    ("denied_enforcement_case_file", ["", "", "7.属于行政执法案卷"]),
    ("denied_administrative_query", ["", "", "8.属于行政查询事项"]),
    ("unable_not_held", ["", "（四）无法提供", "1.本机关不掌握相关政府信息"]),
    ("unable_needs_creation", ["", "", "2.没有现成信息需要另行制作"]),
    ("unable_unclear_after_correction", ["", "", "3.补正后申请内容仍不明确"]),
    ("not_processed_petition_complaint", ["", "（五）不予处理", "1.信访举报投诉类申请"]),
    ("not_processed_repeated", ["", "", "2.重复申请"]),
    ("not_processed_publication", ["", "", "3.要求提供公开出版物"]),
    ("not_processed_excessive", ["", "", "4.无正当理由大量反复申请"]),
    ("not_processed_confirmation", ["", "", "5.要求行政机关确认或重新出具已获取信息"]),
    ("other_processing", ["", "（六）其他处理"]),
    ("total_processed", ["", "（七）总计"]),
    ("carried_forward", ["四、结转下年度继续办理", ""]),
]
APPLICATION_LABELS_2021 = [
    *APPLICATION_LABELS_2019[:20],
    ("other_no_correction", ["", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]),
    ("other_fee_unpaid", ["", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]),
    ("other_other", ["", "", "3.其他"]),
    *APPLICATION_LABELS_2019[21:],
]
ACTIVE_2019 = [
    ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
     [("regulations", "rules", "规章"), ("regulations", "normative_documents", "规范性文件")]),
    ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
     [("licensing", "administrative_licensing", "行政许可"), ("licensing", "other_management_services", "其他对外管理服务事项")]),
    ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
     [("enforcement", "administrative_penalty", "行政处罚"), ("enforcement", "administrative_coercion", "行政强制")]),
    ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], [("fees", "administrative_fees", "行政事业性收费")]),
    ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"], [("procurement", "centralized_procurement", "政府集中采购")]),
]
ACTIVE_2021 = [
    ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
     [("regulations", "rules", "规章"), ("regulations", "normative_documents", "行政规范性文件")]),
    ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [("licensing", "administrative_licensing", "行政许可")]),
    ("第二十条第（六）项", ["信息内容", "本年处理决定数量"],
     [("enforcement", "administrative_penalty", "行政处罚"), ("enforcement", "administrative_coercion", "行政强制")]),
    ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"], [("fees", "administrative_fees", "行政事业性收费")]),
]
REVIEW_HEADER = [
    ["行政复议", "", "", "", "", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "", "复议后起诉"],
    ["", "", "", "", "", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
]


def _columns(template: str, table: str, row: str) -> list[str]:
    return [c.col for c in cells_for_template(template) if c.table == table and c.row == row]


def _report_rows(template: str, printed: dict[str, str], *, title: str) -> list[list[str]]:
    """A whole report as printed rows; `printed` maps contract keys to cell text (missing → blank)."""
    rows: list[list[str]] = [[title], ["一、总体情况"], ["本年度报告说明工作情况。"], ["二、主动公开政府信息情况"]]
    for marker, header, table_rows in ACTIVE_2019 if template == "2019" else ACTIVE_2021:
        rows.append([marker])
        rows.append(header)
        for table, row, label in table_rows:
            rows.append([label, *(printed.get(f"{table}.{row}.{col}", "") for col in _columns(template, table, row))])
    rows.append(["三、收到和处理政府信息公开申请情况"])
    rows.extend(APPLICANT_HEADER)
    for row, labels in APPLICATION_LABELS_2019 if template == "2019" else APPLICATION_LABELS_2021:
        rows.append([*labels, *(printed.get(f"applications.{row}.{col}", "") for col in _columns(template, "applications", row))])
    rows.append(["四、政府信息公开行政复议、行政诉讼情况"])
    rows.extend(REVIEW_HEADER)
    review = [printed.get(f"review_litigation.{row}.{col}", "")
              for row in ("administrative_review", "litigation_without_review", "litigation_after_review")
              for col in ("upheld", "corrected", "other_result", "pending", "total")]
    rows.append(review)
    rows.append(["五、存在的主要问题及改进情况"])
    rows.append(["无。"])
    return rows


def _render(rows: list[list[str]], layout: str) -> str:
    """Rows in one text layout: tab, pipe_rows, pipe_cells, cell_per_line, cell_per_paragraph, blanks_dropped."""
    lines: list[str] = []
    for row in rows:
        if len(row) == 1 and layout != "pipe_cells":
            lines.append(row[0])
        elif layout == "tab":
            lines.append("\t".join(row))
        elif layout == "pipe_rows":
            lines.append("| " + " | ".join(row) + " |")
        elif layout == "pipe_cells":
            lines.extend(f"{cell} |" for cell in row if cell or len(row) > 1)
        elif layout == "cell_per_line":
            lines.extend(cell if cell else " " for cell in row)
        elif layout == "cell_per_paragraph":
            for cell in row:
                lines.extend([cell if cell else "\u3000", ""])
        elif layout == "blanks_dropped":
            lines.extend(cell for cell in row if cell)
        else:
            raise ValueError(layout)
    return "\n".join(lines) + "\n"


def _full_values(template: str, seed: int = 7) -> dict[str, str]:
    """A consistent set of printed values: every template cell a distinct small number."""
    values = {}
    for k, spec in enumerate(cells_for_template(template)):
        values[spec.key] = str((k * seed) % 97 + 1)
    return values


@pytest.fixture
def parse_text():
    from pipeline.extract.parse import parse_document

    def _parse(text: str, name: str = "report.txt", encoding: str = "utf-8"):
        return parse_document(text.encode(encoding), source=name, filename=name)

    return _parse


def _cell_map(report) -> dict[str, tuple[float | None, list[str]]]:
    return {f'{c["table"]}.{c["row"]}.{c["col"]}': (c["value"], list(c["flags"] or []))
            for c in report.cells.iter_rows(named=True)}


@pytest.fixture
def report_rows():
    return _report_rows


@pytest.fixture
def render():
    return _render


@pytest.fixture
def full_values():
    return _full_values


@pytest.fixture
def cell_map():
    return _cell_map
