"""The 自评表 as a Word document: title, the lines above the table, and the table itself.

The grid is written as two adjacent tables with the same columns, split where the indicator
table starts: Word and LibreOffice repeat only a table's first rows on each new page, and the
indicator header (一级指标 | 二级指标 | …) is what a reader of page 2 needs to see. Drawn without a
gap and with no doubled line, the two read as one table.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm
from docx.shared import Pt
from lxml import etree

from jixiao.export.docx_base import TABLE_STYLE
from jixiao.export.docx_base import column_widths
from jixiao.export.docx_base import grid_table
from jixiao.export.docx_base import new_document
from jixiao.export.docx_base import page_number_footer
from jixiao.export.docx_base import paragraph
from jixiao.export.docx_base import set_run_font
from jixiao.export.docx_base import set_title
from jixiao.export.docx_base import setup_page
from jixiao.export.docx_base import text_width_mm
from jixiao.export.form import Form
from jixiao.export.form import FormCell


def _line_text(cells: tuple[FormCell, ...]) -> str:
    """A line above the table as one paragraph: a second labelled part goes to the right margin."""
    text = cells[0].text if cells else ""
    for k, cell in enumerate(cells[1:], start=1):
        text += ("\t" if cell.is_label and k > 0 and "\t" not in text else "") + cell.text
    return text


def append_element(doc: DocxDocument, element: etree._Element) -> None:
    """Append a block-level element (a table) at the end of the body, before its section properties."""
    body = doc.element.body
    sect = body.sectPr
    if sect is not None:
        sect.addprevious(element)
    else:
        body.append(element)


_TRAILING_WHOLE_LINES = 30
"""A row after the indicators up to this many lines is kept on one page (a landscape A4 page
holds about 35 lines of 10-point text)."""


def _hairline() -> etree._Element:
    """A 1-point empty paragraph: keeps two tables apart (adjacent ones are joined on import)."""
    return parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:before="0" w:after="0" w:line="2" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
    )


def add_form(doc: DocxDocument, form: Form, width_mm: float) -> None:
    """Append the 自评表 (title, lines, table) to the end of ``doc``, ``width_mm`` wide.

    Every paragraph and cell names the layout's font and size, so the table looks the same
    inside a report whose body text is 仿宋 三号.
    """
    layout = form.layout
    font, size = layout.font, layout.font_size
    title = paragraph(doc, TABLE_STYLE)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(title.add_run(form.title), layout.title_font, layout.title_size, bold=True)
    title.paragraph_format.space_after = Pt(0) if form.subtitle else Pt(6)
    if form.subtitle:
        sub = paragraph(doc, TABLE_STYLE)
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        sub.paragraph_format.space_after = Pt(6)
        set_run_font(sub.add_run(form.subtitle), font, size + 1)
    for cells in form.lines:
        line = paragraph(doc, TABLE_STYLE)
        set_run_font(line.add_run(_line_text(cells)), font, size)
        line.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)
        line.paragraph_format.space_after = Pt(3)
    widths = column_widths(form, width_mm)
    split = form.indicator_row if form.repeat_header and form.indicator_row > 0 else 0
    if split:
        top = grid_table(
            form.cells, form.n_cols, range(split), widths, font=font, size=size, bottom_border=False
        )
        append_element(doc, top)
        append_element(doc, _hairline())
    header = [form.header_row] if form.repeat_header else []
    end = (
        form.indicator_end if form.repeat_header and split < form.indicator_end < form.n_rows else form.n_rows
    )
    append_element(
        doc,
        grid_table(
            form.cells,
            form.n_cols,
            range(split, end),
            widths,
            header_rows=header,
            font=font,
            size=size,
            bottom_border=end == form.n_rows,
        ),
    )
    if end < form.n_rows:
        # The rows after the indicators (总分, 等级, 偏差大或目标未完成原因分析, 问题, 备注) are a table
        # of their own: the indicator header does not repeat over them, so no page holds only the
        # header and the notes, and each of them stays whole on one page, label beside its text.
        append_element(doc, _hairline())
        append_element(
            doc,
            grid_table(
                form.cells,
                form.n_cols,
                range(end, form.n_rows),
                widths,
                font=font,
                size=size,
                keep_whole_lines=_TRAILING_WHOLE_LINES,
            ),
        )


def table_document(form: Form) -> DocxDocument:
    """A Word document holding only the 自评表, on A4 pages as the layout says."""
    layout = form.layout
    doc = new_document(layout.font, layout.font_size)
    section = doc.sections[0]
    m = layout.margins_mm
    setup_page(
        section,
        landscape=layout.orientation == "landscape",
        top=m.top,
        bottom=m.bottom,
        left=m.left,
        right=m.right,
    )
    page_number_footer(section)
    add_form(doc, form, text_width_mm(section))
    set_title(doc, form.title)
    return doc
