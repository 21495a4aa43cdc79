"""Printed labels → contract keys, by meaning.

Row and column labels are matched on normalized text (NFKC: full-width brackets and digits to
ASCII; all spaces removed) by the words that carry their meaning, so numbering, bracket styles,
line breaks inside a cell, fill-in instructions in parentheses and typos such as
`其他法律行政止公开` still land on the right key. Every function returns None when the text does
not name the thing it asks about.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.extract.numbers import normalize_cell_text

_PARENTHETICAL = re.compile(r"\([^()]*\)?")
_NUMBERING = re.compile(r"^(?:\(?[一二三四五六七八九十]+\)?[、.．]?|\d+[、.．])")

SECTION_TABLES = {"一": "regulations", "五": "licensing", "六": "enforcement", "八": "fees", "九": "procurement"}
_ARTICLE_MARKER = re.compile(r"第二十条第?\(?([一二三四五六七八九十])\)?项")

# Section 二 row labels: (table, row, words the label starts with once numbering is stripped).
ACTIVE_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("regulations", "rules", ("规章",)),
    ("regulations", "normative_documents", ("规范性文件", "行政规范性文件")),
    ("licensing", "administrative_licensing", ("行政许可",)),
    ("licensing", "other_management_services", ("其他对外管理服务事项", "其他对外管理服务")),
    ("enforcement", "administrative_penalty", ("行政处罚",)),
    ("enforcement", "administrative_coercion", ("行政强制",)),
    ("fees", "administrative_fees", ("行政事业性收费",)),
    ("procurement", "centralized_procurement", ("政府集中采购",)),
)

# Section 二 column labels per table: (col, words any of which names it), most specific first.
ACTIVE_COLUMNS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "regulations": (
        ("total_public", ("对外公开总数量", "公开总数量", "总数量")),
        ("made", ("制作数量", "新制作")),
        ("published", ("公开数量", "新公开")),
        ("issued", ("制发件数", "制发")),
        ("repealed", ("废止件数", "废止")),
        ("in_force", ("现行有效",)),
    ),
    "licensing": (
        ("prior_year_items", ("上一年项目数量", "上一年", "上年项目")),
        ("change", ("增/减", "增减", "本年增")),
        ("decisions", ("处理决定数量", "处理决定", "办件量")),
    ),
    "enforcement": (
        ("prior_year_items", ("上一年项目数量", "上一年", "上年项目")),
        ("change", ("增/减", "增减", "本年增")),
        ("decisions", ("处理决定数量", "处理决定", "办件量")),
    ),
    "fees": (
        ("prior_year_items", ("上一年项目数量", "上一年", "上年项目")),
        ("change", ("增/减", "增减", "本年增")),
        ("amount_yuan", ("收费金额",)),
    ),
    "procurement": (
        ("projects", ("采购项目数量", "项目数量")),
        ("amount_yuan", ("采购总金额", "总金额", "采购金额")),
    ),
}

APPLICANT_COLUMNS = (
    "natural_person", "commercial_enterprise", "research_institution", "social_welfare_organization",
    "legal_service_agency", "other_organization", "total",
)
REVIEW_ROWS = ("administrative_review", "litigation_without_review", "litigation_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other_result", "pending", "total")

# Section 三 leaf rows: (row, words any of which names it). Order matters: 部分公开 before 予以公开.
APPLICATION_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new_received", ("本年新收",)),
    ("carried_over", ("上年结转",)),
    ("carried_forward", ("结转下年度", "下年度继续办理")),
    ("partially_granted", ("部分公开",)),
    ("denied_state_secret", ("国家秘密",)),
    ("denied_prohibited_by_law", ("禁止公开", "止公开", "其他法律")),
    ("denied_security_stability", ("三安全", "一稳定")),
    ("denied_third_party_rights", ("第三方",)),
    ("denied_internal_affairs", ("内部事务",)),
    ("denied_process_information", ("过程性",)),
    ("denied_enforcement_case_file", ("执法案卷",)),
    ("denied_administrative_query", ("查询事项",)),
    ("unable_not_held", ("不掌握",)),
    ("unable_needs_creation", ("另行制作", "现成信息")),
    ("unable_unclear_after_correction", ("补正后", "仍不明确")),
    ("not_processed_petition_complaint", ("信访", "举报投诉")),
    ("not_processed_repeated", ("重复申请",)),
    ("not_processed_publication", ("出版物",)),
    ("not_processed_excessive", ("大量反复", "反复申请")),
    ("not_processed_confirmation", ("重新出具", "确认或")),
    ("other_no_correction", ("不补正",)),
    ("other_fee_unpaid", ("收费通知", "缴纳费用")),
)
# Label functions are pure and a report repeats the same few hundred strings many times over,
# so their answers are cached per process.
_cached = lru_cache(maxsize=1 << 16)

_GROUPS = (("denied", "不予公开"), ("unable", "无法提供"), ("not_processed", "不予处理"), ("other", "其他处理"))
MAX_LABEL_LENGTH = 60


@_cached
def normalize(text: str) -> str:
    return normalize_cell_text(text)


@_cached
def strip_label(text: str) -> str:
    """A label without parenthetical instructions and leading numbering: 1.属于国家秘密 → 属于国家秘密."""
    norm = _PARENTHETICAL.sub("", normalize(text))
    previous = None
    while previous != norm:
        previous = norm
        norm = _NUMBERING.sub("", norm)
    return norm


@_cached
def article_marker(text: str) -> str | None:
    """第二十条第（五）项 → 'licensing' (the section 二 table it introduces)."""
    norm = normalize(text)
    if len(norm) > 30:   # a sentence citing 第二十条 is not a table marker
        return None
    match = _ARTICLE_MARKER.search(norm)
    return SECTION_TABLES.get(match.group(1)) if match else None


@_cached
def section_heading(text: str) -> str | None:
    """Which report section a heading opens: '二', '三', '四' or '五' (None for anything else)."""
    norm = normalize(text)
    if len(norm) > 40:
        return None
    if "主动公开政府信息" in norm and ("情况" in norm or norm.startswith("二")):
        return "二"
    if "收到和处理政府信息公开申请" in norm or "收到和处理政府信息公开" in norm:
        return "三"
    if ("行政复议" in norm and "行政诉讼" in norm and not norm.startswith(("行政复议", "行政诉讼"))) or (
            norm.startswith("四") and "行政复议" in norm):   # a heading wrapped before 行政诉讼
        return "四"
    if "存在的主要问题" in norm or "其他需要报告的事项" in norm:
        return "五"
    return None


@_cached
def active_row(text: str) -> tuple[str, str] | None:
    """A section 二 row label → (table, row)."""
    if len(normalize(text)) > MAX_LABEL_LENGTH:
        return None
    label = strip_label(text)
    for table, row, words in ACTIVE_ROWS:
        if label.startswith(words):
            return table, row
    return None


@_cached
def active_column(table: str, text: str) -> str | None:
    """A section 二 column header → the column key within `table`."""
    norm = strip_label(text) or normalize(text)
    for col, words in ACTIVE_COLUMNS.get(table, ()):
        if any(word in norm for word in words):
            return col
    return None


@_cached
def application_group(text: str) -> str | None:
    """（三）不予公开 → 'denied' etc.: the outcome groups whose sub-rows are numbered 1., 2., …"""
    norm = normalize(text)
    if len(norm) > MAX_LABEL_LENGTH:
        return None
    for group, word in _GROUPS:
        if word in norm:
            return group
    return None


@_cached
def application_row(text: str, *, template: str, group: str | None) -> str | None:
    """A section 三 row label → row key (a group heading alone is not a row, except 2019's 其他处理)."""
    norm = normalize(text)
    if len(norm) > MAX_LABEL_LENGTH:
        return None
    label = strip_label(text)
    for row, words in APPLICATION_ROWS:
        if any(word in norm for word in words):
            return row
    if "予以公开" in norm and "不予以公开" not in norm:
        return "granted"
    if "其他处理" in norm:
        return "other_processing" if template == "2019" else None
    if group == "other" and template == "2021" and label == "其他":
        return "other_other"
    if norm == "总计" or re.search(r"(\(七\)|七、)总计", norm):
        return "total_processed"
    return None


@_cached
def is_review_header(text: str) -> bool:
    """A cell of the section 四 table header (行政复议, 结果维持, 总计, a split 总/计 …), not a sentence."""
    norm = normalize(text)
    if len(norm) > 12:
        return False
    return any(word in norm for word in ("维持", "纠正", "其他", "审结", "总计", "结果", "起诉", "复议", "诉讼")) or norm in ("计", "总")
