"""Gaps of the review workflow (issue 19), on SQLite and PostgreSQL: evidence files follow the
approval lock and are audited; the list shows and finds the stable number."""

from __future__ import annotations

from fastapi import FastAPI

from web.conftest import UNIT_A
from web.conftest import Client
from web.test_editor import People
from web.test_editor import state
from web.test_editor import stored_for_unit_a
from web.test_editor_clerk import PDF
from web.test_evaluations import COMMUNITY
from web.test_evaluations import SOCIAL
from web.test_evaluations import put
from web.test_review_flow import _post


def _attach(c: Client, evaluation_id: int, name: str) -> tuple[int, str]:
    response = c.post(
        f"/evaluations/{evaluation_id}/evidence",
        data={"csrf_token": c.csrf, "indicator": ""},
        files={"file": (name, PDF)},
        follow_redirects=False,
    )
    return response.status_code, response.text


def test_evidence_is_locked_with_the_approval_and_audited(web_app: FastAPI, client: People) -> None:
    evaluation_id, _ev = stored_for_unit_a(web_app)
    unit_a, reviewer = client("unit_a"), client("reviewer")
    store = state(web_app).workflow

    assert _attach(unit_a, evaluation_id, "签到表.pdf")[0] == 303
    kept = unit_a.get(f"/api/evaluations/{evaluation_id}/evidence").json()["items"]
    assert [i["name"] for i in kept] == ["签到表.pdf"]
    first = kept[0]["id"]
    logged = [
        (h.action, h.field, h.old, h.new) for h in store.history(evaluation_id) if h.action == "evidence"
    ]
    assert logged == [("evidence", "佐证材料", None, "签到表.pdf")]
    assert "unit_a" in next(h.actor for h in store.history(evaluation_id) if h.action == "evidence")

    assert _post(reviewer, f"/evaluations/{evaluation_id}/review/approve")[0] == 303
    code, text = _attach(unit_a, evaluation_id, "补充照片.pdf")
    assert code == 409 and "已审核通过并锁定，不能添加佐证材料“补充照片.pdf”" in text
    code, _loc, text = _post(unit_a, f"/evaluations/{evaluation_id}/evidence/{first}/delete")
    assert code == 409 and "已审核通过并锁定，不能删除佐证材料“签到表.pdf”" in text
    listed = unit_a.get(f"/api/evaluations/{evaluation_id}/evidence").json()
    assert [i["name"] for i in listed["items"]] == ["签到表.pdf"] and listed["can_attach"] is False
    assert [h.new for h in store.history(evaluation_id) if h.action == "evidence"] == ["签到表.pdf"]

    # Reopened, the unit may change its evidence again, and the removal is in the log.
    assert _post(reviewer, f"/evaluations/{evaluation_id}/review/reopen", comment="允许补充")[0] == 303
    assert _post(unit_a, f"/evaluations/{evaluation_id}/evidence/{first}/delete")[0] == 303
    assert unit_a.get(f"/api/evaluations/{evaluation_id}/evidence").json()["items"] == []
    changes = [(h.old, h.new) for h in store.history(evaluation_id) if h.action == "evidence"]
    assert changes == [(None, "签到表.pdf"), ("签到表.pdf", None)]
    page = reviewer.get(f"/evaluations/{evaluation_id}").text
    assert "佐证材料" in page


def test_the_list_shows_and_finds_the_stable_number(web_app: FastAPI, client: People) -> None:
    first = put(web_app, SOCIAL, UNIT_A)
    other = put(web_app, COMMUNITY, UNIT_A)
    unit_a, reviewer = client("unit_a"), client("reviewer")
    r = unit_a.post(
        "/api/uploads",
        files={"file": ("第二版.txt", SOCIAL.read_bytes() + b"\n")},
        headers={"X-CSRF-Token": unit_a.csrf},
    )
    assert r.json()["status"] == "done", r.json()
    latest = unit_a.get(f"/api/evaluations/{first}").json()["meta"]["latest_id"]
    assert latest != first
    number = f"2020-{first:04d}"

    listing = reviewer.get("/evaluations").text
    # The 编号 column shows the project × year's number, not the version's id, and links the version.
    assert f'<a href="/evaluations/{latest}?queue=1" title="第2版">{number}</a>' in listing
    assert f'title="第1版">2018-{other:04d}</a>' in listing
    for sought in (number, f" 2020-{first} ", f"2020 - 00{first:04d}"):
        found = reviewer.get("/api/evaluations", params={"q": sought}).json()
        assert [(row["id"], row["number"]) for row in found["rows"]] == [(latest, number)], sought
    # Not a number of this year, nor of a version that is not a first one: nothing found.
    assert reviewer.get("/api/evaluations", params={"q": f"2021-{first:04d}"}).json()["rows"] == []
    assert reviewer.get("/api/evaluations", params={"q": f"2020-{latest:04d}"}).json()["rows"] == []
    page = reviewer.get("/evaluations", params={"q": number}).text
    assert "共 <strong>1</strong> 份评价" in page
    # Another unit does not find it by its number either.
    assert client("unit_b").get("/api/evaluations", params={"q": number}).json()["rows"] == []
