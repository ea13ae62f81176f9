"""The reviewer's own scores (核定得分): validation and the reviewer total and grade.

A reviewer of the finance bureau enters, per indicator row, a 核定得分 and — when it is below
the unit's claim — a 扣分原因. The reviewer total is then:

- the budget-execution score the rules computed (else the claimed one, capped at its weight);
- per weighted row: the 核定得分 when entered, else the score the rules verified exactly, else the
  unit's claim as the recomputed total counts it (carried over, still unverified);
- capped by the execution rate when the scheme says so, and graded under the evaluation's scheme.

Pure: no I/O; the storage keeps the scores, the services call :func:`reviewer_totals`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.numbers import HUNDRED
from jixiao.core.numbers import ONE
from jixiao.core.numbers import ZERO
from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import fmt_score
from jixiao.core.numbers import places
from jixiao.core.numbers import round_to
from jixiao.core.scheme import Scheme
from jixiao.errors import JixiaoError

REASON_MAX = 2000
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,6}(?:\.[0-9]{1,6})?")
_VERIFIED_RULES = frozenset({"binary", "positive", "negative", "equal", "range", "satisfaction_bands"})


class ReviewScoreError(JixiaoError):
    """A 核定得分 or 扣分原因 that cannot be accepted; the message is Chinese, for the reviewer."""


class Basis(StrEnum):
    """Where a row's points in the reviewer total come from."""

    DECIDED = "核定"
    VERIFIED = "规则核验"
    CARRIED = "沿用自评"


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's entry on one indicator row (position = its index in ``indicators``)."""

    position: int
    score: Decimal | None
    reason: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class RowTotal:
    """One row of the reviewer total: 自评得分, 复核得分 (the rules'), 核定得分 and what counts."""

    position: int
    name: str
    weight: Decimal | None
    claimed: Decimal | None
    computed: Decimal | None
    decided: Decimal | None
    counted: Decimal | None
    basis: Basis | None
    reason: str | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class ReviewerTotals:
    """The reviewer total and grade, and how many indicator points each basis covers."""

    rows: tuple[RowTotal, ...]
    budget_score: Decimal | None
    total: Decimal | None
    grade: str | None
    decided_weight: Decimal
    verified_weight: Decimal
    carried_weight: Decimal
    explanation: str

    @property
    def unverified_share(self) -> Decimal | None:
        whole = self.decided_weight + self.verified_weight + self.carried_weight
        return self.carried_weight / whole if whole > 0 else None


def rule_verified(ind: Indicator) -> bool:
    """Whether the rules fixed the row's score exactly (not a qualitative band, not a kept claim)."""
    return ind.computed_score is not None and ind.rule in _VERIFIED_RULES


def weight_split(ev: Evaluation) -> tuple[Decimal, Decimal] | None:
    """(verified, carried) indicator weights: as scored (``computed``), else read off the rows of a
    contract scored before the split was recorded; None when no row has a weight."""
    c = ev.computed
    if c.verified_weight is not None and c.carried_weight is not None:
        return c.verified_weight, c.carried_weight
    weighted = [ind for ind in ev.indicators if ind.weight is not None]
    if not weighted:
        return None
    verified = sum((ind.weight or ZERO for ind in weighted if rule_verified(ind)), ZERO)
    carried = sum((ind.weight or ZERO for ind in weighted if not rule_verified(ind)), ZERO)
    return verified, carried


def parse_score(text: str | None) -> Decimal | None:
    """A 核定得分 as typed (blank: none); refused in Chinese when it is not a plain number."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    raw = raw.removesuffix("分").strip()
    if not _PLAIN_NUMBER.fullmatch(raw):
        raise ReviewScoreError(f"核定得分“{text}”不是数字，请填写如 8 或 7.5 的分数")
    return Decimal(raw)


def validate(
    ind: Indicator, position: int, score: Decimal | None, reason: str | None, score_places: int
) -> str | None:
    """Check one entry against its row; return the reason as kept (stripped, None when blank).

    核定得分 must be a number from 0 to the row's weight with at most the scheme's decimals; a
    row without a weight cannot be given one; 扣分原因 is required when 核定得分 is below the claim."""
    where = f"第{position + 1}行指标“{ind.name}”"
    kept = (reason or "").strip() or None
    if kept is not None and len(kept) > REASON_MAX:
        raise ReviewScoreError(f"{where}：扣分原因过长（{len(kept)}字），最多{REASON_MAX}字")
    if score is None:
        return kept
    if ind.weight is None:
        raise ReviewScoreError(f"{where}未载明权重，无法核定得分")
    if score < ZERO:
        raise ReviewScoreError(f"{where}：核定得分{fmt_number(score)}不能为负数")
    if score > ind.weight:
        raise ReviewScoreError(
            f"{where}：核定得分{fmt_number(score)}超过该指标权重{fmt_number(ind.weight)}分"
        )
    exponent = score.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > score_places:
        raise ReviewScoreError(f"{where}：核定得分{fmt_number(score)}最多保留{score_places}位小数")
    claimed = ind.claimed_score
    if claimed is not None and score < claimed and kept is None:
        raise ReviewScoreError(
            f"{where}：核定得分{fmt_number(score)}低于自评得分{fmt_number(claimed)}，必须填写扣分原因"
        )
    return kept


def reviewer_totals(ev: Evaluation, decisions: dict[int, Decision], scheme: Scheme) -> ReviewerTotals:
    """The reviewer total and grade of a scored evaluation under ``scheme`` with the entries given."""
    quantum = places(scheme.score_places)
    rows: list[RowTotal] = []
    decided_w = verified_w = carried_w = ZERO
    item_sum = ZERO
    weighted = False
    for i, ind in enumerate(ev.indicators):
        d = decisions.get(i)
        decided = d.score if d is not None else None
        counted: Decimal | None = None
        basis: Basis | None = None
        if ind.weight is not None:
            weighted = True
            if decided is not None:
                counted, basis = decided, Basis.DECIDED
                decided_w += ind.weight
            elif rule_verified(ind):
                counted, basis = ind.computed_score, Basis.VERIFIED
                verified_w += ind.weight
            else:
                counted, basis = _carried(ind), Basis.CARRIED
                carried_w += ind.weight
            item_sum += counted or ZERO
        rows.append(
            RowTotal(
                i,
                ind.name,
                ind.weight,
                ind.claimed_score,
                ind.computed_score,
                decided,
                counted,
                basis,
                d.reason if d is not None else None,
                d.comment if d is not None else None,
            )
        )
    budget_weight = ev.scheme.weights.budget_execution
    budget = ev.computed.budget_execution_score
    if budget is None and ev.claimed.budget_execution_score is not None:
        budget = min(max(ev.claimed.budget_execution_score, ZERO), budget_weight)
    if not weighted:
        return ReviewerTotals(
            tuple(rows),
            budget,
            None,
            None,
            decided_w,
            verified_w,
            carried_w,
            "没有载明权重的指标，无法计算核定总分",
        )
    total = round_to((budget or ZERO) + item_sum, quantum)
    explanation = (
        f"核定总分 = 预算执行{fmt_score(budget or ZERO)} + 指标得分{fmt_score(item_sum)} = {fmt_score(total)}"
        f"（指标权重中核定{fmt_number(decided_w)}分、规则核验{fmt_number(verified_w)}分、"
        f"沿用自评{fmt_number(carried_w)}分）"
    )
    rate = ev.budget.execution_rate
    if scheme.cap_total_by_execution_rate and rate is not None and total > HUNDRED * min(rate, ONE):
        total = round_to(HUNDRED * min(rate, ONE), quantum)
        explanation += f"；按方案，总分不超过预算执行率×100 = {fmt_score(total)}"
    grade = scheme.grade_of(total)
    if grade is not None:
        explanation += f"；等级“{grade}”"
    return ReviewerTotals(tuple(rows), budget, total, grade, decided_w, verified_w, carried_w, explanation)


def _carried(ind: Indicator) -> Decimal:
    """What the recomputed total counts for a row the rules did not verify: the band-clamped
    score when the rules bound it, else the claim capped into [0, weight] (0 when none)."""
    if ind.computed_score is not None:
        return ind.computed_score
    claimed = ind.claimed_score
    if claimed is None:
        return ZERO
    top = ind.weight if ind.weight is not None else claimed
    return min(max(claimed, ZERO), top)


def verification_text(verified_weight: Decimal | None, carried_weight: Decimal | None) -> str | None:
    """“指标权重80分：规则核验10分，沿用自评70分（87.5%未经核验）”, None when unknown."""
    if verified_weight is None or carried_weight is None:
        return None
    whole = verified_weight + carried_weight
    if whole <= 0:
        return None
    share = carried_weight / whole * HUNDRED
    return (
        f"指标权重{fmt_number(whole)}分：规则核验{fmt_number(verified_weight)}分，"
        f"沿用自评{fmt_number(carried_weight)}分（{fmt_number(round_to(share, places(1)))}%未经核验）"
    )
