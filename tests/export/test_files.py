"""One check of the target and one atomic writer for every document jixiao writes: the
自评表/自评报告, the 复核报告 and the 汇总报告 refuse and fail alike, and leave nothing behind."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

from jixiao.errors import JixiaoError
from jixiao.export.errors import ExportError
from jixiao.export.files import saved_bytes
from jixiao.export.files import write_atomic

SRC = Path(__file__).resolve().parents[2] / "src" / "jixiao"


def test_written_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "报告.html"
    write_atomic(out, "<p>一</p>")  # a text is written as UTF-8
    assert out.read_text(encoding="utf-8") == "<p>一</p>"
    write_atomic(out, "<p>二</p>".encode())  # bytes as they are, replacing the old file whole
    assert out.read_bytes() == "<p>二</p>".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.html"]

    # a failure at the last step (a folder stands where the file would go) leaves no temporary
    taken = tmp_path / "占用.xlsx"
    taken.mkdir()
    (taken / "里面.txt").write_text("别动", encoding="utf-8")
    with pytest.raises(ExportError, match=r"无法写入 .*占用\.xlsx"):
        write_atomic(taken, b"PK")
    assert (taken / "里面.txt").read_text(encoding="utf-8") == "别动"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["占用.xlsx", "报告.html"]


def test_documents_are_bytes_saved_in_memory() -> None:
    from docx import Document
    from openpyxl import Workbook
    from openpyxl import load_workbook

    wb = Workbook()
    wb.active["A1"] = "自评表"
    content = saved_bytes(wb)
    assert content[:2] == b"PK"
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "自评表"
    doc = Document()
    doc.add_paragraph("自评报告")
    assert Document(io.BytesIO(saved_bytes(doc))).paragraphs[0].text == "自评报告"


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
