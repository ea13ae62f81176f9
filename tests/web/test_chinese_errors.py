"""A request the app cannot read is answered in Chinese, by the one translation
(``jixiao.errors.explain``), on the API and the pages alike."""

from __future__ import annotations

import html
from collections.abc import Callable

from web.conftest import Client

ClientFor = Callable[[str], Client]


def test_a_bad_query_is_explained_in_chinese(client: ClientFor) -> None:
    admin = client("admin")
    word = admin.get("/api/portfolio", params={"limit": "很多"})
    assert word.status_code == 422
    text = html.unescape(word.text)
    assert "提交的内容无效：limit：应是整数" in text
    assert "Input should" not in text
    big = admin.get("/api/portfolio", params={"limit": "999999"})
    assert big.status_code == 422
    assert "limit：应不大于" in html.unescape(big.text)


def test_a_bad_api_body_is_explained_field_by_field(client: ClientFor) -> None:
    unit_a = client("unit_a")
    bad = unit_a.post(
        "/api/evaluations",
        json={"project": {"year": "二〇二〇", "filled_date": "去年"}, "findings": [{"code": "X"}]},
        headers={"X-CSRF-Token": unit_a.csrf},
    )
    assert bad.status_code == 422
    messages = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert messages["project.year"] == "project.year：应是整数"
    assert messages["project.filled_date"].startswith("project.filled_date：应是日期")
    assert messages["findings.0.severity"] == "findings.0.severity：缺少必填字段"
