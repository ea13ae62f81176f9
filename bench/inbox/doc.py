"""A format-neutral document: paragraphs and grids with merged cells.

Layouts build a :class:`Doc`; the writers in :mod:`inbox.writers` turn it into .docx, .xlsx or
.txt. A grid cell carries its text as the page shows it and, for spreadsheets, optionally the
number behind it and its number format, so a workbook can hold real numeric cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field


@dataclass(slots=True)
class Cell:
    text: str
    number: int | float | dt.date | None = None  # a spreadsheet writes this value instead of the text
    fmt: str | None = None  # its number format
    bold: bool = False


@dataclass(slots=True)
class Para:
    """A paragraph. ``kind`` is ``title`` (centred, bold), ``center``, ``heading1``/``heading2``
    (numbered in the text; a .docx may also give them a Heading style), ``body`` or ``right``."""

    text: str
    kind: str = "body"


@dataclass(slots=True)
class Grid:
    """A table of ``n_cols`` columns; ``rows[r][c]`` is ``None`` where a merged cell covers it."""

    n_cols: int
    rows: list[list[Cell | None]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    body: tuple[int, int] | None = None  # first and last indicator row, where a page may break it
    basis: Grid | None = None  # the whole table this part was split from (its column widths)

    def add(self, *items: str | Cell | tuple[str | Cell, int]) -> int:
        """Append a row; an item ``(cell, span)`` spans ``span`` columns. Returns the row index."""
        r = len(self.rows)
        row: list[Cell | None] = []
        for item in items:
            value, span = item if isinstance(item, tuple) else (item, 1)
            row.append(value if isinstance(value, Cell) else Cell(value))
            row.extend([None] * (span - 1))
            if span > 1:
                self.merges.append((r, len(row) - span, r, len(row) - 1))
        if len(row) > self.n_cols:
            raise ValueError(f"row {r} has {len(row)} columns, the grid {self.n_cols}")
        row.extend(Cell("") for _ in range(self.n_cols - len(row)))
        self.rows.append(row)
        return r

    def merge_down(self, col: int, top: int, bottom: int, width: int = 1) -> None:
        """Merge column(s) ``col``…``col + width - 1`` from row ``top`` to ``bottom``; the text
        stays in the top cell, the cells below must be empty."""
        if bottom <= top:
            return
        # Merges already recorded inside the block (a label spanning two columns) become part of it.
        right = col + width - 1
        self.merges = [
            m for m in self.merges if not (top <= m[0] and m[2] <= bottom and col <= m[1] and m[3] <= right)
        ]
        for r in range(top, bottom + 1):
            for c in range(col, col + width):
                if (r, c) == (top, col):
                    continue
                cell = self.rows[r][c]
                if cell is not None and cell.text:
                    raise ValueError(f"merging over non-empty cell ({r}, {c}): {cell.text!r}")
                self.rows[r][c] = None
        self.merges.append((top, col, bottom, col + width - 1))

    def text(self, r: int, c: int) -> str:
        cell = self.rows[r][c]
        return cell.text if cell is not None else ""

    def split(self, at: int) -> tuple[Grid, Grid]:
        """The grid as two tables, rows before ``at`` and from ``at`` on, as a table broken across
        pages is often saved: a merged cell crossing the cut goes on empty in the second table."""
        top = Grid(self.n_cols, self.rows[:at], basis=self)
        bottom = Grid(self.n_cols, [list(r) for r in self.rows[at:]], basis=self)
        for r0, c0, r1, c1 in self.merges:
            if r1 < at:
                top.merges.append((r0, c0, r1, c1))
            elif r0 >= at:
                bottom.merges.append((r0 - at, c0, r1 - at, c1))
            else:
                if (at - 1, c1) != (r0, c0):
                    top.merges.append((r0, c0, at - 1, c1))
                bottom.rows[0][c0] = Cell("")
                if (r1 - at, c1) != (0, c0):
                    bottom.merges.append((0, c0, r1 - at, c1))
        return top, bottom


Block = Para | Grid


@dataclass(slots=True)
class Doc:
    blocks: list[Block] = field(default_factory=list)
    title: str = ""  # the document property

    def p(self, text: str, kind: str = "body") -> None:
        self.blocks.append(Para(text, kind))

    def grid(self, grid: Grid) -> None:
        self.blocks.append(grid)
