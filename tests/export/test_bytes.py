"""Every document is made as bytes: the web sends them as they are, and only the CLI edge writes
files (through ``export.files.write_atomic``)."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from export.support import SEED_002
from export.support import scored
from jixiao.export import ExportError
from jixiao.export import export_evaluation
from jixiao.export import write_review
from jixiao.export.api import evaluation_bytes
from jixiao.export.api import review_bytes
from jixiao.portfolio.report import report_bytes

SRC = Path(__file__).resolve().parents[2] / "src" / "jixiao"


def _cells(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_the_table_and_report_as_bytes_are_what_the_files_hold(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    workbook = evaluation_bytes(ev, scheme, ".xlsx")
    written = export_evaluation(ev, scheme, tmp_path / "自评表.xlsx")
    assert _cells(workbook) == _cells(written.read_bytes())
    assert any("基层政权和社区建设" in str(v) for row in _cells(workbook) for v in row if v)

    report = docx.Document(io.BytesIO(evaluation_bytes(ev, scheme, ".docx", kind="report")))
    assert next(p.text for p in report.paragraphs if p.style.name == "Heading 1") == "一、项目基本情况"
    table = docx.Document(io.BytesIO(evaluation_bytes(ev, scheme, ".docx")))
    assert table.paragraphs[0].text == "2018年度基层政权和社区建设项目绩效自评表"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["自评表.xlsx"]  # the bytes touched no file


@pytest.mark.parametrize(
    ("suffix", "kind", "message"),
    [
        (".xlsx", "report", "自评报告不能导出为“.xlsx”文件：可用 .docx、.pdf。"),
        (".odt", "table", "自评表不能导出为“.odt”文件：可用 .xlsx、.docx、.pdf。"),
        ("", "table", "自评表不能导出为“（无扩展名）”文件"),
    ],
)
def test_bytes_refuse_a_format_in_the_words_of_the_files(suffix: str, kind: str, message: str) -> None:
    ev, scheme = scored(SEED_002)
    with pytest.raises(ExportError) as err:
        evaluation_bytes(ev, scheme, suffix, kind=kind)
    assert err.value.message.startswith(message)


def test_review_report_bytes(tmp_path: Path) -> None:
    ev, _ = scored(SEED_002)
    html = review_bytes([ev], ".html")
    assert html == write_review([ev], tmp_path / "复核报告.html").read_bytes()
    assert "基层政权和社区建设" in html.decode("utf-8")
    rows = _cells(review_bytes([ev], ".xlsx"))
    assert any("基层政权和社区建设" in str(v) for row in rows for v in row if v)
    for refuse in (lambda: review_bytes([ev], ".pdf"), lambda: report_bytes(None, ".pdf")):  # type: ignore[arg-type]
        with pytest.raises(ExportError) as err:
            refuse()
        assert err.value.message.endswith("不能导出为“.pdf”文件：可用 .xlsx、.html。")


def test_writers_of_documents_touch_no_file() -> None:
    """Outside ``export/files.py`` (the one writer) and ``export/pdf.py`` (LibreOffice reads and
    writes files, in a private temporary folder), no exporter, report writer or web download
    opens, saves to or writes a path."""
    writing = {"open", "write_bytes", "write_text", "mkstemp", "NamedTemporaryFile", "TemporaryDirectory"}
    modules = [
        *(SRC / "export").glob("*.py"),
        *(SRC / "portfolio").glob("report*.py"),
        SRC / "web" / "downloads.py",
    ]
    found = sorted(
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in modules
        if path.name not in {"files.py", "pdf.py"}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in writing)
            or (isinstance(node.func, ast.Attribute) and node.func.attr in writing)
            or (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "save"
                and node.args
                and not (isinstance(node.args[0], ast.Name))
            )
        )
    )
    assert found == []
