"""Which level-1 group an indicator belongs to, from the words of its 一级指标 (or its name).

Tables word the level-1 cells freely (“产出指标（40分）”, “效益”, “服务对象满意度指标”,
“项目效果”); the group decides which weight the row counts against. A 成本 row counts against
the cost group only where the scheme has one: many provinces put 成本指标 under 产出
(domain.md §3), so with a cost weight of 0 it counts as output.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from jixiao.core.model import Group
from jixiao.core.model import Indicator

_WEIGHT_SUFFIX = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[)）]\s*$")


def strip_weight(label: str) -> str:
    """Drop a trailing weight from a label: “产出指标（40分）” → “产出指标”."""
    return _WEIGHT_SUFFIX.sub("", label.strip()).strip()


@functools.lru_cache(maxsize=4096)
def classify_level1(text: str | None) -> Group | None:
    """The level-1 group a 一级指标 label names, or None when it names none."""
    if not text:
        return None
    if "满意" in text:
        return Group.SATISFACTION
    if "成本" in text:
        return Group.COST
    if "产出" in text:
        return Group.OUTPUT
    if "效益" in text or "效果" in text:
        return Group.EFFECT
    if "预算执行" in text or "执行率" in text:
        return Group.BUDGET_EXECUTION
    return None


def group_of(indicator: Indicator, cost_weight: Decimal) -> Group | None:
    """The group an indicator's weight counts against under a scheme with ``cost_weight``."""
    group = classify_level1(indicator.level1)
    if group is None and indicator.level1 is None:
        # No level-1 label at all: a satisfaction indicator still says so in its name.
        group = Group.SATISFACTION if "满意" in indicator.name else None
    if group is Group.COST and cost_weight == 0:
        return Group.OUTPUT
    return group


def is_satisfaction(indicator: Indicator) -> bool:
    """Whether an indicator measures satisfaction (满意度), by its group or its own name."""
    return classify_level1(indicator.level1) is Group.SATISFACTION or "满意" in indicator.name
