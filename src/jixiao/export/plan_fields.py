"""The facts a 目标申报表 or 监控情况表 layout can print, by name (``funds.total``, ``budget.rate`` …).

The two records before a self-evaluation (:mod:`jixiao.core.plan`) have their own vocabularies,
as the 自评表 has :data:`jixiao.export.fields.FIELDS`: a layout of a declaration may name only
:data:`DECLARATION_FIELDS`, one of a monitoring record only :data:`MONITORING_FIELDS`, and each
indicator column one of its record's :data:`INDICATOR_VALUES`. The kinds print as the 自评表's
do (``money`` in 万元, ``rate`` as a percentage, ``choice`` as a ■/□ list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.export.fields import FieldValue
from jixiao.export.fields import Kind

Record = Literal["declaration", "monitoring"]
RECORDS: tuple[Record, ...] = ("declaration", "monitoring")
RECORD_NAMES: dict[Record, str] = {"declaration": "绩效目标申报表", "monitoring": "绩效目标执行监控表"}
Plan = Declaration | Monitoring


@dataclass(frozen=True, slots=True)
class PlanField:
    """One printable fact of a declaration or a monitoring record."""

    kind: Kind
    meaning: str
    get: Callable[[Plan], FieldValue]


def _declaration(get: Callable[[Declaration], FieldValue]) -> Callable[[Plan], FieldValue]:
    def read(record: Plan) -> FieldValue:
        return get(record) if isinstance(record, Declaration) else None

    return read


def _monitoring(get: Callable[[Monitoring], FieldValue]) -> Callable[[Plan], FieldValue]:
    def read(record: Plan) -> FieldValue:
        return get(record) if isinstance(record, Monitoring) else None

    return read


_PROJECT: dict[str, PlanField] = {
    "project.name": PlanField("text", "项目名称", lambda r: r.project.name),
    "project.year": PlanField(
        "text", "年度", lambda r: str(r.project.year) if r.project.year is not None else None
    ),
    "project.unit": PlanField("text", "单位名称（填报单位）", lambda r: r.project.unit),
    "project.department": PlanField("text", "主管部门", lambda r: r.project.department),
    "project.implementer": PlanField("text", "实施单位", lambda r: r.project.implementer),
    "project.attribute": PlanField("choice", "项目属性（■/□ 选项）", lambda r: r.project.attribute),
    "project.type": PlanField("choice", "项目类型（■/□ 选项）", lambda r: r.project.type),
    "project.filled_date": PlanField("date", "填报日期", lambda r: r.project.filled_date),
    "objective": PlanField("text", "年度总体目标", lambda r: r.objective),
}

DECLARATION_FIELDS: dict[str, PlanField] = {
    **_PROJECT,
    "funds.total": PlanField("money", "年度资金总额（万元）", _declaration(lambda d: d.planned_yuan)),
    "funds.fiscal": PlanField("money", "其中：财政拨款（万元）", _declaration(lambda d: d.fiscal_yuan)),
    "funds.other": PlanField("money", "其他资金（万元）", _declaration(lambda d: d.other_yuan)),
}

MONITORING_FIELDS: dict[str, PlanField] = {
    **_PROJECT,
    "period": PlanField("text", "监控期间（如 1—7月）", _monitoring(lambda m: m.period.label)),
    "budget.planned": PlanField("money", "全年预算数（万元）", _monitoring(lambda m: m.planned_yuan)),
    "budget.executed": PlanField("money", "监控期执行数（万元）", _monitoring(lambda m: m.executed_yuan)),
    "budget.expected": PlanField("money", "全年预计执行数（万元）", _monitoring(lambda m: m.expected_yuan)),
    "budget.rate": PlanField(
        "rate",
        "监控期执行率（执行数 ÷ 全年预算数，否则表上所写）",
        _monitoring(lambda m: m.with_rates().execution_rate),
    ),
    "time.elapsed": PlanField(
        "rate", "时间进度（监控期末已过的全年比例）", _monitoring(lambda m: m.period.elapsed)
    ),
    "objective.progress": PlanField(
        "text", "年度总体目标的监控期完成情况", _monitoring(lambda m: m.objective_progress)
    ),
}

FIELDS_OF: dict[Record, dict[str, PlanField]] = {
    "declaration": DECLARATION_FIELDS,
    "monitoring": MONITORING_FIELDS,
}

_COMMON_VALUES = {
    "index": "序号",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "weight": "分值（权重）",
    "target": "年度指标值",
}

INDICATOR_VALUES: dict[Record, dict[str, str]] = {
    "declaration": dict(_COMMON_VALUES),
    "monitoring": {
        **_COMMON_VALUES,
        "to_date": "监控期执行情况（如 1—7月执行情况）",
        "expected": "全年预计完成情况",
        "cause": "偏差原因分析：写 choices 时每个类别一列，所选类别一栏写原因（无文字则 √）；否则类别与原因写在一栏",
        "likelihood": "完成目标可能性：写 choices 时每种一列，所选一栏打 √；否则写所选的词",
        "note": "备注",
    },
}
"""What an indicator column can show, per record."""

CHOICE_VALUES = ("cause", "likelihood")
"""Indicator columns that may be drawn as one sub-column per choice."""
