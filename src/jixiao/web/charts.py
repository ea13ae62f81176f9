"""The dashboard's charts as inline SVG, drawn on the server (no script, no chart library: the
page's CSP allows no inline script and intranets have no CDN).

The grade bars, the claimed-total histogram and the scatter are the portfolio report's own
(:mod:`jixiao.portfolio.report_html`, also used by ``jixiao portfolio --to 汇总.html``), given a
report trimmed to what fits a screen: the largest units only, and a thinned scatter. The report
file has no chart of inflation per unit or of the findings; :func:`bar_chart` draws both here.

Every chart is an ``<svg role="img">`` with a ``<title>`` and the same ``aria-label`` (its
accessible name, :func:`jixiao.portfolio.svg.figure`) and hover titles on its marks; the page shows its numbers in a table next to it. All text is escaped. Geometry is
float pixels computed from the report's exact figures; nothing is summed here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from jixiao.core.numbers import fmt_score
from jixiao.portfolio.report_html import grades_chart
from jixiao.portfolio.report_html import histogram_chart
from jixiao.portfolio.report_html import scatter_chart
from jixiao.portfolio.report_model import PortfolioReport
from jixiao.portfolio.svg import coord
from jixiao.portfolio.svg import figure
from jixiao.portfolio.svg import nice_step
from jixiao.portfolio.svg import text

MAX_UNITS = 15
"""Units drawn in the per-unit charts (the tables beside them list every unit)."""
MAX_CODES = 10
"""Finding codes drawn in the findings chart."""
MAX_POINTS = 1000
"""Scatter points drawn (the report samples up to 5,000; 1,000 show the same cloud at a fifth of
the page's weight)."""

_BLUE = "#2e75b6"
_RED = "#c00000"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value (which may be negative), the value as written at the bar's
    end, its hover text, and whether to draw it in the alarm colour (the text says it too)."""

    label: str
    value: Decimal
    text: str
    tip: str
    alarm: bool = False


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def bar_chart(bars: Sequence[Bar], title: str, axis: str, *, label_width: float = 210.0) -> str:
    """Horizontal bars from a zero line (negative values to its left), one row per bar, with
    the value written at each bar's end. Empty string when there is nothing to draw."""
    if not bars:
        return ""
    row, gap, top, plot = 16.0, 6.0, 26.0, 420.0
    values = [float(b.value) for b in bars]
    least, most = min(0.0, *values), max(0.0, *values)
    step = nice_step(most - least, 4)
    low = -step * math.ceil(-least / step) if least < 0 else 0.0
    high = step * math.ceil(most / step) if most > 0 else (0.0 if low < 0 else step)
    span = high - low or 1.0
    left = label_width

    def px(value: float) -> float:
        return left + plot * (value - low) / span

    height = top + len(bars) * (row + gap) + 28
    width = left + plot + 70
    parts: list[str] = []
    tick = low
    while tick <= high + step / 1000:
        x = px(tick)
        parts.append(
            f'<line class="grid" x1="{coord(x)}" y1="{coord(top - 6)}" x2="{coord(x)}" y2="{coord(height - 26)}"/>'
        )
        parts.append(text(x, height - 12, f"{round(tick, 6):,g}", "middle"))
        tick += step
    zero = px(0.0)
    for i, b in enumerate(bars):
        y = top + i * (row + gap)
        x0, x1 = sorted((zero, px(float(b.value))))
        colour = _RED if b.alarm else _BLUE
        parts.append(text(left - 6, y + row - 4, _short(b.label, 16), "end"))
        parts.append(
            f'<rect x="{coord(x0)}" y="{coord(y)}" width="{coord(max(x1 - x0, 0.5))}" height="{coord(row)}" '
            f'fill="{colour}"><title>{escape(b.tip)}</title></rect>'
        )
        if b.value < 0:
            parts.append(text(x0 - 4, y + row - 4, b.text, "end"))
        else:
            parts.append(text(x1 + 4, y + row - 4, b.text))
    parts.append(
        f'<line class="axis" x1="{coord(zero)}" y1="{coord(top - 6)}" x2="{coord(zero)}" y2="{coord(height - 26)}"/>'
    )
    parts.append(text(left + plot / 2, 14, axis, "middle", ' class="caption"'))
    return figure(width, height, title, "".join(parts))


def grades(report: PortfolioReport, most: int = MAX_UNITS) -> str:
    """Each unit's current evaluations stacked by computed grade: the ``most`` largest units."""
    g = report.grades
    shown = sorted(g.units, key=lambda u: (-u.evaluations, u.unit))[:most]
    trimmed = dataclasses.replace(report, grades=dataclasses.replace(g, units=tuple(shown)))
    return grades_chart(trimmed)


def claimed_histogram(report: PortfolioReport) -> str:
    """Current evaluations per claimed-total bin."""
    return histogram_chart(report)


def scatter(report: PortfolioReport, most: int = MAX_POINTS) -> str:
    """Execution rate against claimed total: the report's points, every k-th if more than ``most``."""
    points = report.execution.points
    stride = -(-len(points) // most) if most > 0 else 1
    if stride > 1:
        points = points[::stride]
    thinned = dataclasses.replace(report, execution=dataclasses.replace(report.execution, points=points))
    return scatter_chart(thinned)


def scatter_points(report: PortfolioReport, most: int = MAX_POINTS) -> int:
    """How many points :func:`scatter` draws."""
    n = len(report.execution.points)
    stride = -(-n // most) if most > 0 and n else 1
    return -(-n // stride) if n else 0


def inflation(report: PortfolioReport, most: int = MAX_UNITS) -> str:
    """Mean claimed − computed total of the ``most`` most inflated units (red: above one point)."""
    bars = [
        Bar(
            i.unit,
            i.mean,
            fmt_score(i.mean),
            f"{i.unit}：平均差值 {fmt_score(i.mean)} 分（{i.count} 份，{i.inflated} 份高出1分以上）",
            alarm=i.mean > 1,
        )
        for i in report.inflation[:most]
    ]
    return bar_chart(bars, "各单位自评得分 − 复核得分（平均差值，分）", "平均差值（分）")


def findings(report: PortfolioReport, *, errors: bool, most: int = MAX_CODES) -> str:
    """The ``most`` most frequent errors (red), or warnings and notes (blue): apart, so a
    thousand warnings of one kind do not flatten the few errors that must be corrected."""
    shown = report.errors if errors else report.notices
    bars = [
        Bar(
            f.title or f.code,
            Decimal(f.count),
            f"{f.count:,}",
            f"{f.title or f.code}（{f.severity_name}）：{f.count:,} 次，涉及 {f.evaluations:,} 份评价",
            alarm=errors,
        )
        for f in shown[:most]
    ]
    title = "最常见的错误（出现次数）" if errors else "最常见的警告与提示（出现次数）"
    return bar_chart(bars, title, "出现次数")
