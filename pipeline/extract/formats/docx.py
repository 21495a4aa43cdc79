"""DOCX → blocks: body paragraphs and tables in document order, merged cells expanded.

The WordprocessingML is read directly (zip + lxml, as python-docx does underneath) so the
zip can be vetted before anything is inflated and merged cells are expanded exactly:
`w:gridSpan` spreads a cell over grid columns, `w:vMerge` continues the cell above, and
`w:gridBefore` shifts a row right. Nothing is resolved from external entities.
"""
from __future__ import annotations

import io
import zipfile

from lxml import etree

from pipeline.extract.blocks import Block, TableBlock, TextBlock
from pipeline.extract.formats import UnreadableDocument

MAX_MEMBERS = 5_000
MAX_TOTAL_BYTES = 300 * 1024 * 1024      # inflated size of every member together
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024   # inflated word/document.xml
MAX_RATIO = 200                          # inflated / compressed for any member over 1 MB
MAX_GRID_CELLS = 200_000

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def read_blocks(data: bytes, *, filename: str | None = None, content_type: str | None = None) -> list[Block]:
    """Blocks of a .docx body in document order."""
    xml = _document_xml(data)
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument(f"the DOCX body is not valid XML ({exc}); the file is damaged: fetch it again "
                                 "or open and re-save it in Word/WPS") from exc
    for fallback in list(root.iter(f"{MC}Fallback")):
        fallback.getparent().remove(fallback)  # the VML copy of a text box Word also writes as DrawingML
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableDocument("the DOCX has no document body: it is damaged or not a Word document")
    blocks: list[Block] = []
    counters = {"paragraph": 0, "table": 0}
    _walk(body, blocks, counters)
    return blocks


def _document_xml(data: bytes) -> bytes:
    """word/document.xml, after checking the zip cannot inflate into something huge."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument(f"the DOCX is not a readable zip ({exc}); the download may be truncated: "
                                 "fetch it again") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnreadableDocument(f"the DOCX holds {len(members)} files (limit {MAX_MEMBERS}): refusing a likely zip bomb")
        total = sum(m.file_size for m in members)
        if total > MAX_TOTAL_BYTES:
            raise UnreadableDocument(f"the DOCX would inflate to {total // 2**20} MB (limit {MAX_TOTAL_BYTES // 2**20} MB): "
                                     "refusing a likely zip bomb")
        for member in members:
            if member.file_size > 2**20 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
                raise UnreadableDocument(f"the DOCX member {member.filename} compresses {member.file_size // max(member.compress_size, 1)}:1 "
                                         f"(limit {MAX_RATIO}:1): refusing a likely zip bomb")
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise UnreadableDocument("the file is a zip without word/document.xml: not a Word document") from None
        if info.file_size > MAX_DOCUMENT_BYTES:
            raise UnreadableDocument(f"the DOCX body is {info.file_size // 2**20} MB (limit {MAX_DOCUMENT_BYTES // 2**20} MB)")
        try:
            with archive.open(info) as member:
                xml = member.read(MAX_DOCUMENT_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise UnreadableDocument(f"the DOCX body cannot be inflated ({exc}); the file is damaged: fetch it again") from exc
        if len(xml) > MAX_DOCUMENT_BYTES:
            raise UnreadableDocument("the DOCX body inflates beyond its declared size: refusing a likely zip bomb")
        return xml


def _walk(container: etree._Element, blocks: list[Block], counters: dict[str, int]) -> None:
    for child in container:
        tag = child.tag
        if tag == f"{W}p":
            counters["paragraph"] += 1
            text = _paragraph_text(child).strip("\n")
            if text.strip():
                blocks.append(TextBlock(text, f"paragraph {counters['paragraph']}"))
        elif tag == f"{W}tbl":
            counters["table"] += 1
            table = _table(child, f"table {counters['table']}")
            if table is not None:
                blocks.append(table)
        elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}smartTag"):
            _walk(child, blocks, counters)


def _paragraph_text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _cell_text(cell: etree._Element) -> str:
    lines = [_paragraph_text(p) for p in cell.iter(f"{W}p")]
    return "\n".join(line.strip() for line in lines if line.strip())


def _int_attr(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return max(1, min(int(element.get(f"{W}val", default)), 64))
    except ValueError:
        return default


def _table(table: etree._Element, locator: str) -> TableBlock | None:
    """The table's grid: gridSpan copies to the right, vMerge continues the cell above."""
    rows: list[list[tuple[str, tuple[int, int]] | None]] = []
    for r, tr in enumerate(table.findall(f"{W}tr")):
        row: list[tuple[str, tuple[int, int]] | None] = [None] * _int_attr(tr.find(f"{W}trPr/{W}gridBefore"), 0)
        for tc in tr.findall(f"{W}tc") + tr.findall(f"{W}sdt/{W}sdtContent/{W}tc"):
            properties = tc.find(f"{W}tcPr")
            span = _int_attr(properties.find(f"{W}gridSpan") if properties is not None else None, 1)
            merge = properties.find(f"{W}vMerge") if properties is not None else None
            c = len(row)
            above = rows[r - 1][c] if r and c < len(rows[r - 1]) else None
            if merge is not None and merge.get(f"{W}val", "continue") == "continue" and above is not None:
                entry = above
            else:
                entry = (_cell_text(tc), (r, c))
            row.extend([entry] * span)
        rows.append(row)
        if sum(len(x) for x in rows) > MAX_GRID_CELLS:
            raise UnreadableDocument(f"a DOCX table expands to more than {MAX_GRID_CELLS} cells: its merge markup is broken")
    width = max((len(row) for row in rows), default=0)
    if not width:
        return None
    cells = [[(row[c][0] if c < len(row) and row[c] else "") for c in range(width)] for row in rows]
    anchors = [[(row[c][1] if c < len(row) and row[c] else (r, c)) for c in range(width)] for r, row in enumerate(rows)]
    return TableBlock(cells=cells, anchors=anchors, locator=locator)
