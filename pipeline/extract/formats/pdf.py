"""PDF → blocks: ruled and unruled tables, tables broken across pages, text in reading order.

Characters and ruling lines are read with PDFium (pypdfium2, the renderer pdfplumber ships
with): pdfminer's content-stream interpreter costs ~25 ms a page, PDFium under 2 ms, which
is what makes 5-page reports fast enough to parse by the tens of thousands. Character boxes
are computed from the PDF's own font metrics, never from the glyphs of a system font PDFium
substitutes for a non-embedded one, so a document reads the same on every host. The grid is
then found by pdfplumber's own table algorithm (merge edges → intersections → cells → tables).

Quirks handled, all seen on real portals:
- Word PDFs paint every paragraph on a white filled rectangle: only stroked paths and thin
  filled bars count as ruling lines, so text frames never become tables.
- A table whose top border is partly missing loses its corner cells: each table's frame is
  closed and the grid found again.
- A table continued on the next page is merged into one TableBlock; header rows repeated at
  the top of the continuation are dropped; a label cell cut by the page break is joined.
- Tables without ruling lines are recovered from word positions (runs of lines with several
  widely separated chunks; column boundaries from the gaps shared by those lines).
- A ruled table running off the right edge of the page (rules drawn to the edge, text past
  it still in the content stream) gets its last columns from the text beyond the rules.
- Pages with no text layer but large images are read by OCR (pipeline.extract.ocr); the other
  pages keep their text layer. NeedsOCR when OCR finds no table, never an empty report.
- A page whose characters overlap (font metrics that do not match the text's placement) has
  its blocks marked doubtful: every cell read from it is flagged uncertain.
"""
from __future__ import annotations

import bisect
import ctypes
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from pipeline.extract.blocks import Block, TableBlock, TextBlock
from pipeline.extract.formats import NeedsOCR, UnreadableDocument

MAX_PAGES = 300          # a disclosure report is 3–30 pages; more is a bundle or a trap
SNAP = 3.0               # pdfplumber's default snap/join/intersection tolerance (points)
MIN_TEXT_CHARS = 20      # below this a document has no usable text layer
CHUNK_GAP = 0.4          # a gap wider than this many character heights separates table cells
_NUMERIC = re.compile(r"^[\s+\-－—–/.,，０-９0-9%％万元件个项（）()]*$")
_ENUMERATOR = re.compile(r"^\s*([（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、．])")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_PAGE_NUMBER = re.compile(r"^\s*([-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3})\s*$")


@dataclass
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class _Line:
    """Characters sharing a baseline, split into chunks wherever the gap is wide."""
    chars: list[_Char]
    chunks: list[list[_Char]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    def text(self) -> str:
        """Chunks joined by a space, except between CJK characters (spread out, not separate words)."""
        parts = [_join_chars(self.chunks[0])]
        for previous, chunk in zip(self.chunks, self.chunks[1:]):
            wide = _WIDE.match(previous[-1].text) and _WIDE.match(chunk[0].text)
            parts.append(("" if wide else " ") + _join_chars(chunk))
        return "".join(parts)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    chars: list[_Char]
    edges: list[dict]
    image_cover: float  # fraction of the page covered by images
    doubt: str = ""     # why the character positions cannot be trusted (see _implausible_positions)


@dataclass
class _PlacedTable:
    top: float
    bottom: float
    cells: list[list[str]]
    anchors: list[list[tuple[int, int]]]
    columns: list[float]
    doubt: str = ""
    rows: list[float] = field(default_factory=list)  # row boundaries of a ruled grid


def read_blocks(data: bytes, *, filename: str | None = None, content_type: str | None = None) -> list[Block]:
    """Blocks of a PDF in reading order, tables broken across pages merged."""
    pages = _load(data)
    text_chars = sum(1 for page in pages for c in page.chars if not c.text.isspace())
    scanned = [page.number for page in pages if len(page.chars) < 5 and page.image_cover > 0.3]
    if text_chars < MIN_TEXT_CHARS and not scanned:
        raise UnreadableDocument("the PDF has no text layer and no images: it is blank or its text is drawn as "
                                 "vector outlines; it needs OCR on a rendering of its pages")
    readable = sum(1 for page in pages for c in page.chars if _decodable(c.text))
    if text_chars >= MIN_TEXT_CHARS and readable < text_chars / 2:
        raise NeedsOCR("the PDF's text layer cannot be decoded (fonts without a Unicode map): it needs OCR")
    scanned_tables = _scanned_tables(data, scanned, len(pages)) if scanned else {}
    blocks = _merge_pages([scanned_tables[page.number] if page.number in scanned_tables else _read_page(page)
                           for page in pages])
    if scanned and not any(isinstance(block, TableBlock) for block in blocks):
        raise NeedsOCR(f"{len(scanned)} of the PDF's {len(pages)} pages are scanned images and no table was found in "
                       "its text layer or by OCR: the tables are in the images and need OCR by hand")
    return blocks


def _scanned_tables(data: bytes, numbers: list[int], count: int) -> dict[int, list[TableBlock]]:
    """Page number → the tables OCR reads on that scanned page (the other pages keep their text layer)."""
    from pipeline.extract.ocr import ocr_tables, pdf_pages

    try:
        return ocr_tables(pdf_pages(data, [n - 1 for n in numbers]), numbers,
                          what=f"PDF ({len(numbers)} of {count} pages scanned)", heading=numbers[0] == 1)
    except NeedsOCR:
        return {}


def _decodable(text: str) -> bool:
    return not ("\ue000" <= text <= "\uf8ff" or text == "\ufffd" or text < " ")


# --- loading with PDFium ---------------------------------------------------------------------------

def _load(data: bytes) -> list[_Page]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = "it is password-protected" if "password" in str(exc).lower() else f"PDFium says: {exc}"
        raise UnreadableDocument(f"the PDF cannot be opened ({reason}); the download may be truncated or "
                                 "corrupt: fetch it again") from exc
    fallback = _PdfminerFallback(data)
    try:
        count = len(document)
        if count == 0:
            raise UnreadableDocument("the PDF has no pages")
        if count > MAX_PAGES:
            raise UnreadableDocument(f"the PDF has {count} pages (limit {MAX_PAGES}): it is not a single annual report")
        return [_load_page(document, index, fallback) for index in range(count)]
    finally:
        fallback.close()
        document.close()


class _PdfminerFallback:
    """pdfplumber's characters for a page PDFium cannot decode.

    PDFium drops text objects of a single character in a non-embedded CID font (STSong-Light
    with the UniGB-UCS2-H CMap, common in Chinese office PDFs): an orphaned last character of
    a wrapped cell label simply vanishes. Such pages are read with pdfminer instead.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf = None

    def chars(self, index: int) -> list[_Char]:
        import io

        import pdfplumber

        if self.pdf is None:
            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        page = self.pdf.pages[index]
        try:
            return [_Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"])
                    for c in page.chars if c["text"] >= " "]
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _load_page(document: pdfium.PdfDocument, index: int, fallback: _PdfminerFallback) -> _Page:
    page = document[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        edges: list[dict] = []
        image_area = 0.0
        undecoded = False
        try:
            chars = _page_chars(textpage, height)
            kinds = [pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_TEXT]
            for obj in page.get_objects(filter=kinds):
                if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
                    # the length in bytes of the object's text including the terminator: 2 = nothing decoded
                    undecoded = undecoded or pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0) <= 2
                elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                    left, bottom, right, top = obj.get_bounds()
                    image_area += (max(0.0, min(right, width) - max(left, 0))
                                   * max(0.0, min(top, height) - max(bottom, 0)))
                else:
                    edges.extend(_path_edges(obj, height))
        finally:
            textpage.close()
        if undecoded:
            chars = fallback.chars(index)
        doubt = _implausible_positions(chars, index + 1)
        chars = [c for c in chars if c.x1 > c.x0 or c.text.isspace()]
        return _Page(index + 1, width, height, chars, edges, min(1.0, image_area / (width * height or 1)), doubt)
    finally:
        page.close()


EM_ABOVE_BASELINE = 0.88   # the ideographic em box (Adobe's CJK fonts: -120 to 880 per 1000),
EM_BELOW_BASELINE = 0.12   # used for every character so that a line's boxes line up whatever the font


def _page_chars(textpage: pdfium.PdfTextPage, height: float) -> list[_Char]:
    """Real (not generated) characters with boxes from the PDF's own font metrics.

    A box is the character's origin plus its advance width from the font's dictionaries
    (/Widths, or /W and /DW of a CID font, /W2 when written vertically), one em high. PDFium
    places glyphs by those metrics, but its character boxes are the outlines of whatever
    font it loads, which for a non-embedded font (STSong-Light, SimSun) is a system font the
    host happens to have: boxes, and the tables found from them, would differ from machine
    to machine. A vertically written character (negative advance) is one em wide with its
    origin at the lower left, as PDFium reports it.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    aligned = len(text) == count
    raw = textpage.raw
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    width = ctypes.c_float()
    chars = []
    for i in range(count):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        ch = text[i] if aligned else chr(pdfium_c.FPDFText_GetUnicode(raw, i) or 0xFFFD)
        if ch < " " or not (pdfium_c.FPDFText_GetCharOrigin(raw, i, origin_x, origin_y)
                            and pdfium_c.FPDFText_GetMatrix(raw, i, matrix)):
            continue
        font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(raw, i))
        advance = width.value if font and pdfium_c.FPDFFont_GetGlyphWidth(font, ord(ch), 1.0, width) else 0.0
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        if advance < 0:
            right, below, above = size, 0.0, -advance * size
        else:
            right, below, above = advance * size, -EM_BELOW_BASELINE * size, EM_ABOVE_BASELINE * size
        # the box [0, right] × [below, above] through the character's matrix, as page extents
        # (each axis is a sum of two independent terms, so its extremes are sums of extremes)
        xa, xc_low, xc_high = right * matrix.a, below * matrix.c, above * matrix.c
        yb, yd_low, yd_high = right * matrix.b, below * matrix.d, above * matrix.d
        x0 = origin_x.value + min(xa, 0.0) + min(xc_low, xc_high)
        x1 = origin_x.value + max(xa, 0.0) + max(xc_low, xc_high)
        y0 = origin_y.value + min(yb, 0.0) + min(yd_low, yd_high)
        y1 = origin_y.value + max(yb, 0.0) + max(yd_low, yd_high)
        if advance == 0 and not ch.isspace():
            x1 = x0  # no width in the font: kept to be counted by _implausible_positions, then dropped
        chars.append(_Char(ch, x0, x1, height - y1, height - y0))
    return chars


OVERLAP_SHARE = 0.02   # more neighbouring characters than this overlapping: positions not trusted
OVERLAP_MIN = 3


def _implausible_positions(chars: list[_Char], number: int) -> str:
    """Why the page's character positions cannot be trusted, or "".

    Printed text does not overlap itself: neighbours on a line that overlap by more than half
    a glyph, or characters the font gives no width, mean the font's metrics do not match where
    the text was placed (a /W array that lies, widths missing from a non-embedded font), and
    then chunks merge and columns collapse. Characters drawn twice at one spot (a bold
    imitated by overprinting) are not counted.
    """
    printed = [c for c in chars if not c.text.isspace()]
    bad = sum(1 for c in printed if c.x1 <= c.x0)
    pairs = 0
    # characters of one size on one baseline share their box's bottom
    ordered = sorted((c for c in printed if c.x1 > c.x0), key=lambda c: (round(c.bottom * 2), c.x0))
    for previous, ch in zip(ordered, ordered[1:]):
        if round(previous.bottom * 2) == round(ch.bottom * 2):
            pairs += 1
            narrower = min(previous.x1 - previous.x0, ch.x1 - ch.x0)
            overprinted = previous.text == ch.text and abs(ch.x0 - previous.x0) < 0.2 * narrower
            if previous.x1 - ch.x0 > 0.5 * narrower and not overprinted:
                bad += 1
    if bad < OVERLAP_MIN or bad < OVERLAP_SHARE * pairs:
        return ""
    return (f"page {number}: {bad} of {pairs} neighbouring characters overlap or have no width, so the "
            "PDF's font metrics do not match where its text is placed")


def _path_edges(obj: pdfium.PdfObject, page_height: float) -> list[dict]:
    """Axis-aligned ruling lines of one path: stroked segments, or a thin filled bar."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill_mode, stroke)
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    points = _path_points(obj)
    if not points:
        return []
    if stroke.value:
        if pdfium_c.FPDFPageObj_GetStrokeColor(obj.raw, r, g, b, a) and min(r.value, g.value, b.value) > 240:
            return []  # white rules are invisible
        return [edge for (x0, y0), (x1, y1) in _segments(points) if (edge := _edge(x0, y0, x1, y1, page_height))]
    if not fill_mode.value:
        return []
    xs = [x for subpath in points for x, _ in subpath]
    ys = [y for subpath in points for _, y in subpath]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if min(w, h) > 2.5 or max(w, h) < 2:
        return []  # a filled area (paragraph background, shading), not a line
    if pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a) and min(r.value, g.value, b.value) > 240:
        return []
    if w >= h:
        mid = (min(ys) + max(ys)) / 2
        return [_edge(min(xs), mid, max(xs), mid, page_height)]
    mid = (min(xs) + max(xs)) / 2
    return [_edge(mid, min(ys), mid, max(ys), page_height)]


def _path_points(obj: pdfium.PdfObject) -> list[list[tuple[float, float]]]:
    """Subpaths as point lists in page space (straight segments only; closed paths closed)."""
    matrices = []
    holder: pdfium.PdfObject | None = obj
    while holder is not None:
        matrices.append(holder.get_matrix())
        holder = holder.container
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for index in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        point = (x.value, y.value)
        for matrix in matrices:
            point = matrix.on_point(*point)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not current:
            if len(current) > 1:
                subpaths.append(current)
            current = [point]
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            current.append(point)
        else:  # a curve: keep its end point so the next straight segment starts right
            if len(current) > 1:
                subpaths.append(current)
            current = [point]
        if pdfium_c.FPDFPathSegment_GetClose(segment) and current:
            current.append(current[0])
    if len(current) > 1:
        subpaths.append(current)
    return subpaths


def _segments(subpaths: list[list[tuple[float, float]]]):
    for points in subpaths:
        yield from zip(points, points[1:])


def _edge(x0: float, y0: float, x1: float, y1: float, page_height: float) -> dict | None:
    if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= 1:
        left, right = sorted((x0, x1))
        return _h_edge(left, right, page_height - (y0 + y1) / 2)
    if abs(x1 - x0) < 0.5 and abs(y1 - y0) >= 1:
        top, bottom = sorted((page_height - y0, page_height - y1))
        return _v_edge((x0 + x1) / 2, top, bottom)
    return None


# --- one page --------------------------------------------------------------------------------------

def _read_page(page: _Page) -> list[TextBlock | _PlacedTable]:
    """The page's tables and text lines, top to bottom; page numbers dropped."""
    tables = _ruled_tables(page)
    for table in tables:
        _extend_past_the_page_edge(table, page)
    free = [c for c in page.chars if not any(_inside(c, t) for t in tables)]
    placed: list[tuple[float, TextBlock | _PlacedTable]] = [(t.top, t) for t in tables]
    for group in _split_unruled(_lines(free)):
        if isinstance(group, _PlacedTable):
            placed.append((group.top, group))
        elif not _PAGE_NUMBER.match(text := group.text()):
            placed.append((group.top, TextBlock(text, f"page {page.number}", doubt=page.doubt)))
    for _, item in placed:
        if isinstance(item, _PlacedTable):
            item.doubt = page.doubt
    placed.sort(key=lambda pair: pair[0])
    return [item for _, item in placed]


def _extend_past_the_page_edge(table: _PlacedTable, page: _Page) -> None:
    """Add the columns of a ruled table that runs off the right edge of the page.

    Word and LibreOffice exports of wide tables draw the rules only to the page edge, but the
    text of the last columns is still in the content stream past it. Characters right of the
    grid on its rows, some of them past the edge, are read as further columns (boundaries from
    the gaps between their chunks, as in a table without rules) instead of a stray table.
    """
    right = table.columns[-1]
    beyond = [c for c in page.chars if not c.text.isspace() and (c.x0 + c.x1) / 2 > right
              and table.rows[0] <= (c.top + c.bottom) / 2 <= table.rows[-1]]
    if not any(c.x1 > page.width for c in beyond):
        return
    chunks = [chunk for line in _lines(beyond) for chunk in line.chunks]
    bounds = [right, *_column_bounds(chunks)[1:]]
    rows = len(table.rows) - 1
    for c in range(len(bounds) - 1):
        column = len(table.columns) - 1
        for r in range(rows):
            inside = [ch for ch in beyond if bounds[c] < (ch.x0 + ch.x1) / 2 <= bounds[c + 1]
                      and table.rows[r] <= (ch.top + ch.bottom) / 2 <= table.rows[r + 1]]
            table.cells[r].append(_text_of(inside))
            table.anchors[r].append((r, column))
        table.columns.append(bounds[c + 1])


def _inside(char: _Char, table: _PlacedTable) -> bool:
    cx, cy = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return table.top - 1 <= cy <= table.bottom + 1 and table.columns[0] - 1 <= cx <= table.columns[-1] + 1


def _ruled_tables(page: _Page) -> list[_PlacedTable]:
    if len(page.edges) < 4:
        return []
    edges = [e for e in merge_edges(page.edges, SNAP, SNAP, SNAP, SNAP) if max(e["width"], e["height"]) >= SNAP]
    tables = _find_grids(edges)
    if tables:
        # Close each table's frame where its vertical rules reach: a border drawn only partly
        # (or not at all at a page break) must not drop the first or last row.
        verticals = [e for e in edges if e["orientation"] == "v"]
        frames = []
        for cells in tables:
            x0, top = min(c[0] for c in cells), min(c[1] for c in cells)
            x1, bottom = max(c[2] for c in cells), max(c[3] for c in cells)
            touching = [v for v in verticals if x0 - SNAP <= v["x0"] <= x1 + SNAP
                        and v["top"] <= bottom + SNAP and v["bottom"] >= top - SNAP]
            top = min([top, *(v["top"] for v in touching)])
            bottom = max([bottom, *(v["bottom"] for v in touching)])
            frames += [_h_edge(x0, x1, top), _h_edge(x0, x1, bottom), _v_edge(x0, top, bottom), _v_edge(x1, top, bottom)]
        edges = merge_edges(edges + frames, SNAP, SNAP, SNAP, SNAP)
        tables = _find_grids(edges)
    return [placed for cells in tables if (placed := _grid(cells, page.chars))]


def _h_edge(x0: float, x1: float, top: float) -> dict:
    return {"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": top, "bottom": top,
            "width": x1 - x0, "height": 0.0}


def _v_edge(x: float, top: float, bottom: float) -> dict:
    return {"object_type": "line", "orientation": "v", "x0": x, "x1": x, "top": top, "bottom": bottom,
            "width": 0.0, "height": bottom - top}


def _find_grids(edges: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    intersections = edges_to_intersections(edges, SNAP, SNAP)
    return [t for t in cells_to_tables(intersections_to_cells(intersections)) if len(t) >= 2]


def _cluster(values: list[float], tolerance: float = 2.0) -> list[float]:
    result: list[float] = []
    for value in sorted(values):
        if not result or value - result[-1] > tolerance:
            result.append(value)
    return result


def _grid(cells: list[tuple[float, float, float, float]], chars: list[_Char]) -> _PlacedTable | None:
    """Expand pdfplumber's cell boxes into a row × column grid with span anchors and text."""
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3 or len(ys) < 2:
        return None  # one column: a text frame, not a table
    rows, cols = len(ys) - 1, len(xs) - 1
    owner: list[list[tuple[int, int] | None]] = [[None] * cols for _ in range(rows)]
    boxes = {}
    for x0, top, x1, bottom in sorted(cells, key=lambda c: (c[1], c[0])):
        r0, r1 = _index(ys, top), _index(ys, bottom)
        c0, c1 = _index(xs, x0), _index(xs, x1)
        if r1 <= r0 or c1 <= c0:
            continue
        boxes[(r0, c0)] = []
        for r in range(r0, r1):
            for c in range(c0, c1):
                if owner[r][c] is None:
                    owner[r][c] = (r0, c0)
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        r = min(bisect.bisect_right(ys, cy) - 1, rows - 1)
        c = min(bisect.bisect_right(xs, cx) - 1, cols - 1)
        anchor = owner[r][c]
        if anchor is not None:
            boxes[anchor].append(ch)
    texts = {anchor: _text_of(chars_in) for anchor, chars_in in boxes.items()}
    grid = [[texts[owner[r][c]] if owner[r][c] else "" for c in range(cols)] for r in range(rows)]
    anchors = [[owner[r][c] or (r, c) for c in range(cols)] for r in range(rows)]
    return _PlacedTable(ys[0], ys[-1], grid, anchors, xs, rows=ys)


def _index(bounds: list[float], value: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - value))


def _text_of(chars: list[_Char]) -> str:
    """A cell's characters as lines top to bottom, characters left to right; a label written
    vertically (one character per line) is read as one word."""
    lines = [line.text() for line in _lines(chars)]
    separator = "" if len(lines) > 2 and all(len(line) <= 2 for line in lines) else "\n"
    return separator.join(lines).strip()


def _lines(chars: list[_Char]) -> list[_Line]:
    """Group characters into lines by vertical overlap, each line split into chunks at wide gaps."""
    lines: list[_Line] = []
    for ch in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (ch.top + ch.bottom) / 2
        if lines:
            last = lines[-1]
            top, bottom = last.chars[0].top, last.chars[0].bottom
            if top <= middle <= bottom and abs(middle - (top + bottom) / 2) < max(ch.height, bottom - top, 1) * 0.4:
                last.chars.append(ch)
                continue
        lines.append(_Line([ch]))
    for line in lines:
        line.chars.sort(key=lambda c: c.x0)
        line.chars = [c for c in line.chars if not c.text.isspace()] or line.chars[:1]
        chunk: list[_Char] = []
        for ch in line.chars:
            if chunk and ch.x0 - chunk[-1].x1 > CHUNK_GAP * max(ch.height, chunk[-1].height, 1):
                line.chunks.append(chunk)
                chunk = []
            chunk.append(ch)
        line.chunks.append(chunk)
    return [line for line in lines if line.text().strip()]


def _join_chars(chars: list[_Char]) -> str:
    """Characters of one chunk; a gap wider than a third of the height between two non-CJK
    characters is a space (CJK text spread out by justification has no spaces)."""
    out: list[str] = []
    for previous, ch in zip([None, *chars], chars):
        if (previous is not None and ch.x0 - previous.x1 > 0.3 * max(ch.height, 1)
                and not (_WIDE.match(previous.text) or _WIDE.match(ch.text))):
            out.append(" ")
        out.append(ch.text)
    return "".join(out)


# --- tables without ruling lines -------------------------------------------------------------------

def _split_unruled(lines: list[_Line]) -> list[_Line | _PlacedTable]:
    """Runs of lines with several separated chunks become tables; other lines stay text.

    A run needs two such lines and a number somewhere; it ends at a gap of a few lines, at a
    section heading (一、… 二、…), or at a line of prose.
    """
    out: list[_Line | _PlacedTable] = []
    i = 0
    while i < len(lines):
        if len(lines[i].chunks) < 2:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and _continues_table(lines, j):
            j += 1
        run = lines[i:j]
        rows = sum(1 for line in run if len(line.chunks) >= 2)
        has_number = any(_NUMERIC.match(_join_chars(chunk)) and any(c.text.isdigit() for c in chunk)
                         for line in run for chunk in line.chunks)
        if rows >= 2 and has_number:
            out.append(_unruled_table(run))
        else:
            out.extend(run)
        i = j
    return out


_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、.{6,}")


def _continues_table(lines: list[_Line], j: int) -> bool:
    """Whether line j still belongs to the table run that line j-1 is in."""
    line = lines[j]
    height = max(c.height for c in line.chars)
    if line.top - lines[j - 1].bottom > height * 2.5:
        return False
    if len(line.chunks) >= 2:
        return True
    # a one-chunk line inside a table (a wrapped label, a spanning header), not prose or a
    # heading: a line with several chunks follows within a few line heights
    following = next((other for other in lines[j + 1:] if len(other.chunks) >= 2), None)
    return (len(line.chars) <= 20 and not _SECTION_HEADING.match(line.text())
            and following is not None and following.top - line.bottom < height * 4)


@dataclass
class _Piece:
    """Text of one cell (or part of one) in a table without rules, placed on the column grid."""
    text: str
    top: float
    bottom: float
    c0: int
    c1: int
    numeric: bool

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _unruled_table(run: list[_Line]) -> _PlacedTable:
    """A table without ruling lines, rebuilt from where its words sit.

    Columns: the finest set of x-intervals the chunks support, narrowest chunks first, so a
    chunk bridging two intervals (a spanning header, a merged label) becomes a span instead
    of fusing columns. Rows: every line holding a number is a row; a label wrapped over
    several lines is joined first, then attached to the numbered row nearest its middle; a
    label line with no numbered row close by (a section heading, a header line) is a row of
    its own.
    """
    chunks = [chunk for line in run for chunk in line.chunks]
    height = sorted(ch.height for chunk in chunks for ch in chunk)[len(chunks) // 2 if chunks else 0] or 10.0
    bounds = _column_bounds(chunks)
    pieces = []
    for chunk in chunks:
        text = _join_chars(chunk)
        pieces.append(_Piece(text, min(c.top for c in chunk), max(c.bottom for c in chunk),
                             _column_of(bounds, chunk[0].x0 + 0.5), _column_of(bounds, chunk[-1].x1 - 0.5),
                             bool(_NUMERIC.match(text)) and any(ch.isdigit() for ch in text)))
    labels = _join_wrapped([p for p in pieces if not p.numeric], height)
    row_middles = _cluster([p.middle for p in pieces if p.numeric], height * 0.6)
    unattached = [p for p in labels if not row_middles or min(abs(p.middle - m) for m in row_middles) > height * 1.5]
    row_middles = sorted(row_middles + _cluster([p.middle for p in unattached], height * 0.6))
    rows: list[list[str]] = [[""] * (len(bounds) - 1) for _ in row_middles]
    anchors = [[(r, c) for c in range(len(bounds) - 1)] for r in range(len(row_middles))]
    for piece in sorted([p for p in pieces if p.numeric] + labels, key=lambda p: p.top):
        r = min(range(len(row_middles)), key=lambda i: abs(row_middles[i] - piece.middle))
        text = f"{rows[r][piece.c0]}\n{piece.text}" if rows[r][piece.c0] and anchors[r][piece.c0] == (r, piece.c0) else piece.text
        for c in range(piece.c0, piece.c1 + 1):
            rows[r][c] = text
            anchors[r][c] = (r, piece.c0)
    return _PlacedTable(run[0].top, run[-1].bottom, rows, anchors, bounds)


def _join_wrapped(labels: list[_Piece], height: float) -> list[_Piece]:
    """Lines of one wrapped label (same columns, line-spacing apart) as one piece."""
    joined: list[_Piece] = []
    for piece in sorted(labels, key=lambda p: (p.c0, p.c1, p.top)):
        last = joined[-1] if joined else None
        if last and (last.c0, last.c1) == (piece.c0, piece.c1) and piece.top - last.bottom < height * 0.8:
            joined[-1] = _Piece(f"{last.text}\n{piece.text}", last.top, piece.bottom, last.c0, last.c1, False)
        else:
            joined.append(piece)
    return joined


def _column_bounds(chunks: list[list[_Char]]) -> list[float]:
    """Column boundaries in the middle of the gaps between x-intervals, built narrowest first."""
    intervals: list[list[float]] = []
    for x0, x1 in sorted(((c[0].x0, c[-1].x1) for c in chunks), key=lambda span: span[1] - span[0]):
        touching = [iv for iv in intervals if iv[0] - 1 <= x1 and x0 <= iv[1] + 1]
        if len(touching) > 1:
            continue  # bridges two columns: a spanning cell
        if touching:
            merged = [min(touching[0][0], x0), max(touching[0][1], x1)]
            if any(iv is not touching[0] and iv[0] - 1 <= merged[1] and merged[0] <= iv[1] + 1 for iv in intervals):
                continue
            touching[0][:] = merged
        else:
            intervals.append([x0, x1])
    intervals.sort()
    left = min(c[0].x0 for c in chunks)
    right = max(c[-1].x1 for c in chunks)
    inner = [(a[1] + b[0]) / 2 for a, b in zip(intervals, intervals[1:])]
    return [left - 1, *inner, right + 1]


def _column_of(bounds: list[float], x: float) -> int:
    return max(0, min(bisect.bisect_right(bounds, x) - 1, len(bounds) - 2))


# --- across pages ----------------------------------------------------------------------------------

def _merge_pages(pages: list[list[TextBlock | TableBlock | _PlacedTable]]) -> list[Block]:
    blocks: list[Block] = []
    open_table: _PlacedTable | None = None
    open_locator = ""
    table_count = 0

    def close() -> None:
        nonlocal open_table
        if open_table is not None:
            blocks.append(TableBlock(open_table.cells, open_table.anchors, open_locator, open_table.doubt))
            open_table = None

    for number, items in enumerate(pages, start=1):
        for position, item in enumerate(items):
            if isinstance(item, (TextBlock, TableBlock)):   # a table read by OCR is placed as it is
                close()
                blocks.append(item)
                continue
            if open_table is not None and position == 0 and _continues(open_table, item):
                _append(open_table, item)
                open_locator = f"{open_locator.split(', ')[0]}-{number}, table {table_count}"
                continue
            close()
            table_count += 1
            open_table, open_locator = item, f"page {number}, table {table_count}"
        if items and not isinstance(items[-1], _PlacedTable):
            close()
    close()
    return blocks


def _continues(previous: _PlacedTable, following: _PlacedTable) -> bool:
    """Same outer frame, and one part's column boundaries are a subset of the other's (a page
    showing only the 2-column sections of a 4-column table, or only its merged label column,
    still continues it)."""
    def subset(inner: list[float], outer: list[float]) -> bool:
        return all(any(abs(x - b) <= SNAP * 2 for b in outer) for x in inner)

    return (abs(previous.columns[0] - following.columns[0]) <= SNAP * 2
            and abs(previous.columns[-1] - following.columns[-1]) <= SNAP * 2
            and (subset(following.columns, previous.columns) or subset(previous.columns, following.columns)))


def _regrid(table: _PlacedTable, columns: list[float]) -> tuple[list[list[str]], list[list[tuple[int, int]]]]:
    """The table's grid on a finer set of column boundaries, wider cells becoming spans."""
    starts = [min(range(len(columns)), key=lambda i: abs(columns[i] - x)) for x in table.columns]
    cells, anchors = [], []
    for r, row in enumerate(table.cells):
        new_row, new_anchors = [], []
        for c, text in enumerate(row):
            anchor = table.anchors[r][c]
            for _ in range(starts[c], starts[c + 1]):
                new_row.append(text)
                new_anchors.append((anchor[0], starts[anchor[1]]))
        cells.append(new_row)
        anchors.append(new_anchors)
    return cells, anchors


def _append(table: _PlacedTable, continuation: _PlacedTable) -> None:
    """Add a continuation's rows: drop a repeated header, join cells cut by the page break."""
    if len(continuation.columns) > len(table.columns):
        table.cells, table.anchors = _regrid(table, continuation.columns)
        table.columns = continuation.columns
    cells, anchors = _regrid(continuation, table.columns)
    repeated = 0
    while (repeated < len(cells) - 1 and repeated < len(table.cells)
           and cells[repeated] == table.cells[repeated] and any(cells[repeated])):
        repeated += 1
    cells, anchors = cells[repeated:], [[(r - repeated, c) for r, c in row] for row in anchors[repeated:]]
    offset = len(table.cells)
    last = offset - 1
    remap: dict[tuple[int, int], tuple[int, int]] = {}
    for c, text in enumerate(cells[0] if cells else []):
        anchor = anchors[0][c]
        if anchor != (0, c) or anchor in remap:
            continue
        above = table.anchors[last][c]
        above_text = table.cells[last][c]
        same_columns = ([i for i, a in enumerate(table.anchors[last]) if a == above]
                        == [i for i, a in enumerate(anchors[0]) if a == anchor])
        if not same_columns or not above_text or _NUMERIC.match(above_text):
            continue
        if not text:
            remap[anchor] = above  # a spanned label carried on: its cell is empty on this page
        elif text and not _NUMERIC.match(text) and not _ENUMERATOR.match(text):
            remap[anchor] = above  # a label cut by the page break
            joined = above_text + text
            for r_, row in enumerate(table.anchors):
                for c_, a in enumerate(row):
                    if a == above:
                        table.cells[r_][c_] = joined
    for r, row in enumerate(cells):
        new_row, new_anchors = [], []
        for c, text in enumerate(row):
            anchor = anchors[r][c]
            if anchor in remap:
                target = remap[anchor]
                new_row.append(table.cells[target[0]][target[1]])
                new_anchors.append(target)
            else:
                new_row.append(text)
                new_anchors.append((anchor[0] + offset, anchor[1]))
        table.cells.append(new_row)
        table.anchors.append(new_anchors)
    table.bottom = continuation.bottom
    table.doubt = table.doubt or continuation.doubt
