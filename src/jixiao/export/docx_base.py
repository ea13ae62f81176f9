"""python-docx groundwork shared by the 自评表 and the 自评报告: fonts, pages, page numbers, tables.

python-docx leaves the East-Asian font slot to the template's theme (Calibri/“minorEastAsia”),
so Chinese text would fall back to whatever the reader's Word picks. :func:`new_document` names
the font in every slot of the document defaults and of the styles used (``w:eastAsia`` included),
with the language set to zh-CN. Tables are written as WordprocessingML directly from a
:class:`~jixiao.export.form.Form` (``gridSpan`` across, ``vMerge`` down): python-docx's
``Table.cell`` rebuilds its cell list on every call, which makes a 200-row table quadratic.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Emu
from docx.shared import Mm
from docx.shared import Pt
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from jixiao.export.form import Form
from jixiao.export.form import FormCell
from jixiao.export.formatting import lines_needed

TWIPS_PER_MM = 1440 / 25.4
TABLE_STYLE = "JixiaoTableText"
TABLE_STYLE_NAME = "表格文字"
"""The paragraph style of table cells: no indent, single spacing, whatever the body text uses."""
A4_MM = (210.0, 297.0)

# A row up to this many lines is kept on one page (a row split across pages leaves its last
# lines without their label); a longer one may break, since Word clips a row taller than a page
# that is not allowed to break.
_KEEP_WHOLE_LINES = 16


def _font_slots(rpr: etree._Element, font: str) -> None:
    """Name ``font`` in every slot of a ``w:rPr`` (dropping theme fonts, which override names)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.SubElement(rpr, qn("w:rFonts"))
        rpr.remove(fonts)
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
    fonts.set(qn("w:hint"), "eastAsia")


def set_style_font(
    style: BaseStyle, font: str, size: float | None = None, *, bold: bool | None = None
) -> None:
    """Give a style one font in every slot (East-Asian included), a size and boldness, in black."""
    rpr = style.element.get_or_add_rPr()
    _font_slots(rpr, font)
    color = rpr.find(qn("w:color"))
    if color is not None:
        rpr.remove(color)
    if size is not None:
        style.font.size = Pt(size)  # type: ignore[attr-defined]
    if bold is not None:
        style.font.bold = bold  # type: ignore[attr-defined]


def set_run_font(run: Run, font: str, size: float | None = None, *, bold: bool | None = None) -> None:
    """Give one run a font in every slot (East-Asian included)."""
    _font_slots(run._r.get_or_add_rPr(), font)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def new_document(font: str, size: float) -> DocxDocument:
    """A blank document whose defaults are ``font`` at ``size`` pt, zh-CN, no spacing after paragraphs."""
    doc = Document()
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _font_slots(rpr, font)
    half_points = str(round(size * 2))
    rpr.find(qn("w:sz")).set(qn("w:val"), half_points)
    rpr.find(qn("w:szCs")).set(qn("w:val"), half_points)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    set_style_font(doc.styles["Normal"], font, size)
    for name in ("Header", "Footer"):
        set_style_font(doc.styles[name], font)
    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{TABLE_STYLE}">'
            f'<w:name w:val="{TABLE_STYLE_NAME}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
            '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/></w:pPr></w:style>'
        )
    )
    core = doc.core_properties
    core.author = ""
    core.last_modified_by = ""
    core.comments = ""
    return doc


def setup_page(
    section: Section, *, landscape: bool, top: float, bottom: float, left: float, right: float
) -> None:
    """A4 in the given orientation with margins in millimetres."""
    short, long = A4_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(long if landscape else short)
    section.page_height = Mm(short if landscape else long)
    section.top_margin = Mm(top)
    section.bottom_margin = Mm(bottom)
    section.left_margin = Mm(left)
    section.right_margin = Mm(right)
    section.header_distance = Mm(min(10.0, top / 2))
    section.footer_distance = Mm(min(10.0, bottom / 2))


def text_width_mm(section: Section) -> float:
    """The width between the margins."""
    width = Emu(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]
    return float(width.mm)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) whose result Word and LibreOffice compute when laying out."""
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run = paragraph.add_run()
    instr = parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> {instruction} </w:instrText>')
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run("1")
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


def paragraph(doc: DocxDocument, style_id: str | None = None) -> Paragraph:
    """A new paragraph at the end of the body in the style with id ``style_id``.

    Set by id: python-docx's lookup by style name runs an XPath over all styles per paragraph.
    """
    added = doc.add_paragraph()
    if style_id is not None:
        added._p.get_or_add_pPr().style = style_id
    return added


def set_title(doc: DocxDocument, title: str) -> None:
    """The document's title property (Word keeps at most 255 characters there)."""
    doc.core_properties.title = title[:255]


def page_number_footer(section: Section, *, style: str = "of_total") -> None:
    """Page numbers in the footer.

    ``of_total``: centred “第 1 页，共 3 页” (tables). ``gbt9704``: “— 1 —” in 4号 (14 pt)
    半角宋体, odd pages at the right and even pages at the left, each indented one character
    (GB/T 9704-2012 §7.5); needs ``w:evenAndOddHeaders`` in the settings (see
    :func:`enable_odd_even_footers`).
    """
    if style == "of_total":
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("第 ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" 页，共 ")
        _field(paragraph, "NUMPAGES")
        paragraph.add_run(" 页")
        return
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(14)
        else:
            paragraph.paragraph_format.left_indent = Pt(14)
        paragraph.add_run("— ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" —")
        for run in paragraph.runs:
            set_run_font(run, "宋体", 14)


def enable_odd_even_footers(doc: DocxDocument) -> None:
    """Let odd and even pages have their own footers (Word's “奇偶页不同”)."""
    doc.settings.odd_and_even_pages_header_footer = True


# --- tables from a form ----------------------------------------------------------------------------

_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)
_JC = {"left": "left", "center": "center", "right": "right"}


def _run_props(font: str | None, size: float | None) -> str:
    """The ``w:rPr`` children every run of a table shares."""
    parts = []
    if font is not None:
        f = escape(font, {'"': "&quot;"})
        parts.append(f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" w:hint="eastAsia"/>')
    if size is not None:
        half = round(size * 2)
        parts.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    return "".join(parts)


def _paragraphs(cell: FormCell, rpr_base: str) -> str:
    """The ``w:p`` elements of a cell: one per line of its text, in the table paragraph style."""
    # rFonts comes before b, and b before sz, in a w:rPr.
    fonts, _, sizes = rpr_base.partition("<w:sz")
    sizes = "<w:sz" + sizes if sizes else ""
    bold = "<w:b/><w:bCs/>" if cell.bold else ""
    props = fonts + bold + sizes
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    ppr = f'<w:pPr><w:pStyle w:val="{TABLE_STYLE}"/><w:jc w:val="{_JC[cell.align]}"/></w:pPr>'
    lines = cell.text.split("\n") if cell.text else [""]
    out = []
    for line in lines:
        run = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else ""
        out.append(f"<w:p>{ppr}{run}</w:p>")
    return "".join(out)


def _lines(cell: FormCell, widths: list[int], points: float) -> int:
    """About how many lines a cell's text wraps to (a CJK character is ``points`` wide)."""
    if cell.rowspan > 1:
        return 0
    twips = _span_width(widths, cell.col, cell.colspan) - 114  # less the cell margins
    return lines_needed(cell.text, 2 * twips / (points * 20))


def _span_width(widths: list[int], col: int, span: int) -> int:
    return sum(widths[col : col + span])


def grid_table(
    all_cells: tuple[FormCell, ...] | list[FormCell],
    n_cols: int,
    rows: range,
    widths: list[int],
    *,
    header_rows: Iterable[int] = (),
    font: str | None = None,
    size: float | None = None,
    bottom_border: bool = True,
    keep_whole_lines: int = 0,
) -> etree._Element:
    """A ``w:tbl`` for grid rows ``rows`` of merged cells (a form's: ``form.cells, form.n_cols``),
    columns ``widths`` twips wide.

    ``header_rows`` repeat at the top of every page (they must be the table's first rows).
    ``bottom_border=False`` draws no bottom line, for a table another one continues. ``font``
    and ``size`` override the document's defaults for the table's text. A row of at most
    ``keep_whole_lines`` lines (default: a short one's) never breaks across pages.
    """
    repeat = set(header_rows)
    rpr_base = _run_props(font, size)
    points = size or 10.5
    cells = all_cells
    by_row: dict[int, list[FormCell]] = {r: [] for r in rows}
    covering: dict[int, list[FormCell]] = {r: [] for r in rows}  # merged down into r from above
    for cell in cells:
        if cell.row in by_row:
            by_row[cell.row].append(cell)
            for r in range(cell.row + 1, cell.row + cell.rowspan):
                if r in covering:
                    covering[r].append(cell)
    borders = (
        _BORDERS if bottom_border else _BORDERS.replace('<w:bottom w:val="single"', '<w:bottom w:val="nil"')
    )
    total = sum(widths)
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000"/>'
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r in rows:
        starts = {c.col: c for c in by_row[r]}
        continues = {c.col: c for c in covering[r]}
        short = all(_lines(c, widths, points) <= (keep_whole_lines or _KEEP_WHOLE_LINES) for c in by_row[r])
        trpr = ("<w:cantSplit/>" if short else "") + ("<w:tblHeader/>" if r in repeat else "")
        parts.append(f"<w:tr><w:trPr>{trpr}</w:trPr>" if trpr else "<w:tr>")
        col = 0
        while col < n_cols:
            found = starts.get(col) or continues.get(col)
            if found is None:  # a hole in a hand-made grid: keep the row well-formed
                parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{widths[col]}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
                col += 1
                continue
            cell = found
            width = _span_width(widths, col, cell.colspan)
            span = f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else ""
            if cell.row == r:
                merge = '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
                body = _paragraphs(cell, rpr_base)
            else:
                merge = "<w:vMerge/>"
                body = "<w:p/>"
            edges = ""
            if cell.open_bottom:
                edges = '<w:tcBorders><w:bottom w:val="nil"/></w:tcBorders>'
            elif cell.open_top:
                edges = '<w:tcBorders><w:top w:val="nil"/></w:tcBorders>'
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span}{merge}{edges}'
                f'<w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>'
            )
            col += cell.colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return parse_xml("".join(parts))


def column_widths(form: Form, text_width_mm: float) -> list[int]:
    """The layout's relative column widths scaled to the text width, in twips."""
    weights = form.layout.columns
    scale = text_width_mm * TWIPS_PER_MM / sum(weights)
    return [round(w * scale) for w in weights]
