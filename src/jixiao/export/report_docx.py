"""The 自评报告 draft as a Word document laid out per GB/T 9704-2012 (党政机关公文格式).

Page: A4, 版心 156 mm × 225 mm (天头 37 mm, 订口 28 mm), 22 lines of 28 characters; body 3号
(16 pt) 仿宋, headings 一、 黑体, （一） 楷体, 1． 仿宋 bold, the title 2号 小标宋; page numbers
“— 1 —” in 4号 宋体, odd pages right and even pages left. Headings use Word's Heading 1–3 styles
so readers (and jixiao's own importer) see the outline. Places for the unit's words are
highlighted yellow; points to check are red. The 自评表 follows as an attachment on landscape
pages in a section of its own.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.enum.text import WD_COLOR_INDEX
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt
from docx.shared import RGBColor

from jixiao.export.docx_base import TABLE_STYLE
from jixiao.export.docx_base import TWIPS_PER_MM
from jixiao.export.docx_base import enable_odd_even_footers
from jixiao.export.docx_base import grid_table
from jixiao.export.docx_base import new_document
from jixiao.export.docx_base import page_number_footer
from jixiao.export.docx_base import paragraph
from jixiao.export.docx_base import set_run_font
from jixiao.export.docx_base import set_style_font
from jixiao.export.docx_base import set_title
from jixiao.export.docx_base import setup_page
from jixiao.export.docx_base import text_width_mm
from jixiao.export.docx_table import add_form
from jixiao.export.docx_table import append_element
from jixiao.export.form import Align
from jixiao.export.form import Form
from jixiao.export.form import FormCell
from jixiao.export.formatting import display_width
from jixiao.export.report_text import Block
from jixiao.export.report_text import Grid
from jixiao.export.report_text import Para

BODY_FONT = "仿宋"
HEADING_FONTS = {"h1": "黑体", "h2": "楷体", "h3": "仿宋"}
TITLE_FONT = "方正小标宋简体"
BODY_SIZE = 16.0  # 三号
TITLE_SIZE = 22.0  # 二号
LINE_PITCH = Pt(28.95)  # 225 mm ÷ 22 lines
GBT9704_MARGINS = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
_STYLE_OF = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "title": "Title"}
_STYLE_ID = {"h1": "Heading1", "h2": "Heading2", "h3": "Heading3", "title": "Title"}


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.first_line_indent = Pt(BODY_SIZE * 2)
    fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for key, font in HEADING_FONTS.items():
        style = doc.styles[_STYLE_OF[key]]
        set_style_font(style, font, BODY_SIZE, bold=key == "h3")
        pf = style.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE_PITCH
        pf.first_line_indent = Pt(BODY_SIZE * 2)
        style.font.italic = False
    title = doc.styles["Title"]
    set_style_font(title, TITLE_FONT, TITLE_SIZE, bold=False)
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    tf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    tf.line_spacing = Pt(TITLE_SIZE * 1.5)
    tf.space_after = Pt(0)
    # The template's Title has a bottom border and expanded spacing; an official title has neither.
    ppr = title.element.pPr
    if ppr is not None:
        for child in list(ppr):
            if child.tag.endswith("}pBdr"):
                ppr.remove(child)
    rpr = title.element.rPr
    if rpr is not None:
        for child in list(rpr):
            if child.tag.endswith(("}spacing", "}kern")):
                rpr.remove(child)


def sign_indents(unit: str, date: str) -> tuple[float, float]:
    """Right indents (in characters) of the 落款 per GB/T 9704 §7.3.5.1: the date 右空四字 with
    the unit centred over it; a unit longer than the date 右空二字 with the date centred under it."""
    u, d = display_width(unit) / 2, display_width(date) / 2
    if u <= d:
        return 4 + (d - u) / 2, 4.0
    return 2.0, 2 + (u - d) / 2


def _para(doc: DocxDocument, block: Para, indent: float = 0.0) -> None:
    para = paragraph(doc, _STYLE_ID.get(block.style))
    fmt = para.paragraph_format
    if block.style == "sign":
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.first_line_indent = Pt(0)
        fmt.right_indent = Pt(BODY_SIZE * indent)
    elif block.style == "attachment":
        fmt.space_before = LINE_PITCH
    for span in block.spans:
        run = para.add_run(span.text)
        if span.mark == "fill":
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif span.mark == "check":
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
            run.font.bold = True


def _grid(doc: DocxDocument, grid: Grid, width_mm: float) -> None:
    caption = paragraph(doc, TABLE_STYLE)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    set_run_font(caption.add_run(grid.caption), "黑体", 12)
    n_cols = len(grid.head)
    cells = [FormCell(0, c, text, bold=True, is_label=True) for c, text in enumerate(grid.head)]
    last = len(grid.rows)
    for r, row in enumerate(grid.rows, start=1):
        total = grid.total_row and r == last
        for c, text in enumerate(row):
            align: Align = "left" if c == 1 and not total else ("right" if c >= 2 else "center")
            cells.append(FormCell(r, c, text, align=align, bold=total))
    scale = width_mm * TWIPS_PER_MM / sum(grid.widths)
    widths = [round(w * scale) for w in grid.widths]
    table = grid_table(cells, n_cols, range(last + 1), widths, header_rows=[0], font=BODY_FONT, size=12)
    append_element(doc, table)
    after = paragraph(doc, TABLE_STYLE)
    after.paragraph_format.space_after = Pt(3)


def report_document(blocks: list[Block], form: Form | None) -> DocxDocument:
    """The draft as a document; ``form`` is appended as the attachment when given."""
    doc = new_document(BODY_FONT, BODY_SIZE)
    _styles(doc)
    enable_odd_even_footers(doc)
    section = doc.sections[0]
    setup_page(section, landscape=False, **GBT9704_MARGINS)
    section.footer_distance = Pt(20 * 72 / 25.4)  # the number sits about 7 mm below the 版心
    page_number_footer(section, style="gbt9704")
    width = text_width_mm(section)
    signs = [b.text for b in blocks if isinstance(b, Para) and b.style == "sign"]
    indents = iter(sign_indents(*signs) if len(signs) == 2 else [4.0] * len(signs))
    title_seen = 0
    first_sign = True
    for block in blocks:
        if isinstance(block, Grid):
            _grid(doc, block, width)
            continue
        if block.style == "sign":
            if first_sign:  # room for the seal above the unit's name
                doc.add_paragraph()
                doc.add_paragraph()
                first_sign = False
            _para(doc, block, next(indents))
            continue
        if block.style != "title" and title_seen:
            # One empty line between the title and the body (GB/T 9704 §7.3.3).
            doc.add_paragraph()
            title_seen = 0
        if block.style == "title":
            title_seen += 1
        _para(doc, block)
    if form is not None:
        attach = doc.add_section(WD_SECTION.NEW_PAGE)
        m = form.layout.margins_mm
        setup_page(attach, landscape=True, top=m.top, bottom=m.bottom, left=m.left, right=m.right)
        label = paragraph(doc, TABLE_STYLE)
        set_run_font(label.add_run("附件"), "黑体", BODY_SIZE)
        add_form(doc, form, text_width_mm(attach))
    titles = "".join(b.text for b in blocks if isinstance(b, Para) and b.style == "title")
    set_title(doc, titles or "绩效自评报告")
    return doc
