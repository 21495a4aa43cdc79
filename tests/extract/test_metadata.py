from datetime import date

import pytest

from pipeline.extract.blocks import TextBlock
from pipeline.extract.metadata import extract_metadata, level_of, region_of
from pipeline.extract.parse import parse_document
from pipeline.fixtures.documents import render_pdf, render_text, sample_report


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


# --- documents without a title line: 发布机构, 落款, opening paragraphs, file name ---------------------

FORMAT_NOTICE = ("国务院办公厅政府信息公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知",
                 "（国办公开办函〔2021〕30号）要求，现将本年度工作情况报告如下。")


def test_article_body_names_its_publisher_in_the_opening_paragraph():
    m = meta("一、总体情况", "2022年，桃江县松木塘镇人民政府坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》。",
             "二、主动公开政府信息情况")
    assert (m.title, m.region, m.publisher, m.year, m.level) == (None, "桃江县松木塘镇", "桃江县松木塘镇人民政府", 2022, "town")


@pytest.mark.parametrize("opening, region", [
    ("2022年，太平镇认真学习领会《条例》等有关法规文件精神，不断深入推行政务公开。", "太平镇"),
    ("2021年，湖口县大垅乡坚持以习近平新时代中国特色社会主义思想为指导。", "湖口县大垅乡"),
    ("2020年度，闻韶街道紧紧围绕区委、区政府中心工作。", "闻韶街道"),
    ("（一）主动公开情况。2022年，松木塘镇持续加大主动公开力度。", "松木塘镇"),
    ("2022年，我镇认真学习领会《条例》。", None),
    ("2022年，在县委县政府的坚强领导下，我局认真贯彻落实《条例》。", None),
    ("2022年，全县坚持以人民为中心。", None),
])
def test_a_place_opening_the_narrative_is_the_region(opening, region):
    m = meta("一、总体情况", opening, "二、主动公开政府信息情况")
    assert m.region == region


def test_sign_off_names_the_publisher_when_the_body_says_only_we():
    m = meta("一、总体情况", "2022年，我镇主动公开政务动态类信息420条。", "二、主动公开政府信息情况",
             "六、其他需要报告的事项", "本年度未收取信息处理费。", "泽库县和日镇人民政府", "2023年1月20日")
    assert (m.region, m.publisher, m.year, m.level) == ("泽库县和日镇", "泽库县和日镇人民政府", 2022, "town")
    assert m.published_on == date(2023, 1, 20)


def test_sign_off_and_its_date_on_one_line():
    m = meta("一、总体情况", "2022年，我局主动公开政务信息120条。", "二、主动公开政府信息情况", "海盐县财政局　2023年1月20日")
    assert (m.region, m.publisher, m.level) == ("海盐县", "海盐县财政局", "department")
    assert m.published_on == date(2023, 1, 20)


def test_sign_off_is_a_line_of_its_own_not_a_contact_or_address_line():
    lines = ["地址：泽库县泽曲镇人民政府大院", "联系电话：0973-8721234"]
    for at_the_end in (True, False):
        body = ["一、总体情况", "2022年，我镇主动公开政务动态类信息420条。", "二、主动公开政府信息情况",
                "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
        m = meta(*(body + lines if at_the_end else lines + body))
        assert (m.region, m.publisher) == (None, None)


def test_publisher_field_of_the_article_page_beats_a_superior_named_in_the_body():
    m = meta("索引号：11632323MB1234567X/2023-00012", "发布机构：泽库县和日镇人民政府　发布日期：2023-01-20",
             "一、总体情况", "2022年，按照泽库县人民政府统一部署，我镇认真贯彻落实《条例》。")
    assert (m.region, m.publisher, m.year) == ("泽库县和日镇", "泽库县和日镇人民政府", 2022)
    assert m.published_on == date(2023, 1, 20)


def test_a_sentence_quoting_the_national_format_is_not_the_title():
    m = meta("根据《", *FORMAT_NOTICE, "一、总体情况", "2021年，我县坚持以习近平新时代中国特色社会主义思想为指导。",
             "二、主动公开政府信息情况", "海盐县人民政府办公室", "2022年1月25日")
    assert m.title is None
    assert (m.region, m.publisher, m.year, m.level) == ("海盐县", "海盐县人民政府办公室", 2021, "county")


def test_a_notice_cited_in_the_opening_names_no_publisher():
    m = meta("按照《浙江省人民政府办公厅关于做好2021年政府信息公开工作年度报告编制工作的通知》要求，现将有关情况报告如下。",
             "一、总体情况", "2021年，我镇主动公开政府信息。", "通元镇人民政府")
    assert (m.region, m.publisher, m.title) == ("通元镇", "通元镇人民政府", None)


@pytest.mark.parametrize("filename", [
    "和日镇2022年政府信息公开工作年度报告.pdf",
    "/data/archive/和日镇2022年政府信息公开工作年度报告.pdf",
    "http://www.zeku.gov.cn/u/cms/%E5%92%8C%E6%97%A5%E9%95%872022%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF"
    "%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
], ids=["name", "path", "url"])
def test_file_name_is_the_last_resort(filename):
    m = extract_metadata([TextBlock("一、总体情况"), TextBlock("我镇主动公开政务信息420条。")], filename=filename)
    assert (m.region, m.year, m.level, m.title) == ("和日镇", 2022, "town", "和日镇2022年政府信息公开工作年度报告")


def test_the_text_beats_the_file_name():
    m = extract_metadata([TextBlock("一、总体情况"), TextBlock("本报告统计期限为2021年1月1日至2021年12月31日。"),
                          TextBlock("通元镇人民政府")], filename="和日镇2022年政府信息公开工作年度报告.pdf")
    assert (m.region, m.year) == ("通元镇", 2021)
    assert extract_metadata([TextBlock("一、总体情况")], filename="P020230131539174521865.pdf").region is None


def _read(report):
    return sorted((c["table"], c["row"], c["col"], c["value"]) for c in report.cells.iter_rows(named=True))


def test_documents_without_a_title_line_read_the_metadata_and_cells_of_the_titled_original():
    report_meta, values = sample_report("2021", seed=3)
    report_meta.region, report_meta.publisher = "泽库县和日镇", "泽库县和日镇人民政府"
    titled = parse_document(render_pdf(report_meta, values), source="titled.pdf")
    body = render_text(report_meta, values, untitled=True)
    documents = {
        "cover.pdf": render_pdf(report_meta, values, untitled=True, blank_first_page=True),
        "article.txt": body.encode(),
        "quoting-the-format.txt": ("根据《" + "".join(FORMAT_NOTICE) + "\n" + body).encode(),
    }
    for name, data in documents.items():
        report = parse_document(data, source=name)
        assert report.status == "ok", (name, report.error)
        assert (report.meta.title, report.meta.region, report.meta.publisher, report.meta.year, report.meta.level) == \
            (None, "泽库县和日镇", "泽库县和日镇人民政府", report_meta.year, "town"), name
        assert _read(report) == _read(titled), name
