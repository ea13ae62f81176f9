"""Users and units (用户与单位): the admin's page and the accounts API.

Only admins reach ``/admin/…`` and ``/api/users`` (403 for everyone else); ``/api/me`` answers
any logged-in user about themselves. A password hash never leaves this module: pages and JSON
get :class:`UserOut`, which has no such field.

Every action is a POST form with the session's CSRF token. Success redirects back to the page
(303) with a one-time message in a short-lived cookie (not in the URL, where anyone could craft a
link showing any text); a refusal shows the page again with the reason in Chinese and the form
as it was filled (status 400). Two rules keep the app administrable: an admin cannot disable
their own account, and the last active admin cannot be disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from typing import Any
from urllib.parse import quote
from urllib.parse import unquote

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from pydantic import BaseModel

from jixiao import services
from jixiao.errors import JixiaoError
from jixiao.storage.accounts import AccountError
from jixiao.storage.accounts import Role
from jixiao.storage.accounts import UnitInfo
from jixiao.storage.accounts import User
from jixiao.web.deps import CurrentUser
from jixiao.web.deps import render
from jixiao.web.deps import require
from jixiao.web.deps import wants_json
from jixiao.web.deps import web
from jixiao.web.people import import_people
from jixiao.web.security import hash_password
from jixiao.web.security import password_problem
from jixiao.web.threads import slow

router = APIRouter()

Admin = Annotated[User, require(Role.ADMIN)]
FLASH_COOKIE = "jixiao_admin_flash"
PAGE = "/admin/users"
MAX_UNIT_NAME = 200


class UserOut(BaseModel):
    """A user as pages and the API show it: everything but the password hash."""

    id: int
    username: str
    display_name: str
    role: Role
    role_label: str
    unit_id: int | None
    unit_name: str | None
    active: bool


class UnitOut(BaseModel):
    """A unit with how many users and stored evaluations (every version) it has."""

    id: int
    name: str
    users: int
    evaluations: int


class RoleOut(BaseModel):
    value: Role
    label: str


def public_user(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        role_label=user.role.label,
        unit_id=user.unit_id,
        unit_name=user.unit_name,
        active=user.active,
    )


def _unit(info: UnitInfo) -> UnitOut:
    return UnitOut(id=info.id, name=info.name, users=info.users, evaluations=info.evaluations)


@dataclass(frozen=True, slots=True)
class NewUser:
    """The add-user form as filled in (never the passwords), to show it again after a refusal."""

    username: str = ""
    display_name: str = ""
    role: str = Role.UNIT.value
    unit_id: str = ""
    new_unit: str = ""


class Refused(Exception):
    """An admin action that cannot be done as asked; the message says why, in Chinese."""


# -- the page ------------------------------------------------------------------------------------------


def _page(
    request: Request,
    me: User,
    *,
    message: str | None = None,
    error: str | None = None,
    form: NewUser | None = None,
    initial: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    accounts = web(request).accounts
    data = {
        "users": [public_user(u) for u in accounts.users()],
        "units": [_unit(u) for u in accounts.units()],
        "roles": [RoleOut(value=r, label=r.label) for r in Role],
        "message": message,
        "error": error,
        "form": form or NewUser(),
        "me": me.id,
        "initial": initial or [],
    }
    return render(request, "admin/users.html", data, status_code=status_code)


@router.get("/admin", include_in_schema=False)
def admin_home(_me: Admin) -> Response:
    return RedirectResponse(PAGE, status_code=303)


@router.get(PAGE, include_in_schema=False)
def users_page(request: Request, me: Admin) -> Response:
    flash = request.cookies.get(FLASH_COOKIE)
    response = _page(request, me, message=unquote(flash) if flash else None)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/admin")
    return response


def _done(request: Request, message: str, *, status_code: int = 200, **extra: Any) -> Response:
    """Success: JSON for an API client, else back to the page with the message."""
    if wants_json(request):
        return JSONResponse({"message": message, **extra}, status_code=status_code)
    response = RedirectResponse(PAGE, status_code=303)
    response.set_cookie(
        FLASH_COOKIE,
        quote(message),
        max_age=120,
        path="/admin",
        httponly=True,
        samesite="strict",
        secure=web(request).secure_cookies,
    )
    return response


def _refused(request: Request, me: User, error: str, form: NewUser | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": error}, status_code=400)
    return _page(request, me, error=error, form=form, status_code=400)


# -- adding users and units ----------------------------------------------------------------------------


def _checked_password(password: str, again: str, username: str) -> str:
    if password != again:
        raise Refused("两次输入的密码不一致")
    problem = password_problem(password, username)
    if problem:
        raise Refused(problem)
    return password


def _unit_for(request: Request, role: Role, form: NewUser) -> str | None:
    """The name of the unit a new user belongs to: a unit user needs exactly one, chosen from
    the list or typed as a new unit; admins and reviewers see every unit and take none."""
    chosen = form.unit_id.strip()
    typed = form.new_unit.strip()
    if role is not Role.UNIT:
        if chosen or typed:
            raise Refused(f"{role.label}可查看全部单位，不属于某个单位；只有单位用户需要选择所属单位")
        return None
    if chosen and typed:
        raise Refused("请在“已有单位”中选择，或填写“新单位”，不要两者都填")
    if typed:
        if len(typed) > MAX_UNIT_NAME:
            raise Refused(f"单位名称不能超过 {MAX_UNIT_NAME} 个字符")
        return typed
    if not chosen:
        raise Refused("单位用户必须指定所属单位：在“已有单位”中选择，或填写“新单位”")
    names = {str(u.id): u.name for u in web(request).accounts.units()}
    if chosen not in names:
        raise Refused(f"没有编号为 {chosen} 的单位，请刷新页面后重新选择")
    return names[chosen]


@router.post(PAGE, include_in_schema=False)
@slow
def add_user(
    request: Request,
    me: Admin,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    new_unit: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password2: Annotated[str, Form()] = "",
) -> Response:
    form = NewUser(username.strip(), display_name.strip(), role, unit_id, new_unit.strip())
    accounts = web(request).accounts
    try:
        if not form.username:
            raise Refused("请填写用户名")
        try:
            chosen = Role(role)
        except ValueError:
            raise Refused("请选择角色：管理员、审核人员或单位用户") from None
        if accounts.by_username(form.username) is not None:  # before a new unit is created for nobody
            raise Refused(f"用户名“{form.username}”已存在")
        unit = _unit_for(request, chosen, form)
        checked = _checked_password(password, password2, form.username)
        user = accounts.add_user(
            form.username,
            hash_password(checked),
            chosen,
            unit=unit,
            display_name=form.display_name or None,
        )
    except (Refused, AccountError) as exc:
        return _refused(request, me, str(exc), form)
    where = f"（{user.unit_name}）" if user.unit_name else ""
    return _done(
        request,
        f"已新增{user.role.label} {user.username}{where}",
        status_code=201,
        user=public_user(user).model_dump(mode="json"),
    )


@router.post("/admin/units", include_in_schema=False)
def add_unit(request: Request, me: Admin, name: Annotated[str, Form()] = "") -> Response:
    accounts = web(request).accounts
    name = name.strip()
    try:
        if not name:
            raise Refused("请填写单位名称")
        if len(name) > MAX_UNIT_NAME:
            raise Refused(f"单位名称不能超过 {MAX_UNIT_NAME} 个字符")
        if accounts.unit_id(name) is not None:
            raise Refused(f"单位“{name}”已存在")
        unit_id = accounts.unit_id(name, create=True)
    except (Refused, AccountError) as exc:
        return _refused(request, me, str(exc))
    return _done(request, f"已新增单位“{name}”", status_code=201, unit={"id": unit_id, "name": name})


# -- renaming and merging units, importing users ------------------------------------------------------


def _unit_name(request: Request, unit_id: str | int) -> str:
    wanted = str(unit_id).strip()
    for unit in web(request).accounts.units():
        if str(unit.id) == wanted:
            return unit.name
    raise Refused("请选择单位" if not wanted else f"没有编号为 {wanted} 的单位")


@router.post("/admin/units/{unit_id}/rename", include_in_schema=False)
def rename_unit(request: Request, me: Admin, unit_id: int, name: Annotated[str, Form()] = "") -> Response:
    """Rename a unit (audited in the history of each of its projects)."""
    try:
        old = _unit_name(request, unit_id)
        done = services.rename_unit(web(request).db, old, name, actor=me.username)
    except (Refused, JixiaoError) as exc:
        return _refused(request, me, f"未改名：{exc}")
    return _done(
        request,
        f"已将单位“{old}”改名为“{done.unit}”（{done.projects} 个项目的修改记录已记下）",
        unit={"id": unit_id, "name": done.unit},
    )


@router.post("/admin/units/merge", include_in_schema=False)
def merge_units(
    request: Request,
    me: Admin,
    source_id: Annotated[str, Form()] = "",
    target_id: Annotated[str, Form()] = "",
) -> Response:
    """Merge unit ``source_id`` into ``target_id``; refused in Chinese, naming every conflict."""
    try:
        source, target = _unit_name(request, source_id), _unit_name(request, target_id)
        done = services.merge_units(web(request).db, source, target, actor=me.username)
    except (Refused, JixiaoError) as exc:
        return _refused(request, me, f"未合并：{exc}")
    return _done(
        request,
        f"已将单位“{source}”并入“{done.unit}”（{done.projects} 个项目的修改记录已记下，现有 {done.users} 个用户）",
        unit=done.unit,
    )


@router.post("/admin/import", include_in_schema=False)
@slow
def import_users(
    request: Request,
    me: Admin,
    file: Annotated[UploadFile | None, Form()] = None,
    create_units: Annotated[str, Form()] = "",
) -> Response:
    """Users and units from an xlsx: the whole sheet checked first, every problem listed by row,
    nothing imported on error; initial passwords shown once on the page that answers."""
    if file is None or not file.filename:
        return _refused(request, me, "请选择要导入的 .xlsx 文件")
    try:
        added, made = import_people(
            web(request).accounts,
            file.file.read(),
            file.filename,
            create_units=bool(create_units),
            flag="勾选“新建表中的单位”",
        )
    except JixiaoError as exc:
        return _refused(request, me, str(exc))
    message = f"已导入 {added} 个用户"
    if wants_json(request):
        return JSONResponse({"message": message, "initial_passwords": dict(made)}, status_code=201)
    return _page(request, me, message=message, initial=made, status_code=201)


# -- changing users ------------------------------------------------------------------------------------


def _target(request: Request, user_id: int) -> User:
    user = web(request).accounts.user(user_id)
    if user is None:
        raise Refused(f"没有编号为 {user_id} 的用户")
    return user


@router.post(PAGE + "/{user_id}/password", include_in_schema=False)
@slow
def reset_password(
    request: Request,
    me: Admin,
    user_id: int,
    password: Annotated[str, Form()] = "",
    password2: Annotated[str, Form()] = "",
) -> Response:
    try:
        user = _target(request, user_id)
        checked = _checked_password(password, password2, user.username)
        web(request).accounts.update_user(user.id, password_hash=hash_password(checked))
    except (Refused, AccountError) as exc:
        return _refused(request, me, str(exc))
    if user.id == me.id and not wants_json(request):
        # A new password ends every session of its user, this one too.
        return RedirectResponse("/login?next=" + quote(PAGE), status_code=303)
    return _done(request, f"已重置 {user.username} 的密码；其已登录的会话随之失效")


def _set_active(request: Request, me: User, user_id: int, active: bool) -> Response:
    accounts = web(request).accounts
    try:
        user = _target(request, user_id)
        if not active:
            if user.id == me.id:
                raise Refused("不能停用自己正在使用的账号")
            if user.role is Role.ADMIN and user.active:
                admins = [u for u in accounts.users() if u.role is Role.ADMIN and u.active]
                if len(admins) <= 1:
                    raise Refused(f"{user.username} 是最后一个启用的管理员，不能停用")
        accounts.update_user(user.id, active=active)
    except (Refused, AccountError) as exc:
        return _refused(request, me, str(exc))
    if active:
        return _done(request, f"已启用 {user.username}")
    return _done(request, f"已停用 {user.username}；其已登录的会话随之失效")


@router.post(PAGE + "/{user_id}/disable", include_in_schema=False)
def disable_user(request: Request, me: Admin, user_id: int) -> Response:
    return _set_active(request, me, user_id, False)


@router.post(PAGE + "/{user_id}/enable", include_in_schema=False)
def enable_user(request: Request, me: Admin, user_id: int) -> Response:
    return _set_active(request, me, user_id, True)


# -- the API -------------------------------------------------------------------------------------------


@router.get("/api/users", tags=["用户"], response_model=list[UserOut], summary="全部用户（管理员）")
def api_users(request: Request, _me: Admin) -> list[UserOut]:
    """Every user, without password hashes."""
    return [public_user(u) for u in web(request).accounts.users()]


@router.get("/api/units", tags=["用户"], response_model=list[UnitOut], summary="全部单位（管理员）")
def api_units(request: Request, _me: Admin) -> list[UnitOut]:
    """Every unit with its numbers of users and stored evaluations."""
    return [_unit(u) for u in web(request).accounts.units()]


@router.get("/api/me", tags=["用户"], response_model=UserOut, summary="当前登录的用户")
def api_me(me: CurrentUser) -> UserOut:
    """The logged-in user, without the password hash."""
    return public_user(me)
