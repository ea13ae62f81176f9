"""The unit clerk's editor end to end (issue 20), on both databases and at 390 px: from an empty
form to a printed 自评表 by pasting a 27-row block from Excel, leaving and coming back to the kept
draft, undoing a row's deletion, filling scores from the rules, saving, attaching evidence to a
row and to the evaluation, and downloading the 自评表. Screenshots go to docs/images/web-clerk-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot

PASSWORD = "e2e-clerk-2024"
ROWS = 27
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def excel_block() -> str:
    """27 indicator rows as Excel copies them (tabs, CRLF), in the official column order without a
    header: 一级 and 二级 only where a merged cell starts; the last row's target is qualitative."""
    lines = []
    for i in range(ROWS):
        output = i < 18
        first = i in (0, 18)
        level1 = ("产出指标" if output else "效益指标") if first else ""
        level2 = ("数量指标" if output else "社会效益指标") if first else ""
        if i == ROWS - 1:
            target, actual = "逐步完善", "基本完善"
        else:
            target, actual = f"≥{10 + i}人", f"{10 + i + (0 if i % 5 else -2)}人"
        weight = "3" if output else "4"
        lines.append(
            "\t".join([level1, level2, f"培训项目{i + 1:02d}参与人数", target, actual, weight, "", ""])
        )
    return "\r\n".join(lines) + "\r\n"


def paste(page: Page, selector: str, text: str) -> None:
    """Put ``text`` on the clipboard as Excel does, focus the element and press Ctrl+V."""
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin is not None
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin.group(0))
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.locator(selector).first.focus()
    page.keyboard.press("Control+V")


@pytest.fixture(scope="module")
def clerk(server: Server) -> Server:
    done = server.cli(
        "user", "add", "clerk", "--role", "unit", "--unit", "花山街道办事处", "--create-unit",
        "--name", "财务填报员", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return server


def test_the_clerk_goes_from_an_empty_form_to_a_printed_form(
    clerk: Server, browser: Browser, tmp_path: Path
) -> None:
    server = clerk
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    login(page, server, "clerk", PASSWORD)
    page.goto(f"{server.url}/evaluations/new")
    # A blank form opens without warnings.
    expect(page.locator("#preview")).to_contain_text("填写项目和指标后")
    expect(page.locator("#preview .sev-warning")).to_have_count(0)
    screenshot(page, "clerk-blank", server)

    page.locator("#f-name").fill("社会保障专项")
    page.locator("#f-year").fill("2020")
    page.locator("#f-planned").fill("80万元")
    page.locator("#f-executed").fill("76万元")
    page.locator("#f-category").fill("专项资金")
    page.locator("#f-filled_date").fill("2021-03-05")

    # Paste 27 rows from Excel (Ctrl+V) into the first row's 一级 cell: 27 rows.
    paste(page, "select[name='ind_level1']", excel_block())
    rows = page.locator("#ind-rows tr.ind-row")
    expect(rows).to_have_count(ROWS)
    expect(page.locator("#editor-toast")).to_contain_text(f"已粘贴 {ROWS} 行")
    names = page.locator("input[name='ind_name']")
    assert names.nth(0).input_value() == "培训项目01参与人数"
    assert names.nth(ROWS - 1).input_value() == f"培训项目{ROWS}参与人数"
    assert page.locator("select[name='ind_level1']").nth(20).input_value() == "效益指标"
    assert page.locator("input[name='ind_level2']").nth(17).input_value() == "数量指标"  # merged cell carried
    assert page.locator("input[name='ind_target']").nth(3).input_value() == "≥13人"
    # Kept on the server a moment later.
    expect(page.locator("#autosave-status")).to_contain_text("已自动暂存", timeout=15_000)
    expect(page.locator("#preview")).to_contain_text(f"培训项目{ROWS}参与人数", timeout=15_000)
    screenshot(page, "clerk-pasted", server)

    # A message under a cell is as wide as its words, not a character per line.
    weight = page.locator("input[name='ind_weight']").nth(1)
    weight.fill("三分")
    bubble = page.locator("#ind-rows tr.ind-row").nth(1).locator("[data-error-for='weight']")
    expect(bubble).to_contain_text("不是数字", timeout=15_000)
    box = bubble.bounding_box()
    assert box is not None and box["width"] > 120 and box["height"] < 60, box
    weight.fill("3")
    expect(bubble).to_be_empty(timeout=15_000)

    # A change not yet kept makes leaving ask first.
    page.locator("#f-implementer").fill("社区服务中心")
    asks = page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; }"
    )
    assert asks is True
    expect(page.locator("#autosave-status")).to_contain_text("已自动暂存", timeout=15_000)

    # Leave, come back: every row is there.
    page.goto(f"{server.url}/evaluations")
    page.goto(f"{server.url}/evaluations/new")
    expect(page.locator(".restored")).to_contain_text("已恢复您")
    expect(page.locator("#ind-rows tr.ind-row")).to_have_count(ROWS)
    assert page.locator("#f-implementer").input_value() == "社区服务中心"
    assert page.locator("input[name='ind_name']").nth(ROWS - 1).input_value() == f"培训项目{ROWS}参与人数"
    screenshot(page, "clerk-restored", server)

    # A row deleted by mistake comes back with 撤销.
    page.locator("#ind-rows tr.ind-row").nth(4).locator(".row-remove").click()
    expect(page.locator("#ind-rows tr.ind-row")).to_have_count(ROWS - 1)
    expect(page.locator("#editor-toast")).to_contain_text("已删除第5行“培训项目05参与人数”")
    screenshot(page, "clerk-undo", server)
    page.locator("#editor-toast").get_by_role("button", name="撤销").click()
    expect(page.locator("#ind-rows tr.ind-row")).to_have_count(ROWS)
    assert page.locator("input[name='ind_name']").nth(4).input_value() == "培训项目05参与人数"

    # Scores from the rules: every quantitative row filled, the qualitative one marked.
    page.get_by_role("button", name="按规则填入得分").click()
    page.wait_for_load_state()
    expect(page.locator("tr.needs-judgement")).to_have_count(1)
    expect(page.locator("tr.needs-judgement input[name='ind_name']")).to_have_value(f"培训项目{ROWS}参与人数")
    scores = page.locator("input[name='ind_claimed_score']")
    assert scores.nth(1).input_value() == "3"  # 11 of ≥11人
    assert scores.nth(0).input_value() not in ("", "3")  # 8 of ≥10人 loses points
    assert page.locator("#f-claimed_total").input_value() != ""
    screenshot(page, "clerk-filled", server)
    page.locator("tr.needs-judgement input[name='ind_claimed_score']").fill("3")
    page.locator("#f-claimed_total").fill("")  # let the rules' total stand for what is typed now
    page.get_by_role("button", name="按规则填入得分").click()
    page.wait_for_load_state()

    # Save; the draft is gone.
    page.locator("button[name='action'][value='save']").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+$"))
    evaluation_id = page.url.rsplit("/", 1)[1]

    # Evidence: one file for a row, one for the evaluation; viewable next to the row.
    page.goto(f"{server.url}/evaluations/{evaluation_id}/edit")
    expect(page.locator(".restored")).to_have_count(0)
    sheet = tmp_path / "培训签到表.pdf"
    sheet.write_bytes(PDF)
    photo = tmp_path / "现场照片.pdf"
    photo.write_bytes(PDF)
    form = page.locator("form.evidence-form")
    form.locator("input[name='file']").set_input_files(str(sheet))
    form.locator("select[name='indicator']").select_option("培训项目01参与人数")
    form.get_by_role("button", name="上传佐证材料").click()
    page.wait_for_url(re.compile(r"/edit#evidence$"))
    page.locator("form.evidence-form input[name='file']").set_input_files(str(photo))
    page.locator("form.evidence-form").get_by_role("button", name="上传佐证材料").click()
    page.wait_for_url(re.compile(r"/edit#evidence$"))
    expect(page.locator(".evidence-list li")).to_have_count(2)
    link = page.locator("#ind-rows tr.ind-row").first.locator("a.evidence-link")
    expect(link).to_contain_text("培训签到表")
    got = page.request.get(f"{server.url}{link.get_attribute('href')}")
    assert got.status == 200 and got.body() == PDF
    page.locator("#evidence").scroll_into_view_if_needed()
    screenshot(page, "clerk-evidence", server)

    # The 自评表: downloaded, with the pasted rows, the scores and the printed fields.
    page.goto(f"{server.url}/evaluations/{evaluation_id}")
    with page.expect_download() as download:
        page.locator("a[href$='/export/table.xlsx']").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    cells = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    text = " ".join(cells)
    assert "社会保障专项" in text and "花山街道办事处" in text
    assert all(f"培训项目{i + 1:02d}参与人数" in text for i in range(ROWS))
    assert "专项资金■" in text.replace(" ", "")  # the ■/□ choice the form prints
    assert "2021" in text
    ctx.close()


def test_the_editor_on_a_phone_stacks_a_rows_fields(clerk: Server, browser: Browser) -> None:
    server = clerk
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    login(page, server, "clerk", PASSWORD)
    page.goto(f"{server.url}/evaluations/new?fresh=1")
    block = "数量指标\t培训人数\t≥100人\t120人\t10\t10\r\n质量指标\t合格率\t≥95%\t98%\t10\t10\r\n"
    paste(page, "input[name='ind_level2']", block)  # into the first row's 二级 cell
    expect(page.locator("#editor-toast")).to_contain_text("已粘贴 2 行")
    expect(page.locator("#ind-rows tr.ind-row")).to_have_count(3)  # the blank form's three, two filled
    assert page.locator("input[name='ind_name']").nth(1).input_value() == "合格率"
    # Nothing of the editor wider than the screen (the top bar is the layout's, issue 20 part B);
    # a row's fields one under another.
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('.editor, .editor *'))
            .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > 391)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert wide == [], wide
    row = page.locator("#ind-rows tr.ind-row").first
    level2 = row.locator("input[name='ind_level2']").bounding_box()
    name = row.locator("input[name='ind_name']").bounding_box()
    assert level2 is not None and name is not None
    assert name["y"] > level2["y"] + level2["height"] - 1
    assert name["width"] > 250  # the whole width of the card, not a squeezed column
    row.scroll_into_view_if_needed()
    screenshot(page, "clerk-phone", server)
    ctx.close()
