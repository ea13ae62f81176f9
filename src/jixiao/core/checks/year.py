"""The checks of a project's year: of a declaration (绩效目标申报), of a monitoring record
(绩效监控 early warnings), and of the year-end link between the self-evaluation and the two.

Their catalogue entries (``YEAR_CATALOGUE``) sit beside the evaluation checker's, with stable
codes, and are listed in ``docs/checks.md``; :mod:`jixiao.core.year` runs them. Like every check
they never raise on bad data and never format messages themselves.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.core.checks.catalogue import Check
from jixiao.core.checks.catalogue import Emit
from jixiao.core.checks.catalogue import Record
from jixiao.core.groups import group_of
from jixiao.core.matching import IndicatorMatch
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import Op
from jixiao.core.model import Severity
from jixiao.core.model import Value
from jixiao.core.model import Weights
from jixiao.core.numbers import fmt_percent
from jixiao.core.plan import Declaration
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.units import align
from jixiao.core.wording import is_binary_target

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

BEHIND_GAP = Decimal("0.2")
"""How far (as a fraction of the budget) execution may trail the share of the year elapsed
before the monitoring record is flagged: 1–7月 is 58.33% of the year, so below 38.33% is flagged."""

_GROUP_NAMES = {
    Group.OUTPUT: "产出指标",
    Group.EFFECT: "效益指标",
    Group.SATISFACTION: "满意度指标",
    Group.COST: "成本指标",
}


# -- contexts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeclarationContext:
    """A declaration and the level-1 weights its scheme sets (``weights``)."""

    dec: Declaration
    weights: Weights


@dataclass(frozen=True, slots=True)
class MonitoringContext:
    """A monitoring record (its rates filled), the declaration it reports on if stored (and which
    declared indicator each monitored row is), and how far execution may trail the calendar."""

    mon: Monitoring
    declaration: Declaration | None = None
    behind_gap: Decimal = BEHIND_GAP
    declared_for: Mapping[int, Indicator] = field(default_factory=dict)  # monitored row → declared


@dataclass(frozen=True, slots=True)
class LinkContext:
    """The year-end self-evaluation, its declaration, its latest monitoring record (if any), the
    match of the evaluation's indicators to the declared ones, and the monitored row of each
    declared indicator."""

    evaluation: Evaluation
    declaration: Declaration
    monitoring: Monitoring | None
    matches: tuple[IndicatorMatch, ...]
    monitored: Mapping[int, MonitoredIndicator] = field(default_factory=dict)  # declared row → monitored

    def pairs(self) -> Iterator[tuple[int, int, Indicator, Indicator]]:
        """Each matched pair: the declared row's index, the evaluated row's, and the two rows."""
        for m in self.matches:
            if m.declared is not None and m.evaluated is not None:
                d, e = self.declaration.indicators[m.declared], self.evaluation.indicators[m.evaluated]
                yield m.declared, m.evaluated, d, e


# -- helpers ----------------------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _place(index: int, ind: Indicator | MonitoredIndicator, table: str) -> str:
    return ind.location or f"{table} 第{index + 1}项"


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


_DIRECTIONS = {Op.GE: 1, Op.LE: -1}


def same_target(a: Value, b: Value) -> bool:
    """Whether two targets state the same thing: the same figure (in one scale: 1.2万元 is
    12000元) with no contrary direction (a bare figure states none, so “100%” is “≥100%”), or
    the same words once punctuation, width and spacing are set aside."""
    if a.is_quantity and b.is_quantity:
        if (a.op is Op.RANGE) != (b.op is Op.RANGE):
            return False
        if _DIRECTIONS.get(a.op, 0) * _DIRECTIONS.get(b.op, 0) < 0:
            return False
        low = align(a, b)
        if low is None or low[0] != low[1]:
            return False
        if a.op is Op.RANGE and a.high is not None and b.high is not None:
            high = align(
                Value(text="", op=Op.EQ, value=a.high, unit=a.unit),
                Value(text="", op=Op.EQ, value=b.high, unit=b.unit),
            )
            return high is not None and high[0] == high[1]
        return True
    if a.is_quantity or b.is_quantity:
        return False
    return _plain(a.text) == _plain(b.text)


def _misses(target: Value, value: Value) -> bool | None:
    """Whether ``value`` falls short of ``target`` (None: cannot tell)."""
    if not target.is_quantity or not value.is_quantity or target.op is Op.QUALITATIVE:
        return None
    pair = align(target, value)
    if pair is None:
        return None
    goal, got = pair
    if target.op is Op.LE:
        return got > goal
    if target.op is Op.RANGE:
        if target.high is None:
            return None
        high = align(Value(text="", op=Op.EQ, value=target.high, unit=target.unit), value)
        return None if high is None else not goal <= got <= high[0]
    return got < goal  # ≥, and a bare figure read as “at least”


# Units of figures that need not grow over the year: rates, durations, scores (an average
# response time or an accident rate above its cap in July may still come down by December).
_NOT_CUMULATIVE = frozenset("%‰天日时分秒周月年")


def _cap_passed(target: Value, to_date: Value | None) -> bool:
    """Whether a cap (≤) is already passed by a figure to date that can only grow over the year:
    an amount or a count, not a rate, a duration or a score."""
    if target.op is not Op.LE or to_date is None:
        return False
    if _NOT_CUMULATIVE & set((target.unit or "") + (to_date.unit or "")):
        return False
    return _misses(target, to_date) is True


# -- declaration checks -----------------------------------------------------------------------


def declaration_no_indicators(ctx: DeclarationContext, emit: Emit) -> Iterator[Finding]:
    """A declaration without any indicator."""
    if not ctx.dec.indicators:
        yield emit(location="绩效指标")


def declaration_objective_missing(ctx: DeclarationContext, emit: Emit) -> Iterator[Finding]:
    """The 年度总体目标 is empty."""
    if _blank(ctx.dec.objective):
        yield emit(location="年度总体目标")


def declared_target_not_measurable(ctx: DeclarationContext, emit: Emit) -> Iterator[Finding]:
    """A declared target is missing, or neither a figure nor a yes/no target."""
    for index, ind in enumerate(ctx.dec.indicators):
        target = ind.target
        if target is None or _blank(target.text):
            what = "未填写年度指标值"
        elif target.is_quantity or is_binary_target(target.text):
            continue
        else:
            what = f"的年度指标值“{target.text}”不可衡量"
        yield emit(location=_place(index, ind, "绩效指标表"), indicator=index, name=ind.name, what=what)


def declared_weight_missing(ctx: DeclarationContext, emit: Emit) -> Iterator[Finding]:
    """A declared indicator without a weight (分值)."""
    for index, ind in enumerate(ctx.dec.indicators):
        if ind.weight is None:
            yield emit(location=_place(index, ind, "绩效指标表"), indicator=index, name=ind.name)


def declared_weights_sum(ctx: DeclarationContext, emit: Emit) -> Iterator[Finding]:
    """The indicator weights do not add up to 100 less the 预算执行率 weight (set only at the
    self-evaluation, [101号]（六）)."""
    indicators = ctx.dec.indicators
    if not indicators or any(ind.weight is None for ind in indicators):
        return
    total = sum((ind.weight for ind in indicators if ind.weight is not None), Decimal(0))
    should = Decimal(100) - ctx.weights.budget_execution
    if total != should:
        yield emit(location="绩效指标表 分值", total=total, should=should)


def declared_group_missing(ctx: DeclarationContext, emit: Emit) -> Iterator[Finding]:
    """A level-1 group the scheme weighs (产出, 效益, 满意度) has no declared indicator (not when
    some row's level-1 group is not named: it may be the missing one)."""
    if not ctx.dec.indicators:
        return
    present = {group_of(ind, ctx.weights.cost) for ind in ctx.dec.indicators}
    if None in present:
        return  # a row whose level-1 group is not named may be the one that seems missing
    for group in (Group.OUTPUT, Group.EFFECT, Group.SATISFACTION):
        weight = ctx.weights.of(group)
        if weight > 0 and group not in present:
            yield emit(location="绩效指标表", group=_GROUP_NAMES[group], weight=weight)


def declared_cost_missing(ctx: DeclarationContext, emit: Emit) -> Iterator[Finding]:
    """The scheme sets a 成本指标 weight but no cost indicator is declared (not when some
    row's level-1 group is not named: it may be the cost indicator)."""
    weight = ctx.weights.cost
    groups = {group_of(ind, weight) for ind in ctx.dec.indicators}
    if weight > 0 and groups and None not in groups and Group.COST not in groups:
        yield emit(location="绩效指标表", weight=weight)


# -- monitoring checks ------------------------------------------------------------------------


def execution_behind(ctx: MonitoringContext, emit: Emit) -> Iterator[Finding]:
    """Budget execution trails the share of the year elapsed by more than the allowed gap."""
    mon = ctx.mon
    rate, elapsed = mon.execution_rate, mon.time_elapsed
    if rate is None or elapsed is None:
        return
    if rate < elapsed - ctx.behind_gap:
        yield emit(
            location="预算执行情况",
            period=mon.period.label,
            rate=fmt_percent(rate),
            elapsed=fmt_percent(elapsed),
            gap=fmt_percent(ctx.behind_gap, 0),
        )


def impossible_unexplained(ctx: MonitoringContext, emit: Emit) -> Iterator[Finding]:
    """An indicator marked 完全不可能 without a 偏差原因."""
    for index, ind in enumerate(ctx.mon.indicators):
        if ind.likelihood is Likelihood.IMPOSSIBLE and not ind.explained:
            yield emit(location=_place(index, ind, "监控情况表"), indicator=index, name=ind.name)


def target_unreachable(ctx: MonitoringContext, emit: Emit) -> Iterator[Finding]:
    """The figures of the period already show the target cannot be met: a cap (≤) on an amount
    that only grows already passed to date, or a full-year expectation short of the target."""
    for index, ind in enumerate(ctx.mon.indicators):
        target = ind.target
        if target is None:
            continue
        why = None
        if _cap_passed(target, ind.to_date):
            why = f"{ctx.mon.period.label}已达“{ind.to_date.text if ind.to_date else ''}”，超过上限"
        elif ind.expected is not None and _misses(target, ind.expected):
            why = f"全年预计完成“{ind.expected.text}”"
        if why is None:
            continue
        said = f"，填报的完成可能性为“{ind.likelihood.value}”" if ind.likelihood is not None else ""
        yield emit(
            location=_place(index, ind, "监控情况表"),
            indicator=index,
            name=ind.name,
            target=target.text,
            why=why,
            said=said,
        )


def monitoring_target_changed(ctx: MonitoringContext, emit: Emit) -> Iterator[Finding]:
    """A monitored indicator's 年度指标值 differs from the declared one it is."""
    for index, ind in enumerate(ctx.mon.indicators):
        dec = ctx.declared_for.get(index)
        if dec is None or dec.target is None or ind.target is None or _blank(ind.target.text):
            continue
        if not same_target(dec.target, ind.target):
            yield emit(
                location=_place(index, ind, "监控情况表"),
                indicator=index,
                name=ind.name,
                declared=dec.target.text,
                now=ind.target.text,
            )


# -- year-end link checks ---------------------------------------------------------------------


def target_changed(ctx: LinkContext, emit: Emit) -> Iterator[Finding]:
    """A self-evaluation's 年初目标值 differs from the declared 年度指标值."""
    for _, at, d, e in ctx.pairs():
        if d.target is None or _blank(d.target.text) or e.target is None or _blank(e.target.text):
            continue
        if f"extraction.target_unread.{at}" in ctx.evaluation.provenance:
            continue  # the figure was printed but not read: no change can be told
        if not same_target(d.target, e.target):
            yield _changed(emit, at, e, d.target.text, e.target.text)


def weight_changed(ctx: LinkContext, emit: Emit) -> Iterator[Finding]:
    """A self-evaluation's indicator weight differs from the declared one (设立后原则上不得调整)."""
    for _, at, d, e in ctx.pairs():
        if d.weight is not None and e.weight is not None and d.weight != e.weight:
            yield _changed(emit, at, e, d.weight, e.weight)


def _changed(emit: Emit, at: int, e: Indicator, declared: object, claimed: object) -> Finding:
    """The finding that the evaluated row ``at`` states ``claimed`` where ``declared`` was declared."""
    return emit(
        location=_place(at, e, "绩效指标表"), indicator=at, name=e.name, declared=declared, claimed=claimed
    )


def declared_missing(ctx: LinkContext, emit: Emit) -> Iterator[Finding]:
    """A declared indicator that the self-evaluation does not report."""
    if "extraction.rows_incomplete" in ctx.evaluation.provenance:
        return  # rows the extraction could not read may be the missing ones
    for m in ctx.matches:
        if m.evaluated is None and m.declared is not None:
            d = ctx.declaration.indicators[m.declared]
            target = d.target.text if d.target is not None else "未填"
            yield emit(location=f"目标申报表 第{m.declared + 1}项", name=d.name, target=target)


def added_afterwards(ctx: LinkContext, emit: Emit) -> Iterator[Finding]:
    """An evaluated indicator that no declared indicator matches."""
    for m in ctx.matches:
        if m.declared is None and m.evaluated is not None:
            e = ctx.evaluation.indicators[m.evaluated]
            yield emit(location=_place(m.evaluated, e, "绩效指标表"), indicator=m.evaluated, name=e.name)


def _mentioned(ev: Evaluation, ind: Indicator) -> bool:
    if not _blank(ind.deviation_reason):
        return True
    problems = _plain(ev.problems or "")
    return bool(problems) and _plain(ind.name) in problems


def claim_contradicts_monitoring(ctx: LinkContext, emit: Emit) -> Iterator[Finding]:
    """The self-evaluation claims a target met that the monitoring record said could not be met
    (完全不可能, or a full-year expectation short of it), with no word on what changed."""
    mon = ctx.monitoring
    if mon is None:
        return
    ev = ctx.evaluation
    for declared, at, _, e in ctx.pairs():
        seen = ctx.monitored.get(declared)
        if seen is None or e.target is None or e.actual is None:
            continue
        if seen.likelihood is Likelihood.IMPOSSIBLE:
            said = f"{mon.period.label}监控时填报“完全不可能”完成"
        elif _cap_passed(seen.target or e.target, seen.to_date) and seen.to_date is not None:
            said = f"{mon.period.label}已达“{seen.to_date.text}”，超过上限"
        elif seen.expected is not None and _misses(seen.target or e.target, seen.expected):
            said = f"{mon.period.label}监控时预计全年完成“{seen.expected.text}”"
        else:
            continue
        if _misses(e.target, e.actual) is False and not _mentioned(ev, e):
            yield emit(
                location=_place(at, e, "绩效指标表"),
                indicator=at,
                name=e.name,
                actual=e.actual.text,
                target=e.target.text,
                said=said,
            )


# -- the catalogue ----------------------------------------------------------------------------

D, M, Y = Record.DECLARATION, Record.MONITORING, Record.YEAR


def _check(
    code: str, severity: Severity, title: str, description: str, template: str, record: Record
) -> Check:
    return Check(code, severity, title, description, template, record=record)


DECLARATION_NO_INDICATORS = _check(
    "DECLARATION_NO_INDICATORS", E, "申报未设绩效指标", "绩效目标申报表中没有任何绩效指标。",
    "绩效目标申报表未设任何绩效指标", D,
)  # fmt: skip
DECLARATION_OBJECTIVE_MISSING = _check(
    "DECLARATION_OBJECTIVE_MISSING", W, "未填写年度总体目标", "绩效目标申报表的年度总体目标为空。",
    "未填写年度总体目标", D,
)  # fmt: skip
DECLARED_TARGET_NOT_MEASURABLE = _check(
    "DECLARED_TARGET_NOT_MEASURABLE", W, "申报的指标值不可衡量",
    "年度指标值缺失，或既不是数值也不是“是/否”类可判断的目标（财预〔2021〕101号：指标值应可衡量）。",
    "三级指标“{name}”{what}", D,
)  # fmt: skip
DECLARED_WEIGHT_MISSING = _check(
    "DECLARED_WEIGHT_MISSING", W, "申报的指标未设分值", "申报的三级指标没有分值（权重）。",
    "三级指标“{name}”未设分值", D,
)  # fmt: skip
DECLARED_WEIGHTS_SUM_MISMATCH = _check(
    "DECLARED_WEIGHTS_SUM_MISMATCH", E, "申报的指标分值合计不符",
    "各三级指标分值之和不等于100减去预算执行率的权重（预算执行率在编制预算时暂不设置，财预〔2021〕101号）。"
    "有指标未设分值时不作此项检查。",
    "申报的指标分值合计{total}分，应为{should}分", D,
)  # fmt: skip
DECLARED_GROUP_MISSING = _check(
    "DECLARED_GROUP_MISSING", W, "一级指标下没有申报指标",
    "方案为产出、效益或满意度一级指标设定了权重，但申报中该一级指标下没有任何三级指标。有指标未注明（或注明了无法识别的）一级指标时不作此项检查。",
    "方案设定{group}{weight}分，但申报中没有{group}", D,
)  # fmt: skip
DECLARED_COST_MISSING = _check(
    "DECLARED_COST_MISSING", W, "未申报成本指标",
    "方案设定了成本指标权重（设置成本指标的项目：成本指标20%，财预〔2021〕101号），但申报中没有成本指标。有指标未注明（或注明了无法识别的）一级指标时不作此项检查。",
    "方案设定成本指标{weight}分，但申报中没有成本指标", D,
)  # fmt: skip
MONITORING_EXECUTION_BEHIND = _check(
    "MONITORING_EXECUTION_BEHIND", W, "预算执行明显慢于时间进度",
    "监控期末的预算执行率比时间进度（已过月份 ÷ 12）低20个百分点以上（预算执行进度与绩效目标实现程度“双监控”）。",
    "{period}预算执行率{rate}，时间进度{elapsed}，落后超过{gap}", M,
)  # fmt: skip
MONITORING_IMPOSSIBLE_UNEXPLAINED = _check(
    "MONITORING_IMPOSSIBLE_UNEXPLAINED", E, "完全不可能完成却未说明原因",
    "完成目标可能性填“完全不可能”，但没有偏差原因分析（经费保障、制度保障、人员保障、硬件条件保障或其他并说明）。",
    "三级指标“{name}”完成目标可能性为“完全不可能”，未说明偏差原因", M,
)  # fmt: skip
MONITORING_TARGET_UNREACHABLE = _check(
    "MONITORING_TARGET_UNREACHABLE", W, "监控数据显示目标无法完成",
    "监控期的数据已表明年度指标值无法完成：上限类（≤）的金额或数量到期末已超过上限（比率、时长、分数不在此列：年中超过上限的比率或平均时长年底仍可能降下来），或全年预计完成值达不到年度指标值。",
    "三级指标“{name}”年度指标值“{target}”：{why}，已无法完成{said}", M,
)  # fmt: skip
MONITORING_TARGET_CHANGED = _check(
    "MONITORING_TARGET_CHANGED", W, "监控表的指标值与申报不一致",
    "监控情况表中某指标的年度指标值与绩效目标申报表中同名指标的不同。",
    "三级指标“{name}”监控表的年度指标值“{now}”与申报的“{declared}”不一致", M,
)  # fmt: skip
TARGET_CHANGED_FROM_DECLARATION = _check(
    "TARGET_CHANGED_FROM_DECLARATION", E, "自评目标值与申报不一致",
    "自评表的年初目标值与绩效目标申报表中对应指标的年度指标值不同：自评指标应是预算批复时确定的绩效指标（财预〔2020〕10号第十三条）。"
    "同一数值的不同写法（如“1.2万元”与“12000元”、“100%”与“≥100%”）不算不一致。",
    "三级指标“{name}”自评目标“{claimed}”与申报的“{declared}”不一致", Y,
)  # fmt: skip
WEIGHT_CHANGED_FROM_DECLARATION = _check(
    "WEIGHT_CHANGED_FROM_DECLARATION", W, "自评分值与申报不一致",
    "自评表中指标的分值与申报时不同（分值权重在预算批复中明确，设立后原则上不得调整，财预〔2021〕101号）。",
    "三级指标“{name}”自评分值{claimed}分与申报的{declared}分不一致", Y,
)  # fmt: skip
DECLARED_INDICATOR_MISSING = _check(
    "DECLARED_INDICATOR_MISSING", W, "申报的指标未在自评中出现",
    "绩效目标申报表中的指标在自评表中找不到对应指标（审核人可以更正匹配）。"
    "文件中有指标行未能识别（提取时已说明）时不作此项检查。",
    "申报的三级指标“{name}”（年度指标值“{target}”）未在自评中出现", Y,
)  # fmt: skip
INDICATOR_ADDED_AFTER_DECLARATION = _check(
    "INDICATOR_ADDED_AFTER_DECLARATION", W, "自评指标不在申报中",
    "自评表中的指标在绩效目标申报表中找不到对应指标，可能是事后增设（审核人可以更正匹配）。",
    "三级指标“{name}”不在绩效目标申报中", Y,
)  # fmt: skip
CLAIM_CONTRADICTS_MONITORING = _check(
    "CLAIM_CONTRADICTS_MONITORING", W, "年终完成情况与监控结论矛盾且未说明",
    "监控时填报完全不可能完成、预计完成不了或已超过上限（≤，金额或数量）的指标，年终却称已完成，而该行偏差原因和“存在的问题”都没有说明。",
    "三级指标“{name}”年终实际完成“{actual}”达到目标“{target}”，但{said}，未说明原因", Y,
)  # fmt: skip

DeclarationCheck = Callable[[DeclarationContext, Emit], Iterable[Finding]]
MonitoringCheck = Callable[[MonitoringContext, Emit], Iterable[Finding]]
LinkCheck = Callable[[LinkContext, Emit], Iterable[Finding]]

DECLARATION_CHECKS: tuple[tuple[Check, DeclarationCheck], ...] = (
    (DECLARATION_NO_INDICATORS, declaration_no_indicators),
    (DECLARATION_OBJECTIVE_MISSING, declaration_objective_missing),
    (DECLARED_TARGET_NOT_MEASURABLE, declared_target_not_measurable),
    (DECLARED_WEIGHT_MISSING, declared_weight_missing),
    (DECLARED_WEIGHTS_SUM_MISMATCH, declared_weights_sum),
    (DECLARED_GROUP_MISSING, declared_group_missing),
    (DECLARED_COST_MISSING, declared_cost_missing),
)
MONITORING_CHECKS: tuple[tuple[Check, MonitoringCheck], ...] = (
    (MONITORING_EXECUTION_BEHIND, execution_behind),
    (MONITORING_IMPOSSIBLE_UNEXPLAINED, impossible_unexplained),
    (MONITORING_TARGET_UNREACHABLE, target_unreachable),
    (MONITORING_TARGET_CHANGED, monitoring_target_changed),
)
LINK_CHECKS: tuple[tuple[Check, LinkCheck], ...] = (
    (TARGET_CHANGED_FROM_DECLARATION, target_changed),
    (WEIGHT_CHANGED_FROM_DECLARATION, weight_changed),
    (DECLARED_INDICATOR_MISSING, declared_missing),
    (INDICATOR_ADDED_AFTER_DECLARATION, added_afterwards),
    (CLAIM_CONTRADICTS_MONITORING, claim_contradicts_monitoring),
)

YEAR_CATALOGUE: tuple[Check, ...] = tuple(
    check for checks in (DECLARATION_CHECKS, MONITORING_CHECKS, LINK_CHECKS) for check, _ in checks
)
