"""Tests for jixiao.core.units: reading units and aligning two values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.model import Op
from jixiao.core.model import Value
from jixiao.core.units import Unit
from jixiao.core.units import align
from jixiao.core.units import align_numbers
from jixiao.core.values import parse_value

D = Decimal


@pytest.mark.parametrize(
    ("text", "scale", "base", "per"),
    [
        (None, D(1), "", ""),
        ("", D(1), "", ""),
        ("万元/社区", D(10000), "元", "社区"),
        ("万/社区", D(10000), "", "社区"),
        ("%", D(1), "%", ""),
        ("％", D(1), "%", ""),
        ("百分比", D(1), "%", ""),
        ("‰", D("0.1"), "%", ""),
        ("亿元", D(100_000_000), "元", ""),
        ("千元", D(1000), "元", ""),
        ("万元", D(10000), "元", ""),
        ("元", D(1), "元", ""),
        ("万", D(10000), "", ""),
        ("千", D(1000), "", ""),
        ("百万元", D(1_000_000), "元", ""),
        ("千万元", D(10_000_000), "元", ""),
        ("元/人", D(1), "元", "人"),
        ("次/月", D(1), "次", "月"),
        ("课/周", D(1), "课", "周"),
        ("次/星期", D(1), "次", "周"),
        ("人", D(1), "人", ""),
        ("名", D(1), "人", ""),
        ("人次", D(1), "人次", ""),
        ("万人", D(10000), "人", ""),
        ("万人次", D(10000), "人次", ""),
        ("千克", D(1), "千克", ""),
        ("公斤", D(1), "千克", ""),
        ("千米", D(1), "千米", ""),
        ("公里", D(1), "千米", ""),
        ("千瓦时", D(1), "千瓦时", ""),
        ("m2", D(1), "平方米", ""),
        ("㎡", D(1), "平方米", ""),
        ("个百分点", D(1), "个百分点", ""),
        ("个", D(1), "个", ""),
        (" 万 元 ", D(10000), "元", ""),
    ],
)
def test_unit_parse(text: str | None, scale: Decimal, base: str, per: str) -> None:
    assert Unit.parse(text) == Unit(scale, base, per)


def test_unit_parse_is_cached() -> None:
    assert Unit.parse("万元/社区") is Unit.parse("万元/社区")


def test_unit_is_frozen() -> None:
    unit = Unit.parse("元")
    with pytest.raises(AttributeError):
        unit.scale = D(2)  # type: ignore[misc]


def _v(text: str) -> Value:
    value = parse_value(text)
    assert value is not None
    return value


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("≥30人", "32人", (D(30), D(32))),
        ("≥30人", "32", (D(30), D(32))),
        ("30", "30人", (D(30), D(30))),
        ("≥95%", "98%", (D(95), D(98))),
        ("≥95%", "98", (D(95), D(98))),
        ("≥95%", "98百分比", (D(95), D(98))),
        ("≤5‰", "0.4%", (D("0.5"), D("0.4"))),
        ("16.12万/社区", "16.12万元/社区", (D("16.12"), D("16.12"))),
        ("≥16.12万元/社区", "161200元/社区", (D("161200"), D("161200"))),
        ("≤30万元", "28.5万元", (D(30), D("28.5"))),
        ("≤30万元", "285000元", (D(300000), D(285000))),
        ("≤30万元", "28", (D(30), D(28))),
        ("≤1.2亿元", "9000万元", (D(120_000_000), D(90_000_000))),
        ("≥4次/年", "5次", (D(4), D(5))),
        ("1次/月", "1次/月", (D(1), D(1))),
        ("≥2万人", "25000人", (D(20000), D(25000))),
        ("≥100名", "120人", (D(100), D(120))),
        ("≥5公里", "6千米", (D(5), D(6))),
    ],
)
def test_align_compatible(a: str, b: str, expected: tuple[Decimal, Decimal]) -> None:
    assert align(_v(a), _v(b)) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("≥95%", "98人"),
        ("≥95%", "98元"),
        ("≥95%", "3万"),
        ("≥30人", "30次"),
        ("≥30人", "30人次"),
        ("1次/月", "12次/年"),
        ("≤30万元", "30万人"),
        ("≥5千克", "5千米"),
        ("≥2个百分点", "2%"),
    ],
)
def test_align_incompatible(a: str, b: str) -> None:
    assert align(_v(a), _v(b)) is None


def test_align_qualitative_is_none() -> None:
    assert align(_v("合格"), _v("30人")) is None
    assert align(_v("30人"), _v("效果明显")) is None


def test_align_range_high_end() -> None:
    target = _v("25~30万元")
    assert target.op is Op.RANGE
    high = target.model_copy(update={"value": target.high})
    assert align(high, _v("280000元")) == (D(300000), D(280000))


@pytest.mark.parametrize(
    ("a", "au", "b", "bu", "expected"),
    [
        (D(1), "万元", D(10000), "元", (D(10000), D(10000))),
        (D(1), None, D(2), None, (D(1), D(2))),
        (D(1), "", D(2), "人", (D(1), D(2))),
        (D(1), "%", D(2), "人", None),
        (D(3), "次/周", D(3), "次/月", None),
    ],
)
def test_align_numbers(
    a: Decimal, au: str | None, b: Decimal, bu: str | None, expected: tuple[Decimal, Decimal] | None
) -> None:
    assert align_numbers(a, au, b, bu) == expected


_SCALED = ["元", "万元", "亿元", "千元"]


@given(
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(_SCALED),
    st.sampled_from(_SCALED),
)
def test_align_money_is_exact_and_symmetric(n: int, ua: str, ub: str) -> None:
    a, b = D(n), D(n + 1)
    pair = align_numbers(a, ua, b, ub)
    back = align_numbers(b, ub, a, ua)
    assert pair is not None
    assert back == (pair[1], pair[0])
    if ua == ub:
        assert pair == (a, b)
    else:
        assert pair == (a * Unit.parse(ua).scale, b * Unit.parse(ub).scale)


@given(st.text(max_size=12))
def test_unit_parse_never_raises(text: str) -> None:
    unit = Unit.parse(text)
    assert unit.scale > 0
