"""The Chinese names finding codes and scoring rule ids are shown by in Chinese text.

The codes and ids stay what the API, JSON and docs use; a reader of a Chinese page, sheet or
terminal report sees the name.
"""

from __future__ import annotations

from jixiao.core.checks import BY_CODE

RULE_NAMES: dict[str, str] = {
    "positive": "正向指标按完成比例计分",
    "equal": "等于目标值计分",
    "negative": "反向指标计分",
    "range": "区间目标计分",
    "binary": "是否类指标计分",
    "qualitative": "定性指标按档次计分",
    "satisfaction_bands": "满意度按区间计分",
    "no_weight": "未载明权重，保留自评得分",
    "no_actual": "缺少实际完成值，保留自评得分",
    "not_comparable": "目标与实际不可比，保留自评得分",
}


def check_title(code: str) -> str:
    """The check's Chinese title, or the code itself for a code this version does not know."""
    check = BY_CODE.get(code)
    return check.title if check is not None else code


def rule_name(rule: str) -> str:
    """The Chinese name of a scoring rule id (``negative``, ``qualitative`` …); an id this version
    does not know is named by its parts' names joined with “/”, an unknown part as it is."""
    return "/".join(RULE_NAMES.get(part, part) for part in rule.split("/")) if rule else ""
