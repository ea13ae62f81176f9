"""The reviewer's 核定得分 per indicator row of one evaluation version, with who and when.

One row per evaluation version (``evaluations.id``) and indicator position (its index in the
contract's ``indicators``): the 核定得分 (None: only a comment), the 扣分原因 and a comment. Every
change is written to the audit log in the same transaction, with the old and new value. The
validation is the core's (:mod:`jixiao.core.review`); this module keeps and reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import defer
from sqlalchemy.orm import mapped_column

from jixiao.core.numbers import fmt_number
from jixiao.core.review import Decision
from jixiao.core.review import ReviewScoreError
from jixiao.storage.db import Database
from jixiao.storage.schema import SCORE
from jixiao.storage.schema import AuditRow
from jixiao.storage.schema import Base
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import ReviewRow
from jixiao.storage.schema import UserRow
from jixiao.storage.schema import aware

APPROVED = "审核通过"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReviewScoreRow(Base):
    """A reviewer's entry on one indicator row of one evaluation version."""

    __tablename__ = "review_scores"
    __table_args__ = (UniqueConstraint("evaluation_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    reason: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A kept entry with who made it last and when."""

    decision: Decision
    reviewer: str | None
    updated_at: dt.datetime


def _plain(value: Decimal | None) -> Decimal | None:
    """A kept score without the column's trailing zeros (6.0000 → 6, 7.5000 → 7.5)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _shown(value: Decimal | str | None) -> str | None:
    if value is None:
        return None
    return fmt_number(value) if isinstance(value, Decimal) else value


class ReviewScores:
    """Read and write the 核定得分 of evaluations."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def of(self, evaluation_id: int) -> dict[int, StoredDecision]:
        """Every entry of one evaluation version, by indicator position."""
        q = (
            select(ReviewScoreRow, UserRow.display_name)
            .outerjoin(UserRow, UserRow.id == ReviewScoreRow.user_id)
            .where(ReviewScoreRow.evaluation_id == evaluation_id)
            .order_by(ReviewScoreRow.position)
        )
        with self.db.sessions() as s:
            return {
                r.position: StoredDecision(
                    Decision(r.position, _plain(r.score), r.reason, r.comment), name, aware(r.updated_at)
                )
                for r, name in s.execute(q)
            }

    def put(
        self,
        evaluation_id: int,
        decision: Decision,
        *,
        row_name: str,
        user_id: int | None,
        actor: str,
    ) -> bool:
        """Keep ``decision`` (validated by the caller) and audit each changed field; an entry with
        nothing left (no score, reason or comment) is removed. Whether anything changed."""
        with self.db.sessions.begin() as s:
            ev = s.get(EvaluationRow, evaluation_id, options=[defer(EvaluationRow.contract)])
            if ev is None:
                raise ReviewScoreError(f"没有编号为 {evaluation_id} 的评价")
            if not ev.latest:
                raise ReviewScoreError("这不是该评价的最新版本，只能在最新版本上填写核定得分")
            status = s.scalar(select(ReviewRow.status).where(ReviewRow.evaluation_id == evaluation_id))
            if status == APPROVED:
                raise ReviewScoreError("这份评价已审核通过，核定得分已锁定；如需修改，请先重新打开审核")
            row = s.scalars(
                select(ReviewScoreRow)
                .where(
                    ReviewScoreRow.evaluation_id == evaluation_id,
                    ReviewScoreRow.position == decision.position,
                )
                .with_for_update()
            ).one_or_none()
            old = (row.score, row.reason, row.comment) if row is not None else (None, None, None)
            new = (decision.score, decision.reason, decision.comment)
            labels = ("核定得分", "扣分原因", "复核批注")
            changes = [
                (label, _shown(o), _shown(n))
                for label, o, n in zip(labels, old, new, strict=True)
                if _shown(o) != _shown(n)
            ]
            if not changes:
                return False
            now = _now()
            if all(v is None for v in new):
                if row is not None:
                    s.delete(row)
            else:
                if row is None:
                    row = ReviewScoreRow(evaluation_id=evaluation_id, position=decision.position)
                    s.add(row)
                row.score, row.reason, row.comment = new
                row.user_id = user_id
                row.updated_at = now
            where = f"第{decision.position + 1}行“{row_name}”"
            s.add_all(
                AuditRow(
                    at=now,
                    user_id=user_id,
                    actor=actor[:100],
                    project_id=ev.project_id,
                    year=ev.year,
                    evaluation_id=evaluation_id,
                    action="review_score",
                    field=f"{label}（{where}）",
                    old=o,
                    new=n,
                )
                for label, o, n in changes
            )
            return True
