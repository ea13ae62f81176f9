"""Checks on the stated total and grade: is there one, does it add up, can the facts reach it."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.core.checks.catalogue import Context
from jixiao.core.checks.catalogue import Emit
from jixiao.core.model import Finding
from jixiao.core.numbers import ZERO


def missing_self_score(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """No self-evaluation total is stated."""
    if ctx.ev.claimed.total is None:
        yield emit(location="自评结论")


def unverifiable_total(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """A total is stated but no itemized indicator score supports it."""
    total = ctx.ev.claimed.total
    if total is None:
        return
    if not ctx.scores_unread and not any(ind.claimed_score is not None for ind in ctx.ev.indicators):
        yield emit(location=ctx.where("claimed.total", "自评总分"), total=total)


def total_mismatch(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The stated total differs from the sum of the stated item scores (budget score included)."""
    ev = ctx.ev
    total = ev.claimed.total
    weighted = [ind for ind in ev.indicators if ind.weight is not None]
    if total is None or not weighted or any(ind.claimed_score is None for ind in weighted):
        return
    if ctx.rows_incomplete:
        return  # the scores of the rows that were not read are missing from the sum
    budget = ev.claimed.budget_execution_score
    if budget is None:
        if ev.scheme.weights.budget_execution != 0:
            return  # the budget part is not stated: the sum cannot be verified
        budget = ZERO
    items = sum((ind.claimed_score or ZERO for ind in weighted), ZERO)
    parts = budget + items
    if abs(parts - total) > ctx.tolerance:
        yield emit(
            location=ctx.where("claimed.total", "自评总分"),
            total=total,
            parts=parts,
            budget=budget,
            items=items,
            count=len(weighted),
        )


def total_not_attainable(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The stated total is above the most the facts allow."""
    total = ctx.ev.claimed.total
    most = ctx.card.max_total
    if total is None or most is None or ctx.rows_incomplete:
        return  # rows that were not read would add to the most attainable
    if total > most + ctx.tolerance:
        rate = ctx.card.execution_rate
        why = "按预算执行率与各定量指标的完成情况" if rate is not None else "按各定量指标的完成情况"
        yield emit(location=ctx.where("claimed.total", "自评总分"), total=total, most=most, why=why)


def grade_mismatch(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The stated grade disagrees with the stated total under the scheme's grade bands."""
    claimed = ctx.ev.claimed
    if not claimed.grade or claimed.total is None:
        return
    expected = ctx.scheme.grade_of(claimed.total)
    actual = ctx.scheme.canonical_grade(claimed.grade)
    if actual != expected:
        yield emit(
            location=ctx.where("claimed.grade", "评价等级"),
            grade=claimed.grade,
            total=claimed.total,
            expected=expected or "（无）",
            scheme=ctx.scheme.name,
        )
