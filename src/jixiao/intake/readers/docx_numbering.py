"""What a Word document's definitions parts say about a paragraph: its heading level (styles.xml,
inherited through ``w:basedOn``) and its automatic number (numbering.xml, written in Word's
number formats: “2.”, “（一）”, “①”…). The body walker of :mod:`jixiao.intake.readers.docx` asks
:class:`Styles` and :class:`Numbering` for each paragraph, in document order.

Also the two readers of OOXML attribute values the walker shares: :func:`on_off` and
:func:`bounded_int`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

Names = Callable[[str], str]
"""A namespace's qualified names: ``w("val")`` is ``{…/main}val`` (transitional or strict)."""

_MAX_STYLE_CHAIN = 32
_TRUE = frozenset({"1", "true", "on"})


def on_off(element: etree._Element | None, attribute: str) -> bool:
    """An OOXML on/off property: present without a value means on."""
    if element is None:
        return False
    value = element.get(attribute)
    return value is None or value.lower() in _TRUE


def bounded_int(value: str | None, default: int, low: int, high: int) -> int:
    """An integer attribute clamped to ``[low, high]``; ``default`` when absent or not a number."""
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, low), high)


# ---------------------------------------------------------------------------------------------
# Styles: heading levels and numbering inherited through ``w:basedOn``

_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAMES = frozenset({"title", "subtitle", "标题", "副标题"})


@dataclass(frozen=True, slots=True)
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    num_id: str | None
    ilvl: int | None


class Styles:
    """The paragraph styles: which heading level and which list a style gives, through its chain."""

    def __init__(self, root: etree._Element | None, names: Names) -> None:
        self._styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self._headings: dict[str, int | None] = {}
        self._numbering: dict[str, tuple[str | None, int | None]] = {}
        if root is not None:
            self._load(root, names)

    def _load(self, root: etree._Element, w: Names) -> None:
        val = w("val")
        for style in root.iter(w("style")):
            if style.get(w("type"), "paragraph") != "paragraph":
                continue
            style_id = style.get(w("styleId"))
            if not style_id:
                continue
            if _flag_attr(style.get(w("default"))):
                self.default_paragraph = style_id
            name = style.find(w("name"))
            based = style.find(w("basedOn"))
            ppr = style.find(w("pPr"))
            outline = num_id = ilvl = None
            if ppr is not None:
                level = ppr.find(w("outlineLvl"))
                outline = bounded_int(level.get(val), 9, 0, 9) if level is not None else None
                num_id, ilvl = num_pr(ppr.find(w("numPr")), w)
            self._styles[style_id] = _Style(
                name=(name.get(val) or "").strip() if name is not None else "",
                based_on=based.get(val) if based is not None else None,
                outline=outline,
                num_id=num_id,
                ilvl=ilvl,
            )

    def _chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and len(chain) < _MAX_STYLE_CHAIN:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                break
            chain.append(style)
            style_id = style.based_on
        return chain

    def heading(self, style_id: str | None) -> int | None:
        """The outline level (1 = top) a paragraph of this style has, or ``None``."""
        key = style_id or ""
        if key not in self._headings:
            self._headings[key] = self._resolve_heading(style_id or self.default_paragraph)
        return self._headings[key]

    def _resolve_heading(self, style_id: str | None) -> int | None:
        for style in self._chain(style_id):
            if style.name.lower() in _TITLE_NAMES:
                return None
            if style.outline is not None:
                return style.outline + 1 if style.outline < 9 else None
            match = _HEADING_NAME.match(style.name)
            if match:
                return int(match.group(1))
        return None

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """``(numId, ilvl)`` a paragraph of this style is numbered with (either may be ``None``)."""
        key = style_id or ""
        if key not in self._numbering:
            found: tuple[str | None, int | None] = (None, None)
            for style in self._chain(style_id or self.default_paragraph):
                if style.num_id is not None:
                    found = (style.num_id, style.ilvl)
                    break
            self._numbering[key] = found
        return self._numbering[key]

    def own_num_id(self, style_id: str) -> str | None:
        style = self._styles.get(style_id)
        return style.num_id if style is not None else None


def _flag_attr(value: str | None) -> bool:
    return value is not None and value.lower() in _TRUE


def num_pr(num_pr: etree._Element | None, w: Names) -> tuple[str | None, int | None]:
    if num_pr is None:
        return None, None
    num = num_pr.find(w("numId"))
    level = num_pr.find(w("ilvl"))
    num_id = num.get(w("val")) if num is not None else None
    ilvl = bounded_int(level.get(w("val")), 0, 0, 8) if level is not None else None
    return num_id, ilvl


# ---------------------------------------------------------------------------------------------
# Automatic numbering


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str | None
    suffix: str
    legal: bool
    restart: int | None
    style: str | None


@dataclass(slots=True)
class _Instance:
    abstract: str
    levels: dict[int, _Level]
    starts: dict[int, int]


_LEVEL_REF = re.compile(r"%([1-9])")


class Numbering:
    """Generates the number text of numbered paragraphs, in document order.

    Counters belong to the abstract definition, as in Word: two lists (``w:num``) sharing one
    ``w:abstractNum`` continue each other unless one restarts with ``w:startOverride``.
    """

    def __init__(self, root: etree._Element | None, names: Names) -> None:
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._style_links: dict[str, str] = {}  # abstractNumId → numbering style it links to
        self._instances: dict[str, _Instance] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._restarted: set[tuple[str, int]] = set()
        self._styles: Styles | None = None
        if root is not None:
            self._load(root, names)

    def _load(self, root: etree._Element, w: Names) -> None:
        val = w("val")
        for abstract in root.iter(w("abstractNum")):
            abstract_id = abstract.get(w("abstractNumId"))
            if abstract_id is None:
                continue
            self._abstracts[abstract_id] = {
                bounded_int(lvl.get(w("ilvl")), 0, 0, 8): _level(lvl, w) for lvl in abstract.iter(w("lvl"))
            }
            link = abstract.find(w("numStyleLink"))
            if link is not None and link.get(val):
                self._style_links[abstract_id] = link.get(val, "")
        for num in root.iter(w("num")):
            num_id = num.get(w("numId"))
            ref = num.find(w("abstractNumId"))
            if num_id is None or ref is None:
                continue
            levels: dict[int, _Level] = {}
            starts: dict[int, int] = {}
            for override in num.iter(w("lvlOverride")):
                ilvl = bounded_int(override.get(w("ilvl")), 0, 0, 8)
                start = override.find(w("startOverride"))
                if start is not None:
                    starts[ilvl] = bounded_int(start.get(val), 0, 0, 1_000_000)
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl, w)
            self._instances[num_id] = _Instance(ref.get(val, ""), levels, starts)

    def link_styles(self, styles: Styles) -> None:
        self._styles = styles

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        """The level a style-numbered paragraph takes: the ``w:lvl`` that names its style, else 0."""
        if style_id is None:
            return 0
        for ilvl, level in self._levels(num_id).items():
            if level.style == style_id:
                return ilvl
        return 0

    def _abstract_id(self, instance: _Instance) -> str:
        """Follow ``w:numStyleLink`` (a list defined through a numbering style) to the real list."""
        abstract_id = instance.abstract
        for _ in range(4):
            style_id = self._style_links.get(abstract_id)
            if style_id is None or self._styles is None:
                break
            linked_num = self._styles.own_num_id(style_id)
            linked = self._instances.get(linked_num or "")
            if linked is None or linked.abstract == abstract_id:
                break
            abstract_id = linked.abstract
        return abstract_id

    def _levels(self, num_id: str) -> dict[int, _Level]:
        instance = self._instances.get(num_id)
        if instance is None:
            return {}
        levels = self._abstracts.get(self._abstract_id(instance), {})
        return {**levels, **instance.levels} if instance.levels else levels

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of ``(num_id, ilvl)`` and return the label to print, follow
        character included (``"2."``, ``"（一）"``, ``"1. "``); ``""`` for bullets and unknown lists."""
        instance = self._instances.get(num_id)
        if instance is None:
            return ""
        levels = self._levels(num_id)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self._counters.setdefault(self._abstract_id(instance), [None] * 9)
        start = level.start
        if ilvl in instance.starts:
            start = instance.starts[ilvl]
            if (num_id, ilvl) not in self._restarted:
                self._restarted.add((num_id, ilvl))
                counters[ilvl] = None
        current = counters[ilvl]
        counters[ilvl] = start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            lower = levels.get(deeper)
            restart_after = lower.restart if lower is not None and lower.restart is not None else deeper
            if ilvl + 1 <= restart_after:
                counters[deeper] = None
        return _render_label(level, levels, counters)


def _level(lvl: etree._Element, w: Names) -> _Level:
    val = w("val")
    start = lvl.find(w("start"))
    fmt = lvl.find(w("numFmt"))
    text = lvl.find(w("lvlText"))
    suffix = lvl.find(w("suff"))
    restart = lvl.find(w("lvlRestart"))
    style = lvl.find(w("pStyle"))
    return _Level(
        start=bounded_int(start.get(val), 1, 0, 1_000_000) if start is not None else 1,
        fmt=(fmt.get(val) or "decimal") if fmt is not None else "decimal",
        text=text.get(val) if text is not None else None,
        suffix=(suffix.get(val) or "tab") if suffix is not None else "tab",
        legal=on_off(lvl.find(w("isLgl")), val),
        restart=bounded_int(restart.get(val), 0, 0, 9) if restart is not None else None,
        style=style.get(val) if style is not None else None,
    )


def _render_label(level: _Level, levels: dict[int, _Level], counters: list[int | None]) -> str:
    if level.fmt == "bullet" or not level.text:
        return ""

    def number(match: re.Match[str]) -> str:
        ilvl = int(match.group(1)) - 1
        other = levels.get(ilvl)
        if other is None:
            return ""
        value = counters[ilvl]
        fmt = "decimal" if level.legal else other.fmt
        return format_number(other.start if value is None else value, fmt)

    label = _LEVEL_REF.sub(number, level.text)
    if not label.strip():
        return ""
    if level.suffix == "nothing" or _ends_wide(label):
        return label
    return f"{label} "


def _ends_wide(label: str) -> bool:
    """Whether a label ends in a CJK character or full-width punctuation (“1、”, “（一）”), after
    which Word's tab or space prints as no visible gap in running Chinese text."""
    return ord(label.rstrip()[-1]) >= 0x2E80


# Number formats (ST_NumberFormat)

_CN_DIGITS = "〇一二三四五六七八九"
_CN_UNITS = ("", "十", "百", "千")
_LEGAL_SIMPLIFIED = str.maketrans("〇一二三四五六七八九十百千万", "零壹贰叁肆伍陆柒捌玖拾佰仟万")
_LEGAL_TRADITIONAL = str.maketrans("〇一二三四五六七八九十百千万", "零壹貳參肆伍陸柒捌玖拾佰仟萬")
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _chinese(n: int, *, drop_leading_one: bool = True) -> str:
    """Chinese counting numerals: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五, 12000 → 一万二千."""
    if n <= 0:
        return "〇"
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        rest = _chinese(low, drop_leading_one=False) if low else ""
        gap = "零" if 0 < low < 1000 else ""
        return f"{_chinese(high, drop_leading_one=drop_leading_one)}万{gap}{rest}"
    digits = [int(d) for d in str(n)]
    out: list[str] = []
    pending_zero = False
    for i, digit in enumerate(digits):
        if digit == 0:
            pending_zero = True
            continue
        if pending_zero and out:
            out.append("零")
        pending_zero = False
        out.append(_CN_DIGITS[digit] + _CN_UNITS[len(digits) - i - 1])
    text = "".join(out)
    if drop_leading_one and text.startswith("一十"):
        text = text[1:]
    return text


def _letters(n: int) -> str:
    # Word's letter lists: A…Z, then AA…ZZ, AAA… (the letter repeated).
    if n <= 0:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out: list[str] = []
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def _enclosed_circle(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)


def _enclosed(n: int, first: int) -> str:
    return chr(first + n - 1) if 1 <= n <= 20 else str(n)


def _cycle(n: int, symbols: str) -> str:
    return symbols[(n - 1) % len(symbols)] if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str:
    """A list counter written in Word's number format ``fmt`` (``decimal``, ``chineseCounting``…).

    Formats Word knows but this reader does not write come out as decimal numbers.
    """
    if fmt in {"decimal", "decimalHalfWidth", "custom"}:
        return str(n)
    if fmt == "none":
        return ""
    if fmt in {"chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"}:
        return _chinese(n)
    if fmt in {"ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"}:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return _chinese(n, drop_leading_one=False).translate(_LEGAL_SIMPLIFIED)
    if fmt in {"ideographLegalTraditional", "japaneseLegal", "taiwaneseCountingThousand"}:
        return _chinese(n, drop_leading_one=False).translate(_LEGAL_TRADITIONAL)
    if fmt == "ideographTraditional":
        return _cycle(n, _HEAVENLY_STEMS)
    if fmt == "ideographZodiac":
        return _cycle(n, _EARTHLY_BRANCHES)
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"}:
        return _enclosed_circle(n)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474)
    if fmt in {"decimalFullWidth", "decimalFullWidth2"}:
        return str(n).translate(_FULL_WIDTH_DIGITS)
    return str(n)
