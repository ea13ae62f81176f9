"""Writing and editing evaluations in the form and through /api/evaluations, on both backends."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from fastapi import FastAPI

from jixiao.core.model import Evaluation
from jixiao.intake.pipeline import unreadable
from jixiao.services import score_file
from jixiao.storage.browse import Browse
from jixiao.storage.workflow import Actor
from jixiao.web.state import WebState
from web.conftest import UNIT_A
from web.conftest import UNIT_B
from web.conftest import Client

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "004-社会保障专项-2020.yaml"
YOUTH = 8  # 青少年活动参与人数: actual 25~30人 against ≥30人/次, claimed 2 of 2

People = Callable[[str], Client]


class _Form(HTMLParser):
    """The fields a browser would post from the page's form ``#editor-form`` (no button)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.inside = False
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option: list[str] | None = None
        self.textarea: str | None = None
        self.text = ""
        self.template = 0

    def _add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "editor-form":
            self.inside = True
        if not self.inside:
            return
        if tag == "template":
            self.template += 1
        if self.template:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "file"):
            self._add(a["name"], a.get("value", ""))
        elif tag == "select":
            self.select, self.options = a.get("name"), []
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value", ""), "selected" in a, ""]  # type: ignore[list-item]
        elif tag == "textarea":
            self.textarea, self.text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option[2] += data
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.template -= 1
        elif tag == "option" and self.option is not None:
            value, selected, text = self.option
            self.options.append((value or text, bool(selected)))
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, s in self.options if s] or [v for v, _ in self.options[:1]]
            self._add(self.select, chosen[0] if chosen else "")
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self._add(self.textarea, self.text.removeprefix("\n"))
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_of(html: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(html)
    assert parser.fields, "no #editor-form on the page"
    return parser.fields


def state(app: FastAPI) -> WebState:
    web: WebState = app.state.web
    return web


def stored_for_unit_a(app: FastAPI) -> tuple[int, Evaluation]:
    ev = score_file(EXAMPLE)
    new_id = state(app).workflow.save_new(ev, Actor("测试"), action="create", unit=UNIT_A)
    assert new_id is not None
    return new_id, ev


def unit_id(app: FastAPI, username: str) -> int:
    user = state(app).accounts.by_username(username)
    assert user is not None and user.unit_id is not None
    return user.unit_id


NEW = {
    "scheme": "mof-2020",
    "name": "青少年活动中心运行",
    "unit": UNIT_B,  # a unit user cannot write for another unit: ignored
    "year": "2024",
    "department": "教育局",
    "planned": "50万元",
    "executed": "45万元",
    "claimed_budget_score": "9",
    "claimed_total": "99",
    "claimed_grade": "优",
    "ind_key": ["", "", ""],
    "ind_level1": ["产出指标", "效益指标", "满意度指标"],
    "ind_level2": ["数量指标", "社会效益指标", "服务对象满意度"],
    "ind_name": ["开展活动场次", "参与学生人次", "学生满意度"],
    "ind_weight": ["50", "30", "10"],
    "ind_target": ["≥40场", "≥2000人次", "≥90%"],
    "ind_actual": ["40场", "2100人次", "93%"],
    "ind_claimed_score": ["50", "30", "10"],
    "ind_deviation_reason": ["", "", ""],
    "problems": "场地不足。",
}


# -- the form ---------------------------------------------------------------------------------------


def test_the_new_form_for_a_unit_user(client: People) -> None:
    page = client("unit_a").get("/evaluations/new")
    assert page.status_code == 200
    assert f'<span class="value">{UNIT_A}</span>' in page.text  # the unit is fixed
    assert 'name="unit"' not in page.text
    assert 'name="csrf_token"' in page.text
    assert 'hx-post="/evaluations/preview"' in page.text
    assert 'hx-trigger="input changed delay:400ms' in page.text
    for scheme in ("mof-2020", "mof-2021", "hubei-2019", "hebei-2020"):
        assert f'value="{scheme}"' in page.text
    data = client("unit_a").get("/evaluations/new?format=json").json()
    assert data["mode"] == "new"
    assert data["fields"]["unit"] == UNIT_A
    assert data["level1"] == ["产出指标", "效益指标", "满意度指标"]
    hubei = next(s for s in data["schemes"] if s["id"] == "hubei-2019")
    assert hubei["shares"] == ["20", "40", "40", "0", "0"]


def test_an_admin_types_the_unit_and_a_reviewer_may_not_write(client: People) -> None:
    assert 'name="unit"' in client("admin").get("/evaluations/new").text
    assert client("reviewer").get("/evaluations/new").status_code == 403
    reviewer = client("reviewer")
    refused = reviewer.post("/evaluations/new", data={**NEW, "action": "save", "csrf_token": reviewer.csrf})
    assert refused.status_code == 403


def test_a_unit_user_creates_an_evaluation_for_their_own_unit(web_app: FastAPI, client: People) -> None:
    unit_a = client("unit_a")
    response = unit_a.post(
        "/evaluations/new", data={**NEW, "action": "save", "csrf_token": unit_a.csrf}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    new_id = int(response.headers["location"].rsplit("/", 1)[1])
    ev = state(web_app).store.get(new_id)
    assert ev is not None
    assert ev.project.unit == UNIT_A
    assert ev.budget.planned_yuan == 500000
    assert ev.budget.execution_rate == Decimal("0.9")
    assert ev.computed.budget_execution_score == Decimal(9)
    assert ev.computed.total == Decimal(99)
    assert ev.source is None
    meta = state(web_app).workflow.meta(new_id)
    assert meta is not None
    assert (meta.unit, meta.project, meta.year) == (UNIT_A, "青少年活动中心运行", 2024)
    listed = state(web_app).browser.page(Browse(scope_unit_id=unit_id(web_app, "unit_a")))
    assert [row.id for row in listed.rows] == [new_id]
    assert new_id in [e["id"] for e in unit_a.get("/api/evaluations").json()["rows"]]
    history = state(web_app).workflow.history(new_id)
    assert [(h.action, h.field, h.new) for h in history] == [
        ("create", "新建评价", "青少年活动中心运行"),
        ("review", "审核状态", "草稿"),  # 保存草稿 is not 提交审核
    ]
    assert "unit_a" in history[0].actor
    # Another unit sees nothing of it.
    unit_b = client("unit_b")
    assert unit_b.get(f"/evaluations/{new_id}").status_code == 404
    assert unit_b.get(f"/evaluations/{new_id}/edit").status_code == 404
    assert new_id not in [e["id"] for e in unit_b.get("/api/evaluations").json()["rows"]]


def test_an_admin_creates_for_the_unit_typed(web_app: FastAPI, client: People) -> None:
    admin = client("admin")
    response = admin.post(
        "/evaluations/new", data={**NEW, "action": "save", "csrf_token": admin.csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    meta = state(web_app).workflow.meta(int(response.headers["location"].rsplit("/", 1)[1]))
    assert meta is not None and meta.unit == UNIT_B


def test_invalid_fields_come_back_with_messages_and_nothing_is_lost(web_app: FastAPI, client: People) -> None:
    unit_a = client("unit_a")
    before = state(web_app).store.count()
    data = {**NEW, "name": "", "planned": "五十万左右", "ind_weight": ["50", "三十", "10"]}
    page = unit_a.post("/evaluations/new", data={**data, "action": "save", "csrf_token": unit_a.csrf})
    assert page.status_code == 422
    assert "尚未保存" in page.text
    assert "请填写项目名称" in page.text
    assert "无法识别金额“五十万左右”" in page.text
    assert "权重“三十”不是数字" in page.text
    assert "指标表第2行 权重" in page.text
    posted = form_of(page.text)
    assert posted["planned"] == ["五十万左右"]
    assert posted["ind_name"] == NEW["ind_name"]
    assert posted["ind_weight"] == ["50", "三十", "10"]
    assert posted["problems"] == ["场地不足。"]
    assert state(web_app).store.count() == before


def test_rows_are_added_and_removed_without_javascript(client: People) -> None:
    unit_a = client("unit_a")
    added = unit_a.post("/evaluations/new", data={**NEW, "action": "add_row", "csrf_token": unit_a.csrf})
    assert added.status_code == 200
    rows = form_of(added.text)
    assert rows["ind_name"] == [*NEW["ind_name"], ""]
    assert rows["ind_level1"][-1] == "满意度指标"
    removed = unit_a.post("/evaluations/new", data={**NEW, "remove": "0", "csrf_token": unit_a.csrf})
    assert form_of(removed.text)["ind_name"] == ["参与学生人次", "学生满意度"]
    scored = unit_a.post("/evaluations/new", data={**NEW, "action": "preview", "csrf_token": unit_a.csrf})
    assert scored.status_code == 200
    assert "<strong>99.00</strong>" in scored.text


def test_editing_an_actual_value_changes_the_score_and_is_audited(web_app: FastAPI, client: People) -> None:
    base_id, ev = stored_for_unit_a(web_app)
    assert ev.computed.total == Decimal("97.67")
    unit_a = client("unit_a")
    page = unit_a.get(f"/evaluations/{base_id}/edit")
    assert page.status_code == 200
    fields = form_of(page.text)
    assert fields["ind_actual"][YOUTH] == "25~30人(疫情控人)线上活动100人左右"
    fields["ind_actual"][YOUTH] = "32人"
    fields["action"] = ["save"]
    response = unit_a.post(f"/evaluations/{base_id}/edit", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    new_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert new_id != base_id
    new = state(web_app).store.get(new_id)
    assert new is not None
    assert new.indicators[YOUTH].computed_score == Decimal(2)
    assert new.computed.total == Decimal(98)
    assert new.indicators[YOUTH].location == ev.indicators[YOUTH].location  # kept from the original
    assert new.provenance == ev.provenance
    meta = state(web_app).workflow.meta(new_id)
    assert meta is not None and meta.version == 2 and meta.unit == UNIT_A
    audit = {(h.field, h.old, h.new) for h in state(web_app).workflow.history(new_id) if h.action == "edit"}
    assert ("三级指标“青少年活动参与人数”的实际完成值", "25~30人(疫情控人)线上活动100人左右", "32人") in audit
    assert ("三级指标“青少年活动参与人数”的复核得分", "1.67", "2") in audit
    assert ("复核得分", "97.67", "98") in audit
    edits = [h for h in state(web_app).workflow.history(new_id) if h.action == "edit"]
    assert all(h.evaluation_id == new_id and "unit_a" in h.actor for h in edits)


def test_saving_an_unchanged_form_saves_nothing(web_app: FastAPI, client: People) -> None:
    base_id, _ = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    fields = form_of(unit_a.get(f"/evaluations/{base_id}/edit").text)
    # A browser sends a textarea's line breaks as CRLF.
    assert "\n" in fields["problems"][0]
    fields["problems"] = [fields["problems"][0].replace("\n", "\r\n")]
    page = unit_a.post(f"/evaluations/{base_id}/edit", data={**fields, "action": ["save"]})
    assert page.status_code == 200
    assert "没有修改" in page.text
    meta = state(web_app).workflow.meta(base_id)
    assert meta is not None and len(meta.versions) == 1


def test_an_edit_of_a_version_that_is_no_longer_the_latest_is_refused(
    web_app: FastAPI, client: People
) -> None:
    base_id, _ = stored_for_unit_a(web_app)
    unit_a, admin = client("unit_a"), client("admin")
    stale = form_of(unit_a.get(f"/evaluations/{base_id}/edit").text)
    # Someone else saves first.
    theirs = form_of(admin.get(f"/evaluations/{base_id}/edit").text)
    theirs["problems"] = ["已整改。"]
    saved = admin.post(
        f"/evaluations/{base_id}/edit", data={**theirs, "action": ["save"]}, follow_redirects=False
    )
    assert saved.status_code == 303
    stale["ind_actual"][YOUTH] = "32人"
    refused = unit_a.post(f"/evaluations/{base_id}/edit", data={**stale, "action": ["save"]})
    assert refused.status_code == 409
    assert "已有更新的第2版" in refused.text
    assert form_of(refused.text)["ind_actual"][YOUTH] == "32人"  # nothing typed is lost
    meta = state(web_app).workflow.meta(base_id)
    assert meta is not None and len(meta.versions) == 2
    assert unit_a.get(f"/evaluations/{base_id}/edit").status_code == 409


def test_who_may_edit(web_app: FastAPI, client: People) -> None:
    base_id, _ = stored_for_unit_a(web_app)
    assert client("reviewer").get(f"/evaluations/{base_id}/edit").status_code == 403
    assert client("unit_b").get(f"/evaluations/{base_id}/edit").status_code == 404
    assert client("admin").get(f"/evaluations/{base_id}/edit").status_code == 200
    assert client("unit_a").get("/evaluations/99999/edit").status_code == 404


def test_the_preview_answers_with_the_recomputed_panel(web_app: FastAPI, client: People) -> None:
    base_id, _ = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    fields = form_of(unit_a.get(f"/evaluations/{base_id}/edit").text)
    fields["ind_actual"][YOUTH] = "32人"
    fields["planned"] = ["许多"]
    before = state(web_app).store.count()
    fragment = unit_a.post(
        "/evaluations/preview", data=fields, headers={"X-CSRF-Token": unit_a.csrf, "HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'class="preview-inner"' in fragment.text
    assert "<strong>98.00</strong>" in fragment.text  # the stated rate (100%) still scores the budget
    assert "无法识别金额“许多”" in fragment.text
    errors = re.search(r'data-errors="([^"]*)"', fragment.text)
    assert errors is not None
    assert "planned" in json.loads(errors.group(1).replace("&#34;", '"'))
    fields["planned"] = ["24,409,100.00"]
    again = unit_a.post("/evaluations/preview", data=fields, headers={"X-CSRF-Token": unit_a.csrf})
    assert "无法识别金额" not in again.text
    assert 'data-errors="{}"' in again.text
    assert "青少年活动参与人数" in again.text
    data = unit_a.post(
        "/evaluations/preview?format=json", data=fields, headers={"X-CSRF-Token": unit_a.csrf}
    ).json()
    assert data["evaluation"]["computed"]["total"] == 98
    assert data["rows"][YOUTH] == YOUTH + 1
    assert state(web_app).store.count() == before
    # Another unit's evaluation cannot be previewed through its id.
    unit_b = client("unit_b")
    other = unit_b.post("/evaluations/preview", data=fields, headers={"X-CSRF-Token": unit_b.csrf})
    assert other.status_code == 404


def test_posts_without_the_csrf_token_are_refused(web_app: FastAPI, client: People) -> None:
    base_id, ev = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    fields = form_of(unit_a.get(f"/evaluations/{base_id}/edit").text)
    del fields["csrf_token"]
    before = state(web_app).store.count()
    assert unit_a.post("/evaluations/new", data={**NEW, "action": "save"}).status_code == 403
    assert unit_a.post(f"/evaluations/{base_id}/edit", data={**fields, "action": ["save"]}).status_code == 403
    assert unit_a.post("/evaluations/preview", data=fields).status_code == 403
    assert unit_a.post("/api/evaluations", json=ev.to_dict()).status_code == 403
    assert unit_a.put(f"/api/evaluations/{base_id}", json=ev.to_dict()).status_code == 403
    assert unit_a.post("/api/evaluations/preview", json=ev.to_dict()).status_code == 403
    assert state(web_app).store.count() == before


# -- the API ----------------------------------------------------------------------------------------


def test_the_api_creates_scores_and_forces_the_unit(web_app: FastAPI, client: People) -> None:
    unit_a = client("unit_a")
    contract = score_file(EXAMPLE).to_dict()
    contract["computed"] = {"total": 1}  # whatever a client sends, the server scores
    response = unit_a.post("/api/evaluations?year=2021", json=contract, headers={"X-CSRF-Token": unit_a.csrf})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["evaluation"]["project"]["unit"] == UNIT_A
    assert body["evaluation"]["project"]["year"] == 2021
    assert body["evaluation"]["computed"]["total"] == 97.67
    meta = state(web_app).workflow.meta(body["id"])
    assert meta is not None and (meta.unit, meta.year) == (UNIT_A, 2021)


def test_the_api_edits_as_a_new_version_with_its_audit(web_app: FastAPI, client: People) -> None:
    base_id, ev = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    headers = {"X-CSRF-Token": unit_a.csrf}
    contract = ev.to_dict()
    rows: list[dict[str, object]] = contract["indicators"]  # type: ignore[assignment]
    rows[YOUTH]["actual"] = {"text": "32人", "op": "=", "value": 32, "unit": "人"}
    edited = unit_a.put(f"/api/evaluations/{base_id}", json=contract, headers=headers)
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["changed"] is True
    assert body["id"] != base_id
    assert body["evaluation"]["computed"]["total"] == 98
    assert {"field": "复核得分", "old": "97.67", "new": "98"} in body["changes"]
    fields = {h.field for h in state(web_app).workflow.history(body["id"])}
    assert "三级指标“青少年活动参与人数”的实际完成值" in fields
    # The same again changes nothing; the old version may no longer be edited.
    same = unit_a.put(f"/api/evaluations/{body['id']}", json=body["evaluation"], headers=headers).json()
    assert (same["changed"], same["id"], same["detail"]) == (False, body["id"], "没有修改")
    stale = unit_a.put(f"/api/evaluations/{base_id}", json=contract, headers=headers)
    assert stale.status_code == 409
    assert "更新的" in stale.json()["detail"]
    latest = f"/api/evaluations/{body['id']}"
    unit_b, reviewer = client("unit_b"), client("reviewer")
    assert unit_b.put(latest, json=contract, headers={"X-CSRF-Token": unit_b.csrf}).status_code == 404
    assert reviewer.put(latest, json=contract, headers={"X-CSRF-Token": reviewer.csrf}).status_code == 403


def test_the_api_preview_scores_and_saves_nothing(web_app: FastAPI, client: People) -> None:
    reviewer = client("reviewer")
    before = state(web_app).store.count()
    contract = score_file(EXAMPLE).to_dict()
    contract["scheme"] = {"id": "mof-2020"}  # weights not declared: the scheme's
    response = reviewer.post(
        "/api/evaluations/preview", json=contract, headers={"X-CSRF-Token": reviewer.csrf}
    )
    assert response.status_code == 200
    scored = Evaluation.model_validate(response.json())
    assert scored.scheme.weights.output == 50
    assert scored.computed.total is not None
    assert any(f.code == "WEIGHTS_SUM_MISMATCH" for f in scored.findings)
    assert state(web_app).store.count() == before


def test_the_api_explains_a_bad_body_in_chinese(client: People) -> None:
    unit_a = client("unit_a")
    headers = {"X-CSRF-Token": unit_a.csrf}
    bad = unit_a.post(
        "/api/evaluations", json={"indicators": [{"name": "甲", "weight": "很多"}]}, headers=headers
    )
    assert bad.status_code == 422
    body = bad.json()
    assert body["errors"] == [{"field": "indicators.0.weight", "message": "indicators.0.weight：应是数字"}]
    assert body["detail"].startswith("提交的内容无效：")
    broken = unit_a.post(
        "/api/evaluations/preview",
        content=b'{"project": ',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert "JSON" in broken.json()["detail"]
    unknown = unit_a.post("/api/evaluations", json={"scheme": {"id": "no-such"}}, headers=headers)
    assert unknown.status_code == 422
    assert "未知的评分方案“no-such”" in unknown.json()["detail"]


def test_the_api_is_described_in_openapi(client: People) -> None:
    spec = client("admin").get("/api/openapi.json").json()
    assert spec["paths"]["/api/evaluations"]["post"]["tags"] == ["编写"]
    assert "put" in spec["paths"]["/api/evaluations/{evaluation_id}"]
    assert "post" in spec["paths"]["/api/evaluations/preview"]
    body = spec["paths"]["/api/evaluations"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].startswith("#/components/schemas/Evaluation")


def test_an_unreadable_document_is_filled_in_by_hand(web_app: FastAPI, client: People) -> None:
    scan = unreadable(Path("扫描件.pdf"), "PDF 没有文字层（可能是扫描件）")
    base_id = state(web_app).workflow.save_new(scan, Actor("测试"), action="upload", unit=UNIT_A)
    assert base_id is not None
    unit_a = client("unit_a")
    fields = form_of(unit_a.get(f"/evaluations/{base_id}/edit").text)
    assert fields["ind_name"] == ["", "", ""]  # one empty row per 一级 to start from
    assert fields["ind_level1"] == ["产出指标", "效益指标", "满意度指标"]
    fields.update(
        name=["社区服务"],
        planned=["10万元"],
        executed=["10万元"],
        ind_name=["活动场次", "", ""],
        ind_weight=["50", "", ""],
        ind_target=["≥12场", "", ""],
        ind_actual=["12场", "", ""],
        action=["save"],
    )
    response = unit_a.post(f"/evaluations/{base_id}/edit", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    new_id = int(response.headers["location"].rsplit("/", 1)[1])
    new = state(web_app).store.get(new_id)
    assert new is not None
    assert all(f.code != "UNREADABLE_DOCUMENT" for f in new.findings)
    assert [i.name for i in new.indicators] == ["活动场次"]
    row = state(web_app).browser.page(Browse(scope_unit_id=unit_id(web_app, "unit_a"))).rows[0]
    assert (row.id, row.unreadable) == (new_id, False)
    audit = {h.field for h in state(web_app).workflow.history(new_id) if h.action == "edit"}
    assert {"项目名称", "年度预算数", "新增三级指标“活动场次”", "复核发现的问题"} <= audit
