"""Logging in and out, and changing one's own password.

A login is throttled per user name and per address (:mod:`jixiao.storage.login_throttle`): past
a few failures each key is blocked for a growing time, and while blocked no password is checked.
"修改密码" asks for the current password (its failures count like a login's), applies the
password policy (:func:`jixiao.web.security.password_problem`) and ends the user's other sessions.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from jixiao.storage.accounts import Role
from jixiao.storage.login_throttle import address_key
from jixiao.storage.login_throttle import user_key
from jixiao.web.deps import LOGIN_CSRF_COOKIE
from jixiao.web.deps import SESSION_COOKIE
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import render
from jixiao.web.deps import web
from jixiao.web.security import hash_password
from jixiao.web.security import new_token
from jixiao.web.security import password_problem
from jixiao.web.security import same
from jixiao.web.security import token_hash
from jixiao.web.security import verify_password
from jixiao.web.threads import slow

router = APIRouter(tags=["登录"])


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a full URL) is followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _address(request: Request) -> str:
    """The client's address (behind a proxy on this host, the one it forwards)."""
    return request.client.host if request.client else "unknown"


def _login_page(
    request: Request,
    *,
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    response = render(
        request,
        "login.html",
        {"error": error},
        status_code=status_code,
        headers=headers,
        login_csrf=token,
        next=_safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=web(request).secure_cookies
    )
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login", include_in_schema=False)
@slow
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    if not same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise HTTPException(403, "登录表单已失效，请刷新页面后重试")
    state = web(request)
    keys = (user_key(username), address_key(_address(request)))
    blocked = state.throttle.blocked(*keys)
    if blocked is not None:  # no password is checked while blocked, the right one included
        return _login_page(
            request, error=blocked.message, status_code=429, headers={"Retry-After": str(blocked.seconds)}
        )
    user = state.accounts.by_username(username)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        state.throttle.failed(*keys)
        return _login_page(request, error="用户名或密码不正确", status_code=401)
    state.throttle.succeeded(keys[0])
    if not user.active:
        return _login_page(request, error="该账号已停用，请联系管理员", status_code=403)
    token = new_token()
    lifetime = dt.timedelta(hours=state.settings.session_hours)
    state.accounts.open_session(user.id, token_hash(token), new_token(), lifetime)
    target = _safe_next(next)
    if target == "/" and user.role in (Role.UNIT, Role.REVIEWER):  # their home is the 待办
        target = "/todo"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=state.secure_cookies,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, _user: CurrentUser) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        web(request).accounts.close_session(token_hash(token))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- changing one's own password ---------------------------------------------------------------------

PASSWORD_PAGE = "/account/password"


@router.get(PASSWORD_PAGE, include_in_schema=False)
def password_form(request: Request, _user: CurrentUser) -> Response:
    return render(request, "account_password.html", {"error": None, "done": False})


@router.post(PASSWORD_PAGE, include_in_schema=False)
@slow
def change_password(
    request: Request,
    user: CurrentUser,
    current: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password2: Annotated[str, Form()] = "",
) -> Response:
    """Set one's own password: the current one is required; other sessions end."""
    state = web(request)
    keys = (user_key(user.username), address_key(_address(request)))
    blocked = state.throttle.blocked(*keys)
    error: str | None = None
    status = 400
    if blocked is not None:
        error, status = blocked.message, 429
    elif not verify_password(user.password_hash, current):
        state.throttle.failed(*keys)
        error, status = "当前密码不正确", 403
    elif password != password2:
        error = "两次输入的新密码不一致"
    elif password == current:
        error = "新密码不能与当前密码相同"
    else:
        error = password_problem(password, user.username)
    if error is not None:
        return render(request, "account_password.html", {"error": error, "done": False}, status_code=status)
    token = request.cookies.get(SESSION_COOKIE, "")
    state.accounts.change_password(user.id, hash_password(password), keep_session=token_hash(token))
    return render(request, "account_password.html", {"error": None, "done": True})
