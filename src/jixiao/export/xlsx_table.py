"""The 自评表 as an Excel workbook (openpyxl), the way units' own spreadsheets look.

One worksheet: the title merged across, the lines above the table without borders, then the grid
with its merges, thin borders on every cell of a merged range (Excel draws a merged cell's
border from each covered cell), wrapped text, exact numbers with display formats (万元
``#,##0.00`` holding the exact amount, ``0.00%``, ``yyyy"年"m"月"d"日"``), and an A4 print setup
that fits the width, repeats the indicator header on each page and numbers the pages. Fonts are
named with the GB2312 charset, which is how Excel marks an East-Asian font. Row heights are
estimated from the text, since neither Excel nor openpyxl fits wrapped rows when a file opens.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from copy import copy
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.cell.cell import MergedCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.cell.rich_text import TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment
from openpyxl.styles import Border
from openpyxl.styles import Font
from openpyxl.styles import Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.export.form import Form
from jixiao.export.form import FormCell
from jixiao.export.formatting import clean
from jixiao.export.formatting import lines_needed
from jixiao.export.formatting import plain

GB2312_CHARSET = 134
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
TRUNCATED = "……（超出 Excel 单元格长度，已截断；全文见 Word 版）"
MM_PER_WIDTH_UNIT = 1.9  # one Excel width unit (a '0' of the default 11 pt font) on paper
A4_SHORT_MM, A4_LONG_MM = 210.0, 297.0
# What a spreadsheet would take for the start of a formula (or, pasted on, of a DDE command).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="000000")
_NONE = Border()


@functools.cache
def _font(name: str, size: float, bold: bool) -> Font:
    return Font(name=name, sz=size, b=bold, charset=GB2312_CHARSET)


@functools.cache
def _border(open_top: bool, open_bottom: bool) -> Border:
    return Border(
        left=_THIN, right=_THIN, top=Side() if open_top else _THIN, bottom=Side() if open_bottom else _THIN
    )


@functools.cache
def _align(horizontal: str) -> Alignment:
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


def fit_cell(text: str) -> str:
    """Text as a spreadsheet cell can hold it: Excel refuses a file with a longer cell."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    return text[: MAX_CELL_CHARS - len(TRUNCATED)] + TRUNCATED


def put_value(cell: Cell | MergedCell, value: object) -> None:
    """Write ``value`` into ``cell``: the one way every workbook jixiao writes (自评表, 复核报告,
    portfolio) fills a cell. Text is cleaned of control characters, fitted to a cell, and stored as
    text, never as a formula: one starting with ``= + - @`` or a TAB (a project named
    ``=HYPERLINK(…)``, an indicator named ``=2+3``) is marked a string with Excel's quote prefix,
    so neither Excel nor LibreOffice evaluates it, also once a user edits the cell. Numbers and
    dates are written as they are."""
    if not isinstance(value, str):
        cell.value = value  # type: ignore[assignment]  # a number or a date: openpyxl checks
        return
    text = fit_cell(clean(value))
    cell.value = text
    if text.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def is_quoted(cell: Cell | MergedCell) -> bool:
    """Whether :func:`put_value` marked the cell's text (its style must keep the quote prefix)."""
    return isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)


def sum_formula(cell: FormCell, top: int) -> str:
    """``=SUM(G14,G17:G40)``: the cells ``cell`` totals (grid positions, the grid starting at
    sheet row ``top``), consecutive rows of a column as one range."""
    refs: list[str] = []
    by_col: dict[int, list[int]] = {}
    for r, c in cell.sum_of:
        by_col.setdefault(c, []).append(r + top)
    for c, rows in by_col.items():
        letter = get_column_letter(c + 1)
        runs: list[list[int]] = []
        for r in sorted(rows):
            if runs and r == runs[-1][-1] + 1:
                runs[-1].append(r)
            else:
                runs.append([r])
        refs += [
            f"{letter}{run[0]}" if len(run) == 1 else f"{letter}{run[0]}:{letter}{run[-1]}" for run in runs
        ]
    return f"=SUM({','.join(refs)})"


class _Sheet:
    """Writes cells onto one worksheet with the layout's fonts."""

    def __init__(self, ws: Worksheet, form: Form, widths: list[float]) -> None:
        self.ws = ws
        self.form = form
        self.widths = widths
        self.font = form.layout.font
        self.size = form.layout.font_size
        self.heights: dict[int, float] = {}
        self.spread: list[tuple[int, int, float]] = []  # (first row, rows, height) of merged cells
        self.styles: dict[tuple[object, ...], StyleArray] = {}

    def put(self, cell: FormCell, row: int, *, framed: bool) -> None:
        """Write one form cell with its top-left at sheet row ``row`` (1-based)."""
        ws = self.ws
        col = cell.col + 1
        target = ws.cell(row=row, column=col)
        if cell.sum_of and framed:
            target.value = sum_formula(cell, row - cell.row)
        elif cell.value is not None:
            put_value(target, cell.value)
        elif cell.text:
            put_value(target, cell.text)
        quoted = is_quoted(target)
        merged = cell.rowspan > 1 or cell.colspan > 1
        last_row, last_col = row + cell.rowspan - 1, col + cell.colspan - 1
        if merged:
            # Merged before styling, so openpyxl has no borders to spread (which is slow);
            # every covered cell then gets the top-left's style, borders included.
            ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
        # Styling through openpyxl's descriptors hashes every style object on every cell; a
        # cell's style is one of a few combinations, so each is built once and copied after.
        key = (cell.bold, cell.align, framed, cell.open_top, cell.open_bottom, cell.number_format, quoted)
        style = self.styles.get(key)
        if style is None:
            target.quotePrefix = quoted
            target.font = _font(self.font, self.size, cell.bold)
            target.alignment = _align(cell.align)
            target.border = _border(cell.open_top, cell.open_bottom) if framed else _NONE
            if cell.number_format:
                target.number_format = cell.number_format
            style = self.styles[key] = copy(target._style)  # type: ignore[union-attr]
        else:
            target._style = copy(style)  # type: ignore[union-attr]
        if merged:
            cells = ws._cells
            for r in range(row, last_row + 1):
                for c in range(col, last_col + 1):
                    if (r, c) != (row, col):
                        cells[(r, c)]._style = copy(style)  # type: ignore[union-attr]
        capacity = sum(self.widths[cell.col : cell.col + cell.colspan]) * 10.5 / self.size - 1
        needed = lines_needed(cell.text, capacity) * self.size * 1.32 + 5
        if cell.rowspan == 1:
            self.heights[row] = max(self.heights.get(row, 0.0), needed)
        else:
            self.spread.append((row, cell.rowspan, needed))

    def finish_heights(self, default: float) -> None:
        """Set every row's height; a merged cell taller than its rows stretches its last row."""
        for row, span, needed in self.spread:
            rows = range(row, row + span)
            have = sum(self.heights.get(r, default) for r in rows)
            if needed > have:
                last = row + span - 1
                self.heights[last] = self.heights.get(last, default) + needed - have
        for row, height in self.heights.items():
            self.ws.row_dimensions[row].height = round(min(height, 409.0), 1)


def _cached_values(form: Form, top: int) -> dict[str, Decimal]:
    """Sheet reference → value of every total written as a ``SUM`` (``{"C39": 98}``)."""
    return {
        f"{get_column_letter(c.col + 1)}{top + c.row}": c.value
        for c in form.cells
        if c.sum_of and isinstance(c.value, Decimal)
    }


def with_cached_values(content: bytes, values: dict[str, Decimal]) -> bytes:
    """The saved workbook ``content`` with each formula cell of ``values`` also holding its value
    (``<f>SUM(…)</f><v>98</v>``), as Excel saves it: openpyxl writes formulas with an empty value,
    which a reader that does not calculate (openpyxl with ``data_only``, jixiao's own intake,
    many viewers) takes for an empty cell. Excel and LibreOffice still recalculate the formula."""
    if not values:
        return content
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                for ref, value in values.items():
                    pattern = rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)'
                    text = re.sub(pattern, rf"\g<1><v>{plain(value)}</v>", text, count=1)
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def table_bytes(form: Form) -> bytes:
    """The 自评表 workbook of :func:`table_workbook` as the bytes of an .xlsx file, its totals
    holding their formulas and their values."""
    workbook = table_workbook(form)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return with_cached_values(buffer.getvalue(), _cached_values(form, 2 + len(form.lines)))


def active_sheet(wb: Workbook) -> Worksheet:
    """A new workbook's one worksheet (openpyxl types ``active`` as possibly a chart sheet)."""
    ws = wb.active
    if not isinstance(ws, Worksheet):
        raise TypeError("a new workbook has a worksheet")
    return ws


def table_workbook(form: Form) -> Workbook:
    """A workbook holding the 自评表 on one sheet named as the layout says."""
    layout = form.layout
    wb = Workbook()
    ws = active_sheet(wb)
    ws.title = layout.sheet
    m = layout.margins_mm
    landscape = layout.orientation == "landscape"
    paper_width = A4_LONG_MM if landscape else A4_SHORT_MM
    printable = paper_width - m.left - m.right
    total = sum(layout.columns)
    widths = [w * printable / total / MM_PER_WIDTH_UNIT for w in layout.columns]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(width, 2)
    sheet = _Sheet(ws, form, widths)
    n = form.n_cols

    # The title and its subtitle (“（2020年度）”) share the first row, as on printed forms: a
    # reader of the sheet finds the year where it finds the title.
    row = 1
    title = ws.cell(row=1, column=1)
    title.font = _font(layout.title_font, layout.title_size, True)
    title.alignment = _align("center")
    height = layout.title_size * 2
    if form.subtitle:
        big = InlineFont(rFont=layout.title_font, sz=layout.title_size, b=True, charset=GB2312_CHARSET)
        small = InlineFont(rFont=layout.font, sz=layout.font_size + 1, charset=GB2312_CHARSET)
        title.value = CellRichText(TextBlock(big, form.title), TextBlock(small, "\n" + form.subtitle))
        height += layout.font_size * 1.6
    else:
        put_value(title, form.title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.row_dimensions[1].height = round(height, 1)
    for line in form.lines:
        row += 1
        for cell in line:
            sheet.put(cell, row, framed=False)
    top = row + 1
    for cell in form.cells:
        sheet.put(cell, top + cell.row, framed=True)
    sheet.finish_heights(layout.font_size * 1.32 + 5)

    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    inch = 25.4
    ws.page_margins.left = m.left / inch
    ws.page_margins.right = m.right / inch
    ws.page_margins.top = m.top / inch
    ws.page_margins.bottom = m.bottom / inch
    ws.page_margins.footer = min(10.0, m.bottom / 2) / inch
    if form.repeat_header:
        header = top + form.header_row
        ws.print_title_rows = f"{header}:{header}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"  # type: ignore[union-attr]  # always present
    ws.print_area = f"A1:{get_column_letter(n)}{top + form.n_rows - 1}"
    wb.properties.title = form.title[:255]
    wb.properties.creator = "jixiao"
    return wb
