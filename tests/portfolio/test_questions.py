"""The head's questions answered on a generated portfolio of 300 evaluations whose answers are
planted, on SQLite and on PostgreSQL: the figures the dashboard leads with, asserted exactly.

Twelve units of 25 evaluations each (2024), all honest and full marks except:

- 第03单位 and 第07单位 inflate: every evaluation misses its 数量 target (8 of ≥10 → the rules give
  16 of 20) yet claims 20 and a total of 100 (the rules: 96) — inflated by 4, an error, a
  missed target, 25 times each;
- 第05单位 misses the same target in 10 evaluations and says so (claims 16, total 96);
- 第09单位 writes grade 差 beside a total of 100 in 6 evaluations (an error, nothing else);
- 第11单位 spends 70 of 100 in 4 evaluations and claims the 97 the rules give;
- 未报送单位甲/乙 have users and no evaluation; 去年单位 submitted for 2023 only;
- the review: 40 approved, 15 returned, the rest submitted and untouched.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from builders import evaluation
from builders import row
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.portfolio.report import PortfolioReport
from jixiao.portfolio.report import build_report
from jixiao.schemes import load_scheme
from jixiao.storage.accounts import Accounts
from jixiao.storage.accounts import Role
from jixiao.storage.db import Database
from jixiao.storage.db import open_database
from jixiao.storage.schema import ReviewRow
from jixiao.storage.store import Store
from pgserver import Server

D = Decimal
UNITS = [f"第{n:02d}单位" for n in range(1, 13)]
INFLATING = ("第03单位", "第07单位")
HONEST_MISS, WRONG_GRADE, SLOW = "第05单位", "第09单位", "第11单位"
ABSENT = {"未报送单位甲", "未报送单位乙", "去年单位"}
APPROVED, RETURNED = 40, 15


def _rows(quantity: str = "10个", claimed: int = 20) -> tuple[Indicator, ...]:
    return (
        row("≥10个", quantity, weight=20, claimed=claimed, name="数量"),
        row("≥5次", "5次", weight=30, claimed=30, name="次数", level2="质量指标"),
        row(
            "≥100人",
            "100人",
            weight=30,
            claimed=30,
            name="受益人数",
            level1="效益指标",
            level2="社会效益指标",
        ),
        row(
            "≥90%",
            "95%",
            weight=10,
            claimed=10,
            name="满意度",
            level1="满意度指标",
            level2="服务对象满意度指标",
        ),
    )


def planted(unit: str, n: int, year: int = 2024) -> Evaluation:
    """The ``n``-th evaluation (0–24) of ``unit``, with what the module's note plants."""
    rows, executed, total, grade = _rows(), 100, "100", "优"
    if unit in INFLATING:
        rows = _rows("8个", claimed=20)
    elif unit == HONEST_MISS and n < 10:
        rows, total = _rows("8个", claimed=16), "96"
    elif unit == WRONG_GRADE and n < 6:
        grade = "差"
    elif unit == SLOW and n < 4:
        executed, total = 70, "97"
    ev = evaluation(*rows, planned=100, executed=executed, total=total, grade=grade)
    ev = ev.model_copy(update={"project": Project(name=f"专项{n:02d}", year=year, unit=unit)})
    return evaluate(ev, load_scheme("mof-2020"))


@pytest.fixture(params=["sqlite", "postgresql"], scope="module")
def portfolio(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    server: Server | None = None
    name = f"t_{uuid.uuid4().hex}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('q') / 'jixiao.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(name)
    db = open_database(url)
    store = Store(db)
    ids: list[int] = []
    for unit in UNITS:
        for n in range(25):
            saved = store.save(planted(unit, n))
            assert saved.evaluation_id is not None
            ids.append(saved.evaluation_id)
    store.save(planted("去年单位", 0, year=2023))
    accounts = Accounts(db)
    for i, unit in enumerate(("未报送单位甲", "未报送单位乙")):
        accounts.add_user(f"absent{i}", "x" * 60, Role.UNIT, unit=unit)
    now = dt.datetime.now(dt.UTC)
    with db.sessions.begin() as s:
        for k, evaluation_id in enumerate(ids[: APPROVED + RETURNED]):
            status = "审核通过" if k < APPROVED else "退回修改"
            s.add(ReviewRow(evaluation_id=evaluation_id, status=status, comment=None, updated_at=now))
    yield db
    db.close()
    if server is not None:
        server.drop_database(name)


@pytest.fixture(scope="module")
def report(portfolio: Database) -> PortfolioReport:
    return build_report(portfolio, year=2024)


def test_the_portfolio_is_as_planted(report: PortfolioReport) -> None:
    assert report.totals.evaluations == 300
    assert report.totals.units == 12
    for unit in INFLATING:
        assert planted(unit, 0).computed.total == D(96)
    assert planted(HONEST_MISS, 0).computed.total == D(96)
    assert planted(SLOW, 0).computed.total == D(97)


def test_which_units_inflate_miss_targets_and_err(report: PortfolioReport) -> None:
    q = report.questions
    assert (q.inflated, q.with_errors, q.missed_total, q.low_rate_high_score) == (50, 56, 60, 4)
    first = q.risks[:4]
    assert {r.unit for r in first[:2]} == set(INFLATING)
    for r in first[:2]:
        assert (r.evaluations, r.inflated, r.with_errors, r.missed) == (25, 25, 25, 25)
        assert r.mean_difference == D(4)
    assert [(r.unit, r.inflated, r.with_errors, r.missed) for r in first[2:]] == [
        (HONEST_MISS, 0, 0, 10),
        (WRONG_GRADE, 0, 6, 0),
    ]
    rest = q.risks[4:]
    assert len(rest) == 8 and all(r.flagged == 0 and r.mean_difference == 0 for r in rest)


def test_which_projects_missed_targets(report: PortfolioReport) -> None:
    q = report.questions
    assert len(q.missed) == report.limit == 20
    assert all((m.rows, m.lost) == (1, D(4)) for m in q.missed)
    assert {m.unit for m in q.missed} <= {*INFLATING, HONEST_MISS}


def test_how_the_review_is_going_and_who_has_not_submitted(
    report: PortfolioReport, portfolio: Database
) -> None:
    q = report.questions
    assert dict(q.review) == {"审核通过": APPROVED, "退回修改": RETURNED, "已提交": 300 - APPROVED - RETURNED}
    assert set(q.absent) == ABSENT
    # over every year, 去年单位 has submitted
    assert set(build_report(portfolio).questions.absent) == ABSENT - {"去年单位"}


def test_the_claimed_histogram_is_drawn_over_the_data(report: PortfolioReport) -> None:
    fine = report.claimed_fine
    assert fine is not None
    counts = {b.label: b.count for b in fine.bins if b.count}
    # 96 (20 with a missed target, honest), 97 (the slow spenders), 100 (the rest, inflators too)
    assert counts == {"96–97": 10, "97–98": 4, "100": 286}


def test_one_grade_scale_for_every_scheme_and_one_colour_per_label() -> None:
    """优 (mof-2020) and 优秀 (hebei-2020) are one rank of one legend, counted together; a word
    no scheme knows and 无等级 follow; no two labels share a colour."""
    from jixiao.portfolio.report import _grade_table
    from jixiao.portfolio.report_html import grade_colours
    from jixiao.portfolio.report_model import NO_GRADE
    from jixiao.storage.queries import UnitGrade

    table = _grade_table(
        [
            UnitGrade("甲", "mof-2020", "优", "优秀", 3),
            UnitGrade("甲", "hebei-2020", "优秀", "优", 2),
            UnitGrade("乙", "hebei-2020", "良好", "良好", 1),
            UnitGrade("乙", "mof-2020", None, "甲等", 4),
        ]
    )
    assert table.labels == ("优/优秀", "良/良好", "中/一般", "差/较差", "甲等", NO_GRADE)
    assert table.ranked == 4
    assert table.computed == (5, 1, 0, 0, 0, 4)
    assert table.claimed == (5, 1, 0, 0, 4, 0)
    colours = grade_colours(table.labels, table.ranked, NO_GRADE)
    assert len(set(colours)) == len(colours)
    many = (*(f"等级{i}" for i in range(20)), NO_GRADE)
    assert len(set(grade_colours(many, 4, NO_GRADE))) == len(many)


def test_the_scatter_fills_its_plot(report: PortfolioReport) -> None:
    """The axes span the data: rates 70 %–100 % and totals 96–100 here, not a fixed frame."""
    import re

    from jixiao.portfolio.report_html import scatter_chart

    svg = scatter_chart(report)
    xs = [float(x) for x in re.findall(r'<circle cx="([0-9.]+)"', svg)]
    ys = [float(y) for y in re.findall(r'<circle cx="[0-9.]+" cy="([0-9.]+)"', svg)]
    left, width, top, height = 60.0, 560.0, 20.0, 320.0  # the plot's frame
    assert max(xs) - min(xs) >= 0.8 * width
    assert max(ys) - min(ys) >= 0.6 * height
    assert min(xs) >= left and max(xs) <= left + width and min(ys) >= top and max(ys) <= top + height


def test_no_histogram_bar_holds_the_portfolio_when_the_totals_spread(portfolio: Database) -> None:
    """The chart's bins are one point wide over the range the totals take: with totals from 96
    to 100 it draws 96–97 … 100, the “100” bar apart from the 99–100 one."""
    from jixiao.portfolio.report_html import histogram_chart
    from jixiao.portfolio.report_html import shown_bins

    report = build_report(portfolio, year=2024)
    assert [b.label for b in shown_bins(report)] == ["96–97", "97–98", "98–99", "99–100", "100"]
    assert "96–97" in histogram_chart(report)


def test_inflation_is_measured_against_the_points_the_rules_verified(report: PortfolioReport) -> None:
    """Every planted row is measurable, so the rules verify all 90 indicator points: an
    inflator's 4 points a evaluation are 4.4444 per 100 verified points, nothing carried over."""
    by_unit = {r.unit: r for r in report.questions.risks}
    for unit in INFLATING:
        assert by_unit[unit].per_verified == D("4.4444")
        assert by_unit[unit].carried_share == 0
    assert by_unit[HONEST_MISS].per_verified == 0


def test_with_a_round_the_non_submitters_are_the_units_it_expects(portfolio: Database) -> None:
    """A review round of 2024 expecting 未报送单位甲 and 第01单位: only 未报送单位甲 has not
    submitted (the other units on record are not asked for)."""
    from sqlalchemy import delete
    from sqlalchemy import select

    from jixiao.storage.rounds import RoundRow
    from jixiao.storage.rounds import RoundUnitRow
    from jixiao.storage.schema import Unit

    with portfolio.sessions.begin() as s:
        held = RoundRow(title="2024年度自评", year=2024, deadline=dt.date(2025, 3, 31))
        s.add(held)
        s.flush()
        for name in ("未报送单位甲", "第01单位"):
            unit_id = s.scalar(select(Unit.id).where(Unit.name == name))
            s.add(RoundUnitRow(round_id=held.id, unit_id=unit_id, project=None))
        round_id = held.id
    try:
        assert build_report(portfolio, year=2024).questions.absent == ("未报送单位甲",)
        assert build_report(portfolio, year=2023).questions.absent != ("未报送单位甲",)  # no round for 2023
    finally:
        with portfolio.sessions.begin() as s:
            s.execute(delete(RoundUnitRow).where(RoundUnitRow.round_id == round_id))
            s.execute(delete(RoundRow).where(RoundRow.id == round_id))
