"""核定得分 in the web app: a reviewer enters it per row (htmx and plain forms, and the API), the
reviewer total and grade follow, a unit only reads, every change is audited, and the 复核意见书
downloads (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from fastapi import FastAPI
from openpyxl import load_workbook

from jixiao.services import extract
from web.conftest import UNIT_A
from web.conftest import Client

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
ClientFor = Callable[[str], Client]
HX = {"HX-Request": "true"}


@pytest.fixture
def evaluation_id(web_app: FastAPI) -> int:
    (ev,) = extract(next(SEEDS.glob("002_*.txt")))
    ev = ev.model_copy(update={"project": ev.project.model_copy(update={"unit": UNIT_A})})
    stored = web_app.state.web.store.save(ev)
    assert stored.evaluation_id is not None
    return int(stored.evaluation_id)


def _post(c: Client, evaluation_id: int, position: int, headers: dict[str, str] | None = None, **form: str):  # type: ignore[no-untyped-def]
    return c.post(
        f"/evaluations/{evaluation_id}/review-scores/{position}",
        data={"csrf_token": c.csrf, **form},
        headers=headers or {},
        follow_redirects=False,
    )


def test_the_evaluation_page_includes_the_section_that_loads_itself(
    client: ClientFor, evaluation_id: int
) -> None:
    page = client("reviewer").get(f"/evaluations/{evaluation_id}").text
    assert 'id="review-scores"' in page
    assert f'href="/evaluations/{evaluation_id}/review-scores"' in page  # without JavaScript
    section = client("reviewer").get(f"/evaluations/{evaluation_id}/review-scores", headers=HX).text
    assert "<html" not in section and 'id="review-scores"' in section
    assert 'id="decided-total">97.00<' in section
    assert "沿用自评（未经核验）70.00 分" in section and "87.50%" in section


def test_reviewer_enters_a_decided_score_and_the_total_and_grade_follow(
    client: ClientFor, evaluation_id: int
) -> None:
    c = client("reviewer")
    # below the claim without a reason: refused at the row, nothing kept
    refused = _post(c, evaluation_id, 1, HX, score="6", reason="", comment="")
    assert refused.status_code == 200
    assert 'role="alert"' in refused.text and "必须填写扣分原因" in refused.text
    assert 'aria-invalid="true"' in refused.text and 'value="6"' in refused.text
    assert 'id="decided-total">97.00<' in refused.text
    saved = _post(c, evaluation_id, 1, HX, score="6", reason="未提供治安防范的佐证材料", comment="请补充台账")
    assert saved.status_code == 200
    assert 'id="decided-total">93.00<' in saved.text and "已保存第 2 行" in saved.text
    assert "核定 10.00 分" in saved.text and "沿用自评（未经核验）60.00 分" in saved.text
    # many rows down: the grade changes with the total
    for position in range(2, 9):
        assert _post(c, evaluation_id, position, HX, score="0", reason="无佐证材料").status_code == 200
    data = c.get(f"/api/evaluations/{evaluation_id}/review-scores").json()
    # 20 budget + 10 verified + 6 + 7 × 0
    assert data["decided"]["total"] == "36.00" and data["decided"]["grade"] == "差"
    assert data["weights"] == {"decided": "70", "verified": "10", "carried": "0"}
    row = data["rows"][1]
    assert (row["claimed_score"], row["computed_score"], row["decided_score"], row["basis"]) == (
        "10",
        None,
        "6",
        "核定",
    )
    assert row["reason"] == "未提供治安防范的佐证材料" and row["reviewer"] == "reviewer用户"
    # the audit log on the evaluation page names each change
    page = c.get(f"/evaluations/{evaluation_id}").text
    assert "核定得分（第2行“加强治安防范”）" in page and "未提供治安防范的佐证材料" in page


def test_plain_form_without_javascript(client: ClientFor, evaluation_id: int) -> None:
    c = client("admin")
    bad = _post(c, evaluation_id, 1, score="11", reason="x")
    assert bad.status_code == 422 and "超过该指标权重10分" in bad.text and "<html" in bad.text
    ok = _post(c, evaluation_id, 1, score="9.5", reason="台账不全")
    assert ok.status_code == 303
    assert ok.headers["location"] == f"/evaluations/{evaluation_id}/review-scores?saved=1#rs-1"
    page = c.get(ok.headers["location"]).text
    assert 'id="decided-total">96.50<' in page


def test_api_twin_validates_in_chinese(client: ClientFor, evaluation_id: int) -> None:
    c = client("reviewer")
    url = f"/api/evaluations/{evaluation_id}/review-scores/1"
    bad = c.post(url, json={"score": "七"}, headers={"X-CSRF-Token": c.csrf})
    assert bad.status_code == 422 and "不是数字" in bad.json()["detail"]
    good = c.post(url, json={"score": "10", "comment": "属实"}, headers={"X-CSRF-Token": c.csrf})
    assert good.status_code == 200 and good.json()["rows"][1]["comment"] == "属实"


def test_a_unit_reads_but_never_enters(client: ClientFor, evaluation_id: int) -> None:
    reviewer = client("reviewer")
    assert _post(reviewer, evaluation_id, 1, HX, score="6", reason="未提供佐证").status_code == 200
    unit = client("unit_a")
    section = unit.get(f"/evaluations/{evaluation_id}/review-scores", headers=HX).text
    assert "核定得分 <strong>6.00</strong>" in section and "扣分原因：未提供佐证" in section
    assert "<form" not in section
    refused = _post(unit, evaluation_id, 1, HX, score="10", reason="")
    assert refused.status_code == 403
    api = unit.post(
        f"/api/evaluations/{evaluation_id}/review-scores/1",
        json={"score": "10"},
        headers={"X-CSRF-Token": unit.csrf},
    )
    assert api.status_code == 403
    # another unit does not even learn it exists
    assert client("unit_b").get(f"/evaluations/{evaluation_id}/review-scores").status_code == 404
    assert client("unit_b").get(f"/evaluations/{evaluation_id}/opinion.xlsx").status_code == 404


def test_the_opinion_downloads(client: ClientFor, evaluation_id: int) -> None:
    c = client("reviewer")
    _post(c, evaluation_id, 1, HX, score="6", reason="未提供治安防范的佐证材料")
    status = c.post(
        f"/api/evaluations/{evaluation_id}/status",
        json={"status": "退回修改", "comment": "请补充佐证材料"},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert status.status_code == 200, status.text
    xlsx = c.get(f"/evaluations/{evaluation_id}/opinion.xlsx")
    assert xlsx.status_code == 200
    assert (
        "%E5%A4%8D%E6%A0%B8%E6%84%8F%E8%A7%81%E4%B9%A6.xlsx" in xlsx.headers["content-disposition"]
    )  # 复核意见书.xlsx
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws is not None
    values = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"退回修改", "请补充佐证材料", "reviewer用户", "未提供治安防范的佐证材料"} <= values
    docx = c.get(f"/evaluations/{evaluation_id}/opinion.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "审核状态：退回修改" in text and "审核意见：请补充佐证材料" in text
    assert re.search(r"审核日期：\d{4}年\d{1,2}月\d{1,2}日", text)
    assert c.get(f"/evaluations/{evaluation_id}/opinion.txt").status_code == 404


def test_the_list_shows_sorts_and_filters_by_the_unverified_share(
    client: ClientFor, evaluation_id: int, web_app: FastAPI
) -> None:
    (ev,) = extract(next(SEEDS.glob("004_*.txt")))
    ev = ev.model_copy(update={"project": ev.project.model_copy(update={"unit": UNIT_A})})
    other = web_app.state.web.store.save(ev).evaluation_id
    c = client("reviewer")
    rows = c.get("/evaluations", params={"format": "json", "sort": "unverified", "order": "desc"}).json()[
        "rows"
    ]
    shares = {r["id"]: r["unverified_share"] for r in rows}
    assert shares[evaluation_id] == "0.875000"
    assert rows[0]["id"] == evaluation_id
    assert shares[other] == "0.575000"  # the 004 report: 46 of 80 points carried
    only = c.get("/evaluations", params={"format": "json", "unverified": "75"}).json()
    assert [r["id"] for r in only["rows"]] == [evaluation_id]
    page = c.get("/evaluations", params={"unverified": "75"}).text
    assert '<option value="75" selected>≥75%</option>' in page and "<strong>87.50%</strong>" in page
    # a value the list does not offer is ignored, never an error
    assert c.get("/evaluations", params={"format": "json", "unverified": "x"}).json()["total"] == 2


def test_an_evaluation_under_an_unknown_scheme_is_explained_not_a_crash(
    client: ClientFor, web_app: FastAPI
) -> None:
    (ev,) = extract(next(SEEDS.glob("002_*.txt")))
    scheme = ev.scheme.model_copy(update={"id": "某地自定义方案", "sha256": None})
    ev = ev.model_copy(update={"scheme": scheme, "project": ev.project.model_copy(update={"unit": UNIT_A})})
    evaluation_id = web_app.state.web.store.save(ev).evaluation_id
    c = client("reviewer")
    page = c.get(f"/evaluations/{evaluation_id}/review-scores")
    assert page.status_code == 422 and "无法计算核定总分" in page.text and "某地自定义方案" in page.text
    api = c.post(
        f"/api/evaluations/{evaluation_id}/review-scores/1",
        json={"score": "6", "reason": "x"},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert api.status_code == 422
