"""An evaluation imported under a user's own scheme file is shown and exported from the web under
that scheme — never silently under the default — even after the file is gone."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from jixiao.cli import app as cli
from jixiao.settings import Settings
from jixiao.storage.schema import EvaluationRow
from web.conftest import Client
from web.test_evaluations import DATA
from web.test_evaluations import SOCIAL

ClientFor = Callable[[str], Client]
COUNTY = DATA / "schemes" / "county-2026.toml"  # mof-2020's rules, top grade named 甲等


def _imported(web_app: FastAPI, web_settings: Settings, tmp_path: Path) -> int:
    """Import SOCIAL with ``jixiao import --scheme <own file>``, then delete the scheme file."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SOCIAL, folder / SOCIAL.name)
    scheme = tmp_path / "county.toml"
    shutil.copy(COUNTY, scheme)
    args = ["import", str(folder), "--scheme", str(scheme), "--workers", "1"]
    args += ["--database", web_settings.database_url, "--data-dir", str(web_settings.data_dir)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    scheme.unlink()
    with web_app.state.web.db.reader() as conn:
        ids = list(conn.scalars(select(EvaluationRow.id)))
    assert len(ids) == 1
    return ids[0]


def _grades(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
    return cells & {"甲等", "优"}


def test_web_exports_an_imported_evaluation_under_its_own_scheme(
    web_app: FastAPI, web_settings: Settings, client: ClientFor, tmp_path: Path
) -> None:
    evaluation_id = _imported(web_app, web_settings, tmp_path)
    admin = client("admin")
    table = admin.get(f"/evaluations/{evaluation_id}/export/table.xlsx")
    assert table.status_code == 200, table.text
    assert _grades(table.content) == {"甲等"}  # mof-2020 would call the same total 优
    page = admin.get(f"/evaluations/{evaluation_id}")
    assert page.status_code == 200
    assert "某县项目支出绩效自评办法" in page.text


def test_an_unknown_scheme_is_refused_in_chinese_not_replaced(
    web_app: FastAPI, web_settings: Settings, client: ClientFor, tmp_path: Path
) -> None:
    evaluation_id = _imported(web_app, web_settings, tmp_path)
    with web_app.state.web.db.sessions.begin() as s:  # as if the scheme had never been kept
        s.execute(EvaluationRow.metadata.tables["schemes"].delete())
    admin = client("admin")
    table = admin.get(f"/evaluations/{evaluation_id}/export/table.xlsx")
    assert table.status_code == 503
    assert "county-2026" in table.text
    assert "评分方案" in table.text
    assert admin.get(f"/evaluations/{evaluation_id}").status_code == 200  # the page still shows
