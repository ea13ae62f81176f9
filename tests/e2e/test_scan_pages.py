"""A scan's pages in the batch upload's progress, in Chromium against the real server: a two-page
150 dpi scan is sent beside an ordinary file, and while the server's worker recognises it the
polled progress names it with its pages recognised so far (issue 14: "progress shows pages"),
before the batch is finished; once it is, no page line is left. The upload page's own uploads
(one request per file) show the same in the file's row. Screenshot:
docs/images/web-batch-scan-pages.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from PIL import ImageSequence
from playwright.sync_api import BrowserContext
from playwright.sync_api import expect

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot

DATA = Path(__file__).resolve().parents[1] / "data"
SCAN = DATA / "scans" / "002-150dpi.tif"
SEED = sorted((DATA / "seeds").glob("*.txt"))[0]

# The status line and the one page line (the ordinary file has none) in one drawing of the polled
# section (htmx swaps it whole).
PAGES_WHILE_READING = """([name, page]) => {
  const section = document.querySelector("#batch-progress");
  const status = section && section.querySelector("#batch-status");
  const lines = section ? section.querySelectorAll("#batch-pages li") : [];
  return !!status && status.textContent.includes("处理中") && lines.length === 1
    && lines[0].textContent.includes("正在识别 " + name + "，已识别 " + page + "/2 页");
}"""


# The pages live in the server's memory, whatever the database: SQLite alone keeps OCR's time down.
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_the_batch_progress_shows_a_scans_pages_as_they_are_read(
    server: Server, context: BrowserContext
) -> None:
    page = context.new_page()
    login(page, server, "admin", server.admin_password)
    page.goto(f"{server.url}/upload")
    page.locator("#batch-files").set_input_files([SEED, SCAN])
    page.get_by_role("button", name="提交批次").click()
    page.wait_for_url(re.compile(r"/uploads/batches/\d+$"))
    page.wait_for_function(PAGES_WHILE_READING, arg=[SCAN.name, 1], timeout=240_000)
    screenshot(page, "batch-scan-pages", server)
    expect(page.locator("#batch-status")).to_contain_text("已完成", timeout=240_000)
    expect(page.locator("#batch-pages")).to_have_count(0)
    expect(page.locator("#batch-progress tbody tr.status-done")).to_have_count(2)


def _other_copy(folder: Path) -> Path:
    """The scan's pages in a file of other bytes (not already held from the batch above)."""
    with Image.open(SCAN) as scan:
        frames = [frame.copy() for frame in ImageSequence.Iterator(scan)]
    copy = folder / "单张上传的扫描件.tif"
    frames[0].save(copy, save_all=True, append_images=frames[1:], compression="tiff_deflate", dpi=(150, 150))
    return copy


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_a_single_upload_shows_its_scans_pages_in_its_row(
    server: Server, context: BrowserContext, tmp_path: Path
) -> None:
    scan = _other_copy(tmp_path)
    page = context.new_page()
    login(page, server, "admin", server.admin_password)
    page.goto(f"{server.url}/upload")
    page.locator("#pick-files").set_input_files([str(scan)])
    page.get_by_role("button", name="上传并读取").click()
    row = page.locator("#upload-rows tr").first
    expect(row).to_contain_text("读取中 · 已识别 1/2 页", timeout=240_000)
    expect(row).to_contain_text("完成", timeout=240_000)
    expect(row).not_to_contain_text("已识别")
