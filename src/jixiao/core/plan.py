"""The two records of a project-year before its self-evaluation: the declared targets and the
in-year monitoring.

A project's year has three records (``docs/contract.md``, domain §1.4): the 绩效目标申报表
declared with the budget (:class:`Declaration`, ``jixiao.declaration/1``), the 1–7月 绩效监控
record (:class:`Monitoring`, ``jixiao.monitoring/1``: budget execution against the calendar and,
per indicator, the figure to date, the expected full-year figure, the 偏差原因 and the
完成目标可能性), and the year-end self-evaluation (:class:`jixiao.core.model.Evaluation`). The
declaration reuses the evaluation's :class:`~jixiao.core.model.Indicator` (its ``target`` is the
年度指标值; ``actual`` and the scores stay empty), so the year-end link compares like with like.

Same conventions as the evaluation model: immutable pydantic, money as ``Decimal`` yuan to the
fen, rates as fractions, absent facts ``None``, JSON numbers written exactly.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field
from pydantic import model_validator

from jixiao.core.model import ContractRecord
from jixiao.core.model import Finding
from jixiao.core.model import Indicator
from jixiao.core.model import IndicatorRow
from jixiao.core.model import Money
from jixiao.core.model import Number
from jixiao.core.model import Project
from jixiao.core.model import ScanMark
from jixiao.core.model import SchemeRef
from jixiao.core.model import Source
from jixiao.core.model import Value
from jixiao.core.model import _Frozen
from jixiao.core.model import no_marks
from jixiao.core.numbers import RATE
from jixiao.core.numbers import round_to

DECLARATION_SCHEMA: Literal["jixiao.declaration/1"] = "jixiao.declaration/1"
MONITORING_SCHEMA: Literal["jixiao.monitoring/1"] = "jixiao.monitoring/1"


class Stage(StrEnum):
    """How far a project-year has come: targets declared, monitored in the year, self-evaluated."""

    DECLARED = "declared"
    MONITORED = "monitored"
    EVALUATED = "evaluated"

    @property
    def label(self) -> str:
        """The Chinese name of the stage."""
        return _STAGE_LABELS[self]


_STAGE_LABELS = {Stage.DECLARED: "目标申报", Stage.MONITORED: "执行监控", Stage.EVALUATED: "年终自评"}


class DeviationCause(StrEnum):
    """The 偏差原因分析 category of the 监控情况表 ([豫监控] 表注)."""

    FUNDING = "经费保障"
    RULES = "制度保障"
    STAFF = "人员保障"
    HARDWARE = "硬件条件保障"
    OTHER = "其他"


class Likelihood(StrEnum):
    """完成目标可能性: whether the annual target will be met, as the unit judges it in the year."""

    CERTAIN = "确定能"
    POSSIBLE = "有可能"
    IMPOSSIBLE = "完全不可能"


class Declaration(ContractRecord):
    """A project's 绩效目标申报表 for one year (``jixiao.declaration/1``).

    ``planned_yuan`` is the 年度资金总额 declared with the budget (``fiscal_yuan`` 财政拨款 and
    ``other_yuan`` 其他资金 where the table splits it); ``objective`` the 年度总体目标.
    ``indicators`` are the declared 三级指标 with their ``weight`` (分值) and ``target``
    (年度指标值); ``scheme`` names the scoring scheme whose level-1 weights the declaration
    follows (a cost-indicator scheme asks for 成本指标). ``findings`` are the declaration checks'
    (:func:`jixiao.core.year.check_declaration`).
    """

    schema_: Literal["jixiao.declaration/1"] = Field(default=DECLARATION_SCHEMA, alias="schema")
    source: Source | None = None
    project: Project = Field(default_factory=Project)
    planned_yuan: Money | None = None
    fiscal_yuan: Money | None = None
    other_yuan: Money | None = None
    objective: str | None = None
    scheme: SchemeRef = Field(default_factory=lambda: SchemeRef(id="mof-2020"))
    indicators: tuple[Indicator, ...] = ()
    findings: tuple[Finding, ...] = ()
    provenance: dict[str, str] = Field(default_factory=dict)
    # each fact read by OCR: its page, box and confidence (see Evaluation.scanned)
    scanned: dict[str, ScanMark] = Field(default_factory=dict, exclude_if=no_marks)


class MonitoredIndicator(IndicatorRow):
    """One indicator row of the 监控情况表.

    ``target`` is the 年度指标值 (as declared), ``to_date`` the 1–7月执行情况, ``expected`` the
    全年预计完成情况. ``cause`` and ``cause_text`` are the 偏差原因分析 (category and the
    unit's words), ``likelihood`` the 完成目标可能性, ``note`` the 备注.
    """

    to_date: Value | None = None
    expected: Value | None = None
    cause: DeviationCause | None = None
    cause_text: str | None = None
    likelihood: Likelihood | None = None
    note: str | None = None
    location: str | None = None

    @property
    def explained(self) -> bool:
        """Whether a 偏差原因 is given (a category other than 其他, or any words)."""
        text = (self.cause_text or "").strip()
        return bool(text) or (self.cause is not None and self.cause is not DeviationCause.OTHER)


class Period(_Frozen):
    """The months a monitoring record covers within its year (``1–7月`` by default)."""

    first_month: int = Field(default=1, ge=1, le=12)
    last_month: int = Field(default=7, ge=1, le=12)

    @model_validator(mode="after")
    def _in_order(self) -> Period:
        if self.first_month > self.last_month:
            raise ValueError(f"监控期间的起始月份（{self.first_month}月）晚于截止月份（{self.last_month}月）")
        return self

    @property
    def label(self) -> str:
        """As the tables write it: ``1—7月``."""
        if self.first_month == self.last_month:
            return f"{self.last_month}月"
        return f"{self.first_month}—{self.last_month}月"

    @property
    def elapsed(self) -> Decimal:
        """The share of the year past at the end of the period (7/12 for 1–7月), a fraction."""
        return round_to(Decimal(self.last_month) / Decimal(12), RATE)


class Monitoring(ContractRecord):
    """A project's 绩效目标执行监控 record for one period of one year (``jixiao.monitoring/1``).

    ``planned_yuan`` is the 全年预算数, ``executed_yuan`` what was spent by the end of the period
    and ``expected_yuan`` the 全年预计执行数. ``execution_rate`` is executed ÷ planned (computed
    when both are known, see :meth:`with_rates`), ``stated_rate`` the rate the table prints, and
    ``time_elapsed`` the share of the year past (``period.elapsed``): "execution far behind the
    calendar" compares the two. ``objective_progress`` is the 年度总体目标 1–7月完成情况.
    """

    schema_: Literal["jixiao.monitoring/1"] = Field(default=MONITORING_SCHEMA, alias="schema")
    source: Source | None = None
    project: Project = Field(default_factory=Project)
    period: Period = Field(default_factory=Period)
    planned_yuan: Money | None = None
    executed_yuan: Money | None = None
    expected_yuan: Money | None = None
    stated_rate: Number | None = None
    execution_rate: Number | None = None
    time_elapsed: Number | None = None
    objective: str | None = None
    objective_progress: str | None = None
    indicators: tuple[MonitoredIndicator, ...] = ()
    findings: tuple[Finding, ...] = ()
    provenance: dict[str, str] = Field(default_factory=dict)
    # each fact read by OCR: its page, box and confidence (see Evaluation.scanned)
    scanned: dict[str, ScanMark] = Field(default_factory=dict, exclude_if=no_marks)

    def with_rates(self) -> Monitoring:
        """This record with ``execution_rate`` (executed ÷ planned, else the stated rate) and
        ``time_elapsed`` filled."""
        rate = self.stated_rate
        if self.planned_yuan and self.executed_yuan is not None and self.planned_yuan > 0:
            rate = round_to(self.executed_yuan / self.planned_yuan, RATE)
        return self.model_copy(update={"execution_rate": rate, "time_elapsed": self.period.elapsed})
