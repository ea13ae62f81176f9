"""A project's year in the web app: the 绩效目标申报 form, the 执行监控 form, the project-year page
(declared → monitored → evaluated, with the differences and the match of the indicators, which a
reviewer may correct), and the list of project-years by stage with the counts per unit.

The forms work like the evaluation form without JavaScript: 检查 re-renders the page with the
checks' findings, 添加一行 and × change the rows, 保存 stores a new version (the earlier ones
stay) and opens the project-year. A unit user declares and monitors for their own unit only and
sees only their unit's project-years (another's answers 404, like an evaluation); reviewers
read everything and correct the match; admins do both.

Every page has its JSON twin (``?format=json`` or ``/api/years…``), as the other pages.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from pydantic import BaseModel

from jixiao import services
from jixiao.core.model import Finding
from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Stage
from jixiao.core.year import check_declaration
from jixiao.core.year import check_monitoring
from jixiao.errors import JixiaoError
from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.storage.db import Database
from jixiao.storage.years import ProjectYearInfo
from jixiao.storage.years import UnitStageCounts
from jixiao.storage.years import YearQuery
from jixiao.web import plan_forms as pf
from jixiao.web import year_view
from jixiao.web.deps import MAX_DB_INT
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import actor
from jixiao.web.deps import can_edit
from jixiao.web.deps import can_review
from jixiao.web.deps import render
from jixiao.web.deps import web
from jixiao.web.downloads import content_disposition
from jixiao.web.downloads import media_type
from jixiao.web.form_model import LEVEL1_LABELS
from jixiao.web.form_model import MAX_ROWS
from jixiao.web.form_model import level1_choices
from jixiao.web.jsonable import jsonable
from jixiao.web.routes.editor import ChineseErrors
from jixiao.web.routes.editor import PostedForm
from jixiao.web.routes.editor import SchemeOption
from jixiao.web.routes.editor import offered_schemes
from jixiao.web.routes.editor import scheme_options
from jixiao.web.threads import slow

router = APIRouter(route_class=ChineseErrors)

STAGES: tuple[tuple[str, str], ...] = tuple((s.value, s.label) for s in Stage)


# -- who may see and write what ---------------------------------------------------------------------


def _unit_of(user: User) -> str | None:
    return user.unit_name if user.role is Role.UNIT else None


def _may_write(user: User, info: ProjectYearInfo | None = None) -> None:
    if not can_edit(user) or (info is not None and user.role is Role.UNIT and info.unit_id != user.unit_id):
        raise HTTPException(403, "审核人员不能填报目标申报或执行监控；请使用审核功能")


def _visible(request: Request, user: User, project_year_id: int) -> ProjectYearInfo:
    """The project-year if ``user`` may see it; 404 otherwise (never 403: no hint it exists)."""
    info = (
        services.project_year(web(request).db, project_year_id) if 0 < project_year_id <= MAX_DB_INT else None
    )
    if info is None or (not user.sees_all and info.unit_id != user.unit_id):
        raise HTTPException(404, f"没有编号为 {project_year_id} 的项目年度，或您无权查看")
    return info


# -- the forms --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanPage:
    """A declaration or monitoring form: its fields, the messages of what could not be read, and
    (after 检查 or a refused save) the checks' findings with each indicator's form row."""

    kind: str  # "declaration" or "monitoring"
    action: str
    project_year_id: int | None
    unit: str | None  # the unit, when the form does not let it be typed
    fields: pf.PlanFields
    errors: dict[str, str]
    message: str | None
    checked: bool
    findings: tuple[Finding, ...]
    rows: tuple[int, ...]
    schemes: tuple[SchemeOption, ...] = ()
    level1: tuple[str, ...] = LEVEL1_LABELS
    max_rows: int = MAX_ROWS
    from_declaration: bool = False
    progress: Monitoring | None = None
    causes: tuple[str, ...] = pf.CAUSES
    likelihoods: tuple[str, ...] = pf.LIKELIHOODS
    months: tuple[int, ...] = pf.MONTHS


def _step(fields: pf.PlanFields, form: dict[str, list[str]]) -> tuple[str, pf.PlanFields]:
    """What a button asked for: ``save``, ``check``, or a re-render after adding or removing a row."""
    removed = (form.get("remove") or [""])[0]
    if removed.isascii() and removed.isdigit():
        index = int(removed)
        return "edit", dataclasses.replace(fields, rows=fields.rows[:index] + fields.rows[index + 1 :])
    action = (form.get("action") or ["check"])[0]
    if action == "add_row" and len(fields.rows) < MAX_ROWS:
        last = fields.rows[-1] if fields.rows else pf.PlanRow(level1=LEVEL1_LABELS[0])
        return "edit", dataclasses.replace(fields, rows=(*fields.rows, pf.PlanRow(level1=last.level1)))
    return ("save" if action == "save" else "check"), fields


def _outcome(draft: pf.PlanDraft | None, checked: Declaration | Monitoring | None) -> dict[str, Any]:
    """What a form shows of its last reading: the fields not read, and the checks' findings."""
    return {
        "errors": draft.errors if draft else {},
        "checked": checked is not None,
        "findings": checked.findings if checked else (),
        "rows": draft.rows if draft else (),
    }


def _declaration_page(
    request: Request,
    user: User,
    fields: pf.PlanFields,
    *,
    info: ProjectYearInfo | None = None,
    draft: pf.PlanDraft | None = None,
    checked: Declaration | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    schemes = offered_schemes(request)
    scheme = schemes.get(fields.scheme) or next(iter(schemes.values()))
    data = PlanPage(
        kind="declaration",
        action=f"/years/{info.id}/declaration" if info else "/years/declare",
        project_year_id=info.id if info else None,
        unit=info.unit if info else _unit_of(user),
        fields=fields,
        message=message,
        **_outcome(draft, checked),
        schemes=scheme_options(schemes),
        level1=level1_choices(scheme),
    )
    return render(request, "years/declaration.html", data, status_code=status_code, labels=pf.LABELS)


def _fixed(fields: pf.PlanFields, user: User, info: ProjectYearInfo | None) -> pf.PlanFields:
    """The fields with what the form does not let be typed: a unit user's unit; an existing
    project-year's project, unit and year."""
    if info is not None:
        return dataclasses.replace(fields, name=info.project, unit=info.unit, year=str(info.year))
    unit = _unit_of(user)
    return fields if unit is None else dataclasses.replace(fields, unit=unit)


def _refused(step: str, ok: bool) -> tuple[str | None, int]:
    """The message and status of a form shown again: after 检查, or a save refused."""
    if step == "save" and not ok:
        return "有内容需要修改，尚未保存", 422
    return None, 200


def _declaration_checked(
    request: Request, fields: pf.PlanFields, info: ProjectYearInfo | None
) -> tuple[pf.PlanDraft, Declaration]:
    """The declaration the fields describe (an edit keeps what the form does not show of the
    current one), and the same with the declaration checks' findings."""
    base = services.load_declaration(web(request).db, info.id) if info else None
    schemes = offered_schemes(request)
    draft = pf.build_declaration(fields, schemes, base=base, required=("name", "unit", "year"))
    assert isinstance(draft.record, Declaration)
    return draft, check_declaration(draft.record, schemes.get(fields.scheme))


def _monitoring_checked(
    request: Request, fields: pf.PlanFields, info: ProjectYearInfo
) -> tuple[pf.PlanDraft, Monitoring]:
    """The monitoring record the fields describe (an update of the current period keeps what
    the form does not show), and the same with its rates and early warnings."""
    db = web(request).db
    kept = services.load_monitoring(db, info.id)
    base = kept if kept is not None and str(kept.period.last_month) == fields.last_month.strip() else None
    draft = pf.build_monitoring(fields, base=base, required=("name",))
    assert isinstance(draft.record, Monitoring)
    return draft, check_monitoring(draft.record, services.load_declaration(db, info.id))


def _declare(
    request: Request, user: User, form: dict[str, list[str]], info: ProjectYearInfo | None
) -> Response:
    db = web(request).db
    step, fields = _step(_fixed(pf.fields_from_form(form), user, info), form)

    def again(**more: Any) -> Response:
        return _declaration_page(request, user, fields, info=info, **more)

    if step == "edit":
        return again()
    draft, checked = _declaration_checked(request, fields, info)
    if step == "check" or not draft.ok:
        message, status = _refused(step, draft.ok)
        return again(draft=draft, checked=checked, message=message, status_code=status)
    try:
        saved = services.save_declaration(db, checked, actor=actor(user).name, unit=fields.unit.strip())
    except services.YearError as exc:
        return again(draft=draft, checked=checked, message=exc.message, status_code=422)
    return RedirectResponse(f"/years/{saved.record.project_year_id}", status_code=303)


@router.get("/years/declare", include_in_schema=False)
def declare_form(request: Request, user: CurrentUser) -> Response:
    """A new project-year: its 绩效目标申报 (blank, one row under each 一级)."""
    _may_write(user)
    return _declaration_page(request, user, pf.blank_declaration(unit=_unit_of(user) or ""))


@router.post("/years/declare", include_in_schema=False)
def declare(request: Request, user: CurrentUser, form: PostedForm) -> Response:
    _may_write(user)
    return _declare(request, user, form, None)


@router.get("/years/{project_year_id:int}/declaration", include_in_schema=False)
def declaration_form(request: Request, user: CurrentUser, project_year_id: int) -> Response:
    """The project-year's declaration to change (saved as its next version), or to write."""
    info = _visible(request, user, project_year_id)
    _may_write(user, info)
    dec = services.load_declaration(web(request).db, info.id)
    fields = pf.fields_of_declaration(dec) if dec else pf.blank_declaration()
    return _declaration_page(request, user, _fixed(fields, user, info), info=info)


@router.post("/years/{project_year_id:int}/declaration", include_in_schema=False)
def redeclare(request: Request, user: CurrentUser, project_year_id: int, form: PostedForm) -> Response:
    info = _visible(request, user, project_year_id)
    _may_write(user, info)
    return _declare(request, user, form, info)


# -- the monitoring form ----------------------------------------------------------------------------


def _monitoring_page(
    request: Request,
    user: User,
    fields: pf.PlanFields,
    info: ProjectYearInfo,
    *,
    draft: pf.PlanDraft | None = None,
    checked: Monitoring | None = None,
    message: str | None = None,
    status_code: int = 200,
    from_declaration: bool = False,
) -> Response:
    data = PlanPage(
        kind="monitoring",
        action=f"/years/{info.id}/monitoring",
        project_year_id=info.id,
        unit=info.unit,
        fields=fields,
        message=message,
        **_outcome(draft, checked),
        from_declaration=from_declaration,
        progress=checked,
    )
    return render(request, "years/monitoring.html", data, status_code=status_code, labels=pf.LABELS)


@router.get("/years/{project_year_id:int}/monitoring", include_in_schema=False)
def monitoring_form(request: Request, user: CurrentUser, project_year_id: int) -> Response:
    """The project-year's monitoring record: the current one to update, else a new one started
    from the declared indicators and targets (1–7月)."""
    info = _visible(request, user, project_year_id)
    _may_write(user, info)
    db = web(request).db
    kept = services.load_monitoring(db, info.id)
    if kept is not None:
        return _monitoring_page(request, user, _fixed(pf.fields_of_monitoring(kept), user, info), info)
    dec = services.load_declaration(db, info.id)
    if dec is None:
        fields = pf.PlanFields(rows=(pf.PlanRow(),))
        return _monitoring_page(
            request,
            user,
            _fixed(fields, user, info),
            info,
            message="该项目年度尚未申报绩效目标，请逐项填写指标",
        )
    fields = _fixed(pf.monitoring_from_declaration(dec), user, info)
    return _monitoring_page(request, user, fields, info, from_declaration=True)


@router.post("/years/{project_year_id:int}/monitoring", include_in_schema=False)
def monitor(request: Request, user: CurrentUser, project_year_id: int, form: PostedForm) -> Response:
    info = _visible(request, user, project_year_id)
    _may_write(user, info)
    step, fields = _step(_fixed(pf.fields_from_form(form), user, info), form)
    if step == "edit":
        return _monitoring_page(request, user, fields, info)
    draft, checked = _monitoring_checked(request, fields, info)
    if step == "check" or not draft.ok:
        message, status = _refused(step, draft.ok)
        return _monitoring_page(
            request, user, fields, info, draft=draft, checked=checked, message=message, status_code=status
        )
    services.save_monitoring(web(request).db, checked, actor=actor(user).name, unit=info.unit)
    return RedirectResponse(f"/years/{info.id}", status_code=303)


@router.post("/years/check", include_in_schema=False)
def live_check(request: Request, user: CurrentUser, form: PostedForm) -> Response:
    """The check panel for a plan form as typed so far (htmx swaps it in); nothing is saved."""
    _may_write(user)
    kind = (form.get("kind") or [""])[0]
    given = (form.get("project_year_id") or [""])[0]
    info = _visible(request, user, int(given)) if given.isascii() and given.isdigit() else None
    fields = _fixed(pf.fields_from_form(form), user, info)
    if kind == "monitoring" and info is not None:
        draft, mon = _monitoring_checked(request, fields, info)
        data = PlanPage(kind=kind, action="", project_year_id=info.id, unit=info.unit, fields=fields,
                        message=None, **_outcome(draft, mon), progress=mon)  # fmt: skip
    elif kind == "declaration":
        draft, dec = _declaration_checked(request, fields, info)
        data = PlanPage(kind=kind, action="", project_year_id=info.id if info else None, unit=None,
                        fields=fields, message=None, **_outcome(draft, dec))  # fmt: skip
    else:
        raise HTTPException(422, "未知的表单")
    return render(request, "years/_check.html", data, html_only=True)


# -- the project-year page --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearPage:
    """The timeline of one project-year and the comparison of its indicators."""

    timeline: services.Timeline
    rows: tuple[year_view.CompareRow, ...]
    tally: year_view.Tally
    declared_names: tuple[str, ...]
    may_write: bool
    may_correct: bool


@router.get("/years/{project_year_id:int}", include_in_schema=False)
@router.get("/api/years/{project_year_id:int}", tags=["项目年度"], summary="项目年度：申报、监控、自评与对照")
def year_page(request: Request, user: CurrentUser, project_year_id: int) -> Response:
    """A project's year: declared → monitored → evaluated, each record's findings, the match of
    the evaluated indicators to the declared ones and what changed."""
    info = _visible(request, user, project_year_id)
    timeline = services.year_timeline(web(request).db, info.id)
    if timeline is None:  # removed meanwhile
        raise HTTPException(404, f"没有编号为 {project_year_id} 的项目年度，或您无权查看")
    monitoring = timeline.monitorings[-1][1] if timeline.monitorings else None
    rows = year_view.compare(timeline.declaration, monitoring, timeline.evaluation, timeline.link)
    dec = timeline.declaration
    data = YearPage(
        timeline=timeline,
        rows=rows,
        tally=year_view.tally(rows),
        declared_names=tuple(i.name for i in dec.indicators) if dec else (),
        may_write=can_edit(user) and (user.role is not Role.UNIT or info.unit_id == user.unit_id),
        may_correct=can_review(user),
    )
    return render(request, "years/timeline.html", data)


@router.post("/years/{project_year_id:int}/match", include_in_schema=False)
def correct_match(request: Request, user: CurrentUser, project_year_id: int, form: PostedForm) -> Response:
    """A reviewer's correction of one row of the match: the evaluated indicator ``evaluated`` is
    the declared one ``declared`` ("" = not declared; ``auto`` = as matched by the names)."""
    info = _visible(request, user, project_year_id)
    if not can_review(user):
        raise HTTPException(403, "只有审核人员可以更正指标对照")
    evaluated = (form.get("evaluated") or [""])[0].strip()
    declared = (form.get("declared") or ["auto"])[0]
    if not evaluated:
        raise HTTPException(422, "缺少要更正的自评指标名称")
    db = web(request).db
    if declared == "auto":
        services.clear_match_override(db, info.id, evaluated)
    else:
        services.override_match(db, info.id, evaluated, declared.strip() or None, actor=actor(user).name)
    return RedirectResponse(f"/years/{info.id}#compare", status_code=303)


# -- the official tables ----------------------------------------------------------------------------

_TABLES = {"declaration": "绩效目标申报表", "monitoring": "绩效监控情况表"}
_FORMATS = (".xlsx", ".docx", ".pdf")


def _current(request: Request, info: ProjectYearInfo, kind: str) -> Declaration | Monitoring:
    """The project-year's current declaration, or its latest monitoring record (404: none)."""
    db = web(request).db
    found = (
        services.load_declaration(db, info.id)
        if kind == "declaration"
        else services.load_monitoring(db, info.id)
    )
    if found is None:
        raise HTTPException(404, f"该项目年度尚无{_TABLES[kind]}")
    return found


@router.get(
    "/years/{project_year_id:int}/export/{kind}.{fmt}",
    tags=["项目年度"],
    summary="下载目标申报表或监控情况表（官方表样）",
    response_description="declaration（绩效目标申报表）或 monitoring（监控情况表，最近一期）：xlsx、docx、pdf",
    responses={
        404: {"description": "没有这个项目年度、无权查看，或尚无该记录"},
        503: {"description": "文档未能生成"},
    },
)
@slow
def export_table(request: Request, user: CurrentUser, project_year_id: int, kind: str, fmt: str) -> Response:
    """The project-year's current declaration, or its latest monitoring record, in the official layout."""
    info = _visible(request, user, project_year_id)
    suffix = f".{fmt.lower()}"
    if kind not in _TABLES or suffix not in _FORMATS:
        raise HTTPException(
            404, "没有这种下载：目标申报表（declaration）或监控情况表（monitoring），格式 xlsx、docx、pdf"
        )
    record = _current(request, info, kind)
    try:
        content = services.plan_bytes(record, suffix)
    except JixiaoError as exc:
        return render(
            request, "error.html", {"detail": f"文档未能生成：{exc.message}", "status": 503}, status_code=503
        )
    name = f"{info.project}_{info.year}年_{_TABLES[kind]}{suffix}"
    return Response(
        content,
        media_type=media_type(name),
        headers={"Content-Disposition": content_disposition(name, f"year-{info.id}-{kind}{suffix}")},
    )


# -- the list and the counts ------------------------------------------------------------------------


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_DB_INT else None


@dataclass(frozen=True, slots=True)
class YearList:
    """Project-years by stage, and per unit how many are declared, monitored, evaluated.
    ``stage``: the furthest stage reached; ``has``: those with that record (the counts' links)."""

    rows: tuple[ProjectYearInfo, ...]
    counts: tuple[UnitStageCounts, ...]
    stage: str | None
    has: str | None
    year: int | None
    unit: int | None
    years: tuple[int, ...]
    units: tuple[tuple[int, str], ...]
    stages: tuple[tuple[str, str], ...] = STAGES
    limit: int = 500


_ORDER = tuple(Stage)  # declared, monitored, evaluated


def _with_record(db: Database, has: Stage, unit_id: int | None, year: int | None) -> list[ProjectYearInfo]:
    """The project-years that have a ``has`` record: those whose furthest stage is ``has`` or a
    later one and that have it (an evaluation needs no declaration), in the list's order."""
    found = [
        info
        for later in _ORDER[_ORDER.index(has) :]
        for info in services.project_years(db, YearQuery(stage=later, unit_id=unit_id, year=year))
        if getattr(info, has.value)
    ]
    return sorted(found, key=lambda i: (-i.year, i.unit, i.project))


def _choice(value: str | None) -> Stage | None:
    return Stage(value) if value in {s.value for s in Stage} else None


def year_list_data(
    request: Request,
    user: User,
    stage: str | None,
    year: str | None,
    unit: str | None,
    has: str | None = None,
) -> YearList:
    """The list's rows and the counts for the filter asked (a unit user: their own unit)."""
    db = web(request).db
    chosen, having = _choice(stage), _choice(has)
    year_n = _int(year)
    unit_n = _int(unit) if user.sees_all else user.unit_id
    facets = web(request).browser.facets(None if user.sees_all else user.unit_id)
    if having is not None and chosen is None:
        rows = _with_record(db, having, unit_n, year_n)
    else:
        rows = services.project_years(db, YearQuery(stage=chosen, unit_id=unit_n, year=year_n))
        having = None
    counts = services.stage_counts(db, year=year_n, unit_id=unit_n)
    years = sorted({*facets.years, *(r.year for r in rows)}, reverse=True)
    return YearList(
        tuple(rows),
        tuple(counts),
        chosen.value if chosen else None,
        having.value if having else None,
        year_n,
        unit_n,
        tuple(years),
        facets.units,
    )


@router.get("/years", include_in_schema=False)
@router.get("/api/years", tags=["项目年度"], summary="项目年度列表（按阶段筛选）与各单位的申报、监控、自评数")
def year_list(
    request: Request,
    user: CurrentUser,
    stage: str | None = None,
    year: str | None = None,
    unit: str | None = None,
    has: str | None = None,
) -> Response:
    """Project-years (``stage``: declared / monitored / evaluated, the furthest reached; ``has``:
    those with that record), and per unit the declarations, monitorings and evaluations with the
    early warnings."""
    data = year_list_data(request, user, stage, year, unit, has)
    return render(request, "years/list.html", data, may_declare=can_edit(user))


# -- the REST twins of the forms ------------------------------------------------------------------


class SavedRecord(BaseModel):
    """A declaration or monitoring record as checked and stored: its project-year and version."""

    project_year_id: int
    version: int
    record: dict[str, Any]


class MatchCorrection(BaseModel):
    """A reviewer's correction: the evaluated indicator ``evaluated`` is the declared one
    ``declared`` (null: not declared; omit ``declared`` and set ``auto`` to undo a correction)."""

    evaluated: str
    declared: str | None = None
    auto: bool = False


_API_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "没有权限（审核人员不能填报）"},
    404: {"description": "没有这个项目年度，或它属于其他单位"},
    422: {"description": "合同 JSON 无效，或缺少项目名称、年度（中文说明）"},
}


def _store(request: Request, user: User, record: Declaration | Monitoring) -> JSONResponse:
    """Check and store a declaration or a monitoring record for the API (201 with the stored
    record, 422 with the Chinese reason)."""
    _may_write(user)
    db, who, unit = web(request).db, actor(user).name, _unit_of(user)
    stored: Declaration | Monitoring
    try:
        if isinstance(record, Declaration):
            saved: services.SavedDeclaration | services.SavedMonitoring
            saved = services.save_declaration(db, record, actor=who, unit=unit)
            stored = saved.declaration
        else:
            saved = services.save_monitoring(db, record, actor=who, unit=unit)
            stored = saved.monitoring
    except services.YearError as exc:
        raise HTTPException(422, exc.message) from None
    info = saved.record
    body = {"project_year_id": info.project_year_id, "version": info.version, "record": stored.to_dict()}
    return JSONResponse(body, status_code=201)


@router.post(
    "/api/years/declarations",
    tags=["项目年度"],
    summary="保存目标申报（jixiao.declaration/1；检查后存为该项目年度的新版本）",
    status_code=201,
    response_model=SavedRecord,
    responses=_API_ERRORS,
)
def api_declare(request: Request, user: CurrentUser, declaration: Declaration) -> JSONResponse:
    """Check and store a declaration; a unit user's always under their own unit."""
    return _store(request, user, declaration)


@router.post(
    "/api/years/monitorings",
    tags=["项目年度"],
    summary="保存执行监控（jixiao.monitoring/1；计算执行进度并预警后存为新版本）",
    status_code=201,
    response_model=SavedRecord,
    responses=_API_ERRORS,
)
def api_monitor(request: Request, user: CurrentUser, monitoring: Monitoring) -> JSONResponse:
    """Check (against the stored declaration) and store a monitoring record."""
    return _store(request, user, monitoring)


@router.get(
    "/api/years/{project_year_id:int}/{kind}",
    tags=["项目年度"],
    summary="项目年度的当前目标申报（declaration）或最近一期执行监控（monitoring），合同 JSON",
    responses={404: _API_ERRORS[404]},
)
def api_record(request: Request, user: CurrentUser, project_year_id: int, kind: str) -> JSONResponse:
    info = _visible(request, user, project_year_id)
    if kind not in _TABLES:
        raise HTTPException(404, "只有 declaration（目标申报）与 monitoring（执行监控）")
    return JSONResponse(_current(request, info, kind).to_dict())


@router.put(
    "/api/years/{project_year_id:int}/match",
    tags=["项目年度"],
    summary="更正指标对照（审核人员）",
    responses={403: {"description": "只有审核人员可以更正"}, 404: _API_ERRORS[404]},
)
def api_correct_match(
    request: Request, user: CurrentUser, project_year_id: int, correction: MatchCorrection
) -> JSONResponse:
    """Store (or undo, ``auto``) a correction of the match; answers the year-end link made again."""
    info = _visible(request, user, project_year_id)
    if not can_review(user):
        raise HTTPException(403, "只有审核人员可以更正指标对照")
    db = web(request).db
    try:
        if correction.auto:
            link = services.clear_match_override(db, info.id, correction.evaluated)
        else:
            link = services.override_match(
                db, info.id, correction.evaluated, correction.declared, actor=actor(user).name
            )
    except services.YearError as exc:
        raise HTTPException(422, exc.message) from None
    return JSONResponse(jsonable(link))
