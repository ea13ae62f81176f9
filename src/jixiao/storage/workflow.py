"""What happens to an evaluation after it is stored: review status, edits as new versions, and
the audit log that records both.

A stored evaluation never changes. Editing one saves a new version of the same project × year
(the list and the reports then show the new one) and writes, in the same transaction, one audit
entry per changed field with its old and new value. A review decision (待审核 / 退回修改 /
审核通过) belongs to one version; a new version starts again at 待审核.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased
from sqlalchemy.orm import defer

from jixiao.core.model import Evaluation
from jixiao.errors import JixiaoError
from jixiao.storage.browse import PENDING
from jixiao.storage.browse import STATUSES
from jixiao.storage.db import Database
from jixiao.storage.schema import AuditRow
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import ReviewRow
from jixiao.storage.schema import Unit
from jixiao.storage.schema import UserRow
from jixiao.storage.schema import aware
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store
from jixiao.storage.store import filed_unit

SAVE_ATTEMPTS = 5
"""How often :meth:`Workflow.save_new` tries a save that collided with another one."""

E = EvaluationRow


class WorkflowError(JixiaoError):
    """A review or edit that cannot be recorded as asked."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change (``user_id`` is None for the command line)."""

    name: str
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One changed field: its Chinese label and the old and new value as shown to people."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    field: str | None
    old: str | None
    new: str | None
    evaluation_id: int | None


@dataclass(frozen=True, slots=True)
class Original:
    """The submitted file behind an evaluation, as kept under the data directory."""

    evaluation_id: int
    name: str
    stored: str | None
    format: str | None
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Version:
    id: int
    version: int
    created_at: dt.datetime
    status: str


@dataclass(frozen=True, slots=True)
class Meta:
    """Where an evaluation sits: its unit, project and year, its versions and its review."""

    id: int
    unit_id: int
    unit: str
    project_id: int
    project: str
    year: int | None
    version: int
    latest_id: int
    versions: tuple[Version, ...]
    original: Original | None
    status: str
    comment: str | None
    reviewer: str | None
    reviewed_at: dt.datetime | None
    created_at: dt.datetime

    @property
    def is_latest(self) -> bool:
        return self.id == self.latest_id


def _same_year(a: Any, b: Any) -> ColumnElement[bool]:
    """Two year columns are the same year: equal, or both NULL (no year is a year of its own)."""
    return or_(a == b, and_(a.is_(None), b.is_(None)))


class Workflow:
    """Review status, versions and the audit log."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def meta(self, evaluation_id: int) -> Meta | None:
        """Where the evaluation sits (two queries: the row with its unit and project, then every
        version of its project × year with its review and document)."""
        with self.db.reader() as conn:
            head = conn.execute(
                select(E.project_id, E.unit_id, E.year, E.version, E.created_at, Unit.name, Project.name)
                .join(Unit, E.unit_id == Unit.id)
                .join(Project, E.project_id == Project.id)
                .where(E.id == evaluation_id)
            ).one_or_none()
            if head is None:
                return None
            project_id, unit_id, year, version, created_at, unit_name, project_name = head
            year_is = E.year.is_(None) if year is None else E.year == year
            chain = conn.execute(
                select(
                    E.id,
                    E.version,
                    E.created_at,
                    ReviewRow.status,
                    ReviewRow.comment,
                    ReviewRow.updated_at,
                    UserRow.display_name,
                    Document.name,
                    Document.stored,
                    Document.format,
                    Document.size,
                    Document.sha256,
                )
                .outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
                .outerjoin(UserRow, ReviewRow.user_id == UserRow.id)
                .outerjoin(Document, E.document_id == Document.id)
                .where(E.project_id == project_id, year_is)
                .order_by(E.version)
            ).all()
        this = next(v for v in chain if v.id == evaluation_id)
        # The original: this version's document, else the nearest earlier version's (an edit
        # saves a version without a file of its own).
        original = None
        for v in reversed([v for v in chain if v.version <= version]):
            if v.sha256 is not None:
                original = Original(v.id, v.name, v.stored, v.format, v.size, v.sha256)
                break
        return Meta(
            id=evaluation_id,
            unit_id=unit_id,
            unit=unit_name,
            project_id=project_id,
            project=project_name,
            year=year,
            version=version,
            latest_id=chain[-1].id,
            versions=tuple(Version(v.id, v.version, aware(v.created_at), v.status or PENDING) for v in chain),
            original=original,
            status=this.status or PENDING,
            comment=this.comment,
            reviewer=this.display_name,
            reviewed_at=aware(this.updated_at) if this.status is not None else None,
            created_at=aware(created_at),
        )

    def set_status(self, evaluation_id: int, status: str, comment: str | None, actor: Actor) -> None:
        if status not in STATUSES:
            raise WorkflowError(f"审核状态“{status}”无效，应为：{'、'.join(STATUSES)}")
        comment = (comment or "").strip() or None
        with self.db.sessions.begin() as s:
            row = _row(s, evaluation_id)
            if row is None:
                raise WorkflowError(f"没有编号为 {evaluation_id} 的评价")
            review = s.get(ReviewRow, evaluation_id)
            old_status = review.status if review else PENDING
            old_comment = review.comment if review else None
            if review is None:
                review = ReviewRow(evaluation_id=evaluation_id, status=status)
                s.add(review)
            review.status = status
            review.comment = comment
            review.user_id = actor.user_id
            review.updated_at = dt.datetime.now(dt.UTC)
            changes = []
            if old_status != status:
                changes.append(Change("审核状态", old_status, status))
            if old_comment != comment:
                changes.append(Change("审核意见", old_comment, comment))
            _log(s, row.id, row.project_id, row.year, actor, "review", changes)

    def save_version(self, ev: Evaluation, base_id: int, changes: Sequence[Change], actor: Actor) -> int:
        """Save ``ev`` as the next version of ``base_id``'s project × year, with its audit entries.

        Refused when ``base_id`` is not the latest version (someone else saved one meanwhile), so
        no edit silently overwrites another.
        """
        with self.db.sessions.begin() as s:
            base = _row(s, base_id)
            if base is None:
                raise WorkflowError(f"没有编号为 {base_id} 的评价")
            if not base.latest:
                raise WorkflowError("该评价已有更新的版本（可能是他人刚刚保存的），请打开最新版本后再修改")
            _rename_project(s, base.project_id, ev.project.name)
            stored = Store(self.db).save_in(s, ev, None, year=base.year, project_id=base.project_id)
            assert stored.evaluation_id is not None
            _log(s, stored.evaluation_id, base.project_id, base.year, actor, "edit", changes)
            return stored.evaluation_id

    def save_new(
        self,
        ev: Evaluation,
        actor: Actor,
        *,
        action: str,
        year: int | None = None,
        document: DocumentInfo | None = None,
        unit: str | None = None,
    ) -> int | None:
        """Save a new evaluation (a web upload or a form) with an audit entry saying who and how
        (see :meth:`save_new_all`); its id, or None when ``document`` is already stored."""
        ids = self.save_new_all([ev], actor, action=action, year=year, document=document, unit=unit)
        return None if ids is None else ids[0]

    def save_new_all(
        self,
        evaluations: Sequence[Evaluation],
        actor: Actor,
        *,
        action: str,
        year: int | None = None,
        document: DocumentInfo | None = None,
        unit: str | None = None,
        run_id: int | None = None,
    ) -> list[int] | None:
        """Save a file's new evaluations (one per form it holds) in one transaction, each with an
        audit entry saying who and how; their ids in order.

        ``unit`` overrides the unit the evaluation names (a unit user's own unit); ``run_id`` is
        the import run that brought them. Returns None when ``document`` is already stored.

        Requests save at the same moment (the upload page sends two files at a time): when
        another one has just created the same unit, project or version, or stored this very
        document, the transaction fails on a unique key and is tried again; the other's rows are
        committed by then, so the next attempt builds on them."""
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                with self.db.sessions.begin() as s:
                    if document is not None and s.scalar(
                        select(Document.id)
                        .join(Unit, Document.unit_id == Unit.id)
                        .where(
                            Document.sha256 == document.sha256,
                            Unit.name.in_({filed_unit(ev, unit) for ev in evaluations}),
                        )
                    ):
                        return None  # this unit holds these bytes already (another unit's copy is theirs)
                    store = Store(self.db)
                    documents: dict[int, int] = {}  # the file's document row, shared by its parts
                    ids: list[int] = []
                    for ev in evaluations:
                        stored = store.save_in(
                            s, ev, document, year=year, run_id=run_id, unit=unit, documents=documents
                        )
                        row = _row(s, stored.evaluation_id)
                        assert row is not None
                        label = {"upload": "上传文件", "import": "导入文件", "create": "新建评价"}.get(
                            action, action
                        )
                        detail = document.name if document else (ev.project.name or "")
                        part = ev.source.part if ev.source is not None else None
                        if part:
                            detail = f"{detail}（{part}）"
                        _log(
                            s, row.id, row.project_id, row.year, actor, action, [Change(label, None, detail)]
                        )
                        ids.append(row.id)
                    return ids
            except IntegrityError:
                if attempt == SAVE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def for_document(self, sha256: str, unit_id: int | None = None) -> int | None:
        """The latest version of the evaluation a stored document (by its SHA-256) belongs to;
        only among unit ``unit_id``'s documents when given."""
        of_document = aliased(EvaluationRow, name="of_document")
        q = (
            select(E.id)
            .join(
                of_document,
                and_(
                    E.project_id == of_document.project_id,
                    _same_year(E.year, of_document.year),
                ),
            )
            .join(Document, of_document.document_id == Document.id)
            .where(Document.sha256 == sha256, E.latest == true())
        )
        if unit_id is not None:
            q = q.where(Document.unit_id == unit_id)
        with self.db.engine.connect() as conn:
            return conn.scalar(q)

    def history(self, evaluation_id: int) -> list[AuditEntry]:
        """Every audit entry of the evaluation's project × year, oldest first."""
        this = aliased(EvaluationRow, name="this")
        q = (
            select(AuditRow)
            .join(
                this,
                and_(
                    this.id == evaluation_id,
                    AuditRow.project_id == this.project_id,
                    _same_year(AuditRow.year, this.year),
                ),
            )
            .order_by(AuditRow.id)
        )
        with self.db.sessions() as s:
            return [
                AuditEntry(a.id, aware(a.at), a.actor, a.action, a.field, a.old, a.new, a.evaluation_id)
                for a in s.scalars(q)
            ]


def _rename_project(s: Session, project_id: int, name: str | None) -> None:
    """An edit that corrects the project's name renames the project, unless the unit already has
    another project of that name (then the evaluation's record carries the new name alone)."""
    name = (name or "").strip()[:300]
    project = s.get_one(Project, project_id)
    if not name or name == project.name:
        return
    taken = s.scalar(select(Project.id).where(Project.unit_id == project.unit_id, Project.name == name))
    if taken is None:
        project.name = name
        s.flush()


def _row(s: Session, evaluation_id: int | None) -> EvaluationRow | None:
    """The evaluation's row without its contract text (which none of the workflow reads)."""
    return None if evaluation_id is None else s.get(E, evaluation_id, options=[defer(E.contract)])


def _log(
    s: Session,
    evaluation_id: int,
    project_id: int,
    year: int | None,
    actor: Actor,
    action: str,
    changes: Sequence[Change],
) -> None:
    now = dt.datetime.now(dt.UTC)
    s.add_all(
        AuditRow(
            at=now,
            user_id=actor.user_id,
            actor=actor.name[:100],
            project_id=project_id,
            year=year,
            evaluation_id=evaluation_id,
            action=action,
            field=c.field,
            old=c.old,
            new=c.new,
        )
        for c in changes
    )
