"""The 部门整体 kind: in the contract JSON, and the project-only checks not raised on it."""

from __future__ import annotations

from builders import evaluation
from builders import row
from jixiao.core.checks import CATALOGUE
from jixiao.core.checks import PROJECT_ONLY
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Kind
from jixiao.schemes import load_scheme

PROJECT_CHECKS = {"UNVERIFIABLE_TOTAL", "NO_INDICATOR_TABLE", "NO_SATISFACTION_INDICATOR", "INPUT_AS_OUTPUT"}


def codes(ev: Evaluation) -> set[str]:
    return {f.code for f in evaluate(ev, load_scheme(ev.scheme.id)).findings}


def test_kind_is_in_the_contract_json_and_defaults_to_project() -> None:
    ev = evaluation()
    assert ev.kind is Kind.PROJECT
    assert '"kind": "project"' in ev.to_json()
    department = ev.model_copy(update={"kind": Kind.DEPARTMENT})
    back = Evaluation.from_json(department.to_json())
    assert back.kind is Kind.DEPARTMENT and back == department
    # a contract JSON written before the field existed reads as a project
    assert Evaluation.from_json('{"schema": "jixiao.evaluation/1"}').kind is Kind.PROJECT


def test_project_only_checks_are_not_raised_on_a_department() -> None:
    # A total without item scores, no satisfaction indicator, and a money-measured quantity
    # target (a 三公经费 control indicator in a department's table) …
    money = evaluation(
        row("≤12万元", "10.5万元", name="“三公经费”支出", level2="数量指标", weight=10),
        planned=1000000,
        executed=990000,
        total=95,
        grade="优",
    )
    # … and no row with a weight, a target and an actual.
    no_table = evaluation(row("≥100", "100", weight=None), total=95, grade="优")
    for ev, expected in (
        (money, {"UNVERIFIABLE_TOTAL", "NO_SATISFACTION_INDICATOR", "INPUT_AS_OUTPUT"}),
        (no_table, {"NO_INDICATOR_TABLE"}),
    ):
        assert expected <= codes(ev)
        department = ev.model_copy(update={"kind": Kind.DEPARTMENT})
        assert not PROJECT_CHECKS & codes(department)


def test_department_checks_still_run() -> None:
    ev = evaluation(
        row("≥100", "100", weight=90, claimed=90, level1="产出指标"),
        planned=1000000,
        executed=800000,
        stated_rate="0.95",
        budget_score=10,
        total=97,
        grade="良",
    ).model_copy(update={"kind": Kind.DEPARTMENT})
    found = codes(ev)
    assert {"BUDGET_RATE_MISMATCH", "BUDGET_SCORE_MISMATCH", "TOTAL_MISMATCH", "GRADE_MISMATCH"} <= found


def test_the_catalogue_says_which_checks_a_department_skips() -> None:
    skipped = {c.code for c in CATALOGUE if Kind.DEPARTMENT not in c.kinds}
    assert skipped == PROJECT_CHECKS
    for check in CATALOGUE:
        assert ("部门整体支出自评不作此项检查" in check.description) == (check.kinds == PROJECT_ONLY)
