"""Each check: when it fires, when it stays quiet, and what place its message names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from builders import evaluation
from builders import row
from jixiao.core.checks import BY_CODE
from jixiao.core.checks import CATALOGUE
from jixiao.core.engine import evaluate
from jixiao.core.model import Budget
from jixiao.core.model import BudgetLine
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Severity
from jixiao.schemes import load_scheme


def findings(ev: Evaluation, scheme: str | None = None) -> list[Finding]:
    return list(evaluate(ev, load_scheme(scheme or ev.scheme.id)).findings)


def codes(ev: Evaluation, scheme: str | None = None) -> list[str]:
    return [f.code for f in findings(ev, scheme)]


def only(ev: Evaluation, code: str) -> list[Finding]:
    return [f for f in findings(ev) if f.code == code]


def full_rows() -> tuple:
    """A consistent mof-2020 table: 50 output, 30 effect, 10 satisfaction."""
    return (
        row("≥10个", "10个", weight=25, claimed=25, name="建设数量"),
        row("100%", "100%", weight=25, claimed=25, name="验收合格率", level2="质量指标"),
        row("≥5%", "6%", weight=30, claimed=30, name="就业增长", level1="效益指标", level2="社会效益指标"),
        row(
            "≥90%",
            "95%",
            weight=10,
            claimed=10,
            name="群众满意度",
            level1="满意度指标",
            level2="服务对象满意度指标",
        ),
    )


def clean() -> Evaluation:
    return evaluation(*full_rows(), planned=100, executed=100, budget_score=10, total=100, grade="优")


def test_a_consistent_evaluation_has_no_findings() -> None:
    assert findings(clean()) == []


def test_missing_self_score() -> None:
    ev = clean().model_copy(update={"claimed": clean().claimed.model_copy(update={"total": None})})
    assert "MISSING_SELF_SCORE" in codes(ev)
    assert "MISSING_SELF_SCORE" not in codes(clean())


def test_unverifiable_total() -> None:
    ev = evaluation(total=96, planned=100, executed=100)
    found = only(ev, "UNVERIFIABLE_TOTAL")
    assert [f.message for f in found] == ["自评总分96分没有逐项指标得分支撑，无法核实"]
    assert "UNVERIFIABLE_TOTAL" not in codes(clean())


def test_no_indicator_table() -> None:
    assert "NO_INDICATOR_TABLE" in codes(evaluation(total=90))
    narrative = evaluation(row("≥80%", "97%", weight=None, name="业务处理及时性"), total=90)
    assert "NO_INDICATOR_TABLE" in codes(narrative)
    assert "NO_INDICATOR_TABLE" not in codes(clean())


def test_total_mismatch_names_the_parts() -> None:
    ev = evaluation(*full_rows(), planned=100, executed=100, budget_score=10, total=98)
    [f] = only(ev, "TOTAL_MISMATCH")
    assert f.message == "自评总分98分与分项得分之和100分不符（预算执行10分 + 4项指标90分）"
    assert f.severity is Severity.ERROR


def test_total_mismatch_needs_the_budget_part() -> None:
    ev = evaluation(*full_rows(), planned=100, executed=100, total=98)
    assert "TOTAL_MISMATCH" not in codes(ev)


def test_total_not_attainable_when_execution_is_below_full() -> None:
    ev = evaluation(total=100, planned=4870000, executed=4833000)
    [f] = only(ev, "TOTAL_NOT_ATTAINABLE")
    assert "99.92" in f.message
    assert "TOTAL_NOT_ATTAINABLE" not in codes(evaluation(total=99, planned=4870000, executed=4833000))


def test_total_not_attainable_counts_missed_targets() -> None:
    rows = (row("≥10个", "5个", weight=90, claimed=90),)
    ev = evaluation(*rows, planned=100, executed=100, budget_score=10, total=100)
    assert "TOTAL_NOT_ATTAINABLE" in codes(ev)


@pytest.mark.parametrize(
    ("scheme", "total", "grade", "fires"),
    [
        ("mof-2020", 96, "优", False),
        ("mof-2020", 96, "优秀", False),
        ("mof-2020", 86, "优", True),
        ("hebei-2020", 86, "优秀", False),
        ("hebei-2020", 84, "优秀", True),
        ("hebei-2020", 96, "优秀", False),
        ("mof-2020", 96, "特优", True),
    ],
)
def test_grade_mismatch(scheme: str, total: int, grade: str, fires: bool) -> None:
    ev = evaluation(scheme=scheme, total=total, grade=grade)
    assert ("GRADE_MISMATCH" in codes(ev)) is fires


def test_budget_rate_mismatch() -> None:
    ev = evaluation(planned=4870000, executed=4833000, stated_rate="1")
    [f] = only(ev, "BUDGET_RATE_MISMATCH")
    assert f.message == "所写执行率100.00%与执行数4,833,000.00元 ÷ 预算数4,870,000.00元 = 99.24%不符"
    # Rounded to whole percent is not a mistake.
    assert not only(evaluation(planned=4870000, executed=4833000, stated_rate="0.99"), "BUDGET_RATE_MISMATCH")


def test_budget_lines_sum_mismatch() -> None:
    lines = (
        BudgetLine(name="办公经费", planned_yuan=Decimal("1000000")),
        BudgetLine(name="活动经费", planned_yuan=Decimal("3833000")),
    )
    ev = evaluation(planned=4870000, executed=4833000)
    ev = ev.model_copy(update={"budget": ev.budget.model_copy(update={"lines": lines})})
    [f] = only(ev, "BUDGET_LINES_SUM_MISMATCH")
    assert "相差-37,000.00元" in f.message


def test_budget_lines_groups_are_not_double_counted() -> None:
    lines = (
        BudgetLine(name="筹建经费", planned_yuan=Decimal("2088100")),
        BudgetLine(name="装修", planned_yuan=Decimal("2000000"), group="筹建经费"),
        BudgetLine(name="设备", planned_yuan=Decimal("88100"), group="筹建经费"),
        BudgetLine(name="社区经费", planned_yuan=Decimal("1058400")),
    )
    budget = Budget(planned_yuan=Decimal("3146500"), executed_yuan=Decimal("3106969.40"), lines=lines)
    ev = evaluation().model_copy(update={"budget": budget})
    assert "BUDGET_LINES_SUM_MISMATCH" not in codes(ev)
    broken = budget.model_copy(update={"lines": (*lines[:2], lines[3])})  # 设备 line lost
    assert "BUDGET_LINES_SUM_MISMATCH" in codes(ev.model_copy(update={"budget": broken}))


def test_budget_score_mismatch_catches_rounding_up() -> None:
    # domain.md §7.4: an 86.2% rate scored 9 of 10 instead of 8.62.
    ev = evaluation(planned=1000, executed=862, budget_score=9)
    [f] = only(ev, "BUDGET_SCORE_MISMATCH")
    assert f.message.startswith("预算执行自评9分，按规则应得8.62分")
    assert not only(evaluation(planned=1000, executed=862, budget_score="8.62"), "BUDGET_SCORE_MISMATCH")


def test_weights_sum_mismatch_level2() -> None:
    rows = (
        row("≥2次", "2次", weight=2, claimed=2, name="甲", level2_weight=20, group=1),
        row("≥2次", "2次", weight=2, claimed=2, name="乙", level2_weight=20, group=1),
    )
    messages = [f.message for f in only(evaluation(*rows), "WEIGHTS_SUM_MISMATCH")]
    assert "二级指标“数量指标”下2项三级指标权重合计4，应等于其声明的20" in messages


def test_weights_sum_mismatch_level1_declared() -> None:
    rows = (
        row("≥2次", "2次", weight=30, claimed=30),
        row("≥2次", "2次", weight=50, level1="效益指标", claimed=50),
    )
    ev = evaluation(*rows, scheme="hubei-2019", weights={"budget_execution": 20, "output": 40, "effect": 40})
    messages = [f.message for f in only(ev, "WEIGHTS_SUM_MISMATCH")]
    assert messages == [
        "产出指标下三级指标权重合计30，应等于产出指标的40",
        "效益指标下三级指标权重合计50，应等于效益指标的40",
    ]


def test_weights_sum_mismatch_total() -> None:
    rows = (
        row("≥2次", "2次", weight=50, claimed=50),
        row("≥2次", "2次", weight=30, level1="效益指标", claimed=30),
    )
    [f] = only(evaluation(*rows), "WEIGHTS_SUM_MISMATCH")
    assert f.message == "三级指标权重合计80加预算执行10共90，应等于100"


def test_separate_level2_cells_with_the_same_name_are_separate_groups() -> None:
    # Seed 002: 质量指标（10分） appears twice as two cells, each over one 10-point row.
    rows = (
        row("≥1次", "1次", weight=10, name="甲", level2="质量指标", level2_weight=10, group=1),
        row("≥1次", "1次", weight=10, name="乙", level2="质量指标", level2_weight=10, group=2),
    )
    messages = [f.message for f in only(evaluation(*rows), "WEIGHTS_SUM_MISMATCH")]
    assert messages == ["三级指标权重合计20加预算执行10共30，应等于100"]  # no 二级 complaint


def test_score_exceeds_weight() -> None:
    ev = evaluation(
        row("效果明显", "效果明显", weight=4, claimed=5, name="宣传效果"),
        budget_score=12,
        planned=1,
        executed=1,
    )
    messages = [f.message for f in only(ev, "SCORE_EXCEEDS_WEIGHT")]
    assert messages == ["预算执行得分12分超过其权重10分", "三级指标“宣传效果”得分5分超过其权重4分"]


def test_score_mismatch_and_full_score_target_missed() -> None:
    ev = evaluation(row("≥30人/次", "25~30人", weight=2, claimed=2, name="青少年活动参与人数"))
    by_code = {f.code: f for f in findings(ev)}
    assert by_code["SCORE_MISMATCH"].message.startswith(
        "三级指标“青少年活动参与人数”自评2分，按规则应得1.67分"
    )
    assert by_code["FULL_SCORE_TARGET_MISSED"].message == (
        "三级指标“青少年活动参与人数”实际完成“25~30人”未达到目标“≥30人/次”，却自评满分2分"
    )
    assert by_code["SCORE_MISMATCH"].indicator == 0


def test_score_within_rounding_is_not_a_mismatch() -> None:
    ev = evaluation(row("≥3次", "1次", weight=10, claimed="3.33"))
    assert "SCORE_MISMATCH" not in codes(ev)
    assert "SCORE_MISMATCH" in codes(evaluation(row("≥3次", "1次", weight=10, claimed="3.4")))


def test_target_not_quantified() -> None:
    ev = evaluation(
        row("惠民项目", "共完成19项", weight=10, claimed=7, name="推进基层社区建设"),
        row("合格", "合格", weight=2, claimed=2, name="验收"),
        row(None, "完成", weight=2, claimed=2, name="无目标"),
    )
    messages = [f.message for f in only(ev, "TARGET_NOT_QUANTIFIED")]
    assert messages == [
        "三级指标“推进基层社区建设”的年初目标“惠民项目”不可计量",
        "三级指标“无目标”未填写年初目标值",
    ]


def test_actual_missing_and_not_quantified() -> None:
    ev = evaluation(
        row("≥2次", None, weight=2, claimed=2, name="甲"),
        row("≥50车", "没有停水", weight=2, claimed=2, name="乙"),
    )
    assert [f.message for f in only(ev, "ACTUAL_MISSING")] == ["三级指标“甲”未填写实际完成值"]
    [f] = only(ev, "ACTUAL_NOT_QUANTIFIED")
    assert f.message == "三级指标“乙”的目标“≥50车”可计量，但实际完成值“没有停水”无法与之比较"


def test_duplicate_indicator_only_within_one_group() -> None:
    ev = evaluation(
        row("≥2次", "2次", name="开展文艺演出场次"),
        row("≥1场", "1场", name="开展文艺演出场次"),
        row("≥1场", "1场", name="开展文艺演出场次", level1="效益指标", level2="社会效益指标"),
    )
    [f] = only(ev, "DUPLICATE_INDICATOR")
    assert f.indicator == 1
    assert f.message == "三级指标“开展文艺演出场次”在“数量指标”下重复出现（首次见于绩效指标表 第1项）"


def test_over_achievement_unexplained() -> None:
    ev = evaluation(row("≥10个", "13个", name="甲"), row("≥10个", "20个", name="乙", reason="追加任务"))
    [f] = only(ev, "OVER_ACHIEVEMENT_UNEXPLAINED")
    assert f.message == "三级指标“甲”完成目标的130.00%（≥130%），未说明偏差原因，请核实年初目标是否偏低"
    assert f.severity is Severity.INFO


def test_no_satisfaction_indicator_depends_on_the_scheme() -> None:
    rows = (row("≥2次", "2次", weight=80, claimed=80),)
    assert "NO_SATISFACTION_INDICATOR" in codes(evaluation(*rows))
    assert "NO_SATISFACTION_INDICATOR" not in codes(evaluation(*rows, scheme="hubei-2019"))
    assert "NO_SATISFACTION_INDICATOR" not in codes(clean())


@pytest.mark.parametrize(
    ("problems", "fires"),
    [
        (None, True),
        ("无", True),
        ("暂无。", True),
        ("  ", True),
        ("无明显问题", True),
        ("资金拨付偏慢", False),
    ],
)
def test_no_problems_reported(problems: str | None, fires: bool) -> None:
    ev = clean().model_copy(update={"problems": problems})
    assert ("NO_PROBLEMS_REPORTED" in codes(ev)) is fires


def test_budget_adjusted_to_spending() -> None:
    ev = evaluation(initial=1000000, planned=800000, executed=800000)
    [f] = only(ev, "BUDGET_ADJUSTED_TO_SPENDING")
    assert f.message == "年初预算1,000,000.00元被调整为800,000.00元，恰好等于执行数，请核实调整依据"


@pytest.mark.parametrize(
    ("initial", "planned", "fires"),
    [
        # 年初 printed in 万元 (535.87), 全年 and spending exact: one amount, not an adjustment.
        ("5358700", "5358672", False),
        ("5360000", "5358672", False),  # 536 万元
        ("5358700.00", "5358650", False),  # exactly half a step: rounds up to the printed figure
        # The exact 年初 and a 全年 printed rounded down to spending's figure: one amount too.
        ("5358622", "5358600", False),
        # Lowered by more than the printed figure can hide: an adjustment.
        ("5358700", "5358600", True),
        ("5358700", "5358649", True),
        ("5358672", "5358600", True),  # 5,358,672 is no printed 万元 figure: both exact
    ],
)
def test_budget_adjusted_to_spending_allows_for_a_figure_printed_in_wan_yuan(
    initial: str, planned: str, fires: bool
) -> None:
    ev = evaluation(initial=Decimal(initial), planned=Decimal(planned), executed=Decimal(planned))
    assert ("BUDGET_ADJUSTED_TO_SPENDING" in codes(ev)) is fires


def test_importer_codes_build_findings_from_the_catalogue() -> None:
    f = BY_CODE["UNREADABLE_DOCUMENT"].finding(location="a.docx", reason="文件已加密")
    assert (f.code, f.severity, f.message) == (
        "UNREADABLE_DOCUMENT",
        Severity.ERROR,
        "无法读取文件：文件已加密",
    )


def test_evaluate_keeps_importer_findings_and_replaces_its_own() -> None:
    extracted = BY_CODE["EXTRACTION_INCOMPLETE"].finding(
        location="第3页 表2", part="表2", reason="无法识别列"
    )
    ev = evaluation(total=90).model_copy(update={"findings": (extracted,)})
    once = evaluate(ev, load_scheme("mof-2020"))
    twice = evaluate(once, load_scheme("mof-2020"))
    assert once.findings == twice.findings
    assert extracted in twice.findings


def test_catalogue_codes_are_unique_and_cover_the_contract() -> None:
    contract_codes = {
        "MISSING_SELF_SCORE", "UNVERIFIABLE_TOTAL", "NO_INDICATOR_TABLE", "TOTAL_MISMATCH",
        "TOTAL_NOT_ATTAINABLE", "GRADE_MISMATCH", "BUDGET_RATE_MISMATCH", "BUDGET_LINES_SUM_MISMATCH",
        "BUDGET_SCORE_MISMATCH", "WEIGHTS_SUM_MISMATCH", "SCORE_EXCEEDS_WEIGHT", "SCORE_MISMATCH",
        "FULL_SCORE_TARGET_MISSED", "TARGET_NOT_QUANTIFIED", "ACTUAL_MISSING", "DUPLICATE_INDICATOR",
        "NO_SATISFACTION_INDICATOR", "NO_PROBLEMS_REPORTED", "UNREADABLE_DOCUMENT", "EXTRACTION_INCOMPLETE",
    }  # fmt: skip
    all_codes = [c.code for c in CATALOGUE]
    assert len(all_codes) == len(set(all_codes))
    assert contract_codes <= set(all_codes)


def test_deviation_unexplained() -> None:
    ev = evaluation(
        row("≥2次/年", "1次/年", weight=2, claimed=1, name="群众文体活动"),
        row("≥2次/年", "1次/年", weight=2, claimed=1, name="志愿服务", reason="疫情停办"),
        row("≥2次/年", "1次/年", weight=2, claimed=1, name="培训"),
        row("≥30人/次", "25~30人(疫情控人)", weight=2, claimed=1, name="参与人数"),
        problems="培训因场地原因少办一次",
    )
    [f] = only(ev, "DEVIATION_UNEXPLAINED")
    assert f.message == "三级指标“群众文体活动”实际完成“1次/年”未达到目标“≥2次/年”，未说明偏差原因"
    assert f.severity is Severity.INFO


def test_input_as_output() -> None:
    ev = evaluation(
        row("≥500万元", "520万元", name="发放补助资金"),
        row("≥16万元/社区", "16万元/社区", name="社区惠民资金", level2="成本指标"),
        row("≥50个", "52个", name="建设数量"),
    )
    assert [f.indicator for f in only(ev, "INPUT_AS_OUTPUT")] == [0]
