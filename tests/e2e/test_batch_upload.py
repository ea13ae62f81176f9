"""A batch upload in Chromium against the real server: files and a .zip chosen on the upload page,
sent with the batch form's script, read in the background while the page polls its progress; the
page closed mid-way loses nothing; the batch's result is the list's “本批” filter, and its review
workbook downloads from there. Screenshots: docs/images/web-batch-*.png."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import BrowserContext
from playwright.sync_api import expect

from e2e.conftest import Server
from e2e.conftest import login
from e2e.conftest import screenshot

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))
FORMATS = [p for p in sorted((DATA / "formats").iterdir()) if p.suffix in {".docx", ".xlsx"}]


def test_a_batch_upload_survives_the_closed_tab(
    server: Server, context: BrowserContext, tmp_path: Path
) -> None:
    archive = tmp_path / "二级单位材料.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in FORMATS:
            zf.write(p, f"二级单位/{p.name}")
    page = context.new_page()
    login(page, server, "admin", server.admin_password)
    page.goto(f"{server.url}/upload")
    page.locator("#batch-files").set_input_files([*SEEDS, archive])
    page.get_by_role("button", name="提交批次").click()
    page.wait_for_url(re.compile(r"/uploads/batches/\d+$"))
    batch_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("#batch-status")).to_contain_text("共 " + str(len(SEEDS) + len(FORMATS)) + " 个文件")
    screenshot(page, "batch-progress", server)
    page.close()  # the tab is closed while the server reads

    again = context.new_page()
    again.goto(f"{server.url}/uploads/batches/{batch_id}")
    expect(again.locator("#batch-status")).to_contain_text("已完成", timeout=300_000)
    expect(again.locator("#batch-progress tbody tr")).to_have_count(len(SEEDS) + len(FORMATS))
    expect(again.locator("#batch-progress")).to_contain_text(f"二级单位材料.zip/二级单位/{FORMATS[0].name}")
    screenshot(again, "batch-done", server)

    again.get_by_role("link", name="在评价列表中查看本批").click()
    again.wait_for_url(re.compile(rf"/evaluations\?batch={batch_id}"))
    expect(again.get_by_label("本批")).to_have_value(str(batch_id))
    rows = again.locator("table.evaluation-list tbody tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    assert count >= len(SEEDS)  # every seed, and the office twins (a twin may hold one form or several)
    screenshot(again, "batch-list", server)

    with again.expect_download() as download:
        again.get_by_role("link", name="下载复核工作簿（当前筛选）").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["汇总", "问题明细"]
    names = [r[1] for r in book["汇总"].iter_rows(min_row=4, values_only=True)]
    assert len(names) == count
    assert not [n for n in names if str(server.data_dir) in str(n) or str(n).startswith("/")]
