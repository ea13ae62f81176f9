"""Page, box and OCR confidence of each fact read from a scan, from the cell or paragraph that states it.

The extractors say where each fact is stated in words a reviewer can follow: ``provenance``
(``"budget.planned_yuan"`` → ``"第1页 表1 第9行"``) and each indicator's or budget line's
``location`` (``"第1页 表2 第5行 三级指标“…”"``). For a scan, the cells and paragraphs at that
place carry what OCR read there (:class:`~jixiao.intake.document.Scanned`). :func:`scan_marks`
goes back once, after extraction, from every fact's place to the block that states its value:

- a table row (the place names it: ``… 第9行``): the cell of that row whose text holds the value:
  an amount as printed in 元, 万元 or 千元, a rate as a percentage, a target or actual as its
  text (or the figures of it), a name or a grade as its words. A cell that is the figure alone
  comes before one that merely mentions it (a name with “（2分）”); for an indicator, the column
  the indicator table's header gives the role (分值, 得分…) decides between cells holding the
  same figure (分值 10 | 得分 10), and the row's name and label cells are never taken for a
  figure; otherwise cells are handed out left to right, one fact each where they can be;
- a paragraph (the place is a page, ``第2页``): the paragraph at that place whose text holds it.

A fact whose cell or paragraph cannot be told gets no mark: a mark never points at text that does
not state the fact. Documents that are no scan give no marks (and the contract leaves them out).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from collections.abc import Mapping
from decimal import Decimal
from decimal import InvalidOperation

from jixiao.core.model import Evaluation
from jixiao.core.model import ScanMark
from jixiao.core.model import Value
from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Scanned
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.grid import Slot
from jixiao.intake.extract.indicators import find_header
from jixiao.intake.extract.prose import squash
from jixiao.intake.extract.sections import outline

Record = Evaluation | Declaration | Monitoring
Fact = Decimal | int | str | dt.date | Value

_ROW = re.compile(r"^(.*?第\d+行)(?!\d)")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
# How a figure may be printed for an exact fact: as is, in 万元 or 千元 (amounts in 元), as a
# percentage (a rate as a fraction).
_SCALES = (Decimal(1), Decimal(10000), Decimal(1000), Decimal("0.01"))
# The indicator facts and the header role (jixiao.intake.extract.indicators) of their column.
_INDICATOR_ROLES = {
    "target": "target",
    "actual": "actual",
    "weight": "weight",
    "claimed_score": "score",
    "to_date": None,
    "expected": None,
}
_LINE_ROLES = ("planned_yuan", "executed_yuan")
# The indicator table's columns that hold one figure each (a header role of .indicators).
_FIGURE_COLUMNS = ("target", "actual", "weight", "score", "nature", "unit")
# Paths whose value is settled after extraction (the declared weights go to the scheme chosen
# when the draft is scored): their value at extraction is no fact stated on the page.
_LATER = ("scheme.",)
# A text fact longer than this is a passage (问题, 目标), not one cell's value.
_LONGEST_TEXT = 60


def scan_marks(
    doc: Document, record: Record, rows: Mapping[str, tuple[Grid, int]] | None = None
) -> dict[str, ScanMark]:
    """Every fact of ``record`` (extracted from ``doc``) that OCR read, by its path: its page,
    box and confidence. ``rows`` are table rows by the locations an extractor gave them in its
    own words (the indicator table's ``第1页 自评表 第11行 三级指标“…”``). Empty when ``doc`` has
    no scanned page."""
    if not doc.scanned:
        return {}
    places = _Places(doc, rows or {})
    marks: dict[str, ScanMark] = {}
    for path, stated in record.provenance.items():
        fact = None if path.startswith(_LATER) else _fact_at(record, path)
        if fact is not None:
            scan = places.find(stated, fact)
            if scan is not None:
                marks[path] = _mark(scan)
    for index, ind in enumerate(record.indicators):
        location: str | None = getattr(ind, "location", None)
        if not location:
            continue
        for role, column in _INDICATOR_ROLES.items():
            fact = getattr(ind, role, None)
            if fact is None:
                continue
            words = [ind.name, ind.level1 or "", ind.level2 or ""]
            scan = places.find(location, fact, role=column, not_in=words)
            if scan is not None:
                marks[f"indicators.{index}.{role}"] = _mark(scan)
    if isinstance(record, Evaluation):
        for index, line in enumerate(record.budget.lines):
            for role in _LINE_ROLES:
                fact = getattr(line, role)
                if fact is not None and line.location:
                    scan = places.find(line.location, fact, not_in=[line.name])
                    if scan is not None:
                        marks[f"budget.lines.{index}.{role}"] = _mark(scan)
    return marks


def _mark(scan: Scanned) -> ScanMark:
    box = scan.box
    return ScanMark(
        page=scan.page,
        box=(round(box.x0), round(box.y0), round(box.x1), round(box.y1)),
        width=scan.width,
        height=scan.height,
        confidence=Decimal(str(round(scan.confidence, 3))),
    )


def _fact_at(record: Record, path: str) -> Fact | None:
    """The value at a dotted path of ``record`` (``"budget.planned_yuan"``,
    ``"indicators.3.target"``) when it is one fact a cell can state, else None."""
    value: object = record
    for part in path.split("."):
        if part.isdigit() and isinstance(value, tuple):
            index = int(part)
            value = value[index] if index < len(value) else None
        else:
            value = getattr(value, part, None)
        if value is None:
            return None
    if isinstance(value, bool):
        return None
    if isinstance(value, str):  # an enum (a kind) is a str too: only plain words are stated
        return value if type(value) is str and len(value) <= _LONGEST_TEXT else None
    if isinstance(value, Decimal | int | dt.date | Value):
        return value
    return None


def _numbers(text: str) -> set[Decimal]:
    found: set[Decimal] = set()
    for match in _NUMBER.findall(text):
        try:
            found.add(Decimal(match.replace(",", "")))
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            continue
    return found


def _fit(text: str, fact: Fact) -> int | None:
    """How well a cell's or paragraph's ``text`` states ``fact``: 0 it is the fact alone, 1 it
    holds it among other words, None it does not state it."""
    flat = squash(text)
    if not flat:
        return None
    if isinstance(fact, Value):
        said = squash(fact.text)
        if said and said == flat:
            return 0
        if said and said in flat:
            return 1
        figures = _NUMBER.findall(said)
        if figures and all(f in flat for f in figures):
            return 0 if len(flat) <= len(said) + 2 else 1  # “295%” for “≥95%”, a split unit
        return None
    if isinstance(fact, dt.date):
        wanted = {Decimal(fact.year), Decimal(fact.month), Decimal(fact.day)}
        return 1 if wanted <= _numbers(flat) else None
    if isinstance(fact, str):
        words = squash(fact)
        if not words:
            return None
        return 0 if words == flat else (1 if words in flat else None)
    exact = Decimal(fact)
    numbers = _numbers(flat)
    if not any(n * scale == exact for n in numbers for scale in _SCALES):
        return None
    whole = _NUMBER.fullmatch(flat.rstrip("%")) is not None
    return 0 if whole else 1


class _Places:
    """The scanned rows and paragraphs of a document by the place the extractors name."""

    def __init__(self, doc: Document, named: Mapping[str, tuple[Grid, int]]) -> None:
        self.named = named
        self.rows: dict[str, tuple[Grid, int]] = {}
        self.paragraphs: dict[str, list[Paragraph]] = {}
        self.outlined: dict[str, Paragraph] = {}  # by the locations prose extractors give
        for para in outline(doc):
            block = doc.blocks[para.index]
            if isinstance(block, Paragraph) and block.scan is not None:
                self.outlined.setdefault(para.location, block)
        self.columns: dict[int, dict[str, int]] = {}
        self.taken: set[int] = set()  # cells handed out, so equal figures of a row go one each
        for block in doc.blocks:
            if isinstance(block, Paragraph):
                if block.scan is not None:
                    self.paragraphs.setdefault(block.place, []).append(block)
            elif any(cell.scan is not None for cell in block.cells):
                grid = Grid(block)
                for r in range(block.n_rows):
                    self.rows[grid.place(r)] = (grid, r)

    def find(
        self, location: str, fact: Fact, *, role: str | None = None, not_in: list[str] | None = None
    ) -> Scanned | None:
        """What OCR read where ``location`` states ``fact``; ``role`` is the indicator column
        it belongs to, ``not_in`` the row's own words (name, labels) that are no figure's cell."""
        row = _ROW.match(location)
        at = self.named.get(location) or (self.rows.get(row[1]) if row is not None else None)
        if at is not None:
            cell = self._cell(at[0], at[1], fact, role, not_in or [])
            return cell.scan if cell is not None else None
        if row is not None:
            return None  # a row of a table that is no scan, or one not known by that place
        for paragraph in self._paragraphs(location):
            if _fit(paragraph.text, fact) is not None:
                return paragraph.scan
        return None

    def _paragraphs(self, location: str) -> Iterator[Paragraph]:
        outlined = self.outlined.get(location)
        if outlined is not None:
            yield outlined
        yield from self.paragraphs.get(location, ())
        head = location.split(" ", 1)[0]
        if head != location:
            yield from self.paragraphs.get(head, ())

    def _cell(self, grid: Grid, r: int, fact: Fact, role: str | None, not_in: list[str]) -> Cell | None:
        slots = [s for s in grid.row(r) if s.cell.scan is not None]
        columns = self._columns(grid) if role is not None else {}
        if columns:
            # The header says which column holds what: the role's own column first; else (a
            # weight written as “（10分）” after the name) any cell but the other figures'
            # columns, the name's cell first.
            own = columns.get(role or "")
            if own is not None:
                for slot in slots:
                    if _covers(slot, own) and _fit(slot.cell.text, fact) is not None:
                        return self._take(slot.cell)
            others = [c for k, c in columns.items() if k in _FIGURE_COLUMNS and k != role]
            slots = [s for s in slots if not any(_covers(s, c) for c in others)]
            name = columns.get("name")
            first = [s for s in slots if name is not None and _covers(s, name)]
            slots = first + [s for s in slots if s not in first]
        else:
            words = {squash(w) for w in not_in if squash(w)}
            slots = [s for s in slots if not any(w in squash(s.cell.text) for w in words)]
        ranked = []
        for order, slot in enumerate(slots):
            fit = _fit(slot.cell.text, fact)
            if fit is not None:
                ranked.append((fit, id(slot.cell) in self.taken, order, slot.cell))
        if not ranked:
            return None
        return self._take(min(ranked, key=lambda item: item[:3])[3])

    def _take(self, cell: Cell) -> Cell:
        self.taken.add(id(cell))
        return cell

    def _columns(self, grid: Grid) -> dict[str, int]:
        """The indicator table's columns by role, from its header (none for a table without one
        or one a converter flattened)."""
        key = id(grid.table)
        if key not in self.columns:
            header = find_header(grid)
            self.columns[key] = dict(header.columns) if header is not None and not header.order else {}
        return self.columns[key]


def _covers(slot: Slot, column: int) -> bool:
    return slot.col <= column < slot.col + slot.cell.colspan
