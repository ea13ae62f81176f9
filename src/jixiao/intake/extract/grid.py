"""Table helpers the extractors share: logical rows, label lookup, the value beside a label."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jixiao.intake.document import Cell
from jixiao.intake.document import Table
from jixiao.intake.extract.prose import squash


@dataclass(frozen=True, slots=True)
class Slot:
    """A cell as seen from one row: ``col`` where it starts in that row, ``above`` when it is a
    merged cell that started in an earlier row."""

    cell: Cell
    col: int
    above: bool

    @property
    def text(self) -> str:
        return self.cell.text.strip()


class Grid:
    """A table with its grid computed once."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.cells = table.grid()

    @property
    def n_rows(self) -> int:
        return self.table.n_rows

    def row(self, r: int) -> list[Slot]:
        """The distinct cells of row ``r`` left to right (a merged cell once)."""
        slots: list[Slot] = []
        last: Cell | None = None
        for c, cell in enumerate(self.cells[r]):
            if cell is None or cell is last:
                last = cell
                continue
            last = cell
            slots.append(Slot(cell, c, cell.row < r))
        return slots

    def texts(self, r: int) -> list[str]:
        """Row ``r`` as texts per grid column; a merged cell's text at each position it covers."""
        return [cell.text.strip() if cell is not None else "" for cell in self.cells[r]]

    def find(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, Slot]]:
        """Cells whose whitespace-free text matches ``pattern``, as (row, slot), once each."""
        seen: set[int] = set()
        for r in range(self.n_rows):
            for slot in self.row(r):
                if id(slot.cell) in seen:
                    continue
                if pattern.search(squash(slot.cell.text)):
                    seen.add(id(slot.cell))
                    yield r, slot

    def right_of(self, r: int, slot: Slot) -> Slot | None:
        """The first non-empty cell right of ``slot`` in row ``r``."""
        for other in self.row(r):
            if other.col > slot.col and other.cell is not slot.cell and other.text:
                return other
        return None

    def below(self, r: int, slot: Slot) -> tuple[int, Slot] | None:
        """The first non-empty cell under ``slot``'s first column, in a later row."""
        start = r + slot.cell.rowspan if slot.cell.row == r else slot.cell.row + slot.cell.rowspan
        for rr in range(start, self.n_rows):
            cell = self.cells[rr][slot.col]
            if cell is not None and cell is not slot.cell and cell.text.strip():
                return rr, Slot(cell, slot.col, cell.row < rr)
        return None

    def place(self, r: int) -> str:
        return f"{self.table.place} 第{r + 1 + self.table.first_row}行"
