"""The head's dashboard in a real Chromium, on both databases: the questions answered on the
planted portfolio of 300 evaluations (tests/portfolio/test_questions.py), a figure drilled down
to the list, and the same pages on a phone (390 px): the top bar folds into a menu and no page
is wider than the screen. A skip link is the first thing the keyboard reaches."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot
from jixiao.storage.accounts import Accounts
from jixiao.storage.accounts import Role
from jixiao.storage.db import open_database
from jixiao.storage.store import Store
from portfolio.test_questions import UNITS
from portfolio.test_questions import planted

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def filled(server: Server) -> Server:
    db = open_database(server.database_url)
    try:
        store = Store(db)
        for unit in UNITS:
            for n in range(25):
                store.save(planted(unit, n))
        Accounts(db).add_user("absent0", "x" * 60, Role.UNIT, unit="未报送单位甲")
    finally:
        db.close()
    return server


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(30_000)
    yield ctx.new_page()
    ctx.close()


def _answer(page: Page, label: str) -> str:
    return page.locator(".answer", has_text=label).locator("strong").inner_text()


def _wider_than_the_screen(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_the_dashboard_answers_the_questions_and_drills_down(filled: Server, context: BrowserContext) -> None:
    page = context.new_page()
    login(page, filled, "admin", filled.admin_password)
    page.goto(f"{filled.url}/")
    assert page.get_by_role("heading", name="需要关注的问题").is_visible()
    assert _answer(page, "自评得分比复核得分高") == "50"
    assert _answer(page, "有未完成的目标") == "60"
    assert _answer(page, "有错误") == "56"
    assert _answer(page, "执行率低于 80%") == "4"
    assert _answer(page, "未报送") == "1"
    # the riskiest units lead the table
    first = page.locator("#risk-table tbody tr").nth(0).locator("th").inner_text()
    assert first in {"第03单位", "第07单位"}
    screenshot(page, "dashboard-questions", filled)
    # a figure opens the list with its filter applied
    page.locator(".answer", has_text="有错误").click()
    page.wait_for_url(re.compile(r"/evaluations\?.*errors=yes"))
    assert "56" in page.locator("main").inner_text()
    # the skip link is the first stop of the keyboard and leads to the page's content
    page.goto(f"{filled.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"


def test_on_a_phone_the_menu_folds_and_nothing_is_wider_than_the_screen(filled: Server, phone: Page) -> None:
    login(phone, filled, "admin", filled.admin_password)
    phone.goto(f"{filled.url}/")
    menu = phone.get_by_role("button", name="菜单")
    assert menu.is_visible()
    assert not phone.get_by_role("navigation", name="主导航").is_visible()
    assert _wider_than_the_screen(phone) <= 0
    screenshot(phone, "phone-dashboard", filled)
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert phone.get_by_role("link", name="评价列表").is_visible()
    screenshot(phone, "phone-menu", filled)
    phone.get_by_role("link", name="评价列表").click()
    phone.wait_for_url(re.compile(r"/evaluations"))
    assert _wider_than_the_screen(phone) <= 0
    # the list is cards: no header row, each figure under its column's name
    assert not phone.locator("table.evaluation-list thead").is_visible()
    first = phone.locator("table.evaluation-list tbody tr").first
    label = first.locator('td[data-label="自评得分"]').evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"自评得分"'
    screenshot(phone, "phone-list", filled)
