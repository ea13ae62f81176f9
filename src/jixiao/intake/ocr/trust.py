"""Which OCR'd figures in a table to trust: the arithmetic of the table decides doubtful readings.

A figure the engine read with low confidence is not taken as read. If the cell holds a plain
number or percentage, its readings are the text as read and the texts the usual glyph confusions
of OCR make of it (one glyph changed: 0/6/8, 1/7, 5/6, and the decimal point and the thousands
comma). The table's own arithmetic then decides, using only cells read with confidence:

- a rate: in one row, a percentage right of two amounts equals the right one ÷ the left one
  (执行率 = 执行数 ÷ 预算数), to the percentage's printed decimals;
- a product: in one row, a number right of a percentage equals the number left of it × the
  percentage (得分 = 分值 × 执行率), to its printed decimals;
- a total: in a row labelled 合计/总计/总分/小计, a number equals the sum of the numbers above it in
  its column (up to the column's header);
- a bound: a number right of a weight written in its row (“（2分）”) is not above the weight
  (得分 ≤ 权重); this only rules readings out.

A reading is decided when it alone satisfies one of the equalities (and breaks no bound); with
no reading or more than one, the cell stays unread. Where an equality holds two doubtful cells,
only their readings as read are tried together: doubtful figures that agree with each other as
read (两个数都在印章下，执行率仍然吻合) confirm one another. A wrong number reported as certain is
worse than a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

# Glyphs OCR takes for one another in printed figures.
CONFUSIONS: dict[str, str] = {
    "0": "68",
    "6": "085",
    "8": "06",
    "5": "6",
    "1": "7",
    "7": "1",
    ".": ",",
    ",": ".",
}
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)$")
_WEIGHT = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计|总\s*分|小\s*计)")

Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Figure:
    """A plain number or percentage as printed: its value and how many decimals it shows."""

    value: Decimal
    decimals: int
    percent: bool


def figure(text: str) -> Figure | None:
    """The figure a cell's whole text is, or ``None`` (words, units, several figures)."""
    match = _NUMBER.match(text.strip().replace(" ", ""))
    if match is None:
        return None
    try:
        value = Decimal(match.group(0).rstrip("%").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    return Figure(value, len(match.group(1) or ""), bool(match.group(2)))


def readings(text: str) -> list[str]:
    """The text as read, then every figure one confused glyph away from it."""
    text = text.strip().replace(" ", "")
    out = [text]
    for i, ch in enumerate(text):
        for other in CONFUSIONS.get(ch, ""):
            candidate = text[:i] + other + text[i + 1 :]
            if candidate not in out and figure(candidate) is not None:
                out.append(candidate)
    return out


@dataclass(frozen=True, slots=True)
class Slot:
    """A table cell as the arithmetic sees it: where it is and its text."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str

    def covers_row(self, row: int) -> bool:
        return self.row <= row < self.row + self.rowspan

    def covers_col(self, col: int) -> bool:
        return self.col <= col < self.col + self.colspan


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals))


def _equal(shown: Figure, exact: Decimal) -> bool:
    """Whether a figure shows ``exact`` at its printed decimals (rounded either way at a half)."""
    step = Decimal(1).scaleb(-shown.decimals)
    return abs(shown.value - exact) <= step / 2


class _Table:
    def __init__(self, slots: Iterable[Slot]) -> None:
        self.slots = sorted(slots, key=lambda s: (s.row, s.col))
        self.at = {(s.row, s.col): s for s in self.slots}

    def row(self, r: int) -> list[Slot]:
        return sorted((s for s in self.slots if s.covers_row(r)), key=lambda s: s.col)

    def column_above(self, slot: Slot) -> list[Slot]:
        """The figures above ``slot`` in its column, nearest first, up to the column's header."""
        above = sorted(
            (s for s in self.slots if s.row + s.rowspan <= slot.row and s.covers_col(slot.col)),
            key=lambda s: -s.row,
        )
        run: list[Slot] = []
        for s in above:
            if not s.text.strip():
                continue
            if figure(s.text) is None:
                break
            run.append(s)
        return run


def _equalities(table: _Table, slot: Slot) -> Iterator[tuple[list[Slot], str]]:
    """The relations ``slot`` takes part in: (the cells involved, the relation's kind)."""
    for r in range(slot.row, slot.row + slot.rowspan):
        row = table.row(r)
        for i, a in enumerate(row):
            for j in range(i + 1, len(row)):
                for k in range(j + 1, len(row)):
                    trio = [a, row[j], row[k]]
                    if slot in trio:
                        yield trio, "rate"
                        yield trio, "product"
        if any(_TOTAL.match(s.text.strip()) for s in row if s is not slot):
            yield [slot, *table.column_above(slot)], "total"
    for s in table.slots:
        if s.row > slot.row and s.covers_col(slot.col):
            labels = table.row(s.row)
            if any(_TOTAL.match(x.text.strip()) for x in labels if x is not s):
                run = table.column_above(s)
                if slot in run:
                    yield [s, *run], "total"


def _holds(kind: str, figures: list[Figure]) -> bool:
    if kind == "rate":
        a, b, p = figures
        if a.percent or b.percent or not p.percent or not a.value:
            return False
        return _equal(p, b.value / a.value * 100)
    if kind == "product":
        w, p, s = figures
        if w.percent or not p.percent or s.percent:
            return False
        return _equal(s, w.value * p.value / 100)
    total, *parts = figures
    if total.percent or any(f.percent for f in parts) or len(parts) < 2:
        return False
    return _equal(total, sum((f.value for f in parts), Decimal(0)))


def _bound(table: _Table, slot: Slot) -> Decimal | None:
    """The weight written left of ``slot`` in its row, if any."""
    weights = [
        Decimal(m.group(1))
        for s in table.row(slot.row)
        if s.col < slot.col and (m := _WEIGHT.search(s.text)) is not None
    ]
    return weights[-1] if len(weights) == 1 else None


def resolve(slots: Iterable[Slot], doubtful: set[Position]) -> dict[Position, str]:
    """The readings the arithmetic decides for doubtful cells (by top-left position); a doubtful
    cell missing from the answer stays unread."""
    table = _Table(slots)
    decided: dict[Position, str] = {}
    for position in sorted(doubtful):
        slot = table.at.get(position)
        if slot is None or figure(slot.text) is None:
            continue
        bound = _bound(table, slot)
        relations = list(_equalities(table, slot))
        winners: list[str] = []
        options = readings(slot.text)
        for reading in options:
            fig = figure(reading)
            assert fig is not None
            if bound is not None and not fig.percent and fig.value > bound:
                continue
            for cells, kind in relations:
                others = [c for c in cells if c is not slot]
                # Other doubtful cells count only as read, and only for the reading as read:
                # doubtful figures that agree with each other as read confirm one another.
                if reading != options[0] and any((c.row, c.col) in doubtful for c in others):
                    continue
                figures = [fig if c is slot else figure(c.text) for c in cells]
                if all(f is not None for f in figures) and _holds(
                    kind, [f for f in figures if f is not None]
                ):
                    winners.append(reading)
                    break
        if len(winners) == 1:
            decided[position] = winners[0]
    return decided
