"""Matching a self-evaluation's indicators to the declared ones survives the rewordings units
make, and a reviewer's override wins."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.matching import THRESHOLD
from jixiao.core.matching import match_indicators
from jixiao.core.matching import normalise_name
from jixiao.core.matching import similarity
from jixiao.core.model import Indicator
from jixiao.core.values import parse_value


def ind(name: str, level2: str | None = None) -> Indicator:
    return Indicator(name=name, level2=level2)


@pytest.mark.parametrize(
    ("declared", "evaluated"),
    [
        ("培训合格率", "培训合格比例"),  # 率/比例
        ("农村道路养护里程", "农村道路养护里程（公里）"),  # a unit in brackets
        ("农村道路养护里程", "农村道路 养护里程"),  # spacing
        ("受益群众满意度", "受益群众满意度。"),  # punctuation
        ("受益群众满意度", "三级指标：受益群众满意度"),  # a label
        ("新建公厕数量", "1.新建公厕数量"),  # numbering
        ("资金拨付及时率", "资金拨付及时率(%)"),
        ("Ｗｉ－Ｆｉ覆盖率", "wi-fi覆盖率"),  # full width and case
    ],
)
def test_rewordings_normalise_to_the_same_name(declared: str, evaluated: str) -> None:
    assert normalise_name(declared) == normalise_name(evaluated)
    assert similarity(declared, evaluated) == 1


def test_different_indicators_stay_apart() -> None:
    assert similarity("培训人次", "宣传活动场次") < THRESHOLD
    assert similarity("群众满意度", "教师满意度") < 1
    assert similarity("", "培训人次") == 0


def test_one_to_one_best_first() -> None:
    declared = [ind("培训人次"), ind("培训合格率"), ind("培训场次")]
    evaluated = [ind("培训场次数"), ind("参加培训人次"), ind("培训合格比例"), ind("宣传册发放数量")]
    rows = match_indicators(declared, evaluated)
    pairs = {(m.declared, m.evaluated) for m in rows}
    assert pairs == {(0, 1), (1, 2), (2, 0), (None, 3)}
    exact = next(m for m in rows if m.declared == 1)
    assert exact.exact and exact.score == Decimal(1)


def test_same_names_in_two_level2_cells_pair_by_cell() -> None:
    declared = [ind("完成率", "数量指标"), ind("完成率", "时效指标")]
    evaluated = [ind("完成率", "时效指标"), ind("完成率", "数量指标")]
    rows = match_indicators(declared, evaluated)
    assert [(m.declared, m.evaluated) for m in rows] == [(0, 1), (1, 0)]


def test_override_wins_and_can_say_not_declared() -> None:
    declared = [ind("培训人次"), ind("群众满意度")]
    evaluated = [ind("培训人次"), ind("服务对象满意度")]
    plain = match_indicators(declared, evaluated)
    assert [(m.declared, m.evaluated) for m in plain] == [(0, 0), (1, None), (None, 1)]
    fixed = match_indicators(declared, evaluated, {"服务对象满意度": "群众满意度"})
    assert [(m.declared, m.evaluated, m.overridden) for m in fixed] == [(0, 0, False), (1, 1, True)]
    unlinked = match_indicators(declared, evaluated, {"培训人次": None})
    assert [(m.declared, m.evaluated, m.overridden) for m in unlinked] == [
        (0, None, False),
        (1, None, False),
        (None, 0, True),
        (None, 1, False),
    ]
    stale = match_indicators(declared, evaluated, {"服务对象满意度": "已删除的指标"})
    assert stale == plain


def test_units_that_clash_need_a_closer_name() -> None:
    people = Indicator(name="培训人次", target=parse_value("≥100人次"))
    sessions = Indicator(name="培训场次", target=parse_value("≥4场"))
    assert similarity("培训人次", "培训场次") >= THRESHOLD
    assert [(m.declared, m.evaluated) for m in match_indicators([people], [sessions])] == [
        (0, None),
        (None, 0),
    ]
    renamed = Indicator(name="培训人数", target=parse_value("≥100人次"))
    assert [(m.declared, m.evaluated) for m in match_indicators([people], [renamed])] == [(0, 0)]


_NAMES = st.sampled_from(
    ["培训人次", "培训合格率", "培训合格比例", "受益人数", "满意度", "群众满意度", "宣传场次", "完成率"]
)


@given(
    st.lists(_NAMES, max_size=6),
    st.lists(_NAMES, max_size=6),
    st.dictionaries(_NAMES, st.one_of(st.none(), _NAMES), max_size=3),
)
def test_every_indicator_appears_exactly_once(
    declared: list[str], evaluated: list[str], overrides: dict[str, str | None]
) -> None:
    rows = match_indicators([ind(n) for n in declared], [ind(n) for n in evaluated], overrides)
    assert sorted(m.declared for m in rows if m.declared is not None) == list(range(len(declared)))
    assert sorted(m.evaluated for m in rows if m.evaluated is not None) == list(range(len(evaluated)))
    for m in rows:
        if m.declared is not None and m.evaluated is not None and not m.overridden:
            assert m.score >= THRESHOLD
        if m.overridden and m.evaluated is not None:
            assert evaluated[m.evaluated] in overrides
