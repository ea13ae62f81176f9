"""The two forms of a project-year before its self-evaluation: the 绩效目标申报表 (a
:class:`~jixiao.core.plan.Declaration`) and the 绩效监控 record (a
:class:`~jixiao.core.plan.Monitoring`), their fields as typed and the records they stand for,
both ways.

They read like the evaluation form (:mod:`jixiao.web.form_model`, whose readers they share):
amounts as ``5,358,672.00`` or ``12.5万元``, targets and figures as written (``≥95%``,
``不少于50人``), a field that cannot be read gets a Chinese message under its name
(``planned``, ``rows.3.weight``) and counts as empty. Indicator rows are parallel lists posted as
``row_<field>``; a row's ``key`` is its index in the record the form started from, so an edit
keeps what the form does not show (a row's place in the document it was read from).

A monitoring form opens with the declared indicators and their 年度指标值 filled in: the unit
types the 1–7月 figures, the full-year estimate, and for a row off course the 偏差原因 and the
完成目标可能性.

Pure: no I/O, no web framework.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.authoring.changes import plain
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.numbers import HUNDRED
from jixiao.core.numbers import fmt_money
from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Period
from jixiao.core.scheme import Scheme
from jixiao.schemes import DEFAULT_SCHEME
from jixiao.web.form_model import LABELS as EVALUATION_LABELS
from jixiao.web.form_model import LEVEL1_LABELS
from jixiao.web.form_model import MAX_ROWS
from jixiao.web.form_model import FormFields
from jixiao.web.form_model import Reader
from jixiao.web.form_model import RowFields
from jixiao.web.form_model import level2_label
from jixiao.web.form_model import parallel
from jixiao.web.form_model import scalars
from jixiao.web.form_model import split_level2
from jixiao.web.form_model import typed_value

CAUSES: tuple[str, ...] = tuple(c.value for c in DeviationCause)
LIKELIHOODS: tuple[str, ...] = tuple(c.value for c in Likelihood)
MONTHS: tuple[int, ...] = tuple(range(1, 13))


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One indicator row as typed. The declaration's rows use the first six fields; a
    monitoring row adds the figures of the period and the unit's judgement."""

    key: str = ""
    name: str = ""
    level1: str = ""
    level2: str = ""
    weight: str = ""
    target: str = ""
    to_date: str = ""
    expected: str = ""
    cause: str = ""
    cause_text: str = ""
    likelihood: str = ""
    note: str = ""

    @property
    def blank(self) -> bool:
        """Nothing typed (the selects always have a value, so they do not count)."""
        typed = (self.level2, self.name, self.weight, self.target, self.to_date, self.expected)
        return not any(v.strip() for v in (*typed, self.cause_text, self.note))


ROW_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PlanRow))


@dataclass(frozen=True, slots=True)
class PlanFields:
    """Every field of either form, as typed (each form shows its own)."""

    year: str = ""
    unit: str = ""
    name: str = ""
    scheme: str = DEFAULT_SCHEME
    department: str = ""
    implementer: str = ""
    planned: str = ""
    fiscal: str = ""
    other: str = ""
    objective: str = ""
    # the monitoring record's
    first_month: str = "1"
    last_month: str = "7"
    executed: str = ""
    expected: str = ""
    stated_rate: str = ""
    objective_progress: str = ""
    rows: tuple[PlanRow, ...] = ()


SCALAR_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PlanFields) if f.name != "rows")

LABELS: dict[str, str] = {
    **{name: EVALUATION_LABELS[name] for name in ("scheme", "name", "unit", "year", "department")},
    **{name: EVALUATION_LABELS[name] for name in ("implementer", "level1", "level2")},
    "planned": "年度资金总额",
    "fiscal": "其中：财政拨款",
    "other": "其中：其他资金",
    "objective": "年度总体目标",
    "first_month": "起始月份",
    "last_month": "截至月份",
    "executed": "截至本期执行数",
    "expected": "全年预计执行数",
    "stated_rate": "填报执行率",
    "objective_progress": "总体目标完成情况",
    "weight": "分值",
    "target": "年度指标值",
    "to_date": "本期执行情况",
    "cause": "偏差原因类别",
    "cause_text": "偏差原因说明",
    "likelihood": "完成目标可能性",
    "note": "备注",
}


@dataclass(frozen=True, slots=True)
class PlanDraft:
    """What a form gives: the record, the messages of the fields that could not be read, and
    each indicator's row number in the form (from 0)."""

    record: Declaration | Monitoring
    errors: dict[str, str]
    rows: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def fields_from_form(form: Mapping[str, Sequence[str]]) -> PlanFields:
    """The fields of a posted form (each name mapped to its values, in order)."""
    rows = tuple(PlanRow(**r) for r in parallel(form, "row_", ROW_FIELDS, MAX_ROWS))
    return PlanFields(**scalars(form, SCALAR_FIELDS), rows=rows)


def blank_declaration(year: int | None = None, unit: str = "") -> PlanFields:
    """A new declaration's form: one empty row under each 一级 label."""
    return PlanFields(
        year="" if year is None else str(year),
        unit=unit,
        rows=tuple(PlanRow(level1=label) for label in LEVEL1_LABELS),
    )


def _money(amount: Any) -> str:
    return "" if amount is None else fmt_money(amount)


def _project_fields(p: Project) -> dict[str, str]:
    return {
        "name": p.name or "",
        "unit": p.unit or "",
        "year": "" if p.year is None else str(p.year),
        "department": p.department or "",
        "implementer": p.implementer or "",
    }


def _declared_row(i: int | None, ind: Indicator) -> PlanRow:
    return PlanRow(
        key="" if i is None else str(i),
        level1=ind.level1 or "",
        level2=level2_label(ind.level2, ind.level2_weight),
        name=ind.name,
        weight=plain(ind.weight) or "",
        target=ind.target.text if ind.target else "",
    )


def fields_of_declaration(d: Declaration) -> PlanFields:
    """The form's fields showing ``d``."""
    return PlanFields(
        scheme=d.scheme.id,
        **_project_fields(d.project),
        planned=_money(d.planned_yuan),
        fiscal=_money(d.fiscal_yuan),
        other=_money(d.other_yuan),
        objective=d.objective or "",
        rows=tuple(_declared_row(i, ind) for i, ind in enumerate(d.indicators)),
    )


def fields_of_monitoring(m: Monitoring) -> PlanFields:
    """The form's fields showing ``m``."""
    rows = tuple(
        PlanRow(
            key=str(i),
            level1=r.level1 or "",
            level2=r.level2 or "",
            name=r.name,
            weight=plain(r.weight) or "",
            target=r.target.text if r.target else "",
            to_date=r.to_date.text if r.to_date else "",
            expected=r.expected.text if r.expected else "",
            cause=r.cause.value if r.cause else "",
            cause_text=r.cause_text or "",
            likelihood=r.likelihood.value if r.likelihood else "",
            note=r.note or "",
        )
        for i, r in enumerate(m.indicators)
    )
    return PlanFields(
        **_project_fields(m.project),
        planned=_money(m.planned_yuan),
        objective=m.objective or "",
        first_month=str(m.period.first_month),
        last_month=str(m.period.last_month),
        executed=_money(m.executed_yuan),
        expected=_money(m.expected_yuan),
        stated_rate="" if m.stated_rate is None else f"{plain(m.stated_rate * HUNDRED)}%",
        objective_progress=m.objective_progress or "",
        rows=rows,
    )


def monitoring_from_declaration(d: Declaration, last_month: int = 7) -> PlanFields:
    """A new monitoring record's form started from the declaration: the project, the budget, the
    总体目标 and each declared indicator with its 年度指标值; the figures of the period left for
    the unit to type. (Row keys stay empty: they name rows of a monitoring record.)"""
    return PlanFields(
        **_project_fields(d.project),
        planned=_money(d.planned_yuan),
        objective=d.objective or "",
        last_month=str(last_month),
        rows=tuple(_declared_row(None, ind) for ind in d.indicators),
    )


# -- fields → records -----------------------------------------------------------------------------


def _origin(key: str, kept: Sequence[Any]) -> Any:
    if not key.isascii() or not key.isdigit():
        return None
    index = int(key)
    return kept[index] if index < len(kept) else None


def _project(fields: PlanFields, base: Project, read: Reader) -> Project:
    return base.model_copy(
        update={
            "name": read.text(fields.name, base.name),
            "year": read.year("year", fields.year),
            "unit": read.text(fields.unit, base.unit),
            "department": read.text(fields.department, base.department),
            "implementer": read.text(fields.implementer, base.implementer),
        }
    )


def _required(fields: PlanFields, required: Sequence[str], read: Reader) -> None:
    for name in required:
        if not str(getattr(fields, name, "")).strip():
            read.errors[name] = f"请填写{LABELS.get(name, name)}"


def _head(i: int, row: PlanRow, read: Reader) -> dict[str, Any]:
    """What every indicator row has: its levels, name, 分值 and 年度指标值."""
    name = row.name.strip()
    if not name:
        read.errors[f"rows.{i}.name"] = "请填写三级指标名称"
    level2, level2_weight = split_level2(row.level2)
    return {
        "level1": row.level1.strip() or None,
        "level2": level2,
        "level2_weight": level2_weight,
        "name": name or "（未命名）",
        "weight": read.number(f"rows.{i}.weight", row.weight, "分值"),
    }


def build_declaration(
    fields: PlanFields,
    schemes: Mapping[str, Scheme],
    *,
    base: Declaration | None = None,
    required: Sequence[str] = (),
) -> PlanDraft:
    """The declaration the fields describe (unchecked: the checks are the services'). ``base`` is
    the declaration being edited: what the form does not show is kept from it."""
    read = Reader()
    scheme = schemes.get(fields.scheme)
    if scheme is None:
        read.errors["scheme"] = "请选择一个评分方案"
        scheme = schemes[DEFAULT_SCHEME]
    _required(fields, required, read)
    kept = base.indicators if base is not None else ()
    indicators: list[Indicator] = []
    numbers: list[int] = []
    for i, row in enumerate(fields.rows):
        if row.blank:
            continue
        origin: Indicator | None = _origin(row.key, kept)
        values = _head(i, row, read)
        values["target"] = typed_value(row.target, origin.target if origin else None)
        if values["target"] is None:
            read.errors[f"rows.{i}.target"] = "请填写年度指标值"
        indicators.append(
            origin.model_copy(update=values) if origin is not None else Indicator.model_validate(values)
        )
        numbers.append(i)
    start = base or Declaration()
    updates = {
        "project": _project(fields, start.project, read),
        "planned_yuan": read.amount("planned", fields.planned),
        "fiscal_yuan": read.amount("fiscal", fields.fiscal),
        "other_yuan": read.amount("other", fields.other),
        "objective": read.text(fields.objective, start.objective),
        "scheme": SchemeRef(id=scheme.id, weights=scheme.weights),
        "indicators": tuple(indicators),
        "findings": start.findings,  # an importer's notes kept; the checks replace their own
    }
    record = Declaration.model_validate(start.model_copy(update=updates).model_dump(by_alias=True))
    return PlanDraft(record, read.errors, tuple(numbers))


def _choice(field: str, raw: str, choices: tuple[str, ...], read: Reader) -> str | None:
    text = raw.strip()
    if not text:
        return None
    if text not in choices:
        read.errors[field] = f"请从“{'、'.join(choices)}”中选择"
        return None
    return text


def _month(field: str, raw: str, read: Reader) -> int | None:
    text = raw.strip().removesuffix("月").strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    read.errors[field] = "月份应为 1 到 12"
    return None


def _period(fields: PlanFields, read: Reader) -> Period:
    first = _month("first_month", fields.first_month or "1", read) or 1
    last = _month("last_month", fields.last_month or "7", read) or 7
    if first > last:
        read.errors["last_month"] = f"截至月份（{last}月）早于起始月份（{first}月）"
        first = last
    return Period(first_month=first, last_month=last)


def _monitored(i: int, row: PlanRow, origin: MonitoredIndicator | None, read: Reader) -> MonitoredIndicator:
    values = _head(i, row, read)
    del values["level2_weight"]  # a 监控情况表 prints the 二级 label alone
    if values["level2"] is None and row.level2.strip():
        values["level2"] = row.level2.strip()
    cause = _choice(f"rows.{i}.cause", row.cause, CAUSES, read)
    likelihood = _choice(f"rows.{i}.likelihood", row.likelihood, LIKELIHOODS, read)
    cause_value = None if cause is None else DeviationCause(cause)
    likelihood_value = None if likelihood is None else Likelihood(likelihood)
    values.update(
        {
            "target": typed_value(row.target, origin.target if origin else None),
            "to_date": typed_value(row.to_date, origin.to_date if origin else None),
            "expected": typed_value(row.expected, origin.expected if origin else None),
            "cause": cause_value,
            "cause_text": read.text(row.cause_text, origin.cause_text if origin else None),
            "likelihood": likelihood_value,
            "note": read.text(row.note, origin.note if origin else None),
        }
    )
    if origin is not None:
        return origin.model_copy(update=values)
    return MonitoredIndicator.model_validate(values)


def build_monitoring(
    fields: PlanFields, *, base: Monitoring | None = None, required: Sequence[str] = ()
) -> PlanDraft:
    """The monitoring record the fields describe, its execution rate and the share of the year
    past computed (unchecked: the early warnings are the services')."""
    read = Reader()
    _required(fields, required, read)
    kept = base.indicators if base is not None else ()
    indicators: list[MonitoredIndicator] = []
    numbers: list[int] = []
    for i, row in enumerate(fields.rows):
        if row.blank:
            continue
        indicators.append(_monitored(i, row, _origin(row.key, kept), read))
        numbers.append(i)
    start = base or Monitoring()
    updates = {
        "project": _project(fields, start.project, read),
        "period": _period(fields, read),
        "planned_yuan": read.amount("planned", fields.planned),
        "executed_yuan": read.amount("executed", fields.executed),
        "expected_yuan": read.amount("expected", fields.expected),
        "stated_rate": read.rate("stated_rate", fields.stated_rate),
        "objective": read.text(fields.objective, start.objective),
        "objective_progress": read.text(fields.objective_progress, start.objective_progress),
        "indicators": tuple(indicators),
        "findings": start.findings,  # an importer's notes kept; the checks replace their own
    }
    record = Monitoring.model_validate(start.model_copy(update=updates).model_dump(by_alias=True))
    return PlanDraft(record.with_rates(), read.errors, tuple(numbers))


def _shared(row: PlanRow) -> dict[str, str]:
    """The fields a declared row and an evaluation's row have in common."""
    return {name: getattr(row, name) for name in ("level1", "level2", "name", "weight", "target")}


def evaluation_from_declaration(d: Declaration) -> FormFields:
    """The year-end 自评表 form started from the declaration: the project, the budget, the
    总体目标 (预期) and each declared indicator with its 分值 and 年度指标值 as the 年初目标值 — so
    the targets the evaluation states are the declared ones; what the year did is left to type."""
    return FormFields(
        scheme=d.scheme.id,
        name=d.project.name or "",
        unit=d.project.unit or "",
        year="" if d.project.year is None else str(d.project.year),
        department=d.project.department or "",
        implementer=d.project.implementer or "",
        planned=_money(d.planned_yuan),
        objectives_planned=d.objective or "",
        rows=tuple(RowFields(**_shared(_declared_row(None, ind))) for ind in d.indicators),
    )
