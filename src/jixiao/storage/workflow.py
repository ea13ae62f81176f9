"""What happens to an evaluation after it is stored: review status, edits as new versions, and
the audit log that records both.

A stored evaluation never changes. Editing one saves a new version of the same project × year
(the list and the reports then show the new one) and writes, in the same transaction, one audit
entry per changed field with its old and new value.

Review states (one per version; :data:`MOVES` says which step leads where, and who takes it):
草稿 (saved by the unit, not yet sent) → 已提交 (an upload, an import, or 提交审核 in the editor)
→ 审核中 (claimed by one reviewer; another must take it over explicitly) → 退回修改 (with a
reason, required) or 审核通过. An approved project × year is locked: no save path stores a new
version of it until a reviewer reopens it (审核通过 → 审核中, audited). Every step is audited
with who, when and the reason.

Stable numbers: a project × year keeps one number across its versions, ``<year>-<id of its first
version>`` (e.g. ``2020-0042``; :func:`stable_number`), so a number quoted in a notice never goes
stale; its versions are numbered within it (第 3 版) and each names its source (the uploaded file
and the part of it, or 网页填报).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased
from sqlalchemy.orm import defer

from jixiao.core.model import Evaluation
from jixiao.errors import JixiaoError
from jixiao.storage.browse import APPROVED
from jixiao.storage.browse import DRAFT
from jixiao.storage.browse import IN_REVIEW
from jixiao.storage.browse import RETURNED
from jixiao.storage.browse import STATUSES
from jixiao.storage.browse import SUBMITTED
from jixiao.storage.browse import Browse
from jixiao.storage.browse import Browser
from jixiao.storage.browse import page_ids
from jixiao.storage.browse import same_year as _same_year
from jixiao.storage.browse import stable_number as stable_number  # noqa: PLC0414 (its home was here)
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


WEB_FORM = "网页填报"
"""The source a version names when it was filled in or edited on the web page (no file)."""

LEGACY_PENDING = "待审核"
"""The state before 草稿 and 已提交 were told apart; read as 已提交 (migration 0007 renames it)."""


class WorkflowError(JixiaoError):
    """A review or edit that cannot be recorded as asked."""


class Locked(WorkflowError):
    """A save of a new version of an approved project × year (reopen it first)."""


@dataclass(frozen=True, slots=True)
class Move:
    """One step of the review: from which states to which, by whom, and whether it needs a reason."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    reviewer: bool  # a reviewer's (or admin's) step; else the unit's (or an admin's)
    reason_required: bool = False


MOVES: dict[str, Move] = {
    m.name: m
    for m in (
        Move("submit", "提交审核", (DRAFT,), SUBMITTED, reviewer=False),
        Move("claim", "认领审核", (SUBMITTED,), IN_REVIEW, reviewer=True),
        Move("release", "放弃认领", (IN_REVIEW,), SUBMITTED, reviewer=True),
        Move("return", "退回修改", (SUBMITTED, IN_REVIEW), RETURNED, reviewer=True, reason_required=True),
        Move("approve", "审核通过", (SUBMITTED, IN_REVIEW), APPROVED, reviewer=True),
        Move("reopen", "重新打开", (APPROVED, RETURNED), IN_REVIEW, reviewer=True, reason_required=True),
    )
}


def parse_number(text: str) -> int | None:
    """The first version's id a stable number names (``2020-0042`` → 42), or None."""
    tail = text.strip().rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() and 0 < len(tail) <= 18 and int(tail) > 0 else None


def _state(status: str | None) -> str:
    return SUBMITTED if status is None or status == LEGACY_PENDING else status


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
    source: str = WEB_FORM  # the uploaded file's name (and part), or 网页填报
    comment: str | None = None


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
    number: str = ""  # the project × year's stable number (see stable_number)
    reviewer_id: int | None = None  # who claimed (审核中) or decided
    source: str = WEB_FORM
    # The last 退回修改 of an earlier version: its version number and reason (上次审核意见).
    returned_version: int | None = None
    returned_comment: str | None = None
    latest_status: str = SUBMITTED

    @property
    def is_latest(self) -> bool:
        return self.id == self.latest_id

    @property
    def locked(self) -> bool:
        """The project × year is approved: no new version until a reviewer reopens it."""
        return self.latest_status == APPROVED


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
                    ReviewRow.user_id,
                    E.part,
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
        sources = {v.id: _source(v.name, v.part) for v in chain}
        returned = next(
            (v for v in reversed(chain) if v.version < version and _state(v.status) == RETURNED), None
        )
        return Meta(
            id=evaluation_id,
            unit_id=unit_id,
            unit=unit_name,
            project_id=project_id,
            project=project_name,
            year=year,
            version=version,
            latest_id=chain[-1].id,
            versions=tuple(
                Version(v.id, v.version, aware(v.created_at), _state(v.status), sources[v.id], v.comment)
                for v in chain
            ),
            original=original,
            status=_state(this.status),
            comment=this.comment,
            reviewer=this.display_name,
            reviewed_at=aware(this.updated_at) if this.status is not None else None,
            created_at=aware(created_at),
            number=stable_number(year, min(v.id for v in chain)),
            reviewer_id=this.user_id,
            source=sources[evaluation_id],
            returned_version=returned.version if returned else None,
            returned_comment=returned.comment if returned else None,
            latest_status=_state(chain[-1].status),
        )

    def set_status(
        self, evaluation_id: int, status: str, comment: str | None, actor: Actor, *, take_over: bool = False
    ) -> None:
        """Move the evaluation to ``status`` by the one step that leads there from where it is
        (see :data:`MOVES`; 待审核, the old name, means 已提交)."""
        status = _state(status)
        if status not in STATUSES:
            raise WorkflowError(f"审核状态“{status}”无效，应为：{'、'.join(STATUSES)}")
        with self.db.reader() as conn:
            current = _state(
                conn.scalar(select(ReviewRow.status).where(ReviewRow.evaluation_id == evaluation_id))
            )
        moves = [m for m in MOVES.values() if m.target == status and current in m.sources]
        if not moves:
            raise WorkflowError(f"当前审核状态为“{current}”，不能改为“{status}”")
        self.move(evaluation_id, moves[0].name, actor, comment, take_over=take_over)

    def move(
        self,
        evaluation_id: int,
        step: str,
        actor: Actor,
        comment: str | None = None,
        *,
        take_over: bool = False,
    ) -> str:
        """Take one review step (a key of :data:`MOVES`, or ``take_over``: claim an evaluation
        another reviewer is reviewing) on the latest version; the new state.

        Who may take the step (a reviewer, a unit) is the caller's to check; this checks the
        state, the reason, and the claim: an evaluation 审核中 by someone else is refused unless
        ``take_over`` (which is audited as a change of 审核人)."""
        comment = (comment or "").strip()[:2000] or None
        if step == "take_over":
            take_over, step = True, "claim"
        move = MOVES.get(step)
        if move is None:
            raise WorkflowError(f"没有这种审核操作：{step}")
        try:
            return self._move(evaluation_id, move, actor, comment, take_over)
        except IntegrityError:  # another reviewer's first step on it was saved meanwhile
            raise WorkflowError("另一位审核人员刚刚处理了这份评价，请刷新页面查看后再操作") from None

    def _move(
        self, evaluation_id: int, move: Move, actor: Actor, comment: str | None, take_over: bool
    ) -> str:
        step = move.name
        with self.db.sessions.begin() as s:
            row = _row(s, evaluation_id)
            if row is None:
                raise WorkflowError(f"没有编号为 {evaluation_id} 的评价")
            if not row.latest:
                raise WorkflowError("这不是该评价的最新版本，只能对最新版本进行审核操作，请打开最新版本")
            review = s.get(ReviewRow, evaluation_id, with_for_update=True)
            current = _state(review.status if review else None)
            holder = review.user_id if review is not None and current == IN_REVIEW else None
            taking = current == IN_REVIEW and holder is not None and holder != actor.user_id
            if taking and not take_over:
                who = _name(s, holder)
                raise WorkflowError(f"这份评价正由 {who} 审核中；如需处理，请先点“接手审核”")
            if step == "claim" and current == IN_REVIEW:
                pass  # a claim of one's own, or an explicit take-over
            elif current not in move.sources:
                raise WorkflowError(
                    f"当前审核状态为“{current}”，不能“{move.label}”"
                    f"（“{move.label}”只适用于{'、'.join(move.sources)}的评价）"
                )
            if move.reason_required and comment is None:
                raise WorkflowError(f"“{move.label}”必须填写原因（审核意见），单位将看到这段说明")
            old_comment = review.comment if review else None
            old_holder = _name(s, holder) if holder is not None else None
            if review is None:
                review = ReviewRow(evaluation_id=evaluation_id, status=move.target)
                s.add(review)
            review.status = move.target
            if comment is not None or move.target in (RETURNED, APPROVED, IN_REVIEW):
                review.comment = comment if comment is not None else old_comment
            review.user_id = actor.user_id
            review.updated_at = dt.datetime.now(dt.UTC)
            changes = []
            if current != move.target:
                changes.append(Change("审核状态", current, move.target))
            elif taking:
                changes.append(Change("审核人", old_holder, actor.name))
            if review.comment != old_comment:
                changes.append(Change("审核意见", old_comment, review.comment))
            elif comment is not None:
                changes.append(Change("原因", None, comment))
            _log(s, row.id, row.project_id, row.year, actor, "review", changes)
            return move.target

    def approve_clean(self, ids: Sequence[int], actor: Actor) -> tuple[list[int], list[tuple[int, str]]]:
        """Approve each of ``ids`` that has no error-level finding and may be approved now (bulk
        通过); the ids approved, and the others with the reason each was left."""
        wanted = list(dict.fromkeys(ids))
        with self.db.reader() as conn:
            errors = {int(i): int(n) for i, n in conn.execute(select(E.id, E.errors).where(E.id.in_(wanted)))}
        done: list[int] = []
        skipped: list[tuple[int, str]] = []
        for i in wanted:
            if i not in errors:
                skipped.append((i, f"没有编号为 {i} 的评价"))
            elif errors[i]:
                skipped.append((i, f"有 {errors[i]} 个错误级问题，需逐份审核"))
            else:
                try:
                    self.move(i, "approve", actor)
                    done.append(i)
                except WorkflowError as exc:
                    skipped.append((i, exc.message))
        return done, skipped

    def save_version(
        self,
        ev: Evaluation,
        base_id: int,
        changes: Sequence[Change],
        actor: Actor,
        *,
        draft: bool = False,
    ) -> int:
        """Save ``ev`` as the next version of ``base_id``'s project × year, with its audit entries;
        as a 草稿 when ``draft`` (else it is 已提交).

        Refused when ``base_id`` is not the latest version (someone else saved one meanwhile), so
        no edit silently overwrites another, and when the project × year is approved (:class:`Locked`).
        """
        with self.db.sessions.begin() as s:
            base = _row(s, base_id)
            if base is None:
                raise WorkflowError(f"没有编号为 {base_id} 的评价")
            if not base.latest:
                raise WorkflowError("该评价已有更新的版本（可能是他人刚刚保存的），请打开最新版本后再修改")
            _refuse_locked(s, base.id)
            _rename_project(s, base.project_id, ev.project.name)
            stored = Store(self.db).save_in(s, ev, None, year=base.year, project_id=base.project_id)
            assert stored.evaluation_id is not None
            _log(s, stored.evaluation_id, base.project_id, base.year, actor, "edit", changes)
            if draft:
                _start_draft(s, stored.evaluation_id, base.project_id, base.year, actor)
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
        draft: bool = False,
    ) -> int | None:
        """Save a new evaluation (a web upload or a form) with an audit entry saying who and how
        (see :meth:`save_new_all`), as a 草稿 when ``draft``; its id, or None when ``document`` is
        already stored."""
        ids = self.save_new_all(
            [ev], actor, action=action, year=year, document=document, unit=unit, draft=draft
        )
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
        draft: bool = False,
    ) -> list[int] | None:
        """Save a file's new evaluations (one per form it holds) in one transaction, each with an
        audit entry saying who and how; their ids in order.

        ``unit`` overrides the unit the evaluation names (a unit user's own unit); ``run_id`` is
        the import run that brought them. Returns None when ``document`` is already stored.
        A new version of an approved project × year is refused (:class:`Locked`, nothing saved).

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
                        _refuse_locked(s, row.id, stored=True)
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
                        if draft:
                            _start_draft(s, row.id, row.project_id, row.year, actor)
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


def _source(name: str | None, part: str | None) -> str:
    if not name:
        return WEB_FORM
    return f"{name}（{part}）" if part else name


def _name(s: Session, user_id: int | None) -> str:
    user = s.get(UserRow, user_id) if user_id is not None else None
    return user.display_name if user is not None else "（未知用户）"


def _refuse_locked(s: Session, evaluation_id: int, *, stored: bool = False) -> None:
    """Refuse a save whose project × year is approved (its latest version is 审核通过):
    ``evaluation_id`` is the base of an edit, or the version just ``stored`` (then the latest
    version before it decides). Reopening (审核通过 → 审核中) lifts the lock."""
    this = s.get_one(E, evaluation_id, options=[defer(E.contract)])
    before = evaluation_id
    if stored:
        year_is = E.year.is_(None) if this.year is None else E.year == this.year
        found = s.scalar(
            select(E.id)
            .where(E.project_id == this.project_id, year_is, E.version < this.version)
            .order_by(E.version.desc())
            .limit(1)
        )
        if found is None:
            return
        before = found
    review = s.get(ReviewRow, before)
    if review is not None and review.status == APPROVED:
        previous = s.get_one(E, before, options=[defer(E.contract)])
        year = f"{this.year}年度" if this.year is not None else ""
        raise Locked(
            f"该项目{year}的评价（第{previous.version}版）已审核通过并锁定，不能再保存新版本；"
            "如需修改，请联系审核人员“重新打开”"
        )


def _start_draft(s: Session, evaluation_id: int, project_id: int, year: int | None, actor: Actor) -> None:
    s.add(ReviewRow(evaluation_id=evaluation_id, status=DRAFT, user_id=actor.user_id))
    _log(s, evaluation_id, project_id, year, actor, "review", [Change("审核状态", None, DRAFT)])


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


@dataclass(frozen=True, slots=True)
class Pending:
    """One line of a 待办 list: an evaluation's latest version and where its review stands."""

    id: int
    number: str
    unit: str
    project: str
    year: int | None
    version: int
    status: str
    comment: str | None
    reviewer: str | None
    reviewer_id: int | None
    at: dt.datetime
    errors: int


def inbox(
    db: Database,
    statuses: Sequence[str],
    *,
    unit_id: int | None = None,
    reviewer_id: int | None = None,
    limit: int = 200,
) -> list[Pending]:
    """The latest versions in ``statuses`` (of ``unit_id``, held by ``reviewer_id`` when given),
    oldest first: a unit's returned records and drafts, a reviewer's new submissions and claims."""
    first = aliased(EvaluationRow, name="first")
    first_id = (
        select(func.min(first.id))
        .where(first.project_id == E.project_id, _same_year(first.year, E.year))
        .scalar_subquery()
    )
    wanted = [_state(s) for s in statuses]
    status = func.coalesce(ReviewRow.status, SUBMITTED)
    q = (
        select(
            E.id,
            first_id,
            Unit.name,
            Project.name,
            E.year,
            E.version,
            status,
            ReviewRow.comment,
            UserRow.display_name,
            ReviewRow.user_id,
            func.coalesce(ReviewRow.updated_at, E.created_at),
            E.errors,
        )
        .join(Unit, E.unit_id == Unit.id)
        .join(Project, E.project_id == Project.id)
        .outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
        .outerjoin(UserRow, ReviewRow.user_id == UserRow.id)
        .where(E.latest == true(), status.in_(wanted))
        .order_by(E.id)
        .limit(limit)
    )
    if unit_id is not None:
        q = q.where(E.unit_id == unit_id)
    if reviewer_id is not None:
        q = q.where(ReviewRow.user_id == reviewer_id)
    with db.reader() as conn:
        return [
            Pending(i, stable_number(y, f or i), u, p, y, v, st, c, rn, rid, aware(at), err)
            for i, f, u, p, y, v, st, c, rn, rid, at, err in conn.execute(q)
        ]


QUEUE_PAGE = 500
QUEUE_PAGES = 40  # a queue reaches 20,000 evaluations into a filtered list


@dataclass(frozen=True, slots=True)
class Place:
    """Where an evaluation sits in a filtered list: its neighbours and its position (1-based)."""

    previous: int | None
    next: int | None
    position: int
    total: int


def place_in(db: Database, b: Browse, evaluation_id: int) -> Place | None:
    """The evaluation's place in the list ``b`` filters and sorts (its pages read in order of
    500 until it is found), or None when the list does not hold it."""
    ids: list[int] = []
    with db.reader() as conn:
        for number in range(1, QUEUE_PAGES + 1):
            page = replace(b, page=number, per_page=QUEUE_PAGE)
            got = [int(i) for i in conn.scalars(page_ids(page))]
            ids.extend(got)
            if evaluation_id in got:
                if got[-1] == evaluation_id and len(got) == QUEUE_PAGE:
                    ids.extend(int(i) for i in conn.scalars(page_ids(replace(page, page=number + 1))))
                break
            if len(got) < QUEUE_PAGE:
                return None
        else:
            return None
    total = Browser(db).count(b)
    at = ids.index(evaluation_id)
    return Place(
        ids[at - 1] if at > 0 else None,
        ids[at + 1] if at + 1 < len(ids) else None,
        at + 1,
        int(total or 0),
    )
