"""HTML pages → blocks: decode any encoding, expand table spans, unwrap layout tables.

Portal pages are GBK as often as UTF-8 and often declare the wrong one; Word's "save as HTML"
splits labels across spans and pads with `<o:p>`; older portals nest the article inside
layout tables. Data tables (at least two columns, no multi-column table inside them) become
TableBlocks with rowspan/colspan expanded and `&nbsp;` cells blank; everything else is
flowed text, one TextBlock per paragraph (the page <title> first, locator "title").
Scripts and styles are dropped; page chrome (nav, footer) stays as harmless text blocks.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.extract.blocks import MIXED_ENCODING, TRUNCATED, Block, TableBlock, TextBlock
from pipeline.extract.encoding import END_MARK, MIXED_ENCODING_MARK, decode_mixed, strip_marks
from pipeline.extract.formats import UnreadableDocument

MAX_SPAN = 200  # a larger rowspan/colspan is a markup error, not a table that size
MAX_GRID_CELLS = 200_000

_DROPPED = frozenset({"script", "style", "noscript", "template", "head", "select", "option", "textarea",
                      "iframe", "object", "svg", "canvas", "-comment", "button"})
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
                    "section", "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre",
                    "form", "fieldset", "address", "center", "hr", "figure", "figcaption", "caption",
                    "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html"})
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")
_SPACES = re.compile(" {2,}")
_DIGITS = re.compile(r"\d+")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_TABLE_TAG = re.compile(r"<(/?)table\b", re.I)
_CELL_TAG = re.compile(r"<t[dh]\b", re.I)
_NOT_MARKUP = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)", re.I | re.S)
_GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "gb18030", "x-euc-cn",
              "csgb2312", "chinese", "iso-ir-58", "hz-gb-2312"}


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """The page as text: BOM, then valid UTF-8, then UTF-8 and GBK mixed run by run, then the HTTP
    charset, then `<meta>`, then detection."""
    return strip_marks(_decode_marked(data, content_type))


def _decode_marked(data: bytes, content_type: str | None) -> str:
    """`decode_html`, with MIXED_ENCODING_MARK where a page mixing UTF-8 and GBK switches encoding.

    Bytes that are valid UTF-8 are UTF-8 whatever the page declares (CMSs keep a gb2312
    template header on UTF-8 output; real GBK text is practically never valid UTF-8). A
    declared charset is only trusted when the bytes decode under it; GB2312/GBK are decoded
    as their superset GB18030 so rare characters portals really use survive.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    text = _utf8(data)
    if text is not None:
        return text
    mixed = decode_mixed(data)
    if mixed is not None:
        return mixed.text[:mixed.switch_at] + MIXED_ENCODING_MARK + mixed.text[mixed.switch_at:]
    declared = []
    if content_type and (match := _HEADER_CHARSET.search(content_type)):
        declared.append(match.group(1))
    if match := _META_CHARSET.search(data[:32768]):  # long <head> scripts push it far down
        declared.append(match.group(1).decode("ascii", "ignore"))
    for name in declared:
        codec = _codec(name)
        if codec:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    best = from_bytes(data[:200_000], cp_isolation=["utf_8", "gb18030", "big5", "utf_16"]).best()
    codec = _codec(best.encoding) if best else None
    return data.decode(codec or "gb18030", errors="replace")


def _utf8(data: bytes) -> str | None:
    """The bytes as UTF-8 if they are UTF-8, tolerating a character cut off by truncation."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return data[:exc.start].decode("utf-8", errors="replace")
        return None


def _codec(name: str) -> str | None:
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_blocks(data: bytes, *, filename: str | None = None, content_type: str | None = None) -> list[Block]:
    """Blocks of an HTML page in document order; blocks past a cut (the page ends inside a table,
    or switches encoding) carry it in their `cut`."""
    text = _decode_marked(data, content_type)
    ends_inside_table = _ends_inside_table(text)
    if ends_inside_table:
        text += END_MARK
    tree = LexborHTMLParser(text)
    root = tree.body or tree.root
    if root is None:
        raise UnreadableDocument("the HTML page has no body: the download may be truncated; fetch it again")
    walker = _Walker()
    if tree.head is not None and (title := tree.head.css_first("title")) is not None:
        walker.add_text(title.text(deep=True), "title")
    walker.walk(root)
    walker.flush()
    return _mark_cuts(walker.blocks, ends_inside_table, ends_inside_table and _row_open_at_end(text))


def _ends_inside_table(text: str) -> bool:
    """The page stops with a table still open: a download or stored copy cut off mid-table."""
    depth = 0
    for match in _TABLE_TAG.finditer(_NOT_MARKUP.sub("", text)):
        depth = max(depth - 1, 0) if match.group(1) else depth + 1
    return depth > 0


def _row_open_at_end(text: str) -> bool:
    """The page stops inside a table row that has begun its cells (its last cells are lost)."""
    markup = _NOT_MARKUP.sub("", text)
    opened, closed = markup.lower().rfind("<tr"), markup.lower().rfind("</tr")
    return opened > closed and bool(_CELL_TAG.search(markup, opened))


def _mark_cuts(blocks: list[Block], ends_inside_table: bool, row_open_at_end: bool) -> list[Block]:
    """Move the decoding marks into the blocks' `cut`: every block from the encoding switch on is
    MIXED_ENCODING; the table row holding the end of a page cut off mid-table is TRUNCATED. Then
    drop the marks from the text."""
    mixed = False
    for block in blocks:
        if isinstance(block, TextBlock):
            mixed = mixed or MIXED_ENCODING_MARK in block.text
            if mixed:
                block.cut = MIXED_ENCODING
            block.text = strip_marks(block.text)
            continue
        rows = [r for r, row in enumerate(block.cells) if any(MIXED_ENCODING_MARK in text for text in row)]
        ends = [r for r, row in enumerate(block.cells) if any(END_MARK in text for text in row)]
        if ends:
            block.cut, block.cut_row = TRUNCATED, ends[0]
        if mixed or rows:
            block.cut, block.cut_row = MIXED_ENCODING, (0 if mixed else rows[0])
            mixed = True
        block.cells = [[strip_marks(text) for text in row] for row in block.cells]
    tables = [b for b in blocks if isinstance(b, TableBlock)]
    if ends_inside_table and tables and tables[-1].cut is None:
        # the end fell outside a cell (inside a tag, or between cells, where the parser moves stray
        # text out of the table): the last row is cut when it had begun, else only the note stays
        last = tables[-1]
        last.cut, last.cut_row = TRUNCATED, len(last.cells) - 1 if row_open_at_end else len(last.cells)
    return blocks


class _Walker:
    """Walks the DOM once, flowing inline text into paragraphs and emitting data tables."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pieces: list[str] = []
        self.paragraphs = 0
        self.tables = 0

    def add_text(self, text: str, locator: str) -> None:
        text = _clean(text)
        if text:
            self.blocks.append(TextBlock(text, locator))

    def flush(self) -> None:
        if self.pieces:
            self.paragraphs += 1
            self.add_text("".join(self.pieces), f"paragraph {self.paragraphs}")
            self.pieces.clear()

    def walk(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.pieces.append(_source_text(child.text_content or ""))
            elif tag in _DROPPED or tag is None:
                continue
            elif tag == "br":
                self.pieces.append("\n")
            elif tag == "table":
                self.flush()
                self.table(child)
            elif tag in _BLOCK:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, node: LexborNode) -> None:
        rows = _rows(node)
        if max((len(r) for r in rows), default=0) < 2 or any(
                inner.mem_id != node.mem_id and max((len(r) for r in _rows(inner)), default=0) >= 2
                for inner in node.css("table")):
            # a one-column frame, or a layout table holding data tables: its cells are page flow
            self.walk(node)
            return
        for child in node.iter():
            if child.tag == "caption":
                self.add_text(child.text(deep=True), f"paragraph {self.paragraphs}, caption")
        self.tables += 1
        cells, anchors = _expand(rows)
        if cells:
            self.blocks.append(TableBlock(cells=cells, anchors=anchors, locator=f"table {self.tables}"))


def _rows(table: LexborNode) -> list[list[LexborNode]]:
    """The table's own rows (not those of nested tables), each a list of td/th."""
    rows = []
    for child in table.iter():
        if child.tag in ("thead", "tbody", "tfoot"):
            rows.extend([c for c in tr.iter() if c.tag in ("td", "th")] for tr in child.iter() if tr.tag == "tr")
        elif child.tag == "tr":
            rows.append([c for c in child.iter() if c.tag in ("td", "th")])
    return rows


def _span(attributes: dict, name: str) -> int:
    raw = attributes.get(name)
    if not raw:
        return 1
    digits = _DIGITS.match(raw.strip())
    value = int(digits.group()) if digits else 1
    return min(max(value, 1), MAX_SPAN)


def _expand(rows: list[list[LexborNode]]) -> tuple[list[list[str]], list[list[tuple[int, int]]]]:
    """Place each source cell on the grid the way a browser does and copy it over its span."""
    placed: dict[tuple[int, int], tuple[str, tuple[int, int]]] = {}
    height = len(rows)
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in placed:
                c += 1
            attributes = cell.attributes
            rowspan = min(_span(attributes, "rowspan"), height - r)
            colspan = _span(attributes, "colspan")
            text = _cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed[(r + dr, c + dc)] = (text, (r, c))
            c += colspan
            width = max(width, c)
        if len(placed) > MAX_GRID_CELLS:
            raise UnreadableDocument(f"an HTML table expands to more than {MAX_GRID_CELLS} cells: "
                                     "its rowspan/colspan markup is broken")
    cells = [[placed.get((r, c), ("", (r, c)))[0] for c in range(width)] for r in range(height)]
    anchors = [[placed.get((r, c), ("", (r, c)))[1] for c in range(width)] for r in range(height)]
    return cells, anchors


def _cell_text(cell: LexborNode) -> str:
    """A cell's text: inline runs joined, paragraphs and <br> as line breaks, &nbsp; as blank."""
    lines: list[str] = []
    current: list[str] = []

    def visit(node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                current.append(_source_text(child.text_content or ""))
            elif tag in _DROPPED or tag is None:
                continue
            elif tag == "br" or tag in _BLOCK:
                lines.append("".join(current))
                current.clear()
                if tag != "br":
                    visit(child)
                    lines.append("".join(current))
                    current.clear()
            else:
                visit(child)

    visit(cell)
    lines.append("".join(current))
    return _clean("\n".join(lines)).strip()


def _source_text(text: str) -> str:
    """A text node as rendered: whitespace runs become one space, and a source line break
    between two CJK characters disappears (it is only where the HTML was wrapped)."""
    if "\n" not in text and "\t" not in text and "\r" not in text and "  " not in text and "\f" not in text:
        return text
    return _WHITESPACE.sub(lambda m: _join_run(m, text), text)


def _join_run(match: re.Match[str], text: str) -> str:
    if "\n" not in match.group():
        return " "
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return "" if _WIDE.match(before or " ") and _WIDE.match(after or " ") else " "


def _clean(text: str) -> str:
    """Collapse the spaces left between runs, trim each line, drop empty lines; &nbsp; is a space."""
    text = text.replace("\xa0", " ")
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if "\n" not in text:
        return text.strip(" ")
    return "\n".join(stripped for line in text.split("\n") if (stripped := line.strip(" ")))
