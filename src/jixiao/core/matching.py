"""Which declared indicator each of a self-evaluation's indicators is.

Units rarely copy their declared 三级指标 word for word into the year-end 自评表: punctuation and
spacing change, 比例 becomes 率, a unit moves into brackets (“覆盖率（%）”), a 一级/二级 label or a
number is put in front. :func:`normalise_name` takes those differences away; :func:`similarity`
scores what is left (1 = the same name); :func:`match_indicators` pairs the two lists one to one,
best pairs first, and applies a reviewer's corrections (``overrides``: evaluated name → declared
name, or None for "not declared"), which always win.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from jixiao.core.model import Indicator
from jixiao.core.units import align

THRESHOLD = Decimal("0.6")
"""The least similarity at which two indicators are taken to be the same without a reviewer."""
UNIT_CLASH_THRESHOLD = Decimal("0.85")
"""The least similarity when their targets are measured in units that cannot be compared
(“培训人次” ≥100人次 and “培训场次” ≥4场 are two indicators, not one reworded)."""

_LABEL = re.compile(r"^(?:[一二三]级(?:指标)?|指标名称)[:：]?")
_NUMBERING = re.compile(
    r"^(?:[(（]?\d{1,2}[)）.、．]|[(（][一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]{1,2}、|[①-⑳])"
)
_BRACKETED = re.compile(r"[(（\[【][^()（）\[\]【】]{0,8}[)）\]】]")
# Words that mean the same in an indicator's name (the longer first).
_SYNONYMS = (("比例", "率"), ("比率", "率"), ("占比", "率"), ("百分比", "率"), ("数量", "数"))


def normalise_name(name: str) -> str:
    """An indicator name without what rewording changes: width, case, labels, numbering,
    bracketed units, punctuation and spaces, and 比例/比率/占比 written as 率."""
    text = unicodedata.normalize("NFKC", name).strip().lower()
    text = _LABEL.sub("", text)
    text = _NUMBERING.sub("", text).strip()
    text = _BRACKETED.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")
    for word, same in _SYNONYMS:
        text = text.replace(word, same)
    return text


def similarity(a: str, b: str) -> Decimal:
    """How alike two indicator names are after :func:`normalise_name`, 0–1 to two places."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return Decimal(1) if na == nb and a.strip() == b.strip() else Decimal(0)
    if na == nb:
        return Decimal(1)
    ratio = SequenceMatcher(None, na, nb, autojunk=False).ratio()
    return Decimal(str(round(ratio, 2)))


@dataclass(frozen=True, slots=True)
class IndicatorMatch:
    """One row of the match: a declared indicator and the evaluated one taken to be it.

    ``evaluated`` is None for an indicator declared but missing from the evaluation,
    ``declared`` None for one added afterwards. ``score`` is the names' similarity (0 when either
    side is missing); ``overridden`` says a reviewer decided this row.
    """

    declared: int | None
    evaluated: int | None
    score: Decimal
    overridden: bool = False

    @property
    def exact(self) -> bool:
        """Whether the names are the same after normalising."""
        return self.score == 1


def _units_clash(a: Indicator, b: Indicator) -> bool:
    """Whether both targets are figures in units that measure different things."""
    ta, tb = a.target, b.target
    if ta is None or tb is None or not ta.is_quantity or not tb.is_quantity:
        return False
    return align(ta, tb) is None


def _level2_same(a: Indicator, b: Indicator) -> bool:
    return bool(a.level2 and b.level2) and normalise_name(a.level2 or "") == normalise_name(b.level2 or "")


def match_indicators(
    declared: Sequence[Indicator],
    evaluated: Sequence[Indicator],
    overrides: Mapping[str, str | None] | None = None,
    *,
    threshold: Decimal = THRESHOLD,
) -> tuple[IndicatorMatch, ...]:
    """Pair ``evaluated`` with ``declared`` one to one.

    A reviewer's override (by the evaluated indicator's name) is applied first: to the first
    not yet paired declared indicator of that name, or as "not declared" when it names none. An
    override naming a declared indicator that no longer exists is ignored. The rest are paired
    best similarity first (ties: the same 二级 cell, then the nearer position), each pair at least
    ``threshold`` alike (:data:`UNIT_CLASH_THRESHOLD` when their targets' units clash). The result lists the declared indicators in order (paired or missing),
    then the evaluated ones paired with none.
    """
    overrides = overrides or {}
    pair_of_declared: dict[int, IndicatorMatch] = {}
    taken: set[int] = set()
    added: dict[int, IndicatorMatch] = {}
    by_name: dict[str, list[int]] = {}
    for d, ind in enumerate(declared):
        by_name.setdefault(ind.name.strip(), []).append(d)
    for e, ind in enumerate(evaluated):
        name = ind.name.strip()
        if name not in overrides:
            continue
        target = overrides[name]
        if target is None:
            added[e] = IndicatorMatch(None, e, Decimal(0), overridden=True)
            taken.add(e)
            continue
        free = [d for d in by_name.get(target.strip(), []) if d not in pair_of_declared]
        if free:
            d = free[0]
            pair_of_declared[d] = IndicatorMatch(
                d, e, similarity(declared[d].name, ind.name), overridden=True
            )
            taken.add(e)

    candidates: list[tuple[Decimal, bool, int, int, int]] = []
    for d, dec in enumerate(declared):
        if d in pair_of_declared:
            continue
        for e, ev in enumerate(evaluated):
            if e in taken:
                continue
            score = similarity(dec.name, ev.name)
            least = max(threshold, UNIT_CLASH_THRESHOLD) if _units_clash(dec, ev) else threshold
            if score >= least:
                candidates.append((score, _level2_same(dec, ev), abs(d - e), d, e))
    candidates.sort(key=lambda c: (-c[0], not c[1], c[2], c[3], c[4]))
    for score, _same, _distance, d, e in candidates:
        if d in pair_of_declared or e in taken:
            continue
        pair_of_declared[d] = IndicatorMatch(d, e, score)
        taken.add(e)

    rows = [pair_of_declared.get(d, IndicatorMatch(d, None, Decimal(0))) for d in range(len(declared))]
    rows.extend(
        added.get(e, IndicatorMatch(None, e, Decimal(0)))
        for e in range(len(evaluated))
        if e not in taken or e in added
    )
    return tuple(rows)
