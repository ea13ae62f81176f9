"""How numbers are shown on the pages: the core's formats (money in yuan with thousands
separators, scores with two decimals, rates as percentages, ``—`` for a missing value), and 万元.
Exact: formatted from ``Decimal``, never through float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.core.check_names import check_title
from jixiao.core.check_names import rule_name
from jixiao.core.numbers import WAN
from jixiao.core.numbers import fmt_money
from jixiao.core.numbers import fmt_percent
from jixiao.core.numbers import fmt_score


def money(value: Decimal | None) -> str:
    return fmt_money(value)


def wan(value: Decimal | None) -> str:
    """Yuan shown in 万元 (two decimals)."""
    return "—" if value is None else fmt_money(value / WAN)


def score(value: Decimal | int | None) -> str:
    return "—" if value is None else fmt_score(Decimal(value))


def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = score(value)
    return text if value < 0 else f"+{text}"


def percent(value: Decimal | None) -> str:
    """A rate stored as a fraction (0.95) shown as 95.00%."""
    return "—" if value is None else fmt_percent(Decimal(value))


FILTERS: dict[str, Any] = {
    "money": money,
    "wan": wan,
    "score": score,
    "signed": signed,
    "percent": percent,
    "check_title": check_title,
    "rule_name": rule_name,
}
