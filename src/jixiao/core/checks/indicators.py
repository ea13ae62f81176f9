"""Checks on single indicator rows: scores against weights and rules, targets, actuals."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.core.checks.catalogue import Context
from jixiao.core.checks.catalogue import Emit
from jixiao.core.checks.catalogue import indicator_place
from jixiao.core.model import Finding
from jixiao.core.model import Indicator
from jixiao.core.numbers import fmt_percent
from jixiao.core.wording import is_binary_target

# A parenthetical remark written beside an actual figure, as tables do to give a reason.
_REMARK = re.compile(r"[（(][^）)]{2,}[）)]")


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def score_exceeds_weight(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """An item's score (or the budget score) is above its weight."""
    ev = ctx.ev
    budget_score = ev.claimed.budget_execution_score
    budget_weight = ev.scheme.weights.budget_execution
    if budget_score is not None and budget_score > budget_weight + ctx.tolerance:
        yield emit(
            location=ctx.where("claimed.budget_execution_score", "预算执行情况 得分"),
            what="预算执行",
            score=budget_score,
            weight=budget_weight,
        )
    for index, ind, _ in ctx.rows:
        if ind.claimed_score is None or ind.weight is None:
            continue
        if ind.claimed_score > ind.weight + ctx.tolerance:
            yield emit(
                location=indicator_place(index, ind),
                indicator=index,
                what=f"三级指标“{ind.name}”",
                score=ind.claimed_score,
                weight=ind.weight,
            )


def score_mismatch(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """A stated item score differs from the rule-computed one beyond rounding."""
    for index, ind, item in ctx.rows:
        claimed, computed = ind.claimed_score, item.computed
        if claimed is None or computed is None or ind.weight is None:
            continue
        if claimed > ind.weight + ctx.tolerance:
            continue  # SCORE_EXCEEDS_WEIGHT says it already
        if abs(claimed - computed) > ctx.tolerance:
            yield emit(
                location=indicator_place(index, ind),
                indicator=index,
                name=ind.name,
                claimed=claimed,
                computed=computed,
                explanation=item.explanation,
            )


def full_score_target_missed(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """Full marks although the actual value misses the target."""
    for index, ind, item in ctx.rows:
        if ind.claimed_score is None or ind.weight is None or item.met is not False:
            continue
        if ind.claimed_score >= ind.weight - ctx.tolerance:
            yield emit(
                location=indicator_place(index, ind),
                indicator=index,
                name=ind.name,
                score=ind.claimed_score,
                actual=ind.actual.text if ind.actual else "",
                target=ind.target.text if ind.target else "",
            )


# Rules that only apply to a measurable target: a row scored by one needs no second look.
_MEASURED = frozenset(
    {"positive", "negative", "equal", "range", "binary", "satisfaction_bands", "not_comparable"}
)


def _vague(ind: Indicator, rule: str) -> bool:
    if rule in _MEASURED:
        return False
    target = ind.target
    if target is None or _blank(target.text):
        return True
    return not target.is_quantity and not is_binary_target(target.text)


def target_not_quantified(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """A target is missing or cannot be measured."""
    for index, ind, item in ctx.rows:
        if not _vague(ind, item.rule) or ctx.target_unread(index):
            continue  # a figure the extraction could not read is not an unmeasurable target
        target = ind.target
        if target is None or _blank(target.text):
            what = "未填写年初目标值"
        else:
            what = f"的年初目标“{target.text}”不可计量"
        yield emit(location=indicator_place(index, ind), indicator=index, name=ind.name, what=what)


def actual_missing(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """An indicator has no actual value."""
    for index, ind, item in ctx.rows:
        if item.rule in _MEASURED or item.rule == "qualitative" or ctx.actual_unread(index):
            continue  # scoring read an actual value for the row, or the extraction could not
        if ind.actual is None or _blank(ind.actual.text):
            yield emit(location=indicator_place(index, ind), indicator=index, name=ind.name)


def actual_not_quantified(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """A measurable target's actual value is prose or in another unit, so it cannot be compared."""
    for index, ind, item in ctx.rows:
        if item.rule == "not_comparable" and ind.target is not None and ind.actual is not None:
            yield emit(
                location=indicator_place(index, ind),
                indicator=index,
                name=ind.name,
                target=ind.target.text,
                actual=ind.actual.text,
            )


def duplicate_indicator(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """The same indicator name appears twice in one group."""
    seen: dict[tuple[str | None, str | None, str], int] = {}
    for index, ind, _ in ctx.rows:
        key = (ind.level1, ind.level2, "".join(ind.name.split()))
        if key in seen:
            first = seen[key]
            yield emit(
                location=indicator_place(index, ind),
                indicator=index,
                name=ind.name,
                group=ind.level2 or ind.level1 or "同一组",
                first=indicator_place(first, ctx.ev.indicators[first]),
            )
        else:
            seen[key] = index


def over_achievement_unexplained(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """Large over-completion without a stated reason: the target may have been set too low."""
    threshold = ctx.scheme.over_achievement.review_ratio
    if threshold is None:
        return
    for index, ind, item in ctx.rows:
        if item.ratio is None or item.ratio < threshold or not _blank(ind.deviation_reason):
            continue
        yield emit(
            location=indicator_place(index, ind),
            indicator=index,
            name=ind.name,
            ratio=fmt_percent(item.ratio),
            threshold=fmt_percent(threshold, 0),
        )


def deviation_unexplained(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """A missed target whose shortfall is explained neither on its row nor in the problems section.

    财预〔2020〕10号 第十一条: “对未完成绩效目标或偏离绩效目标较大的项目要分析并说明原因”.
    """
    problems = ctx.ev.problems or ""
    for index, ind, item in ctx.rows:
        if item.met is not False or not _blank(ind.deviation_reason) or ind.name in problems:
            continue
        if ind.actual is not None and _REMARK.search(ind.actual.text):
            continue  # “25~30人(疫情控人)”: the reason is noted beside the figure
        yield emit(
            location=indicator_place(index, ind),
            indicator=index,
            name=ind.name,
            actual=ind.actual.text if ind.actual else "",
            target=ind.target.text if ind.target else "",
        )


_MONEY_UNITS = ("元", "万元", "亿元", "千元")


def input_as_output(ctx: Context, emit: Emit) -> Iterator[Finding]:
    """A 数量指标 measured in money: spending is an input, not an output (财预〔2021〕101号)."""
    for index, ind, _ in ctx.rows:
        target = ind.target
        if target is None or not target.unit or "数量" not in (ind.level2 or ""):
            continue
        if target.unit.split("/")[0] in _MONEY_UNITS:
            yield emit(
                location=indicator_place(index, ind), indicator=index, name=ind.name, target=target.text
            )
