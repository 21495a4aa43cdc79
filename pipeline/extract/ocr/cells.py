"""One page image → TableBlocks: the grid's cells cropped, split into text lines, recognised.

Above a page's first table (the whole page when it has none) the first HEAD_LINES text lines are
read too, as TextBlocks: a scanned report's title, publisher and date sit there, and metadata
is taken from them as from any other text. A line read with any doubtful character is dropped,
so a misread year never becomes the report's.

In each cell the glyphs are the ink's connected parts as tall as a character, plus the small
parts next to them (a decimal point, a comma, the strokes of 三); a speck away from them is
noise and is whitened. A cell with no glyph is blank. A cell with glyphs is cut into its text
lines (a wrapped label is read line by line and joined), each recognised on its own crop.

A value's reading is doubted (the block's `doubts`) when its least sure character falls below
CONFIDENT, when it is not a plain number (`0.`, `o`, `1:`), or when the cell has ink but no line
of text. A doubted cell is read a second time from an enlarged, binarised crop. It is given the first
reading that is a number once look-alike characters are put right (o→0, l→1, stray dots
dropped), so the row keeps its shape, and stays doubted; its other readings are kept in
`alternatives` for the template arithmetic to choose from.
"""
from __future__ import annotations

import re

import cv2
import numpy as np

from pipeline.extract.blocks import TableBlock, TextBlock
from pipeline.extract.ocr.engine import Reading, read_crops
from pipeline.extract.ocr.grid import Grid, find_grids, line_masks
from pipeline.extract.ocr.page import ink_of, rule_ink
from pipeline.extract.ocr.vocabulary import tidy_label

CONFIDENT = 0.9     # least per-character probability of a reading taken as it stands
PAD = 4
MAX_PIECE = 12      # line heights: about as many characters
MARGIN = 3          # pixels inside the rules where a cell's own ink starts
HEAD_LINES = 6      # text lines read above a page's first table: title, publisher, date
_CJK = re.compile(r"[\u3400-\u9fff]")
_PLAIN_NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?$")   # a sign is doubted: a dash of noise makes one
_LOOK_ALIKES = str.maketrans({"o": "0", "O": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1", "|": "1",
                              "S": "5", "B": "8", "Z": "2", "，": ",", "。": "."})


def page_blocks(grey: np.ndarray, page: int, *, head_lines: int = 0) -> list[TextBlock | TableBlock]:
    """The page's tables, after the first `head_lines` text lines above the first of them."""
    rules = rule_ink(grey)
    horizontal, vertical = line_masks(rules)
    text_ink = cv2.subtract(ink_of(grey), cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8)))
    grids = find_grids(rules)
    tables = [_table(grid, grey, text_ink, f"page {page}, table {k}") for k, grid in enumerate(grids, start=1)]
    top = min((grid.ys[0] for grid in grids), default=grey.shape[0])
    return [*_head_text(grey, text_ink[:top], page, head_lines), *tables]


def _head_text(grey: np.ndarray, ink: np.ndarray, page: int, limit: int) -> list[TextBlock]:
    """The first `limit` text lines of `ink` (a page's top) read confidently, one TextBlock each."""
    if limit <= 0 or not ink.any():
        return []
    glyphs = _glyphs(np.ascontiguousarray(ink))
    clean = np.where(cv2.dilate(glyphs, np.ones((3, 3), np.uint8)) > 0, grey[:ink.shape[0]], 255).astype(np.uint8)
    lines = [box for box in _lines(glyphs) if box[3] - box[1] >= 8][:limit]
    pieces: list[tuple[int, np.ndarray]] = []
    for index, (lx0, ly0, lx1, ly1) in enumerate(lines):
        for px0, px1 in _spans(glyphs[ly0:ly1], lx0, lx1):
            crop = clean[max(0, ly0 - 1):ly1 + 1, max(0, px0 - 1):px1 + 1]
            pieces.append((index, cv2.copyMakeBorder(crop, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255)))
    readings: dict[int, list[Reading]] = {}
    for (index, _), reading in zip(pieces, read_crops([crop for _, crop in pieces])):
        readings.setdefault(index, []).append(reading)
    return [TextBlock("".join(r.text for r in found), f"page {page}", read_by="ocr")
            for _, found in sorted(readings.items())
            if all(r.text and r.confidence >= CONFIDENT for r in found)]


def _glyphs(ink: np.ndarray) -> np.ndarray:
    """The cell's ink without specks: the parts as tall as a character, the strokes beside them
    (the flat strokes of 一 二 三, a comma), and a dot on the baseline between two of them (a
    decimal point). A speck is smaller than a stroke and stands anywhere else."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return ink
    tallest = int(stats[1:, cv2.CC_STAT_HEIGHT].max())
    if tallest < 6:
        return np.zeros_like(ink)   # nothing as tall as a character: specks only
    big = [j for j in range(1, count) if stats[j, cv2.CC_STAT_HEIGHT] >= 0.4 * tallest]
    reach = 0.4 * tallest
    keep = list(big)
    for i in range(1, count):
        if i in big:
            continue
        x, y, w, h, area = stats[i]
        beside = [j for j in big if x + w >= stats[j, 0] - reach and x <= stats[j, 0] + stats[j, 2] + reach
                  and y + h >= stats[j, 1] - 0.2 * tallest and y <= stats[j, 1] + stats[j, 3] + 0.2 * tallest]
        if not beside:
            continue
        stroke = max(w, h) >= 0.3 * tallest or area >= 0.02 * tallest * tallest
        on_baseline = any(y + h / 2 > stats[j, 1] + 0.6 * stats[j, 3] for j in beside)
        between = (any(stats[j, 0] + stats[j, 2] <= x + 1 for j in beside)
                   and any(stats[j, 0] >= x + w - 1 for j in beside))
        if stroke or (on_baseline and between):
            keep.append(i)
    return np.where(np.isin(labels, keep), 255, 0).astype(np.uint8)


def _lines(ink: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the text lines inside a cell's glyphs."""
    rows = np.where(ink.any(axis=1))[0]
    if len(rows) == 0:
        return []
    breaks = np.where(np.diff(rows) > 2)[0]
    starts = [rows[0], *rows[breaks + 1]]
    ends = [*rows[breaks], rows[-1]]
    boxes = []
    for y0, y1 in zip(starts, ends):
        cols = np.where(ink[y0:y1 + 1].any(axis=0))[0]
        boxes.append((int(cols[0]), int(y0), int(cols[-1]) + 1, int(y1) + 1))
    return boxes


def _spans(line: np.ndarray, x0: int, x1: int) -> list[tuple[int, int]]:
    """A long line cut into pieces of at most MAX_PIECE heights wide, each cut in a gap between
    characters, so no piece costs the recogniser more than a short line."""
    limit = MAX_PIECE * line.shape[0]
    blank = ~line.any(axis=0)
    spans = []
    while x1 - x0 > limit:
        gaps = [x for x in range(x0 + limit, x0 + limit // 2, -1) if blank[x]]
        cut = gaps[0] if gaps else x0 + limit
        spans.append((x0, cut))
        x0 = cut
        while x0 < x1 and blank[x0]:
            x0 += 1
    return [*spans, (x0, x1)]


def _sharpened(crop: np.ndarray) -> np.ndarray:
    """The second look at a doubtful crop: twice the size, Otsu-binarised."""
    big = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    _, binary = cv2.threshold(big, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def _cell_pieces(grey: np.ndarray, ink: np.ndarray, box: tuple[int, int, int, int]) -> list[np.ndarray] | None:
    """Crops of the cell's text lines (long ones cut), None when the cell holds no glyph."""
    x0, y0, x1, y1 = box
    x0, y0 = x0 + MARGIN, y0 + MARGIN
    if x1 - MARGIN - x0 < 4 or y1 - MARGIN - y0 < 4:
        return None   # a sliver between two rules drawn close together, no room for text
    glyphs = _glyphs(np.ascontiguousarray(ink[y0:y1 - MARGIN, x0:x1 - MARGIN]))
    if not glyphs.any():
        return None
    # the print kept with its grey edges, everything but the glyphs whitened
    clean = np.where(cv2.dilate(glyphs, np.ones((3, 3), np.uint8)) > 0, grey[y0:y1 - MARGIN, x0:x1 - MARGIN], 255)
    pieces = []
    for lx0, ly0, lx1, ly1 in _lines(glyphs):
        for px0, px1 in _spans(glyphs[ly0:ly1], lx0, lx1):
            crop = clean[max(0, ly0 - 1):ly1 + 1, max(0, px0 - 1):px1 + 1].astype(np.uint8)
            pieces.append(cv2.copyMakeBorder(crop, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=255))
    return pieces


def _is_value_text(text: str) -> bool:
    """A reading meant as a number, not a label: no Chinese character in it."""
    return not _CJK.search(text)


def _table(grid: Grid, grey: np.ndarray, ink: np.ndarray, locator: str) -> TableBlock:
    anchors = grid.anchors
    pieces: list[tuple[tuple[int, int], np.ndarray]] = []
    for anchor in sorted({a for row in anchors for a in row}):
        crops = _cell_pieces(grey, ink, grid.box(anchor))
        pieces.extend((anchor, crop) for crop in crops or [])
    readings = read_crops([crop for _, crop in pieces])
    texts: dict[tuple[int, int], list[Reading]] = {}
    crops: dict[tuple[int, int], list[np.ndarray]] = {}
    for (anchor, crop), reading in zip(pieces, readings):
        texts.setdefault(anchor, []).append(reading)
        crops.setdefault(anchor, []).append(crop)
    cell_text = {anchor: "".join(r.text for r in found) for anchor, found in texts.items()}
    cell_text = {anchor: text if _is_value_text(text) else tidy_label(text) for anchor, text in cell_text.items()}
    doubtful = [anchor for anchor, found in texts.items() if _is_value_text(cell_text[anchor])
                and (min(r.confidence for r in found) < CONFIDENT or not _PLAIN_NUMBER.match(cell_text[anchor]))]
    single = [anchor for anchor in doubtful if len(crops[anchor]) == 1]
    second = dict(zip(single, read_crops([_sharpened(crops[anchor][0]) for anchor in single])))
    doubts: dict[tuple[int, int], str] = {}
    alternatives: dict[tuple[int, int], tuple[str, ...]] = {}
    for anchor in doubtful:
        first = cell_text[anchor]
        again = second[anchor].text if anchor in second else ""
        least = min(r.confidence for r in texts[anchor])
        doubts[anchor] = (f"OCR read {first!r} with confidence {least:.2f}" if first
                          else "ink in the cell but no text recognised")
        readable = [t for t in (_look_alike(first), _look_alike(again)) if _PLAIN_NUMBER.match(t)]
        # a doubted value keeps its place as a value (`l` → `1`) so the row stays whole; it stays doubted
        cell_text[anchor] = first if _PLAIN_NUMBER.match(first) or not readable else readable[0]
        others = (first, again, *readable)
        alternatives[anchor] = tuple(dict.fromkeys(t for t in others if t and t != cell_text[anchor]))
    cells = [[cell_text.get(a, "") for a in row] for row in anchors]
    return TableBlock(cells, [list(row) for row in anchors], locator, read_by="ocr",
                      doubts=doubts, alternatives=alternatives)


def _look_alike(text: str) -> str:
    """The reading with letters that look like digits read as digits and stray marks around it dropped."""
    return text.translate(_LOOK_ALIKES).strip(".:;'\"`·•*+-_,，。：、 ")
