"""The acceptance path through the real server in Chromium: a reviewer uploads the seed reports and
their office twins and sees the findings the corpus's hand-checked facts require; an evaluation is
edited and its score, total and audit log change; the 自评表 is exported and opened; a unit user
writes an evaluation, the reviewer sends it back, the unit sees why; another unit is refused it by
URL and by API; a POST without its CSRF token is refused. Screenshots go to docs/images/web-*.png.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = DATA / "seeds"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
PASSWORD = "e2e-pass-2024"


def _files() -> list[Path]:
    """The five seed texts and every office twin (docx, doc, xlsx, xls, pdf)."""
    twins = [p for p in sorted((DATA / "formats").iterdir()) if p.suffix != ".md"]
    return sorted(SEEDS.glob("*.txt")) + twins


def _facts(file: Path) -> dict[str, object]:
    """The hand-checked facts of the seed a file is (or is a twin of): same leading number."""
    [key] = [k for k in EXPECTED if not k.startswith("_") and k.split("_")[0] == file.name.split("_")[0]]
    facts: dict[str, object] = EXPECTED[key]
    return facts


def _add_user(server: Server, *args: str) -> None:
    done = server.cli("user", "add", *args, "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr


def _codes(page: Page) -> set[str]:
    """The finding codes on an evaluation page (shown by their Chinese names, the code kept in data-code)."""
    cells = page.locator("#findings [data-code]")
    return {cells.nth(i).get_attribute("data-code") or "" for i in range(cells.count())}


@pytest.fixture(scope="module")
def people(server: Server) -> Server:
    _add_user(server, "reviewer", "--role", "reviewer", "--name", "审核员")
    _add_user(
        server, "edu", "--role", "unit", "--unit", "某市教育局", "--create-unit", "--name", "教育局填报员"
    )
    _add_user(server, "culture", "--role", "unit", "--unit", "某市文化旅游局", "--create-unit")
    return server


def test_reviewer_uploads_reports_and_sees_the_required_findings(
    people: Server, context: BrowserContext
) -> None:
    server = people
    page = context.new_page()
    login(page, server, "reviewer", PASSWORD)
    page.goto(f"{server.url}/upload")
    files = _files()
    page.locator("#pick-files").set_input_files([str(f) for f in files])
    screenshot(page, "upload-chosen", server)
    page.get_by_role("button", name="上传并读取").click()
    rows = page.locator("#upload-rows tr")
    expect(rows).to_have_count(len(files))
    expect(page.locator("#upload-rows .state-busy")).to_have_count(0, timeout=240_000)
    screenshot(page, "upload", server)

    links: dict[str, str] = {}
    for i, file in enumerate(files):
        row = rows.nth(i)
        expect(row).to_contain_text(file.name)
        expect(row).to_contain_text("完成")
        href = row.locator("a").first.get_attribute("href")
        assert href and re.fullmatch(r"/evaluations/\d+", href), row.inner_text()
        links[file.name] = href

    for file in files:
        facts = _facts(file)
        page.goto(server.url + links[file.name])
        codes = _codes(page)
        assert set(facts["must"]) <= codes, (file.name, codes)  # type: ignore[arg-type]
        assert not set(facts["must_not"]) & codes, (file.name, codes)  # type: ignore[arg-type]
        project = facts["project"]
        assert isinstance(project, dict)
        expect(page.locator("h1")).to_contain_text(str(project["name_contains"]))
    page.goto(server.url + links["004_4158cb152188c568.txt"])
    screenshot(page, "evaluation", server)

    # The same bytes again: recognised by content, nothing imported twice.
    page.goto(f"{server.url}/upload")
    page.locator("#pick-files").set_input_files(str(files[0]))
    page.get_by_role("button", name="上传并读取").click()
    expect(page.locator("#upload-rows tr").first).to_contain_text("已在库中")

    page.goto(f"{server.url}/evaluations")
    expect(page.locator("table.data tbody tr").first).to_be_visible()
    screenshot(page, "list", server)
    page.goto(f"{server.url}/")
    screenshot(page, "dashboard", server)


def test_editing_an_actual_value_rescores_and_is_logged(
    people: Server, context: BrowserContext, tmp_path: Path
) -> None:
    server = people
    page = context.new_page()
    login(page, server, "admin", server.admin_password)
    page.goto(f"{server.url}/evaluations?q=社会保障")
    page.locator("table.data tbody tr a[href^='/evaluations/']").first.click()
    evaluation_url = page.url
    evaluation_id = evaluation_url.rsplit("/", 1)[1]
    record = page.request.get(f"{server.url}/api/evaluations/{evaluation_id}").json()
    ev = record  # the contract, with meta and downloads beside it
    # A row with a quantified target that earned points: an actual of 0 must lose them.
    index = next(
        i
        for i, ind in enumerate(ev["indicators"])
        if ind.get("target")
        and ind["target"].get("value") is not None
        and Decimal(ind.get("computed_score") or 0) > 0
        and ind["target"].get("op") in (">=", ">", "=", "~")
    )
    before_total = Decimal(ev["computed"]["total"])
    history_before = page.locator("#history tbody tr").count()

    page.locator(".evaluation-head").get_by_role("link", name="编辑", exact=True).click()
    actual = page.locator("input[name='ind_actual']").nth(index)
    actual.fill("0")
    preview_total = page.locator("#preview .big strong")
    expect(preview_total).not_to_have_text(f"{before_total:.2f}", timeout=15_000)  # live re-score
    screenshot(page, "editor", server)
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+$"))
    assert page.url != evaluation_url  # a new version
    after = page.request.get(page.url.replace("/evaluations/", "/api/evaluations/")).json()
    after_ev = after
    assert Decimal(after_ev["computed"]["total"]) < before_total
    assert after_ev["indicators"][index]["actual"]["text"] == "0"
    history = page.locator("#history tbody tr")
    expect(history).not_to_have_count(history_before)
    assert history.count() > history_before
    expect(page.locator("#history")).to_contain_text("实际完成值")
    expect(page.locator("#history")).to_contain_text("复核得分")

    # Export the 自评表 and open the downloaded workbook.
    with page.expect_download() as download:
        page.locator("a[href$='/export/table.xlsx']").click()
    assert download.value.suggested_filename.endswith("自评表.xlsx")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    text = " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value)
    assert "社会保障专项" in text and "自评" in text


def test_unit_writes_reviewer_returns_other_unit_is_refused(
    people: Server, browser_context_pair: tuple[Page, Page, Page]
) -> None:
    server = people
    edu, culture, reviewer = browser_context_pair
    login(edu, server, "edu", PASSWORD)
    edu.goto(f"{server.url}/evaluations/new")
    expect(edu.locator("form#editor-form")).to_contain_text("某市教育局")  # the unit is fixed
    edu.locator("#f-name").fill("校园安全设施改造")
    edu.locator("#f-year").fill("2024")
    edu.locator("#f-planned").fill("50万元")
    edu.locator("#f-executed").fill("45万元")
    edu.locator("input[name='ind_level2']").first.fill("数量指标")
    edu.locator("input[name='ind_name']").first.fill("改造学校数")
    edu.locator("input[name='ind_weight']").first.fill("50")
    edu.locator("input[name='ind_target']").first.fill("≥10所")
    edu.locator("input[name='ind_actual']").first.fill("8所")
    expect(edu.locator("#preview")).to_contain_text("复核得分", timeout=15_000)
    edu.get_by_role("button", name="提交审核").click()
    edu.wait_for_url(re.compile(r"/evaluations/\d+$"))
    url = edu.url
    evaluation_id = url.rsplit("/", 1)[1]

    login(reviewer, server, "reviewer", PASSWORD)
    reviewer.goto(url)
    # A POST without the CSRF token is refused, whoever sends it.
    forged = reviewer.request.post(f"{url}/status", form={"status": "审核通过"})
    assert forged.status == 403
    reviewer.locator("#review-comment").fill("请补充改造学校名单")
    reviewer.locator("#action-bar").get_by_role("button", name="退回修改").click()
    expect(reviewer.locator("#review")).to_contain_text("退回修改")

    edu.reload()
    expect(edu.locator("#review")).to_contain_text("请补充改造学校名单")
    # Units do not review: the action bar offers them no review step.
    expect(edu.locator("#action-bar button[formaction$='/review/return']")).to_have_count(0)

    login(culture, server, "culture", PASSWORD)
    culture.goto(url)
    expect(culture.locator("h1")).to_have_text("未找到")
    screenshot(culture, "refused", server)
    assert culture.request.get(f"{server.url}/api/evaluations/{evaluation_id}").status == 404
    assert culture.request.get(f"{url}/export/table.xlsx").status == 404
    culture.goto(f"{server.url}/evaluations")
    expect(culture.locator("main")).not_to_contain_text("校园安全设施改造")
