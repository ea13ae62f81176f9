"""Ruled tables of a PDF: finding them, their merged cells, and tables that run across pages.

pdfplumber finds the cells a table's ruling lines enclose (a merged cell is one bigger box). Here
each table's cells become a grid: the distinct x and y edges of its cells are its column and row
boundaries, and a cell spans the columns and rows between the edges it touches. Words are binned
into cells by their centre, once per page.

A table that reaches the bottom of a page and continues at the top of the next one, on the same
column edges, is one table (:class:`TableBuild`). Where it continues, a header row the word
processor repeats is dropped, and a merged cell cut by the page break (one part empty: the label
is drawn in the other) is joined again.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from pdfplumber.table import TableFinder

from jixiao.intake.document import Cell
from jixiao.intake.document import Table
from jixiao.intake.document import clean_text
from jixiao.intake.readers.pdf_layout import Glyph
from jixiao.intake.readers.pdf_layout import Line
from jixiao.intake.readers.pdf_layout import cell_text
from jixiao.intake.readers.pdf_layout import group_lines
from jixiao.intake.readers.pdf_layout import join_text
from jixiao.intake.readers.pdf_layout import joins_in_cell
from jixiao.intake.ruling import Ruled

# Government forms are ruled; LibreOffice, Word and WPS draw each cell border as its own segment,
# slightly offset at joins, so edges snap and join within 3 points.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
# Edges closer than this are one grid boundary.
EDGE_TOLERANCE = 2.0
# Two pages' tables line up when their column edges differ by no more than this.
ALIGN_TOLERANCE = 3.0
# A page with more drawing objects than this is a chart or a drawing, not a form: no table search.
MAX_GRAPHICS = 6000
# A cell holding nothing but a figure (a weight, a score, a target such as “≥90%”): a value of its
# own row, never the rest of a text the page break cut.
_BARE_FIGURE = re.compile(r"[≥≤><=＞＜≧≦约]*\s*[-+]?[\d.,，]+\s*(?:%|％|‰|分|元|万元|个|人|次|天)?")

BBox = tuple[float, float, float, float]


@dataclass(slots=True)
class PieceCell:
    """A cell of one page's part of a table, on that part's own grid."""

    bbox: BBox
    row: int
    col: int
    rowspan: int
    colspan: int
    glyphs: list[Glyph] = field(default_factory=list)
    text: str = ""
    # The first and last line of its text and the width text may fill: whether a row the page
    # break cut continues here is judged from them.
    first: Line | None = None
    last: Line | None = None
    inner: float = 0.0


@dataclass(slots=True)
class TablePiece(Ruled):
    """The part of a table drawn on one page."""

    page: int
    bbox: BBox
    xs: list[float]
    ys: list[float]
    cells: list[PieceCell]
    # A lone box (or a frame around most of the page) is a table only where it continues one.
    weak: bool = False
    lines: list[Line] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.bbox[3]


def find_pieces(page: Any, page_no: int) -> list[TablePiece]:
    """The ruled tables on a pdfplumber page, top to bottom."""
    graphics = len(page.lines) + len(page.rects) + len(page.curves)
    if graphics > MAX_GRAPHICS:
        raise TooManyGraphics(graphics)
    if not graphics:
        return []
    finder = TableFinder(page, TABLE_SETTINGS)
    page_area = float(page.width) * float(page.height)
    pieces = []
    boxes: list[BBox] = [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in finder.cells]
    verticals = [
        (float(e["x0"]), float(e["top"]), float(e["bottom"])) for e in finder.edges if e["orientation"] == "v"
    ]
    for group in _group_cells(boxes):
        piece = _piece(group, page_no, verticals)
        x0, top, x1, bottom = piece.bbox
        area = (x1 - x0) * (bottom - top)
        piece.weak = len(piece.cells) == 1 or (len(piece.cells) <= 2 and area > 0.5 * page_area)
        pieces.append(piece)
    pieces.sort(key=lambda p: (p.top, p.bbox[0]))
    return pieces


class TooManyGraphics(Exception):
    """A page has too many drawing objects to look for tables in reasonable time."""


def _group_cells(cells: list[BBox]) -> list[list[BBox]]:
    """Cells that share a corner belong to one table (union-find over corner points)."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            if j != i:
                parent[find(i)] = find(j)
    groups: dict[int, list[BBox]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(find(i), []).append(cell)
    return list(groups.values())


def cluster(values: Sequence[float], tolerance: float = EDGE_TOLERANCE) -> list[float]:
    """Distinct values, those within ``tolerance`` of each other counted once (their mean)."""
    out: list[list[float]] = []
    for value in sorted(values):
        if out and value - out[-1][-1] <= tolerance:
            out[-1].append(value)
        else:
            out.append([value])
    return [sum(group) / len(group) for group in out]


def nearest(edges: Sequence[float], value: float) -> int:
    """Index of the edge closest to ``value``."""
    i = bisect.bisect_left(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - value < value - edges[i - 1] else i - 1


def _piece(group: list[BBox], page_no: int, verticals: Sequence[Vertical] = ()) -> TablePiece:
    xs = cluster([v for c in group for v in (c[0], c[2])])
    ys = _open_ends(xs, cluster([v for c in group for v in (c[1], c[3])]), verticals)
    taken: dict[tuple[int, int], PieceCell] = {}
    for bbox in sorted(group, key=lambda c: (c[2] - c[0]) * (c[3] - c[1])):
        c0, c1 = nearest(xs, bbox[0]), nearest(xs, bbox[2])
        r0, r1 = nearest(ys, bbox[1]), nearest(ys, bbox[3])
        if c1 <= c0 or r1 <= r0 or (r0, c0) in taken:
            continue
        taken[(r0, c0)] = PieceCell(bbox, r0, c0, r1 - r0, c1 - c0)
    cells = list(taken.values()) + _open_cells(list(taken.values()), xs, ys, verticals)
    cells.sort(key=lambda c: (c.row, c.col))
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return TablePiece(page=page_no, bbox=bbox, xs=xs, ys=ys, cells=cells)


# A vertical ruling line: its x, top and bottom.
Vertical = tuple[float, float, float]


def _ruled(verticals: Sequence[Vertical], x: float, top: float, bottom: float) -> bool:
    """Whether a vertical line runs at ``x`` from ``top`` to ``bottom``."""
    tol = ALIGN_TOLERANCE
    return any(abs(vx - x) <= tol and vt <= top + tol and vb >= bottom - tol for vx, vt, vb in verticals)


def _open_ends(xs: list[float], ys: list[float], verticals: Sequence[Vertical]) -> list[float]:
    """The row edges with a last (or first) row the table draws without its bottom (top) border:
    the outer vertical lines run on past the last horizontal one."""
    tol = ALIGN_TOLERANCE

    def reach(x: float) -> tuple[float, float]:
        spans = [(vt, vb) for vx, vt, vb in verticals if abs(vx - x) <= tol and vt <= ys[-1] and vb >= ys[0]]
        if not spans:
            return ys[0], ys[-1]
        return min(t for t, _ in spans), max(b for _, b in spans)

    (left_top, left_bottom), (right_top, right_bottom) = reach(xs[0]), reach(xs[-1])
    top, bottom = max(left_top, right_top), min(left_bottom, right_bottom)
    out = list(ys)
    if bottom > ys[-1] + 2 * tol:
        out.append(bottom)
    if top < ys[0] - 2 * tol:
        out.insert(0, top)
    return out


def _open_cells(
    cells: list[PieceCell], xs: list[float], ys: list[float], verticals: Sequence[Vertical]
) -> list[PieceCell]:
    """Cells the ruling leaves open at the top or bottom of a table: a merged cell a page break
    cut is drawn without its bottom (or, on the next page, its top) border, so no closed box
    encloses it and its label would fall out of the table. Where a column's first or last rows
    are covered by no cell and vertical lines bound them on both sides, they are one cell."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    covered = [[False] * n_cols for _ in range(n_rows)]
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covered[r][c] = True
    found: list[PieceCell] = []
    for rows in (range(n_rows - 1, -1, -1), range(n_rows)):  # open at the bottom, then the top
        run: list[int] = []  # per column: how many rows from that edge are uncovered
        for c in range(n_cols):
            k = 0
            for r in rows:
                if covered[r][c]:
                    break
                k += 1
            run.append(k if k < n_rows else 0)
        c = 0
        while c < n_cols:
            k = run[c]
            if not k:
                c += 1
                continue
            r0, r1 = (n_rows - k, n_rows) if rows.start == n_rows - 1 else (0, k)
            top, bottom = ys[r0], ys[r1]
            end = c + 1
            while end < n_cols and run[end] == k and not _ruled(verticals, xs[end], top, bottom):
                end += 1
            if _ruled(verticals, xs[c], top, bottom) and _ruled(verticals, xs[end], top, bottom):
                found.append(PieceCell((xs[c], top, xs[end], bottom), r0, c, r1 - r0, end - c))
                for r in range(r0, r1):
                    for cc in range(c, end):
                        covered[r][cc] = True
            c = end
    return found


def _area(bbox: BBox) -> float:
    return (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])


def assign_glyphs(pieces: Sequence[TablePiece], glyphs: Sequence[Glyph]) -> list[Glyph]:
    """Put each glyph into the cell its centre falls in; return the glyphs outside every cell."""
    if not pieces:
        return list(glyphs)
    grids: list[dict[tuple[int, int], PieceCell]] = []
    for piece in pieces:
        grid: dict[tuple[int, int], PieceCell] = {}
        for cell in piece.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    grid.setdefault((r, c), cell)
        grids.append(grid)
    # The innermost table first: a frame drawn around a page holds the tables inside it.
    order = sorted(zip(pieces, grids, strict=True), key=lambda pg: _area(pg[0].bbox))
    outside: list[Glyph] = []
    for glyph in glyphs:
        x, y = glyph.centre, glyph.middle
        for piece, grid in order:
            x0, top, x1, bottom = piece.bbox
            if x0 <= x <= x1 and top <= y <= bottom:
                col = min(max(bisect.bisect_right(piece.xs, x) - 1, 0), piece.n_cols - 1)
                row = min(max(bisect.bisect_right(piece.ys, y) - 1, 0), piece.n_rows - 1)
                found = grid.get((row, col))
                if found is not None:
                    found.glyphs.append(glyph)
                    break
        else:
            outside.append(glyph)
    return outside


def fill_texts(piece: TablePiece) -> None:
    """Turn each cell's glyphs into its text (wrapped lines joined, paragraphs on new lines)."""
    cell_lines = [(cell, group_lines(cell.glyphs, tab_gap=None)) for cell in piece.cells]
    gaps = [
        min(line.x0 - cell.bbox[0], cell.bbox[2] - line.x1) for cell, lines in cell_lines for line in lines
    ]
    # Cell padding: the smallest distance any line keeps from its cell's sides.
    pad = min(max(min(gaps), 0.5), 8.0) if gaps else 2.0
    for cell, lines in cell_lines:
        inner = cell.bbox[2] - cell.bbox[0] - 2 * pad
        cell.text = clean_text(cell_text(lines, inner)).strip()
        if lines:
            cell.first, cell.last, cell.inner = lines[0], lines[-1], inner
    if piece.weak:
        piece.lines = group_lines([g for cell in piece.cells for g in cell.glyphs])
    for cell in piece.cells:
        cell.glyphs = []


# ---------------------------------------------------------------------------------------------
# Tables across pages
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def _edges_match(a: Sequence[float], b: Sequence[float]) -> bool:
    """Every edge of ``a`` has an edge of ``b`` within the alignment tolerance."""
    return all(abs(b[nearest(b, v)] - v) <= ALIGN_TOLERANCE for v in a)


class TableBuild:
    """A table being assembled from its pieces, page after page.

    Work per added piece is proportional to that piece (plus the table's first piece, where a
    repeated header comes from), not to the table so far: a table over hundreds of pages stays
    linear.
    """

    def __init__(self, piece: TablePiece) -> None:
        self.first_page = piece.page
        self.last = piece
        self.xs = list(piece.xs)
        self.cells: list[_GridCell] = []
        self.n_rows = 0
        # Each piece's cells as placed, to re-map columns when a later piece refines the edges.
        self._placed: list[list[tuple[_GridCell, PieceCell]]] = []
        # Cells whose last row is the table's last row so far, and per column the row after the
        # last cell covering it (a column's open region at the bottom starts there).
        self._bottom: list[_GridCell] = []
        self._col_end: list[int] = []
        self._place(piece, {id(c): self._cols(c) for c in piece.cells}, set(), {}, {})

    def can_continue(self, piece: TablePiece) -> bool:
        """Whether ``piece`` (at the top of the next page) continues this table."""
        last = self.last
        if piece.page != last.page + 1:
            return False
        if (
            abs(piece.xs[0] - last.xs[0]) > ALIGN_TOLERANCE
            or abs(piece.xs[-1] - last.xs[-1]) > ALIGN_TOLERANCE
        ):
            return False
        return _edges_match(piece.xs, self.xs) or _edges_match(last.xs, piece.xs)

    def add(self, piece: TablePiece) -> None:
        """Append ``piece``, the part of this table on the next page."""
        refined = False
        for v in piece.xs:
            if abs(self.xs[nearest(self.xs, v)] - v) > ALIGN_TOLERANCE:
                bisect.insort(self.xs, v)
                refined = True
        if refined:
            self._recolumn()
        cols = {id(c): self._cols(c) for c in piece.cells}
        dropped = self._repeated_header(piece, cols)
        top = len(dropped)
        joined = self._joins(piece, cols, top)
        extended = self._open_below(piece, cols, joined, top)
        rest = self._rest_of_cut_row(piece, cols, joined, top)
        for above, cell in rest:
            above.text = join_text(above.text, cell.text)
            if cell.rowspan > 1:  # a merged label: the part above runs on over the rows below
                joined[id(cell)] = above
        if rest:
            dropped.add(top)  # its text is in the row above now
        self._place(piece, cols, dropped, joined, extended)
        self.last = piece

    def _cols(self, cell: PieceCell) -> tuple[int, int]:
        c0 = nearest(self.xs, cell.bbox[0])
        c1 = nearest(self.xs, cell.bbox[2])
        return c0, max(c1 - c0, 1)

    def _recolumn(self) -> None:
        """Map the cells placed so far onto refined column edges (rare: a later page has a column
        edge the earlier ones lack)."""
        for placed in self._placed:
            for grid_cell, cell in placed:
                grid_cell.col, grid_cell.colspan = self._cols(cell)
        self._col_end = [0] * (len(self.xs) - 1)
        for grid_cell in self.cells:
            self._cover(grid_cell)

    def _cover(self, cell: _GridCell) -> None:
        end = cell.row + cell.rowspan
        for c in range(cell.col, min(cell.col + cell.colspan, len(self._col_end))):
            self._col_end[c] = max(self._col_end[c], end)

    def _repeated_header(self, piece: TablePiece, cols: dict[int, tuple[int, int]]) -> set[int]:
        """Leading rows of ``piece`` that repeat a row of the table's first page (a header row the
        word processor repeats on each page). Cells reaching below the row (a merged label the
        page break cut) are not part of the comparison."""
        rows: dict[int, dict[tuple[int, int], str]] = {}
        for grid_cell, _source in self._placed[0]:
            rows.setdefault(grid_cell.row, {})[(grid_cell.col, grid_cell.colspan)] = grid_cell.text
        dropped: set[int] = set()
        starting: dict[int, list[PieceCell]] = {}
        for cell in piece.cells:
            starting.setdefault(cell.row, []).append(cell)
        for r in range(piece.n_rows):
            signature = {cols[id(c)]: c.text for c in starting.get(r, []) if c.rowspan == 1}
            if sum(1 for text in signature.values() if text) < 2:
                break
            if not any(all(row.get(key) == text for key, text in signature.items()) for row in rows.values()):
                break
            dropped.add(r)
        return dropped

    def _joins(self, piece: TablePiece, cols: dict[int, tuple[int, int]], top: int) -> dict[int, _GridCell]:
        """Cells at the top of ``piece`` (row ``top``, after a repeated header) that continue a
        merged cell the page break cut.

        Either the part above is a cell with the same columns (one of the two parts empty: the
        label is drawn in the other, or both show the same label; at least one part spans several
        rows), or the part above has
        no bottom border (no cell covers those columns at the bottom of the table so far).
        """
        bottom = {(c.col, c.colspan): c for c in self._bottom}
        joined: dict[int, _GridCell] = {}
        for cell in piece.cells:
            if not cell.row <= top < cell.row + cell.rowspan:
                continue
            col, colspan = cols[id(cell)]
            above = bottom.get((col, colspan))
            if above is not None:
                rest = cell.row + cell.rowspan - top
                one_label = not (above.text and cell.text) or above.text == cell.text
                if one_label and (above.rowspan > 1 or rest > 1):
                    joined[id(cell)] = above
                continue
            first = max(self._col_end[col : col + colspan], default=self.n_rows)
            if first < self.n_rows:
                open_cell = _GridCell(first, col, self.n_rows - first, colspan, "")
                self.cells.append(open_cell)
                self._cover(open_cell)
                x0, x1 = self.xs[col], self.xs[col + colspan]
                self._placed[-1].append((open_cell, PieceCell((x0, 0.0, x1, 0.0), 0, 0, 1, 1)))
                joined[id(cell)] = open_cell
        return joined

    def _rest_of_cut_row(
        self, piece: TablePiece, cols: dict[int, tuple[int, int]], joined: dict[int, _GridCell], top: int
    ) -> list[tuple[_GridCell, PieceCell]]:
        """When row ``top`` of ``piece`` is the rest of the table's last row, cut by the page break
        (a word processor lets a row break across pages by default), the pairs (cell at the bottom
        of the table so far, its rest) whose texts join; otherwise none.

        Only a row that plainly is such a rest: each of its cells sits under a cell ending in the
        last row with the same columns (or continues a merged cell whose label is drawn once); it
        has text only where that cell has, and none in at least one column the last row fills (a
        row of its own would have its target, weight and score); no text of it is a bare figure;
        and each text continues a last line that was wrapped (it fills its cell's width). A merged
        label cut mid-text (“可持续” / “影响指标”) is such a pair too. Anything else stays a row
        of its own, as before: merging two real rows would misname an indicator.
        """
        if top >= piece.n_rows or not self._placed:
            return []
        sources = {id(grid_cell): cell for grid_cell, cell in self._placed[-1]}
        bottom = {(c.col, c.colspan): c for c in self._bottom}
        covered = [False] * (len(self.xs) - 1)
        pairs: list[tuple[_GridCell, PieceCell]] = []
        empty_under_text = False
        for cell in piece.cells:
            if not cell.row <= top < cell.row + cell.rowspan:
                continue
            col, colspan = cols[id(cell)]
            for c in range(col, min(col + colspan, len(covered))):
                covered[c] = True
            if id(cell) in joined:
                continue
            above = bottom.get((col, colspan))
            if cell.row != top or above is None or id(above) not in sources:
                return []
            merged = cell.rowspan > 1 or above.rowspan > 1
            if not cell.text and not merged:
                empty_under_text = empty_under_text or bool(above.text)
                continue
            source = sources[id(above)]
            if (
                not above.text
                or not cell.text
                or _BARE_FIGURE.fullmatch(cell.text)
                or source.last is None
                or cell.first is None
                or not joins_in_cell(source.last, cell.first, source.inner)
            ):
                return []
            pairs.append((above, cell))
        if not (pairs and empty_under_text and all(covered)):
            return []
        return pairs

    def _open_below(
        self, piece: TablePiece, cols: dict[int, tuple[int, int]], joined: dict[int, _GridCell], top: int
    ) -> dict[int, int]:
        """Cells at the bottom of the table so far that run on into ``piece`` where it draws no
        top border: how many of ``piece``'s rows (from ``top``) each extends over."""
        continued = {id(above) for above in joined.values()}
        starts = [piece.n_rows] * (len(self.xs) - 1)  # per column: first row of piece covered
        for cell in piece.cells:
            c0, span = cols[id(cell)]
            for c in range(c0, min(c0 + span, len(starts))):
                starts[c] = min(starts[c], max(cell.row, top))
        extended: dict[int, int] = {}
        for grid_cell in self._bottom:
            if id(grid_cell) in continued:
                continue
            rows = min(starts[grid_cell.col : grid_cell.col + grid_cell.colspan], default=top) - top
            if rows > 0:
                extended[id(grid_cell)] = rows
        return extended

    def _place(
        self,
        piece: TablePiece,
        cols: dict[int, tuple[int, int]],
        dropped: set[int],
        joined: dict[int, _GridCell],
        extended: dict[int, int],
    ) -> None:
        offset = self.n_rows
        if len(self._col_end) != len(self.xs) - 1:
            self._col_end = [0] * (len(self.xs) - 1)

        def kept_before(r: int) -> int:
            return r - sum(1 for d in dropped if d < r)

        touched: list[_GridCell] = []
        for grid_cell in self._bottom:
            rows = extended.get(id(grid_cell))
            if rows:
                grid_cell.rowspan += rows
                touched.append(grid_cell)
        placed: list[tuple[_GridCell, PieceCell]] = []
        for cell in piece.cells:
            span_kept = kept_before(cell.row + cell.rowspan) - kept_before(cell.row)
            above = joined.get(id(cell))
            if above is not None:
                above.rowspan += span_kept
                above.text = above.text or cell.text
                touched.append(above)
                continue
            if span_kept <= 0:
                continue
            col, colspan = cols[id(cell)]
            new = _GridCell(offset + kept_before(cell.row), col, span_kept, colspan, cell.text)
            self.cells.append(new)
            placed.append((new, cell))
            touched.append(new)
        self._placed.append(placed)
        self.n_rows = offset + piece.n_rows - len(dropped)
        for grid_cell in touched:
            self._cover(grid_cell)
        if self.n_rows == offset:  # nothing but a repeated header: the bottom stays as it was
            touched.extend(c for c in self._bottom if all(c is not t for t in touched))
        self._bottom = [c for c in touched if c.row + c.rowspan == self.n_rows]

    def table(self, place: str) -> Table:
        cells = tuple(
            Cell(text=c.text, row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan)
            for c in sorted(self.cells, key=lambda c: (c.row, c.col))
        )
        return Table(
            cells=cells, n_rows=self.n_rows, n_cols=len(self.xs) - 1, place=place, page=self.first_page
        )
