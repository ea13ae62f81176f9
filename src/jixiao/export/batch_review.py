"""The batch review workbook (批量复核工作簿): what a reviewer works from for a whole batch.

Two sheets, whatever the batch's size:

- 汇总: one row per evaluation, sorted by severity (most errors first, then warnings, then
  notes; ties by file name), with the file (a relative name, never a server path), project,
  unit, year, the stated and recomputed totals, the counts and a one-word verdict; each row
  links to its group in 问题明细.
- 问题明细: every finding, grouped by evaluation in the summary's order — a bold heading row per
  evaluation, then its findings (errors first), each with its place once (the message's own
  repetition of the place is left out, see :mod:`jixiao.core.places`). The finding rows are an
  outline level below their heading, so Excel folds a group.

:func:`batch_workbook` returns the workbook's bytes; the CLI writes them atomically
(``jixiao.export.files.write_atomic``), the web sends them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePath

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.check_names import check_title
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Severity
from jixiao.core.places import SEVERITY_RANK
from jixiao.core.places import counts
from jixiao.core.places import message_without_place
from jixiao.core.places import place_with_scan
from jixiao.core.places import severity_key
from jixiao.export.files import saved_bytes
from jixiao.export.review import IDENTITY_HEAD
from jixiao.export.review import SEVERITY_NAMES
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

SUMMARY = "汇总"
DETAILS = "问题明细"
SUMMARY_HEAD = (
    *IDENTITY_HEAD,
    "自评总分",
    "复核得分",
    "差异",
    "复核等级",
    "错误",
    "警告",
    "提示",
    "复核结论",
    "审核状态",
)
DETAILS_HEAD = ("序号", "文件", "单位", "级别", "问题类别", "问题", "位置")
SCORE = "0.00"
_GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
# The folders of an absolute path written into a message (/srv/jixiao/data/…/a.docx, C:\…\a.docx):
# only the last component is kept.
_ABSOLUTE_DIRS = re.compile(r"(?<![\w.])(?:/|[A-Za-z]:\\)(?:[^\s/\\“”\"'：:，,；;（）()]+[/\\])+")


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One evaluation of the batch: the name its file goes by (relative), and, from the web, its
    review status."""

    file: str
    evaluation: Evaluation
    status: str | None = None


def relative_name(path: Path, roots: Sequence[Path]) -> str:
    """``path`` as the reviewer named it: relative to the folder given that holds it (the
    folder's own name first, so files of two folders stay apart), else its file name alone."""
    for root in roots:
        if root == path:
            return path.name
        try:
            inside = path.relative_to(root)
        except ValueError:
            continue
        return str(PurePath(root.resolve().name or root.name, inside))
    return path.name


def without_paths(text: str) -> str:
    """``text`` with the folders of any absolute path in it left out (their file names stay)."""
    return _ABSOLUTE_DIRS.sub("", text)


def _file(item: BatchItem) -> str:
    ev = item.evaluation
    name = without_paths(item.file)
    part = ev.source.part if ev.source is not None else None
    return name + (f"（{part}）" if part else "")


def _verdict(ev: Evaluation) -> str:
    errors, warnings, _ = counts(ev)
    return "需更正" if errors else "需关注" if warnings else "未见问题"


def _ordered(items: Sequence[BatchItem]) -> list[BatchItem]:
    return sorted(items, key=lambda item: (severity_key(item.evaluation), _file(item)))


def _summary(
    ws: Worksheet, items: Sequence[BatchItem], anchors: list[int], title: str, scope: str | None
) -> None:
    put(ws, 1, 1, title, font=TITLE)
    with_errors = sum(1 for item in items if counts(item.evaluation)[0])
    note = f"复核日期：{review_date()}　共{len(items)}份自评，其中{with_errors}份有错误级问题；按问题严重程度排列"
    if scope:
        note += f"　范围：{scope}"
    put(ws, 2, 1, note, font=BODY)
    head_row(ws, 3, SUMMARY_HEAD)
    for index, (item, anchor) in enumerate(zip(items, anchors, strict=True), start=1):
        r = index + 3
        ev = item.evaluation
        errors, warnings, infos = counts(ev)
        claimed, computed = ev.claimed.total, ev.computed.total
        values: tuple[object, ...] = (
            index,
            _file(item),
            ev.project.name or "",
            ev.project.unit or "",
            ev.project.year if ev.project.year is not None else "",
            claimed,
            computed,
            None if claimed is None or computed is None else claimed - computed,
            ev.computed.grade or "",
            errors,
            warnings,
            infos,
            _verdict(ev),
            item.status or "",
        )
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value, SCORE if c in (6, 7, 8) else None, font=BODY)
        if errors:
            ws.cell(row=r, column=13).font = SEVERITY_FONT[Severity.ERROR]
        link = ws.cell(row=r, column=2)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{DETAILS}'!A{anchor}")
        link.font = LINK
    widths(ws, (6, 34, 28, 26, 7, 9, 9, 8, 8, 6, 6, 6, 9, 10))
    ws.freeze_panes = "A4"
    if items:
        ws.auto_filter.ref = f"A3:{get_column_letter(len(SUMMARY_HEAD))}{len(items) + 3}"
    landscape(ws, "3:3")


def _findings(ev: Evaluation) -> list[Finding]:
    return sorted(ev.findings, key=lambda f: SEVERITY_RANK[f.severity])


def _details(ws: Worksheet, items: Sequence[BatchItem]) -> list[int]:
    """The grouped findings; the row of each evaluation's heading."""
    head_row(ws, 1, DETAILS_HEAD)
    anchors = []
    r = 1
    for index, item in enumerate(items, start=1):
        ev = item.evaluation
        file = _file(item)
        unit = ev.project.unit or ""
        r += 1
        anchors.append(r)
        errors, warnings, infos = counts(ev)
        heading = f"{index}. {file}　{ev.project.name or '（未识别项目名称）'}　错误{errors} 警告{warnings} 提示{infos}"
        for c, value in enumerate((index, file, unit, heading), start=1):
            cell = put(ws, r, c, value, font=BOLD)
            cell.fill = _GROUP_FILL
        for c in range(5, len(DETAILS_HEAD) + 1):
            ws.cell(row=r, column=c).fill = _GROUP_FILL
        found = _findings(ev)
        if not found:
            r += 1
            for c, value in ((1, index), (2, file), (3, unit), (6, "未发现问题。")):
                put(ws, r, c, value, font=BODY)
            ws.row_dimensions[r].outline_level = 1
        for finding in found:
            r += 1
            place = place_with_scan(ev, finding)  # a scan's: with the OCR confidence and page
            location = without_paths(place) if place else ""
            message = without_paths(message_without_place(finding.message, finding.location))
            values = (
                index,
                file,
                unit,
                SEVERITY_NAMES[finding.severity],
                check_title(finding.code),
                message,
                location,
            )
            for c, value in enumerate(values, start=1):
                cell = put(ws, r, c, value)
                cell.font = SEVERITY_FONT[finding.severity] if c == 4 else BODY
                cell.alignment = WRAP
            ws.row_dimensions[r].outline_level = 1
    ws.sheet_properties.outlinePr.summaryBelow = False  # type: ignore[union-attr]  # always present
    widths(ws, (6, 30, 22, 6, 26, 70, 30))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(DETAILS_HEAD))}{max(r, 1)}"
    landscape(ws, "1:1")
    return anchors


def batch_workbook(
    items: Sequence[BatchItem], *, title: str = "绩效自评批量复核", scope: str | None = None
) -> bytes:
    """The workbook's bytes (see the module docstring); ``scope`` says which list it covers."""
    ordered = _ordered(items)
    wb = Workbook()
    summary = active_sheet(wb)
    summary.title = SUMMARY
    anchors = _details(wb.create_sheet(DETAILS), ordered)
    _summary(summary, ordered, anchors, title, scope)
    wb.properties.title = title
    wb.properties.creator = "jixiao"
    return saved_bytes(wb)
