"""Terminal rendering (rich) of evaluations, schemes and the check catalogue."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.console import Group as RichGroup
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from jixiao.cli.plain import printable
from jixiao.core.check_names import check_title
from jixiao.core.checks import ALL_CHECKS
from jixiao.core.checks.catalogue import Record
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.core.model import Severity
from jixiao.core.numbers import fmt_money
from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import fmt_score
from jixiao.core.review import verification_text
from jixiao.core.scheme import Scheme

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_NAME = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
GROUP_NAME = {
    Group.BUDGET_EXECUTION: "预算执行",
    Group.OUTPUT: "产出",
    Group.EFFECT: "效益",
    Group.SATISFACTION: "满意度",
    Group.COST: "成本",
}


def _score_pair(claimed: Decimal | None, computed: Decimal | None) -> tuple[str, Text]:
    shown = fmt_number(claimed) if claimed is not None else "—"
    if computed is None:
        return shown, Text("—", style="dim")
    differs = claimed is not None and abs(claimed - computed) > Decimal("0.01")
    return shown, Text(fmt_score(computed), style="bold red" if differs else "green")


def render_evaluation(ev: Evaluation, console: Console) -> None:
    """Print one scored evaluation: header, budget, indicators, total, findings (its text as it
    is, control characters shown as escapes: see :mod:`jixiao.cli.plain`)."""
    ev = printable(ev)
    p = ev.project
    title = f"{p.year or ''}{'年度 ' if p.year else ''}{p.name or '（未命名项目）'}"
    header = Table.grid(padding=(0, 2))
    header.add_column(style="dim")
    header.add_column()
    for label, value in (
        ("单位", p.unit),
        ("主管部门", p.department),
        ("实施单位", p.implementer),
        ("评分方案", ev.scheme.id + ("（权重取自文件）" if ev.scheme.declared else "")),
        ("文件", ev.source.path if ev.source else None),
        ("位置", ev.source.part if ev.source else None),  # which form, when the file holds several
    ):
        if value:
            header.add_row(label, str(value))
    console.print(Panel(header, title=Text(title), title_align="left"))  # a Panel reads markup in a str title

    b = ev.budget
    budget = Table(title="预算执行情况", title_justify="left", show_lines=False)
    for col in ("预算数（元）", "到位数（元）", "执行数（元）", "执行率", "权重", "自评得分", "复核得分"):
        budget.add_column(col, justify="right")
    claimed_b, computed_b = _score_pair(ev.claimed.budget_execution_score, ev.computed.budget_execution_score)
    budget.add_row(
        fmt_money(b.planned_yuan),
        fmt_money(b.received_yuan),
        fmt_money(b.executed_yuan),
        fmt_percent(b.execution_rate),
        fmt_number(ev.scheme.weights.budget_execution),
        claimed_b,
        computed_b,
    )
    console.print(budget)
    if ev.computed.budget_explanation:
        console.print(Text(f"  {ev.computed.budget_explanation}", style="dim"))

    if ev.indicators:
        flagged = {
            f.indicator for f in ev.findings if f.indicator is not None and f.severity is Severity.ERROR
        }
        table = Table(title="绩效指标", title_justify="left", show_lines=True, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("一级/二级", ratio=2, overflow="fold")
        table.add_column("三级指标", ratio=3, overflow="fold")
        table.add_column("权重", justify="right", no_wrap=True)
        table.add_column("年初目标值", ratio=2, overflow="fold")
        table.add_column("实际完成值", ratio=4, overflow="fold")
        table.add_column("自评", justify="right", no_wrap=True)
        table.add_column("复算", justify="right", no_wrap=True)
        for i, ind in enumerate(ev.indicators):
            claimed, computed = _score_pair(ind.claimed_score, ind.computed_score)
            table.add_row(
                Text(str(i + 1), style="bold red" if i in flagged else ""),
                "/".join(x for x in (ind.level1, ind.level2) if x),
                ind.name,
                fmt_number(ind.weight) if ind.weight is not None else "—",
                ind.target.text if ind.target else "—",
                ind.actual.text if ind.actual else "—",
                claimed,
                computed,
            )
        console.print(table)
        # Explanations are long sentences: one per line below the table reads better than a
        # squeezed column, and stays greppable.
        console.print(Text("计分说明", style="bold"))
        for i, ind in enumerate(ev.indicators):
            line = Text(f"  {i + 1:>2}. ", style="bold red" if i in flagged else "")
            line.append(f"{ind.name}：", style="bold")
            line.append(ind.explanation or "")
            console.print(line, soft_wrap=True)

    total = Table.grid(padding=(0, 2))
    total.add_column(style="bold")
    total.add_column()
    c, k = ev.claimed, ev.computed
    total.add_row("自评总分", f"{fmt_number(c.total)}" + (f"　等级 {c.grade}" if c.grade else ""))
    total.add_row("复核得分", f"{fmt_score(k.total)}" + (f"　等级 {k.grade}" if k.grade else ""))
    if k.max_total is not None:
        total.add_row("事实允许的最高分", fmt_score(k.max_total))
    checked = verification_text(k.verified_weight, k.carried_weight)
    if checked is not None:
        total.add_row("核验情况", checked)
    parts: list[Table | Text] = [total]
    if k.total_explanation:
        parts.append(Text(k.total_explanation, style="dim"))
    console.print(Panel(RichGroup(*parts), title="总分", title_align="left"))
    render_findings(ev, console)


def render_findings(ev: Evaluation, console: Console) -> None:
    """Print the findings of one evaluation, errors first."""
    ev = printable(ev)
    if not ev.findings:
        console.print(Text("未发现问题。", style="green"))
        return
    counts = {s: sum(1 for f in ev.findings if f.severity is s) for s in Severity}
    summary = "，".join(f"{SEVERITY_NAME[s]}{n}项" for s, n in counts.items() if n)
    console.print(Text(f"发现问题：{summary}", style="bold"))
    for f in ev.findings:
        line = Text("  ")
        line.append(f"[{SEVERITY_NAME[f.severity]}] ", style=SEVERITY_STYLE[f.severity])
        line.append(f"{check_title(f.code)} ", style="bold")
        if f.location:
            line.append(f"{f.location}：", style="dim")
        line.append(f.message)
        console.print(line, soft_wrap=True)  # one finding per line, like a linter: greppable


def _bands(scheme: Scheme) -> str:
    return " / ".join(f"≥{fmt_number(b.min)} {b.grade}" for b in scheme.grades)


def render_schemes(schemes: tuple[Scheme, ...], console: Console) -> None:
    """Print the schemes with weights, formulas, grade bands and sources."""
    for s in schemes:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        weights = "，".join(
            f"{GROUP_NAME[g]} {fmt_number(s.weights.of(g))}" for g in Group if s.weights.of(g)
        )
        grid.add_row("一级权重", weights)
        b = s.budget_execution
        budget_rule = {
            "linear": "权重 × 执行率（超支不加分）",
            "tiered": "按区间："
            + "，".join(f"≥{fmt_percent(t.min, 0)}得{fmt_number(t.share * 100)}%" for t in b.tiers),
            "deduct_per_point": f"100%得满分，每低1个百分点扣{fmt_percent(b.deduct_per_point, 0)}分值，"
            f"≤{fmt_percent(b.zero_at, 0)}不得分",
        }[b.rule]
        grid.add_row("预算执行", budget_rule)
        q = s.quantitative
        positive = (
            "权重 × min(B/A, 1)"
            if q.positive == "ratio"
            else f"完成率<{fmt_percent(q.gate, 0)}不得分，否则 (完成率−{fmt_percent(q.gate, 0)})/(1−{fmt_percent(q.gate, 0)}) × 权重"
        )
        negative = (
            "权重 × min(A/B, 1)，B=0得满分" if q.negative == "inverse_ratio" else "超出目标线性扣分，至2A为0"
        )
        grid.add_row("正向指标（≥A）", positive)
        grid.add_row("反向指标（≤A）", negative)
        grid.add_row("等于指标（=A）", "A>0时按正向计分；A=0时达到得满分、否则0分")
        ql = s.qualitative
        grid.add_row(
            "定性指标",
            f"达成 {fmt_percent(ql.achieved_min, 0)}–100%，部分达成 {fmt_percent(ql.partial_min, 0)}–"
            f"{fmt_percent(ql.achieved_min, 0)}，未达成 0–{fmt_percent(ql.partial_min, 0)}",
        )
        sat = s.satisfaction
        grid.add_row(
            "满意度指标",
            "按正向指标比例计分"
            if sat.rule == "ratio"
            else "按区间："
            + "，".join(f"≥{fmt_percent(t.min, 0)}得{fmt_number(t.share * 100)}%" for t in sat.bands),
        )
        over = s.over_achievement
        if over.review_ratio is not None:
            extra = (
                f"，未说明原因扣{fmt_percent(over.deduct_share, 0)}分值"
                if over.deduct_share
                else "，提示复核"
            )
            grid.add_row("超额完成", f"完成≥{fmt_percent(over.review_ratio, 0)}须说明偏差原因{extra}")
        if s.cap_total_by_execution_rate:
            grid.add_row("总分上限", "总分不超过 预算执行率 × 100")
        grid.add_row("等级", _bands(s))
        grid.add_row("依据", s.source)
        for i, note in enumerate(s.notes):
            grid.add_row("备注" if i == 0 else "", f"{i + 1}、{note}")
        console.print(Panel(grid, title=f"{s.id}　{s.name}", title_align="left"))


def render_catalogue(console: Console) -> None:
    """Print every finding code with its severity and meaning."""
    table = Table(show_lines=False)
    table.add_column("代码", no_wrap=True, style="bold")
    table.add_column("级别", no_wrap=True)
    table.add_column("名称", no_wrap=True)
    table.add_column("何时出现")
    for check in ALL_CHECKS:
        table.add_row(
            check.code,
            Text(SEVERITY_NAME[check.severity], style=SEVERITY_STYLE[check.severity]),
            check.title,
            check.description,
        )
    console.print(table)


def catalogue_markdown() -> str:
    """``docs/checks.md``: the finding catalogue as Markdown (a test keeps the file equal)."""
    lines = [
        "# 检查项目录 / Finding codes",
        "",
        "由 `jixiao checks --markdown` 生成；代码是稳定标识，含义不变。",
        "Generated by `jixiao checks --markdown`; codes are stable identifiers.",
        "",
        "| 代码 code | 级别 severity | 名称 | 何时出现 | 消息模板 |",
        "|---|---|---|---|---|",
    ]
    for check in ALL_CHECKS:
        if check.record is not Record.EVALUATION:
            source = check.record.label  # a project's year: declaration, monitoring, year-end link
        else:
            source = "检查" if check.run is not None else "读取文件时"
        lines.append(
            f"| `{check.code}` | {check.severity.value}（{SEVERITY_NAME[check.severity]}） | {check.title} | "
            f"{check.description}（{source}） | {check.template} |"
        )
    return "\n".join(lines) + "\n"
