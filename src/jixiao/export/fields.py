"""The facts a layout can print, by name: ``project.name``, ``budget.planned``, ``total`` …

A layout cell names a field (``field = "budget.planned"``) or embeds fields in literal text
(``text = "预算执行情况（万元）（{budget.weight}分）"``). Each field has a kind that says how it is
printed: ``text``, ``choice`` (a ■/□ list), ``date``, ``money`` (万元), ``rate`` (a percentage)
or ``number`` (scores and weights, exactly as stated). ``FIELDS`` is the vocabulary; the layout
loader refuses any other name, and ``docs/export.md`` lists them all.

Which score is printed: the self-evaluation score as the evaluation states it, and where it
states none, the score the scheme's rules give — an exported 自评表 is the unit's own statement,
so jixiao never overwrites a stated score, but it fills the blanks it can compute.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from jixiao.core.model import BudgetLine
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.scheme import Scheme
from jixiao.export.formatting import clean
from jixiao.export.formatting import short_name

Kind = Literal["text", "choice", "date", "money", "rate", "number"]
FieldValue = str | Decimal | dt.date | None


@dataclass(frozen=True, slots=True)
class Facts:
    """One evaluation as the exporters print it, with the scores chosen once.

    ``budget_score``, ``total`` and ``grade`` are the stated ones, else the rules' (the grade of
    a stated total is the one the scheme's bands give it when the document names none).
    """

    ev: Evaluation
    scheme: Scheme
    budget_score: Decimal | None
    total: Decimal | None
    grade: str | None

    @classmethod
    def of(cls, ev: Evaluation, scheme: Scheme) -> Facts:
        """The facts of a scored evaluation."""
        claimed, computed = ev.claimed, ev.computed
        budget_score = (
            claimed.budget_execution_score
            if claimed.budget_execution_score is not None
            else computed.budget_execution_score
        )
        total = claimed.total if claimed.total is not None else computed.total
        grade = claimed.grade or scheme.grade_of(total)
        return cls(ev, scheme, budget_score, total, grade)


def indicator_score(ind: Indicator) -> Decimal | None:
    """The score printed for a row: the stated one, else the rules' one."""
    return ind.claimed_score if ind.claimed_score is not None else ind.computed_score


def deviation_summary(ev: Evaluation) -> str:
    """Every row's 偏差原因分析 as numbered lines: ``1、指标名称：原因``."""
    lines = [
        f"{n}、{clean(ind.name)}：{clean(ind.deviation_reason).strip()}"
        for n, ind in enumerate((i for i in ev.indicators if (i.deviation_reason or "").strip()), start=1)
    ]
    return "\n".join(lines)


DEVIATION_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]\s*)?偏差大或目标未完成(?:的)?原因(?:分析)?\s*[:：]?\s*"
)
# A line that is only a heading: short, ending with a colon (“改进措施及结果应用方案：”).
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]\s*)?[^\d\s：:，。；][^：:，。；]{1,24}[：:]\s*$"
)


def split_deviation(problems: str | None) -> tuple[str, str]:
    """The 存在的问题 text split into its 偏差大或目标未完成原因分析 section (a heading line so
    named, up to the next heading line) and the rest, so a form with a row for each prints the
    analysis in its own row. Without such a heading: ("", the text). Nothing is dropped but the
    heading itself."""
    text = problems or ""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if DEVIATION_HEADING.match(line)), None)
    if start is None:
        return "", text
    end = next((j for j in range(start + 1, len(lines)) if _HEADING.match(lines[j])), len(lines))
    first = DEVIATION_HEADING.sub("", lines[start], count=1)
    section = "\n".join(line for line in [first, *lines[start + 1 : end]] if line.strip())
    rest = "\n".join([*lines[:start], *lines[end:]]).strip("\n")
    return section.strip(), rest


def _deviations(ev: Evaluation) -> str:
    """The rows' 偏差原因分析, then the 存在的问题 text's own 偏差大或目标未完成原因分析 section."""
    return "\n".join(part for part in (deviation_summary(ev), split_deviation(ev.problems)[0]) if part)


@dataclass(frozen=True, slots=True)
class Field:
    """One printable fact: its kind, what it means (for the docs) and how to read it."""

    kind: Kind
    meaning: str
    get: Callable[[Facts], FieldValue]


# The 其中 rows of the 项目资金 block: a 预算明细 line whose name names the funding source.
FUNDING_SOURCES: dict[str, tuple[str, re.Pattern[str]]] = {
    "current": ("当年财政拨款", re.compile(r"(当年|本年|年度)?财政拨款")),
    "carried": ("上年结转资金", re.compile(r"上年结转|以前年度结转|结转资金")),
    "other": ("其他资金", re.compile(r"其他资金|自筹")),
}


_FUNDING_COLUMNS: tuple[tuple[str, Kind, str], ...] = (
    ("planned", "money", "全年预算数（万元）"),
    ("executed", "money", "全年执行数（万元）"),
    ("rate", "rate", "执行率"),
)


def funding_line(ev: Evaluation, source: str) -> BudgetLine | None:
    """The budget line that is the ``source`` funding row (当年财政拨款, 上年结转, 其他资金), if
    exactly one line's name says so; None otherwise (never a guess between two)."""
    _, pattern = FUNDING_SOURCES[source]
    found = [line for line in ev.budget.lines if pattern.search(line.name.replace(" ", ""))]
    return found[0] if len(found) == 1 else None


def _funding(source: str, what: str) -> Callable[[Facts], FieldValue]:
    def get(f: Facts) -> FieldValue:
        line = funding_line(f.ev, source)
        if line is None:
            return None
        if what == "planned":
            return line.planned_yuan
        if what == "executed":
            return line.executed_yuan
        if line.planned_yuan and line.executed_yuan is not None:
            return line.executed_yuan / line.planned_yuan
        return None

    return get


def _year(f: Facts) -> str | None:
    return str(f.ev.project.year) if f.ev.project.year is not None else None


FIELDS: dict[str, Field] = {
    "project.name": Field("text", "项目名称", lambda f: f.ev.project.name),
    "project.short_name": Field(
        "text",
        "项目名称去掉末尾的“项目”（用于“…项目绩效自评表”这类标题）",
        lambda f: short_name(f.ev.project.name),
    ),
    "project.year": Field("text", "年度", _year),
    "project.unit": Field("text", "单位名称（填报单位）", lambda f: f.ev.project.unit),
    "project.department": Field("text", "主管部门", lambda f: f.ev.project.department),
    "project.implementer": Field("text", "项目实施单位", lambda f: f.ev.project.implementer),
    "project.category": Field("choice", "项目类别（■/□ 选项）", lambda f: f.ev.project.category),
    "project.attribute": Field("choice", "项目属性（■/□ 选项）", lambda f: f.ev.project.attribute),
    "project.type": Field("choice", "项目类型（■/□ 选项）", lambda f: f.ev.project.type),
    "project.filled_date": Field("date", "填报日期", lambda f: f.ev.project.filled_date),
    "budget.initial": Field("money", "年初预算数（万元）", lambda f: f.ev.budget.initial_yuan),
    "budget.planned": Field("money", "全年预算数（调整后，万元）", lambda f: f.ev.budget.planned_yuan),
    "budget.received": Field("money", "实际到位资金（万元）", lambda f: f.ev.budget.received_yuan),
    "budget.executed": Field("money", "全年执行数（万元）", lambda f: f.ev.budget.executed_yuan),
    "budget.rate": Field(
        "rate", "预算执行率（执行数 ÷ 预算数，否则文中所写）", lambda f: f.ev.budget.execution_rate
    ),
    "budget.weight": Field("number", "预算执行的分值", lambda f: f.ev.scheme.weights.budget_execution),
    "budget.score": Field("number", "预算执行得分（自评，未写则按规则）", lambda f: f.budget_score),
    "weights.output": Field("number", "产出指标分值", lambda f: f.ev.scheme.weights.output),
    "weights.effect": Field("number", "效益指标分值", lambda f: f.ev.scheme.weights.effect),
    "weights.satisfaction": Field("number", "满意度指标分值", lambda f: f.ev.scheme.weights.satisfaction),
    "weights.cost": Field("number", "成本指标分值", lambda f: f.ev.scheme.weights.cost),
    "weights.total": Field(
        "number", "总分值（一级权重合计，通常为100）", lambda f: f.ev.scheme.weights.total
    ),
    "total": Field("number", "总分（自评，未写则按规则复算）", lambda f: f.total),
    "grade": Field("text", "等级（自评所写，否则按方案等级区间）", lambda f: f.grade),
    "objectives.planned": Field("text", "年度总体目标：预期目标", lambda f: f.ev.objectives.planned),
    "objectives.achieved": Field("text", "年度总体目标：实际完成情况", lambda f: f.ev.objectives.achieved),
    "problems": Field("text", "存在的问题及改进措施", lambda f: f.ev.problems),
    "problems.rest": Field(
        "text",
        "存在的问题及改进措施，除去其中“偏差大或目标未完成原因分析”一节（该节印在 deviations 一栏）",
        lambda f: split_deviation(f.ev.problems)[1],
    ),
    "deviations": Field(
        "text",
        "各指标的偏差原因分析，逐条列出（1、指标：原因），其后是存在的问题中“偏差大或目标未完成原因分析”一节",
        lambda f: _deviations(f.ev),
    ),
    "scheme.name": Field("text", "评分方案名称", lambda f: f.scheme.name),
    **{
        f"budget.{source}.{what}": Field(
            kind, f"{label}的{meaning}（预算明细中名为“{label}”的一行）", _funding(source, what)
        )
        for source, (label, _) in FUNDING_SOURCES.items()
        for what, kind, meaning in _FUNDING_COLUMNS
    },
}

# What an indicator column can show, one row per 三级指标.
INDICATOR_VALUES: dict[str, str] = {
    "index": "序号",
    "level1": "一级指标（按 level1_label 格式，可带分值）",
    "level2": "二级指标（按 level2_label 格式，可带分值）",
    "name": "三级指标（按 name_label 格式，可带权重）",
    "weight": "三级指标权重（分值）",
    "target": "年初目标值（年度指标值），照原文",
    "actual": "实际完成值，照原文",
    "score": "得分（自评，未写则按规则）",
    "deviation": "偏差原因分析（及改进措施）",
}
