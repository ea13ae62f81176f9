"""Exact numbers: Decimal helpers for money, scores and rates.

Money is yuan with two decimals, scores are points with two decimals, rates are fractions with
four decimals. Everything is rounded 四舍五入 (ROUND_HALF_UP), never banker's rounding, and never
through binary floats: a float that reaches this module is turned into a Decimal through its
shortest text form, so ``0.1`` stays ``Decimal("0.1")``.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation

YUAN = Decimal("0.01")
POINT = Decimal("0.01")
RATE = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
WAN = Decimal(10000)


def to_decimal(value: object) -> Decimal | None:
    """Turn an int, float, str or Decimal into a Decimal, or None when it is not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
    else:
        return None
    try:
        result = Decimal(text)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def round_to(value: Decimal, quantum: Decimal) -> Decimal:
    """Round 四舍五入 to the given quantum (``Decimal("0.01")`` for two places)."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


_QUANTA = tuple(Decimal(1).scaleb(-n) for n in range(13))


def places(n: int) -> Decimal:
    """The quantum for ``n`` decimal places: 2 → ``Decimal("0.01")``."""
    return _QUANTA[n]


def yuan(value: Decimal) -> Decimal:
    """Round an amount to whole fen (two decimals of a yuan)."""
    return round_to(value, YUAN)


def plain_number(value: Decimal) -> str:
    """A number exactly as it is, without exponent or trailing zeros: 2.50 → 2.5, 1E+2 → 100."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


@functools.lru_cache(maxsize=16384)
def fmt_number(value: Decimal | None, max_places: int = 4) -> str:
    """Format a Decimal for Chinese text without exponent or needless trailing zeros: 2.50 → 2.5."""
    if value is None:
        return "—"
    q = round_to(value, places(max_places)).normalize()
    text = format(q, "f")
    return "0" if text in {"-0", ""} else text


@functools.lru_cache(maxsize=16384)
def fmt_score(value: Decimal | None) -> str:
    """Format a score with exactly two decimals, as score sheets print them: 1 → 1.00."""
    if value is None:
        return "—"
    return format(round_to(value, POINT), "f")


@functools.lru_cache(maxsize=16384)
def fmt_money(value: Decimal | None) -> str:
    """Format yuan with thousands separators and two decimals: 5358672 → 5,358,672.00."""
    if value is None:
        return "—"
    return f"{round_to(value, YUAN):,.2f}"


@functools.lru_cache(maxsize=16384)
def fmt_percent(rate: Decimal | None, digits: int = 2) -> str:
    """Format a fraction as a percentage: 0.9924 → 99.24%."""
    if rate is None:
        return "—"
    return f"{round_to(rate * HUNDRED, places(digits)):f}%"
