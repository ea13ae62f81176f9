"""One project carried through its year in the browser, on both databases (issue 18): a unit
clerk declares the targets (检查 first shows what is missing), files the 1–7月 monitoring
against them (the early warnings appear), writes the self-evaluation started from the declared
targets but changes one; the project-year page shows the three stages and the changed target; a
reviewer corrects the match of a reworded indicator; the list filters by stage and the dashboard
counts the unit's declarations, monitorings and evaluations. Screenshots go to
docs/images/web-year-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot

PASSWORD = "e2e-year-2025"
UNIT = "某县卫生健康局"
PROJECT = "基层医疗机构能力提升"
# 一级, 二级, 三级, 分值, 年度指标值 (the first row is typed later, after 检查).
DECLARED = [
    ("产出指标", "数量指标", "培训基层医务人员人次", "30", "≥600人次"),
    ("效益指标", "社会效益指标", "基层就诊率", "30", "≥65%"),
    ("满意度指标", "服务对象满意度指标", "患者满意度", "20", "≥90%"),
    ("产出指标", "质量指标", "设备验收合格率", "10", "100%"),
]


@pytest.fixture(scope="module")
def people(server: Server) -> Server:
    for args in (
        ("clerk", "--role", "unit", "--unit", UNIT, "--create-unit", "--name", "卫健局填报员"),
        ("checker", "--role", "reviewer", "--name", "财政局审核员"),
    ):
        done = server.cli("user", "add", *args, "--password-stdin", stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stdout + done.stderr
    return server


def _codes(page: Page, where: str) -> set[str]:
    cells = page.locator(f"{where} [data-code]")
    return {cells.nth(i).get_attribute("data-code") or "" for i in range(cells.count())}


def _fill_row(page: Page, index: int, prefix: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"[name='{prefix}{name}']").nth(index).fill(value)


def test_a_project_goes_through_its_year_in_the_browser(people: Server, browser: Browser) -> None:
    server = people
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    login(page, server, "clerk", PASSWORD)

    # ① Declare: the form opens with one row under each 一级; 检查 names what is missing.
    page.goto(f"{server.url}/years")
    page.get_by_role("link", name="申报绩效目标").first.click()
    page.wait_for_url(re.compile(r"/years/declare$"))
    expect(page.locator("#plan-form")).to_contain_text(UNIT)  # a unit declares for itself
    page.locator("#f-name").fill(PROJECT)
    page.locator("#f-year").fill("2025")
    page.locator("#f-planned").fill("120万元")
    page.locator("#f-fiscal").fill("100万元")
    page.locator("#f-other").fill("20万元")
    for i, (level1, level2, name, weight, target) in enumerate(DECLARED[1:3], start=1):
        page.locator("select[name='row_level1']").nth(i).select_option(level1)
        _fill_row(page, i, "row_", {"level2": level2, "name": name, "weight": weight, "target": target})
    # The panel follows the typing (htmx); 检查 does the same without JavaScript.
    expect(page.locator("#plan-check [data-code='DECLARED_GROUP_MISSING']")).to_have_count(1)
    page.get_by_role("button", name="检查", exact=True).click()
    codes = _codes(page, "#plan-check")
    assert {"DECLARATION_OBJECTIVE_MISSING", "DECLARED_GROUP_MISSING"} <= codes, codes
    level1, level2, name, weight, target = DECLARED[0]
    _fill_row(page, 0, "row_", {"level2": level2, "name": name, "weight": weight, "target": target})
    page.locator("#f-objective").fill("培训基层医务人员600人次，基层就诊率达到65%以上")
    page.get_by_role("button", name="添加一行").click()
    level1, level2, name, weight, target = DECLARED[3]
    page.locator("select[name='row_level1']").nth(3).select_option(level1)
    _fill_row(page, 3, "row_", {"level2": level2, "name": name, "weight": weight, "target": target})
    page.get_by_role("button", name="检查", exact=True).click()
    expect(page.locator("#plan-check")).to_contain_text("没有发现问题")
    screenshot(page, "year-declare", server)
    page.get_by_role("button", name="保存申报").click()
    page.wait_for_url(re.compile(r"/years/\d+$"))
    year_url = page.url
    expect(page.locator(".year-head")).to_contain_text("当前阶段：目标申报")
    expect(page.locator("#declared tbody tr")).to_have_count(4)

    # ② Monitor 1–7月: the declared targets are there; 36万 of 120万 spent by July.
    page.get_by_role("link", name="填报执行监控").click()
    expect(page.locator("#plan-rows input[name='row_target']").first).to_have_value("≥600人次")
    page.locator("#f-executed").fill("36万元")
    rows = [
        {"to_date": "200人次", "expected": "450人次", "cause_text": ""},
        {"to_date": "61%", "expected": "66%", "cause_text": ""},
        {"to_date": "92%", "expected": "92%", "cause_text": ""},
        {"to_date": "100%", "expected": "100%", "cause_text": ""},
    ]
    for i, values in enumerate(rows):
        _fill_row(page, i, "row_", values)
    page.locator("select[name='row_likelihood']").nth(0).select_option("完全不可能")
    for i in (1, 2, 3):
        page.locator("select[name='row_likelihood']").nth(i).select_option("确定能")
    page.get_by_role("button", name="检查", exact=True).click()
    codes = _codes(page, "#plan-check")
    assert {"MONITORING_EXECUTION_BEHIND", "MONITORING_IMPOSSIBLE_UNEXPLAINED"} <= codes, codes
    expect(page.locator("#execution-progress")).to_contain_text("30.00%")
    # The clerk gives the reason for the training row, the other warning stays.
    page.locator("select[name='row_cause']").nth(0).select_option("人员保障")
    _fill_row(page, 0, "row_", {"cause_text": "带教师资不足，下半年难以补齐"})
    page.get_by_role("button", name="检查", exact=True).click()
    codes = _codes(page, "#plan-check")
    assert "MONITORING_IMPOSSIBLE_UNEXPLAINED" not in codes and "MONITORING_EXECUTION_BEHIND" in codes
    screenshot(page, "year-monitor", server)
    page.get_by_role("button", name="保存监控").click()
    page.wait_for_url(year_url)
    expect(page.locator(".year-head")).to_contain_text("当前阶段：执行监控")
    assert "MONITORING_EXECUTION_BEHIND" in _codes(page, "#monitored")

    # ③ Evaluate, started from the declared targets; the clerk lowers one and rewords another.
    page.get_by_role("link", name="按申报的目标开始自评").click()
    expect(page.locator("#editor-form")).to_contain_text(UNIT)
    targets = page.locator("input[name='ind_target']")
    expect(targets.first).to_have_value("≥600人次")
    targets.first.fill("≥450人次")
    page.locator("input[name='ind_name']").nth(2).fill("门诊及住院病人综合满意程度调查")
    page.locator("#f-executed").fill("114万元")
    for i, actual in enumerate(["460人次", "66%", "93%", "100%"]):
        page.locator("input[name='ind_actual']").nth(i).fill(actual)
    expect(page.locator("#preview")).to_contain_text("复核得分", timeout=15_000)
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+$"))

    page.goto(year_url)
    expect(page.locator(".year-head")).to_contain_text("当前阶段：年终自评")
    codes = _codes(page, "#evaluated")
    assert "TARGET_CHANGED_FROM_DECLARATION" in codes, codes
    expect(page.locator("#compare tr[data-state='目标已改']")).to_contain_text("≥450人次")
    expect(page.locator("#compare tr[data-state='目标已改']")).to_contain_text("≥600人次")
    expect(page.locator("#compare tr[data-state='申报后新增']")).to_have_count(1)
    expect(page.locator("#compare .match-form")).to_have_count(0)  # the unit cannot correct it
    screenshot(page, "year-timeline", server)
    ctx.close()

    # The reviewer: the reworded satisfaction row is the declared 患者满意度.
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    login(page, server, "checker", PASSWORD)
    page.goto(year_url)
    added = page.locator("#compare tr[data-state='申报后新增']")
    added.locator("select[name='declared']").select_option("患者满意度")
    added.get_by_role("button", name="更正").click()
    page.wait_for_url(re.compile(r"/years/\d+#compare$"))
    expect(page.locator("#compare tr[data-state='申报后新增']")).to_have_count(0)
    expect(page.locator("#compare tr[data-state='自评未填报']")).to_have_count(0)
    expect(page.locator("#compare")).to_contain_text("已人工更正")
    expect(page.locator("#compare")).to_contain_text("财政局审核员")
    page.locator("#compare").scroll_into_view_if_needed()
    screenshot(page, "year-match", server)

    # The list by stage, and the dashboard's counts for the unit.
    page.goto(f"{server.url}/years")
    page.locator("#filter-stage").select_option("evaluated")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".year-table tbody tr")).to_have_count(1)
    expect(page.locator(".year-table")).to_contain_text(PROJECT)
    page.locator("#filter-stage").select_option("declared")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".year-table")).to_have_count(0)
    screenshot(page, "year-list", server)
    page.goto(f"{server.url}/")
    row = page.locator("#stage-counts tr", has_text=UNIT)
    expect(row.locator("td")).to_have_text(["1", "1", "1", "0", "1"])
    page.locator("#stage-counts").scroll_into_view_if_needed()
    screenshot(page, "year-dashboard", server)
    ctx.close()
