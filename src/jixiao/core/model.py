"""The evaluation model: one project's performance self-evaluation for one year.

These immutable pydantic models are the contract every part of jixiao speaks (see
``docs/contract.md``): importers build them, the engine scores and checks them, storage keeps
them and exporters print them. Their JSON form is ``jixiao.evaluation/1``.

Money is yuan as an exact ``Decimal`` rounded to the fen; rates are fractions (0.9924); scores are
points. In JSON every such number is written as a JSON number (never a string) and read back
exactly, so a round trip is lossless. Absent facts are ``None``, never guessed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from typing import Literal
from typing import Self

from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import PlainSerializer

from jixiao.core.numbers import yuan

SCHEMA_ID: Literal["jixiao.evaluation/1"] = "jixiao.evaluation/1"


def _json_number(value: Decimal) -> int | float | str:
    """Write a Decimal as a JSON number, exactly.

    Integral values become ints; others go through a float, whose shortest repr reproduces every
    decimal of up to 15 significant digits (any amount below a trillion yuan to the fen). A longer
    value is written as a string instead, which reads back exactly too: nothing is ever rounded
    on the way out.
    """
    if value == value.to_integral_value():
        return int(value)
    # Up to 15 significant digits every shortest-repr float writer (Python's, pydantic-core's)
    # gives back exactly these digits; beyond that two writers may pick different neighbours.
    if len(value.normalize().as_tuple().digits) <= 15:
        return float(value)
    return str(value)


Number = Annotated[Decimal, PlainSerializer(_json_number, return_type=int | float | str, when_used="json")]
Money = Annotated[
    Decimal,
    AfterValidator(yuan),
    PlainSerializer(_json_number, return_type=int | float | str, when_used="json"),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Op(StrEnum):
    """How a target (or actual) value compares: the operator written in front of it."""

    GE = ">="
    LE = "<="
    EQ = "="
    RANGE = "range"
    QUALITATIVE = "qualitative"


class Severity(StrEnum):
    """How bad a finding is: ``error`` contradicts numbers or rules, ``warning`` cannot be
    verified or is weak, ``info`` is worth a look."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Group(StrEnum):
    """Level-1 indicator groups a scheme weighs; ``budget_execution`` is the 预算执行 block."""

    BUDGET_EXECUTION = "budget_execution"
    OUTPUT = "output"
    EFFECT = "effect"
    SATISFACTION = "satisfaction"
    COST = "cost"


class Kind(StrEnum):
    """What is evaluated: one project's spending (项目支出), or a department's whole spending
    (部门整体支出: all its budget money, judged on its 收入/支出 budget, rate, score and grade)."""

    PROJECT = "project"
    DEPARTMENT = "department"


class Value(_Frozen):
    """A target (年初目标值) or actual (实际完成值) as written, and what it means.

    ``op`` is ``qualitative`` when no single measurable quantity could be read from ``text``;
    ``value``/``high``/``unit`` are then ``None``. A range ``25~30人`` has ``op == "range"``,
    ``value`` 25 and ``high`` 30. ``approx`` marks 余/约/左右 (“500余起”).
    """

    text: str
    op: Op = Op.QUALITATIVE
    value: Number | None = None
    high: Number | None = None
    unit: str | None = None
    approx: bool = False

    @property
    def is_quantity(self) -> bool:
        """Whether a number was read from the text."""
        return self.op is not Op.QUALITATIVE and self.value is not None


class Source(_Frozen):
    """The file an evaluation was read from; ``part`` names the table, sheet or rows of it when
    the file holds several evaluations (``"表3"``, ``"工作表“项目A”"``, ``"表1 第20–38行"``)."""

    path: str | None = None
    format: str | None = None
    sha256: str | None = None
    part: str | None = None


class Project(_Frozen):
    """The header of a 自评表: which project, which year, whose."""

    name: str | None = None
    year: int | None = None
    unit: str | None = None
    department: str | None = None
    implementer: str | None = None
    category: str | None = None
    attribute: str | None = None
    type: str | None = None
    filled_date: dt.date | None = None


class BudgetLine(_Frozen):
    """One detail line of the budget (表1 row or enumerated prose line).

    ``group`` names the subtotal line this line belongs to; lines without a group are the
    top-level lines whose sum must equal the budget total.
    """

    name: str
    planned_yuan: Money | None = None
    executed_yuan: Money | None = None
    group: str | None = None
    location: str | None = None


class Budget(_Frozen):
    """The 预算执行情况 block.

    ``planned_yuan`` is the 全年预算数 (adjusted budget, the base of the execution rate),
    ``initial_yuan`` the 年初预算数 where a table states it, ``received_yuan`` the funds that
    arrived (到位), ``executed_yuan`` what was spent. ``stated_rate`` is the rate as the document
    prints it; ``execution_rate`` is executed ÷ planned when both are known, else the stated one.
    """

    planned_yuan: Money | None = None
    initial_yuan: Money | None = None
    received_yuan: Money | None = None
    executed_yuan: Money | None = None
    execution_rate: Number | None = None
    stated_rate: Number | None = None
    lines: tuple[BudgetLine, ...] = ()


class Weights(_Frozen):
    """Level-1 weights in points; a group the scheme lacks is 0."""

    budget_execution: Number = Decimal(0)
    output: Number = Decimal(0)
    effect: Number = Decimal(0)
    satisfaction: Number = Decimal(0)
    cost: Number = Decimal(0)

    def of(self, group: Group) -> Decimal:
        """The weight of one group."""
        value: Decimal = getattr(self, group.value)
        return value

    @property
    def total(self) -> Decimal:
        """The sum of all groups (100 in a well-formed scheme)."""
        return self.budget_execution + self.output + self.effect + self.satisfaction + self.cost


class SchemeRef(_Frozen):
    """Which scoring scheme the evaluation uses, with the level-1 weights it applies.

    ``declared`` is true when the weights were stated by the document (“产出指标（40分）”)
    rather than taken from the scheme's defaults. ``sha256`` is the content hash
    (``Scheme.digest``) of the scheme the evaluation was last scored under (set by
    ``engine.evaluate``), so a user's own scheme file is found again
    (``jixiao.services.scheme_for``) and never mistaken for another of the same id.
    """

    id: str
    weights: Weights = Field(default_factory=Weights)
    declared: bool = False
    sha256: str | None = None


class IndicatorRow(_Frozen):
    """What every indicator row states: its 一级/二级 labels, its name, weight and target."""

    level1: str | None = None
    level2: str | None = None
    name: str
    weight: Number | None = None
    target: Value | None = None


class Indicator(IndicatorRow):
    """One 三级指标 row: what was promised, what was achieved, and its score.

    ``group`` identifies the 二级 cell the row sits under (rows sharing one merged cell share
    it); ``level2_weight`` is that cell's declared weight. ``computed_score`` is ``None`` when
    the rules cannot decide a score; ``explanation`` then says why and the recomputed total keeps
    the claimed score.
    """

    actual: Value | None = None
    claimed_score: Number | None = None
    computed_score: Number | None = None
    explanation: str | None = None
    rule: str | None = None
    level2_weight: Number | None = None
    group: int | None = None
    deviation_reason: str | None = None
    location: str | None = None


class SubUnit(_Frozen):
    """A sub-unit (下级单位) whose indicators are aggregated, weighted by its funds."""

    name: str
    planned_yuan: Money | None = None
    executed_yuan: Money | None = None
    indicators: tuple[Indicator, ...] = ()
    location: str | None = None


class Claimed(_Frozen):
    """What the document itself states."""

    budget_execution_score: Number | None = None
    total: Number | None = None
    grade: str | None = None


class Computed(_Frozen):
    """What the scheme's rules give, with the reasoning for the budget score and the total.

    ``verified_weight``/``carried_weight`` split the indicator weights into the rows the rules
    scored exactly and the rows whose claimed score was carried over (qualitative rows above
    all); ``verified_points``/``carried_points`` split the total the same way (the budget score
    counted as verified when computed). All four are None when no row has a weight.
    """

    budget_execution_score: Number | None = None
    total: Number | None = None
    grade: str | None = None
    max_total: Number | None = None
    budget_explanation: str | None = None
    total_explanation: str | None = None
    verified_weight: Number | None = None
    carried_weight: Number | None = None
    verified_points: Number | None = None
    carried_points: Number | None = None

    @property
    def unverified_share(self) -> Decimal | None:
        """The carried-over share (0–1) of the indicator weights; None when unknown."""
        if self.verified_weight is None or self.carried_weight is None:
            return None
        whole = self.verified_weight + self.carried_weight
        return self.carried_weight / whole if whole > 0 else None


class Finding(_Frozen):
    """A problem found in an evaluation, with a stable code and the place it was found.

    ``indicator`` is the index of the indicator row it concerns, if any.
    """

    code: str
    severity: Severity
    message: str
    location: str | None = None
    indicator: int | None = None


class Objectives(_Frozen):
    """年度总体目标: what was planned and what was achieved, as prose."""

    planned: str | None = None
    achieved: str | None = None


# A figure OCR read with less confidence than this is shown as worth checking against the
# original (figures below the reading's own floor, ``Limits.ocr_min_confidence``, are not taken
# at all unless the form's arithmetic decides them).
LOW_CONFIDENCE = Decimal("0.9")


class ScanMark(_Frozen):
    """Where OCR read a fact of a scan: the page (from 1), the box around what it read there
    (``[x0, y0, x1, y1]``, pixels of the page image as prepared for reading, origin top-left),
    that image's ``width`` × ``height`` in pixels (so the box can be drawn, or taken as shares of
    the page), and the engine's ``confidence`` (0–1, the lowest among the pieces read).
    """

    page: int
    box: tuple[int, int, int, int]
    width: int
    height: int
    confidence: Number

    @property
    def low(self) -> bool:
        """Whether the engine was less sure of this reading than a reviewer should take on
        trust (below :data:`LOW_CONFIDENCE`): worth a look at the original."""
        return self.confidence < LOW_CONFIDENCE

    def words(self) -> str:
        """The mark as a reviewer reads it: ``"识别置信度 0.93，第1页"``."""
        return f"识别置信度 {self.confidence:.2f}，第{self.page}页"

    def pixels(self) -> str:
        """The box in pixels of the page image: ``"图像框 120,340–480,380（页面 2480×3508 像素）"``."""
        x0, y0, x1, y1 = self.box
        return f"图像框 {x0},{y0}–{x1},{y1}（页面 {self.width}×{self.height} 像素）"

    @property
    def shares(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """The box as shares (0–1) of the page's width and height."""
        x0, y0, x1, y1 = self.box
        w, h = Decimal(max(self.width, 1)), Decimal(max(self.height, 1))
        return (Decimal(x0) / w, Decimal(y0) / h, Decimal(x1) / w, Decimal(y1) / h)


# The facts of an indicator row OCR reads (keys ``indicators.{i}.{role}`` of ``scanned``).
ROW_FIGURES = ("target", "actual", "weight", "claimed_score")


def no_marks(value: dict[str, ScanMark]) -> bool:
    """Whether a record's ``scanned`` is empty: then its JSON leaves the key out (every file
    that is no scan), so their JSON is as it was."""
    return not value


class ContractRecord(_Frozen):
    """A contract record (an evaluation, a declaration, a monitoring): its JSON in and out."""

    def to_json(self, *, indent: int | None = 2) -> str:
        """The contract JSON text (keys by contract name, numbers as JSON numbers)."""
        return self.model_dump_json(by_alias=True, indent=indent)

    def to_dict(self) -> dict[str, object]:
        """The contract JSON as Python data (Decimals become JSON-safe numbers)."""
        data: dict[str, object] = self.model_dump(mode="json", by_alias=True)
        return data

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Read a contract JSON text; numbers are read exactly as Decimals."""
        return cls.model_validate_json(text)


class Evaluation(ContractRecord):
    """One project's performance self-evaluation for one year (``jixiao.evaluation/1``).

    ``kind`` says whether it is a 项目支出 or a 部门整体支出 self-evaluation (checks that concern
    a project only are not run on the latter). ``provenance`` maps a fact's path
    (``"claimed.total"``, ``"budget.planned_yuan"``) to where the document states it, so a finding
    can name its place. ``problems`` is the text of the 存在的问题 section, ``None`` when the
    document has none. ``scanned`` maps the path of each fact read by OCR (the paths of
    ``provenance``, and ``indicators.{i}.target`` / ``.actual`` / ``.weight`` /
    ``.claimed_score`` and ``budget.lines.{i}.planned_yuan`` / ``.executed_yuan``) to its page,
    box and confidence; it is empty for a file that is no scan.
    """

    schema_: Literal["jixiao.evaluation/1"] = Field(default=SCHEMA_ID, alias="schema")
    kind: Kind = Kind.PROJECT
    source: Source | None = None
    project: Project = Field(default_factory=Project)
    budget: Budget = Field(default_factory=Budget)
    scheme: SchemeRef = Field(default_factory=lambda: SchemeRef(id="mof-2020"))
    indicators: tuple[Indicator, ...] = ()
    claimed: Claimed = Field(default_factory=Claimed)
    computed: Computed = Field(default_factory=Computed)
    findings: tuple[Finding, ...] = ()
    objectives: Objectives = Field(default_factory=Objectives)
    problems: str | None = None
    sub_units: tuple[SubUnit, ...] = ()
    provenance: dict[str, str] = Field(default_factory=dict)
    scanned: dict[str, ScanMark] = Field(default_factory=dict, exclude_if=no_marks)

    def scan_of(self, *paths: str) -> ScanMark | None:
        """The least sure of the OCR marks of these fact paths (None when OCR read none)."""
        marks = [self.scanned[p] for p in paths if p in self.scanned]
        return min(marks, key=lambda mark: mark.confidence) if marks else None

    def row_scan(self, index: int) -> ScanMark | None:
        """The least sure OCR mark of indicator row ``index``'s figures (target, actual,
        weight, score)."""
        return self.scan_of(*(f"indicators.{index}.{role}" for role in ROW_FIGURES))
