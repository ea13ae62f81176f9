"""Chinese judgement vocabulary: yes/no verdicts, qualitative bands and unmeasurable targets.

Qualitative and yes/no indicators are written in words: a target ``合格`` met by ``验收合格``,
an actual ``达成预期指标`` or ``效果较差``. These functions read that vocabulary. Negation always
wins over the word it negates (``未完成`` is a no, not a ``完成``), and hedged wording
(``基本完成``, ``部分完成``) is never read as a plain yes.

Qualitative bands follow 财预〔2020〕10号 第十六条 (达成 / 部分达成并具有一定效果 / 未达成且效果较差)
and 财预〔2021〕101号（七）3, whose top band is named ``基本达成目标``: so ``基本达成`` is
``achieved`` here, and so are ``较好`` / ``较高`` (better than the middle word ``一般``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from jixiao.core.model import Op
from jixiao.core.values import parse_value

__all__ = ["Level", "is_binary_target", "judgement", "qualitative_level", "vague_target"]

Level = Literal["achieved", "partial", "missed"]

_TRIM = " \t\r\n。.，,；;！!、：:\"'“”‘’()（）[]【】"
_VERBS = "完成|达标|达到|通过|合格|符合|满足|实现|达成|到位|办结|发放|拨付"

# A question form (是否完成) is not a verdict.
_QUESTION = re.compile("是否")
# Negated verdicts; checked first so that 未完成 never reads as 完成.
_NEGATIVE = re.compile(
    rf"(?:未|没有|没|不|尚未|无法|未能|未按[时期]|未全部|未完全|不完全)\s*(?:按[时期]|全部|完全|能|够)?\s*(?:{_VERBS}|验收)"
    r"|不合格|不达标|不及格|不符合|^(?:否|×|✗|✘|no|false|n)$",
    re.IGNORECASE,
)
# Hedged verdicts: neither a plain yes nor a plain no.
_HEDGED = re.compile(rf"(?:基本|部分|大部分|大部|初步|大致|大体)\s*(?:{_VERBS}|合格|验收)")
_AFFIRM_WHOLE = re.compile(r"^(?:是|有|对|√|✓|✔|yes|y|true|ok|好)$", re.IGNORECASE)
# An affirmative verb followed by a break, a figure or an object such as 要求/目标; a verb followed
# by prose (通过开展活动…) is a preposition, not a verdict. 完成率 is a rate, not a verdict.
_AFFIRM = re.compile(
    rf"(?:{_VERBS})(?!率)(?=$|[\s,.;:!?、，。；：！？)）\d%]|要求|目标|任务|标准|指标|预期|年度|计划|规定|验收|并|且)"
)

# Targets that are yes/no judgements. The whole (trimmed) text must be one of these forms.
_BINARY = re.compile(
    r"^(?:是|否|有|√|✓|无|零|杜绝|合格|及格|达标|通过|完成|到位|办结|符合|满足)$"
    r"|^(?:按时|按期|如期|及时|全部|全面|足额|圆满|顺利|已|均|按计划|按要求|100%)*"
    rf"(?:验收)?(?:{_VERBS}|发放到位|验收合格|验收通过)"
    r"(?:要求|目标|任务|标准|规定|计划)?$"
    r"|^(?:无|零|杜绝|没有|未发生|不发生|不出现|未出现)\S{0,20}$"
)

# Qualitative band vocabulary, checked missed → partial → achieved so that 未达成 and 部分达成
# are not read as 达成. Single characters (好, 高, 差) must be the whole text.
_MISSED = re.compile(
    r"未达成|未达到|未实现|没有达[到成]|未完成|不达标|效果较差|效果差|效果不明显|效果不佳|不明显|不理想|"
    r"实现目标程度较低|程度较低|较差|很差|不好|不高|较低|不显著|无明显|没有明显|无效果|没有效果|效果不好"
)
_PARTIAL = re.compile(
    r"未完全|未全部|部分达成|部分实现|部分达到|部分完成|大部分|具有一定效果|有一定效果|一定成效|一般|中等|尚可"
)
_ACHIEVED = re.compile(
    r"达成预期|达成年度|达到预期|达成目标|实现目标|达成指标|达到目标|全部实现|全部达成|基本达成|基本实现|"
    r"基本达到|已达成|已实现|效果明显|效果显著|成效明显|成效显著|显著|明显|良好|优秀|较好|较高|很好|很高|达成"
)
_WHOLE_LEVEL: dict[str, Level] = {
    "好": "achieved",
    "高": "achieved",
    "优": "achieved",
    "良": "achieved",
    "是": "achieved",
    "中": "partial",
    "一般": "partial",
    "差": "missed",
    "低": "missed",
    "否": "missed",
}


def _clean(text: str | None) -> str:
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", text).strip().strip(_TRIM)


@lru_cache(maxsize=16384)
def judgement(text: str | None) -> bool | None:
    """Read a yes/no verdict: True for 是/合格/完成/通过…, False for 否/不合格/未完成…, else None.

    Negation wins (``未完成`` is False); hedged wording (``基本完成``, ``部分完成``) and questions
    (``是否完成``) are None. ``无`` is not a verdict here: as in ``无安全事故`` it states a zero
    count, which :func:`is_binary_target` treats as a target.
    """
    t = _clean(text)
    if not t or _QUESTION.search(t):
        return None
    if _NEGATIVE.search(t):
        return False
    if _HEDGED.search(t):
        return None
    if _AFFIRM_WHOLE.match(t) or _AFFIRM.search(t):
        return True
    return None


@lru_cache(maxsize=16384)
def is_binary_target(text: str | None) -> bool:
    """Whether a target is a yes/no judgement (是, 合格, 完成, 验收合格, 无安全事故, 0起…).

    Such targets are measurable: the actual either meets them or not (101号 direct scoring).
    Quantities of zero (``0起``, ``≤0次``) count as well, since they are pass/fail.
    """
    t = _clean(text)
    if not t:
        return False
    if _BINARY.match(t):
        return True
    value = parse_value(t)
    return value is not None and value.value is not None and value.value == 0 and value.op in (Op.EQ, Op.LE)


@lru_cache(maxsize=16384)
def qualitative_level(text: str | None) -> Level | None:
    """Which national qualitative band the wording names: achieved, partial or missed, else None.

    达成预期指标 / 达到预期 / 效果明显 / 好 / 高 → achieved (also 基本达成, 较好: see the module
    docstring); 部分达成 / 一般 / 中 → partial; 未达成 / 效果较差 / 差 / 低 → missed. A plain
    yes/no verdict (已完成, 验收合格 / 未完成) names the top / bottom band; hedged wording that names
    no band (基本完成) gives None.
    """
    t = _clean(text)
    if not t:
        return None
    whole = _WHOLE_LEVEL.get(t)
    if whole is not None:
        return whole
    if _MISSED.search(t):
        return "missed"
    if _PARTIAL.search(t):
        return "partial"
    if _ACHIEVED.search(t):
        return "achieved"
    # A plain verdict (已完成, 验收合格, 未通过) names the top or the bottom band.
    verdict = judgement(t)
    if verdict is None:
        return None
    return "achieved" if verdict else "missed"


def vague_target(text: str | None) -> bool:
    """Whether a target cannot be measured: no quantity in it and not a yes/no judgement.

    ``惠民项目``, ``效果明显``, ``美化环境`` are vague; ``≥80%``, ``合格``, ``无安全事故`` are not.
    A blank target is vague too (there is nothing to measure against).
    """
    if is_binary_target(text):
        return False
    value = parse_value(text)
    return value is None or not value.is_quantity
