"""Uploading a file that holds several projects' forms: each stored as its own evaluation with
its part, and the result lists each (the API, the plain form's page)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from intake import multi_makers as mm
from jixiao.web.state import WebState
from web.conftest import Client

People = Callable[[str], Client]


def _state(app: FastAPI) -> WebState:
    web: WebState = app.state.web
    return web


def test_the_api_answers_every_form_of_the_file(web_app: FastAPI, client: People, tmp_path: Path) -> None:
    forms = mm.specs(3)
    path = mm.docx_stacked(tmp_path / "三个项目.docx", forms)
    admin = client("admin")
    response = admin.post(
        "/api/uploads", files={"file": (path.name, path.read_bytes())}, headers={"X-CSRF-Token": admin.csrf}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    answered = [body, *body["more"]]
    assert [a["project"] for a in answered] == [f.name for f in forms]
    assert [a["part"] for a in answered] == ["表1 第1–12行", "表1 第13–24行", "表1 第25–36行"]
    assert all(a["status"] == "done" and a["url"] == f"/evaluations/{a['evaluation_id']}" for a in answered)
    store = _state(web_app).store
    for answer, spec in zip(answered, forms, strict=True):
        ev = store.get(answer["evaluation_id"])
        assert ev is not None and ev.source is not None
        assert (ev.source.path, ev.source.part) == (path.name, answer["part"])
        assert ev.claimed.total == spec.total
        history = _state(web_app).workflow.history(answer["evaluation_id"])
        assert history[-1].action == "upload"
    assert store.count()[0] == 3
    detail = admin.get(answered[1]["url"])
    assert f"{path.name}（表1 第13–24行）" in detail.text
    # The same bytes again: known, nothing stored twice.
    again = admin.post(
        "/api/uploads", files={"file": (path.name, path.read_bytes())}, headers={"X-CSRF-Token": admin.csrf}
    )
    assert again.json()["status"] == "known"
    assert store.count()[0] == 3


def test_the_plain_form_lists_each_evaluation(web_app: FastAPI, client: People, tmp_path: Path) -> None:
    forms = mm.specs(4)
    sheets = mm.xlsx_sheets(tmp_path / "每表一个项目.xlsx", forms[:3])
    single = mm.docx_forms(tmp_path / "一张表.docx", forms[3:])
    reviewer = client("reviewer")
    page = reviewer.post(
        "/upload",
        data={"csrf_token": reviewer.csrf, "year": ""},
        files=[("files", (p.name, p.read_bytes())) for p in (sheets, single)],
    )
    assert page.status_code == 200, page.text
    assert "共 2 个文件：完成 2 个" in page.text
    ids = [int(i) for i in re.findall(r'<a href="/evaluations/(\d+)">', page.text)]
    assert len(ids) == 4
    names = [ev.project.name for ev in map(_state(web_app).store.get, ids) if ev is not None]
    assert names == [f.name for f in forms]
    for spec in forms[:3]:
        assert f"（工作表“{spec.name}”）" in page.text
