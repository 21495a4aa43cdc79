"""A ruled table's grid from the pixels of its lines (OpenCV morphology).

Horizontal and vertical ruling lines are the ink that survives an opening with a long thin
kernel; a table is a connected group of them. Row and column boundaries are where those lines
run; two neighbouring grid slots are one spanned cell when the line between them is missing.
The result has the same shape as the other readers' tables: a rectangular grid whose anchors
say which slot each position copies.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MIN_TABLE_SIDE = 40      # pixels: smaller line groups are underlines or frames of a stamp
LINE_PRESENT = 0.6       # share of a boundary the line must cover to separate two slots


@dataclass
class Grid:
    xs: list[int]                          # column boundaries, left to right
    ys: list[int]                          # row boundaries, top to bottom
    anchors: list[list[tuple[int, int]]]   # per slot: the top-left slot of the cell covering it

    def box(self, anchor: tuple[int, int]) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) of the cell whose top-left slot is `anchor`."""
        r0, c0 = anchor
        slots = [(r, c) for r, row in enumerate(self.anchors) for c, a in enumerate(row) if a == anchor]
        r1 = max(r for r, _ in slots) + 1
        c1 = max(c for _, c in slots) + 1
        return self.xs[c0], self.ys[r0], self.xs[c1], self.ys[r1]


def line_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) ruling-line masks of a binary ink image (ink = 255)."""
    height, width = ink.shape
    length = max(15, min(width, height) // 30)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    return cv2.dilate(horizontal, bridge), cv2.dilate(vertical, bridge)


def find_grids(ink: np.ndarray) -> list[Grid]:
    """Tables of the page, top to bottom."""
    horizontal, vertical = line_masks(ink)
    count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_or(horizontal, vertical), connectivity=8)
    grids = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w < MIN_TABLE_SIDE or h < MIN_TABLE_SIDE:
            continue
        grid = _grid(horizontal[y:y + h, x:x + w], vertical[y:y + h, x:x + w])
        if grid is not None:
            grid.xs = [x + v for v in grid.xs]
            grid.ys = [y + v for v in grid.ys]
            grids.append(grid)
    return sorted(grids, key=lambda g: g.ys[0])


def _positions(profile: np.ndarray, minimum: float) -> list[int]:
    """Centres of the runs of the profile above `minimum`."""
    above = profile >= minimum
    positions, start = [], None
    for i, on in enumerate([*above, False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            positions.append((start + i - 1) // 2)
            start = None
    return positions


def _covered(mask: np.ndarray) -> float:
    return float(np.count_nonzero(mask.max(axis=0 if mask.shape[0] < mask.shape[1] else 1))) / max(1, max(mask.shape))


def _grid(horizontal: np.ndarray, vertical: np.ndarray) -> Grid | None:
    height, width = horizontal.shape
    ys = _positions(horizontal.sum(axis=1) / 255, min(width * 0.04, 30))
    xs = _positions(vertical.sum(axis=0) / 255, min(height * 0.04, 30))
    if len(xs) < 3 or len(ys) < 2:
        return None   # one column: a frame around text, not a table
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(slot):
        while parent[slot] != slot:
            slot = parent[slot]
        return slot

    def join(a, b):
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    band = 3
    for r in range(rows):
        top, bottom = ys[r], ys[r + 1]
        inner = slice(top + (bottom - top) // 5, bottom - (bottom - top) // 5 + 1)
        for c in range(cols - 1):
            x = xs[c + 1]
            if _covered(vertical[inner, max(0, x - band):x + band + 1]) < LINE_PRESENT:
                join((r, c), (r, c + 1))
    for c in range(cols):
        left, right = xs[c], xs[c + 1]
        inner = slice(left + (right - left) // 5, right - (right - left) // 5 + 1)
        for r in range(rows - 1):
            y = ys[r + 1]
            if _covered(horizontal[max(0, y - band):y + band + 1, inner]) < LINE_PRESENT:
                join((r, c), (r + 1, c))
    anchors = [[find((r, c)) for c in range(cols)] for r in range(rows)]
    return Grid(xs, ys, anchors)
