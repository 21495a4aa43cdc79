"""Reports reposted in traditional characters are read as the simplified original they copy.

Mirror sites repost reports in traditional characters, either character for character (規範性文件,
條, 項) or with Taiwan vocabulary as well (規範性檔案, 政府資訊公開). The template model knows the
simplified national forms, so such a document is converted before it, with OpenCC:

- a document is traditional when at least a tenth of its Chinese characters change under character
  conversion (simplified reports change none or almost none, a quoted name; traditional ones about
  two in five);
- one that says 资讯 more often than 信息 once its characters are converted uses Taiwan vocabulary
  (政府资讯公开 for the mainland's 政府信息公开) and is converted phrase by phrase (`tw2sp`: 資訊 → 信息, 檔案 → 文件, 專案 → 项目), the
  others character by character (`t2s`), since phrase conversion would turn their 文件 into 文档;
- phrase conversion maps a few words of the national forms to another mainland word (查詢 → 查找 in
  属于行政查询事项); those form words are put back, found by converting the forms' own labels.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

import opencc

from pipeline.extract.blocks import Block, TextBlock
from pipeline.report.contract import CELLS

TRADITIONAL_SHARE = 0.1
_HAN = re.compile(r"[\u4e00-\u9fff]")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _form_words_restored() -> tuple[tuple[str, str], ...]:
    """(what phrase conversion makes of a form label, the label) for the labels it changes."""
    to_taiwan, back = _converter("s2twp").convert, _converter("tw2sp").convert
    labels = {part for cell in CELLS for label in (cell.row_label, cell.col_label) for part in label.split()}
    return tuple(sorted((back(to_taiwan(label)), label) for label in labels if back(to_taiwan(label)) != label))


def _texts(blocks: list[Block]) -> list[str]:
    texts = []
    for block in blocks:
        if isinstance(block, TextBlock):
            texts.append(block.text)
        else:
            texts.extend(cell for row in block.cells for cell in row)
    return texts


def is_traditional(text: str) -> bool:
    """Whether `text` is written in traditional characters (see the module docstring)."""
    han = "".join(_HAN.findall(text))
    if not han:
        return False
    simplified = _converter("t2s").convert(han)
    return sum(a != b for a, b in zip(han, simplified)) >= TRADITIONAL_SHARE * len(han)


def simplified_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks as the template model reads them: in simplified characters and mainland vocabulary
    when the document is traditional, unchanged otherwise; locators and table shapes are kept."""
    text = "\n".join(_texts(blocks))
    if not is_traditional(text):
        return blocks
    characters = _converter("t2s").convert(text)
    if characters.count("资讯") > characters.count("信息"):
        phrases = _converter("tw2sp").convert

        def convert(value: str) -> str:
            value = phrases(value)
            for converted, label in _form_words_restored():
                value = value.replace(converted, label)
            return value
    else:
        convert = _converter("t2s").convert
    converted: list[Block] = []
    for block in blocks:
        if isinstance(block, TextBlock):
            converted.append(replace(block, text=convert(block.text)))
        else:
            converted.append(replace(block, cells=[[convert(cell) for cell in row] for row in block.cells]))
    return converted
