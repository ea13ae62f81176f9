"""Ruled tables on a page image: their grids and merged cells, from the ruling lines alone.

Government forms are ruled. On the (prepared, deskewed) page image

1. the ink is separated from the paper with an adaptive threshold (uneven light from a phone
   photo moves the threshold with it); a colour page is read in its red channel, where red seal
   ink is as light as the paper;
2. morphological opening with long thin kernels keeps what is a horizontal or a vertical line and
   drops the text; closing along the line bridges short breaks (a faint scan, a thin pen);
3. pieces of line much lighter than the page's ruling lines are dropped (the rim of a red seal
   the page preparation faded);
4. a page still tilted a little is turned straight, measured on its long horizontal lines;
5. lines that touch form a table; its horizontal lines give its row boundaries, its vertical
   lines its column boundaries (positions within a few pixels are one boundary, so a line drawn
   a little crooked is still one); lines that run on past the outermost crossing line (a form
   drawn without outer side borders, a table the page cut off) bound the table where they end;
6. between two neighbouring grid positions the separator is there when ink covers most of it; a
   missing separator means the two positions are one merged cell (rowspan/colspan), as a word
   processor would have merged them.

A lone box (one cell) is not a table, nor is a frame around most of the page with at most two
cells (a rule across it): their text stays paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from jixiao.intake.ocr.boxes import Box
from jixiao.intake.ruling import Ruled

# Line kernels are this fraction of the page's shorter side (25 px at 150 dpi, 50 at 300 dpi on
# A4): longer than any stroke of body text, shorter than the narrowest ruled cell.
_LINE_FRACTION = 0.02
# A separator is there when ink covers at least this share of its length (broken lines survive).
_SEPARATOR_COVER = 0.5
# A table is at least this share of the page's width wide and two line kernels high.
_MIN_TABLE_WIDTH = 0.15
# A page tilted by less than this (degrees) is taken as straight; the angle comes from at most
# this many of the longest horizontal lines.
_MIN_SKEW = 0.1
_SKEW_LINES = 12
# A line piece lighter than this share of the way from the page's ruling ink to white is not
# ink of the form: what is left of a faded red seal (its rim breaks into short vertical slivers).
_FAINT = 0.6

Image = NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class GridCell:
    """A cell at its top-left grid position, with its spans and its box on the page."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box


@dataclass(frozen=True, slots=True)
class Grid(Ruled):
    """A ruled table: column boundaries ``xs``, row boundaries ``ys`` (pixels) and its cells."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[GridCell, ...]
    # The grid was found on the page turned straight by ``-angle`` degrees about ``centre``;
    # ``xs``, ``ys`` and the cells' boxes are in that frame (see :meth:`local`).
    angle: float = 0.0
    centre: tuple[float, float] = (0.0, 0.0)

    def local(self, box: Box) -> Box:
        """A page box moved into the grid's frame (turned with the page about its centre)."""
        return self._turned(box, self.angle)

    def to_page(self, box: Box) -> Box:
        """A box of the grid's frame moved back onto the page (the inverse of :meth:`local`)."""
        return self._turned(box, -self.angle)

    def _turned(self, box: Box, angle: float) -> Box:
        if not angle:
            return box
        x, y = box.centre
        cx, cy = self.centre
        a = np.radians(angle)
        cos, sin = float(np.cos(a)), float(np.sin(a))
        # cv2 rotates counter-clockwise for positive angles with y pointing down.
        nx = cx + (x - cx) * cos - (y - cy) * sin
        ny = cy + (x - cx) * sin + (y - cy) * cos
        dx, dy = nx - x, ny - y
        return Box(box.x0 + dx, box.y0 + dy, box.x1 + dx, box.y1 + dy)

    @property
    def box(self) -> Box:
        return Box(self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_at(self, row: int, col: int) -> GridCell | None:
        """The cell covering grid position (row, col)."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.rowspan and cell.col <= col < cell.col + cell.colspan:
                return cell
        return None

    def position(self, x: float, y: float) -> tuple[int, int] | None:
        """The grid position (row, col) of a point in the grid's frame, or ``None`` outside it."""
        if not self.box.contains(x, y):
            return None
        col = min(max(int(np.searchsorted(self.xs, x, side="right")) - 1, 0), self.n_cols - 1)
        row = min(max(int(np.searchsorted(self.ys, y, side="right")) - 1, 0), self.n_rows - 1)
        return row, col


def grayscale(image: NDArray[Any]) -> Image:
    """An 8-bit grey image from a grey, BGR or BGRA page image; of a colour image its red
    channel, in which red seal ink is as light as the paper and black or blue rules stay dark."""
    if image.ndim == 3:
        image = image[:, :, 2] if image.shape[2] >= 3 else image[:, :, 0]
    if image.dtype != np.uint8:
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return np.ascontiguousarray(image, dtype=np.uint8)


def line_masks(image: NDArray[Any]) -> tuple[Image, Image, int]:
    """Masks of the horizontal and the vertical ruling lines, and the kernel length used."""
    grey = grayscale(image)
    height, width = grey.shape
    length = max(15, round(min(height, width) * _LINE_FRACTION))
    block = max(15, (length // 2) * 2 + 1)
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    gap = max(3, length // 3)
    along_x = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    along_x = cv2.morphologyEx(along_x, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    along_y = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    along_y = cv2.morphologyEx(along_y, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    horizontal: Image = np.asarray(along_x, dtype=np.uint8)
    vertical: Image = np.asarray(along_y, dtype=np.uint8)
    _drop_faint(grey, [horizontal, vertical], length)
    return horizontal, vertical, length


def _drop_faint(grey: Image, masks: list[Image], length: int) -> None:
    """Clear, in place, the line pieces much lighter than the page's ruling lines (see ``_FAINT``)."""
    pieces: list[tuple[Image, NDArray[Any], int, tuple[int, int, int, int], float, int]] = []
    for mask in masks:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, count):
            x, y, w, h, area = (int(v) for v in stats[i])
            if max(w, h) < length:
                continue
            under = grey[y : y + h, x : x + w][labels[y : y + h, x : x + w] == i]
            # A line's shade is that of its core (its darkest tenth): anti-aliased or blurred
            # edges of a thin rule are grey, its middle is not.
            pieces.append((mask, labels, i, (x, y, w, h), float(np.percentile(under, 10)), area))
    if not pieces:
        return
    # The ruling ink: the median shade of the pieces, weighted by size (long lines dominate).
    shades = np.array([p[4] for p in pieces])
    weights = np.array([p[5] for p in pieces], dtype=np.float64)
    order = np.argsort(shades)
    cumulative = np.cumsum(weights[order])
    ink = float(shades[order][int(np.searchsorted(cumulative, cumulative[-1] / 2))])
    limit = ink + _FAINT * (255.0 - ink)
    for mask, labels, i, (x, y, w, h), shade, _area in pieces:
        if shade > limit:
            region = mask[y : y + h, x : x + w]
            region[labels[y : y + h, x : x + w] == i] = 0


def skew_angle(horizontal: Image, length: int) -> float:
    """The angle (degrees, counter-clockwise positive as in ``cv2.getRotationMatrix2D``) by which
    the page's long horizontal lines are tilted; 0 when there are none."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    long = sorted(
        (i for i in range(1, count) if stats[i][cv2.CC_STAT_WIDTH] >= 6 * length),
        key=lambda i: -int(stats[i][cv2.CC_STAT_WIDTH]),
    )[:_SKEW_LINES]
    angles: list[float] = []
    for i in long:
        x, y, w, h = (int(v) for v in stats[i][:4])
        rows, cols = np.nonzero(labels[y : y + h, x : x + w] == i)
        if cols.size < 2 or np.ptp(cols) < 6 * length:
            continue
        slope = float(np.polyfit(cols.astype(np.float64), rows.astype(np.float64), 1)[0])
        angles.append(-float(np.degrees(np.arctan(slope))))
    return float(np.median(angles)) if angles else 0.0


def find_grids(image: NDArray[Any]) -> list[Grid]:
    """The ruled tables of a page image, top to bottom.

    A page still tilted a little (a scan fed askew, what deskewing left) is turned straight
    first; each grid then maps page coordinates into its own frame (:meth:`Grid.local`).
    """
    horizontal, vertical, length = line_masks(image)
    angle = skew_angle(horizontal, length)
    centre = (horizontal.shape[1] / 2, horizontal.shape[0] / 2)
    if abs(angle) >= _MIN_SKEW:
        grey = grayscale(image)
        matrix = cv2.getRotationMatrix2D(centre, -angle, 1.0)
        straight = cv2.warpAffine(
            grey, matrix, (grey.shape[1], grey.shape[0]), flags=cv2.INTER_LINEAR, borderValue=255
        )
        horizontal, vertical, length = line_masks(straight)
    else:
        angle = 0.0
    width = horizontal.shape[1]
    # Lines that touch (after a little growth, for joins drawn a pixel apart) form one table.
    joined = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    grids: list[Grid] = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if w < _MIN_TABLE_WIDTH * width or h < 2 * length:
            continue
        grid = _grid(horizontal[y : y + h, x : x + w], vertical[y : y + h, x : x + w], x, y, length)
        if grid is None:
            continue
        if len(grid.cells) <= 2 and grid.box.width * grid.box.height > 0.5 * horizontal.size:
            continue  # a frame around most of the page (perhaps with a rule across): not a table
        grids.append(Grid(grid.xs, grid.ys, grid.cells, angle=angle, centre=centre))
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _positions(mask: Image, axis: int, tolerance: float, min_length: int) -> list[float]:
    """Where the lines of a mask are across ``axis`` (0: horizontal lines → y, 1: vertical → x)."""
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found: list[tuple[float, int]] = []
    for i in range(1, count):
        extent = int(stats[i][cv2.CC_STAT_WIDTH if axis == 0 else cv2.CC_STAT_HEIGHT])
        if extent >= min_length:
            found.append((float(centroids[i][1 if axis == 0 else 0]), extent))
    groups: list[list[tuple[float, int]]] = []
    for value, extent in sorted(found):
        if groups and value - groups[-1][-1][0] <= tolerance:
            groups[-1].append((value, extent))
        else:
            groups.append([(value, extent)])
    # Each boundary where its longest piece lies (a weighted mean would let a stray stroke pull it).
    return [max(group, key=lambda item: item[1])[0] for group in groups]


def _covered(mask: Image, fixed: float, start: float, end: float, band: int, along_x: bool) -> bool:
    """Whether ink of ``mask`` covers most of the segment at ``fixed`` from ``start`` to ``end``."""
    a, b = round(start), round(end)
    # Leave out the ends: the crossing lines are there whatever the separator does.
    trim = max(1, (b - a) // 8)
    a, b = a + trim, b - trim
    if b <= a:
        return True
    lo, hi = max(0, round(fixed) - band), round(fixed) + band + 1
    strip = mask[lo:hi, a:b] if along_x else mask[a:b, lo:hi].T
    if strip.size == 0:
        return False
    cover = np.count_nonzero(strip.max(axis=0)) / strip.shape[1]
    return bool(cover >= _SEPARATOR_COVER)


def _extend(edges: list[float], inked: NDArray[np.intp], beyond: float) -> None:
    """Add the ends of the lines crossing ``edges`` as outer edges where they run on past them."""
    if inked.size == 0:
        return
    if float(inked[0]) < edges[0] - beyond:
        edges.insert(0, float(inked[0]))
    if float(inked[-1]) > edges[-1] + beyond:
        edges.append(float(inked[-1]))


def _grid(horizontal: Image, vertical: Image, left: int, top: int, length: int) -> Grid | None:
    tolerance = max(4.0, length / 4)
    ys = _positions(horizontal, 0, tolerance, 2 * length)
    xs = _positions(vertical, 1, tolerance, length)
    if not xs or not ys:
        return None
    # Open sides (a form drawn without its outer left/right border, a table whose last row the
    # page cut off): the lines that run on beyond the outermost crossing ones bound the table.
    _extend(xs, np.nonzero(horizontal.any(axis=0))[0], 2 * length)
    _extend(ys, np.nonzero(vertical.any(axis=1))[0], 2 * length)
    if len(xs) < 2 or len(ys) < 2:
        return None
    band = max(2, round(tolerance / 2))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            here = r * n_cols + c
            if c + 1 < n_cols and not _covered(vertical, xs[c + 1], ys[r], ys[r + 1], band, along_x=False):
                parent[find(here + 1)] = find(here)
            if r + 1 < n_rows and not _covered(horizontal, ys[r + 1], xs[c], xs[c + 1], band, along_x=True):
                parent[find(here + n_cols)] = find(here)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    cells: list[GridCell] = []
    for members in groups.values():
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        if len(members) == (r1 - r0 + 1) * (c1 - c0 + 1):
            cells.append(_cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs, ys, left, top))
        else:  # not a rectangle: a broken line let two cells run together; keep the positions
            cells.extend(_cell(r, c, 1, 1, xs, ys, left, top) for r, c in members)
    cells.sort(key=lambda cell: (cell.row, cell.col))
    if len(cells) < 2:
        return None
    return Grid(xs=tuple(left + x for x in xs), ys=tuple(top + y for y in ys), cells=tuple(cells))


def _cell(
    row: int, col: int, rowspan: int, colspan: int, xs: list[float], ys: list[float], left: int, top: int
) -> GridCell:
    box = Box(left + xs[col], top + ys[row], left + xs[col + colspan], top + ys[row + rowspan])
    return GridCell(row=row, col=col, rowspan=rowspan, colspan=colspan, box=box)
