"""Report metadata from the document's own text: title, publisher, region, year, level, date.

The year is the year reported on — from the title, else the statistics period (统计期限), else
the year the opening narrative speaks of, else a title-like file name — never the publication
date, and None when nothing says. The region is the administrative area named at the head of the
title (or of the sentence that names the report), the publisher the body named there.

Many documents have no title line: an article body that starts at 一、总体情况, a PDF whose first
page is a blank or scanned cover, a body whose only title-like line quotes the national format
(〈…年度报告格式〉的通知). Then the publisher is read, in this order, from a 发布机构 field, the
sign-off (落款) at the end, the government the opening paragraphs name, and the file name.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from urllib.parse import unquote

from pipeline.extract.blocks import Block, TableBlock, TextBlock
from pipeline.extract.numbers import normalize_cell_text
from pipeline.report.model import ReportMeta

_TITLE_WORDS = ("年度报告", "工作报告", "年报", "告年度报", "工作年度")
_REPORT_SUBJECT = re.compile(r"(?P<subject>[\u4e00-\u9fff]{2,40}?)\s*(20\d{2})\s*年度?\s*(?:政府)?信息公开")
_SUBJECT_AFTER_YEAR = re.compile(r"^(20\d{2})年度?(?P<subject>[\u4e00-\u9fff]{2,40}?)(?:政府)?信息公开")
# a title that states no year: 乌海市工业和信息化局政府信息公开工作年度报告
_SUBJECT_NO_YEAR = re.compile(r"^(?P<subject>[\u4e00-\u9fff]{2,40}?)(?:政府)?信息公开(?:工作)?(?:年度报告|年报)")
_COMPILED_BY = re.compile(r"(?:由|是)(?P<subject>[\u4e00-\u9fff]{2,30}?(?:人民政府|办事处))")
_STATISTICS_PERIOD = re.compile(r"(20\d{2})年1月1日(?:起)?(?:至|到|-|—|～|~)(20\d{2})年12月31日")
_NARRATIVE_YEAR = re.compile(r"(?<![\d〔\[(（])(20\d{2})\s*年度?(?!\s*\d{1,2}\s*月)(?![\d〕\])）])")
_CITED_TITLE = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]")
# a cited document (《…的通知》, 〈…年度报告格式〉), not the report naming itself (《X2022年度…年度报告》)
_CITED_DOCUMENT = re.compile(r"《(?![^》]*(?:报告|年报)》)[^》]*》|〈[^〉]*〉|<[^>]*>")
_NOT_A_TITLE = re.compile(r"通知|格式|印发|根据|按照|现将|要求")
_PRINTED_DATE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(?:发布时间|发布日期|时间|日期)\s*[:：]\s*(20\d{2})-(\d{1,2})-(\d{1,2})")
_REGION_UNIT = re.compile(
    r"[\u4e00-\u9fff]{2,10}?(?:特别行政区|自治区|自治州|自治县|高新区|开发区|新区|经开区|街道|省|市|州|盟|县|旗|区|镇|乡)"
)
# 住房和城乡(建设局) is a department, not a 乡; 和 alone is no mark (呼和浩特市, 和田地区, 和平区)
_NOT_A_PLACE = ("城乡", "本级", "我", "全")
_BODY_SUFFIX = re.compile(r"(?:人民政府(?:办公室|办公厅)?|办事处|委员会|管理委员会|局|办公室|办|委|厅|中心|院|所|站|队|处)$")
_LEADING_VERBS = re.compile(r"^.*(?:公布|发布|编制|现将|根据|特向社会|关于|由|为)(?=[\u4e00-\u9fff]{2,})")
_TRAILING_WORDS = re.compile(r"(?:关于|的)$")
_SITE_CHROME = re.compile(r"网站|门户|网$")  # 人民政府门户网站: the portal's banner, not the publisher
# 发布机构：泽库县人民政府办公室 (the metadata box of a government article page)
_PUBLISHER_FIELD = re.compile(r"(?:发布机构|发文机关|发布单位|发文单位|公开主体|信息来源|来源)[:：]?(?P<subject>[\u4e00-\u9fff]{2,30})")
_GOVERNMENT = re.compile(r"[\u4e00-\u9fff]{2,30}?(?:人民政府(?:办公室|办公厅)?|街道办事处|办事处)")
_CONTACT_FIELD = re.compile(r"(?:地址|通讯地址|联系电话|电话|邮编|邮政编码|传真|电子邮箱|邮箱)[:：]")  # where, not who
# 2022年，太平镇认真学习… : a place that opens the narrative as its subject, before the verb
_OPENING_ACTOR = re.compile(
    r"^(?:\([一二三四五六七八九十]\)[^,，。]{0,12}?[。.])?20\d{2}年度?(?:以来)?[,，]"
    r"(?P<place>[\u4e00-\u9fff]{1,10}?(?:街道|镇|乡|县|区|市|旗))(?:人民政府|政府)?"
    r"(?=坚持|认真|深入|全面|始终|积极|紧紧|严格|进一步|继续|不断|高度|扎实|围绕|按照|根据|以|在|把|将|紧扣|聚焦|持续|切实|结合)"
)
_SIGN_OFF_LINES = 8
_OPENING_LINES = 6
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def _lines(blocks: list[Block]) -> list[str]:
    lines = []
    for block in blocks:
        if isinstance(block, TextBlock):
            lines.append(block.text.strip())
        elif isinstance(block, TableBlock):
            lines.extend(" ".join(row).strip() for row in block.cells)
    return [line for line in lines if line]


def find_title(lines: list[str]) -> str | None:
    """The line near the top that names a disclosure report, preferring one that states a year;
    breadcrumbs (首页 > 政府信息公开 > 年报) are page chrome, not titles."""
    candidates = []
    for line in lines[:25]:
        compact = normalize_cell_text(line)
        if any(mark in compact for mark in (">", "›", "»")):
            continue
        if is_title_like(compact):
            candidates.append(line.strip())
    with_year = [c for c in candidates if re.search(r"20\d{2}\s*年", c)]
    return (with_year or candidates or [None])[0]


def is_title_like(compact: str) -> bool:
    """A short line naming a disclosure report, not a sentence citing the national format or a notice."""
    own = _CITED_DOCUMENT.sub("", compact)
    return (len(compact) <= 60 and "信息公开" in own and any(w in own for w in _TITLE_WORDS)
            and not _NOT_A_TITLE.search(own))


def _subject(lines: list[str], title: str | None) -> str | None:
    """The words before the year in the title or the report-naming sentence: who reports."""
    if title:
        compact_title = normalize_cell_text(title)
        for pattern in (_REPORT_SUBJECT, _SUBJECT_AFTER_YEAR, _SUBJECT_NO_YEAR):
            match = pattern.search(compact_title)
            subject = _clean_subject(match.group("subject")) if match else ""
            if subject and (region_of(subject) or _BODY_SUFFIX.search(subject)):
                return subject
        index = lines.index(title) if title in lines else -1
        for neighbour in lines[max(0, index - 2):index + 3]:
            compact = normalize_cell_text(neighbour)
            if neighbour != title and len(compact) <= 30 and _BODY_SUFFIX.search(compact) and not _SITE_CHROME.search(compact):
                return compact
    for pattern in (_REPORT_SUBJECT, _COMPILED_BY):
        for line in lines[:25]:
            match = pattern.search(_CITED_DOCUMENT.sub("", normalize_cell_text(line)))
            if match:
                return _clean_subject(match.group("subject"))
    return None


def _named_body(candidate: str) -> str | None:
    """A publishing body that names its region (泽库县人民政府办公室), else None."""
    candidate = _clean_subject(candidate)
    return candidate if region_of(candidate) and _BODY_SUFFIX.search(candidate) else None


def _publisher_field(lines: list[str]) -> str | None:
    """发布机构：X / 信息来源：X, as government article pages print above or below the text."""
    for line in lines[:25] + lines[-_SIGN_OFF_LINES:]:
        for match in _PUBLISHER_FIELD.finditer(normalize_cell_text(line)):
            if body := _named_body(match.group("subject")):
                return body
    return None


def _sign_off(lines: list[str]) -> str | None:
    """The 落款 among the last lines: a line that is nothing but a publishing body's name."""
    for line in reversed(lines[-_SIGN_OFF_LINES:]):
        compact = _PRINTED_DATE.sub("", normalize_cell_text(line))  # 和日镇人民政府 2023年1月20日 on one line
        if len(compact) <= 30 and (body := _named_body(compact)) == compact:
            return body
    return None


def _opening_government(lines: list[str]) -> str | None:
    """The government the opening paragraphs name (2022年，X镇人民政府坚持…), else the place that opens
    a paragraph as its actor (2022年，太平镇认真学习…)."""
    opening = [normalize_cell_text(line) for line in lines[:_OPENING_LINES]]
    opening = [_CITED_DOCUMENT.sub("", line) for line in opening if not _CONTACT_FIELD.match(line)]
    for line in opening:
        for match in _GOVERNMENT.finditer(line):
            if body := _named_body(match.group(0)):
                return body
    for line in opening:
        match = _OPENING_ACTOR.match(line)
        if match and region_of(match.group("place")) == match.group("place"):
            return match.group("place")
    return None


def _title_from_filename(filename: str | None) -> str | None:
    """A file name that reads as a title: 和日镇2022年政府信息公开工作年度报告.pdf."""
    if not filename:
        return None
    stem = re.split(r"[\\/]", unquote(filename.split("?", 1)[0]))[-1].rsplit(".", 1)[0]
    compact = normalize_cell_text(stem)
    return compact if is_title_like(compact) else None


def _clean_subject(subject: str) -> str:
    """关于通元镇 / 特向社会公布X局 / X局关于 → the name alone."""
    return _TRAILING_WORDS.sub("", _LEADING_VERBS.sub("", subject))


def region_of(subject: str) -> str | None:
    """The chain of administrative units heading a name: 湖口县大垅乡人民政府 → 湖口县大垅乡."""
    position, parts = 0, []
    while True:
        match = _REGION_UNIT.match(subject, position)
        if not match or any(word in match.group(0) for word in _NOT_A_PLACE):
            break
        parts.append(match.group(0))
        position = match.end()
    return "".join(parts) or None


def level_of(region: str | None, publisher: str | None) -> str | None:
    """镇/乡 → town, 街道 → sub-district, a body other than the government → department, …"""
    name = publisher or region
    if not name:
        return None
    if publisher and not re.search(r"人民政府(?:办公室|办公厅)?$|办事处$", publisher) and _BODY_SUFFIX.search(publisher):
        if not publisher.endswith(("人民政府办公室", "人民政府办公厅")):
            return "department"
    place = region or ""
    if place.endswith(("镇", "乡")):
        return "town"
    if place.endswith("街道"):
        return "sub-district"
    if place.endswith(("省", "自治区")) or place in _MUNICIPALITIES:
        return "province"
    if place.endswith(("县", "旗", "区")):
        return "county"
    if place.endswith(("市", "州", "盟")):
        return "city"
    return None


def report_year(lines: list[str], title: str | None) -> int | None:
    """Title year, else the statistics period, else the year the opening narrative speaks of."""
    if title:
        match = re.search(r"(20\d{2})\s*年", normalize_cell_text(title))
        if match:
            return int(match.group(1))
    text = "\n".join(normalize_cell_text(line) for line in lines)
    period = _STATISTICS_PERIOD.search(text)
    if period and period.group(1) == period.group(2):
        return int(period.group(1))
    opening = []
    for line in lines:
        compact = normalize_cell_text(line)
        if "主动公开政府信息情况" in compact and len(compact) <= 30:
            break
        opening.append(_CITED_TITLE.sub("", compact))
    counts = Counter(int(m.group(1)) for m in _NARRATIVE_YEAR.finditer("\n".join(opening)))
    if not counts:
        return None
    (best, best_count), *rest = counts.most_common()
    if rest and rest[0][1] == best_count:
        return None
    return best


def published_on(lines: list[str]) -> date | None:
    """A date printed as 发布时间 near the top, or a signature date line at the end."""
    for line in lines[:25]:
        match = _ISO_DATE.search(line)
        if match:
            return _date(*match.groups())
    for line in reversed(lines[-_SIGN_OFF_LINES:]):
        compact = normalize_cell_text(line)
        match = _PRINTED_DATE.search(compact)
        before = compact[:match.start()] if match else None
        if match and match.end() == len(compact) and (not before or _named_body(before) == before):
            return _date(*match.groups())
    return None


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _government_named_in_text(lines: list[str], region: str) -> str | None:
    """通元镇 → 通元镇人民政府 when the text itself names the region's government (never assumed)."""
    pattern = re.compile(re.escape(region) + r"(人民政府|街道办事处|办事处)")
    for line in lines:
        match = pattern.search(normalize_cell_text(line))
        if match:
            return match.group(0)
    return None


def extract_metadata(blocks: list[Block], filename: str | None = None) -> ReportMeta:
    """Metadata from the document's text; `filename` is the last resort when the text names no publisher or year."""
    lines = _lines(blocks)
    title = find_title(lines)
    filename_title = _title_from_filename(filename)
    subject = (_subject(lines, title) or _publisher_field(lines) or _sign_off(lines) or _opening_government(lines)
               or (_subject([filename_title], filename_title) if filename_title else None))
    region = region_of(subject) if subject else None
    publisher = subject if subject and _BODY_SUFFIX.search(subject) else None
    if publisher is None and region:
        publisher = _government_named_in_text(lines, region)
    year = report_year(lines, title)
    if year is None and filename_title:
        year = report_year([], filename_title)
    return ReportMeta(
        region=region,
        publisher=publisher,
        year=year,
        level=level_of(region, publisher),
        title=title or filename_title,
        published_on=published_on(lines),
    )
