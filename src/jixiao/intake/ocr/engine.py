"""The OCR engine: RapidOCR (PP-OCRv4 detection and recognition, ONNX Runtime) with the models
that ship inside the ``rapidocr-onnxruntime`` wheel, so nothing is downloaded at run time.

One engine is created lazily per process (loading the models takes about half a second and some
200 MB); every function here uses it. Why this engine and not Tesseract: ``docs/ocr.md``.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from typing import Any

import numpy as np
from numpy.typing import NDArray

from jixiao.intake.document import UnreadableDocument
from jixiao.intake.ocr import THREADS_ENV
from jixiao.intake.ocr.boxes import Box
from jixiao.intake.ocr.boxes import OcrText

# Pieces the engine scores below this are dropped as noise. It is well below the trust threshold
# of the layout (``ocr_min_confidence``) on purpose: a figure read with low confidence must reach
# the layout, which marks its cell unread, instead of vanishing and leaving an empty cell that
# looks as if the unit had written nothing.
_KEEP_SCORE = 0.3
# Detection for orientation and skew runs on a copy whose long side is at most this many pixels.
_PROBE_SIDE = 1600


@functools.cache
def _rapidocr() -> Any:
    """The process's engine, created on first use (``functools.cache`` holds it)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:  # pragma: no cover - the dependency is declared for Python < 3.13
        raise UnreadableDocument(
            "本机未安装 OCR 引擎（rapidocr-onnxruntime），无法识别扫描件或图片"
        ) from None
    # The package logs every call at INFO; jixiao reports through findings instead.
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    threads = _threads()
    return RapidOCR(
        text_score=_KEEP_SCORE,
        use_cls=True,
        print_verbose=False,
        intra_op_num_threads=threads,
        inter_op_num_threads=threads,
    )


def _threads() -> int:
    """The threads this process's engine may use (``-1``: the engine's default, every CPU)."""
    given = os.environ.get(THREADS_ENV, "")
    return int(given) if given.isdigit() and int(given) > 0 else -1


def _box(points: Any) -> Box:
    quad = np.asarray(points, dtype=float).reshape(-1, 2)
    return Box(
        float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max())
    )


def recognise(image: NDArray[Any]) -> list[OcrText]:
    """Every piece of text on a prepared page image (grey or BGR, uint8), with its box in the
    image's pixels and the engine's confidence in [0, 1]."""
    engine = _rapidocr()
    # Any keyword resets the detector's thresholds and the kept score to the package's defaults:
    # the engine's own are passed back with the one that asks for each glyph's box.
    post = engine.text_det.postprocess_op
    result, _ = engine(
        np.ascontiguousarray(image),
        return_word_box=True,
        text_score=engine.text_score,
        box_thresh=post.box_thresh,
        unclip_ratio=post.unclip_ratio,
    )
    texts: list[OcrText] = []
    for points, text, score, *glyphs in result or []:
        if not str(text).strip():
            continue
        confidence = min(max(float(score), 0.0), 1.0)
        box = _box(points)
        texts.append(OcrText(text=str(text), box=box, confidence=confidence, lead=_lead(box, glyphs)))
    return texts


def _lead(box: Box, glyphs: list[Any]) -> float:
    """How far right of ``box``'s left edge its first glyph begins (0 when the engine gave no
    glyph boxes): ``glyphs`` is what RapidOCR adds to a piece with ``return_word_box``, the glyph
    quads first."""
    quads = glyphs[0] if glyphs else None
    if not quads:
        return 0.0
    try:
        first = _box(quads[0])
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, first.x0 - box.x0)


def _probe(image: NDArray[Any]) -> tuple[NDArray[Any], float]:
    """A copy small enough for a quick detection pass, and the factor it was scaled by."""
    import cv2

    side = max(image.shape[:2])
    if side <= _PROBE_SIDE:
        return image, 1.0
    scale = _PROBE_SIDE / side
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.asarray(small), scale


def text_quads(image: NDArray[Any]) -> list[NDArray[Any]]:
    """The text lines the detector finds (each a 4×2 array of corners: top-left, top-right,
    bottom-right, bottom-left), on a reduced copy of the image, in the image's pixels."""
    engine = _rapidocr()
    small, scale = _probe(image)
    if small.ndim == 2:
        import cv2

        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    quads, _ = engine.text_det(np.ascontiguousarray(small))
    if quads is None:
        return []
    return [np.asarray(q, dtype=float).reshape(4, 2) / scale for q in quads]


def upside_down(image: NDArray[Any], quads: list[NDArray[Any]], sample: int = 40) -> bool:
    """Whether most of the (longest) text lines read upside down, by the engine's direction
    classifier on up to ``sample`` of the lines."""
    engine = _rapidocr()
    wide = [q for q in quads if _length(q[0], q[1]) > 2 * _length(q[0], q[3])]
    wide.sort(key=lambda q: -_length(q[0], q[1]))
    if not wide:
        return False
    picture = image
    if picture.ndim == 2:
        import cv2

        picture = cv2.cvtColor(picture, cv2.COLOR_GRAY2BGR)
    crops = engine.get_crop_img_list(
        np.ascontiguousarray(picture), [q.astype(np.float32) for q in wide[:sample]]
    )
    _, labels, _ = engine.text_cls(crops)
    flipped = sum(1 for label, score in labels if label == "180" and float(score) >= 0.6)
    upright = sum(1 for label, score in labels if label == "0" and float(score) >= 0.6)
    return flipped > upright


def _length(a: NDArray[Any], b: NDArray[Any]) -> float:
    return math.hypot(float(b[0] - a[0]), float(b[1] - a[1]))
