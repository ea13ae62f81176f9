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

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from jixiao.limits import MB
from jixiao.limits import human_size
from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.storage.upload_batches import Batch
from jixiao.web import batches
from jixiao.web import uploads as service
from jixiao.web.deps import CSRF_HEADER
from jixiao.web.deps import MAX_DB_INT
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import actor
from jixiao.web.deps import render
from jixiao.web.deps import wants_json
from jixiao.web.deps import web
from jixiao.web.form_model import MAX_YEAR
from jixiao.web.form_model import MIN_YEAR
from jixiao.web.routes import review_book
from jixiao.web.state import WebState
from jixiao.web.threads import slow

router = APIRouter()
CHINA = dt.timezone(dt.timedelta(hours=8))
router.include_router(review_book.router)  # the list's workbook: a route of its own module


@dataclass(frozen=True, slots=True)
class UploadPage:
    """What the upload page offers: the limits and types its script checks before sending."""

    max_file_mb: float
    max_file_bytes: int
    max_size: str
    max_files: int
    suffixes: tuple[str, ...]
    unit: str | None  # a unit user's uploads land in their unit
    batches: tuple[RecentBatch, ...] = ()  # the user's latest batch uploads


@dataclass(frozen=True, slots=True)
class RecentBatch:
    id: int
    created: str
    files: int
    waiting: int


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
        batches=tuple(
            RecentBatch(b.id, b.created_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"), files, waiting)
            for b, files, waiting in batches.batches(state).recent(user.id, 5)
        ),
    )


def _year(text: str | None) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise HTTPException(400, f"年度应为四位数字的年份，如 2024（{MIN_YEAR}–{MAX_YEAR}）")
    return int(value)


def _check_count(page: UploadPage, files: list[UploadFile]) -> None:
    if not files:
        raise HTTPException(400, "没有选择文件")
    if len(files) > page.max_files:
        raise HTTPException(
            400, f"一次最多上传 {page.max_files} 个文件，本次选择了 {len(files)} 个；请分批上传"
        )


def _process(
    request: Request, user: User, files: list[service.Received], year: int | None, token: str | None = None
) -> list[service.UploadResult]:
    state = web(request)
    return service.process(
        state,
        files,
        actor=actor(user),
        unit=user.unit_name if user.role is Role.UNIT else None,
        scope_unit_id=None if user.sees_all else user.unit_id,
        year=year,
        pages_key=_pages_key(user, token) if token is not None else None,
    )


# The token the upload page sends with a file to poll its scan's pages by (random, hex).
_TOKEN = re.compile(r"[0-9a-f]{16,64}")


def _pages_key(user: User, token: str) -> tuple[str, int, str]:
    """Where a single upload's pages are kept: the user's own (another user's token shows nothing)."""
    return ("upload", user.id, token)


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
    _check_count(page, posted.files)
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
                        "progress": {
                            "type": "string",
                            "description": "进度标识（可选，16–64 位十六进制）：读取扫描件期间可用 "
                            "GET /api/uploads/reading/{标识} 查询已识别的页数",
                        },
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
    token = incoming.fields.get("progress", "").strip().lower()
    result = _process(request, user, [incoming.file], year, token if _TOKEN.fullmatch(token) else None)[0]
    status = {"known": 200, "failed": 503}.get(result.status, 201)
    return JSONResponse(result.as_json(), status_code=status)


@router.get("/api/uploads/reading/{token}", tags=["上传"], summary="正在识别的扫描件页数")
def upload_reading(request: Request, token: str, user: CurrentUser) -> JSONResponse:
    """While a file sent to ``POST /api/uploads`` with ``progress`` = ``token`` is read: the scan
    being recognised with its pages done so far (``reading``: name, done, pages; empty for an
    ordinary file, before the first page is done, and once the answer is sent)."""
    token = token.strip().lower()
    if not _TOKEN.fullmatch(token):
        raise HTTPException(400, "进度标识应为 16–64 位十六进制数字")
    found = web(request).scan_pages.of(_pages_key(user, token))
    return JSONResponse(
        {"reading": [{"name": r.name, "done": r.done, "pages": r.pages, "text": r.text} for r in found]}
    )


# -- batches: many files (or .zip archives) read in the background ------------------------------


@dataclass(frozen=True, slots=True)
class _BatchPosted:
    files: list[UploadFile]
    year: str | None
    into: str | None  # the batch these files continue (a batch sent in parts)


async def _batch_files(request: Request, user: CurrentUser) -> _BatchPosted:
    """The batch form's files (field ``files``, as the plain form), year and ``into``."""
    posted = await _posted_files(request, user)
    into = (await request.form()).get("into")
    return _BatchPosted(posted.files, posted.year, into if isinstance(into, str) and into.strip() else None)


def _visible_batch(request: Request, user: User, batch_id: int) -> Batch:
    """The batch if ``user`` sent it or sees every unit; 404 otherwise."""
    found = batches.batches(web(request)).get(batch_id) if 0 < batch_id <= MAX_DB_INT else None
    if found is None or (not user.sees_all and found.user_id != user.id):
        raise HTTPException(404, f"没有编号为 {batch_id} 的上传批次，或您无权查看")
    return found


@router.post(
    "/uploads/batches",
    tags=["上传"],
    summary="批量上传（后台读取）",
    status_code=303,
    responses={202: {"description": "批次已接收（JSON 请求）：id 与进度页 url"}},
)
@slow
def upload_batch(
    request: Request, user: CurrentUser, posted: Annotated[_BatchPosted, Depends(_batch_files)]
) -> Response:
    """Take many files (multipart ``files``; .zip archives are opened into their files) and an
    optional ``year``: they are kept on the server and read in the background, so closing the
    page loses nothing. ``into`` (a batch id of the same user) adds the files to that batch: a
    batch larger than one request's limit is sent in parts. Answers with the batch's progress
    page (or, for JSON, its id)."""
    state = web(request)
    page = _page(state, user)
    year = _year(posted.year)
    into = None
    if posted.into is not None:
        number = int(posted.into) if posted.into.strip().isdigit() else 0
        into = _visible_batch(request, user, number).id
        if batches.batches(state).get(into) is None or _owner(state, into) != user.id:
            raise HTTPException(404, f"没有编号为 {posted.into} 的上传批次，或它不是您提交的")
    _check_count(page, posted.files)
    service.cleanup_stale(service.uploads_dir(state))
    batch_id = batches.receive_batch(
        state,
        [batches.Sent(f.filename, f.file, f.size or 0) for f in posted.files],
        actor=actor(user),
        unit=user.unit_name if user.role is Role.UNIT else None,
        scope_unit_id=None if user.sees_all else user.unit_id,
        year=year,
        into=into,
    )
    batches.start(state, batch_id)
    url = f"/uploads/batches/{batch_id}"
    if wants_json(request):
        return JSONResponse({"id": batch_id, "url": url}, status_code=202)
    return RedirectResponse(url, status_code=303)


def _owner(state: WebState, batch_id: int) -> int | None:
    found = batches.batches(state).get(batch_id)
    return found.user_id if found is not None else None


def _progress_data(request: Request, user: User, batch_id: int) -> batches.Progress:
    state = web(request)
    batch = _visible_batch(request, user, batch_id)
    if batch.finished_at is None:
        batches.ensure_running(state, batch_id)  # a runner gone with its server is replaced
    return batches.progress(state, batch)


def _progress_json(p: batches.Progress) -> dict[str, object]:
    return {
        "id": p.batch.id,
        "done": p.done,
        "total": p.total,
        "finished": p.finished,
        "percent": p.percent,
        "eta_seconds": p.eta_seconds,
        "eta_text": p.eta_text,
        "counts": p.counts,
        "list_url": f"/evaluations?batch={p.batch.id}",
        "reading": [{"name": r.name, "done": r.done, "pages": r.pages, "text": r.text} for r in p.reading],
        "files": [
            {
                "name": f.name,
                "size": f.size,
                "size_text": human_size(f.size),
                "status": f.status,
                "label": batches.STATUS_LABELS.get(f.status, f.status),
                "evaluation_id": f.evaluation_id,
                "forms": f.forms,
                "errors": f.errors,
                "reason": f.reason,
            }
            for f in p.files
        ],
    }


@router.get("/uploads/batches/{batch_id:int}", include_in_schema=False)
def batch_page(request: Request, batch_id: int, user: CurrentUser) -> Response:
    p = _progress_data(request, user, batch_id)
    return render(request, "uploads/batch.html", _progress_json(p), p=p, labels=batches.STATUS_LABELS)


@router.get("/uploads/batches/{batch_id:int}/progress", include_in_schema=False)
def batch_progress(request: Request, batch_id: int, user: CurrentUser) -> Response:
    p = _progress_data(request, user, batch_id)
    return render(
        request, "uploads/_batch_progress.html", _progress_json(p), p=p, labels=batches.STATUS_LABELS
    )


@router.get("/api/uploads/batches/{batch_id:int}", tags=["上传"], summary="上传批次的进度")
def batch_api(request: Request, batch_id: int, user: CurrentUser) -> JSONResponse:
    """The batch's progress: counts by status, percent, ETA, every file's outcome, and the scans
    being read now with their pages recognised so far (``reading``: name, done, pages)."""
    return JSONResponse(_progress_json(_progress_data(request, user, batch_id)))
