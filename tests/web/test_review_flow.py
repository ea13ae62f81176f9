"""The review workflow in the web app (issue 19 part B), on SQLite and PostgreSQL: the action bar
and its steps, claims, a required reason, the approval lock on every save path, stable numbers,
the review queue, bulk 通过, the 待办 pages and review rounds."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI

from web.conftest import PASSWORD
from web.conftest import UNIT_A
from web.conftest import UNIT_B
from web.conftest import Client
from web.test_evaluations import COMMUNITY
from web.test_evaluations import OFFICE
from web.test_evaluations import SOCIAL
from web.test_evaluations import STREET
from web.test_evaluations import put

ClientFor = Callable[[str], Client]


def _post(c: Client, url: str, **data: str) -> tuple[int, str, str]:
    r = c.post(url, data={**data, "csrf_token": c.csrf}, follow_redirects=False)
    return r.status_code, r.headers.get("location", ""), r.text


def _status(c: Client, evaluation_id: int) -> str:
    return str(c.get(f"/api/evaluations/{evaluation_id}").json()["meta"]["status"])


def test_claim_return_resubmit_approve_lock_reopen(web_app: FastAPI, client: ClientFor) -> None:
    social = put(web_app, SOCIAL, UNIT_A)
    community = put(web_app, COMMUNITY, UNIT_A)
    reviewer, admin, unit_a = client("reviewer"), client("admin"), client("unit_a")

    page = reviewer.get(f"/evaluations/{social}?queue=1").text
    assert 'id="action-bar"' in page and "<kbd>j</kbd> 下一份" in page
    assert f"编号 2020-{social:04d}" in page  # the project × year's stable number
    assert f'formaction="/evaluations/{social}/review/claim"' in page
    # The list's default order is newest first: community comes before social.
    assert f'href="/evaluations/{community}?queue=1" rel="prev"' in page

    assert _post(reviewer, f"/evaluations/{social}/review/claim")[0] == 303
    assert _status(reviewer, social) == "审核中"
    # Claimed, it has left the 已提交 list it was opened from: the bar offers that list's first one.
    page = reviewer.get(f"/evaluations/{social}?status=已提交&queue=1").text
    assert "已不在当前筛选中" in page and f'href="/evaluations/{community}?status=' in page
    code, _, text = _post(admin, f"/evaluations/{social}/review/approve")
    assert code == 409 and "正由 reviewer用户 审核中" in text  # a second reviewer cannot act
    assert f'formaction="/evaluations/{social}/review/take_over"' in admin.get(f"/evaluations/{social}").text
    code, _, text = _post(reviewer, f"/evaluations/{social}/review/return", comment="  ")
    assert code == 409 and "“退回修改”必须填写原因" in text
    assert _post(reviewer, f"/evaluations/{social}/review/return", comment="请补充第8项指标的佐证")[0] == 303
    assert _status(reviewer, social) == "退回修改"
    assert _post(unit_a, f"/evaluations/{social}/review/approve")[0] == 403  # a unit never reviews

    # The unit sees it: on its 待办 and on the evaluation's page, with the reason.
    todo = unit_a.get("/todo").text
    assert "退回修改（1）" in todo and "请补充第8项指标的佐证" in todo
    assert f'href="/evaluations/{social}/edit"' in todo
    assert "请补充第8项指标的佐证" in unit_a.get(f"/evaluations/{social}").text

    # It resubmits (a new version through the API's save path); the reason stays visible on it.
    base = unit_a.get(f"/api/evaluations/{social}").json()
    base.pop("meta"), base.pop("downloads")
    base["problems"] = "已补充佐证"
    saved = unit_a.put(f"/api/evaluations/{social}", json=base, headers={"X-CSRF-Token": unit_a.csrf})
    assert saved.status_code in (200, 201), saved.text
    second = int(saved.json()["id"]) if "id" in saved.json() else int(saved.json()["meta"]["id"])
    page = unit_a.get(f"/evaluations/{second}").text
    assert "上次审核意见（第 1 版退回修改）" in page and "请补充第8项指标的佐证" in page
    assert f"编号 2020-{social:04d}" in page  # the same number on the new version
    assert reviewer.get(f"/evaluations/n/2020-{social:04d}", follow_redirects=False).headers["location"] == (
        f"/evaluations/{second}"
    )
    assert reviewer.get(f"/evaluations/{social}").status_code == 200  # old ids keep working
    assert "新报送，待认领（2）" in reviewer.get("/todo").text

    # Approve and go on to the next of the queue.
    code, location, _ = _post(
        reviewer, f"/evaluations/{second}/review/approve", queue="?status=已提交&queue=1", go="next"
    )
    assert code == 303 and location == f"/evaluations/{community}?status=%E5%B7%B2%E6%8F%90%E4%BA%A4&queue=1"
    assert _status(reviewer, second) == "审核通过"

    # Locked: no edit link, no edit form, no save through the API.
    data = unit_a.get(f"/evaluations/{second}", params={"format": "json"}).json()
    assert data["edit_url"] is None and data["locked"] is True
    assert unit_a.get(f"/evaluations/{second}/edit").status_code == 409
    base["problems"] = "审核通过后再改"
    refused = unit_a.put(f"/api/evaluations/{second}", json=base, headers={"X-CSRF-Token": unit_a.csrf})
    assert refused.status_code == 409 and "已审核通过并锁定" in refused.json()["detail"]

    # Reopening is the reviewer's explicit, audited step.
    code, _, text = _post(reviewer, f"/evaluations/{second}/review/reopen")
    assert code == 409 and "“重新打开”必须填写原因" in text
    assert _post(reviewer, f"/evaluations/{second}/review/reopen", comment="单位申请更正")[0] == 303
    history = reviewer.get(f"/evaluations/{second}", params={"format": "json"}).json()["history"]
    assert ("审核状态", "审核通过", "审核中") in {(h["field"], h["old"], h["new"]) for h in history}


def test_bulk_approve_passes_only_the_clean_ones(web_app: FastAPI, client: ClientFor) -> None:
    clean = put(web_app, COMMUNITY, UNIT_A)  # warnings only
    faulty = put(web_app, SOCIAL, UNIT_A)  # errors on indicator 8
    reviewer = client("reviewer")
    listing = reviewer.get("/evaluations").text
    assert 'action="/evaluations/bulk-approve"' in listing
    assert f'name="ids" value="{clean}" form="bulk"' in listing
    r = reviewer.post(
        "/evaluations/bulk-approve",
        data={"ids": [str(clean), str(faulty)], "back": "/evaluations", "csrf_token": reviewer.csrf},
    )
    assert r.status_code == 200 and "已通过 <strong>1</strong> 份" in r.text
    assert re.search(rf"编号 {faulty}</a>：有 \d+ 个错误级问题", r.text)
    assert _status(reviewer, clean) == "审核通过" and _status(reviewer, faulty) == "已提交"
    unit_a = client("unit_a")
    r = unit_a.post("/evaluations/bulk-approve", data={"ids": [str(faulty)], "csrf_token": unit_a.csrf})
    assert r.status_code == 403


def test_unit_drafts_submit_and_login_home(web_app: FastAPI, client: ClientFor) -> None:
    office = put(web_app, OFFICE, UNIT_A)
    state = web_app.state.web
    ev = state.store.get(office)
    unit_a = client("unit_a")
    user = state.accounts.by_username("unit_a")
    from jixiao.web.deps import actor

    draft = state.workflow.save_version(ev, office, [], actor(user), draft=True)
    assert _status(unit_a, draft) == "草稿"
    todo = unit_a.get("/todo").text
    assert "草稿：尚未提交审核（1）" in todo and f'action="/evaluations/{draft}/review/submit"' in todo
    assert "新报送，待认领（0）" in client("reviewer").get("/todo").text  # a draft is not submitted
    assert _post(unit_a, f"/evaluations/{draft}/review/submit")[0] == 303
    assert _status(unit_a, draft) == "已提交"
    assert "新报送，待认领（1）" in client("reviewer").get("/todo").text
    # Another unit sees none of it, and cannot submit it.
    assert (
        client("unit_b")
        .post(f"/evaluations/{draft}/review/submit", data={"csrf_token": client("unit_b").csrf})
        .status_code
        == 404
    )

    # Units and reviewers land on their 待办 after login; an admin on the overview.
    for who, home in (("unit_b", "/todo"), ("reviewer", "/todo"), ("admin", "/")):
        fresh = Client(web_app, base_url="http://testserver")
        token = re.search(r'name="csrf_token" value="([^"]+)"', fresh.get("/login").text)
        assert token is not None
        form = {"username": who, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
        assert fresh.post("/login", data=form, follow_redirects=False).headers["location"] == home


def test_rounds_show_missing_late_and_progress(web_app: FastAPI, client: ClientFor) -> None:
    street = put(web_app, STREET, UNIT_B)
    social = put(web_app, SOCIAL, UNIT_A)
    reviewer = client("reviewer")
    assert client("unit_a").get("/rounds").status_code == 403
    units = {u.name: u.id for u in web_app.state.web.accounts.units()}
    code, _, text = _post(reviewer, "/rounds", title="", year="20x", deadline="明天")
    assert code == 422 and "请填写四位数的年度" in text and "请填写截止日期" in text
    code, _, text = _post(
        reviewer,
        "/rounds",
        title="2020 年度自评",
        year="2020",
        deadline="2099-05-31",
        projects="无此单位：某项目",
    )
    assert code == 422 and "没有名为“无此单位”的单位" in text
    r = reviewer.post(
        "/rounds",
        data={
            "title": "2020 年度自评",
            "year": "2020",
            "deadline": "2099-05-31",
            "units": [str(units[UNIT_A]), str(units[UNIT_B])],
            "projects": f"{UNIT_B}：尚未报送的项目",
            "csrf_token": reviewer.csrf,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = reviewer.get(r.headers["location"]).text
    assert "未报送（1）" in page and "尚未报送的项目" in page
    assert f'href="/evaluations/{social}"' in page
    assert "逾期（0）" in page  # the deadline is far ahead
    todo = client("unit_b").get("/todo").text
    assert "2020 年度自评" in todo and "尚未提交：尚未报送的项目" in todo
    assert street > 0


def test_an_upload_into_an_approved_record_is_refused(web_app: FastAPI, client: ClientFor) -> None:
    """A file for a project × year that is approved is refused with the lock's reason (the upload
    path saves nothing of it); after a reviewer reopens it, the same file is taken."""
    unit_a, reviewer = client("unit_a"), client("reviewer")

    def send() -> dict[str, object]:
        r = unit_a.post(
            "/api/uploads",
            files={"file": ("重新报送.txt", SOCIAL.read_bytes() + b"\n")},
            headers={"X-CSRF-Token": unit_a.csrf},
        )
        body: dict[str, object] = r.json()
        return body

    first = put(web_app, SOCIAL, UNIT_A)
    assert _post(reviewer, f"/evaluations/{first}/review/approve")[0] == 303
    refused = send()
    assert refused["status"] == "failed" and "已审核通过并锁定" in str(refused["reason"]), refused
    assert unit_a.get(f"/api/evaluations/{first}").json()["meta"]["latest_id"] == first
    assert _post(reviewer, f"/evaluations/{first}/review/reopen", comment="允许更正")[0] == 303
    taken = send()
    assert taken["status"] == "done", taken
    assert unit_a.get(f"/api/evaluations/{first}").json()["meta"]["latest_id"] != first
