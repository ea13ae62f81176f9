"""The project-year pages (web/routes/years.py) on both databases: a unit declares targets,
files the 1–7月 monitoring against them, writes the self-evaluation started from them; the
project-year page shows the three stages, each record's findings and the comparison; a reviewer
corrects the match; another unit is refused; the list filters by stage and counts per unit."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

import docx
import openpyxl

from portfolio.test_words import _banned_in
from portfolio.test_words import _chinese_text_codes
from web.conftest import UNIT_A
from web.conftest import Client

# The declared targets: two output indicators, one effect, one satisfaction (weights 90 + 10 for
# the budget execution under mof-2020).
DECLARATION = {
    "name": "校园安全设施改造",
    "year": "2025",
    "scheme": "mof-2020",
    "planned": "50万元",
    "objective": "完成10所学校的安全设施改造，校园安全事故明显减少",
    "row_key": ["", "", "", ""],
    "row_level1": ["产出指标", "产出指标", "效益指标", "满意度指标"],
    "row_level2": ["数量指标", "质量指标", "社会效益指标", "服务对象满意度指标"],
    "row_name": ["改造学校数", "验收合格率", "安全事故发生率", "师生满意度"],
    "row_weight": ["30", "20", "20", "20"],
    "row_target": ["≥10所", "100%", "≤1%", "≥90%"],
}


def _codes(html: str) -> set[str]:
    return set(re.findall(r'data-code="([A-Z_]+)"', html))


def _post(client: Client, url: str, data: dict[str, object], action: str) -> object:
    return client.post(
        url, data={**data, "action": action, "csrf_token": client.csrf}, follow_redirects=False
    )


def _declare(client: Client) -> int:
    saved = _post(client, "/years/declare", DECLARATION, "save")
    assert saved.status_code == 303, saved.text  # type: ignore[attr-defined]
    found = re.fullmatch(r"/years/(\d+)", saved.headers["location"])  # type: ignore[attr-defined]
    assert found
    return int(found.group(1))


def test_a_project_goes_through_its_three_stages(client: Callable[[str], Client]) -> None:
    unit = client("unit_a")
    page = unit.get("/years/declare")
    assert page.status_code == 200 and UNIT_A in page.text and "申报绩效目标" in page.text

    # 检查 shows the declaration's findings without saving: no satisfaction indicator here.
    partial = {**DECLARATION, **{k: v[:3] for k, v in DECLARATION.items() if k.startswith("row_")}}
    checked = _post(unit, "/years/declare", partial, "check")
    assert checked.status_code == 200  # type: ignore[attr-defined]
    assert "DECLARED_GROUP_MISSING" in _codes(checked.text)  # type: ignore[attr-defined]
    assert unit.get("/years").text.count("/years/") >= 1 and "校园安全设施改造" not in unit.get("/years").text

    # A target that cannot be read is named, nothing saved.
    bad = _post(unit, "/years/declare", {**DECLARATION, "planned": "很多"}, "save")
    assert bad.status_code == 422 and "年度资金总额" in bad.text  # type: ignore[attr-defined]

    py = _declare(unit)
    year_page = unit.get(f"/years/{py}")
    assert year_page.status_code == 200
    assert "校园安全设施改造" in year_page.text and "2025 年度" in year_page.text
    assert 'data-stage="declared"' in year_page.text and "当前阶段：目标申报" in year_page.text

    # The monitoring form opens with the declared targets; the unit reports 1–7月.
    form = unit.get(f"/years/{py}/monitoring")
    assert (
        form.status_code == 200 and "≥10所" in form.text and "指标与年度指标值已按目标申报填好" in form.text
    )
    monitoring = {
        "name": DECLARATION["name"],
        "year": "2025",
        "first_month": "1",
        "last_month": "7",
        "planned": "50万元",
        "executed": "5万元",  # 10% spent with 58% of the year gone
        "row_key": ["", "", "", ""],
        "row_level1": DECLARATION["row_level1"],
        "row_level2": DECLARATION["row_level2"],
        "row_weight": DECLARATION["row_weight"],
        "row_name": DECLARATION["row_name"],
        "row_target": DECLARATION["row_target"],
        "row_to_date": ["3所", "100%", "0.5%", "92%"],
        "row_expected": ["6所", "100%", "0.8%", "93%"],
        "row_cause": ["", "", "", ""],
        "row_cause_text": ["", "", "", ""],
        "row_likelihood": ["完全不可能", "确定能", "确定能", "确定能"],
        "row_note": ["", "", "", ""],
    }
    checked = _post(unit, f"/years/{py}/monitoring", monitoring, "check")
    codes = _codes(checked.text)  # type: ignore[attr-defined]
    assert {"MONITORING_EXECUTION_BEHIND", "MONITORING_IMPOSSIBLE_UNEXPLAINED"} <= codes, codes
    assert "执行进度 <strong>10.00%</strong>" in checked.text  # type: ignore[attr-defined]
    saved = _post(unit, f"/years/{py}/monitoring", monitoring, "save")
    assert saved.status_code == 303  # type: ignore[attr-defined]
    year_page = unit.get(f"/years/{py}")
    assert "当前阶段：执行监控" in year_page.text
    assert "MONITORING_EXECUTION_BEHIND" in _codes(year_page.text)

    # The self-evaluation starts from the declared targets; the unit changes one of them.
    start = unit.get(f"/evaluations/new?project_year={py}")
    assert start.status_code == 200 and "已按目标申报填好" in start.text and 'value="≥10所"' in start.text
    evaluation = {
        "scheme": "mof-2020",
        "name": DECLARATION["name"],
        "year": "2025",
        "planned": "50万元",
        "executed": "45万元",
        "ind_key": ["", "", "", ""],
        "ind_level1": DECLARATION["row_level1"],
        "ind_level2": DECLARATION["row_level2"],
        "ind_name": ["改造学校数", "验收合格比例", "安全事故发生率", "受益学生满意度调查结果"],
        "ind_weight": DECLARATION["row_weight"],
        "ind_target": ["≥6所", "100%", "≤1%", "≥90%"],  # 10所 declared
        "ind_actual": ["6所", "100%", "0.6%", "95%"],
        "ind_claimed_score": ["30", "20", "20", "20"],
        "ind_deviation_reason": ["", "", "", ""],
    }
    made = _post(unit, "/evaluations/new", evaluation, "submit")
    assert made.status_code == 303, made.text  # type: ignore[attr-defined]
    year_page = unit.get(f"/years/{py}")
    assert "当前阶段：年终自评" in year_page.text
    codes = _codes(year_page.text)
    assert "TARGET_CHANGED_FROM_DECLARATION" in codes, codes
    # 验收合格比例 is 验收合格率 reworded: matched, not missing.
    assert 'data-state="目标已改"' in year_page.text
    assert year_page.text.count('data-state="一致"') == 2
    assert 'data-state="自评未填报"' in year_page.text and 'data-state="申报后新增"' in year_page.text
    assert "match-form" not in year_page.text  # a unit does not correct the match

    # The reviewer says 受益学生满意度调查结果 is the declared 师生满意度.
    reviewer = client("reviewer")
    corrected = reviewer.post(
        f"/years/{py}/match",
        data={"evaluated": "受益学生满意度调查结果", "declared": "师生满意度", "csrf_token": reviewer.csrf},
        follow_redirects=False,
    )
    assert corrected.status_code == 303
    after = reviewer.get(f"/years/{py}")
    assert "match-form" in after.text and "已人工更正" in after.text
    assert 'data-state="自评未填报"' not in after.text and 'data-state="申报后新增"' not in after.text
    assert "“受益学生满意度调查结果”→“师生满意度”" in after.text
    # One word per concept here too, findings named in Chinese (codes only in attributes).
    for text in (after.text, checked.text, unit.get("/years").text, unit.get(f"/years/{py}/monitoring").text):  # type: ignore[attr-defined]
        assert _banned_in(text) == [] and _chinese_text_codes(text) == []
    api = reviewer.get(f"/api/years/{py}").json()
    assert api["timeline"]["info"]["stage"] == "evaluated"
    assert api["tally"] == {"same": 3, "changed": 1, "missing": 0, "added": 0}
    # Back to the names' own match.
    reviewer.post(
        f"/years/{py}/match",
        data={"evaluated": "受益学生满意度调查结果", "declared": "auto", "csrf_token": reviewer.csrf},
    )
    assert reviewer.get(f"/api/years/{py}").json()["tally"]["added"] == 1

    # Reviewers do not declare; units do not correct; another unit sees nothing.
    assert reviewer.get("/years/declare").status_code == 403
    refused = unit.post(
        f"/years/{py}/match",
        data={"evaluated": "受益学生满意度调查结果", "declared": "", "csrf_token": unit.csrf},
    )
    assert refused.status_code == 403
    other = client("unit_b")
    assert other.get(f"/years/{py}").status_code == 404
    assert other.get(f"/years/{py}/monitoring").status_code == 404
    assert other.get(f"/evaluations/new?project_year={py}").status_code == 404
    assert "校园安全设施改造" not in other.get("/years").text


def test_the_list_filters_by_stage_and_counts_per_unit(client: Callable[[str], Client]) -> None:
    unit = client("unit_a")
    py = _declare(unit)
    second = _post(unit, "/years/declare", {**DECLARATION, "name": "农村道路养护"}, "save")
    assert second.status_code == 303  # type: ignore[attr-defined]
    monitoring = {
        "name": "农村道路养护",
        "year": "2025",
        "last_month": "7",
        "planned": "10万元",
        "executed": "6万元",
        "row_name": ["养护里程"],
        "row_target": ["≥20公里"],
        "row_to_date": ["12公里"],
    }
    second_py = int(second.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    assert _post(unit, f"/years/{second_py}/monitoring", monitoring, "save").status_code == 303  # type: ignore[attr-defined]

    admin = client("admin")
    declared = admin.get("/years?stage=declared")
    assert f'href="/years/{py}"' in declared.text and f'href="/years/{second_py}"' not in declared.text
    monitored = admin.get("/years?stage=monitored")
    assert f'href="/years/{second_py}"' in monitored.text and f'href="/years/{py}"' not in monitored.text
    assert admin.get("/years?stage=evaluated").text.count("<tr data-stage=") == 0
    counts = admin.get("/api/years").json()["counts"]
    [row] = [c for c in counts if c["unit"] == UNIT_A]
    assert (row["declared"], row["monitored"], row["evaluated"]) == (2, 1, 0)
    # Each count links to the project-years that have that record (the furthest stage aside).
    having = admin.get(f"/years?unit={row['unit_id']}&has=declared")
    assert f'href="/years?unit={row["unit_id"]}&has=declared"' in having.text
    assert f'href="/years/{py}"' in having.text and f'href="/years/{second_py}"' in having.text
    assert f'href="/years/{py}"' not in admin.get("/years?has=monitored").text
    # The dashboard shows the same counts.
    home = admin.get("/")
    assert "各单位申报、监控、自评情况" in home.text and f"/years?unit={row['unit_id']}" in home.text


def test_the_evaluation_page_shows_the_link_to_its_declaration(client: Callable[[str], Client]) -> None:
    unit = client("unit_a")
    py = _declare(unit)
    evaluation = {
        "scheme": "mof-2020",
        "name": DECLARATION["name"],
        "year": "2025",
        "ind_key": [""],
        "ind_level1": ["产出指标"],
        "ind_level2": ["数量指标"],
        "ind_name": ["改造学校数"],
        "ind_weight": ["30"],
        "ind_target": ["≥8所"],
        "ind_actual": ["8所"],
        "ind_claimed_score": ["30"],
        "ind_deviation_reason": [""],
    }
    made = _post(unit, "/evaluations/new", evaluation, "save")
    assert made.status_code == 303  # type: ignore[attr-defined]
    page = unit.get(made.headers["location"])  # type: ignore[attr-defined]
    link = page.text[page.text.index('id="year-link"') :]
    assert f'href="/years/{py}#compare"' in link
    assert {"TARGET_CHANGED_FROM_DECLARATION", "DECLARED_INDICATOR_MISSING"} <= _codes(link)
    # An evaluation of a project-year nothing was declared for has no such section.
    other = _post(unit, "/evaluations/new", {**evaluation, "name": "未申报的项目"}, "save")
    assert 'id="year-link"' not in unit.get(other.headers["location"]).text  # type: ignore[attr-defined]


def test_the_declaration_and_monitoring_download_as_their_official_tables(
    client: Callable[[str], Client],
) -> None:
    unit = client("unit_a")
    py = _declare(unit)
    assert unit.get(f"/years/{py}/export/monitoring.xlsx").status_code == 404  # nothing monitored yet
    page = unit.get(f"/years/{py}")
    assert f'href="/years/{py}/export/declaration.xlsx"' in page.text
    got = unit.get(f"/years/{py}/export/declaration.xlsx")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert (
        "%E7%BB%A9%E6%95%88%E7%9B%AE%E6%A0%87%E7%94%B3%E6%8A%A5%E8%A1%A8"
        in got.headers["content-disposition"]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(got.content))
    text = " ".join(str(c.value) for ws in sheet for row in ws.iter_rows() for c in row if c.value)
    assert "校园安全设施改造" in text and "改造学校数" in text and "≥10所" in text
    monitoring = {"name": DECLARATION["name"], "year": "2025", "last_month": "7", "planned": "50万元",
                  "executed": "30万元", "row_name": ["改造学校数"], "row_target": ["≥10所"], "row_to_date": ["7所"]}  # fmt: skip
    assert _post(unit, f"/years/{py}/monitoring", monitoring, "save").status_code == 303  # type: ignore[attr-defined]
    doc = unit.get(f"/years/{py}/export/monitoring.docx")
    assert doc.status_code == 200 and doc.content[:2] == b"PK"
    words = " ".join(
        p.text for t in docx.Document(io.BytesIO(doc.content)).tables for r in t.rows for p in r.cells
    )
    assert "7所" in words
    assert unit.get(f"/years/{py}/export/evaluation.xlsx").status_code == 404
    assert client("unit_b").get(f"/years/{py}/export/declaration.xlsx").status_code == 404


def test_the_rest_twins_take_and_give_the_contract(client: Callable[[str], Client]) -> None:
    unit = client("unit_a")
    headers = {"X-CSRF-Token": unit.csrf}
    declaration = {
        "schema": "jixiao.declaration/1",
        "project": {"name": "社区养老服务", "year": 2025, "unit": "别的单位"},
        "planned_yuan": "300000",
        "objective": "服务老人500人",
        "indicators": [
            {"level1": "产出指标", "name": "服务老人数", "weight": "40", "target": {"text": "≥500人"}},
            {"level1": "满意度指标", "name": "老人满意度", "weight": "50", "target": {"text": "不太清楚"}},
        ],
    }
    made = unit.post("/api/years/declarations", json=declaration, headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    py = body["project_year_id"]
    assert body["version"] == 1
    codes = {f["code"] for f in body["record"]["findings"]}
    assert {"DECLARED_TARGET_NOT_MEASURABLE", "DECLARED_GROUP_MISSING"} <= codes, codes
    info = unit.get(f"/api/years/{py}").json()["timeline"]["info"]
    assert info["unit"] == UNIT_A  # a unit user's records are filed under their own unit
    assert unit.get(f"/api/years/{py}/declaration").json()["objective"] == "服务老人500人"
    assert unit.get(f"/api/years/{py}/monitoring").status_code == 404

    monitoring = {
        "schema": "jixiao.monitoring/1",
        "project": {"name": "社区养老服务", "year": 2025},
        "period": {"first_month": 1, "last_month": 7},
        "planned_yuan": "300000",
        "executed_yuan": "30000",
        "indicators": [{"name": "服务老人数", "target": {"text": "≥500人"}, "likelihood": "完全不可能"}],
    }
    saved = unit.post("/api/years/monitorings", json=monitoring, headers=headers)
    assert saved.status_code == 201, saved.text
    record = saved.json()["record"]
    assert Decimal(str(record["execution_rate"])) == Decimal("0.1")
    assert {"MONITORING_EXECUTION_BEHIND", "MONITORING_IMPOSSIBLE_UNEXPLAINED"} <= {
        f["code"] for f in record["findings"]
    }
    assert saved.json()["project_year_id"] == py

    bad = unit.post("/api/years/declarations", json={"project": {"name": "缺年度"}}, headers=headers)
    assert bad.status_code == 422 and "年度" in bad.json()["detail"]
    malformed = unit.post("/api/years/declarations", json={"indicators": "x"}, headers=headers)
    assert malformed.status_code == 422 and "indicators" in malformed.json()["detail"]

    reviewer = client("reviewer")
    assert (
        reviewer.post(
            "/api/years/declarations", json=declaration, headers={"X-CSRF-Token": reviewer.csrf}
        ).status_code
        == 403
    )
    link = reviewer.put(
        f"/api/years/{py}/match",
        json={"evaluated": "长者服务人次", "declared": "服务老人数"},
        headers={"X-CSRF-Token": reviewer.csrf},
    )
    assert link.status_code == 200 and link.json() is None  # no evaluation yet: stored, nothing to link
    assert [o["declared"] for o in reviewer.get(f"/api/years/{py}").json()["timeline"]["overrides"]] == [
        "服务老人数"
    ]
    denied = unit.put(f"/api/years/{py}/match", json={"evaluated": "x", "auto": True}, headers=headers)
    assert denied.status_code == 403


def test_the_forms_check_live_as_typed(client: Callable[[str], Client]) -> None:
    unit = client("unit_a")
    partial = {**DECLARATION, **{k: v[:1] for k, v in DECLARATION.items() if k.startswith("row_")}}
    panel = _post(unit, "/years/check", {**partial, "kind": "declaration"}, "check")
    assert panel.status_code == 200 and "<html" not in panel.text  # type: ignore[attr-defined]
    assert "申报检查" in panel.text and "DECLARED_GROUP_MISSING" in _codes(panel.text)  # type: ignore[attr-defined]
    assert "校园安全设施改造" not in unit.get("/years").text  # nothing saved
    py = _declare(unit)
    monitoring = {"kind": "monitoring", "project_year_id": str(py), "last_month": "7", "planned": "50万元",
                  "executed": "5万元", "row_name": ["改造学校数"], "row_target": ["≥10所"]}  # fmt: skip
    panel = _post(unit, "/years/check", monitoring, "check")
    assert "执行进度 <strong>10.00%</strong>" in panel.text  # type: ignore[attr-defined]
    assert "MONITORING_EXECUTION_BEHIND" in _codes(panel.text)  # type: ignore[attr-defined]
    assert _post(client("unit_b"), "/years/check", monitoring, "check").status_code == 404  # type: ignore[attr-defined]
    assert _post(client("reviewer"), "/years/check", monitoring, "check").status_code == 403  # type: ignore[attr-defined]
