"""Users and units: the admin's page and actions, their guards, and the accounts API."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from jixiao.storage.accounts import Role
from jixiao.storage.accounts import User
from jixiao.web.deps import current_user
from jixiao.web.routes.admin import FLASH_COOKIE
from web.conftest import PASSWORD
from web.conftest import UNIT_A
from web.conftest import Client
from web.conftest import login

ClientFactory = Callable[[str], Client]
NEW_PASSWORD = "new-pass-456"


def _user(app: FastAPI, username: str) -> User:
    found = app.state.web.accounts.by_username(username)
    assert found is not None
    return found


def _add(admin: Client, **fields: str) -> httpx.Response:
    form = {
        "csrf_token": admin.csrf,
        "username": "newbie",
        "display_name": "新同事",
        "role": "unit",
        "unit_id": "",
        "new_unit": "",
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **fields,
    }
    return admin.post("/admin/users", data=form, follow_redirects=False)


def _login_fails(app: FastAPI, username: str, password: str) -> str:
    anonymous = Client(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', anonymous.get("/login").text)
    assert token
    response = anonymous.post(
        "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
    )
    assert response.status_code in (401, 403)
    return response.text


# -- adding users -------------------------------------------------------------------------------------


def test_add_a_unit_user_with_a_new_unit_then_log_in(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    response = _add(admin, new_unit="某市卫生健康委员会")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users"
    page = admin.get("/admin/users")
    assert "已新增单位用户 newbie（某市卫生健康委员会）" in page.text
    assert "已新增单位用户" not in admin.get("/admin/users").text  # the message is shown once
    newbie = login(web_app, "newbie", NEW_PASSWORD)
    me = newbie.get("/api/me").json()
    assert me["username"] == "newbie"
    assert me["display_name"] == "新同事"
    assert me["role"] == "unit"
    assert me["unit_name"] == "某市卫生健康委员会"
    assert me["active"] is True
    assert newbie.get("/admin/users").status_code == 403


def test_add_users_of_every_role_with_an_existing_unit(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    unit_a = web_app.state.web.accounts.unit_id(UNIT_A)
    assert _add(admin, username="a2", unit_id=str(unit_a)).status_code == 303
    assert _user(web_app, "a2").unit_name == UNIT_A
    assert _add(admin, username="rev2", role="reviewer").status_code == 303
    assert _add(admin, username="boss", role="admin").status_code == 303
    assert (_user(web_app, "rev2").role, _user(web_app, "rev2").unit_id) == (Role.REVIEWER, None)
    assert _user(web_app, "boss").role is Role.ADMIN
    assert login(web_app, "boss", NEW_PASSWORD).get("/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"password": "short1", "password2": "short1"}, "密码至少 8 个字符"),
        ({"password": "12345678", "password2": "12345678"}, "密码不能只有数字或只有字母"),
        ({"password2": "something-else-1"}, "两次输入的密码不一致"),
        ({"new_unit": ""}, "单位用户必须指定所属单位"),
        ({"role": "reviewer", "new_unit": "某局"}, "只有单位用户需要选择所属单位"),
        ({"role": "boss", "new_unit": "某局"}, "请选择角色"),
        ({"username": "  "}, "请填写用户名"),
        ({"unit_id": "999999", "new_unit": ""}, "没有编号为 999999 的单位"),
    ],
)
def test_bad_new_user_is_refused_in_chinese(
    web_app: FastAPI, client: ClientFactory, fields: dict[str, str], reason: str
) -> None:
    admin = client("admin")
    response = _add(admin, **{"new_unit": "某局", **fields})
    assert response.status_code == 400
    text = response.text
    assert reason in text
    assert 'role="alert"' in text
    if fields.get("username", "x").strip():
        assert 'name="username" value="newbie"' in text  # the form comes back as it was filled
    assert NEW_PASSWORD not in text  # never the password
    assert web_app.state.web.accounts.by_username("newbie") is None
    assert web_app.state.web.accounts.unit_id("某局") is None  # no unit created for nobody


def test_duplicate_username_is_refused(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    response = _add(admin, username="reviewer", role="unit", new_unit="不该创建的单位")
    assert response.status_code == 400
    assert "用户名“reviewer”已存在" in response.text
    assert _user(web_app, "reviewer").role is Role.REVIEWER
    assert web_app.state.web.accounts.unit_id("不该创建的单位") is None
    login(web_app, "reviewer")  # the old password still works


# -- changing users ----------------------------------------------------------------------------------


def test_disabled_user_is_logged_out_and_cannot_log_in(web_app: FastAPI, client: ClientFactory) -> None:
    admin, unit_a = client("admin"), client("unit_a")
    assert unit_a.get("/api/me").status_code == 200
    target = _user(web_app, "unit_a")
    response = admin.post(f"/admin/users/{target.id}/disable", data={"csrf_token": admin.csrf})
    assert response.status_code == 200
    assert "已停用 unit_a" in response.text
    assert unit_a.get("/api/me").status_code == 401
    assert unit_a.get("/", follow_redirects=False).status_code == 303
    assert "该账号已停用" in _login_fails(web_app, "unit_a", PASSWORD)
    assert _user(web_app, "unit_a").active is False
    enabled = admin.post(f"/admin/users/{target.id}/enable", data={"csrf_token": admin.csrf})
    assert "已启用 unit_a" in enabled.text
    assert login(web_app, "unit_a").get("/api/me").json()["active"] is True


def test_reset_password(web_app: FastAPI, client: ClientFactory) -> None:
    admin, reviewer = client("admin"), client("reviewer")
    target = _user(web_app, "reviewer")
    bad = admin.post(
        f"/admin/users/{target.id}/password",
        data={"csrf_token": admin.csrf, "password": "abcdefgh", "password2": "abcdefgh"},
    )
    assert bad.status_code == 400
    assert "密码不能只有数字或只有字母" in bad.text
    assert reviewer.get("/api/me").status_code == 200  # nothing changed
    done = admin.post(
        f"/admin/users/{target.id}/password",
        data={"csrf_token": admin.csrf, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == 200
    assert "已重置 reviewer 的密码" in done.text
    assert reviewer.get("/api/me").status_code == 401  # the old session ended
    assert "用户名或密码不正确" in _login_fails(web_app, "reviewer", PASSWORD)
    assert login(web_app, "reviewer", NEW_PASSWORD).get("/api/me").json()["username"] == "reviewer"


def test_resetting_ones_own_password_asks_to_log_in_again(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    me = _user(web_app, "admin")
    response = admin.post(
        f"/admin/users/{me.id}/password",
        data={"csrf_token": admin.csrf, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    login(web_app, "admin", NEW_PASSWORD)


def test_an_admin_cannot_disable_themselves(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    me = _user(web_app, "admin")
    response = admin.post(f"/admin/users/{me.id}/disable", data={"csrf_token": admin.csrf})
    assert response.status_code == 400
    assert "不能停用自己正在使用的账号" in response.text
    assert _user(web_app, "admin").active is True
    assert admin.get("/api/me").status_code == 200


def test_the_last_active_admin_stays(web_app: FastAPI, client: ClientFactory) -> None:
    """Another admin may be disabled while one stays active; the last one never is, even when
    the request comes from an admin whose account changed meanwhile (two admins disabling each
    other at once)."""
    admin = client("admin")
    assert _add(admin, username="admin2", role="admin").status_code == 303
    admin2 = login(web_app, "admin2", NEW_PASSWORD)
    first = _user(web_app, "admin")
    # admin2 disables admin: allowed, admin2 remains
    assert (
        admin2.post(f"/admin/users/{first.id}/disable", data={"csrf_token": admin2.csrf}).status_code == 200
    )
    assert _user(web_app, "admin").active is False
    # A request admitted as admin just before admin2 disabled it (a race the rule must survive)
    # now asks to disable admin2, the last active admin.
    second = _user(web_app, "admin2")

    async def admitted_before() -> User:
        return first

    web_app.dependency_overrides[current_user] = admitted_before
    try:
        response = admin2.post(f"/admin/users/{second.id}/disable", data={"csrf_token": admin2.csrf})
    finally:
        web_app.dependency_overrides.clear()
    assert response.status_code == 400
    assert "admin2 是最后一个启用的管理员，不能停用" in response.text
    assert _user(web_app, "admin2").active is True


# -- units ---------------------------------------------------------------------------------------------


def test_add_a_unit(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    response = admin.post("/admin/units", data={"csrf_token": admin.csrf, "name": " 某市审计局 "})
    assert response.status_code == 200
    assert "已新增单位“某市审计局”" in response.text
    units = {u["name"]: u for u in admin.get("/api/units").json()}
    assert units["某市审计局"] == {
        "id": units["某市审计局"]["id"],
        "name": "某市审计局",
        "users": 0,
        "evaluations": 0,
    }
    assert units[UNIT_A]["users"] == 1
    again = admin.post("/admin/units", data={"csrf_token": admin.csrf, "name": "某市审计局"})
    assert again.status_code == 400
    assert "单位“某市审计局”已存在" in again.text
    empty = admin.post("/admin/units", data={"csrf_token": admin.csrf, "name": " "})
    assert empty.status_code == 400 and "请填写单位名称" in empty.text


# -- guards --------------------------------------------------------------------------------------------


def test_only_admins_reach_the_admin_routes(web_app: FastAPI, client: ClientFactory) -> None:
    target = _user(web_app, "unit_b").id
    for who in ("reviewer", "unit_a"):
        c = client(who)
        for path in ("/admin", "/admin/users", "/api/users", "/api/units", "/admin/users?format=json"):
            response = c.get(path, follow_redirects=False)
            assert response.status_code == 403, (who, path)
        posts = {
            "/admin/users": {
                "username": "x1",
                "role": "admin",
                "password": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
            "/admin/units": {"name": "越权单位"},
            f"/admin/users/{target}/password": {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
            f"/admin/users/{target}/disable": {},
            f"/admin/users/{target}/enable": {},
        }
        for path, form in posts.items():
            response = c.post(path, data={"csrf_token": c.csrf, **form}, follow_redirects=False)
            assert response.status_code == 403, (who, path)
            assert "没有执行此操作的权限" in response.text
    accounts = web_app.state.web.accounts
    assert accounts.by_username("x1") is None
    assert accounts.unit_id("越权单位") is None
    assert _user(web_app, "unit_b").active
    login(web_app, "unit_b")  # password unchanged


def test_admin_posts_need_the_csrf_token(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    form = {"username": "sneaky", "role": "admin", "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert admin.post("/admin/users", data=form).status_code == 403
    assert admin.post("/admin/users", data={**form, "csrf_token": "forged"}).status_code == 403
    target = _user(web_app, "reviewer").id
    assert admin.post(f"/admin/users/{target}/disable").status_code == 403
    assert admin.post("/admin/units", data={"name": "伪造单位"}).status_code == 403
    assert web_app.state.web.accounts.by_username("sneaky") is None
    assert _user(web_app, "reviewer").active
    # the header works as well as the form field (an API client)
    ok = admin.post(
        "/admin/users",
        data={**form, "username": "scripted"},
        headers={"X-CSRF-Token": admin.csrf, "Accept": "application/json"},
    )
    assert ok.status_code == 201
    assert ok.json()["user"]["username"] == "scripted"
    assert "password_hash" not in ok.json()["user"]


def test_anonymous_is_sent_to_log_in(web_app: FastAPI) -> None:
    anonymous = Client(web_app)
    assert anonymous.get("/admin/users", follow_redirects=False).status_code == 303
    assert anonymous.get("/api/users").status_code == 401
    assert anonymous.get("/api/me").status_code == 401


# -- what is shown -------------------------------------------------------------------------------------


def test_no_password_hash_in_any_output(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    hashes = [u.password_hash for u in web_app.state.web.accounts.users()]
    outputs = [
        admin.get("/admin/users").text,
        admin.get("/admin/users", params={"format": "json"}).text,
        admin.get("/api/users").text,
        admin.get("/api/units").text,
        admin.get("/api/me").text,
        client("unit_a").get("/api/me").text,
        _add(admin, password2="mismatch-123").text,
        admin.get("/api/openapi.json").text,
    ]
    for text in outputs:
        assert "password_hash" not in text
        assert "$argon2" not in text
        for h in hashes:
            assert h not in text


def test_users_page_lists_users_and_units(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    data = admin.get("/admin/users", params={"format": "json"}).json()
    users = {u["username"]: u for u in data["users"]}
    assert set(users) == {"admin", "reviewer", "unit_a", "unit_b"}
    assert users["unit_a"]["role_label"] == "单位用户"
    assert users["unit_a"]["unit_name"] == UNIT_A
    assert users["reviewer"]["unit_name"] is None
    assert {u["name"] for u in data["units"]} >= {UNIT_A}
    assert [r["label"] for r in data["roles"]] == ["管理员", "审核人员", "单位用户"]
    html = admin.get("/admin/users").text
    assert html.count('name="csrf_token"') >= 2 + 2 * len(users)  # add user, add unit, and per user
    assert "（当前登录）" in html
    assert html.count("/disable") == len(users) - 1  # not for oneself
    assert admin.get("/api/users").json() == data["users"]


def test_names_are_escaped(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    assert (
        _add(
            admin, username="x<y>", display_name="<script>alert(1)</script>", new_unit="<i>局</i>"
        ).status_code
        == 303
    )
    html = admin.get("/admin/users").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;局&lt;/i&gt;" in html


def test_flash_message_is_not_taken_from_the_url(client: ClientFactory) -> None:
    admin = client("admin")
    page = admin.get("/admin/users", params={"msg": "请把密码发到某邮箱"})
    assert "请把密码发到某邮箱" not in page.text
    admin.cookies.set(FLASH_COOKIE, "%E5%B7%B2%E5%AE%8C%E6%88%90", path="/admin")
    assert "已完成" in admin.get("/admin/users").text


def test_me_for_every_role(client: ClientFactory) -> None:
    for who, role, unit in (
        ("admin", "admin", None),
        ("reviewer", "reviewer", None),
        ("unit_a", "unit", UNIT_A),
    ):
        me = client(who).get("/api/me").json()
        assert (me["username"], me["role"], me["unit_name"]) == (who, role, unit)
        assert set(me) == {
            "id",
            "username",
            "display_name",
            "role",
            "role_label",
            "unit_id",
            "unit_name",
            "active",
        }
