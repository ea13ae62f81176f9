"""The evaluation list, the evaluation page, the review decision and their JSON/API twins.

Every test that touches the app runs on SQLite and on PostgreSQL (the ``web_app`` fixture). The
evaluations are real submissions (tests/data/seeds) read by the intake pipeline and stored for
two units; what the pages must show is taken from those evaluation objects, not written out.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from markupsafe import escape

from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Severity
from jixiao.intake.pipeline import extract_file
from jixiao.portfolio.importer import keep_original
from jixiao.storage.store import DocumentInfo
from jixiao.storage.workflow import Actor
from jixiao.storage.workflow import Change
from jixiao.web.filters import score
from jixiao.web.filters import signed
from jixiao.web.routes.evaluations import ListQuery
from jixiao.web.routes.evaluations import findings_by_row
from jixiao.web.routes.evaluations import page_window
from jixiao.web.routes.evaluations import worst
from web.conftest import UNIT_A
from web.conftest import UNIT_B
from web.conftest import Client

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = DATA / "seeds"
SOCIAL = SEEDS / "004_4158cb152188c568.txt"  # 社会保障专项 2020: errors on indicator 8, 97.67 vs 98
COMMUNITY = SEEDS / "002_d2da961157e41a94.txt"  # 基层政权和社区建设 2018: warnings only, 97
OFFICE = SEEDS / "003_bb92a3f2b07c21bc.txt"  # 社区办公 2020: no recomputed total
STREET = SEEDS / "001_08510d5929f9f624.txt"  # 龙城街道…工作经费 2020: errors, no indicators
ZHONGHE = SEEDS / "000_9b73f2e30078aabb.txt"  # 众和社区工作经费 2019: warnings
UNREADABLE = DATA / "unreadable" / "README.odt"  # an unsupported type: UNREADABLE_DOCUMENT

ClientFor = Callable[[str], Client]


@functools.cache
def extracted(path: Path) -> Evaluation:
    return extract_file(path)


def put(
    app: FastAPI,
    path: Path,
    unit: str,
    *,
    project: str | None = None,
    year: int | None = None,
    archive: bool = True,
    name: str | None = None,
) -> int:
    """Store the evaluation read from ``path`` as ``unit``'s (and its file as the original)."""
    ev = extracted(path)
    changes: dict[str, Any] = {"unit": unit}
    if project is not None:
        changes["name"] = project
    ev = ev.model_copy(update={"project": ev.project.model_copy(update=changes)})
    state = app.state.web
    document = None
    if archive:
        content = path.read_bytes()
        sha = hashlib.sha256(content + (project or "").encode()).hexdigest()
        document = DocumentInfo(
            sha256=sha,
            name=name or path.name,
            path=str(path),
            format=path.suffix.lstrip("."),
            size=len(content),
            stored=keep_original(path, sha, state.data_dir),
        )
    result = state.store.save(ev, document, year=year)
    assert result.evaluation_id is not None
    return int(result.evaluation_id)


@dataclass(frozen=True)
class Kept:
    """One stored evaluation as the tests know it."""

    id: int
    ev: Evaluation
    unit: str
    project: str
    document: str | None

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.ev.findings)


@pytest.fixture
def kept(web_app: FastAPI) -> dict[str, Kept]:
    """Three evaluations of unit A, three of unit B (one of them an unreadable file)."""
    plan = {
        "a_social": (SOCIAL, UNIT_A),
        "a_community": (COMMUNITY, UNIT_A),
        "a_office": (OFFICE, UNIT_A),
        "b_street": (STREET, UNIT_B),
        "b_zhonghe": (ZHONGHE, UNIT_B),
        "b_unreadable": (UNREADABLE, UNIT_B),
    }
    state = web_app.state.web
    out = {}
    for key, (path, unit) in plan.items():
        evaluation_id = put(web_app, path, unit)
        ev = state.store.get(evaluation_id)
        meta = state.workflow.meta(evaluation_id)
        out[key] = Kept(evaluation_id, ev, unit, meta.project, path.name)
    return out


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["rows"]]


def listed(client: Client, **params: Any) -> set[int]:
    return set(ids(client.get("/api/evaluations", params=params)))


# -- pure helpers --------------------------------------------------------------------------------


def test_list_query_reads_urls_tolerantly() -> None:
    q = ListQuery.parse(
        {"year": "abc", "unit": "7", "status": "胡说", "errors": "maybe", "sort": "drop table", "page": "-3"}
    )
    assert q == ListQuery(unit=7)
    q = ListQuery.parse(
        {"year": " 2020 ", "status": "退回修改", "errors": "yes", "sort": "claimed", "q": " 社区 "}
    )
    assert q == ListQuery(year=2020, status="退回修改", errors="yes", sort="claimed", order="asc", q="社区")
    browse = q.browse(None)
    assert browse.has_errors is True
    assert not browse.descending
    assert q.browse(5).scope_unit_id == 5
    assert q.browse(5).unit_id is None  # a unit user's unit filter never widens the scope


def test_list_query_urls_round_trip_and_sorting_toggles() -> None:
    q = ListQuery.parse({"year": "2020", "q": "社区 & 办公", "page": "3"})
    again = ListQuery.parse({k: v[0] for k, v in parse_qs(urlsplit(q.url()).query).items()})
    assert again == q
    assert ListQuery().url() == "/evaluations"
    assert ListQuery.parse({"sort": "computed"}).order == "asc"  # a new column: ascending first
    toggled = q.sort_url("id")  # the default sort is id, newest first: a click reverses it
    assert "order=asc" in toggled
    assert "page=" not in toggled  # a new order starts on page 1
    computed = ListQuery(sort="computed", order="asc")
    assert "order=desc" in computed.sort_url("computed")
    assert "order=asc" in computed.sort_url("unit")
    assert not ListQuery(page=4, sort="unit", order="asc").filtered
    assert ListQuery(code="SCORE_MISMATCH").filtered


def test_page_window_marks_gaps() -> None:
    assert page_window(1, 1) == [1]
    assert page_window(1, 3) == [1, 2, 3]
    assert page_window(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_window(2, 20) == [1, 2, 3, 4, None, 20]


def test_findings_go_to_their_rows_and_the_worst_severity_wins() -> None:
    ev = extracted(SOCIAL)
    rows = findings_by_row(ev.findings, len(ev.indicators))
    assert {i for f in ev.findings if (i := f.indicator) is not None} == set(rows)
    assert all(f.indicator == i for i, fs in rows.items() for f in fs)
    assert worst(rows[8]) == "error"
    stray = Finding(code="X", severity=Severity.INFO, message="m", indicator=999)
    assert findings_by_row([stray], 3) == {}
    assert worst([stray]) == "info"
    assert worst([]) is None


# -- the list ------------------------------------------------------------------------------------


def test_list_shows_every_current_evaluation_with_its_figures(
    client: ClientFor, kept: dict[str, Kept]
) -> None:
    reviewer = client("reviewer")
    data = reviewer.get("/evaluations", params={"format": "json"}).json()
    assert data["total"] == len(kept)
    assert [r["id"] for r in data["rows"]] == sorted((k.id for k in kept.values()), reverse=True)
    rows = {r["id"]: r for r in data["rows"]}
    social = kept["a_social"]
    row = rows[social.id]
    assert row["unit"] == UNIT_A
    assert Decimal(row["claimed_total"]) == social.ev.claimed.total
    assert Decimal(row["computed_total"]) == social.ev.computed.total
    assert Decimal(row["difference"]) == social.ev.claimed.total - social.ev.computed.total
    assert row["computed_grade"] == social.ev.computed.grade
    assert row["errors"] == social.errors
    assert row["status"] == "已提交"
    assert row["document"] == SOCIAL.name
    assert rows[kept["b_unreadable"].id]["unreadable"] is True
    assert {c["code"] for c in data["choices"]["codes"]} >= {"SCORE_MISMATCH", "UNREADABLE_DOCUMENT"}
    assert set(data["choices"]["years"]) == {k.ev.project.year for k in kept.values() if k.ev.project.year}

    page = reviewer.get("/evaluations").text
    assert "无法读取" in page
    assert f"共 <strong>{len(kept)}</strong> 份评价" in page
    assert signed(social.ev.claimed.total - social.ev.computed.total) in page  # +0.33
    assert score(social.ev.computed.total) in page
    assert 'name="csrf_token"' in page  # the logout form of the base layout
    headers = re.findall(r'<th scope="col"[^>]*>\s*(?:<a [^>]*>)?([^<]+)', page)
    assert "".join(f"[{h}]" for h in headers) == (
        "[编号][单位][项目][年度][版本][自评得分][复核得分][差额][未核验][等级][执行率][问题][审核状态][文件]"
    )


def test_list_filters_match_the_evaluations(
    client: ClientFor, kept: dict[str, Kept], web_app: FastAPI
) -> None:
    reviewer = client("reviewer")
    everything = list(kept.values())

    def expect(pred: Callable[[Kept], bool]) -> set[int]:
        found = {k.id for k in everything if pred(k)}
        assert found, "a filter test must expect something"
        return found

    assert listed(reviewer, year=2020) == expect(lambda k: k.ev.project.year == 2020)
    unit_b = web_app.state.web.accounts.unit_id(UNIT_B)
    assert listed(reviewer, unit=unit_b) == expect(lambda k: k.unit == UNIT_B)
    assert listed(reviewer, grade="优") == expect(lambda k: k.ev.computed.grade == "优")
    assert listed(reviewer, errors="yes") == expect(lambda k: k.errors > 0)
    assert listed(reviewer, errors="no") == expect(lambda k: k.errors == 0)
    for code in ("SCORE_MISMATCH", "TARGET_NOT_QUANTIFIED", "UNREADABLE_DOCUMENT"):
        assert listed(reviewer, code=code) == expect(
            lambda k, c=code: any(f.code == c for f in k.ev.findings)
        )
    assert listed(reviewer, q="社区") == expect(lambda k: "社区" in k.project or "社区" in (k.document or ""))
    assert listed(reviewer, q="README") == {kept["b_unreadable"].id}  # by file name
    assert listed(reviewer, q="文化旅游") == expect(lambda k: k.unit == UNIT_B)  # by unit name
    assert listed(reviewer, q="%") == set()  # LIKE wildcards are searched for, not obeyed
    both = listed(reviewer, year=2020, errors="yes")
    assert both == expect(lambda k: k.ev.project.year == 2020 and k.errors > 0)
    assert listed(reviewer, year=1999) == set()
    # Empty form fields (a plain GET form sends them all) mean "all".
    assert listed(reviewer, year="", unit="", grade="", status="", errors="", code="", q="") == {
        k.id for k in everything
    }


def test_filter_form_offers_the_choices_and_keeps_the_chosen_ones(
    client: ClientFor, kept: dict[str, Kept], web_app: FastAPI
) -> None:
    reviewer = client("reviewer")
    accounts = web_app.state.web.accounts
    unit_a, unit_b = accounts.unit_id(UNIT_A), accounts.unit_id(UNIT_B)
    chosen = {"year": 2020, "unit": unit_b, "errors": "yes", "code": "SCORE_MISMATCH", "status": "已提交"}
    page = reviewer.get("/evaluations", params=chosen).text
    assert f'<option value="{unit_b}" selected>{escape(UNIT_B)}</option>' in page
    assert f'<option value="{unit_a}">{escape(UNIT_A)}</option>' in page
    assert '<option value="2020" selected>2020</option>' in page
    assert '<option value="yes" selected>有</option>' in page and '<option value="no">无</option>' in page
    assert re.search(r'<option value="SCORE_MISMATCH" selected>[^<]+（SCORE_MISMATCH）</option>', page)
    assert "<option selected>已提交</option>" in page and "<option>审核通过</option>" in page
    for grade in {k.ev.computed.grade for k in kept.values() if k.ev.computed.grade}:
        assert f"<option>{grade}</option>" in page


def test_list_sorts_by_a_column_and_reverses(client: ClientFor, kept: dict[str, Kept]) -> None:
    reviewer = client("reviewer")
    data = reviewer.get("/api/evaluations", params={"sort": "computed", "order": "asc"}).json()
    totals = [None if r["computed_total"] is None else Decimal(r["computed_total"]) for r in data["rows"]]
    known = [t for t in totals if t is not None]
    assert known == sorted(known)
    assert totals == known + [None] * (len(totals) - len(known))  # unknown totals last
    down = reviewer.get("/api/evaluations", params={"sort": "computed", "order": "desc"}).json()
    totals = [None if r["computed_total"] is None else Decimal(r["computed_total"]) for r in down["rows"]]
    assert [t for t in totals if t is not None] == sorted(known, reverse=True)
    for key in ("unit", "id", "rate", "errors"):
        up = ids(reviewer.get("/api/evaluations", params={"sort": key, "order": "asc"}))
        if key in ("unit", "id"):  # no unknown values: ascending is exactly descending reversed
            assert up == ids(reviewer.get("/api/evaluations", params={"sort": key, "order": "desc"}))[::-1]
    errors = [r["errors"] for r in reviewer.get("/api/evaluations", params={"sort": "errors"}).json()["rows"]]
    assert errors == sorted(errors)

    page = reviewer.get("/evaluations", params={"sort": "computed", "order": "asc"}).text
    links = {
        html.unescape(m.group(2)): parse_qs(urlsplit(html.unescape(m.group(1))).query)
        for m in re.finditer(r'<th scope="col"[^>]*>\s*<a href="([^"]+)"[^>]*>([^<]+)', page)
    }
    assert links["复核得分"]["order"] == ["desc"]  # clicking the sorted column again reverses it
    assert links["自评得分"]["sort"] == ["claimed"]
    assert links["自评得分"]["order"] == ["asc"]
    assert 'aria-sort="ascending"' in page
    assert '<input type="hidden" name="sort" value="computed">' in page  # filtering keeps the order


def test_list_pages_fifty_at_a_time(client: ClientFor, web_app: FastAPI) -> None:
    made = {put(web_app, COMMUNITY, UNIT_A, project=f"分页项目{i:02d}", year=2021) for i in range(55)}
    reviewer = client("reviewer")
    first = reviewer.get("/api/evaluations", params={"year": 2021}).json()
    assert (first["total"], first["pages"], first["per_page"], len(first["rows"])) == (55, 2, 50, 50)
    second = reviewer.get("/api/evaluations", params={"year": 2021, "page": 2}).json()
    assert len(second["rows"]) == 5
    assert {r["id"] for r in first["rows"]} | {r["id"] for r in second["rows"]} == made
    beyond = reviewer.get("/api/evaluations", params={"year": 2021, "page": 9}).json()
    assert beyond["page"] == 2  # past the end: the last page
    page = reviewer.get("/evaluations", params={"year": 2021}).text
    assert 'rel="next"' in page
    assert "/evaluations?year=2021&amp;page=2" in page
    assert "第 1 / 2 页" in page


def test_htmx_gets_only_the_results_section(client: ClientFor, kept: dict[str, Kept]) -> None:
    reviewer = client("reviewer")
    headers = {"HX-Request": "true", "HX-Target": "results"}
    part = reviewer.get(
        "/evaluations", params={"year": 2020, "sort": "unit", "order": "asc"}, headers=headers
    )
    assert part.status_code == 200
    assert "<html" not in part.text
    assert part.text.lstrip().startswith('<section id="results"')
    assert 'id="sort-fields" hx-swap-oob="true"' in part.text
    assert kept["a_social"].project in part.text
    assert kept["a_community"].project not in part.text  # 2018
    restore = reviewer.get("/evaluations", headers={**headers, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_empty_list_says_so_in_chinese(client: ClientFor, kept: dict[str, Kept]) -> None:
    reviewer = client("reviewer")
    assert "没有符合筛选条件的评价" in reviewer.get("/evaluations", params={"year": 1999}).text


def test_empty_database_list(client: ClientFor) -> None:
    assert "还没有评价" in client("reviewer").get("/evaluations").text
    assert "本单位还没有评价" in client("unit_a").get("/evaluations").text


# -- unit scope ----------------------------------------------------------------------------------


def test_unit_user_lists_only_their_own_unit(
    client: ClientFor, kept: dict[str, Kept], web_app: FastAPI
) -> None:
    unit_a = client("unit_a")
    own = {k.id for k in kept.values() if k.unit == UNIT_A}
    assert listed(unit_a) == own
    unit_b = web_app.state.web.accounts.unit_id(UNIT_B)
    assert listed(unit_a, unit=unit_b) == own  # asking for another unit changes nothing
    assert listed(unit_a, q=kept["b_street"].project) == set()
    data = unit_a.get("/evaluations", params={"format": "json"}).json()
    assert {r["unit"] for r in data["rows"]} == {UNIT_A}
    assert data["choices"]["units"] == []
    page = unit_a.get("/evaluations").text
    assert UNIT_B not in page
    assert kept["b_street"].project not in page
    assert 'name="unit"' not in page  # no unit filter for a unit user
    assert listed(client("unit_b")) == {k.id for k in kept.values() if k.unit == UNIT_B}


def _detail(response: Any) -> str:
    """The error message of an error page or of its JSON twin."""
    if response.headers["content-type"].startswith("application/json"):
        return str(response.json()["detail"])
    found = re.search(r'role="alert">(.*?)</p>', response.text)
    assert found, response.text
    return found.group(1)


def test_another_units_evaluation_is_404_everywhere(client: ClientFor, kept: dict[str, Kept]) -> None:
    unit_a = client("unit_a")
    foreign = kept["b_street"].id
    missing = max(k.id for k in kept.values()) + 100
    for template in (
        "/evaluations/{}",
        "/evaluations/{}?format=json",
        "/api/evaluations/{}",
        "/evaluations/{}/original",
        "/evaluations/{}/export/table.xlsx",
        "/evaluations/{}/export/report.docx",
        "/evaluations/{}/review.xlsx",
        "/evaluations/{}/review.html",
    ):
        seen = unit_a.get(template.format(foreign))
        absent = unit_a.get(template.format(missing))
        assert seen.status_code == absent.status_code == 404, template
        assert _detail(seen).replace(str(foreign), "N") == _detail(absent).replace(str(missing), "N")
        assert kept["b_street"].project not in seen.text
    assert unit_a.get(f"/evaluations/{kept['a_social'].id}").status_code == 200
    assert client("reviewer").get(f"/evaluations/{foreign}").status_code == 200


# -- the evaluation page -------------------------------------------------------------------------


def _rows(page: str) -> dict[int, tuple[str, str]]:
    """The indicator rows of the page: index → (class, inner HTML)."""
    found = re.findall(r'<tr id="ind-(\d+)" class="([^"]*)">(.*?)</tr>', page, flags=re.S)
    return {int(i): (cls, body) for i, cls, body in found}


def test_page_shows_claimed_and_recomputed_scores_and_findings_on_their_rows(
    client: ClientFor, kept: dict[str, Kept]
) -> None:
    social = kept["a_social"]
    ev = social.ev
    page = client("reviewer").get(f"/evaluations/{social.id}").text
    rows = _rows(page)
    assert sorted(rows) == list(range(len(ev.indicators)))
    for i, ind in enumerate(ev.indicators):
        cls, body = rows[i]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, flags=re.S)
        assert escape(ind.name) in cells[3]
        assert cells[7].strip() == score(ind.claimed_score)
        assert cells[8].strip() == score(ind.computed_score)
        if ind.explanation:
            assert f'title="{escape(ind.explanation)}"' in body  # the explanation on hover
            assert "<details><summary>计分说明</summary>" in body  # and on expand
        mine = [f for f in ev.findings if f.indicator == i]
        for f in mine:
            assert escape(f.message) in body
        severities = {f.severity for f in mine}
        if Severity.ERROR in severities:
            assert "has-error" in cls
        elif Severity.WARNING in severities:
            assert "has-warning" in cls
        elif not mine:
            assert "has-" not in cls
        differs = (
            None not in (ind.claimed_score, ind.computed_score) and ind.claimed_score != ind.computed_score
        )
        assert ("differs" in cls) == differs
    # Row 8 (青少年活动参与人数): claimed 2, recomputed 1.67, two errors on it.
    cls, body = rows[8]
    assert "has-error" in cls
    assert "+0.33" in body
    assert "错误" in body
    assert "SCORE_MISMATCH" in body
    assert "FULL_SCORE_TARGET_MISSED" in body
    # Totals and the budget block, with their explanations.
    assert escape(ev.computed.total_explanation or "x") in page
    assert escape(ev.computed.budget_explanation or "x") in page
    assert score(ev.computed.total) in page
    assert score(ev.claimed.total) in page
    assert "24,409,100.00" in page  # planned in yuan
    assert "2,440.91" in page  # and in 万元
    assert "100.00%" in page
    # Every finding is listed, with its severity in words.
    listed_findings = page.split('id="findings"')[1].split("</section>")[0]
    for f in ev.findings:
        assert escape(f.message) in listed_findings
    assert listed_findings.count(">错误<") == sum(f.severity is Severity.ERROR for f in ev.findings)
    assert listed_findings.count(">警告<") == sum(f.severity is Severity.WARNING for f in ev.findings)
    assert listed_findings.count(">提示<") == sum(f.severity is Severity.INFO for f in ev.findings)
    assert 'href="#ind-8"' in listed_findings
    # Header facts, problems text, downloads.
    assert escape(ev.project.implementer or "x") in page
    assert "hubei-2019" in page
    assert escape((ev.problems or "x")[:20]) in page
    for url in ("original", "export/table.xlsx", "export/table.pdf", "export/report.docx", "review.html"):
        assert f'href="/evaluations/{social.id}/{url}"' in page
    assert "/static/evaluations.css" in page


def test_page_of_an_unreadable_file_says_why(client: ClientFor, kept: dict[str, Kept]) -> None:
    unreadable = kept["b_unreadable"]
    page = client("reviewer").get(f"/evaluations/{unreadable.id}").text
    assert "没有读到绩效指标表" in page
    assert "UNREADABLE_DOCUMENT" in page
    assert escape(unreadable.ev.findings[0].message) in page


def test_page_json_twin_is_meta_contract_and_history(client: ClientFor, kept: dict[str, Kept]) -> None:
    social = kept["a_social"]
    unit_a = client("unit_a")
    data = unit_a.get(f"/evaluations/{social.id}", params={"format": "json"}).json()
    assert data["evaluation"] == social.ev.model_dump(mode="json", by_alias=True)
    assert data["meta"]["id"] == social.id
    assert data["meta"]["unit"] == UNIT_A
    assert data["meta"]["status"] == "已提交"
    assert data["history"] == []
    assert data["is_latest"] is True
    assert data["edit_url"] == f"/evaluations/{social.id}/edit"
    assert data["may_review"] is False
    same = unit_a.get(f"/evaluations/{social.id}", headers={"Accept": "application/json"}).json()
    assert same["evaluation"] == data["evaluation"]


def test_api_gives_the_contract_with_meta(client: ClientFor, kept: dict[str, Kept]) -> None:
    social = kept["a_social"]
    data = client("unit_a").get(f"/api/evaluations/{social.id}").json()
    meta = data.pop("meta")
    data.pop("downloads")
    assert data == social.ev.model_dump(mode="json", by_alias=True)
    assert data["schema"] == "jixiao.evaluation/1"
    assert meta["project"] == social.project
    assert meta["versions"][0]["status"] == "已提交"


# -- the review decision -------------------------------------------------------------------------


def test_reviewers_status_reaches_the_unit_and_the_audit_log(
    client: ClientFor, kept: dict[str, Kept]
) -> None:
    social = kept["a_social"]
    reviewer = client("reviewer")
    page = reviewer.get(f"/evaluations/{social.id}").text
    assert f'formaction="/evaluations/{social.id}/review/return"' in page  # the action bar
    response = reviewer.post(
        f"/evaluations/{social.id}/status",
        data={"status": "退回修改", "comment": "请说明第9项指标的完成情况", "csrf_token": reviewer.csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/evaluations/{social.id}?saved=1#review"
    assert "审核操作已保存" in reviewer.get(response.headers["location"]).text

    unit_a = client("unit_a")
    data = unit_a.get(f"/evaluations/{social.id}", params={"format": "json"}).json()
    assert data["review"]["status"] == "退回修改"
    assert data["review"]["comment"] == "请说明第9项指标的完成情况"
    assert data["review"]["reviewer"] == "reviewer用户"
    changes = {(h["field"], h["old"], h["new"]) for h in data["history"]}
    assert changes == {("审核状态", "已提交", "退回修改"), ("审核意见", None, "请说明第9项指标的完成情况")}
    assert all("reviewer" in h["actor"] and h["action"] == "review" for h in data["history"])
    page = unit_a.get(f"/evaluations/{social.id}").text
    assert "请说明第9项指标的完成情况" in page
    assert "status-退回修改" in page
    assert "/review/return" not in page and "/review/approve" not in page  # a unit user only reads it
    history = page.split('id="history"')[1]
    assert "审核" in history
    assert "已提交" in history
    assert "退回修改" in history
    assert listed(unit_a, status="退回修改") == {social.id}
    assert social.id not in listed(unit_a, status="已提交")


def test_unit_user_cannot_set_a_status(client: ClientFor, kept: dict[str, Kept]) -> None:
    social = kept["a_social"]
    unit_a = client("unit_a")
    form = unit_a.post(
        f"/evaluations/{social.id}/status", data={"status": "审核通过", "csrf_token": unit_a.csrf}
    )
    assert form.status_code == 403
    api = unit_a.post(
        f"/api/evaluations/{social.id}/status",
        json={"status": "审核通过"},
        headers={"X-CSRF-Token": unit_a.csrf},
    )
    assert api.status_code == 403
    data = unit_a.get(f"/api/evaluations/{social.id}").json()
    assert data["meta"]["status"] == "已提交"


def test_status_post_without_csrf_is_refused(client: ClientFor, kept: dict[str, Kept]) -> None:
    social = kept["a_social"]
    reviewer = client("reviewer")
    assert reviewer.post(f"/evaluations/{social.id}/status", data={"status": "审核通过"}).status_code == 403
    forged = {"status": "审核通过", "csrf_token": "forged"}
    assert reviewer.post(f"/evaluations/{social.id}/status", data=forged).status_code == 403
    assert (
        reviewer.post(f"/api/evaluations/{social.id}/status", json={"status": "审核通过"}).status_code == 403
    )
    assert reviewer.get(f"/api/evaluations/{social.id}").json()["meta"]["status"] == "已提交"


def test_status_api(client: ClientFor, kept: dict[str, Kept]) -> None:
    social = kept["a_social"]
    admin = client("admin")
    headers = {"X-CSRF-Token": admin.csrf}
    done = admin.post(
        f"/api/evaluations/{social.id}/status",
        json={"status": "审核通过", "comment": " 同意 "},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "审核通过"
    assert done.json()["comment"] == "同意"
    assert done.json()["reviewer"] == "admin用户"
    bad = admin.post(f"/api/evaluations/{social.id}/status", json={"status": "作废"}, headers=headers)
    assert bad.status_code == 422
    missing = admin.post("/api/evaluations/999999/status", json={"status": "审核通过"}, headers=headers)
    assert missing.status_code == 404
    form = admin.post(f"/evaluations/{social.id}/status", data={"status": "作废", "csrf_token": admin.csrf})
    assert form.status_code == 422
    assert "审核状态" in form.text
    assert listed(admin, status="审核通过") == {social.id}


# -- versions and the edit link ------------------------------------------------------------------


def test_edit_link_only_for_editors_and_only_on_the_latest_version(
    client: ClientFor, kept: dict[str, Kept], web_app: FastAPI
) -> None:
    social = kept["a_social"]
    edit = f'href="/evaluations/{social.id}/edit"'
    assert edit in client("unit_a").get(f"/evaluations/{social.id}").text
    assert edit in client("admin").get(f"/evaluations/{social.id}").text
    assert edit not in client("reviewer").get(f"/evaluations/{social.id}").text

    workflow = web_app.state.web.workflow
    renamed = social.ev.model_copy(update={"problems": "已整改"})
    newer = workflow.save_version(
        renamed, social.id, [Change("存在的问题", social.ev.problems, "已整改")], Actor("测试")
    )
    old_page = client("unit_a").get(f"/evaluations/{social.id}").text
    assert edit not in old_page
    assert "已有更新的版本" in old_page
    assert f'href="/evaluations/{newer}"' in old_page
    new_page = client("unit_a").get(f"/evaluations/{newer}").text
    assert f'href="/evaluations/{newer}/edit"' in new_page
    assert "第 2 版（当前查看）" in new_page
    assert f'<a href="/evaluations/{social.id}">第 1 版</a>' in new_page
    history = new_page.split('id="history"')[1]
    assert "修改" in history
    assert "已整改" in history
    current = listed(client("unit_a"))
    assert newer in current
    assert social.id not in current  # the list shows the latest version only


def test_openapi_documents_the_api(client: ClientFor) -> None:
    spec = client("reviewer").get("/api/openapi.json").json()
    paths = spec["paths"]
    for path, method in (
        ("/api/evaluations", "get"),
        ("/api/evaluations/{evaluation_id}", "get"),
        ("/api/evaluations/{evaluation_id}/status", "post"),
        ("/evaluations/{evaluation_id}/export/{kind}.{fmt}", "get"),
        ("/evaluations/{evaluation_id}/original", "get"),
    ):
        operation = paths[path][method]
        assert operation["tags"] == ["评价"]
        assert operation["responses"]["200"]["description"]
    listing = paths["/api/evaluations"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert names >= {"year", "unit", "grade", "status", "errors", "code", "q", "sort", "order", "page"}
    status = paths["/api/evaluations/{evaluation_id}/status"]["post"]
    assert "404" in status["responses"]
    assert "403" in status["responses"]
    assert "/evaluations/{evaluation_id}" not in paths  # the HTML page is not part of the API


def test_list_counts_are_kept_until_the_data_changes_but_review_counts_never(
    client: ClientFor, web_app: FastAPI, kept: dict[str, Kept], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.web import cache as kept_values

    reviewer = client("reviewer")
    monkeypatch.setattr(kept_values, "VERSION_SECONDS", 3600.0)
    before = reviewer.get("/api/evaluations").json()["total"]
    assert reviewer.get("/api/evaluations", params={"status": "审核通过"}).json()["total"] == 0
    added = put(web_app, COMMUNITY, UNIT_A, project="新报送的项目", year=2021)
    # A review decision changes no stored count, so a count by status is never kept.
    web_app.state.web.workflow.set_status(kept["a_social"].id, "审核通过", None, Actor("测试"))
    approved = reviewer.get("/api/evaluations", params={"status": "审核通过"}).json()
    assert (approved["total"], [r["id"] for r in approved["rows"]]) == (1, [kept["a_social"].id])
    assert reviewer.get("/api/evaluations").json()["total"] == before  # kept: the version is trusted
    monkeypatch.setattr(kept_values, "VERSION_SECONDS", 0.0)  # the version is read again
    after = reviewer.get("/api/evaluations").json()
    assert after["total"] == before + 1
    assert added in [row["id"] for row in after["rows"]]
