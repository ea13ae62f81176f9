"""The evaluation list, one evaluation's page, its downloads and its review decision, with their
``/api/`` twins.

The list is :class:`~jixiao.storage.browse.Browser` behind a GET form: every filter, the sort and
the page are query parameters, so a view is a bookmarkable URL; with htmx the results section is
swapped in place (:func:`_partial`), without it the whole page reloads. A unit user's list is
always confined to their own unit on the server (``scope_unit_id``), whatever the URL says, and
every single-evaluation route starts with :func:`~jixiao.web.deps.visible_meta`, so another
unit's evaluation, its exports and its original file answer 404 exactly like a missing one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated
from typing import Any
from typing import Literal
from urllib.parse import parse_qsl
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Form
from fastapi import HTTPException
from fastapi import Query
from fastapi import Request
from fastapi.responses import FileResponse
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic import Field

from jixiao import services
from jixiao.core.checks import BY_CODE
from jixiao.core.checks import CATALOGUE
from jixiao.core.model import Evaluation
from jixiao.core.scheme import Scheme
from jixiao.errors import SchemeError
from jixiao.export.api import KIND_NAMES
from jixiao.export.api import REVIEW_SUFFIXES
from jixiao.export.api import SUFFIXES
from jixiao.export.api import Kind
from jixiao.export.errors import ExportError
from jixiao.export.review import SEVERITY_NAMES
from jixiao.services import scheme_for
from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.storage.browse import SORTS
from jixiao.storage.browse import STATUSES
from jixiao.storage.browse import Browse
from jixiao.storage.browse import BrowsePage
from jixiao.storage.browse import BrowseRow
from jixiao.storage.browse import Facets
from jixiao.storage.editor import EditorStore
from jixiao.storage.store import UNKNOWN_UNIT
from jixiao.storage.workflow import MOVES
from jixiao.storage.workflow import Meta
from jixiao.storage.workflow import WorkflowError
from jixiao.storage.workflow import parse_number
from jixiao.storage.workflow import place_in
from jixiao.web.cache import data_version
from jixiao.web.cache import facets as kept_facets
from jixiao.web.cache import kept
from jixiao.web.deps import MAX_DB_INT
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import actor
from jixiao.web.deps import can_edit
from jixiao.web.deps import can_review
from jixiao.web.deps import render
from jixiao.web.deps import require
from jixiao.web.deps import visible_meta
from jixiao.web.deps import wants_json
from jixiao.web.deps import web
from jixiao.web.downloads import content_disposition
from jixiao.web.downloads import document_name
from jixiao.web.downloads import export_bytes
from jixiao.web.downloads import media_type
from jixiao.web.downloads import original_path
from jixiao.web.downloads import parse_kind
from jixiao.web.downloads import review_bytes
from jixiao.web.jsonable import jsonable
from jixiao.web.marks import findings_by_row
from jixiao.web.marks import worst
from jixiao.web.threads import slow

router = APIRouter(tags=["评价"])

PER_PAGE = 50
DEFAULT_SORT = "id"
# A unit user without a unit (which Accounts never creates) sees nothing rather than everything.
_NO_UNIT = -1
_MAX_Q = 100
ERRORS_CHOICES = (("yes", "有"), ("no", "无"))
# The unverified share a list may ask for at least (percent of the indicator weights).
UNVERIFIED_CHOICES = (("25", "≥25%"), ("50", "≥50%"), ("75", "≥75%"), ("100", "全部未经核验"))
# The list's columns: header and the sort key a click on it sorts by (None: not sortable).
COLUMNS: tuple[tuple[str, str | None, bool], ...] = (
    ("编号", "id", True),
    ("单位", "unit", False),
    ("项目", "project", False),
    ("年度", "year", True),
    ("版本", None, True),
    ("自评得分", "claimed", True),
    ("复核得分", "computed", True),
    ("差额", "difference", True),
    ("未核验", "unverified", True),
    ("等级", "grade", False),
    ("执行率", "rate", True),
    ("问题", "errors", True),
    ("审核状态", "status", False),
    ("文件", None, False),
)
ACTIONS = {
    "review": "审核",
    "edit": "修改",
    "upload": "上传",
    "create": "新建",
    "import": "导入",
    "evidence": "佐证材料",
}
QUEUE_FLAG = "queue"  # a detail page opened from the list carries the list's filter and this flag
SEVERITY_LABELS = {s.value: name for s, name in SEVERITY_NAMES.items()}
_NOT_FOUND = {"description": "没有这份评价，或当前用户无权查看（两者不加区分）"}
_FORBIDDEN = {"description": "当前用户不是审核人员或管理员"}


# -- the list ------------------------------------------------------------------------------------


def _int(text: str | None) -> int | None:
    try:
        number = int(text) if text and text.strip() else None
    except ValueError:
        return None
    return None if number is None or abs(number) > MAX_DB_INT else number


def _text(text: str | None, limit: int = _MAX_Q) -> str | None:
    text = (text or "").strip()
    return text[:limit] or None


# Past the last page the list shows an empty page; far past it, this one (its offset stays a
# number every database takes).
MAX_PAGE = 10**9


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What the list shows, as read (tolerantly) from the URL; :meth:`url` writes it back."""

    year: int | None = None
    unit: int | None = None
    grade: str | None = None
    status: str | None = None
    errors: Literal["yes", "no"] | None = None
    code: str | None = None
    q: str | None = None
    sort: str = DEFAULT_SORT
    order: Literal["asc", "desc"] = "desc"
    page: int = 1
    batch: int | None = None  # 本批: the evaluations of one upload batch
    unverified: str | None = None  # at least this percent of the indicator weights carried over

    @classmethod
    def parse(cls, params: Mapping[str, str | None]) -> ListQuery:
        """Read the query parameters; a value that makes no sense is ignored, never an error
        (a bookmarked URL keeps working after a unit or a code is gone)."""
        sort = params.get("sort") or DEFAULT_SORT
        if sort not in SORTS:
            sort = DEFAULT_SORT
        asked = params.get("order")
        order: Literal["asc", "desc"] = "desc" if sort == DEFAULT_SORT else "asc"
        if asked in ("asc", "desc"):
            order = "asc" if asked == "asc" else "desc"
        said = params.get("errors")
        errors: Literal["yes", "no"] | None = "yes" if said == "yes" else "no" if said == "no" else None
        status = _text(params.get("status"))
        return cls(
            year=_int(params.get("year")),
            unit=_int(params.get("unit")),
            grade=_text(params.get("grade"), 20),
            status=status if status in STATUSES else None,
            errors=errors,
            code=_text(params.get("code"), 60),
            q=_text(params.get("q")),
            sort=sort,
            order=order,
            page=min(max(1, _int(params.get("page")) or 1), MAX_PAGE),
            batch=_int(params.get("batch")),
            unverified=_choice(params.get("unverified"), UNVERIFIED_CHOICES),
        )

    def browse(self, scope_unit_id: int | None) -> Browse:
        return Browse(
            year=self.year,
            unit_id=self.unit if scope_unit_id is None else None,
            grade=self.grade,
            status=self.status,
            has_errors={"yes": True, "no": False}.get(self.errors or ""),
            code=self.code,
            q=self.q,
            sort=self.sort,
            descending=self.order == "desc",
            page=self.page,
            per_page=PER_PAGE,
            scope_unit_id=scope_unit_id,
            batch_id=self.batch,
            unverified_min=Decimal(self.unverified) / 100 if self.unverified else None,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters that differ from the defaults (after ``changes``)."""
        q = dataclasses.replace(self, **changes)
        out: dict[str, str] = {}
        for name in ("year", "unit", "grade", "status", "errors", "code", "q", "batch", "unverified"):
            value = getattr(q, name)
            if value is not None:
                out[name] = str(value)
        if q.sort != DEFAULT_SORT or q.order != "desc":
            out["sort"] = q.sort
            out["order"] = q.order
        if q.page != 1:
            out["page"] = str(q.page)
        return out

    def url(self, **changes: Any) -> str:
        params = self.params(**changes)
        return "/evaluations" + (f"?{urlencode(params)}" if params else "")

    @property
    def workbook_url(self) -> str:
        """The batch review workbook of this filter (every page)."""
        params = self.params(page=1)
        return "/evaluations/review.xlsx" + (f"?{urlencode(params)}" if params else "")

    def sort_url(self, key: str) -> str:
        """Sort by ``key`` (ascending first); the column already sorted by is reversed."""
        reverse = {"asc": "desc", "desc": "asc"}[self.order]
        return self.url(sort=key, order=reverse if key == self.sort else "asc", page=1)

    @property
    def queue_suffix(self) -> str:
        """The query string a detail page opened from this list carries, so that it offers
        上一份/下一份 over the same filter and order."""
        return "?" + urlencode({**self.params(page=1), QUEUE_FLAG: "1"})

    @property
    def filtered(self) -> bool:
        return any(self.params(sort=DEFAULT_SORT, order="desc", page=1).values())


def _choice(text: str | None, choices: tuple[tuple[str, str], ...]) -> str | None:
    """``text`` if it is one of the ``choices``' values, else None (ignored, never an error)."""
    return text if text in {value for value, _ in choices} else None


def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """The page numbers the pager links: first, last and ``radius`` around ``page``; ``None``
    marks a gap (shown as …)."""
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    out: list[int | None] = []
    previous = 0
    for n in shown:
        if previous and n - previous > 1:
            out.append(None)
        out.append(n)
        previous = n
    return out


def _row(r: BrowseRow) -> dict[str, Any]:
    row = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
    row["difference"] = r.difference
    row["number"] = r.number
    row["url"] = f"/evaluations/{r.id}"
    return row


async def list_query(  # async: pure parsing, no reason to hop to a worker thread
    year: Annotated[str | None, Query(description="年度，如 2020")] = None,
    unit: Annotated[str | None, Query(description="单位编号（单位用户只能看到本单位，此项无效）")] = None,
    grade: Annotated[str | None, Query(description="复核等级，如 优")] = None,
    status: Annotated[
        str | None, Query(description="审核状态：草稿、已提交、审核中、退回修改、审核通过")
    ] = None,
    errors: Annotated[str | None, Query(description="是否有“错误”级问题：yes 或 no")] = None,
    code: Annotated[str | None, Query(description="问题代码，如 SCORE_MISMATCH")] = None,
    q: Annotated[
        str | None, Query(description="在项目名、单位名、文件名中搜索，或按编号查找（如 2024-0013）")
    ] = None,
    sort: Annotated[str | None, Query(description=f"排序列：{'、'.join(SORTS)}")] = None,
    order: Annotated[str | None, Query(description="asc 或 desc")] = None,
    page: Annotated[str | None, Query(description="页码，每页 50 条")] = None,
    batch: Annotated[str | None, Query(description="上传批次编号（本批）")] = None,
    unverified: Annotated[
        str | None, Query(description="未经规则核验的指标权重占比至少为：25、50、75 或 100（百分比）")
    ] = None,
) -> ListQuery:
    return ListQuery.parse(
        {
            "year": year,
            "unit": unit,
            "grade": grade,
            "status": status,
            "errors": errors,
            "code": code,
            "q": q,
            "sort": sort,
            "order": order,
            "page": page,
            "batch": batch,
            "unverified": unverified,
        }
    )


ListQueryDep = Annotated[ListQuery, Depends(list_query)]


def _scope(user: User) -> int | None:
    if user.sees_all:
        return None
    return user.unit_id if user.unit_id is not None else _NO_UNIT


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of the list as a user may see it, with the filter's choices."""

    query: ListQuery
    found: BrowsePage
    facets: Facets
    scoped: bool

    def data(self) -> dict[str, Any]:
        """The page's JSON twin (and the API's answer)."""
        found, facets = self.found, self.facets
        return {
            "filters": self.query,
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "per_page": found.per_page,
            "rows": [_row(r) for r in found.rows],
            "choices": {
                "years": facets.years,
                "units": [] if self.scoped else [{"id": i, "name": n} for i, n in facets.units],
                "grades": facets.grades,
                "statuses": STATUSES,
                "errors": [{"value": v, "label": label} for v, label in ERRORS_CHOICES],
                "unverified": [{"value": v, "label": label} for v, label in UNVERIFIED_CHOICES],
                "codes": [{"code": c.code, "title": c.title} for c in CATALOGUE],
            },
        }


def _listing(request: Request, user: User, query: ListQuery) -> Listing:
    scope = _scope(user)
    if scope is not None:
        query = dataclasses.replace(query, unit=None)
    browser = web(request).browser
    cache, version = kept(request, "list"), data_version(request)
    browse = query.browse(scope)
    # The count and the filter's choices are kept (see jixiao.web.cache), except a count by
    # review status, which a review decision changes.
    total = None
    if not browse.status:
        every_page = dataclasses.replace(browse, page=1, sort="id", descending=True)
        total = cache.get(("list-count", every_page, version), lambda: browser.count(every_page))
    found = browser.page(browse, total)
    if found.total and query.page > found.pages:  # past the end (the list shrank): the last page
        query = dataclasses.replace(query, page=found.pages)
        found = browser.page(query.browse(scope), found.total)
    return Listing(query, found, kept_facets(request, scope), scoped=scope is not None)


def _partial(request: Request) -> bool:
    """An htmx request for the results section only (history restores want the whole page)."""
    h = request.headers
    return (
        h.get("HX-Request") == "true"
        and h.get("HX-Target") == "results"
        and h.get("HX-History-Restore-Request") != "true"
    )


@router.get("/evaluations", include_in_schema=False)
def evaluation_list(request: Request, user: CurrentUser, query: ListQueryDep) -> Response:
    listing = _listing(request, user, query)
    if wants_json(request):
        return JSONResponse(jsonable(listing.data()))
    partial = _partial(request)
    found = listing.found
    # The template reads the rows and choices as objects and tuples: a dict's keys cost Jinja a
    # failed attribute lookup each (an exception), thousands per page.
    return render(
        request,
        "evaluations/_results.html" if partial else "evaluations/list.html",
        found,
        query=listing.query,
        facets=listing.facets,
        codes=CATALOGUE,
        statuses=STATUSES,
        errors_choices=ERRORS_CHOICES,
        unverified_choices=UNVERIFIED_CHOICES,
        columns=COLUMNS,
        window=page_window(found.page, found.pages),
        scoped=listing.scoped,
        partial=partial,
        may_review=can_review(user),
    )


@router.get(
    "/api/evaluations",
    summary="评价列表",
    response_description="当前版本的评价（每页 50 条）：rows、total、page、pages、filters 与各筛选项 choices",
)
def evaluation_list_api(request: Request, user: CurrentUser, query: ListQueryDep) -> Response:
    return JSONResponse(jsonable(_listing(request, user, query).data()))


# -- one evaluation ------------------------------------------------------------------------------


def _stored(request: Request, meta: Meta) -> Evaluation:
    ev = web(request).store.get(meta.id)
    if ev is None:  # removed between the two reads
        raise HTTPException(404, f"没有编号为 {meta.id} 的评价")
    return ev


def _as_filed(ev: Evaluation, meta: Meta) -> Evaluation:
    """``ev`` naming the unit it is filed under (a unit user's upload lands in their own unit),
    and the unit its document names as well when that one differs: what an exported 自评表 or
    自评报告 shows as 单位名称."""
    named = (ev.project.unit or "").strip()
    if named == meta.unit or (not named and meta.unit == UNKNOWN_UNIT):
        return ev
    unit = f"{meta.unit}（文件中填写的单位：{named}）" if named else meta.unit
    return ev.model_copy(update={"project": ev.project.model_copy(update={"unit": unit})})


def _downloads(meta: Meta) -> list[dict[str, Any]]:
    base = f"/evaluations/{meta.id}"
    groups: list[dict[str, Any]] = []
    if meta.original is not None and meta.original.stored:
        groups.append(
            {
                "title": "原始文件",
                "links": [{"label": meta.original.name, "url": f"{base}/original"}],
            }
        )
    for kind, suffixes in SUFFIXES.items():
        groups.append(
            {
                "title": KIND_NAMES[kind],
                "links": [{"label": s[1:], "url": f"{base}/export/{kind}.{s[1:]}"} for s in suffixes],
            }
        )
    groups.append(
        {
            "title": "复核报告",
            "links": [{"label": s[1:], "url": f"{base}/review.{s[1:]}"} for s in REVIEW_SUFFIXES],
        }
    )
    return groups


def _review(meta: Meta) -> dict[str, Any]:
    return {
        "status": meta.status,
        "comment": meta.comment,
        "reviewer": meta.reviewer,
        "reviewed_at": meta.reviewed_at,
    }


def _queue(
    request: Request, user: User, evaluation_id: int, params: Mapping[str, str]
) -> dict[str, Any] | None:
    """上一份/下一份 over the list the page was opened from (``params`` holds its filter)."""
    if params.get(QUEUE_FLAG) != "1":
        return None
    query = ListQuery.parse(params)
    scope = _scope(user)
    if scope is not None:
        query = dataclasses.replace(query, unit=None)
    browse = query.browse(scope)
    place = place_in(web(request).db, browse, evaluation_id)
    suffix = query.queue_suffix
    following = place.next if place else None
    if place is None:  # acted on and so out of the filter (say 已提交): the next is the list's first
        first = web(request).browser.page(dataclasses.replace(browse, page=1, per_page=1)).rows
        following = first[0].id if first and first[0].id != evaluation_id else None
    return {
        "list_url": query.url(),
        "suffix": suffix,
        "previous": f"/evaluations/{place.previous}{suffix}" if place and place.previous else None,
        "next": f"/evaluations/{following}{suffix}" if following else None,
        "position": place.position if place else None,
        "total": place.total if place else None,
    }


def _actions(user: User, meta: Meta) -> list[str]:
    """The review steps the action bar offers ``user`` on this version (see workflow.MOVES)."""
    if not meta.is_latest:
        return []
    steps = []
    for move in MOVES.values():
        allowed = can_review(user) if move.reviewer else can_edit(user, meta)
        if allowed and meta.status in move.sources:
            steps.append(move.name)
    if can_review(user) and meta.status == "审核中" and meta.reviewer_id not in (None, user.id):
        steps = ["take_over"]  # another reviewer's claim: nothing but an explicit take-over
    return steps


def _detail(
    request: Request,
    user: User,
    evaluation_id: int,
    *,
    params: Mapping[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    meta = visible_meta(request, user, evaluation_id)
    ev = _stored(request, meta)
    editable = can_edit(user, meta) and meta.is_latest and not meta.locked
    try:
        scheme: Scheme | None = scheme_for(ev, web(request).store.db)
    except SchemeError:
        scheme = None
    db = web(request).db
    year_of = services.project_year_of(db, evaluation_id)  # its declaration and monitoring, if any
    data = {
        "meta": meta,
        "is_latest": meta.is_latest,
        "evaluation": ev,
        "scheme": {"id": ev.scheme.id, "name": scheme.name if scheme and scheme.id == ev.scheme.id else None},
        "review": _review(meta),
        "history": web(request).workflow.history(evaluation_id),
        "downloads": _downloads(meta),
        "edit_url": f"/evaluations/{evaluation_id}/edit" if editable else None,
        "may_review": can_review(user),
        "number": meta.number,
        "source": meta.source,
        "locked": meta.locked,
        "actions": _actions(user, meta),
        "queue": _queue(request, user, evaluation_id, request.query_params if params is None else params),
        "returned": {"version": meta.returned_version, "comment": meta.returned_comment}
        if meta.returned_comment
        else None,
    }
    return render(
        request,
        "evaluations/detail.html",
        data,
        row_findings=findings_by_row(ev.findings, len(ev.indicators)),
        worst=worst,
        titles={code: check.title for code, check in BY_CODE.items()},
        severities=SEVERITY_LABELS,
        actions=ACTIONS,
        statuses=STATUSES,
        version_of={v.id: v.version for v in meta.versions},
        saved=request.query_params.get("saved") == "1",
        problem=problem,
        moves=MOVES,
        year_of=year_of if year_of is not None and (year_of.declared or year_of.monitored) else None,
        year_link=services.evaluation_link(db, evaluation_id) if year_of is not None else None,
        status_code=status_code,
    )


@router.get("/evaluations/{evaluation_id:int}", include_in_schema=False)
def evaluation_page(request: Request, evaluation_id: int, user: CurrentUser) -> Response:
    return _detail(request, user, evaluation_id)


@router.get("/evaluations/n/{number}", include_in_schema=False)
def by_number(request: Request, number: str, user: CurrentUser) -> Response:
    """A project × year's stable number (``2020-0042``) opens its latest version."""
    first = parse_number(number)
    meta = visible_meta(request, user, first) if first is not None else None
    if meta is None or meta.number != number.strip():
        raise HTTPException(404, f"没有编号为 {number[:40]} 的评价，或您无权查看")
    return RedirectResponse(f"/evaluations/{meta.latest_id}", status_code=303)


@router.get(
    "/api/evaluations/{evaluation_id:int}",
    summary="一份评价",
    response_description="评价合同 JSON（jixiao.evaluation/1），另加 meta（单位、项目、版本、原始文件、审核状态）",
    responses={404: _NOT_FOUND},
)
def evaluation_api(request: Request, evaluation_id: int, user: CurrentUser) -> Response:
    meta = visible_meta(request, user, evaluation_id)
    ev = _stored(request, meta)
    contract: dict[str, Any] = ev.model_dump(mode="json", by_alias=True)
    return JSONResponse({**contract, "meta": jsonable(meta), "downloads": _downloads(meta)})


# -- the review decision -------------------------------------------------------------------------


class StatusChange(BaseModel):
    """A review decision: the status and the comment the unit will see."""

    status: Literal["草稿", "已提交", "审核中", "退回修改", "审核通过", "待审核"] = Field(
        description="目标审核状态（由当前状态经一步操作到达；待审核即已提交）"
    )
    comment: str | None = Field(default=None, max_length=2000, description="审核意见（单位可见）")


def _set_status(request: Request, user: User, evaluation_id: int, status: str, comment: str | None) -> Meta:
    visible_meta(request, user, evaluation_id)  # 404 for a missing evaluation
    state = web(request)
    try:
        state.workflow.set_status(evaluation_id, status, (comment or "")[:2000], actor(user))
    except WorkflowError as exc:
        raise HTTPException(422, exc.message) from None
    meta = state.workflow.meta(evaluation_id)
    assert meta is not None
    return meta


Reviewer = Annotated[User, require(Role.ADMIN, Role.REVIEWER)]


@router.post("/evaluations/{evaluation_id:int}/status", include_in_schema=False)
def set_status_form(
    request: Request,
    evaluation_id: int,
    user: Reviewer,
    status: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    _set_status(request, user, evaluation_id, status, comment)
    return RedirectResponse(f"/evaluations/{evaluation_id}?saved=1#review", status_code=303)


@router.post(
    "/api/evaluations/{evaluation_id:int}/status",
    summary="设置审核状态",
    response_description="保存后的审核状态：status、comment、reviewer、reviewed_at",
    responses={403: _FORBIDDEN, 404: _NOT_FOUND},
)
def set_status_api(request: Request, evaluation_id: int, change: StatusChange, user: Reviewer) -> Response:
    meta = _set_status(request, user, evaluation_id, change.status, change.comment)
    return JSONResponse(jsonable(_review(meta)))


class Step(BaseModel):
    """A review step's reason (required to 退回修改 or 重新打开; the unit sees it)."""

    comment: str | None = Field(default=None, max_length=2000, description="原因或审核意见（单位可见）")


def _take_step(request: Request, user: User, meta: Meta, step: str, comment: str | None) -> None:
    move = MOVES.get("claim" if step == "take_over" else step)
    if move is None:
        raise HTTPException(404, f"没有这种审核操作：{step[:40]}")
    allowed = can_review(user) if move.reviewer else can_edit(user, meta)
    if not allowed:
        raise HTTPException(403, f"您的账号不能“{'接手审核' if step == 'take_over' else move.label}”")
    web(request).workflow.move(meta.id, step, actor(user), comment)


@router.post("/evaluations/{evaluation_id:int}/review/{step}", include_in_schema=False)
def review_step_form(
    request: Request,
    evaluation_id: int,
    step: str,
    user: CurrentUser,
    comment: Annotated[str, Form()] = "",
    queue: Annotated[str, Form()] = "",
    go: Annotated[str, Form()] = "",
) -> Response:
    """One review step from the action bar; ``queue`` is the list's query string the page was
    opened with, ``go=next`` opens the next one of that list afterwards."""
    meta = visible_meta(request, user, evaluation_id)
    params = dict(parse_qsl(queue.lstrip("?")[:4000]))
    ahead = _queue(request, user, evaluation_id, params) if go == "next" else None
    try:
        _take_step(request, user, meta, step, comment)
    except WorkflowError as exc:
        return _detail(request, user, evaluation_id, params=params, problem=exc.message, status_code=409)
    suffix = "?" + urlencode(params) if params else ""
    if ahead is not None:
        return RedirectResponse(ahead["next"] or ahead["list_url"], status_code=303)
    joiner = "&" if suffix else "?"
    return RedirectResponse(f"/evaluations/{evaluation_id}{suffix}{joiner}saved=1", status_code=303)


@router.post(
    "/api/evaluations/{evaluation_id:int}/review/{step}",
    summary="审核操作",
    description="step：submit（提交审核）、claim（认领）、release（放弃认领）、return（退回修改，须填原因）、"
    "approve（审核通过）、reopen（重新打开，须填原因）、take_over（接手他人正在审核的评价）",
    response_description="操作后的审核状态：status、comment、reviewer、reviewed_at",
    responses={403: _FORBIDDEN, 404: _NOT_FOUND, 409: {"description": "当前状态不允许此操作，或缺少原因"}},
)
def review_step_api(
    request: Request, evaluation_id: int, step: str, body: Step, user: CurrentUser
) -> Response:
    meta = visible_meta(request, user, evaluation_id)
    try:
        _take_step(request, user, meta, step, body.comment)
    except WorkflowError as exc:
        raise HTTPException(409, exc.message) from None
    after = web(request).workflow.meta(evaluation_id)
    assert after is not None
    return JSONResponse(jsonable({**_review(after), "number": after.number}))


@router.post("/evaluations/bulk-approve", include_in_schema=False)
def bulk_approve(
    request: Request,
    user: Reviewer,
    ids: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies a form default)
    back: Annotated[str, Form()] = "",
) -> Response:
    """批量通过: the selected evaluations without error-level findings are approved; the page
    says which were left and why."""
    chosen = [n for n in (_int(i) for i in ids[:500]) if n is not None and n > 0]
    if not chosen:
        raise HTTPException(422, "请先勾选要批量通过的评价")
    done, skipped = web(request).workflow.approve_clean(chosen, actor(user))
    target = back if back.startswith("/evaluations") and not back.startswith("//") else "/evaluations"
    return render(
        request,
        "evaluations/bulk.html",
        {"approved": done, "skipped": [{"id": i, "reason": r} for i, r in skipped], "back": target},
    )


# -- downloads -----------------------------------------------------------------------------------

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(content: bytes, name: str, fallback: str, *, inline: bool = False) -> Response:
    return Response(
        content,
        media_type=media_type(fallback),
        headers={"Content-Disposition": content_disposition(name, fallback, inline=inline)},
    )


def _export_failed(request: Request, exc: ExportError) -> Response:
    """A document that could not be written (e.g. LibreOffice failed): a Chinese error page."""
    return render(
        request,
        "error.html",
        {"detail": f"文档未能生成：{exc.message}", "status": 503},
        status_code=503,
    )


@router.get(
    "/evaluations/{evaluation_id:int}/original",
    summary="原始文件",
    response_description="单位报送的原始文件（原文件名见 Content-Disposition）",
    response_class=FileResponse,
    responses={404: {"description": "没有这份评价、无权查看，或它没有存档的原始文件"}},
)
def original_file(request: Request, evaluation_id: int, user: CurrentUser) -> Response:
    meta = visible_meta(request, user, evaluation_id)
    kept = meta.original
    path = original_path(web(request).data_dir, kept.stored if kept else None)
    if kept is None or path is None:
        raise HTTPException(
            404, "这份评价没有可下载的原始文件（在网页上填写的评价没有原始文件，或原件未能存档）"
        )
    fallback = f"evaluation-{evaluation_id}-original{path.suffix}"
    return FileResponse(
        path,
        media_type=media_type(path.name),
        headers={"Content-Disposition": content_disposition(kept.name, fallback)},
    )


def document_bytes(request: Request, meta: Meta, what: Kind, suffix: str) -> bytes:
    """The 自评表 or 自评报告 of the evaluation ``meta`` describes, as filed (its unit) and with
    its project-year's 佐证材料 listed: what one download and the .zip of many both hold. Raises
    :class:`ExportError` when it cannot be made."""
    ev = _as_filed(_stored(request, meta), meta)
    evidence = [
        f"{e.name}（{e.indicator}）" if e.indicator else e.name
        for e in EditorStore(web(request).db).evidence_of(meta.project_id, meta.year)
    ]
    return export_bytes(
        ev,
        what,
        suffix,
        timeout=web(request).settings.convert_timeout,
        db=web(request).store.db,
        evidence=evidence,
    )


@router.get(
    "/evaluations/{evaluation_id:int}/export/{kind}.{fmt}",
    summary="导出自评表或自评报告",
    response_description="table（自评表）：xlsx、docx、pdf；report（自评报告初稿）：docx、pdf",
    responses={
        200: {"content": {_XLSX: {}, _DOCX: {}, "application/pdf": {}}},
        404: _NOT_FOUND,
        503: {"description": "文档未能生成（如 PDF 转换失败）"},
    },
)
@slow
def export_document(request: Request, evaluation_id: int, kind: str, fmt: str, user: CurrentUser) -> Response:
    meta = visible_meta(request, user, evaluation_id)
    chosen = parse_kind(kind, fmt)
    if chosen is None:
        raise HTTPException(404, "没有这种导出格式：自评表可导出 xlsx、docx、pdf，自评报告可导出 docx、pdf")
    what, suffix = chosen
    try:
        content = document_bytes(request, meta, what, suffix)
    except ExportError as exc:
        return _export_failed(request, exc)
    name = document_name(
        meta.project, KIND_NAMES[what], suffix, unit=meta.unit, year=meta.year, version=meta.version
    )
    return _file(content, name, f"evaluation-{evaluation_id}-{what}{suffix}")


@router.get(
    "/evaluations/{evaluation_id:int}/print",
    summary="打印自评表",
    response_description="自评表的 PDF（A4 横向，按评分方案的表样），在浏览器中打开以打印",
    responses={
        200: {"content": {"application/pdf": {}}},
        404: _NOT_FOUND,
        503: {"description": "PDF 未能生成"},
    },
)
@slow
def print_table(request: Request, evaluation_id: int, user: CurrentUser) -> Response:
    """The page's 打印 button: the 自评表 as the form prints it (its layout's landscape A4
    PDF), shown in the browser (inline) to print — not the web page."""
    meta = visible_meta(request, user, evaluation_id)
    ev = _as_filed(_stored(request, meta), meta)
    try:
        content = export_bytes(
            ev, "table", ".pdf", timeout=web(request).settings.convert_timeout, db=web(request).store.db
        )
    except ExportError as exc:
        return _export_failed(request, exc)
    name = document_name(
        meta.project, KIND_NAMES["table"], ".pdf", unit=meta.unit, year=meta.year, version=meta.version
    )
    return _file(content, name, f"evaluation-{evaluation_id}-table.pdf", inline=True)


@router.get(
    "/evaluations/{evaluation_id:int}/review.{fmt}",
    summary="复核报告",
    response_description="这份评价的复核报告：xlsx 或 html",
    responses={200: {"content": {_XLSX: {}, "text/html": {}}}, 404: _NOT_FOUND},
)
@slow
def review_report(request: Request, evaluation_id: int, fmt: str, user: CurrentUser) -> Response:
    meta = visible_meta(request, user, evaluation_id)
    suffix = "." + fmt.lower()
    if suffix not in REVIEW_SUFFIXES:
        raise HTTPException(404, "复核报告只能导出为 xlsx 或 html")
    ev = _stored(request, meta)
    try:
        content = review_bytes(ev, suffix)
    except ExportError as exc:
        return _export_failed(request, exc)
    name = document_name(
        meta.project, "复核报告", suffix, unit=meta.unit, year=meta.year, version=meta.version
    )
    return _file(content, name, f"evaluation-{evaluation_id}-review{suffix}", inline=suffix == ".html")
