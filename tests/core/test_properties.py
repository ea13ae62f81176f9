"""Properties that hold for every evaluation, not just the examples (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from jixiao.core.engine import evaluate
from jixiao.core.model import Budget
from jixiao.core.model import BudgetLine
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Op
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.model import Value
from jixiao.core.scoring import score_evaluation
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import load_scheme

SCHEMES = st.sampled_from(BUILTIN_IDS).map(load_scheme)
UNITS = st.sampled_from(["个", "次", "人", "%", "元/人", "次/年", "万元"])
POSITIVE = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=2)
ACTUAL = st.decimals(min_value=Decimal(0), max_value=Decimal(200000), places=2)
WEIGHT = st.decimals(min_value=Decimal(0), max_value=Decimal(50), places=1)
MONEY = st.decimals(min_value=Decimal(0), max_value=Decimal("999999999999.99"), places=2)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


def quantity(op: Op, value: Decimal, unit: str) -> Value:
    sign = {Op.GE: "≥", Op.LE: "≤", Op.EQ: ""}[op]
    return Value(text=f"{sign}{value}{unit}", op=op, value=value, unit=unit)


@st.composite
def indicators(draw: st.DrawFn) -> Indicator:
    kind = draw(st.sampled_from(["quant", "binary", "qualitative", "range", "junk"]))
    unit = draw(UNITS)
    weight = draw(WEIGHT)
    if kind == "quant":
        target = quantity(draw(st.sampled_from([Op.GE, Op.LE, Op.EQ])), draw(POSITIVE), unit)
        actual = quantity(Op.EQ, draw(ACTUAL), unit)
    elif kind == "range":
        low = draw(ACTUAL)
        target = quantity(draw(st.sampled_from([Op.GE, Op.LE])), draw(POSITIVE), unit)
        actual = Value(text="区间", op=Op.RANGE, value=low, high=low + draw(ACTUAL), unit=unit)
    elif kind == "binary":
        target, actual = Value(text="是"), Value(text=draw(st.sampled_from(["是", "否", "基本完成"])))
    elif kind == "qualitative":
        target = Value(text="达成预期指标")
        actual = Value(
            text=draw(st.sampled_from(["达成预期指标", "部分达成预期指标", "未达成预期指标", "较好"]))
        )
    else:
        target, actual = Value(text=draw(TEXT)), Value(text=draw(TEXT))
    claimed = draw(st.none() | st.decimals(min_value=Decimal(-5), max_value=Decimal(60), places=2))
    return Indicator(
        level1=draw(st.sampled_from(["产出指标", "效益指标", "满意度指标", "成本指标", None])),
        level2=draw(st.sampled_from(["数量指标", "质量指标", None])),
        name=draw(st.sampled_from(["甲", "乙", "丙", "群众满意度"])),
        weight=draw(st.none() | st.just(weight)),
        target=target,
        actual=actual,
        claimed_score=claimed,
        group=draw(st.none() | st.integers(0, 3)),
        level2_weight=draw(st.none() | WEIGHT),
    )


@st.composite
def evaluations(draw: st.DrawFn) -> Evaluation:
    scheme = draw(SCHEMES)
    planned = draw(st.none() | MONEY)
    lines = tuple(
        BudgetLine(
            name=draw(TEXT) or "明细",
            planned_yuan=draw(st.none() | MONEY),
            executed_yuan=draw(st.none() | MONEY),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return Evaluation(
        project=Project(
            name=draw(TEXT), year=draw(st.none() | st.integers(2000, 2100)), unit=draw(st.none() | TEXT)
        ),
        budget=Budget(
            planned_yuan=planned,
            executed_yuan=draw(st.none() | MONEY),
            received_yuan=draw(st.none() | MONEY),
            stated_rate=draw(st.none() | st.decimals(min_value=0, max_value=2, places=4)),
            lines=lines,
        ),
        scheme=SchemeRef(id=scheme.id, weights=scheme.weights, declared=draw(st.booleans())),
        indicators=tuple(draw(st.lists(indicators(), max_size=8))),
        claimed=Claimed(
            total=draw(st.none() | st.decimals(min_value=0, max_value=120, places=2)),
            budget_execution_score=draw(st.none() | st.decimals(min_value=0, max_value=30, places=2)),
            grade=draw(st.none() | st.sampled_from(["优", "良好", "中", "差", "特优"])),
        ),
        problems=draw(st.none() | TEXT),
    )


@settings(max_examples=300, deadline=None)
@given(evaluations())
def test_scores_stay_within_their_weights(ev: Evaluation) -> None:
    scheme = load_scheme(ev.scheme.id)
    card = score_evaluation(ev, scheme)
    for ind, item in zip(ev.indicators, card.items, strict=True):
        if item.computed is not None:
            assert ind.weight is not None
            assert Decimal(0) <= item.computed <= ind.weight
        if ind.weight is not None:
            assert Decimal(0) <= item.counted <= ind.weight
    if card.budget_score is not None:
        assert Decimal(0) <= card.budget_score <= ev.scheme.weights.budget_execution


@settings(max_examples=300, deadline=None)
@given(evaluations())
def test_evaluate_never_raises_and_round_trips(ev: Evaluation) -> None:
    scheme = load_scheme(ev.scheme.id)
    scored = evaluate(ev, scheme)
    assert Evaluation.from_json(scored.to_json()) == scored
    assert evaluate(scored, scheme) == scored  # idempotent


@settings(max_examples=300, deadline=None)
@given(evaluations())
def test_total_is_the_exact_sum_of_its_parts(ev: Evaluation) -> None:
    scheme = load_scheme(ev.scheme.id)
    card = score_evaluation(ev, scheme)
    if card.total is None or scheme.cap_total_by_execution_rate:
        return
    budget = card.budget_score
    if budget is None:
        claimed = ev.claimed.budget_execution_score
        budget = (
            Decimal(0)
            if claimed is None
            else min(max(claimed, Decimal(0)), ev.scheme.weights.budget_execution)
        )
    weighted = [
        item.counted for ind, item in zip(ev.indicators, card.items, strict=True) if ind.weight is not None
    ]
    assert card.total == budget + sum(weighted, Decimal(0))


@settings(max_examples=200, deadline=None)
@given(
    scheme=SCHEMES,
    op=st.sampled_from([Op.GE, Op.EQ, Op.LE]),
    target=POSITIVE,
    low=ACTUAL,
    step=st.decimals(min_value=Decimal(0), max_value=Decimal(5000), places=2),
    weight=st.decimals(min_value=Decimal("0.5"), max_value=Decimal(50), places=1),
)
def test_monotonic_in_the_actual(
    scheme, op: Op, target: Decimal, low: Decimal, step: Decimal, weight: Decimal
) -> None:  # type: ignore[no-untyped-def]
    """A ≥/= indicator's score never falls when the actual rises; a ≤ one's never rises."""

    def score(actual: Decimal) -> Decimal:
        ind = Indicator(name="甲", level1="产出指标", weight=weight, target=quantity(op, target, "个"),
                        actual=quantity(Op.EQ, actual, "个"))  # fmt: skip
        ev = Evaluation(scheme=SchemeRef(id=scheme.id, weights=scheme.weights), indicators=(ind,))
        computed = score_evaluation(ev, scheme).items[0].computed
        assert computed is not None
        return computed

    before, after = score(low), score(low + step)
    if op is Op.LE:
        assert after <= before
    else:
        assert after >= before


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=Decimal(0), max_value=Decimal("999999999999999999.99"), places=2))
def test_money_json_round_trip_is_exact(amount: Decimal) -> None:
    ev = Evaluation(budget=Budget(planned_yuan=amount))
    back = Evaluation.from_json(ev.to_json())
    assert back.budget.planned_yuan == amount
    assert str(back.budget.planned_yuan.quantize(Decimal("0.01"))) == str(amount.quantize(Decimal("0.01")))


def test_amounts_a_double_cannot_carry_stay_exact() -> None:
    amount = Decimal("121895896761340.12")  # 17 significant digits: a float writer gave …340.13
    text = Evaluation(budget=Budget(planned_yuan=amount)).to_json()
    assert Evaluation.from_json(text).budget.planned_yuan == amount
    assert (
        '"planned_yuan": 5358672.1' in Evaluation(budget=Budget(planned_yuan=Decimal("5358672.10"))).to_json()
    )
