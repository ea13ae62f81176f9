"""The database schema (SQLAlchemy 2 declarative): the contract, made queryable.

An evaluation is stored twice over, on purpose: its contract JSON (``evaluations.contract``) is
the record — what was read from the document, exactly, and what ``jixiao show`` prints — and its
parts are projected into columns and child tables (indicators, budget lines, findings) so the
portfolio queries run in SQL. Both are written in one transaction and never change afterwards; a
unit's resubmission is a new version.

Money is exact: integer fen (``BIGINT``). Scores, weights and rates are ``NUMERIC``. Nothing is
``REAL``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy import true
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

# Stable constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SCORE = Numeric(12, 4)
RATE = Numeric(14, 6)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite gives back naive ones; all were written in UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Unit(Base):
    """A budget unit (预算单位) that submits evaluations."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    projects: Mapped[list[Project]] = relationship(back_populates="unit")


class Project(Base):
    """A spending project of a unit; evaluated once a year (or more, with resubmissions)."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[Unit] = relationship(back_populates="projects")


class ImportRun(Base):
    """One ``jixiao import``: what it was asked to read and how far it got."""

    __tablename__ = "import_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="running")
    files_seen: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    unreadable: Mapped[int] = mapped_column(Integer, default=0)


# Trigram indexes of the names the web list searches (``ILIKE '%…%'``): PostgreSQL only, made by
# migration 0003 when the pg_trgm extension is available, so not declared on the models.
SEARCH_INDEXES = frozenset({"ix_projects_name_trgm", "ix_documents_name_trgm"})
# The web list's sort orders (PostgreSQL only, migration 0004): the current rows in each order the
# list asks for, blanks last both ways, so a page is read off an index instead of sorting them all.
SORT_INDEXES = frozenset(
    {
        *(
            f"ix_evaluations_sort_{k}_{d}"
            for k in ("claimed", "computed", "difference", "rate", "unverified")
            for d in ("asc", "desc")
        ),
        "ix_evaluations_sort_errors",
        "ix_evaluations_sort_unit",
        "ix_evaluations_sort_project",
        "ix_projects_name",
    }
)


class Document(Base):
    """A submitted file of one unit, known by its content: the same bytes are one document of a
    unit, whatever their name. Two units submitting the same bytes each get their own document
    (and evaluation), so neither learns anything about the other; the original is kept
    content-addressed under the data directory as evidence, one copy of the bytes for all."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("sha256", "unit_id", name="uq_documents_sha256_unit"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    # The unit the document was filed under (empty only for documents of no evaluation).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(500))
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(BigInteger)
    stored: Mapped[str | None] = mapped_column(String(200))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


# The figures both covering indexes of ``evaluations`` carry after their leading columns.
_COVERED_FIGURES = (
    "unreadable",
    "claimed_total",
    "computed_total",
    "execution_rate",
    "errors",
    "warnings",
    "document_id",
)


class EvaluationRow(Base):
    """One project's evaluation for one year (one version of it)."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("project_id", "year", "version"),
        # One file may hold several evaluations (one per table or sheet: ``part``).
        UniqueConstraint("document_id", "part", name="uq_evaluations_document_part"),
        # Covers every portfolio query, so none reads the wide rows holding the contract text.
        Index(
            "ix_evaluations_report",
            "year",
            "unit_id",
            "scheme_id",
            "computed_grade",
            "claimed_grade",
            "project_id",
            "version",
            *_COVERED_FIGURES,
            "latest",
        ),
        # The same columns with the unit first: a unit's list and dashboard read only it, and a
        # report grouping by unit reads it in order (SQLite prefers any unit_id index for that,
        # so one that does not cover the report would make it read the large rows).
        Index(
            "ix_evaluations_unit",
            "unit_id",
            "scheme_id",
            "computed_grade",
            "claimed_grade",
            "year",
            "latest",
            *_COVERED_FIGURES,
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # Which table or sheet of the document this evaluation came from (empty: the whole document).
    part: Mapped[str | None] = mapped_column(Text)
    scheme_id: Mapped[str] = mapped_column(String(100))
    planned_fen: Mapped[int | None] = mapped_column(BigInteger)
    executed_fen: Mapped[int | None] = mapped_column(BigInteger)
    execution_rate: Mapped[Decimal | None] = mapped_column(RATE)
    claimed_total: Mapped[Decimal | None] = mapped_column(SCORE)
    claimed_grade: Mapped[str | None] = mapped_column(String(20))
    computed_total: Mapped[Decimal | None] = mapped_column(SCORE)
    computed_grade: Mapped[str | None] = mapped_column(String(20))
    # The indicator weights the rules verified and those carried over from the claim
    # (``computed.verified_weight``/``carried_weight``) and the carried share, for the list.
    verified_weight: Mapped[Decimal | None] = mapped_column(SCORE)
    carried_weight: Mapped[Decimal | None] = mapped_column(SCORE)
    unverified_share: Mapped[Decimal | None] = mapped_column(RATE)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    unreadable: Mapped[bool] = mapped_column(default=False)
    # Whether this is the highest version of its project × year (a resubmission or an edit
    # replaces the earlier one). Kept by Store.save, so no query has to look for newer versions.
    latest: Mapped[bool] = mapped_column(default=True, server_default=true())
    contract: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    project: Mapped[Project] = relationship()
    unit: Mapped[Unit] = relationship()
    document: Mapped[Document | None] = relationship()


class IndicatorRow(Base):
    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str | None] = mapped_column(String(100))
    level2: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(Text)
    weight: Mapped[Decimal | None] = mapped_column(SCORE)
    claimed_score: Mapped[Decimal | None] = mapped_column(SCORE)
    computed_score: Mapped[Decimal | None] = mapped_column(SCORE)
    target: Mapped[str | None] = mapped_column(Text)
    actual: Mapped[str | None] = mapped_column(Text)


class BudgetLineRow(Base):
    __tablename__ = "budget_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    planned_fen: Mapped[int | None] = mapped_column(BigInteger)
    executed_fen: Mapped[int | None] = mapped_column(BigInteger)
    group_name: Mapped[str | None] = mapped_column(Text)


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_code_severity_evaluation", "code", "severity", "evaluation_id"),
        Index("ix_findings_evaluation_code", "evaluation_id", "code", "severity"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)


# -- the web app: users, their sessions, review status and the audit log ------------------------------


class UserRow(Base):
    """A person who logs in: an admin, a reviewer of the finance bureau, or a unit's user (who
    sees only ``unit_id``'s evaluations)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SessionRow(Base):
    """A logged-in browser. Only the SHA-256 of the cookie's token is stored."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LoginThrottleRow(Base):
    """Failed logins counted per key (``user:<name>`` or ``addr:<address>``), kept in the database
    so the back-off holds across server processes and restarts."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SchemeRow(Base):
    """A scoring scheme an evaluation was scored under, kept by content hash (``Scheme.digest``)
    as its canonical JSON, so a user's own scheme file is found again after the file is gone."""

    __tablename__ = "schemes"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    scheme_id: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReviewRow(Base):
    """The bureau's decision on one evaluation version (none yet: 待审核)."""

    __tablename__ = "reviews"
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditRow(Base):
    """One change to a project's evaluation for a year: who, when, what, the old and new value.

    Evaluations are never changed in place (an edit saves a new version), so the log is kept per
    project × year and names the version each change produced."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_project_year", "project_id", "year", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    year: Mapped[int | None] = mapped_column(Integer)
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(Text)
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)


# -- the project's year: declared targets, in-year monitoring, the reviewer's match overrides ------


class ProjectYearRow(Base):
    """One project's year: it owns its declaration versions, its monitoring records and (by the
    same project and year) its evaluation versions. Made when the first of them is saved.

    Which records it has, and whether its current declaration or monitoring records carry
    warnings, are flags kept when a record is saved (records are never deleted), so the lists by
    stage and the counts per unit read this table alone."""

    __tablename__ = "project_years"
    __table_args__ = (UniqueConstraint("project_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    year: Mapped[int] = mapped_column(Integer)
    declared: Mapped[bool] = mapped_column(default=False, server_default=false())
    monitored: Mapped[bool] = mapped_column(default=False, server_default=false())
    evaluated: Mapped[bool] = mapped_column(default=False, server_default=false())
    declaration_warned: Mapped[bool] = mapped_column(default=False, server_default=false())
    monitoring_warned: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    project: Mapped[Project] = relationship()


class DeclarationRow(Base):
    """One version of a project-year's 绩效目标申报 (``jixiao.declaration/1`` in ``contract``)."""

    __tablename__ = "declarations"
    __table_args__ = (
        UniqueConstraint("project_year_id", "version"),
        Index("ix_declarations_year_latest", "project_year_id", "latest"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_year_id: Mapped[int] = mapped_column(ForeignKey("project_years.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    latest: Mapped[bool] = mapped_column(default=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    actor: Mapped[str | None] = mapped_column(String(150))
    planned_fen: Mapped[int | None] = mapped_column(BigInteger)
    indicators: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    contract: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class MonitoringRow(Base):
    """One version of a project-year's 绩效监控 record for one period (``jixiao.monitoring/1``)."""

    __tablename__ = "monitorings"
    __table_args__ = (
        UniqueConstraint("project_year_id", "last_month", "version"),
        Index("ix_monitorings_year_latest", "project_year_id", "latest"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_year_id: Mapped[int] = mapped_column(ForeignKey("project_years.id", ondelete="CASCADE"))
    first_month: Mapped[int] = mapped_column(Integer, default=1)
    last_month: Mapped[int] = mapped_column(Integer, default=7)
    version: Mapped[int] = mapped_column(Integer, default=1)
    latest: Mapped[bool] = mapped_column(default=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    actor: Mapped[str | None] = mapped_column(String(150))
    planned_fen: Mapped[int | None] = mapped_column(BigInteger)
    executed_fen: Mapped[int | None] = mapped_column(BigInteger)
    execution_rate: Mapped[Decimal | None] = mapped_column(RATE)
    time_elapsed: Mapped[Decimal | None] = mapped_column(RATE)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    contract: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class MatchOverrideRow(Base):
    """A reviewer's correction of the match between a self-evaluation's indicator and the
    declared ones: the evaluated indicator (by name) is the declared one named
    ``declared_name``, or none of them (``declared_name`` empty: added after the declaration)."""

    __tablename__ = "indicator_match_overrides"
    __table_args__ = (UniqueConstraint("project_year_id", "evaluated_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_year_id: Mapped[int] = mapped_column(ForeignKey("project_years.id", ondelete="CASCADE"))
    evaluated_name: Mapped[str] = mapped_column(String(500))
    declared_name: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(150))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
