"""The evaluation form's fields ⇄ the Evaluation they stand for (pure, no server)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.authoring.changes import diff
from jixiao.core.model import Evaluation
from jixiao.core.model import Op
from jixiao.core.model import Value
from jixiao.intake.pipeline import extract_file
from jixiao.intake.pipeline import unreadable
from jixiao.schemes import builtin_schemes
from jixiao.services import score_file
from jixiao.web import form_model as fm

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCHEMES = {s.id: s for s in builtin_schemes()}


def _scores(ev: Evaluation) -> tuple[object, ...]:
    return (
        ev.scheme.id,
        ev.scheme.weights,
        ev.budget.execution_rate,
        ev.computed.budget_execution_score,
        ev.computed.total,
        ev.computed.grade,
        tuple((i.name, i.weight, i.claimed_score, i.computed_score, i.explanation) for i in ev.indicators),
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_example_through_the_form_scores_the_same(path: Path) -> None:
    ev = score_file(path)
    draft = fm.build(fm.fields_of(ev), SCHEMES)
    assert draft.errors == {}
    assert _scores(draft.evaluation) == _scores(ev)
    assert draft.evaluation.claimed == ev.claimed
    assert draft.rows == tuple(range(len(ev.indicators)))


@pytest.mark.parametrize(
    "path",
    [*EXAMPLES, ROOT / "tests/data/formats/004_table.xlsx", ROOT / "tests/data/formats/002_report.docx"],
    ids=lambda p: p.name,
)
def test_editing_without_a_change_gives_back_the_same_evaluation(path: Path) -> None:
    """What the form does not show (locations, provenance, budget lines, sub-units, 二级 cells
    side by side with one name, values read from numeric cells) is kept from the edited one."""
    ev = score_file(path) if path.suffix == ".yaml" else extract_file(path)
    assert fm.build(fm.fields_of(ev), SCHEMES, base=ev).evaluation == ev


def _form(**values: str | list[str]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in values.items()}


SIMPLE = _form(
    scheme="mof-2020",
    name="社区服务",
    year="2023",
    planned="12.5万元",
    executed="100,000.00",
    claimed_budget_score="8",
    claimed_total="98",
    ind_key=["", "", ""],
    ind_level1=["产出指标", "产出指标", "满意度指标"],
    ind_level2=["数量指标（20分）", "数量指标（20分）", ""],
    ind_name=["活动场次", "服务次数", "居民满意度"],
    ind_weight=["10", "5", "10"],
    ind_target=["≥12场", "≥200次", "≥90%"],
    ind_actual=["6场", "200次", "95%"],
    ind_claimed_score=["10", "5", "10"],
    ind_deviation_reason=["", "", ""],
)


def test_fields_are_read_with_the_core_parsers() -> None:
    draft = fm.build(fm.fields_from_form(SIMPLE), SCHEMES)
    ev = draft.evaluation
    assert draft.errors == {}
    assert ev.project.name == "社区服务"
    assert ev.project.year == 2023
    assert ev.budget.planned_yuan == Decimal("125000.00")
    assert ev.budget.executed_yuan == Decimal("100000.00")
    assert ev.budget.execution_rate == Decimal("0.8")
    assert ev.computed.budget_execution_score == Decimal(8)
    first = ev.indicators[0]
    assert (first.level1, first.level2, first.level2_weight, first.group) == ("产出指标", "数量指标", 20, 1)
    assert first.target == Value(text="≥12场", op=Op.GE, value=Decimal(12), unit="场")
    assert first.computed_score == Decimal(5)
    assert "6/12" in (first.explanation or "")
    assert ev.indicators[1].group == 1
    assert ev.indicators[2].group is None
    # 二级 “数量指标（20分）” holds 15 points of rows.
    assert any(
        f.code == "WEIGHTS_SUM_MISMATCH" and "数量指标" in f.message and "20" in f.message
        for f in ev.findings
    )
    assert any(f.code == "SCORE_MISMATCH" and f.indicator == 0 for f in ev.findings)


def test_unreadable_fields_get_a_message_and_count_as_empty() -> None:
    form = {
        **SIMPLE,
        "planned": ["很多钱"],
        "year": ["二〇二三"],
        "stated_rate": ["大约"],
        "ind_weight": ["10", "五分", "10"],
    }
    draft = fm.build(fm.fields_from_form(form), SCHEMES)
    assert set(draft.errors) == {"planned", "year", "stated_rate", "rows.1.weight"}
    assert "很多钱" in draft.errors["planned"]
    assert "12.5万元" in draft.errors["planned"]
    assert draft.errors["rows.1.weight"] == "权重“五分”不是数字"
    # The rest is still scored.
    assert draft.evaluation.budget.planned_yuan is None
    assert draft.evaluation.indicators[1].weight is None
    assert draft.evaluation.computed.total is not None
    assert not draft.ok


def test_negative_amounts_and_scores_are_refused() -> None:
    form = {**SIMPLE, "executed": ["-5"], "claimed_total": ["-1"]}
    errors = fm.build(fm.fields_from_form(form), SCHEMES).errors
    assert errors == {"executed": "金额不能为负数", "claimed_total": "自评总分不能为负数"}


def test_required_fields_only_when_asked() -> None:
    form = {**SIMPLE, "name": [""]}
    assert fm.build(fm.fields_from_form(form), SCHEMES).errors == {}
    errors = fm.build(fm.fields_from_form(form), SCHEMES, required=("name", "unit")).errors
    assert errors == {"name": "请填写项目名称", "unit": "请填写预算单位"}


def test_blank_rows_are_skipped_and_a_row_without_a_name_is_an_error() -> None:
    form = {
        **SIMPLE,
        "ind_key": ["", "", ""],
        "ind_level1": ["产出指标", "效益指标", "产出指标"],
        "ind_level2": ["", "", ""],
        "ind_name": ["活动场次", "", ""],
        "ind_weight": ["10", "", "3"],
        "ind_target": ["≥12场", "", ""],
        "ind_actual": ["12场", "", ""],
        "ind_claimed_score": ["10", "", ""],
        "ind_deviation_reason": ["", "", ""],
    }
    draft = fm.build(fm.fields_from_form(form), SCHEMES)
    assert draft.errors == {"rows.2.name": "请填写三级指标名称"}
    assert [i.name for i in draft.evaluation.indicators] == ["活动场次", "（未命名）"]
    assert draft.rows == (0, 2)


def test_uneven_row_lists_are_padded() -> None:
    fields = fm.fields_from_form({"ind_name": ["甲", "乙"], "ind_weight": ["5"]})
    assert [(r.name, r.weight) for r in fields.rows] == [("甲", "5"), ("乙", "")]


def test_typed_weights_are_declared() -> None:
    complete = fm.build(
        fm.fields_from_form({**SIMPLE, "w_budget_execution": ["20"], "w_output": ["40"], "w_effect": ["40"]}),
        SCHEMES,
    ).evaluation.scheme
    assert complete.declared
    w = complete.weights
    assert (w.budget_execution, w.output, w.effect) == (20, 40, 40)
    assert w.satisfaction == 0  # the typed ones make 100
    partial = fm.build(fm.fields_from_form({**SIMPLE, "w_output": ["45"]}), SCHEMES).evaluation.scheme
    assert partial.declared
    assert partial.weights.output == 45
    assert partial.weights.effect == 30  # mof-2020's
    none = fm.build(fm.fields_from_form(SIMPLE), SCHEMES).evaluation.scheme
    assert not none.declared
    assert none.weights == SCHEMES["mof-2020"].weights


def test_an_unknown_scheme_is_an_error_and_the_default_scores() -> None:
    draft = fm.build(fm.fields_from_form({**SIMPLE, "scheme": ["no-such"]}), SCHEMES)
    assert draft.errors == {"scheme": "请选择一个评分方案"}
    assert draft.scheme.id == "mof-2020"


def test_switching_the_scheme_takes_its_weights_unless_declared() -> None:
    base = fm.build(fm.fields_from_form(SIMPLE), SCHEMES).evaluation
    assert not base.scheme.declared
    fields = dataclasses.replace(fm.fields_of(base), scheme="hubei-2019")
    new = fm.build(fields, SCHEMES, base=base).evaluation
    assert new.scheme.id == "hubei-2019"
    assert new.scheme.weights == SCHEMES["hubei-2019"].weights


def test_an_edited_target_is_read_again_an_unchanged_one_kept() -> None:
    ev = extract_file(ROOT / "tests/data/formats/004_table.xlsx")
    # As an importer may read a value from a numeric cell: its text alone would not say so.
    cell = Value(text="全部", op=Op.EQ, value=Decimal(100), unit="%")
    rows = list(ev.indicators)
    rows[1] = rows[1].model_copy(update={"target": cell})
    ev = ev.model_copy(update={"indicators": tuple(rows)})
    fields = fm.fields_of(ev)
    typed = list(fields.rows)
    typed[0] = dataclasses.replace(typed[0], target="≥20个")
    new = fm.build(dataclasses.replace(fields, rows=tuple(typed)), SCHEMES, base=ev).evaluation
    assert new.indicators[0].target == Value(text="≥20个", op=Op.GE, value=Decimal(20), unit="个")
    assert new.indicators[0].location == ev.indicators[0].location
    assert new.indicators[1].target == cell
    typed[1] = dataclasses.replace(typed[1], target="全部 ")  # the same text: still kept
    again = fm.build(dataclasses.replace(fields, rows=tuple(typed)), SCHEMES, base=ev).evaluation
    assert again.indicators[1].target == cell
    typed[1] = dataclasses.replace(typed[1], target="全部完成")
    edited = fm.build(dataclasses.replace(fields, rows=tuple(typed)), SCHEMES, base=ev).evaluation
    assert edited.indicators[1].target == Value(text="全部完成", op=Op.QUALITATIVE)


def test_cells_side_by_side_with_one_name_stay_apart_and_new_rows_join_the_row_above() -> None:
    ev = score_file(ROOT / "examples/002-基层政权和社区建设-2018.yaml")
    assert [i.group for i in ev.indicators[:2]] == [1, 2]  # two 质量指标（10分） cells
    fields = fm.with_row_added(fm.fields_of(ev))
    last = fields.rows[-1]
    assert (last.level1, last.level2, last.name) == ("效益指标", "社会效益指标（8分）", "")
    rows = (*fields.rows[:-1], dataclasses.replace(last, name="新增指标", weight="1"))
    new = fm.build(dataclasses.replace(fields, rows=rows), SCHEMES, base=ev).evaluation
    assert [i.group for i in new.indicators[:2]] == [1, 2]
    assert new.indicators[-1].group == new.indicators[-2].group


def test_rows_are_added_and_removed() -> None:
    fields = fm.fields_from_form(SIMPLE)
    assert len(fm.with_row_added(fields).rows) == 4
    removed = fm.without_row(fields, 1)
    assert [r.name for r in removed.rows] == ["活动场次", "居民满意度"]
    assert fm.without_row(fields, 7) == fields
    full = dataclasses.replace(fields, rows=(fm.RowFields(),) * fm.MAX_ROWS)
    assert fm.with_row_added(full) == full


def test_a_blank_form_has_one_row_per_level1_label() -> None:
    fields = fm.blank_form(year=2024)
    assert fields.year == "2024"
    assert [r.level1 for r in fields.rows] == list(fm.LEVEL1_LABELS)
    assert fm.build(fields, SCHEMES).evaluation.indicators == ()


def test_cost_is_offered_only_under_a_scheme_that_weighs_it() -> None:
    assert fm.COST_LABEL in fm.level1_choices(SCHEMES["mof-2021"])
    assert fm.COST_LABEL not in fm.level1_choices(SCHEMES["mof-2020"])


def test_typing_content_into_an_unreadable_document_drops_its_unreadable_finding(tmp_path: Path) -> None:
    base = unreadable(tmp_path / "扫描件.pdf", "PDF 没有文字层（可能是扫描件）")
    untouched = fm.build(fm.fields_of(base), SCHEMES, base=base).evaluation
    assert [f.code for f in untouched.findings if f.code == "UNREADABLE_DOCUMENT"] == ["UNREADABLE_DOCUMENT"]
    fields = dataclasses.replace(fm.fields_of(base), planned="10万元", executed="10万元")
    typed = fm.build(fields, SCHEMES, base=base).evaluation
    assert all(f.code != "UNREADABLE_DOCUMENT" for f in typed.findings)
    assert typed.source == base.source


def test_what_a_browser_does_to_whitespace_is_no_edit() -> None:
    """A text input's value loses its line breaks; a textarea comes back with CRLF."""
    ev = score_file(ROOT / "examples/004-社会保障专项-2020.yaml")
    rows = list(ev.indicators)
    rows[0] = rows[0].model_copy(update={"name": "办公用房、活动室的\n建设和维修社区数量"})
    ev = ev.model_copy(
        update={
            "indicators": tuple(rows),
            "objectives": ev.objectives.model_copy(update={"planned": "甲\n乙"}),
        }
    )
    fields = fm.fields_of(ev)
    typed = list(fields.rows)
    typed[0] = dataclasses.replace(typed[0], name=typed[0].name.replace("\n", ""))
    posted = {
        "objectives_planned": ["甲\r\n乙"],
        **{name: [getattr(fields, name)] for name in fm.SCALAR_FIELDS if name != "objectives_planned"},
        **{f"ind_{name}": [getattr(r, name) for r in typed] for name in fm.ROW_FIELDS},
    }
    again = fm.build(fm.fields_from_form(posted), SCHEMES, base=ev).evaluation
    assert again.indicators[0].name == "办公用房、活动室的\n建设和维修社区数量"
    assert again.objectives.planned == "甲\n乙"
    assert diff(ev, again) == []
    renamed = dataclasses.replace(typed[0], name="办公用房维修社区数量")
    changed = fm.build(dataclasses.replace(fields, rows=(renamed, *typed[1:])), SCHEMES, base=ev).evaluation
    assert changed.indicators[0].name == "办公用房维修社区数量"


def test_a_scans_marks_stay_with_the_facts_the_form_leaves_as_they_were() -> None:
    from jixiao.core.model import ScanMark

    ev = extract_file(ROOT / "tests/data/formats/002_report.docx")
    assert len(ev.indicators) >= 3 and ev.claimed.total is not None and ev.budget.planned_yuan is not None

    def mark(confidence: str) -> ScanMark:
        return ScanMark(page=1, box=(10, 20, 30, 40), width=100, height=200, confidence=Decimal(confidence))

    marks = {
        "claimed.total": mark("0.95"),
        "budget.planned_yuan": mark("0.96"),
        "indicators.0.weight": mark("0.97"),
        "indicators.2.target": mark("0.98"),
        "indicators.2.claimed_score": mark("0.99"),
    }
    ev = ev.model_copy(update={"scanned": marks})
    # opened and saved unchanged: every mark stays
    assert fm.build(fm.fields_of(ev), SCHEMES, base=ev).evaluation.scanned == marks
    # the first row deleted and the total typed anew: the total was not read, row 3 is now row 2
    fields = fm.fields_of(ev)
    changed = dataclasses.replace(fields, rows=fields.rows[1:], claimed_total=str(ev.claimed.total + 1))
    kept = fm.build(changed, SCHEMES, base=ev).evaluation.scanned
    assert kept == {
        "budget.planned_yuan": marks["budget.planned_yuan"],
        "indicators.1.target": marks["indicators.2.target"],
        "indicators.1.claimed_score": marks["indicators.2.claimed_score"],
    }
