"""Read targets, actuals, amounts and rates from the text of a self-evaluation cell.

Cells are written by hand: ``≥80%``, ``不低于50个``, ``25~30人``, ``500余起``, ``每月一次``,
``三点五万元``, or prose such as ``已成功与戒毒所对接23人并建立了个人基本台帐``. The parser reads
one measurable quantity when the text holds exactly one (or starts with one) and otherwise says
``qualitative``: it never guesses between two figures. Dates (``2018年``, ``4月15日``,
``1-12月``), list markers (``1、``), ordinals (``第3``) and names with numbers in them (``5G``,
``三会一课``) are not quantities.

Chinese numerals count only where they stand as a quantity: at the very start of the text and
followed by a unit and a break (``十二次``, ``两次/年``), in frequency patterns (``一周一课``,
``每月一次``) and in ``百分之九十五``. Everywhere else they are words (``一把手``, ``十九大``).

The text is normalised with NFKC (full-width digits, ``％``, ``～``, ``＞``, ``﹦``) before reading,
but every returned ``Value.text`` is the original as written (stripped). Results are cached,
since the same cells (``100%``, ``是``) recur across thousands of evaluations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation
from functools import lru_cache

import cn2an  # type: ignore[import-untyped]

from jixiao.core.model import Op
from jixiao.core.model import Value
from jixiao.core.numbers import HUNDRED
from jixiao.core.numbers import yuan
from jixiao.core.units import Unit

__all__ = ["parse_amount", "parse_rate", "parse_value", "quantities"]


# --- vocabulary ---------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """Split a space-separated word list (keeps long vocabularies readable)."""
    return tuple(text.split())


# Operators written in front of a number, mapped to the comparison they mean. Strict forms
# (大于, >) are read as ≥ / ≤: the scoring rules do not distinguish them.
_OPERATORS: dict[str, Op] = {
    "大于或等于": Op.GE,
    "高于或等于": Op.GE,
    "大于等于": Op.GE,
    "高于等于": Op.GE,
    "不低于": Op.GE,
    "不少于": Op.GE,
    "不小于": Op.GE,
    "至少": Op.GE,
    "最少": Op.GE,
    "大于": Op.GE,
    "高于": Op.GE,
    "超过": Op.GE,
    "多于": Op.GE,
    ">=": Op.GE,
    "=>": Op.GE,
    "≥": Op.GE,
    "≧": Op.GE,
    ">": Op.GE,
    "小于或等于": Op.LE,
    "低于或等于": Op.LE,
    "小于等于": Op.LE,
    "低于等于": Op.LE,
    "不高于": Op.LE,
    "不超过": Op.LE,
    "不多于": Op.LE,
    "不大于": Op.LE,
    "至多": Op.LE,
    "最多": Op.LE,
    "不足": Op.LE,
    "不到": Op.LE,
    "小于": Op.LE,
    "低于": Op.LE,
    "少于": Op.LE,
    "<=": Op.LE,
    "=<": Op.LE,
    "≤": Op.LE,
    "≦": Op.LE,
    "<": Op.LE,
    "等于": Op.EQ,
    "==": Op.EQ,
    "=": Op.EQ,
}
# Approximation words in front of a number; 逾 (“more than”) also means ≥.
_APPROX_WORDS = ("将近", "接近", "大约", "大概", "约", "近", "逾")
# Words after the unit.
_SUFFIX_OPS: dict[str, Op] = {
    "及以上": Op.GE,
    "或以上": Op.GE,
    "以上": Op.GE,
    "及以下": Op.LE,
    "或以下": Op.LE,
    "以下": Op.LE,
    "以内": Op.LE,
    "之内": Op.LE,
    "内": Op.LE,
}
_AROUND = "左右"

# Units that may follow a number, matched longest first. Kept as written in ``Value.unit``.
_UNITS = _words(
    "人次 户次 车次 架次 班次 场次 批次 频次 人天 人日 课时 学时 个工作日 工作日 个月 个百分点 百分点 "
    "平方公里 平方千米 平方米 平米 立方米 公顷 公里 千米 厘米 毫米 米 亩 千瓦时 千瓦 兆瓦 千克 公斤 吨 克 斤 "
    "小时 分钟 秒 元 人 次 个 项 起 户 课 车 家 所 名 件 册 份 套 台 辆 条 处 间 座 棵 株 篇 场 期 批 "
    "支 只 头 本 张 幅 部 块 栋 幢 盏 根 眼 节 门 位 班 组 队 届 轮 遍 趟 回 天 日 周 月 年 季度 宗 笔 "
    "例 种 类 校 床 倍 分 岁 村 社区 站 箱 袋 瓶 盒 桶 包 片 段 层 页 字 度 单 票 首 集 版 卷 封 "
    "km kg m2 m3 kWh kW MW GB TB mg ml"
)
_UNIT_SET = frozenset((*_UNITS, "", "%", "‰", "百分比"))
# Units a frequency pattern (每月N次, 一周一课) counts; time words are the period, not the unit.
_FREQ_UNITS = tuple(
    u for u in _UNITS if u not in {"天", "日", "周", "月", "年", "季度", "小时", "分钟", "秒", "个月"}
)
# What a unit may be “per” (元/人, 次/月, 万元/社区); any single Chinese character also serves.
_PERS = _words(
    "人次 户次 人 户 月 年度 年 周 星期 天 日 次 社区 村 个 项目 学期 季度 季 小时 平方米 亩 公里 "
    "家 所 校 班 场 批 期 车 处 床"
)
# Frequency periods: 每月 / 一月一次. Per-head forms (每人, 每户) only with 每.
_PERIODS = ("年度", "学期", "季度", "半年", "星期", "工作日", "年", "季", "月", "周", "旬", "天", "日")
_EVERY = (*_PERIODS, "社区", "人", "户", "村")

# Phrases whose numerals are part of a name; masked before reading (most are also rejected by
# the Chinese-numeral rule, this list makes sure).
_FIXED_PHRASES = (
    "三会一课",
    "一社区一品牌",
    "一对一",
    "十九大",
    "二十大",
    "十八大",
    "一把手",
    "一岗双责",
    "两学一做",
    "三重一大",
    "一事一议",
    "一户一档",
    "一人一档",
    "一村一品",
    "一年一度",
    "一次性",
    "一站式",
    "一揽子",
    "一体化",
    "一网通办",
    "一门式",
    "一老一小",
    "一卡通",
    "十二五",
    "十三五",
    "十四五",
    "两不愁三保障",
    "三公经费",
    "二次供水",
)

# Characters that never serve as a one-character fallback unit (they are grammar, not units).
_NOT_UNITS = "的了是和与及或等在为并且但而中内外上下前后以左右约近共计达已将均其这那"


def _alt(words: tuple[str, ...] | list[str] | dict[str, Op]) -> str:
    """A regex alternation of literal words, longest first so that 不低于 beats 低于."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CJK = r"[\u4e00-\u9fff]"
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_RUN = rf"[{_CN_DIGITS}十百千万亿拾佰仟]+(?:点[{_CN_DIGITS}]+)?"
_OP = _alt(_OPERATORS)
_APPROX = _alt(_APPROX_WORDS)
_MAG = r"(?:千万|百万|[万亿千])"
_BASE = _alt(_UNITS)
_FALLBACK = rf"(?:(?![{_NOT_UNITS}]){_CJK}(?!{_CJK}|\d))"
_PER = rf"(?:{_alt(_PERS)}|{_CJK})"
_UNIT = rf"(?:%|‰|百分比|{_MAG}?(?:{_BASE})(?![A-Za-z])|{_MAG}|{_FALLBACK})(?:/{_PER})?"
_POST = rf"(?:\(含\))?(?:{_alt(_SUFFIX_OPS)}|{_AROUND})"
_SEP = r"(?:~|〜|-|—{1,2}|–|至|到)"
_MONTH = r"(?:1[0-2]|0?[1-9])"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_CN_MONTH = "(?:十[一二]?|[一二三四五六七八九])"
_CN_DAY = "(?:[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_DATE_TAIL = "(?:份|底|初|末|中|上旬|中旬|下旬)?"
_YEAR_TAIL = "(?:度|底|初|末|中|内|上半年|下半年)?"
_NO_UNIT = rf"(?!\s*(?:[%‰]|{_MAG}|(?!年)(?:{_BASE})))"

_DATE = "|".join(
    (
        # 2018-2020年, 2018年至2020年, 2018-20年
        rf"(?:19|20)\d{{2}}\s*年?\s*{_SEP}\s*(?:(?:19|20)\d{{2}}(?!\.?\d){_NO_UNIT}\s*(?:年{_YEAR_TAIL})?"
        rf"|\d{{2}}\s*年{_YEAR_TAIL})",
        # 2019-7-28, 2019/7, 2019.7.28 (not 2019-2020人, a range of people)
        rf"(?:19|20)\d{{2}}\s*[-/]\s*{_MONTH}(?:\s*[-/]\s*{_DAY})?(?!\.?\d){_NO_UNIT}",
        rf"(?:19|20)\d{{2}}\.{_MONTH}\.{_DAY}(?!\.?\d){_NO_UNIT}",
        rf"(?:19|20)\d{{2}}\s*年{_YEAR_TAIL}",
        # 1-12月, 4月15日, 11月份, 12月底
        rf"{_MONTH}\s*{_SEP}\s*{_MONTH}\s*月{_DATE_TAIL}",
        rf"{_MONTH}\s*月{_DATE_TAIL}(?:\s*{_DAY}\s*[日号])?",
        r"\d{1,2}:\d{2}(?::\d{2})?",
        rf"[〇零一二三四五六七八九]{{4}}\s*年{_YEAR_TAIL}",
        rf"{_CN_MONTH}月{_DATE_TAIL}(?:{_CN_DAY}[日号])?",
    )
)
# List markers (1、 1. (1)) at the start of the text or after a break.
_MARKER = r"(?<![^\s;。:!?])(?:\d{1,2}(?:、|\.(?!\d)|\))|\(\d{1,2}\))"

_TOKEN = re.compile(
    "|".join(
        (
            rf"(?P<every>每(?P<e_per>{_alt(_EVERY)})\s*(?P<e_op>{_OP})?\s*"
            rf"(?P<e_num>{_ARABIC}|{_CN_RUN})\s*(?P<e_unit>{_alt(_FREQ_UNITS)})(?P<e_post>{_POST})?)",
            rf"(?P<one>一(?P<o_per>{_alt(_PERIODS)})(?P<o_num>\d+|[一二两三四五六七八九十])"
            rf"(?P<o_unit>{_alt(_FREQ_UNITS)}))",
            rf"(?P<date>{_DATE})",
            rf"(?P<marker>{_MARKER})",
            rf"(?P<pct>(?P<p_op>{_OP})?\s*百分之(?P<p_num>{_ARABIC}|{_CN_RUN})(?P<p_post>{_POST})?)",
            rf"(?P<range>(?P<r_approx>{_APPROX})?\s*(?P<r_lo>{_ARABIC}|{_CN_RUN})\s*(?P<r_lo_unit>{_UNIT})?"
            rf"\s*{_SEP}\s*(?P<r_hi>{_ARABIC}|{_CN_RUN})(?P<r_yu>余|多)?\s*(?P<r_unit>{_UNIT})?"
            rf"(?P<r_post>{_POST})?)",
            rf"(?P<qty>(?P<q_op>{_OP})?\s*(?P<q_approx>{_APPROX})?\s*¥?(?P<q_neg>-)?(?P<q_num>{_ARABIC}|{_CN_RUN})"
            rf"(?P<q_yu>余|多)?\s*(?P<q_unit>{_UNIT})?(?P<q_post>{_POST})?)",
        )
    )
)
_FIXED = re.compile(_alt(_FIXED_PHRASES))
_HAS_CN_NUMERAL = re.compile(rf"[{_CN_DIGITS}十百千万亿拾佰仟]")
_CN_FRACTION = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {
    "〇": "0",
    "两": "2",
    **{c: str(i) for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")},
}
_MAGNITUDE_CHARS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}

# Characters to fix before NFKC: circled and parenthesised list numbers would otherwise become
# digits (① → 1), and a few look-alike signs NFKC leaves alone.
_PRE = str.maketrans(
    {
        **{chr(c): " " for c in range(0x2460, 0x24A0)},  # ①-⑳ ⑴-⒇ ⒈-⒛
        **{chr(c): " " for c in range(0x2776, 0x2794)},  # ❶-➓
        **{chr(c): " " for c in range(0x3251, 0x3260)},  # ㉑-㉟
        **{chr(c): " " for c in range(0x32B1, 0x32C0)},  # ㊱-㊿
        "〜": "~",
        "―": "—",
        "﹣": "-",
        "‐": "-",
        "‑": "-",
    }
)


# --- normalisation ------------------------------------------------------------------------------


def _normalise(text: str) -> tuple[str, list[int] | None]:
    """NFKC-normalise, returning the text and a map from its indices back to ``text``.

    The map is None when the normalised text has the same length and positions as ``text``.
    """
    pre = text.translate(_PRE)
    if pre.isascii() or unicodedata.is_normalized("NFKC", pre):
        return pre, None
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(pre):
        n = unicodedata.normalize("NFKC", ch)
        chars.append(n)
        index.extend([i] * len(n))
    index.append(len(pre))
    return "".join(chars), index


def _original(text: str, index: list[int] | None, start: int, end: int) -> str:
    """The piece of the original ``text`` behind normalised positions ``start:end``."""
    if index is None:
        return text[start:end].strip()
    if end <= start:
        return ""
    return text[index[start] : index[end - 1] + 1].strip()


def _mask_fixed(norm: str) -> str:
    """Blank out fixed phrases with numerals in them (三会一课) so they are never read as numbers."""
    if not _HAS_CN_NUMERAL.search(norm):
        return norm
    return _FIXED.sub(lambda m: "\x00" * len(m.group()), norm)


# --- numbers ------------------------------------------------------------------------------------


def _arabic(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@lru_cache(maxsize=4096)
def _chinese(text: str) -> Decimal | None:
    """A Chinese numeral (十二, 两, 三点五, 一千三百一十, 叁拾) as an exact Decimal, or None.

    cn2an reads the integer part; the digits after 点 are read one by one here, so the result is
    exact and never passes through a float.
    """
    whole, dot, frac = text.partition("点")
    if dot and (not whole or not frac):
        return None
    if whole == "百":
        return HUNDRED  # 百分之百
    try:
        number = cn2an.cn2an(whole, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    try:
        value = Decimal(str(number))
    except InvalidOperation:
        return None
    if not dot:
        return value
    digits = "".join(_CN_FRACTION.get(c, "") for c in frac)
    if len(digits) != len(frac):
        return None
    return value + Decimal(f"0.{digits}")


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        return _arabic(text)
    return _chinese(text)


def _split_magnitude(num: str, unit: str) -> tuple[str, str]:
    """Move a trailing 万/亿 of a Chinese numeral into the unit: 三十万 元 → 三十, 万元.

    This keeps ``三十万元`` and ``30万元`` the same value (30) and unit (万元).
    """
    if len(num) > 1 and num[-1] in _MAGNITUDE_CHARS and not num[0].isdigit() and "点" not in num:
        return num[:-1], num[-1] + unit
    return num, unit


# --- scanning -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    op: Op
    value: Decimal
    high: Decimal | None
    unit: str | None
    approx: bool


def _unit(text: str | None) -> str | None:
    if not text:
        return None
    text = text.replace(" ", "")
    if text.startswith("百分比"):
        return "%" + text[3:]
    return text


def _suffix(post: str | None) -> tuple[Op | None, bool]:
    """The operator and approximation a trailing word (以上, 以内, 左右) carries."""
    if not post:
        return None, False
    post = post.removeprefix("(含)")
    if post == _AROUND:
        return None, True
    return _SUFFIX_OPS.get(post), False


def _is_break(norm: str, pos: int) -> bool:
    """Whether the text ends at ``pos`` or continues with something other than a Chinese character."""
    return pos >= len(norm) or not ("\u4e00" <= norm[pos] <= "\u9fff")


def _read(m: re.Match[str], norm: str, lead: int) -> _Hit | None:
    """Turn one token match into a quantity, or None when the token is not a quantity."""
    kind = m.lastgroup
    start, end = m.span()
    if kind in {"every", "one"}:
        p = "e" if kind == "every" else "o"
        value = _number(m[f"{p}_num"])
        if value is None:
            return None
        op = _OPERATORS[m["e_op"]] if kind == "every" and m["e_op"] else Op.EQ
        if kind == "every" and op is Op.EQ:
            op = _suffix(m["e_post"])[0] or Op.EQ
        return _Hit(start, end, op, value, None, f"{m[f'{p}_unit']}/{m[f'{p}_per']}", False)
    if kind == "pct":
        value = _number(m["p_num"])
        if value is None:
            return None
        post_op, around = _suffix(m["p_post"])
        op = _OPERATORS[m["p_op"]] if m["p_op"] else post_op or Op.EQ
        return _Hit(start, end, op, value, None, "%", around)
    if kind == "range":
        return _read_range(m, norm, lead)
    if kind == "qty":
        return _read_qty(m, norm, lead)
    return None  # a date or a list marker


def _known_unit(unit: str) -> bool:
    """Whether a unit is from the vocabulary (not a one-character guess such as 般 in 一般)."""
    head = unit.partition("/")[0]
    for prefix in ("千万", "百万", "万", "亿", "千"):
        if head.startswith(prefix) and head[len(prefix) :] in _UNIT_SET:
            return True
    return head in _UNIT_SET


def _chinese_allowed(m: re.Match[str], norm: str, lead: int, num: str, unit: str | None) -> bool:
    """Chinese numerals are a quantity only at the start of the text, with a unit or a break after."""
    if num[0].isdigit():
        return True
    if m.start() != lead or not _is_break(norm, m.end()):
        return False
    return _known_unit(unit) if unit else m.end() >= len(norm)


def _excluded_neighbours(m: re.Match[str], norm: str, num_start: int) -> bool:
    """A number glued to Latin letters (5G, G20) or after 第 (an ordinal) is a name, not a quantity."""
    if norm.startswith("0", num_start) and norm[num_start + 1 : num_start + 2].isdigit():
        return True  # 027, 001: a code or a telephone number
    before = norm[num_start - 1] if num_start > 0 else ""
    if before == "第" or (before.isascii() and before.isalpha()) or before == ".":
        return True
    after = norm[m.end()] if m.end() < len(norm) else ""
    return after.isascii() and after.isalpha()


def _read_range(m: re.Match[str], norm: str, lead: int) -> _Hit | None:
    lo_text, hi_text = m["r_lo"], m["r_hi"]
    unit_text = m["r_unit"] or ""
    lo_text, lo_unit = _split_magnitude(lo_text, m["r_lo_unit"] or "")
    hi_text, unit_text = _split_magnitude(hi_text, unit_text)
    if _excluded_neighbours(m, norm, m.start("r_lo")):
        return None
    chinese = hi_text if lo_text[0].isdigit() else lo_text
    if not _chinese_allowed(m, norm, lead, chinese, unit_text):
        return None
    lo, hi = _number(lo_text), _number(hi_text)
    if lo is None or hi is None:
        return None
    if lo > hi:
        return None  # 10-5 is a date or a typo, not a range
    post_op, around = _suffix(m["r_post"])
    approx = bool(m["r_approx"] or m["r_yu"] or around)
    del post_op  # a range keeps its two ends; 以上 after a range adds nothing measurable
    return _Hit(m.start(), m.end(), Op.RANGE, lo, hi, _unit(unit_text or lo_unit), approx)


def _read_qty(m: re.Match[str], norm: str, lead: int) -> _Hit | None:
    num_text = m["q_num"]
    num_text, unit_text = _split_magnitude(num_text, m["q_unit"] or "")
    if _excluded_neighbours(m, norm, m.start("q_neg") if m["q_neg"] else m.start("q_num")):
        return None
    if not _chinese_allowed(m, norm, lead, num_text, unit_text):
        return None
    value = _number(num_text)
    if value is None:
        return None
    if m["q_neg"]:
        value = -value
    post_op, around = _suffix(m["q_post"])
    approx_word = m["q_approx"]
    approx = bool(approx_word or m["q_yu"] or around)
    if m["q_op"]:
        op = _OPERATORS[m["q_op"]]
    elif post_op is not None:
        op = post_op
    elif m["q_yu"] or approx_word == "逾":
        op = Op.GE
    else:
        op = Op.EQ
    return _Hit(m.start(), m.end(), op, value, None, _unit(unit_text), approx)


@lru_cache(maxsize=65536)
def _scan(text: str) -> tuple[tuple[_Hit, ...], int, str, tuple[int, ...] | None]:
    """Every quantity in ``text`` (stripped), with the normalised start position of the text."""
    norm, index = _normalise(text)
    norm = _mask_fixed(norm)
    lead = len(norm) - len(norm.lstrip())
    hits = tuple(h for m in _TOKEN.finditer(norm) if (h := _read(m, norm, lead)) is not None)
    return hits, lead, norm, tuple(index) if index is not None else None


def _value(text: str, hit: _Hit) -> Value:
    return Value(
        text=text,
        op=hit.op,
        value=hit.value,
        high=hit.high,
        unit=hit.unit,
        approx=hit.approx,
    )


# --- public API ---------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _parse_stripped(text: str) -> Value:
    hits, lead, _, _ = _scan(text)
    if hits and (hits[0].start == lead or len(hits) == 1):
        return _value(text, hits[0])
    return Value(text=text, op=Op.QUALITATIVE)


def parse_value(text: str | None) -> Value | None:
    """Read a target (年初目标值) or actual (实际完成值) cell; None when the cell is blank.

    The one quantity of the text is its value: the leading one when the text starts with a
    quantity (``≥4次/年、其中体育活动≥2次``), else the only one (``共完成19项``). Texts with no
    quantity, or several and none leading, are ``qualitative`` with no value: picking one of
    several figures would be a guess.
    """
    if text is None:
        return None
    stripped = text.strip()
    if not stripped:
        return None
    return _parse_stripped(stripped)


def quantities(text: str) -> list[Value]:
    """Every quantity in a text, in order, each with ``text`` the fragment it was read from.

    Dates, list markers and names are skipped as in :func:`parse_value`; the scorer uses this to
    find the one figure of a prose actual whose unit matches the target.
    """
    stripped = text.strip()
    if not stripped:
        return []
    hits, _, _, index = _scan(stripped)
    idx = list(index) if index is not None else None
    return [_value(_original(stripped, idx, h.start, h.end), h) for h in hits]


_AMOUNT = re.compile(
    rf"(?:¥|人民币|RMB|CNY)?\s*(?P<neg>-)?\s*¥?\s*(?P<num>\d[\d,]*(?:\.\d+)?|{_CN_RUN})\s*"
    r"(?P<unit>亿元|万元|千元|元|亿|万|千)?\s*整?",
    re.IGNORECASE,
)
_MAX_AMOUNT = Decimal(10) ** 18
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_amount(text: str | None, default_unit: str = "元") -> Decimal | None:
    """Read a money cell as exact yuan rounded to the fen (``535.87万元`` → 5358700.00).

    ``default_unit`` is the unit of a bare number: a table headed ``（万元）`` passes ``"万元"``.
    Anything but a single amount (prose, a rate, a dash) gives None.
    """
    if text is None:
        return None
    norm = unicodedata.normalize("NFKC", text).strip()
    if not norm:
        return None
    m = _AMOUNT.fullmatch(norm)
    if m is None:
        return None
    num = m["num"]
    unit = m["unit"]
    if num[0].isdigit():
        if "," in num and _THOUSANDS.fullmatch(num) is None:
            return None
        value: Decimal | None = Decimal(num.replace(",", ""))
    else:
        value = _chinese_amount(num)
    if value is None:
        return None
    amount = value * Unit.parse(unit if unit else default_unit).scale
    if abs(amount) >= _MAX_AMOUNT:
        return None  # beyond any budget, and beyond exact two-decimal arithmetic
    return yuan(-amount if m["neg"] else amount)


def _chinese_amount(num: str) -> Decimal | None:
    """A Chinese numeral amount, magnitudes included: 三十万 → 300000, 三点五万 → 35000."""
    if len(num) > 1 and num[-1] in _MAGNITUDE_CHARS:
        inner = _chinese(num[:-1])
        return None if inner is None else inner * _MAGNITUDE_CHARS[num[-1]]
    return _chinese(num)


_RATE = re.compile(
    rf"(?P<neg>-)?(?P<num>{_ARABIC}|{_CN_RUN})\s*(?P<pct>%|‰|百分比)?|百分之(?P<cn>{_ARABIC}|{_CN_RUN})"
)
_THOUSAND = Decimal(1000)


def parse_rate(text: str | None) -> Decimal | None:
    """Read a rate as a fraction: ``99.24%`` → 0.9924, ``百分之九十`` → 0.9.

    A bare number up to 1 is already a fraction (``0.9924``); a bare number above 1 and up to
    1000 is a percentage written without its sign (``98.7`` → 0.987). Anything else is None.
    """
    if text is None:
        return None
    norm = unicodedata.normalize("NFKC", text).strip()
    m = _RATE.fullmatch(norm) if norm else None
    if m is None:
        return None
    if m["cn"]:
        pct = _number(m["cn"])
        return None if pct is None else pct / HUNDRED
    number = _number(m["num"])
    if number is None:
        return None
    if m["neg"]:
        number = -number
    if m["pct"] == "‰":
        return number / _THOUSAND
    if m["pct"]:
        return number / HUNDRED
    if abs(number) <= 1:
        return number
    if abs(number) <= _THOUSAND:
        return number / HUNDRED
    return None
