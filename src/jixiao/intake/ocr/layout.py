"""One OCR'd page into blocks: ruled tables as neutral :class:`Table` grids, the rest as paragraphs.

The OCR engine hands on pieces of text with their boxes (:class:`OcrText`); the page image gives
the ruling lines (:mod:`jixiao.intake.ocr.grid`). Here

- a piece whose centre falls in a table cell belongs to that cell; a piece the engine read across
  a column line (two cells' texts run together) is cut at the line, its characters shared out by
  their widths; a cell's pieces become its lines, wrapped lines joined as the PDF reader joins
  them, other line breaks kept as ``"\\n"``;
- pieces outside every table become visual lines (grouped by their middles, left to right, a TAB
  where a wide gap separates two columns) and lines become paragraphs when a line continues the
  one above (it ran to the right edge, the next one is not numbered and follows at line distance);
- blocks come in reading order: top to bottom by their top edge.

OCR reads an empty check box as 口: in a line of numbered options with check boxes, such a 口
after an option becomes ``☐``. It reads a long dash as 一: a table cell holding only that is
``—`` (how forms mark an amount that does not apply).

Trust: a piece with figures read with a confidence below ``min_confidence``, or under a faded
seal (``covered``), or starting with a bare “=” (a ≥ or ≤ that lost a stroke), or starting with a
figure whose first glyph begins well inside the piece's box (a ≥, ≤ or minus sign the recogniser
dropped), is doubtful. In a
table, the table's arithmetic may decide the cell's reading (:mod:`jixiao.intake.ocr.trust`);
otherwise the doubtful piece is dropped, its cell listed in :attr:`Table.unread` (the indicator
reader then reports the value as unread) and the page gets a note naming the table row and what
was not taken; a label with a doubtful figure in brackets (“数量（2分）”) keeps its words. In
running text the piece is dropped and the page gets a note placing it in words on the page. The
notes become ``EXTRACTION_INCOMPLETE`` findings with the reason (识别置信度低).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from numpy.typing import NDArray

from jixiao.intake.document import Block
from jixiao.intake.document import Cell
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Scanned
from jixiao.intake.document import Table
from jixiao.intake.document import cleaned
from jixiao.intake.limits import Limits
from jixiao.intake.ocr.boxes import Box
from jixiao.intake.ocr.boxes import OcrText
from jixiao.intake.ocr.grid import Grid
from jixiao.intake.ocr.grid import find_grids
from jixiao.intake.ocr.trust import Position
from jixiao.intake.ocr.trust import Slot
from jixiao.intake.ocr.trust import resolve
from jixiao.intake.readers.pdf_layout import _NO_LINE_END  # the typesetting rules the PDF reader knows
from jixiao.intake.readers.pdf_layout import _NO_LINE_START
from jixiao.intake.readers.pdf_layout import is_wide
from jixiao.intake.readers.pdf_layout import join_text
from jixiao.intake.readers.pdf_layout import starts_item

# Below this confidence a piece holding figures is not trusted (see the module docstring); the
# readers pass the setting ``ocr_min_confidence``.
DEFAULT_MIN_CONFIDENCE = Limits().ocr_min_confidence
# A gap of this many line heights between two pieces of one visual line is a column gap (TAB).
_TAB_GAP = 2.0
# Two pieces are on one visual line when their middles are this many line heights apart at most.
_SAME_LINE = 0.4
# The next line of a paragraph starts at most this many line heights below the one above.
_LINE_STEP = 2.0
_DIGIT = re.compile(r"\d")
# A piece this much under a faded seal is read as covered by it.
_COVERED = 0.3
# OCR reads an empty check box (□) as the character 口. In a list of numbered options that has
# check boxes, a 口 right after an option's words, before the next option or the end, is a box.
_OPTIONS = re.compile(r"\d\s*[、.．].*\d\s*[、.．]")
_BOX_GLYPHS = re.compile("[■□☐☑☒▣√✓✔]")
_BOX_AS_KOU = re.compile(r"(?<=[\u4e00-\u9fff])\s*口(?=\s*(?:\d+\s*[、.．]|$))")
_DASH_AS_YI = re.compile("一+")
_BRACKETED_FIGURE = re.compile(r"[（(][^（()）]*\d[^（()）]*[)）]")


@dataclass(slots=True)
class _Line:
    """A visual line: its pieces left to right, the text they spell and the box around them."""

    pieces: list[OcrText]
    text: str = ""
    box: Box = field(default_factory=lambda: Box(0, 0, 0, 0))

    @property
    def height(self) -> float:
        return max(statistics.median(p.box.height for p in self.pieces), 1.0)

    @property
    def head_width(self) -> float:
        """Width of what starts the line and could not have been split from it: opening marks,
        a CJK character or a Latin word, and the punctuation that may not start a line."""
        first = self.pieces[0]
        text = first.text
        i, n = 0, len(text)
        while i < n - 1 and text[i] in _NO_LINE_END:
            i += 1
        if i < n and is_wide(text[i]):
            i += 1
        else:
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] in ".,%"):
                i += 1
            i = max(i, 1)
        while i < n and text[i] in _NO_LINE_START:
            i += 1
        return first.box.width / max(_units(text), 1.0) * _units(text[:i])


def _units(text: str) -> float:
    """Width of a text in half-em units: a CJK character counts 2, anything else 1."""
    return float(sum(2 if is_wide(ch) else 1 for ch in text))


def _lines(pieces: Sequence[OcrText], tab_gap: float | None = _TAB_GAP) -> list[_Line]:
    """Group pieces into visual lines, top to bottom; ``tab_gap`` as for the PDF reader's lines."""
    ordered = sorted(pieces, key=lambda p: (p.box.centre[1], p.box.x0))
    groups: list[list[OcrText]] = []
    middle = 0.0
    for piece in ordered:
        y = piece.box.centre[1]
        if groups:
            height = max(statistics.median(p.box.height for p in groups[-1]), piece.box.height, 1.0)
            if abs(y - middle) <= _SAME_LINE * height:
                groups[-1].append(piece)
                continue
        groups.append([piece])
        middle = y
    lines = [_make_line(group, tab_gap) for group in groups]
    lines.sort(key=lambda line: (line.box.y0, line.box.x0))
    return lines


def _make_line(group: list[OcrText], tab_gap: float | None) -> _Line:
    group = sorted(group, key=lambda p: p.box.x0)
    line = _Line(group)
    height = line.height
    text = ""
    for prev, piece in zip([None, *group], group, strict=False):
        if prev is None:
            text = piece.text
            continue
        gap = piece.box.x0 - prev.box.x1
        if tab_gap is not None and gap >= tab_gap * height:
            text += "\t" + piece.text
        elif gap > 0.3 * height and not (is_wide(text[-1:] or " ") and is_wide(piece.text[:1] or " ")):
            text += " " + piece.text
        else:
            text += piece.text
    line.text = _boxes(text)
    line.box = Box(
        min(p.box.x0 for p in group),
        min(p.box.y0 for p in group),
        max(p.box.x1 for p in group),
        max(p.box.y1 for p in group),
    )
    return line


@dataclass(frozen=True, slots=True)
class _Column:
    """The page's text column: where lines start and end, and the page's middle."""

    left: float
    right: float
    centre: float

    def centred(self, line: _Line) -> bool:
        """Whether a line is set centred (a title), not against the left edge."""
        size = line.height
        middle = (line.box.x0 + line.box.x1) / 2
        return line.box.x0 - self.left >= size and abs(middle - self.centre) < max(size, 0.02 * self.centre)


def _continues(prev: _Line, line: _Line, column: _Column, paragraph: str) -> bool:
    """Whether ``line`` goes on with the paragraph whose last line is ``prev`` (see the module
    docstring)."""
    size = max(prev.height, line.height)
    if abs(prev.height - line.height) > 0.25 * size:
        return False
    if column.centred(prev) or column.centred(line):
        return False
    if line.box.x0 > prev.box.x0 + 0.8 * size:
        return False  # indented: a new paragraph
    if starts_item(line.text) and not paragraph.endswith(("：", ":", "，", ",")):
        return False
    step = line.box.y0 - prev.box.y0
    if step <= 0 or step > _LINE_STEP * size:
        return False
    return prev.box.x1 + line.head_width > column.right - 0.8 * size


# A figure that starts with a bare equals sign (“=1次/周”), not ≥ ≤ or a formula's “a=b”.
_BARE_EQUALS = re.compile(r"[=＝]\s*\d")
# A piece whose text starts with a figure while its first glyph begins further than this share of
# the line's height right of the box's left edge: the recogniser dropped a mark before the figure
# (bench/ocr_accuracy.py's jpeg scan of 004 read “1次/周” for “≥1次/周”, confidence 0.95, its first
# glyph 17 px = 0.47 of the height in; the pieces read whole around it start within 0.2).
_LOST_LEAD = 0.35
_STARTS_WITH_FIGURE = re.compile(r"[\d.]")


@dataclass(frozen=True, slots=True)
class _Trust:
    """Which pieces' figures are doubtful, and why (the reason a note gives)."""

    min_confidence: float
    # pieces (by identity) that lie under a seal or another mark the page preparation faded
    covered: frozenset[int] = frozenset()

    def doubt(self, piece: OcrText) -> str | None:
        if _DIGIT.search(piece.text) is None:
            return None
        shown = piece.text.strip()
        if id(piece) in self.covered:
            return f"“{shown}”在印章下，识别不可靠，其中的数字未采用"
        if piece.confidence < self.min_confidence:
            return f"“{shown}”识别置信度低（{piece.confidence:.2f}），其中的数字未采用"
        if _BARE_EQUALS.match(shown):
            # Forms write targets as ≥/≤/＝ figures; a scan that loses the lower stroke of ≥ or ≤
            # leaves “=”, read with full confidence. Which it was cannot be told from the image.
            return f"“{shown}”开头的“=”可能是“≥”或“≤”的笔画缺失，其中的数字未采用"
        if piece.lead > _LOST_LEAD * piece.box.height and _STARTS_WITH_FIGURE.match(shown):
            # The detector saw ink there (a ≥, ≤, minus sign or digit) that no glyph was read for.
            return f"“{shown}”之前有未能识别的字符（可能是“≥”“≤”或负号），其中的数字未采用"
        return None


def _overlap(box: Box, other: Box) -> float:
    """The share of ``box`` that ``other`` covers."""
    w = min(box.x1, other.x1) - max(box.x0, other.x0)
    h = min(box.y1, other.y1) - max(box.y0, other.y0)
    return max(w, 0.0) * max(h, 0.0) / max(box.width * box.height, 1.0)


@dataclass(frozen=True, slots=True)
class _Page:
    """Which page is laid out and the size of its image (pixels), for provenance."""

    number: int
    width: int
    height: int

    def scanned(self, boxes: Sequence[Box], pieces: Sequence[OcrText]) -> Scanned:
        """Provenance: the box around ``boxes`` (on the page image) and the lowest confidence."""
        around = Box(
            min(b.x0 for b in boxes),
            min(b.y0 for b in boxes),
            max(b.x1 for b in boxes),
            max(b.y1 for b in boxes),
        )
        confidence = min(p.confidence for p in pieces)
        return Scanned(self.number, around, confidence, self.width, self.height)


def _dash(text: str) -> str:
    """A cell holding only a long dash, which OCR reads as the character 一, as the dash (—)."""
    return "—" if _DASH_AS_YI.fullmatch(text.strip()) else text


def _boxes(text: str) -> str:
    """Empty check boxes OCR read as 口, in a list of options with check boxes, as ``☐``."""
    if "口" in text and _OPTIONS.search(text) and _BOX_GLYPHS.search(text):
        return re.sub(r"☐(?=\d)", "☐ ", _BOX_AS_KOU.sub(" ☐", text))
    return text


def _label_part(piece: OcrText) -> OcrText | None:
    """A doubtful piece that is a label with a figure in brackets (“数量（2分）”): the label
    without the bracket, or ``None`` when the figures are more than such an aside."""
    text = _BRACKETED_FIGURE.sub("", piece.text).strip()
    if _DIGIT.search(text) or sum(1 for ch in text if is_wide(ch)) < 2:
        return None
    return OcrText(text, piece.box, piece.confidence)


def _split_across(piece: OcrText, grid: Grid) -> list[OcrText]:
    """Cut a piece the engine read across column lines of ``grid`` into one piece per column
    (``piece`` in the grid's frame)."""
    box = piece.box
    height = max(box.height, 1.0)
    position = grid.position(*box.centre)
    if position is None or len(piece.text) < 2:
        return [piece]
    row = position[0]
    # Only lines that part two cells in the piece's row: inside a merged cell there is none.
    cuts = [
        grid.xs[k]
        for k in range(1, grid.n_cols)
        if box.x0 + 0.5 * height < grid.xs[k] < box.x1 - 0.5 * height
        and grid.cell_at(row, k - 1) is not grid.cell_at(row, k)
    ]
    if not cuts:
        return [piece]
    total = _units(piece.text)
    per_unit = box.width / max(total, 1.0)
    out: list[OcrText] = []
    start_x, start_i, used = box.x0, 0, 0.0
    for i, ch in enumerate(piece.text):
        mid = box.x0 + (used + _units(ch) / 2) * per_unit
        used += _units(ch)
        if cuts and mid > cuts[0]:
            cut = cuts.pop(0)
            while cuts and mid > cuts[0]:
                cut = cuts.pop(0)
            part = piece.text[start_i:i].strip()
            if part:  # the first part keeps the piece's lead: it starts where the piece does
                lead = piece.lead if start_i == 0 else 0.0
                out.append(OcrText(part, Box(start_x, box.y0, cut, box.y1), piece.confidence, lead))
            start_x, start_i = cut, i
    part = piece.text[start_i:].strip()
    if part:
        lead = piece.lead if start_i == 0 else 0.0
        out.append(OcrText(part, Box(start_x, box.y0, box.x1, box.y1), piece.confidence, lead))
    return out


def _cell_text(pieces: list[OcrText], box: Box) -> str:
    """A cell's text: its lines top to bottom, wrapped lines joined, other breaks as ``"\\n"``."""
    lines = _lines(pieces, tab_gap=None)
    parts: list[str] = []
    prev: _Line | None = None
    for line in lines:
        if prev is not None and parts:
            size = max(prev.height, line.height)
            # The cell's padding is about a third of a line on either side.
            inner = box.width - 0.6 * size
            if not starts_item(line.text) and prev.box.width + line.head_width > inner - 0.8 * size:
                parts[-1] = join_text(parts[-1], line.text)
                prev = line
                continue
        parts.append(line.text)
        prev = line
    return "\n".join(parts)


def _table(
    grid: Grid,
    pieces: list[OcrText],
    place: str,
    page: _Page,
    trust: _Trust,
    notes: list[tuple[str, str]] | None,
) -> Table:
    by_cell: dict[Position, list[OcrText]] = {}
    anchor: dict[Position, Position] = {}
    for gc in grid.cells:
        for r in range(gc.row, gc.row + gc.rowspan):
            for c in range(gc.col, gc.col + gc.colspan):
                anchor[(r, c)] = (gc.row, gc.col)
    doubtful: set[Position] = set()
    for piece in pieces:
        position = grid.position(*piece.box.centre)
        if position is None:
            continue
        key = anchor.get(position, position)
        if trust.doubt(piece) is not None:
            doubtful.add(key)
        by_cell.setdefault(key, []).append(piece)
    texts: dict[Position, tuple[str, str | None]] = {}
    for gc in grid.cells:
        own = by_cell.get((gc.row, gc.col))
        if own:
            texts[(gc.row, gc.col)] = cleaned(_dash(_cell_text(own, gc.box)))
    # Doubtful figures: what the table's arithmetic decides is kept, the rest is left unread.
    slots = [
        Slot(gc.row, gc.col, gc.rowspan, gc.colspan, texts.get((gc.row, gc.col), ("", None))[0])
        for gc in grid.cells
    ]
    decided = resolve(slots, doubtful)
    unread: set[Position] = set()
    for gc in grid.cells:
        key = (gc.row, gc.col)
        if key not in doubtful:
            continue
        if key in decided:
            text = decided[key]
            texts[key] = (text, None if text == texts[key][0] else texts[key][0])
            continue
        unread.add(key)
        sure: list[OcrText] = []
        for piece in by_cell[key]:
            reason = trust.doubt(piece)
            if reason is None:
                sure.append(piece)
                continue
            label = _label_part(piece)
            if label is not None:
                sure.append(label)
            # Every figure not taken is said, whatever the cell holds (an amount of the budget
            # table, a total): the form readers report unread indicator values on their own too.
            if notes is not None:
                at = page.scanned([grid.to_page(piece.box)], [piece]).pixels()
                notes.append((f"{place} 第{gc.row + 1}行 第{gc.col + 1}列{at}", reason))
        texts[key] = cleaned(_cell_text(sure, gc.box)) if sure else ("", None)
    cells: list[Cell] = []
    for gc in grid.cells:
        # Empty cells too: their spans are part of the form's shape, as the PDF reader keeps them.
        text, original = texts.get((gc.row, gc.col), ("", None))
        own = by_cell.get((gc.row, gc.col))
        scan = page.scanned([grid.to_page(p.box) for p in own], own) if own else None
        cells.append(Cell(text, gc.row, gc.col, gc.rowspan, gc.colspan, original=original, scan=scan))
    return Table(
        cells=tuple(cells),
        n_rows=grid.n_rows,
        n_cols=grid.n_cols,
        place=place,
        page=page.number,
        unread=frozenset(unread),
    )


def page_blocks(
    image: NDArray[Any],
    texts: Sequence[OcrText],
    page: int,
    *,
    tables_before: int = 0,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    notes: list[tuple[str, str]] | None = None,
    covered: Sequence[Box] = (),
) -> list[Block]:
    """The blocks of one page in reading order (see the module docstring).

    ``image`` is the prepared page image the ``texts`` were read from, ``page`` its number (from
    1); tables are numbered after ``tables_before`` tables of earlier pages (``第2页 表3``).
    ``covered`` are regions of the image where a seal was faded: figures read there are doubtful
    whatever the engine's confidence (its strokes can take a ≥ away and score the rest high).
    What the page holds but cannot be trusted is appended to ``notes`` as ``(place, reason)``.
    """
    grids = find_grids(image)
    inside: list[list[OcrText]] = [[] for _ in grids]
    outside: list[OcrText] = []
    under: set[int] = set()
    for piece in texts:
        if not piece.text.strip():
            continue
        hidden = any(_overlap(piece.box, region) >= _COVERED for region in covered)
        for i, grid in enumerate(grids):
            local = grid.local(piece.box)
            if grid.position(*local.centre) is not None:
                parts = _split_across(OcrText(piece.text, local, piece.confidence, piece.lead), grid)
                inside[i].extend(parts)
                if hidden:
                    under.update(id(part) for part in parts)
                break
        else:
            outside.append(piece)
            if hidden:
                under.add(id(piece))
    trust = _Trust(min_confidence, frozenset(under))
    sheet = _Page(page, int(image.shape[1]), int(image.shape[0]))
    items: list[tuple[float, Block]] = []
    for i, grid in enumerate(grids):
        place = f"第{page}页 表{tables_before + i + 1}"
        items.append((grid.box.y0, _table(grid, inside[i], place, sheet, trust, notes)))
    kept: list[OcrText] = []
    for piece in outside:
        reason = trust.doubt(piece)
        if reason is not None:
            if notes is not None:
                scan = sheet.scanned([piece.box], [piece])
                notes.append((f"{scan.where()}{scan.pixels()}", reason))
            continue
        kept.append(piece)
    items.extend((y, paragraph) for y, paragraph in _paragraphs(kept, sheet, grids))
    items.sort(key=lambda item: item[0])
    return [block for _, block in items]


def _paragraphs(pieces: list[OcrText], page: _Page, grids: list[Grid]) -> list[tuple[float, Paragraph]]:
    lines = _lines(pieces)
    if not lines:
        return []
    width = float(page.width)
    # The column: where most lines start and end; ruled tables span it; with few lines to go by,
    # margins as wide on the right as on the left.
    k = min(len(lines) - 1, len(lines) // 10)
    left = sorted(line.box.x0 for line in lines)[k]
    right = sorted((line.box.x1 for line in lines), reverse=True)[k]
    if len(lines) < 10:
        right = max(right, width - left)
    column = _Column(left, max([right, *(g.box.x1 for g in grids)]), width / 2)
    tops = [g.box.y0 for g in grids]
    out: list[tuple[float, Paragraph]] = []
    open_lines: list[_Line] = []
    text = ""

    def close() -> None:
        nonlocal open_lines, text
        if open_lines:
            clean, original = cleaned(text)
            if clean:
                pieces = [p for line in open_lines for p in line.pieces]
                scan = page.scanned([line.box for line in open_lines], pieces)
                paragraph = Paragraph(
                    clean, f"第{page.number}页", page=page.number, original=original, scan=scan
                )
                out.append((open_lines[0].box.y0, paragraph))
        open_lines, text = [], ""

    for line in lines:
        if open_lines:
            prev = open_lines[-1]
            # A table between two lines ends the paragraph.
            between = any(prev.box.y1 <= top <= line.box.y0 for top in tops)
            if (
                not between
                and "\t" not in prev.text
                and "\t" not in line.text
                and _continues(prev, line, column, text)
            ):
                open_lines.append(line)
                text = join_text(text, line.text)
                continue
            close()
        open_lines, text = [line], line.text
    close()
    return out
