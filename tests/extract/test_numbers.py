import pytest

from pipeline.extract.numbers import header_money_unit, parse_number, to_yuan


@pytest.mark.parametrize("text, value", [
    ("21", 21), ("０", 0), ("\u3000\u300021538", 21538), ("\xa00", 0), ("2\xa0", 2), (" 0 ", 0),
    ("1,234", 1234), ("１２３", 123), ("123604.14", 123604.14),
])
def test_plain_numbers_with_full_width_digits_spaces_and_separators(text, value):
    parsed = parse_number(text)
    assert parsed.value == value
    assert parsed.flags == ()


@pytest.mark.parametrize("text", ["", "   ", "/", "／", "—", "-", "－", "&nbsp;", "\xa0", "\u3000", None])
def test_blank_spellings_are_null(text):
    parsed = parse_number(text)
    assert parsed.value is None and parsed.blank and not parsed.unparsed


@pytest.mark.parametrize("text, value", [("+276", 276), ("-1570", -1570), ("增1", 1), ("减2", -2), ("－3", -3), ("+2", 2)])
def test_signed_changes(text, value):
    parsed = parse_number(text)
    assert parsed.value == value
    assert "signed" in parsed.flags


def test_annotation_keeps_the_number_and_flags_it():
    parsed = parse_number("277（公共服务事项）")
    assert parsed.value == 277
    assert parsed.flags == ("annotated",)


def test_none_word_is_zero():
    assert parse_number("无").value == 0


@pytest.mark.parametrize("text", ["暂无数据", "1.属于国家秘密", "约20", "12件左右"])
def test_text_stays_raw_and_unparsed(text):
    parsed = parse_number(text)
    assert parsed.value is None and parsed.unparsed and not parsed.blank


@pytest.mark.parametrize("text, header_unit, yuan", [
    ("387.951万元", None, 3_879_510), ("147 万元", None, 1_470_000), ("3400660 元", None, 3_400_660),
    ("7730.28", "万元", 77_302_800), ("251000元", "万元", 251_000), ("0", None, 0),
])
def test_money_in_yuan_cell_unit_before_header_unit(text, header_unit, yuan):
    value, flags = to_yuan(parse_number(text), header_unit)
    assert value == pytest.approx(yuan)
    assert "uncertain" not in flags


def test_money_without_any_unit_is_uncertain():
    value, flags = to_yuan(parse_number("6944.93"), None)
    assert "uncertain" in flags


@pytest.mark.parametrize("header, unit", [("本年收费金额（单位：万元）", "万元"), ("本年收费金额(单位:万元)", "万元"),
                                          ("采购总金额（元）", "元"), ("采购总金额", None)])
def test_header_money_unit(header, unit):
    assert header_money_unit(header) == unit


def test_digits_split_by_spaces_are_not_joined():
    assert parse_number("2 0").unparsed
    assert parse_number("1 234").value == 1234
