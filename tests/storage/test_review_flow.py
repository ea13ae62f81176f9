"""The review workflow (issue 19 part B) on both databases: states and who may move them, claims,
the approval lock on every save path, stable numbers and sources, and review rounds."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jixiao.core.model import Evaluation
from jixiao.services import score_file
from jixiao.storage.accounts import Accounts
from jixiao.storage.accounts import Role
from jixiao.storage.browse import Browse
from jixiao.storage.browse import Browser
from jixiao.storage.db import Database
from jixiao.storage.rounds import NOT_SUBMITTED
from jixiao.storage.rounds import RoundError
from jixiao.storage.rounds import Rounds
from jixiao.storage.store import DocumentInfo
from jixiao.storage.workflow import Actor
from jixiao.storage.workflow import Locked
from jixiao.storage.workflow import Workflow
from jixiao.storage.workflow import WorkflowError
from jixiao.storage.workflow import parse_number

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def example() -> Evaluation:
    return score_file(sorted(EXAMPLES.glob("*.yaml"))[0])


def _as(ev: Evaluation, *, unit: str, project: str, year: int = 2020) -> Evaluation:
    return ev.model_copy(
        update={"project": ev.project.model_copy(update={"unit": unit, "name": project, "year": year})}
    )


def _people(db: Database) -> tuple[Actor, Actor, Actor]:
    accounts = Accounts(db)
    a = accounts.add_user("rev-a", "h", Role.REVIEWER, display_name="审核员甲")
    b = accounts.add_user("rev-b", "h", Role.REVIEWER, display_name="审核员乙")
    u = accounts.add_user("clerk", "h", Role.UNIT, unit="甲单位", display_name="填报员")
    return Actor("审核员甲（rev-a）", a.id), Actor("审核员乙（rev-b）", b.id), Actor("填报员（clerk）", u.id)


def test_states_claims_reasons_and_audit(db: Database, example: Evaluation) -> None:
    flow = Workflow(db)
    a, b, clerk = _people(db)
    draft = flow.save_new(_as(example, unit="甲单位", project="项目一"), clerk, action="create", draft=True)
    assert draft is not None
    meta = flow.meta(draft)
    assert meta is not None and meta.status == "草稿" and meta.source == "网页填报"
    with pytest.raises(WorkflowError, match="不能“认领审核”"):
        flow.move(draft, "claim", a)  # a draft is the unit's own until submitted
    assert flow.move(draft, "submit", clerk) == "已提交"

    assert flow.move(draft, "claim", a) == "审核中"
    with pytest.raises(WorkflowError, match="审核员甲 审核中"):
        flow.move(draft, "approve", b)  # b sees a's claim and cannot act on it
    with pytest.raises(WorkflowError, match="必须填写原因"):
        flow.move(draft, "return", a, "   ")
    assert flow.move(draft, "take_over", b) == "审核中"  # explicit, audited
    assert flow.move(draft, "return", b, "请补充第9项指标的佐证") == "退回修改"
    meta = flow.meta(draft)
    assert meta is not None and meta.reviewer == "审核员乙" and meta.comment == "请补充第9项指标的佐证"

    # The unit resubmits (a new version): the reason of the return shows on it as 上次审核意见.
    second = flow.save_version(_as(example, unit="甲单位", project="项目一"), draft, [], clerk)
    meta2 = flow.meta(second)
    assert meta2 is not None and meta2.status == "已提交" and meta2.version == 2
    assert (meta2.returned_version, meta2.returned_comment) == (1, "请补充第9项指标的佐证")
    assert meta2.number == meta.number == f"2020-{draft:04d}"  # one number across versions
    assert parse_number(meta2.number) == draft
    with pytest.raises(WorkflowError, match="最新版本"):
        flow.move(draft, "approve", a)  # an old version is not reviewed
    assert flow.move(second, "approve", a) == "审核通过"

    # Locked: no edit, no upload of the same project × year, until a reviewer reopens it.
    with pytest.raises(Locked, match="已审核通过并锁定"):
        flow.save_version(_as(example, unit="甲单位", project="项目一"), second, [], clerk)
    doc = DocumentInfo("b" * 64, "项目一自评报告.docx", "/x", "docx", 10, stored=None)
    with pytest.raises(Locked):
        flow.save_new(_as(example, unit="甲单位", project="项目一"), clerk, action="upload", document=doc)
    assert flow.meta(second) is not None and flow.meta(second).is_latest  # type: ignore[union-attr]
    with pytest.raises(WorkflowError, match="必须填写原因"):
        flow.move(second, "reopen", a)
    assert flow.move(second, "reopen", a, "单位申请更正金额") == "审核中"
    third = flow.save_new(_as(example, unit="甲单位", project="项目一"), clerk, action="upload", document=doc)
    assert third is not None
    meta3 = flow.meta(third)
    assert meta3 is not None and meta3.version == 3 and meta3.source == "项目一自评报告.docx"
    assert [v.source for v in meta3.versions] == ["网页填报", "网页填报", "项目一自评报告.docx"]

    steps = [(h.actor, h.field, h.old, h.new) for h in flow.history(third) if h.action == "review"]
    assert steps == [
        ("填报员（clerk）", "审核状态", None, "草稿"),
        ("填报员（clerk）", "审核状态", "草稿", "已提交"),
        ("审核员甲（rev-a）", "审核状态", "已提交", "审核中"),
        ("审核员乙（rev-b）", "审核人", "审核员甲", "审核员乙（rev-b）"),
        ("审核员乙（rev-b）", "审核状态", "审核中", "退回修改"),
        ("审核员乙（rev-b）", "审核意见", None, "请补充第9项指标的佐证"),
        ("审核员甲（rev-a）", "审核状态", "已提交", "审核通过"),
        ("审核员甲（rev-a）", "审核状态", "审核通过", "审核中"),
        ("审核员甲（rev-a）", "审核意见", None, "单位申请更正金额"),
    ]
    assert Browser(db).page(Browse(status="已提交")).total == 1


def test_set_status_keeps_the_old_words(db: Database, example: Evaluation) -> None:
    flow = Workflow(db)
    a, _, _ = _people(db)
    first = flow.save_new(_as(example, unit="乙单位", project="项目"), a, action="create")
    assert first is not None
    flow.set_status(first, "审核通过", None, a)
    with pytest.raises(WorkflowError, match=r"不能改为“(待审核|已提交)”"):
        flow.set_status(first, "待审核", None, a)  # 待审核 is read as 已提交: no step leads there
    with pytest.raises(WorkflowError, match="无效"):
        flow.set_status(first, "随便", None, a)


def test_rounds_show_missing_late_and_progress(db: Database, example: Evaluation) -> None:
    flow = Workflow(db)
    a, _, clerk = _people(db)
    accounts = Accounts(db)
    other = accounts.add_user("clerk2", "h", Role.UNIT, unit="乙单位")
    unit_a, unit_b = accounts.unit_id("甲单位"), other.unit_id
    assert unit_a is not None and unit_b is not None
    rounds = Rounds(db)
    with pytest.raises(RoundError, match="至少选择一个"):
        rounds.open("2020 年度自评", 2020, dt.date(2021, 5, 31), [], a.user_id)
    with pytest.raises(RoundError, match="没有编号为 999999 的单位"):
        rounds.open("2020 年度自评", 2020, dt.date(2021, 5, 31), [(999999, None)], a.user_id)
    round_id = rounds.open(
        "2020 年度自评",
        2020,
        dt.date(2021, 5, 31),
        [(unit_a, "项目一"), (unit_a, None), (unit_b, None)],
        a.user_id,
    )
    one = flow.save_new(_as(example, unit="甲单位", project="项目一"), clerk, action="create")
    two = flow.save_new(_as(example, unit="甲单位", project="项目二"), clerk, action="create", draft=True)
    three = flow.save_new(_as(example, unit="甲单位", project="项目三"), clerk, action="create")
    assert one is not None and two is not None and three is not None
    flow.move(one, "return", a, "请补充")

    before = rounds.progress(round_id, today=dt.date(2021, 5, 1))
    assert before is not None
    rows = {(r.unit, r.project): r for r in before.rows}
    assert rows["甲单位", "项目一"].status == "退回修改" and rows["甲单位", "项目一"].evaluation_id == one
    # The unit's open expectation holds every other evaluation of its year.
    open_rows = [r for r in before.rows if (r.unit, r.project) == ("甲单位", None)]
    assert [(r.evaluation_id, r.status) for r in open_rows] == [(two, "草稿"), (three, "待审核")]
    assert rows["乙单位", None].status == NOT_SUBMITTED and not rows["乙单位", None].late
    # Stored today, long after the deadline of 2021: late.
    assert rows["甲单位", "项目一"].late
    assert dict(before.by_reviewer)["审核员甲"] == {"退回修改": 1}
    assert dict(before.by_unit)["乙单位"] == {NOT_SUBMITTED: 1}

    after = rounds.progress(round_id, today=dt.date(2021, 6, 1))
    assert after is not None
    assert [r.unit for r in after.missing] == ["乙单位"]
    assert [r.late for r in after.rows] == [True, True, True, True]  # stored after 2021, or missing
    assert [r.title for r in rounds.for_unit(unit_b)] == ["2020 年度自评"]
    assert rounds.all()[0].expected == 3


def test_two_reviewers_claiming_at_once_one_wins(db: Database, example: Evaluation) -> None:
    """Both reviewers claim a fresh submission at the same moment: one claim holds, the other is
    told in Chinese (a collided insert of the first review row is not an error page)."""
    flow = Workflow(db)
    a, b, _ = _people(db)
    for n in range(5):
        target = flow.save_new(_as(example, unit="丙单位", project=f"并发{n}"), a, action="create")
        assert target is not None
        barrier = threading.Barrier(2)

        def claim(who: Actor, evaluation_id: int = target, barrier: threading.Barrier = barrier) -> str:
            barrier.wait()
            try:
                return flow.move(evaluation_id, "claim", who)
            except WorkflowError as exc:
                return exc.message

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(claim, (a, b)))
        assert answers.count("审核中") == 1, answers
        assert any("审核中；如需处理" in x or "刚刚处理了" in x for x in answers), answers
        meta = flow.meta(target)
        assert meta is not None and meta.status == "审核中" and meta.reviewer_id in (a.user_id, b.user_id)
