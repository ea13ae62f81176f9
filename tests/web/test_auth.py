"""Logging in and out, sessions, CSRF and the security headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI

from web.conftest import PASSWORD
from web.conftest import Client
from web.conftest import login


def test_pages_need_a_login(web_app: FastAPI) -> None:
    anonymous = Client(web_app)
    page = anonymous.get("/evaluations", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/evaluations"
    assert anonymous.get("/api/evaluations").status_code == 401


def test_wrong_password_is_refused_in_chinese(web_app: FastAPI) -> None:
    anonymous = Client(web_app)
    page = anonymous.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    for username, password in (("admin", "wrong-password-1"), ("nobody", PASSWORD)):
        response = anonymous.post(
            "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
        )
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.text
        assert "jixiao_session" not in anonymous.cookies


def test_login_form_without_its_csrf_cookie_is_refused(web_app: FastAPI) -> None:
    response = Client(web_app).post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403


def test_session_cookie_is_httponly_and_samesite(web_app: FastAPI) -> None:
    anonymous = Client(web_app)
    page = anonymous.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = anonymous.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "jixiao_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_login_follows_only_local_next(web_app: FastAPI) -> None:
    anonymous = Client(web_app)
    page = anonymous.get("/login?next=//evil.example/x")
    assert 'name="next" value="/"' in page.text


def test_post_without_csrf_token_is_refused(client: Callable[[str], Client]) -> None:
    admin = client("admin")
    assert admin.post("/logout", follow_redirects=False).status_code == 403
    assert admin.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False).status_code == 403
    assert admin.get("/evaluations").status_code == 200  # still logged in
    out = admin.post("/logout", data={"csrf_token": admin.csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert admin.get("/evaluations", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server(web_app: FastAPI) -> None:
    admin = login(web_app, "admin")
    stolen = admin.cookies.get("jixiao_session")
    admin.post("/logout", data={"csrf_token": admin.csrf})
    replay = Client(web_app)
    replay.cookies.set("jixiao_session", stolen or "")
    assert replay.get("/evaluations", follow_redirects=False).status_code == 303


def test_pages_forbid_foreign_scripts(client: Callable[[str], Client]) -> None:
    page = client("admin").get("/login")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"  # pages hold personal data
    style = client("admin").get("/static/app.css")
    assert style.status_code == 200 and "default-src 'self'" in style.headers["content-security-policy"]
    assert "no-store" not in style.headers.get("cache-control", "")  # assets may be cached
