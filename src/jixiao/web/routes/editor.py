"""Writing and editing evaluations: the form with live scoring, and its REST twin under /api/.

The form (``/evaluations/new``, ``/evaluations/{id}/edit``) is plain HTML that works without
JavaScript: its buttons post the whole form and the page comes back re-rendered (计算得分 scores
it, 添加一行 adds a row, × removes one, 保存 saves). With htmx every keystroke (after 400 ms)
posts the form to ``/evaluations/preview``, which answers with the preview panel only: each row's
recomputed score and its explanation, the budget score, the total and grade, the findings.

Saving a new evaluation records who created it; saving an edit stores a new version with one
audit entry per changed field (:mod:`jixiao.authoring.changes`), and is refused when someone else
saved a newer version meanwhile. A unit user always writes for their own unit; reviewers only
review (403 here).

The API (tag 编写) takes and returns the contract JSON (``jixiao.evaluation/1``); malformed JSON
is answered with a Chinese message naming the field's path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi import Depends
from fastapi import HTTPException
from fastapi import Query
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from jixiao import services
from jixiao.authoring.changes import FieldChange
from jixiao.authoring.changes import diff
from jixiao.authoring.changes import plain
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.core.model import SchemeRef
from jixiao.core.model import Weights
from jixiao.core.scheme import Scheme
from jixiao.errors import JixiaoError
from jixiao.errors import explain
from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.storage.editor import EditorStore
from jixiao.storage.editor import Evidence
from jixiao.storage.workflow import Change
from jixiao.storage.workflow import Meta
from jixiao.storage.workflow import WorkflowError
from jixiao.web import form_model as fm
from jixiao.web.deps import MAX_DB_INT
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import actor
from jixiao.web.deps import can_edit
from jixiao.web.deps import is_api
from jixiao.web.deps import render
from jixiao.web.deps import visible_meta
from jixiao.web.deps import web
from jixiao.web.marks import row_marks
from jixiao.web.plan_forms import evaluation_from_declaration

# -- Chinese errors for the API's JSON bodies ------------------------------------------------------


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as ``{field, message}`` in Chinese; ``field`` is the path in the body
    (``indicators.0.weight``) or the query parameter."""
    out = []
    for p in explain(exc):
        field = p.field or "（请求内容）"
        problem = (
            "缺少请求内容（评价合同 JSON）" if not p.field and p.problem == "缺少必填字段" else p.problem
        )
        out.append({"field": field, "message": f"{field}：{problem}"})
    return out


class ChineseErrors(APIRoute):
    """API routes answer a malformed body with the Chinese message of each bad field (the page
    routes keep the app's error page)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                if not is_api(request):
                    raise
                problems = validation_errors(exc)
                return JSONResponse(
                    {
                        "detail": "提交的内容无效：" + "；".join(p["message"] for p in problems),
                        "errors": problems,
                    },
                    status_code=422,
                )

        return route


router = APIRouter(route_class=ChineseErrors)
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- what the pages show ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemeOption:
    id: str
    name: str
    weights: Weights
    shares: tuple[str, ...]  # the weights as written: 预算执行, 产出, 效益, 满意度, 成本
    grades: tuple[str, ...]
    cost: bool


@dataclass(frozen=True, slots=True)
class Preview:
    """The preview panel: the scored evaluation, each indicator's row number in the form (from
    1) and the worst severity of its findings, and the fields that could not be read."""

    evaluation: Evaluation
    rows: tuple[int, ...]
    marks: tuple[str | None, ...]
    errors: dict[str, str]
    scheme_name: str
    blank: bool = False  # nothing typed yet: no findings shown


@dataclass(frozen=True, slots=True)
class EditorPage:
    mode: str  # "new" or "edit"
    action: str
    base_id: int | None
    version: int | None
    unit: str | None  # the unit, when the form does not let it be typed
    year_fixed: bool
    fields: fm.FormFields
    errors: dict[str, str]
    message: str | None
    schemes: tuple[SchemeOption, ...]
    level1: tuple[str, ...]
    max_rows: int
    preview: Preview
    scope: str = "new"  # which of the user's drafts this form autosaves to
    restored: str | None = None  # when the draft shown was kept ("2026-12-06 23:10")
    judge: tuple[int, ...] = ()  # rows the rules cannot score (after 按规则填入得分)
    evidence: tuple[Evidence, ...] = ()
    evidence_accept: str = ""
    categories: tuple[str, ...] = fm.CATEGORY_CHOICES
    attributes: tuple[str, ...] = fm.ATTRIBUTE_CHOICES
    types: tuple[str, ...] = fm.TYPE_CHOICES


_GROUPS = (Group.BUDGET_EXECUTION, Group.OUTPUT, Group.EFFECT, Group.SATISFACTION, Group.COST)


def offered_schemes(request: Request) -> dict[str, Scheme]:
    """The schemes the form offers, by the key its select sends: the built-in ones and the users'
    own kept in the database (:func:`jixiao.services.schemes_offered`)."""
    return services.schemes_offered(web(request).db)


def scheme_options(schemes: dict[str, Scheme]) -> tuple[SchemeOption, ...]:
    """The schemes as the forms' select shows them (the editor's and the project-year's)."""
    return tuple(
        SchemeOption(
            key,
            s.name,
            s.weights,
            tuple(plain(s.weights.of(g)) or "0" for g in _GROUPS),
            tuple(b.grade for b in s.grades),
            s.weights.cost > 0,
        )
        for key, s in schemes.items()
    )


def _blank(ev: Evaluation) -> bool:
    """Nothing typed yet that the checks could speak about (a new form as it opens)."""
    b = ev.budget
    return (
        not ev.indicators
        and not (ev.project.name or "").strip()
        and all(v is None for v in (b.planned_yuan, b.initial_yuan, b.received_yuan, b.executed_yuan))
        and ev.claimed.total is None
    )


def _preview(draft: fm.Draft) -> Preview:
    return Preview(
        evaluation=draft.evaluation,
        rows=tuple(n + 1 for n in draft.rows),
        marks=row_marks(draft.evaluation),
        errors=draft.errors,
        scheme_name=draft.scheme.name,
        blank=_blank(draft.evaluation),
    )


# -- the form ---------------------------------------------------------------------------------------


async def _posted(request: Request, _user: CurrentUser) -> dict[str, list[str]]:
    """The posted form as lists of values by name (files ignored), read after the login and
    CSRF check (which may have read it already: Starlette keeps it)."""
    form = await request.form()
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            out.setdefault(key, []).append(value)
    return out


PostedForm = Annotated[dict[str, list[str]], Depends(_posted)]


def _may_write(user: User, meta: Meta | None = None) -> None:
    if not can_edit(user, meta):
        raise HTTPException(403, "审核人员不能编写或修改评价；请使用审核功能")


def _unit_of(user: User) -> str | None:
    """The unit a unit user always writes for."""
    return user.unit_name if user.role is Role.UNIT else None


def _page(
    request: Request,
    fields: fm.FormFields,
    *,
    user: User,
    base: Evaluation | None = None,
    meta: Meta | None = None,
    required: tuple[str, ...] = (),
    message: str | None = None,
    status_code: int = 200,
    draft: fm.Draft | None = None,
    restored: str | None = None,
    judge: tuple[int, ...] = (),
) -> Response:
    schemes = offered_schemes(request)
    draft = draft or fm.build(fields, schemes, base=base, required=required)
    unit: str | None = meta.unit if meta is not None else _unit_of(user)
    evidence: tuple[Evidence, ...] = ()
    if meta is not None:
        action, mode = f"/evaluations/{meta.id}/edit", "edit"
        evidence = tuple(EditorStore(web(request).db).evidence_of(meta.project_id, meta.year))
    else:
        action, mode = "/evaluations/new", "new"
    data = EditorPage(
        mode=mode,
        action=action,
        base_id=meta.id if meta else None,
        version=meta.version if meta else None,
        unit=unit,
        year_fixed=meta is not None,
        fields=fields,
        errors=draft.errors,
        message=message,
        schemes=scheme_options(schemes),
        level1=fm.level1_choices(draft.scheme),
        max_rows=fm.MAX_ROWS,
        preview=_preview(draft),
        scope=_scope(meta.id if meta else None),
        restored=restored,
        judge=judge,
        evidence=evidence,
        evidence_accept=services.evidence_accept(),
    )
    return render(
        request, "editor/form.html", data, status_code=status_code, labels=fm.LABELS, review_meta=meta
    )


def _scope(evaluation_id: int | None) -> str:
    """The name of a user's draft of a form: ``new``, or ``edit:<id>``."""
    return "new" if evaluation_id is None else f"edit:{evaluation_id}"


def _step(fields: fm.FormFields, form: dict[str, list[str]]) -> tuple[str, fm.FormFields]:
    """What a no-JavaScript button asked for: ``save``, ``fill`` (scores from the rules), or a
    re-render (``preview``) after adding or removing a row or a 预算明细 line."""
    removed = (form.get("remove") or [""])[0]
    if removed.isascii() and removed.isdigit():
        return "preview", fm.without_row(fields, int(removed))
    removed_line = (form.get("remove_line") or [""])[0]
    if removed_line.isascii() and removed_line.isdigit():
        index = int(removed_line)
        return "preview", dataclasses.replace(fields, lines=fields.lines[:index] + fields.lines[index + 1 :])
    action = (form.get("action") or ["preview"])[0]
    if action == "add_row":
        return "preview", fm.with_row_added(fields)
    if action == "add_line" and len(fields.lines) < fm.MAX_LINES:
        return "preview", dataclasses.replace(fields, lines=(*fields.lines, fm.LineFields()))
    if action == "fill_scores":
        return "fill", fields
    if action == "template":
        return "template", fields
    # 保存草稿 (save) keeps a 草稿 the bureau does not see as submitted; 提交审核 (submit) saves and submits.
    return (action if action in ("save", "submit") else "preview"), fields


def _template(request: Request, fields: fm.FormFields, base: Evaluation | None = None) -> Response:
    """The form as typed as an Excel 自评表 (the official layout of its scheme), to fill offline
    and upload back (``POST /evaluations/template``)."""
    draft = fm.build(fields, offered_schemes(request), base=base)
    try:
        content = services.evaluation_bytes(draft.evaluation, draft.scheme, ".xlsx", kind="table")
    except JixiaoError as exc:
        raise HTTPException(503, f"无法生成 Excel 模板：{exc.message}") from None
    name = f"{(fields.name.strip() or '自评表')[:60]}_模板.xlsx"
    headers = {
        "Content-Disposition": f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(name)}"
    }
    return Response(content, media_type=_XLSX_TYPE, headers=headers)


def _filled(
    request: Request, fields: fm.FormFields, base: Evaluation | None = None
) -> tuple[fm.FormFields, tuple[int, ...]]:
    return fm.fill_scores(fields, fm.build(fields, offered_schemes(request), base=base))


def _restored(request: Request, user: User, scope: str) -> tuple[fm.FormFields, str] | None:
    """The user's kept draft of this form, and when it was kept (local time of the server)."""
    kept = EditorStore(web(request).db).draft(user.id, scope)
    if kept is None:
        return None
    try:
        fields = fm.fields_from_json(json.loads(kept.fields))
    except ValueError:
        return None
    if fields is None:
        return None
    return fields, kept.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")


def _drop_draft(request: Request, user: User, scope: str) -> None:
    EditorStore(web(request).db).drop_draft(user.id, scope)


def _new_fields(fields: fm.FormFields, user: User) -> fm.FormFields:
    unit = _unit_of(user)
    return fields if unit is None else dataclasses.replace(fields, unit=unit)


def _edit_fields(fields: fm.FormFields, base: Evaluation) -> fm.FormFields:
    """An edit keeps the version's unit and year: a version belongs to one project × year."""
    p = base.project
    return dataclasses.replace(fields, unit=p.unit or "", year="" if p.year is None else str(p.year))


@router.get("/evaluations/new", include_in_schema=False)
def new_form(
    request: Request,
    user: CurrentUser,
    start_from: Annotated[int | None, Query(alias="from", ge=1)] = None,
    project_year: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
    fresh: bool = False,
) -> Response:
    """A new evaluation: blank, or started from an earlier one (``?from=<id>``: its project and
    indicators for the next year), or from a project-year's declared targets
    (``?project_year=<id>``), or the user's unsaved draft when there is one."""
    _may_write(user)
    if project_year is not None:
        return _from_declaration(request, user, project_year)
    if start_from is not None:
        visible_meta(request, user, start_from)
        earlier = web(request).store.get(start_from)
        if earlier is None:
            raise HTTPException(404, f"没有编号为 {start_from} 的评价，或您无权查看")
        chosen = services.scheme_choice(earlier, web(request).db)
        fields = _new_fields(dataclasses.replace(fm.for_next_year(earlier), scheme=chosen), user)
        message = f"已按编号 {start_from} 的评价填好项目与指标（年度为下一年），请填写本年的完成情况"
        return _page(request, fields, user=user, message=message)
    kept = None if fresh else _restored(request, user, _scope(None))
    if kept is not None:
        return _page(request, _new_fields(kept[0], user), user=user, restored=kept[1])
    fields = _new_fields(fm.blank_form(year=dt.date.today().year - 1), user)
    return _page(request, fields, user=user)


def _from_declaration(request: Request, user: User, project_year_id: int) -> Response:
    """The form filled from a project-year's declaration: its targets become the 年初目标值."""
    info = services.project_year(web(request).db, project_year_id)
    if info is None or (not user.sees_all and info.unit_id != user.unit_id):
        raise HTTPException(404, f"没有编号为 {project_year_id} 的项目年度，或您无权查看")
    dec = services.load_declaration(web(request).db, project_year_id)
    if dec is None:
        raise HTTPException(404, f"项目年度 {project_year_id} 尚未申报绩效目标")
    fields = evaluation_from_declaration(dec)
    fields = dataclasses.replace(fields, name=info.project, unit=info.unit, year=str(info.year))
    if fields.scheme not in offered_schemes(request):
        fields = dataclasses.replace(fields, scheme=fm.blank_form().scheme)
    message = "已按目标申报填好项目、预算与指标（年初目标值即申报的年度指标值），请填写本年的完成情况"
    return _page(request, fields, user=user, message=message)


@router.post("/evaluations/new", include_in_schema=False)
def create(request: Request, user: CurrentUser, form: PostedForm) -> Response:
    _may_write(user)
    step, fields = _step(_new_fields(fm.fields_from_form(form), user), form)
    if step == "fill":
        fields, judge = _filled(request, fields)
        return _page(request, fields, user=user, judge=judge)
    if step == "template":
        return _template(request, fields)
    if step not in ("save", "submit"):
        return _page(request, fields, user=user)
    required = ("name", "unit", "year")
    draft = fm.build(fields, offered_schemes(request), required=required)
    if not draft.ok:
        return _page(
            request, fields, user=user, draft=draft, status_code=422, message="有内容需要修改，尚未保存"
        )
    ev = draft.evaluation
    new_id = web(request).workflow.save_new(
        ev,
        actor(user),
        action="create",
        year=ev.project.year,
        unit=_unit_of(user) or fields.unit.strip(),
        draft=step == "save",
    )
    assert new_id is not None  # no document, so never a duplicate
    _drop_draft(request, user, _scope(None))
    return RedirectResponse(f"/evaluations/{new_id}", status_code=303)


def _editable(request: Request, user: User, evaluation_id: int) -> tuple[Meta, Evaluation]:
    meta = visible_meta(request, user, evaluation_id)
    _may_write(user, meta)
    ev = web(request).store.get(evaluation_id)
    if ev is None:  # deleted between the two reads
        raise HTTPException(404, f"没有编号为 {evaluation_id} 的评价，或您无权查看")
    return meta, ev


def _not_latest(meta: Meta) -> str:
    latest = next((v for v in meta.versions if v.id == meta.latest_id), None)
    newer = f"第{latest.version}版（编号 {latest.id}）" if latest else f"编号 {meta.latest_id}"
    return f"这是第{meta.version}版，该评价已有更新的{newer}；只能修改最新版本，请打开最新版本后再修改"


@router.get("/evaluations/{evaluation_id:int}/edit", include_in_schema=False)
def edit_form(request: Request, user: CurrentUser, evaluation_id: int, fresh: bool = False) -> Response:
    meta, ev = _editable(request, user, evaluation_id)
    if not meta.is_latest:
        raise HTTPException(409, _not_latest(meta))
    if meta.locked:
        raise HTTPException(409, "这份评价已审核通过并锁定，不能修改；如需修改，请联系审核人员“重新打开”")
    kept = None if fresh else _restored(request, user, _scope(evaluation_id))
    if kept is not None:
        fields = _edit_fields(kept[0], ev)
        return _page(request, fields, user=user, base=ev, meta=meta, restored=kept[1])
    # the scheme it was scored under, a user's own too (services.scheme_for), not just its id
    fields = dataclasses.replace(fm.fields_of(ev), scheme=services.scheme_choice(ev, web(request).db))
    if not fields.rows:  # an unreadable document, say: start from one empty row per 一级
        fields = dataclasses.replace(fields, rows=fm.blank_form().rows)
    return _page(request, fields, user=user, base=ev, meta=meta)


@router.post("/evaluations/{evaluation_id:int}/edit", include_in_schema=False)
def update(request: Request, user: CurrentUser, evaluation_id: int, form: PostedForm) -> Response:
    meta, base = _editable(request, user, evaluation_id)
    step, fields = _step(_edit_fields(fm.fields_from_form(form), base), form)

    def again(**more: Any) -> Response:
        return _page(request, fields, user=user, base=base, meta=meta, **more)

    if step == "fill":
        fields, judge = _filled(request, fields, base)
        return again(judge=judge)
    if step == "template":
        return _template(request, fields, base)
    if step not in ("save", "submit"):
        return again()
    draft = fm.build(fields, offered_schemes(request), base=base, required=("name",))
    if not draft.ok:
        return again(draft=draft, status_code=422, message="有内容需要修改，尚未保存")
    if not meta.is_latest:
        return again(draft=draft, status_code=409, message=_not_latest(meta))
    changes = diff(base, draft.evaluation)
    if not changes:
        return again(draft=draft, message="没有修改")
    try:
        new_id = web(request).workflow.save_version(
            draft.evaluation, evaluation_id, _audit(changes), actor(user), draft=step == "save"
        )
    except WorkflowError as exc:
        return again(draft=draft, status_code=409, message=exc.message)
    _drop_draft(request, user, _scope(evaluation_id))
    return RedirectResponse(f"/evaluations/{new_id}", status_code=303)


@router.post("/evaluations/preview", include_in_schema=False)
def preview(request: Request, user: CurrentUser, form: PostedForm) -> Response:
    """The preview panel for the form as typed so far (htmx swaps it in); nothing is saved."""
    fields = fm.fields_from_form(form)
    base_id = (form.get("base_id") or [""])[0]
    base = None
    if base_id.isascii() and base_id.isdigit():
        _meta, base = _editable(request, user, int(base_id))
        fields = _edit_fields(fields, base)
    else:
        fields = _new_fields(fields, user)
    draft = fm.build(fields, offered_schemes(request), base=base)
    data = _preview(draft)
    return render(request, "editor/_preview.html", data, preview=data, labels=fm.LABELS)


def _audit(changes: list[FieldChange]) -> list[Change]:
    return [Change(c.field, c.old, c.new) for c in changes]


# -- the API ----------------------------------------------------------------------------------------


class SavedEvaluation(BaseModel):
    """A saved evaluation: its id and its contract, as scored on the server."""

    id: int
    evaluation: Evaluation


class ChangeOut(BaseModel):
    field: str
    old: str | None
    new: str | None


class UpdatedEvaluation(SavedEvaluation):
    """The result of an edit: the new version's id (the old one when nothing changed), whether
    anything changed, and the audit entries written."""

    changed: bool
    changes: list[ChangeOut]
    detail: str | None = None


_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "没有权限（审核人员不能编写）"},
    404: {"description": "没有这份评价，或它属于其他单位"},
    422: {"description": "评价合同 JSON 无效（中文说明，含字段路径）"},
}


def _scored(request: Request, ev: Evaluation, user: User, *, own_unit: bool = True) -> Evaluation:
    """Score ``ev`` with the scheme it names — by content hash (``scheme.sha256``) when it gives
    one the server keeps, else by id or form key — its declared weights kept, else the scheme's;
    its unit forced to a unit user's own (``own_unit``; an edit keeps its version's unit instead)."""
    offered = offered_schemes(request)
    by_hash = [s for s in offered.values() if ev.scheme.sha256 and s.digest == ev.scheme.sha256]
    scheme = by_hash[0] if by_hash else offered.get(ev.scheme.id)
    if scheme is None:
        raise HTTPException(422, f"scheme.id：未知的评分方案“{ev.scheme.id}”，可用的有：{'、'.join(offered)}")
    weights = ev.scheme.weights if ev.scheme.declared else scheme.weights
    ev = ev.model_copy(
        update={"scheme": SchemeRef(id=scheme.id, weights=weights, declared=ev.scheme.declared)}
    )
    unit = _unit_of(user) if own_unit else None
    if unit is not None:
        ev = ev.model_copy(update={"project": ev.project.model_copy(update={"unit": unit})})
    return evaluate(ev, scheme)


def _year_text(year: int | None) -> str:
    return "未注明年度" if year is None else f"{year} 年度"


def _filing_problem(base: Evaluation, ev: Evaluation) -> str | None:
    """Why ``ev`` cannot be the next version of ``base``: a version is filed under its project's
    year and unit, so the content must say the same ones (the web form keeps them fixed; the
    API refuses a change). None when it may."""
    was, now = base.project, ev.project
    if now.year != was.year:
        return (
            f"修改不能变更年度：该评价属于{_year_text(was.year)}，提交的内容为{_year_text(now.year)}；"
            "另一年度的评价请新建"
        )
    if (now.unit or "").strip() != (was.unit or "").strip():
        return (
            f"修改不能变更单位：该评价的单位为“{was.unit or '未注明'}”，提交的内容为“{now.unit or '未注明'}”；"
            "另一单位的评价请新建"
        )
    return None


@router.post(
    "/api/evaluations",
    tags=["编写"],
    summary="新建评价",
    status_code=201,
    response_model=SavedEvaluation,
    responses=_ERRORS,
)
def api_create(
    request: Request,
    user: CurrentUser,
    evaluation: Evaluation,
    year: Annotated[
        int | None, Query(ge=fm.MIN_YEAR, le=fm.MAX_YEAR, description="年度（覆盖合同中的年度）")
    ] = None,
) -> JSONResponse:
    """Save a new evaluation from its contract JSON; it is scored and checked on the server. A
    unit user's evaluation always belongs to their own unit."""
    _may_write(user)
    if year is not None:
        evaluation = evaluation.model_copy(
            update={"project": evaluation.project.model_copy(update={"year": year})}
        )
    ev = _scored(request, evaluation, user)
    new_id = web(request).workflow.save_new(
        ev, actor(user), action="create", year=ev.project.year, unit=_unit_of(user) or ev.project.unit
    )
    assert new_id is not None
    return JSONResponse({"id": new_id, "evaluation": ev.to_dict()}, status_code=201)


@router.put(
    "/api/evaluations/{evaluation_id:int}",
    tags=["编写"],
    summary="修改评价（保存为新版本）",
    response_model=UpdatedEvaluation,
    responses={**_ERRORS, 409: {"description": "已有更新的版本，或内容的年度、单位与该评价不同"}},
)
def api_update(
    request: Request, user: CurrentUser, evaluation_id: int, evaluation: Evaluation
) -> JSONResponse:
    """Save the contract JSON as the next version of ``evaluation_id`` (which must be the latest),
    with one audit entry per changed field. Nothing is saved when nothing changed. The year and
    unit in the content must be the evaluation's own (a version is filed under them): another
    year or unit is refused (409), as the web form keeps them fixed."""
    meta, base = _editable(request, user, evaluation_id)
    if not meta.is_latest:
        raise HTTPException(409, _not_latest(meta))
    problem = _filing_problem(base, evaluation)
    if problem is not None:
        raise HTTPException(409, problem)
    ev = _scored(request, evaluation, user, own_unit=False)
    changes = diff(base, ev)
    if not changes:
        body = {
            "id": evaluation_id,
            "evaluation": base.to_dict(),
            "changed": False,
            "changes": [],
            "detail": "没有修改",
        }
        return JSONResponse(body)
    try:
        new_id = web(request).workflow.save_version(ev, evaluation_id, _audit(changes), actor(user))
    except WorkflowError as exc:
        raise HTTPException(409, exc.message) from None
    return JSONResponse(
        {
            "id": new_id,
            "evaluation": ev.to_dict(),
            "changed": True,
            "changes": [c._asdict() for c in changes],
            "detail": None,
        }
    )


@router.post(
    "/api/evaluations/preview",
    tags=["编写"],
    summary="试算评价（不保存）",
    responses={422: _ERRORS[422]},
)
def api_preview(request: Request, user: CurrentUser, evaluation: Evaluation) -> JSONResponse:
    """Score and check a contract JSON as the server would on saving; nothing is stored."""
    return JSONResponse(_scored(request, evaluation, user).to_dict())
