"""Many documents in one download: ``GET /evaluations/export.zip`` — the 自评表 (or 自评报告) of
the evaluations chosen (``ids``, repeated) or of the list's current filter (every page, the same
query parameters as the list), as one .zip of PDF, docx or xlsx files.

A user gets only what the list shows them: the filter runs in the user's scope (a unit user sees
only their unit's evaluations), and a chosen ``ids`` the user may not see answers 404, as its own
page would. Members are named as the single download names them
(``{单位}_{年度}_{项目}_{自评表}.pdf``, made distinct); a document that cannot be made is left
out and listed, with its reason, in ``未能导出.txt`` inside the .zip. The documents are made one
after the other in a slow thread by the server's own warm renderer (see
:func:`jixiao.web.routes.evaluations.document_bytes`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from typing import Annotated

from fastapi import APIRouter
from fastapi import HTTPException
from fastapi import Query
from fastapi import Request
from fastapi.responses import Response

from jixiao.export.api import KIND_NAMES
from jixiao.export.errors import ExportError
from jixiao.export.names import document_name
from jixiao.export.names import unique_names
from jixiao.storage.workflow import Meta
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import visible_meta
from jixiao.web.deps import web
from jixiao.web.downloads import content_disposition
from jixiao.web.downloads import parse_kind
from jixiao.web.routes.evaluations import ListQueryDep
from jixiao.web.routes.evaluations import document_bytes
from jixiao.web.routes.review_book import filtered_rows
from jixiao.web.routes.review_book import scope_of
from jixiao.web.threads import slow

router = APIRouter()
MAX_DOCUMENTS = 500  # a PDF takes a good part of a second: more waits too long for one request
ZIP = "application/zip"
FAILED_NAME = "未能导出.txt"


def _chosen(request: Request, user: CurrentUser, ids: list[int], query: ListQueryDep) -> list[Meta]:
    """The evaluations to export: those ``ids`` (each one the user may see, else 404), or every
    evaluation of the list's filter in the user's scope."""
    if ids:
        if len(ids) > MAX_DOCUMENTS:
            raise HTTPException(400, f"一次最多下载 {MAX_DOCUMENTS} 份评价的文档，这里选了 {len(ids)} 份")
        return [visible_meta(request, user, i) for i in dict.fromkeys(ids)]
    scope = scope_of(user)
    if scope is not None:
        query = dataclasses.replace(query, unit=None)
    rows = filtered_rows(request, query, scope, MAX_DOCUMENTS, "一次下载")
    workflow = web(request).workflow
    found = [workflow.meta(r.id) for r in rows]
    return [m for m in found if m is not None]


@router.get(
    "/evaluations/export.zip",
    tags=["评价"],
    summary="批量下载自评表或自评报告（.zip）",
    response_class=Response,
    responses={
        200: {"content": {ZIP: {}}, "description": "每份评价一个文件；未能生成的列在 未能导出.txt 中"},
        400: {"description": "格式不对，或份数超过上限"},
        404: {"description": "所选评价中有不存在或无权查看的"},
    },
)
@slow
def export_zip(
    request: Request,
    user: CurrentUser,
    query: ListQueryDep,
    kind: str = "table",
    fmt: str = "pdf",
    ids: Annotated[list[int], Query()] = [],  # noqa: B006 (FastAPI copies the default)
) -> Response:
    """The 自评表 (``kind=table``: pdf, docx, xlsx) or 自评报告 (``kind=report``: pdf, docx) of
    the chosen evaluations (``ids=…&ids=…``, as the list's check boxes send them) or of the list's current filter, as one .zip."""
    chosen = parse_kind(kind, fmt)
    if chosen is None:
        raise HTTPException(400, "没有这种导出格式：自评表可导出 xlsx、docx、pdf，自评报告可导出 docx、pdf")
    what, suffix = chosen
    metas = _chosen(request, user, ids, query)
    if not metas:
        raise HTTPException(404, "没有可下载的评价")
    names = unique_names(
        document_name(m.project, KIND_NAMES[what], suffix, unit=m.unit, year=m.year, version=m.version)
        for m in metas
    )
    failed: list[str] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for meta, name in zip(metas, names, strict=True):
            try:
                archive.writestr(name, document_bytes(request, meta, what, suffix))
            except ExportError as exc:
                failed.append(f"{name}（评价编号 {meta.id}）：{exc.message}")
        if failed:
            archive.writestr(FAILED_NAME, "\n".join(failed) + "\n")
    today = dt.date.today().strftime("%Y%m%d")
    shown = f"{KIND_NAMES[what]}_{len(metas) - len(failed)}份_{today}.zip"
    return Response(
        buffer.getvalue(),
        media_type=ZIP,
        headers={"Content-Disposition": content_disposition(shown, f"{what}_{today}.zip")},
    )
