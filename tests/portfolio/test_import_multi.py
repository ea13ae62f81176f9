"""Importing files that hold several projects' forms: every form stored, each with its part,
referring to the file's document (one row per unit, as for every document) — once, on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from intake import multi_makers as mm
from jixiao.cli import app
from jixiao.intake.limits import Limits
from jixiao.portfolio.executors import ProcessExecutor
from jixiao.portfolio.importer import import_paths
from jixiao.storage.db import open_database
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import Project
from jixiao.storage.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def _inbox(root: Path) -> tuple[Path, list[mm.Spec]]:
    root.mkdir()
    forms = mm.specs(6)
    forms[1] = replace(forms[1], unit=forms[0].unit)  # one unit's two projects: one document row
    mm.docx_forms(root / "a_两张表.docx", forms[:2])
    mm.xlsx_sheets(root / "b_每表一个项目.xlsx", forms[2:5])
    mm.docx_forms(root / "c_一张表.docx", forms[5:])
    return root, forms


def test_each_form_of_a_file_is_stored_with_its_part(db_url: str, tmp_path: Path) -> None:
    inbox, forms = _inbox(tmp_path / "收件箱")
    db = open_database(db_url)
    store = Store(db)
    result = import_paths([inbox], store, ProcessExecutor(2, Limits()), tmp_path / "data")
    assert (result.files, result.imported, result.evaluations) == (3, 3, 6)
    assert len(result.evaluation_ids) == 6
    assert store.count() == (6, 5)
    with db.sessions() as s:
        rows = s.execute(
            select(Project.name, EvaluationRow.part, Document.name)
            .join(Project, EvaluationRow.project_id == Project.id)
            .join(Document, EvaluationRow.document_id == Document.id)
            .order_by(EvaluationRow.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        (forms[0].name, "表1、表2", "a_两张表.docx"),
        (forms[1].name, "表3、表4", "a_两张表.docx"),
        (forms[2].name, f"工作表“{forms[2].name}”", "b_每表一个项目.xlsx"),
        (forms[3].name, f"工作表“{forms[3].name}”", "b_每表一个项目.xlsx"),
        (forms[4].name, f"工作表“{forms[4].name}”", "b_每表一个项目.xlsx"),
        (forms[5].name, None, "c_一张表.docx"),
    ]
    stored = store.get(result.evaluation_ids[3])
    assert stored is not None and stored.source is not None
    assert stored.source.part == f"工作表“{forms[3].name}”"
    assert stored.claimed.total == forms[3].total
    # Again: every file is known by its bytes, nothing is stored twice.
    again = import_paths([inbox], store, ProcessExecutor(2, Limits()), tmp_path / "data")
    assert (again.imported, again.skipped, again.evaluations) == (0, 3, 0)
    assert store.count() == (6, 5)
    db.close()


def test_cli_import_counts_files_and_evaluations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, _ = _inbox(tmp_path / "收件箱")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["import", str(inbox), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "共 3 个文件，新导入 3 个（6 个评价），" in result.output
    status = CliRunner().invoke(app, ["db", "status"])
    assert "评价 6 份，报送文件 5 个" in status.output  # a document row per unit
