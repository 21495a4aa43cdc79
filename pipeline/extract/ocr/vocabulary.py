"""OCR'd labels put right by the template model's own vocabulary.

The template model finds rows and columns by the words their labels contain (`labels`). A
recogniser that misreads one character of such a word (政府集中采呦 for 政府集中采购), or lets a
speck through as punctuation inside it (不：补正, 上--年), hides the row. A label reading is tidied
(marks between two Chinese characters that no form label has there are dropped) and then a
label that names nothing as read has a window one character away from exactly one vocabulary
word of four or more characters replaced by that word. Values are never touched.
"""
from __future__ import annotations

import re
from functools import cache

from pipeline.extract import labels

_STRAY = re.compile(r"(?<=[\u4e00-\u9fff])[：:·•.,'\"`*\-－—_~]+(?=[\u4e00-\u9fff])")
_EDGE_MARKS = "·•'\"`*.,:;：、 "


@cache
def words() -> tuple[str, ...]:
    """The words of four or more characters the template model matches labels by."""
    found = {w for _, _, ws in labels.ACTIVE_ROWS for w in ws}
    found |= {w for columns in labels.ACTIVE_COLUMNS.values() for _, ws in columns for w in ws}
    found |= {w for _, ws in labels.APPLICATION_ROWS for w in ws}
    found |= {"不予公开", "无法提供", "不予处理", "予以公开", "其他处理", "第二十条", "行政复议", "行政诉讼",
                                               "结果维持", "结果纠正", "其他结果", "尚未审结", "复议后起诉",
                                               "未经复议直接起诉"}
    return tuple(sorted(w for w in found if len(w) >= 4))


def _names_something(text: str) -> bool:
    """The label already names a row, a group or a column as read (不再处理 must not become 不予处理)."""
    return bool(labels.active_row(text) or labels.application_group(text) or labels.is_review_header(text)
                or any(labels.application_row(text, template=t, group=None) for t in ("2019", "2021"))
                or any(labels.active_column(table, text) for table in labels.ACTIVE_COLUMNS)
                or any(w in text for w in words()))


def _one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def tidy_label(text: str) -> str:
    """A label reading with stray marks dropped and a one-character misreading of a word fixed."""
    text = _STRAY.sub("", text).strip(_EDGE_MARKS)
    if _names_something(text):
        return text
    vocabulary = words()
    near = {(i, w) for w in vocabulary for i in range(len(text) - len(w) + 1) if _one_apart(text[i:i + len(w)], w)}
    if len({w for _, w in near}) != 1:
        return text
    i, word = min(near)
    return text[:i] + word + text[i + len(word):]
