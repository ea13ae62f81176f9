"""The keys of the authoring format: one alias table, and which keys each block allows.

Every key has a canonical Chinese label (what ``jixiao new`` and ``to_yaml`` write) and aliases:
other Chinese wordings found on real 自评表 and the English name of the contract field, so a file
may be written in either language. The table is context-free: an alias means the same thing in
every block that allows its key (``预算数`` is the planned amount in 预算, in a 明细 line and in a
下级单位). Each block (a *context*) lists the keys it allows; an alias is looked up only among
those, so the one English word ``planned`` can mean 预期目标 in 年度总体目标 and 预算数 in 预算
without ambiguity. ``examples/README.md`` prints the same table for users; a test keeps the two
in step.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from jixiao.core.model import Group


@dataclass(frozen=True, slots=True)
class Key:
    """One key of the format: its id, canonical Chinese label, aliases and meaning."""

    id: str
    label: str
    aliases: tuple[str, ...]
    meaning: str

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every accepted spelling, the canonical label first."""
        return (self.label, *self.aliases)


class Context(StrEnum):
    """The blocks of an authoring file; each allows its own keys."""

    TOP = "顶层"
    PROJECT = "项目"
    OBJECTIVES = "年度总体目标"
    BUDGET = "预算"
    BUDGET_LINE = "预算明细"
    LEVEL1 = "一级指标"
    LEVEL2 = "二级指标"
    INDICATOR = "三级指标"
    CLAIMED = "自评"
    SUB_UNIT = "下级单位"


_KEYS: tuple[Key, ...] = (
    # Top level.
    Key("scheme", "方案", ("评分方案", "scheme"), "评分方案：内置方案编号或 .toml 文件路径，默认 mof-2020"),
    Key("project", "项目", ("项目信息", "project"), "项目基本信息"),
    Key("objectives", "年度总体目标", ("总体目标", "objectives"), "年度总体目标：预期目标与实际完成情况"),
    Key("budget", "预算", ("预算执行情况", "budget"), "预算执行情况（金额、执行率、明细）"),
    Key(
        "indicators",
        "指标",
        ("三级指标", "绩效指标", "indicators"),
        "指标列表（顶层为一级指标，二级指标下为三级指标）",
    ),
    Key("claimed", "自评", ("自评结果", "claimed"), "自评结果：预算执行得分、总分、等级"),
    Key(
        "problems",
        "存在的问题",
        ("存在的问题及改进措施", "存在问题", "problems"),
        "存在的问题及改进措施（文字）",
    ),
    Key("sub_units", "下级单位", ("sub_units",), "下级单位：各自的资金与指标，按资金加权汇总"),
    # Project header.
    Key("name", "名称", ("项目名称", "指标名称", "name"), "名称：项目、指标、明细行或下级单位的名称"),
    Key("year", "年度", ("year",), "年度（四位数字）"),
    Key("unit", "单位名称", ("单位", "unit"), "填报单位名称"),
    Key("department", "主管部门", ("department",), "主管部门"),
    Key("implementer", "实施单位", ("项目实施单位", "implementer"), "项目实施单位"),
    Key("category", "项目类别", ("category",), "项目类别（部门预算项目、专项资金、转移支付项目……）"),
    Key("attribute", "项目属性", ("attribute",), "项目属性（持续性项目、新增性项目）"),
    Key("type", "项目类型", ("type",), "项目类型（常年性项目、延续性项目、一次性项目）"),
    Key("filled_date", "填报日期", ("filled_date",), "填报日期（2019-07-28、2019年7月28日或 2019/7/28）"),
    # Objectives.
    Key("planned", "预期目标", ("年度目标", "planned"), "年初设定的总体目标"),
    Key("achieved", "实际完成情况", ("完成情况", "achieved"), "总体目标的实际完成情况"),
    # Budget.
    Key("amount_unit", "金额单位", ("amount_unit",), "本块内不带单位的金额的单位：元（默认）或万元"),
    Key(
        "weight",
        "权重",
        ("分值", "weight"),
        "权重（分值）：一级、二级、三级指标各自的分值；在“预算”下为预算执行的分值",
    ),
    Key("initial_yuan", "年初预算数", ("initial_yuan", "initial"), "年初预算数"),
    Key(
        "planned_yuan",
        "预算数",
        ("全年预算数", "调整后预算数", "预算金额", "planned_yuan", "planned"),
        "全年预算数（调整后，执行率的分母）",
    ),
    Key("received_yuan", "到位数", ("到位资金", "实际到位数", "received_yuan", "received"), "实际到位资金"),
    Key(
        "executed_yuan",
        "执行数",
        ("全年执行数", "实际支出", "决算金额", "executed_yuan", "executed"),
        "全年执行数（实际支出）",
    ),
    Key(
        "stated_rate",
        "执行率",
        ("预算执行率", "stated_rate", "execution_rate"),
        "文中所写的执行率（100% 或 1）",
    ),
    Key("lines", "明细", ("预算明细", "lines"), "预算明细行"),
    Key("group", "所属", ("所属小计", "group"), "所属的小计行名称（可省）"),
    # Indicator tree.
    Key("level2", "二级指标", ("level2",), "二级指标列表"),
    Key(
        "target",
        "年初目标值",
        ("目标值", "年度指标值", "指标值", "target"),
        "年初目标值（如 ≥50个、≤200元/人、100%、是）",
    ),
    Key("actual", "实际完成值", ("实际值", "完成值", "actual"), "实际完成值"),
    Key("claimed_score", "自评得分", ("得分", "claimed_score", "score"), "自评得分"),
    Key(
        "deviation_reason",
        "偏差原因",
        ("偏差原因分析", "偏差原因分析及改进措施", "deviation_reason"),
        "偏差原因分析（可省）",
    ),
    # Claimed.
    Key("budget_execution_score", "预算执行得分", ("预算得分", "budget_execution_score"), "预算执行自评得分"),
    Key("total", "总分", ("自评总分", "total"), "自评总分"),
    Key("grade", "等级", ("自评等级", "grade"), "自评等级（优、良、中、差……，可省）"),
)

KEYS: dict[str, Key] = {key.id: key for key in _KEYS}
"""Every key of the format by id."""

CONTEXT_KEYS: dict[Context, tuple[str, ...]] = {
    Context.TOP: (
        "scheme",
        "project",
        "objectives",
        "budget",
        "indicators",
        "claimed",
        "problems",
        "sub_units",
    ),
    Context.PROJECT: (
        "name",
        "year",
        "unit",
        "department",
        "implementer",
        "category",
        "attribute",
        "type",
        "filled_date",
    ),
    Context.OBJECTIVES: ("planned", "achieved"),
    Context.BUDGET: (
        "amount_unit",
        "weight",
        "initial_yuan",
        "planned_yuan",
        "received_yuan",
        "executed_yuan",
        "stated_rate",
        "lines",
    ),
    Context.BUDGET_LINE: ("name", "planned_yuan", "executed_yuan", "group"),
    Context.LEVEL1: ("name", "weight", "level2", "indicators"),
    Context.LEVEL2: ("name", "weight", "indicators"),
    Context.INDICATOR: ("name", "weight", "target", "actual", "claimed_score", "deviation_reason"),
    Context.CLAIMED: ("budget_execution_score", "total", "grade"),
    Context.SUB_UNIT: ("name", "amount_unit", "planned_yuan", "executed_yuan", "indicators"),
}
"""The keys each block allows, in the order ``to_yaml`` writes them."""


GROUP_LABELS: dict[Group, str] = {
    Group.BUDGET_EXECUTION: "预算执行",
    Group.COST: "成本指标",
    Group.OUTPUT: "产出指标",
    Group.EFFECT: "效益指标",
    Group.SATISFACTION: "满意度指标",
}
"""The canonical 一级 label of each level-1 group, in the order of a 自评表 (101号 puts 成本 first)."""

_DISPLAY: dict[tuple[Context, str], str] = {
    (Context.PROJECT, "name"): "项目名称",
    (Context.LEVEL1, "indicators"): "三级指标",
    (Context.LEVEL2, "indicators"): "三级指标",
}
"""Where a block reads better with an alias than the canonical label (as on the 自评表)."""


def _spelling_index() -> dict[Context, dict[str, Key]]:
    index: dict[Context, dict[str, Key]] = {}
    for context, ids in CONTEXT_KEYS.items():
        table: dict[str, Key] = {}
        for key_id in ids:
            for spelling in KEYS[key_id].spellings:
                if spelling in table:  # pragma: no cover - guarded by a test
                    raise RuntimeError(f"alias {spelling!r} is ambiguous in {context}")
                table[spelling] = KEYS[key_id]
        index[context] = table
    return index


_INDEX = _spelling_index()


def lookup(context: Context, spelling: str) -> Key | None:
    """The key a spelling names in a block, or None when the block has no such key."""
    return _INDEX[context].get(spelling.strip())


def label(key_id: str) -> str:
    """The canonical Chinese label of a key id."""
    return KEYS[key_id].label


def display(context: Context, key_id: str) -> str:
    """The Chinese label a block shows for a key (``项目名称`` in 项目, ``三级指标`` under 二级)."""
    return _DISPLAY.get((context, key_id), KEYS[key_id].label)


def suggest(context: Context, spelling: str) -> str | None:
    """The allowed spelling closest to an unknown one, if any is close enough."""
    spelling = spelling.strip()
    table = _INDEX[context]
    close = difflib.get_close_matches(spelling, list(table), n=1, cutoff=0.5)
    if close:
        return close[0]
    # Chinese keys are short: a shared run of two characters is already a strong hint.
    for candidate in table:
        if any(spelling[i : i + 2] in candidate for i in range(len(spelling) - 1)):
            return candidate
    return None
