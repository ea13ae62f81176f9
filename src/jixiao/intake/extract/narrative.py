"""Indicators stated in prose, conclusions and weights written as sentences.

- “业务处理及时性预期指标值为80%以上，1-12月实际完成值97%” → an indicator with its target and
  actual (no weight, no score: a report that states its indicators only in prose has no table).
- “最终得分96分，绩效评价等级为“优秀””, “综合评分100分”, “自评总分97分” → the claimed total/grade.
- “一级指标权重统一设置为：产出指标40分……预算执行率指标10分……” → the scheme's weights.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.core.groups import classify_level1
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.values import parse_value
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.sections import Para

# <name>(预期|年初|计划)?(指标值|目标值)为<target>，…(实际)?完成值(为)?<actual>
_PAIR = re.compile(
    r"(?P<name>[^，,。；;：:\n]{2,30}?)(?:的)?(?:预期|年初|计划|年度)?(?:指标值|目标值|目标)(?:为|是|:|：)?\s*"
    r"(?P<target>[^，,。；;\n]{1,20}?)\s*[，,；;]\s*(?:[^，,。；;\n]{0,12}?)(?:实际)?(?:完成值|完成|达到|实现)(?:值)?(?:为|是|:|：)?\s*"
    r"(?P<actual>[≥≤<>＞＜约]?\s*\d+(?:\.\d+)?\s*(?:%|％|[^\s，,。；;\n]{0,4}))"
)
_TOTAL = re.compile(
    r"(?<!该项)(?<!满分)(?P<key>自评总分|综合评分|综合得分|最终得分|总得分|自评得分|评价得分|绩效得分|总分|得分合计)"
    r"(?:为|是|:|：|达到|达)?\s*(?P<value>\d+(?:\.\d+)?)\s*分"
)
_TOTAL_RANK = {
    "自评总分": 0,
    "总分": 0,
    "最终得分": 0,
    "综合评分": 1,
    "综合得分": 1,
    "总得分": 1,
    "得分合计": 1,
}
_GRADE = re.compile(
    r"(?:等级|等次|结论|评定|评为|定为|评价结果)(?:为|是|:|：|评定为|确定为)?\s*[“\"「『]?"
    r"(?P<grade>优秀|良好|合格|不合格|一般|较差|优|良|中|差)(?![\d分])"
)
_WEIGHTS = re.compile(
    r"(?P<label>产出|效益|满意度|成本|预算执行率?|预算执行情况)指标?\s*(?:权重)?(?:为|:|：)?\s*(?P<w>\d+(?:\.\d+)?)\s*分"
)
_LEVEL1_HEAD = {Group.OUTPUT: "产出指标", Group.EFFECT: "效益指标", Group.SATISFACTION: "满意度指标"}


def prose_indicators(paras: list[Para]) -> list[Indicator]:
    """Indicators with a target and an actual written in one sentence."""
    found: list[Indicator] = []
    for p in paras:
        for m in _PAIR.finditer(p.text):
            name = m["name"].strip()
            target = parse_value(m["target"])
            actual = parse_value(m["actual"])
            if target is None or actual is None or not target.is_quantity or not actual.is_quantity:
                continue
            group = classify_level1(p.heading) or classify_level1(name)
            level1 = _LEVEL1_HEAD.get(group) if group else None
            if "满意" in name:
                level1 = "满意度指标"
            found.append(
                Indicator(
                    level1=level1,
                    name=name,
                    target=target,
                    actual=actual,
                    location=f"{p.location} “{name}”",
                )
            )
    return found


def prose_total(paras: list[Para]) -> tuple[Decimal, str] | None:
    """The claimed total as a sentence states it; a total word outranks a generic 得分."""
    best: tuple[int, Decimal, str] | None = None
    for p in paras:
        text = nfkc(p.text)
        for m in _TOTAL.finditer(text):
            before = text[max(0, m.start() - 6) : m.start()]
            if re.search(r"满分|设定|设置|为优|≥|>=|分值", before + m.group()):
                continue
            rank = _TOTAL_RANK.get(m["key"], 2)
            value = Decimal(m["value"])
            if value > 100:
                continue
            if best is None or rank < best[0]:
                best = (rank, value, p.location)
    return (best[1], best[2]) if best else None


def prose_grade(paras: list[Para]) -> tuple[str, str] | None:
    for p in paras:
        for m in _GRADE.finditer(p.text):
            tail = p.text[m.end() : m.end() + 2]
            if tail.startswith(("；", ";")) and "≥" in p.text[max(0, m.start() - 20) : m.start()]:
                continue  # a band definition (“得分≥85分为优秀；”)
            return m["grade"], p.location
    return None


def prose_weights(paras: list[Para]) -> dict[Group, tuple[Decimal, str]]:
    """Level-1 weights from a sentence that lists at least two of them."""
    for p in paras:
        hits = list(_WEIGHTS.finditer(nfkc(p.text)))
        if len(hits) < 2:
            continue
        weights: dict[Group, tuple[Decimal, str]] = {}
        for m in hits:
            label = m["label"]
            group = Group.BUDGET_EXECUTION if label.startswith("预算") else classify_level1(label)
            if group is not None and group not in weights:
                weights[group] = (Decimal(m["w"]), p.location)
        if len(weights) >= 2:
            return weights
    return {}
