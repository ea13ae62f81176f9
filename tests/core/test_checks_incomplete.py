"""Checks that add up or compare parts of the indicator table stand down when the extraction says
it could not read the table whole (or one target's figure), instead of reporting what the missing
part would settle."""

from __future__ import annotations

from builders import evaluation
from builders import row
from jixiao.core.checks.catalogue import ROWS_INCOMPLETE
from jixiao.core.checks.catalogue import TARGET_UNREAD
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Op
from jixiao.core.model import Value
from jixiao.schemes import load_scheme


def _codes(ev: Evaluation) -> set[str]:
    return {f.code for f in evaluate(ev, load_scheme("mof-2020")).findings}


def _partial_table(provenance: dict[str, str]) -> Evaluation:
    # Two of the table's rows were read: 20 + 10 of the 90 points, no satisfaction row, and a
    # total of 95 that the two rows and the budget score cannot make.
    ev = evaluation(
        row("≥100人", "120人", weight=20, claimed=20, name="培训人次"),
        row("≥90%", "95%", weight=10, claimed=10, name="合格率", level2="质量指标"),
        planned=100,
        executed=100,
        budget_score=10,
        total=95,
    )
    return ev.model_copy(update={"provenance": provenance})


def test_sum_checks_fire_on_a_table_read_whole() -> None:
    found = _codes(_partial_table({}))
    assert {"WEIGHTS_SUM_MISMATCH", "TOTAL_MISMATCH", "NO_SATISFACTION_INDICATOR"} <= found


def test_sum_checks_stand_down_when_rows_were_not_read() -> None:
    found = _codes(_partial_table({ROWS_INCOMPLETE: "第9行"}))
    assert (
        not {"WEIGHTS_SUM_MISMATCH", "TOTAL_MISMATCH", "TOTAL_NOT_ATTAINABLE", "NO_SATISFACTION_INDICATOR"}
        & found
    )


def test_scheme_weights_that_miss_100_are_still_reported_with_rows_missing() -> None:
    # The level-1 weights are the scheme's (or the document's header), not a sum of rows.
    ev = _partial_table({ROWS_INCOMPLETE: "第9行"})
    ev = ev.model_copy(
        update={
            "scheme": ev.scheme.model_copy(
                update={"weights": ev.scheme.weights.model_copy(update={"output": 60})}
            )
        }
    )
    assert "WEIGHTS_SUM_MISMATCH" in _codes(ev)


def test_a_target_figure_left_unread_is_not_called_unmeasurable() -> None:
    unread = row("≥95%", "100%", weight=10, claimed=9, name="资金拨付及时率")
    unread = unread.model_copy(update={"target": Value(text="295%", op=Op.QUALITATIVE)})
    vague = row(
        "明显提升",
        "有所提升",
        weight=10,
        claimed=8,
        name="群众获得感",
        level1="效益指标",
        level2="社会效益指标",
    )
    ev = evaluation(unread, vague)
    findings = evaluate(
        ev.model_copy(update={"provenance": {f"{TARGET_UNREAD}0": "第4行"}}), load_scheme("mof-2020")
    )
    named = [f.message for f in findings.findings if f.code == "TARGET_NOT_QUANTIFIED"]
    assert len(named) == 1 and "群众获得感" in named[0]
    # Without the extraction's word, the same text is an unmeasurable target.
    plain = evaluate(ev, load_scheme("mof-2020"))
    assert len([f for f in plain.findings if f.code == "TARGET_NOT_QUANTIFIED"]) == 2
