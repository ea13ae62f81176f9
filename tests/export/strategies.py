"""Hypothesis strategies: evaluations as units fill them in, for round trips through documents.

Texts are drawn from words of real tables (never a word an importer takes for a label such as
总分 or 备注), numbers from the ranges real documents use, and the indicator tree the way the
authoring loader builds it: 一级 groups, 二级 cells numbered in order, rows under each.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from jixiao.core.model import Budget
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Objectives
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.values import parse_value
from jixiao.schemes import load_scheme

WORDS = (
    "社区", "居民", "服务", "活动", "培训", "宣传", "维修", "建设", "老年人", "志愿者", "文化", "教育",
    "卫生", "环境", "设施", "困难群众", "救助", "慰问", "党员", "学习", "安全", "检查", "绿化", "道路",
)  # fmt: skip
UNITS = ("个", "次", "人", "场", "次/年", "人/次", "元/人", "项", "户")
LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
CATEGORIES = ("部门预算项目", "专项资金", "上级转移支付项目")
ATTRIBUTES = ("持续性项目", "新增性项目")
TYPES = ("常年性项目", "延续性项目", "一次性项目")

phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map("".join)
points = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(20), places=1)
money = st.decimals(min_value=Decimal("1000"), max_value=Decimal("999999999.99"), places=2)


@st.composite
def values(draw: st.DrawFn) -> tuple[str, str]:
    """A target and an actual as a table writes them."""
    kind = draw(st.sampled_from(["ge", "le", "pct", "yes", "text"]))
    unit = draw(st.sampled_from(UNITS))
    n = draw(st.integers(min_value=1, max_value=500))
    m = draw(st.integers(min_value=0, max_value=600))
    if kind == "ge":
        return f"≥{n}{unit}", f"{m}{unit}"
    if kind == "le":
        return f"≤{n}{unit}", f"{m}{unit}"
    if kind == "pct":
        return f"≥{min(n, 100)}%", f"{min(m, 100)}%"
    if kind == "yes":
        return "是", draw(st.sampled_from(["是", "否"]))
    return draw(phrase) + "明显提升", draw(phrase) + "得到改善"


@st.composite
def indicators(draw: st.DrawFn) -> tuple[Indicator, ...]:
    rows: list[Indicator] = []
    group = 0
    for level1 in draw(st.lists(st.sampled_from(list(LEVEL2)), min_size=1, max_size=3, unique=True)):
        for level2 in draw(st.lists(st.sampled_from(LEVEL2[level1]), min_size=1, max_size=2)):
            group += 1
            count = draw(st.integers(min_value=1, max_value=3))
            cell_rows = []
            for _ in range(count):
                target, actual = draw(values())
                weight = draw(points)
                claimed = draw(st.none() | st.decimals(min_value=Decimal(0), max_value=weight, places=2))
                cell_rows.append(
                    Indicator(
                        level1=level1,
                        level2=level2,
                        name=draw(phrase)
                        + draw(st.sampled_from(["次数", "人数", "覆盖率", "完成率", "情况"])),
                        weight=weight,
                        target=parse_value(target),
                        actual=parse_value(actual),
                        claimed_score=claimed,
                        deviation_reason=draw(st.none() | phrase.map(lambda s: s + "工作推进较慢")),
                    )
                )
            level2_weight = sum((r.weight or Decimal(0) for r in cell_rows), Decimal(0))
            rows += [r.model_copy(update={"group": group, "level2_weight": level2_weight}) for r in cell_rows]
    return tuple(rows)


@st.composite
def evaluations(draw: st.DrawFn) -> Evaluation:
    """A complete evaluation under a built-in scheme."""
    scheme = load_scheme(draw(st.sampled_from(["mof-2020", "hubei-2019"])))
    planned = draw(money)
    executed = draw(st.decimals(min_value=Decimal(0), max_value=planned, places=2))
    rows = draw(indicators())
    claimed_total = draw(st.none() | st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2))
    return Evaluation(
        project=Project(
            name=draw(phrase) + "项目",
            year=draw(st.integers(min_value=2015, max_value=2030)),
            unit=draw(phrase) + "街道办事处",
            department=draw(phrase) + "局",
            implementer=draw(phrase) + "办公室",
            category=draw(st.sampled_from(CATEGORIES)),
            attribute=draw(st.sampled_from(ATTRIBUTES)),
            type=draw(st.sampled_from(TYPES)),
            filled_date=draw(st.dates(dt.date(2016, 1, 1), dt.date(2031, 12, 31))),
        ),
        budget=Budget(
            planned_yuan=planned,
            executed_yuan=executed,
            initial_yuan=draw(st.none() | money),
        ),
        scheme=SchemeRef(id=scheme.id, weights=scheme.weights),
        indicators=rows,
        claimed=Claimed(total=claimed_total),
        objectives=Objectives(planned=draw(phrase) + "得到提升", achieved=draw(phrase) + "基本完成"),
        problems=draw(phrase) + "工作还需加强",
    )
