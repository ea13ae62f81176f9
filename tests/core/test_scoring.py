"""The scoring rules, one formula at a time, with their explanations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from builders import evaluation
from builders import row
from jixiao.core.model import Budget
from jixiao.core.model import Indicator
from jixiao.core.scheme import Scheme
from jixiao.core.scoring import ItemScore
from jixiao.core.scoring import score_budget
from jixiao.core.scoring import score_evaluation
from jixiao.schemes import load_scheme


def scored(ind: Indicator, scheme: str = "mof-2020") -> ItemScore:
    return score_evaluation(evaluation(ind, scheme=scheme), load_scheme(scheme)).items[0]


def custom(**changes: object) -> Scheme:
    """mof-2020 with some rules changed, as a user's own scheme file would."""
    base = load_scheme("mof-2020").model_dump()
    for dotted, value in changes.items():
        section, _, key = dotted.partition("__")
        if key:
            base[section][key] = value
        else:
            base[section] = value
    base["id"] = "custom"
    return Scheme.model_validate(base)


@pytest.mark.parametrize(
    ("target", "actual", "weight", "expected", "met"),
    [
        ("≥2次/年", "1次/年", 2, "1.00", False),
        ("≥2次/年", "2次/年", 2, "2.00", True),
        ("≥2次/年", "5次/年", 2, "2.00", True),  # over-completion earns nothing extra
        ("≥50车", "45车", 4, "3.60", False),
        ("≥3", "1", 10, "3.33", False),  # 四舍五入 to two places
        ("≥30人/次", "30人", 2, "2.00", True),  # a per-unit on one side only still compares
        ("≥80%", "97%", 5, "5.00", True),
        ("100%", "95%", 3, "2.85", False),  # “=” with A > 0 scores like ≥
        ("10个", "12个", 2, "2.00", True),
        ("≥0起", "3起", 2, "2.00", True),
        ("≥500万元", "4000000元", 10, "8.00", False),  # units aligned: 万元 vs 元
    ],
)
def test_positive_and_equal_ratio(target: str, actual: str, weight: int, expected: str, met: bool) -> None:
    item = scored(row(target, actual, weight=weight))
    assert item.computed == Decimal(expected)
    assert item.met is met
    assert item.deterministic


def test_positive_explanation_shows_the_formula() -> None:
    item = scored(row("≥2次/年", "1次/年", weight=2))
    assert item.explanation == "正向指标：2 × 1/2 = 1.00（实际1次/年，目标≥2次/年）"
    assert item.rule == "positive"


@pytest.mark.parametrize(
    ("target", "actual", "expected", "met"),
    [
        ("≤200元/人", "200元", "4.00", True),
        ("≤200元/人", "150元", "4.00", True),
        ("≤200元/人", "250元", "3.20", False),  # 4 × 200/250
        ("≤5%", "0%", "4.00", True),  # B = 0 is full marks
        ("≤10万元", "125000元", "3.20", False),
    ],
)
def test_negative_inverse_ratio(target: str, actual: str, expected: str, met: bool) -> None:
    item = scored(row(target, actual, weight=4))
    assert (item.computed, item.met, item.rule) == (Decimal(expected), met, "negative")


def test_negative_linear_to_double() -> None:
    scheme = custom(quantitative__negative="linear_to_double")
    ev = evaluation(row("≤200元/人", "250元", weight=4), row("≤200元/人", "420元", weight=4))
    items = score_evaluation(ev, scheme).items
    assert items[0].computed == Decimal("3.00")  # 4 × (1 − 50/200)
    assert items[1].computed == Decimal("0.00")  # beyond 2A


def test_zero_target_equal_is_pass_fail() -> None:
    assert scored(row("0起", "0起", weight=5)).computed == Decimal("5.00")
    assert scored(row("0起", "1起", weight=5)).computed == Decimal("0.00")


def test_range_actual_scored_on_its_low_end_against_ge() -> None:
    item = scored(row("≥30人/次", "25~30人(疫情控人)线上活动100人左右", weight=2, claimed=2))
    assert item.computed == Decimal("1.67")
    assert item.met is False
    assert "按下限25计" in item.explanation


def test_range_actual_scored_on_its_high_end_against_le() -> None:
    item = scored(row("≤200元/人", "180~220元", weight=4))
    assert item.computed == Decimal("3.64")  # 4 × 200/220
    assert "按上限220计" in item.explanation


def test_range_target() -> None:
    assert scored(row("25~30人", "28人", weight=2)).computed == Decimal("2.00")
    assert scored(row("25~30人", "20人", weight=2)).computed == Decimal("1.60")
    assert scored(row("25~30人", "40人", weight=2)).computed == Decimal("1.50")


def test_prose_actual_takes_the_one_figure_in_the_target_unit() -> None:
    item = scored(
        row("调处率100%", "认真化解调处成功矛盾纠纷共500余起，调处率达到100%", weight=10, claimed=10)
    )
    assert item.computed == Decimal("10.00")
    assert "实际完成值取文中“100%”" in item.explanation


def test_prose_actual_with_two_figures_in_the_unit_is_not_guessed() -> None:
    item = scored(row("≥4次/年", "文化活动97次,体育活动23次", weight=2, claimed=2))
    assert item.computed is None
    assert item.rule == "not_comparable"
    assert item.counted == Decimal(2)  # the total keeps the claim


def test_units_that_do_not_compare_keep_the_claim() -> None:
    item = scored(row("≥1次/月", "线上线下一周一课", weight=2, claimed=2))
    assert item.computed is None
    assert "单位不一致" in item.explanation


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [("是", "是", "3.00"), ("合格", "合格", "3.00"), ("是", "否", "0.00"), ("合格", "不合格", "0.00")],
)
def test_binary_targets(target: str, actual: str, expected: str) -> None:
    item = scored(row(target, actual, weight=3))
    assert (item.computed, item.rule, item.deterministic) == (Decimal(expected), "binary", True)


def test_qualitative_without_band_keeps_the_claim() -> None:
    item = scored(row("惠民项目", "共完成19项", weight=10, claimed=7))
    assert item.computed is None
    assert item.counted == Decimal(7)
    assert item.explanation == "定性指标：无可计量目标，按自评分保留"


def test_qualitative_claim_above_weight_is_capped_in_the_total() -> None:
    item = scored(row("效果明显", "群众反映良好", weight=4, claimed=6))
    assert item.counted == Decimal(4)


@pytest.mark.parametrize(
    ("scheme", "actual", "claimed", "expected"),
    [
        ("mof-2020", "部分达成预期指标", 10, "7.99"),  # [60%, 80%) of 10
        ("mof-2020", "部分达成预期指标", 7, "7"),
        ("mof-2020", "未达成预期指标", 9, "5.99"),
        ("mof-2020", "达成预期指标", 5, "8.00"),  # below the band → its floor
        ("hubei-2019", "部分达成预期指标", 5, "5"),  # Hubei's middle band starts at 50%
        ("mof-2020", "部分达成预期指标", 5, "6.00"),
    ],
)
def test_qualitative_bands(scheme: str, actual: str, claimed: int, expected: str) -> None:
    item = scored(row("达成预期指标", actual, weight=10, claimed=claimed), scheme)
    assert item.computed == Decimal(expected)
    assert item.rule == "qualitative"


def test_gate_rule_of_101() -> None:
    # 财预〔2021〕101号: below 60% nothing; above, (r − 60%)/(1 − 60%) × weight.
    assert scored(row("≥100个", "50个", weight=10), "mof-2021").computed == Decimal("0.00")
    assert scored(row("≥100个", "80个", weight=10), "mof-2021").computed == Decimal("5.00")
    assert scored(row("≥100个", "100个", weight=10), "mof-2021").computed == Decimal("10.00")


@pytest.mark.parametrize(
    ("actual", "expected"), [("95%", "10.00"), ("85%", "8.00"), ("70%", "5.00"), ("50%", "0.00")]
)
def test_satisfaction_bands_of_101(actual: str, expected: str) -> None:
    ind = row("≥90%", actual, weight=10, level1="满意度指标", level2="服务对象满意度指标", name="群众满意度")
    item = scored(ind, "mof-2021")
    assert (item.computed, item.rule) == (Decimal(expected), "satisfaction_bands")


def test_satisfaction_by_ratio_under_10() -> None:
    ind = row("≥90%", "85%", weight=10, level1="满意度指标", name="群众满意度")
    assert scored(ind).computed == Decimal("9.44")


def test_missing_weight_and_actual_are_explained() -> None:
    assert scored(row("≥2次", "1次", weight=None, claimed=1)).rule == "no_weight"
    item = scored(row("≥2次", None, weight=2, claimed=2))
    assert item.rule == "no_actual"
    assert "缺少实际完成值" in item.explanation


def test_over_achievement_deduction_addon() -> None:
    scheme = custom(over_achievement__deduct_share=Decimal("0.2"))
    ev = evaluation(row("≥10个", "20个", weight=5), row("≥10个", "20个", weight=5, reason="上级追加任务"))
    items = score_evaluation(ev, scheme).items
    assert items[0].computed == Decimal("4.00")
    assert "未说明偏差原因" in items[0].explanation
    assert items[1].computed == Decimal("5.00")


@pytest.mark.parametrize(
    ("planned", "executed", "rule_scheme", "expected"),
    [
        ("5358672", "5358672", "hubei-2019", "20.00"),
        ("4870000", "4833000", "mof-2020", "9.92"),
        ("100", "120", "mof-2020", "10.00"),  # overspending earns nothing extra
        ("100", "85", "mof-2021", "7.00"),
        ("100", "65", "mof-2021", "5.00"),
        ("100", "59", "mof-2021", "0.00"),
    ],
)
def test_budget_execution_rules(planned: str, executed: str, rule_scheme: str, expected: str) -> None:
    scheme = load_scheme(rule_scheme)
    budget = Budget(planned_yuan=Decimal(planned), executed_yuan=Decimal(executed))
    _, score, explanation = score_budget(budget, scheme.weights.budget_execution, scheme)
    assert score == Decimal(expected)
    assert "预算执行率" in explanation


def test_budget_deduct_per_point() -> None:
    scheme = custom(budget_execution={"rule": "deduct_per_point"})
    budget = Budget(planned_yuan=Decimal("10000"), executed_yuan=Decimal("9335"))
    _, score, _ = score_budget(budget, Decimal(5), scheme)
    assert score == Decimal("3.34")  # 5 × (1 − 0.05 × 6.65), domain.md §2.7 option 3


def test_budget_falls_back_to_the_stated_rate() -> None:
    scheme = load_scheme("mof-2020")
    rate, score, explanation = score_budget(Budget(stated_rate=Decimal("0.9")), Decimal(10), scheme)
    assert (rate, score) == (Decimal("0.9"), Decimal("9.00"))
    assert "按文中所述" in explanation


def test_total_keeps_undecidable_claims_and_grades() -> None:
    ev = evaluation(
        row("≥2次/年", "1次/年", weight=45, claimed=45),
        row("惠民项目", "共完成19项", weight=45, claimed=40),
        planned=100,
        executed=100,
        budget_score=10,
        total=95,
    )
    card = score_evaluation(ev, load_scheme("mof-2020"))
    assert card.total == Decimal("72.50")  # 10 + 22.50 + 40
    assert card.grade == "中"
    assert card.max_total == Decimal("77.50")  # 10 + 22.50 (fixed by the facts) + 45 (qualitative)


def test_total_cap_by_execution_rate_addon() -> None:
    scheme = custom(cap_total_by_execution_rate=True)
    ev = evaluation(row("≥1个", "1个", weight=90, claimed=90), planned=100, executed=80)
    card = score_evaluation(ev, scheme)
    assert card.total == Decimal("80.00")  # 8 + 90 = 98, capped at 80
    assert "不超过预算执行率×100" in card.total_explanation


def test_no_weighted_rows_means_no_recomputed_total() -> None:
    card = score_evaluation(evaluation(planned=100, executed=99), load_scheme("mof-2020"))
    assert card.total is None
    assert card.max_total == Decimal("99.90")


def test_an_actual_bounded_on_the_wrong_side_is_not_scored() -> None:
    item = scored(row("≥100人", "不足100人", weight=5, claimed=5))
    assert item.computed is None
    assert "只给出上限" in item.explanation
    assert scored(row("≤500元/人", "500余元", weight=5, claimed=5)).computed is None
    # The right side is fine: “500余起” against ≥400 is met.
    assert scored(row("≥400起", "500余起", weight=5)).computed == Decimal("5.00")


def test_most_attainable_counts_the_top_of_a_stated_band() -> None:
    ev = evaluation(row("达成预期指标", "部分达成预期指标", weight=90, claimed=90), planned=1, executed=1)
    card = score_evaluation(ev, load_scheme("mof-2020"))
    assert card.max_total == Decimal("81.99")  # 10 + [54, 72) of 90 → 71.99
