"""What the web editor keeps besides evaluations: each user's unsaved form (a draft) and the
evidence files (佐证材料) attached to an evaluation or to one of its indicator rows.

A draft is the form as typed, kept per user and per form (``new`` for a new evaluation,
``edit:<id>`` while editing one) so that coming back to the form restores every row. It is a
JSON object of the form's fields, opaque here; the web layer reads it back.

Evidence belongs to a project's evaluation for one year (like the audit log), so it stays with
the evaluation through its versions. ``indicator`` names the 三级指标 it supports (None: the
evaluation as a whole). Its bytes are kept in the archive of originals, content-addressed
(``stored`` is the path relative to the data directory); the row records who attached it.
While the project × year is approved (审核通过, locked) no evidence is attached or removed
(:class:`EvidenceLocked`), as no new version is saved; each attachment and removal is in the
audit log (action ``evidence``, field 佐证材料).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import BigInteger
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from jixiao.errors import JixiaoError
from jixiao.storage.browse import APPROVED
from jixiao.storage.db import Database
from jixiao.storage.schema import AuditRow
from jixiao.storage.schema import Base
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import ReviewRow
from jixiao.storage.schema import aware

MAX_DRAFT_CHARS = 2_000_000


EVIDENCE_ACTION = "evidence"
"""The audit log's action for an evidence file attached (new: its name) or removed (old)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class EvidenceLocked(JixiaoError):
    """Evidence attached to or removed from an approved (locked) project × year."""


class DraftRow(Base):
    """A user's unsaved form: the fields as typed (JSON), one per user and form."""

    __tablename__ = "editor_drafts"
    __table_args__ = (UniqueConstraint("user_id", "scope"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(50))
    fields: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EvidenceRow(Base):
    """One evidence file (佐证材料) of a project's evaluation for a year, for the whole evaluation
    or for one indicator (by its 三级指标 name)."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_project_year", "project_id", "year", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    year: Mapped[int | None] = mapped_column(Integer)
    indicator: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    stored: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True, slots=True)
class Draft:
    scope: str
    fields: str
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Evidence:
    id: int
    project_id: int
    year: int | None
    indicator: str | None
    name: str
    sha256: str
    stored: str
    size: int
    media_type: str
    actor: str
    created_at: dt.datetime


def _evidence(row: EvidenceRow) -> Evidence:
    return Evidence(
        row.id,
        row.project_id,
        row.year,
        row.indicator,
        row.name,
        row.sha256,
        row.stored,
        row.size,
        row.media_type,
        row.actor,
        aware(row.created_at),
    )


class EditorStore:
    """Drafts and evidence (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- drafts -------------------------------------------------------------------------------------

    def save_draft(self, user_id: int, scope: str, fields: str) -> dt.datetime:
        """Keep ``fields`` as the user's draft of ``scope`` (replacing the one before); when."""
        if len(fields) > MAX_DRAFT_CHARS:
            raise ValueError("草稿过大")
        try:
            return self._save_draft(user_id, scope, fields)
        except IntegrityError:  # two first saves at once: the second updates the first
            return self._save_draft(user_id, scope, fields)

    def _save_draft(self, user_id: int, scope: str, fields: str) -> dt.datetime:
        now = _now()
        with self.db.sessions.begin() as s:
            row = s.scalars(
                select(DraftRow).where(DraftRow.user_id == user_id, DraftRow.scope == scope)
            ).first()
            if row is None:
                s.add(DraftRow(user_id=user_id, scope=scope, fields=fields, updated_at=now))
            else:
                row.fields, row.updated_at = fields, now
        return now

    def draft(self, user_id: int, scope: str) -> Draft | None:
        with self.db.sessions() as s:
            row = s.scalars(
                select(DraftRow).where(DraftRow.user_id == user_id, DraftRow.scope == scope)
            ).first()
            return None if row is None else Draft(row.scope, row.fields, aware(row.updated_at))

    def drop_draft(self, user_id: int, scope: str) -> None:
        with self.db.sessions.begin() as s:
            s.execute(delete(DraftRow).where(DraftRow.user_id == user_id, DraftRow.scope == scope))

    # -- evidence -----------------------------------------------------------------------------------

    def add_evidence(
        self,
        *,
        project_id: int,
        year: int | None,
        indicator: str | None,
        name: str,
        sha256: str,
        stored: str,
        size: int,
        media_type: str,
        user_id: int | None,
        actor: str,
    ) -> Evidence:
        with self.db.sessions.begin() as s:
            latest = _refuse_locked(s, project_id, year, f"添加佐证材料“{name}”")
            row = EvidenceRow(
                project_id=project_id,
                year=year,
                indicator=indicator,
                name=name,
                sha256=sha256,
                stored=stored,
                size=size,
                media_type=media_type,
                user_id=user_id,
                actor=actor,
                created_at=_now(),
            )
            s.add(row)
            s.flush()
            shown = f"{name}（{indicator}）" if indicator else name
            _audit(s, project_id, year, latest, user_id, actor, old=None, new=shown)
            return _evidence(row)

    def evidence_of(self, project_id: int, year: int | None) -> list[Evidence]:
        """The evidence of a project's evaluation for ``year``, in the order attached."""
        same_year = EvidenceRow.year.is_(None) if year is None else EvidenceRow.year == year
        with self.db.sessions() as s:
            rows = s.scalars(
                select(EvidenceRow)
                .where(EvidenceRow.project_id == project_id, same_year)
                .order_by(EvidenceRow.id)
            ).all()
            return [_evidence(r) for r in rows]

    def evidence(self, evidence_id: int) -> Evidence | None:
        with self.db.sessions() as s:
            row = s.get(EvidenceRow, evidence_id)
            return None if row is None else _evidence(row)

    def refuse_locked(self, project_id: int, year: int | None, what: str) -> None:
        """:class:`EvidenceLocked` when the project × year is approved (``what``: the change)."""
        with self.db.sessions() as s:
            _refuse_locked(s, project_id, year, what, lock=False)

    def remove_evidence(self, evidence_id: int, *, user_id: int | None = None, actor: str) -> None:
        """Forget the attachment (the archived bytes stay: other rows may share them); refused
        with :class:`EvidenceLocked` while its project × year is approved."""
        with self.db.sessions.begin() as s:
            row = s.get(EvidenceRow, evidence_id)
            if row is None:
                return
            latest = _refuse_locked(s, row.project_id, row.year, f"删除佐证材料“{row.name}”")
            shown = f"{row.name}（{row.indicator}）" if row.indicator else row.name
            s.execute(delete(EvidenceRow).where(EvidenceRow.id == evidence_id))
            _audit(s, row.project_id, row.year, latest, user_id, actor, old=shown, new=None)


def _refuse_locked(
    s: Session, project_id: int, year: int | None, what: str, *, lock: bool = True
) -> int | None:
    """The latest version's id of the project × year; :class:`EvidenceLocked` when it is
    审核通过 (``what``: the refused change, in Chinese)."""
    same_year = EvaluationRow.year.is_(None) if year is None else EvaluationRow.year == year
    latest = s.scalar(
        select(EvaluationRow.id)
        .where(EvaluationRow.project_id == project_id, same_year)
        .order_by(EvaluationRow.version.desc(), EvaluationRow.id.desc())
        .limit(1)
    )
    # Locked (``lock``) until the change commits, so an approval at the same moment waits for it
    # or is seen by it: the status is re-read once the lock is had.
    review = s.get(ReviewRow, latest, with_for_update=lock) if latest is not None else None
    if review is not None and review.status == APPROVED:
        label = f"{year}年度" if year is not None else ""
        raise EvidenceLocked(
            f"该项目{label}的评价已审核通过并锁定，不能{what}；如需修改，请联系审核人员“重新打开”"
        )
    return latest


def _audit(
    s: Session,
    project_id: int,
    year: int | None,
    evaluation_id: int | None,
    user_id: int | None,
    actor: str,
    *,
    old: str | None,
    new: str | None,
) -> None:
    s.add(
        AuditRow(
            at=_now(),
            user_id=user_id,
            actor=actor[:100],
            project_id=project_id,
            year=year,
            evaluation_id=evaluation_id,
            action=EVIDENCE_ACTION,
            field="佐证材料",
            old=old,
            new=new,
        )
    )
