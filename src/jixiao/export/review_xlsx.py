"""The review report as a workbook: 汇总, 全部问题, and one sheet per evaluation.

汇总 has one row per evaluation with links to its sheet; 全部问题 lists every finding with its
document in one filterable table (what a reviewer sorts by code across a batch); each
evaluation's own sheet repeats its key figures and lists its findings with their places.
Beyond :data:`MAX_DOCUMENT_SHEETS` evaluations the per-document sheets are left out (a workbook
of thousands of sheets is unusable) and 汇总 says so; 全部问题 still holds every finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.check_names import check_title
from jixiao.core.model import Finding
from jixiao.core.model import Severity
from jixiao.export.review import FINDING_HEAD
from jixiao.export.review import SEVERITY_NAMES
from jixiao.export.review import SUMMARY_HEAD
from jixiao.export.review import ReviewRow
from jixiao.export.review import review_date
from jixiao.export.xlsx_style import BODY
from jixiao.export.xlsx_style import BOLD
from jixiao.export.xlsx_style import LINK
from jixiao.export.xlsx_style import SEVERITY_FONT
from jixiao.export.xlsx_style import TITLE
from jixiao.export.xlsx_style import WRAP
from jixiao.export.xlsx_style import head_row
from jixiao.export.xlsx_style import landscape
from jixiao.export.xlsx_style import put
from jixiao.export.xlsx_style import widths
from jixiao.export.xlsx_table import active_sheet

MAX_DOCUMENT_SHEETS = 500
YUAN = '"¥"#,##0.00'
RATE = "0.00%"
SCORE = "0.00"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_names(rows: Sequence[ReviewRow]) -> dict[int, str]:
    """A unique, valid sheet name per evaluation: “3-社会保障专项”."""
    names: dict[int, str] = {}
    for row in rows:
        base = _BAD_SHEET_CHARS.sub("", f"{row.index}-{row.title}").strip("'")[:31]
        names[row.index] = base or str(row.index)
    return names


def _summary(ws: Worksheet, rows: Sequence[ReviewRow], names: dict[int, str] | None) -> None:
    put(ws, 1, 1, "绩效自评复核报告").font = TITLE
    errors = sum(r.count(Severity.ERROR) > 0 for r in rows)
    note = f"复核日期：{review_date()}　共{len(rows)}份自评，其中{errors}份有错误级问题"
    if names is None:
        note += f"；份数超过{MAX_DOCUMENT_SHEETS}，未按份分表，问题见“全部问题”工作表"
    put(ws, 2, 1, note).font = BODY
    head_row(ws, 3, SUMMARY_HEAD)
    for r, row in enumerate(rows, start=4):
        values = (
            row.index,
            row.file,
            row.project,
            row.unit,
            row.year,
            row.scheme,
            row.planned,
            row.executed,
            row.rate,
            row.claimed_total,
            row.computed_total,
            row.difference,
            row.claimed_grade,
            row.computed_grade,
            row.count(Severity.ERROR),
            row.count(Severity.WARNING),
            row.count(Severity.INFO),
            row.verdict,
        )
        for c, value in enumerate(values, start=1):
            cell = put(ws, r, c, value)
            cell.font = BODY
            if c in (7, 8):
                cell.number_format = YUAN
            elif c == 9:
                cell.number_format = RATE
            elif c in (10, 11, 12):
                cell.number_format = SCORE
        if row.count(Severity.ERROR):
            ws.cell(row=r, column=18).font = SEVERITY_FONT[Severity.ERROR]
        if names is not None:
            link = ws.cell(row=r, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{names[row.index]}'!A1")
            link.font = LINK
    widths(ws, (6, 28, 26, 26, 7, 11, 17, 17, 9, 9, 9, 8, 8, 8, 6, 6, 6, 9))
    ws.freeze_panes = "A4"
    if rows:
        ws.auto_filter.ref = f"A3:{get_column_letter(len(SUMMARY_HEAD))}{len(rows) + 3}"
    landscape(ws, "3:3")


def _finding(finding: Finding) -> tuple[str, str, str, str | None]:
    """A finding's cells under FINDING_HEAD: its severity and its Chinese name, not its code."""
    return (SEVERITY_NAMES[finding.severity], check_title(finding.code), finding.message, finding.location)


def _all_findings(ws: Worksheet, rows: Sequence[ReviewRow]) -> None:
    head = ("序号", "项目名称", "文件", *FINDING_HEAD)
    head_row(ws, 1, head)
    r = 1
    for row in rows:
        for finding in row.findings:
            r += 1
            values = (row.index, row.project, row.file, *_finding(finding))
            for c, value in enumerate(values, start=1):
                cell = put(ws, r, c, value)
                cell.font = SEVERITY_FONT[finding.severity] if c == 4 else BODY
                cell.alignment = WRAP
    widths(ws, (6, 24, 24, 6, 26, 70, 28))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(r, 1)}"
    landscape(ws, "1:1")


def _document(ws: Worksheet, row: ReviewRow) -> None:
    put(ws, 1, 1, f"{row.index}. {row.title}").font = TITLE
    back = put(ws, 1, 4, "← 返回汇总")
    back.hyperlink = Hyperlink(ref=back.coordinate, location="'汇总'!A1")
    back.font = LINK
    facts = (
        ("文件", row.file),
        ("单位", row.unit),
        ("年度", row.year),
        ("评分方案", row.scheme),
        ("预算数（元）", row.planned),
        ("执行数（元）", row.executed),
        ("执行率", row.rate),
        ("自评总分", row.claimed_total),
        ("复核得分", row.computed_total),
        ("自评等级", row.claimed_grade),
        ("复核等级", row.computed_grade),
        ("复核结论", row.verdict),
    )
    for r, (label, value) in enumerate(facts, start=2):
        put(ws, r, 1, label).font = BOLD
        cell = put(ws, r, 2, value)
        cell.font = BODY
        cell.alignment = Alignment(horizontal="left")
        if label.endswith("（元）"):
            cell.number_format = YUAN
        elif label == "执行率":
            cell.number_format = RATE
        elif label.endswith(("总分", "得分")):
            cell.number_format = SCORE
    top = len(facts) + 3
    head_row(ws, top, FINDING_HEAD)
    if not row.findings:
        put(ws, top + 1, 1, "未发现问题。").font = BODY
    for r, finding in enumerate(row.findings, start=top + 1):
        for c, value in enumerate(_finding(finding), start=1):
            cell = put(ws, r, c, value)
            cell.font = SEVERITY_FONT[finding.severity] if c == 1 else BODY
            cell.alignment = WRAP
    widths(ws, (14, 30, 80, 30))
    landscape(ws, f"{top}:{top}")


def review_workbook(rows: Sequence[ReviewRow]) -> Workbook:
    """The review report as a workbook."""
    wb = Workbook()
    summary = active_sheet(wb)
    summary.title = "汇总"
    names = _sheet_names(rows) if len(rows) <= MAX_DOCUMENT_SHEETS else None
    _summary(summary, rows, names)
    _all_findings(wb.create_sheet("全部问题"), rows)
    if names is not None:
        for row in rows:
            _document(wb.create_sheet(names[row.index]), row)
    wb.properties.title = "绩效自评复核报告"
    wb.properties.creator = "jixiao"
    return wb
