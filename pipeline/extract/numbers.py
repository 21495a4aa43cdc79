"""Cell text → number, the way report tables print them.

Reports print counts with full-width digits and spaces, thousands separators, signed changes
(`+276`, `-1570`, `增1`, `减2`), units (`387.951万元`, `3400660 元`), annotations
(`277（公共服务事项）`) and many spellings of "blank" (`/`, `—`, `-`, `&nbsp;`). `parse_number`
turns one cell into a value and flags; it never guesses: text it cannot read stays raw with
the flag `unparsed` and value None.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

BLANK_MARKS = {"", "/", "／", "—", "——", "-", "－", "–", "_", "&nbsp;", "\\", "、"}
ZERO_WORDS = {"无", "零"}
UNIT_FACTORS = {"元": 1.0, "千元": 1_000.0, "万元": 10_000.0, "百万元": 1_000_000.0, "千万元": 10_000_000.0,
                "亿元": 100_000_000.0}
# longest first: 千元 and 百万元 end in 元 and 万元, and must not be read as them
_UNIT_RE = "亿元|千万元|百万元|万元|千元|元"

_NUMBER = re.compile(
    r"^(?P<sign>[+\-]|增加|减少|增|减)?\s*(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    rf"(?P<unit>{_UNIT_RE}|件|项|个|条|宗|次)?"
    r"(?P<annotation>[（(【\[].*[)）】\]])?$"
)
_SPLIT_DIGITS = re.compile(r"\d\s+[+\-]?\d")
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?: \d{3})+$")
_HEADER_UNIT = re.compile(rf"(?:单位|单 位)?\s*[:：]?\s*({_UNIT_RE})")


@dataclass(frozen=True)
class ParsedNumber:
    value: float | None
    flags: tuple[str, ...] = field(default_factory=tuple)
    unit: str | None = None   # the money unit printed in the cell, if any
    blank: bool = False

    @property
    def unparsed(self) -> bool:
        return "unparsed" in self.flags

    @property
    def is_number(self) -> bool:
        return self.value is not None


@lru_cache(maxsize=1 << 16)
def normalize_cell_text(text: str) -> str:
    """Full-width digits/signs/brackets → ASCII (NFKC), every kind of space removed."""
    text = text.replace("&nbsp;", " ")
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def parse_number(text: str | None) -> ParsedNumber:
    """Read one printed cell: blank → None, 无 → 0, a number with sign/unit/annotation → value."""
    if text is None:
        return ParsedNumber(None, blank=True)
    if _SPLIT_DIGITS.search(unicodedata.normalize("NFKC", text)) and not _SPACE_GROUPED.match(text.strip()):
        return ParsedNumber(None, ("unparsed",))   # '2 0' is two merged cells, not 20
    compact = normalize_cell_text(text)
    if compact in BLANK_MARKS:
        return ParsedNumber(None, blank=True)
    if compact in ZERO_WORDS:
        return ParsedNumber(0.0)
    match = _NUMBER.match(compact)
    if not match:
        return ParsedNumber(None, ("unparsed",))
    flags: list[str] = []
    value = float(match["digits"].replace(",", ""))
    sign = match["sign"]
    if sign:
        flags.append("signed")
        if sign in ("-", "减", "减少"):
            value = -value
    if match["annotation"]:
        flags.append("annotated")
    unit = match["unit"] if match["unit"] in UNIT_FACTORS else None
    return ParsedNumber(value, tuple(flags), unit=unit)


def header_money_unit(header_text: str) -> str | None:
    """The money unit a column header declares, e.g. 本年收费金额（单位：万元） → 万元."""
    match = _HEADER_UNIT.search(normalize_cell_text(header_text))
    return match.group(1) if match else None


def to_yuan(parsed: ParsedNumber, header_unit: str | None) -> tuple[float | None, tuple[str, ...]]:
    """Money in yuan: the cell's own unit wins over the header's; an amount with no unit at all
    is only certain when it is zero (any other figure could be 元 or 万元)."""
    if parsed.value is None:
        return None, parsed.flags
    unit = parsed.unit or header_unit
    if unit is None:
        if parsed.value == 0:
            return 0.0, parsed.flags
        return parsed.value, (*parsed.flags, "uncertain", "no_unit")
    return round(parsed.value * UNIT_FACTORS[unit], 4), parsed.flags
