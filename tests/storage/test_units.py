"""Renaming and merging units, on SQLite and PostgreSQL: names, users, evaluations and documents
follow; every project's history records the change; a merge that would make two projects one, or
file one document twice, is refused with the names, and nothing changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from builders import evaluation
from builders import row
from jixiao.core.engine import evaluate
from jixiao.core.model import Project
from jixiao.schemes import load_scheme
from jixiao.storage.accounts import Accounts
from jixiao.storage.accounts import Role
from jixiao.storage.db import Database
from jixiao.storage.db import open_database
from jixiao.storage.schema import AuditRow
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import Unit
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store
from jixiao.storage.units import UnitError
from jixiao.storage.units import merge_units
from jixiao.storage.units import rename_unit


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = (
        f"sqlite:///{tmp_path / 'jixiao.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    database = open_database(url)
    yield database
    database.close()


def _save(db: Database, unit: str, project: str, n: int) -> None:
    ev = evaluation(row("≥10个", "10个", weight=50, claimed=50), planned=100, executed=100, total="60")
    ev = evaluate(
        ev.model_copy(update={"project": Project(name=project, year=2024, unit=unit)}),
        load_scheme("mof-2020"),
    )
    Store(db).save(
        ev,
        DocumentInfo(sha256=f"{n:064x}", name=f"{project}.docx", path=f"/x/{n}.docx", format="docx", size=10),
    )


def _units(db: Database) -> dict[str, int]:
    with db.sessions() as s:
        return {
            name: len(s.execute(select(EvaluationRow.id).where(EvaluationRow.unit_id == uid)).all())
            for uid, name in s.execute(select(Unit.id, Unit.name))
        }


def test_rename_and_merge(db: Database) -> None:
    _save(db, "花山街道办", "社会保障专项", 1)
    _save(db, "花山街道办事处", "社区建设", 2)
    accounts = Accounts(db)
    accounts.add_user("typo", "x" * 60, Role.UNIT, unit="花山街道办")
    # rename: the user and the evaluation follow, the project's history says so
    done = rename_unit(db, "花山街道办", "花山街道（旧）", actor="管理员")
    assert (done.unit, done.projects, done.users) == ("花山街道（旧）", 1, 1)
    assert accounts.by_username("typo").unit_name == "花山街道（旧）"  # type: ignore[union-attr]
    with pytest.raises(UnitError, match="已有名为“花山街道办事处”的单位"):
        rename_unit(db, "花山街道（旧）", "花山街道办事处", actor="管理员")
    with pytest.raises(UnitError, match="库中没有名为“无此单位”的单位"):
        rename_unit(db, "无此单位", "新名", actor="管理员")
    # merge: everything moves, the source goes
    merged = merge_units(db, "花山街道（旧）", "花山街道办事处", actor="管理员")
    assert (merged.unit, merged.projects, merged.users) == ("花山街道办事处", 2, 1)
    assert _units(db) == {"花山街道办事处": 2}
    assert accounts.by_username("typo").unit_name == "花山街道办事处"  # type: ignore[union-attr]
    with db.sessions() as s:
        log = [(a.action, a.old, a.new, a.actor) for a in s.scalars(select(AuditRow).order_by(AuditRow.id))]
    assert ("unit_rename", "花山街道办", "花山街道（旧）", "管理员") in log
    assert log.count(("unit_merge", "花山街道（旧）", "花山街道办事处", "管理员")) == 2


def test_a_merge_that_would_join_two_projects_is_refused(db: Database) -> None:
    _save(db, "甲", "社区建设", 1)
    _save(db, "乙", "社区建设", 2)
    with pytest.raises(UnitError, match="两个单位都有同名项目：社区建设"):
        merge_units(db, "甲", "乙", actor="管理员")
    assert _units(db) == {"甲": 1, "乙": 1}
    with pytest.raises(UnitError, match="不能把一个单位合并到它自己"):
        merge_units(db, "甲", "甲", actor="管理员")
