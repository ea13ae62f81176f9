"""``jixiao new --kind 目标/监控``, ``jixiao export`` of those files, and ``jixiao import --kind``
into a database (each file once; another kind of file refused with the reason)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from jixiao.export.plan_api import export_plan
from jixiao.storage.db import open_database
from jixiao.storage.years import Years
from plan_samples import declaration
from plan_samples import monitoring


def _jixiao(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env["JIXIAO_DATA_DIR"] = str(data)
    env["COLUMNS"] = "300"
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        cwd=data.parent,
    )


def _filled(template: str) -> str:
    return (
        template.replace("  项目名称:  ", "  项目名称: 社区养老服务提升项目  ", 1)
        .replace("  年度:  ", "  年度: 2024  ", 1)
        .replace("  单位名称:  ", "  单位名称: 某市民政局  ", 1)
    )


def test_new_export_and_import_a_declaration(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = _jixiao(data, "new", "--kind", "目标", "--output", str(tmp_path / "目标.yaml"))
    assert made.returncode == 0, made.stderr
    path = tmp_path / "目标.yaml"
    path.write_text(_filled(path.read_text(encoding="utf-8")), encoding="utf-8")
    out = _jixiao(data, "export", str(path), "--to", str(tmp_path / "目标申报表.xlsx"))
    assert out.returncode == 0, out.stderr
    ws = openpyxl.load_workbook(tmp_path / "目标申报表.xlsx").active
    assert ws is not None and ws["B3"].value == "社区养老服务提升项目"
    first = _jixiao(data, "import", "--kind", "目标", str(path))
    assert first.returncode == 0, first.stderr + first.stdout
    assert "新导入 1 个" in first.stdout
    again = _jixiao(data, "import", "--kind", "目标", str(path))
    assert "已在库中跳过 1 个" in again.stdout
    db = open_database(f"sqlite:///{data / 'jixiao.db'}", create=False)
    try:
        found = Years(db).find("某市民政局", "社区养老服务提升项目", 2024)
        assert found is not None
        assert len(Years(db).declaration_versions(found.id)) == 1
    finally:
        db.close()


def test_import_submitted_tables_of_both_kinds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    export_plan(declaration(), inbox / "目标申报表.docx")
    export_plan(monitoring(), inbox / "监控情况表.xlsx")
    targets = _jixiao(data, "import", "--kind", "目标", str(inbox / "目标申报表.docx"))
    assert targets.returncode == 0, targets.stderr + targets.stdout
    monitored = _jixiao(data, "import", "--kind", "监控", str(inbox))
    assert monitored.returncode == 2  # the 目标申报表 in the folder is refused, the batch goes on
    assert "目标申报表.docx：这是绩效目标申报表，不是绩效目标执行监控表" in monitored.stdout
    assert "新导入 1 个" in monitored.stdout and "MONITORING_EXECUTION_BEHIND" in monitored.stdout
    db = open_database(f"sqlite:///{data / 'jixiao.db'}", create=False)
    try:
        found = Years(db).find("某市民政局", "社区养老服务提升项目", 2024)
        assert found is not None
        stored = Years(db).monitoring(found.id)
        assert stored is not None and stored.executed_yuan is not None
        assert str(stored.executed_yuan) == "650000.00"
    finally:
        db.close()


def test_new_refuses_an_unknown_kind(tmp_path: Path) -> None:
    result = _jixiao(tmp_path / "data", "new", "--kind", "预算")
    assert result.returncode == 2
    assert "自评、目标 或 监控" in result.stderr


def test_extract_writes_a_submitted_table_as_its_authoring_file(tmp_path: Path) -> None:
    from jixiao.authoring.plan import load_plan_text

    path = export_plan(declaration(), tmp_path / "目标申报表.xlsx")
    result = _jixiao(tmp_path / "data", "extract", "--kind", "目标", str(path))
    assert result.returncode == 0, result.stderr
    read = load_plan_text(result.stdout, "回读.yaml")
    assert read.model_dump(
        exclude={"source", "scheme", "provenance", "indicators"}
    ) == declaration().model_dump(exclude={"source", "scheme", "provenance", "indicators"})
    assert [(i.name, i.weight, i.target) for i in read.indicators] == [
        (i.name, i.weight, i.target) for i in declaration().indicators
    ]


def test_score_leaves_plan_files_to_export_and_import(tmp_path: Path) -> None:
    year = Path(__file__).resolve().parents[2] / "examples" / "year"
    result = _jixiao(tmp_path / "data", "score", str(year / "2024-社区养老-目标.yaml"))
    assert result.returncode == 2
    assert "不计分" in result.stderr and "jixiao import --kind" in result.stderr
    folder = _jixiao(tmp_path / "data", "score", str(year))
    assert folder.returncode == 2 and "没有 .yaml" in folder.stderr
