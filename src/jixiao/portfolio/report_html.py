"""The portfolio report as one self-contained HTML page: tables and inline SVG charts.

No scripts, no external files, no web fonts: the page opens offline, prints on A4, and can be
mailed as it is. Every piece of text that comes from the database (unit, project and document
names, grades as written) is escaped, in the tables and inside the SVG alike. Chart geometry is
computed here (scores and rates placed on pixels; nothing is summed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import fmt_score
from jixiao.export.html_style import stylesheet
from jixiao.export.review import review_date
from jixiao.portfolio.report_model import NO_GRADE
from jixiao.portfolio.report_model import BinCount
from jixiao.portfolio.report_model import PortfolioReport
from jixiao.portfolio.svg import coord
from jixiao.portfolio.svg import figure
from jixiao.portfolio.svg import nice_step
from jixiao.portfolio.svg import text

_OWN_CSS = """
tfoot td { font-weight: bold; }
.note { color: #444; } figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
svg text { font-family: "宋体", "SimSun", "Noto Sans CJK SC", sans-serif; font-size: 12px; fill: #222; }
svg .axis { stroke: #444; stroke-width: 1; } svg .grid { stroke: #ddd; stroke-width: 1; }
@media print { section { break-inside: avoid-page; } }
"""
_COLOURS = ("#2e75b6", "#70ad47", "#ffc000", "#c00000", "#7f7f7f", "#7030a0", "#264478", "#9e480e")
# The grade scale, best first (one colour per rank whatever the scheme calls it: 优 and 优秀 are
# one rank), then distinct colours for words no scheme knows; 无等级 is always grey.
_GRADE_COLOURS = ("#1f6f43", "#70ad47", "#ffc000", "#ed7d31", "#c00000")
_OTHER_COLOURS = ("#7030a0", "#264478", "#9e480e", "#00a3a3", "#d05ca8", "#6b4f2a")
_NO_GRADE_COLOUR = "#9a9a9a"


def grade_colours(labels: Sequence[str], ranked: int, no_grade: str) -> tuple[str, ...]:
    """A distinct colour for each grade label: the first ``ranked`` (a scheme's scale, best
    first) from green to red, the next from a palette of others, ``no_grade`` grey; past the
    palettes, evenly spaced hues, so no two labels ever share a colour."""
    colours: list[str] = []
    others = 0
    for i, label in enumerate(labels):
        if label == no_grade:
            colours.append(_NO_GRADE_COLOUR)
        elif i < ranked and i < len(_GRADE_COLOURS):
            colours.append(_GRADE_COLOURS[i])
        else:
            if others < len(_OTHER_COLOURS):
                colours.append(_OTHER_COLOURS[others])
            else:
                colours.append(f"hsl({(others * 47) % 360}, 55%, 45%)")
            others += 1
    return tuple(colours)


_SEVERITY_CLASS = {"error": "error", "warning": "warning", "info": "info"}


def _n(value: Decimal | None) -> str:
    return fmt_number(value) if value is not None else "—"


def _pct(value: Decimal | None, digits: int = 1) -> str:
    return fmt_percent(value, digits) if value is not None else "—"


def _table(head: Sequence[str], rows: Sequence[str], foot: str = "") -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    tfoot = f"<tfoot>{foot}</tfoot>" if foot else ""
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody>{tfoot}</table>"


def _td(value: object, numeric: bool = False, cls: str = "") -> str:
    classes = " ".join(c for c in ("n" if numeric else "", cls) if c)
    attr = f' class="{classes}"' if classes else ""
    return f"<td{attr}>{escape(str(value))}</td>"


# -- charts -----------------------------------------------------------------------------------------------


def grades_chart(report: PortfolioReport) -> str:
    """Horizontal stacked bars: each unit's current evaluations by computed grade."""
    g = report.grades
    if not g.units or not g.labels:
        return ""
    colours = grade_colours(g.labels, g.ranked, NO_GRADE)
    left, right, top, bar, gap = 200.0, 40.0, 40.0, 14.0, 6.0
    plot = 560.0
    most = max(u.evaluations for u in g.units) or 1
    height = top + len(g.units) * (bar + gap) + 30
    parts: list[str] = []
    x = left
    for i, label in enumerate(g.labels):  # the legend
        parts.append(f'<rect x="{coord(x)}" y="10" width="12" height="12" fill="{colours[i]}"/>')
        parts.append(text(x + 16, 21, label))
        x += 30 + 13 * len(label)
    for row, u in enumerate(g.units):
        y = top + row * (bar + gap)
        name = u.unit if len(u.unit) <= 14 else u.unit[:13] + "…"
        parts.append(text(left - 6, y + bar - 3, name, "end"))
        x = left
        for i, count in enumerate(u.computed):
            if count:
                w = plot * count / most
                parts.append(
                    f'<rect x="{coord(x)}" y="{coord(y)}" width="{coord(w)}" height="{coord(bar)}" '
                    f'fill="{colours[i]}"><title>{escape(f"{u.unit} {g.labels[i]}：{count}")}'
                    "</title></rect>"
                )
                x += w
        parts.append(text(x + 4, y + bar - 3, str(u.evaluations)))
    axis_y = top + len(g.units) * (bar + gap)
    parts.append(
        f'<line class="axis" x1="{coord(left)}" y1="{coord(top - 4)}" x2="{coord(left)}" y2="{coord(axis_y)}"/>'
    )
    return figure(left + plot + right, height, "各单位复核等级（评价数）", "".join(parts))


def shown_bins(report: PortfolioReport) -> tuple[BinCount, ...]:
    """The bins the histogram draws: the one-point bins from the lowest that holds a total to
    the highest (so the bars spread over the data, not one bar holding nearly everything), or
    the report's usual bins when the totals spread below 60 or the fine ones are missing."""
    fine = report.claimed_fine
    if fine is None:
        return report.claimed_totals.bins
    filled = [i for i, b in enumerate(fine.bins) if b.count]
    if not filled or filled[0] == 0:
        return report.claimed_totals.bins
    return fine.bins[filled[0] : filled[-1] + 1]


def histogram_chart(report: PortfolioReport) -> str:
    """Vertical bars: current evaluations per claimed-total bin, over the range the totals take
    (:func:`shown_bins`)."""
    bins = shown_bins(report)
    if not any(b.count for b in bins):
        return ""
    left, top, bottom, plot_h = 50.0, 20.0, 40.0, 220.0
    slot = max(22.0, min(64.0, 640.0 / len(bins)))
    every = 1 if slot >= 40 else (2 if len(bins) <= 24 else 5)
    most = max((b.count for b in bins), default=0)
    step = nice_step(most, 5, least=1.0)
    scale_top = step * max(1, -(-most // step)) if most else step
    width = left + slot * len(bins) + 20
    parts: list[str] = []
    value = 0.0
    while value <= scale_top:  # the y grid
        y = top + plot_h - plot_h * value / scale_top
        parts.append(
            f'<line class="grid" x1="{coord(left)}" y1="{coord(y)}" x2="{coord(width - 20)}" y2="{coord(y)}"/>'
        )
        parts.append(text(left - 6, y + 4, f"{value:g}", "end"))
        value += step
    for i, b in enumerate(bins):
        h = plot_h * b.count / scale_top
        x = left + i * slot + 4
        y = top + plot_h - h
        parts.append(
            f'<rect x="{coord(x)}" y="{coord(y)}" width="{coord(slot - 8)}" height="{coord(h)}" fill="{_COLOURS[0]}">'
            f"<title>{escape(f'{b.label}：{b.count}')}</title></rect>"
        )
        if b.count and slot >= 30:
            parts.append(text(x + (slot - 8) / 2, y - 4, str(b.count), "middle"))
        label = b.label if every == 1 or b.low is None or b.high is None or b.low == b.high else None
        if label is None and b.low is not None and int(b.low) % every == 0:
            label = f"{b.low:g}"
        if label is not None:
            parts.append(text(x + (slot - 8) / 2, top + plot_h + 16, label, "middle"))
    base = top + plot_h
    parts.append(
        f'<line class="axis" x1="{coord(left)}" y1="{coord(base)}" x2="{coord(width - 20)}" y2="{coord(base)}"/>'
    )
    parts.append(text(left + (width - left) / 2, base + 34, "自评得分（分）", "middle"))
    return figure(width, top + plot_h + bottom, "自评得分分布（份数）", "".join(parts))


def _span(values: Sequence[float], least: float) -> tuple[float, float, float]:
    """An axis over ``values``: (low, high, step), the step round (1, 2 or 5 × 10ⁿ, at least
    ``least``) giving about five ticks, low and high the ticks just outside the values."""
    lo, hi = min(values), max(values)
    raw = max(hi - lo, least) / 5
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next((f * magnitude for f in (1, 2, 5, 10) if raw <= f * magnitude * (1 + 1e-9)), 10 * magnitude)
    step = max(step, least)
    low = step * math.floor(lo / step + 1e-9)
    high = step * math.ceil(hi / step - 1e-9)
    if high - low < step:
        low, high = low - step, high + step
    return low, high, step


def scatter_chart(report: PortfolioReport) -> str:
    """Points: execution rate (x) against claimed total (y)."""
    points = report.execution.points
    if not points:
        return ""
    left, top, plot_w, plot_h = 60.0, 20.0, 560.0, 320.0
    rates = [float(p.rate) for p in points]
    scores = [float(p.claimed) for p in points]
    # The axes span the data (a round step beyond its least and greatest values), so the cloud
    # fills the plot instead of a corner of a fixed 50 %–110 % × 50–100 frame.
    x_low, x_high, x_step = _span(rates, least=0.01)
    y_low, y_high, y_step = _span(scores, least=0.5)

    def px(rate: float) -> float:
        return left + plot_w * (rate - x_low) / (x_high - x_low)

    def py(score: float) -> float:
        return top + plot_h - plot_h * (score - y_low) / (y_high - y_low)

    parts: list[str] = []
    tick = x_low
    while tick <= x_high + 1e-9:
        x = px(tick)
        parts.append(
            f'<line class="grid" x1="{coord(x)}" y1="{coord(top)}" x2="{coord(x)}" y2="{coord(top + plot_h)}"/>'
        )
        parts.append(text(x, top + plot_h + 16, f"{round(tick * 100, 1):g}%", "middle"))
        tick += x_step
    score = y_low
    while score <= y_high + 1e-9:
        y = py(score)
        parts.append(
            f'<line class="grid" x1="{coord(left)}" y1="{coord(y)}" x2="{coord(left + plot_w)}" y2="{coord(y)}"/>'
        )
        parts.append(text(left - 6, y + 4, f"{round(score, 2):g}", "end"))
        score += y_step
    parts.append(
        f'<path class="axis" fill="none" d="M{coord(left)} {coord(top)}V{coord(top + plot_h)}H{coord(left + plot_w)}"/>'
    )
    parts.extend(
        f'<circle cx="{coord(px(r))}" cy="{coord(py(s))}" r="2.5" fill="{_COLOURS[0]}" fill-opacity="0.45"/>'
        for r, s in zip(rates, scores, strict=True)
    )
    parts.append(text(left + plot_w / 2, top + plot_h + 36, "预算执行率", "middle"))
    parts.append(
        text(
            16,
            top + plot_h / 2,
            "自评得分",
            "middle",
            f' transform="rotate(-90 16 {coord(top + plot_h / 2)})"',
        )
    )
    return figure(left + plot_w + 20, top + plot_h + 50, "预算执行率与自评得分", "".join(parts))


# -- sections ---------------------------------------------------------------------------------------------


def _grades(report: PortfolioReport) -> str:
    g = report.grades
    head = [
        "单位",
        "评价数",
        *(f"复核·{label}" for label in g.labels),
        *(f"自评·{label}" for label in g.labels),
    ]
    rows = [
        "<tr>"
        + _td(u.unit)
        + _td(u.evaluations, True)
        + "".join(_td(n, True) for n in (*u.computed, *u.claimed))
        + "</tr>"
        for u in g.units
    ]
    foot = (
        "<tr>"
        + _td("合计")
        + _td(report.totals.evaluations, True)
        + "".join(_td(n, True) for n in (*g.computed, *g.claimed))
        + "</tr>"
    )
    return (
        '<section id="grades"><h2>各单位等级分布</h2>'
        '<p class="note">复核等级为按评分方案重新计分所得；自评等级为单位在报告中所写（按其评分方案的等级计：mof-2020 中“优秀”即“优”，余类推）。</p>'
        f"{grades_chart(report)}{_table(head, rows, foot)}</section>"
    )


def _distribution(report: PortfolioReport) -> str:
    d = report.claimed_totals
    rows = [
        "<tr>" + _td(b.label) + _td(b.count, True) + _td(_pct(d.share(b.count)), True) + "</tr>"
        for b in d.bins
    ]
    missing = f'<p class="note">另有 {d.missing} 份未写明自评得分。</p>' if d.missing else ""
    return (
        '<section id="claimed"><h2>自评得分分布</h2>'
        '<p class="note">各区间含下限、不含上限；“100”为满分。</p>'
        f"{histogram_chart(report)}{_table(('区间（分）', '份数', '占比'), rows)}{missing}</section>"
    )


def _inflation(report: PortfolioReport) -> str:
    rows = [
        "<tr>"
        + _td(i.unit)
        + _td(i.count, True)
        + _td(fmt_score(i.mean), True, "error" if i.mean > 1 else "")
        + _td(fmt_score(i.max), True)
        + _td(i.inflated, True)
        + _td(_pct(i.share), True)
        + "</tr>"
        for i in report.inflation
    ]
    head = ("单位", "可比份数", "平均差值", "最大差值", "高出1分以上", "占比")
    return (
        '<section id="inflation"><h2>自评得分高于复核得分的程度（按单位）</h2>'
        '<p class="note">差值 = 自评得分 − 复核得分，只计两者都有的评价；平均差值大者在前。</p>'
        f"{_table(head, rows)}</section>"
    )


def _execution(report: PortfolioReport) -> str:
    e = report.execution
    r_text = str(e.correlation) if e.correlation is not None else "—（不足两对或无差异）"
    shown = f"图中为按 ID 等距抽取的 {len(e.points)} 个点" if e.sampled else "图中为全部点"
    rows = [
        "<tr>" + _td(b.label) + _td(b.count, True) + _td(fmt_score(b.mean_claimed), True) + "</tr>"
        for b in e.bands
    ]
    return (
        '<section id="execution"><h2>预算执行率与自评得分</h2>'
        f'<p class="note">共 {e.pairs} 份同时有执行率与自评得分，相关系数 r = {escape(r_text)}（按全部计算）；'
        f"{shown}。</p>{scatter_chart(report)}{_table(('执行率区间', '份数', '平均自评得分'), rows)}</section>"
    )


def _findings(report: PortfolioReport) -> str:
    rows = [
        "<tr>"
        + f"<td><code>{escape(f.code)}</code></td>"
        + _td(f.severity_name, cls=_SEVERITY_CLASS.get(f.severity, ""))
        + _td(f.title)
        + _td(f.count, True)
        + _td(f.evaluations, True)
        + "</tr>"
        for f in report.findings
    ]
    return (
        '<section id="findings"><h2>常见问题</h2>'
        '<p class="note">次数为问题出现的总次数；涉及评价为有该问题的评价份数。</p>'
        f"{_table(('代码', '级别', '含义', '次数', '涉及评价'), rows)}</section>"
    )


def _worst(report: PortfolioReport) -> str:
    rows = [
        "<tr>"
        + _td(w.id, True)
        + _td(w.unit)
        + _td(w.project + (f"（第{w.version}版）" if w.version > 1 else ""))
        + _td(w.year if w.year is not None else "—", True)
        + _td(w.document or "—")
        + _td(_n(w.claimed), True)
        + _td(_n(w.computed), True)
        + _td(w.errors, True, "error" if w.errors else "")
        + _td(w.warnings, True)
        + "</tr>"
        for w in report.worst
    ]
    head = ("ID", "单位", "项目", "年度", "文件", "自评得分", "复核得分", "错误", "警告")
    return (
        '<section id="worst"><h2>问题最多的评价</h2>'
        f'<p class="note">错误多者在前，其次自评得分高出复核得分多者；前 {report.limit} 份。'
        "用 <code>jixiao show ID</code> 查看全文。</p>"
        f"{_table(head, rows)}</section>"
    )


def portfolio_html(report: PortfolioReport) -> str:
    """The whole page."""
    title = f"绩效自评汇总（{report.scope}）"
    if report.empty:
        body = "<p>所选范围内没有可汇总的评价。</p>"
    else:
        body = "".join(
            (
                _grades(report),
                _distribution(report),
                _inflation(report),
                _execution(report),
                _findings(report),
                _worst(report),
            )
        )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="generator" content="jixiao"><title>{escape(title)}</title>'
        f"{stylesheet(_OWN_CSS)}</head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p>生成日期：{review_date()}</p><p>{escape(report.totals_line)}</p>"
        f"{body}</body></html>\n"
    )
