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


def test_the_editor_offers_the_kept_scheme_and_an_edit_keeps_it(
    web_app: FastAPI, web_settings: Settings, client: ClientFor, tmp_path: Path
) -> None:
    from jixiao.schemes import load_scheme
    from jixiao.services import scheme_key
    from web.test_editor import form_of

    evaluation_id = _imported(web_app, web_settings, tmp_path)
    county = load_scheme(COUNTY)
    key = scheme_key(county)
    assert key == f"county-2026@{county.digest[:12]}"
    store = web_app.state.web.store
    before = store.get(evaluation_id)
    assert before is not None and before.computed.grade == "甲等"

    admin = client("admin")
    # a new form offers it beside the built-in schemes
    blank = admin.get("/evaluations/new?fresh=1")
    assert blank.status_code == 200
    assert f'<option value="{key}"' in blank.text
    assert 'value="mof-2020"' in blank.text
    # editing the evaluation shows it chosen, and saving scores under it: 甲等, not mof-2020's 优
    page = admin.get(f"/evaluations/{evaluation_id}/edit?fresh=1")
    assert page.status_code == 200
    fields = form_of(page.text)
    assert fields["scheme"] == [key]
    fields["problems"] = [(fields["problems"][0] if fields.get("problems") else "") + "已逐项核对。"]
    fields["action"] = ["save"]
    saved = admin.post(f"/evaluations/{evaluation_id}/edit", data=fields, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:2000]
    new_id = int(saved.headers["location"].rsplit("/", 1)[1])
    assert new_id != evaluation_id
    new = store.get(new_id)
    assert new is not None
    assert (new.scheme.id, new.scheme.sha256) == ("county-2026", county.digest)
    assert new.computed.total == before.computed.total
    assert new.computed.grade == "甲等"
    table = admin.get(f"/evaluations/{new_id}/export/table.xlsx")
    assert table.status_code == 200
    assert _grades(table.content) == {"甲等"}
    # the API scores a posted evaluation naming the kept scheme by its hash under that scheme
    preview = admin.post("/api/evaluations/preview", json=new.to_dict(), headers={"X-CSRF-Token": admin.csrf})
    assert preview.status_code == 200, preview.text
    assert preview.json()["computed"]["grade"] == "甲等"
