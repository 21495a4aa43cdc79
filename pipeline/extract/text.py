"""Plain text and markdown → blocks.

Text copies of reports come in many layouts: tab-separated rows (label columns merged or
dropped, a trailing empty column), pipe tables (`| a | b |` rows, or one cell per line ending
` |`), one cell per line (blank cells kept as a space, or dropped), one cell per paragraph.
The reader keeps what the layout says and nothing more: a line with several tab or pipe cells
becomes a table row (consecutive row lines form one TableBlock, ragged rows padded with span
copies of their last cell so the padding is never mistaken for a printed cell); every other
non-empty line becomes a TextBlock, a whitespace-only line a blank cell. Truly empty lines only
separate; markdown `|---|` and `----` rules are dropped. The template model decides what is a
label, a value or a heading.
"""
from __future__ import annotations

import codecs
import re

from pipeline.extract.blocks import MIXED_ENCODING, Block, TableBlock, TextBlock
from pipeline.extract.encoding import MIXED_ENCODING_MARK, decode_mixed, strip_marks

_RULE = re.compile(r"^(:?-{3,}:?)?$")
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_text(data: bytes) -> str:
    """BOM first, then strict UTF-8, then UTF-8 and GBK mixed run by run, then gb18030 (GBK/GB2312
    pages), then UTF-8 with replacement."""
    return strip_marks(_decode_marked(data))


def _decode_marked(data: bytes) -> str:
    """`decode_text`, with MIXED_ENCODING_MARK where a text mixing UTF-8 and GBK switches encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = decode_mixed(data)
    if mixed is not None:
        return mixed.text[:mixed.switch_at] + MIXED_ENCODING_MARK + mixed.text[mixed.switch_at:]
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def split_cells(line: str) -> list[str] | None:
    """The cells of a tab or pipe row, or None when the line is a single cell of text.

    A tab row keeps its leading empty cells (rowspan placeholders); a lone indenting tab is not a
    separator. A pipe line drops the empty piece before an opening `|` and after a closing `|`.
    """
    if "\t" in line.lstrip("\t"):
        return line.split("\t")
    if "|" in line:
        pieces = line.split("|")
        if not pieces[0].strip():
            pieces = pieces[1:]
        if pieces and not pieces[-1].strip():
            pieces = pieces[:-1]
        return [piece.strip() for piece in pieces]
    return None


def read_blocks(data: bytes, *, filename: str | None = None, content_type: str | None = None) -> list[Block]:
    """Decode and split a text document into blocks, locators naming 1-based line numbers; blocks
    from the line where a text mixing encodings switches on carry MIXED_ENCODING in their `cut`."""
    text = _decode_marked(data).replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    rows: list[list[str]] = []
    first_row_line = 0
    mixed_from: int | None = None   # the line where the encoding switches
    cut_row: int | None = None      # the first row of the current table at or past that line

    def flush_rows() -> None:
        nonlocal cut_row
        if rows:
            block = _table_block(rows, f"lines {first_row_line}-{first_row_line + len(rows) - 1}")
            if cut_row is not None:
                block.cut, block.cut_row = MIXED_ENCODING, cut_row
            blocks.append(block)
            rows.clear()
        cut_row = None

    for number, line in enumerate(text.split("\n"), start=1):
        if mixed_from is None and MIXED_ENCODING_MARK in line:
            mixed_from, line = number, strip_marks(line)
        cells = split_cells(line)
        if cells and all(_RULE.match(cell.strip()) for cell in cells) and any(cells):
            continue   # a markdown |---|---| separator or a ----\t---- rule: layout, not cells
        if cells is not None and len(cells) >= 2:
            if not rows:
                first_row_line = number
            if mixed_from is not None and cut_row is None:
                cut_row = len(rows)
            rows.append(cells)
            continue
        flush_rows()
        if cells is not None:
            # a one-cell pipe line ("0 |"; a bare "|" is an empty cell): one-cell-per-line layout
            blocks.append(TextBlock(cells[0] if cells else " ", f"line {number}", _cut(mixed_from)))
            continue
        if line == "":
            continue
        blocks.append(TextBlock(line.strip("\t") if line.strip() else " ", f"line {number}", _cut(mixed_from)))
    flush_rows()
    return blocks


def _cut(mixed_from: int | None) -> str | None:
    return MIXED_ENCODING if mixed_from is not None else None


def _table_block(rows: list[list[str]], locator: str) -> TableBlock:
    width = max(len(row) for row in rows)
    cells: list[list[str]] = []
    anchors: list[list[tuple[int, int]]] = []
    for r, row in enumerate(rows):
        last = len(row) - 1
        cells.append(row + [row[last]] * (width - len(row)))
        anchors.append([(r, c) for c in range(len(row))] + [(r, last)] * (width - len(row)))
    return TableBlock(cells=cells, anchors=anchors, locator=locator)
