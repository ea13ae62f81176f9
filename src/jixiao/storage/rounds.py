"""Review rounds (报送批次): the bureau opens a round for a year with a deadline and the units (and,
optionally, the projects) it expects; the round's page shows who has not submitted, who is late,
and how far the review has come, per unit and per reviewer.

A round reads the evaluations, it owns none: an expected unit's evaluations of the round's year
(the latest version of each project × year) are the round's. An expectation naming a project
matches that project of the unit by name; one without a project is met by any evaluation of the
unit. A submission is late when its first non-draft version was stored after the deadline day
(China time), or when nothing was submitted and the deadline has passed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from jixiao.errors import JixiaoError
from jixiao.storage.browse import APPROVED
from jixiao.storage.browse import DRAFT
from jixiao.storage.browse import IN_REVIEW
from jixiao.storage.browse import RETURNED
from jixiao.storage.browse import SUBMITTED
from jixiao.storage.db import Database
from jixiao.storage.schema import Base
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import ReviewRow
from jixiao.storage.schema import Unit
from jixiao.storage.schema import UserRow
from jixiao.storage.schema import aware

CHINA = dt.timezone(dt.timedelta(hours=8))
MAX_EXPECTED = 5000
NOT_SUBMITTED = "未报送"
WAITING = "待审核"  # 已提交, claimed by nobody: the reviewers' queue
PROGRESS_COLUMNS = (NOT_SUBMITTED, DRAFT, WAITING, IN_REVIEW, RETURNED, APPROVED)

E = EvaluationRow


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RoundError(JixiaoError):
    """A round that cannot be opened as asked."""


class RoundRow(Base):
    """A review round: a year's submissions the bureau expects by a deadline."""

    __tablename__ = "review_rounds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RoundUnitRow(Base):
    """One expectation of a round: a unit, and the project it must submit (None: any)."""

    __tablename__ = "review_round_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    project: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    title: str
    year: int
    deadline: dt.date
    created_at: dt.datetime
    expected: int

    def overdue(self, today: dt.date | None = None) -> bool:
        return (today or dt.datetime.now(CHINA).date()) > self.deadline

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.deadline - (today or dt.datetime.now(CHINA).date())).days


@dataclass(frozen=True, slots=True)
class Expected:
    """What a unit was asked for and where it stands (one row of the round's table)."""

    unit_id: int
    unit: str
    project: str | None
    evaluation_id: int | None
    project_found: str | None
    status: str  # 未报送, or the latest version's state (已提交 unclaimed shows as 待审核)
    submitted_at: dt.datetime | None
    late: bool
    reviewer: str | None


@dataclass(frozen=True, slots=True)
class Progress:
    round: Round
    rows: tuple[Expected, ...]
    by_unit: tuple[tuple[str, dict[str, int]], ...]
    by_reviewer: tuple[tuple[str, dict[str, int]], ...]
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def late(self) -> tuple[Expected, ...]:
        return tuple(r for r in self.rows if r.late)

    @property
    def missing(self) -> tuple[Expected, ...]:
        return tuple(r for r in self.rows if r.status == NOT_SUBMITTED)


@dataclass(frozen=True, slots=True)
class _Found:
    id: int
    unit_id: int
    project: str
    status: str
    reviewer: str | None
    first_at: dt.datetime


class Rounds:
    """Open rounds and read their progress."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def open(
        self,
        title: str,
        year: int,
        deadline: dt.date,
        expected: list[tuple[int, str | None]],
        user_id: int | None,
    ) -> int:
        """Open a round; ``expected`` holds (unit id, project name or None). Its id."""
        title = title.strip()[:200]
        if not title:
            raise RoundError("请填写批次名称")
        if not 1990 <= year <= 2100:
            raise RoundError(f"年度 {year} 无效，应在 1990 至 2100 之间")
        if not expected:
            raise RoundError("请至少选择一个应报送的单位")
        if len(expected) > MAX_EXPECTED:
            raise RoundError(f"应报送项目过多（{len(expected)} 项），一个批次最多 {MAX_EXPECTED} 项")
        with self.db.sessions.begin() as s:
            known = set(s.scalars(select(Unit.id).where(Unit.id.in_({u for u, _ in expected}))))
            unknown = sorted({u for u, _ in expected} - known)
            if unknown:
                raise RoundError(f"没有编号为 {'、'.join(map(str, unknown))} 的单位")
            row = RoundRow(title=title, year=year, deadline=deadline, created_by=user_id)
            s.add(row)
            s.flush()
            seen: set[tuple[int, str | None]] = set()
            for unit_id, project in expected:
                name = (project or "").strip()[:300] or None
                if (unit_id, name) in seen:
                    continue
                seen.add((unit_id, name))
                s.add(RoundUnitRow(round_id=row.id, unit_id=unit_id, project=name))
            return row.id

    def all(self) -> list[Round]:
        q = (
            select(RoundRow, func.count(RoundUnitRow.id))
            .outerjoin(RoundUnitRow, RoundUnitRow.round_id == RoundRow.id)
            .group_by(RoundRow.id)
            .order_by(RoundRow.deadline.desc(), RoundRow.id.desc())
        )
        with self.db.sessions() as s:
            return [_round(r, n) for r, n in s.execute(q)]

    def for_unit(self, unit_id: int) -> list[Round]:
        """The rounds that expect something of ``unit_id``, the nearest deadline first."""
        q = (
            select(RoundRow, func.count(RoundUnitRow.id))
            .join(RoundUnitRow, RoundUnitRow.round_id == RoundRow.id)
            .where(RoundUnitRow.unit_id == unit_id)
            .group_by(RoundRow.id)
            .order_by(RoundRow.deadline, RoundRow.id)
        )
        with self.db.sessions() as s:
            return [_round(r, n) for r, n in s.execute(q)]

    def progress(self, round_id: int, today: dt.date | None = None) -> Progress | None:
        today = today or dt.datetime.now(CHINA).date()
        with self.db.sessions() as s:
            row_ = s.get(RoundRow, round_id)
            if row_ is None:
                return None
            expected = s.execute(
                select(RoundUnitRow.unit_id, Unit.name, RoundUnitRow.project)
                .join(Unit, Unit.id == RoundUnitRow.unit_id)
                .where(RoundUnitRow.round_id == round_id)
                .order_by(Unit.name, RoundUnitRow.project)
            ).all()
            units = {u for u, _, _ in expected}
            first = (
                select(E.project_id, func.min(E.created_at).label("first_at"))
                .outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
                .where(E.year == row_.year, E.unit_id.in_(units))
                .where((ReviewRow.status.is_(None)) | (ReviewRow.status != DRAFT))
                .group_by(E.project_id)
                .subquery()
            )
            found = [
                _Found(
                    i,
                    u,
                    p,
                    _shown(status),
                    reviewer if status in (IN_REVIEW, RETURNED, APPROVED) else None,
                    aware(at) if at is not None else aware(created),
                )
                for i, u, p, status, reviewer, at, created in s.execute(
                    select(
                        E.id,
                        E.unit_id,
                        Project.name,
                        ReviewRow.status,
                        UserRow.display_name,
                        first.c.first_at,
                        E.created_at,
                    )
                    .join(Project, Project.id == E.project_id)
                    .outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
                    .outerjoin(UserRow, UserRow.id == ReviewRow.user_id)
                    .outerjoin(first, first.c.project_id == E.project_id)
                    .where(E.year == row_.year, E.unit_id.in_(units), E.latest == true())
                    .order_by(E.id)
                )
            ]
            total = len(expected)
        deadline_end = dt.datetime.combine(row_.deadline, dt.time.max, CHINA)
        used: set[int] = set()
        # Named projects first, each taking its project's evaluation; then an expectation of a
        # unit (no project) takes every other evaluation of the unit's year, or stands 未报送.
        placed: dict[int, list[Expected]] = {}

        def row(unit_id: int, unit: str, project: str | None, f: _Found | None) -> Expected:
            if f is None:
                return Expected(
                    unit_id, unit, project, None, None, NOT_SUBMITTED, None, today > row_deadline, None
                )
            submitted = f.status != DRAFT
            late = f.first_at > deadline_end if submitted else today > row_deadline
            return Expected(
                unit_id,
                unit,
                project,
                f.id,
                f.project,
                f.status,
                f.first_at if submitted else None,
                late,
                f.reviewer,
            )

        row_deadline = row_.deadline
        order = sorted(range(len(expected)), key=lambda i: expected[i][2] is None)
        for index in order:
            unit_id, unit, project = expected[index]
            if project is not None:
                match = next(
                    (f for f in found if f.unit_id == unit_id and f.id not in used and f.project == project),
                    None,
                )
                if match is not None:
                    used.add(match.id)
                placed[index] = [row(unit_id, unit, project, match)]
                continue
            matches = [f for f in found if f.unit_id == unit_id and f.id not in used]
            used.update(f.id for f in matches)
            placed[index] = [row(unit_id, unit, None, f) for f in matches] or [row(unit_id, unit, None, None)]
        rows = [r for i in range(len(expected)) for r in placed[i]]
        by_unit: dict[str, Counter[str]] = {}
        by_reviewer: dict[str, Counter[str]] = {}
        for r in rows:
            by_unit.setdefault(r.unit, Counter())[r.status] += 1
            if r.late:
                by_unit[r.unit]["逾期"] += 1
            if r.status in (IN_REVIEW, RETURNED, APPROVED):
                by_reviewer.setdefault(r.reviewer or "（未知）", Counter())[r.status] += 1
            elif r.status == WAITING:
                by_reviewer.setdefault("（未认领）", Counter())[r.status] += 1
        totals = Counter(r.status for r in rows)
        totals["逾期"] = sum(1 for r in rows if r.late)
        return Progress(
            _round(row_, total),
            tuple(rows),
            tuple((k, dict(v)) for k, v in sorted(by_unit.items())),
            tuple((k, dict(v)) for k, v in sorted(by_reviewer.items())),
            dict(totals),
        )


def _shown(status: str | None) -> str:
    """The state as the round shows it: 已提交 (unclaimed) is 待审核 there."""
    if status is None or status in (SUBMITTED, "待审核"):
        return WAITING
    return status


def _round(row: RoundRow, expected: int) -> Round:
    return Round(row.id, row.title, row.year, row.deadline, aware(row.created_at), expected)
