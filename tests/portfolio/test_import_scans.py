"""``jixiao import`` takes scans (images, multi-page TIFF) like any other submission, and the
process executor passes their page progress on."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.intake.limits import Limits
from jixiao.portfolio.executors import ProcessExecutor
from jixiao.portfolio.importer import import_paths
from jixiao.storage.db import open_database
from jixiao.storage.store import Store

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="Noto CJK fonts (scripts/system-deps)")


def drawn(lines: tuple[str, ...]) -> Image.Image:
    page = Image.new("RGB", (1000, 120 + 90 * len(lines)), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), 36)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 90 * i), line, fill="black", font=font)
    return page


def scans(inbox: Path) -> None:
    inbox.mkdir(parents=True)
    drawn(("项目名称：社区养老服务", "预算数：120.00 万元")).save(inbox / "照片.png")
    first, second = drawn(("项目名称：河道综合治理",)), drawn(("自评得分：91 分",))
    first.save(inbox / "扫描.tif", save_all=True, append_images=[second])


def test_cli_import_takes_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "收件箱"
    scans(inbox)
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["import", str(inbox), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "新导入 2 个" in result.output
    assert "无法读取 0 个" in result.output


def test_process_executor_reports_scan_pages(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    scans(inbox)
    seen: list[tuple[str, int, int]] = []
    executor = ProcessExecutor(
        1, Limits(), on_page=lambda path, done, total: seen.append((path.name, done, total))
    )
    db = open_database(f"sqlite:///{tmp_path / 'jixiao.db'}")
    result = import_paths([inbox], Store(db), executor, tmp_path / "data")
    assert (result.imported, result.unreadable) == (2, 0)
    assert sorted(seen) == [("扫描.tif", 1, 2), ("扫描.tif", 2, 2), ("照片.png", 1, 1)]
