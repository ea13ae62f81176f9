"""Small builders so tests state evaluations in the domain's own notation.

A row is written as the 自评表 prints it: ``row("≥2次/年", "1次/年", weight=2, claimed=1)``;
targets and actuals go through the real value parser, as they would from a document.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.model import Budget
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.values import parse_value
from jixiao.schemes import load_scheme

Num = int | str | Decimal | None


def d(value: Num) -> Decimal | None:
    """A Decimal from an int or a decimal string (None stays None)."""
    return None if value is None else Decimal(str(value))


def row(
    target: str | None,
    actual: str | None,
    *,
    weight: Num = 10,
    claimed: Num = None,
    name: str = "测试指标",
    level1: str = "产出指标",
    level2: str = "数量指标",
    level2_weight: Num = None,
    group: int | None = None,
    reason: str | None = None,
) -> Indicator:
    """One indicator row in table notation."""
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        weight=d(weight),
        target=parse_value(target),
        actual=parse_value(actual),
        claimed_score=d(claimed),
        level2_weight=d(level2_weight),
        group=group,
        deviation_reason=reason,
    )


def evaluation(
    *rows: Indicator,
    scheme: str = "mof-2020",
    planned: Num = None,
    executed: Num = None,
    stated_rate: Num = None,
    initial: Num = None,
    budget_score: Num = None,
    total: Num = None,
    grade: str | None = None,
    problems: str | None = "资金拨付进度偏慢",
    declared: bool = False,
    weights: dict[str, int] | None = None,
) -> Evaluation:
    """An evaluation under a built-in scheme (its default weights unless ``weights`` given)."""
    chosen = load_scheme(scheme)
    scheme_weights = (
        chosen.weights
        if weights is None
        else chosen.weights.model_copy(update={k: Decimal(v) for k, v in weights.items()})
    )
    return Evaluation(
        project=Project(name="测试项目", year=2024, unit="测试单位"),
        budget=Budget(
            planned_yuan=d(planned),
            executed_yuan=d(executed),
            stated_rate=d(stated_rate),
            initial_yuan=d(initial),
        ),
        scheme=SchemeRef(id=chosen.id, weights=scheme_weights, declared=declared or weights is not None),
        indicators=rows,
        claimed=Claimed(budget_execution_score=d(budget_score), total=d(total), grade=grade),
        problems=problems,
    )
