"""The spreadsheet reader: .xlsx/.xlsm through openpyxl, .xls/.et through xlrd, LibreOffice for the rest."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import shutil
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
import xlrd
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl.cell.rich_text import CellRichText
from openpyxl.cell.rich_text import TextBlock
from openpyxl.cell.text import InlineFont

from jixiao.intake.document import CHECKED
from jixiao.intake.document import UNCHECKED
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.document import clean_text
from jixiao.intake.limits import Limits
from jixiao.intake.readers import read_document
from jixiao.intake.readers.libreoffice import convert
from jixiao.intake.readers.libreoffice import soffice
from jixiao.intake.readers.spreadsheet import ENCRYPTED
from jixiao.intake.readers.spreadsheet import exact
from jixiao.intake.readers.spreadsheet import format_value
from jixiao.intake.readers.spreadsheet import read_xls
from jixiao.intake.readers.spreadsheet import read_xlsx

from .sheet_helpers import encrypt_xls
from .sheet_helpers import rewrite_member
from .sheet_helpers import set_cached_value
from .sheet_helpers import to_strict

DATA = Path(__file__).resolve().parents[2] / "data"
FORM_XLSX = DATA / "formats" / "004_table.xlsx"
FORM_XLS = DATA / "formats" / "004_table.xls"
SHEET1 = "xl/worksheets/sheet1.xml"

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def only_table(doc: Document) -> Table:
    assert len(doc.blocks) == 1
    table = doc.blocks[0]
    assert isinstance(table, Table)
    return table


def cell_with(table: Table, text: str) -> Cell:
    found = [c for c in table.cells if c.text == text]
    assert found, f"no cell {text!r}"
    return found[0]


def refused(read: Callable[[], object], *, within: float = 10.0) -> str:
    """Run a read that must fail; return the reason after checking it came fast."""
    start = time.perf_counter()
    with pytest.raises(UnreadableDocument) as info:
        read()
    assert time.perf_counter() - start < within
    assert re.search(r"[\u4e00-\u9fff]", info.value.reason), info.value.reason
    return info.value.reason


# ---------------------------------------------------------------------------------------------
# The sample form 004 as .xlsx and .xls
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def form_xlsx() -> Document:
    return read_xlsx(FORM_XLSX, Limits())


@pytest.fixture(scope="module")
def form_xls() -> Document:
    return read_xls(FORM_XLS, Limits())


@pytest.fixture(params=["xlsx", "xls"])
def form(request: pytest.FixtureRequest) -> Document:
    doc: Document = request.getfixturevalue(f"form_{request.param}")
    return doc


def test_form_is_one_table_of_41_rows_and_7_columns(form: Document) -> None:
    table = only_table(form)
    assert (table.n_rows, table.n_cols) == (41, 7)
    assert table.place == "工作表“项目自评表”"
    assert form.title == "2020年度社会保障专项项目自评表"
    assert form.notes == []


def test_form_keeps_its_31_merged_ranges(form: Document) -> None:
    table = only_table(form)
    merged = [c for c in table.cells if c.rowspan > 1 or c.colspan > 1]
    assert len(merged) == 31
    title = cell_with(table, "2020年度社会保障专项项目自评表")
    assert (title.row, title.col, title.rowspan, title.colspan) == (0, 0, 1, 7)
    budget = cell_with(table, "预算执行情况(万)(20分)")
    assert (budget.rowspan, budget.colspan) == (2, 2)
    block = cell_with(table, "项目年度绩效指标")
    assert (block.col, block.rowspan, block.colspan) == (0, 28, 1)
    # Every grid position a merge covers is that same cell.
    grid = table.grid()
    assert all(grid[block.row + i][0] is block for i in range(28))


def test_form_numbers_are_exact_and_written_as_formatted(form: Document) -> None:
    table = only_table(form)
    date = cell_with(table, "2021年6月30日")
    assert (date.row, date.col, date.number) == (2, 2, None)
    amounts = [c for c in table.cells if c.text == "2,440.91"]
    assert len(amounts) == 2
    assert all(c.number == Decimal("2440.91") for c in amounts)
    rates = [c for c in table.cells if c.text == "100%"]
    assert rates
    assert all(c.number == 1 for c in rates)
    total = table.grid()[38][2]
    assert total is not None
    assert (total.text, total.number, total.colspan) == ("98", Decimal(98), 5)
    assert all(c.number is None for c in table.cells if not re.fullmatch(r"[\d,.%]+", c.text))


def test_form_checkboxes_are_normalised(form: Document) -> None:
    text = form.text()
    assert "1、部门预算项目 ☑ 2、区级专项 ☐ 3、转移支付项目 ☐" in text
    assert CHECKED in text
    assert UNCHECKED in text
    assert "□" not in text


def test_form_cells_are_the_seed_cells() -> None:
    """The README's own check: the non-empty cell texts are the seed's (the seed has the date
    label and its value in one field; the workbook in two cells)."""
    seed = next((DATA / "seeds").glob("004_*.txt")).read_text("utf-8")
    wanted = {clean_text(f) for line in seed.splitlines() for f in line.split("\t") if f.strip()}
    wanted = (wanted - {"填报日期：2021年6月30日"}) | {"填报日期：", "2021年6月30日"}
    got = {c.text for c in only_table(read_xlsx(FORM_XLSX, Limits())).cells if c.text.strip()}
    assert got == wanted


def test_form_xlsx_and_xls_give_the_same_document(form_xlsx: Document, form_xls: Document) -> None:
    assert form_xlsx.blocks == form_xls.blocks
    assert form_xlsx.title == form_xls.title
    assert (form_xlsx.format, form_xls.format) == ("xlsx", "xls")


def test_et_is_read_as_the_biff_workbook_it_is(tmp_path: Path, form_xls: Document) -> None:
    """WPS Spreadsheets saves .et in the Excel 97–2003 BIFF format (an OLE compound file with a
    ``Workbook`` stream); such a file is an .xls under another name."""
    et = tmp_path / "自评表.et"
    shutil.copyfile(FORM_XLS, et)
    for doc in (read_xls(et, Limits()), read_document(et)):
        assert doc.format == "et"
        assert doc.path == str(et)
        assert doc.blocks == form_xls.blocks


def test_dispatcher_reads_both_forms(tmp_path: Path, form_xlsx: Document) -> None:
    assert read_document(FORM_XLSX).blocks == form_xlsx.blocks
    assert read_document(FORM_XLS).blocks == form_xlsx.blocks
    # An .xlsx saved under an .xls name (openpyxl itself refuses such a name).
    disguised = tmp_path / "自评表.xls"
    shutil.copyfile(FORM_XLSX, disguised)
    for doc in (read_document(disguised), read_xls(disguised, Limits())):
        assert doc.format == "xlsx"
        assert doc.blocks == form_xlsx.blocks


# ---------------------------------------------------------------------------------------------
# Number formats
# ---------------------------------------------------------------------------------------------

FORMATS: list[tuple[object, str, str, Decimal | None]] = [
    (0.9874, "0%", "98.74%", Decimal("0.9874")),
    (1, "0%", "100%", Decimal(1)),
    (1, "0.00%", "100.00%", Decimal(1)),
    (0.5, "0.0%", "50.0%", Decimal("0.5")),
    (3145000.5, "#,##0.00", "3,145,000.50", Decimal("3145000.5")),
    (2440.91, "#,##0.00", "2,440.91", Decimal("2440.91")),
    (5, "0.00", "5.00", Decimal(5)),
    (1234.5678, "0.00", "1234.5678", Decimal("1234.5678")),
    (1234567, "#,##0", "1,234,567", Decimal(1234567)),
    (-1234.5, "#,##0.00;(#,##0.00)", "(1,234.50)", Decimal("-1234.5")),
    (-1234.5, "#,##0.00", "-1,234.50", Decimal("-1234.5")),
    (-3, "#,##0.00;[Red]-#,##0.00", "-3.00", Decimal(-3)),
    (1200, '"¥"#,##0.00', "¥1,200.00", Decimal(1200)),
    (1200, "[$¥-804]#,##0.00", "¥1,200.00", Decimal(1200)),
    (20, '0"万元"', "20万元", Decimal(20)),
    (0.1 + 0.2, "General", "0.3", Decimal("0.3")),
    (12345678901234, "General", "12345678901234", Decimal(12345678901234)),
    (0.00001234, "General", "0.00001234", Decimal("0.00001234")),
    (123456, "0.00E+00", "1.23456E+05", Decimal(123456)),
    (0, '#,##0.00;-#,##0.00;"-"', "-", Decimal(0)),
    (7, "000", "007", Decimal(7)),
    (1500000, '#,##0,"千"', "1,500千", Decimal(1500000)),
    (dt.datetime(2021, 6, 30), 'yyyy"年"m"月"d"日"', "2021年6月30日", None),
    (dt.datetime(2021, 6, 30), "yyyy-mm-dd", "2021-06-30", None),
    (dt.datetime(2021, 6, 30), "yyyy/m/d", "2021-06-30", None),
    (dt.datetime(2021, 6, 30, 14, 30), "yyyy-mm-dd hh:mm", "2021-06-30 14:30", None),
    (dt.time(14, 30), "h:mm", "14:30", None),
    (dt.datetime(2021, 6, 1), 'yyyy"年"m"月"', "2021年6月", None),
    (1.5, "[h]:mm", "36:00", None),
    (True, "General", "是", None),
    (False, "General", "否", None),
    ("#DIV/0!", "General", "#DIV/0!", None),
]


def formats_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "格式"
    for row, (value, code, _text, _number) in enumerate(FORMATS, start=1):
        ws.cell(row, 1, code)
        ws.cell(row, 2, value).number_format = code  # type: ignore[arg-type]
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def formats_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return formats_workbook(tmp_path_factory.mktemp("formats") / "格式.xlsx")


@pytest.mark.parametrize(("row", "expected"), list(enumerate(FORMATS)), ids=str)
def test_number_formats_in_xlsx(
    formats_xlsx: Path, row: int, expected: tuple[object, str, str, Decimal | None]
) -> None:
    _value, code, text, number = expected
    table = only_table(read_xlsx(formats_xlsx, Limits()))
    label, cell = table.grid()[row]
    assert label is not None
    assert label.text == code
    assert cell is not None
    assert (cell.text, cell.number) == (text, number)


@needs_libreoffice
def test_number_formats_in_xls_match_xlsx(formats_xlsx: Path, tmp_path: Path) -> None:
    """The same workbook saved as .xls by LibreOffice: xlrd's formats give the same texts."""
    xls = convert(formats_xlsx, "xls", tmp_path, 120)
    assert read_xls(xls, Limits()).blocks == read_xlsx(formats_xlsx, Limits()).blocks


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        (0.000123, "0.00E+00", "1.23E-04"),
        (12345, "##0.0E+0", "12.345E+3"),
        (150, "[>100]0.0;[<=100]0", "150.0"),
        (50, "[>100]0.0;[<=100]0", "50"),
        (0.5, "#.##", "0.5"),
        (3, "0;-0;;@", "3"),
        (-3, "0;;", ""),
        (42, "@", "42"),
        (44377, "General", "44377"),
        (2.5, "# ?/?", "2.5"),
        (1234.5, '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)', "1,234.50"),
        (-1234.5, '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)', "(1,234.50)"),
        (0, '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)', "-"),
        (dt.datetime(2021, 6, 30, 9, 5, 7), "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", "2021-06-30"),
        (dt.datetime(2021, 6, 30, 9, 5, 7), "h:mm:ss", "09:05:07"),
        (dt.datetime(2021, 6, 30, 9, 5), 'm"月"d"日"', "6月30日"),
        (dt.datetime(2021, 6, 30, 9, 5), "General", "2021-06-30 09:05"),
        (dt.date(2021, 6, 30), "General", "2021-06-30"),
        ("第一行\r\n第二行\x07", "General", "第一行\n第二行"),
        ("□ 否 ■ 是", "@", "☐ 否 ☑ 是"),
    ],
)
def test_format_value(value: object, code: str, text: str) -> None:
    assert format_value(value, code)[0] == text


@pytest.mark.parametrize(
    ("serial", "code", "date1904", "text"),
    [
        (44377, 'yyyy"年"m"月"d"日"', False, "2021年6月30日"),
        (42915, 'yyyy"年"m"月"d"日"', True, "2021年6月30日"),
        (1, "yyyy-mm-dd", False, "1900-01-01"),
        (61, "yyyy-mm-dd", False, "1900-03-01"),
        (0.6041666666666666, "h:mm", False, "14:30"),
        (44377.75, "yyyy/m/d h:mm", False, "2021-06-30 18:00"),
        (2.25, "[h]:mm:ss", False, "54:00:00"),
    ],
)
def test_date_serials(serial: float, code: str, date1904: bool, text: str) -> None:
    assert format_value(serial, code, date1904=date1904) == (text, None)


def test_date_serial_out_of_range_stays_a_number() -> None:
    assert format_value(-5, "yyyy-mm-dd") == ("-5", Decimal(-5))


_CODES = ["General", "0", "0.00", "#,##0", "#,##0.00", "0%", "0.00%", "0.0", "#,##0.00;(#,##0.00)"]


@settings(max_examples=300)
@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False) | st.integers(-(10**15), 10**15),
    code=st.sampled_from(_CODES),
)
def test_formatted_text_never_rounds(value: float, code: str) -> None:
    """Whatever the format, the text reads back as exactly the stored number."""
    text, number = format_value(value, code)
    assert number == exact(value)
    negative = text.startswith(("-", "("))
    digits = text.strip("-()").replace(",", "")
    shown = Decimal(digits[:-1]) / 100 if digits.endswith("%") else Decimal(digits)
    assert (-shown if negative else shown) == number


# ---------------------------------------------------------------------------------------------
# Workbooks built here
# ---------------------------------------------------------------------------------------------


def test_formula_with_and_without_cached_result(tmp_path: Path) -> None:
    """openpyxl writes formulas without results, as some generators do; Excel stores the result."""
    path = tmp_path / "公式.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "得分"
    ws.append(["指标", "权重", "得分", "合计", "比率"])
    ws.append(["数量", 20, 18, "=B2+C2", "=C2/B2"])
    ws["E2"].number_format = "0%"
    wb.save(path)
    set_cached_value(path, SHEET1, "D2", "38")
    set_cached_value(path, SHEET1, "E2", "0.9")

    doc = read_xlsx(path, Limits())
    row = only_table(doc).text_rows()[1]
    assert row == ["数量", "20", "18", "38", "90%"]
    assert doc.notes == []

    # The same file without the result in D2.
    bare = tmp_path / "无结果.xlsx"
    wb.save(bare)
    set_cached_value(bare, SHEET1, "E2", "0.9")
    doc = read_xlsx(bare, Limits())
    table = only_table(doc)
    assert table.text_rows()[1] == ["数量", "20", "18", "", "90%"]
    assert table.grid()[1][3] is None
    assert len(doc.notes) == 1
    place, reason = doc.notes[0]
    assert place == "工作表“得分” D2"
    assert "公式没有计算结果" in reason


@needs_libreoffice
def test_formula_results_computed_by_libreoffice(tmp_path: Path) -> None:
    """A workbook whose formulas were never computed, recalculated by a LibreOffice round trip."""
    path = tmp_path / "公式.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([2440.91, 2440.91, "=B1/A1"])
    ws["C1"].number_format = "0.00%"
    wb.save(path)
    assert read_xlsx(path, Limits()).notes
    recalculated = convert(path, "xlsx", tmp_path / "out", 120)
    doc = read_xlsx(recalculated, Limits())
    assert doc.notes == []
    assert only_table(doc).text_rows() == [["2440.91", "2440.91", "100.00%"]]


def sheets_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.title = "自评表"
    first["A1"] = "项目名称"
    first["B1"] = "社会保障专项"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "下拉选项"
    hidden.sheet_state = "hidden"
    empty = wb.create_sheet("空白")
    empty["C3"].number_format = "0.00"  # formatted but empty
    empty["D4"] = "   "
    second = wb.create_sheet("附表")
    second["B2"] = "明细"
    very = wb.create_sheet("配置")
    very["A1"] = "x"
    very.sheet_state = "veryHidden"
    wb.save(path)
    return path


def test_sheets_in_order_hidden_noted_empty_skipped(tmp_path: Path) -> None:
    doc = read_xlsx(sheets_workbook(tmp_path / "多表.xlsx"), Limits())
    assert [t.place for t in doc.tables] == ["工作表“自评表”", "工作表“附表”"]
    assert doc.tables[0].text_rows() == [["项目名称", "社会保障专项"]]
    assert doc.tables[1].text_rows() == [["明细"]]  # leading empty row and column trimmed
    assert doc.notes == [("工作表“隐藏”", "隐藏的工作表，未读取"), ("工作表“配置”", "隐藏的工作表，未读取")]


@needs_libreoffice
def test_sheets_in_xls(tmp_path: Path) -> None:
    xlsx = sheets_workbook(tmp_path / "多表.xlsx")
    xls = convert(xlsx, "xls", tmp_path / "out", 120)
    doc = read_xls(xls, Limits())
    assert doc.blocks == read_xlsx(xlsx, Limits()).blocks
    assert [place for place, _ in doc.notes] == ["工作表“隐藏”", "工作表“配置”"]


def merges_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "合并"
    ws["B2"] = "项目支出绩效自评表"
    ws.merge_cells("B2:E2")  # horizontal
    ws["B3"] = "产出指标"
    ws.merge_cells("B3:B6")  # vertical
    ws["C3"] = "数量指标"
    ws.merge_cells("C3:D4")  # both
    ws["E3"] = CellRichText([TextBlock(InlineFont(b=True), "完成"), "情况"])
    ws["E4"] = "第一行\n第二行"
    ws["E5"] = "□ 否 ■ 是"
    ws.merge_cells("C6:E6")  # empty merged range
    ws["H20"].number_format = "0.00"  # formatted, empty: trimmed
    ws.merge_cells("G30:H31")  # empty merge outside the content: dropped
    wb.save(path)
    return path


def test_merges_rich_text_and_trimming(tmp_path: Path) -> None:
    table = only_table(read_xlsx(merges_workbook(tmp_path / "合并.xlsx"), Limits()))
    assert (table.n_rows, table.n_cols) == (5, 4)
    spans = {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in table.cells}
    assert spans == {
        ("项目支出绩效自评表", 0, 0, 1, 4),
        ("产出指标", 1, 0, 4, 1),
        ("数量指标", 1, 1, 2, 2),
        ("完成情况", 1, 3, 1, 1),
        ("第一行\n第二行", 2, 3, 1, 1),
        ("☐ 否 ☑ 是", 3, 3, 1, 1),
        ("", 4, 1, 1, 3),
    }


@needs_libreoffice
def test_merges_in_xls(tmp_path: Path) -> None:
    xlsx = merges_workbook(tmp_path / "合并.xlsx")
    xls = convert(xlsx, "xls", tmp_path / "out", 120)
    assert read_xls(xls, Limits()).blocks == read_xlsx(xlsx, Limits()).blocks


def test_chinese_builtin_date_format(tmp_path: Path) -> None:
    """Chinese Excel stores “2021年6月30日” as built-in format 31 without writing its code."""
    path = tmp_path / "日期.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "填报日期："
    ws["B1"] = dt.datetime(2021, 6, 30)
    ws["B1"].number_format = 'yyyy"年"m"月"d"日"'
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        styles = zf.read("xl/styles.xml").decode("utf-8")
    custom = re.search(r'numFmtId="(\d+)" formatCode="yyyy&quot;年', styles)
    assert custom
    styles = re.sub(r"<numFmts.*?</numFmts>", "", styles)
    styles = styles.replace(f'numFmtId="{custom.group(1)}"', 'numFmtId="31"')
    builtin = tmp_path / "内置.xlsx"
    rewrite_member(path, builtin, "xl/styles.xml", styles.encode("utf-8"))
    assert only_table(read_xlsx(builtin, Limits())).text_rows() == [["填报日期：", "2021年6月30日"]]


def test_charts_and_pictures_are_noted(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart
    from openpyxl.chart import Reference
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    png = tmp_path / "图.png"
    PILImage.new("RGB", (4, 4), "red").save(png)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "图表"
    ws.append(["年份", "金额"])
    ws.append([2020, 2440.91])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2), titles_from_data=True)
    ws.add_chart(chart, "D2")
    ws.add_image(Image(str(png)), "D20")
    path = tmp_path / "图表.xlsx"
    wb.save(path)
    doc = read_xlsx(path, Limits())
    assert only_table(doc).text_rows() == [["年份", "金额"], ["2020", "2440.91"]]
    assert ("工作表“图表”", "含 1 个图表，未读取其中内容") in doc.notes
    assert ("工作表“图表”", "含 1 张图片，未读取其中内容") in doc.notes


@needs_libreoffice
def test_html_table_saved_as_xls(tmp_path: Path) -> None:
    """Many systems export an HTML table under an .xls name; LibreOffice reads it."""
    path = tmp_path / "导出.xls"
    path.write_text(
        '<html><head><meta charset="utf-8"></head><body><table border="1">'
        '<tr><td colspan="2">项目名称</td><td>社会保障专项</td></tr>'
        "<tr><td>预算数</td><td>执行数</td><td>得分</td></tr>"
        "<tr><td>2440.91</td><td>2440.91</td><td>20</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert (doc.format, doc.path) == ("xls", str(path))
    table = only_table(doc)
    assert cell_with(table, "项目名称").colspan == 2
    assert table.text_rows()[2] == ["2440.91", "2440.91", "20"]
    assert table.grid()[2][2] == Cell(text="20", row=2, col=2, number=Decimal(20))


@needs_libreoffice
def test_strict_open_xml_is_read_through_libreoffice(tmp_path: Path, form_xlsx: Document) -> None:
    """openpyxl does not know the Strict Open XML namespaces and finds no sheets in such a file."""
    path = tmp_path / "严格.xlsx"
    to_strict(FORM_XLSX, path)
    doc = read_xlsx(path, Limits())
    assert (doc.format, doc.path) == ("xlsx", str(path))
    assert doc.blocks == form_xlsx.blocks


@needs_libreoffice
def test_truncated_xls_is_read_as_far_as_possible(tmp_path: Path) -> None:
    path = tmp_path / "截断.xls"
    path.write_bytes(FORM_XLS.read_bytes()[: FORM_XLS.stat().st_size // 2])
    doc = read_xls(path, Limits())
    assert doc.notes[0] == ("全文", "文件可能已损坏，已尽量读取，内容可能不完整")
    assert 0 < len(only_table(doc).cells) < len(only_table(read_xls(FORM_XLS, Limits())).cells)


@needs_libreoffice
def test_word_document_named_xls(tmp_path: Path) -> None:
    path = tmp_path / "报告.xls"
    shutil.copyfile(DATA / "formats" / "002_report.doc", path)
    reason = refused(lambda: read_document(path), within=60)
    assert reason.startswith("文件已损坏")


# ---------------------------------------------------------------------------------------------
# Encryption
# ---------------------------------------------------------------------------------------------


def test_encrypted_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "加密.xlsx"
    with FORM_XLSX.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    assert refused(lambda: read_document(path)) == ENCRYPTED
    assert refused(lambda: read_xls(path, Limits())) == ENCRYPTED
    assert refused(lambda: read_xlsx(path, Limits())) == ENCRYPTED


def decrypted_values(path: Path, password: str) -> list[list[object]]:
    with path.open("rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    sheet = xlrd.open_workbook(file_contents=out.getvalue()).sheet_by_index(0)
    return [sheet.row_values(r) for r in range(sheet.nrows)]


def test_encrypted_xls(tmp_path: Path) -> None:
    path = tmp_path / "加密.xls"
    encrypt_xls(FORM_XLS, path, "secret")
    # The fixture is a real encrypted workbook: msoffcrypto-tool decrypts it with the password.
    plain = xlrd.open_workbook(str(FORM_XLS)).sheet_by_index(0)
    assert decrypted_values(path, "secret") == [plain.row_values(r) for r in range(plain.nrows)]
    assert refused(lambda: read_xls(path, Limits()), within=60) == ENCRYPTED
    assert refused(lambda: read_document(path), within=60) == ENCRYPTED


@needs_libreoffice
def test_xls_with_excels_default_password_is_read(tmp_path: Path, form_xls: Document) -> None:
    """Excel encrypts with the built-in password “VelvetSweatshop” when only the workbook
    structure is protected; such a file opens without a password, and so it is read."""
    path = tmp_path / "保护工作簿.xls"
    encrypt_xls(FORM_XLS, path, "VelvetSweatshop")
    doc = read_xls(path, Limits())
    assert (doc.format, doc.path) == ("xls", str(path))
    assert only_table(doc).text_rows() == only_table(form_xls).text_rows()


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


def test_random_bytes_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "乱码.xlsx"
    path.write_bytes(random.Random(1).randbytes(20_000))
    assert "无法作为压缩包打开" in refused(lambda: read_xlsx(path, Limits()), within=2)
    assert "无法作为压缩包打开" in refused(lambda: read_document(path), within=2)


def test_random_bytes_named_xls(tmp_path: Path) -> None:
    path = tmp_path / "乱码.xls"
    path.write_bytes(random.Random(2).randbytes(20_000))
    assert "无法识别文件格式" in refused(lambda: read_xls(path, Limits()), within=2)
    assert "无法识别文件格式" in refused(lambda: read_document(path), within=2)


def test_truncated_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "截断.xlsx"
    path.write_bytes(FORM_XLSX.read_bytes()[: FORM_XLSX.stat().st_size // 2])
    assert "已损坏" in refused(lambda: read_document(path), within=2)


def test_zip_without_workbook(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "不是工作簿")
    assert "缺少工作簿部件" in refused(lambda: read_xlsx(path, Limits()), within=2)


def test_malformed_sheet_xml(tmp_path: Path) -> None:
    path = tmp_path / "坏表.xlsx"
    with zipfile.ZipFile(FORM_XLSX) as zf:
        xml = zf.read(SHEET1)
    rewrite_member(FORM_XLSX, path, SHEET1, xml[: len(xml) // 2])
    assert refused(lambda: read_xlsx(path, Limits()), within=2).startswith("文件已损坏")


def test_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(FORM_XLSX) as zf:
        xml = zf.read(SHEET1)
    head, sep, tail = xml.partition(b"<sheetData>")
    rewrite_member(FORM_XLSX, path, SHEET1, head + b" " * (60 * 1024 * 1024) + sep + tail)
    assert path.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        reason = refused(lambda: read_xlsx(path, Limits()), within=5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "压缩炸弹" in reason
    assert peak < 20 * 1024 * 1024


ENTITIES = (
    b'<!DOCTYPE worksheet [<!ENTITY a "hahahahahahahahahahahahahahahahaha">'
    + b"".join(b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10) for i in range(8))
    + b"]>"
)


@pytest.mark.parametrize("padding", [0, 16 * 1024], ids=["at-start", "after-padding"])
def test_xml_entity_bomb(tmp_path: Path, padding: int) -> None:
    """“Billion laughs” in a sheet: refused before any parser expands it, also when the DTD
    sits behind whitespace beyond the part's first bytes."""
    path = tmp_path / "实体.xlsx"
    with zipfile.ZipFile(FORM_XLSX) as zf:
        xml = zf.read(SHEET1)
    decl, _, body = xml.partition(b"?>")
    body = body.replace(b"<v>20</v>", b"<v>&i;</v>", 1)
    rewrite_member(FORM_XLSX, path, SHEET1, decl + b"?>" + b"\n" * padding + ENTITIES + body)
    assert "实体" in refused(lambda: read_xlsx(path, Limits()), within=2)


def test_sheet_over_the_cell_limit(tmp_path: Path) -> None:
    small = Limits(max_cells=100)
    assert "过大" in refused(lambda: read_xlsx(FORM_XLSX, small), within=2)
    assert "过大" in refused(lambda: read_xls(FORM_XLS, small), within=2)
    et = tmp_path / "表.et"
    shutil.copyfile(FORM_XLS, et)
    assert "过大" in refused(lambda: read_document(et, small), within=2)
    # 41 × 7 = 287 positions fit in 300.
    assert only_table(read_xlsx(FORM_XLSX, Limits(max_cells=300))).n_rows == 41


def test_huge_merged_range(tmp_path: Path) -> None:
    """openpyxl makes an object for every cell a merge covers: a whole-sheet merge is refused
    before loading."""
    path = tmp_path / "合并炸弹.xlsx"
    with zipfile.ZipFile(FORM_XLSX) as zf:
        xml = zf.read(SHEET1).decode("utf-8")
    xml = re.sub(r'<mergeCell ref="A1:G1"\s*/>', '<mergeCell ref="A1:XFD1048576"/>', xml)
    assert "XFD1048576" in xml
    rewrite_member(FORM_XLSX, path, SHEET1, xml.encode("utf-8"))
    assert "过大" in refused(lambda: read_xlsx(path, Limits()), within=3)


def test_sparse_sheet_spanning_the_whole_grid(tmp_path: Path) -> None:
    path = tmp_path / "稀疏.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "左上"
    ws["XFD1048576"] = "右下"
    wb.save(path)
    assert "行 ×" in refused(lambda: read_xlsx(path, Limits()), within=3)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("source", [FORM_XLSX, FORM_XLS], ids=["xlsx", "xls"])
def test_damaged_files_fail_cleanly(tmp_path: Path, source: Path, seed: int) -> None:
    """Bytes overwritten at random: a Document or UnreadableDocument, never another exception."""
    rng = random.Random(seed)
    data = bytearray(source.read_bytes())
    for _ in range(20):
        at = rng.randrange(512, len(data))
        data[at : at + 8] = rng.randbytes(8)
    path = tmp_path / source.name
    path.write_bytes(bytes(data))
    outcome: Document | str
    try:
        outcome = read_document(path)
    except UnreadableDocument as exc:
        outcome = exc.reason
    assert isinstance(outcome, Document) or outcome


@needs_libreoffice
def test_no_files_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Conversions work in temporary directories that are removed afterwards."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    path = tmp_path / "导出.xls"
    path.write_text("<html><table><tr><td>一</td></tr></table></html>", encoding="utf-8")
    before = set(os.listdir(tmp_path))
    assert only_table(read_xls(path, Limits())).text_rows() == [["一"]]
    assert set(os.listdir(tmp_path)) == before
