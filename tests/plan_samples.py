"""A declaration and its monitoring record for tests of the files side (export, intake, CLI):
one project-year of a 社区养老 project with the usual three 一级 groups, one indicator behind
the calendar with a 偏差原因 and one marked 完全不可能."""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.values import parse_value

PROJECT = Project(
    name="社区养老服务提升项目",
    year=2024,
    unit="某市民政局",
    department="某市民政局",
    implementer="某市养老服务中心",
)
OBJECTIVE = "新建社区养老服务站12个，为3000名以上老年人提供日间照料服务。"

# (一级, 二级, 三级, 分值, 年度指标值)
DECLARED = (
    ("产出指标", "数量指标", "新建社区养老服务站数量", "20", "≥12个"),
    ("产出指标", "数量指标", "培训护理人员人次", "10", "≥200人次"),
    ("产出指标", "质量指标", "服务站验收合格率", "10", "100%"),
    ("产出指标", "时效指标", "项目完成时间", "10", "2024年12月底前"),
    ("产出指标", "成本指标", "单站建设成本", "10", "≤15万元"),
    ("效益指标", "社会效益指标", "受益老年人数", "20", "≥3000人"),
    ("效益指标", "可持续影响指标", "服务站持续运营年限", "10", "≥5年"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "10", "≥90%"),
)

# 三级 → (1—7月, 全年预计, 偏差原因类别, 偏差原因, 完成目标可能性, 备注)
MONITORED = {
    "新建社区养老服务站数量": ("5个", "12个", None, None, Likelihood.CERTAIN, None),
    "培训护理人员人次": ("120人次", "210人次", None, None, Likelihood.CERTAIN, None),
    "服务站验收合格率": ("100%", "100%", None, None, Likelihood.CERTAIN, None),
    "项目完成时间": ("按计划推进", "2024年12月底前", None, None, Likelihood.POSSIBLE, None),
    "单站建设成本": ("14.2万元", "≤15万元", None, None, Likelihood.CERTAIN, None),
    "受益老年人数": (
        "900人",
        "2500人",
        DeviationCause.FUNDING,
        "上级资金7月才到位，部分站点开工推迟",
        Likelihood.IMPOSSIBLE,
        "拟申请调整",
    ),
    "服务站持续运营年限": ("—", "≥5年", None, None, Likelihood.POSSIBLE, None),
    "服务对象满意度": ("92%", "≥90%", None, None, Likelihood.CERTAIN, None),
}


def declaration() -> Declaration:
    """The declaration: 年度资金总额 200万元 (180 财政拨款 + 20 其他)."""
    return Declaration(
        project=PROJECT,
        planned_yuan=Decimal("2000000.00"),
        fiscal_yuan=Decimal("1800000.00"),
        other_yuan=Decimal("200000.00"),
        objective=OBJECTIVE,
        indicators=tuple(
            Indicator(level1=l1, level2=l2, name=name, weight=Decimal(w), target=parse_value(t))
            for l1, l2, name, w, t in DECLARED
        ),
    )


def monitoring() -> Monitoring:
    """The 1—7月 monitoring record: 65万元 of 200 spent, 190 expected."""
    rows = []
    for l1, l2, name, w, t in DECLARED:
        to_date, expected, cause, text, likelihood, note = MONITORED[name]
        rows.append(
            MonitoredIndicator(
                level1=l1,
                level2=l2,
                name=name,
                weight=Decimal(w),
                target=parse_value(t),
                to_date=parse_value(to_date),
                expected=parse_value(expected),
                cause=cause,
                cause_text=text,
                likelihood=likelihood,
                note=note,
            )
        )
    return Monitoring(
        project=PROJECT,
        planned_yuan=Decimal("2000000.00"),
        executed_yuan=Decimal("650000.00"),
        expected_yuan=Decimal("1900000.00"),
        objective=OBJECTIVE,
        objective_progress="已建成5个服务站，服务老年人900人。",
        indicators=tuple(rows),
    )
