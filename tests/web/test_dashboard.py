"""The dashboard (``/``) and ``/api/portfolio``: the portfolio report's figures for the scope the
user may see, its charts and tables, the empty state, and the kept reports' freshness."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from jixiao.core.model import Evaluation
from jixiao.intake.pipeline import extract_file
from jixiao.intake.pipeline import unreadable
from jixiao.portfolio.report import ScatterPoint
from jixiao.portfolio.report import build_report
from jixiao.services import score_file
from jixiao.storage.store import DocumentInfo
from jixiao.storage.workflow import Actor
from jixiao.web import cache as kept_values
from jixiao.web import charts
from jixiao.web.cache import Cache
from jixiao.web.cache import weight
from jixiao.web.charts import Bar
from jixiao.web.charts import bar_chart
from web.conftest import UNIT_A
from web.conftest import UNIT_B
from web.conftest import Client

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEEDS = ROOT / "tests" / "data" / "seeds"
ODD_UNIT = '<b>某"局"&</b>'

ClientFactory = Callable[[str], Client]


def _save(app: FastAPI, ev: Evaluation, unit: str, name: str | None = None) -> int:
    """Store ``ev`` as ``unit``'s, with a document called ``name`` if given."""
    document = None
    if name is not None:
        digest = hashlib.sha256(f"{unit}/{name}".encode()).hexdigest()
        document = DocumentInfo(digest, name, f"/收件箱/{name}", "txt", 100)
    stored = app.state.web.workflow.save_new(ev, Actor("测试"), action="upload", document=document, unit=unit)
    assert stored is not None
    return int(stored)


def _fill(app: FastAPI) -> dict[str, list[int]]:
    """Two units' evaluations over several years, a resubmission, an unreadable file, and an odd unit name."""
    a = [
        _save(app, score_file(EXAMPLES / "002-基层政权和社区建设-2018.yaml"), UNIT_A, "a1.txt"),
        _save(app, score_file(EXAMPLES / "004-社会保障专项-2020.yaml"), UNIT_A, "a2.txt"),
        _save(app, extract_file(SEEDS / "003_bb92a3f2b07c21bc.txt"), UNIT_A, "a3.txt"),
        # a resubmission of the first: a new version of the same project and year
        _save(app, score_file(EXAMPLES / "002-基层政权和社区建设-2018.yaml"), UNIT_A, "a1-修改.txt"),
    ]
    b = [
        _save(app, score_file(EXAMPLES / "sub-units-社区服务-2023.yaml"), UNIT_B, "b1.txt"),
        _save(app, extract_file(SEEDS / "000_9b73f2e30078aabb.txt"), UNIT_B, "b2.txt"),
        _save(app, unreadable(Path("损坏.pdf"), "文件已损坏"), UNIT_B, "损坏.pdf"),
    ]
    odd = [_save(app, extract_file(SEEDS / "004_4158cb152188c568.txt"), ODD_UNIT, "c1.txt")]
    return {"a": a, "b": b, "odd": odd}


def _expected(app: FastAPI, year: int | None = None, unit: str | None = None) -> Any:
    """What ``jixiao portfolio --format json`` prints for this filter."""
    return json.loads(build_report(app.state.web.db, year=year, unit=unit).to_json())


def _unit_id(app: FastAPI, name: str) -> int:
    found = app.state.web.accounts.unit_id(name)
    assert found is not None
    return int(found)


# -- the figures ---------------------------------------------------------------------------------------


def test_dashboard_numbers_are_the_portfolio_reports(web_app: FastAPI, client: ClientFactory) -> None:
    _fill(web_app)
    reviewer = client("reviewer")
    a, b = _unit_id(web_app, UNIT_A), _unit_id(web_app, UNIT_B)
    cases: list[tuple[dict[str, int], int | None, str | None]] = [
        ({}, None, None),
        ({"year": 2020}, 2020, None),
        ({"unit": a}, None, UNIT_A),
        ({"unit": b}, None, UNIT_B),
        ({"year": 2018, "unit": a}, 2018, UNIT_A),
        ({"year": 2031}, 2031, None),
    ]
    for params, year, unit in cases:
        expected = _expected(web_app, year, unit)
        api = reviewer.get("/api/portfolio", params=params)
        assert api.status_code == 200, api.text
        assert api.json() == expected, params
        twin = reviewer.get("/", params={**params, "format": "json"})
        assert twin.json() == expected, params
    everything = _expected(web_app)
    assert everything["totals"] == {
        "evaluations": 6,  # 8 stored: one replaced by its resubmission, one unreadable
        "documents": 8,
        "units": 3,
        "unreadable": 1,
        "superseded": 1,
    }


def test_page_shows_the_figures_with_links_and_charts(web_app: FastAPI, client: ClientFactory) -> None:
    _fill(web_app)
    page = client("admin").get("/")
    assert page.status_code == 200
    html = page.text
    report = build_report(web_app.state.web.db)
    t = report.totals
    for count, label in ((t.evaluations, "份评价"), (t.units, "个单位"), (t.documents, "个报送文件")):
        assert f"<strong>{count:,}</strong><span>{label}</span>" in html
    assert f"<strong>{t.unreadable}</strong><span>个无法读取</span>" in html
    # grades as text: every grade label is a column heading
    for label in report.grades.labels:
        assert f'<th scope="col" class="num">{label}</th>' in html
    # the most frequent findings link to the list filtered by their code, with their Chinese title
    assert report.findings
    for f in report.findings:
        assert f'href="/evaluations?code={f.code}">{f.title or f.code}</a>' in html
    # the worst evaluations link to their pages
    assert report.worst
    for w in report.worst:
        assert f'href="/evaluations/{w.id}"' in html
    # units link to their list; a computed-grade count to the list of that unit and grade
    a = _unit_id(web_app, UNIT_A)
    assert f'href="/evaluations?unit={a}"' in html
    # 优 (hubei-2019) and 优秀 (hebei-2020) are one column, “优/优秀”, whose count opens the
    # unit's list sorted by grade; a grade of one name opens the list filtered by it
    assert "优/优秀" in report.grades.labels
    assert f'href="/evaluations?unit={a}&amp;sort=grade"' in html
    # every chart is inline SVG with an accessible name, and its numbers stand in a table
    svgs = re.findall(r'<svg [^>]*role="img"[^>]*aria-label="([^"]+)"', html)
    errors, notices = report.errors, report.notices
    assert len(svgs) == 4 + bool(errors) + bool(notices), svgs
    assert html.count('<table class="data"') >= 8
    # the charts beside a table (one macro): caption, column headings and the chart's hint
    pairs = [
        (
            "各单位自评得分与复核得分之差",
            '<th scope="col" class="num">平均差值</th>',
            "红色条为平均差值超过 1 分。",
        )
    ]
    if errors:
        pairs.append(("各类错误的出现次数", '<th scope="col">问题</th>', "种错误。"))
    if notices:
        pairs.append(("各类警告与提示的出现次数", '<th scope="col">问题</th>', "种警告与提示。"))
    for caption, heading, hint in pairs:
        table = html.split(f'<caption class="visually-hidden">{caption}</caption>', 1)
        assert len(table) == 2, caption
        assert heading in table[1].split("</thead>", 1)[0]
        assert hint in table[0].rsplit('<div class="chart">', 1)[1]
    # errors and warnings apart: the errors' chart draws no warning, and the other no error
    before_notices = html.split('id="findings-notices"', 1)[0]
    for f in notices:
        assert f">{f.title or f.code}</a>" not in before_notices.split('id="findings-errors"', 1)[1]
    assert "<script" not in html.split("</head>", 1)[1]  # no inline script in the body


def test_text_from_the_database_is_escaped(web_app: FastAPI, client: ClientFactory) -> None:
    _fill(web_app)
    html = client("admin").get("/").text
    assert ODD_UNIT not in html
    assert (
        "&lt;b&gt;某&#34;局&#34;&amp;&lt;/b&gt;" in html or "&lt;b&gt;某&quot;局&quot;&amp;&lt;/b&gt;" in html
    )


def test_filter_by_year_and_unit(web_app: FastAPI, client: ClientFactory) -> None:
    _fill(web_app)
    admin = client("admin")
    b = _unit_id(web_app, UNIT_B)
    page = admin.get("/", params={"year": "2023", "unit": str(b)})
    assert page.status_code == 200
    assert f"2023年 · {UNIT_B}" in page.text
    assert f'<option value="{b}" selected>{UNIT_B}</option>' in page.text
    # list links keep the scope
    assert f"/evaluations?year=2023&amp;unit={b}" in page.text
    # an empty select is “all”, not an error
    assert admin.get("/", params={"year": "", "unit": ""}).status_code == 200
    assert admin.get("/", params={"year": "二〇二〇"}).status_code == 400
    missing = admin.get("/", params={"unit": "999999"})
    assert missing.status_code == 404
    assert "没有编号为 999999 的单位" in missing.text
    # a unit added since the last view (no evaluations, so the data's version is the same)
    added = web_app.state.web.accounts.unit_id("某市新设局", create=True)
    fresh = admin.get("/", params={"unit": str(added)})
    assert fresh.status_code == 200
    assert "所选范围内没有评价" in fresh.text


def test_unit_user_sees_only_their_unit(web_app: FastAPI, client: ClientFactory) -> None:
    made = _fill(web_app)
    unit_a = client("unit_a")
    expected = _expected(web_app, unit=UNIT_A)
    assert expected["totals"]["evaluations"] == len(made["a"]) - 1  # the resubmission replaces one
    assert unit_a.get("/api/portfolio").json() == expected
    # asking for another unit changes nothing: the server builds the report for the user's own
    b = _unit_id(web_app, UNIT_B)
    assert unit_a.get("/api/portfolio", params={"unit": b}).json() == expected
    assert unit_a.get("/", params={"unit": b, "format": "json"}).json() == expected
    html = unit_a.get("/", params={"unit": b}).text
    assert UNIT_A in html
    for other in (UNIT_B, "&lt;b&gt;某", "损坏.pdf", "b1.txt"):
        assert other not in html
    assert 'name="unit"' not in html  # no unit choice for a unit user
    for i in made["b"] + made["odd"]:
        assert f'href="/evaluations/{i}"' not in html
    with_year = unit_a.get("/api/portfolio", params={"year": 2020}).json()
    assert with_year == _expected(web_app, year=2020, unit=UNIT_A)


def test_empty_database_shows_a_friendly_start(web_app: FastAPI, client: ClientFactory) -> None:
    page = client("unit_a").get("/")
    assert page.status_code == 200
    assert "还没有评价" in page.text
    assert 'href="/upload"' in page.text and "上传文件" in page.text
    assert 'href="/evaluations/new"' in page.text and "新建评价" in page.text
    assert "<svg" not in page.text
    reviewer = client("reviewer").get("/")
    assert "还没有评价" in reviewer.text
    assert 'class="button" href="/evaluations/new"' not in reviewer.text  # reviewers do not author
    admin = client("admin").get("/")  # the same report, kept: the page still follows the role
    assert 'class="button" href="/evaluations/new"' in admin.text
    data = client("admin").get("/api/portfolio").json()
    assert data["totals"]["evaluations"] == 0
    assert data == _expected(web_app)


def test_empty_scope_and_unreadable_only(web_app: FastAPI, client: ClientFactory) -> None:
    _save(web_app, unreadable(Path("加密.pdf"), "文件已加密"), UNIT_B, "加密.pdf")
    admin = client("admin")
    page = admin.get("/")
    assert "都无法读取" in page.text
    assert 'href="/evaluations?code=UNREADABLE_DOCUMENT"' in page.text
    _save(web_app, score_file(EXAMPLES / "002-基层政权和社区建设-2018.yaml"), UNIT_A, "x.txt")
    other_year = admin.get("/", params={"year": "2019"})
    assert "所选范围内没有评价" in other_year.text


def test_dashboard_needs_a_login(web_app: FastAPI) -> None:
    anonymous = Client(web_app)
    assert anonymous.get("/", follow_redirects=False).status_code == 303
    assert anonymous.get("/api/portfolio").status_code == 401


def test_a_new_evaluation_shows_within_the_version_interval(
    web_app: FastAPI, client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports are kept between requests, but never past a change of the data once the
    database's version is read again (at most :data:`VERSION_SECONDS` later)."""
    monkeypatch.setattr(kept_values, "VERSION_SECONDS", 3600.0)
    _fill(web_app)
    admin = client("admin")
    before = admin.get("/api/portfolio").json()
    _save(web_app, score_file(EXAMPLES / "004-社会保障专项-2020.yaml"), UNIT_B, "new.txt")
    assert admin.get("/api/portfolio").json() == before  # kept: the version read is still trusted
    monkeypatch.setattr(kept_values, "VERSION_SECONDS", 0.0)  # the interval has passed
    after = admin.get("/api/portfolio").json()
    assert after["totals"]["evaluations"] == before["totals"]["evaluations"] + 1
    assert after == _expected(web_app)
    assert f"<strong>{after['totals']['evaluations']}</strong>" in admin.get("/").text


def test_openapi_lists_the_portfolio_under_its_tag(client: ClientFactory) -> None:
    spec = client("reviewer").get("/api/openapi.json").json()
    assert spec["paths"]["/api/portfolio"]["get"]["tags"] == ["汇总"]
    assert "/" not in spec["paths"]


# -- the charts ----------------------------------------------------------------------------------------


def test_scatter_draws_at_most_its_limit(web_app: FastAPI) -> None:
    _fill(web_app)
    report = build_report(web_app.state.web.db)
    many = tuple(
        ScatterPoint(i, Decimal("0.9") + Decimal(i % 20) / 100, Decimal(80 + i % 20)) for i in range(4321)
    )
    big = dataclasses.replace(report, execution=dataclasses.replace(report.execution, points=many))
    svg = charts.scatter(big)
    assert svg.count("<circle") == charts.scatter_points(big) <= charts.MAX_POINTS
    assert charts.scatter_points(big) > charts.MAX_POINTS // 2
    assert charts.scatter(report).count("<circle") == len(report.execution.points)


def test_bar_chart_draws_negative_values_left_of_zero() -> None:
    svg = bar_chart(
        [
            Bar("高估", Decimal("2.5"), "+2.50", "高估单位", alarm=True),
            Bar("低估<单位>", Decimal("-1"), "-1.00", "t"),
        ],
        "差值",
        "分",
    )
    assert 'aria-label="差值"' in svg and "<title>差值</title>" in svg
    assert "低估&lt;单位&gt;" in svg and "<单位>" not in svg
    rects = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    zero = float(re.findall(r'<line class="axis" x1="([\d.]+)"', svg)[0])
    (x_pos, w_pos), (x_neg, w_neg) = ((float(x), float(w)) for x, w in rects)
    assert x_pos == pytest.approx(zero)
    assert x_neg + w_neg == pytest.approx(zero)
    assert w_pos == pytest.approx(2.5 * w_neg)
    assert 'fill="#c00000"' in svg  # the alarm bar
    assert bar_chart([], "空", "分") == ""


# -- kept reports ----------------------------------------------------------------------------------------


def test_report_cache_builds_once_for_concurrent_requests() -> None:
    cache = Cache(size=2)
    calls: list[int] = []
    lock = threading.Lock()

    def build() -> str:
        with lock:
            calls.append(1)
        time.sleep(0.05)
        return "built"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(("k",), build))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["built"] * 8
    assert len(calls) == 1
    cache.get(("k2",), lambda: "two")
    cache.get(("k3",), lambda: "three")  # size 2: the least recently used (k) goes
    assert cache.get(("k",), lambda: "again") == "again"


def test_report_cache_retries_after_a_failed_build() -> None:
    cache = Cache()

    def fail() -> str:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get(("k",), fail)
    assert cache.get(("k",), lambda: "ok") == "ok"


def test_report_cache_keeps_within_its_byte_budget() -> None:
    cache = Cache(size=100, budget=10)
    for key in ("a", "b"):
        cache.get((key,), lambda k=key: k.encode() * 4)  # 4 bytes each: both fit
    cache.get(("a",), lambda: b"rebuilt")  # a was kept; now b is the least recently used
    cache.get(("c",), lambda: b"cccc")  # 12 bytes: b goes
    assert cache.get(("a",), lambda: b"rebuilt") == b"aaaa"
    assert cache.get(("b",), lambda: b"rebuilt") == b"rebuilt"


def test_report_cache_keeps_one_entry_larger_than_its_budget() -> None:
    """A report larger than the whole budget is still kept (alone): building it again for every
    request would cost far more."""
    cache = Cache(size=100, budget=10)
    cache.get(("small",), lambda: b"1234")
    big = cache.get(("big",), lambda: b"x" * 50)
    assert cache.get(("big",), lambda: b"rebuilt") is big
    assert cache.get(("small",), lambda: b"rebuilt") == b"rebuilt"


def test_weight_asks_the_value_then_measures_text() -> None:
    class Report:
        def weight(self) -> int:
            return 12_345

    assert weight(Report()) == 12_345
    assert weight("七个汉字的文本") == 7
    assert weight(b"abc") == 3
    assert weight(42) > 0


def test_dashboard_downloads_as_xlsx_and_printable_pdf(web_app: FastAPI, client: ClientFactory) -> None:
    """The head takes the dashboard away: a workbook whose first sheets answer the questions,
    and its PDF (LibreOffice prints the workbook), both named by the scope."""
    import io
    from urllib.parse import quote

    import pdfplumber
    from openpyxl import load_workbook

    _fill(web_app)
    admin = client("admin")
    page = admin.get("/?year=2020").text
    assert 'href="/dashboard.xlsx?year=2020"' in page and 'href="/dashboard.pdf?year=2020"' in page
    book = admin.get("/dashboard.xlsx?year=2020")
    assert book.status_code == 200
    assert quote("绩效自评汇总_2020年_全部单位.xlsx", safe="") in book.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(book.content))
    assert wb.sheetnames[:2] == ["概况", "需要关注"]
    report = build_report(web_app.state.web.db, year=2020)
    questions = wb["需要关注"]
    assert [questions.cell(row=r, column=2).value for r in range(3, 8)] == [
        report.questions.inflated,
        report.questions.missed_total,
        report.questions.with_errors,
        report.questions.low_rate_high_score,
        len(report.questions.absent),
    ]
    pdf = admin.get("/dashboard.pdf?year=2020")
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
    assert "需要关注的问题" in text and "绩效自评汇总" in text
    assert admin.get("/dashboard.csv").status_code == 404
    # a unit user downloads their own unit only
    unit_book = client("unit_a").get("/dashboard.xlsx?unit=999")
    assert unit_book.status_code == 200
    assert quote(UNIT_A, safe="") in unit_book.headers["content-disposition"]
