"""A form (the 自评表, a 目标申报表, a 监控情况表) as a PDF drawn directly with ReportLab.

LibreOffice costs about 0.3 CPU seconds to lay out and print one 自评表 (``bench/README.md``);
drawing the :class:`~jixiao.export.form.Form` grid straight into a PDF costs a fraction of it.
The page is what :mod:`jixiao.export.docx_table` draws: A4 in the layout's orientation and
margins, the title and the lines above the table, the grid with its merged cells and borders,
the indicator header repeated on every page the indicator rows run onto, the rows after them a
table of their own (no page holds only the header over them), and “第 1 页，共 3 页” centred in
the footer.

Fonts: ReportLab embeds TrueType only, and Debian's Noto CJK fonts are CFF. The Ming face
``AR PL UMing CN`` (``fonts-arphic-uming``, a 宋体-like face) draws the text; ``WenQuanYi Zen
Hei`` (``fonts-wqy-zenhei``, a 黑体) draws bold text (UMing has no bold) and any character UMing
lacks. Both are subset into the PDF with a ToUnicode map, so the text layer reads back exactly
(``jixiao extract`` of the PDF gives the evaluation's facts). A character neither face has is
still written (a reader of the text layer gets it) and prints as an empty box, as LibreOffice's
does; ``scripts/system-deps`` installs both packages. :func:`available` says whether the faces
are installed; :mod:`jixiao.export.api` falls back to LibreOffice when they are not.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape
from reportlab.lib.pagesizes import portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus import Flowable
from reportlab.platypus import Frame
from reportlab.platypus import PageTemplate
from reportlab.platypus import Paragraph
from reportlab.platypus import Spacer
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from jixiao.export.errors import ExportError
from jixiao.export.form import Align
from jixiao.export.form import Form
from jixiao.export.form import FormCell
from jixiao.export.linebreak import break_lines

SONG_FILES: tuple[tuple[str, int], ...] = (("/usr/share/fonts/truetype/arphic/uming.ttc", 0),)
"""Where Debian's ``fonts-arphic-uming`` puts ``AR PL UMing CN`` (file, face index)."""
HEI_FILES: tuple[tuple[str, int], ...] = (("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),)
"""Where Debian's ``fonts-wqy-zenhei`` puts ``WenQuanYi Zen Hei``."""
SONG, HEI = "JixiaoSong", "JixiaoHei"

LINE_WIDTH = 0.5  # points, as Word's single ½-point border
PAD_X, PAD_Y = 2.85, 1.5  # cell margins in points (the .docx's 57 twips left and right)
LEADING = 1.3  # line height as a multiple of the font size
_ALIGN: dict[Align, Literal[0, 1, 2]] = {"left": 0, "center": 1, "right": 2}  # ReportLab's TA_*
FONTS_MISSING = (
    "直接生成 PDF 需要中文 TrueType 字体 AR PL UMing（fonts-arphic-uming）与文泉驿正黑"
    "（fonts-wqy-zenhei），本机未安装；请运行 scripts/system-deps，或改用 LibreOffice 生成 PDF。"
)


ENGINES = ("auto", "reportlab", "libreoffice")
ENGINE_ENV = "JIXIAO_PDF_ENGINE"
"""Which engine draws a form's PDF: ``reportlab`` (this module), ``libreoffice`` (the .docx
printed by LibreOffice, :mod:`jixiao.export.pdf`) or ``auto`` (the default: ReportLab when its
fonts are installed, else LibreOffice)."""


def engine(chosen: str | None = None) -> str:
    """The engine to draw a form's PDF with: ``chosen``, else ``$JIXIAO_PDF_ENGINE``, else
    ``auto``; ``auto`` resolves to ``reportlab`` when :func:`available`, else ``libreoffice``."""
    name = (chosen or os.environ.get(ENGINE_ENV) or "auto").strip().lower()
    if name not in ENGINES:
        raise ExportError(f"不认识的 PDF 生成方式“{name}”：应为 auto、reportlab 或 libreoffice。")
    if name == "auto":
        return "reportlab" if available() else "libreoffice"
    return name


@dataclass(frozen=True, slots=True)
class _Faces:
    """The registered faces and the code points each has a glyph for."""

    song: frozenset[int]
    hei: frozenset[int]


def _first(files: tuple[tuple[str, int], ...]) -> tuple[str, int] | None:
    return next(((path, index) for path, index in files if Path(path).is_file()), None)


def available() -> bool:
    """Whether the fonts this renderer needs are installed."""
    return _first(SONG_FILES) is not None and _first(HEI_FILES) is not None


@functools.cache
def _faces() -> _Faces:
    """Register the two faces with ReportLab once per process (about 0.1 s)."""
    song, hei = _first(SONG_FILES), _first(HEI_FILES)
    if song is None or hei is None:
        raise ExportError(FONTS_MISSING)
    faces = []
    for name, (path, index) in ((SONG, song), (HEI, hei)):
        font = TTFont(name, path, subfontIndex=index)
        pdfmetrics.registerFont(font)
        faces.append(frozenset(font.face.charToGlyph))
    return _Faces(*faces)


class MissingGlyphs(ExportError):
    """The form holds characters neither face has (a rare 生僻字): ReportLab would write them
    without a text-layer mapping, so the PDF is better made by LibreOffice (which falls back to
    any installed font and keeps the text)."""

    def __init__(self, chars: str) -> None:
        super().__init__(f"字体中没有这些字符的字形：{chars}")
        self.chars = chars


def _texts(form: Form) -> Iterator[str]:
    yield form.title
    if form.subtitle:
        yield form.subtitle
    for cells in form.lines:
        yield from (c.text for c in cells)
    yield from (c.text for c in form.cells)


def missing_glyphs(form: Form) -> str:
    """The characters of ``form`` neither face draws (whitespace aside), in order, once each."""
    faces = _faces()
    seen: dict[str, None] = {}
    for text in _texts(form):
        for ch in text:
            code = ord(ch)
            if code not in faces.song and code not in faces.hei and not ch.isspace():
                seen[ch] = None
    return "".join(seen)


@functools.lru_cache(maxsize=65536)
def _char_width(faces: _Faces, ch: str, bold: bool, size: float) -> float:
    main, other = (faces.hei, SONG) if bold else (faces.song, HEI)
    name = HEI if bold else SONG
    if ord(ch) not in main:
        name = other
    return float(pdfmetrics.stringWidth(ch, name, size))


def _measure(faces: _Faces, bold: bool, size: float, text: str) -> float:
    """The width of ``text`` as :func:`_markup` draws it (each character in the face that has it)."""
    return sum(_char_width(faces, ch, bold, size) for ch in text)


def _markup(text: str, faces: _Faces, bold: bool) -> str:
    """A cell's text as Paragraph markup: escaped, line breaks kept, each character the main face
    lacks drawn from the other one."""
    main, other = (faces.hei, SONG) if bold else (faces.song, HEI)
    other_set = faces.song if bold else faces.hei
    out: list[str] = []
    for line in text.split("\n"):
        parts: list[str] = []
        for ch in line:
            code = ord(ch)
            piece = escape(ch)
            if code not in main and code in other_set:
                piece = f'<font face="{other}">{piece}</font>'
            parts.append(piece)
        out.append("".join(parts))
    return "<br/>".join(out)


class _Styles:
    """Paragraph styles by alignment and weight, made once per document."""

    def __init__(self, size: float) -> None:
        self.size = size
        self._made: dict[tuple[Align, bool, float], ParagraphStyle] = {}

    def get(self, align: Align, bold: bool = False, size: float | None = None) -> ParagraphStyle:
        key = (align, bold, size or self.size)
        style = self._made.get(key)
        if style is None:
            points = key[2]
            style = ParagraphStyle(
                f"s{len(self._made)}",
                fontName=HEI if bold else SONG,
                fontSize=points,
                leading=points * LEADING,
                alignment=_ALIGN[align],
                wordWrap="CJK",
            )
            self._made[key] = style
        return style


class _Paragraph(Paragraph):
    """A paragraph that remembers its last wrap: a table measures each cell several times (to
    lay the rows out, to break the pages, to draw) at the same width."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped is not None and self._wrapped[0] == availWidth:
            return self._wrapped[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


def _paragraph(text: str, style: ParagraphStyle, faces: _Faces, bold: bool = False) -> Paragraph:
    return _Paragraph(_markup(text, faces, bold), style)


@dataclass(frozen=True, slots=True)
class _Sheet:
    """What every piece of a document's grid shares: the form, column widths, styles, faces,
    each cell's paragraph (made once) and the frame's height."""

    form: Form
    widths: list[float]
    styles: _Styles
    faces: _Faces
    frame_height: float
    paragraphs: dict[int, Paragraph]

    def paragraph(self, n: int, cell: FormCell) -> Paragraph:
        """Cell ``n``'s paragraph, its lines broken as a word processor breaks them."""
        made = self.paragraphs.get(n)
        if made is None:
            style = self.styles.get(cell.align, cell.bold)
            inner = sum(self.widths[cell.col : cell.col + cell.colspan]) - 2 * PAD_X - 0.01
            measure = functools.partial(_measure, self.faces, cell.bold, style.fontSize)
            text = "\n".join(break_lines(cell.text, inner, measure))
            made = self.paragraphs[n] = _paragraph(text, style, self.faces, cell.bold)
        return made


_PADDING: list[tuple[Any, ...]] = [
    ("FONTNAME", (0, 0), (-1, -1), SONG),  # what an empty cell would name (ReportLab: Helvetica)
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
    ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
    ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
    ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y + 1),
]


def _table(sheet: _Sheet, header: tuple[int, ...], rows: range, *, split_in_row: bool = False) -> Table:
    """A table of the grid rows ``header`` (drawn first) and ``rows``: merged cells spanned, each
    cell's own borders drawn (an edge open at the top or bottom left out). A merged cell that
    ``rows`` cut is drawn over the rows it has here, its text where it starts (as a word
    processor prints a merged cell split over pages); an empty one merged down many rows (the
    column under a repeated label) is drawn as its rows without the lines between them."""
    form = sheet.form
    shown = [*header, *rows]
    at = {r: i for i, r in enumerate(shown)}
    # A repeated header's label over the column below is boxed on its own on later pages: the
    # header row then reads as the first page's one and a reader of the PDF drops it.
    continued = bool(header) and rows.start > header[-1] + 1
    data: list[list[Any]] = [[""] * form.n_cols for _ in shown]
    commands = list(_PADDING)
    line = (LINE_WIDTH, (0, 0, 0))
    for n, cell in enumerate(form.cells):
        here = [at[r] for r in range(cell.row, cell.row + cell.rowspan) if r in at]
        if not here:
            continue
        r0, r1 = here[0], here[-1]
        c0 = cell.col
        c1 = min(c0 + cell.colspan, form.n_cols) - 1
        if cell.text:
            if cell.row in at:
                made = sheet.paragraph(n, cell)
                data[r0][c0] = [made] if split_in_row else made  # ReportLab splits a list
            if r1 > r0 or c1 > c0:
                commands.append(("SPAN", (c0, r0), (c1, r1)))
        elif c1 > c0:
            commands.extend(("SPAN", (c0, r), (c1, r)) for r in range(r0, r1 + 1))
        if not cell.open_top:
            commands.append(("LINEABOVE", (c0, r0), (c1, r0), *line))
        if not cell.open_bottom or (continued and cell.row in header):
            commands.append(("LINEBELOW", (c0, r1), (c1, r1), *line))
        commands.append(("LINEBEFORE", (c0, r0), (c0, r1), *line))
        commands.append(("LINEAFTER", (c1, r0), (c1, r1), *line))
    return Table(
        data,
        colWidths=sheet.widths,
        repeatRows=len(header) if split_in_row else 0,
        splitInRow=1 if split_in_row else 0,
        style=TableStyle(commands),
        hAlign="CENTER",
    )


class _Grid(Flowable):
    """Grid rows ``rows`` under the repeated ``header`` rows, breaking over pages at any row:
    a merged cell is cut at the page's end and goes on, boxed, on the next (ReportLab's own
    table never breaks inside a row span, and a 一级指标 cell may be taller than a page). A
    piece holds at least one row under its header; a single row taller than a whole page is
    split inside the row."""

    def __init__(self, sheet: _Sheet, rows: range, header: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.hAlign = "CENTER"
        self.sheet, self.rows, self.header = sheet, rows, header
        self._whole: Table | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._whole = _table(self.sheet, self.header, self.rows)
        width, height = self._whole.wrap(availWidth, availHeight)
        self.width, self.height = width, height
        return width, height

    def draw(self) -> None:
        assert self._whole is not None
        self._whole.drawOn(self.canv, 0, 0)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self._whole is None:
            self.wrap(availWidth, availHeight)
        assert self._whole is not None
        heights: list[float] = self._whole._rowHeights  # type: ignore[attr-defined]  # set by wrap
        top = len(self.header)
        used, n = sum(heights[:top]), 0
        while n < len(self.rows) and used + heights[top + n] <= availHeight:
            used += heights[top + n]
            n += 1
        start = self.rows.start
        while n > 0:
            piece = _table(self.sheet, self.header, range(start, start + n))
            if piece.wrap(availWidth, availHeight)[1] <= availHeight:
                rest = range(start + n, self.rows.stop)
                return [piece, _Grid(self.sheet, rest, self.header)] if rest else [piece]
            n -= 1
        if availHeight < self.sheet.frame_height * 0.9:
            return []  # on to the next page
        # One row taller than a page: ReportLab breaks inside it (the header repeated above each
        # part, never left alone at the bottom of a page).
        piece = _table(self.sheet, self.header, range(start, start + 1), split_in_row=True)
        parts: list[Flowable] = piece.split(availWidth, availHeight)
        rest = range(start + 1, self.rows.stop)
        if parts and rest:
            parts.append(_Grid(self.sheet, rest, self.header))
        return parts


def _line(cells: tuple[FormCell, ...], width: float, styles: _Styles, faces: _Faces) -> Flowable:
    """A line above the table: its text at the left, a second labelled part at the right margin
    (as the .docx's right tab stop does)."""
    split = next((k for k, c in enumerate(cells) if k > 0 and c.is_label), len(cells))
    left = "".join(c.text for c in cells[:split])
    right = "".join(c.text for c in cells[split:])
    if not right:
        return _paragraph(left, styles.get("left"), faces)
    return Table(
        [[_paragraph(left, styles.get("left"), faces), _paragraph(right, styles.get("right"), faces)]],
        colWidths=[width / 2, width / 2],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SONG),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def form_flowables(form: Form, width: float, height: float) -> list[Flowable]:
    """The title, the lines above the table and the table of ``form``, in a frame ``width`` by
    ``height`` points."""
    faces = _faces()
    layout = form.layout
    styles = _Styles(layout.font_size)
    title_style = ParagraphStyle(
        "title",
        parent=styles.get("center", True, layout.title_size),
        spaceAfter=0 if form.subtitle else 6,
    )
    story: list[Flowable] = [_paragraph(form.title, title_style, faces, bold=True)]
    if form.subtitle:
        sub = ParagraphStyle("subtitle", parent=styles.get("center", size=layout.font_size + 1), spaceAfter=6)
        story.append(_paragraph(form.subtitle, sub, faces))
    for cells in form.lines:
        story.append(_line(cells, width, styles, faces))
        story.append(Spacer(width, 3))
    scale = width / sum(layout.columns)
    widths = [w * scale for w in layout.columns]
    split = form.indicator_row if form.repeat_header and form.indicator_row > 0 else 0
    end = (
        form.indicator_end if form.repeat_header and split < form.indicator_end < form.n_rows else form.n_rows
    )
    sheet = _Sheet(form, widths, styles, faces, height, {})
    if split:
        story.append(_Grid(sheet, range(0, split)))
    if end > split:
        repeat = form.repeat_header and form.header_row == split
        header = (split,) if repeat else ()
        story.append(_Grid(sheet, range(split + 1 if repeat else split, end), header))
    if form.n_rows > end:
        story.append(_Grid(sheet, range(end, form.n_rows)))
    return story


class _NumberedCanvas(Canvas):
    """A canvas that holds its pages until the end, to print “第 n 页，共 N 页” on each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # ReportLab's own page reset

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        self.setFont(SONG, 9)
        self.drawCentredString(self._footer_x, self._footer_y, f"第 {self.getPageNumber()} 页，共 {total} 页")

    _footer_x = 0.0
    _footer_y = 20.0


def page_size(form: Form) -> tuple[float, float]:
    """The layout's A4 page in points, in its orientation."""
    return landscape(A4) if form.layout.orientation == "landscape" else portrait(A4)


def form_pdf_bytes(form: Form) -> bytes:
    """``form`` as the bytes of a PDF, on the layout's page. Raises :class:`ExportError` when the
    fonts are not installed (see :func:`available`), :class:`MissingGlyphs` when the form holds
    a character neither face has."""
    if not available():
        raise ExportError(FONTS_MISSING)
    missing = missing_glyphs(form)
    if missing:
        raise MissingGlyphs(missing)
    m = form.layout.margins_mm
    width, height = page_size(form)
    out = io.BytesIO()
    frame = Frame(
        m.left * mm,
        m.bottom * mm,
        width - (m.left + m.right) * mm,
        height - (m.top + m.bottom) * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        out,
        pagesize=(width, height),
        pageTemplates=[PageTemplate("page", [frame])],
        title=form.title[:255],
        author="",
        creator="jixiao",
        subject="",
        initialFontName=SONG,
        initialFontSize=9,
    )
    footer_y = max(m.bottom * mm / 2 - 3, 8)

    def canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        made = _NumberedCanvas(*args, **kwargs)
        made._footer_x, made._footer_y = width / 2, footer_y
        return made

    doc.build(form_flowables(form, frame.width, frame.height), canvasmaker=canvas)
    return out.getvalue()
