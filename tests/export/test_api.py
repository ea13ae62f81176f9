"""``export_evaluation``: the document by suffix and kind, clear errors, nothing half-written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from export.support import SEED_002
from export.support import SEED_004
from export.support import scored
from jixiao.authoring import load_authored
from jixiao.export import ExportError
from jixiao.export import LayoutError
from jixiao.export import export_evaluation
from jixiao.export import load_layout
from jixiao.export.api import kind_of


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("自评表.docx", None, "table"),
        ("2024-社区建设-自评报告.docx", None, "report"),
        ("报告.pdf", None, "report"),
        ("自评表.docx", "report", "report"),
        ("自评报告.docx", "table", "table"),
    ],
)
def test_kind_of(name: str, kind: str | None, expected: str) -> None:
    assert kind_of(Path(name), kind) == expected


def test_unknown_kind() -> None:
    with pytest.raises(ExportError, match="不认识的文档类型“summary”"):
        kind_of(Path("x.docx"), "summary")


def test_docx_by_name_is_table_or_report(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    table = docx.Document(str(export_evaluation(ev, scheme, tmp_path / "自评表.docx")))
    report = docx.Document(str(export_evaluation(ev, scheme, tmp_path / "自评报告.docx")))
    assert table.paragraphs[0].text == "2018年度基层政权和社区建设项目绩效自评表"
    assert not [p for p in table.paragraphs if p.style.name == "Heading 1"]
    assert next(p.text for p in report.paragraphs if p.style.name == "Heading 1") == "一、项目基本情况"


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("自评报告.xlsx", None, "自评报告不能导出为“.xlsx”文件：可用 .docx、.pdf。"),
        ("自评表.odt", None, "自评表不能导出为“.odt”文件：可用 .xlsx、.docx、.pdf。"),
        ("自评表", None, "自评表不能导出为“（无扩展名）”文件"),
        ("自评表.xlsx", "report", "自评报告不能导出为“.xlsx”文件"),
    ],
)
def test_unsupported_outputs(tmp_path: Path, name: str, kind: str | None, message: str) -> None:
    ev, scheme = scored(SEED_002)
    with pytest.raises(ExportError) as err:
        export_evaluation(ev, scheme, tmp_path / name, kind=kind)
    assert message in err.value.message
    assert list(tmp_path.iterdir()) == []


def test_missing_directory(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    with pytest.raises(ExportError, match=r"目录 .*不存在"):
        export_evaluation(ev, scheme, tmp_path / "没有" / "自评表.xlsx")


def test_layouts_by_id_path_or_object(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_004)
    national = load_layout("mof-2020")
    for layout in ("mof-2020", national):
        out = export_evaluation(ev, scheme, tmp_path / "t.xlsx", layout=layout)
        assert load_workbook(out).active.title == "项目支出绩效自评表"
    with pytest.raises(LayoutError, match="没有这个表样"):
        export_evaluation(ev, scheme, tmp_path / "t.xlsx", layout="guangdong")
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "bad"\nname = "x"\ntitle = "t"\ncolumns = [1]\nsections = []\n', encoding="utf-8")
    with pytest.raises(LayoutError, match=r"表样 .*bad\.toml：.*指标表"):
        export_evaluation(ev, scheme, tmp_path / "t.xlsx", layout=bad)


def test_an_unscored_evaluation_is_scored_before_printing(tmp_path: Path) -> None:
    ev, scheme = load_authored(SEED_004)
    assert ev.computed.total is None and scheme is not None
    unstated = ev.model_copy(update={"claimed": ev.claimed.model_copy(update={"total": None})})
    ws = load_workbook(export_evaluation(unstated, scheme, tmp_path / "t.xlsx")).active
    total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "总分")
    assert str(ws.cell(row=total_row, column=3).value) == "97.67"


def test_overwrites_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    out = tmp_path / "自评表.xlsx"
    out.write_bytes(b"old")
    export_evaluation(ev, scheme, out)
    assert load_workbook(out).active["A1"].value.startswith("2018年度")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["自评表.xlsx"]


def test_a_failing_pdf_conversion_is_an_export_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ev, scheme = scored(SEED_002)
    monkeypatch.setenv("JIXIAO_PDF_ENGINE", "libreoffice")  # the 自评表 PDF as the .docx printed
    monkeypatch.setenv("JIXIAO_SOFFICE", "/bin/false")  # starts and fails at once
    # the long-lived office cannot start; a LibreOffice per conversion (no python3-uno) fails on the file
    with pytest.raises(
        ExportError,
        match=r"未能导出 PDF：(无法启动 LibreOffice：LibreOffice 启动后即退出|LibreOffice 无法转换)",
    ):
        export_evaluation(ev, scheme, tmp_path / "自评表.pdf")
    monkeypatch.setenv("JIXIAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ExportError, match="无法启动 LibreOffice"):
        export_evaluation(ev, scheme, tmp_path / "自评表.pdf")
    assert list(tmp_path.iterdir()) == []


def test_exported_files_get_the_usual_permissions(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    old = os.umask(0o022)
    try:
        out = export_evaluation(ev, scheme, tmp_path / "自评表.xlsx")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
