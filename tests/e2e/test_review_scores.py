"""核定得分 in Chromium against the real server (SQLite and PostgreSQL): a reviewer opens the 002
report, whose qualitative rows carry 70 of 80 indicator points unverified, enters a 核定得分 on a
qualitative row — refused without a 扣分原因, kept with one — sees the 核定总分 and 核定等级 follow,
and downloads the 复核意见书, which holds it all. Screenshot: docs/images/review-scores.png."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import BrowserContext
from playwright.sync_api import expect

from e2e.conftest import SCREENSHOTS
from e2e.conftest import Server
from e2e.conftest import login

SEED_002 = next((Path(__file__).resolve().parents[1] / "data" / "seeds").glob("002_*.txt"))
PASSWORD = "e2e-pass-2024"


@pytest.fixture(scope="module")
def imported(server: Server) -> Server:
    done = server.cli(
        "user",
        "add",
        "scorer",
        "--role",
        "reviewer",
        "--name",
        "复核员乙",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    loaded = server.cli("import", str(SEED_002))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    return server


def test_reviewer_enters_a_decided_score_and_downloads_the_opinion(
    imported: Server, context: BrowserContext, tmp_path: Path
) -> None:
    server = imported
    page = context.new_page()
    login(page, server, "scorer", PASSWORD)
    page.goto(f"{server.url}/evaluations?sort=unverified&order=desc")
    row = page.locator("table.evaluation-list tbody tr", has_text="基层政权和社区建设").first
    expect(row).to_contain_text("87.50%")  # the 未核验 column
    row.get_by_role("link", name="基层政权和社区建设").click()

    section = page.locator("#review-scores")
    expect(section.locator("#decided-total")).to_have_text("97.00")  # loaded by htmx
    expect(section.locator("#verification")).to_contain_text("沿用自评（未经核验）70.00 分")

    # Row 3, 标杆中心戒毒社区创建工作: a qualitative row the rules kept at its claim (10).
    score = section.get_by_label(re.compile("核定得分（第 3 行"))
    score.fill("8")
    section.locator("#rs-2").get_by_role("button", name=re.compile("保存")).click()
    alert = page.locator("#rs-error-2")
    expect(alert).to_contain_text("必须填写扣分原因")
    expect(page.locator("#decided-total")).to_have_text("97.00")

    page.locator("#rs-reason-2").fill("戒毒社区创建未提供验收文件")
    page.locator("#rs-2").get_by_role("button", name=re.compile("保存")).click()
    expect(page.locator("#decided-total")).to_have_text("95.00")
    expect(page.locator("#decided-grade")).to_contain_text("优")
    expect(page.locator("#verification")).to_contain_text("沿用自评（未经核验）60.00 分")
    expect(page.locator("#review-scores [role=status]")).to_contain_text("已保存第 3 行")
    expect(page.locator("#rs-score-2")).to_have_value("8.00")

    if server.database_url.startswith("sqlite"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # the section's head under the page's sticky action bar, the edited row in view
        page.set_viewport_size({"width": 1366, "height": 1000})
        page.evaluate("window.scrollTo(0, document.getElementById('review-scores').offsetTop - 110)")
        page.screenshot(path=str(SCREENSHOTS / "review-scores.png"))

    with page.expect_download() as download:
        page.locator("#review-scores a[href$='/opinion.xlsx']").click()
    assert download.value.suggested_filename.endswith("复核意见书.xlsx")
    path = tmp_path / "opinion.xlsx"
    download.value.save_as(path)
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    facts = {
        r[0].value: r[1].value for r in ws.iter_rows() if r[0].value in ("审核状态", "审核人", "审核意见")
    }
    assert set(facts) == {"审核状态", "审核人", "审核意见"} and facts["审核状态"]
    totals = {
        r[0].value: r[1].value for r in ws.iter_rows() if r[0].value in ("自评得分", "复核得分", "核定得分")
    }
    assert totals == {"自评得分": 97, "复核得分": 97, "核定得分": 95}
    third = next(r for r in ws.iter_rows(values_only=True) if r[0] == 3)
    assert third[3:10] == ("标杆中心戒毒社区创建工作", 10, 10, None, 8, "核定", "戒毒社区创建未提供验收文件")
