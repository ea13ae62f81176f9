"""Writing a :class:`~inbox.doc.Doc` as .docx (python-docx), .xlsx (openpyxl), .txt or .html.

Output is byte-for-byte reproducible: Office packages are zipped with fixed entry timestamps and
the document properties' dates set to the report's filling date (python-docx and openpyxl would
otherwise stamp the current time).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import zipfile
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.shared import Pt
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from inbox.doc import Doc
from inbox.doc import Grid
from inbox.doc import Para

if TYPE_CHECKING:
    from _typeshed import SizedBuffer

_ALIGN = {"title": "center", "center": "center", "right": "right"}


# ---------------------------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(doc: Doc, rng: random.Random, when: dt.datetime, split_rows: bool = False) -> bytes:
    """A Word document: python-docx's default package (styles, settings, numbering) with the
    body written as WordprocessingML directly, which is many times faster than python-docx's
    object API for tables with merged cells (``gridSpan``/``vMerge``, as Word writes them).

    Rows are kept on one page (``cantSplit``) unless ``split_rows``."""
    return _maker().make(doc, rng, when, split_rows)


class _Capture:
    """A physical package writer that keeps the entries python-docx writes."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: object, blob: bytes) -> None:
        self.entries.append((str(getattr(pack_uri, "membername", pack_uri)), blob))


class _DocxMaker:
    """One python-docx document per process, reset for every file.

    Parsing the default template and serializing its parts cost most of the time of writing a
    small report, so the template is parsed once, and the parts a report leaves as they are
    (theme, settings, numbering, fonts, relationships, content types) are serialized once; the
    styles part is serialized once per font choice.
    """

    _DYNAMIC = ("word/document.xml", "docProps/core.xml")
    _STYLES = "word/styles.xml"

    def __init__(self) -> None:
        self.document = docx.Document()
        self.props = self.document.core_properties  # creates the part if the template lacks it
        package = self.document.part.package
        self.parts = list(package.iter_parts())
        capture = _Capture()
        PackageWriter._write_content_types_stream(capture, self.parts)  # type: ignore[no-untyped-call]
        PackageWriter._write_pkg_rels(capture, package.rels)  # type: ignore[no-untyped-call]
        self.head = capture.entries
        self.static: dict[str, bytes] = {}
        self.styles: dict[tuple[float, str], bytes] = {}

    def make(self, doc: Doc, rng: random.Random, when: dt.datetime, split_rows: bool) -> bytes:
        d = self.document
        size, east_asia = rng.choice((10.5, 12, 14)), rng.choice(("宋体", "仿宋_GB2312", "仿宋"))
        normal = d.styles["Normal"]
        normal.font.name = "宋体"
        normal.font.size = Pt(size)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
        # A4; a form-only document with a wide table is printed in landscape, as such forms are.
        wide = not any(isinstance(b, Para) and b.kind == "heading1" for b in doc.blocks) and any(
            isinstance(b, Grid) and b.n_cols >= 7 for b in doc.blocks
        )
        section = d.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if wide else (Mm(210), Mm(297))
        section.left_margin = section.right_margin = Mm(20)
        text_width = int(
            (section.page_width - section.left_margin - section.right_margin) / 635
        )  # EMU → twips
        styled_headings = rng.random() < 0.4
        indent = rng.random() < 0.7
        parts: list[str] = []
        for block in doc.blocks:
            if isinstance(block, Para):
                parts.append(_paragraph_xml(block, styled_headings, indent))
            else:
                parts.append(_table_xml(block, not split_rows, text_width))
                parts.append("<w:p/>")  # Word keeps a paragraph between adjacent tables
        body = d.element.body
        anchor = body.sectPr
        for child in list(body):
            if child is not anchor:
                body.remove(child)
        for child in list(parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(parts)}</w:body>')):
            if anchor is not None:
                anchor.addprevious(child)
            else:
                body.append(child)
        props = self.props
        props.title = doc.title
        props.author = ""
        props.comments = ""
        props.last_modified_by = ""
        props.created = when
        props.modified = when

        buffer = io.BytesIO()
        writer = _FixedTimeZip(buffer, when)
        for name, blob in self.head:
            writer.write(name, blob)
        for part in self.parts:
            name = part.partname.membername
            if name in self._DYNAMIC:
                blob = part.blob
            elif name == self._STYLES:
                blob = self.styles.get((size, east_asia)) or self.styles.setdefault(
                    (size, east_asia), part.blob
                )
            else:
                blob = self.static.get(name) or self.static.setdefault(name, part.blob)
            writer.write(name, blob)
            if len(part.rels):
                rels = part.partname.rels_uri.membername
                writer.write(rels, self.static.get(rels) or self.static.setdefault(rels, part.rels.xml))
        writer.close()
        return buffer.getvalue()


_MAKER: _DocxMaker | None = None


def _maker() -> _DocxMaker:
    global _MAKER  # noqa: PLW0603 - one per process
    if _MAKER is None:
        _MAKER = _DocxMaker()
    return _MAKER


class _FixedTimeZip:
    """A zip whose entries all carry one fixed time."""

    def __init__(self, buffer: io.BytesIO, when: dt.datetime) -> None:
        self._zip = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
        self._time = when.timetuple()[:6]

    def write(self, name: str, blob: bytes) -> None:
        entry = zipfile.ZipInfo(name, date_time=self._time)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self._zip.writestr(entry, blob)

    def close(self) -> None:
        self._zip.close()


def _run_xml(text: str, *, bold: bool = False, size: int | None = None) -> str:
    props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph_xml(block: Para, styled_headings: bool, indent: bool) -> str:
    kind = block.kind
    ppr = ""
    if kind in {"heading1", "heading2"} and styled_headings:
        ppr = f'<w:pStyle w:val="{"Heading1" if kind == "heading1" else "Heading2"}"/>'
        return f"<w:p><w:pPr>{ppr}</w:pPr>{_run_xml(block.text)}</w:p>"
    if kind == "body" and indent:
        ppr += '<w:ind w:firstLine="480"/>'
    if kind in _ALIGN:
        ppr += f'<w:jc w:val="{_ALIGN[kind]}"/>'
    run = _run_xml(
        block.text, bold=kind in {"title", "heading1", "heading2"}, size=32 if kind == "title" else None
    )
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{run}</w:p>"


def _cell_xml(text: str, bold: bool, vmerge: str | None, width: int, span: int) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    paragraphs = "".join(
        f"<w:p>{_run_xml(line, bold=bold, size=_TABLE_FONT_HALF_POINTS) if line else ''}</w:p>"
        for line in text.split("\n")
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


_TABLE_FONT_HALF_POINTS = 18  # 9 pt, as forms use to fit their columns
_EM = _TABLE_FONT_HALF_POINTS * 10  # twips per em of the table font


def _ems(text: str) -> float:
    return sum(1.0 if ord(ch) > 0x2000 else 0.6 for ch in text)


def _column_widths(grid: Grid, total: int) -> list[int]:
    """Column widths in twips. A figure (no Chinese in it) must fit on one line, as a unit
    laying out its form makes sure it does; text columns share the rest by their longest text.
    The parts of a split table keep the widths of the whole."""
    grid = grid.basis or grid
    spanned = {
        (r, c)
        for r0, c0, r1, c1 in grid.merges
        if c1 > c0
        for r in range(r0, r1 + 1)
        for c in range(c0, c1 + 1)
    }
    need = [0.0] * grid.n_cols
    want = [4.0] * grid.n_cols
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is None or (r, c) in spanned or not cell.text:
                continue
            ems = _ems(cell.text) + 1.6  # cell margins
            if not any(ord(ch) > 0x2000 for ch in cell.text.replace("≥", "").replace("≤", "")):
                need[c] = max(need[c], ems)
            want[c] = max(want[c], min(ems, 16.0))
    want = [max(w, n) for w, n in zip(want, need, strict=True)]
    fixed = [n * _EM for n in need]
    extra = [(w - n) * _EM for w, n in zip(want, need, strict=True)]
    room = total - sum(fixed)
    if room <= 0:
        widths = [f * total / sum(fixed) for f in fixed]
    else:
        share = room / sum(extra) if sum(extra) else 0.0
        widths = [f + e * share for f, e in zip(fixed, extra, strict=True)]
    out = [int(w) for w in widths]
    out[-1] += total - sum(out)
    return out


def _table_xml(grid: Grid, cant_split: bool, total: int) -> str:
    """A table with Word's borders (style TableGrid) in 9 pt; merges as ``gridSpan`` and
    ``vMerge``. With ``cant_split`` no row breaks across a page."""
    widths = _column_widths(grid, total)
    starts: dict[tuple[int, int], tuple[int, int]] = {}
    covered: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for r0, c0, r1, c1 in grid.merges:
        starts[(r0, c0)] = (r1, c1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = (r0, c0, r1, c1)
    out = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    row_start = "<w:tr><w:trPr><w:cantSplit/></w:trPr>" if cant_split else "<w:tr>"
    for r, row in enumerate(grid.rows):
        out.append(row_start)
        c = 0
        while c < grid.n_cols:
            if (r, c) in starts:
                r1, c1 = starts[(r, c)]
                cell = row[c]
                text, bold = (cell.text, cell.bold) if cell is not None else ("", False)
                out.append(
                    _cell_xml(text, bold, "restart" if r1 > r else None, sum(widths[c : c1 + 1]), c1 - c + 1)
                )
                c = c1 + 1
            elif (r, c) in covered:
                _r0, c0, _r1, c1 = covered[(r, c)]
                out.append(_cell_xml("", False, "continue", sum(widths[c0 : c1 + 1]), c1 - c0 + 1))
                c = c1 + 1
            else:
                cell = row[c]
                out.append(_cell_xml(cell.text if cell else "", bool(cell and cell.bold), None, widths[c], 1))
                c += 1
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# .xlsx
# ---------------------------------------------------------------------------------------------


def xlsx_bytes(doc: Doc, rng: random.Random, when: dt.datetime) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = rng.choice(("项目自评表", "自评表", "绩效自评表", "Sheet1"))
    width = max((b.n_cols for b in doc.blocks if isinstance(b, Grid)), default=1)
    top = 1
    wrap = Alignment(wrap_text=True, vertical="center")
    for block in doc.blocks:
        if isinstance(block, Para):
            ws.cell(top, 1, block.text)
            if width > 1:
                ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=width)
            top += 1
            continue
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                if cell is None or (not cell.text and cell.number is None):
                    continue
                target = ws.cell(top + r, c + 1)
                if cell.number is not None:
                    target.value = cell.number
                    if cell.fmt:
                        target.number_format = cell.fmt
                else:
                    target.value = cell.text
                if len(cell.text) > 12:
                    target.alignment = wrap
        for r0, c0, r1, c1 in block.merges:
            ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
        top += len(block.rows)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14 if c > 2 else 18
    wb.properties.title = doc.title
    wb.properties.creator = ""
    wb.properties.created = when
    wb.properties.modified = when  # openpyxl's save_workbook would stamp the current time
    buffer = io.BytesIO()
    archive = _FixedTimeZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.fixed_time = when.timetuple()[:6]
    ExcelWriter(wb, archive).save()
    return buffer.getvalue()


class _FixedTimeZipFile(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time (openpyxl writes worksheets from temporary
    files, whose modification time would otherwise end up in the archive)."""

    fixed_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            entry = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.fixed_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zinfo_or_arcname = entry
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: str | os.PathLike[str],
        arcname: str | os.PathLike[str] | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        with open(filename, "rb") as fh:
            self.writestr(os.fspath(arcname or os.path.basename(filename)), fh.read())


# ---------------------------------------------------------------------------------------------
# .txt
# ---------------------------------------------------------------------------------------------


def txt_lines(doc: Doc, rng: random.Random) -> list[str]:
    """Paragraphs as lines; tables in one of the two shapes text dumps leave (see
    ``jixiao.intake.readers.text``): row per line, TAB-separated, a merged cell's text in its
    first position and the positions it covers empty (copying out of Excel or Word); or cell per
    line, as Tika-style extractors dump Word tables, the report's text between them included."""
    lines: list[str] = []
    indent = "　　" if rng.random() < 0.4 else ""
    cell_per_line = rng.random() < 0.3
    blank_around = rng.random() < 0.5
    for block in doc.blocks:
        if isinstance(block, Para):
            lead = indent if block.kind == "body" else ""
            lines.append(lead + block.text)
            continue
        if cell_per_line:  # as a Tika-style dump: straight after the text, a blank line after each row
            lines.extend(_cell_per_line(block))
            continue
        if blank_around:
            lines.append("")
        for row in block.rows:
            lines.append("\t".join((cell.text.replace("\n", "") if cell is not None else "") for cell in row))
        if blank_around:
            lines.append("")
    return lines


def _cell_per_line(grid: Grid) -> list[str]:
    """Every Word cell (``w:tc``) starts a line with a TAB, its further paragraphs follow on
    lines of their own, a blank line ends the row. A cell spanning columns is one cell; a cell
    continuing a vertical merge is an empty one."""
    spans: dict[tuple[int, int], int] = {}
    for r0, c0, r1, c1 in grid.merges:
        for r in range(r0, r1 + 1):
            spans[(r, c0)] = c1 - c0 + 1
    lines: list[str] = []
    for r, row in enumerate(grid.rows):
        c = 0
        while c < grid.n_cols:
            cell = row[c]
            paragraphs = (cell.text if cell is not None else "").split("\n")
            lines.append("\t" + paragraphs[0])
            lines.extend(paragraphs[1:])
            c += spans.get((r, c), 1)
        lines.append("")
    return lines


def txt_bytes(doc: Doc, rng: random.Random) -> tuple[bytes, str]:
    """The text file and its encoding: mostly UTF-8 (some with a BOM), some GBK as Windows Notepad
    writes it; some with CRLF line ends."""
    newline = "\r\n" if rng.random() < 0.3 else "\n"
    text = newline.join(txt_lines(doc, rng)) + newline
    roll = rng.random()
    if roll < 0.25:
        try:
            return text.encode("gbk"), "gbk"
        except UnicodeEncodeError:
            pass
    if roll > 0.9:
        return b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"
    return text.encode("utf-8"), "utf-8"


# ---------------------------------------------------------------------------------------------
# .html
# ---------------------------------------------------------------------------------------------


def html_bytes(doc: Doc, title_heading: bool = False) -> bytes:
    """A web page as a portal or a “save as web page” leaves it: paragraphs as ``<p>`` (the title
    centred and bold, or with ``title_heading`` an ``<h1>``), tables with
    ``rowspan``/``colspan`` for merged cells, a line break for a cell's further paragraphs, and a
    navigation bar and footer around them; UTF-8."""
    out = [
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(doc.title)}</title></head><body>'
    ]
    out.append('<div class="nav"><a href="/">首页</a> &gt; 通知公告</div>')
    for block in doc.blocks:
        if isinstance(block, Para):
            if block.kind == "title" and title_heading:
                out.append(f"<h1>{escape(block.text)}</h1>")
            elif block.kind in _ALIGN:
                out.append(f'<p style="text-align:{_ALIGN[block.kind]}"><b>{escape(block.text)}</b></p>')
            else:
                out.append(f"<p>{escape(block.text)}</p>")
            continue
        spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in block.merges}
        out.append('<table border="1" cellspacing="0">')
        for r, row in enumerate(block.rows):
            out.append("<tr>")
            for c, cell in enumerate(row):
                if cell is None:
                    continue  # covered by a merged cell
                rows, cols = spans.get((r, c), (1, 1))
                merged = (f' rowspan="{rows}"' if rows > 1 else "") + (
                    f' colspan="{cols}"' if cols > 1 else ""
                )
                text = "<br>".join(escape(x) for x in cell.text.split("\n"))
                out.append(f"<td{merged}>{text}</td>")
            out.append("</tr>")
        out.append("</table>")
    out.append('<div class="footer">主办单位：某某市财政局</div></body></html>')
    return "".join(out).encode("utf-8")
