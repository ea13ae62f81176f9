"""One check of the target and one atomic writer for every document jixiao writes: the
自评表/自评报告, the 复核报告 and the 汇总报告 refuse and fail alike, and leave nothing behind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from jixiao.errors import JixiaoError
from jixiao.export.errors import ExportError
from jixiao.export.files import write_atomic
from jixiao.export.files import write_text_atomic

SRC = Path(__file__).resolve().parents[2] / "src" / "jixiao"


def test_written_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "报告.html"
    write_text_atomic(out, "<p>一</p>")
    assert out.read_text(encoding="utf-8") == "<p>一</p>"

    def broken(path: Path) -> None:
        path.write_text("<p>半", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError, match=r"无法写入 .*报告\.html"):
        write_atomic(out, broken)
    assert out.read_text(encoding="utf-8") == "<p>一</p>"  # the old file stands
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.html"]  # no temporary left


def test_every_writer_refuses_alike(tmp_path: Path) -> None:
    from jixiao.export.api import write_review
    from jixiao.portfolio.report import check_report_path

    for refuse, what in ((lambda p: write_review([], p), "复核报告"), (check_report_path, "汇总报告")):
        with pytest.raises(JixiaoError) as err:
            refuse(tmp_path / "x.pdf")
        assert err.value.message == f"{what}不能导出为“.pdf”文件：可用 .xlsx、.html。"
        with pytest.raises(JixiaoError, match=r"目录 .* 不存在"):
            refuse(tmp_path / "无此目录" / "x.xlsx")


def test_only_one_module_writes_documents_atomically() -> None:
    """No writer of documents keeps its own rename-into-place (the archive of originals is storage's)."""
    renaming = sorted(
        str(path.relative_to(SRC))
        for package in ("export", "portfolio", "cli")
        for path in (SRC / package).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in {"replace", "rename"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )
    assert renaming == ["export/files.py"]
