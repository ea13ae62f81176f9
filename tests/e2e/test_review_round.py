"""Issue 19's done-when test: 20 submissions carried through a review round in Chromium, on SQLite
and on PostgreSQL.

A reviewer uploads a zip of 20 reports (a generated inbox of four units) as a background batch,
opens a round for the year with a deadline and a fifth unit that sends nothing, claims one report
from the queue (a second reviewer sees the claim and is offered only a take-over), 退回 it — an
empty reason is refused — and passes the clean ones in bulk. The unit lands on its 待办, sees the
reason, edits and 提交审核; the new version shows the reason as 上次审核意见. The reviewer enters a
核定得分 with its 扣分原因 on a row carried over from the claim, approves it, and the unit can no
longer edit it; the 复核意见书 holds the status, the reviewer, the 核定得分 and its reason; the
round's page shows who has not submitted and the progress per unit and per reviewer.
Screenshots of each step go to docs/images/web-round-*.png (from the SQLite run).
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot

BENCH = Path(__file__).resolve().parents[2] / "bench"
PASSWORD = "e2e-round-2024"
FILES = 20
YEAR = "2024"
CLERK_UNIT = "新华长丰镇人民政府"  # the generated inbox's largest unit (seed 19)
SILENT_UNIT = "某区未报送单位"
RETURN_REASON = "请补充项目实施进度的说明，并核实满意度调查的样本数"
SCORE_REASON = "满意度调查样本不足30份，结论依据不充分"


def _inbox(tmp: Path) -> tuple[Path, list[str]]:
    """20 generated reports of four units (docx, txt, xlsx) zipped as a unit would send them;
    the zip and the units the files name."""
    sys.path.insert(0, str(BENCH))
    try:
        import inbox  # bench/ is not a package of the tests
    finally:
        sys.path.remove(str(BENCH))
    out = tmp / "inbox"
    inbox.generate(out, FILES, seed=19, formats=("docx", "txt", "xlsx"), pdf_share=0.0, workers=1, log=None)
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "ground_truth.jsonl")
    assert len(files) == FILES
    units = sorted({json.loads(line)["path"].split("/")[0] for line in (out / "ground_truth.jsonl").open()})
    archive = tmp / "报送材料.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.write(f, f.relative_to(out).as_posix())
    return archive, units


def _add_user(server: Server, *args: str) -> None:
    done = server.cli("user", "add", *args, "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def people(server: Server) -> Server:
    _add_user(server, "rev1", "--role", "reviewer", "--name", "审核员甲")
    _add_user(server, "rev2", "--role", "reviewer", "--name", "审核员乙")
    _add_user(
        server, "clerk", "--role", "unit", "--unit", CLERK_UNIT, "--create-unit", "--name", "长丰镇填报员"
    )
    _add_user(server, "silent", "--role", "unit", "--unit", SILENT_UNIT, "--create-unit")
    return server


def _page(browser: Browser) -> tuple[BrowserContext, Page]:
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    ctx.set_default_timeout(30_000)
    return ctx, ctx.new_page()


def _api(page: Page, server: Server, path: str) -> dict:  # type: ignore[type-arg]
    response = page.request.get(f"{server.url}{path}")
    assert response.ok, response.text()
    data: dict = response.json()  # type: ignore[type-arg]
    return data


def _wait_for_batch(page: Page, seconds: float = 240) -> None:
    """Until the batch page says it is done: htmx refreshes it in place, and without htmx (a
    checkout without the vendored script) the page is reloaded, as a user would."""
    deadline = time.monotonic() + seconds
    while page.locator("#batch-progress").get_attribute("data-done") != "true":
        assert time.monotonic() < deadline, page.locator("#batch-status").inner_text()
        page.wait_for_timeout(1000)
        if page.locator("#batch-progress").get_attribute("data-done") != "true":
            page.reload()


def test_twenty_submissions_through_a_round(people: Server, browser: Browser, tmp_path: Path) -> None:
    server = people
    archive, units = _inbox(tmp_path)
    assert CLERK_UNIT in units
    contexts = []
    try:
        ctx, rev1 = _page(browser)
        contexts.append(ctx)
        login(rev1, server, "rev1", PASSWORD)

        # 1. The zip goes up as a background batch; its 20 reports are read and listed.
        rev1.goto(f"{server.url}/upload")
        rev1.locator("#batch-files").set_input_files(str(archive))
        rev1.locator("#batch-form input[name='year']").fill(YEAR)
        rev1.get_by_role("button", name="提交批次").click()
        rev1.wait_for_url(re.compile(r"/uploads/batches/\d+"))
        _wait_for_batch(rev1)
        expect(rev1.locator("#batch-status")).to_contain_text(f"共 {FILES} 个文件")
        screenshot(rev1, "round-1-upload", server)
        listed = _api(rev1, server, f"/api/evaluations?year={YEAR}")
        assert listed["total"] >= FILES
        unit_ids = {u["name"]: u["id"] for u in listed["choices"]["units"]}
        assert set(units) <= set(unit_ids)

        # 2. The round: the year, a deadline, the four units that sent files and one that did not.
        rev1.goto(f"{server.url}/rounds")
        rev1.get_by_label("批次名称").fill(f"{YEAR} 年度项目支出绩效自评")
        rev1.get_by_label("年度").fill(YEAR)
        rev1.get_by_label("截止日期").fill("2099-06-30")
        for name in [*units, SILENT_UNIT]:
            rev1.get_by_label(name, exact=True).check()
        rev1.get_by_role("button", name="开启批次").click()
        rev1.wait_for_url(re.compile(r"/rounds/\d+$"))
        round_url = rev1.url
        expect(rev1.locator("main")).to_contain_text("未报送（1）")
        expect(rev1.locator("main")).to_contain_text(SILENT_UNIT)

        # 3. The queue over the list's filter: claim one of the clerk's reports.
        mine = _api(rev1, server, f"/api/evaluations?year={YEAR}&unit={unit_ids[CLERK_UNIT]}&status=已提交")
        target = next(r for r in mine["rows"] if r["errors"])  # one the bulk pass must leave
        rev1.goto(f"{server.url}/evaluations?year={YEAR}&status=已提交")
        rev1.locator(f"table.data tbody a[href^='/evaluations/{target['id']}?']").first.click()
        bar = rev1.locator("#action-bar")
        expect(bar).to_contain_text("下一份")
        expect(bar).to_contain_text("快捷键")
        bar.get_by_role("button", name="认领审核").click()
        expect(bar).to_contain_text("审核中（审核员甲）")
        screenshot(rev1, "round-2-queue", server)

        # A second reviewer sees the claim and can only take it over, explicitly.
        ctx, rev2 = _page(browser)
        contexts.append(ctx)
        login(rev2, server, "rev2", PASSWORD)
        rev2.goto(f"{server.url}/evaluations/{target['id']}")
        expect(rev2.locator("#action-bar")).to_contain_text("正由 审核员甲 审核中")
        expect(rev2.locator("#action-bar").get_by_role("button", name="接手审核")).to_be_visible()
        expect(rev2.locator("#action-bar").get_by_role("button", name="审核通过")).to_have_count(0)
        screenshot(rev2, "round-3-claimed", server)

        # 4. 退回修改: an empty reason is refused in Chinese, then the reason is kept.
        bar.get_by_role("button", name="退回修改").click()
        expect(rev1.locator(".alert.error")).to_contain_text("“退回修改”必须填写原因")
        rev1.locator("#review-comment").fill(RETURN_REASON)
        rev1.locator("#action-bar").get_by_role("button", name="退回修改").click()
        expect(rev1.locator("#return-reason")).to_contain_text(RETURN_REASON)
        screenshot(rev1, "round-4-returned", server)

        # 5. Bulk 通过 of the selected ones without error findings; the others are listed with why.
        rev1.goto(f"{server.url}/evaluations?year={YEAR}&status=已提交")
        boxes = rev1.locator("input[name='ids']")
        for i in range(boxes.count()):
            boxes.nth(i).check()
        rev1.get_by_role("button", name="批量通过所选").click()
        expect(rev1.locator("h1")).to_have_text("批量通过")
        screenshot(rev1, "round-5-bulk", server)
        after_bulk = _api(rev1, server, f"/api/evaluations?year={YEAR}&status=审核通过")
        assert after_bulk["total"] > 0
        assert all(r["errors"] == 0 for r in after_bulk["rows"])

        # 6. The unit's home is its 待办: the returned report with the reason.
        ctx, clerk = _page(browser)
        contexts.append(ctx)
        login(clerk, server, "clerk", PASSWORD)
        assert clerk.url.endswith("/todo")
        expect(clerk.locator("main")).to_contain_text("退回修改（1）")
        expect(clerk.locator("main")).to_contain_text(RETURN_REASON)
        screenshot(clerk, "round-6-todo", server)

        # 7. It edits with the reason in view and submits; the new version shows 上次审核意见.
        clerk.get_by_role("link", name="修改后重新提交").click()
        expect(clerk.locator("#last-review")).to_contain_text(RETURN_REASON)
        clerk.locator("textarea[name='problems']").fill("已补充项目实施进度说明；满意度调查样本数为32份。")
        clerk.get_by_role("button", name="提交审核").click()
        clerk.wait_for_url(re.compile(r"/evaluations/\d+$"))
        second = int(clerk.url.rsplit("/", 1)[1])
        assert second != target["id"]
        expect(clerk.locator("#last-review")).to_contain_text(RETURN_REASON)
        expect(clerk.locator("#action-bar")).to_contain_text("第 2 版")
        expect(clerk.locator("#action-bar")).to_contain_text("已提交")
        screenshot(clerk, "round-7-resubmitted", server)

        # 8. The reviewer finds it among new submissions, enters a 核定得分 with its reason on a
        # row carried over from the claim, and approves it.
        rev1.goto(f"{server.url}/todo")
        rev1.locator(f"a[href^='/evaluations/{second}?']").first.click()
        expect(rev1.locator("#last-review")).to_contain_text(RETURN_REASON)
        rev1.goto(f"{server.url}/evaluations/{second}/review-scores")
        carried = rev1.locator("tr.carried:has(input[name='score'])").first
        expect(carried).to_be_visible()
        carried.locator("input[name='score']").fill("0")
        carried.locator("textarea[name='reason']").fill(SCORE_REASON)
        carried.get_by_role("button", name="保存").click()
        expect(rev1.locator("#review-scores")).to_contain_text(SCORE_REASON)
        screenshot(rev1, "round-8-scores", server)
        rev1.goto(f"{server.url}/evaluations/{second}")
        rev1.locator("#review-comment").fill("同意。已按意见补充说明。")
        rev1.locator("#action-bar").get_by_role("button", name="审核通过").click()
        expect(rev1.locator("#action-bar")).to_contain_text("审核通过")
        expect(rev1.locator("#action-bar")).to_contain_text("已锁定")
        screenshot(rev1, "round-9-approved", server)

        # 9. The unit can no longer change it, in the page and by the form's URL.
        clerk.goto(f"{server.url}/evaluations/{second}")
        expect(clerk.locator(f"a[href='/evaluations/{second}/edit']")).to_have_count(0)
        expect(clerk.locator("#action-bar")).to_contain_text("已锁定")
        clerk.goto(f"{server.url}/evaluations/{second}/edit")
        expect(clerk.locator("main")).to_contain_text("已审核通过并锁定")
        screenshot(clerk, "round-10-locked", server)

        # 10. The 复核意见书 holds it all: state, reviewer, 核定得分 and its reason.
        opinion = rev1.request.get(f"{server.url}/evaluations/{second}/opinion.xlsx")
        assert opinion.ok, opinion.text()
        book = openpyxl.load_workbook(io.BytesIO(opinion.body()))
        text = " ".join(
            str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None
        )
        for wanted in ("审核通过", "审核员甲", "核定得分", SCORE_REASON, "同意。已按意见补充说明。"):
            assert wanted in text, wanted

        # 11. The round: who has not submitted, and the review's progress per unit and reviewer.
        rev1.goto(round_url)
        main = rev1.locator("main")
        expect(main).to_contain_text("未报送（1）")
        expect(main).to_contain_text("按审核人员的进度")
        reviewer_row = rev1.locator("section:has(#rev-h) tbody tr:has-text('审核员甲')")
        expect(reviewer_row).to_be_visible()
        clerk_row = rev1.locator(f"section:has(#unit-h) tbody tr:has-text('{CLERK_UNIT}')")
        expect(clerk_row).to_be_visible()
        screenshot(rev1, "round-11-progress", server)
        progress = rev1.request.get(round_url, headers={"Accept": "application/json"}).json()
        statuses = [r["status"] for r in progress["progress"]["rows"]]
        assert statuses.count("未报送") == 1 and "审核通过" in statuses
    finally:
        for c in contexts:
            c.close()
