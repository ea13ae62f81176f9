"""核定得分: the reviewer's own score per indicator row, the reviewer total and grade, and the
复核意见书 download.

The evaluation page includes ``evaluations/_review_scores.html``, which loads the section from
``GET /evaluations/{id}/review-scores`` (htmx) — or links to it as a page of its own without
JavaScript. A reviewer or an admin saves one row at a time (``POST …/review-scores/{position}``):
with htmx the section is swapped in place, totals included; without it the browser is sent back
to the page. A unit's user sees the section read-only. Every route has its ``/api/`` twin.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic import Field

from jixiao.core.review import verification_text
from jixiao.errors import JixiaoError
from jixiao.services import OPINION_FORMATS
from jixiao.services import ReviewSheet
from jixiao.services import review_opinion_bytes
from jixiao.services import review_totals
from jixiao.services import set_review_score
from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import actor
from jixiao.web.deps import can_review
from jixiao.web.deps import render
from jixiao.web.deps import require
from jixiao.web.deps import visible_meta
from jixiao.web.deps import web
from jixiao.web.downloads import content_disposition
from jixiao.web.downloads import document_name
from jixiao.web.downloads import media_type
from jixiao.web.jsonable import jsonable
from jixiao.web.threads import slow

router = APIRouter(tags=["核定得分"])
Reviewer = Annotated[User, require(Role.ADMIN, Role.REVIEWER)]
_NOT_FOUND = {"description": "没有这份评价，或您无权查看"}
_TEXT_MAX = 2000


def _sheet(request: Request, evaluation_id: int) -> ReviewSheet:
    try:
        sheet = review_totals(web(request).db, evaluation_id)
    except JixiaoError as exc:  # e.g. a scheme this server does not know: said, never a crash
        raise HTTPException(422, f"无法计算核定总分：{exc.message}") from None
    if sheet is None:
        raise HTTPException(404, f"没有编号为 {evaluation_id} 的评价")
    return sheet


def _data(sheet: ReviewSheet, evaluation_id: int) -> dict[str, Any]:
    """The section's JSON: totals, the three bases' weights, and each row."""
    ev, t = sheet.evaluation, sheet.totals
    return {
        "evaluation_id": evaluation_id,
        "claimed": {"total": ev.claimed.total, "grade": ev.claimed.grade},
        "computed": {"total": ev.computed.total, "grade": ev.computed.grade},
        "decided": {"total": t.total, "grade": t.grade, "explanation": t.explanation},
        "weights": {"decided": t.decided_weight, "verified": t.verified_weight, "carried": t.carried_weight},
        "unverified_share": t.unverified_share,
        "rows": [
            {
                "position": r.position,
                "name": r.name,
                "weight": r.weight,
                "claimed_score": r.claimed,
                "computed_score": r.computed,
                "decided_score": r.decided,
                "counted": r.counted,
                "basis": r.basis.value if r.basis is not None else None,
                "reason": r.reason,
                "comment": r.comment,
                "reviewer": sheet.entries[r.position].reviewer if r.position in sheet.entries else None,
                "updated_at": sheet.entries[r.position].updated_at if r.position in sheet.entries else None,
            }
            for r in t.rows
        ],
    }


def _section(
    request: Request,
    user: User,
    evaluation_id: int,
    *,
    error: tuple[int, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
    saved: int | None = None,
) -> Response:
    sheet = _sheet(request, evaluation_id)
    ev = sheet.evaluation
    partial = request.headers.get("HX-Request") == "true"
    return render(
        request,
        "evaluations/_review_scores.html" if partial else "evaluations/review_scores.html",
        _data(sheet, evaluation_id),
        status_code=status_code,
        sheet=sheet,
        evaluation=ev,
        evaluation_id=evaluation_id,
        may_score=can_review(user),
        error=error,
        typed=typed or {},
        saved=saved,
        verification=verification_text(
            sheet.totals.verified_weight, sheet.totals.carried_weight + sheet.totals.decided_weight
        ),
        formats=[s[1:] for s in OPINION_FORMATS],
        meta=visible_meta(request, user, evaluation_id),
    )


@router.get("/evaluations/{evaluation_id:int}/review-scores", include_in_schema=False)
def review_scores_page(request: Request, evaluation_id: int, user: CurrentUser) -> Response:
    visible_meta(request, user, evaluation_id)
    return _section(request, user, evaluation_id)


@router.get(
    "/api/evaluations/{evaluation_id:int}/review-scores",
    summary="核定得分与核定总分",
    response_description="逐行的自评得分、复核得分、核定得分、扣分原因与批注，核定总分与等级",
    responses={404: _NOT_FOUND},
)
def review_scores_api(request: Request, evaluation_id: int, user: CurrentUser) -> Response:
    visible_meta(request, user, evaluation_id)
    return JSONResponse(jsonable(_data(_sheet(request, evaluation_id), evaluation_id)))


def _save(
    request: Request, user: User, evaluation_id: int, position: int, score: str, reason: str, comment: str
) -> ReviewSheet:
    visible_meta(request, user, evaluation_id)  # 404 for a missing evaluation
    return set_review_score(
        web(request).db,
        evaluation_id,
        position,
        score[:50],
        reason[: _TEXT_MAX + 1],
        comment[: _TEXT_MAX + 1],
        role=user.role.value,
        actor=actor(user).name,
        user_id=user.id,
    )


@router.post("/evaluations/{evaluation_id:int}/review-scores/{position:int}", include_in_schema=False)
def save_review_score_form(
    request: Request,
    evaluation_id: int,
    position: int,
    user: Reviewer,
    score: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    partial = request.headers.get("HX-Request") == "true"
    try:
        _save(request, user, evaluation_id, position, score, reason, comment)
    except JixiaoError as exc:  # ReviewScoreError, or a scheme this server does not know
        typed = {"score": score, "reason": reason, "comment": comment}
        # htmx swaps only a 2xx answer: the section comes back with the error at its row.
        return _section(
            request,
            user,
            evaluation_id,
            error=(position, exc.message),
            typed=typed,
            status_code=200 if partial else 422,
        )
    if partial:
        return _section(request, user, evaluation_id, saved=position)
    return RedirectResponse(f"/evaluations/{evaluation_id}/review-scores?saved={position}#rs-{position}", 303)


class ReviewScoreIn(BaseModel):
    """One row's 核定得分 (blank: none), 扣分原因 (required below the 自评得分) and 批注."""

    score: str | None = Field(
        default=None, max_length=50, description="核定得分，如 8 或 7.5；留空表示不核定"
    )
    reason: str | None = Field(default=None, max_length=_TEXT_MAX, description="扣分原因")
    comment: str | None = Field(default=None, max_length=_TEXT_MAX, description="复核批注")


@router.post(
    "/api/evaluations/{evaluation_id:int}/review-scores/{position:int}",
    summary="填写一行的核定得分",
    response_description="保存后的核定得分与核定总分",
    responses={
        403: {"description": "只有复核人员或管理员可以填写"},
        404: _NOT_FOUND,
        422: {"description": "核定得分或扣分原因不符合要求"},
    },
)
def save_review_score_api(
    request: Request, evaluation_id: int, position: int, entry: ReviewScoreIn, user: Reviewer
) -> Response:
    try:
        sheet = _save(
            request, user, evaluation_id, position, entry.score or "", entry.reason or "", entry.comment or ""
        )
    except JixiaoError as exc:  # ReviewScoreError, or a scheme this server does not know
        raise HTTPException(422, exc.message) from None
    return JSONResponse(jsonable(_data(sheet, evaluation_id)))


@router.get(
    "/evaluations/{evaluation_id:int}/opinion.{fmt}",
    summary="复核意见书",
    response_description="这份评价的复核意见书：xlsx、docx 或 pdf",
    responses={404: _NOT_FOUND},
)
@slow
def opinion_download(request: Request, evaluation_id: int, fmt: str, user: CurrentUser) -> Response:
    meta = visible_meta(request, user, evaluation_id)
    suffix = "." + fmt.lower()
    if suffix not in OPINION_FORMATS:
        raise HTTPException(404, f"复核意见书只能导出为 {'、'.join(s[1:] for s in OPINION_FORMATS)}")
    try:
        content = review_opinion_bytes(web(request).db, evaluation_id, suffix)
    except JixiaoError as exc:
        return render(
            request, "error.html", {"detail": f"文档未能生成：{exc.message}", "status": 503}, status_code=503
        )
    if content is None:
        raise HTTPException(404, f"没有编号为 {evaluation_id} 的评价")
    name = document_name(
        meta.project, "复核意见书", suffix, unit=meta.unit, year=meta.year, version=meta.version
    )
    fallback = f"evaluation-{evaluation_id}-opinion{suffix}"
    return Response(
        content,
        media_type=media_type(fallback),
        headers={"Content-Disposition": content_disposition(name, fallback)},
    )
