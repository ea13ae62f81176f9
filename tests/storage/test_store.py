"""Saving and reading evaluations: exact, whole, once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from sqlalchemy import select
from sqlalchemy import text

from export.strategies import evaluations
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Project
from jixiao.intake.pipeline import unreadable
from jixiao.schemes import load_scheme
from jixiao.storage.db import Database
from jixiao.storage.db import StorageError
from jixiao.storage.db import head_revision
from jixiao.storage.db import open_database
from jixiao.storage.schema import BudgetLineRow
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import IndicatorRow
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store


def scored(ev: Evaluation) -> Evaluation:
    return evaluate(ev, load_scheme(ev.scheme.id))


def doc(sha: str, name: str = "报告.docx") -> DocumentInfo:
    return DocumentInfo(
        sha256=sha * (64 // len(sha)), name=name, path=f"/收件箱/{name}", format="docx", size=123
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(evaluations())
def test_round_trip_is_lossless_and_the_tables_mirror_it(db: Database, ev: Evaluation) -> None:
    ev = scored(ev)
    store = Store(db)
    saved = store.save(ev)
    assert saved.evaluation_id is not None
    back = store.get(saved.evaluation_id)
    assert back == ev
    assert back is not None and back.to_json() == ev.to_json()
    with db.sessions() as s:
        row = s.get_one(EvaluationRow, saved.evaluation_id)
        assert row.planned_fen == (
            None if ev.budget.planned_yuan is None else int(ev.budget.planned_yuan * 100)
        )
        assert row.claimed_total == ev.claimed.total
        assert row.computed_total == ev.computed.total
        names = s.scalars(
            select(IndicatorRow.name)
            .where(IndicatorRow.evaluation_id == row.id)
            .order_by(IndicatorRow.position)
        ).all()
        assert names == [i.name for i in ev.indicators]
        weights = s.scalars(
            select(IndicatorRow.weight)
            .where(IndicatorRow.evaluation_id == row.id)
            .order_by(IndicatorRow.position)
        ).all()
        assert weights == [i.weight for i in ev.indicators]
        lines = s.scalars(select(BudgetLineRow).where(BudgetLineRow.evaluation_id == row.id)).all()
        assert len(lines) == len(ev.budget.lines)
    assert store.parts(saved.evaluation_id) == (len(ev.indicators), len(ev.budget.lines), len(ev.findings))


def _simple(name: str = "社区建设", year: int | None = 2023, unit: str = "宝丰街道办事处") -> Evaluation:
    return scored(Evaluation(project=Project(name=name, year=year, unit=unit)))


def test_same_bytes_are_one_document(db: Database) -> None:
    store = Store(db)
    first = store.save(_simple(), doc("a"))
    again = store.save(_simple(), doc("a", "另一个名字.docx"))
    assert first.evaluation_id is not None and not first.duplicate
    assert again.duplicate and again.evaluation_id is None
    assert store.count() == (1, 1)
    assert store.known_hashes(["a" * 64, "b" * 64]) == {"a" * 64}


def test_resubmission_is_a_new_version(db: Database) -> None:
    store = Store(db)
    one = store.save(_simple(), doc("a"))
    two = store.save(_simple(), doc("b"))
    other_year = store.save(_simple(year=2024), doc("c"))
    assert (one.version, two.version, other_year.version) == (1, 2, 1)
    listed = store.list()
    assert [(e.year, e.version) for e in listed] == [(2024, 1), (2023, 2), (2023, 1)]
    assert {e.unit for e in listed} == {"宝丰街道办事处"}
    # Only the highest version of each project × year is the current one; no year is a year too.
    store.save(_simple(year=None), doc("d"))
    three = store.save(_simple(year=None), doc("e"))
    assert three.version == 2
    with db.engine.connect() as conn:
        flags = conn.execute(text("SELECT year, version, latest FROM evaluations ORDER BY id")).all()
    assert [(y, v, bool(f)) for y, v, f in flags] == [
        (2023, 1, False),
        (2023, 2, True),
        (2024, 1, True),
        (None, 1, False),
        (None, 2, True),
    ]


def test_year_override_and_unknown_names(db: Database) -> None:
    store = Store(db)
    from pathlib import Path

    bad = unreadable(Path("/收件箱/坏文件.docx"), "文件已损坏")
    saved = store.save(bad, doc("d", "坏文件.docx"), year=2022)
    [summary] = store.list(year=2022)
    assert summary.id == saved.evaluation_id
    assert summary.unit == "（未注明单位）" and summary.project == "（未注明项目）坏文件.docx"
    assert summary.errors == 1


def test_money_is_stored_as_integer_fen(db: Database) -> None:
    from jixiao.core.model import Budget

    ev = scored(
        Evaluation(
            project=Project(name="x", year=2023), budget=Budget(planned_yuan=Decimal("12345678901.23"))
        )
    )
    saved = Store(db).save(ev)
    with db.engine.connect() as conn:
        value = conn.execute(
            text("SELECT planned_fen FROM evaluations WHERE id = :id"), {"id": saved.evaluation_id}
        ).scalar()
    assert value == 1234567890123 and isinstance(value, int)


def test_schema_version_is_checked(db_url: str) -> None:
    database = open_database(db_url)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    database.close()
    with pytest.raises(StorageError, match="jixiao db upgrade"):
        open_database(db_url)
    assert head_revision() == "0011"


def test_a_database_of_the_previous_release_is_upgraded_keeping_its_data(db_url: str) -> None:
    """A 0001 database (before the web app's tables and the ``latest`` flag) is refused until
    ``jixiao db upgrade``, which keeps its data and marks the versions replaced."""
    from alembic import command

    from jixiao.storage.db import _alembic_config
    from jixiao.storage.db import make_engine
    from jixiao.storage.db import upgrade

    engine = make_engine(db_url)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text("INSERT INTO units (id, name) VALUES (1, '旧单位')"))
        conn.execute(text("INSERT INTO projects (id, unit_id, name) VALUES (1, 1, '旧项目')"))
        # Two versions of 2020, one of no year, one of 2021: only the first 2020 one is replaced.
        for id_, year, version in ((1, 2020, 1), (2, 2020, 2), (3, None, 1), (4, 2021, 1)):
            conn.execute(
                text(
                    "INSERT INTO evaluations (id, project_id, unit_id, year, version, scheme_id,"
                    " errors, warnings, infos, unreadable, contract, created_at)"
                    " VALUES (:id, 1, 1, :year, :version, 'mof-2020', 0, 0, 0, false, '{}', :at)"
                ),
                {"id": id_, "year": year, "version": version, "at": "2020-01-01 00:00:00+00:00"},
            )
    with pytest.raises(StorageError, match=r"0001.*jixiao db upgrade"):
        open_database(db_url)
    upgrade(engine)
    engine.dispose()
    database = open_database(db_url)
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM units")).scalar_one() == "旧单位"
        assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 0
        latest = conn.execute(text("SELECT id, latest FROM evaluations ORDER BY id")).all()
        assert [(i, bool(flag)) for i, flag in latest] == [(1, False), (2, True), (3, True), (4, True)]
    database.close()


def test_an_uninitialised_database_is_not_created_when_asked_not_to(tmp_path) -> None:
    with pytest.raises(StorageError, match="尚未初始化"):
        open_database(f"sqlite:///{tmp_path / 'new.db'}", create=False)


def test_a_foreign_database_is_refused(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id INTEGER)"))
    engine.dispose()
    with pytest.raises(StorageError, match="不是 jixiao 的数据库"):
        open_database(url)


def test_bad_urls_are_clear() -> None:
    with pytest.raises(StorageError, match="数据库地址无效"):
        open_database("not a url")
    with pytest.raises(StorageError, match="无法连接数据库"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")
