"""The evaluation list of the web app: filter, search, sort and page the current evaluations.

“Current” is the latest version of each project × year (an edit or a resubmission replaces the
earlier one); unreadable documents are listed too, so nobody misses them. Every filter is a
condition in SQL and a page is one ``LIMIT``/``OFFSET`` query plus one count; “current” is the
``evaluations.latest`` flag, kept when a version is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union
from sqlalchemy.orm import aliased

from jixiao.storage.db import Database
from jixiao.storage.queries import contains_pattern
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import FindingRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import ReviewRow
from jixiao.storage.schema import Unit
from jixiao.storage.upload_batches import batch_documents

E = EvaluationRow
# The review states (storage/workflow.py moves an evaluation between them). An evaluation without
# a review row was submitted as it was stored (an upload, an import): 已提交.
DRAFT = "草稿"
SUBMITTED = "已提交"
IN_REVIEW = "审核中"
RETURNED = "退回修改"
APPROVED = "审核通过"
PENDING = SUBMITTED
STATUSES = (DRAFT, SUBMITTED, IN_REVIEW, RETURNED, APPROVED)

# Sort keys the list offers, and the column each sorts by (ties broken by id). Blank values come
# last either way; the columns in NOT_NULL never have any, so their order says nothing of blanks
# and matches a plain index read in either direction (PostgreSQL's sort indexes, migration 0004).
SORTS: dict[str, Any] = {
    "id": E.id,
    "unit": Unit.name,
    "project": Project.name,
    "year": E.year,
    "claimed": E.claimed_total,
    "computed": E.computed_total,
    "difference": E.claimed_total - E.computed_total,
    "grade": E.computed_grade,
    "rate": E.execution_rate,
    "errors": E.errors,
    "status": func.coalesce(ReviewRow.status, PENDING),
    "unverified": E.unverified_share,
}
NOT_NULL = frozenset({"unit", "project", "errors", "status"})


@dataclass(frozen=True, slots=True)
class Browse:
    """What the list shows. ``scope_unit_id`` is the unit a unit user is confined to."""

    year: int | None = None
    unit_id: int | None = None
    grade: str | None = None
    status: str | None = None
    has_errors: bool | None = None
    code: str | None = None
    q: str | None = None
    sort: str = "id"
    descending: bool = True
    page: int = 1
    per_page: int = 50
    scope_unit_id: int | None = None
    # Only evaluations whose carried-over share of the indicator weights is at least this (0–1).
    unverified_min: Decimal | None = None
    # Only the evaluations of the documents an upload batch brought (the list's “本批” filter).
    batch_id: int | None = None


def stable_number(year: int | None, first_id: int) -> str:
    """A project × year's number across its versions: ``2020-0042`` (``无年度-0042`` without a year)."""
    return f"{year if year is not None else '无年度'}-{first_id:04d}"


_NUMBER = re.compile(r"(\d{4}|无年度)\s*-\s*0*(\d{1,18})")


def _number_sought(text: str) -> tuple[int | None, int] | None:
    """The year and first version's id a search for a stable number names (``2024-0013``)."""
    found = _NUMBER.fullmatch(text.strip())
    if found is None or int(found.group(2)) == 0:
        return None
    year = None if found.group(1) == "无年度" else int(found.group(1))
    return year, int(found.group(2))


@dataclass(frozen=True, slots=True)
class BrowseRow:
    id: int
    unit_id: int
    unit: str
    project: str
    year: int | None
    version: int
    scheme_id: str
    claimed_total: Decimal | None
    claimed_grade: str | None
    computed_total: Decimal | None
    computed_grade: str | None
    execution_rate: Decimal | None
    errors: int
    warnings: int
    unreadable: bool
    status: str
    document: str | None
    verified_weight: Decimal | None = None
    carried_weight: Decimal | None = None
    unverified_share: Decimal | None = None
    first_id: int | None = None  # the id of the project × year's first version

    @property
    def number(self) -> str:
        """The project × year's stable number (the same for all its versions)."""
        return stable_number(self.year, self.first_id if self.first_id is not None else self.id)

    @property
    def difference(self) -> Decimal | None:
        if self.claimed_total is None or self.computed_total is None:
            return None
        return self.claimed_total - self.computed_total


@dataclass(frozen=True, slots=True)
class BrowsePage:
    rows: tuple[BrowseRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class Facets:
    """The values the list's filters offer (finding codes come from the core's catalogue)."""

    years: tuple[int, ...]
    units: tuple[tuple[int, str], ...]
    grades: tuple[str, ...]


def _conditions(b: Browse) -> list[ColumnElement[bool]]:
    c: list[ColumnElement[bool]] = [E.latest == true()]
    if b.scope_unit_id is not None:
        c.append(E.unit_id == b.scope_unit_id)
    if b.unit_id is not None:
        c.append(E.unit_id == b.unit_id)
    if b.year is not None:
        c.append(E.year == b.year)
    if b.grade:
        c.append(E.computed_grade == b.grade)
    if b.unverified_min is not None:
        c.append(E.unverified_share >= b.unverified_min)
    if b.batch_id is not None:
        c.append(E.document_id.in_(batch_documents(b.batch_id)))
    if b.has_errors is True:
        c.append(E.errors > 0)
    elif b.has_errors is False:
        c.append(E.errors == 0)
    if b.status:
        c.append(func.coalesce(ReviewRow.status, PENDING) == b.status)
    if b.code:
        c.append(
            select(literal(1)).where(FindingRow.evaluation_id == E.id, FindingRow.code == b.code).exists()
        )
    sought = _number_sought(b.q) if b.q else None
    if sought is not None:  # a stable number: every version of that project × year
        first = aliased(EvaluationRow, name="first")
        same = aliased(EvaluationRow, name="same")
        year_is = first.year.is_(None) if sought[0] is None else first.year == sought[0]
        c.append(
            E.id.in_(
                select(same.id)
                .join(first, and_(first.project_id == same.project_id, same_year(first.year, same.year)))
                .where(first.id == sought[1], year_is, first.id == _first_id(first))
            )
        )
    elif b.q and b.q.strip():
        pattern = contains_pattern(b.q.strip())
        # Each name table is searched once (by its trigram index on PostgreSQL), then the
        # evaluations of the matching ids are found by their own indexes: no scan of every row.
        found = aliased(EvaluationRow, name="found")
        c.append(
            E.id.in_(
                union(
                    select(found.id).where(
                        found.project_id.in_(
                            select(Project.id).where(Project.name.ilike(pattern, escape="\\"))
                        )
                    ),
                    select(found.id).where(
                        found.unit_id.in_(select(Unit.id).where(Unit.name.ilike(pattern, escape="\\")))
                    ),
                    select(found.id).where(
                        found.document_id.in_(
                            select(Document.id).where(Document.name.ilike(pattern, escape="\\"))
                        )
                    ),
                )
            )
        )
    return c


def same_year(a: Any, b: Any) -> ColumnElement[bool]:
    """Two year columns are the same year: equal, or both NULL (no year is a year of its own)."""
    return or_(a == b, and_(a.is_(None), b.is_(None)))


def _first_id(row: Any = E) -> Any:
    """The id of the first version of ``row``'s project × year (its stable number)."""
    other = aliased(EvaluationRow, name="other")
    return (
        select(func.min(other.id))
        .where(other.project_id == row.project_id, same_year(other.year, row.year))
        .scalar_subquery()
    )


def _joined(q: Any) -> Select[Any]:
    joined: Select[Any] = (
        q.join(Unit, E.unit_id == Unit.id)
        .join(Project, E.project_id == Project.id)
        .outerjoin(Document, E.document_id == Document.id)
        .outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
    )
    return joined


def _count(b: Browse, where: list[ColumnElement[bool]]) -> Select[Any]:
    """The count joins the reviews only when the status is asked (an evaluation has at most one
    review, so the join never changes the count)."""
    count = select(func.count()).select_from(E)
    if b.status:
        count = count.outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
    return count.where(*where)


def _sort(b: Browse) -> str:
    return b.sort if b.sort in SORTS else "id"


def _paging(b: Browse) -> tuple[int, int]:
    """The page number and the rows per page ``b`` asks for, within bounds."""
    return max(1, b.page), max(1, min(b.per_page, 500))


def _order(b: Browse) -> list[Any]:
    sort = _sort(b)
    key = SORTS[sort]
    if sort == "id":  # never NULL: the primary key's own order, which an index scan gives
        return [E.id.desc() if b.descending else E.id.asc()]
    if sort in NOT_NULL:
        return [key.desc(), E.id.desc()] if b.descending else [key.asc(), E.id.asc()]
    if b.descending:
        return [key.desc().nulls_last(), E.id.desc()]
    return [key.asc().nulls_last(), E.id.asc()]


def page_ids(b: Browse, where: list[ColumnElement[bool]] | None = None) -> Select[Any]:
    """The ids of the page ``b`` asks for, in order: chosen from the evaluations alone, joined
    only to the table a filter or the sort names (on PostgreSQL read off a sort index, migration
    0004, when nothing but the current rows are filtered)."""
    page, per_page = _paging(b)
    sort = _sort(b)
    chosen: Select[Any] = select(E.id)
    if sort == "unit":
        chosen = chosen.join(Unit, E.unit_id == Unit.id)
    elif sort == "project":
        chosen = chosen.join(Project, E.project_id == Project.id)
    if sort == "status" or b.status:
        chosen = chosen.outerjoin(ReviewRow, ReviewRow.evaluation_id == E.id)
    conditions = _conditions(b) if where is None else where
    return chosen.where(*conditions).order_by(*_order(b)).limit(per_page).offset((page - 1) * per_page)


class Browser:
    """Pages of the evaluation list."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def page(self, b: Browse, total: int | None = None) -> BrowsePage:
        """One page of the list; ``total`` is :meth:`count` of ``b`` when the caller knows it.

        The page's ids are chosen first from the evaluations alone (joined only to the table a
        filter or the sort names), and only those rows are then joined to their unit, project,
        document and review: sorting every current row joined to four tables costs several times
        more."""
        page, per_page = _paging(b)
        where = _conditions(b)
        order = _order(b)
        ids = page_ids(b, where).subquery()
        q = _joined(
            select(
                E.id,
                E.unit_id,
                Unit.name,
                Project.name,
                E.year,
                E.version,
                E.scheme_id,
                E.claimed_total,
                E.claimed_grade,
                E.computed_total,
                E.computed_grade,
                E.execution_rate,
                E.errors,
                E.warnings,
                E.unreadable,
                func.coalesce(ReviewRow.status, PENDING),
                Document.name,
                E.verified_weight,
                E.carried_weight,
                E.unverified_share,
                _first_id(),
            ).join(ids, ids.c.id == E.id)
        ).order_by(*order)
        with self.db.reader() as conn:
            if total is None:
                total = conn.scalar(_count(b, where)) or 0
            rows = tuple(BrowseRow(*r) for r in conn.execute(q))
        return BrowsePage(rows, total, page, per_page)

    def count(self, b: Browse) -> int:
        """How many evaluations the list of ``b`` holds (on all its pages)."""
        with self.db.reader() as conn:
            return conn.scalar(_count(b, _conditions(b))) or 0

    def facets(self, scope_unit_id: int | None = None) -> Facets:
        scoped = [E.unit_id == scope_unit_id] if scope_unit_id is not None else []
        with self.db.reader() as conn:
            years = tuple(
                y
                for y in conn.scalars(select(E.year).distinct().where(*scoped).order_by(E.year.desc()))
                if y is not None
            )
            units_q = select(Unit.id, Unit.name).order_by(Unit.name)
            if scope_unit_id is not None:
                units_q = units_q.where(Unit.id == scope_unit_id)
            units = tuple((int(i), str(n)) for i, n in conn.execute(units_q))
            grades = tuple(
                g
                for g in conn.scalars(
                    select(E.computed_grade).distinct().where(*scoped).order_by(E.computed_grade)
                )
                if g
            )
        return Facets(years, units, grades)
