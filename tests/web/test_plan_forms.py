"""The declaration and monitoring forms (web/plan_forms.py): typed fields → records and back."""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.model import Finding
from jixiao.core.model import Severity
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.services import schemes_offered
from jixiao.web import plan_forms as pf


def _declared() -> pf.PlanFields:
    return pf.PlanFields(
        name="校园安全设施改造",
        unit="某市教育局",
        year="2025",
        planned="50万元",
        fiscal="40万元",
        other="10万元",
        objective="完成10所学校的安全设施改造",
        rows=(
            pf.PlanRow(
                level1="产出指标", level2="数量指标（20分）", name="改造学校数", weight="20", target="≥10所"
            ),
            pf.PlanRow(
                level1="效益指标", level2="社会效益指标", name="安全事故发生率", weight="10", target="≤1%"
            ),
            pf.PlanRow(level1="满意度指标"),  # blank: not counted
        ),
    )


def test_a_declaration_reads_amounts_targets_and_levels() -> None:
    draft = pf.build_declaration(_declared(), schemes_offered(), required=("name", "year"))
    assert draft.ok, draft.errors
    d = draft.record
    assert d.planned_yuan == Decimal("500000.00") and d.fiscal_yuan == Decimal("400000.00")
    assert d.project.year == 2025 and d.project.unit == "某市教育局"
    assert [i.name for i in d.indicators] == ["改造学校数", "安全事故发生率"]
    first = d.indicators[0]
    assert first.level2 == "数量指标" and first.level2_weight == Decimal(20) and first.weight == Decimal(20)
    assert first.target is not None and first.target.value == Decimal(10) and first.target.op == ">="
    assert draft.rows == (0, 1)


def test_a_declaration_names_what_it_cannot_read() -> None:
    fields = pf.PlanFields(
        year="二〇二五",
        planned="很多",
        rows=(
            pf.PlanRow(level1="产出指标", name="改造学校数", weight="二十"),
            pf.PlanRow(name="", target="5所"),
        ),
    )
    draft = pf.build_declaration(fields, schemes_offered(), required=("name",))
    assert set(draft.errors) == {"name", "year", "planned", "rows.0.weight", "rows.0.target", "rows.1.name"}
    assert "年度" in draft.errors["year"] and "金额" in draft.errors["planned"]


def test_a_declaration_shown_and_read_back_is_the_same() -> None:
    d = pf.build_declaration(_declared(), schemes_offered()).record
    again = pf.build_declaration(pf.fields_of_declaration(d), schemes_offered(), base=d).record
    assert again == d


def test_a_monitoring_form_starts_from_the_declared_targets() -> None:
    d = pf.build_declaration(_declared(), schemes_offered()).record
    fields = pf.monitoring_from_declaration(d)
    assert [(r.name, r.target) for r in fields.rows] == [("改造学校数", "≥10所"), ("安全事故发生率", "≤1%")]
    assert fields.planned == "500,000.00" and fields.last_month == "7"
    rows = (
        fields.rows[0].__class__(
            **{
                **_asdict(fields.rows[0]),
                "to_date": "3所",
                "expected": "6所",
                "cause": "经费保障",
                "cause_text": "资金下达晚",
                "likelihood": "完全不可能",
            }
        ),
        fields.rows[1],
    )
    typed = pf.PlanFields(**{**_asdict(fields), "executed": "10万元", "rows": rows})
    draft = pf.build_monitoring(typed)
    assert draft.ok, draft.errors
    m = draft.record
    assert m.period.label == "1—7月"
    assert m.execution_rate == Decimal("0.2") and m.time_elapsed is not None
    assert m.time_elapsed.quantize(Decimal("0.0001")) == Decimal("0.5833")
    row = m.indicators[0]
    assert row.cause is DeviationCause.FUNDING and row.likelihood is Likelihood.IMPOSSIBLE
    assert row.to_date is not None and row.to_date.value == Decimal(3)
    assert pf.build_monitoring(pf.fields_of_monitoring(m), base=m).record == m


def test_a_monitoring_form_refuses_a_period_backwards_and_an_unknown_choice() -> None:
    fields = pf.PlanFields(
        first_month="8",
        last_month="7",
        rows=(pf.PlanRow(name="改造学校数", target="10所", likelihood="大概"),),
    )
    draft = pf.build_monitoring(fields)
    assert "last_month" in draft.errors and "rows.0.likelihood" in draft.errors
    assert "确定能" in draft.errors["rows.0.likelihood"]


def _asdict(obj: object) -> dict[str, object]:
    import dataclasses

    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}  # type: ignore[arg-type]


def test_an_edit_keeps_an_importers_note_and_the_rows_place() -> None:
    d = pf.build_declaration(_declared(), schemes_offered()).record
    note = Finding(code="EXTRACTION_INCOMPLETE", severity=Severity.INFO, message="第2页未能读取")
    first = d.indicators[0].model_copy(update={"location": "表1第3行"})
    imported = d.model_copy(update={"findings": (note,), "indicators": (first, *d.indicators[1:])})
    fields = pf.fields_of_declaration(imported)
    rows = (pf.PlanRow(**{**_asdict(fields.rows[0]), "target": "≥12所"}), *fields.rows[1:])
    edited = pf.build_declaration(
        pf.PlanFields(**{**_asdict(fields), "rows": rows}), schemes_offered(), base=imported
    )
    assert edited.record.findings == (note,)
    assert edited.record.indicators[0].location == "表1第3行"
    assert (
        edited.record.indicators[0].target is not None and edited.record.indicators[0].target.text == "≥12所"
    )
