"""The checker: every finding code jixiao knows, in one immutable catalogue.

Codes are stable identifiers, like a linter's rule ids (``docs/checks.md`` lists them and a test
keeps that list complete). Each entry's check is a small function in one of the sibling
modules; ``run_checks`` runs them all over one evaluation and never raises on bad data.
"""

from __future__ import annotations

from jixiao.core.checks import budget
from jixiao.core.checks import content
from jixiao.core.checks import indicators
from jixiao.core.checks import totals
from jixiao.core.checks import weights
from jixiao.core.checks.catalogue import Check
from jixiao.core.checks.catalogue import Context
from jixiao.core.checks.catalogue import Emit
from jixiao.core.checks.year import YEAR_CATALOGUE
from jixiao.core.model import Finding
from jixiao.core.model import Kind
from jixiao.core.model import Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO
# Checks about a project's own form, not run on a 部门整体 self-evaluation (docs/checks.md).
PROJECT_ONLY = frozenset({Kind.PROJECT})
_NOT_DEPARTMENT = "部门整体支出自评不作此项检查"
_ROWS_MISSING = "文件中有指标行未能识别（提取时已说明）时不作此项检查：未读出的行不在合计之内。"

CATALOGUE: tuple[Check, ...] = (
    Check(
        "MISSING_SELF_SCORE",
        W,
        "未给出自评总分",
        "文中没有写出自评总分（总分、综合评分、自评得分、最终得分等）。",
        "未给出自评总分，无法核对自评结果",
        totals.missing_self_score,
    ),
    Check(
        "UNVERIFIABLE_TOTAL",
        W,
        "自评总分无法核实",
        "写了自评总分，但没有逐项的指标得分可以支撑它。"
        "指标行的分值或得分印出但未能读取（提取时已说明）时不作此项检查。"
        f"{_NOT_DEPARTMENT}：部门整体的总分常由所属项目的自评汇总而来。",
        "自评总分{total}分没有逐项指标得分支撑，无法核实",
        totals.unverifiable_total,
        PROJECT_ONLY,
    ),
    Check(
        "NO_INDICATOR_TABLE",
        W,
        "缺少绩效指标表",
        "没有任何一项指标同时载明权重、年初目标值和实际完成值。"
        "指标行的数值印出但未能读取（提取时已说明）时不作此项检查。"
        f"{_NOT_DEPARTMENT}：部门整体自评报告可以不附项目式的指标表。",
        "没有同时载明权重、年初目标值和实际完成值的绩效指标（共{count}项指标）",
        content.no_indicator_table,
        PROJECT_ONLY,
    ),
    Check(
        "TOTAL_MISMATCH",
        E,
        "总分与分项得分之和不符",
        "自评总分不等于预算执行得分与各三级指标自评得分之和。" + _ROWS_MISSING,
        "自评总分{total}分与分项得分之和{parts}分不符（预算执行{budget}分 + {count}项指标{items}分）",
        totals.total_mismatch,
    ),
    Check(
        "TOTAL_NOT_ATTAINABLE",
        E,
        "总分超出事实所能达到的最高分",
        "自评总分高于按预算执行率和定量指标完成情况最多能得的分数，例如执行率不足100%却得满分。"
        + _ROWS_MISSING,
        "自评总分{total}分高于{why}最多可得的{most}分",
        totals.total_not_attainable,
    ),
    Check(
        "GRADE_MISMATCH",
        E,
        "等级与总分不符",
        "自评等级与按方案等级区间由自评总分得出的等级不一致。",
        "自评等级“{grade}”与总分{total}分不符：按{scheme}应为“{expected}”",
        totals.grade_mismatch,
    ),
    Check(
        "BUDGET_RATE_MISMATCH",
        E,
        "预算执行率计算错误",
        "文中所写执行率与执行数 ÷ 预算数相差超过半个百分点。",
        "所写执行率{stated}与执行数{executed}元 ÷ 预算数{planned}元 = {real}不符",
        budget.budget_rate_mismatch,
    ),
    Check(
        "BUDGET_LINES_SUM_MISMATCH",
        E,
        "预算明细合计不符",
        "预算明细各行之和不等于所写的预算总额（或某一分组的小计）。",
        "{what}与{total}不符，相差{diff}元",
        budget.budget_lines_sum_mismatch,
    ),
    Check(
        "BUDGET_SCORE_MISMATCH",
        E,
        "预算执行得分不符合规则",
        "自评的预算执行得分与方案规则（如 权重 × 执行率，封顶）算出的得分不同。",
        "预算执行自评{claimed}分，按规则应得{computed}分（{explanation}）",
        budget.budget_score_mismatch,
    ),
    Check(
        "WEIGHTS_SUM_MISMATCH",
        E,
        "权重合计不符",
        "三级指标权重之和不等于所属一级、二级指标的权重，或一级权重与预算执行权重合计不为100。"
        "文件中有指标行未能识别（提取时已说明）时只核对一级权重合计：未读出的行不在合计之内。",
        "{what}，应等于{should}",
        weights.weights_sum_mismatch,
    ),
    Check(
        "SCORE_EXCEEDS_WEIGHT",
        E,
        "得分超过权重",
        "某项得分高于其权重（分值上限），违反“得分不得突破权重总额”。",
        "{what}得分{score}分超过其权重{weight}分",
        indicators.score_exceeds_weight,
    ),
    Check(
        "SCORE_MISMATCH",
        E,
        "指标得分不符合计分规则",
        "三级指标的自评得分与按方案规则计算的得分相差超过舍入误差。",
        "三级指标“{name}”自评{claimed}分，按规则应得{computed}分（{explanation}）",
        indicators.score_mismatch,
    ),
    Check(
        "FULL_SCORE_TARGET_MISSED",
        E,
        "未完成目标却得满分",
        "实际完成值未达到年初目标值，却给了该指标的全部分值。",
        "三级指标“{name}”实际完成“{actual}”未达到目标“{target}”，却自评满分{score}分",
        indicators.full_score_target_missed,
    ),
    Check(
        "TARGET_NOT_QUANTIFIED",
        W,
        "目标不可计量",
        "年初目标值缺失，或既不是数值也不是“是/否”类可判断的目标。"
        "目标值因识别问题未读取（如扫描件把“≥95%”识读为“295%”、单元格连排无法分开，提取时已说明）的不在此列。",
        "三级指标“{name}”{what}",
        indicators.target_not_quantified,
    ),
    Check(
        "ACTUAL_MISSING",
        W,
        "缺少实际完成值",
        "指标没有填写实际完成值。实际完成值印出但未能读取（如单元格连排无法分开，提取时已说明）的不在此列。",
        "三级指标“{name}”未填写实际完成值",
        indicators.actual_missing,
    ),
    Check(
        "ACTUAL_NOT_QUANTIFIED",
        W,
        "实际完成值无法与目标比较",
        "目标是数值，但实际完成值是文字描述、含多个数值或单位不同，无法按公式计分。",
        "三级指标“{name}”的目标“{target}”可计量，但实际完成值“{actual}”无法与之比较",
        indicators.actual_not_quantified,
    ),
    Check(
        "DUPLICATE_INDICATOR",
        W,
        "指标重复",
        "同一二级指标下出现名称相同的三级指标。",
        "三级指标“{name}”在“{group}”下重复出现（首次见于{first}）",
        indicators.duplicate_indicator,
    ),
    Check(
        "OVER_ACHIEVEMENT_UNEXPLAINED",
        N,
        "大幅超额完成未说明原因",
        "实际完成值达到目标的一定倍数（方案设定，默认130%）以上却未说明偏差原因，可能是年初目标设定偏低。",
        "三级指标“{name}”完成目标的{ratio}（≥{threshold}），未说明偏差原因，请核实年初目标是否偏低",
        indicators.over_achievement_unexplained,
    ),
    Check(
        "DEVIATION_UNEXPLAINED",
        N,
        "未完成目标未说明原因",
        "实际完成值未达到年初目标，但该行没有偏差原因分析，“存在的问题”中也未提及该指标（财预〔2020〕10号第十一条）。",
        "三级指标“{name}”实际完成“{actual}”未达到目标“{target}”，未说明偏差原因",
        indicators.deviation_unexplained,
    ),
    Check(
        "INPUT_AS_OUTPUT",
        N,
        "以资金投入作为产出数量",
        "数量指标以金额（元、万元）计量：资金是投入而不是产出，指标应反映产出的数量（财预〔2021〕101号）。"
        f"{_NOT_DEPARTMENT}：部门整体指标本就包括以金额计量的控制指标（如“三公经费”、公用经费）。",
        "数量指标“{name}”的目标“{target}”是金额，反映的是投入而不是产出",
        indicators.input_as_output,
        PROJECT_ONLY,
    ),
    Check(
        "NO_SATISFACTION_INDICATOR",
        W,
        "缺少满意度指标",
        "方案为满意度指标设定了权重，但评价中没有满意度指标。"
        f"{_NOT_DEPARTMENT}：满意度指标的权重是项目支出方案的设置。"
        "文件中有指标行未能识别（提取时已说明）时不作此项检查。",
        "方案设定满意度指标{weight}分，但没有任何满意度指标",
        content.no_satisfaction_indicator,
        PROJECT_ONLY,
    ),
    Check(
        "NO_PROBLEMS_REPORTED",
        W,
        "未报告存在的问题",
        "没有“存在的问题”部分，或只写了“无”。",
        "{what}，自评应如实说明存在的问题及改进措施",
        content.no_problems_reported,
    ),
    Check(
        "BUDGET_ADJUSTED_TO_SPENDING",
        W,
        "预算调整为与执行数相同",
        "全年预算数比年初预算数低，且恰好等于执行数：执行率可能是调整预算凑出来的。"
        "一个数按万元四舍五入印出（如自评表的535.87万元）、另一个是精确数时，按印出的精度比较，不把舍入当作调整。",
        "年初预算{initial}元被调整为{planned}元，恰好等于执行数，请核实调整依据",
        budget.budget_adjusted_to_spending,
    ),
    Check(
        "UNREADABLE_DOCUMENT",
        E,
        "文件无法读取",
        "文件损坏、加密、为空、过大、没有文字层或类型不受支持。",
        "无法读取文件：{reason}",
    ),
    Check(
        "EXTRACTION_INCOMPLETE",
        W,
        "部分内容未能识别",
        "文件中有一部分无法放入评价模型（如无法识别列的表格、没有单位的金额）。",
        "{part}未能识别：{reason}",
    ),
)

# Every code jixiao knows: the evaluation checker's and those of a project's year (declaration,
# monitoring, year-end link; run by ``jixiao.core.year``), each once.
ALL_CHECKS: tuple[Check, ...] = CATALOGUE + YEAR_CATALOGUE
BY_CODE: dict[str, Check] = {check.code: check for check in ALL_CHECKS}
CHECK_CODES: frozenset[str] = frozenset(check.code for check in CATALOGUE if check.run is not None)


def run_checks(ctx: Context) -> list[Finding]:
    """Every finding of every check that concerns this kind of evaluation, in catalogue order."""
    findings: list[Finding] = []
    for check in CATALOGUE:
        if check.run is not None and ctx.ev.kind in check.kinds:
            findings.extend(check.run(ctx, Emit(check)))
    return findings


__all__ = [
    "ALL_CHECKS",
    "BY_CODE",
    "CATALOGUE",
    "CHECK_CODES",
    "PROJECT_ONLY",
    "YEAR_CATALOGUE",
    "Check",
    "Context",
    "run_checks",
]
