"""Excel number formats: a cell's stored value written the way its format shows it.

``#,##0.00`` → ``2,440.91``, ``0%`` → ``98.74%``, ``yyyy"年"m"月"d"日"`` → ``2021年6月30日``,
conditional and multi-section codes, scientific notation, elapsed time, the locale-dependent
built-in formats of Chinese Excel and WPS (:data:`ZH_BUILTIN_FORMATS`), and the exact Decimal a
stored float stands for (:func:`exact`: Excel's 15 significant digits). The spreadsheet reader
(:mod:`jixiao.intake.readers.spreadsheet`) calls :func:`format_value` for every cell of .xlsx
and .xls alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.intake.document import clean_text

__all__ = ["ZH_BUILTIN_FORMATS", "cell_text", "exact", "format_value", "is_date_format"]

# Built-in number formats whose code depends on the locale and is not written into the file;
# these are the zh-CN codes (ECMA-376 Part 1, 18.8.30). Chinese Excel and WPS use 31 and 57/58.
ZH_BUILTIN_FORMATS: dict[int, str] = {
    27: 'yyyy"年"m"月"',
    28: 'm"月"d"日"',
    29: 'm"月"d"日"',
    30: "m-d-yy",
    31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"',
    33: 'h"时"mm"分"ss"秒"',
    34: '上午/下午h"时"mm"分"',
    35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"',
    51: 'm"月"d"日"',
    52: 'yyyy"年"m"月"',
    53: 'm"月"d"日"',
    54: 'm"月"d"日"',
    55: '上午/下午h"时"mm"分"',
    56: '上午/下午h"时"mm"分"ss"秒"',
    57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d*)?)\]")
_DATE_LETTERS = "ymdhseagb"
_CHINESE_DATE = ("年", "月", "日")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # lit, ph, dot, comma, pct, exp, slash, general, at, date, ampm
    text: str


@functools.lru_cache(maxsize=1024)
def _split_sections(code: str) -> tuple[str, ...]:
    """A format code's ``;``-separated sections (ignoring ``;`` inside quotes and brackets)."""
    sections: list[str] = []
    current: list[str] = []
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = n - 1 if end < 0 else end
            current.append(code[i : end + 1])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < n:
            current.append(code[i : i + 2])
            i += 2
            continue
        if ch == "[":
            end = code.find("]", i + 1)
            end = n - 1 if end < 0 else end
            current.append(code[i : end + 1])
            i = end + 1
            continue
        if ch == ";":
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    sections.append("".join(current))
    return tuple(sections)


@functools.lru_cache(maxsize=1024)
def _tokenize(section: str) -> tuple[_Token, ...]:
    tokens: list[_Token] = []
    i, n = 0, len(section)
    seen_digit = False
    while i < n:
        ch = section[i]
        low = ch.lower()
        if ch == '"':
            end = section.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(_Token("lit", section[i + 1 : end]))
            i = end + 1
        elif ch == "\\":
            tokens.append(_Token("lit", section[i + 1 : i + 2]))
            i += 2
        elif ch in "_*":  # padding to the width of the next character / fill: nothing to write
            i += 2
        elif ch == "[":
            end = section.find("]", i + 1)
            end = n if end < 0 else end
            inner = section[i + 1 : end]
            if inner.startswith("$"):
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    tokens.append(_Token("lit", symbol))
            elif re.fullmatch(r"h+|m+|s+", inner, re.IGNORECASE):
                tokens.append(_Token("date", "[" + inner.lower() + "]"))
            # colours, conditions, [DBNum1], locales: nothing to write
            i = end + 1
        elif section[i : i + 7].lower() == "general":
            tokens.append(_Token("general", "General"))
            i += 7
        elif section[i : i + 5].upper() == "AM/PM":
            tokens.append(_Token("ampm", section[i : i + 5]))
            i += 5
        elif section[i : i + 3].upper() == "A/P":
            tokens.append(_Token("ampm", section[i : i + 3]))
            i += 3
        elif section.startswith("上午/下午", i):
            tokens.append(_Token("ampm", "上午/下午"))
            i += 5
        elif low == "e" and seen_digit and i + 1 < n and section[i + 1] in "+-":
            tokens.append(_Token("exp", section[i : i + 2]))
            i += 2
        elif low == "b" and i + 1 < n and section[i + 1] in "12":  # B1/B2: calendar switch
            i += 2
        elif low in _DATE_LETTERS:
            j = i
            while j < n and section[j].lower() == low:
                j += 1
            tokens.append(_Token("date", low * (j - i)))
            i = j
        elif ch in "0#?":
            seen_digit = True
            tokens.append(_Token("ph", ch))
            i += 1
        else:
            kind = {".": "dot", ",": "comma", "%": "pct", "/": "slash", "@": "at"}.get(ch, "lit")
            tokens.append(_Token(kind, ch))
            i += 1
    return tuple(tokens)


def _pick_section(code: str, value: Decimal) -> tuple[str, bool]:
    """The section that shows ``value``, and whether a minus sign must be written for it."""
    sections = _split_sections(code)[:3]  # a fourth section is for text
    conditions = [_CONDITION.search(s) for s in sections]
    if any(conditions[:2]):
        for section, cond in zip(sections[:2], conditions[:2], strict=False):
            if cond and _holds(cond.group(1), value, Decimal(cond.group(2))):
                return section, value < 0
        rest = [s for s, cond in zip(sections, conditions, strict=True) if cond is None]
        return (rest[0] if rest else "General"), value < 0
    if len(sections) >= 2 and value < 0:
        return sections[1], False
    if len(sections) >= 3 and value == 0:
        return sections[2], False
    return sections[0], value < 0


def _holds(op: str, left: Decimal, right: Decimal) -> bool:
    return {
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
        "=": left == right,
        "<>": left != right,
    }[op]


def _plain(value: Decimal) -> str:
    """A Decimal in positional notation without trailing zeros: ``1E+2`` → ``100``."""
    if value == 0:
        return "0"
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ",".join(p for p in parts if p)


def _digits(value: Decimal, min_int: int, min_frac: int, thousands: bool) -> tuple[str, str]:
    """Integer and fraction digits of a non-negative value, padded to the format's minimum."""
    whole, _, frac = _plain(value).partition(".")
    whole = whole.lstrip("0")
    whole = whole.rjust(min_int, "0")
    if thousands and whole:
        whole = _group(whole)
    frac = frac.rstrip("0").ljust(min_frac, "0")
    return whole, frac


@dataclass(frozen=True, slots=True)
class _NumberPlan:
    """What a number section asks for, worked out once per section."""

    kind: str  # "general", "text" (``@``), "literal" (no digits: ``"-"``, or empty), "digits"
    prefix: str = ""
    suffix: str = ""
    percent: int = 0
    thousands: bool = False
    scale: int = 0  # trailing commas: thousands to divide by
    min_int: int = 0
    min_frac: int = 0
    int_part: tuple[_Token, ...] = ()
    exp_part: tuple[_Token, ...] | None = None


@functools.lru_cache(maxsize=1024)
def _plan(section: str) -> _NumberPlan:
    tokens = list(_tokenize(section))
    kinds = [t.kind for t in tokens]
    if "general" in kinds:
        i = kinds.index("general")
        before = "".join(t.text for t in tokens[:i] if t.kind == "lit")
        after = "".join(t.text for t in tokens[i + 1 :] if t.kind == "lit")
        return _NumberPlan("general", prefix=before, suffix=after)
    if "ph" not in kinds:
        if "at" in kinds:  # a text format: the number as typed
            return _NumberPlan("text")
        # A section of literal text only (``"-"`` for zero), or an empty one that hides the value.
        return _NumberPlan("literal", prefix="".join(t.text for t in tokens if t.kind in ("lit", "pct")))
    # A ``/`` between digit placeholders makes a fraction (``# ?/?``); elsewhere it is text (元/吨).
    placeholders = [i for i, k in enumerate(kinds) if k == "ph"]
    tokens = [
        _Token("lit", "/") if t.kind == "slash" and not placeholders[0] < i < placeholders[-1] else t
        for i, t in enumerate(tokens)
    ]
    core = [i for i, t in enumerate(tokens) if t.kind in ("ph", "dot", "comma", "exp", "slash")]
    first, last = core[0], core[-1]
    pattern = [t for t in tokens[first : last + 1] if t.kind != "lit"]  # literals inside are dropped
    exp_at = next((i for i, t in enumerate(pattern) if t.kind == "exp"), None)
    mantissa = pattern if exp_at is None else pattern[:exp_at]
    dot_at = next((i for i, t in enumerate(mantissa) if t.kind == "dot"), len(mantissa))
    int_part, frac_part = mantissa[:dot_at], mantissa[dot_at + 1 :]
    int_kinds = "".join("c" if t.kind == "comma" else "p" if t.kind == "ph" else "x" for t in int_part)
    fraction = any(t.kind == "slash" for t in pattern)
    return _NumberPlan(
        "digits",
        prefix="".join(t.text for t in tokens[:first] if t.kind in ("lit", "pct")),
        suffix="".join(t.text for t in tokens[last + 1 :] if t.kind in ("lit", "pct")),
        percent=kinds.count("pct"),
        thousands="cp" in int_kinds,
        scale=len(int_kinds) - len(int_kinds.rstrip("c")) + sum(t.kind == "comma" for t in frac_part),
        min_int=sum(t.text == "0" for t in int_part if t.kind == "ph"),
        min_frac=0 if fraction else sum(t.text in "0?" for t in frac_part if t.kind == "ph"),
        int_part=tuple(int_part),
        exp_part=None if exp_at is None else tuple(pattern[exp_at:]),
    )


def _render_number(value: Decimal, section: str, minus: bool) -> str:
    plan = _plan(section)
    sign = "-" if minus else ""
    magnitude = abs(value)
    if plan.kind == "general":
        return sign + plan.prefix + _plain(magnitude) + plan.suffix
    if plan.kind == "text":
        return sign + _plain(magnitude)
    if plan.kind == "literal":
        return plan.prefix
    if plan.percent:
        magnitude *= Decimal(100) ** plan.percent
    if plan.scale:
        magnitude /= Decimal(1000) ** plan.scale
    if plan.exp_part is not None:
        body = _render_scientific(magnitude, list(plan.int_part), plan.min_frac, list(plan.exp_part))
    else:
        whole, frac = _digits(magnitude, plan.min_int, plan.min_frac, plan.thousands)
        body = whole + ("." + frac if frac else "")
        if body.startswith("."):
            body = "0" + body
        if not body and not (plan.prefix or plan.suffix):
            body = "0"
    return sign + plan.prefix + body + plan.suffix


def _render_scientific(value: Decimal, int_part: list[_Token], min_frac: int, exp_part: list[_Token]) -> str:
    n_int = max(1, sum(t.kind == "ph" for t in int_part))
    if value == 0:
        exponent = 0
    elif n_int > 1 and any(t.text == "#" for t in int_part):  # engineering: ##0.0E+0
        exponent = (value.adjusted() // n_int) * n_int
    else:
        exponent = value.adjusted() - (n_int - 1)
    mantissa = value.scaleb(-exponent)
    whole, frac = _digits(mantissa, 1, min_frac, False)
    marker = exp_part[0].text
    exp_digits = max(1, sum(t.text == "0" for t in exp_part[1:] if t.kind == "ph"))
    exp_sign = "-" if exponent < 0 else ("+" if marker[1] == "+" else "")
    return f"{whole or '0'}{'.' + frac if frac else ''}{marker[0]}{exp_sign}{abs(exponent):0{exp_digits}d}"


@functools.lru_cache(maxsize=1024)
def is_date_format(code: str) -> bool:
    """Whether a number format shows its value as a date or time."""
    if not code:
        return False
    section = _split_sections(code)[0]
    kinds = {t.kind for t in _tokenize(section)}
    return "date" in kinds and "general" not in kinds


@functools.lru_cache(maxsize=1024)
def _is_elapsed(code: str) -> bool:
    """Whether a format shows elapsed time (``[h]:mm``), not a time of day."""
    section = _split_sections(code)[0] if code else ""
    return any(t.kind == "date" and t.text.startswith("[") for t in _tokenize(section))


_Temporal = dt.datetime | dt.date | dt.time | dt.timedelta


def _render_temporal(value: _Temporal, code: str) -> str:
    """A date/time written as ``2021年6月30日`` (format with 年月日) or ``2021-06-30``, ``14:30``."""
    section = _split_sections(code)[0] if code else ""
    tokens = [t for t in _tokenize(section) if t.kind in ("date", "lit", "ampm")]
    dates = [t for t in tokens if t.kind == "date"]
    chinese = any(ch in t.text for t in tokens if t.kind == "lit" for ch in _CHINESE_DATE)
    has_year = any(t.text[0] in "yeb" for t in dates)
    has_day = any(t.text[0] == "d" and len(t.text) <= 2 for t in dates)
    has_month = has_minute = False
    for i, t in enumerate(dates):
        if t.text[0] != "m":
            continue
        before = dates[i - 1].text if i else ""
        after = dates[i + 1].text if i + 1 < len(dates) else ""
        if len(t.text) <= 2 and (before.lstrip("[")[:1] == "h" or after.lstrip("[")[:1] == "s"):
            has_minute = True
        else:
            has_month = True
    has_hour = any(t.text.lstrip("[")[:1] == "h" for t in dates)
    has_second = any(t.text.lstrip("[")[:1] == "s" for t in dates)
    elapsed = any(t.text.startswith("[") for t in dates)
    if not dates:  # a date held in a cell without a date format
        has_year = has_month = has_day = True
        if isinstance(value, dt.datetime) and value.time() != dt.time(0):
            has_hour = has_minute = True
    has_time = has_hour or has_minute or has_second

    if isinstance(value, dt.timedelta) or elapsed:
        seconds = _total_seconds(value)
        hours, rest = divmod(round(seconds), 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}" + (f":{secs:02d}" if has_second else "")

    day: dt.date | None = value.date() if isinstance(value, dt.datetime) else None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    clock: dt.time = value.time() if isinstance(value, dt.datetime) else dt.time(0)
    if isinstance(value, dt.time):
        clock = value
    parts: list[str] = []
    if day is not None and (has_year or has_month or has_day or not has_time):
        if not (has_year or has_month or has_day):
            has_year = has_month = has_day = True
        if chinese:
            parts.append(
                (f"{day.year}年" if has_year else "")
                + (f"{day.month}月" if has_month else "")
                + (f"{day.day}日" if has_day else "")
            )
        else:
            ymd = (
                [f"{day.year:04d}"] * has_year
                + [f"{day.month:02d}"] * has_month
                + [f"{day.day:02d}"] * has_day
            )
            parts.append("-".join(ymd))
    if has_time or day is None:
        text = f"{clock.hour:02d}:{clock.minute:02d}"
        if has_second:
            text += f":{clock.second:02d}"
        parts.append(text)
    return " ".join(parts)


def _total_seconds(value: _Temporal) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).total_seconds()
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return (value - dt.date(1899, 12, 30)).total_seconds() if isinstance(value, dt.date) else 0.0


def exact(value: float | int) -> Decimal | None:
    """The Decimal a stored number stands for: ints exactly, floats to Excel's 15 significant
    digits (binary noise such as ``0.30000000000000004`` is Excel's ``0.3``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if not math.isfinite(value):
        return None
    number = Decimal(format(value, ".15g"))
    if number == number.to_integral_value():
        return Decimal(int(number))
    return number.normalize()


def _from_serial(serial: float, code: str, date1904: bool) -> _Temporal | None:
    """An Excel date serial as a datetime (or a duration for ``[h]:mm``); None when out of range."""
    if _is_elapsed(code):
        return dt.timedelta(days=serial)
    if not 0 <= serial < 2958466:  # Excel shows ##### outside 1900-01-00 … 9999-12-31
        return None
    days = math.floor(serial)
    if date1904:
        base = dt.datetime(1904, 1, 1)
    else:  # the 1900 system counts a 29 February 1900 that never was (serial 60)
        base = dt.datetime(1899, 12, 31) if serial < 60 else dt.datetime(1899, 12, 30)
    return base + dt.timedelta(days=days, milliseconds=round((serial - days) * 86_400_000))


def format_value(value: object, code: str | None, *, date1904: bool = False) -> tuple[str, Decimal | None]:
    """A cell value's text as its number format shows it, and its exact number (if it is one).

    ``value`` is what the workbook stores: a number (a date serial when the format is a date
    format; ``date1904`` for workbooks that count from 1904), a date/time object, a bool or a
    string. Dates and times have no number.
    """
    code = code or "General"
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("是" if value else "否"), None
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return _render_temporal(value, code if is_date_format(code) else ""), None
    if isinstance(value, int | float):
        number = exact(value)
        if number is None:
            return str(value), None
        if code == "General":
            return _plain(number), number
        if is_date_format(code):
            moment = _from_serial(float(value), code, date1904)
            if moment is not None:
                return _render_temporal(moment, code), None
            return _plain(number), number
        section, minus = _pick_section(code, number)
        return _render_number(number, section, minus), number
    return cell_text(str(value)), None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(text: str) -> str:
    """Cell text with line breaks as ``\\n``, without control characters, cleaned."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return clean_text(_CONTROL.sub("", text))
