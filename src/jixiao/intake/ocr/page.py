"""Preparing a page image for OCR: the paper cut out of a phone photo, red seals faded away,
uneven light flattened, the page turned upright (0/90/180/270°) and a few degrees of skew undone.

:func:`prepare` returns a grey 8-bit image; the boxes the engine then finds, the table grid and
the provenance of every block all refer to this prepared image's pixels.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from jixiao.intake.ocr import engine

# Skew below this is left alone (resampling costs sharpness); above the maximum it is not skew.
_MIN_SKEW = 0.15
_MAX_SKEW = 15.0
# A page is turned a quarter when this share of its text lines stand upright.
_UPRIGHT_SHARE = 0.6
# Paper in a photo: the brightest large quadrilateral covering this share of the picture at least,
# clearly brighter than what lies around it (a table's frame on a scan has paper on both sides).
_MIN_PAPER = 0.25
_MAX_PAPER = 0.95
_PAPER_CONTRAST = 35.0
# A red blob at least this share of the page width, roughly as high as it is wide, is a seal.
_MIN_SEAL = 0.06
_SEAL_ASPECT = 2.2
# Within a seal, red-channel values at least this light are paper (seal ink is 190–240 there,
# black ink and its anti-aliased edges below).
_SEAL_PAPER = 170
# A pixel of a seal is reddish: its red channel this much above the other two (grey is not).
_REDDISH = 10

Image = NDArray[np.uint8]


@dataclass(slots=True)
class Prepared:
    """A prepared page and what was done to it (in the order done), for notes and tests."""

    image: Image
    steps: list[str] = field(default_factory=list)
    rotation: int = 0
    skew: float = 0.0


def to_bgr(image: NDArray[Any]) -> Image:
    """An 8-bit BGR image from grey, BGR, BGRA or 16-bit input."""
    if image.dtype != np.uint8:
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if image.ndim == 2:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    if image.shape[2] == 4:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), dtype=np.uint8)
    return np.ascontiguousarray(image, dtype=np.uint8)


def prepare(image: NDArray[Any]) -> Prepared:
    """The page made ready for OCR (see the module docstring)."""
    colour = to_bgr(image)
    done = Prepared(image=np.zeros((1, 1), np.uint8))
    paper = paper_quad(colour)
    if paper is not None:
        colour = unwarp(colour, paper)
        done.steps.append("透视校正")
    grey, seals = fade_seals(colour)
    if seals:
        done.steps.append(f"去除红章 {seals} 处")
    grey = flatten_light(grey)
    quads = engine.text_quads(grey)
    if _stands_upright(quads):
        grey = np.ascontiguousarray(cv2.rotate(grey, cv2.ROTATE_90_CLOCKWISE))
        done.rotation = 90
        quads = engine.text_quads(grey)
    if engine.upside_down(grey, quads):
        grey = np.ascontiguousarray(cv2.rotate(grey, cv2.ROTATE_180))
        done.rotation = (done.rotation + 180) % 360
        quads = [np.array([[grey.shape[1], grey.shape[0]]]) - q[[2, 3, 0, 1]] for q in quads]
    if done.rotation:
        done.steps.append(f"旋转 {done.rotation}°")
    angle = skew_angle(quads)
    if _MIN_SKEW <= abs(angle) <= _MAX_SKEW:
        grey = rotate(grey, angle)
        done.skew = angle
        done.steps.append(f"纠斜 {angle:.1f}°")
    done.image = grey
    return done


def _stands_upright(quads: list[NDArray[Any]]) -> bool:
    """Whether the page's text lines run top to bottom (the page lies on its side)."""
    wide = tall = 0
    for q in quads:
        along = math.dist(q[0], q[1])
        across = math.dist(q[0], q[3])
        if along > 1.5 * across:
            wide += 1
        elif across > 1.5 * along:
            tall += 1
    return tall + wide >= 5 and tall >= _UPRIGHT_SHARE * (tall + wide)


def skew_angle(quads: list[NDArray[Any]]) -> float:
    """The turn (degrees, counter-clockwise positive as in ``cv2.getRotationMatrix2D``) that
    levels the long text lines (their median tilt, undone); 0 when there are too few."""
    angles = []
    for q in quads:
        dx, dy = float(q[1][0] - q[0][0]), float(q[1][1] - q[0][1])
        if math.hypot(dx, dy) > 4 * math.dist(q[0], q[3]) and dx > 0:
            angles.append(math.degrees(math.atan2(-dy, dx)))
    if len(angles) < 3:
        return 0.0
    return -statistics.median(angles)


def rotate(image: Image, angle: float) -> Image:
    """``image`` turned by ``angle`` degrees (counter-clockwise positive) about its centre, the
    canvas grown so no corner is cut, new area filled with white."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    turned = cv2.warpAffine(
        image, matrix, (new_w, new_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    return np.asarray(turned, dtype=np.uint8)


def paper_quad(image: Image) -> NDArray[Any] | None:
    """The four corners (tl, tr, br, bl) of the sheet of paper in a photo, or ``None`` when the
    image is the page itself (a scan, a rendered PDF page)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    scale = 800 / max(grey.shape)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    scale = min(scale, 1.0)
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    area = float(small.shape[0] * small.shape[1])
    best = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(best) / area
    if not _MIN_PAPER <= share <= _MAX_PAPER:
        return None
    hull = cv2.convexHull(best)
    corners = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(corners) != 4:
        return None
    mask = np.zeros_like(small)
    cv2.fillConvexPoly(mask, corners.reshape(-1, 2), 255)
    inside = float(cv2.mean(small, mask=mask)[0])
    outside = float(cv2.mean(small, mask=cv2.bitwise_not(mask))[0])
    if inside - outside < _PAPER_CONTRAST:
        return None
    return _order(corners.reshape(4, 2).astype(float) / scale)


def _order(points: NDArray[Any]) -> NDArray[Any]:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(total)], points[np.argmin(diff)], points[np.argmax(total)], points[np.argmax(diff)]]
    )


def unwarp(image: Image, corners: NDArray[Any]) -> Image:
    """The quadrilateral ``corners`` of ``image`` stretched into an upright rectangle."""
    tl, tr, br, bl = corners
    width = round(max(math.dist(tl, tr), math.dist(bl, br)))
    height = round(max(math.dist(tl, bl), math.dist(tr, br)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    flat = cv2.warpPerspective(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255)
    )
    return np.asarray(flat, dtype=np.uint8)


def fade_seals(image: Image) -> tuple[Image, int]:
    """The page in grey with red seals faded to paper, and how many seals there were.

    Inside a seal the red channel is used: red ink is nearly as bright there as paper while black
    ink stays black, so the figures under a 公章 survive; what is light there becomes paper. Elsewhere the ordinary grey is kept, so a
    figure a unit printed in red still reads.
    """
    grey = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    red = ((hue <= 10) | (hue >= 160)) & (sat >= 70) & (val >= 70)
    if not red.any():
        return grey, 0
    mask = red.astype(np.uint8) * 255
    width = image.shape[1]
    reach = max(3, width // 150)
    joined = cv2.dilate(mask, np.ones((reach, reach), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    boxes: list[tuple[int, int, int, int]] = []
    for i in range(1, count):
        x, y = int(stats[i, cv2.CC_STAT_LEFT]), int(stats[i, cv2.CC_STAT_TOP])
        w, h = int(stats[i, cv2.CC_STAT_WIDTH]), int(stats[i, cv2.CC_STAT_HEIGHT])
        if min(w, h) >= _MIN_SEAL * width and max(w, h) <= _SEAL_ASPECT * min(w, h):
            boxes.append((x, y, x + w, y + h))
    # A seal's ring, star and lettering: whatever red lies within its outline belongs to it.
    seals = [b for b in boxes if not any(o != b and _inside(b, o) for o in boxes)]
    if not seals:
        return grey, 0
    grey = grey.copy()
    for x0, y0, x1, y1 in seals:
        # The red channel over the seal's whole extent: red ink and its pale halo are light there,
        # black ink stays dark; what is light is made paper, so no grey stroke of the seal is left
        # to cross a figure (a ≥ whose lower bar a seal stroke crosses reads “=”).
        # Only reddish pixels change: grey ruling lines through the seal keep their grey.
        patch = image[y0:y1, x0:x1].astype(np.int16)
        channel = patch[:, :, 2]
        reddish = channel - np.maximum(patch[:, :, 0], patch[:, :, 1]) >= _REDDISH
        inked = np.where(channel >= _SEAL_PAPER, 255, channel).astype(np.uint8)
        grey[y0:y1, x0:x1] = np.where(reddish, inked, grey[y0:y1, x0:x1])
    return grey, len(seals)


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def flatten_light(grey: Image) -> Image:
    """``grey`` divided by its background (the page with the ink closed over), so a shadow or a
    lamp's fall-off becomes even paper; a clean scan stays as it was."""
    height, width = grey.shape
    scale = min(1.0, 1000 / max(height, width))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    kernel = max(7, (round(max(small.shape) / 60) // 2) * 2 + 1)
    background = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    )
    background = cv2.medianBlur(background, kernel)
    if scale < 1:
        background = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(grey, np.maximum(background, 1), scale=255)
    return np.asarray(flat, dtype=np.uint8)
