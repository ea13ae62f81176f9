"""The declaration and monitoring records: exact JSON round trips and the computed rates."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Period
from jixiao.core.plan import Stage
from jixiao.core.values import parse_value
from jixiao.core.year import check_monitoring
from jixiao.errors import explain_text


def test_declaration_round_trips_exactly() -> None:
    dec = Declaration(
        project=Project(name="农村道路养护", year=2025, unit="某县交通运输局"),
        planned_yuan=Decimal("1234567.89"),
        objective="完成农村道路养护120公里",
        indicators=(
            Indicator(
                level1="产出指标",
                level2="数量指标",
                name="养护里程",
                weight=Decimal(20),
                target=parse_value("≥120公里"),
            ),
        ),
    )
    text = dec.to_json()
    assert '"schema": "jixiao.declaration/1"' in text
    back = Declaration.from_json(text)
    assert back == dec
    assert back.planned_yuan == Decimal("1234567.89")


def test_monitoring_rates_and_round_trip() -> None:
    mon = Monitoring(
        planned_yuan=Decimal(800000),
        executed_yuan=Decimal(200000),
        indicators=(
            MonitoredIndicator(
                name="养护里程",
                target=parse_value("≥120公里"),
                to_date=parse_value("40公里"),
                cause=DeviationCause.FUNDING,
                likelihood=Likelihood.POSSIBLE,
            ),
        ),
    ).with_rates()
    assert mon.execution_rate == Decimal("0.25")
    assert mon.time_elapsed == Decimal("0.5833")
    assert Monitoring.from_json(mon.to_json()) == mon
    assert mon.to_dict()["schema"] == "jixiao.monitoring/1"


def test_stated_rate_kept_when_amounts_missing() -> None:
    mon = Monitoring(stated_rate=Decimal("0.4"), period=Period(last_month=6)).with_rates()
    assert mon.execution_rate == Decimal("0.4")
    assert mon.time_elapsed == Decimal("0.5")
    assert mon.period.label == "1—6月"


def test_explained_needs_words_or_a_specific_cause() -> None:
    assert not MonitoredIndicator(name="x").explained
    assert not MonitoredIndicator(name="x", cause=DeviationCause.OTHER).explained
    assert MonitoredIndicator(name="x", cause=DeviationCause.STAFF).explained
    assert MonitoredIndicator(name="x", cause_text="资金未到位").explained
    assert Stage.MONITORED.label == "执行监控"


def test_the_contract_examples_are_valid_records() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "contract.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    dec = Declaration.model_validate_json(next(b for b in blocks if "jixiao.declaration/1" in b))
    assert dec.indicators[0].target is not None and dec.indicators[0].target.value == 120
    mon = Monitoring.model_validate_json(next(b for b in blocks if "jixiao.monitoring/1" in b))
    assert check_monitoring(mon).findings == mon.findings  # the example shows what the checks give


def test_a_period_runs_forwards() -> None:
    with pytest.raises(ValidationError) as caught:
        Monitoring.model_validate({"period": {"first_month": 8, "last_month": 7}})
    assert "起始月份（8月）晚于截止月份（7月）" in explain_text(caught.value)
    assert Period(first_month=7, last_month=7).label == "7月"
