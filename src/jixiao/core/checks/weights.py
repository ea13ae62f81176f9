"""Checks that weights add up: groups to 100, rows to their level-1 and level-2 cells."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.core.checks.catalogue import Context
from jixiao.core.checks.catalogue import Emit
from jixiao.core.checks.catalogue import indicator_place
from jixiao.core.groups import group_of
from jixiao.core.model import Finding
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.numbers import ZERO

_GROUP_NAMES = {
    Group.BUDGET_EXECUTION: "预算执行",
    Group.OUTPUT: "产出指标",
    Group.EFFECT: "效益指标",
    Group.SATISFACTION: "满意度指标",
    Group.COST: "成本指标",
}


def _level2_cells(indicators: tuple[Indicator, ...]) -> list[list[int]]:
    """Rows grouped by the 二级 cell they sit under.

    Rows with a ``group`` id share a cell by id; rows without one share a cell while consecutive
    rows repeat the same level-1 and level-2 names (a merged cell read row by row).
    """
    cells: dict[object, list[int]] = {}
    previous: tuple[str | None, str | None] | None = None
    run = 0
    for index, ind in enumerate(indicators):
        if ind.group is not None:
            key: object = ("id", ind.group)
        else:
            names = (ind.level1, ind.level2)
            if names != previous:
                run += 1
            previous = names
            key = ("run", run)
        cells.setdefault(key, []).append(index)
    return list(cells.values())


def weights_sum_mismatch(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """Item weights do not add up to their declared group weight, or the groups to 100."""
    ev = ctx.ev
    weights = ev.scheme.weights
    source = "文中所列" if ev.scheme.declared else f"方案“{ctx.scheme.name}”"
    if weights.total != 100:
        parts = "、".join(f"{_GROUP_NAMES[g]}{weights.of(g)}" for g in Group if weights.of(g))
        yield emit(
            location="一级指标权重", what=f"{source}一级权重（{parts}）合计{weights.total}", should="100"
        )

    weighted = [(i, ind) for i, ind in enumerate(ev.indicators) if ind.weight is not None]
    if not weighted or ctx.rows_incomplete:
        return  # rows the extraction could not read would be missing from every sum

    group_fired = False
    if ev.scheme.declared:
        sums: dict[Group, Decimal] = {}
        first: dict[Group, int] = {}
        for index, ind in weighted:
            group = group_of(ind, weights.cost)
            if group is None:
                continue
            sums[group] = sums.get(group, ZERO) + (ind.weight or ZERO)
            first.setdefault(group, index)
        for group, total in sums.items():
            declared = weights.of(group)
            if total != declared:
                group_fired = True
                yield emit(
                    location=indicator_place(first[group], ev.indicators[first[group]]),
                    what=f"{_GROUP_NAMES[group]}下三级指标权重合计{total}",
                    should=f"{_GROUP_NAMES[group]}的{declared}",
                )

    leaf_total = sum((ind.weight or ZERO for _, ind in weighted), ZERO)
    if not group_fired and leaf_total + weights.budget_execution != weights.total:
        yield emit(
            location="绩效指标表",
            what=f"三级指标权重合计{leaf_total}加预算执行{weights.budget_execution}共{leaf_total + weights.budget_execution}",
            should=str(weights.total),
        )

    for rows in _level2_cells(ev.indicators):
        declared_l2 = next(
            (ev.indicators[i].level2_weight for i in rows if ev.indicators[i].level2_weight is not None), None
        )
        row_weights = [ev.indicators[i].weight for i in rows]
        if declared_l2 is None or any(w is None for w in row_weights):
            continue
        total = sum((w or ZERO for w in row_weights), ZERO)
        if total != declared_l2:
            head = ev.indicators[rows[0]]
            yield emit(
                location=indicator_place(rows[0], head),
                what=f"二级指标“{head.level2 or '（未命名）'}”下{len(rows)}项三级指标权重合计{total}",
                should=f"其声明的{declared_l2}",
            )
