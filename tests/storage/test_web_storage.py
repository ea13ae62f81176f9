"""The web app's storage: accounts and sessions, the evaluation list, review status, versions
and the audit log (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update

from jixiao.core.model import Evaluation
from jixiao.services import score_file
from jixiao.storage.accounts import AccountError
from jixiao.storage.accounts import Accounts
from jixiao.storage.accounts import Role
from jixiao.storage.browse import Browse
from jixiao.storage.browse import Browser
from jixiao.storage.browse import page_ids
from jixiao.storage.db import Database
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store
from jixiao.storage.workflow import Actor
from jixiao.storage.workflow import Change
from jixiao.storage.workflow import Workflow
from jixiao.storage.workflow import WorkflowError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def example() -> Evaluation:
    return score_file(sorted(EXAMPLES.glob("*.yaml"))[0])


def _as(ev: Evaluation, *, unit: str, project: str, year: int = 2020) -> Evaluation:
    return ev.model_copy(
        update={"project": ev.project.model_copy(update={"unit": unit, "name": project, "year": year})}
    )


# -- accounts -------------------------------------------------------------------------------------------


def test_users_and_units(db: Database) -> None:
    accounts = Accounts(db)
    admin = accounts.add_user("admin", "hash-a", Role.ADMIN)
    unit = accounts.add_user("edu", "hash-b", Role.UNIT, unit="某市教育局", display_name="教育局填报员")
    assert admin.sees_all and not unit.sees_all
    assert unit.unit_name == "某市教育局" and unit.unit_id == accounts.unit_id("某市教育局")
    assert accounts.by_username(" edu ") == unit
    assert [u.username for u in accounts.users()] == ["admin", "edu"]
    assert accounts.count_users() == 2
    with pytest.raises(AccountError, match="已存在"):
        accounts.add_user("edu", "x", Role.REVIEWER)
    with pytest.raises(AccountError, match="必须指定所属单位"):
        accounts.add_user("nounit", "x", Role.UNIT)
    [info] = [u for u in accounts.units() if u.name == "某市教育局"]
    assert info.users == 1 and info.evaluations == 0


def test_sessions_expire_and_end_with_the_password(db: Database) -> None:
    accounts = Accounts(db)
    user = accounts.add_user("r", "hash", Role.REVIEWER)
    accounts.open_session(user.id, "live", "csrf-1", dt.timedelta(hours=1))
    accounts.open_session(user.id, "dead", "csrf-2", dt.timedelta(seconds=-1))
    found = accounts.session("live")
    assert found is not None and found[0].id == user.id and found[1] == "csrf-1"
    assert accounts.session("dead") is None
    assert accounts.session("unknown") is None
    accounts.update_user(user.id, active=False)
    assert accounts.session("live") is None
    accounts.update_user(user.id, active=True)
    accounts.open_session(user.id, "again", "csrf-3", dt.timedelta(hours=1))
    accounts.update_user(user.id, password_hash="new-hash")
    assert accounts.session("again") is None
    assert accounts.user(user.id).password_hash == "new-hash"  # type: ignore[union-attr]


# -- the list -------------------------------------------------------------------------------------------


def test_browse_filters_sorts_scopes_and_pages(db: Database, example: Evaluation) -> None:
    store = Store(db)
    ids = {}
    for i, (unit, project) in enumerate(
        [("甲单位", "项目一"), ("甲单位", "项目二"), ("乙单位", "项目三"), ("乙单位", "项目_%")]
    ):
        doc = DocumentInfo(f"{i:064d}", f"报告{i}.docx", f"/in/{i}.docx", "docx", 10)
        ids[project] = store.save(_as(example, unit=unit, project=project), doc).evaluation_id
    resubmitted = store.save(_as(example, unit="甲单位", project="项目一")).evaluation_id
    browser = Browser(db)

    every = browser.page(Browse())
    assert every.total == 4  # the replaced version of 项目一 is not listed
    assert resubmitted in [r.id for r in every.rows] and ids["项目一"] not in [r.id for r in every.rows]
    assert [r.id for r in every.rows] == sorted((r.id for r in every.rows), reverse=True)

    unit_a = Accounts(db).unit_id("甲单位")
    scoped = browser.page(Browse(scope_unit_id=unit_a, unit_id=Accounts(db).unit_id("乙单位")))
    assert scoped.total == 0  # a unit user asking for another unit's rows gets none
    assert {r.unit for r in browser.page(Browse(scope_unit_id=unit_a)).rows} == {"甲单位"}

    assert [r.project for r in browser.page(Browse(q="_%")).rows] == ["项目_%"]  # LIKE escaped
    assert {r.project for r in browser.page(Browse(q="报告2")).rows} == {"项目三"}  # by file name
    by_project = browser.page(Browse(sort="project", descending=False))
    assert [r.project for r in by_project.rows] == sorted(r.project for r in by_project.rows)
    assert browser.page(Browse(year=2019)).total == 0
    grade = every.rows[0].computed_grade
    assert browser.page(Browse(grade=grade)).total == 4
    code = example.findings[0].code if example.findings else "NO_SUCH_CODE"
    assert browser.page(Browse(code=code)).total == (4 if example.findings else 0)
    errors = sum(1 for f in example.findings if f.severity.value == "error")
    assert browser.page(Browse(has_errors=True)).total == (4 if errors else 0)

    second = browser.page(Browse(per_page=3, page=2))
    assert second.total == 4 and second.pages == 2 and len(second.rows) == 1

    facets = browser.facets()
    assert facets.years == (2020,)
    assert [name for _, name in facets.units] == ["乙单位", "甲单位"] or len(facets.units) == 2
    assert [name for _, name in browser.facets(unit_a).units] == ["甲单位"]


def _node_types(plan: dict[str, object]) -> list[str]:
    children = plan.get("Plans", [])
    assert isinstance(children, list)
    return [str(plan["Node Type"]), *(t for child in children for t in _node_types(child))]


def test_sorts_put_blanks_last_and_read_the_sort_indexes(db: Database, example: Evaluation) -> None:
    """Blank values come last in both directions; on PostgreSQL every indexed order is read off
    its index (migration 0004): with sorting disabled the plan still needs no Sort node, which
    it would if an index did not match the list's ORDER BY exactly."""
    store = Store(db)
    claimed = [Decimal("90"), None, Decimal("70"), Decimal("80")]
    ids = [store.save(_as(example, unit="丙单位", project=f"排序{i}")).evaluation_id for i in range(4)]
    with db.engine.begin() as conn:
        for evaluation_id, value in zip(ids, claimed, strict=True):
            conn.execute(
                update(EvaluationRow).where(EvaluationRow.id == evaluation_id).values(claimed_total=value)
            )
    browser = Browser(db)
    for descending, expected in ((True, [90, 80, 70, None]), (False, [70, 80, 90, None])):
        rows = browser.page(Browse(sort="claimed", descending=descending)).rows
        assert [r.claimed_total for r in rows] == expected
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_sort = off")
        for sort in ("claimed", "computed", "difference", "rate", "errors", "unit", "project"):
            for descending in (True, False):
                query = page_ids(Browse(sort=sort, descending=descending, page=2)).compile(
                    dialect=conn.dialect, compile_kwargs={"literal_binds": True}
                )
                plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {query}").scalar_one()
                assert "Sort" not in _node_types(plan[0]["Plan"]), (sort, descending)


# -- review status, versions and the audit log ------------------------------------------------------------


def test_status_versions_and_audit_log(db: Database, example: Evaluation) -> None:
    flow = Workflow(db)
    who = Actor("审核员（r）")
    first = flow.save_new(_as(example, unit="甲单位", project="项目一"), who, action="create", year=2020)
    assert first is not None
    meta = flow.meta(first)
    assert meta is not None and meta.status == "已提交" and meta.is_latest and meta.version == 1

    flow.set_status(first, "退回修改", "请补充偏差原因", who)
    meta = flow.meta(first)
    assert meta is not None and meta.status == "退回修改" and meta.comment == "请补充偏差原因"
    with pytest.raises(WorkflowError, match="无效"):
        flow.set_status(first, "随便", None, who)
    assert Browser(db).page(Browse(status="退回修改")).total == 1

    edited = _as(example, unit="甲单位", project="项目一改名")  # the project keeps its identity
    change = Change("三级指标“X”的实际完成值", "90%", "95%")
    second = flow.save_version(edited, first, [change], Actor("填报员", None))
    meta2 = flow.meta(second)
    assert meta2 is not None and meta2.version == 2 and meta2.project_id == meta.project_id
    assert meta2.project == "项目一改名"  # the edit corrected the project's name
    assert meta2.status == "已提交"  # a new version is reviewed afresh
    assert [v.status for v in meta2.versions] == ["退回修改", "已提交"]
    old = flow.meta(first)
    assert old is not None and not old.is_latest and old.latest_id == second
    with pytest.raises(WorkflowError, match="更新的版本"):
        flow.save_version(edited, first, [change], who)  # a stale edit never overwrites

    history = flow.history(second)
    assert [(h.action, h.field, h.old, h.new) for h in history] == [
        ("create", "新建评价", None, "项目一"),
        ("review", "审核状态", "已提交", "退回修改"),
        ("review", "审核意见", None, "请补充偏差原因"),
        ("edit", "三级指标“X”的实际完成值", "90%", "95%"),
    ]
    assert history == flow.history(first)  # one log per project × year
    assert history[-1].evaluation_id == second


def test_upload_keeps_the_original_and_refuses_a_known_document(db: Database, example: Evaluation) -> None:
    flow = Workflow(db)
    doc = DocumentInfo("a" * 64, "报告.docx", "/uploads/x", "docx", 123, stored="documents/aa/x.docx")
    first = flow.save_new(example, Actor("u"), action="upload", document=doc, unit="丙单位")
    assert first is not None
    meta = flow.meta(first)
    assert meta is not None and meta.unit == "丙单位"  # a unit user's upload lands in their unit
    assert meta.original is not None and meta.original.name == "报告.docx"
    # The same bytes again for the same unit are refused; for another unit (the one the document
    # names) they are that unit's own document and evaluation (issue 15 item 10).
    assert flow.save_new(example, Actor("u"), action="upload", document=doc, unit="丙单位") is None
    other = flow.save_new(example, Actor("u"), action="upload", document=doc)
    assert other is not None and other != first
    other_meta = flow.meta(other)
    assert other_meta is not None and other_meta.unit != "丙单位"
    assert flow.for_document("a" * 64, meta.unit_id) == first
    assert flow.for_document("a" * 64, other_meta.unit_id) == other
    assert flow.for_document("b" * 64) is None
    edited = flow.save_version(example, first, [], Actor("u"))
    meta2 = flow.meta(edited)
    assert meta2 is not None and meta2.original == meta.original  # the edit shows the same original
    assert flow.for_document("a" * 64, meta.unit_id) == edited  # the document leads to the latest version
    assert Store(db).get(edited) == example
    assert meta2.original.size == 123 and Decimal(meta2.original.size) == Decimal(123)


def test_uploads_saved_at_the_same_moment_all_land(db: Database, example: Evaluation) -> None:
    """The upload page sends two files at a time, and a bureau's folder holds twins (the same
    report as docx, pdf, xlsx) and several reports of one new unit: saved at the same moment,
    each becomes its own version, none fails on the unit, project or version the other one
    created first."""
    flow = Workflow(db)
    ev = _as(example, unit="同时上传的单位", project="同时上传的项目")
    count = 8
    start = threading.Barrier(count)

    def upload(i: int) -> int | None:
        doc = DocumentInfo(f"{i + 7000:064d}", f"孪生{i}.docx", f"/in/twin{i}.docx", "docx", 10)
        start.wait()
        return flow.save_new(ev, Actor("u"), action="upload", document=doc)

    with ThreadPoolExecutor(count) as pool:
        saved = list(pool.map(upload, range(count)))
    assert None not in saved and len(set(saved)) == count
    metas = [flow.meta(i) for i in saved if i is not None]
    assert sorted(m.version for m in metas if m) == list(range(1, count + 1))
    assert sum(1 for m in metas if m and m.is_latest) == 1
