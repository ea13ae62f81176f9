"""The portfolio report in the terminal (rich): a heading with the totals, then a table per section."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import fmt_score
from jixiao.portfolio.report_model import PortfolioReport

_BAR = "█"
_BAR_WIDTH = 30
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _n(value: Decimal | None) -> str:
    return fmt_number(value) if value is not None else "—"


def _pct(value: Decimal | None) -> str:
    return fmt_percent(value, 1) if value is not None else "—"


def _year(year: int | None) -> str:
    return str(year) if year is not None else "—"


def _table(title: str, *columns: tuple[str, str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for name, justify in columns:
        table.add_column(Text(name), justify=justify, overflow="fold")  # type: ignore[arg-type]
    return table


def render_report(report: PortfolioReport, console: Console) -> None:
    """The whole report; an empty scope prints why there is nothing to show."""
    console.print(Text(f"绩效自评汇总（{report.scope}）", style="bold"))
    console.print(report.totals_line, highlight=False)
    if report.empty:
        if report.totals.unreadable:
            console.print(
                f"没有可汇总的评价：所选范围内的 {report.totals.unreadable} 个文件都无法读取。",
                highlight=False,
            )
        elif report.year is None and report.unit is None:
            console.print("库中还没有评价。先用 jixiao import 导入报送的自评材料，再运行 jixiao portfolio。")
        else:
            console.print(Text(f"所选范围（{report.scope}）内没有评价。"))
        return
    console.print()
    _grades(report, console)
    _distribution(report, console)
    _inflation(report, console)
    _execution(report, console)
    _findings(report, console)
    _worst(report, console)


def _grades(report: PortfolioReport, console: Console) -> None:
    g = report.grades
    columns = [("单位", "left"), ("评价数", "right")]
    columns += [(f"复核\n{label}", "right") for label in g.labels]
    columns += [(f"自评\n{label}", "right") for label in g.labels]
    table = _table("各单位等级分布（复核等级 / 单位自评等级）", *columns)
    for u in g.units:
        table.add_row(
            Text(u.unit), f"{u.evaluations:,}", *(str(n) for n in u.computed), *(str(n) for n in u.claimed)
        )
    table.add_section()
    table.add_row(
        Text("合计", style="bold"),
        f"{report.totals.evaluations:,}",
        *(str(n) for n in g.computed),
        *(str(n) for n in g.claimed),
    )
    console.print(table)


def _distribution(report: PortfolioReport, console: Console) -> None:
    d = report.claimed_totals
    top = max((b.count for b in d.bins), default=0)
    table = _table("自评得分分布", ("区间（分）", "left"), ("份数", "right"), ("占比", "right"), ("", "left"))
    for b in d.bins:
        share = d.share(b.count) if b.count else Decimal(0)
        bar = _BAR * round(_BAR_WIDTH * b.count / top) if top else ""
        table.add_row(Text(b.label), f"{b.count:,}", _pct(share), Text(bar, style="blue"))
    console.print(table)
    if d.missing:
        console.print(f"另有 {d.missing:,} 份未写明自评得分。", highlight=False)


def _inflation(report: PortfolioReport, console: Console) -> None:
    table = _table(
        "自评得分高于复核得分的程度（按单位，平均差值大者在前）",
        ("单位", "left"),
        ("可比份数", "right"),
        ("平均差值", "right"),
        ("最大差值", "right"),
        ("高出1分以上", "right"),
        ("占比", "right"),
    )
    for i in report.inflation:
        table.add_row(
            Text(i.unit),
            f"{i.count:,}",
            Text(fmt_score(i.mean), style="bold red" if i.mean > 1 else ""),
            fmt_score(i.max),
            f"{i.inflated:,}",
            _pct(i.share),
        )
    if not report.inflation:
        table.add_row("（没有同时具有自评得分与复核得分的评价）", "", "", "", "", "")
    console.print(table)


def _execution(report: PortfolioReport, console: Console) -> None:
    e = report.execution
    r = f"{e.correlation}" if e.correlation is not None else "—（不足两对或无差异）"
    console.print(
        Text("预算执行率与自评得分", style="bold"),
        Text(f"：{e.pairs:,} 份同时有两者，相关系数 r = {r}"),
        sep="",
    )
    table = _table(
        "各执行率区间的平均自评得分",
        ("执行率区间", "left"),
        ("份数", "right"),
        ("平均自评得分", "right"),
    )
    for b in e.bands:
        table.add_row(Text(b.label), f"{b.count:,}", fmt_score(b.mean_claimed))
    console.print(table)


def _findings(report: PortfolioReport, console: Console) -> None:
    table = _table(
        "常见问题",
        ("代码", "left"),
        ("级别", "left"),
        ("含义", "left"),
        ("次数", "right"),
        ("涉及评价", "right"),
    )
    for f in report.findings:
        table.add_row(
            Text(f.code),
            Text(f.severity_name, style=_SEVERITY_STYLE.get(f.severity, "")),
            Text(f.title),
            f"{f.count:,}",
            f"{f.evaluations:,}",
        )
    if not report.findings:
        table.add_row("（未发现问题）", "", "", "", "")
    console.print(table)


def _worst(report: PortfolioReport, console: Console) -> None:
    table = _table(
        f"问题最多的评价（错误多者在前，其次自评得分高出复核得分多者；前 {report.limit} 份）",
        ("ID", "right"),
        ("单位", "left"),
        ("项目", "left"),
        ("年度", "right"),
        ("文件", "left"),
        ("自评", "right"),
        ("复核", "right"),
        ("错误", "right"),
        ("警告", "right"),
    )
    for w in report.worst:
        table.add_row(
            str(w.id),
            Text(w.unit),
            Text(w.project + (f"（第{w.version}版）" if w.version > 1 else "")),
            _year(w.year),
            Text(w.document or "—"),
            _n(w.claimed),
            _n(w.computed),
            Text(str(w.errors), style="bold red" if w.errors else ""),
            str(w.warnings),
        )
    console.print(table)
    if report.worst:
        console.print("查看某份评价：jixiao show <ID>", style="dim", highlight=False)
