"""A project's year in the database (migration 0011): declarations and monitoring records as
versions of their project-year, evaluations joining it, overrides stored, counts by stage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text

from builders import evaluation
from builders import row
from jixiao import services
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.plan import Declaration
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Period
from jixiao.core.plan import Stage
from jixiao.core.values import parse_value
from jixiao.storage import db as storage_db
from jixiao.storage.db import Database
from jixiao.storage.db import open_database
from jixiao.storage.store import Store
from jixiao.storage.years import YearError
from jixiao.storage.years import YearQuery
from jixiao.storage.years import Years

PROJECT = Project(name="测试项目", year=2024, unit="测试单位")


def declaration(target: str = "≥100人次") -> Declaration:
    return Declaration(
        project=PROJECT,
        planned_yuan=Decimal("500000.50"),
        objective="完成培训",
        indicators=(row(target, None, weight=50, name="培训人次", claimed=None),),
    )


def monitoring(executed: str = "50000") -> Monitoring:
    return Monitoring(
        project=PROJECT,
        planned_yuan=Decimal(500000),
        executed_yuan=Decimal(executed),
        indicators=(
            MonitoredIndicator(
                name="培训人次",
                target=parse_value("≥100人次"),
                to_date=parse_value("30人次"),
                likelihood=Likelihood.IMPOSSIBLE,
            ),
        ),
    )


def test_declaration_versions_and_round_trip(db: Database) -> None:
    first = services.save_declaration(db, declaration(), actor="甲")
    second = services.save_declaration(db, declaration("≥120人次"), actor="乙")
    assert (first.record.version, second.record.version) == (1, 2)
    py = first.record.project_year_id
    assert second.record.project_year_id == py
    assert services.load_declaration(db, py) == second.declaration
    assert services.load_declaration(db, py, 1) == first.declaration
    assert [v.latest for v in Years(db).declaration_versions(py)] == [False, True]
    info = services.project_year(db, py)
    assert info is not None and info.stage is Stage.DECLARED
    assert (info.unit, info.project, info.year) == ("测试单位", "测试项目", 2024)


def test_monitoring_checked_against_the_declaration_and_stored(db: Database) -> None:
    services.save_declaration(db, declaration("≥80人次"))
    saved = services.save_monitoring(db, monitoring(), actor="甲")
    codes = {f.code for f in saved.monitoring.findings}
    # 10% spent by July; 完全不可能 with no reason; the target differs from the declared one.
    assert {
        "MONITORING_EXECUTION_BEHIND",
        "MONITORING_IMPOSSIBLE_UNEXPLAINED",
        "MONITORING_TARGET_CHANGED",
    } <= codes
    py = saved.record.project_year_id
    assert services.load_monitoring(db, py) == saved.monitoring
    assert saved.monitoring.execution_rate == Decimal("0.1")
    info = services.project_year(db, py)
    assert info is not None and info.stage is Stage.MONITORED
    again = services.save_monitoring(db, monitoring("400000"))
    assert again.record.version == 2
    assert len(Years(db).monitorings(py)) == 1


def test_evaluation_joins_its_project_year_and_the_link_uses_overrides(db: Database) -> None:
    services.save_declaration(db, declaration())
    ev = evaluation(row("≥100人次", "120人次", weight=50, name="参训人员数量"))
    stored = Store(db).save(ev)
    assert stored.evaluation_id is not None
    info = services.project_year_of(db, stored.evaluation_id)
    assert info is not None and info.stage is Stage.EVALUATED
    link = services.year_link(db, info.id)
    assert link is not None
    codes = [f.code for f in link.findings]
    assert "DECLARED_INDICATOR_MISSING" in codes and "INDICATOR_ADDED_AFTER_DECLARATION" in codes
    fixed = services.override_match(db, info.id, "参训人员数量", "培训人次", actor="审核员")
    assert fixed is not None
    assert [f.code for f in fixed.findings] == []
    assert fixed.matches[0].overridden and fixed.matches[0].evaluated == 0
    timeline = services.year_timeline(db, info.id)
    assert timeline is not None and timeline.evaluation_id == stored.evaluation_id
    assert [o.declared for o in timeline.overrides] == ["培训人次"]
    assert services.clear_match_override(db, info.id, "参训人员数量") is not None
    assert Years(db).overrides(info.id) == []


def test_listing_and_counts_by_stage(db: Database) -> None:
    services.save_declaration(db, declaration())
    other = Project(name="另一项目", year=2024, unit="测试单位")
    services.save_monitoring(db, monitoring().model_copy(update={"project": other}))
    Store(db).save(
        evaluation(row("≥1", "1")).model_copy(
            update={"project": Project(name="第三", year=2024, unit="乙单位")}
        )
    )
    assert [p.project for p in services.project_years(db, YearQuery(stage=Stage.DECLARED))] == ["测试项目"]
    assert [p.project for p in services.project_years(db, YearQuery(stage=Stage.MONITORED))] == ["另一项目"]
    assert [p.project for p in services.project_years(db, YearQuery(stage=Stage.EVALUATED))] == ["第三"]
    counts = {c.unit: c for c in services.stage_counts(db, year=2024)}
    assert (counts["测试单位"].declared, counts["测试单位"].monitored, counts["测试单位"].evaluated) == (
        1,
        1,
        0,
    )
    assert counts["测试单位"].monitoring_warnings == 1
    assert (counts["乙单位"].declared, counts["乙单位"].evaluated) == (0, 1)


def test_a_record_without_project_or_year_is_refused(db: Database) -> None:
    with pytest.raises(YearError, match="项目名称"):
        services.save_declaration(db, Declaration(project=Project(year=2024)))
    with pytest.raises(YearError, match="年度"):
        services.save_monitoring(db, Monitoring(project=Project(name="x")))


def test_0011_makes_project_years_of_the_stored_evaluations(db_url: str) -> None:
    engine = create_engine(db_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", storage_db._sqlite_pragmas)
    config = storage_db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0010")
    rows = [
        "INSERT INTO units (id, name) VALUES (1, '甲单位')",
        "INSERT INTO projects (id, unit_id, name) VALUES (1, 1, '项目')",
        *(
            "INSERT INTO evaluations (id, project_id, unit_id, year, version, scheme_id, errors, warnings,"
            f" infos, unreadable, latest, contract, created_at) VALUES ({i}, 1, 1, {y}, {v}, 's', 0, 0, 0,"
            f" false, {'true' if last else 'false'}, '{{}}', '2026-01-01')"
            for i, y, v, last in (
                (1, 2023, 1, True),
                (2, 2024, 1, False),
                (3, 2024, 2, True),
                (4, "NULL", 1, True),
            )
        ),
    ]
    with engine.begin() as conn:
        for statement in rows:
            conn.execute(text(statement))
    engine.dispose()
    engine = storage_db.make_engine(db_url)
    storage_db.upgrade(engine)
    engine.dispose()
    database = open_database(db_url)
    try:
        with database.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM evaluations")).scalar() == 4
            years = conn.execute(text("SELECT project_id, year FROM project_years ORDER BY year")).all()
        assert [tuple(r) for r in years] == [(1, 2023), (1, 2024)]
        listed = services.project_years(database, YearQuery(stage=Stage.EVALUATED))
        assert [(p.project, p.year) for p in listed] == [("项目", 2024), ("项目", 2023)]
    finally:
        database.close()


def test_an_earlier_evaluation_version_is_linked_as_it_was(db: Database) -> None:
    services.save_declaration(db, declaration())
    first = Store(db).save(evaluation(row("≥80人次", "90人次", weight=50, name="培训人次")))
    second = Store(db).save(evaluation(row("≥100人次", "120人次", weight=50, name="培训人次")))
    assert first.evaluation_id is not None and second.evaluation_id is not None
    old = services.evaluation_link(db, first.evaluation_id)
    new = services.evaluation_link(db, second.evaluation_id)
    assert old is not None and [f.code for f in old.findings] == ["TARGET_CHANGED_FROM_DECLARATION"]
    assert new is not None and new.findings == ()
    info = services.project_year_of(db, second.evaluation_id)
    assert info is not None and services.year_link(db, info.id) == new
    undated = Store(db).save(
        evaluation(row("≥1", "1")).model_copy(update={"project": Project(name="无年度")})
    )
    assert undated.evaluation_id is not None and services.evaluation_link(db, undated.evaluation_id) is None


def test_the_warning_flags_follow_the_current_versions(db: Database) -> None:
    def counts() -> tuple[int, int]:
        (c,) = services.stage_counts(db)
        return c.declaration_warnings, c.monitoring_warnings

    clean = declaration().model_copy(
        update={
            "indicators": (Indicator(name="培训人次", weight=Decimal(90), target=parse_value("≥100人次")),)
        }
    )
    assert services.save_declaration(db, clean).declaration.findings == ()
    weak = clean.model_copy(update={"objective": None})
    services.save_declaration(db, weak)
    assert counts() == (1, 0)
    services.save_declaration(db, clean)
    assert counts() == (0, 0)  # the new version is clean
    healthy = Monitoring(project=PROJECT, planned_yuan=Decimal(100), executed_yuan=Decimal(60))
    services.save_monitoring(db, monitoring())
    assert counts() == (0, 1)
    assert services.save_monitoring(db, healthy).monitoring.findings == ()
    services.save_monitoring(db, monitoring())
    assert counts() == (0, 1)
    services.save_monitoring(db, healthy)  # the same period again, now clean
    assert counts() == (0, 0)
    june = monitoring().model_copy(update={"period": Period(last_month=6)})
    services.save_monitoring(db, june)  # another period's record warns
    assert counts() == (0, 1)
