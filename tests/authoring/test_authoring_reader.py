"""The YAML reader keeps every scalar as the string it was written as."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.authoring.yaml_reader import Mark
from jixiao.authoring.yaml_reader import read_yaml
from jixiao.core.model import Evaluation
from jixiao.errors import AuthoringError


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("0.1", "0.1"),
        ("010", "010"),
        ("0x1F", "0x1F"),
        ("1e3", "1e3"),
        ("1_000", "1_000"),
        ("2019-07-28", "2019-07-28"),
        ("12:30", "12:30"),
        (".inf", ".inf"),
        ("'null'", "null"),
        ('"~"', "~"),
        ("!!int 5", "5"),
        ("~", None),
        ("null", None),
        ("", None),
    ],
)
def test_scalars_stay_strings(written: str, read: str | None) -> None:
    doc = read_yaml(f"k: {written}\n", "t.yaml")
    assert doc.data == {"k": read}


def test_marks() -> None:
    doc = read_yaml("a:\n  - x: 1\n    y: |\n      two\n      lines\n", "t.yaml")
    assert doc.data == {"a": [{"x": "1", "y": "two\nlines\n"}]}
    assert doc.marks[("a", 0)] == Mark(2, 5)
    assert doc.key_marks[("a", 0, "y")] == Mark(3, 5)
    assert doc.line(("a", 0, "y")) == 3
    assert doc.key_line(("a",)) == 1


def test_anchors_are_expanded() -> None:
    doc = read_yaml("a: &x 10\nb: *x\n", "t.yaml")
    assert doc.data == {"a": "10", "b": "10"}


def test_complex_key_is_refused() -> None:
    with pytest.raises(AuthoringError) as info:
        read_yaml("? [a, b]\n: 1\n", "t.yaml")
    assert info.value.line == 1
    assert "键必须是一段文字" in info.value.problem


def test_exact_values_in_an_evaluation(load: Callable[..., Evaluation]) -> None:
    ev = load(
        "项目:\n  项目名称: no\n  年度: 2018\n  主管部门: 010\n"
        "指标:\n  - 名称: 产出指标\n    三级指标:\n"
        "      - 名称: yes\n        权重: 0.1\n        年初目标值: 010\n        实际完成值: 0.1\n        自评得分: 0.30\n"
    )
    assert ev.project.name == "no"
    assert ev.project.department == "010"
    assert ev.project.year == 2018
    row = ev.indicators[0]
    assert row.name == "yes"
    assert row.weight == Decimal("0.1")
    assert str(row.weight) == "0.1"
    assert row.claimed_score == Decimal("0.30")
    assert row.target is not None and row.target.text == "010"
    assert row.actual is not None and row.actual.text == "0.1"


def test_amounts_and_rates(load: Callable[..., Evaluation]) -> None:
    ev = load(
        "预算:\n  预算数: 535.87万元\n  执行数: 5,358,672.00\n  到位数: 0.1\n  执行率: 99.24%\n"
        "  明细:\n    - 名称: 甲\n      预算数: 0.1\n"
    )
    assert ev.budget.planned_yuan == Decimal("5358700.00")
    assert ev.budget.executed_yuan == Decimal("5358672.00")
    assert ev.budget.received_yuan == Decimal("0.10")
    assert ev.budget.stated_rate == Decimal("0.9924")
    assert ev.budget.lines[0].planned_yuan == Decimal("0.10")
    wan = load("预算:\n  金额单位: 万元\n  预算数: 535.87\n  执行数: 100元\n  执行率: 0.9924\n", "w.yaml")
    assert wan.budget.planned_yuan == Decimal("5358700.00")
    assert wan.budget.executed_yuan == Decimal("100.00")
    assert wan.budget.stated_rate == Decimal("0.9924")


@pytest.mark.parametrize("written", ["2019-07-28", "2019-7-28", "2019年7月28日", "2019/7/28", "2019.07.28"])
def test_dates(load: Callable[..., Evaluation], written: str) -> None:
    ev = load(f"项目:\n  填报日期: {written}\n")
    assert ev.project.filled_date is not None
    assert ev.project.filled_date.isoformat() == "2019-07-28"


def test_weights_in_names(load: Callable[..., Evaluation]) -> None:
    ev = load(
        "方案: mof-2020\n指标:\n  - 名称: 产出指标（40分）\n    二级指标:\n      - 名称: 质量指标(10)\n"
        "        三级指标:\n          - 名称: 合格率(2分)\n            自评得分: 2分\n"
    )
    row = ev.indicators[0]
    assert (row.level1, row.level2, row.name) == ("产出指标", "质量指标", "合格率")
    assert (row.level2_weight, row.weight, row.claimed_score) == (10, 2, 2)
    assert ev.scheme.declared
    assert ev.scheme.weights.output == 40
    assert ev.scheme.weights.effect == 30  # mof-2020 default, not stated


def test_no_weights_means_scheme_defaults(load: Callable[..., Evaluation]) -> None:
    ev = load("项目:\n  年度: 2020\n")
    assert ev.scheme.id == "mof-2020"
    assert not ev.scheme.declared
    assert ev.scheme.weights.satisfaction == 10
    assert ev.provenance == {}
    assert ev.problems is None


def test_scheme_file_relative_to_the_yaml(
    write: Callable[..., Path], load: Callable[..., Evaluation]
) -> None:
    toml = """id = "my-scheme"
name = "自定义"
grades = [{ min = 60, grade = "合格" }, { min = 0, grade = "不合格" }]
[weights]
budget_execution = 10
output = 60
effect = 30
"""
    write(toml, "my.toml")
    ev = load("方案: my.toml\n")
    assert ev.scheme.id == "my-scheme"
    assert ev.scheme.weights.output == 60


def test_problems_as_a_list(load: Callable[..., Evaluation]) -> None:
    ev = load("存在的问题:\n  - 1、资金使用偏慢\n  - 2、宣传不足\n")
    assert ev.problems == "1、资金使用偏慢\n2、宣传不足"


def test_empty_level2_entry_takes_no_group(load: Callable[..., Evaluation]) -> None:
    ev = load(
        "指标:\n  - 名称: 产出指标\n    二级指标:\n      - 名称: 数量指标\n      - 名称: 质量指标\n"
        "        三级指标:\n          - 名称: 合格率\n"
    )
    assert [(r.level2, r.group) for r in ev.indicators] == [("质量指标", 1)]
