"""The portfolio report as a workbook: one sheet per section, with Excel charts.

概况 (totals), 需要关注 (the head's questions: risk by unit, missed targets, review, non-submitters),
等级分布 (grades per unit, with a stacked bar chart of the computed grades),
自评得分分布 (with a histogram), 自评高于复核 (inflation per unit), 执行率与自评 (the bands, the
points and a scatter chart of execution rate against claimed total), 常见问题 and 问题最多的评价.
Cells hold the exact values (Decimals) with display formats; fonts and header style are those
of the review workbook (``jixiao.export.review_xlsx``).
"""

from __future__ import annotations

import functools
import math

from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.chart import Reference
from openpyxl.chart import ScatterChart
from openpyxl.chart import Series
from openpyxl.chart.marker import Marker
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.export.review import review_date
from jixiao.export.review_xlsx import RATE
from jixiao.export.xlsx_style import BODY
from jixiao.export.xlsx_style import BOLD
from jixiao.export.xlsx_style import FONT
from jixiao.export.xlsx_style import TITLE
from jixiao.export.xlsx_style import WRAP
from jixiao.export.xlsx_style import head_row
from jixiao.export.xlsx_style import landscape
from jixiao.export.xlsx_style import put
from jixiao.export.xlsx_style import widths
from jixiao.export.xlsx_table import active_sheet
from jixiao.portfolio.report_model import PortfolioReport

SCORE = "0.00##"  # scores keep up to four decimals (means); integral ones print as 90.00
COUNT = "#,##0"
RATE_EXACT = "0.00##%"
_ERROR = Font(name=FONT, charset=134, color="C00000", b=True)
_put = functools.partial(put, font=BODY)  # every cell of the report in the body font
_CHART_COLOURS = ("2E75B6", "70AD47", "FFC000", "C00000", "7F7F7F", "7030A0", "264478", "9E480E")


def _title(ws: Worksheet, title: str, note: str | None = None) -> int:
    """The sheet's title (and a note under it); the row where its table starts."""
    _put(ws, 1, 1, title).font = TITLE
    if note:
        _put(ws, 2, 1, note)
        return 4
    return 3


def _filter(ws: Worksheet, top: int, columns: int, rows: int) -> None:
    ws.freeze_panes = f"A{top + 1}"
    if rows:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(columns)}{top + rows}"


def _overview(ws: Worksheet, report: PortfolioReport) -> None:
    _put(ws, 1, 1, "绩效自评汇总").font = TITLE
    _put(ws, 2, 1, f"范围：{report.scope}　生成日期：{review_date()}")
    t = report.totals
    facts = (
        ("评价（各项目×年度的最新版本）", t.evaluations),
        ("单位", t.units),
        ("报送文件（含各版本及无法读取的）", t.documents),
        ("无法读取的文件", t.unreadable),
        ("被新版本替代的评价", t.superseded),
    )
    for r, (label, value) in enumerate(facts, start=4):
        _put(ws, r, 1, label).font = BOLD
        _put(ws, r, 2, value, COUNT)
    row = len(facts) + 5
    e = report.execution
    _put(ws, row, 1, "执行率与自评得分的相关系数").font = BOLD
    _put(ws, row, 2, e.correlation if e.correlation is not None else "—", "0.0000")
    row += 2
    if report.empty:
        _put(ws, row, 1, "所选范围内没有可汇总的评价。")
        row += 1
    _put(ws, row, 1, "各节见后面的工作表；评价的 ID 可用 jixiao show <ID> 查看。")
    widths(ws, (36, 16))


def _questions(ws: Worksheet, report: PortfolioReport) -> None:
    """What the head asks first: risk by unit, the projects that missed targets, the review's
    progress and the units that have not submitted, one table under the other."""
    q = report.questions
    _put(ws, 1, 1, "需要关注的问题").font = TITLE
    answers = (
        ("自评得分比复核得分高 1 分以上（份）", q.inflated),
        ("有未完成目标的评价（份）", q.missed_total),
        ("有错误的评价（份）", q.with_errors),
        ("执行率低于 80% 而自评 90 分以上（份）", q.low_rate_high_score),
        ("未报送的单位（个）", len(q.absent)),
    )
    row = 3
    for label, count in answers:
        _put(ws, row, 1, label).font = BOLD
        _put(ws, row, 2, count, COUNT)
        row += 1
    row += 1
    _put(
        ws,
        row,
        1,
        "哪些单位有风险（自评偏高：自评得分比复核得分高 1 分以上；未完成目标：有指标的复核得分低于分值）",
    ).font = BOLD
    row += 1
    head_row(ws, row, ("单位", "评价数", "自评偏高", "平均差值", "有错误", "未完成目标"))
    for r in q.risks:
        row += 1
        values: tuple[object, ...] = (
            r.unit,
            r.evaluations,
            r.inflated,
            r.mean_difference,
            r.with_errors,
            r.missed,
        )
        for c, value in enumerate(values, start=1):
            _put(ws, row, c, value, SCORE if c == 4 else (COUNT if c > 1 else None))
    row += 2
    _put(
        ws, row, 1, f"哪些项目未完成目标（共 {q.missed_total} 份；下列失分最多的 {len(q.missed)} 份）"
    ).font = BOLD
    row += 1
    head_row(ws, row, ("单位", "项目", "年度", "未完成的指标", "失分", "ID"))
    for m in q.missed:
        row += 1
        missed: tuple[object, ...] = (m.unit, m.project, m.year, m.rows, m.lost, m.id)
        for c, value in enumerate(missed, start=1):
            _put(ws, row, c, value, SCORE if c == 5 else None)
    row += 2
    _put(ws, row, 1, "审核进度").font = BOLD
    row += 1
    head_row(ws, row, ("状态", "份数"))
    for status, n in q.review:
        row += 1
        _put(ws, row, 1, status)
        _put(ws, row, 2, n, COUNT)
    row += 2
    _put(ws, row, 1, "未报送的单位（有账号或报送过评价、但所选范围内没有评价）").font = BOLD
    for name in q.absent or ("（无）",):
        row += 1
        _put(ws, row, 1, name)
    widths(ws, (40, 30, 10, 12, 10, 12))


def _grades(ws: Worksheet, report: PortfolioReport) -> None:
    g = report.grades
    top = _title(
        ws,
        "各单位等级分布",
        "复核等级为 jixiao 按评分方案重新计分所得；自评等级为单位在报告中所写（按其评分方案的等级计：mof-2020 中“优秀”即“优”，余类推）。",
    )
    head = [
        "单位",
        "评价数",
        *(f"复核·{label}" for label in g.labels),
        *(f"自评·{label}" for label in g.labels),
    ]
    head_row(ws, top, head)
    for r, u in enumerate(g.units, start=top + 1):
        for c, value in enumerate((u.unit, u.evaluations, *u.computed, *u.claimed), start=1):
            _put(ws, r, c, value, None if c == 1 else COUNT)
    total_row = top + len(g.units) + 1
    _put(ws, total_row, 1, "合计").font = BOLD
    for c, value in enumerate((report.totals.evaluations, *g.computed, *g.claimed), start=2):
        _put(ws, total_row, c, value, COUNT).font = BOLD
    widths(ws, (30, 9, *([9] * (2 * len(g.labels)))))
    _filter(ws, top, len(head), len(g.units))
    if not g.units or not g.labels:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "各单位复核等级"
    chart.x_axis.scaling.orientation = "maxMin"  # the first unit at the top, as in the table
    chart.y_axis.title = "评价数"
    data = Reference(ws, min_col=3, max_col=2 + len(g.labels), min_row=top, max_row=top + len(g.units))
    categories = Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(g.units))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    for i, series in enumerate(chart.series):
        series.graphicalProperties.solidFill = _CHART_COLOURS[i % len(_CHART_COLOURS)]
    _axes(chart)
    chart.width = 18
    chart.height = min(60.0, max(8.0, 0.55 * len(g.units) + 3))
    ws.add_chart(chart, f"{get_column_letter(len(head) + 2)}{top}")


def _distribution(ws: Worksheet, report: PortfolioReport) -> None:
    d = report.claimed_totals
    note = f"另有 {d.missing} 份未写明自评得分。" if d.missing else "各区间含下限、不含上限；“100”为满分。"
    top = _title(ws, "自评得分分布", note)
    head_row(ws, top, ("区间（分）", "份数", "占比"))
    for r, b in enumerate(d.bins, start=top + 1):
        _put(ws, r, 1, b.label).alignment = Alignment(horizontal="center")
        _put(ws, r, 2, b.count, COUNT)
        _put(ws, r, 3, report.claimed_totals.share(b.count), RATE)
    widths(ws, (14, 10, 10))
    chart = BarChart()
    chart.type = "col"
    chart.gapWidth = 10
    chart.title = "自评得分分布"
    chart.x_axis.title = "自评得分（分）"
    chart.y_axis.title = "份数"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=top + len(d.bins)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(d.bins)))
    chart.series[0].graphicalProperties.solidFill = _CHART_COLOURS[0]
    _axes(chart)
    chart.width, chart.height = 18, 9
    ws.add_chart(chart, f"E{top}")


def _inflation(ws: Worksheet, report: PortfolioReport) -> None:
    top = _title(
        ws,
        "自评得分高于复核得分的程度（按单位）",
        "差值 = 自评得分 − 复核得分，只计两者都有的评价；平均差值大者在前。",
    )
    head = ("单位", "可比份数", "平均差值", "最大差值", "高出1分以上份数", "占比")
    head_row(ws, top, head)
    for r, i in enumerate(report.inflation, start=top + 1):
        _put(ws, r, 1, i.unit)
        _put(ws, r, 2, i.count, COUNT)
        mean = _put(ws, r, 3, i.mean, SCORE)
        if i.mean > 1:
            mean.font = _ERROR
        _put(ws, r, 4, i.max, SCORE)
        _put(ws, r, 5, i.inflated, COUNT)
        _put(ws, r, 6, i.share, RATE)
    widths(ws, (30, 10, 10, 10, 16, 10))
    _filter(ws, top, len(head), len(report.inflation))


def _execution(ws: Worksheet, report: PortfolioReport) -> None:
    e = report.execution
    r_text = str(e.correlation) if e.correlation is not None else "—（不足两对或无差异）"
    shown = f"图中为按 ID 等距抽取的 {len(e.points)} 个" if e.sampled else "图中为全部"
    top = _title(
        ws,
        "预算执行率与自评得分",
        f"共 {e.pairs} 份同时有执行率与自评得分，相关系数 r = {r_text}（按全部计算）；{shown}。",
    )
    head_row(ws, top, ("执行率区间", "份数", "平均自评得分"))
    for r, b in enumerate(e.bands, start=top + 1):
        _put(ws, r, 1, b.label).alignment = Alignment(horizontal="center")
        _put(ws, r, 2, b.count, COUNT)
        _put(ws, r, 3, b.mean_claimed if b.mean_claimed is not None else "—", SCORE)
    points_top = top + len(e.bands) + 3
    _put(ws, points_top - 1, 1, "散点数据").font = BOLD
    head_row(ws, points_top, ("ID", "执行率", "自评得分"))
    for r, p in enumerate(e.points, start=points_top + 1):
        _put(ws, r, 1, p.id)
        _put(ws, r, 2, p.rate, RATE_EXACT)
        _put(ws, r, 3, p.claimed, SCORE)
    widths(ws, (14, 10, 14))
    if not e.points:
        return
    chart = ScatterChart()
    chart.title = "预算执行率与自评得分"
    chart.style = 13
    chart.x_axis.title = "预算执行率"
    chart.y_axis.title = "自评得分"
    chart.x_axis.number_format = "0%"
    chart.y_axis.number_format = "0"
    chart.x_axis.scaling.min = min(0.5, math.floor(float(min(p.rate for p in e.points)) * 10) / 10)
    chart.x_axis.scaling.max = max(1.1, math.ceil(float(max(p.rate for p in e.points)) * 10) / 10)
    chart.y_axis.scaling.min = min(50, math.floor(float(min(p.claimed for p in e.points)) / 10) * 10)
    chart.y_axis.scaling.max = max(100, math.ceil(float(max(p.claimed for p in e.points)) / 10) * 10)
    chart.legend = None
    last = points_top + len(e.points)
    xs = Reference(ws, min_col=2, min_row=points_top + 1, max_row=last)
    ys = Reference(ws, min_col=3, min_row=points_top + 1, max_row=last)
    series = Series(ys, xs, title="评价")
    series.marker = Marker(symbol="circle", size=4)
    series.marker.graphicalProperties = None
    series.graphicalProperties.line.noFill = True  # points only, no line between them
    chart.series.append(series)
    _axes(chart)
    chart.width, chart.height = 18, 12
    ws.add_chart(chart, f"E{top}")


def _findings(ws: Worksheet, report: PortfolioReport) -> None:
    top = _title(ws, "常见问题", "次数为问题出现的总次数；涉及评价为有该问题的评价份数。")
    head = ("代码", "级别", "含义", "次数", "涉及评价")
    head_row(ws, top, head)
    for r, f in enumerate(report.findings, start=top + 1):
        _put(ws, r, 1, f.code)
        level = _put(ws, r, 2, f.severity_name)
        if f.severity == "error":
            level.font = _ERROR
        _put(ws, r, 3, f.title).alignment = WRAP
        _put(ws, r, 4, f.count, COUNT)
        _put(ws, r, 5, f.evaluations, COUNT)
    widths(ws, (30, 8, 40, 10, 10))
    _filter(ws, top, len(head), len(report.findings))


def _worst(ws: Worksheet, report: PortfolioReport) -> None:
    top = _title(
        ws,
        "问题最多的评价",
        f"错误多者在前，其次自评得分高出复核得分多者；前 {report.limit} 份。用 jixiao show <ID> 查看全文。",
    )
    head = ("ID", "单位", "项目", "年度", "版本", "文件", "自评得分", "复核得分", "差值", "错误", "警告")
    head_row(ws, top, head)
    for r, w in enumerate(report.worst, start=top + 1):
        values = (
            w.id,
            w.unit,
            w.project,
            w.year,
            w.version,
            w.document,
            w.claimed,
            w.computed,
            w.difference,
            w.errors,
            w.warnings,
        )
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value, SCORE if c in (7, 8, 9) else None)
            if c in (2, 3, 6):
                cell.alignment = WRAP
        if w.errors:
            ws.cell(row=r, column=10).font = _ERROR
    widths(ws, (8, 24, 30, 7, 6, 30, 10, 10, 8, 6, 6))
    _filter(ws, top, len(head), len(report.worst))


def _axes(chart: BarChart | ScatterChart) -> None:
    # openpyxl ≥ 3.1 marks axes as deleted unless told otherwise; Excel then draws none.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def portfolio_workbook(report: PortfolioReport) -> Workbook:
    """The report as a workbook, one sheet per section."""
    wb = Workbook()
    overview = active_sheet(wb)
    overview.title = "概况"
    _overview(overview, report)
    _questions(wb.create_sheet("需要关注"), report)
    _grades(wb.create_sheet("等级分布"), report)
    _distribution(wb.create_sheet("自评得分分布"), report)
    _inflation(wb.create_sheet("自评高于复核"), report)
    _execution(wb.create_sheet("执行率与自评"), report)
    _findings(wb.create_sheet("常见问题"), report)
    _worst(wb.create_sheet("问题最多的评价"), report)
    for ws in wb.worksheets:
        landscape(ws)
    wb.properties.title = f"绩效自评汇总（{report.scope}）"
    wb.properties.creator = "jixiao"
    return wb
