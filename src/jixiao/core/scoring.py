"""Score an evaluation by its scheme's rules, with a Chinese explanation for every point.

The result is a :class:`Scorecard`: one :class:`ItemScore` per indicator (the recomputed score,
how it was reached, whether the target was met), the budget-execution score, the recomputed
total and grade, and the most the facts allow. Scoring never raises on bad data: a row the rules
cannot decide (no weight, no actual, units that do not compare, a qualitative judgement) gets
``computed = None`` and an explanation, and the total keeps its claimed score (capped at the
weight), so one unreadable row does not void the whole evaluation.

Rules by target (A = 年初目标值, B = 实际完成值, w = 权重; ``jixiao schemes`` prints them):

- ``≥A`` 正向: full when B ≥ A, else w × B/A (or the 60% gate of 财预〔2021〕101号);
- ``≤A`` 反向: full when B ≤ A, else w × A/B (or linear to 0 at 2A);
- ``=A`` scored like ``≥`` when A > 0, pass/fail when A = 0; a range target is met inside it;
- a range actual (25~30人) is taken at its worse end and the explanation says so;
- yes/no targets (是, 合格) score full or nothing (101号 direct scoring);
- qualitative rows keep the claimed score, clamped into the band the wording of the actual
  names (达成 / 部分达成 / 未达成) when it names one;
- satisfaction rows use the scheme's bands when it has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal

from jixiao.core.groups import is_satisfaction
from jixiao.core.model import Budget
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Op
from jixiao.core.model import Value
from jixiao.core.numbers import HUNDRED
from jixiao.core.numbers import ONE
from jixiao.core.numbers import ZERO
from jixiao.core.numbers import fmt_money
from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import fmt_score
from jixiao.core.numbers import places
from jixiao.core.numbers import round_to
from jixiao.core.scheme import Scheme
from jixiao.core.units import align
from jixiao.core.values import quantities
from jixiao.core.wording import is_binary_target
from jixiao.core.wording import judgement
from jixiao.core.wording import qualitative_level

_OP_SIGN = {Op.GE: "≥", Op.LE: "≤", Op.EQ: "", Op.RANGE: "", Op.QUALITATIVE: ""}
_LEVEL_NAMES = {"achieved": "达成", "partial": "部分达成", "missed": "未达成"}


@dataclass(slots=True)  # not frozen: built once per row on the hot path, never mutated after
class ItemScore:
    """The rules' verdict on one indicator row.

    ``computed`` is None when the rules cannot decide; ``counted`` is what the recomputed total
    counts for the row (the computed score, else the claimed one capped at the weight).
    ``deterministic`` is true when the rules fix the score exactly (a formula or yes/no), false
    when they only bound it (qualitative bands) or cannot apply. ``met`` says whether the actual
    reaches the target, ``ratio`` is B/A for a ≥ or = target.
    """

    computed: Decimal | None
    counted: Decimal
    explanation: str
    rule: str
    deterministic: bool = False
    met: bool | None = None
    ratio: Decimal | None = None
    band: tuple[Decimal, Decimal] | None = None


@dataclass(frozen=True, slots=True)
class Verification:
    """How much of a recomputed total the rules verified and how much was carried over from the claim.

    A row is *verified* when the rules fix its score exactly (a formula, yes/no, satisfaction
    bands: ``ItemScore.deterministic``); every other weighted row — a qualitative row kept at its
    claimed score, a claim clamped into a qualitative band, a row the rules cannot read — is
    *carried over*. ``*_weight`` sum the rows' weights (the indicator points at stake),
    ``*_points`` the points each part adds to the total (the budget-execution score counts as
    verified when it was computed, as carried when the claimed one stands in for it), before any
    cap of the total by the execution rate.
    """

    verified_weight: Decimal
    carried_weight: Decimal
    verified_points: Decimal
    carried_points: Decimal


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Everything the rules say about one evaluation."""

    items: tuple[ItemScore, ...]
    execution_rate: Decimal | None
    budget_score: Decimal | None
    budget_explanation: str
    total: Decimal | None
    grade: str | None
    max_total: Decimal | None
    total_explanation: str
    verification: Verification | None = None


def _q(value: Value, number: Decimal | None = None) -> str:
    """A value as the explanation prints it: the number and its unit."""
    shown = fmt_number(value.value if number is None else number)
    return f"{shown}{value.unit or ''}"


def _target_text(target: Value) -> str:
    if target.op is Op.RANGE and target.high is not None:
        return f"{fmt_number(target.value)}~{fmt_number(target.high)}{target.unit or ''}"
    return f"{_OP_SIGN[target.op]}{_q(target)}"


# A band is read only from a short verdict (“达成预期指标”, “部分达成…并具有一定效果”, “效果明显”),
# never from a narrative that happens to contain 良好 or 明显: that would be guessing.
_BAND_STATEMENT_MAX = 20


def _band_statement(text: str) -> str | None:
    """The qualitative band an actual states outright, if it is a short verdict without figures."""
    stripped = text.strip()
    if len(stripped) > _BAND_STATEMENT_MAX or any(ch.isdigit() for ch in stripped):
        return None
    return qualitative_level(stripped)


class _Rules:
    """Indicator rules of one scheme, bound once so the per-row work stays small."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.quantum = places(scheme.score_places)
        self.quant = scheme.quantitative
        self.qual = scheme.qualitative
        self.sat = scheme.satisfaction
        self.over = scheme.over_achievement

    def round(self, value: Decimal) -> Decimal:
        return round_to(value, self.quantum)

    def keep_claimed(self, ind: Indicator, why: str, rule: str) -> ItemScore:
        """A row the rules cannot decide: the total keeps the claimed score, capped at the weight."""
        weight = ind.weight if ind.weight is not None else ZERO
        claimed = ind.claimed_score
        if claimed is None:
            return ItemScore(None, ZERO, f"{why}；无自评分，按0分计入复核得分", rule)
        counted = min(max(claimed, ZERO), weight) if ind.weight is not None else max(claimed, ZERO)
        note = f"{why}，按自评分保留"
        if counted != claimed:
            note += f"（自评分{fmt_number(claimed)}超出区间，按{fmt_number(counted)}计）"
        return ItemScore(None, counted, note, rule)

    def score(self, ind: Indicator) -> ItemScore:
        weight = ind.weight
        if weight is None:
            return self.keep_claimed(ind, "未载明权重，无法按规则计分", "no_weight")
        actual = ind.actual
        if actual is None or not actual.text.strip():
            return self.keep_claimed(ind, "缺少实际完成值，无法按规则计分", "no_actual")
        target = ind.target
        if target is not None and target.is_quantity:
            return self._quantitative(ind, weight, target, actual)
        if target is not None and is_binary_target(target.text):
            verdict = judgement(actual.text)
            if verdict is not None:
                return self._binary(weight, target, actual, verdict)
        return self._qualitative(ind, weight, actual)

    def _binary(self, weight: Decimal, target: Value, actual: Value, verdict: bool) -> ItemScore:
        score = self.round(weight) if verdict else ZERO
        outcome = "达到" if verdict else "未达到"
        explanation = (
            f"是否类指标：实际“{actual.text}”{outcome}目标“{target.text}”，"
            f"{'得满分' if verdict else '不得分'}{fmt_score(score)}"
        )
        return ItemScore(score, score, explanation, "binary", True, verdict)

    def _qualitative(self, ind: Indicator, weight: Decimal, actual: Value) -> ItemScore:
        level = _band_statement(actual.text)
        if level is None:
            why = "定性指标：无可计量目标" if ind.target is None or not ind.target.is_quantity else ""
            return self.keep_claimed(ind, why or "定性指标", "qualitative")
        lo_share, hi_share = {
            "achieved": (self.qual.achieved_min, ONE),
            "partial": (self.qual.partial_min, self.qual.achieved_min),
            "missed": (ZERO, self.qual.partial_min),
        }[level]
        low = self.round(weight * lo_share)
        # Upper bounds of the lower bands are open: 部分达成 is [60%, 80%).
        high = weight if level == "achieved" else self.round(weight * hi_share) - self.quantum
        band = (low, max(low, high))
        name = _LEVEL_NAMES[level]
        head = (
            f"定性指标：实际“{actual.text}”属“{name}”档，分值区间[{fmt_score(band[0])}, {fmt_score(band[1])}]"
        )
        claimed = ind.claimed_score
        if claimed is None:
            return ItemScore(None, ZERO, f"{head}；无自评分，按0分计入复核得分", "qualitative", band=band)
        score = min(max(claimed, band[0]), band[1])
        if score == claimed:
            explanation = f"{head}，自评分{fmt_number(claimed)}在区间内"
        else:
            explanation = f"{head}，自评分{fmt_number(claimed)}超出区间，按{fmt_score(score)}计"
        return ItemScore(score, score, explanation, "qualitative", False, level == "achieved", band=band)

    def _find_in_prose(self, target: Value, actual: Value) -> tuple[Value, str] | None:
        """The one figure in a prose actual that is in the target's unit, with a note saying so."""
        if not target.unit:
            return None
        candidates = [c for c in quantities(actual.text) if c.unit and align(target, c) is not None]
        if len(candidates) != 1:
            return None
        return candidates[0], f"实际完成值取文中“{candidates[0].text}”；"

    def _quantitative(self, ind: Indicator, weight: Decimal, target: Value, actual: Value) -> ItemScore:
        if actual.is_quantity:
            b_value, note = actual, ""
        else:
            picked = self._find_in_prose(target, actual)
            if picked is None:
                why = f"实际完成值“{actual.text}”不是可与目标“{target.text}”比较的数值"
                return self.keep_claimed(ind, why, "not_comparable")
            b_value, note = picked
        # A range actual counts at its worse end for the target's direction.
        if b_value.op is Op.RANGE and b_value.high is not None:
            use_high = target.op is Op.LE
            end = b_value.high if use_high else b_value.value
            note += (
                f"实际值为区间{fmt_number(b_value.value)}~{fmt_number(b_value.high)}{b_value.unit or ''}，"
                f"按{'上限' if use_high else '下限'}{fmt_number(end)}计；"
            )
            b_value = b_value.model_copy(update={"value": end, "op": Op.EQ, "high": None})
        # “不足100人” against ≥100, or “500余起” against ≤500: the actual is only bounded on the
        # side that cannot show the target was met, so the rules cannot score it.
        if (b_value.op is Op.LE and target.op in (Op.GE, Op.EQ)) or (
            b_value.op is Op.GE and target.op is Op.LE
        ):
            why = f"实际完成值“{actual.text}”只给出{'上限' if b_value.op is Op.LE else '下限'}，无法判断是否达到目标“{target.text}”"
            return self.keep_claimed(ind, why, "not_comparable")
        pair = align(target, b_value)
        if pair is None:
            why = f"单位不一致（目标“{target.text}”，实际“{actual.text}”），无法按公式计分"
            return self.keep_claimed(ind, why, "not_comparable")
        a, b = pair
        context = f"（实际{fmt_number(b_value.value)}{b_value.unit or ''}，目标{_target_text(target)}）"
        if (
            self.sat.rule == "bands"
            and is_satisfaction(ind)
            and (target.unit or b_value.unit or "").startswith("%")
        ):
            return self._satisfaction_bands(weight, b, note, context)
        if target.op is Op.LE:
            return self._negative(ind, weight, a, b, note, context)
        if target.op is Op.RANGE and target.high is not None:
            return self._range(ind, weight, target, b_value, b, note, context)
        return self._positive(ind, weight, a, b, note, context, equal=target.op is Op.EQ)

    def _finish(
        self,
        ind: Indicator,
        weight: Decimal,
        share: Decimal,
        explanation: str,
        rule: str,
        met: bool,
        ratio: Decimal | None,
    ) -> ItemScore:
        if share >= ONE:
            share = ONE
        elif share < ZERO:
            share = ZERO
        score = (weight * share).quantize(self.quantum, rounding=ROUND_HALF_UP)
        over = self.over
        if (
            over.deduct_share
            and over.review_ratio is not None
            and ratio is not None
            and ratio >= over.review_ratio
            and not (ind.deviation_reason or "").strip()
        ):
            cut = self.round(weight * over.deduct_share)
            score = max(ZERO, score - cut)
            explanation += (
                f"；超额完成{fmt_percent(ratio)}（≥{fmt_percent(over.review_ratio, 0)}）且未说明偏差原因，"
                f"扣{fmt_score(cut)}分，得{fmt_score(score)}"
            )
        return ItemScore(score, score, explanation, rule, True, met, ratio)

    def _positive(
        self,
        ind: Indicator,
        weight: Decimal,
        a: Decimal,
        b: Decimal,
        note: str,
        context: str,
        *,
        equal: bool,
    ) -> ItemScore:
        label = "等于指标（按正向计分）" if equal else "正向指标"
        rule = "equal" if equal else "positive"
        if a <= 0:
            # A zero target: “=0” is pass/fail (B must not exceed 0); “≥0” is always met.
            met = b <= a if equal else b >= a
            explanation = f"{note}{label}：目标为{fmt_number(a)}，{'达到' if met else '未达到'}，得{'满分' if met else '0分'}{context}"
            return self._finish(ind, weight, ONE if met else ZERO, explanation, rule, met, None)
        ratio = b / a
        if b >= a:
            explanation = f"{note}{label}：实际达到目标，得满分{fmt_score(weight)}{context}"
            return self._finish(ind, weight, ONE, explanation, rule, True, ratio)
        if self.quant.positive == "gate":
            gate = self.quant.gate
            share = ZERO if ratio < gate else (ratio - gate) / (ONE - gate)
            score = self.round(weight * max(share, ZERO))
            explanation = f"{note}{label}（{fmt_percent(gate, 0)}及格门槛）：完成率{fmt_percent(ratio)}，" + (
                f"低于门槛，不得分{context}"
                if ratio < gate
                else f"({fmt_percent(ratio)} − {fmt_percent(gate, 0)}) ÷ (1 − {fmt_percent(gate, 0)}) × "
                f"{fmt_number(weight)} = {fmt_score(score)}{context}"
            )
            return self._finish(ind, weight, share, explanation, rule, False, ratio)
        share = max(ratio, ZERO)
        score = self.round(weight * share)
        explanation = f"{note}{label}：{fmt_number(weight)} × {fmt_number(b)}/{fmt_number(a)} = {fmt_score(score)}{context}"
        return self._finish(ind, weight, share, explanation, rule, False, ratio)

    def _negative(
        self, ind: Indicator, weight: Decimal, a: Decimal, b: Decimal, note: str, context: str
    ) -> ItemScore:
        if b <= a:
            explanation = f"{note}反向指标：实际未超过目标，得满分{fmt_score(weight)}{context}"
            return self._finish(ind, weight, ONE, explanation, "negative", True, None)
        if self.quant.negative == "linear_to_double":
            share = ONE - (b - a) / a if a > 0 else ZERO
            score = self.round(weight * max(share, ZERO))
            explanation = (
                f"{note}反向指标（超出目标线性扣分，至2倍目标为0）：{fmt_number(weight)} × "
                f"(1 − ({fmt_number(b)} − {fmt_number(a)})/{fmt_number(a)}) = {fmt_score(score)}{context}"
            )
            return self._finish(ind, weight, share, explanation, "negative", False, None)
        share = a / b if a > 0 else ZERO
        score = self.round(weight * share)
        explanation = f"{note}反向指标：{fmt_number(weight)} × {fmt_number(a)}/{fmt_number(b)} = {fmt_score(score)}{context}"
        return self._finish(ind, weight, share, explanation, "negative", False, None)

    def _range(
        self,
        ind: Indicator,
        weight: Decimal,
        target: Value,
        b_value: Value,
        b: Decimal,
        note: str,
        context: str,
    ) -> ItemScore:
        assert target.value is not None and target.high is not None
        low_pair = align(target, b_value)
        high_pair = align(target.model_copy(update={"value": target.high}), b_value)
        assert low_pair is not None and high_pair is not None
        low, high = low_pair[0], high_pair[0]
        if low <= b <= high:
            explanation = f"{note}区间指标：实际在目标区间内，得满分{fmt_score(weight)}{context}"
            return self._finish(ind, weight, ONE, explanation, "range", True, None)
        if b < low:
            share = b / low if low > 0 else ZERO
            formula = f"{fmt_number(b)}/{fmt_number(low)}"
        else:
            share = high / b if b > 0 else ZERO
            formula = f"{fmt_number(high)}/{fmt_number(b)}"
        score = self.round(weight * max(share, ZERO))
        explanation = f"{note}区间指标：{fmt_number(weight)} × {formula} = {fmt_score(score)}{context}"
        return self._finish(ind, weight, share, explanation, "range", False, None)

    def _satisfaction_bands(self, weight: Decimal, b: Decimal, note: str, context: str) -> ItemScore:
        fraction = b / HUNDRED
        for band in self.sat.bands:
            if fraction >= band.min:
                score = self.round(weight * band.share)
                explanation = (
                    f"{note}满意度指标（区间赋分）：满意度{fmt_percent(fraction)} ≥ {fmt_percent(band.min, 0)}，"
                    f"得{fmt_number(band.share * HUNDRED)}%分值 = {fmt_score(score)}{context}"
                )
                met = band.share == ONE
                return ItemScore(score, score, explanation, "satisfaction_bands", True, met, None)
        explanation = (
            f"{note}满意度指标（区间赋分）：满意度{fmt_percent(fraction)}低于最低区间，不得分{context}"
        )
        return ItemScore(ZERO, ZERO, explanation, "satisfaction_bands", True, False, None)


def _most(ind: Indicator, item: ItemScore) -> Decimal:
    """The most a row can score given the facts: its rule score, the top of its band, or its weight."""
    if item.deterministic and item.computed is not None:
        return item.computed
    if item.band is not None:
        return item.band[1]
    return ind.weight or ZERO


def execution_rate(budget: Budget) -> Decimal | None:
    """Executed ÷ planned when both are known (planned > 0), else the stated rate."""
    if budget.planned_yuan is not None and budget.executed_yuan is not None and budget.planned_yuan > 0:
        return budget.executed_yuan / budget.planned_yuan
    return budget.stated_rate


def score_budget(
    budget: Budget, weight: Decimal, scheme: Scheme
) -> tuple[Decimal | None, Decimal | None, str]:
    """The execution rate, the budget-execution score and how it was reached."""
    rate = execution_rate(budget)
    if rate is None:
        return None, None, "缺少预算数或执行数，无法计算预算执行率与得分"
    quantum = places(scheme.score_places)
    if budget.planned_yuan is not None and budget.executed_yuan is not None and budget.planned_yuan > 0:
        basis = (
            f"预算执行率 = 执行数{fmt_money(budget.executed_yuan)}元 ÷ 预算数{fmt_money(budget.planned_yuan)}元"
            f" = {fmt_percent(rate)}"
        )
    else:
        basis = f"预算执行率按文中所述{fmt_percent(rate)}"
    capped = min(max(rate, ZERO), ONE)
    if rate > ONE:
        basis += "（超支部分不加分，按100%计）"
    rule = scheme.budget_execution
    if rule.rule == "linear":
        score = round_to(weight * capped, quantum)
        how = f"得分 = {fmt_number(weight)} × {fmt_percent(capped)} = {fmt_score(score)}"
    elif rule.rule == "tiered":
        share = next((t.share for t in rule.tiers if capped >= t.min), ZERO)
        score = round_to(weight * share, quantum)
        how = f"按区间赋分：执行率{fmt_percent(capped)}得{fmt_number(share * HUNDRED)}%分值 = {fmt_score(score)}"
    else:
        shortfall_points = (ONE - capped) * HUNDRED
        share = ZERO if capped <= rule.zero_at else max(ZERO, ONE - rule.deduct_per_point * shortfall_points)
        score = round_to(weight * share, quantum)
        how = (
            f"每低于100%一个百分点扣{fmt_percent(rule.deduct_per_point, 0)}分值"
            f"（{fmt_percent(rule.zero_at, 0)}及以下不得分）：得分 = {fmt_score(score)}"
        )
    return rate, score, f"{basis}；{how}"


def score_evaluation(ev: Evaluation, scheme: Scheme) -> Scorecard:
    """Score every indicator, the budget block and the total of one evaluation."""
    rules = _Rules(scheme)
    items = tuple(rules.score(ind) for ind in ev.indicators)
    weights = ev.scheme.weights
    budget_weight = weights.budget_execution
    rate, budget_score, budget_explanation = score_budget(ev.budget, budget_weight, scheme)

    weighted = [(ind, item) for ind, item in zip(ev.indicators, items, strict=True) if ind.weight is not None]
    verification: Verification | None = None
    if not weighted:
        total = None
        max_total = None if budget_score is None else budget_score + (weights.total - budget_weight)
        total_explanation = "没有载明权重的指标，无法计算复核得分"
    else:
        item_sum = sum((item.counted for _, item in weighted), ZERO)
        budget_part = budget_score
        if budget_part is None:
            claimed_budget = ev.claimed.budget_execution_score
            budget_part = (
                min(max(claimed_budget, ZERO), budget_weight) if claimed_budget is not None else ZERO
            )
        total = rules.round(budget_part + item_sum)
        parts = f"预算执行{fmt_score(budget_part)} + 指标得分{fmt_score(item_sum)}"
        total_explanation = f"总分 = {parts} = {fmt_score(total)}"
        verification = _verification(weighted, budget_score, budget_part)
        if scheme.cap_total_by_execution_rate and rate is not None and total > HUNDRED * min(rate, ONE):
            total = rules.round(HUNDRED * min(rate, ONE))
            total_explanation += f"；按方案，总分不超过预算执行率×100 = {fmt_score(total)}"
        item_max = sum((_most(ind, item) for ind, item in weighted), ZERO)
        uncovered = max(
            ZERO, weights.total - budget_weight - sum((ind.weight or ZERO for ind, _ in weighted), ZERO)
        )
        max_total = (budget_score if budget_score is not None else budget_weight) + item_max + uncovered
    if max_total is not None:
        max_total = rules.round(max_total)
    grade = scheme.grade_of(total)
    if grade is not None:
        band = next(b for b in scheme.grades if b.grade == grade)
        total_explanation += f"；等级“{grade}”（{scheme.name}：≥{fmt_number(band.min)}分）"
    return Scorecard(
        items,
        rate,
        budget_score,
        budget_explanation,
        total,
        grade,
        max_total,
        total_explanation,
        verification,
    )


def _verification(
    weighted: list[tuple[Indicator, ItemScore]], budget_score: Decimal | None, budget_part: Decimal
) -> Verification:
    """Split the weighted rows and the budget part into verified and carried-over points."""
    verified_weight = carried_weight = ZERO
    verified_points = budget_part if budget_score is not None else ZERO
    carried_points = ZERO if budget_score is not None else budget_part
    for ind, item in weighted:
        weight = ind.weight or ZERO
        if item.deterministic and item.computed is not None:
            verified_weight += weight
            verified_points += item.counted
        else:
            carried_weight += weight
            carried_points += item.counted
    return Verification(verified_weight, carried_weight, verified_points, carried_points)
