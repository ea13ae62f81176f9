"""The portfolio report's SQL: every figure is aggregated in the database, never row by row in Python.

The report covers the *current* evaluations: for each project × year only the highest version (a
unit's resubmission replaces its earlier one) and only readable documents — an unreadable file
(``evaluations.unreadable``) has no figures and is counted apart. ``year IS NULL`` is a year of
its own, as it is for versions (:meth:`jixiao.storage.store.Store.save`).

Scores are ``NUMERIC(12, 4)``. SQLite keeps such a value as a binary float, so sums, maxima and
comparisons with a threshold (inflated by more than one point) are done on the score in integer
ten-thousandths of a point (``ROUND(x * 10000)``), which is exact on both backends; the rate and
claimed-total bins compare against the literal bounds, which are the same float on both sides.
The only float arithmetic is the correlation's sums (rates and scores, never money).

All queries of one report run in one :class:`PortfolioReader`, i.e. in one read transaction
(one snapshot, ``REPEATABLE READ`` on PostgreSQL), so the figures agree with each other even
while an import is writing. Every function returns frozen dataclasses of plain values.

Speed (a synthetic 100,000-evaluation database, ``tests/synthetic.py``): each figure is
one pass with ``GROUP BY`` over the current evaluations in scope, or over their findings; only the
scatter's points come back as rows, at most ``limit`` of them, every k-th id. “Not replaced by a
newer version” is the ``latest`` flag kept at save (see :func:`_current`); the finding codes
are counted on whichever side is smaller (see :meth:`PortfolioReader.finding_codes`). The
migrations' covering index ``ix_evaluations_report`` holds every column the report reads, so no
pass reads the large evaluations rows (their contract text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import ColumnElement
from sqlalchemy import Connection
from sqlalchemy import Float
from sqlalchemy import Select
from sqlalchemy import SQLColumnExpression
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union_all

from jixiao.storage.db import Database
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import FindingRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import Unit

E = EvaluationRow
_TEN_THOUSAND = 10_000
_PER_POINT = Decimal(_TEN_THOUSAND)
_WORK_MEM = "64MB"  # PostgreSQL, for this transaction only


# -- what the queries take and give ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filter:
    """Which evaluations the report covers: one year and/or one unit (by id), or all."""

    year: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True, slots=True)
class Bound:
    """The upper edge of a bin: values below ``value`` (or equal to it, when ``inclusive``)."""

    value: Decimal
    inclusive: bool = False


@dataclass(frozen=True, slots=True)
class ScopeCounts:
    """Rows in scope before the current-version rule: stored evaluations (every version),
    documents among them, and unreadable ones. The rest are current or replaced."""

    rows: int
    documents: int
    unreadable: int


@dataclass(frozen=True, slots=True)
class UnitGrade:
    """How many current evaluations of a unit, under one scheme, have one computed and one
    claimed grade (as stored: ``None`` is no grade, a claimed grade is the document's word)."""

    unit: str
    scheme: str
    computed: str | None
    claimed: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts per bin (``len(bounds) + 1`` bins: the last is above every bound) and how many
    evaluations had no value to place."""

    counts: tuple[int, ...]
    missing: int


@dataclass(frozen=True, slots=True)
class UnitInflation:
    """Claimed minus computed total over a unit's current evaluations that have both."""

    unit: str
    count: int
    total: Decimal  # the sum of the differences, in points (exact)
    max: Decimal
    inflated: int  # how many differ by more than one point


@dataclass(frozen=True, slots=True)
class CorrelationSums:
    """The sums Pearson's r is made of, over every (execution rate, claimed total) pair."""

    n: int
    sum_x: float
    sum_y: float
    sum_xx: float
    sum_yy: float
    sum_xy: float


@dataclass(frozen=True, slots=True)
class BandSum:
    """Current evaluations in one execution-rate band: how many and their claimed totals' sum."""

    count: int
    claimed_sum: Decimal


@dataclass(frozen=True, slots=True)
class Point:
    """One evaluation in the scatter: execution rate (a fraction) and claimed total."""

    evaluation_id: int
    rate: Decimal
    claimed: Decimal


@dataclass(frozen=True, slots=True)
class CodeCount:
    """A finding code: how often it was found and in how many evaluations."""

    code: str
    severity: str
    count: int
    evaluations: int


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One current evaluation, for the list of the worst."""

    id: int
    unit: str
    project: str
    year: int | None
    version: int
    document: str | None
    claimed: Decimal | None
    computed: Decimal | None
    errors: int
    warnings: int

    @property
    def difference(self) -> Decimal | None:
        """Claimed minus computed total (score inflation), when both exist."""
        if self.claimed is None or self.computed is None:
            return None
        return self.claimed - self.computed


# -- the conditions every query shares ----------------------------------------------------------------


def _filtered(f: Filter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.year is not None:
        conditions.append(E.year == f.year)
    if f.unit_id is not None:
        conditions.append(E.unit_id == f.unit_id)
    return conditions


def contains_pattern(text: str) -> str:
    """A ``LIKE`` pattern (escape character ``\\``) matching any text that contains ``text``."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_DIRECT = 5_000  # finding_codes reads the findings of this many evaluations directly, whatever the rest


def _current(f: Filter) -> list[ColumnElement[bool]]:
    """The report's evaluations: in scope, readable, and the latest version (the flag
    ``evaluations.latest`` that saving a new version clears on the earlier ones)."""
    return [*_filtered(f), ~E.unreadable, E.latest == true()]


def _points(expr: SQLColumnExpression[Any]) -> ColumnElement[int]:
    """A score in exact integer ten-thousandths of a point."""
    return cast(func.round(expr * _TEN_THOUSAND), BigInteger)


def _from_points(value: int | None) -> Decimal:
    return Decimal(value or 0) / _PER_POINT


def _inflation() -> ColumnElement[int]:
    return _points(E.claimed_total - E.computed_total)


def _bin(expr: SQLColumnExpression[Any], bounds: Sequence[Bound]) -> ColumnElement[int]:
    """The index of the first bin whose upper bound holds ``expr``; ``len(bounds)`` above all."""
    whens = [
        ((expr <= b.value) if b.inclusive else (expr < b.value), literal(i)) for i, b in enumerate(bounds)
    ]
    return case(*whens, else_=literal(len(bounds)))


def _count_if(condition: SQLColumnExpression[Any]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# -- the reader -----------------------------------------------------------------------------------------


class PortfolioReader:
    """One consistent read of the database for a report (use as a context manager)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn: Connection | None = None

    def __enter__(self) -> PortfolioReader:
        conn = self._db.engine.connect()
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            conn.begin()
            # A report sorts and hashes whole tables once: in memory, not in temporary files.
            conn.exec_driver_sql(f"SET LOCAL work_mem = '{_WORK_MEM}'")
        else:
            conn.begin()
            if conn.dialect.name == "sqlite":
                # pysqlite issues no BEGIN before a SELECT: without one every query would see the
                # database as it is at that moment. A deferred BEGIN pins the first query's snapshot.
                conn.exec_driver_sql("BEGIN")
        self._conn = conn
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._conn is not None:
            self._conn.rollback()
            self._conn.close()
            self._conn = None

    def _current(self, f: Filter) -> list[ColumnElement[bool]]:
        return _current(f)

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("PortfolioReader is used outside its with block")
        return self._conn

    # -- units ------------------------------------------------------------------------------------------

    def unit_id(self, name: str) -> int | None:
        """The id of the unit with exactly this name."""
        return self.conn.scalar(select(Unit.id).where(Unit.name == name))

    def similar_units(self, text: str, limit: int = 5) -> tuple[str, ...]:
        """Unit names containing ``text`` (for “did you mean”)."""
        q = (
            select(Unit.name)
            .where(Unit.name.like(contains_pattern(text), escape="\\"))
            .order_by(Unit.name)
            .limit(limit)
        )
        return tuple(self.conn.scalars(q))

    # -- the figures ------------------------------------------------------------------------------------

    def scope_counts(self, f: Filter) -> ScopeCounts:
        """Stored evaluations (every version), their documents, and unreadable files in scope."""
        q = select(func.count(), func.count(E.document_id), _count_if(E.unreadable)).where(*_filtered(f))
        rows, documents, unreadable = self.conn.execute(q).one()
        return ScopeCounts(int(rows), int(documents), int(unreadable))

    def grades(self, f: Filter) -> tuple[UnitGrade, ...]:
        """Current evaluations per unit, scheme, computed grade and claimed grade (one pass)."""
        keys = (E.unit_id, E.scheme_id, E.computed_grade, E.claimed_grade)
        counts = select(*keys, func.count().label("n")).where(*self._current(f)).group_by(*keys).subquery()
        c = counts.c
        q = (
            select(Unit.name, c.scheme_id, c.computed_grade, c.claimed_grade, c.n)
            .join(counts, c.unit_id == Unit.id)
            .order_by(Unit.name)
        )
        return tuple(
            UnitGrade(name, scheme, computed, claimed, int(n))
            for name, scheme, computed, claimed, n in self.conn.execute(q)
        )

    def claimed_histogram(self, f: Filter, bounds: Sequence[Bound]) -> Histogram:
        """Current evaluations per bin of the claimed total (one pass, the missing ones too)."""
        index = case((E.claimed_total.is_(None), literal(-1)), else_=_bin(E.claimed_total, bounds)).label(
            "bin"
        )
        q = select(index, func.count()).where(*self._current(f)).group_by(index)
        counts = [0] * (len(bounds) + 1)
        missing = 0
        for i, n in self.conn.execute(q):
            if int(i) < 0:
                missing = int(n)
            else:
                counts[int(i)] = int(n)
        return Histogram(tuple(counts), missing)

    def inflation(self, f: Filter) -> tuple[UnitInflation, ...]:
        """Per unit: claimed − computed total where both are known (unordered; see the report)."""
        diff = _inflation()
        per_unit = (
            select(
                E.unit_id,
                func.count().label("n"),
                func.sum(diff).label("total"),
                func.max(diff).label("max"),
                _count_if(diff > _TEN_THOUSAND).label("inflated"),
            )
            .where(*self._current(f), E.claimed_total.is_not(None), E.computed_total.is_not(None))
            .group_by(E.unit_id)
            .subquery()
        )
        q = select(Unit.name, per_unit.c.n, per_unit.c.total, per_unit.c.max, per_unit.c.inflated).join(
            per_unit, per_unit.c.unit_id == Unit.id
        )
        return tuple(
            UnitInflation(name, int(n), _from_points(total), _from_points(top), int(inflated))
            for name, n, total, top, inflated in self.conn.execute(q)
        )

    def correlation_sums(self, f: Filter) -> CorrelationSums:
        """Σx, Σy, Σx², Σy², Σxy of (execution rate, claimed total), as floats (not money)."""
        # Double precision: exact enough for a correlation, and much faster than NUMERIC.
        x = cast(E.execution_rate, Float)
        y = cast(E.claimed_total, Float)

        def total(expr: ColumnElement[float]) -> ColumnElement[float]:
            return cast(func.coalesce(func.sum(expr), 0), Float)

        q = select(func.count(), total(x), total(y), total(x * x), total(y * y), total(x * y)).where(
            *self._current(f), E.execution_rate.is_not(None), E.claimed_total.is_not(None)
        )
        n, sx, sy, sxx, syy, sxy = self.conn.execute(q).one()
        return CorrelationSums(int(n), float(sx), float(sy), float(sxx), float(syy), float(sxy))

    def rate_bands(self, f: Filter, bounds: Sequence[Bound]) -> tuple[BandSum, ...]:
        """Per execution-rate band: evaluations with a claimed total and the sum of those totals."""
        index = _bin(E.execution_rate, bounds).label("band")
        q = (
            select(index, func.count(), func.sum(_points(E.claimed_total)))
            .where(*self._current(f), E.execution_rate.is_not(None), E.claimed_total.is_not(None))
            .group_by(index)
        )
        bands = [BandSum(0, Decimal(0))] * (len(bounds) + 1)
        for i, n, total in self.conn.execute(q):
            bands[int(i)] = BandSum(int(n), _from_points(total))
        return tuple(bands)

    def rate_points(self, f: Filter, *, available: int, limit: int) -> tuple[Point, ...]:
        """At most ``limit`` (rate, claimed) points: all of them, or those whose id is a multiple
        of k = ⌈available / limit⌉ — the same sample on every run, spread over the whole
        portfolio (ids are given in import order), with no sort. ``available`` is how many
        points there are (``correlation_sums(f).n``)."""
        if available <= 0 or limit <= 0:
            return ()
        conditions = [*self._current(f), E.execution_rate.is_not(None), E.claimed_total.is_not(None)]
        stride = -(-available // limit)
        if stride > 1:
            conditions.append(E.id % stride == 0)
        q = select(E.id, E.execution_rate, E.claimed_total).where(*conditions).order_by(E.id).limit(limit)
        return tuple(
            Point(int(i), rate, claimed)
            for i, rate, claimed in self.conn.execute(q)
            if rate is not None and claimed is not None  # always: the query asks for both
        )

    def finding_codes(self, f: Filter, *, current: int) -> tuple[CodeCount, ...]:
        """Finding codes over the current evaluations in scope (``current`` of them), most
        frequent first.

        Whichever side is smaller is read: the findings of the current evaluations, or — when
        they are most of the database, as in a report over everything — all findings less
        those of the evaluations left out (unreadable, replaced, out of scope). Counts, and
        distinct evaluations, of disjoint sets of evaluations add up, so both are exact; all
        findings are counted in ``(code, severity, evaluation_id)`` order without a join.
        """
        # A few thousand evaluations (a unit's, say) are always read directly, without counting
        # the whole table first (that count alone costs more than their findings).
        if current <= _DIRECT or current * 2 <= int(
            self.conn.scalar(select(func.count()).select_from(E)) or 0
        ):
            return self._codes(FindingRow.evaluation_id.in_(select(E.id).where(*self._current(f))))
        left_out: list[Select[Any]] = [
            select(E.id).where(E.unreadable),
            select(E.id).where(~E.latest),
        ]
        if f.year is not None:
            left_out.append(select(E.id).where(or_(E.year.is_(None), E.year != f.year)))
        if f.unit_id is not None:
            left_out.append(select(E.id).where(E.unit_id != f.unit_id))
        everything = {(c.code, c.severity): c for c in self._codes(None)}
        for c in self._codes(FindingRow.evaluation_id.in_(union_all(*left_out))):
            whole = everything[(c.code, c.severity)]
            everything[(c.code, c.severity)] = CodeCount(
                c.code, c.severity, whole.count - c.count, whole.evaluations - c.evaluations
            )
        kept = [c for c in everything.values() if c.count > 0]
        return tuple(sorted(kept, key=lambda c: (-c.count, c.code, c.severity)))

    def _codes(self, condition: ColumnElement[bool] | None) -> tuple[CodeCount, ...]:
        n = func.count()
        q = select(
            FindingRow.code, FindingRow.severity, n, func.count(func.distinct(FindingRow.evaluation_id))
        )
        if condition is not None:
            q = q.where(condition)
        q = q.group_by(FindingRow.code, FindingRow.severity).order_by(
            n.desc(), FindingRow.code, FindingRow.severity
        )
        return tuple(CodeCount(code, sev, int(c), int(ev)) for code, sev, c, ev in self.conn.execute(q))

    def worst(self, f: Filter, limit: int) -> tuple[DocumentRow, ...]:
        """The current evaluations with the most errors, then the most inflated total.

        PostgreSQL is made to find the current rows first (a materialised CTE) and then keep the
        top ``limit`` of them (a top-N heap sort); left to itself it sorts every row first and
        checks versions after, which costs several times more.
        """
        if limit <= 0:
            return ()
        diff = E.claimed_total - E.computed_total
        rows = (
            select(E.id, E.errors, diff.label("diff"))
            .where(*self._current(f))
            .cte("current_rows")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        top = (
            select(rows.c.id)
            .order_by(rows.c.errors.desc(), rows.c.diff.desc().nulls_last(), rows.c.id)
            .limit(limit)
            .subquery()
        )
        q = (
            select(
                E.id,
                Unit.name,
                Project.name,
                E.year,
                E.version,
                Document.name,
                E.claimed_total,
                E.computed_total,
                E.errors,
                E.warnings,
            )
            .join(top, top.c.id == E.id)
            .join(Unit, Unit.id == E.unit_id)
            .join(Project, Project.id == E.project_id)
            .outerjoin(Document, Document.id == E.document_id)
            .order_by(E.errors.desc(), diff.desc().nulls_last(), E.id)
        )
        return tuple(
            DocumentRow(
                int(i), unit, project, year, int(version), doc, claimed, computed, int(err), int(warn)
            )
            for i, unit, project, year, version, doc, claimed, computed, err, warn in self.conn.execute(q)
        )
