"""What changed between two versions of an evaluation, field by field, in words people read.

An edit in the web app saves a new version and records, for the audit log, one change per field
that differs: its Chinese label (``年度预算数``, ``自评得分``, ``三级指标“党员培训人次”的实际完成值``)
and the old and new value as shown to people (money as ``5,358,672.00元``, scores as ``97.67``,
targets as written). The scores the rules recompute are compared too (``复核得分``,
``三级指标“…”的复核得分``), so the log shows what an edit did to the result, not only what was typed.

Indicator rows are matched by their 三级 name (the n-th row of a name with the n-th row of the same
name, for names that repeat); a row only in the old version is listed as removed, one only in the
new version as added. Budget detail lines are matched the same way by their name.

This module is pure: two evaluations in, a list out. It may import only ``jixiao.core`` (see the
package docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple
from typing import TypeVar

from jixiao.authoring.keys import GROUP_LABELS
from jixiao.core.model import Budget
from jixiao.core.model import BudgetLine
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import Severity
from jixiao.core.model import Value
from jixiao.core.numbers import fmt_money
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import plain_number

T = TypeVar("T")


class FieldChange(NamedTuple):
    """One changed field: its Chinese label, and the old and new value as text (None: absent)."""

    field: str
    old: str | None
    new: str | None


# -- how values are written -------------------------------------------------------------------------


def plain(value: Decimal | None) -> str | None:
    """An exact number without exponent or trailing zeros: ``Decimal("2.50")`` → ``2.5``."""
    return None if value is None else plain_number(value)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{fmt_money(value)}元"


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else fmt_percent(value)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def _value(value: Value | None) -> str | None:
    return None if value is None else _text(value.text)


def _findings(ev: Evaluation) -> str:
    counts = dict.fromkeys(Severity, 0)
    for f in ev.findings:
        counts[f.severity] += 1
    return f"错误{counts[Severity.ERROR]}项、警告{counts[Severity.WARNING]}项、提示{counts[Severity.INFO]}项"


# -- the comparison ---------------------------------------------------------------------------------


def _pairs(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], str]
) -> Iterator[tuple[T | None, T | None]]:
    """Old and new items matched by ``key`` (the n-th of a key with the n-th of the same key).

    Matched pairs and added items come in the new order; removed items follow, in the old order.
    """
    unmatched: dict[str, list[int]] = {}
    for i, item in enumerate(old):
        unmatched.setdefault(key(item), []).append(i)
    used: set[int] = set()
    for item in new:
        waiting = unmatched.get(key(item))
        if waiting:
            i = waiting.pop(0)
            used.add(i)
            yield old[i], item
        else:
            yield None, item
    for i, item in enumerate(old):
        if i not in used:
            yield item, None


def _indicator_summary(ind: Indicator) -> str:
    parts = [f"{ind.level1 or '—'}/{ind.level2 or '—'}/{ind.name}"]
    if ind.weight is not None:
        parts.append(f"权重{plain(ind.weight)}")
    if ind.target is not None:
        parts.append(f"目标{ind.target.text}")
    if ind.actual is not None:
        parts.append(f"实际{ind.actual.text}")
    if ind.claimed_score is not None:
        parts.append(f"自评{plain(ind.claimed_score)}分")
    return "，".join(parts)


def _indicator_fields(ind: Indicator) -> tuple[tuple[str, str | None], ...]:
    return (
        ("一级指标", _text(ind.level1)),
        ("二级指标", _text(ind.level2)),
        ("二级指标分值", plain(ind.level2_weight)),
        ("权重", plain(ind.weight)),
        ("年初目标值", _value(ind.target)),
        ("实际完成值", _value(ind.actual)),
        ("自评得分", plain(ind.claimed_score)),
        ("偏差原因", _text(ind.deviation_reason)),
        ("复核得分", plain(ind.computed_score)),
    )


def _indicators(old: Sequence[Indicator], new: Sequence[Indicator]) -> Iterator[FieldChange]:
    def counts(rows: Sequence[Indicator]) -> dict[str, int]:
        found: dict[str, int] = {}
        for ind in rows:
            found[ind.name.strip()] = found.get(ind.name.strip(), 0) + 1
        return found

    in_old, in_new = counts(old), counts(new)
    seen: dict[str, int] = {}
    for before, after in _pairs(old, new, lambda ind: ind.name.strip()):
        row = after or before
        assert row is not None
        name = row.name.strip()
        seen[name] = seen.get(name, 0) + 1
        # A name that repeats is told apart by its occurrence: 三级指标“X”（第2处）.
        repeated = max(in_old.get(name, 0), in_new.get(name, 0)) > 1
        label = f"三级指标“{name}”" + (f"（第{seen[name]}处）" if repeated else "")
        if before is None:
            yield FieldChange(f"新增{label}", None, _indicator_summary(row))
        elif after is None:
            yield FieldChange(f"删除{label}", _indicator_summary(row), None)
        else:
            for (title, was), (_, now) in zip(
                _indicator_fields(before), _indicator_fields(after), strict=True
            ):
                if was != now:
                    yield FieldChange(f"{label}的{title}", was, now)


def _line_summary(line: BudgetLine) -> str:
    return f"{line.name}：预算{_money(line.planned_yuan) or '—'}，执行{_money(line.executed_yuan) or '—'}"


def _lines(old: Budget, new: Budget) -> Iterator[FieldChange]:
    for before, after in _pairs(old.lines, new.lines, lambda line: line.name.strip()):
        row = after or before
        assert row is not None
        label = f"预算明细“{row.name.strip()}”"
        if before is None:
            yield FieldChange(f"新增{label}", None, _line_summary(row))
        elif after is None:
            yield FieldChange(f"删除{label}", _line_summary(row), None)
        else:
            for title, was, now in (
                ("预算数", _money(before.planned_yuan), _money(after.planned_yuan)),
                ("执行数", _money(before.executed_yuan), _money(after.executed_yuan)),
                ("所属小计", _text(before.group), _text(after.group)),
            ):
                if was != now:
                    yield FieldChange(f"{label}的{title}", was, now)


def _weights(ev: Evaluation) -> str:
    w = ev.scheme.weights
    text = "、".join(f"{GROUP_LABELS[g]}{plain(w.of(g))}" for g in Group if w.of(g))
    return f"{text}（{'自定' if ev.scheme.declared else '按方案'}）"


def _sub_units(ev: Evaluation) -> str | None:
    if not ev.sub_units:
        return None
    return "、".join(u.name for u in ev.sub_units)


def _fields(ev: Evaluation) -> tuple[tuple[str, str | None], ...]:
    """Every compared field but the indicator rows and budget lines, in the order of a 自评表."""
    p, b = ev.project, ev.budget
    return (
        ("项目名称", _text(p.name)),
        ("年度", None if p.year is None else str(p.year)),
        ("预算单位", _text(p.unit)),
        ("主管部门", _text(p.department)),
        ("实施单位", _text(p.implementer)),
        ("项目类别", _text(p.category)),
        ("项目属性", _text(p.attribute)),
        ("项目类型", _text(p.type)),
        ("填报日期", None if p.filled_date is None else p.filled_date.isoformat()),
        ("评分方案", ev.scheme.id),
        ("一级指标权重", _weights(ev)),
        ("年度预算数", _money(b.planned_yuan)),
        ("年初预算数", _money(b.initial_yuan)),
        ("实际到位数", _money(b.received_yuan)),
        ("执行数", _money(b.executed_yuan)),
        ("填报执行率", _rate(b.stated_rate)),
        ("预算执行率", _rate(b.execution_rate)),
        ("申报预算执行得分", plain(ev.claimed.budget_execution_score)),
        ("自评得分", plain(ev.claimed.total)),
        ("申报等级", _text(ev.claimed.grade)),
        ("年度总体目标（预期）", _text(ev.objectives.planned)),
        ("年度总体目标（实际完成）", _text(ev.objectives.achieved)),
        ("存在的问题", _text(ev.problems)),
        ("下级单位", _sub_units(ev)),
    )


def _results(ev: Evaluation) -> tuple[tuple[str, str | None], ...]:
    """What the rules computed: listed after the typed fields, so the log reads cause → effect."""
    return (
        ("复核预算执行得分", plain(ev.computed.budget_execution_score)),
        ("复核得分", plain(ev.computed.total)),
        ("复核等级", _text(ev.computed.grade)),
        ("复核发现的问题", _findings(ev)),
    )


def diff(old: Evaluation, new: Evaluation) -> list[FieldChange]:
    """Every field that differs between ``old`` and ``new``: typed fields first, then the rows
    and lines, then the recomputed results. Empty when nothing a person would see changed."""
    changes = [
        FieldChange(label, was, now)
        for (label, was), (_, now) in zip(_fields(old), _fields(new), strict=True)
        if was != now
    ]
    changes.extend(_lines(old.budget, new.budget))
    changes.extend(_indicators(old.indicators, new.indicators))
    changes.extend(
        FieldChange(label, was, now)
        for (label, was), (_, now) in zip(_results(old), _results(new), strict=True)
        if was != now
    )
    return changes
