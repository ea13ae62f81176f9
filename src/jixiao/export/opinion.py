"""The 复核意见书 of one evaluation, in xlsx, docx and pdf: the reviewer's verdict as a document.

What it holds: the project, unit and year; the 审核状态, 审核意见, 审核人 and date; the totals
side by side (自评得分 / 复核得分 / 核定得分 and their grades); how many indicator points the
rules verified, how many were carried over from the unit's claim, and how many the reviewer
decided; each indicator row with its 自评得分 / 复核得分 / 核定得分 and 扣分原因 (and the
reviewer's comment); and the findings. One word per concept: 自评 is the unit's, 复核 the rules'
recomputation, 核定 the reviewer's.

The document is built from :class:`Opinion` (plain values; the services fill it from the
database). The workbook's cells go through ``xlsx_table.put_value``; the PDF is the Word document
converted by LibreOffice (``export/pdf.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment

from jixiao.core.check_names import check_title
from jixiao.core.model import Finding
from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import fmt_score
from jixiao.core.review import Basis
from jixiao.core.review import RowTotal
from jixiao.export.docx_base import new_document
from jixiao.export.docx_base import page_number_footer
from jixiao.export.docx_base import set_run_font
from jixiao.export.docx_base import set_title
from jixiao.export.docx_base import setup_page
from jixiao.export.docx_base import text_width_mm
from jixiao.export.files import saved_bytes
from jixiao.export.formatting import clean
from jixiao.export.pdf import pdf_bytes
from jixiao.export.review import SEVERITY_NAMES
from jixiao.export.xlsx_style import BODY
from jixiao.export.xlsx_style import BOLD
from jixiao.export.xlsx_style import TITLE
from jixiao.export.xlsx_style import WRAP
from jixiao.export.xlsx_style import head_row
from jixiao.export.xlsx_style import landscape
from jixiao.export.xlsx_style import put
from jixiao.export.xlsx_style import widths

SUFFIXES = (".xlsx", ".docx", ".pdf")
TITLE_TEXT = "复核意见书"
SCORE_FORMAT = "0.00"
ROW_HEAD = (
    "序号",
    "一级指标",
    "二级指标",
    "三级指标",
    "权重",
    "自评得分",
    "复核得分",
    "核定得分",
    "计入",
    "扣分原因",
    "复核批注",
)
FINDING_HEAD = ("程度", "问题类别", "问题", "位置")


@dataclass(frozen=True, slots=True)
class Opinion:
    """Everything the 复核意见书 prints (plain values, already decided)."""

    project: str
    unit: str
    year: int | None
    number: str
    version: int
    scheme: str
    status: str
    comment: str | None
    reviewer: str | None
    reviewed_on: str | None
    claimed_total: Decimal | None
    claimed_grade: str | None
    computed_total: Decimal | None
    computed_grade: str | None
    decided_total: Decimal | None
    decided_grade: str | None
    decided_explanation: str
    decided_weight: Decimal
    verified_weight: Decimal
    carried_weight: Decimal
    rows: tuple[RowTotal, ...]
    levels: tuple[tuple[str | None, str | None], ...]  # (一级, 二级) of each row
    findings: tuple[Finding, ...]
    issued_on: str

    @property
    def points_line(self) -> str:
        whole = self.decided_weight + self.verified_weight + self.carried_weight
        return (
            f"指标权重共{fmt_number(whole)}分：核定{fmt_number(self.decided_weight)}分，"
            f"规则核验{fmt_number(self.verified_weight)}分，沿用自评（未经核验）{fmt_number(self.carried_weight)}分"
        )

    def facts(self) -> tuple[tuple[str, str], ...]:
        """The head of the document: label and text."""
        return (
            ("项目名称", self.project),
            ("单位", self.unit),
            ("年度", str(self.year) if self.year is not None else "—"),
            ("编号", f"{self.number}（第 {self.version} 版）"),
            ("评分方案", self.scheme),
            ("审核状态", self.status),
            ("审核人", self.reviewer or "—"),
            ("审核日期", self.reviewed_on or "—"),
            ("审核意见", self.comment or "（无）"),
        )

    def totals(self) -> tuple[tuple[str, Decimal | None, str | None], ...]:
        return (
            ("自评得分", self.claimed_total, self.claimed_grade),
            ("复核得分", self.computed_total, self.computed_grade),
            ("核定得分", self.decided_total, self.decided_grade),
        )


def _basis(row: RowTotal) -> str:
    return row.basis.value if isinstance(row.basis, Basis) else "不计分（无权重）"


def _row_values(o: Opinion, row: RowTotal) -> tuple[object, ...]:
    level1, level2 = o.levels[row.position]
    return (
        row.position + 1,
        level1 or "",
        level2 or "",
        row.name,
        row.weight,
        row.claimed,
        row.computed,
        row.decided,
        _basis(row),
        row.reason or "",
        row.comment or "",
    )


# -- xlsx --------------------------------------------------------------------------------------------


def opinion_workbook(o: Opinion) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TITLE_TEXT
    put(ws, 1, 1, f"{o.project} {TITLE_TEXT}", font=TITLE)
    r = 3
    for label, text in o.facts():
        put(ws, r, 1, label, font=BOLD)
        cell = put(ws, r, 2, text, font=BODY)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
        cell.alignment = WRAP
        r += 1
    r += 1
    head_row(ws, r, ("", "总分", "等级"))
    for label, total, grade in o.totals():
        r += 1
        put(ws, r, 1, label, font=BOLD)
        put(ws, r, 2, total, SCORE_FORMAT, font=BODY)
        put(ws, r, 3, grade or "—", font=BODY)
    r += 1
    put(ws, r, 1, "核定说明", font=BOLD)
    put(ws, r, 2, o.decided_explanation, font=BODY).alignment = WRAP
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=11)
    r += 1
    put(ws, r, 1, "核验情况", font=BOLD)
    put(ws, r, 2, o.points_line, font=BODY)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=11)
    r += 2
    top = r
    head_row(ws, r, ROW_HEAD)
    for row in o.rows:
        r += 1
        for c, value in enumerate(_row_values(o, row), start=1):
            cell = put(
                ws, r, c, value, SCORE_FORMAT if 5 <= c <= 8 and value is not None else None, font=BODY
            )
            cell.alignment = WRAP
    r += 2
    put(ws, r, 1, f"发现的问题（{len(o.findings)}项）", font=BOLD)
    r += 1
    head_row(ws, r, FINDING_HEAD)
    if not o.findings:
        put(ws, r + 1, 1, "未发现问题。", font=BODY)
    for f in o.findings:
        r += 1
        for c, value in enumerate(
            (SEVERITY_NAMES[f.severity], check_title(f.code), f.message, f.location or ""), start=1
        ):
            put(ws, r, c, value, font=BODY).alignment = WRAP
    r += 2
    put(ws, r, 1, f"出具日期：{o.issued_on}", font=BODY).alignment = Alignment(horizontal="left")
    widths(ws, (12, 14, 14, 28, 8, 10, 10, 10, 10, 36, 30))
    landscape(ws, f"{top}:{top}")
    return wb


def opinion_xlsx(o: Opinion) -> bytes:
    return saved_bytes(opinion_workbook(o))


# -- docx / pdf --------------------------------------------------------------------------------------


def _table(
    doc: DocxDocument,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    size: float,
    shares: Sequence[int] | None = None,
) -> None:
    """A bordered table; ``shares`` are the columns' relative widths across the text width."""
    table = doc.add_table(rows=1 + len(rows), cols=len(head))
    table.style = "Table Grid"
    if shares is not None:
        table.autofit = False
        whole = text_width_mm(doc.sections[0])
        for c, share in enumerate(shares):
            width = Mm(whole * share / sum(shares))
            table.columns[c].width = width
            for cell in table.columns[c].cells:
                cell.width = width
    for c, label in enumerate(head):
        cell = table.rows[0].cells[c]
        cell.text = ""
        run = cell.paragraphs[0].add_run(label)
        set_run_font(run, "黑体", size, bold=True)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            cell = table.rows[r].cells[c]
            cell.text = ""
            set_run_font(cell.paragraphs[0].add_run(clean(value)), "宋体", size)


def _score(value: Decimal | None) -> str:
    return fmt_score(value) if value is not None else "—"


def opinion_document(o: Opinion) -> DocxDocument:
    doc = new_document("宋体", 10.5)
    section = doc.sections[0]
    setup_page(section, landscape=True, top=20, bottom=20, left=18, right=18)
    page_number_footer(section)
    set_title(doc, clean(f"{o.project} {TITLE_TEXT}"))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(title.add_run(TITLE_TEXT), "黑体", 18, bold=True)
    for label, text in o.facts():
        p = doc.add_paragraph()
        set_run_font(p.add_run(f"{label}："), "黑体", 10.5, bold=True)
        set_run_font(p.add_run(clean(text)), "宋体", 10.5)
        p.paragraph_format.space_after = Pt(2)
    heading = doc.add_paragraph()
    set_run_font(heading.add_run("一、总分与等级"), "黑体", 12, bold=True)
    _table(
        doc,
        ("", "总分", "等级"),
        [(label, _score(total), grade or "—") for label, total, grade in o.totals()],
        10.5,
    )
    for text in (o.decided_explanation, o.points_line):
        set_run_font(doc.add_paragraph().add_run(clean(text)), "宋体", 10.5)
    heading = doc.add_paragraph()
    set_run_font(heading.add_run("二、逐项核定"), "黑体", 12, bold=True)
    _table(
        doc,
        ROW_HEAD,
        [
            tuple(
                _score(v) if 4 <= i <= 7 and (v is None or isinstance(v, Decimal)) else str(v)
                for i, v in enumerate(_row_values(o, row))
            )
            for row in o.rows
        ],
        9,
        (5, 10, 10, 20, 7, 9, 9, 9, 9, 30, 20),
    )
    heading = doc.add_paragraph()
    set_run_font(heading.add_run(f"三、发现的问题（{len(o.findings)}项）"), "黑体", 12, bold=True)
    if o.findings:
        _table(
            doc,
            FINDING_HEAD,
            [
                (SEVERITY_NAMES[f.severity], check_title(f.code), f.message, f.location or "")
                for f in o.findings
            ],
            9,
            (6, 22, 60, 30),
        )
    else:
        set_run_font(doc.add_paragraph().add_run("未发现问题。"), "宋体", 10.5)
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_run_font(sign.add_run(clean(f"审核人：{o.reviewer or '—'}　　出具日期：{o.issued_on}")), "宋体", 10.5)
    return doc


def opinion_docx(o: Opinion) -> bytes:
    return saved_bytes(opinion_document(o))


def opinion_pdf(o: Opinion) -> bytes:
    """The Word document converted by LibreOffice (raises ``ExportError`` when it cannot)."""
    return pdf_bytes(opinion_docx(o))


def opinion_bytes(o: Opinion, suffix: str) -> bytes:
    """The 复核意见书 as ``.xlsx``, ``.docx`` or ``.pdf``."""
    writers = {".xlsx": opinion_xlsx, ".docx": opinion_docx, ".pdf": opinion_pdf}
    return writers[suffix](o)
