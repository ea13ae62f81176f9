"""What the web editor keeps besides evaluations: each user's unsaved form (a draft) and the
evidence files (佐证材料) attached to an evaluation or to one of its indicator rows.

A draft is the form as typed, kept per user and per form (``new`` for a new evaluation,
``edit:<id>`` while editing one) so that coming back to the form restores every row. It is a
JSON object of the form's fields, opaque here; the web layer reads it back.

Evidence belongs to a project's evaluation for one year (like the audit log), so it stays with
the evaluation through its versions. ``indicator`` names the 三级指标 it supports (None: the
evaluation as a whole). Its bytes are kept in the archive of originals, content-addressed
(``stored`` is the path relative to the data directory); the row records who attached it.
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
from sqlalchemy.orm import mapped_column

from jixiao.storage.db import Database
from jixiao.storage.schema import Base
from jixiao.storage.schema import aware

MAX_DRAFT_CHARS = 2_000_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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

    def remove_evidence(self, evidence_id: int) -> None:
        """Forget the attachment (the archived bytes stay: other rows may share them)."""
        with self.db.sessions.begin() as s:
            s.execute(delete(EvidenceRow).where(EvidenceRow.id == evidence_id))
