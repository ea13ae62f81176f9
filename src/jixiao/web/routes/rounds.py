"""The units' and reviewers' 待办 (``/todo``), and review rounds (``/rounds``): a bureau reviewer
or admin opens a round (year, deadline, the units and projects expected); its page shows who has
not submitted, who is late, and the review's progress per unit and per reviewer.

A unit user's home after login is the 待办: records returned with the reason, drafts not yet
submitted, and the deadlines of the rounds that expect something of the unit. A reviewer's
待办 lists the new submissions nobody has claimed and the ones she is reviewing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.storage.browse import DRAFT
from jixiao.storage.browse import IN_REVIEW
from jixiao.storage.browse import RETURNED
from jixiao.storage.browse import SUBMITTED
from jixiao.storage.rounds import CHINA
from jixiao.storage.rounds import NOT_SUBMITTED
from jixiao.storage.rounds import PROGRESS_COLUMNS
from jixiao.storage.rounds import RoundError
from jixiao.storage.rounds import Rounds
from jixiao.storage.workflow import inbox
from jixiao.web.deps import MAX_DB_INT
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import render
from jixiao.web.deps import require
from jixiao.web.deps import web

router = APIRouter(tags=["审核批次"])

Reviewer = Annotated[User, require(Role.ADMIN, Role.REVIEWER)]
_MAX_LINES = 5000


def _todo(request: Request, user: User) -> dict[str, Any]:
    db = web(request).db
    today = dt.datetime.now(CHINA).date()
    if user.role is Role.UNIT:
        unit_id = user.unit_id if user.unit_id is not None else -1
        rounds = Rounds(db)
        due = []
        for r in rounds.for_unit(unit_id):
            progress = rounds.progress(r.id, today)
            missing = (
                [e for e in progress.rows if e.unit_id == unit_id and e.status in (NOT_SUBMITTED, DRAFT)]
                if progress
                else []
            )
            due.append(
                {"round": r, "days_left": r.days_left(today), "overdue": r.overdue(today), "missing": missing}
            )
        return {
            "kind": "unit",
            "returned": inbox(db, [RETURNED], unit_id=unit_id),
            "drafts": inbox(db, [DRAFT], unit_id=unit_id),
            "rounds": due,
        }
    return {
        "kind": "reviewer",
        "new": inbox(db, [SUBMITTED]),
        "mine": inbox(db, [IN_REVIEW], reviewer_id=user.id),
        "rounds": [
            {"round": r, "days_left": r.days_left(today), "overdue": r.overdue(today)}
            for r in Rounds(db).all()[:10]
        ],
    }


@router.get("/todo", include_in_schema=False)
def todo(request: Request, user: CurrentUser) -> Response:
    return render(request, "todo.html", _todo(request, user))


@router.get(
    "/api/todo",
    summary="待办",
    response_description="单位：退回修改（含原因）、草稿、批次截止；审核人员：新报送、我正在审核的",
)
def todo_api(request: Request, user: CurrentUser) -> Response:
    return render(request, "todo.html", _todo(request, user))


def _parse_expected(
    request: Request, unit_ids: list[str], projects: str
) -> tuple[list[tuple[int, str | None]], list[str]]:
    """The units ticked (any project) and the lines ``单位名称：项目名称`` (that project)."""
    units = {u.name: u.id for u in web(request).accounts.units()}
    expected: list[tuple[int, str | None]] = []
    problems: list[str] = []
    for raw in unit_ids:
        if raw.strip().isdigit() and 0 < int(raw) <= MAX_DB_INT:
            expected.append((int(raw), None))
    for number, written in enumerate(projects.splitlines()[:_MAX_LINES], start=1):
        line = written.strip()
        if not line:
            continue
        unit, sep, project = line.replace(":", "：").partition("：")
        unit, project = unit.strip(), project.strip()
        if not sep or not unit or not project:
            problems.append(f"应报项目第 {number} 行“{line[:60]}”应写作“单位名称：项目名称”")
        elif unit not in units:
            problems.append(
                f"应报项目第 {number} 行：没有名为“{unit[:60]}”的单位（请先在“用户与单位”中添加）"
            )
        else:
            expected.append((units[unit], project))
    # A unit ticked and also named with projects is expected to submit those projects.
    named = {u for u, p in expected if p is not None}
    return [(u, p) for u, p in expected if p is not None or u not in named], problems


def _rounds_page(
    request: Request,
    *,
    problems: list[str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    state = web(request)
    today = dt.datetime.now(CHINA).date()
    data = {
        "rounds": [
            {"round": r, "days_left": r.days_left(today), "overdue": r.overdue(today)}
            for r in Rounds(state.db).all()
        ],
        "units": [{"id": u.id, "name": u.name} for u in state.accounts.units()],
        "problems": problems or [],
        "form": form
        or {"title": "", "year": str(today.year - 1), "deadline": "", "projects": "", "units": []},
    }
    return render(request, "rounds/list.html", data, status_code=status_code)


@router.get("/rounds", include_in_schema=False)
def rounds_list(request: Request, user: Reviewer) -> Response:
    return _rounds_page(request)


@router.post("/rounds", include_in_schema=False)
def open_round(
    request: Request,
    user: Reviewer,
    title: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    units: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies a form default)
    projects: Annotated[str, Form()] = "",
) -> Response:
    form = {"title": title, "year": year, "deadline": deadline, "projects": projects, "units": units}
    problems: list[str] = []
    year_number = int(year) if year.strip().isdigit() and len(year.strip()) == 4 else None
    if year_number is None:
        problems.append("请填写四位数的年度，如 2024")
    try:
        deadline_date = dt.date.fromisoformat(deadline.strip())
    except ValueError:
        deadline_date = None
        problems.append("请填写截止日期，格式如 2025-05-31")
    expected, more = _parse_expected(request, units[:_MAX_LINES], projects[:500_000])
    problems.extend(more)
    if not problems and year_number is not None and deadline_date is not None:
        try:
            round_id = Rounds(web(request).db).open(title, year_number, deadline_date, expected, user.id)
        except RoundError as exc:
            problems.append(exc.message)
        else:
            return RedirectResponse(f"/rounds/{round_id}", status_code=303)
    return _rounds_page(request, problems=problems, form=form, status_code=422)


@router.get("/rounds/{round_id:int}", include_in_schema=False)
def round_page(request: Request, round_id: int, user: Reviewer) -> Response:
    progress = Rounds(web(request).db).progress(round_id) if 0 < round_id <= MAX_DB_INT else None
    if progress is None:
        raise HTTPException(404, f"没有编号为 {round_id} 的审核批次")
    return render(request, "rounds/detail.html", {"progress": progress, "columns": PROGRESS_COLUMNS})
