"""The one look of jixiao's report workbooks (the 复核报告 and the 汇总报告): fonts, the grey
header row, column widths, A4 landscape with numbered pages. Values go in through
:func:`jixiao.export.xlsx_table.put_value`, the one cell writer."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.model import Severity
from jixiao.export.xlsx_table import put_value

FONT = "宋体"
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
BODY = Font(name=FONT, charset=134)
BOLD = Font(name=FONT, charset=134, b=True)
TITLE = Font(name=FONT, charset=134, b=True, sz=16)
WRAP = Alignment(vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
# A finding's severity (错误 red and bold, 警告 brown, 提示 blue) and a link, in the reports' font.
SEVERITY_FONT = {
    Severity.ERROR: Font(name=FONT, charset=134, color="C00000", b=True),
    Severity.WARNING: Font(name=FONT, charset=134, color="9C5700"),
    Severity.INFO: Font(name=FONT, charset=134, color="1F4E79"),
}
LINK = Font(name=FONT, charset=134, color="0563C1", u="single")


def put(
    ws: Worksheet,
    row: int,
    column: int,
    value: object,
    number_format: str | None = None,
    *,
    font: Font | None = None,
) -> Cell:
    """Write a value (cleaned of control characters, fitted to a cell), in ``font`` if given."""
    cell: Cell = ws.cell(row=row, column=column)  # type: ignore[assignment]  # never a merged one
    put_value(cell, value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def head_row(ws: Worksheet, row: int, labels: Sequence[str]) -> None:
    """A header row: bold, grey, centred."""
    for col, label in enumerate(labels, start=1):
        cell = put(ws, row, col, label)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = CENTER


def widths(ws: Worksheet, sizes: Sequence[float]) -> None:
    """Column widths, from column A on."""
    for col, width in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def landscape(ws: Worksheet, title_rows: str | None = None) -> None:
    """A4 landscape, as wide as the page, pages numbered; ``title_rows`` repeat on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows is not None:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"  # type: ignore[union-attr]  # always present
