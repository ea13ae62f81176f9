"""The batch review workbook of the evaluation list: ``GET /evaluations/review.xlsx`` with the
list's own filter (every page of it), as :mod:`jixiao.export.batch_review` writes it — one
汇总 sheet sorted by severity with the unit and review status, one 问题明细 sheet grouped by
file, the files under the names they were uploaded as (never a server path)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from fastapi import APIRouter
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import Response

from jixiao.export.batch_review import BatchItem
from jixiao.export.batch_review import batch_workbook
from jixiao.storage.accounts import User
from jixiao.storage.browse import BrowseRow
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import web
from jixiao.web.downloads import content_disposition
from jixiao.web.routes.evaluations import ListQuery
from jixiao.web.routes.evaluations import ListQueryDep
from jixiao.web.threads import slow

router = APIRouter()
MAX_ROWS = 5000
_PAGE = 500
_NO_UNIT = -1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scope_of(user: User) -> int | None:
    """The unit a user's list is confined to (as the list itself: a unit user without a unit
    sees nothing)."""
    if user.sees_all:
        return None
    return user.unit_id if user.unit_id is not None else _NO_UNIT


def filtered_rows(
    request: Request, query: ListQuery, scope: int | None, limit: int, what: str
) -> list[BrowseRow]:
    """Every row of the list's filter in the user's ``scope``, page by page; more than ``limit``
    is refused with a Chinese message naming ``what`` is being made (“复核工作簿”)."""
    browser = web(request).browser
    base = dataclasses.replace(query.browse(scope), per_page=_PAGE)
    first = browser.page(dataclasses.replace(base, page=1))
    if first.total > limit:
        raise HTTPException(
            400,
            f"当前筛选有 {first.total} 份评价，超过{what}的上限 {limit} 份；请按年度、单位等缩小范围后再下载",
        )
    rows = list(first.rows)
    for page in range(2, first.pages + 1):
        rows += browser.page(dataclasses.replace(base, page=page), first.total).rows
    return rows


def _scope_text(query: ListQuery) -> str:
    shown = {k: v for k, v in query.params(page=1).items() if k not in ("sort", "order")}
    names = {"year": "年度", "unit": "单位编号", "grade": "等级", "status": "审核状态", "errors": "有无错误",
             "code": "问题代码", "q": "搜索", "batch": "上传批次"}  # fmt: skip
    return "，".join(f"{names.get(k, k)} {v}" for k, v in shown.items()) or "全部评价"


@router.get(
    "/evaluations/review.xlsx",
    tags=["评价"],
    summary="当前筛选的批量复核工作簿",
    response_class=Response,
    responses={
        200: {
            "content": {XLSX: {}},
            "description": "汇总（按问题严重程度）与问题明细（按文件分组）两个工作表",
        }
    },
)
@slow
def review_workbook(request: Request, user: CurrentUser, query: ListQueryDep) -> Response:
    """The batch review workbook of the list's current filter (the same query parameters as the
    list; every page): a summary sheet sorted by severity with the unit column, and one details
    sheet grouped by file; file names as uploaded, never server paths."""
    scope = scope_of(user)
    if scope is not None:
        query = dataclasses.replace(query, unit=None)
    store = web(request).store
    items = []
    for row in filtered_rows(request, query, scope, MAX_ROWS, "复核工作簿"):
        ev = store.get(row.id)
        if ev is None:
            continue
        name = row.document or (ev.source.path if ev.source and ev.source.path else "")
        items.append(BatchItem(name, ev, row.status))
    data = batch_workbook(items, scope=_scope_text(query))
    today = dt.date.today().strftime("%Y%m%d")
    return Response(
        data,
        media_type=XLSX,
        headers={
            "Content-Disposition": content_disposition(f"批量复核_{today}.xlsx", f"review_{today}.xlsx")
        },
    )
