"""Checks on the 预算执行情况 block: rate, detail lines, score, and adjusted budgets."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.core.checks.catalogue import Context
from jixiao.core.checks.catalogue import Emit
from jixiao.core.model import BudgetLine
from jixiao.core.model import Finding
from jixiao.core.numbers import ZERO
from jixiao.core.numbers import fmt_money
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import round_to

# A stated rate is usually printed to whole percent: half a point is rounding, more is wrong.
RATE_TOLERANCE = Decimal("0.005")
# Lines and totals are exact amounts; a yuan covers the rounding of fen in converted units.
MONEY_TOLERANCE = Decimal(1)


def budget_rate_mismatch(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """A stated execution rate differs from executed ÷ planned."""
    budget = ctx.ev.budget
    stated = budget.stated_rate
    if (
        stated is None
        or budget.planned_yuan is None
        or budget.executed_yuan is None
        or budget.planned_yuan <= 0
    ):
        return
    real = budget.executed_yuan / budget.planned_yuan
    if abs(stated - real) > RATE_TOLERANCE:
        yield emit(
            location=ctx.where("budget.stated_rate", "预算执行情况"),
            stated=fmt_percent(stated),
            real=fmt_percent(real),
            executed=fmt_money(budget.executed_yuan),
            planned=fmt_money(budget.planned_yuan),
        )


def _sum(lines: list[BudgetLine], field: str) -> Decimal | None:
    values = [getattr(line, field) for line in lines]
    if not values or any(v is None for v in values):
        return None
    return sum(values, ZERO)


def budget_lines_sum_mismatch(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The budget's detail lines do not add up to the stated total (or a group to its subtotal)."""
    budget = ctx.ev.budget
    top = [line for line in budget.lines if line.group is None]
    for field, total, label in (
        ("planned_yuan", budget.planned_yuan, "预算数"),
        ("executed_yuan", budget.executed_yuan, "执行数"),
    ):
        lines_sum = _sum(top, field)
        if lines_sum is None or total is None:
            continue
        if abs(lines_sum - total) > MONEY_TOLERANCE:
            yield emit(
                location=ctx.where("budget.lines", "预算明细"),
                what=f"{len(top)}项明细的{label}合计{fmt_money(lines_sum)}元",
                total=f"{label}{fmt_money(total)}元",
                diff=fmt_money(lines_sum - total),
            )
        break  # one comparison suffices: lines usually carry planned amounts, else executed
    for parent in top:
        children = [line for line in budget.lines if line.group == parent.name]
        if not children:
            continue
        for field, label in (("planned_yuan", "预算数"), ("executed_yuan", "执行数")):
            amount = getattr(parent, field)
            children_sum = _sum(children, field)
            if amount is None or children_sum is None:
                continue
            if abs(children_sum - amount) > MONEY_TOLERANCE:
                yield emit(
                    location=parent.location or f"预算明细“{parent.name}”",
                    what=f"“{parent.name}”下{len(children)}项明细的{label}合计{fmt_money(children_sum)}元",
                    total=f"该项{label}{fmt_money(amount)}元",
                    diff=fmt_money(children_sum - amount),
                )
            break


def budget_score_mismatch(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The stated budget-execution score differs from the scheme's rule."""
    claimed = ctx.ev.claimed.budget_execution_score
    computed = ctx.card.budget_score
    if claimed is None or computed is None:
        return
    if abs(claimed - computed) > ctx.tolerance:
        yield emit(
            location=ctx.where("claimed.budget_execution_score", "预算执行情况 得分"),
            claimed=claimed,
            computed=computed,
            explanation=ctx.card.budget_explanation,
        )


def budget_adjusted_to_spending(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The full-year budget was lowered to exactly what was spent (domain.md §7.5)."""
    budget = ctx.ev.budget
    initial, planned, executed = budget.initial_yuan, budget.planned_yuan, budget.executed_yuan
    if initial is None or planned is None or executed is None:
        return
    if planned < initial and planned == executed and not _one_is_the_other_rounded(initial, planned):
        yield emit(
            location=ctx.where("budget.planned_yuan", "预算执行情况"),
            initial=fmt_money(initial),
            planned=fmt_money(planned),
        )


# The steps an amount printed in 万元 is rounded to: 0.01 / 0.1 / 1 万元.
_PRINTED_STEPS = (Decimal(10000), Decimal(1000), Decimal(100))


def _one_is_the_other_rounded(a: Decimal, b: Decimal) -> bool:
    """Whether ``a`` and ``b`` may be one amount, one of them printed rounded (a 自评表 in 万元
    beside the exact figure of the prose): one is a whole number of a 万元 step, and the other
    rounds to it at that step."""
    return any(
        (a % step == 0 and _to_step(b, step) == a) or (b % step == 0 and _to_step(a, step) == b)
        for step in _PRINTED_STEPS
    )


def _to_step(value: Decimal, step: Decimal) -> Decimal:
    return round_to(value / step, Decimal(1)) * step
