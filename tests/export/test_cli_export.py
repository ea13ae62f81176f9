"""``jixiao export`` as a user meets it: what it writes, what it says, its exit codes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from export.support import SEED_002
from export.support import SEED_004
from export.support import pdf_info
from jixiao.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_export_a_table(tmp_path: Path) -> None:
    out = tmp_path / "自评表.xlsx"
    code, stdout, stderr = run("export", str(SEED_002), "--to", str(out))
    assert code == 0
    assert stdout == f"已导出自评表：{out}\n"
    assert stderr == ""
    assert load_workbook(out).active["A1"].value == "2018年度基层政权和社区建设项目绩效自评表"


def test_an_inconsistent_evaluation_exports_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "自评表.docx"
    code, _, stderr = run("export", str(SEED_004), "--to", str(out))
    assert code == 0
    assert out.exists()
    assert "注意：该自评有10项错误级问题，文档照录自评所填的数值；运行 jixiao score" in stderr


def test_report_by_name_or_by_kind(tmp_path: Path) -> None:
    for out, extra in ((tmp_path / "自评报告.docx", []), (tmp_path / "draft.docx", ["--kind", "report"])):
        code, stdout, _ = run("export", str(SEED_002), "--to", str(out), *extra)
        assert code == 0
        assert stdout.startswith("已导出自评报告：")
        headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
        assert headings[0] == "一、项目基本情况"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "自评报告.docx"
    out.write_bytes(b"hand-edited draft")
    code, _, stderr = run("export", str(SEED_002), "--to", str(out))
    assert code == 2
    assert stderr == f"错误：{out} 已存在；为免覆盖，请换一个文件名，或加 --force 覆盖它。\n"
    assert out.read_bytes() == b"hand-edited draft"
    code, _, _ = run("export", str(SEED_002), "--to", str(out), "--force")
    assert code == 0
    assert out.read_bytes() != b"hand-edited draft"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "{tmp}/自评表.txt"], "错误：自评表不能导出为“.txt”文件：可用 .xlsx、.docx、.pdf。"),
        (["--to", "{tmp}/自评报告.xlsx"], "错误：自评报告不能导出为“.xlsx”文件：可用 .docx、.pdf。"),
        (["--to", "{tmp}/t.xlsx", "--layout", "beijing"], "错误：表样 beijing：没有这个表样。"),
        (["--to", "{tmp}/t.xlsx", "--scheme", "nope"], "错误：评分方案 nope：没有名为“nope”的评分方案。"),
        (["--to", "{tmp}/无此目录/t.xlsx"], "错误：无法写入"),
    ],
)
def test_bad_requests_exit_2_with_the_fix(tmp_path: Path, args: list[str], message: str) -> None:
    code, stdout, stderr = run("export", str(SEED_002), *[a.format(tmp=tmp_path) for a in args])
    assert code == 2
    assert stdout == ""
    assert stderr.startswith(message)
    assert "Traceback" not in stderr


def test_a_malformed_file_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "坏.yaml"
    bad.write_text("项目:\n  项目名称: 测试\n预算:\n  预算数: 很多\n", encoding="utf-8")
    code, _, stderr = run("export", str(bad), "--to", str(tmp_path / "t.xlsx"))
    assert code == 2
    assert "坏.yaml 第4行" in stderr


def test_contract_json_and_a_layout_file(tmp_path: Path) -> None:
    contract = tmp_path / "报送.json"
    code, stdout, _ = run("score", str(SEED_004), "--json")
    contract.write_text(stdout, encoding="utf-8")
    layout = tmp_path / "省表样.toml"
    layout.write_text(
        (Path(__file__).resolve().parents[2] / "src/jixiao/export/layouts/hubei-2019.toml")
        .read_text(encoding="utf-8")
        .replace('id = "hubei-2019"', 'id = "my-province"')
        .replace('sheet = "项目自评表"', 'sheet = "本省自评表"'),
        encoding="utf-8",
    )
    out = tmp_path / "t.xlsx"
    code, _, _ = run("export", str(contract), "--to", str(out), "--layout", str(layout))
    assert code == 0
    assert load_workbook(out).sheetnames == ["本省自评表"]


def test_export_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "自评表.pdf"
    code, stdout, _ = run("export", str(SEED_002), "--to", str(out), "--scheme", "mof-2020")
    assert code == 0, stdout
    info = pdf_info(out)
    assert info["Page size"].startswith("841.89 x 595.")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "项目支出绩效自评表" in text
