"""Request plumbing every route shares: who is logged in, what they may see, CSRF, rendering.

Access control lives here and only here: :func:`current_user` (every page and API call but the
login page needs one), :func:`require` (a role), and :func:`visible_meta` (an evaluation a unit
user may see; any other answers 404, the same as one that does not exist, so ids reveal nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from typing import Any
from urllib.parse import quote

from fastapi import Depends
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.storage.workflow import Actor
from jixiao.storage.workflow import Meta
from jixiao.web.jsonable import jsonable
from jixiao.web.security import same
from jixiao.web.security import token_hash
from jixiao.web.state import WebState

SESSION_COOKIE = "jixiao_session"
LOGIN_CSRF_COOKIE = "jixiao_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# The largest number a database integer column holds (64 bits): ids, years and pages past it
# are refused or ignored before they reach a query (SQLite raises OverflowError on them).
MAX_DB_INT = 2**63 - 1


class LoginRequired(Exception):
    """Raised by :func:`current_user`; answered with a redirect to /login or a 401."""


def web(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def wants_json(request: Request) -> bool:
    """The JSON twin of a page: ``/api/…``, ``?format=json`` or ``Accept: application/json``."""
    if is_api(request) or request.query_params.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _session(request: Request) -> tuple[User, str] | None:
    if hasattr(request.state, "session"):
        cached: tuple[User, str] | None = request.state.session
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    found = web(request).accounts.session(token_hash(token)) if token else None
    request.state.session = found
    return found


def optional_user(request: Request) -> User | None:
    found = _session(request)
    return found[0] if found else None


async def current_user(request: Request) -> User:
    """The logged-in user; for unsafe methods the CSRF token is checked too."""
    found = await run_in_threadpool(_session, request)
    if found is None:
        raise LoginRequired
    user, csrf = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            # Parsed once here (Starlette caches it for the route) with the app's own limits, not
            # Starlette's 1,000 fields/files: a form of many indicator rows, an upload of a folder.
            limit = web(request).settings.upload_max_files
            form = await request.form(max_files=limit + 1, max_fields=max(10_000, limit + 100))
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not same(sent, csrf):
            raise HTTPException(403, "请求缺少有效的 CSRF 令牌，请刷新页面后重试")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role) -> Any:
    """A dependency that lets only ``roles`` through (403 otherwise)."""

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(403, "您的账号没有执行此操作的权限")
        return user

    return Depends(check)


def csrf_token(request: Request) -> str:
    found = _session(request)
    return found[1] if found else ""


def actor(user: User) -> Actor:
    return Actor(f"{user.display_name}（{user.username}）", user.id)


def visible_meta(request: Request, user: User, evaluation_id: int) -> Meta:
    """The evaluation's meta if ``user`` may see it; 404 otherwise (never 403: no hint it exists)."""
    meta = web(request).workflow.meta(evaluation_id) if 0 < evaluation_id <= MAX_DB_INT else None
    if meta is None or (not user.sees_all and meta.unit_id != user.unit_id):
        raise HTTPException(404, f"没有编号为 {evaluation_id} 的评价，或您无权查看")
    return meta


def can_edit(user: User, meta: Meta | None = None) -> bool:
    """Admins edit any evaluation, a unit user their own unit's; reviewers only review."""
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.UNIT and (meta is None or meta.unit_id == user.unit_id)


def can_review(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.REVIEWER)


def render(
    request: Request,
    template: str,
    data: Any,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    html_only: bool = False,
    **extra: Any,
) -> Response:
    """The page, or its JSON twin (``data``) when JSON is wanted (never, ``html_only``)."""
    if not html_only and wants_json(request):
        return JSONResponse(jsonable(data), status_code=status_code, headers=headers)
    user = optional_user(request)
    context = {
        "request": request,
        "user": user,
        "csrf_token": csrf_token(request),
        "data": data,
        "can_review": bool(user and can_review(user)),
        "can_edit": bool(user and can_edit(user)),
        **extra,
    }
    return web(request).templates.TemplateResponse(
        request, template, context, status_code=status_code, headers=headers
    )


def login_redirect(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target)}"
