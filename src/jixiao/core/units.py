"""Units of targets and actuals: split ``万元/社区`` into magnitude, base and per-part, and align two values.

A target ``≥16.12万元/社区`` and an actual ``161200元/社区`` measure the same thing in different
scales; the scorer may compare them only after both are expressed in one scale. ``Unit.parse``
reads a unit as written into ``(scale, base, per)`` and ``align`` does the comparison-safe
conversion, refusing (``None``) when the units measure different things (人 vs 次, % vs 元).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from jixiao.core.model import Value

__all__ = ["Unit", "align", "align_numbers"]

_ONE = Decimal(1)

# Magnitude prefixes, longest first. 千 is a magnitude only when it is not part of a unit of its own.
_MAGNITUDES: tuple[tuple[str, Decimal], ...] = (
    ("千万", Decimal(10_000_000)),
    ("百万", Decimal(1_000_000)),
    ("亿", Decimal(100_000_000)),
    ("万", Decimal(10_000)),
    ("千", Decimal(1000)),
)
_OWN_THOUSANDS = ("千克", "千米", "千瓦", "千卡", "千伏", "千帕", "千兆", "千字")

# Spellings of one base that must compare equal.
_SYNONYMS: dict[str, str] = {
    "百分比": "%",
    "公斤": "千克",
    "kg": "千克",
    "km": "千米",
    "公里": "千米",
    "m2": "平方米",
    "平米": "平方米",
    "名": "人",
    "位": "人",
    "日": "天",
    "星期": "周",
    "季": "季度",
    "年度": "年",
    "個": "个",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as ``scale × base / per``: ``万元/社区`` is ``(10000, "元", "社区")``.

    ``base`` is empty for a bare magnitude (``万``) or no unit at all; ``per`` is empty unless the
    unit is a rate per something (``次/月``). Percentages have base ``%`` (``‰`` is ``0.1 %``).
    """

    scale: Decimal
    base: str
    per: str

    @staticmethod
    def parse(text: str | None) -> Unit:
        """Read a unit as written (``万元/社区``, ``%``, ``次/月``, ``None``); cached."""
        return _parse_unit(text)

    @property
    def is_bare(self) -> bool:
        """Whether this is no unit at all (a plain number)."""
        return self.scale == _ONE and not self.base and not self.per


def _base(text: str) -> str:
    return _SYNONYMS.get(text, text)


@lru_cache(maxsize=4096)
def _parse_unit(text: str | None) -> Unit:
    if text is None:
        return Unit(_ONE, "", "")
    t = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    head, _, per = t.partition("/")
    per = _base(per)
    if head in {"%", "百分比"}:
        return Unit(_ONE, "%", per)
    if head == "‰":
        return Unit(Decimal("0.1"), "%", per)
    scale = _ONE
    for prefix, magnitude in _MAGNITUDES:
        if head.startswith(prefix) and not (prefix == "千" and head.startswith(_OWN_THOUSANDS)):
            scale, head = magnitude, head[len(prefix) :]
            break
    return Unit(scale, _base(head), per)


def _compatible(a: Unit, b: Unit) -> bool:
    if (a.base == "%") != (b.base == "%"):
        # A percentage compares only with another percentage or a plain number (“98” vs “≥95%”).
        return a.is_bare or b.is_bare
    if a.base and b.base and a.base != b.base:
        return False
    return not (a.per and b.per and a.per != b.per)


def align_numbers(
    a_value: Decimal, a_unit: str | None, b_value: Decimal, b_unit: str | None
) -> tuple[Decimal, Decimal] | None:
    """Express two numbers in one scale, or None when their units measure different things.

    Compatible means: the per-parts are equal or one is empty, the bases are equal or one is
    empty (a bare ``30`` matches ``30人``; ``16.12万/社区`` matches ``16.12万元/社区``), and ``%``
    never matches another base. A side without any unit takes the other side's unit, since a
    table that states the unit once writes plain numbers in the other cell: ``30`` against
    ``≤30万元`` is 30 万元. Otherwise, when the scales differ both numbers are multiplied out to
    the base unit (``16.12万元`` and ``161200元`` both become 161200); equal scales are left alone.
    """
    ua, ub = _parse_unit(a_unit or None), _parse_unit(b_unit or None)
    if not _compatible(ua, ub):
        return None
    if ua.scale == ub.scale or ua.is_bare or ub.is_bare:
        return a_value, b_value
    return a_value * ua.scale, b_value * ub.scale


def align(a: Value, b: Value) -> tuple[Decimal, Decimal] | None:
    """Express ``a.value`` and ``b.value`` in one scale, or None when they cannot be compared.

    None also when either side has no value (a qualitative text). See :func:`align_numbers`.
    """
    if a.value is None or b.value is None:
        return None
    return align_numbers(a.value, a.unit, b.value, b.unit)
