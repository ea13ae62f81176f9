"""Scoring schemes as data: weights, formulas, bands and grades.

A scheme says how one jurisdiction scores a self-evaluation: the level-1 weights, how the
budget-execution rate becomes points, how a quantitative indicator is scored for each direction
(≥, ≤, =), the qualitative bands, how satisfaction is scored, optional local add-ons, and the
grade bands. Built-in schemes are TOML files in ``jixiao/schemes/`` (each number cites its
source); a user can pass their own file. This module only defines the shape and validates it:
reading files is the ``jixiao.schemes`` package's job, so the core stays free of I/O.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import cached_property
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import model_validator

from jixiao.core.model import Group
from jixiao.core.model import Weights


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tier(_Spec):
    """A step of a banded rule: at or above ``min`` (a fraction) earn ``share`` of the weight."""

    min: Decimal
    share: Decimal = Field(ge=0, le=1)


class BudgetRule(_Spec):
    """How the execution rate (executed ÷ planned) becomes the budget-execution score.

    - ``linear``: weight × min(rate, 1) — overspending earns nothing extra.
    - ``tiered``: the first tier whose ``min`` the rate reaches gives ``share`` × weight.
    - ``deduct_per_point``: full at 100%, each percentage point below deducts
      ``deduct_per_point`` of the weight, nothing at or below ``zero_at``.
    """

    rule: Literal["linear", "tiered", "deduct_per_point"] = "linear"
    tiers: tuple[Tier, ...] = ()
    deduct_per_point: Decimal = Decimal("0.05")
    zero_at: Decimal = Decimal("0.8")

    @model_validator(mode="after")
    def _tiers_present(self) -> BudgetRule:
        if self.rule == "tiered" and not self.tiers:
            raise ValueError('rule = "tiered" 需要 tiers')
        return self


class QuantitativeRule(_Spec):
    """Quantitative indicators (A = target, B = actual, w = weight).

    - ``positive`` (≥A): ``ratio`` → w × min(B/A, 1); ``gate`` → 0 below ``gate`` completion,
      else w × (min(B/A, 1) − gate) / (1 − gate).
    - ``negative`` (≤A): ``inverse_ratio`` → full if B ≤ A else w × A/B (B = 0 is full);
      ``linear_to_double`` → full if B ≤ A, falling linearly to 0 at B = 2A.
    - ``equal`` (=A): ``as_positive`` scores like ≥ when A > 0; A = 0 is pass/fail.
    """

    positive: Literal["ratio", "gate"] = "ratio"
    gate: Decimal = Field(default=Decimal("0.6"), ge=0, lt=1)
    negative: Literal["inverse_ratio", "linear_to_double"] = "inverse_ratio"
    equal: Literal["as_positive"] = "as_positive"


class QualitativeRule(_Spec):
    """Qualitative bands as shares of the weight: 达成 ∈ [achieved_min, 1],
    部分达成 ∈ [partial_min, achieved_min), 未达成 ∈ [0, partial_min)."""

    achieved_min: Decimal = Field(default=Decimal("0.8"), gt=0, le=1)
    partial_min: Decimal = Field(default=Decimal("0.6"), ge=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self) -> QualitativeRule:
        if self.partial_min >= self.achieved_min:
            raise ValueError("partial_min 必须小于 achieved_min")
        return self


class SatisfactionRule(_Spec):
    """Satisfaction indicators: ``ratio`` scores them like any ≥ indicator; ``bands`` gives
    ``share`` × weight for the first band whose ``min`` (a fraction) the survey result reaches."""

    rule: Literal["ratio", "bands"] = "ratio"
    bands: tuple[Tier, ...] = ()

    @model_validator(mode="after")
    def _bands_present(self) -> SatisfactionRule:
        if self.rule == "bands" and not self.bands:
            raise ValueError('rule = "bands" 需要 bands')
        return self


class OverAchievementRule(_Spec):
    """Large over-completion (B/A ≥ ``review_ratio``) must be explained (偏差原因); a scheme may
    also deduct ``deduct_share`` × weight when no explanation is given (0 = finding only)."""

    review_ratio: Decimal | None = Decimal("1.3")
    deduct_share: Decimal = Field(default=Decimal(0), ge=0, le=1)


class GradeBand(_Spec):
    """Totals at or above ``min`` get ``grade``; ``aliases`` are other names for the same grade."""

    min: Decimal
    grade: str
    aliases: tuple[str, ...] = ()


class Scheme(_Spec):
    """One scoring scheme. Fields mirror the TOML file; see ``docs/schemes.md``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    version: int = 1
    jurisdiction: str = ""
    source: str = ""
    weights: Weights
    budget_execution: BudgetRule = Field(default_factory=BudgetRule)
    quantitative: QuantitativeRule = Field(default_factory=QuantitativeRule)
    qualitative: QualitativeRule = Field(default_factory=QualitativeRule)
    satisfaction: SatisfactionRule = Field(default_factory=SatisfactionRule)
    over_achievement: OverAchievementRule = Field(default_factory=OverAchievementRule)
    cap_total_by_execution_rate: bool = False
    grades: tuple[GradeBand, ...]
    score_places: int = Field(default=2, ge=0, le=4)
    tolerance: Decimal = Field(default=Decimal("0.01"), ge=0)
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        if self.weights.total != 100:
            raise ValueError(f"一级权重合计应为100，实为{self.weights.total}")
        if not self.grades:
            raise ValueError("至少需要一个等级区间")
        mins = [band.min for band in self.grades]
        if mins != sorted(mins, reverse=True):
            raise ValueError("等级区间须按 min 从高到低排列")
        return self

    def grade_of(self, total: Decimal | None) -> str | None:
        """The grade a total earns under this scheme's bands."""
        if total is None:
            return None
        for band in self.grades:
            if total >= band.min:
                return band.grade
        return None

    def canonical_grade(self, name: str | None) -> str | None:
        """Map a grade as written (优秀, 良好, …) to this scheme's grade name, or None."""
        if not name:
            return None
        text = name.strip().strip("“”\"'「」")
        for band in self.grades:
            if text == band.grade or text in band.aliases:
                return band.grade
        return None

    def group_weight(self, group: Group) -> Decimal:
        """The level-1 weight of a group."""
        return self.weights.of(group)

    @cached_property
    def definition(self) -> str:
        """The scheme as canonical JSON: every rule, nothing of the file's layout or comments.
        ``Scheme.model_validate_json(definition)`` gives back an equal scheme."""
        return self.model_dump_json()

    @cached_property
    def digest(self) -> str:
        """The SHA-256 of :attr:`definition`: two schemes score alike exactly when it is equal."""
        return hashlib.sha256(self.definition.encode("utf-8")).hexdigest()
