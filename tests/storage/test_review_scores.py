"""The reviewer's 核定得分 kept per evaluation version and row, audited, and the verified share in
the list (on SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from jixiao.core.model import Evaluation
from jixiao.core.review import Basis
from jixiao.core.review import ReviewScoreError
from jixiao.services import extract
from jixiao.services import review_totals
from jixiao.services import set_review_score
from jixiao.storage.browse import Browse
from jixiao.storage.browse import Browser
from jixiao.storage.db import Database
from jixiao.storage.review_scores import ReviewScoreRow
from jixiao.storage.schema import AuditRow
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import ReviewRow
from jixiao.storage.store import Store

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
D = Decimal


@pytest.fixture(scope="module")
def seed_002() -> Evaluation:
    (ev,) = extract(next(SEEDS.glob("002_*.txt")))
    return ev


def _saved(db: Database, ev: Evaluation, project: str | None = None) -> int:
    if project is not None:
        ev = ev.model_copy(update={"project": ev.project.model_copy(update={"name": project})})
    stored = Store(db).save(ev)
    assert stored.evaluation_id is not None
    return stored.evaluation_id


def test_core_review_flow_keeps_scores_and_audits_every_change(db: Database, seed_002: Evaluation) -> None:
    evaluation_id = _saved(db, seed_002)
    sheet = review_totals(db, evaluation_id)
    assert sheet is not None and sheet.totals.total == D("97.00") and sheet.entries == {}

    sheet = set_review_score(
        db, evaluation_id, 1, "6", "未提供治安防范的佐证材料", role="reviewer", actor="复核员甲", user_id=None
    )
    assert sheet.totals.total == D("93.00") and sheet.totals.grade == "优"
    assert sheet.totals.rows[1].basis is Basis.DECIDED
    assert sheet.entries[1].decision.reason == "未提供治安防范的佐证材料"
    assert sheet.entries[1].decision.score == D(6)

    # a comment only on another row: kept, changes nothing in the total
    sheet = set_review_score(db, evaluation_id, 2, "", None, "请补充台账", role="admin", actor="管理员")
    assert sheet.totals.total == D("93.00") and sheet.entries[2].decision.score is None
    # the same entry again changes nothing and writes no audit entry
    set_review_score(db, evaluation_id, 2, None, None, "请补充台账", role="admin", actor="管理员")
    # clearing an entry removes its row
    set_review_score(db, evaluation_id, 2, None, None, None, role="admin", actor="管理员")

    with db.sessions() as s:
        audit = [
            (a.actor, a.action, a.field, a.old, a.new)
            for a in s.scalars(select(AuditRow).order_by(AuditRow.id))
        ]
        kept = s.scalars(
            select(ReviewScoreRow.position).where(ReviewScoreRow.evaluation_id == evaluation_id)
        ).all()
    assert kept == [1]
    mine = [a for a in audit if a[1] == "review_score"]
    assert mine == [
        ("复核员甲", "review_score", "核定得分（第2行“加强治安防范”）", None, "6"),
        ("复核员甲", "review_score", "扣分原因（第2行“加强治安防范”）", None, "未提供治安防范的佐证材料"),
        ("管理员", "review_score", "复核批注（第3行“标杆中心戒毒社区创建工作”）", None, "请补充台账"),
        ("管理员", "review_score", "复核批注（第3行“标杆中心戒毒社区创建工作”）", "请补充台账", None),
    ]


def test_refusals_keep_nothing(db: Database, seed_002: Evaluation) -> None:
    evaluation_id = _saved(db, seed_002)
    with pytest.raises(ReviewScoreError, match="只有复核人员或管理员"):
        set_review_score(db, evaluation_id, 1, "6", "x", role="unit", actor="单位")
    with pytest.raises(ReviewScoreError, match="必须填写扣分原因"):
        set_review_score(db, evaluation_id, 1, "6", "  ", role="reviewer", actor="r")
    with pytest.raises(ReviewScoreError, match="超过该指标权重10分"):
        set_review_score(db, evaluation_id, 1, "10.5", "x", role="reviewer", actor="r")
    with pytest.raises(ReviewScoreError, match="不是数字"):
        set_review_score(db, evaluation_id, 1, "九分", "x", role="reviewer", actor="r")
    with pytest.raises(ReviewScoreError, match="没有第10行指标"):
        set_review_score(db, evaluation_id, 9, "1", "x", role="reviewer", actor="r")
    with pytest.raises(ReviewScoreError, match="没有编号为 99999 的评价"):
        set_review_score(db, 99999, 0, "1", "x", role="reviewer", actor="r")
    with db.sessions.begin() as s:
        s.add(ReviewRow(evaluation_id=evaluation_id, status="审核通过"))
    with pytest.raises(ReviewScoreError, match="已审核通过"):
        set_review_score(db, evaluation_id, 1, "10", None, role="reviewer", actor="r")
    with db.sessions() as s:
        assert s.scalars(select(ReviewScoreRow)).all() == []
        assert s.scalars(select(AuditRow).where(AuditRow.action == "review_score")).all() == []
    # an older version is history: only the latest takes 核定得分
    newer = _saved(db, seed_002)
    assert newer != evaluation_id
    with pytest.raises(ReviewScoreError, match="不是该评价的最新版本"):
        set_review_score(db, evaluation_id, 1, "10", None, role="reviewer", actor="r")


def test_list_shows_sorts_and_filters_by_the_unverified_share(db: Database, seed_002: Evaluation) -> None:
    most = _saved(db, seed_002, "全部定性")
    # the list reads what the scoring recorded: a copy with half of its weights verified
    computed = seed_002.computed.model_copy(update={"verified_weight": D(40), "carried_weight": D(40)})
    some = _saved(db, seed_002.model_copy(update={"computed": computed}), "部分核验")
    page = Browser(db).page(Browse(sort="unverified", descending=True))
    by_id = {r.id: r for r in page.rows}
    assert (by_id[most].verified_weight, by_id[most].carried_weight) == (D(10), D(70))
    assert by_id[most].unverified_share == D("0.875")
    assert by_id[some].unverified_share == D("0.5")
    assert [r.id for r in page.rows] == [most, some]
    assert [r.id for r in Browser(db).page(Browse(sort="unverified", descending=False)).rows] == [some, most]
    assert [r.id for r in Browser(db).page(Browse(unverified_min=D("0.8"))).rows] == [most]
    assert Browser(db).count(Browse(unverified_min=D("0.9"))) == 0


def test_0009_fills_the_split_of_stored_evaluations_from_their_contracts(
    db_url: str, seed_002: Evaluation
) -> None:
    """A database at 0008 holding the 002 report as scored before the split was recorded (and one
    unreadable row) upgrades with 10 verified and 70 carried of its 80 indicator points."""
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy import event
    from sqlalchemy import text

    from jixiao.storage import db as storage_db
    from jixiao.storage.db import open_database

    old = seed_002.model_copy(
        update={
            "computed": seed_002.computed.model_copy(
                update={
                    "verified_weight": None,
                    "carried_weight": None,
                    "verified_points": None,
                    "carried_points": None,
                }
            )
        }
    )
    engine = create_engine(db_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", storage_db._sqlite_pragmas)
    config = storage_db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, name) VALUES (1, '甲单位')"))
        conn.execute(text("INSERT INTO projects (id, unit_id, name) VALUES (1, 1, '项目')"))
        insert = text(
            "INSERT INTO evaluations (id, project_id, unit_id, year, version, scheme_id, errors, warnings,"
            " infos, unreadable, latest, contract, created_at)"
            " VALUES (:id, 1, 1, :year, 1, 's', 0, 0, 0, false, true, :contract, '2026-01-01')"
        )
        conn.execute(insert, {"id": 1, "year": 2018, "contract": old.to_json()})
        conn.execute(insert, {"id": 2, "year": 2019, "contract": "{}"})
    engine.dispose()
    engine = storage_db.make_engine(db_url)
    storage_db.upgrade(engine)
    engine.dispose()
    database = open_database(db_url)
    try:
        rows = Browser(database).page(Browse(sort="id", descending=False)).rows
        assert [(r.verified_weight, r.carried_weight, r.unverified_share) for r in rows] == [
            (D(10), D(70), D("0.875")),
            (None, None, None),
        ]
    finally:
        database.close()


def test_a_contract_saved_without_the_split_gets_it_from_its_rows(db: Database, seed_002: Evaluation) -> None:
    computed = seed_002.computed.model_copy(update={"verified_weight": None, "carried_weight": None})
    evaluation_id = _saved(db, seed_002.model_copy(update={"computed": computed}))
    with db.sessions() as s:
        row = s.get(EvaluationRow, evaluation_id)
        assert row is not None
        assert (row.verified_weight, row.carried_weight, row.unverified_share) == (D(10), D(70), D("0.875"))
