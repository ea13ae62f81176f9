"""The checks of a project's year: each fires on a generated case built to fail it, and stays
silent on the same case put right (so none of them can pass by never firing)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from builders import evaluation
from builders import row
from export.strategies import evaluations
from jixiao.core.checks import BY_CODE
from jixiao.core.checks import CATALOGUE
from jixiao.core.checks.year import YEAR_CATALOGUE
from jixiao.core.checks.year import same_target
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Period
from jixiao.core.values import parse_value
from jixiao.core.year import check_declaration
from jixiao.core.year import check_monitoring
from jixiao.core.year import link_year
from jixiao.schemes import load_scheme

PROJECT = Project(name="测试项目", year=2024, unit="测试单位")


def declared(
    name: str, target: str | None, weight: int | None = 10, level1: str = "产出指标", level2: str = "数量指标"
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        weight=None if weight is None else Decimal(weight),
        target=parse_value(target),
    )


def good_declaration(*extra: Indicator, scheme: str = "mof-2020") -> Declaration:
    """A declaration under mof-2020 that passes every declaration check (90 points of indicators)."""
    rows = (
        declared("培训人次", "≥100人次", 30),
        declared("培训合格率", "≥95%", 20, level2="质量指标"),
        declared("受益群众人数", "≥500人", 30, level1="效益指标", level2="社会效益指标"),
        declared("参训人员满意度", "≥90%", 10, level1="满意度指标", level2="服务对象满意度指标"),
        *extra,
    )
    return Declaration(
        project=PROJECT, objective="完成年度培训任务", scheme=SchemeRef(id=scheme), indicators=rows
    )


def codes(findings: object) -> list[str]:
    return [f.code for f in findings]  # type: ignore[attr-defined]


# -- the catalogue -------------------------------------------------------------------------------


def test_year_codes_are_unique_and_known() -> None:
    all_codes = [c.code for c in CATALOGUE + YEAR_CATALOGUE]
    assert len(all_codes) == len(set(all_codes))
    for check in YEAR_CATALOGUE:
        assert BY_CODE[check.code] is check
        assert check.title and check.description and check.template


# -- declaration ---------------------------------------------------------------------------------


def test_a_good_declaration_has_no_findings() -> None:
    assert codes(check_declaration(good_declaration(), load_scheme("mof-2020")).findings) == []


def test_declaration_checks_fire() -> None:
    scheme = load_scheme("mof-2020")
    dec = Declaration(project=PROJECT)
    assert codes(check_declaration(dec, scheme).findings) == [
        "DECLARATION_NO_INDICATORS",
        "DECLARATION_OBJECTIVE_MISSING",
    ]
    vague = good_declaration(declared("群众反映", "效果显著", 0))
    found = check_declaration(vague, scheme).findings
    assert codes(found) == ["DECLARED_TARGET_NOT_MEASURABLE"]
    assert "效果显著" in found[0].message
    yes_no = good_declaration(declared("是否按期完工", "是", 0))
    assert codes(check_declaration(yes_no, scheme).findings) == []
    unweighted = good_declaration(declared("培训场次", "≥4场", None))
    assert codes(check_declaration(unweighted, scheme).findings) == ["DECLARED_WEIGHT_MISSING"]
    heavy = good_declaration(declared("培训场次", "≥4场", 5))
    found = check_declaration(heavy, scheme).findings
    assert codes(found) == ["DECLARED_WEIGHTS_SUM_MISMATCH"]
    assert "95" in found[0].message and "90" in found[0].message


def test_a_missing_level1_group_and_a_missing_cost_indicator() -> None:
    dec = good_declaration()
    no_effect = dec.model_copy(
        update={"indicators": tuple(i for i in dec.indicators if i.level1 != "效益指标")}
    )
    found = check_declaration(no_effect, load_scheme("mof-2020")).findings
    assert "DECLARED_GROUP_MISSING" in codes(found)
    assert any("效益指标" in f.message for f in found)
    # mof-2021 asks for a cost indicator (20 points): absent, it is flagged; present, not.
    costless = good_declaration(scheme="mof-2021")
    assert "DECLARED_COST_MISSING" in codes(check_declaration(costless, load_scheme("mof-2021")).findings)
    costed = good_declaration(
        declared("人均培训成本", "≤300元", 0, level1="成本指标", level2="经济成本指标"), scheme="mof-2021"
    )
    assert "DECLARED_COST_MISSING" not in codes(check_declaration(costed, load_scheme("mof-2021")).findings)


def test_check_declaration_is_idempotent_and_keeps_importer_findings() -> None:
    scheme = load_scheme("mof-2020")
    extracted = BY_CODE["EXTRACTION_INCOMPLETE"].finding(location="表1", part="表1", reason="列无法识别")
    dec = Declaration(project=PROJECT, findings=(extracted,))
    once = check_declaration(dec, scheme)
    assert check_declaration(once, scheme) == once
    assert "EXTRACTION_INCOMPLETE" in codes(once.findings)


# -- monitoring ----------------------------------------------------------------------------------


def watched(
    name: str = "培训人次",
    target: str = "≥100人次",
    to_date: str | None = "60人次",
    expected: str | None = "100人次",
    likelihood: Likelihood | None = Likelihood.CERTAIN,
    **kw: object,
) -> MonitoredIndicator:
    return MonitoredIndicator(
        name=name,
        target=parse_value(target),
        to_date=parse_value(to_date),
        expected=parse_value(expected),
        likelihood=likelihood,
        **kw,  # type: ignore[arg-type]
    )


def monitored(*rows: MonitoredIndicator, executed: str = "300000", last_month: int = 7) -> Monitoring:
    return Monitoring(
        project=PROJECT,
        period=Period(last_month=last_month),
        planned_yuan=Decimal(500000),
        executed_yuan=Decimal(executed),
        indicators=rows or (watched(),),
    )


def test_a_healthy_monitoring_record_has_no_warnings() -> None:
    mon = check_monitoring(monitored(), good_declaration())
    assert codes(mon.findings) == []
    assert mon.execution_rate == Decimal("0.6")


def test_execution_far_behind_the_calendar() -> None:
    # 1–7月 is 58.33% of the year: 38.33% spent is just inside, 38% is behind.
    assert codes(check_monitoring(monitored(executed="191700")).findings) == []
    found = check_monitoring(monitored(executed="190000")).findings
    assert codes(found) == ["MONITORING_EXECUTION_BEHIND"]
    assert "38.00%" in found[0].message and "58.33%" in found[0].message
    # The same spending at the end of March is on time.
    assert codes(check_monitoring(monitored(executed="50000", last_month=3)).findings) == []


def test_impossible_needs_a_reason() -> None:
    bare = watched(likelihood=Likelihood.IMPOSSIBLE)
    assert codes(check_monitoring(monitored(bare)).findings) == ["MONITORING_IMPOSSIBLE_UNEXPLAINED"]
    other_only = watched(likelihood=Likelihood.IMPOSSIBLE, cause=DeviationCause.OTHER)
    assert codes(check_monitoring(monitored(other_only)).findings) == ["MONITORING_IMPOSSIBLE_UNEXPLAINED"]
    explained = watched(
        likelihood=Likelihood.IMPOSSIBLE, cause=DeviationCause.FUNDING, cause_text="资金未到位"
    )
    assert codes(check_monitoring(monitored(explained)).findings) == []


@pytest.mark.parametrize(
    ("target", "to_date", "expected", "fires"),
    [
        ("≤30万元", "35万元", None, True),  # a cap already passed by July
        ("≤30万元", "250000元", None, False),  # under the cap, in another scale
        ("≤30万元", "20万元", "32万元", True),  # the full-year expectation passes the cap
        ("≥100人次", "40人次", "80人次", True),  # the full-year expectation falls short
        ("≥100人次", "40人次", "1万人次", False),
        ("≥100人次", "40人次", None, False),  # half a year behind says nothing by itself
        ("≥95%", "80%", "95%", False),
        ("25~30人", "10人", "35人", True),  # past a range's top
        ("≤5%", "6%", None, False),  # a rate above its cap in July may still come down
        ("≤30天", "35天", None, False),  # so may an average duration
        ("≤3起", "4起", None, True),  # a count only grows
    ],
)
def test_target_unreachable(target: str, to_date: str, expected: str | None, fires: bool) -> None:
    mon = monitored(watched(target=target, to_date=to_date, expected=expected, likelihood=None))
    assert ("MONITORING_TARGET_UNREACHABLE" in codes(check_monitoring(mon).findings)) is fires


def test_monitoring_target_changed_from_the_declaration() -> None:
    changed = monitored(watched(target="≥80人次", expected="90人次"))
    found = check_monitoring(changed, good_declaration()).findings
    assert codes(found) == ["MONITORING_TARGET_CHANGED"]
    assert "≥80人次" in found[0].message and "≥100人次" in found[0].message
    assert codes(check_monitoring(changed).findings) == []  # no declaration stored: nothing to compare


# -- year-end link -------------------------------------------------------------------------------


def test_the_declared_targets_kept_give_no_link_findings() -> None:
    ev = evaluation(
        row("≥100人次", "120人次", weight=30, name="培训人次"),
        row("≥95%", "98%", weight=20, name="培训合格率", level2="质量指标"),
        row("≥500人", "520人", weight=30, name="受益群众人数", level1="效益指标", level2="社会效益指标"),
        row(
            "≥90%", "93%", weight=10, name="参训人员满意度", level1="满意度指标", level2="服务对象满意度指标"
        ),
    )
    link = link_year(ev, good_declaration())
    assert codes(link.findings) == []
    assert [m.evaluated for m in link.matches] == [0, 1, 2, 3]


def test_target_changed_from_declaration_shows_both() -> None:
    ev = evaluation(row("≥80人次", "90人次", weight=30, name="培训人次"))
    link = link_year(ev, good_declaration())
    changed = [f for f in link.findings if f.code == "TARGET_CHANGED_FROM_DECLARATION"]
    assert len(changed) == 1
    assert "≥80人次" in changed[0].message and "≥100人次" in changed[0].message
    assert changed[0].indicator == 0
    # The same target written another way is not a change.
    same = evaluation(row("100人次以上", "120人次", weight=30, name="培训人次"))
    assert "TARGET_CHANGED_FROM_DECLARATION" not in codes(link_year(same, good_declaration()).findings)


def test_missing_and_added_indicators_and_the_override() -> None:
    ev = evaluation(
        row("≥100人次", "120人次", weight=30, name="培训人次"),
        row("≥4场", "5场", weight=20, name="宣传活动场次"),
    )
    link = link_year(ev, good_declaration())
    found = codes(link.findings)
    assert found.count("DECLARED_INDICATOR_MISSING") == 3
    assert found.count("INDICATOR_ADDED_AFTER_DECLARATION") == 1
    assert link.added == (1,)
    fixed = link_year(ev, good_declaration(), overrides={"宣传活动场次": "培训合格率"})
    assert codes(fixed.findings).count("DECLARED_INDICATOR_MISSING") == 2
    assert "INDICATOR_ADDED_AFTER_DECLARATION" not in codes(fixed.findings)
    assert "TARGET_CHANGED_FROM_DECLARATION" in codes(fixed.findings)  # ≥4场 is not ≥95%


def test_weight_changed_from_declaration() -> None:
    ev = evaluation(row("≥100人次", "120人次", weight=25, name="培训人次"))
    found = [
        f for f in link_year(ev, good_declaration()).findings if f.code == "WEIGHT_CHANGED_FROM_DECLARATION"
    ]
    assert len(found) == 1 and "25" in found[0].message and "30" in found[0].message


def test_claim_contradicting_monitoring_needs_an_explanation() -> None:
    mon = monitored(
        watched(likelihood=Likelihood.IMPOSSIBLE, cause=DeviationCause.FUNDING, expected="60人次")
    )
    met = evaluation(row("≥100人次", "100人次", weight=30, name="培训人次"))
    found = [
        f
        for f in link_year(met, good_declaration(), mon).findings
        if f.code == "CLAIM_CONTRADICTS_MONITORING"
    ]
    assert len(found) == 1 and "完全不可能" in found[0].message
    explained = evaluation(
        row("≥100人次", "100人次", weight=30, name="培训人次", reason="下半年追加资金后完成")
    )
    assert "CLAIM_CONTRADICTS_MONITORING" not in codes(link_year(explained, good_declaration(), mon).findings)
    in_problems = evaluation(
        row("≥100人次", "100人次", weight=30, name="培训人次"), problems="培训人次上半年滞后，下半年补齐"
    )
    assert "CLAIM_CONTRADICTS_MONITORING" not in codes(
        link_year(in_problems, good_declaration(), mon).findings
    )
    missed = evaluation(row("≥100人次", "70人次", weight=30, name="培训人次"))
    assert "CLAIM_CONTRADICTS_MONITORING" not in codes(link_year(missed, good_declaration(), mon).findings)
    # A monitoring record that expected the target met raises nothing.
    fine = monitored(watched())
    assert "CLAIM_CONTRADICTS_MONITORING" not in codes(link_year(met, good_declaration(), fine).findings)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("≥100人次", "100人次以上", True),
        ("100%", "≥100%", True),
        ("1.2万元", "12000元", True),
        ("≤30天", "≥30天", False),
        ("≥95%", "≥90%", False),
        ("25~30人", "25-30人", True),
        ("25~30人", "25~35人", False),
        ("效果明显", "效果明显。", True),
        ("效果明显", "≥1项", False),
    ],
)
def test_same_target(a: str, b: str, same: bool) -> None:
    va, vb = parse_value(a), parse_value(b)
    assert va is not None and vb is not None
    assert same_target(va, vb) is same


def test_monitored_rows_are_matched_to_the_declared_ones_through_rewording() -> None:
    reworded = monitored(watched(name="1.培训人次（人次）", target="≥80人次", expected="90人次"))
    assert codes(check_monitoring(reworded, good_declaration()).findings) == ["MONITORING_TARGET_CHANGED"]
    mon = monitored(
        watched(name="培训人次（人次）", likelihood=Likelihood.IMPOSSIBLE, cause=DeviationCause.STAFF)
    )
    met = evaluation(row("≥100人次", "100人次", weight=30, name="培训人次"))
    assert "CLAIM_CONTRADICTS_MONITORING" in codes(link_year(met, good_declaration(), mon).findings)


def test_rows_without_level1_names_tell_no_missing_group() -> None:
    bare = tuple(i.model_copy(update={"level1": None}) for i in good_declaration().indicators)
    dec = good_declaration().model_copy(update={"indicators": bare})
    found = codes(check_declaration(dec, load_scheme("mof-2021")).findings)
    assert "DECLARED_GROUP_MISSING" not in found and "DECLARED_COST_MISSING" not in found


def test_the_link_names_the_monitored_row_of_each_declared_indicator() -> None:
    mon = monitored(watched(name="培训人次（人次）"))
    link = link_year(
        evaluation(row("≥100人次", "120人次", weight=30, name="培训人次")), good_declaration(), mon
    )
    assert link.monitored[0] is mon.indicators[0]
    assert set(link.monitored) == {0}


def test_a_cap_passed_by_july_contradicts_a_year_end_within_it() -> None:
    cost = declared("项目成本", "≤30万元", 10, level1="成本指标", level2="经济成本指标")
    dec = good_declaration(cost)
    mon = monitored(
        watched(name="项目成本", target="≤30万元", to_date="35万元", expected=None, likelihood=None)
    )
    claimed = evaluation(row("≤30万元", "28万元", weight=10, name="项目成本", level1="成本指标"))
    found = [f for f in link_year(claimed, dec, mon).findings if f.code == "CLAIM_CONTRADICTS_MONITORING"]
    assert len(found) == 1 and "35万元" in found[0].message
    honest = evaluation(row("≤30万元", "36万元", weight=10, name="项目成本", level1="成本指标"))
    assert "CLAIM_CONTRADICTS_MONITORING" not in codes(link_year(honest, dec, mon).findings)


@settings(max_examples=60, deadline=None)
@given(evaluations(), evaluations(), st.sampled_from(list(Likelihood)), st.integers(1, 12))
def test_the_year_checks_never_raise(
    ev: Evaluation, other: Evaluation, likelihood: Likelihood, month: int
) -> None:
    """Any evaluation's rows as a declaration, another's as the monitoring record: every check
    runs, and the link pairs each row once."""
    dec = Declaration(project=ev.project, indicators=ev.indicators, objective=ev.objectives.planned)
    rows = tuple(
        MonitoredIndicator(
            name=ind.name,
            level2=ind.level2,
            target=ind.target,
            to_date=ind.actual,
            expected=ind.actual,
            likelihood=likelihood,
        )
        for ind in other.indicators
    )
    mon = check_monitoring(
        Monitoring(project=ev.project, period=Period(last_month=month), indicators=rows), dec
    )
    assert all(f.code in BY_CODE for f in mon.findings)
    checked = check_declaration(dec, load_scheme("mof-2021"))
    assert all(f.code in BY_CODE for f in checked.findings)
    link = link_year(other, dec, mon)
    assert sorted(m.evaluated for m in link.matches if m.evaluated is not None) == list(
        range(len(other.indicators))
    )
    assert all(f.code in BY_CODE for f in link.findings)
