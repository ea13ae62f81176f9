"""Logging in through the browser, as the first admin ``jixiao serve`` created."""

from __future__ import annotations

from playwright.sync_api import BrowserContext
from playwright.sync_api import expect

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot


def test_first_admin_logs_in_with_the_printed_password(server: Server, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{server.url}/evaluations")
    expect(page).to_have_url(f"{server.url}/login?next=/evaluations")
    screenshot(page, "login", server)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确")
    login(page, server, "admin", server.admin_password)
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("管理员")
