"""Reading and writing evaluations: the only API the rest of jixiao uses for the database.

Each evaluation is saved in its own transaction together with its document, its unit and project
(created on first sight) and its child rows, so an interrupted import leaves only whole
evaluations behind. A document is known by the SHA-256 of its bytes: saving the same bytes twice
is refused by a unique constraint, so a resumed import can never store a file twice.

Saving is the importer's inner loop, so it writes with SQLAlchemy Core rather than ORM objects
(one statement per table, the child rows as one executemany), and a :class:`Store` remembers the
ids of the units and projects it has seen committed, so a long import looks each up only once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import CursorResult
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.core.review import weight_split
from jixiao.storage.db import Database
from jixiao.storage.schema import Base
from jixiao.storage.schema import BudgetLineRow
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import FindingRow
from jixiao.storage.schema import ImportRun
from jixiao.storage.schema import IndicatorRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import ProjectYearRow
from jixiao.storage.schema import Unit
from jixiao.storage.schema import aware

UNKNOWN_UNIT = "（未注明单位）"
UNKNOWN_PROJECT = "（未注明项目）"
_FEN = Decimal(100)


def fen(yuan: Decimal | None) -> int | None:
    """Yuan (already exact to the fen) as integer fen."""
    return None if yuan is None else int(yuan * _FEN)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A submitted file as the importer saw it."""

    sha256: str
    name: str
    path: str
    format: str | None
    size: int
    stored: str | None = None


@dataclass(frozen=True, slots=True)
class Stored:
    """What :meth:`Store.save` did: the evaluation's id and version, or that the bytes were
    already stored (``duplicate``)."""

    evaluation_id: int | None
    version: int | None
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class EvaluationSummary:
    """One stored evaluation in a listing."""

    id: int
    unit: str
    project: str
    year: int | None
    version: int
    claimed_total: Decimal | None
    computed_total: Decimal | None
    computed_grade: str | None
    errors: int
    warnings: int
    document: str | None


@dataclass(slots=True)
class _Seen:
    """Unit and project ids a transaction looked up or created, to remember once committed."""

    units: dict[str, int] = field(default_factory=dict)
    projects: dict[tuple[int, str], int] = field(default_factory=dict)
    years: set[tuple[int, int]] = field(default_factory=set)


_SHARE = Decimal("0.000001")


def _split(ev: Evaluation) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The verified and carried-over indicator weights and the carried share (six places)."""
    split = weight_split(ev)
    if split is None:
        return None, None, None
    verified, carried = split
    whole = verified + carried
    return verified, carried, (carried / whole).quantize(_SHARE) if whole > 0 else None


def _table(entity: type[Base]) -> Table:
    table = entity.__table__
    assert isinstance(table, Table)
    return table


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


# Built once: the statements of a save (SQLAlchemy caches their compiled form too).
_INSERT_DOCUMENT = insert(_table(Document))
_INSERT_UNIT = insert(_table(Unit))
_INSERT_PROJECT = insert(_table(Project))
_INSERT_EVALUATION = insert(_table(EvaluationRow))
_INSERT_INDICATOR = insert(_table(IndicatorRow))
_INSERT_BUDGET_LINE = insert(_table(BudgetLineRow))
_INSERT_FINDING = insert(_table(FindingRow))
_FIND_UNIT = select(Unit.id).where(Unit.name == bindparam("name"))
_FIND_PROJECT = select(Project.id).where(
    Project.unit_id == bindparam("unit_id"), Project.name == bindparam("name")
)
_FIND_PROJECT_YEAR = select(ProjectYearRow.id).where(
    ProjectYearRow.project_id == bindparam("project_id"), ProjectYearRow.year == bindparam("year")
)
_INSERT_PROJECT_YEAR = insert(_table(ProjectYearRow))
_MARK_EVALUATED = (
    update(_table(ProjectYearRow))
    .where(ProjectYearRow.id == bindparam("py"), ProjectYearRow.evaluated.is_(False))
    .values(evaluated=True)
)
_PROJECT_UNIT = select(Project.unit_id).where(Project.id == bindparam("id"))
# Saves of one project wait for each other here, so each reads the version the previous one wrote
# (PostgreSQL; SQLite runs one writer at a time anyway).
_LOCK_PROJECT = select(Project.id).where(Project.id == bindparam("id")).with_for_update()
_LATEST = func.coalesce(func.max(EvaluationRow.version), 0)
_LATEST_VERSION = select(_LATEST).where(
    EvaluationRow.project_id == bindparam("project_id"), EvaluationRow.year == bindparam("year")
)
_LATEST_NULL_YEAR = select(_LATEST).where(
    EvaluationRow.project_id == bindparam("project_id"), EvaluationRow.year.is_(None)
)
# A new version replaces the earlier ones of its project × year.
_REPLACE = (
    update(_table(EvaluationRow))
    .where(
        EvaluationRow.project_id == bindparam("p"),
        EvaluationRow.year == bindparam("y"),
        EvaluationRow.latest,
    )
    .values(latest=False)
)
_REPLACE_NULL_YEAR = (
    update(_table(EvaluationRow))
    .where(EvaluationRow.project_id == bindparam("p"), EvaluationRow.year.is_(None), EvaluationRow.latest)
    .values(latest=False)
)


class Store:
    """The portfolio database, seen as evaluations."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Committed ids of units and projects, so a run of imports looks each up only once.
        self._units: dict[str, int] = {}
        self._projects: dict[tuple[int, str], int] = {}
        self._years: set[tuple[int, int]] = set()  # project × year rows known to exist

    # -- import runs ---------------------------------------------------------------------------

    def start_run(self, source: str) -> int:
        with self.db.sessions.begin() as s:
            run = ImportRun(source=source, status="running")
            s.add(run)
            s.flush()
            return run.id

    def update_run(self, run_id: int, *, status: str | None = None, **counts: int) -> None:
        with self.db.sessions.begin() as s:
            run = s.get_one(ImportRun, run_id)
            for key, value in counts.items():
                setattr(run, key, value)
            if status is not None:
                run.status = status
                if status != "running":
                    run.finished_at = dt.datetime.now(dt.UTC)

    def running_runs(self) -> list[tuple[int, dt.datetime]]:
        """The runs still marked ``running``: their ids and when they started (aware UTC)."""
        with self.db.sessions() as s:
            rows = s.execute(select(ImportRun.id, ImportRun.started_at).where(ImportRun.status == "running"))
            return [(run_id, aware(started)) for run_id, started in rows]

    def interrupt_runs(self, run_ids: Iterable[int]) -> None:
        """Mark runs whose import is gone ``interrupted`` (only while still ``running``: a run that
        has just ended keeps its status)."""
        ids = list(run_ids)
        if not ids:
            return
        with self.db.sessions.begin() as s:
            s.execute(
                update(ImportRun)
                .where(ImportRun.id.in_(ids), ImportRun.status == "running")
                .values(status="interrupted", finished_at=dt.datetime.now(dt.UTC))
            )

    # -- documents -----------------------------------------------------------------------------

    def known_hashes(self, hashes: Iterable[str], *, unit_id: int | None = None) -> set[str]:
        """Which of ``hashes`` are already stored documents (of unit ``unit_id``, when given:
        each unit has its own documents)."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        mine = () if unit_id is None else (Document.unit_id == unit_id,)
        with self.db.sessions() as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                found.update(s.scalars(select(Document.sha256).where(Document.sha256.in_(chunk), *mine)))
        return found

    # -- evaluations ---------------------------------------------------------------------------

    def save(
        self,
        ev: Evaluation,
        document: DocumentInfo | None = None,
        *,
        year: int | None = None,
        run_id: int | None = None,
    ) -> Stored:
        """Store one scored evaluation (and its document) in one transaction."""
        return self.save_all([ev], document, year=year, run_id=run_id)[0]

    def save_all(
        self,
        evaluations: list[Evaluation],
        document: DocumentInfo | None = None,
        *,
        year: int | None = None,
        run_id: int | None = None,
    ) -> list[Stored]:
        """Store a file's evaluations (one per form it holds, each with its ``source.part``) and
        its document in one transaction: all of them or none. Bytes already stored give one
        ``duplicate`` result."""
        # Before the transaction: a writer holds it briefly.
        contracts = [ev.to_json(indent=None) for ev in evaluations]
        seen = _Seen()
        documents: dict[int, int] = {}  # the file's document row per unit, shared by its parts
        try:
            with self.db.engine.begin() as conn:
                stored = [
                    self._insert(conn, ev, contract, document, year, run_id, seen, documents=documents)
                    for ev, contract in zip(evaluations, contracts, strict=True)
                ]
        except IntegrityError:
            if document is not None and self.known_hashes([document.sha256]):
                return [Stored(None, None, duplicate=True)]
            raise
        # Only now, committed, may the ids serve the next evaluations (a rolled-back unit or
        # project must not be remembered).
        self._units.update(seen.units)
        self._projects.update(seen.projects)
        self._years.update(seen.years)
        return stored

    def save_in(
        self,
        s: Session,
        ev: Evaluation,
        document: DocumentInfo | None = None,
        *,
        year: int | None = None,
        run_id: int | None = None,
        unit: str | None = None,
        project_id: int | None = None,
        documents: dict[int, int] | None = None,
    ) -> Stored:
        """Store ``ev`` within the caller's transaction ``s`` (which commits or rolls back).

        ``unit`` names the unit instead of the evaluation's own; ``project_id`` saves it as the
        next version of that project (and its unit). A document already stored raises
        ``IntegrityError``; to save several evaluations of one file (its parts), pass the same
        ``documents`` dict to each call: they then share the document's row."""
        s.flush()
        conn = s.connection()
        unit_id: int | None = None
        if project_id is not None:
            unit_id = conn.execute(_PROJECT_UNIT, {"id": project_id}).scalar_one()
        seen = _Seen()  # not remembered: this transaction is the caller's
        return self._insert(
            conn,
            ev,
            ev.to_json(indent=None),
            document,
            year,
            run_id,
            seen,
            unit_name=None if unit is None else (unit.strip()[:200] or UNKNOWN_UNIT),
            ids=(unit_id, project_id) if project_id is not None and unit_id is not None else None,
            documents=documents,
        )

    def _insert(
        self,
        conn: Connection,
        ev: Evaluation,
        contract: str,
        document: DocumentInfo | None,
        year: int | None,
        run_id: int | None,
        seen: _Seen,
        *,
        unit_name: str | None = None,
        ids: tuple[int, int] | None = None,
        documents: dict[int, int] | None = None,
    ) -> Stored:
        """The evaluation's rows, with SQLAlchemy Core: one statement per table (the child rows
        as one executemany), no ORM objects."""
        new_project = False
        if ids is None:
            unit_id = self._unit_id(conn, unit_name or _unit_name(ev), seen)
        else:
            unit_id, project_id = ids
        # A unit's duplicate fails here, before the project and rows; the further parts of a file
        # share the row the first one wrote (``documents``: unit → document id).
        document_id = documents.get(unit_id) if documents is not None else None
        if document is not None and document_id is None:
            document_id = _new_id(
                conn.execute(
                    _INSERT_DOCUMENT,
                    {
                        "sha256": document.sha256,
                        "unit_id": unit_id,
                        "name": document.name[:500],
                        "path": document.path,
                        "format": document.format,
                        "size": document.size,
                        "stored": document.stored,
                        "run_id": run_id,
                    },
                )
            )
            if documents is not None:
                documents[unit_id] = document_id
        if ids is None:
            project_id, new_project = self._project_id(conn, unit_id, _project_name(ev, document), seen)
        the_year = year if year is not None else ev.project.year
        version = 1
        if not new_project:  # a project created in this transaction has no evaluations yet
            if conn.dialect.name == "postgresql":
                conn.execute(_LOCK_PROJECT, {"id": project_id})
            if the_year is None:
                latest = conn.execute(_LATEST_NULL_YEAR, {"project_id": project_id}).scalar()
            else:
                latest = conn.execute(_LATEST_VERSION, {"project_id": project_id, "year": the_year}).scalar()
            version = (latest or 0) + 1
            if version > 1:
                if the_year is None:
                    conn.execute(_REPLACE_NULL_YEAR, {"p": project_id})
                else:
                    conn.execute(_REPLACE, {"p": project_id, "y": the_year})
        if the_year is not None:
            self._project_year(conn, project_id, the_year, seen)
        errors = warnings = infos = 0
        unreadable = False
        for f in ev.findings:
            if f.severity is Severity.ERROR:
                errors += 1
            elif f.severity is Severity.WARNING:
                warnings += 1
            else:
                infos += 1
            if f.code == "UNREADABLE_DOCUMENT":
                unreadable = True
        verified, carried, share = _split(ev)
        evaluation_id = _new_id(
            conn.execute(
                _INSERT_EVALUATION,
                {
                    "project_id": project_id,
                    "unit_id": unit_id,
                    "year": the_year,
                    "version": version,
                    "document_id": document_id,
                    "part": ev.source.part if ev.source is not None else None,
                    "scheme_id": ev.scheme.id,
                    "planned_fen": fen(ev.budget.planned_yuan),
                    "executed_fen": fen(ev.budget.executed_yuan),
                    "execution_rate": ev.budget.execution_rate,
                    "claimed_total": ev.claimed.total,
                    "claimed_grade": ev.claimed.grade,
                    "computed_total": ev.computed.total,
                    "computed_grade": ev.computed.grade,
                    "verified_weight": verified,
                    "carried_weight": carried,
                    "unverified_share": share,
                    "errors": errors,
                    "warnings": warnings,
                    "infos": infos,
                    "unreadable": unreadable,
                    "latest": True,
                    "contract": contract,
                },
            )
        )
        if ev.indicators:
            conn.execute(
                _INSERT_INDICATOR,
                [
                    {
                        "evaluation_id": evaluation_id,
                        "position": i,
                        "level1": ind.level1,
                        "level2": ind.level2,
                        "name": ind.name,
                        "weight": ind.weight,
                        "claimed_score": ind.claimed_score,
                        "computed_score": ind.computed_score,
                        "target": ind.target.text if ind.target else None,
                        "actual": ind.actual.text if ind.actual else None,
                    }
                    for i, ind in enumerate(ev.indicators)
                ],
            )
        if ev.budget.lines:
            conn.execute(
                _INSERT_BUDGET_LINE,
                [
                    {
                        "evaluation_id": evaluation_id,
                        "position": i,
                        "name": line.name,
                        "planned_fen": fen(line.planned_yuan),
                        "executed_fen": fen(line.executed_yuan),
                        "group_name": line.group,
                    }
                    for i, line in enumerate(ev.budget.lines)
                ],
            )
        if ev.findings:
            conn.execute(
                _INSERT_FINDING,
                [
                    {
                        "evaluation_id": evaluation_id,
                        "position": i,
                        "code": f.code,
                        "severity": f.severity.value,
                        "message": f.message,
                        "location": f.location,
                    }
                    for i, f in enumerate(ev.findings)
                ],
            )
        return Stored(evaluation_id, version)

    def _unit_id(self, conn: Connection, name: str, seen: _Seen) -> int:
        unit_id = self._units.get(name)
        if unit_id is None:
            unit_id = conn.execute(_FIND_UNIT, {"name": name}).scalar()
            if unit_id is None:
                unit_id = _new_id(conn.execute(_INSERT_UNIT, {"name": name}))
            seen.units[name] = unit_id
        return unit_id

    def _project_id(self, conn: Connection, unit_id: int, name: str, seen: _Seen) -> tuple[int, bool]:
        """The project's id, and whether it was created just now."""
        key = (unit_id, name)
        project_id = self._projects.get(key)
        if project_id is not None:
            return project_id, False
        project_id = conn.execute(_FIND_PROJECT, {"unit_id": unit_id, "name": name}).scalar()
        created = project_id is None
        if project_id is None:
            project_id = _new_id(conn.execute(_INSERT_PROJECT, {"unit_id": unit_id, "name": name}))
        seen.projects[key] = project_id
        return project_id, created

    def _project_year(self, conn: Connection, project_id: int, year: int, seen: _Seen) -> None:
        """Make sure the project-year the evaluation belongs to exists and is marked evaluated
        (it owns the year's declaration and monitoring records too; see ``storage.years``)."""
        key = (project_id, year)
        if key in self._years or key in seen.years:
            return
        found = conn.execute(_FIND_PROJECT_YEAR, {"project_id": project_id, "year": year}).scalar()
        if found is None:
            conn.execute(_INSERT_PROJECT_YEAR, {"project_id": project_id, "year": year, "evaluated": True})
        else:
            conn.execute(_MARK_EVALUATED, {"py": found})
        seen.years.add(key)

    def get(self, evaluation_id: int) -> Evaluation | None:
        """A stored evaluation, exactly as it was saved."""
        with self.db.reader() as conn:
            contract = conn.scalar(select(EvaluationRow.contract).where(EvaluationRow.id == evaluation_id))
        return Evaluation.from_json(contract) if contract is not None else None

    def parts(self, evaluation_id: int) -> tuple[int, int, int] | None:
        """How many indicator, budget-line and finding rows an evaluation has in its tables."""
        with self.db.sessions() as s:
            if s.get(EvaluationRow, evaluation_id) is None:
                return None
            return tuple(  # type: ignore[return-value]
                s.scalar(select(func.count()).select_from(t).where(t.evaluation_id == evaluation_id)) or 0
                for t in (IndicatorRow, BudgetLineRow, FindingRow)
            )

    def count(self) -> tuple[int, int]:
        """How many evaluations and documents are stored."""
        with self.db.sessions() as s:
            evaluations = s.scalar(select(func.count()).select_from(EvaluationRow)) or 0
            documents = s.scalar(select(func.count()).select_from(Document)) or 0
        return evaluations, documents

    def data_version(self) -> tuple[int, int, int]:
        """The numbers of evaluations, documents and units: rows are only ever added, so these
        change with every change of stored data except a review decision."""
        with self.db.reader() as conn:
            evaluations = conn.scalar(select(func.count()).select_from(EvaluationRow)) or 0
            documents = conn.scalar(select(func.count()).select_from(Document)) or 0
            units = conn.scalar(select(func.count()).select_from(Unit)) or 0
        return evaluations, documents, units

    def list(
        self, *, year: int | None = None, unit: str | None = None, limit: int = 100
    ) -> list[EvaluationSummary]:
        """Stored evaluations, newest first."""
        with self.db.sessions() as s:
            q = (
                select(EvaluationRow, Unit.name, Project.name, Document.name)
                .join(Unit, EvaluationRow.unit_id == Unit.id)
                .join(Project, EvaluationRow.project_id == Project.id)
                .outerjoin(Document, EvaluationRow.document_id == Document.id)
                .order_by(EvaluationRow.id.desc())
                .limit(limit)
            )
            if year is not None:
                q = q.where(EvaluationRow.year == year)
            if unit is not None:
                q = q.where(Unit.name == unit)
            return [
                EvaluationSummary(
                    row.id,
                    unit_name,
                    project_name,
                    row.year,
                    row.version,
                    row.claimed_total,
                    row.computed_total,
                    row.computed_grade,
                    row.errors,
                    row.warnings,
                    doc_name,
                )
                for row, unit_name, project_name, doc_name in s.execute(q)
            ]


def filed_unit(ev: Evaluation, unit: str | None = None) -> str:
    """The name of the unit ``ev`` is saved under: ``unit`` when given, else the one it names."""
    return (unit.strip()[:200] or UNKNOWN_UNIT) if unit is not None else _unit_name(ev)


def _unit_name(ev: Evaluation) -> str:
    p = ev.project
    return (p.unit or p.implementer or p.department or UNKNOWN_UNIT).strip()[:200] or UNKNOWN_UNIT


def _project_name(ev: Evaluation, document: DocumentInfo | None) -> str:
    if ev.project.name:
        return ev.project.name.strip()[:300]
    if document is not None:
        return f"{UNKNOWN_PROJECT}{document.name}"[:300]
    return UNKNOWN_PROJECT
