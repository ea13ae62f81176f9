"""The evaluation form: its fields as typed, and the Evaluation they stand for, both ways.

The form shows an evaluation as text fields (amounts as ``5,358,672.00``, weights as ``2``,
targets as written) and reads them back with the core's parsers: amounts through
``parse_amount`` with 元 as the unit of a bare number (so ``12.5万元`` works), rates through
``parse_rate``, targets and actuals through ``parse_value``, weights and scores as exact numbers.
A field that cannot be read gets a Chinese message under its name (``planned``,
``rows.3.weight``) and counts as empty, so the preview still scores the rest.

Indicator rows are parallel lists (``ind_name``, ``ind_weight``, … one value per row, in order),
which is what a browser posts for repeated inputs and what a cloned row adds to. Each row carries
``ind_key``, the index of the row it shows in the evaluation the form started from: editing an
imported evaluation replaces only what the form edits and keeps the rest (the row's location in
the document, a target the extractor read from a numeric cell while its text is unchanged, the
budget lines, sub-units, provenance, source…); a field counts as unchanged while its words are,
whitespace aside (a browser drops a text input's line breaks and sends a textarea's as CRLF), so
opening and saving a form changes nothing. A 二级 cell's declared weight is written into its
label (``数量指标（20分）``), as 自评表 print it, and rows that follow each other under the same 二级
label share one cell.

Pure: no I/O, no web framework. The schemes are passed in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.authoring.changes import plain
from jixiao.core.engine import evaluate
from jixiao.core.groups import strip_weight
from jixiao.core.model import Budget
from jixiao.core.model import BudgetLine
from jixiao.core.model import Claimed
from jixiao.core.model import Computed
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import Objectives
from jixiao.core.model import Project
from jixiao.core.model import ScanMark
from jixiao.core.model import SchemeRef
from jixiao.core.model import Value
from jixiao.core.model import Weights
from jixiao.core.numbers import HUNDRED
from jixiao.core.numbers import fmt_money
from jixiao.core.numbers import to_decimal
from jixiao.core.scheme import Scheme
from jixiao.core.values import parse_amount
from jixiao.core.values import parse_rate
from jixiao.core.values import parse_value
from jixiao.schemes import DEFAULT_SCHEME

MAX_ROWS = 100
_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
MAX_TEXT = 20_000
MIN_YEAR, MAX_YEAR = 1949, 2100

# The 一级 labels the form offers; 成本指标 only under a scheme that weighs cost (财预〔2021〕101号).
LEVEL1_LABELS = ("产出指标", "效益指标", "满意度指标")
COST_LABEL = "成本指标"

WEIGHT_FIELDS: tuple[tuple[str, Group, str], ...] = (
    ("w_budget_execution", Group.BUDGET_EXECUTION, "预算执行"),
    ("w_output", Group.OUTPUT, "产出指标"),
    ("w_effect", Group.EFFECT, "效益指标"),
    ("w_satisfaction", Group.SATISFACTION, "满意度指标"),
    ("w_cost", Group.COST, "成本指标"),
)

# Finding codes that describe the submitted file rather than the figures: kept through an edit,
# except that a file's being unreadable no longer describes an evaluation whose content was typed.
_UNREADABLE = "UNREADABLE_DOCUMENT"


@dataclass(frozen=True, slots=True)
class RowFields:
    """One indicator row as typed. ``key`` is the row's index in the evaluation the form started
    from ("" for a row added in the form)."""

    key: str = ""
    level1: str = ""
    level2: str = ""
    name: str = ""
    weight: str = ""
    target: str = ""
    actual: str = ""
    claimed_score: str = ""
    deviation_reason: str = ""

    @property
    def blank(self) -> bool:
        """Nothing typed (the 一级 select always has a value, so it does not count)."""
        return not any(
            v.strip()
            for v in (
                self.level2,
                self.name,
                self.weight,
                self.target,
                self.actual,
                self.claimed_score,
                self.deviation_reason,
            )
        )


ROW_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(RowFields))
"""The row fields; each is posted as ``ind_<field>``, once per row."""


@dataclass(frozen=True, slots=True)
class LineFields:
    """One line of the 预算明细 as typed; ``key`` is its index in the evaluation the form started
    from ("" for a line added in the form), so a line's group is kept while it is edited."""

    key: str = ""
    name: str = ""
    planned: str = ""
    executed: str = ""

    @property
    def blank(self) -> bool:
        return not any(v.strip() for v in (self.name, self.planned, self.executed))


LINE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(LineFields))
"""The 预算明细 fields; each is posted as ``line_<field>``, once per line."""
MAX_LINES = 50

# The choices the official forms print as ■/□ (the export layouts' ``choices``).
CATEGORY_CHOICES = ("部门预算项目", "专项资金", "转移支付项目")
ATTRIBUTE_CHOICES = ("持续性项目", "新增性项目")
TYPE_CHOICES = ("常年性项目", "延续性项目", "一次性项目")


@dataclass(frozen=True, slots=True)
class FormFields:
    """Every field of the form, as typed."""

    scheme: str = DEFAULT_SCHEME
    name: str = ""
    unit: str = ""
    year: str = ""
    department: str = ""
    implementer: str = ""
    category: str = ""
    attribute: str = ""
    project_type: str = ""
    filled_date: str = ""
    planned: str = ""
    initial: str = ""
    received: str = ""
    executed: str = ""
    stated_rate: str = ""
    claimed_budget_score: str = ""
    claimed_total: str = ""
    claimed_grade: str = ""
    w_budget_execution: str = ""
    w_output: str = ""
    w_effect: str = ""
    w_satisfaction: str = ""
    w_cost: str = ""
    objectives_planned: str = ""
    objectives_achieved: str = ""
    problems: str = ""
    rows: tuple[RowFields, ...] = ()
    lines: tuple[LineFields, ...] = ()


SCALAR_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(FormFields) if f.name not in ("rows", "lines")
)

LABELS: dict[str, str] = {
    "scheme": "评分方案",
    "name": "项目名称",
    "unit": "预算单位",
    "year": "年度",
    "department": "主管部门",
    "implementer": "实施单位",
    "category": "项目类别",
    "attribute": "项目属性",
    "project_type": "项目类型",
    "filled_date": "填报日期",
    "planned": "年度预算数",
    "initial": "年初预算数",
    "received": "实际到位数",
    "executed": "执行数",
    "stated_rate": "填报执行率",
    "claimed_budget_score": "预算执行自评得分",
    "claimed_total": "自评总分",
    "claimed_grade": "自评等级",
    **{name: f"{label}权重" for name, _, label in WEIGHT_FIELDS},
    "objectives_planned": "年度总体目标（预期）",
    "objectives_achieved": "年度总体目标（实际完成）",
    "problems": "存在的问题",
    "level1": "一级指标",
    "level2": "二级指标",
    "weight": "权重",
    "target": "年初目标值",
    "actual": "实际完成值",
    "claimed_score": "自评得分",
    "deviation_reason": "偏差原因",
    "line_name": "明细名称",
    "line_planned": "明细预算数",
    "line_executed": "明细执行数",
}


@dataclass(frozen=True, slots=True)
class Draft:
    """What the form gives: the evaluation scored under ``scheme``, the messages of the fields
    that could not be read (by field name), and each indicator's row number in the form."""

    evaluation: Evaluation
    scheme: Scheme
    errors: dict[str, str]
    rows: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


# -- form ⇄ fields ----------------------------------------------------------------------------------


def _clean(value: str) -> str:
    """A posted value with the browser's CRLF line breaks (textareas) as ``\n``."""
    return value[:MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n")


def _first(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or ()
    return _clean(values[0]) if values else ""


def parallel(
    form: Mapping[str, Sequence[str]], prefix: str, names: Sequence[str], limit: int
) -> list[dict[str, str]]:
    """The rows of parallel lists ``<prefix><name>`` (one value per row, in order), each as a
    dict by ``name``; at most ``limit`` rows, a list shorter than the others read as blanks."""
    columns = {name: list(form.get(f"{prefix}{name}") or ()) for name in names}
    count = min(max((len(v) for v in columns.values()), default=0), limit)
    return [
        {name: (_clean(values[i]) if i < len(values) else "") for name, values in columns.items()}
        for i in range(count)
    ]


def scalars(form: Mapping[str, Sequence[str]], names: Sequence[str]) -> dict[str, str]:
    """The first value posted under each of ``names`` ("" when none)."""
    return {name: _first(form, name) for name in names}


def fields_from_form(form: Mapping[str, Sequence[str]]) -> FormFields:
    """The fields of a posted form (each name mapped to its values, in order)."""
    rows = tuple(RowFields(**r) for r in parallel(form, "ind_", ROW_FIELDS, MAX_ROWS))
    lines = tuple(LineFields(**r) for r in parallel(form, "line_", LINE_FIELDS, MAX_LINES))
    return FormFields(**scalars(form, SCALAR_FIELDS), rows=rows, lines=lines)


def fields_as_json(fields: FormFields) -> dict[str, object]:
    """The fields as plain data (a draft kept on the server)."""
    return dataclasses.asdict(fields)


def fields_from_json(data: object) -> FormFields | None:
    """The fields of a kept draft (None when it is not one)."""
    if not isinstance(data, dict):
        return None
    form: dict[str, list[str]] = {}
    for name in SCALAR_FIELDS:
        value = data.get(name)
        if isinstance(value, str):
            form[name] = [value]
    for key, names, prefix in (("rows", ROW_FIELDS, "ind_"), ("lines", LINE_FIELDS, "line_")):
        items = data.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, dict):
                continue
            for name in names:
                value = item.get(name)
                form.setdefault(prefix + name, []).append(value if isinstance(value, str) else "")
    return fields_from_form(form)


def level2_label(level2: str | None, weight: Decimal | None) -> str:
    """A 二级 cell as the form writes it: ``数量指标（20分）`` when it declares a weight."""
    if weight is None:
        return level2 or ""
    return f"{level2 or ''}（{plain(weight)}分）"


def _percent(rate: Decimal | None) -> str:
    return "" if rate is None else f"{plain(rate * HUNDRED)}%"


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else fmt_money(amount)


def fields_of(ev: Evaluation) -> FormFields:
    """The form's fields showing ``ev`` (its declared weights only when it declares them)."""
    p, b = ev.project, ev.budget
    weights = {
        name: (plain(ev.scheme.weights.of(group)) or "") if ev.scheme.declared else ""
        for name, group, _ in WEIGHT_FIELDS
    }
    rows = tuple(
        RowFields(
            key=str(i),
            level1=ind.level1 or "",
            level2=level2_label(ind.level2, ind.level2_weight),
            name=ind.name,
            weight=plain(ind.weight) or "",
            target=ind.target.text if ind.target else "",
            actual=ind.actual.text if ind.actual else "",
            claimed_score=plain(ind.claimed_score) or "",
            deviation_reason=ind.deviation_reason or "",
        )
        for i, ind in enumerate(ev.indicators)
    )
    lines = tuple(
        LineFields(
            key=str(i), name=line.name, planned=_money(line.planned_yuan), executed=_money(line.executed_yuan)
        )
        for i, line in enumerate(b.lines)
    )
    return FormFields(
        scheme=ev.scheme.id,
        name=p.name or "",
        unit=p.unit or "",
        year="" if p.year is None else str(p.year),
        department=p.department or "",
        implementer=p.implementer or "",
        category=p.category or "",
        attribute=p.attribute or "",
        project_type=p.type or "",
        filled_date=p.filled_date.isoformat() if p.filled_date else "",
        planned=_money(b.planned_yuan),
        initial=_money(b.initial_yuan),
        received=_money(b.received_yuan),
        executed=_money(b.executed_yuan),
        stated_rate=_percent(b.stated_rate),
        claimed_budget_score=plain(ev.claimed.budget_execution_score) or "",
        claimed_total=plain(ev.claimed.total) or "",
        claimed_grade=ev.claimed.grade or "",
        objectives_planned=ev.objectives.planned or "",
        objectives_achieved=ev.objectives.achieved or "",
        problems=ev.problems or "",
        rows=rows,
        lines=lines,
        **weights,
    )


def blank_form(scheme: str = DEFAULT_SCHEME, year: int | None = None) -> FormFields:
    """A new evaluation's form: one empty row under each 一级 label."""
    return FormFields(
        scheme=scheme,
        year="" if year is None else str(year),
        rows=tuple(RowFields(level1=label) for label in LEVEL1_LABELS),
    )


def with_row_added(fields: FormFields) -> FormFields:
    """One more empty row, under the 一级 and 二级 of the last one."""
    if len(fields.rows) >= MAX_ROWS:
        return fields
    last = fields.rows[-1] if fields.rows else RowFields(level1=LEVEL1_LABELS[0])
    return dataclasses.replace(fields, rows=(*fields.rows, RowFields(level1=last.level1, level2=last.level2)))


def without_row(fields: FormFields, index: int) -> FormFields:
    """The fields without row ``index`` (unchanged when there is no such row)."""
    if not 0 <= index < len(fields.rows):
        return fields
    return dataclasses.replace(fields, rows=fields.rows[:index] + fields.rows[index + 1 :])


def level1_choices(scheme: Scheme) -> tuple[str, ...]:
    """The 一级 labels the form offers under ``scheme``."""
    return (*LEVEL1_LABELS, COST_LABEL) if scheme.weights.cost > 0 else LEVEL1_LABELS


# -- fields → evaluation ----------------------------------------------------------------------------


def same(typed: str, stored: str | None) -> bool:
    """Whether a field still says what was stored, whitespace aside: a browser drops the line
    breaks of a text input's value and sends a textarea's as CRLF."""
    return "".join(typed.split()) == "".join((stored or "").split())


class Reader:
    """Reads typed text into values, collecting a message per field that cannot be read."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def text(self, raw: str, kept: str | None = None) -> str | None:
        """The text typed, or ``kept`` (the edited evaluation's) while the words are unchanged."""
        if kept is not None and same(raw, kept):
            return kept
        return raw.strip() or None

    def amount(self, field: str, raw: str) -> Decimal | None:
        text = raw.strip()
        if not text:
            return None
        value = parse_amount(text, "元")
        if value is None:
            self.errors[field] = f"无法识别金额“{text}”，请写成 125000、125,000.00 或 12.5万元"
        elif value < 0:
            self.errors[field] = "金额不能为负数"
            return None
        return value

    def number(self, field: str, raw: str, what: str) -> Decimal | None:
        text = raw.strip().removesuffix("分").strip()
        if not text:
            return None
        value = to_decimal(text)
        if value is None:
            self.errors[field] = f"{what}“{raw.strip()}”不是数字"
        elif value < 0:
            self.errors[field] = f"{what}不能为负数"
            return None
        return value

    def rate(self, field: str, raw: str) -> Decimal | None:
        text = raw.strip()
        if not text:
            return None
        value = parse_rate(text)
        if value is None:
            self.errors[field] = f"无法识别执行率“{text}”，请写成 95% 或 0.95"
        return value

    def date(self, field: str, raw: str) -> dt.date | None:
        text = raw.strip()
        if not text:
            return None
        m = _DATE.fullmatch(text)
        try:
            if m is None:
                raise ValueError(text)
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            self.errors[field] = f"无法识别日期“{text}”，请写成 2024-03-15 或 2024年3月15日"
            return None

    def year(self, field: str, raw: str) -> int | None:
        text = raw.strip().removesuffix("年度").removesuffix("年").strip()
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
            self.errors[field] = f"年度应为四位数字的年份，如 2024（{MIN_YEAR}–{MAX_YEAR}）"
            return None
        return int(text)


def _weights(fields: FormFields, scheme: Scheme, read: Reader) -> SchemeRef:
    """The scheme's default weights, or the ones typed (declared), completed as the authoring
    format completes them: when the typed ones make 100 a group left empty is 0, else it keeps
    the scheme's weight."""
    typed: dict[Group, Decimal] = {}
    for name, group, label in WEIGHT_FIELDS:
        value = read.number(name, getattr(fields, name), f"{label}权重")
        if value is not None:
            typed[group] = value
    if not typed:
        return SchemeRef(id=scheme.id, weights=scheme.weights, declared=False)
    complete = sum(typed.values(), Decimal(0)) == HUNDRED
    weights = Weights(
        **{g.value: typed.get(g, Decimal(0) if complete else scheme.weights.of(g)) for g in Group}
    )
    return SchemeRef(id=scheme.id, weights=weights, declared=True)


def typed_value(raw: str, kept: Value | None) -> Value | None:
    """A target or actual: the kept one while its text is unchanged, else read from the text."""
    if kept is not None and same(raw, kept.text):
        return kept
    return parse_value(raw.strip())


def split_level2(typed: str) -> tuple[str | None, Decimal | None]:
    """A 二级 cell as typed, ``数量指标（20分）``: its label and the weight it declares."""
    label = typed.strip()
    suffix = label[len(strip_weight(label)) :]
    weight = to_decimal("".join(c for c in suffix if c.isdigit() or c == ".")) if suffix else None
    return strip_weight(label) or None, weight


def _row(i: int, row: RowFields, origin: Indicator | None, read: Reader) -> Indicator:
    where = f"rows.{i}"
    name = read.text(row.name, origin.name if origin is not None else None)
    if not name:
        read.errors[f"{where}.name"] = "请填写三级指标名称"
    if origin is not None and same(row.level2, level2_label(origin.level2, origin.level2_weight)):
        level2, level2_weight = origin.level2, origin.level2_weight
    else:
        level2, level2_weight = split_level2(row.level2)
    if origin is not None and same(row.level1, origin.level1):
        level1 = origin.level1
    else:
        level1 = row.level1.strip() or None
    values = {
        "level1": level1,
        "level2": level2,
        "level2_weight": level2_weight,
        "name": name or "（未命名）",
        "weight": read.number(f"{where}.weight", row.weight, "权重"),
        "target": typed_value(row.target, origin.target if origin else None),
        "actual": typed_value(row.actual, origin.actual if origin else None),
        "claimed_score": read.number(f"{where}.claimed_score", row.claimed_score, "自评得分"),
        "deviation_reason": read.text(row.deviation_reason, origin.deviation_reason if origin else None),
        "computed_score": None,
        "explanation": None,
        "rule": None,
    }
    if origin is not None:
        return origin.model_copy(update=values)
    return Indicator.model_validate(values)


def _lines(fields: FormFields, base: Evaluation | None, read: Reader) -> tuple[BudgetLine, ...]:
    """The 预算明细 as typed; a line from the edited evaluation keeps its group and place."""
    kept = base.budget.lines if base is not None else ()
    out: list[BudgetLine] = []
    for i, line in enumerate(fields.lines):
        if line.blank:
            continue
        where = f"lines.{i}"
        name = line.name.strip()
        if not name:
            read.errors[f"{where}.name"] = "请填写明细名称"
        planned = read.amount(f"{where}.planned", line.planned)
        executed = read.amount(f"{where}.executed", line.executed)
        origin = (
            kept[int(line.key)]
            if line.key.isascii() and line.key.isdigit() and int(line.key) < len(kept)
            else None
        )
        values = {"name": name or "（未命名）", "planned_yuan": planned, "executed_yuan": executed}
        out.append(
            origin.model_copy(update=values) if origin is not None else BudgetLine.model_validate(values)
        )
    return tuple(out)


def _grouped(rows: list[tuple[Indicator, Indicator | None]]) -> tuple[Indicator, ...]:
    """Give each 二级 cell its id (1, 2, 3, … in order): a row joins the cell of the row before it
    when both name the same 一级 and 二级 (with the same declared weight), unless both come from
    the edited evaluation where they sat in different cells (two cells of one name, side by side,
    as some 自评表 print them)."""
    out: list[Indicator] = []
    previous: tuple[str | None, str | None, Decimal | None] | None = None
    previous_cell: int | None = None
    group = 0
    for ind, origin in rows:
        cell = origin.group if origin is not None else None
        if ind.level2 is None and ind.level2_weight is None:
            previous = previous_cell = None
            out.append(ind.model_copy(update={"group": None}))
            continue
        key = (ind.level1, ind.level2, ind.level2_weight)
        split = cell is not None and previous_cell is not None and cell != previous_cell
        if key != previous or split:
            group += 1
        previous, previous_cell = key, cell
        out.append(ind.model_copy(update={"group": group}))
    return tuple(out)


def kept_marks(base: Evaluation, draft: Evaluation, origins: Sequence[int | None]) -> dict[str, ScanMark]:
    """The OCR marks of ``base`` (a scan) that still describe ``draft``'s facts: a fact the form
    left as it was keeps its mark, an indicator row's under the row's new index (``origins``: the
    index in ``base`` of each row of ``draft``); a fact typed anew loses it (it was not read)."""
    moved = {old: new for new, old in enumerate(origins) if old is not None}
    kept: dict[str, ScanMark] = {}
    for path, mark in base.scanned.items():
        parts = path.split(".")
        target = path
        if parts[0] == "indicators" and len(parts) == 3 and parts[1].isdigit():
            new = moved.get(int(parts[1]))
            if new is None:
                continue
            target = f"indicators.{new}.{parts[2]}"
        stated = _at(base, path)
        if stated is not None and stated == _at(draft, target):
            kept[target] = mark
    return kept


def _at(ev: Evaluation, path: str) -> object:
    value: object = ev
    for part in path.split("."):
        if part.isdigit() and isinstance(value, tuple):
            value = value[int(part)] if int(part) < len(value) else None
        else:
            value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _origin(key: str, base: Evaluation | None) -> Indicator | None:
    if base is None or not key.isascii() or not key.isdigit():
        return None
    index = int(key)
    return base.indicators[index] if index < len(base.indicators) else None


def build(
    fields: FormFields,
    schemes: Mapping[str, Scheme],
    *,
    base: Evaluation | None = None,
    required: Sequence[str] = (),
) -> Draft:
    """The evaluation the fields describe, scored and checked under the chosen scheme.

    ``base`` is the evaluation being edited: what the form does not show is kept from it.
    ``required`` names the fields that must not be empty (on saving: the project's name…).
    """
    read = Reader()
    scheme = schemes.get(fields.scheme)
    if scheme is None:
        read.errors["scheme"] = "请选择一个评分方案"
        scheme = schemes[DEFAULT_SCHEME]
    for name in required:
        if not str(getattr(fields, name, "")).strip():
            read.errors[name] = f"请填写{LABELS.get(name, name)}"

    p = base.project if base is not None else Project()
    project_values = {
        "name": read.text(fields.name, p.name),
        "year": read.year("year", fields.year),
        "unit": read.text(fields.unit, p.unit),
        "department": read.text(fields.department, p.department),
        "implementer": read.text(fields.implementer, p.implementer),
        "category": read.text(fields.category, p.category),
        "attribute": read.text(fields.attribute, p.attribute),
        "type": read.text(fields.project_type, p.type),
        "filled_date": read.date("filled_date", fields.filled_date),
    }
    stated = read.rate("stated_rate", fields.stated_rate)
    budget_values = {
        "planned_yuan": read.amount("planned", fields.planned),
        "initial_yuan": read.amount("initial", fields.initial),
        "received_yuan": read.amount("received", fields.received),
        "executed_yuan": read.amount("executed", fields.executed),
        "stated_rate": stated,
        # The engine replaces it with executed ÷ planned when both are known.
        "execution_rate": stated,
        "lines": _lines(fields, base, read),
    }
    claimed = Claimed(
        budget_execution_score=read.number(
            "claimed_budget_score", fields.claimed_budget_score, "预算执行自评得分"
        ),
        total=read.number("claimed_total", fields.claimed_total, "自评总分"),
        grade=read.text(fields.claimed_grade, base.claimed.grade if base is not None else None),
    )
    ref = _weights(fields, scheme, read)

    rows: list[tuple[Indicator, Indicator | None]] = []
    numbers: list[int] = []
    origins: list[int | None] = []  # the index in ``base`` of each row's indicator
    for i, row in enumerate(fields.rows):
        if row.blank:
            continue
        origin = _origin(row.key, base)
        rows.append((_row(i, row, origin, read), origin))
        numbers.append(i)
        origins.append(int(row.key) if origin is not None else None)

    o = base.objectives if base is not None else Objectives()
    objectives = {
        "planned": read.text(fields.objectives_planned, o.planned),
        "achieved": read.text(fields.objectives_achieved, o.achieved),
    }
    typed = (
        bool(rows)
        or any(v is not None and v != () for v in budget_values.values())
        or claimed.total is not None
    )
    findings: tuple[Finding, ...] = ()
    if base is not None:
        findings = tuple(f for f in base.findings if not (typed and f.code == _UNREADABLE))
    updates = {
        "project": p.model_copy(update=project_values),
        "budget": (base.budget if base else Budget()).model_copy(update=budget_values),
        "scheme": ref,
        "indicators": _grouped(rows),
        "claimed": claimed,
        "computed": Computed(),
        "findings": findings,
        "objectives": o.model_copy(update=objectives),
        "problems": read.text(fields.problems, base.problems if base is not None else None),
    }
    draft = base.model_copy(update=updates) if base is not None else Evaluation.model_validate(updates)
    # Re-validate: model_copy does not run validators (money rounding to the fen, for one).
    draft = Evaluation.model_validate(draft.model_dump(by_alias=True))
    if base is not None and base.scanned:
        draft = draft.model_copy(update={"scanned": kept_marks(base, draft, origins)})
    return Draft(evaluation=evaluate(draft, scheme), scheme=scheme, errors=read.errors, rows=tuple(numbers))


# -- helpers for the clerk: scores from the rules, last year's form, a pasted block ---------------


def fill_scores(fields: FormFields, draft: Draft) -> tuple[FormFields, tuple[int, ...]]:
    """The fields with each row's 自评得分 set to the score the rules give it, the 预算执行自评得分,
    the 自评总分 and the 自评等级 set to the computed ones; and the form rows the rules cannot
    score (qualitative targets and the like), which keep what the clerk typed and need judgement."""
    ev = draft.evaluation
    by_row = dict(zip(draft.rows, ev.indicators, strict=True))
    judge: list[int] = []
    rows: list[RowFields] = []
    for i, row in enumerate(fields.rows):
        ind = by_row.get(i)
        if ind is None:
            rows.append(row)
        elif ind.computed_score is None:
            judge.append(i)
            rows.append(row)
        else:
            rows.append(dataclasses.replace(row, claimed_score=plain(ind.computed_score) or "0"))
    c = ev.computed
    return (
        dataclasses.replace(
            fields,
            rows=tuple(rows),
            claimed_budget_score=plain(c.budget_execution_score) or fields.claimed_budget_score,
            claimed_total=plain(c.total) or fields.claimed_total,
            claimed_grade=c.grade or fields.claimed_grade,
        ),
        tuple(judge),
    )


def for_next_year(ev: Evaluation) -> FormFields:
    """A new year's form started from ``ev``: the project, the indicators and their targets kept;
    what belongs to the year evaluated (amounts spent, actual values, scores, reasons, the
    results, the filing date) left empty, and the year one later."""
    was = fields_of(ev)
    rows = tuple(
        dataclasses.replace(r, key="", actual="", claimed_score="", deviation_reason="") for r in was.rows
    )
    lines = tuple(dataclasses.replace(line, key="", executed="") for line in was.lines)
    year = ev.project.year + 1 if ev.project.year is not None and ev.project.year < MAX_YEAR else None
    return dataclasses.replace(
        was,
        year="" if year is None else str(year),
        filled_date="",
        received="",
        executed="",
        stated_rate="",
        claimed_budget_score="",
        claimed_total="",
        claimed_grade="",
        objectives_achieved="",
        problems="",
        rows=rows,
        lines=lines,
    )
