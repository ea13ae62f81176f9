"""Uploading submitted files: the upload page, its plain-form fallback, and ``/api/uploads``.

The page's script (``static/upload.js``) sends the chosen files — or a whole folder, or files
dropped on the page — one request per file, two at a time, to ``POST /api/uploads`` and shows
each file's progress and result. Without JavaScript the form posts every file at once to
``POST /upload``, which answers with a table of results. Every role may upload; a unit user's
files are saved under their own unit (see :mod:`jixiao.web.uploads` for what happens to a file).

The upload handlers read the request body themselves (an async dependency streams it to disk
under the size limit), then do the slow part — extraction in a worker process, the database —
in a plain ``def`` handler, in FastAPI's thread pool, as every other route does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from jixiao.limits import MB
from jixiao.limits import human_size
from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.web import uploads as service
from jixiao.web.deps import CSRF_HEADER
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import actor
from jixiao.web.deps import render
from jixiao.web.deps import web
from jixiao.web.form_model import MAX_YEAR
from jixiao.web.form_model import MIN_YEAR
from jixiao.web.state import WebState
from jixiao.web.threads import slow

router = APIRouter()


@dataclass(frozen=True, slots=True)
class UploadPage:
    """What the upload page offers: the limits and types its script checks before sending."""

    max_file_mb: float
    max_file_bytes: int
    max_size: str
    max_files: int
    suffixes: tuple[str, ...]
    unit: str | None  # a unit user's uploads land in their unit


@dataclass(frozen=True, slots=True)
class UploadReport:
    """The results of a plain-form upload, one per file, and their counts by status."""

    results: tuple[dict[str, object], ...]  # as /api/uploads answers for each file
    counts: dict[str, int]
    year: int | None


def _page(state: WebState, user: User) -> UploadPage:
    limit = service.max_bytes(state)
    return UploadPage(
        max_file_mb=limit / MB,
        max_file_bytes=limit,
        max_size=human_size(limit),
        max_files=state.settings.upload_max_files,
        suffixes=service.accepted(),
        unit=user.unit_name if user.role is Role.UNIT else None,
    )


def _year(text: str | None) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise HTTPException(400, f"年度应为四位数字的年份，如 2024（{MIN_YEAR}–{MAX_YEAR}）")
    return int(value)


def _process(
    request: Request, user: User, files: list[service.Received], year: int | None
) -> list[service.UploadResult]:
    state = web(request)
    return service.process(
        state,
        files,
        actor=actor(user),
        unit=user.unit_name if user.role is Role.UNIT else None,
        scope_unit_id=None if user.sees_all else user.unit_id,
        year=year,
    )


@router.get("/upload", include_in_schema=False)
def upload_page(request: Request, user: CurrentUser) -> Response:
    page = _page(web(request), user)
    return render(request, "uploads/upload.html", page, page=page)


# -- the plain form ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Posted:
    files: list[UploadFile]
    year: str | None


async def _posted_files(request: Request, _user: CurrentUser) -> _Posted:
    """The form's files (the browser sends an empty part for an input left empty: dropped)."""
    form = await request.form()
    files = [
        f for f in form.getlist("files") if isinstance(f, UploadFile) and (f.filename or (f.size or 0) > 0)
    ]
    year = form.get("year")
    return _Posted(files, year if isinstance(year, str) else None)


@router.post("/upload", include_in_schema=False)
@slow
def upload_form(
    request: Request, user: CurrentUser, posted: Annotated[_Posted, Depends(_posted_files)]
) -> Response:
    state = web(request)
    page = _page(state, user)
    year = _year(posted.year)
    if not posted.files:
        raise HTTPException(400, "没有选择文件")
    if len(posted.files) > page.max_files:
        raise HTTPException(
            400, f"一次最多上传 {page.max_files} 个文件，本次选择了 {len(posted.files)} 个；请分批上传"
        )
    directory = service.uploads_dir(state)
    service.cleanup_stale(directory)
    slots: list[service.UploadResult | int] = []
    received: list[service.Received] = []
    for upload in posted.files:
        try:
            received.append(
                service.receive_copy(upload.filename, upload.file, directory, page.max_file_bytes)
            )
            slots.append(len(received) - 1)
        except service.UploadRefused as exc:
            slots.append(service.failed(service.display_name(upload.filename), exc.reason, upload.size or 0))
    done = _process(request, user, received, year) if received else []
    results = tuple(done[s] if isinstance(s, int) else s for s in slots)
    counts = {label: sum(1 for r in results if r.label == label) for label in service.STATUS_LABELS.values()}
    report = UploadReport(tuple(r.as_json() for r in results), counts, year)
    return render(request, "uploads/result.html", report, page=page)


# -- the API ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Incoming:
    file: service.Received
    fields: dict[str, str]


async def _streamed(request: Request, _user: CurrentUser) -> AsyncIterator[_Incoming]:
    """The one file of the request, written to disk as it arrives (after the login and CSRF
    check); its temporary file is removed after the response whatever happened."""
    state = web(request)
    directory = service.uploads_dir(state)
    limit = service.max_bytes(state)
    service.cleanup_stale(directory)
    try:
        if request.headers.get(CSRF_HEADER) is None:
            # The token came as a form field: current_user has parsed the form already.
            form = await request.form()
            uploads = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
            if len(uploads) != 1:
                raise service.UploadRefused(400, "每次请求只能上传一个文件（字段名 file）")
            fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
            file = service.receive_copy(uploads[0].filename, uploads[0].file, directory, limit)
        else:
            file, fields = await service.receive_stream(request.headers, request.stream(), directory, limit)
    except service.UploadRefused as exc:
        raise HTTPException(exc.status, exc.reason) from None
    try:
        yield _Incoming(file, fields)
    finally:
        service.discard([file])


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "文件已在库中（内容相同），返回已有的评价"},
    400: {"description": "请求无效（不是一个文件、年度无效）"},
    413: {"description": "文件超过大小上限"},
    415: {"description": "不支持的文件类型"},
    503: {"description": "暂时无法读取文件（处理进程无法启动），文件未保存"},
}


# The body is read by the streaming dependency, so FastAPI cannot describe it: say it here.
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "一份报送材料"},
                        "year": {"type": "string", "description": "年度（可选，覆盖文件中的年度）"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/api/uploads",
    tags=["上传"],
    summary="上传一份报送材料",
    status_code=201,
    responses=_RESPONSES,
    openapi_extra=_BODY,
)
@slow
def api_upload(
    request: Request, user: CurrentUser, incoming: Annotated[_Incoming, Depends(_streamed)]
) -> JSONResponse:
    """Upload one submitted file (multipart: ``file``, optional ``year``): it is read, scored,
    checked and stored, its original kept. Answers with the evaluation's id, scores and finding
    counts (201), or, for a file already stored, with the evaluation it belongs to (200, status
    ``known``). A file that cannot be read is stored too (status ``unreadable``, with the reason)."""
    year = _year(incoming.fields.get("year"))
    result = _process(request, user, [incoming.file], year)[0]
    status = {"known": 200, "failed": 503}.get(result.status, 201)
    return JSONResponse(result.as_json(), status_code=status)
