"""Issue 15 item 5: logins were not throttled (about 5 guesses a second; after 140 failures the
right password still worked), ``password1``, a password equal to the user name and eight spaces
were accepted, and nobody could change their own password in the web app.

Against a real ``jixiao serve``: the throttle per account and per address (``X-Forwarded-For``
from this host is the address uvicorn records, as behind a local reverse proxy), its survival
across a restart (it lives in the database), the password policy in the admin's form and in
``jixiao user add``, and the "修改密码" page ending the user's other sessions.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from live_server import PASSWORD
from live_server import LiveServer
from live_server import live_fixture  # noqa: F401
from live_server import start
from live_server import stop

from jixiao.storage.login_throttle import FREE_ADDRESS_FAILURES
from jixiao.storage.login_throttle import FREE_USER_FAILURES


def _attempt(live: LiveServer, username: str, password: str, address: str = "10.0.0.1") -> httpx.Response:
    with live.client(headers={"X-Forwarded-For": address}) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        return client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
        )


def test_an_account_is_locked_after_a_few_failures_even_for_the_right_password(live: LiveServer) -> None:
    for i in range(FREE_USER_FAILURES):
        assert _attempt(live, "unit_a", f"wrong-{i}", address=f"10.1.0.{i}").status_code == 401
    # One more wrong guess (from yet another address) blocks the account…
    assert _attempt(live, "unit_a", "wrong-again", address="10.1.1.1").status_code == 401
    # …and then even the right password, from anywhere, is refused without being checked.
    refused = _attempt(live, "unit_a", PASSWORD, address="10.1.1.2")
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text
    assert int(refused.headers["Retry-After"]) >= 20
    # Another account is not affected.
    assert _attempt(live, "unit_b", PASSWORD, address="10.1.1.3").status_code == 303


def test_an_address_guessing_many_accounts_is_held_back(live: LiveServer) -> None:
    for i in range(FREE_ADDRESS_FAILURES + 1):
        assert _attempt(live, f"nobody{i}", "wrong-password", address="10.2.0.9").status_code == 401
    refused = _attempt(live, "reviewer", PASSWORD, address="10.2.0.9")
    assert refused.status_code == 429, refused.text
    # The same account from another address logs in.
    assert _attempt(live, "reviewer", PASSWORD, address="10.2.0.10").status_code == 303


def test_the_lock_holds_across_server_processes_and_a_restart(tmp_path: Path) -> None:
    """Two servers on one database: failures on the first lock the account on the second (which
    was already running, so knows them only from the database); then both stop and a new one
    starts: still locked. (The lock lasts 30 s; a restart takes a few.)"""
    first, one = start(tmp_path)
    second, two = start(tmp_path)
    try:
        for i in range(FREE_USER_FAILURES + 1):
            assert _attempt(one, "admin", f"wrong-{i}", address=f"10.3.1.{i}").status_code == 401
        assert _attempt(two, "admin", PASSWORD, address="10.3.2.1").status_code == 429
    finally:
        stop(first)
        stop(second)
    proc, server = start(tmp_path)
    try:
        assert _attempt(server, "admin", PASSWORD, address="10.3.0.1").status_code == 429
    finally:
        stop(proc)


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("newperson", "password1", "过于常见"),
        ("newperson", " " * 8, "只有空格"),
        ("newperson2024", "NewPerson2024", "不能与用户名相同"),
        ("newperson", "Jixiao123", "过于常见"),
    ],
)
def test_weak_passwords_are_refused_in_the_admin_form(
    live: LiveServer, username: str, password: str, reason: str
) -> None:
    client, csrf = live.login("admin")
    answer = client.post(
        "/admin/users",
        data={
            "username": username,
            "role": "reviewer",
            "password": password,
            "password2": password,
            "csrf_token": csrf,
        },
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    assert reason in answer.json()["detail"]


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("cliuser", "password1", "过于常见"),
        ("cliuser1", "cliuser1", "不能与用户名相同"),
        ("cliuser", " " * 8, "空格"),
    ],
)
def test_jixiao_user_add_applies_the_same_policy(
    tmp_path: Path, username: str, password: str, reason: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env["JIXIAO_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", "user", "add", username, "--role", "reviewer", "--password-stdin"],
        input=password + "\n",
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode != 0
    assert reason in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_changing_ones_password_ends_the_other_sessions(live: LiveServer) -> None:
    here, csrf = live.login("unit_b")
    elsewhere, _ = live.login("unit_b")
    form = {"current": PASSWORD, "password": "Anders-wachtwoord-7", "password2": "Anders-wachtwoord-7"}

    wrong = here.post("/account/password", data={**form, "current": "not-it-123", "csrf_token": csrf})
    assert wrong.status_code == 403 and "当前密码不正确" in wrong.text
    weak = here.post(
        "/account/password",
        data={**form, "password": "password1", "password2": "password1", "csrf_token": csrf},
    )
    assert weak.status_code == 400 and "过于常见" in weak.text
    no_csrf = here.post("/account/password", data=form)
    assert no_csrf.status_code == 403

    done = here.post("/account/password", data={**form, "csrf_token": csrf})
    assert done.status_code == 200 and "密码已修改" in done.text
    assert here.get("/evaluations").status_code == 200  # this session stays
    ended = elsewhere.get("/evaluations")  # the other one ended
    assert ended.status_code == 303 and ended.headers["location"].startswith("/login")
    assert _attempt(live, "unit_b", PASSWORD, address="10.4.0.1").status_code == 401
    assert _attempt(live, "unit_b", "Anders-wachtwoord-7", address="10.4.0.2").status_code == 303
    assert "修改密码" in here.get("/evaluations").text  # the page is linked from every page
