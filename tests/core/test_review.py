"""Verified vs carried-over points, and the reviewer's 核定得分 and total (the pure core)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.review import Basis
from jixiao.core.review import Decision
from jixiao.core.review import ReviewScoreError
from jixiao.core.review import parse_score
from jixiao.core.review import reviewer_totals
from jixiao.core.review import rule_verified
from jixiao.core.review import validate
from jixiao.core.review import verification_text
from jixiao.schemes import load_scheme
from jixiao.services import extract
from jixiao.services import scheme_for

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
D = Decimal


@pytest.fixture(scope="module")
def seed_002() -> Evaluation:
    (ev,) = extract(next(SEEDS.glob("002_*.txt")))
    return ev


def test_the_002_seed_carries_70_of_80_indicator_points_unverified(seed_002: Evaluation) -> None:
    c = seed_002.computed
    assert (c.verified_weight, c.carried_weight) == (D(10), D(70))
    assert c.unverified_share == D("0.875")
    # 97 = 20 budget (computed) + 10 verified row + 67 claimed on the qualitative rows
    assert c.total == D("97.00")
    assert (c.verified_points, c.carried_points) == (D("30.00"), D("67"))
    assert c.verified_points + c.carried_points == c.total
    assert verification_text(c.verified_weight, c.carried_weight) == (
        "指标权重80分：规则核验10分，沿用自评70分（87.5%未经核验）"
    )
    data = seed_002.to_dict()["computed"]
    assert isinstance(data, dict) and data["carried_weight"] == 70 and data["verified_weight"] == 10


def test_a_claimed_budget_score_is_carried_and_a_rule_scored_row_verified(seed_002: Evaluation) -> None:
    ev = seed_002.model_copy(
        update={
            "budget": seed_002.budget.model_copy(
                update={
                    "planned_yuan": None,
                    "executed_yuan": None,
                    "stated_rate": None,
                    "execution_rate": None,
                }
            )
        }
    )
    ev = ev.model_copy(update={"claimed": ev.claimed.model_copy(update={"budget_execution_score": D(18)})})
    c = evaluate(ev, scheme_for(ev)).computed
    assert c.budget_execution_score is None
    assert c.carried_points == D(67) + D(18) and c.verified_points == D(10)


def test_no_weighted_row_leaves_the_split_unknown(seed_002: Evaluation) -> None:
    rows = tuple(i.model_copy(update={"weight": None}) for i in seed_002.indicators)
    c = evaluate(seed_002.model_copy(update={"indicators": rows}), scheme_for(seed_002)).computed
    assert c.verified_weight is None and c.carried_weight is None and c.unverified_share is None
    assert verification_text(None, None) is None


def test_reviewer_total_takes_decided_then_verified_then_claimed(seed_002: Evaluation) -> None:
    scheme = scheme_for(seed_002)
    assert rule_verified(seed_002.indicators[0]) and not rule_verified(seed_002.indicators[1])
    plain = reviewer_totals(seed_002, {}, scheme)
    assert plain.total == seed_002.computed.total == D("97.00")
    assert [r.basis for r in plain.rows[:2]] == [Basis.VERIFIED, Basis.CARRIED]
    assert (plain.decided_weight, plain.verified_weight, plain.carried_weight) == (D(0), D(10), D(70))
    decided = {1: Decision(1, D(6), "未提供佐证材料"), 3: Decision(3, D(7), None, "与自评一致")}
    t = reviewer_totals(seed_002, decided, scheme)
    # 97 − (10 − 6) = 93; row 3 was claimed 7 and kept at 7
    assert t.total == D("93.00") and t.grade == "优"
    assert (t.decided_weight, t.verified_weight, t.carried_weight) == (D(20), D(10), D(50))
    assert t.unverified_share == D(50) / D(80)
    row = t.rows[1]
    assert (row.claimed, row.decided, row.counted, row.basis, row.reason) == (
        D(10),
        D(6),
        D(6),
        Basis.DECIDED,
        "未提供佐证材料",
    )
    low = reviewer_totals(seed_002, {i: Decision(i, D(0), "无佐证") for i in range(1, 9)}, scheme)
    assert low.total == D("30.00") and low.grade == "差"
    assert "核定总分 = 预算执行20.00 + 指标得分10.00 = 30.00" in low.explanation


def test_validation_in_chinese() -> None:
    row = Indicator(name="社会救助工作", weight=D(8), claimed_score=D(8))
    assert validate(row, 0, D(8), "  ", 2) is None
    assert validate(row, 0, D("7.5"), " 缺少台账 ", 2) == "缺少台账"
    with pytest.raises(
        ReviewScoreError, match=r"第1行指标“社会救助工作”：核定得分7\.5低于自评得分8，必须填写扣分原因"
    ):
        validate(row, 0, D("7.5"), "", 2)
    with pytest.raises(ReviewScoreError, match="超过该指标权重8分"):
        validate(row, 0, D(9), "x", 2)
    with pytest.raises(ReviewScoreError, match="不能为负数"):
        validate(row, 0, D(-1), "x", 2)
    with pytest.raises(ReviewScoreError, match="最多保留2位小数"):
        validate(row, 0, D("7.125"), "x", 2)
    with pytest.raises(ReviewScoreError, match="未载明权重"):
        validate(Indicator(name="无权重"), 4, D(1), "x", 2)
    assert parse_score(" 7.5分 ") == D("7.5") and parse_score("") is None and parse_score(None) is None
    assert parse_score("７．５") == D("7.5")
    for bad in ("七分", "1e999999999", "nan", "inf"):
        with pytest.raises(ReviewScoreError, match="不是数字"):
            parse_score(bad)


def test_cap_by_execution_rate_applies_to_the_reviewer_total(seed_002: Evaluation) -> None:
    scheme = load_scheme("mof-2020")
    capped = scheme.model_copy(update={"cap_total_by_execution_rate": True})
    ev = seed_002.model_copy(
        update={"budget": seed_002.budget.model_copy(update={"execution_rate": D("0.9")})}
    )
    t = reviewer_totals(ev, {}, capped)
    assert t.total == D("90.00") and "不超过预算执行率×100" in t.explanation
