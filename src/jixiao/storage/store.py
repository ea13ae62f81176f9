"""Reading and writing evaluations: the only API the rest of jixiao uses for the database.

Each evaluation is saved in its own transaction together with its document, its unit and project
(created on first sight) and its child rows, so an interrupted import leaves only whole
evaluations behind. A document is known by the SHA-256 of its bytes: saving the same bytes twice
is refused by a unique constraint, so a resumed import can never store a file twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.storage.db import Database
from jixiao.storage.schema import BudgetLineRow
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import FindingRow
from jixiao.storage.schema import ImportRun
from jixiao.storage.schema import IndicatorRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import Unit

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


class Store:
    """The portfolio database, seen as evaluations."""

    def __init__(self, db: Database) -> None:
        self.db = db

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

    # -- documents -----------------------------------------------------------------------------

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Which of ``hashes`` are already stored documents."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        with self.db.sessions() as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                found.update(s.scalars(select(Document.sha256).where(Document.sha256.in_(chunk))))
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
        try:
            with self.db.sessions.begin() as s:
                return self._save(s, ev, document, year, run_id)
        except IntegrityError:
            if document is not None and self.known_hashes([document.sha256]):
                return Stored(None, None, duplicate=True)
            raise

    def _save(
        self, s: Session, ev: Evaluation, document: DocumentInfo | None, year: int | None, run_id: int | None
    ) -> Stored:
        unit = _get_or_create_unit(s, _unit_name(ev))
        project = _get_or_create_project(s, unit, _project_name(ev, document))
        the_year = year if year is not None else ev.project.year
        doc_row = None
        if document is not None:
            doc_row = Document(
                sha256=document.sha256,
                name=document.name[:500],
                path=document.path,
                format=document.format,
                size=document.size,
                stored=document.stored,
                run_id=run_id,
            )
            s.add(doc_row)
            s.flush()
        version = (
            s.scalar(
                select(func.coalesce(func.max(EvaluationRow.version), 0)).where(
                    EvaluationRow.project_id == project.id,
                    EvaluationRow.year.is_(None) if the_year is None else EvaluationRow.year == the_year,
                )
            )
            or 0
        ) + 1
        counts = dict.fromkeys(Severity, 0)
        for f in ev.findings:
            counts[f.severity] += 1
        row = EvaluationRow(
            project_id=project.id,
            unit_id=unit.id,
            year=the_year,
            version=version,
            document_id=doc_row.id if doc_row else None,
            scheme_id=ev.scheme.id,
            planned_fen=fen(ev.budget.planned_yuan),
            executed_fen=fen(ev.budget.executed_yuan),
            execution_rate=ev.budget.execution_rate,
            claimed_total=ev.claimed.total,
            claimed_grade=ev.claimed.grade,
            computed_total=ev.computed.total,
            computed_grade=ev.computed.grade,
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            infos=counts[Severity.INFO],
            unreadable=any(f.code == "UNREADABLE_DOCUMENT" for f in ev.findings),
            contract=ev.to_json(indent=None),
        )
        s.add(row)
        s.flush()
        s.add_all(
            IndicatorRow(
                evaluation_id=row.id,
                position=i,
                level1=ind.level1,
                level2=ind.level2,
                name=ind.name,
                weight=ind.weight,
                claimed_score=ind.claimed_score,
                computed_score=ind.computed_score,
                target=ind.target.text if ind.target else None,
                actual=ind.actual.text if ind.actual else None,
            )
            for i, ind in enumerate(ev.indicators)
        )
        s.add_all(
            BudgetLineRow(
                evaluation_id=row.id,
                position=i,
                name=line.name,
                planned_fen=fen(line.planned_yuan),
                executed_fen=fen(line.executed_yuan),
                group_name=line.group,
            )
            for i, line in enumerate(ev.budget.lines)
        )
        s.add_all(
            FindingRow(
                evaluation_id=row.id,
                position=i,
                code=f.code,
                severity=f.severity.value,
                message=f.message,
                location=f.location,
            )
            for i, f in enumerate(ev.findings)
        )
        return Stored(row.id, version)

    def get(self, evaluation_id: int) -> Evaluation | None:
        """A stored evaluation, exactly as it was saved."""
        with self.db.sessions() as s:
            row = s.get(EvaluationRow, evaluation_id)
            return Evaluation.from_json(row.contract) if row else None

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


def _unit_name(ev: Evaluation) -> str:
    p = ev.project
    return (p.unit or p.implementer or p.department or UNKNOWN_UNIT).strip()[:200] or UNKNOWN_UNIT


def _project_name(ev: Evaluation, document: DocumentInfo | None) -> str:
    if ev.project.name:
        return ev.project.name.strip()[:300]
    if document is not None:
        return f"{UNKNOWN_PROJECT}{document.name}"[:300]
    return UNKNOWN_PROJECT


def _get_or_create_unit(s: Session, name: str) -> Unit:
    unit = s.scalar(select(Unit).where(Unit.name == name))
    if unit is None:
        unit = Unit(name=name)
        s.add(unit)
        s.flush()
    return unit


def _get_or_create_project(s: Session, unit: Unit, name: str) -> Project:
    project = s.scalar(select(Project).where(Project.unit_id == unit.id, Project.name == name))
    if project is None:
        project = Project(unit_id=unit.id, name=name)
        s.add(project)
        s.flush()
    return project
