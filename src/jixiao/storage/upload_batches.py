"""Upload batches (上传批次): many files sent at once, kept in the database until every one is read.

A batch is written when its files have arrived (each file's bytes under
``<data_dir>/uploads/batches/<batch>/``, a random name, and its row here: name, size, SHA-256,
``waiting``). A background runner then reads the waiting files and records each one's outcome
(``done``, ``unreadable``, ``known``, ``failed``, with its evaluation and reason). Closing the
browser tab changes nothing; a server that stops mid-batch leaves its waiting rows, and the next
look at the batch (its page polls) finds the runner's heartbeat stale and takes the batch up
again (:meth:`Batches.claim`, one claimant at a time, atomically).

The batch's documents are what the list's “本批” filter shows: :func:`batch_documents` selects
the documents whose bytes one of its files brought (or already held).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import Select
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from jixiao.storage.db import Database
from jixiao.storage.schema import Base
from jixiao.storage.schema import Document
from jixiao.storage.schema import aware

WAITING = "waiting"
FINISHED = ("done", "unreadable", "known", "failed")
STALE = dt.timedelta(seconds=60)  # a runner that has not beaten for this long is gone


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UploadBatchRow(Base):
    """One batch: who sent it, under which unit and year, and when it was read."""

    __tablename__ = "upload_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(150))
    unit: Mapped[str | None] = mapped_column(String(200))  # a unit user's files land in their unit
    scope_unit_id: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UploadBatchFileRow(Base):
    """One file of a batch (a member of an archive is a file of its own)."""

    __tablename__ = "upload_batch_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("upload_batches.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    stored_as: Mapped[str | None] = mapped_column(String(500))  # the bytes, relative to data_dir
    status: Mapped[str] = mapped_column(String(20), default=WAITING)
    evaluation_id: Mapped[int | None] = mapped_column(Integer)
    forms: Mapped[int] = mapped_column(Integer, default=0)  # evaluations the file gave
    errors: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file of a new batch: its bytes at ``stored_as`` (None: refused on arrival, ``reason``)."""

    name: str
    size: int
    sha256: str | None
    stored_as: str | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class BatchFile:
    id: int
    position: int
    name: str
    size: int
    sha256: str | None
    stored_as: str | None
    status: str
    evaluation_id: int | None
    forms: int
    errors: int
    reason: str | None


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    user_id: int | None
    actor: str
    unit: str | None
    scope_unit_id: int | None
    year: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one file."""

    status: str
    evaluation_id: int | None = None
    forms: int = 0
    errors: int = 0
    reason: str | None = None


def _batch(row: UploadBatchRow) -> Batch:
    return Batch(
        row.id,
        row.user_id,
        row.actor,
        row.unit,
        row.scope_unit_id,
        row.year,
        aware(row.created_at),
        aware(row.started_at) if row.started_at else None,
        aware(row.finished_at) if row.finished_at else None,
        aware(row.heartbeat_at) if row.heartbeat_at else None,
    )


def _file(row: UploadBatchFileRow) -> BatchFile:
    return BatchFile(
        row.id,
        row.position,
        row.name,
        row.size,
        row.sha256,
        row.stored_as,
        row.status,
        row.evaluation_id,
        row.forms,
        row.errors,
        row.reason,
    )


class Batches:
    """The upload batches (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, batch_id: int, files: Sequence[NewFile]) -> None:
        """More files for an existing batch (the next request of a batch sent in parts); the
        batch is unfinished again until they are read."""
        with self.db.sessions.begin() as s:
            row = s.get(UploadBatchRow, batch_id, with_for_update=True)
            if row is None:
                return
            last = s.scalar(
                select(func.max(UploadBatchFileRow.position)).where(UploadBatchFileRow.batch_id == batch_id)
            )
            self._add_files(s, batch_id, (last if last is not None else -1) + 1, files)
            if any(f.stored_as for f in files):
                row.finished_at = None

    @staticmethod
    def _add_files(s: Session, batch_id: int, first: int, files: Sequence[NewFile]) -> None:
        now = _now()
        for position, f in enumerate(files, start=first):
            refused = f.stored_as is None
            s.add(
                UploadBatchFileRow(
                    batch_id=batch_id,
                    position=position,
                    name=f.name[:500],
                    size=f.size,
                    sha256=f.sha256,
                    stored_as=f.stored_as,
                    status="failed" if refused else WAITING,
                    reason=f.reason,
                    finished_at=now if refused else None,
                )
            )

    def release(self, batch_id: int) -> None:
        """The runner stops: its batch may be claimed again at once."""
        with self.db.sessions.begin() as s:
            s.execute(update(UploadBatchRow).where(UploadBatchRow.id == batch_id).values(heartbeat_at=None))

    def create(
        self,
        files: Sequence[NewFile],
        *,
        user_id: int | None,
        actor: str,
        unit: str | None,
        scope_unit_id: int | None,
        year: int | None,
    ) -> int:
        """A new batch of ``files`` (a refused one is recorded ``failed`` with its reason)."""
        with self.db.sessions.begin() as s:
            row = UploadBatchRow(
                user_id=user_id, actor=actor, unit=unit, scope_unit_id=scope_unit_id, year=year
            )
            s.add(row)
            s.flush()
            self._add_files(s, row.id, 0, files)
            if all(f.stored_as is None for f in files):
                row.finished_at = _now()
            return row.id

    def get(self, batch_id: int) -> Batch | None:
        with self.db.sessions() as s:
            row = s.get(UploadBatchRow, batch_id)
            return _batch(row) if row is not None else None

    def files(self, batch_id: int) -> list[BatchFile]:
        with self.db.sessions() as s:
            rows = s.scalars(
                select(UploadBatchFileRow)
                .where(UploadBatchFileRow.batch_id == batch_id)
                .order_by(UploadBatchFileRow.position)
            ).all()
            return [_file(r) for r in rows]

    def recent(self, user_id: int | None, limit: int = 10) -> list[tuple[Batch, int, int]]:
        """The latest batches of a user (every user's, for None), each with its number of files
        and of those still waiting."""
        q = select(UploadBatchRow).order_by(UploadBatchRow.id.desc()).limit(limit)
        if user_id is not None:
            q = q.where(UploadBatchRow.user_id == user_id)
        with self.db.sessions() as s:
            batches = [_batch(r) for r in s.scalars(q).all()]
            counts = {
                batch_id: (total, waiting or 0)
                for batch_id, total, waiting in s.execute(
                    select(
                        UploadBatchFileRow.batch_id,
                        func.count(),
                        func.sum(case((UploadBatchFileRow.status == WAITING, 1), else_=0)),
                    )
                    .where(UploadBatchFileRow.batch_id.in_([b.id for b in batches]))
                    .group_by(UploadBatchFileRow.batch_id)
                ).all()
            }
        return [(b, *counts.get(b.id, (0, 0))) for b in batches]

    def claim(self, batch_id: int, now: dt.datetime | None = None) -> bool:
        """Take the batch up for reading: true for the one caller that finds it unfinished and
        without a live runner (its heartbeat missing or older than :data:`STALE`)."""
        now = now or _now()
        with self.db.sessions.begin() as s:
            done = s.execute(
                update(UploadBatchRow)
                .where(
                    UploadBatchRow.id == batch_id,
                    UploadBatchRow.finished_at.is_(None),
                    or_(UploadBatchRow.heartbeat_at.is_(None), UploadBatchRow.heartbeat_at < now - STALE),
                )
                .values(heartbeat_at=now, started_at=func.coalesce(UploadBatchRow.started_at, now))
            )
            return bool(getattr(done, "rowcount", 0))

    def beat(self, batch_id: int) -> None:
        with self.db.sessions.begin() as s:
            s.execute(update(UploadBatchRow).where(UploadBatchRow.id == batch_id).values(heartbeat_at=_now()))

    def waiting(self, batch_id: int) -> list[BatchFile]:
        return [f for f in self.files(batch_id) if f.status == WAITING]

    def record(self, file_id: int, outcome: Outcome) -> None:
        with self.db.sessions.begin() as s:
            s.execute(
                update(UploadBatchFileRow)
                .where(UploadBatchFileRow.id == file_id)
                .values(
                    status=outcome.status,
                    evaluation_id=outcome.evaluation_id,
                    forms=outcome.forms,
                    errors=outcome.errors,
                    reason=outcome.reason,
                    finished_at=_now(),
                )
            )

    def finish(self, batch_id: int) -> None:
        """Mark the batch read (when no file of it is waiting any more)."""
        with self.db.sessions.begin() as s:
            left = s.scalar(
                select(func.count())
                .select_from(UploadBatchFileRow)
                .where(UploadBatchFileRow.batch_id == batch_id, UploadBatchFileRow.status == WAITING)
            )
            if not left:
                s.execute(
                    update(UploadBatchRow)
                    .where(UploadBatchRow.id == batch_id, UploadBatchRow.finished_at.is_(None))
                    .values(finished_at=_now())
                )

    def unfinished(self) -> list[int]:
        """Batches still waiting for a runner or being read."""
        with self.db.sessions() as s:
            return list(
                s.scalars(select(UploadBatchRow.id).where(UploadBatchRow.finished_at.is_(None))).all()
            )


def batch_documents(batch_id: int) -> Select[Any]:
    """The ids of the documents a batch's files brought or already held (for the list's filter)."""
    hashes = select(UploadBatchFileRow.sha256).where(
        UploadBatchFileRow.batch_id == batch_id, UploadBatchFileRow.sha256.is_not(None)
    )
    return select(Document.id).where(Document.sha256.in_(hashes))
