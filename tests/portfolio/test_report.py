"""The portfolio report's figures, exactly, on SQLite and on PostgreSQL.

The portfolio below is small enough to know by heart: three units, eight current evaluations
(two of them resubmitted, one of those without a year), one unreadable file. Every figure of the
report is stated here as the number it must be. A larger synthetic portfolio then checks the SQL
against the same figures recomputed in Python from the raw rows.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from builders import evaluation
from builders import row
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.errors import JixiaoError
from jixiao.intake.pipeline import unreadable
from jixiao.portfolio.report import CLAIMED_BINS
from jixiao.portfolio.report import RATE_BANDS
from jixiao.portfolio.report import PortfolioReport
from jixiao.portfolio.report import build_report
from jixiao.portfolio.report import canonical_grade
from jixiao.portfolio.report import pearson
from jixiao.schemes import load_scheme
from jixiao.storage.db import Database
from jixiao.storage.db import open_database
from jixiao.storage.queries import CorrelationSums
from jixiao.storage.queries import Filter
from jixiao.storage.queries import PortfolioReader
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import FindingRow
from jixiao.storage.schema import Unit
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store
from synthetic import fill

D = Decimal
JIA, YI, BING = "甲局", "乙局", "丙<局>&"  # 丙's name needs escaping in HTML and rich markup
BAD_DOCUMENT = "<b>报告&amp;</b>.docx"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()


# -- the portfolio ----------------------------------------------------------------------------------------


def indicators(
    quantity: str = "10个", times: str = "5次", quantity_claimed: int = 20
) -> tuple[Indicator, ...]:
    """A full mof-2020 table (output 50, effect 30, satisfaction 10; the budget is the other 10)."""
    return (
        row("≥10个", quantity, weight=20, claimed=quantity_claimed, name="数量"),
        row("≥5次", times, weight=30, claimed=30, name="次数", level2="质量指标"),
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


@dataclass(frozen=True)
class Planned:
    """One evaluation to store, and what scoring it must give."""

    unit: str
    project: str
    year: int | None
    planned: int | None
    executed: int | None
    claimed: str | None
    grade: str | None
    computed: str
    rows: tuple[Indicator, ...] = indicators()
    document: str | None = None


PORTFOLIO = (
    # id 1: inflated by 1.5 — one target missed yet scored in full
    Planned(JIA, "项目一", 2024, 100, 95, "97", "优秀", "95.50", indicators("8个")),
    # ids 2, 3: a resubmission; only version 2 counts
    Planned(JIA, "项目二", 2024, 100, 100, "80", "良", "100.00"),
    Planned(JIA, "项目二", 2024, 100, 100, "100", "优", "100.00"),
    # id 4: inflated by 19 — two targets missed yet scored in full
    Planned(JIA, "项目三", 2023, 100, 70, "100", "优", "81.00", indicators("5个", "4次")),
    # id 5: exactly one point above: not “inflated by more than one point”
    Planned(YI, "项目四", 2024, 200, 170, "99.5", "良好", "98.50"),
    # id 6: no budget, so no execution rate
    Planned(YI, "项目五", 2024, None, None, "60.5", None, "86.00", indicators("8个", quantity_claimed=16)),
    # id 7: no claimed total
    Planned(BING, "项目六", 2023, 50, 46, None, None, "99.20", document=BAD_DOCUMENT),
    # id 8: over-spent (rate 105%)
    Planned(YI, "项目七", 2024, 100, 105, "85.3", "良", "100.00"),
    # ids 9, 10: a resubmission of a project without a year
    Planned(BING, "项目八", None, 10, 9, "70", "中", "99.00"),
    Planned(BING, "项目八", None, 10, 9, "59.9", "差", "99.00"),
)


def scored(p: Planned) -> Evaluation:
    ev = evaluation(
        *p.rows,
        planned=p.planned,
        executed=p.executed,
        total=p.claimed,
        grade=p.grade,
    )
    ev = ev.model_copy(update={"project": Project(name=p.project, year=p.year, unit=p.unit)})
    ev = evaluate(ev, load_scheme("mof-2020"))
    assert ev.computed.total == D(p.computed), p
    return ev


def document(n: int, name: str) -> DocumentInfo:
    return DocumentInfo(sha256=f"{n:064x}", name=name, path=f"/收件箱/{name}", format="docx", size=1000 + n)


def fill_portfolio(db: Database) -> None:
    store = Store(db)
    for n, p in enumerate(PORTFOLIO, start=1):
        saved = store.save(scored(p), document(n, p.document or f"{p.project}.docx"))
        assert saved.evaluation_id == n
    bad = unreadable(Path("/收件箱/坏文件.pdf"), "文件已损坏")
    saved = store.save(
        bad, DocumentInfo(sha256="f" * 64, name="坏文件.pdf", path="/收件箱/坏文件.pdf", format="pdf", size=5)
    )
    assert saved.evaluation_id == 11


@pytest.fixture
def filled(db: Database) -> Database:
    fill_portfolio(db)
    return db


@pytest.fixture
def report(filled: Database) -> PortfolioReport:
    return build_report(filled)


# -- the figures ------------------------------------------------------------------------------------------


def test_totals(report: PortfolioReport) -> None:
    t = report.totals
    assert (t.evaluations, t.documents, t.units, t.unreadable, t.superseded) == (8, 11, 3, 1, 2)
    assert not report.empty
    assert report.scope == "全部年度与单位"


def test_grades_per_unit_computed_and_claimed(report: PortfolioReport) -> None:
    g = report.grades
    assert g.labels == ("优", "良", "中", "差", "无等级")
    by_unit = {u.unit: (u.evaluations, u.computed, u.claimed) for u in g.units}
    #                       优 良 中 差 无            优 良 中 差 无
    assert by_unit == {
        BING: (2, (2, 0, 0, 0, 0), (0, 0, 0, 1, 1)),
        YI: (3, (2, 1, 0, 0, 0), (0, 2, 0, 0, 1)),  # 良好 is 良 under mof-2020
        JIA: (3, (2, 1, 0, 0, 0), (3, 0, 0, 0, 0)),  # 优秀 is 优
    }
    assert [u.unit for u in g.units] == sorted(by_unit)
    assert g.computed == (6, 2, 0, 0, 0)
    assert g.claimed == (3, 2, 0, 1, 2)


def test_claimed_total_distribution(report: PortfolioReport) -> None:
    d = report.claimed_totals
    assert [b.label for b in d.bins] == [
        "<60",
        "60–70",
        "70–80",
        "80–85",
        "85–90",
        "90–95",
        "95–100",
        "100",
        ">100",
    ]
    # 59.9 | 60.5 | — | — | 85.3 | — | 97, 99.5 | 100, 100 (the superseded 80 and 70 do not count)
    assert [b.count for b in d.bins] == [1, 1, 0, 0, 1, 0, 2, 2, 0]
    assert d.missing == 1
    assert (d.bins[0].low, d.bins[0].high) == (None, D(60))
    assert (d.bins[7].low, d.bins[7].high) == (D(100), D(100))
    assert d.share(2) == D("0.285714")


def test_inflation_per_unit_worst_first(report: PortfolioReport) -> None:
    rows = [(i.unit, i.count, i.mean, i.max, i.inflated, i.share) for i in report.inflation]
    assert rows == [
        # 1.5, 0, 19 → mean 20.5 / 3
        (JIA, 3, D("6.8333"), D(19), 2, D("0.6667")),
        # 1 (not more than one point), −25.5, −14.7
        (YI, 3, D("-13.0667"), D(1), 0, D(0)),
        # 59.9 − 99 (项目六 has no claimed total)
        (BING, 1, D("-39.1"), D("-39.1"), 0, D(0)),
    ]


PAIRS = [
    (D("0.95"), D(97)),
    (D(1), D(100)),
    (D("0.7"), D(100)),
    (D("0.85"), D("99.5")),
    (D("1.05"), D("85.3")),
    (D("0.9"), D("59.9")),
]


def test_execution_rate_against_claimed_total(report: PortfolioReport) -> None:
    e = report.execution
    assert e.pairs == 6
    expected_r = D(str(statistics.correlation([float(x) for x, _ in PAIRS], [float(y) for _, y in PAIRS])))
    assert e.correlation == expected_r.quantize(D("0.0001"), ROUND_HALF_UP)
    assert sorted((p.rate, p.claimed) for p in e.points) == sorted(PAIRS)
    assert [p.id for p in e.points] == [1, 3, 4, 5, 8, 10]
    assert not e.sampled
    bands = [(b.label, b.count, b.mean_claimed) for b in e.bands]
    assert bands == [
        ("<80%", 1, D(100)),
        ("80–90%", 1, D("99.5")),
        ("90–95%", 1, D("59.9")),  # a rate of exactly 90% is in 90–95%
        ("95–100%", 1, D(97)),
        ("100%", 1, D(100)),
        (">100%", 1, D("85.3")),
    ]


def test_finding_codes_over_current_evaluations(report: PortfolioReport) -> None:
    found = [(f.code, f.severity, f.count, f.evaluations) for f in report.findings]
    assert found == [
        ("DEVIATION_UNEXPLAINED", "info", 4, 3),  # twice in 项目三
        ("FULL_SCORE_TARGET_MISSED", "error", 3, 2),
        ("SCORE_MISMATCH", "error", 3, 2),
        ("TOTAL_NOT_ATTAINABLE", "error", 3, 3),
        ("GRADE_MISMATCH", "error", 1, 1),
        ("MISSING_SELF_SCORE", "warning", 1, 1),
    ]  # UNREADABLE_DOCUMENT is the unreadable file's: counted apart, not here
    assert report.findings[0].title == "未完成目标未说明原因"
    assert report.findings[0].severity_name == "提示"


def test_worst_documents_errors_then_inflation(report: PortfolioReport) -> None:
    worst = [(w.id, w.errors, w.difference) for w in report.worst]
    assert worst == [
        (4, 5, D(19)),
        (1, 3, D("1.5")),
        (5, 2, D(1)),
        (3, 0, D(0)),
        (8, 0, D("-14.7")),
        (6, 0, D("-25.5")),
        (10, 0, D("-39.1")),
        (7, 0, None),  # no claimed total: last among those with as many errors
    ]
    first = report.worst[0]
    assert (first.unit, first.project, first.year, first.version, first.document) == (
        JIA,
        "项目三",
        2023,
        1,
        "项目三.docx",
    )
    assert (first.claimed, first.computed, first.warnings) == (D(100), D(81), 0)
    last_version = next(w for w in report.worst if w.id == 10)
    assert (last_version.year, last_version.version) == (None, 2)


def test_limit_cuts_the_worst_list(filled: Database) -> None:
    assert [w.id for w in build_report(filled, limit=2).worst] == [4, 1]
    assert build_report(filled, limit=0).worst == ()
    with pytest.raises(JixiaoError):
        build_report(filled, limit=-1)


def test_one_year(filled: Database) -> None:
    r = build_report(filled, year=2023)
    assert (
        r.totals.evaluations,
        r.totals.documents,
        r.totals.units,
        r.totals.unreadable,
        r.totals.superseded,
    ) == (
        2,
        2,
        2,
        0,
        0,
    )
    assert [(i.unit, i.count) for i in r.inflation] == [(JIA, 1)]
    assert [(f.code, f.count, f.evaluations) for f in r.findings][:2] == [
        ("DEVIATION_UNEXPLAINED", 2, 1),
        ("FULL_SCORE_TARGET_MISSED", 2, 1),
    ]
    assert r.scope == "2023年"


def test_one_unit(filled: Database) -> None:
    r = build_report(filled, unit=BING)
    t = r.totals
    assert (t.evaluations, t.documents, t.units, t.unreadable, t.superseded) == (2, 3, 1, 0, 1)
    assert [u.unit for u in r.grades.units] == [BING]
    assert [(f.code, f.count) for f in r.findings] == [("MISSING_SELF_SCORE", 1)]
    assert [w.id for w in r.worst] == [10, 7]
    both = build_report(filled, unit=JIA, year=2024)
    assert both.totals.evaluations == 2
    assert both.scope == "2024年 · 甲局"


def test_unknown_unit_is_refused_with_suggestions(filled: Database) -> None:
    with pytest.raises(
        JixiaoError, match="库中没有名为“局”的单位；名称中含“局”的单位有：丙<局>&、乙局、甲局"
    ):
        build_report(filled, unit="局")
    with pytest.raises(JixiaoError, match=r"没有名为“100%_x”的单位$"):
        build_report(filled, unit="100%_x")  # LIKE wildcards are taken literally


def test_empty_database_gives_empty_sections(db: Database) -> None:
    r = build_report(db)
    assert r.empty
    assert (r.totals.evaluations, r.totals.documents, r.totals.units, r.totals.unreadable) == (0, 0, 0, 0)
    assert r.grades.units == () and r.grades.labels == ()
    assert [b.count for b in r.claimed_totals.bins] == [0] * len(CLAIMED_BINS)
    assert r.inflation == () and r.findings == () and r.worst == ()
    assert r.execution.pairs == 0 and r.execution.correlation is None and r.execution.points == ()
    assert [b.count for b in r.execution.bands] == [0] * len(RATE_BANDS)
    assert r.to_dict()["totals"] == {
        "evaluations": 0,
        "documents": 0,
        "units": 0,
        "unreadable": 0,
        "superseded": 0,
    }


def test_only_unreadable_files(db: Database) -> None:
    Store(db).save(unreadable(Path("坏.pdf"), "已损坏"), document(1, "坏.pdf"))
    r = build_report(db)
    assert r.empty and r.totals.unreadable == 1 and r.totals.documents == 1


def test_scatter_is_a_stable_sample(filled: Database) -> None:
    with PortfolioReader(filled) as r:
        points = r.rate_points(Filter(), available=6, limit=2)
    # ids 1, 3, 4, 5, 8, 10 have both; a stride of 3 keeps the multiples of 3
    assert [p.evaluation_id for p in points] == [3]
    small = build_report(filled, sample=2)
    assert small.execution.sampled and [p.id for p in small.execution.points] == [3]
    assert small.execution.correlation == build_report(filled).execution.correlation  # over all pairs


def test_both_ways_of_counting_finding_codes_agree(filled: Database) -> None:
    """The codes are read from the current evaluations' findings or as all findings less the
    left-out ones, whichever is smaller; ``current`` only chooses the way."""
    with PortfolioReader(filled) as r:
        bing = r.unit_id(BING)
        for f in (Filter(), Filter(year=2024), Filter(year=2023), Filter(unit_id=bing), Filter(2024, bing)):
            directly = r.finding_codes(f, current=0)
            by_subtraction = r.finding_codes(f, current=10**9)
            assert directly == by_subtraction, f
        assert r.finding_codes(Filter(2024, bing), current=0) == ()


def test_json_numbers_are_numbers(report: PortfolioReport) -> None:
    import json

    data = json.loads(report.to_json())
    assert set(data) == {
        "scope",
        "totals",
        "grades",
        "claimed_totals",
        "inflation",
        "execution",
        "findings",
        "questions",
        "worst",
    }
    assert data["totals"] == {"evaluations": 8, "documents": 11, "units": 3, "unreadable": 1, "superseded": 2}
    assert data["inflation"][0] == {
        "unit": JIA,
        "count": 3,
        "mean": 6.8333,
        "max": 19,
        "inflated": 2,
        "share": 0.6667,
    }
    assert data["worst"][1]["claimed"] == 97 and data["worst"][1]["computed"] == 95.5
    assert data["execution"]["points"][0] == {"id": 1, "rate": 0.95, "claimed": 97}
    assert data["claimed_totals"]["bins"][1] == {"label": "60–70", "low": 60, "high": 70, "count": 1}


# -- units of computation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "scheme", "expected"),
    [
        ("优秀", "mof-2020", "优"),
        ("优", "hebei-2020", "优秀"),  # hebei-2020's bands differ: its grades keep their own names
        ("合格", "mof-2020", "中"),
        ("  良好 ", "mof-2021", "良"),
        ("优良", "mof-2020", "优良"),
        ("优秀", "my-own-scheme", "优秀"),
        (None, "mof-2020", "无等级"),
        ("", "mof-2020", "无等级"),
    ],
)
def test_canonical_grade(grade: str | None, scheme: str, expected: str) -> None:
    assert canonical_grade(grade, scheme) == expected


def test_pearson_edge_cases() -> None:
    assert pearson(CorrelationSums(1, 1.0, 90.0, 1.0, 8100.0, 90.0)) is None
    # no spread in y (every claimed total 85.3, whose float sums do not cancel exactly)
    ys = [85.3] * 3
    xs = [0.8, 0.9, 1.0]
    sums = CorrelationSums(
        3,
        sum(xs),
        sum(ys),
        sum(x * x for x in xs),
        sum(y * y for y in ys),
        sum(x * y for x, y in zip(xs, ys, strict=True)),
    )
    assert pearson(sums) is None
    perfect = CorrelationSums(3, 2.7, 270.0, 2.45, 24500.0, 245.0)  # y = 100x
    assert pearson(perfect) == D(1)


# -- the SQL against Python, on a synthetic portfolio -----------------------------------------------------


def test_synthetic_portfolio_agrees_with_python(db: Database) -> None:
    fill(db, 600, seed=7, indicators=2, contract_bytes=100)
    with db.sessions() as s:
        rows = s.execute(
            select(
                EvaluationRow.id,
                EvaluationRow.project_id,
                EvaluationRow.year,
                EvaluationRow.version,
                EvaluationRow.unreadable,
                EvaluationRow.claimed_total,
                EvaluationRow.computed_total,
                EvaluationRow.execution_rate,
                EvaluationRow.errors,
                Unit.name,
            ).join(Unit, Unit.id == EvaluationRow.unit_id)
        ).all()
        findings = s.execute(select(FindingRow.evaluation_id, FindingRow.code, FindingRow.severity)).all()
    latest: dict[tuple[int, int | None], int] = {}
    for r in rows:
        key = (r.project_id, r.year)
        latest[key] = max(latest.get(key, 0), r.version)
    current = [r for r in rows if not r.unreadable and r.version == latest[(r.project_id, r.year)]]
    assert any(r.version > 1 for r in current) and any(r.year is None for r in rows)

    report = build_report(db, limit=15)
    assert report.totals.evaluations == len(current)
    assert report.totals.unreadable == sum(r.unreadable for r in rows)
    assert report.totals.superseded == sum(1 for r in rows if not r.unreadable) - len(current)
    assert report.totals.documents == len(rows)

    both = [r for r in current if r.claimed_total is not None and r.computed_total is not None]
    per_unit: dict[str, list[Decimal]] = defaultdict(list)
    for r in both:
        per_unit[r.name].append(r.claimed_total - r.computed_total)
    got = {i.unit: (i.count, i.mean, i.max, i.inflated) for i in report.inflation}
    assert got == {
        unit: (
            len(diffs),
            (sum(diffs) / len(diffs)).quantize(D("0.0001"), ROUND_HALF_UP),
            max(diffs),
            sum(1 for d in diffs if d > 1),
        )
        for unit, diffs in per_unit.items()
    }

    def claimed_bin(value: Decimal) -> int:
        return next(
            (
                i
                for i, spec in enumerate(CLAIMED_BINS)
                if spec.high is not None and (value <= spec.high if spec.inclusive else value < spec.high)
            ),
            len(CLAIMED_BINS) - 1,
        )

    counts = Counter(claimed_bin(r.claimed_total) for r in current if r.claimed_total is not None)
    assert [b.count for b in report.claimed_totals.bins] == [counts[i] for i in range(len(CLAIMED_BINS))]

    ids = {r.id for r in current}
    per_code: dict[tuple[str, str], list[int]] = defaultdict(list)
    for evaluation_id, code, severity in findings:
        if evaluation_id in ids:
            per_code[(code, severity)].append(evaluation_id)
    assert {(f.code, f.severity): (f.count, f.evaluations) for f in report.findings} == {
        key: (len(evs), len(set(evs))) for key, evs in per_code.items()
    }

    pairs = [
        (r.execution_rate, r.claimed_total)
        for r in current
        if r.execution_rate is not None and r.claimed_total is not None
    ]
    assert report.execution.pairs == len(pairs)
    r_python = statistics.correlation([float(x) for x, _ in pairs], [float(y) for _, y in pairs])
    assert report.execution.correlation is not None
    assert abs(float(report.execution.correlation) - r_python) <= 0.00005 + 1e-9

    ranked = sorted(
        current,
        key=lambda r: (
            -r.errors,
            r.claimed_total is None or r.computed_total is None,
            -(r.claimed_total - r.computed_total)
            if r.claimed_total is not None and r.computed_total is not None
            else 0,
            r.id,
        ),
    )
    assert [w.id for w in report.worst] == [r.id for r in ranked[:15]]
