"""A project's year in the database: its declaration, its monitoring records, its evaluation
versions and the reviewer's match overrides (migration 0011).

A project-year is one project × year (``project_years``). Evaluations belong to it by their
project and year (``Store.save`` makes the row and marks it evaluated); declarations and monitoring
records by its id, and saving one sets the row's flags (declared or monitored, and whether the
current records carry warnings), so the lists by stage and the counts per unit read that table.
Like evaluations, records are never changed in place: saving again is a new version and the
earlier one stays (``latest`` marks the current one; for monitoring, per period).

The records' contract JSON is the record (``contract``); a few figures are projected into
columns for the lists and the counts per unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from jixiao.core.model import Finding
from jixiao.core.model import Project as ProjectHeader
from jixiao.core.model import Severity
from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Stage
from jixiao.errors import JixiaoError
from jixiao.storage.db import Database
from jixiao.storage.schema import DeclarationRow
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import MatchOverrideRow
from jixiao.storage.schema import MonitoringRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import ProjectYearRow
from jixiao.storage.schema import Unit
from jixiao.storage.schema import aware
from jixiao.storage.store import UNKNOWN_UNIT
from jixiao.storage.store import fen

MAX_NAME = 300


class YearError(JixiaoError):
    """项目年度信息不完整，无法保存。"""


@dataclass(frozen=True, slots=True)
class YearQuery:
    """Which project-years a listing shows: by furthest stage (declared only, monitored not yet
    evaluated, evaluated), unit and year, and which page of them."""

    stage: Stage | None = None
    unit_id: int | None = None
    year: int | None = None
    limit: int = 500
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ProjectYearInfo:
    """One project-year: whose, which, and how far it has come."""

    id: int
    unit_id: int
    unit: str
    project_id: int
    project: str
    year: int
    stage: Stage | None  # the furthest stage reached (None: nothing saved yet)
    declared: bool
    monitored: bool
    evaluated: bool


@dataclass(frozen=True, slots=True)
class RecordInfo:
    """One stored version of a declaration or monitoring record."""

    id: int
    project_year_id: int
    version: int
    latest: bool
    actor: str | None
    saved_at: dt.datetime
    errors: int
    warnings: int


@dataclass(frozen=True, slots=True)
class EvaluationVersion:
    """One stored evaluation version of a project-year."""

    id: int
    version: int
    latest: bool
    saved_at: dt.datetime
    errors: int
    warnings: int


@dataclass(frozen=True, slots=True)
class MatchOverride:
    """A reviewer's correction: the evaluated indicator ``evaluated`` is the declared one
    ``declared`` (None: it was not declared, added afterwards)."""

    evaluated: str
    declared: str | None
    actor: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class UnitStageCounts:
    """Per unit (and year): project-years declared, monitored and evaluated, and how many of its
    latest declarations and monitoring records carry warnings or errors."""

    unit_id: int
    unit: str
    declared: int
    monitored: int
    evaluated: int
    declaration_warnings: int
    monitoring_warnings: int


def _stored(
    record: Declaration | Monitoring, py: int, version: int, actor: str | None, document_id: int | None
) -> dict[str, Any]:
    """The columns every stored declaration and monitoring version has: whose and which version
    it is, who saved it from which document, its planned budget, its contract JSON and its
    finding counts (the latest version from now on)."""
    return {
        "project_year_id": py,
        "version": version,
        "latest": True,
        "document_id": document_id,
        "actor": actor,
        "planned_fen": fen(record.planned_yuan),
        "contract": record.to_json(indent=None),
        **_counts(record.findings),
    }


def _counts(findings: tuple[Finding, ...]) -> dict[str, int]:
    return {
        "errors": sum(f.severity is Severity.ERROR for f in findings),
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
        "infos": sum(f.severity is Severity.INFO for f in findings),
    }


def _name(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise YearError(f"缺少{what}，无法确定项目年度")
    if len(text) > MAX_NAME:
        raise YearError(f"{what}超过 {MAX_NAME} 个字符")
    return text


def filed_names(project: ProjectHeader, unit: str | None = None) -> tuple[str, str]:
    """The unit and project names a record is filed under, as ``Store.save`` files an
    evaluation (so the three records of a year meet): ``unit`` when given, else the unit the
    record names (or its implementer or department)."""
    if unit is not None and unit.strip():
        unit_name = unit.strip()[:200]
    else:
        unit_name = (project.unit or project.implementer or project.department or UNKNOWN_UNIT).strip()[:200]
    return unit_name or UNKNOWN_UNIT, (project.name or "").strip()[:MAX_NAME]


def _year(value: int | None) -> int:
    if value is None:
        raise YearError("缺少年度，无法确定项目年度")
    if not 1990 <= value <= 2100:
        raise YearError(f"年度“{value}”不在 1990—2100 之间")
    return value


_STAGE_WHERE = {
    Stage.DECLARED: and_(ProjectYearRow.declared, ~ProjectYearRow.monitored, ~ProjectYearRow.evaluated),
    Stage.MONITORED: and_(ProjectYearRow.monitored, ~ProjectYearRow.evaluated),
    Stage.EVALUATED: ProjectYearRow.evaluated,
}


def _info(row: Any) -> ProjectYearInfo:
    declared, monitored, evaluated = bool(row.declared), bool(row.monitored), bool(row.evaluated)
    stage = (
        Stage.EVALUATED
        if evaluated
        else Stage.MONITORED
        if monitored
        else Stage.DECLARED
        if declared
        else None
    )
    return ProjectYearInfo(
        id=row.id,
        unit_id=row.unit_id,
        unit=row.unit,
        project_id=row.project_id,
        project=row.project,
        year=row.year,
        stage=stage,
        declared=declared,
        monitored=monitored,
        evaluated=evaluated,
    )


_INFO = (
    select(
        ProjectYearRow.id,
        Project.unit_id,
        Unit.name.label("unit"),
        ProjectYearRow.project_id,
        Project.name.label("project"),
        ProjectYearRow.year,
        ProjectYearRow.declared,
        ProjectYearRow.monitored,
        ProjectYearRow.evaluated,
    )
    .join(Project, Project.id == ProjectYearRow.project_id)
    .join(Unit, Unit.id == Project.unit_id)
)


def _record(row: Any) -> RecordInfo:
    return RecordInfo(
        id=row.id,
        project_year_id=row.project_year_id,
        version=row.version,
        latest=row.latest,
        actor=row.actor,
        saved_at=aware(row.created_at),
        errors=row.errors,
        warnings=row.warnings,
    )


class Years:
    """The database, seen as project-years."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- project-years --------------------------------------------------------------------------

    def ensure(self, s: Session, unit: str, project: str, year: int) -> int:
        """The id of the project-year ``unit`` × ``project`` × ``year`` within the caller's
        transaction, created (with its unit and project) on first sight."""
        unit = _name(unit, "单位名称")[:200]
        project = _name(project, "项目名称")
        year = _year(year)
        unit_row = s.scalar(select(Unit).where(Unit.name == unit))
        if unit_row is None:
            unit_row = Unit(name=unit)
            s.add(unit_row)
            s.flush()
        project_row = s.scalar(select(Project).where(Project.unit_id == unit_row.id, Project.name == project))
        if project_row is None:
            project_row = Project(unit_id=unit_row.id, name=project)
            s.add(project_row)
            s.flush()
        if s.get_bind().dialect.name == "postgresql":
            # Saves of one project wait for each other, so versions are numbered one after another.
            s.execute(select(Project.id).where(Project.id == project_row.id).with_for_update())
        found = s.scalar(
            select(ProjectYearRow.id).where(
                ProjectYearRow.project_id == project_row.id, ProjectYearRow.year == year
            )
        )
        if found is not None:
            return found
        row = ProjectYearRow(project_id=project_row.id, year=year)
        s.add(row)
        s.flush()
        return row.id

    def get(self, project_year_id: int) -> ProjectYearInfo | None:
        """One project-year, with its stage."""
        with self.db.reader() as conn:
            row = conn.execute(_INFO.where(ProjectYearRow.id == project_year_id)).first()
        return _info(row) if row is not None else None

    def find_for(self, project: ProjectHeader, unit: str | None = None) -> ProjectYearInfo | None:
        """The project-year a record with this header would be filed under, if stored."""
        unit_name, project_name = filed_names(project, unit)
        if not project_name or project.year is None:
            return None
        return self.find(unit_name, project_name, project.year)

    def find(self, unit: str, project: str, year: int) -> ProjectYearInfo | None:
        """The project-year of ``unit`` × ``project`` × ``year``, if anything of it is stored."""
        with self.db.reader() as conn:
            row = conn.execute(
                _INFO.where(
                    Unit.name == unit.strip(), Project.name == project.strip(), ProjectYearRow.year == year
                )
            ).first()
        return _info(row) if row is not None else None

    def of_evaluation(self, evaluation_id: int) -> ProjectYearInfo | None:
        """The project-year a stored evaluation belongs to (None: the evaluation names no year)."""
        with self.db.reader() as conn:
            row = conn.execute(
                _INFO.join(
                    EvaluationRow,
                    and_(
                        EvaluationRow.project_id == ProjectYearRow.project_id,
                        EvaluationRow.year == ProjectYearRow.year,
                    ),
                ).where(EvaluationRow.id == evaluation_id)
            ).first()
        return _info(row) if row is not None else None

    def listing(self, query: YearQuery | None = None) -> list[ProjectYearInfo]:
        """The project-years ``query`` asks for (all by default), newest year first then by unit
        and project."""
        query = query or YearQuery()
        q = _INFO
        if query.stage is not None:
            q = q.where(_STAGE_WHERE[query.stage])
        if query.unit_id is not None:
            q = q.where(Project.unit_id == query.unit_id)
        if query.year is not None:
            q = q.where(ProjectYearRow.year == query.year)
        q = q.order_by(ProjectYearRow.year.desc(), Unit.name, Project.name)
        q = q.limit(query.limit).offset(query.offset)
        with self.db.reader() as conn:
            return [_info(row) for row in conn.execute(q)]

    def counts_by_unit(self, *, year: int | None = None, unit_id: int | None = None) -> list[UnitStageCounts]:
        """Per unit: project-years declared, monitored and evaluated (each counted at every stage
        it has a record of), and the latest declarations and monitorings with warnings or errors."""

        def n(flag: Any) -> Any:
            return func.coalesce(func.sum(case((flag, 1), else_=0)), 0)

        q = (
            select(
                Unit.id,
                Unit.name,
                n(ProjectYearRow.declared),
                n(ProjectYearRow.monitored),
                n(ProjectYearRow.evaluated),
                n(ProjectYearRow.declaration_warned),
                n(ProjectYearRow.monitoring_warned),
            )
            .select_from(ProjectYearRow)
            .join(Project, Project.id == ProjectYearRow.project_id)
            .join(Unit, Unit.id == Project.unit_id)
            .group_by(Unit.id, Unit.name)
            .order_by(Unit.name)
        )
        if year is not None:
            q = q.where(ProjectYearRow.year == year)
        if unit_id is not None:
            q = q.where(Unit.id == unit_id)
        with self.db.reader() as conn:
            return [UnitStageCounts(row[0], row[1], *(int(v) for v in row[2:])) for row in conn.execute(q)]

    # -- declarations ---------------------------------------------------------------------------

    def save_declaration(
        self,
        dec: Declaration,
        *,
        actor: str | None = None,
        unit: str | None = None,
        document_id: int | None = None,
    ) -> RecordInfo:
        """Save ``dec`` as the next version of its project-year's declaration (``unit`` files it
        under that unit instead of the one it names). ``YearError`` when it names no project or
        year."""
        with self.db.sessions.begin() as s:
            py = self.ensure(s, *filed_names(dec.project, unit), _year(dec.project.year))
            version = self._next(s, DeclarationRow, py)
            row = DeclarationRow(
                **_stored(dec, py, version, actor, document_id), indicators=len(dec.indicators)
            )
            s.add(row)
            s.flush()
            s.execute(
                update(ProjectYearRow)
                .where(ProjectYearRow.id == py)
                .values(declared=True, declaration_warned=row.errors + row.warnings > 0)
            )
            return _record(row)

    def declaration(self, project_year_id: int, version: int | None = None) -> Declaration | None:
        """The project-year's declaration: the latest version, or ``version``."""
        q = select(DeclarationRow.contract).where(DeclarationRow.project_year_id == project_year_id)
        q = q.where(DeclarationRow.latest) if version is None else q.where(DeclarationRow.version == version)
        with self.db.reader() as conn:
            text = conn.scalar(q)
        return Declaration.from_json(text) if text is not None else None

    def declaration_versions(self, project_year_id: int) -> list[RecordInfo]:
        """Every stored version of the project-year's declaration, oldest first."""
        with self.db.reader() as conn:
            rows = conn.execute(
                select(DeclarationRow)
                .where(DeclarationRow.project_year_id == project_year_id)
                .order_by(DeclarationRow.version)
            )
            return [_record(r) for r in rows]

    # -- monitoring -----------------------------------------------------------------------------

    def save_monitoring(
        self,
        mon: Monitoring,
        *,
        actor: str | None = None,
        unit: str | None = None,
        document_id: int | None = None,
    ) -> RecordInfo:
        """Save ``mon`` as the next version of its project-year's record for its period."""
        with self.db.sessions.begin() as s:
            py = self.ensure(s, *filed_names(mon.project, unit), _year(mon.project.year))
            last = mon.period.last_month
            version = self._next(s, MonitoringRow, py, MonitoringRow.last_month == last)
            row = MonitoringRow(
                **_stored(mon, py, version, actor, document_id),
                first_month=mon.period.first_month,
                last_month=last,
                executed_fen=fen(mon.executed_yuan),
                execution_rate=mon.execution_rate,
                time_elapsed=mon.time_elapsed,
            )
            s.add(row)
            s.flush()
            warned = s.scalar(
                select(func.count())
                .select_from(MonitoringRow)
                .where(
                    MonitoringRow.project_year_id == py,
                    MonitoringRow.latest,
                    or_(MonitoringRow.errors > 0, MonitoringRow.warnings > 0),
                )
            )
            s.execute(
                update(ProjectYearRow)
                .where(ProjectYearRow.id == py)
                .values(monitored=True, monitoring_warned=bool(warned))
            )
            return _record(row)

    def monitorings(self, project_year_id: int) -> list[tuple[RecordInfo, Monitoring]]:
        """The project-year's current monitoring records, one per period, earliest period first."""
        with self.db.reader() as conn:
            rows = conn.execute(
                select(MonitoringRow)
                .where(MonitoringRow.project_year_id == project_year_id, MonitoringRow.latest)
                .order_by(MonitoringRow.last_month)
            )
            return [(_record(r), Monitoring.from_json(r.contract)) for r in rows]

    def monitoring(self, project_year_id: int) -> Monitoring | None:
        """The project-year's latest-period current monitoring record."""
        records = self.monitorings(project_year_id)
        return records[-1][1] if records else None

    def monitoring_versions(self, project_year_id: int) -> list[RecordInfo]:
        """Every stored monitoring version of the project-year, by period then version."""
        with self.db.reader() as conn:
            rows = conn.execute(
                select(MonitoringRow)
                .where(MonitoringRow.project_year_id == project_year_id)
                .order_by(MonitoringRow.last_month, MonitoringRow.version)
            )
            return [_record(r) for r in rows]

    # -- evaluations ----------------------------------------------------------------------------

    def evaluation_versions(self, project_year_id: int) -> list[EvaluationVersion]:
        """The project-year's evaluation versions, oldest first."""
        q = (
            select(
                EvaluationRow.id,
                EvaluationRow.version,
                EvaluationRow.latest,
                EvaluationRow.created_at,
                EvaluationRow.errors,
                EvaluationRow.warnings,
            )
            .join(
                ProjectYearRow,
                and_(
                    ProjectYearRow.project_id == EvaluationRow.project_id,
                    ProjectYearRow.year == EvaluationRow.year,
                ),
            )
            .where(ProjectYearRow.id == project_year_id)
            .order_by(EvaluationRow.version)
        )
        with self.db.reader() as conn:
            return [
                EvaluationVersion(r.id, r.version, r.latest, aware(r.created_at), r.errors, r.warnings)
                for r in conn.execute(q)
            ]

    # -- match overrides ------------------------------------------------------------------------

    def set_override(self, project_year_id: int, evaluated: str, declared: str | None, *, actor: str) -> None:
        """Record that the evaluated indicator named ``evaluated`` is the declared one named
        ``declared`` (None: none of them), replacing an earlier correction of the same row."""
        evaluated = _name(evaluated, "自评指标名称")[:500]
        declared = declared.strip()[:500] if declared and declared.strip() else None
        with self.db.sessions.begin() as s:
            if s.get(ProjectYearRow, project_year_id) is None:
                raise YearError(f"项目年度 {project_year_id} 不存在")
            row = s.scalar(
                select(MatchOverrideRow).where(
                    MatchOverrideRow.project_year_id == project_year_id,
                    MatchOverrideRow.evaluated_name == evaluated,
                )
            )
            if row is None:
                s.add(
                    MatchOverrideRow(
                        project_year_id=project_year_id,
                        evaluated_name=evaluated,
                        declared_name=declared,
                        actor=actor,
                    )
                )
            else:
                row.declared_name = declared
                row.actor = actor
                row.at = dt.datetime.now(dt.UTC)

    def clear_override(self, project_year_id: int, evaluated: str) -> bool:
        """Forget the correction of the evaluated indicator ``evaluated``; whether there was one."""
        with self.db.sessions.begin() as s:
            row = s.scalar(
                select(MatchOverrideRow).where(
                    MatchOverrideRow.project_year_id == project_year_id,
                    MatchOverrideRow.evaluated_name == evaluated.strip(),
                )
            )
            if row is None:
                return False
            s.delete(row)
            return True

    def overrides(self, project_year_id: int) -> list[MatchOverride]:
        """The reviewer's corrections of the project-year's match."""
        with self.db.reader() as conn:
            rows = conn.execute(
                select(MatchOverrideRow)
                .where(MatchOverrideRow.project_year_id == project_year_id)
                .order_by(MatchOverrideRow.id)
            )
            return [MatchOverride(r.evaluated_name, r.declared_name, r.actor, aware(r.at)) for r in rows]

    @staticmethod
    def override_map(overrides: list[MatchOverride]) -> Mapping[str, str | None]:
        """The corrections as evaluated name → declared name (None: not declared)."""
        return {o.evaluated: o.declared for o in overrides}

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _next(s: Session, table: type[DeclarationRow] | type[MonitoringRow], py: int, *where: Any) -> int:
        """The next version number, marking the current one(s) no longer latest."""
        latest = s.scalar(
            select(func.coalesce(func.max(table.version), 0)).where(table.project_year_id == py, *where)
        )
        s.execute(update(table).where(table.project_year_id == py, table.latest, *where).values(latest=False))
        return int(latest or 0) + 1
