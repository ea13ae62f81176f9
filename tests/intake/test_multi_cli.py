"""``jixiao extract`` and ``jixiao check`` on files that hold several projects' forms."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from intake import multi_makers as mm
from jixiao.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout


def test_extract_json_is_an_array_when_the_file_holds_several_forms(tmp_path: Path) -> None:
    forms = mm.specs(3)
    code, out = run("extract", str(mm.docx_stacked(tmp_path / "stacked.docx", forms)), "--json")
    assert code in (0, 1)
    data = json.loads(out)
    assert isinstance(data, list)
    assert [d["project"]["name"] for d in data] == [f.name for f in forms]
    assert [d["source"]["part"] for d in data] == ["表1 第1–12行", "表1 第13–24行", "表1 第25–36行"]

    _, out = run("extract", str(mm.docx_forms(tmp_path / "one.docx", forms[:1])), "--json")
    single = json.loads(out)
    assert isinstance(single, dict)
    assert single["project"]["name"] == forms[0].name
    assert single["source"]["part"] is None


def test_extract_text_lists_each_form(tmp_path: Path) -> None:
    forms = mm.specs(2)
    _, out = run("extract", str(mm.docx_forms(tmp_path / "two.docx", forms)))
    assert "two.docx 中有 2 张自评表" in out
    assert out.index(forms[0].name) < out.index("表1、表2") < out.index(forms[1].name) < out.index("表3、表4")


def test_check_reports_each_evaluation_with_its_part(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    forms = mm.specs(6)
    mm.docx_forms(inbox / "a_two.docx", forms[:2])
    mm.xlsx_sheets(inbox / "b_sheets.xlsx", forms[2:5])
    mm.docx_forms(inbox / "c_one.docx", forms[5:])
    _, out = run("check", str(inbox), "--jobs", "2")
    assert "汇总：3 个文件，6 个评价" in out
    assert "共 3 个文件，6 个评价：" in out
    assert "a_two.docx　表3、表4" in out
    assert f"b_sheets.xlsx（工作表“{forms[3].name}”）" in out
    for spec in forms:
        assert spec.name in out

    _, out = run("check", str(inbox), "--format", "json", "--jobs", "2")
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [(Path(d["source"]["path"]).name, d["project"]["name"]) for d in lines] == [
        ("a_two.docx", forms[0].name),
        ("a_two.docx", forms[1].name),
        ("b_sheets.xlsx", forms[2].name),
        ("b_sheets.xlsx", forms[3].name),
        ("b_sheets.xlsx", forms[4].name),
        ("c_one.docx", forms[5].name),
    ]
    assert lines[-1]["source"]["part"] is None
    assert lines[2]["source"]["part"] == f"工作表“{forms[2].name}”"


def test_the_review_report_names_each_form(tmp_path: Path) -> None:
    forms = mm.specs(2)
    path = mm.docx_forms(tmp_path / "两个项目.docx", forms)
    report = tmp_path / "复核报告.html"
    run("check", str(path), "--report", str(report), "--jobs", "1")
    html = report.read_text(encoding="utf-8")
    assert "两个项目.docx（表1、表2）" in html
    assert "两个项目.docx（表3、表4）" in html
