"""Spreadsheet reader: Excel workbooks (.xlsx/.xlsm), Excel 97–2003 (.xls) and WPS Spreadsheets (.et).

Every visible worksheet with content becomes one :class:`~jixiao.intake.document.Table`, placed
``工作表“名称”``, in workbook order. Hidden sheets, charts, pictures, text boxes and formulas that
were saved without a result are reported in ``Document.notes``.

What comes out of a cell:

- A merged range is one cell at its top-left with ``rowspan``/``colspan``; values Excel hides
  under a merge (in the covered cells) are ignored, as Excel ignores them.
- A number keeps its value in ``Cell.number`` (a float as Excel holds it: 15 significant digits,
  so ``0.1 + 0.2`` is ``0.3``), and its text is that value written the way the number format
  shows it, never rounded: ``#,##0.00`` → ``2,440.91``; ``0%`` → ``100%`` (``0.9874`` → ``98.74%``);
  ``0.00`` → ``5.00``; currency and unit literals of the format are kept (``¥1,200.00``, ``20万元``)
  (:mod:`~jixiao.intake.readers.number_formats`).
- Dates and times are text only: ``2021年6月30日`` when the format writes 年/月/日, else
  ``2021-06-30``; times ``14:30``. Booleans are ``是``/``否``; errors as Excel writes them
  (``#DIV/0!``).
- Empty rows and columns around the content are trimmed, so the table starts at its first
  non-empty row and column.

.xls/.et files are read with xlrd (WPS saves .et in the Excel 97–2003 BIFF format); files xlrd
cannot read (an .et in an older WPS format, an HTML or XML table saved as .xls, a workbook
protected with Excel's built-in default password) are converted with LibreOffice first. A damaged
.xls that LibreOffice still opens is read as far as it goes, with a note (place ``全文``) saying
the content may be incomplete.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import posixpath
import re
import tempfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from typing import IO
from typing import Any
from xml.etree import ElementTree

from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.document import clean_text
from jixiao.intake.limits import Limits
from jixiao.intake.readers import libreoffice
from jixiao.intake.readers import safety
from jixiao.intake.readers.number_formats import ZH_BUILTIN_FORMATS
from jixiao.intake.readers.number_formats import cell_text
from jixiao.intake.readers.number_formats import exact
from jixiao.intake.readers.number_formats import format_value
from jixiao.intake.readers.number_formats import is_date_format

__all__ = ["ENCRYPTED", "exact", "format_value", "is_date_format", "read_xls", "read_xlsx"]

ENCRYPTED = "文件已加密（设有打开密码），请提交未加密的文件"

# All sheets of a workbook together may hold this many times ``Limits.max_cells``: openpyxl keeps
# every cell of every sheet (hidden ones too) in memory at once.
_WORKBOOK_CELL_FACTOR = 4
# Formulas without a result are named one by one up to this many per sheet, then summed up.
_MAX_FORMULA_NOTES = 10
_CHUNK = 1 << 20

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


# ---------------------------------------------------------------------------------------------
# Sheets to tables
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Sheet:
    """What a reader found in one sheet; rows and columns 0-based, merges inclusive."""

    name: str
    values: dict[tuple[int, int], tuple[str, Decimal | None]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def place(self) -> str:
        return f"工作表“{self.name}”"


def _too_big(name: str, detail: str, limit: int) -> UnreadableDocument:
    return UnreadableDocument(f"工作表“{name}”过大（{detail}），超过上限 {limit:,} 个单元格，未读取")


def _table(sheet: _Sheet, limits: Limits) -> Table | None:
    """The sheet's content as a table: trimmed to its non-empty rows and columns, merges as spans."""
    merges = sorted(sheet.merges)
    if len(merges) > limits.max_cells:
        raise _too_big(sheet.name, f"{len(merges):,} 个合并区域", limits.max_cells)
    # Index merges by the rows that hold values, to find values hidden under a merge.
    rows_with_values = sorted({r for r, _ in sheet.values}) if merges else []
    covering: dict[int, list[tuple[int, int, int, int]]] = {}
    for merge in merges:
        r0, _c0, r1, _c1 = merge
        for r in rows_with_values[bisect.bisect_left(rows_with_values, r0) :]:
            if r > r1:
                break
            covering.setdefault(r, []).append(merge)
    top_lefts = {(m[0], m[1]): m for m in merges}

    def hidden(r: int, c: int) -> bool:
        ranges = covering.get(r)
        return ranges is not None and any(c0 <= c <= c1 and (r, c) != (r0, c0) for r0, c0, _r1, c1 in ranges)

    content = [
        (r, c)
        for (r, c), (text, number) in sheet.values.items()
        if (number is not None or text.strip()) and not hidden(r, c)
    ]
    if not content:
        return None
    # The content's extent, with the whole of each merged range that holds a value.
    top, left = min(r for r, _ in content), min(c for _, c in content)
    bottom, right = max(r for r, _ in content), max(c for _, c in content)
    for r, c in content:
        if (r, c) in top_lefts:
            bottom = max(bottom, top_lefts[r, c][2])
            right = max(right, top_lefts[r, c][3])
    n_rows, n_cols = bottom - top + 1, right - left + 1
    if n_rows * n_cols > limits.max_cells:
        raise _too_big(sheet.name, f"{n_rows:,} 行 × {n_cols:,} 列", limits.max_cells)

    cells: list[Cell] = []
    for r, c in content:
        if (r, c) in top_lefts:
            continue
        text, number = sheet.values[r, c]
        cells.append(Cell(text=text, row=r - top, col=c - left, number=number))
    for r0, c0, r1, c1 in merges:
        rr0, cc0, rr1, cc1 = max(r0, top), max(c0, left), min(r1, bottom), min(c1, right)
        if rr0 > rr1 or cc0 > cc1:
            continue
        text, number = sheet.values.get((r0, c0), ("", None))
        if (rr0, cc0) != (r0, c0):
            text, number = "", None
        if rr0 == rr1 and cc0 == cc1 and not text.strip() and number is None:
            continue
        cells.append(
            Cell(
                text=text,
                row=rr0 - top,
                col=cc0 - left,
                rowspan=rr1 - rr0 + 1,
                colspan=cc1 - cc0 + 1,
                number=number,
            )
        )
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Table(cells=tuple(cells), n_rows=n_rows, n_cols=n_cols, place=sheet.place)


def _corrupt(exc: BaseException) -> UnreadableDocument:
    detail = str(exc).strip() or type(exc).__name__
    if len(detail) > 160:
        detail = detail[:157] + "…"
    return UnreadableDocument(f"文件已损坏：无法解析工作簿（{detail}）")


def _column_letter(col: int) -> str:
    """1-based column number → ``A``, ``AB``."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# .xlsx
# ---------------------------------------------------------------------------------------------

_REL_TYPES = {
    "worksheet": "worksheet",
    "chartsheet": "chartsheet",
    "dialogsheet": "other",
    "xlMacrosheet": "other",
    "xlIntlMacrosheet": "other",
}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")
_RANGE_REF = re.compile(r"([A-Za-z]{1,3})(\d+)(?::([A-Za-z]{1,3})(\d+))?")


@dataclass(slots=True)
class _PartInfo:
    """A sheet as the workbook part lists it, and what a pass over its XML found."""

    name: str
    state: str
    kind: str
    part: str | None
    cells: int = 0
    uncomputed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _col_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type's last segment, resolved target)."""
    path = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    try:
        data = zf.read(path)
    except KeyError:
        return {}
    rels: dict[str, tuple[str, str]] = {}
    for el in ElementTree.fromstring(data).iter():
        if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
            rel_type = (el.get("Type") or "").rsplit("/", 1)[-1]
            rels[el.get("Id") or ""] = (rel_type, _resolve(part, el.get("Target") or ""))
    return rels


def _check_no_dtd(zf: zipfile.ZipFile) -> None:
    """Refuse a DTD anywhere in any XML part (``safety`` looks at each part's first bytes only)."""
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        tail = b""
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                if _DTD.search(tail + chunk):
                    raise UnreadableDocument(
                        f"压缩包内 {info.filename} 含 DTD/实体定义（疑似 XML 实体炸弹），已拒绝"
                    )
                tail = chunk[-16:]


def _scan_workbook(zf: zipfile.ZipFile, limits: Limits) -> list[_PartInfo]:
    """The workbook's sheets, each with its cell count, formulas without a result and drawings,
    from one streaming pass over the XML: a sheet too big to load is refused before openpyxl
    builds it in memory."""
    root_rels = _rels(zf, "")
    workbook = next((t for kind, t in root_rels.values() if kind == "officeDocument"), "xl/workbook.xml")
    try:
        data = zf.read(workbook)
    except KeyError:
        raise UnreadableDocument("不是有效的 Excel 工作簿（缺少工作簿部件 xl/workbook.xml）") from None
    rels = _rels(zf, workbook)
    sheets: list[_PartInfo] = []
    for el in ElementTree.fromstring(data).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.startswith("{") and _local(k) == "id"), "")
        rel_type, target = rels.get(rid, ("", ""))
        sheets.append(
            _PartInfo(
                name=el.get("name") or "",
                state=el.get("state") or "visible",
                kind=_REL_TYPES.get(rel_type, "other"),
                part=target if target in zf.NameToInfo else None,
            )
        )
    total = 0
    for sheet in sheets:
        if sheet.kind == "worksheet" and sheet.part:
            _scan_sheet(zf, sheet, limits)
            total += sheet.cells
            if total > limits.max_cells * _WORKBOOK_CELL_FACTOR:
                raise UnreadableDocument(
                    f"工作簿过大（超过 {limits.max_cells * _WORKBOOK_CELL_FACTOR:,} 个单元格），未读取"
                )
    return sheets


class _SheetScan:
    """One streaming pass over a sheet's XML with expat (no tree is built): counts the cells and
    the cells merges cover, and notes formulas without a result, drawings and embedded objects."""

    def __init__(self, sheet: _PartInfo, limits: Limits) -> None:
        self.sheet = sheet
        self.limit = limits.max_cells
        self.row = self.col = 0
        self.covered = 0  # cells under merged ranges: openpyxl makes an object for each
        self.formula = self.value = self.in_value = False
        self.drawings: list[str] = []
        self.ole_objects = 0

    def run(self, fh: IO[bytes]) -> None:
        from xml.parsers import expat

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = self.doctype
        parser.ParseFile(fh)

    def doctype(self, *_args: object) -> None:
        raise UnreadableDocument(f"工作表“{self.sheet.name}”含 DTD/实体定义（疑似 XML 实体炸弹），已拒绝")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            self.sheet.cells += 1
            if self.sheet.cells > self.limit:
                raise _too_big(self.sheet.name, f"超过 {self.limit:,} 个单元格", self.limit)
            ref = attrs.get("r")
            match = _CELL_REF.fullmatch(ref) if ref else None
            if match:
                self.col, self.row = _col_number(match.group(1)), int(match.group(2))
            else:
                self.col += 1
            self.formula = self.value = False
        elif tag == "v":
            self.in_value = True
        elif tag == "f":
            self.formula = True
        elif tag == "is":
            self.value = True
        elif tag == "row":
            ref = attrs.get("r")
            self.row = int(float(ref)) if ref else self.row + 1
            self.col = 0
        elif tag == "mergeCell":
            match = _RANGE_REF.fullmatch(attrs.get("ref", ""))
            if match and match.group(3):
                rows = abs(int(match.group(4)) - int(match.group(2))) + 1
                cols = abs(_col_number(match.group(3)) - _col_number(match.group(1))) + 1
                self.covered += rows * cols - 1
                if self.covered > self.limit:
                    raise _too_big(self.sheet.name, f"合并区域共覆盖超过 {self.limit:,} 个单元格", self.limit)
        elif tag == "drawing":
            self.drawings.append(next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), ""))
        elif tag == "oleObject":
            self.ole_objects += 1

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "v":
            self.in_value = False
        elif tag == "c" and self.formula and not self.value:
            self.sheet.uncomputed.append(f"{_column_letter(self.col)}{self.row}")

    def text(self, data: str) -> None:
        if self.in_value and data.strip():
            self.value = True


def _scan_sheet(zf: zipfile.ZipFile, sheet: _PartInfo, limits: Limits) -> None:
    assert sheet.part is not None
    scan = _SheetScan(sheet, limits)
    with zf.open(sheet.part) as fh:
        scan.run(fh)
    if scan.ole_objects:
        sheet.notes.append(f"含 {scan.ole_objects} 个嵌入对象，未读取其中内容")
    if scan.drawings:
        rels = _rels(zf, sheet.part)
        for rid in scan.drawings:
            _, target = rels.get(rid, ("", ""))
            if target in zf.NameToInfo:
                sheet.notes.extend(_drawing_notes(zf, target))


def _drawing_notes(zf: zipfile.ZipFile, part: str) -> list[str]:
    """What a sheet's drawing holds that the table does not: charts, pictures, text boxes."""
    charts = pictures = 0
    texts: list[str] = []
    for _event, el in ElementTree.iterparse(zf.open(part), events=("end",)):
        tag = _local(el.tag)
        if tag == "graphicFrame":
            charts += 1
        elif tag == "pic":
            pictures += 1
        elif tag == "sp":
            text = "".join(t.text or "" for t in el.iter() if _local(t.tag) == "t").strip()
            if text:
                texts.append(text)
    notes: list[str] = []
    if charts:
        notes.append(f"含 {charts} 个图表，未读取其中内容")
    if pictures:
        notes.append(f"含 {pictures} 张图片，未读取其中内容")
    for text in texts:
        shown = clean_text(text.replace("\n", " "))
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        notes.append(f"含文本框“{shown}”，其中文字未读入表格")
    return notes


def read_xlsx(path: Path, limits: Limits) -> Document:
    """Read an Excel 2007+ workbook (.xlsx/.xlsm)."""
    return _read_xlsx(path, limits, fallback=True)


def _read_xlsx(path: Path, limits: Limits, *, fallback: bool) -> Document:
    with contextlib.suppress(OSError), path.open("rb") as fh:
        if fh.read(8) == _CFB:
            if safety.encrypted_ole(path):
                raise UnreadableDocument(ENCRYPTED)
            raise UnreadableDocument("文件已损坏或不是有效的 Excel 工作簿（不是 Excel 2007 及以上格式）")
    zf = _open_archive(path, limits, "Excel 工作簿")
    try:
        try:
            _check_no_dtd(zf)
            parts = _scan_workbook(zf, limits)
        except UnreadableDocument:
            raise
        except _UNZIP_ERRORS as exc:
            raise UnreadableDocument(f"文件已损坏（压缩包内容无法解压：{exc}）") from None
        except Exception as exc:  # malformed XML in the workbook or a sheet
            raise _corrupt(exc) from None
    finally:
        zf.close()

    try:
        book = _load_openpyxl(path)
        return _document_from_openpyxl(path, book, parts, limits)
    except UnreadableDocument:
        raise
    except Exception as exc:
        if not fallback:
            raise _corrupt(exc) from None
        failure = exc
    # openpyxl cannot read it (a Strict Open XML file, an unusual generator): LibreOffice can.
    try:
        return _via_libreoffice(path, limits, "xlsx")
    except UnreadableDocument:
        raise _corrupt(failure) from None


_UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError)


def _open_archive(path: Path, limits: Limits, kind: str) -> zipfile.ZipFile:
    """``safety.open_ooxml``, with a damaged member's decompression error reported as damage."""
    try:
        return safety.open_ooxml(path, limits, kind)
    except UnreadableDocument:
        raise
    except _UNZIP_ERRORS as exc:
        raise UnreadableDocument(f"文件已损坏（压缩包内容无法解压：{exc}）") from None


class _SheetsMissing(Exception):
    """openpyxl read the workbook but not the sheets the workbook part lists."""


def _load_openpyxl(path: Path) -> Any:
    import openpyxl

    with warnings.catch_warnings(), path.open("rb") as fh:
        warnings.simplefilter("ignore")
        # A file object, not the path: openpyxl refuses names not ending in .xlsx/.xlsm.
        return openpyxl.load_workbook(fh, data_only=True, keep_links=False, rich_text=False)


def _number_format(cell: Any) -> str:
    code: str = cell.number_format
    style = getattr(cell, "_style", None)
    fmt_id = getattr(style, "numFmtId", 0) if style is not None else 0
    if code == "General" and fmt_id in ZH_BUILTIN_FORMATS:
        return ZH_BUILTIN_FORMATS[fmt_id]
    return code


def _document_from_openpyxl(path: Path, book: Any, parts: list[_PartInfo], limits: Limits) -> Document:
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

    title = (book.properties.title or "").strip() if book.properties else ""
    doc = Document(path=str(path), format="xlsx", title=clean_text(title) or None)
    loaded = {name: book[name] for name in book.sheetnames}
    date1904 = book.epoch.year == 1904
    for part in parts:
        place = f"工作表“{part.name}”"
        if part.state != "visible":
            doc.notes.append((place, "隐藏的工作表，未读取"))
            continue
        ws = loaded.get(part.name)
        if part.kind == "chartsheet":
            doc.notes.append((place, "图表工作表，未读取其中内容"))
            continue
        if part.kind != "worksheet" or not isinstance(ws, Worksheet):
            if part.kind == "worksheet" and part.cells:
                raise _SheetsMissing(part.name)
            doc.notes.append((place, "此类工作表（对话框/宏表）不受支持，未读取"))
            continue
        if part.cells and not ws._cells:  # openpyxl did not understand the sheet's XML
            raise _SheetsMissing(part.name)
        sheet = _Sheet(part.name)
        for (row, col), cell in ws._cells.items():  # populated cells only, never the full grid
            if isinstance(cell, MergedCell) or cell.value is None:
                continue
            value = cell.value
            code = _number_format(cell)
            if cell.data_type == "e":
                sheet.values[row - 1, col - 1] = (str(value), None)
                continue
            if isinstance(value, str):
                value = _XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
            sheet.values[row - 1, col - 1] = format_value(value, code, date1904=date1904)
        for rng in ws.merged_cells.ranges:
            sheet.merges.append((rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1))
        for coordinate in part.uncomputed[:_MAX_FORMULA_NOTES]:
            doc.notes.append(
                (f"{place} {coordinate}", "公式没有计算结果（文件保存时未计算），此单元格按空白读取")
            )
        if len(part.uncomputed) > _MAX_FORMULA_NOTES:
            more = len(part.uncomputed) - _MAX_FORMULA_NOTES
            doc.notes.append((place, f"另有 {more} 个公式单元格没有计算结果，按空白读取"))
        doc.notes.extend((place, note) for note in part.notes)
        table = _table(sheet, limits)
        if table is not None:
            doc.blocks.append(table)
    return doc


def _via_libreoffice(path: Path, limits: Limits, fmt: str) -> Document:
    """Convert with LibreOffice to .xlsx and read that, keeping the original path and format."""
    with tempfile.TemporaryDirectory(prefix="jixiao-sheet-") as tmp:
        converted = libreoffice.convert(path, "xlsx", Path(tmp), limits.convert_timeout)
        doc = _read_xlsx(converted, limits, fallback=False)
    doc.path = str(path)
    doc.format = fmt
    return doc


# ---------------------------------------------------------------------------------------------
# .xls / .et
# ---------------------------------------------------------------------------------------------

_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?\s*<", re.IGNORECASE)
_SPREADSHEET_MARKUP = re.compile(
    rb"<html|<table|urn:schemas-microsoft-com:office:spreadsheet|<\?xml|<!doctype html",
    re.IGNORECASE,
)


def read_xls(path: Path, limits: Limits) -> Document:
    """Read an Excel 97–2003 workbook (.xls) or a WPS Spreadsheets file (.et)."""
    fmt = "et" if path.suffix.lower() == ".et" else "xls"
    if safety.encrypted_ole(path):
        raise UnreadableDocument(ENCRYPTED)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件（{exc.strerror or exc}）") from None

    import xlrd

    try:
        book = xlrd.open_workbook(
            str(path), formatting_info=True, on_demand=True, ragged_rows=True, logfile=io.StringIO()
        )
    except Exception as exc:
        if "encrypt" in str(exc).lower():
            return _encrypted_xls(path, limits, fmt)
        return _xls_fallback(path, limits, fmt, head, exc)
    try:
        return _document_from_xlrd(path, book, limits, fmt)
    except UnreadableDocument:
        raise
    except Exception as exc:
        return _xls_fallback(path, limits, fmt, head, exc)
    finally:
        with contextlib.suppress(Exception):
            book.release_resources()


def _encrypted_xls(path: Path, limits: Limits, fmt: str) -> Document:
    """An encrypted .xls: Excel encrypts with the built-in password “VelvetSweatshop” when only
    the workbook structure is protected, and LibreOffice opens those. Any other is refused."""
    try:
        return _via_libreoffice(path, limits, fmt)
    except UnreadableDocument:
        raise UnreadableDocument(ENCRYPTED) from None


def _xls_fallback(path: Path, limits: Limits, fmt: str, head: bytes, failure: BaseException) -> Document:
    """xlrd cannot read the file: hand what LibreOffice may read (another compound-file format,
    an OpenDocument or HTML/XML table named .xls/.et) to LibreOffice; refuse anything else."""
    if head.startswith(_ZIP):
        zf = _open_archive(path, limits, "电子表格")
        try:
            if "xl/workbook.xml" in zf.NameToInfo:  # an .xlsx under another name
                return _read_xlsx(path, limits, fallback=True)
            _check_no_dtd(zf)
        except _UNZIP_ERRORS as exc:
            raise UnreadableDocument(f"文件已损坏（压缩包内容无法解压：{exc}）") from None
        finally:
            zf.close()
    elif not (head.startswith(_CFB) or (_MARKUP.match(head) and _SPREADSHEET_MARKUP.search(head))):
        raise UnreadableDocument("文件已损坏或不是有效的 Excel 工作簿（无法识别文件格式）")
    try:
        doc = _via_libreoffice(path, limits, fmt)
    except UnreadableDocument:
        if libreoffice.soffice() is None:
            raise  # the reason says LibreOffice is needed
        raise _corrupt(failure) from None
    if head.startswith(_CFB) and _damaged_biff(path, head, failure):
        doc.notes.insert(0, ("全文", "文件可能已损坏，已尽量读取，内容可能不完整"))
    return doc


def _damaged_biff(path: Path, head: bytes, failure: BaseException) -> bool:
    """Whether xlrd failed on a damaged file, not on a format it does not know: it crashed while
    parsing, or the compound file is cut short (its size is no whole number of sectors)."""
    from xlrd.biffh import XLRDError

    sector = 1 << int.from_bytes(head[30:32], "little") if len(head) >= 32 else 512
    try:
        cut_short = sector in (512, 4096) and (path.stat().st_size - 512) % sector != 0
    except OSError:
        cut_short = False
    return cut_short or not isinstance(failure, XLRDError)


def _ole_title(path: Path) -> str | None:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            meta = ole.get_metadata()
    except Exception:
        return None
    title = meta.title
    if isinstance(title, bytes):
        codepage = (meta.codepage or 0) & 0xFFFF
        codec = {65001: "utf-8", 1200: "utf-16-le", 0: "gbk"}.get(codepage, f"cp{codepage}")
        try:
            title = title.decode(codec)
        except (LookupError, UnicodeDecodeError):
            title = title.decode("gbk", "replace")
    if not isinstance(title, str):
        return None
    return clean_text(title.rstrip("\x00").strip()) or None


def _xls_format_code(book: Any, xf_index: int) -> str:
    """A cell's number format code (xlrd leaves the locale-dependent built-in codes empty)."""
    try:
        key = book.xf_list[xf_index].format_key
    except (IndexError, AttributeError):
        return "General"
    fmt = book.format_map.get(key)
    code = fmt.format_str if fmt is not None else None
    return code or ZH_BUILTIN_FORMATS.get(key, "General")


def _document_from_xlrd(path: Path, book: Any, limits: Limits, fmt: str) -> Document:
    import xlrd
    from xlrd.biffh import error_text_from_code

    doc = Document(path=str(path), format=fmt, title=_ole_title(path))
    visibility: list[int] = list(getattr(book, "_sheet_visibility", []))
    for index, name in enumerate(book.sheet_names()):
        place = f"工作表“{name}”"
        if index < len(visibility) and visibility[index]:
            doc.notes.append((place, "隐藏的工作表，未读取"))
            continue
        ws = book.sheet_by_index(index)
        try:
            sheet = _Sheet(name)
            count = 0
            for r in range(ws.nrows):
                length = ws.row_len(r)
                count += length
                if count > limits.max_cells:
                    raise _too_big(name, f"超过 {limits.max_cells:,} 个单元格", limits.max_cells)
                for c in range(length):
                    ctype = ws.cell_type(r, c)
                    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        continue
                    value = ws.cell_value(r, c)
                    code = _xls_format_code(book, ws.cell_xf_index(r, c))
                    if ctype == xlrd.XL_CELL_TEXT:
                        sheet.values[r, c] = (cell_text(value), None)
                    elif ctype == xlrd.XL_CELL_ERROR:
                        sheet.values[r, c] = (error_text_from_code.get(value, "#N/A"), None)
                    elif ctype == xlrd.XL_CELL_BOOLEAN:
                        sheet.values[r, c] = format_value(bool(value), code)
                    else:
                        sheet.values[r, c] = format_value(value, code, date1904=bool(book.datemode))
            sheet.merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in ws.merged_cells]
            table = _table(sheet, limits)
        finally:
            book.unload_sheet(index)
        if table is not None:
            doc.blocks.append(table)
    return doc
