"""How numbers, dates and text are printed in the exported documents.

Every function here is exact: amounts are divided into 万元 as Decimals and printed with as many
decimals as they need (at least two), so a reader of the printed text gets the yuan back to the
fen; nothing goes through a binary float. Text is cleaned only of what XML (and so .docx and
.xlsx) cannot carry at all: control characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal

from jixiao.core.numbers import HUNDRED
from jixiao.core.numbers import WAN
from jixiao.core.numbers import plain_number

BLANK = "\u3000\u3000"
"""What a missing value prints as inside a sentence: a gap the unit can write into."""

CHECKED_BOX = "■"
EMPTY_BOX = "□"

# XML 1.0 allows TAB, LF, CR and everything from U+0020 except surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text as a document can hold it: control characters dropped, CR/LF line breaks as ``\\n``."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


def plain(value: Decimal | None) -> str:
    """A number exactly as it is, without exponent or trailing zeros: 2.50 → 2.5, 1E+2 → 100."""
    return "" if value is None else plain_number(value)


def wan(yuan: Decimal) -> Decimal:
    """An amount in yuan expressed in 万元, exactly (5358672 → 535.8672)."""
    return yuan / WAN


def wan_text(yuan: Decimal | None) -> str:
    """万元 with thousands separators and at least two decimals, more only when the fen need them.

    24409100 → ``2,440.91``; 5358672 → ``535.8672``; 0.01 → ``0.000001``.
    """
    if yuan is None:
        return ""
    amount = wan(yuan)
    exponent = amount.normalize().as_tuple().exponent
    decimals = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{amount:,.{decimals}f}"


def yuan_text(yuan: Decimal | None) -> str:
    """Yuan with thousands separators and two decimals: 5358672 → ``5,358,672.00``."""
    if yuan is None:
        return ""
    return f"{yuan:,.2f}"


def percent_text(rate: Decimal | None) -> str:
    """A fraction as a percentage with two decimals: 0.9924 → ``99.24%``, 1 → ``100.00%``."""
    if rate is None:
        return ""
    return f"{rate * HUNDRED:.2f}%"


def date_text(day: dt.date | None) -> str:
    """A date as Chinese documents print it: ``2019年7月28日``."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def short_name(name: str | None) -> str:
    """A project name without a trailing 项目, for titles that add their own (“…项目绩效自评表”)."""
    if not name:
        return ""
    stripped = name.strip()
    return stripped[:-2] if stripped.endswith("项目") and len(stripped) > 2 else stripped


def display_width(text: str) -> int:
    """Width in half-width units: a CJK (wide) character takes two, anything else one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, capacity: float) -> int:
    """How many lines ``text`` wraps to when a line holds ``capacity`` half-width units."""
    capacity = max(capacity, 2.0)
    return sum(max(1, math.ceil(display_width(part) / capacity)) for part in text.split("\n"))
