"""A scanned page made upright and level, and its ink as a binary image.

- Colour: the page is read through its red channel, where black print stays dark and a red
  seal (公章) over a table turns light; its clearly red pixels are whitened, so a stamp neither
  hides the digits under it nor draws rules.
- Skew: the angle (within ±3°) that makes the rows of ink sharpest, i.e. maximises the variance
  of the horizontal projection, on a small copy; coarse then fine.
- Orientation: text lines are long blobs. Their long axis says whether the page lies on its
  side; the recogniser's confidence on a few of them, read both ways up, says which way up.
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.extract.ocr.engine import read_crops

WORK_WIDTH = 600   # pixels of the small copy the angles are measured on
WORK_SHORT_SIDE = 1650   # an A4 page's width at 200 dpi
RULE_GREY = 215   # darker than paper: a faint grey rule of a low-dpi scan counts
SEAL_RED = 60     # red exceeding green and blue by this much is a seal's ink, not print


def grey_of(image: np.ndarray) -> np.ndarray:
    """The red channel of an RGB page with its clearly red pixels whitened (a red seal vanishes,
    the print under it stays), the page itself when grey."""
    if image.ndim != 3:
        return image
    grey = image[:, :, 0].copy()
    red = image[:, :, 0].astype(np.int16)
    # light in the red channel too: print under the seal, its edges tinted red by JPEG, stays
    grey[(red - image[:, :, 1:].max(axis=2) > SEAL_RED) & (red > 160)] = 255
    return grey


def ink_of(grey: np.ndarray) -> np.ndarray:
    """Binary ink (255) on paper (0), Otsu's threshold after a light blur that fades lone specks
    (a median filter would also erase the hair-thin rules)."""
    _, ink = cv2.threshold(cv2.GaussianBlur(grey, (3, 3), 0), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def rule_ink(grey: np.ndarray) -> np.ndarray:
    """Ink for finding ruling lines: anything darker than paper. A hair-thin rule of a low-dpi scan
    is light grey and broken at Otsu's threshold; the opening that finds rules ignores the noise
    and text this lets in, since neither runs as long as a rule."""
    return np.where(cv2.GaussianBlur(grey, (3, 3), 0) < RULE_GREY, 255, 0).astype(np.uint8)


def at_working_size(grey: np.ndarray) -> np.ndarray:
    """A page whose short side is under WORK_SHORT_SIDE pixels, enlarged to it: a 100 dpi scan's
    hair-thin rules and 14-pixel digits become lines the morphology finds and glyphs the
    recogniser reads as well as a 200 dpi scan's."""
    short = min(grey.shape)
    if short >= WORK_SHORT_SIDE * 0.8:
        return grey
    scale = WORK_SHORT_SIDE / short
    return cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)


def upright(grey: np.ndarray) -> np.ndarray:
    """The page turned by a multiple of 90° so its text reads left to right, then levelled."""
    grey = _turned(grey)
    angle = skew_angle(ink_of(grey))
    if abs(angle) < 0.05:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def skew_angle(ink: np.ndarray) -> float:
    """Degrees to rotate the page by (counter-clockwise) to level its rows."""
    scale = WORK_WIDTH / ink.shape[1]
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    height, width = small.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(small, cv2.getRotationMatrix2D(centre, angle, 1.0), (width, height))
        return float(np.var(turned.sum(axis=1, dtype=np.float64)))

    best = max(np.arange(-3.0, 3.01, 0.25), key=sharpness)
    return float(max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness))


def _text_blobs(ink: np.ndarray, count: int = 6) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) of the longest runs of text: characters closed together, lines removed."""
    length = max(15, min(ink.shape) // 30)
    lines = cv2.bitwise_or(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))),
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))))
    text = cv2.subtract(ink, cv2.dilate(lines, np.ones((3, 3), np.uint8)))
    gap = max(3, min(ink.shape) // 150)
    closed = cv2.morphologyEx(text, cv2.MORPH_CLOSE, np.ones((gap, gap), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed)
    boxes = [tuple(int(v) for v in stats[i][:4]) for i in range(1, n)
             if max(stats[i][2], stats[i][3]) > 3 * min(stats[i][2], stats[i][3]) >= 3 * gap * 2]
    return sorted(boxes, key=lambda b: -max(b[2], b[3]))[:count]


def _turned(grey: np.ndarray) -> np.ndarray:
    """Try the two ways up that the text blobs allow; keep the one the recogniser reads best."""
    blobs = _text_blobs(ink_of(grey))
    if not blobs:
        return grey
    sideways = sum(1 for _, _, w, h in blobs if h > w) > len(blobs) / 2
    candidates = (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE) if sideways else (None, cv2.ROTATE_180)
    # a few characters of each line decide it: the recogniser's cost grows with the width it reads
    crops = [grey[y:y + min(h, 4 * w), x:x + min(w, 4 * h)] for x, y, w, h in blobs]

    def score(rotation) -> float:
        turned = [c if rotation is None else cv2.rotate(c, rotation) for c in crops]
        return sum(r.confidence for r in read_crops(turned))

    best = max(candidates, key=score)
    return grey if best is None else cv2.rotate(grey, best)
