"""``to_yaml`` writes what ``load_evaluation`` reads back: generated evaluations and the examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from jixiao.authoring import load_evaluation
from jixiao.authoring import to_yaml
from jixiao.authoring.writer import quote
from jixiao.authoring.yaml_reader import read_yaml
from jixiao.core.groups import strip_weight
from jixiao.core.model import Budget
from jixiao.core.model import BudgetLine
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Objectives
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.model import SubUnit
from jixiao.core.model import Weights
from jixiao.core.values import parse_value
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import load_scheme

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# --- strategies ----------------------------------------------------------------------------------

# Characters that stress YAML: indicators, quotes, colons, comments, full-width forms, breaks.
_TRICKY = ":#-?*&!|>'\"%@`{}[],~ \t\n\r\\…“”：，、（）()≥≤%０１万元人次"
_ANY = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_CHARS = st.one_of(st.sampled_from(_TRICKY), st.sampled_from("产出效益数量质量指标社区年度预算"), _ANY)
_WORDS = st.sampled_from(["no", "yes", "null", "~", "0.1", "010", "2019-07-28", "- a", "a: b", "#x", "'q'"])

text = st.one_of(_WORDS, st.text(_CHARS, min_size=1, max_size=24)).map(str.strip).filter(bool)
one_line = text.filter(lambda s: "\n" not in s and "\r" not in s)
name = text.filter(lambda s: strip_weight(s) == s)


def maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """The strategy's values or None (an absent fact)."""
    return st.none() | strategy


points = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
money = st.decimals(min_value=-(10**9), max_value=10**11, places=2, allow_nan=False, allow_infinity=False)
rate = st.decimals(min_value=0, max_value=5, places=4, allow_nan=False, allow_infinity=False)
notation = st.sampled_from(
    ["≥50个", "≤200元/人", "100%", "是", "25~30人", "500余起", "合格", "≥4次/年、其中体育活动≥2次"]
)
value = maybe(st.one_of(notation, text).map(parse_value))
level1_name = st.one_of(st.sampled_from(["产出指标", "效益指标", "满意度指标", "成本指标", "其他"]), name)


@st.composite
def rows(
    draw: st.DrawFn, level1: str | None, level2: str | None, l2w: Decimal | None, group: int | None
) -> list:
    count = draw(st.integers(min_value=1, max_value=3))
    return [
        Indicator(
            level1=level1,
            level2=level2,
            name=draw(name),
            weight=draw(maybe(points)),
            target=draw(value),
            actual=draw(value),
            claimed_score=draw(maybe(points)),
            level2_weight=l2w,
            group=group,
            deviation_reason=draw(maybe(text)),
        )
        for _ in range(count)
    ]


@st.composite
def tree(draw: st.DrawFn) -> tuple[Indicator, ...]:
    """Indicators as the loader flattens a tree: 二级 cells numbered 1, 2, … in order."""
    result: list[Indicator] = []
    group = 0
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        level1 = draw(maybe(level1_name))
        if draw(st.booleans()):
            result += draw(rows(level1, None, None, None))
            continue
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            group += 1
            result += draw(rows(level1, draw(maybe(name)), draw(maybe(points)), group))
    return tuple(result)


@st.composite
def evaluations(draw: st.DrawFn) -> Evaluation:
    scheme = load_scheme(draw(st.sampled_from(BUILTIN_IDS)))
    declared = draw(st.booleans())
    weight = st.integers(min_value=0, max_value=60).map(Decimal)
    weights = (
        Weights(
            budget_execution=draw(weight),
            output=draw(weight),
            effect=draw(weight),
            satisfaction=draw(weight),
            cost=draw(weight),
        )
        if declared
        else scheme.weights
    )
    lines = tuple(
        BudgetLine(
            name=draw(text),
            planned_yuan=draw(maybe(money)),
            executed_yuan=draw(maybe(money)),
            group=draw(maybe(text)),
        )
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    )
    units = tuple(
        SubUnit(
            name=draw(text),
            planned_yuan=draw(maybe(money)),
            executed_yuan=draw(maybe(money)),
            indicators=draw(tree()),
        )
        for _ in range(draw(st.integers(min_value=0, max_value=2)))
    )
    return Evaluation(
        project=Project(
            name=draw(maybe(text)),
            year=draw(maybe(st.integers(min_value=1990, max_value=2100))),
            unit=draw(maybe(text)),
            department=draw(maybe(text)),
            implementer=draw(maybe(text)),
            category=draw(maybe(text)),
            attribute=draw(maybe(text)),
            type=draw(maybe(text)),
            filled_date=draw(maybe(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))),
        ),
        budget=Budget(
            planned_yuan=draw(maybe(money)),
            initial_yuan=draw(maybe(money)),
            received_yuan=draw(maybe(money)),
            executed_yuan=draw(maybe(money)),
            stated_rate=draw(maybe(rate)),
            lines=lines,
        ),
        scheme=SchemeRef(id=scheme.id, weights=weights, declared=declared),
        indicators=draw(tree()),
        claimed=Claimed(
            budget_execution_score=draw(maybe(points)), total=draw(maybe(points)), grade=draw(maybe(text))
        ),
        objectives=Objectives(planned=draw(maybe(text)), achieved=draw(maybe(text))),
        problems=draw(maybe(text)),
        sub_units=units,
    )


# --- comparison ----------------------------------------------------------------------------------


def comparable(ev: Evaluation) -> dict[str, object]:
    """The evaluation without what depends on the file: source, provenance and locations."""
    data = ev.model_dump(exclude={"source", "provenance"})
    for row in data["indicators"]:
        row["location"] = None
    for line in data["budget"]["lines"]:
        line["location"] = None
    for unit in data["sub_units"]:
        unit["location"] = None
        for row in unit["indicators"]:
            row["location"] = None
    return data


def reload(ev: Evaluation, directory: Path) -> Evaluation:
    path = directory / "回写.yaml"
    path.write_text(to_yaml(ev), encoding="utf-8")
    return load_evaluation(path)


# --- tests ---------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ev=evaluations())
def test_round_trip(tmp_path: Path, ev: Evaluation) -> None:
    assert comparable(reload(ev, tmp_path)) == comparable(ev)


@settings(max_examples=300, deadline=None)
@given(value=st.text(_CHARS, max_size=40))
def test_quote_reads_back(value: str) -> None:
    doc = read_yaml(f"k: {quote(value)}\n", "t.yaml")
    assert doc.data == {"k": value}


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_round_trip(tmp_path: Path, example: Path) -> None:
    ev = load_evaluation(example)
    again = reload(ev, tmp_path)
    assert comparable(again) == comparable(ev)
    assert to_yaml(again) == to_yaml(ev).replace(str(example), str(tmp_path / "回写.yaml"))


def test_written_form(tmp_path: Path) -> None:
    ev = load_evaluation(EXAMPLES / "004-社会保障专项-2020.yaml")
    text = to_yaml(ev)
    assert "  预算数: 24409100.00\n" in text
    assert "  执行率: 100%\n" in text
    assert "  金额单位: 元\n" in text
    assert "  - 名称: 质量指标\n        权重: 10\n        三级指标:\n" in text
    assert "            年初目标值: ≥30人/次\n" in text
    assert "存在的问题: |\n  偏差大或目标未完成原因分析：\n" in text
    assert "项目名称: 社会保障专项" in text
    assert "填报日期: 2021-06-30" in text


def test_extra_weights_without_rows(tmp_path: Path) -> None:
    """A declared weight of a group with no rows is kept through an empty 一级 entry."""
    ev = Evaluation(
        scheme=SchemeRef(
            id="hubei-2019",
            weights=Weights(budget_execution=20, output=40, effect=30, satisfaction=10),
            declared=True,
        )
    )
    again = reload(ev, tmp_path)
    assert again.scheme == ev.scheme
    assert again.indicators == ()


def test_a_default_weight_is_written_when_the_others_make_100(tmp_path: Path) -> None:
    """Stated weights that make 100 mean “no other group”: a group whose weight equals the
    scheme's default must then be written too, or it reads back as 0 (found by hypothesis)."""
    ev = Evaluation(
        scheme=SchemeRef(
            id="mof-2020",
            weights=Weights(budget_execution=0, output=50, effect=0, satisfaction=40, cost=60),
            declared=True,
        )
    )
    assert reload(ev, tmp_path).scheme == ev.scheme


def test_json_round_trip(tmp_path: Path) -> None:
    ev = load_evaluation(EXAMPLES / "002-基层政权和社区建设-2018.yaml")
    path = tmp_path / "ev.json"
    path.write_text(ev.to_json(), encoding="utf-8")
    again = load_evaluation(path)
    assert again == ev  # the JSON keeps its own source (the file it was extracted from)
    bare = tmp_path / "bare.json"
    bare.write_text(ev.model_copy(update={"source": None}).to_json(), encoding="utf-8")
    assert load_evaluation(bare).source is not None
    assert load_evaluation(bare).source.format == "json"  # type: ignore[union-attr]
