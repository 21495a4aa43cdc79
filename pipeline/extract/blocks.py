"""What every format reader hands the template model: the document as ordered blocks.

A reader (HTML, PDF, DOCX, DOC via LibreOffice, plain text) turns bytes into a list of
TextBlock and TableBlock in reading order. The template model then finds sections and
tables by their headings and maps labels to contract keys; it never looks at the format.
"""
from __future__ import annotations

from dataclasses import dataclass, field

TRUNCATED = "truncated"              # the document ends inside this block: its last row may be incomplete
MIXED_ENCODING = "mixed_encoding"    # the document switches encoding at or before this block


@dataclass
class TextBlock:
    text: str          # one paragraph or line, whitespace as printed (full-width spaces kept)
    locator: str = ""  # e.g. "page 2" or "line 57"
    doubt: str = ""    # why the reader does not trust where this text sits; its cells are flagged uncertain
    cut: str | None = None   # TRUNCATED or MIXED_ENCODING: the block lies past where the document stops being whole
    read_by: str = "text"    # "ocr" when the text was recognised from pixels


@dataclass
class TableBlock:
    """A table as a rectangular grid with row/col spans expanded.

    cells[r][c] is the text of the source cell covering that position; a spanned cell's text
    is repeated in every position it covers, and anchors[r][c] gives the (row, col) of the
    source cell, so `anchors[r][c] != (r, c)` marks a copy made by span expansion.
    """
    cells: list[list[str]]
    anchors: list[list[tuple[int, int]]] = field(default_factory=list)
    locator: str = ""  # e.g. "page 4, table 1"
    doubt: str = ""    # why the reader does not trust this grid (see TextBlock.doubt)
    cut: str | None = None   # TRUNCATED or MIXED_ENCODING: rows from `cut_row` on lie past the cut
    cut_row: int = 0
    read_by: str = "text"    # "ocr" when the cells were recognised from pixels
    doubts: dict[tuple[int, int], str] = field(default_factory=dict)   # cell → why its reading is not trusted
    alternatives: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)   # cell → other plausible readings

    def __post_init__(self) -> None:
        if not self.anchors:
            self.anchors = [[(r, c) for c in range(len(row))] for r, row in enumerate(self.cells)]


Block = TextBlock | TableBlock
