"""What the evaluation form does besides scoring and saving: the user's draft kept as they type,
a block pasted from Excel read into rows, and the evidence files (佐证材料).

- ``POST /evaluations/draft`` keeps the form as typed (editor.js posts it a few seconds after
  the last keystroke and when the page is left); the form comes back with it.
  ``POST /evaluations/draft/discard`` forgets it.
- ``POST /evaluations/paste`` reads a pasted TSV block into indicator rows (JSON), so the page's
  script and the tests share one reader (:mod:`jixiao.web.form_paste`).
- ``POST /evaluations/{id}/evidence`` attaches a file to the evaluation or to one of its
  indicators; ``GET /evaluations/{id}/evidence/{eid}`` sends it back to whoever may see the
  evaluation (a unit never sees another unit's); ``POST …/{eid}/delete`` removes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter
from fastapi import Depends
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import FileResponse
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from jixiao import services
from jixiao.core.model import Evaluation
from jixiao.errors import JixiaoError
from jixiao.storage.archive import find_original
from jixiao.storage.editor import EditorStore
from jixiao.storage.editor import Evidence
from jixiao.web import form_model as fm
from jixiao.web.deps import MAX_DB_INT
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import actor
from jixiao.web.deps import can_edit
from jixiao.web.deps import render
from jixiao.web.deps import visible_meta
from jixiao.web.deps import web
from jixiao.web.form_paste import parse_paste
from jixiao.web.routes.editor import PostedForm
from jixiao.web.routes.editor import _may_write
from jixiao.web.routes.editor import _new_fields
from jixiao.web.routes.editor import _page
from jixiao.web.routes.editor import _scope

router = APIRouter()

_CHUNK = 1 << 20


def _first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def _draft_scope(request: Request, user: CurrentUser, form: dict[str, list[str]]) -> str:
    """The draft a posted form belongs to, after checking the user may write it."""
    base_id = _first(form, "base_id")
    if base_id.isascii() and base_id.isdigit():
        meta = visible_meta(request, user, int(base_id))
        _may_write(user, meta)
        return _scope(meta.id)
    _may_write(user)
    return _scope(None)


@router.post("/evaluations/draft", include_in_schema=False)
def save_draft(request: Request, user: CurrentUser, form: PostedForm) -> JSONResponse:
    """Keep the form as typed as the user's draft of it; answer when it was kept."""
    scope = _draft_scope(request, user, form)
    fields = fm.fields_from_form(form)
    data = json.dumps(fm.fields_as_json(fields), ensure_ascii=False)
    try:
        at = EditorStore(web(request).db).save_draft(user.id, scope, data)
    except ValueError:
        raise HTTPException(413, "填写内容过多，无法暂存") from None
    return JSONResponse({"saved": at.astimezone().strftime("%H:%M:%S"), "scope": scope})


@router.post("/evaluations/draft/discard", include_in_schema=False)
def discard_draft(request: Request, user: CurrentUser, form: PostedForm) -> Response:
    """Forget the draft and open the form as saved (or blank)."""
    scope = _draft_scope(request, user, form)
    EditorStore(web(request).db).drop_draft(user.id, scope)
    base_id = _first(form, "base_id")
    target = f"/evaluations/{base_id}/edit" if scope != "new" else "/evaluations/new"
    return RedirectResponse(f"{target}?fresh=1", status_code=303)


@router.post("/evaluations/paste", include_in_schema=False)
def paste(user: CurrentUser, form: PostedForm) -> JSONResponse:
    """The indicator rows of a pasted tab-separated block (JSON)."""
    _may_write(user)
    pasted = parse_paste(_first(form, "text"), _first(form, "start") or "level1")
    return JSONResponse({"rows": list(pasted.rows), "header": pasted.header, "columns": list(pasted.columns)})


# -- the Excel template, filled offline ------------------------------------------------------------


@router.post("/evaluations/template", include_in_schema=False)
async def from_template(request: Request, user: CurrentUser, upload: EvidenceUpload) -> Response:
    """A filled Excel 自评表 (the template 下载 Excel 模板 gives, or any 自评表 workbook) read by the
    intake's readers into a new form, to check and save; nothing is stored."""
    _may_write(user)
    file, _ = upload
    if file is None:
        raise HTTPException(400, "没有选择文件")
    name = file.filename or ""
    if Path(name).suffix.lower() not in (".xlsx", ".xls", ".et"):
        raise HTTPException(415, f"“{name}”不是 Excel 工作簿；请上传填好的 xlsx 模板")
    state = web(request)
    limits = state.settings.limits()

    def read() -> list[Evaluation]:
        path = _copy(file, state.data_dir / "uploads", limits.max_file_bytes)
        try:
            return services.extract(path, limits=limits, name=name)
        finally:
            path.unlink(missing_ok=True)

    try:
        found = await run_in_threadpool(read)
    except services.EvidenceRefused as exc:
        raise HTTPException(exc.status, exc.message) from None
    except JixiaoError as exc:
        raise HTTPException(422, f"“{name}”无法读取：{exc.message}") from None
    ev = next((e for e in found if e.indicators), None)
    if ev is None:
        reasons = "；".join(f.message for e in found for f in e.findings if f.severity.value == "error")
        raise HTTPException(422, f"“{name}”中没有读到绩效指标{('：' + reasons) if reasons else ''}")
    fields = _new_fields(dataclasses.replace(fm.fields_of(ev), rows=_unkeyed(fm.fields_of(ev).rows)), user)
    more = f"（共 {len(found)} 张表，读入第一张有指标的）" if len(found) > 1 else ""
    message = f"已从“{name}”读入项目与 {len(ev.indicators)} 行指标{more}；请核对后保存"
    return await run_in_threadpool(lambda: _page(request, fields, user=user, message=message))


def _unkeyed(rows: tuple[fm.RowFields, ...]) -> tuple[fm.RowFields, ...]:
    return tuple(dataclasses.replace(r, key="") for r in rows)


# -- evidence ---------------------------------------------------------------------------------------


async def _evidence_upload(request: Request, _user: CurrentUser) -> tuple[UploadFile | None, str]:
    form = await request.form()
    file = form.get("file")
    indicator = form.get("indicator")
    return (
        file if isinstance(file, UploadFile) and file.filename else None,
        indicator if isinstance(indicator, str) else "",
    )


EvidenceUpload = Annotated[tuple[UploadFile | None, str], Depends(_evidence_upload)]


def _copy(upload: UploadFile, directory: Path, limit: int) -> Path:
    """The upload copied to a temporary file (refused beyond ``limit`` bytes)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"evidence-{secrets.token_hex(16)}"
    size = 0
    try:
        upload.file.seek(0)
        with path.open("xb") as out:
            while chunk := upload.file.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise services.EvidenceRefused(
                        f"“{upload.filename}”超过上限 {limit // (1024 * 1024)} MB", status=413
                    )
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


@router.post("/evaluations/{evaluation_id:int}/evidence", include_in_schema=False)
async def attach(request: Request, user: CurrentUser, evaluation_id: int, upload: EvidenceUpload) -> Response:
    """Attach the posted file as evidence of the evaluation (or of the indicator named)."""
    meta = visible_meta(request, user, evaluation_id)
    _may_write(user, meta)
    file, indicator = upload
    if file is None:
        raise HTTPException(400, "没有选择文件")
    state = web(request)
    limits = state.settings.limits()
    indicator = indicator.strip()
    if indicator:
        ev = state.store.get(evaluation_id)
        if ev is None or indicator not in {i.name for i in ev.indicators}:
            raise HTTPException(
                400, f"这份评价没有名为“{indicator[:60]}”的三级指标；请从列表中选择佐证的指标"
            )

    def store() -> None:
        path = _copy(file, state.data_dir / "uploads", limits.max_file_bytes)
        try:
            services.attach_evidence(
                state.db,
                state.data_dir,
                limits,
                path,
                name=file.filename or "",
                project_id=meta.project_id,
                year=meta.year,
                indicator=indicator,
                user_id=user.id,
                actor=actor(user).name,
            )
        finally:
            path.unlink(missing_ok=True)

    try:
        await run_in_threadpool(store)
    except services.EvidenceRefused as exc:
        raise HTTPException(exc.status, exc.message) from None
    return RedirectResponse(f"/evaluations/{evaluation_id}/edit#evidence", status_code=303)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: int
    name: str
    indicator: str | None
    size: int
    media_type: str
    actor: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EvidenceList:
    """The evidence of an evaluation (its JSON twin: ``items``)."""

    evaluation_id: int
    items: tuple[EvidenceItem, ...]
    can_attach: bool


@router.get("/evaluations/{evaluation_id:int}/evidence", include_in_schema=False)
@router.get(
    "/api/evaluations/{evaluation_id:int}/evidence",
    tags=["评价"],
    summary="评价的佐证材料",
    response_model=None,
    responses={404: {"description": "没有这份评价，或它属于其他单位"}},
)
def evidence_list(request: Request, user: CurrentUser, evaluation_id: int) -> Response:
    """The evidence files of an evaluation (every version of it for its year), for whoever may
    see it; each is opened at ``/evaluations/{id}/evidence/{evidence_id}``. The evaluation page
    loads the list into itself (``HX-Request``)."""
    meta = visible_meta(request, user, evaluation_id)
    found = EditorStore(web(request).db).evidence_of(meta.project_id, meta.year)
    items = tuple(
        EvidenceItem(e.id, e.name, e.indicator, e.size, e.media_type, e.actor, e.created_at) for e in found
    )
    data = EvidenceList(evaluation_id, items, can_edit(user, meta) and not meta.locked)
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, "editor/_evidence_list.html" if fragment else "editor/evidence.html", data)


def _evidence_of(request: Request, user: CurrentUser, evaluation_id: int, evidence_id: int) -> Evidence:
    """The evidence file, when it belongs to an evaluation the user may see (404 otherwise)."""
    meta = visible_meta(request, user, evaluation_id)
    found = EditorStore(web(request).db).evidence(evidence_id) if 0 < evidence_id <= MAX_DB_INT else None
    if found is None or found.project_id != meta.project_id or found.year != meta.year:
        raise HTTPException(404, f"没有编号为 {evidence_id} 的佐证材料，或您无权查看")
    return found


@router.get("/evaluations/{evaluation_id:int}/evidence/{evidence_id:int}", include_in_schema=False)
def download(request: Request, user: CurrentUser, evaluation_id: int, evidence_id: int) -> Response:
    """The evidence file: PDFs, images and text shown in the browser, other types downloaded."""
    found = _evidence_of(request, user, evaluation_id, evidence_id)
    path = find_original(web(request).data_dir, found.stored)
    if path is None:
        raise HTTPException(404, f"佐证材料“{found.name}”的文件已不在存档中，请联系管理员")
    media, inline = services.evidence_serving(found.stored)
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found.name)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    }
    return FileResponse(path, media_type=media, headers=headers)


@router.post("/evaluations/{evaluation_id:int}/evidence/{evidence_id:int}/delete", include_in_schema=False)
def remove(request: Request, user: CurrentUser, evaluation_id: int, evidence_id: int) -> Response:
    """Remove an evidence file from the evaluation (whoever may edit it)."""
    found = _evidence_of(request, user, evaluation_id, evidence_id)
    meta = visible_meta(request, user, evaluation_id)
    if not can_edit(user, meta):
        raise HTTPException(403, "审核人员不能删除佐证材料")
    try:
        services.remove_evidence(web(request).db, found.id, user_id=user.id, actor=actor(user).name)
    except services.EvidenceRefused as exc:
        raise HTTPException(exc.status, exc.message) from None
    return RedirectResponse(f"/evaluations/{evaluation_id}/edit#evidence", status_code=303)
