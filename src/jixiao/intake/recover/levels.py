"""The one vocabulary of 一级/二级 indicator labels that the row recoverers look for in text.

Text that lost its table still carries the level labels between the rows (“产出指标”,
“数量指标（20分）”); :func:`level_regex` finds them with any spacing between the characters, as
PDFs and OCR print them. Group ``l1`` is a 一级 label, ``l2`` a 二级 label.
"""

from __future__ import annotations

import re
from functools import cache

# 二级 before 一级 in the alternation: “服务对象满意度指标” must not be taken as “满意度指标”.
LEVEL2_WORDS = (
    "数量",
    "质量",
    "时效",
    "成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "服务对象满意度",
)
LEVEL1_WORDS = ("产出", "效益", "效果", "满意度")

_NUMBER = r"\d+(?:\.\d+)?"


def spaced(word: str) -> str:
    """``word`` as a pattern allowing whitespace between its characters."""
    return r"\s*".join(re.escape(ch) for ch in word)


def _alternatives(words: tuple[str, ...], truncated_satisfaction: bool) -> str:
    out = []
    for word in words:
        if truncated_satisfaction and word.endswith("满意度"):
            # Spreadsheet residue cuts a long label at the cell's edge: “服务对象满”.
            out.append(spaced(word[:-2]) + r"(?:\s*意\s*度)?")
        else:
            out.append(spaced(word))
    return "|".join(out)


@cache
def level_regex(*, weights: bool = False, residue: bool = False) -> re.Pattern[str]:
    """The label pattern.

    ``weights``: a label may carry its points in half-width brackets, “产出指标(50分)”; a 一级's
    points are group ``w1``. ``residue``: the form of spreadsheet residue, where a 二级 label may
    lack its “指标” and be cut short.
    """
    points = rf"(?:\s*\(\s*{_NUMBER}\s*分?\s*\))?" if weights else ""
    l1_points = rf"(?:\s*\(\s*(?P<w1>{_NUMBER})\s*分?\s*\))?" if weights else ""
    suffix2 = r"\s*(?:指\s*标)?" if residue else r"\s*指\s*标"
    l2 = f"(?:{_alternatives(LEVEL2_WORDS, residue)}){suffix2}{points}"
    l1 = rf"(?:{_alternatives(LEVEL1_WORDS, False)})\s*指\s*标{l1_points}"
    return re.compile(f"(?P<l2>{l2})|(?P<l1>{l1})")
