"""Text recognition of one cell crop at a time: PaddleOCR's PP-OCRv4 recogniser via rapidocr-onnxruntime.

Only the recogniser runs (no detector, no angle classifier): the grid already says where each
cell is, so a crop is one short line of text. Its confidence is the lowest per-character
probability, not the mean, so one doubtful digit of `1736` makes the whole reading doubtful.
The model ships inside the wheel; nothing is downloaded. One thread, so one page costs one core.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

HEIGHT = 48     # the recogniser's input height
BATCH_AREA = 48 * 64   # columns of a padded batch: 48 digit cells, or one line of 20 characters


@dataclass(frozen=True)
class Reading:
    text: str
    confidence: float   # lowest per-character probability, 0 for an empty reading


class OCRUnavailable(RuntimeError):
    """The recogniser's package is not installed."""


@cache
def _recogniser():
    try:
        import rapidocr_onnxruntime
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    except ImportError as exc:
        raise OCRUnavailable("OCR needs the rapidocr-onnxruntime package: pip install -e . installs it") from exc
    import importlib.resources

    root = importlib.resources.files(rapidocr_onnxruntime)
    config = {"intra_op_num_threads": 1, "inter_op_num_threads": 1, "use_cuda": False, "use_dml": False,
              "model_path": str(root / "models" / "ch_PP-OCRv4_rec_infer.onnx"),
              "rec_img_shape": [3, 48, 320], "rec_batch_num": 8}
    return TextRecognizer(config)


def read_crops(crops: list[np.ndarray]) -> list[Reading]:
    """Grey crops, each one line of text → readings in the same order.

    Crops are scaled to the model's 48-pixel height and batched with crops of similar width,
    each batch padded only to its widest crop: a digit cell costs a sixth of the 320-pixel
    minimum width the packaged pipeline pads every crop to. Callers keep lines short (`cells`
    cuts long ones), since the model's cost grows faster than the width it reads.
    """
    recogniser = _recogniser()
    scaled = [_scaled(crop) for crop in crops]
    readings: list[Reading | None] = [None] * len(scaled)
    for members in _batches(scaled):
        width = max(scaled[i].shape[1] for i in members)
        batch = np.zeros((len(members), 3, HEIGHT, width), dtype=np.float32)
        for k, i in enumerate(members):
            batch[k, :, :, :scaled[i].shape[1]] = scaled[i][None] / 127.5 - 1.0
        ratios = [scaled[i].shape[1] / HEIGHT for i in members]
        results = recogniser.postprocess_op(recogniser.session(batch)[0], True, wh_ratio_list=ratios,
                                            max_wh_ratio=width / HEIGHT)
        for i, (text, _mean, details) in zip(members, results):
            readings[i] = Reading(text, float(min(details[-1])) if text else 0.0)
    return readings  # type: ignore[return-value]


def _batches(scaled: list[np.ndarray]) -> list[list[int]]:
    """Indices grouped narrowest first, a group closed before its padded area passes BATCH_AREA."""
    groups: list[list[int]] = []
    for i in sorted(range(len(scaled)), key=lambda i: scaled[i].shape[1]):
        if groups and (len(groups[-1]) + 1) * scaled[i].shape[1] <= BATCH_AREA:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _scaled(crop: np.ndarray) -> np.ndarray:
    height, width = crop.shape[:2]
    grey = crop if crop.ndim == 2 else crop[:, :, 0]
    return cv2.resize(grey, (max(HEIGHT // 2, round(width * HEIGHT / max(height, 1))), HEIGHT)).astype(np.float32)
