"""The head's questions over the current evaluations (the dashboard's first section): which units
carry risk (inflated totals, missed targets, errors), which projects missed targets, how far the
review has come, and which units have not submitted.

Read inside a :class:`jixiao.storage.queries.PortfolioReader` (one consistent snapshot), on
its connection; every function returns frozen dataclasses of plain values, like the reader's.

- A **missed target** is an indicator row the rules scored below its 分值 (``computed_score <
  weight``): the actual value fell short of the target (or, for a row the rules cannot score,
  the unit itself scored it below full).
- **Inflation** is claimed − computed total (自评得分 − 复核得分). Rows the rules cannot score
  (qualitative ones) keep the claimed score, so they add nothing to it: a unit whose rows are
  mostly qualitative shows little inflation for want of checking, not for want of inflating.
  Each unit's inflation is therefore also measured against the points the rules verified
  (Σ difference ÷ Σ verified indicator weight × 100), with the carried-over share beside it.
- **Non-submitters**: when a review round of the year in scope expects units, those of them
  without a current evaluation of that year; otherwise the units on record (each with a user,
  or with an evaluation of some year) that have none in scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import ColumnElement
from sqlalchemy import Connection
from sqlalchemy import SQLColumnExpression
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true

from jixiao.storage.queries import Filter
from jixiao.storage.rounds import RoundRow
from jixiao.storage.rounds import RoundUnitRow
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import IndicatorRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import ReviewRow
from jixiao.storage.schema import Unit
from jixiao.storage.schema import UserRow

E = EvaluationRow
I = IndicatorRow  # noqa: E741
PENDING = "已提交"  # an evaluation without a review row (browse.PENDING)
_TEN_THOUSAND = 10_000
_PER_POINT = Decimal(_TEN_THOUSAND)


@dataclass(frozen=True, slots=True)
class UnitRiskRow:
    unit_id: int
    unit: str
    evaluations: int
    with_errors: int  # evaluations with at least one error-level finding
    missed: int  # evaluations with at least one missed target
    compared: int  # evaluations with both a claimed and a computed total
    difference: Decimal  # Σ (claimed − computed) over them, exact
    inflated: int  # of them, claimed above computed by more than one point
    verified_weight: Decimal  # Σ indicator weight the rules verified, over them
    carried_weight: Decimal  # Σ indicator weight carried over from the claim, over them


@dataclass(frozen=True, slots=True)
class MissedRow:
    id: int
    unit: str
    project: str
    year: int | None
    rows: int  # indicator rows scored below their weight
    lost: Decimal  # Σ (weight − computed score) over those rows


@dataclass(frozen=True, slots=True)
class ReviewCount:
    status: str
    count: int


@dataclass(frozen=True, slots=True)
class Absent:
    unit_id: int
    unit: str


def _current(f: Filter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [~E.unreadable, E.latest == true()]
    if f.year is not None:
        where.append(E.year == f.year)
    if f.unit_id is not None:
        where.append(E.unit_id == f.unit_id)
    return where


def _points(expr: SQLColumnExpression[Any]) -> ColumnElement[int]:
    return cast(func.round(expr * _TEN_THOUSAND), BigInteger)


def _sum_if(condition: ColumnElement[bool], value: ColumnElement[int] | int = 1) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _missed_row() -> ColumnElement[bool]:
    return and_(I.weight.is_not(None), I.computed_score.is_not(None), I.computed_score < I.weight)


def unit_risks(conn: Connection, f: Filter) -> tuple[UnitRiskRow, ...]:
    """Per unit with a current evaluation in scope: its counts of errors, missed targets and
    inflation (unordered)."""
    missed = exists().where(I.evaluation_id == E.id, _missed_row())
    both = and_(E.claimed_total.is_not(None), E.computed_total.is_not(None))
    diff = _points(E.claimed_total - E.computed_total)
    q = (
        select(
            E.unit_id,
            Unit.name,
            func.count(),
            _sum_if(E.errors > 0),
            _sum_if(missed),
            _sum_if(both),
            _sum_if(both, diff),
            _sum_if(and_(both, diff > _TEN_THOUSAND)),
            _sum_if(and_(both, E.verified_weight.is_not(None)), _points(E.verified_weight)),
            _sum_if(and_(both, E.carried_weight.is_not(None)), _points(E.carried_weight)),
        )
        .join(Unit, Unit.id == E.unit_id)
        .where(*_current(f))
        .group_by(E.unit_id, Unit.name)
    )
    return tuple(
        UnitRiskRow(
            int(uid),
            name,
            int(n),
            int(err),
            int(miss),
            int(comp),
            Decimal(int(d)) / _PER_POINT,
            int(infl),
            Decimal(int(vw)) / _PER_POINT,
            Decimal(int(cw)) / _PER_POINT,
        )
        for uid, name, n, err, miss, comp, d, infl, vw, cw in conn.execute(q)
    )


def missed_targets(conn: Connection, f: Filter, limit: int) -> tuple[int, tuple[MissedRow, ...]]:
    """How many current evaluations missed a target, and the ``limit`` that lost most points
    by it (then most rows, then by id)."""
    lost = func.sum(_points(I.weight - I.computed_score))
    per = (
        select(I.evaluation_id.label("id"), func.count().label("rows"), lost.label("lost"))
        .join(E, E.id == I.evaluation_id)
        .where(*_current(f), _missed_row())
        .group_by(I.evaluation_id)
        .subquery()
    )
    total = int(conn.scalar(select(func.count()).select_from(per)) or 0)
    if limit <= 0 or not total:
        return total, ()
    q = (
        select(per.c.id, Unit.name, Project.name, E.year, per.c.rows, per.c.lost)
        .join(E, E.id == per.c.id)
        .join(Unit, Unit.id == E.unit_id)
        .join(Project, Project.id == E.project_id)
        .order_by(per.c.lost.desc(), per.c.rows.desc(), per.c.id)
        .limit(limit)
    )
    return total, tuple(
        MissedRow(int(i), unit, project, year, int(rows), Decimal(int(pts)) / _PER_POINT)
        for i, unit, project, year, rows, pts in conn.execute(q)
    )


def review_counts(conn: Connection, f: Filter) -> tuple[ReviewCount, ...]:
    """Current evaluations by review status (none recorded: 已提交), most first."""
    status = func.coalesce(ReviewRow.status, PENDING)
    q = (
        select(status, func.count())
        .select_from(E)
        .outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
        .where(*_current(f))
        .group_by(status)
    )
    counts = [ReviewCount(s, int(n)) for s, n in conn.execute(q)]
    return tuple(sorted(counts, key=lambda c: (-c.count, c.status)))


def absent_units(conn: Connection, f: Filter, *, placeholder: str) -> tuple[Absent, ...]:
    """Units that have not submitted for the scope (see the module's note), by name.
    ``placeholder`` is the name evaluations without a unit are filed under, never listed."""
    submitted = exists().where(E.unit_id == Unit.id, *_current(f))
    if f.year is not None:
        expected = (
            select(Unit.id, Unit.name)
            .join(RoundUnitRow, RoundUnitRow.unit_id == Unit.id)
            .join(RoundRow, RoundRow.id == RoundUnitRow.round_id)
            .where(RoundRow.year == f.year, ~submitted)
            .distinct()
        )
        if f.unit_id is not None:
            expected = expected.where(Unit.id == f.unit_id)
        rounds = conn.scalar(select(func.count()).select_from(RoundRow).where(RoundRow.year == f.year))
        if rounds:
            return tuple(sorted((Absent(int(i), n) for i, n in conn.execute(expected)), key=lambda a: a.unit))
    on_record = or_(
        exists().where(UserRow.unit_id == Unit.id),
        exists().where(E.unit_id == Unit.id, ~E.unreadable),
    )
    q = select(Unit.id, Unit.name).where(on_record, ~submitted, Unit.name != placeholder)
    if f.unit_id is not None:
        q = q.where(Unit.id == f.unit_id)
    return tuple(Absent(int(i), n) for i, n in conn.execute(q.order_by(Unit.name)))


def low_rate_high_score(conn: Connection, f: Filter, rate: Decimal, score: Decimal) -> int:
    """Current evaluations spending below ``rate`` yet claiming ``score`` or more."""
    q = (
        select(func.count())
        .select_from(E)
        .where(*_current(f), E.execution_rate < rate, E.claimed_total >= score)
    )
    return int(conn.scalar(q) or 0)
