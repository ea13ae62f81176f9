"""What OCR hands on: pieces of text with their place on the page and how sure the engine was.

Coordinates are pixels of the prepared page image (after rotation and deskew), origin top-left,
``x0 < x1`` and ``y0 < y1``. ``confidence`` is the engine's score in ``[0, 1]``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle on a page image, in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass(frozen=True, slots=True)
class OcrText:
    """One line (or word group) of recognised text."""

    text: str
    box: Box
    confidence: float
    # How far right of the box's left edge the first recognised glyph begins (pixels, the engine's
    # estimate): the detector found ink there that the recogniser gave no glyph for.
    lead: float = 0.0
