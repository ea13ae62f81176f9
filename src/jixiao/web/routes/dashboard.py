"""The dashboard (总览): the portfolio report of :func:`jixiao.portfolio.report.build_report` as a
page with charts, and its JSON at ``/api/portfolio``.

A unit user's dashboard is built with their unit as the report's filter, so it never counts
another unit's evaluations; admins and reviewers may filter by year and unit.

The JSON twin is exactly what ``jixiao portfolio --format json`` prints for the same filter
(numbers as JSON numbers, not the strings of other pages' twins): scripts that read one read the
other.

A report over 100,000 evaluations costs the database most of a second (every figure is a pass
over the current evaluations) and its page tens of milliseconds to render, so each server
process keeps built reports, their JSON and their rendered part of the page, per filter, until
the data changes (:mod:`jixiao.web.cache`: a review changes no figure of the report, every
other change adds a row): a new evaluation shows within a second. Concurrent requests for a
report not yet built wait for one build instead of each starting their own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi import HTTPException
from fastapi import Query
from fastapi import Request
from fastapi.responses import Response

from jixiao import services
from jixiao.errors import JixiaoError
from jixiao.export.errors import ExportError
from jixiao.export.pdf import pdf_bytes
from jixiao.portfolio.report import DEFAULT_LIMIT
from jixiao.portfolio.report import build_report
from jixiao.portfolio.report import report_bytes
from jixiao.portfolio.report_model import NO_GRADE
from jixiao.portfolio.report_model import PortfolioReport
from jixiao.storage.accounts import User
from jixiao.storage.browse import Facets
from jixiao.storage.questions import PENDING
from jixiao.web import charts
from jixiao.web.cache import data_version
from jixiao.web.cache import facets as kept_facets
from jixiao.web.cache import kept
from jixiao.web.deps import MAX_DB_INT
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import can_edit
from jixiao.web.deps import render
from jixiao.web.deps import wants_json
from jixiao.web.deps import web
from jixiao.web.downloads import MEDIA_TYPES
from jixiao.web.downloads import content_disposition
from jixiao.web.downloads import media_type
from jixiao.web.state import WebState
from jixiao.web.threads import slow
from jixiao.web.year_view import UnitCounts

router = APIRouter()

MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Scope:
    """What a dashboard covers: a year and/or a unit (``unit_id`` with its name), or all.
    ``locked`` when the unit is the user's own and cannot be changed (a unit user)."""

    year: int | None
    unit_id: int | None
    unit: str | None
    locked: bool = False

    def query(self, **more: object) -> str:
        """The evaluation list's query string for this scope and ``more`` (e.g. ``code=…``)."""
        params: dict[str, object] = {}
        if self.year is not None:
            params["year"] = self.year
        if self.unit_id is not None and not self.locked:
            params["unit"] = self.unit_id
        params.update({k: v for k, v in more.items() if v is not None})
        return urlencode(params)


class Built:
    """A report with the filter's choices it was built with, and its JSON (as sent; made when
    first asked for: most requests want the page, whose rendered part is kept apart)."""

    def __init__(self, report: PortfolioReport, facets: Facets) -> None:
        self.report = report
        self.facets = facets

    def weight(self) -> int:
        """About the bytes it holds (for :mod:`jixiao.web.cache`): measured, about 300 per row of
        the report (a scatter point is two Decimals in an object) and 16 KB besides; the JSON,
        made later if at all, is not counted."""
        r = self.report
        rows = (
            len(r.execution.points) + len(r.worst) + len(r.findings) + len(r.inflation) + len(r.grades.units)
        )
        return 16_384 + 300 * rows

    @functools.cached_property
    def json(self) -> bytes:
        return self.report.to_json(indent=None).encode()


def _number(value: str | None, what: str) -> int | None:
    """A query parameter that may be empty (a GET form's “all”); a non-number is refused in Chinese."""
    if value is None or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise HTTPException(400, f"{what}“{value[:40]}”不是数字") from None
    if abs(number) > MAX_DB_INT:
        raise HTTPException(400, f"{what}“{value[:40]}…”超出范围")
    return number


def _facets(state: WebState, user: User) -> Facets:
    return state.browser.facets(None if user.sees_all else user.unit_id)


def _scope(
    user: User, facets: Facets, year: int | None, unit_id: int | None, fresh: Callable[[], Facets]
) -> Scope:
    """The scope asked for, as far as ``user`` may see: a unit user always gets their own unit.
    A unit missing from the kept ``facets`` is looked up again (``fresh``): a unit added since
    has no evaluations, so it does not change the version the facets are kept under."""
    if not user.sees_all:
        if user.unit_id is None or user.unit_name is None:
            raise HTTPException(403, "您的账号没有所属单位，请联系管理员")
        return Scope(year, user.unit_id, user.unit_name, locked=True)
    if unit_id is None:
        return Scope(year, None, None)
    names = dict(facets.units)
    if unit_id not in names:
        names = dict(fresh().units)
    if unit_id not in names:
        raise HTTPException(404, f"没有编号为 {unit_id} 的单位")
    return Scope(year, unit_id, names[unit_id])


def _build(state: WebState, scope: Scope, limit: int, facets: Facets) -> Built:
    try:
        report = build_report(state.db, year=scope.year, unit=scope.unit, limit=limit)
    except JixiaoError as exc:  # the unit was renamed or removed between the lookup and the build
        raise HTTPException(404, str(exc)) from None
    return Built(report=report, facets=facets)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """One request's dashboard: its scope, the built report, and the cache key it is kept under."""

    scope: Scope
    built: Built
    key: tuple[object, ...]


def _dashboard(request: Request, user: User, year: str | None, unit: str | None, limit: int) -> Dashboard:
    state = web(request)
    year_n, unit_n = _number(year, "年度"), _number(unit, "单位编号")
    cache = kept(request)
    # Read before the build, so a report is never older than the version it is kept under.
    version = data_version(request)
    facets = kept_facets(request, None if user.sees_all else user.unit_id)
    scope = _scope(user, facets, year_n, unit_n, lambda: _facets(state, user))
    key = ("report", scope.year, scope.unit_id, scope.unit, limit, version)
    return Dashboard(scope, cache.get(key, lambda: _build(state, scope, limit, facets)), key)


def _json(built: Built) -> Response:
    return Response(built.json, media_type="application/json")


@router.get("/", include_in_schema=False)
def dashboard(
    request: Request,
    user: CurrentUser,
    year: str | None = None,
    unit: str | None = None,
) -> Response:
    found = _dashboard(request, user, year, unit, DEFAULT_LIMIT)
    if wants_json(request):
        return _json(found.built)
    may_create = can_edit(user)
    # The report's part of the page depends on the report, its scope and one permission only:
    # rendered once, then kept with the report (at 100,000 evaluations it is most of the work),
    # as UTF-8: half the memory of the text, which holds Chinese.
    body = kept(request).get(
        ("body", *found.key, found.scope, may_create),
        lambda: (
            web(request)
            .templates.env.get_template("dashboard_body.html")
            .render(_body(found.scope, found.built, may_create=may_create))
            .encode()
        ),
    )
    # The project-years per unit (declared, monitored, evaluated, with warnings): one grouped
    # query, not kept (a declaration saved changes no evaluation, so not the data version).
    scope = found.scope
    counts = services.stage_counts(web(request).db, year=scope.year, unit_id=scope.unit_id)
    year_counts = UnitCounts(tuple(counts), scope.year)
    # (The page's JSON twin is answered above, from the kept bytes; the template needs no data.)
    return render(request, "dashboard.html", found.built.report, body=body.decode(), year_counts=year_counts)


@router.get("/api/portfolio", tags=["汇总"], summary="汇总报告（同 jixiao portfolio --format json）")
def api_portfolio(
    request: Request,
    user: CurrentUser,
    year: Annotated[int | None, Query(description="只汇总这一年度")] = None,
    unit: Annotated[int | None, Query(description="只汇总这一单位（编号）；单位用户总是本单位")] = None,
    limit: Annotated[
        int, Query(ge=0, le=MAX_LIMIT, description="“问题最多的评价”列出的份数")
    ] = DEFAULT_LIMIT,
) -> Response:
    """The portfolio report as ``jixiao portfolio --format json`` gives it, for the scope the user may see."""
    found = _dashboard(
        request, user, None if year is None else str(year), None if unit is None else str(unit), limit
    )
    return _json(found.built)


DOWNLOADS = {"xlsx": ".xlsx", "pdf": ".pdf"}


@router.get(
    "/dashboard.{fmt}",
    tags=["汇总"],
    summary="总览下载：xlsx（每节一个工作表，附图表）或 pdf（供打印）",
    responses={200: {"content": {MEDIA_TYPES[".xlsx"]: {}, "application/pdf": {}}}},
)
@slow
def dashboard_download(
    request: Request,
    fmt: str,
    user: CurrentUser,
    year: str | None = None,
    unit: str | None = None,
) -> Response:
    """The dashboard's report as a workbook, or as its PDF (LibreOffice prints the workbook, A4
    landscape), for the scope the user may see; named by the scope, so two downloads differ."""
    suffix = DOWNLOADS.get(fmt.lower())
    if suffix is None:
        raise HTTPException(404, "总览只能下载为 xlsx 或 pdf")
    found = _dashboard(request, user, year, unit, DEFAULT_LIMIT)
    content = report_bytes(found.built.report, ".xlsx")
    if suffix == ".pdf":
        try:
            content = pdf_bytes(content, ".xlsx", timeout=web(request).settings.convert_timeout)
        except ExportError as exc:
            return render(
                request,
                "error.html",
                {"detail": f"PDF 未能生成：{exc.message}", "status": 503},
                status_code=503,
            )
    scope = found.scope
    parts = [
        "绩效自评汇总",
        f"{scope.year}年" if scope.year is not None else "全部年度",
        scope.unit or "全部单位",
    ]
    name = "_".join(parts) + suffix
    return Response(
        content,
        media_type=media_type(name),
        headers={"Content-Disposition": content_disposition(name, f"dashboard{suffix}")},
    )


def _body(scope: Scope, built: Built, *, may_create: bool) -> dict[str, Any]:
    """What the report's part of the page shows: the report itself (exact Decimals), the
    charts, the filter and the links."""
    report = built.report
    return {
        "report": report,
        "charts": {
            "grades": charts.grades(report),
            "histogram": charts.claimed_histogram(report),
            "inflation": charts.inflation(report),
            "scatter": charts.scatter(report),
            "errors": charts.findings(report, errors=True),
            "notices": charts.findings(report, errors=False),
        },
        "scope": scope,
        "list_query": scope.query,
        "max_units": charts.MAX_UNITS,
        "max_codes": charts.MAX_CODES,
        "facets": built.facets,
        "unit_ids": {name: uid for uid, name in built.facets.units},
        "totals_line": report.totals_line,
        "scatter_shown": charts.scatter_points(report),
        "no_grade": NO_GRADE,
        "may_create": may_create,
        "review_waiting": dict(report.questions.review).get(PENDING, 0),
        "filtered": scope.year is not None or (scope.unit_id is not None and not scope.locked),
    }
