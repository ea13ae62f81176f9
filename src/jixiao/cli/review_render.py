"""Terminal rendering for ``jixiao check``: a compact block per file and a summary table."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from jixiao.cli.plain import plain
from jixiao.cli.plain import printable
from jixiao.cli.render import SEVERITY_NAME
from jixiao.cli.render import SEVERITY_STYLE
from jixiao.core.check_names import check_title
from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.core.numbers import fmt_money
from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import fmt_score
from jixiao.core.places import SEVERITY_RANK
from jixiao.core.places import at_least
from jixiao.core.places import message_without_place
from jixiao.core.review import verification_text


def _counts(ev: Evaluation) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in ev.findings:
        counts[f.severity] += 1
    return counts


def _or_dash(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def _part(ev: Evaluation) -> str | None:
    return ev.source.part if ev.source else None


def render_file(path: Path, ev: Evaluation, console: Console, *, minimum: Severity | None = None) -> None:
    """One evaluation (a file, or one form of a file that holds several): its key figures, then
    every finding (of severity ``minimum`` or graver, when given) with code, severity and place —
    the place once: a message's own repetition of it is left out."""
    ev = printable(ev)  # a document's text as it is (see jixiao.cli.plain)
    p, b, c, k = ev.project, ev.budget, ev.claimed, ev.computed
    part = _part(ev)
    console.print(Text(f"▌{plain(path)}" + (f"　{part}" if part else ""), style="bold"))
    line1 = f"  项目：{_or_dash(p.name)}　年度：{_or_dash(p.year)}　单位：{_or_dash(p.unit)}"
    console.print(line1, highlight=False)
    money = f"预算 {fmt_money(b.planned_yuan)} 元" if b.planned_yuan is not None else "预算 —"
    spent = f"执行 {fmt_money(b.executed_yuan)} 元" if b.executed_yuan is not None else "执行 —"
    rate = f"执行率 {fmt_percent(b.execution_rate)}" if b.execution_rate is not None else "执行率 —"
    console.print(f"  {money}　{spent}　{rate}", highlight=False)
    claimed = fmt_number(c.total) if c.total is not None else "—"
    computed = fmt_score(k.total) if k.total is not None else "—"
    console.print(
        f"  自评总分 {claimed}{'（' + c.grade + '）' if c.grade else ''}　复核得分 {computed}"
        f"{'（' + k.grade + '）' if k.grade else ''}　方案 {ev.scheme.id}",
        highlight=False,
    )
    checked = verification_text(k.verified_weight, k.carried_weight)
    if checked is not None:
        console.print(f"  {checked}", highlight=False)
    shown = ev.findings if minimum is None else at_least(ev.findings, minimum)
    if not ev.findings:
        console.print(Text("  未发现问题", style="green"))
    elif len(shown) < len(ev.findings):
        hidden = len(ev.findings) - len(shown)
        console.print(Text(f"  （另有 {hidden} 项较低级别的问题未列出）", style="dim"))
    for f in sorted(shown, key=lambda f: SEVERITY_RANK[f.severity]):
        style = SEVERITY_STYLE[f.severity]
        text = Text("  ")
        text.append(f"[{SEVERITY_NAME[f.severity]}] {check_title(f.code)}", style=style)
        text.append(f"  {f.location or '—'}：{message_without_place(f.message, f.location)}")
        console.print(text)
    console.print()


def render_summary(results: list[tuple[Path, Evaluation]], console: Console) -> None:
    """All evaluations in one table (a file that holds several forms gives a row each), with
    totals of findings by severity."""
    files = len({path for path, _ in results})
    several = files != len(results)
    count = f"{files} 个文件，{len(results)} 个评价" if several else f"{files} 个文件"
    table = Table(title=f"汇总：{count}", title_justify="left")
    for name, justify in (
        ("文件", "left"),
        ("项目", "left"),
        ("单位", "left"),
        ("年度", "right"),
        ("执行率", "right"),
        ("自评", "right"),
        ("复算", "right"),
        ("未核验", "right"),
        ("等级", "left"),
        ("错误", "right"),
        ("警告", "right"),
        ("提示", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    totals = dict.fromkeys(Severity, 0)
    unreadable = 0
    for path, ev in results:
        counts = _counts(ev)
        for sev, n in counts.items():
            totals[sev] += n
        if any(f.code == "UNREADABLE_DOCUMENT" for f in ev.findings):
            unreadable += 1
        part = _part(ev)
        table.add_row(
            plain(path.name + (f"（{part}）" if part else "")),
            plain(_or_dash(ev.project.name)),
            plain(_or_dash(ev.project.unit)),
            _or_dash(ev.project.year),
            fmt_percent(ev.budget.execution_rate) if ev.budget.execution_rate is not None else "—",
            fmt_number(ev.claimed.total) if ev.claimed.total is not None else "—",
            fmt_score(ev.computed.total) if ev.computed.total is not None else "—",
            fmt_percent(ev.computed.unverified_share, 1),  # 未核验: carried over from the claim
            _or_dash(ev.computed.grade),
            Text(str(counts[Severity.ERROR]), style="bold red" if counts[Severity.ERROR] else ""),
            str(counts[Severity.WARNING]),
            str(counts[Severity.INFO]),
        )
    console.print(table)
    with_errors = sum(1 for _, ev in results if any(f.severity is Severity.ERROR for f in ev.findings))
    console.print(
        f"共 {count}：{with_errors} 个有错误，{unreadable} 个无法读取；"
        f"错误 {totals[Severity.ERROR]} 项，警告 {totals[Severity.WARNING]} 项，提示 {totals[Severity.INFO]} 项。",
        highlight=False,
    )
