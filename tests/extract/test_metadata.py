from datetime import date

import pytest

from pipeline.extract.blocks import TextBlock
from pipeline.extract.metadata import extract_metadata, level_of, region_of


def meta(*lines):
    return extract_metadata([TextBlock(line) for line in lines])


@pytest.mark.parametrize("title, region, publisher, year, level", [
    ("镇坪县 2019 年政府信息公开工作年度报告", "镇坪县", None, 2019, "county"),
    ("泽库县人民政府 2020 年政府信息公开工作年度报告", "泽库县", "泽库县人民政府", 2020, "county"),
    ("湖口县大垅乡2020年政府信息公开工作年度报告", "湖口县大垅乡", None, 2020, "town"),
    ("张村镇2019年度信息公开工作报告", "张村镇", None, 2019, "town"),
    ("洱源县政务服务管理局2020年政府信息公开工作年度报告", "洱源县", "洱源县政务服务管理局", 2020, "department"),
    ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市", "上海市人民政府办公厅", 2019, "province"),
    ("昌图县七家子镇2023年政府信息公开 工作告年度报", "昌图县七家子镇", None, 2023, "town"),
    ("闻韶街道2021年政府信息公开工作年度报告", "闻韶街道", None, 2021, "sub-district"),
])
def test_title_gives_region_publisher_year_level(title, region, publisher, year, level):
    m = meta(title, "一、总体情况")
    assert (m.region, m.publisher, m.year, m.level, m.title) == (region, publisher, year, level, title)


def test_publisher_on_the_line_next_to_a_title_without_one():
    m = meta("2022年政府信息公开工作年度报告", "桃江县松木塘镇人民政府", "一、总体情况")
    assert (m.region, m.publisher, m.year, m.level) == ("桃江县松木塘镇", "桃江县松木塘镇人民政府", 2022, "town")


def test_department_named_in_the_opening_sentence():
    m = meta("根据《中华人民共和国政府信息公开条例》的要求，特向社会公布益阳高新区市场监督管理局2020年度政府信息公开工作年度报告。")
    assert (m.region, m.publisher, m.year, m.level) == ("益阳高新区", "益阳高新区市场监督管理局", 2020, "department")


def test_compiling_body_when_no_title():
    m = meta("本报告由两城镇人民政府党政办公室编制。本报告中所列数据的统计期限为2020年1月1日至2020年12月31日。")
    assert (m.region, m.year) == ("两城镇", 2020)


def test_year_from_statistics_period_not_publication_date():
    m = meta("政府信息公开工作年度报告", "发布时间：2021-01-31",
             "本年度报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。")
    assert m.year == 2020
    assert m.published_on == date(2021, 1, 31)


def test_year_from_the_opening_narrative_ignores_cited_documents_and_dates():
    m = meta("一、总体情况", "根据《关于做好2021年度政务公开工作的通知》和国办公开办函〔2019〕60号，2022年，我镇主动公开信息420条。",
             "2022年，我镇未收到政府信息公开申请。", "二、主动公开政府信息情况", "2023年1月10日")
    assert m.year == 2022


def test_year_is_null_when_the_text_does_not_say():
    assert meta("我局积极落实政府信息公开工作要求。", "二、主动公开政府信息情况").year is None


def test_signature_date_at_the_end_is_the_publication_date():
    m = meta("泽库县人民政府 2020 年政府信息公开工作年度报告", "正文", "泽库县人民政府", "2021年1月25日")
    assert m.published_on == date(2021, 1, 25)
    assert m.year == 2020


def test_region_of_stops_at_non_place_words():
    assert region_of("海盐县住房和城乡建设局") == "海盐县"
    assert region_of("区政府政务服务办") is None
    assert level_of("淮安市", "淮安市人民政府") == "city"


@pytest.mark.parametrize("title, region, publisher", [
    ("关于西店镇2019年政府信息公开工作年度报告", "西店镇", None),
    ("海盐县财政局关于2020年政府信息公开工作年度报告", "海盐县", "海盐县财政局"),
])
def test_title_with_guanyu(title, region, publisher):
    m = meta(title)
    assert (m.region, m.publisher) == (region, publisher)


def test_publisher_is_the_government_the_text_names_never_an_assumed_one():
    assert meta("张村镇2019年度信息公开工作报告", "张村镇人民政府根据《条例》的规定……").publisher == "张村镇人民政府"
    assert meta("西店镇2019年政府信息公开工作年度报告", "我镇始终把做好政务信息公开工作列入议事日程。").publisher is None


def test_breadcrumbs_and_column_names_are_not_titles():
    m = meta("首页 > 政务公开 > 政府信息公开年报", "政府信息公开年度报告", "西店镇2019年政府信息公开工作年度报告", "一、总体情况")
    assert (m.title, m.region, m.year) == ("西店镇2019年政府信息公开工作年度报告", "西店镇", 2019)
