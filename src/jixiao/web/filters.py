"""How numbers are shown on the pages: money in yuan with thousands separators, scores with two
decimals, rates as percentages. Exact: formatted from ``Decimal``, never through float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any

_CENT = Decimal("0.01")


def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.quantize(_CENT, ROUND_HALF_UP):,}"


def wan(value: Decimal | None) -> str:
    """Yuan shown in 万元 (two decimals)."""
    if value is None:
        return "—"
    return f"{(value / 10000).quantize(_CENT, ROUND_HALF_UP):,}"


def score(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return str(Decimal(value).quantize(_CENT, ROUND_HALF_UP))


def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = score(value)
    return text if value < 0 else f"+{text}"


def percent(value: Decimal | None) -> str:
    """A rate stored as a fraction (0.95) shown as 95.00%."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(_CENT, ROUND_HALF_UP)}%"


FILTERS: dict[str, Any] = {
    "money": money,
    "wan": wan,
    "score": score,
    "signed": signed,
    "percent": percent,
}
