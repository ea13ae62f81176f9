"""Aggregate sub-units (下级单位) into one evaluation, weighting by their funds.

The Hubei 自评表 notes (seed 002, 备注2–3) fix how a unit with several sub-units totals its
indicators: “绝对值直接累加计算，相对值按照资金额度加权平均计算……定量指标先汇总完成数，再计算得分”
and, for qualitative indicators, “汇总时，以资金额度为权重，对分值进行加权平均计算”. So:

- quantitative rows: absolute values (counts, amounts) are summed, relative values (%, 率,
  per-unit figures such as 元/人) are averaged weighted by each sub-unit's funds — targets and
  actuals alike — and the row is then scored once on the totals (it has no claimed score of its
  own: the sub-units' scores were given for their own figures);
- qualitative rows (and rows whose values cannot be combined): the claimed scores are averaged
  weighted by funds;
- the budget is the sum of the sub-units' budgets.

Rows are matched across sub-units by (一级, 二级, 三级 name). A sub-unit's funds are its
planned budget; when any is missing, sub-units weigh equally and the explanation says so.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.model import Budget
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Op
from jixiao.core.model import SubUnit
from jixiao.core.model import Value
from jixiao.core.numbers import ONE
from jixiao.core.numbers import ZERO
from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import places
from jixiao.core.numbers import round_to
from jixiao.core.units import Unit

_SIGN = {Op.GE: "≥", Op.LE: "≤", Op.EQ: ""}


def _key(ind: Indicator) -> tuple[str | None, str | None, str]:
    return ind.level1, ind.level2, "".join(ind.name.split())


_RELATIVE_WORDS = ("率", "人均", "平均", "占比", "比例", "比重")


def _is_relative(ind: Indicator, unit: str | None) -> bool:
    """Relative values (%, per-unit figures such as 元/人, rates, averages) are averaged, not summed."""
    parsed = Unit.parse(unit)
    return parsed.base == "%" or bool(parsed.per) or any(word in ind.name for word in _RELATIVE_WORDS)


def _fund_weights(units: tuple[SubUnit, ...]) -> tuple[list[Decimal], bool]:
    funds = [u.planned_yuan for u in units]
    if any(f is None or f <= 0 for f in funds):
        return [ONE] * len(units), False
    return [f or ZERO for f in funds], True


def _combine_values(
    ind: Indicator, rows: list[tuple[str, Indicator, Decimal]], which: str, places_: int
) -> Value | None:
    """Sum (absolute) or fund-average (relative) one side of a row, if every sub-unit's value allows."""
    values = [getattr(row, which) for _, row, _ in rows]
    if any(v is None or not v.is_quantity or v.op not in _SIGN for v in values):
        return None
    ops = {v.op for v in values}
    units = {Unit.parse(v.unit) for v in values}
    if len(ops) != 1 or len(units) != 1:
        return None
    op = ops.pop()
    unit = values[0].unit
    if _is_relative(ind, unit):
        total_fund = sum((f for _, _, f in rows), ZERO)
        number = sum((f * v.value for (_, _, f), v in zip(rows, values, strict=True)), ZERO) / total_fund
        how = "按资金额度加权平均"
    else:
        number = sum((v.value for v in values), ZERO)
        how = "累加"
    number = round_to(number, places(places_))
    parts = "、".join(f"{name}{v.text}" for (name, _, _), v in zip(rows, values, strict=True))
    text = f"{_SIGN[op]}{fmt_number(number)}{unit or ''}（{len(rows)}个单位{how}：{parts}）"
    return Value(text=text, op=op, value=number, unit=unit)


def _weighted_claim(rows: list[tuple[str, Indicator, Decimal]], quantum: Decimal) -> Decimal | None:
    if any(row.claimed_score is None for _, row, _ in rows):
        return None
    total_fund = sum((f for _, _, f in rows), ZERO)
    return round_to(sum((f * (row.claimed_score or ZERO) for _, row, f in rows), ZERO) / total_fund, quantum)


def aggregate(ev: Evaluation, score_places: int = 2) -> Evaluation:
    """One evaluation whose indicators and budget combine those of ``ev.sub_units``."""
    units = ev.sub_units
    if not units:
        return ev
    funds, by_funds = _fund_weights(units)
    quantum = places(score_places)
    order: list[tuple[str | None, str | None, str]] = []
    rows_by_key: dict[tuple[str | None, str | None, str], list[tuple[str, Indicator, Decimal]]] = {}
    for unit, fund in zip(units, funds, strict=True):
        for ind in unit.indicators:
            key = _key(ind)
            if key not in rows_by_key:
                order.append(key)
                rows_by_key[key] = []
            rows_by_key[key].append((unit.name, ind, fund))

    basis = "资金额度" if by_funds else "等权（部分下级单位未载明资金）"
    indicators: list[Indicator] = []
    for key in order:
        rows = rows_by_key[key]
        first = rows[0][1]
        target = _combine_values(first, rows, "target", 4)
        actual = _combine_values(first, rows, "actual", 4)
        # “定量指标先汇总完成数，再计算得分”: a combined quantitative row is scored on the totals,
        # so the sub-units' own scores do not combine into a claim for it.
        claimed = None
        if target is None or actual is None:
            # Qualitative or not combinable: keep the wording, average the scores by funds.
            claimed = _weighted_claim(rows, quantum)
            target = first.target
            texts = "；".join(f"{name}：{row.actual.text}" for name, row, _ in rows if row.actual is not None)
            actual = Value(text=f"{texts}（自评分按{basis}加权平均）") if texts else None
        indicators.append(
            first.model_copy(
                update={
                    "target": target,
                    "actual": actual,
                    "claimed_score": claimed,
                    "computed_score": None,
                    "explanation": None,
                    "location": first.location,
                }
            )
        )

    budget = ev.budget
    if budget.planned_yuan is None and budget.executed_yuan is None:
        planned = [u.planned_yuan for u in units]
        executed = [u.executed_yuan for u in units]
        budget = Budget(
            planned_yuan=sum((p or ZERO for p in planned), ZERO)
            if all(p is not None for p in planned)
            else None,
            executed_yuan=sum((e or ZERO for e in executed), ZERO)
            if all(e is not None for e in executed)
            else None,
            received_yuan=budget.received_yuan,
            initial_yuan=budget.initial_yuan,
            stated_rate=budget.stated_rate,
            lines=budget.lines,
        )
    return ev.model_copy(update={"indicators": tuple(indicators), "budget": budget})
