"""A neutral view of a submitted document: what every reader produces and every extractor reads.

A reader (txt, docx, xlsx, pdf…) turns a file into a :class:`Document`: an ordered list of blocks,
each a :class:`Paragraph` or a :class:`Table`. Nothing here knows about budgets or indicators; the
extractors in ``jixiao.intake.extract`` find those in the blocks, whatever format they came from.

Conventions every reader keeps:

- Text is as the reader of the document sees it, with :func:`clean_text` applied: checkbox marks
  of any kind become ``☑`` (checked) or ``☐`` (unchecked); zero-width characters and soft hyphens
  are dropped; non-breaking spaces become spaces; then :func:`jixiao.intake.normalise.normalise`
  (Traditional → Simplified, pinyin annotations dropped, full-width digits and letters, OCR
  confusions in comparators and numbers). Full-width CJK punctuation is kept as written. A reader
  that knows the text as written keeps it in ``original`` when normalisation changed it.
- A paragraph numbered automatically by the word processor carries its generated number in its
  text (“2.项目绩效阶段性目标”), as a reader of the printed page sees it.
- A table is a grid. A merged cell is one :class:`Cell` with ``rowspan``/``colspan``; the grid
  positions it covers all refer to that same cell (see :meth:`Table.grid`). A cell's paragraphs
  are joined with ``"\\n"``.
- A spreadsheet number keeps its exact value in ``Cell.number``; its ``text`` writes that exact
  value the way the cell's format shows it (``2,440.91``, ``100%``, ``2021年6月30日``), never
  rounded to the displayed decimals.
- ``place`` says where a block is in words a reviewer can follow: ``"第3段"``, ``"第2页"``,
  ``"表1"``, ``"第3页 表1"``, ``"工作表“项目自评表”"``.
- What OCR read (a scan) carries :class:`Scanned` in ``scan``: its page, its box on the prepared
  page image and the engine's confidence. Other readers leave ``scan`` ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.intake.normalise import normalise
from jixiao.intake.ocr.boxes import Box

CHECKED = "☑"
UNCHECKED = "☐"

# Glyphs and markup that mean a ticked or an empty box. ■ and □ are how many units draw them by
# hand; ☒/☐ come from Word content controls; the HTML forms from converters such as mammoth.
_CHECKED_GLYPHS = "■☑☒✓✔√▣"
_UNCHECKED_GLYPHS = "□☐"
_HTML_BOX = re.compile(r"<input\b[^>]*type=[\"']?checkbox[\"']?[^>]*/?>", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CHECK_TRANS = str.maketrans(
    {**dict.fromkeys(_CHECKED_GLYPHS, CHECKED), **dict.fromkeys(_UNCHECKED_GLYPHS, UNCHECKED), "\u00a0": " "}
)


def _html_box(match: re.Match[str]) -> str:
    return CHECKED if re.search(r"\bchecked\b", match.group(0), re.IGNORECASE) else UNCHECKED


def clean_text(text: str) -> str:
    """Normalise what every reader emits (see the module docstring)."""
    if "<" in text:
        text = _HTML_BOX.sub(_html_box, text)
    if not text.isascii():
        text = _INVISIBLE.sub("", text).translate(_CHECK_TRANS)
    return normalise(text)


def cleaned(text: str) -> tuple[str, str | None]:
    """``clean_text`` of ``text`` (stripped), and the text as written when the two differ."""
    clean = clean_text(text).strip()
    return clean, (None if clean == text.strip() else text.strip())


@dataclass(frozen=True, slots=True)
class Scanned:
    """Where OCR read a paragraph or a cell: the page (from 1), the box around its pieces in
    pixels of the prepared page image, the lowest confidence among them (0–1), and the size of
    that page image (``width`` × ``height`` pixels, so the box can be drawn or taken as shares)."""

    page: int
    box: Box
    confidence: float
    width: int
    height: int

    def pixels(self) -> str:
        """The box in pixels, for a place a reviewer can look up on the page image:
        ``"（图像框 120,340–480,380，页面 2480×3508 像素）"``."""
        b = self.box
        return (
            f"（图像框 {round(b.x0)},{round(b.y0)}–{round(b.x1)},{round(b.y1)}，"
            f"页面 {self.width}×{self.height} 像素）"
        )

    def where(self) -> str:
        """The box in words a reviewer can follow on the page image: ``"第2页 上部偏左"``."""
        x, y = self.box.centre
        row = "上部" if y < self.height / 3 else ("中部" if y < 2 * self.height / 3 else "下部")
        col = "偏左" if x < self.width / 3 else ("居中" if x < 2 * self.width / 3 else "偏右")
        return f"第{self.page}页 {row}{col}"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph (or, from a PDF, a run of lines that form one).

    ``original`` is the text as written when normalisation changed it (else ``None``).

    ``heading`` is the outline level (1 = top) when the source marks the paragraph as a heading
    (a Heading style, an outline level); readers of plain text leave it ``None`` and the
    extractors recognise headings by their numbering.
    """

    text: str
    place: str
    heading: int | None = None
    page: int | None = None
    original: str | None = None
    scan: Scanned | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table, at its top-left grid position; ``original`` as for :class:`Paragraph`."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    number: Decimal | None = None
    original: str | None = None
    scan: Scanned | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table as a grid of ``n_rows`` × ``n_cols`` positions covered by ``cells``.

    Positions no cell covers are empty. ``page`` is the page a PDF table starts on.
    ``first_row`` is how many rows of the source table come before this one: a table cut into
    the forms it holds keeps its rows' numbers in places (``表1 第21行``).
    ``unread`` lists the (row, col) positions of a table rebuilt from text whose cell held
    figures that could not be placed: the cell is empty, but the document did not leave it so.
    """

    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    place: str
    page: int | None = None
    first_row: int = 0
    unread: frozenset[tuple[int, int]] = frozenset()

    def grid(self) -> list[list[Cell | None]]:
        """Every grid position, rows first; a merged cell appears at every position it covers."""
        grid: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.rowspan, self.n_rows)):
                row = grid[r]
                for c in range(cell.col, min(cell.col + cell.colspan, self.n_cols)):
                    row[c] = cell
        return grid

    def text_rows(self) -> list[list[str]]:
        """The grid as text; a merged cell's text only at its top-left position, "" elsewhere."""
        rows = [[""] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            if cell.row < self.n_rows and cell.col < self.n_cols:
                rows[cell.row][cell.col] = cell.text
        return rows


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    """A file as read: its blocks in reading order, and what the reader noticed.

    ``notes`` are parts the reader could not turn into blocks (an embedded object, a chart, a
    sheet it skipped), each ``(place, reason)`` in Chinese; the pipeline reports them as
    ``EXTRACTION_INCOMPLETE`` findings. ``title`` is the document property, if set.
    ``scanned`` is how many of its pages were read by OCR (0 for a document with text).
    """

    path: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    pages: int | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)
    scanned: int = 0

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All text in reading order: paragraphs as lines, table rows as TAB-separated lines."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            else:
                out.extend("\t".join(c.replace("\n", " ") for c in row) for row in block.text_rows())
        return "\n".join(out)


class UnreadableDocument(Exception):
    """The file cannot be read at all; ``reason`` says why, in Chinese, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def table_from_rows(
    rows: list[list[str]],
    place: str,
    page: int | None = None,
    unread: frozenset[tuple[int, int]] = frozenset(),
) -> Table:
    """A table without merged cells from rows of text (ragged rows are padded with empties);
    ``unread`` as for :class:`Table`."""
    width = max((len(r) for r in rows), default=0)
    cells = tuple(
        Cell(text=text, row=r, col=c) for r, row in enumerate(rows) for c, text in enumerate(row) if text
    )
    return Table(cells=cells, n_rows=len(rows), n_cols=width, place=place, page=page, unread=unread)
