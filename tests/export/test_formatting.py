"""Printing numbers exactly: 万元 that give the yuan back, percentages, dates, clean text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.export.formatting import clean
from jixiao.export.formatting import date_text
from jixiao.export.formatting import percent_text
from jixiao.export.formatting import plain
from jixiao.export.formatting import short_name
from jixiao.export.formatting import wan_text
from jixiao.export.formatting import yuan_text


@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        ("24409100", "2,440.91"),
        ("5358672", "535.8672"),
        ("5358672.00", "535.8672"),
        ("0.01", "0.000001"),
        ("0", "0.00"),
        ("-12345.6", "-1.23456"),
        ("10000000000000", "1,000,000,000.00"),
    ],
)
def test_wan_text(yuan: str, text: str) -> None:
    assert wan_text(Decimal(yuan)) == text


@given(st.decimals(min_value=-(10**13), max_value=10**13, places=2))
def test_wan_text_gives_back_the_yuan_to_the_fen(yuan: Decimal) -> None:
    assert Decimal(wan_text(yuan).replace(",", "")) * 10000 == yuan


@pytest.mark.parametrize(
    ("value", "text"),
    [("2.50", "2.5"), ("1E+2", "100"), ("0.00", "0"), ("-0", "0"), ("97.675", "97.675"), ("20", "20")],
)
def test_plain(value: str, text: str) -> None:
    assert plain(Decimal(value)) == text


def test_small_formats() -> None:
    assert percent_text(Decimal("0.9924")) == "99.24%"
    assert percent_text(Decimal(1)) == "100.00%"
    assert yuan_text(Decimal("5358672")) == "5,358,672.00"
    assert date_text(dt.date(2019, 7, 28)) == "2019年7月28日"
    assert short_name("基层政权和社区建设项目") == "基层政权和社区建设"
    assert short_name("项目") == "项目"
    assert [percent_text(None), yuan_text(None), date_text(None), plain(None), wan_text(None)] == [""] * 5


def test_clean_drops_what_xml_cannot_hold() -> None:
    assert clean("甲\x00乙\x0b丙\r\n丁\r戊\t己\ufffe") == "甲乙丙\n丁\n戊\t己"
    assert clean(None) == ""
