"""Checks on what the evaluation contains at all: a scored table, satisfaction, problems."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.core.checks.catalogue import Context
from jixiao.core.checks.catalogue import Emit
from jixiao.core.groups import is_satisfaction
from jixiao.core.model import Finding

# A problems section that says nothing: “无”, “暂无。”, “没有”, “无明显问题”, “不存在问题”.
_NOTHING = re.compile(
    r"^[\s　]*(无|暂无|没有|无明显问题|不存在(明显)?问题|未发现(明显)?问题)?[\s　。.！!；;]*$"
)


def no_indicator_table(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """No indicator carries a weight, a target and an actual value."""
    complete = any(
        ind.weight is not None and ind.target is not None and ind.actual is not None
        for ind in ctx.ev.indicators
    )
    if not complete and not ctx.cells_unread:  # figures printed but not read are not missing
        yield emit(location="绩效指标表", count=len(ctx.ev.indicators))


def no_satisfaction_indicator(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The scheme weighs satisfaction but the evaluation has no satisfaction indicator."""
    ev = ctx.ev
    weight = ev.scheme.weights.satisfaction
    if weight <= 0 or not ev.indicators or ctx.rows_incomplete:
        return  # the satisfaction rows may be among those that were not read
    if not any(is_satisfaction(ind) for ind in ev.indicators):
        yield emit(location="绩效指标表", weight=weight)


def no_problems_reported(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The problems section is missing or says 无."""
    text = ctx.ev.problems
    if text is None:
        yield emit(location=ctx.where("problems", "存在的问题"), what="没有“存在的问题”部分")
    elif _NOTHING.match(text):
        yield emit(
            location=ctx.where("problems", "存在的问题"),
            what=f"“存在的问题”只写了“{text.strip() or '（空）'}”",
        )
