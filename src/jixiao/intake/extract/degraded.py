"""What degraded text leaves uncertain in the indicator table, settled or marked before checking.

Two things a careless reader would report as certain:

- **An OCR'd ``≥`` in front of a percentage target.** A scanner reads ``≥95%`` as ``295%``
  (or ``Z95%``). A target of 295 % with no comparator is the classic confusion, but some
  targets really are above 100 %, so the row's own figures decide: the reading ``≥95%`` is taken
  only when the actual value reaches it, falls short of the figure as printed, and the row's
  claimed score is its full weight (what ``≥95%`` gives and ``295%`` does not). Otherwise the
  target's figure is left unread (kept as text, not a quantity) with a note, and the checks are
  told so (``TARGET_UNREAD``): a figure jixiao could not read is not a target the unit left
  unmeasurable.
- **Rows that were not read.** When the extraction notes indicator rows it could not read,
  the weights, the scores and the satisfaction rows it has are not the whole table: the checks
  that add them up or look for a group stand down (``ROWS_INCOMPLETE``), and a note says so.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.core.checks.catalogue import ACTUAL_UNREAD
from jixiao.core.checks.catalogue import ROWS_INCOMPLETE
from jixiao.core.checks.catalogue import SCORE_UNREAD
from jixiao.core.checks.catalogue import TARGET_UNREAD
from jixiao.core.model import Indicator
from jixiao.core.model import Op
from jixiao.core.model import Value
from jixiao.core.values import parse_value

# A percentage target printed without its comparator whose first character is an OCR'd “≥”:
# “295%” (≥95%), “Z90%” (≥90%). The digit form is only a confusion when the figure as printed is
# no percentage a target has (above 100) and the rest is one (100 or below).
_GE_AS_TWO = re.compile(r"^\s*(?P<ocr>[2Zz])\s*(?P<num>(?:100|[1-9]?\d)(?:\.\d+)?)\s*%\s*$")


def ocr_ge_percent(text: str) -> str | None:
    """The figure after an OCR'd ``≥`` in a comparator-less percentage target (``"295%"`` →
    ``"95"``), or None when ``text`` (as the readers normalised it) is not that confusion.
    Whether the row confirms the reading is for the caller to decide."""
    m = _GE_AS_TWO.match(text)
    if m is None:
        return None
    if m["ocr"] == "2" and Decimal(m["ocr"] + m["num"]) <= 100:
        return None  # “25%” is a 25 % target, not ≥5 %
    return m["num"]


# Words by which an extraction note says indicator rows (or a row's figures) were not read.
_ROW_WORDS = ("指标行", "指标名称", "该组指标", "该行只有", "编号指标行")
_NOT_READ = ("未读取", "未能读取", "没有指标名称")
_STOOD_DOWN = "指标行未读全：权重合计、总分与分项得分之和、最高可得分和满意度指标的核对未进行"


def rows_incomplete(notes: list[tuple[str, str]]) -> str | None:
    """Where the first note about indicator rows that were not read stands, else None."""
    for place, reason in notes:
        if any(w in reason for w in _ROW_WORDS) and any(w in reason for w in _NOT_READ):
            return place
    return None


def mark_unread_cells(
    indicators: list[Indicator],
    unread: dict[str, frozenset[str]],
    prov: dict[str, str],
    notes: list[tuple[str, str]],
) -> None:
    """Tell the checks which rows' cells held figures that were not read (``unread``: a row's
    location → its roles, from a table rebuilt from text), and say once what they skip there.
    A row whose 分值 or 得分 was not read leaves the table's sums incomplete (``ROWS_INCOMPLETE``)."""
    marked: list[str] = []
    first = ""
    for index, ind in enumerate(indicators):
        roles = unread.get(ind.location or "")
        if not roles:
            continue
        place = ind.location or f"绩效指标表 第{index + 1}项"
        keys = []
        if "target" in roles and ind.target is None:
            keys.append(f"{TARGET_UNREAD}{index}")
        if "actual" in roles and ind.actual is None:
            keys.append(f"{ACTUAL_UNREAD}{index}")
        if ("weight" in roles and ind.weight is None) or ("score" in roles and ind.claimed_score is None):
            keys.append(f"{SCORE_UNREAD}{index}")
            prov.setdefault(ROWS_INCOMPLETE, place)
        for key in keys:
            prov[key] = place
        if keys:
            marked.append(ind.name)
            first = first or place
    if marked:
        notes.append(
            (
                first,
                f"{len(marked)}个指标行印有数值但未能读取（"
                + "、".join(f"“{n}”" for n in marked[:4])
                + ("等" if len(marked) > 4 else "")
                + "）：这些行不作“未填写年初目标值”“未填写实际完成值”的判断",
            )
        )


def mark_incomplete_rows(notes: list[tuple[str, str]], prov: dict[str, str]) -> None:
    """Tell the checks that the indicator table was not read whole, and say which stand down."""
    place = prov.get(ROWS_INCOMPLETE) or rows_incomplete(notes)
    if place is not None:
        prov[ROWS_INCOMPLETE] = place
        notes.append((place, _STOOD_DOWN))


def settle_ocr_targets(
    indicators: list[Indicator], prov: dict[str, str], notes: list[tuple[str, str]]
) -> list[Indicator]:
    """``indicators`` with each ``295%``-style target read as ``≥95%`` when the row confirms it,
    else with its figure left unread (see the module docstring)."""
    out: list[Indicator] = []
    for index, ind in enumerate(indicators):
        target = ind.target
        figure = ocr_ge_percent(target.text) if target is not None and target.op is not Op.GE else None
        if target is None or figure is None:
            out.append(ind)
            continue
        place = ind.location or f"绩效指标表 第{index + 1}项"
        guess = f"≥{figure}%"
        if _confirmed(ind, Decimal(figure), target):
            read = parse_value(guess)
            out.append(ind.model_copy(update={"target": read}))
            prov[f"indicators.{index}.target"] = (
                f"{place}（原文“{target.text}”，“≥”被识读为“{target.text.strip()[0]}”）"
            )
            continue
        out.append(ind.model_copy(update={"target": Value(text=target.text, op=Op.QUALITATIVE)}))
        prov[f"{TARGET_UNREAD}{index}"] = place
        notes.append(
            (
                place,
                f"年初目标值“{target.text}”前没有比较符号，可能是“{guess}”的“≥”被识读为“{target.text.strip()[0]}”，"
                "实际完成值与得分不足以确认，目标值未读取",
            )
        )
    return out


def _confirmed(ind: Indicator, figure: Decimal, target: Value) -> bool:
    """The actual value reaches ``figure`` % but not the target as printed, and the claimed score
    is the full weight: only ``≥figure%`` explains the row."""
    actual, weight, claimed = ind.actual, ind.weight, ind.claimed_score
    if actual is None or not actual.is_quantity or actual.unit != "%" or actual.value is None:
        return False
    if weight is None or claimed is None or claimed != weight:
        return False
    printed = target.value if target.is_quantity and target.unit == "%" else None
    reached = actual.value >= figure
    return reached and (printed is None or actual.value < printed)
