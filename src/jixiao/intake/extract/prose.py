"""Reading figures out of running text: amounts with their units, rates, heading numbers.

Shared by the extractors. Everything works on text as written (full-width or half-width digits
and punctuation); positions returned refer to the original string.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.numbers import yuan

# An amount in prose: “314.65万元”, “5,358,672.00 元”, “487万”, “1.2亿元”. A bare number is not
# an amount here; the unit is what makes it money.
_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|千元|元|亿|万(?![\u4e00-\u9fff]))"
)
_SCALE = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "万": Decimal(10000),
    "亿元": Decimal(10**8),
    "亿": Decimal(10**8),
}

# Clause boundaries inside a sentence: a keyword further back than these does not describe a figure.
CLAUSE_BREAK = re.compile(r"[，,；;。！？!?\n]")

# Heading numbers and their outline level: 一、 (1), （一） (2), 1、 / 1. (3), （1） (4).
_HEADINGS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^第[一二三四五六七八九十]+[章部分节]"), 1),
    (re.compile(r"^[一二三四五六七八九十]+[、．.]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[)）]"), 2),
    (re.compile(r"^\d{1,2}[、．]|^\d{1,2}\.(?!\d)"), 3),
    (re.compile(r"^[（(]\d{1,2}[)）]"), 4),
    (re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]"), 5),
)
ENUMERATOR = re.compile(
    r"^\s*(?:[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*[)）]|(?:\d{1,2}|[一二三四五六七八九十]+)\s*(?:、|[．.](?!\d))|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


def nfkc(text: str) -> str:
    """Half-width digits and punctuation, for matching (positions may shift; use for tests only)."""
    return unicodedata.normalize("NFKC", text)


_POINTS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*分?\s*")


def points(text: str | None) -> Decimal | None:
    """A cell or value that is just a score or weight: “10”, “　10”, “8分”, “９５.５”; else None."""
    if not text:
        return None
    m = _POINTS.fullmatch(nfkc(text))
    return Decimal(m[1]) if m else None


def heading_level(text: str) -> int | None:
    """The outline level a paragraph's own number gives it (“（一）…” → 2), or None."""
    stripped = text.lstrip()
    for pattern, level in _HEADINGS:
        if pattern.match(stripped):
            return level
    return None


def strip_enumerator(text: str) -> str:
    """“1、基层党建办公室经费” → “基层党建办公室经费”; “（8）着力…” → “着力…”."""
    return ENUMERATOR.sub("", text, count=1).strip()


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount found in text: exact yuan, and where it sits (``start``/``end`` in the text)."""

    yuan: Decimal
    start: int
    end: int
    unit: str


def amounts(text: str) -> list[Amount]:
    """Every amount with a money unit in ``text``, in order."""
    found: list[Amount] = []
    for m in _AMOUNT.finditer(text):
        number = Decimal(m.group(1).replace(",", ""))
        found.append(Amount(yuan(number * _SCALE[m.group(2)]), m.start(), m.end(), m.group(2)))
    return found


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def earlier_year(head: str, year: int | None) -> bool:
    """Whether the last year ``head`` names (“2020年该项目预算…”) is before the evaluated ``year``."""
    if year is None:
        return False
    found = _YEAR.findall(head[-80:])
    return bool(found) and int(found[-1]) < year


def squash(text: str) -> str:
    """Text without any whitespace (labels split over lines or spaced out: “项 目 名 称”)."""
    return re.sub(r"\s+", "", text)
