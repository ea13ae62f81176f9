"""Text normalisation before reading: the same words whatever script, width or scanner wrote them.

Reports reach a bureau typed in Traditional characters (a portal of Hong Kong style, a converter's
“繁體” setting), with the pinyin of every character printed after it (``項(xiàng)目``, what a web
archive keeps of a page with ruby annotations), in full-width digits and letters from a Chinese
input method, and through OCR that reads ``≥`` as ``≧`` and ``0`` as ``O``. The extractors know
one spelling of each label and number; :func:`normalise` brings text to it:

1. full-width digits, Latin letters, ``％`` and ``＜＝＞`` become ASCII (``１２３``, ``ＡＢ``,
   ``＜＝``), and ``．``/``－`` between digits a decimal point and a dash (``１２．５``,
   ``２０２０－２０２１``); other full-width punctuation (``，：（）－``) is kept as written, the
   extractors read both forms;
2. comparator variants become the ones the value reader knows: ``≧`` → ``≥``, ``≦`` → ``≤``,
   ``≮`` (not less than) → ``≥``, ``≯`` (not more than) → ``≤``,
   ``═`` (a box-drawing line a converter wrote for ``=``) → ``=``, and an OCR ``W`` written where
   ``≤`` belongs (``W5%``) → ``≤``;
3. a letter ``O``/``o`` inside a number (``1O0%``, ``2O21年``) → ``0``; an ``O`` next to other Latin
   letters (``CO2``) is a word and kept;
4. pinyin annotations after a Chinese character (``項(xiàng)``, ``项（mù）``) are removed; a
   parenthesis needs a tone-marked vowel to count as pinyin, so ``预算数(A)`` is kept;
5. Traditional characters become Simplified (OpenCC ``t2s``, phrase-aware), only when the text
   holds a character that is Traditional-only: one outside GB 2312 (the Simplified character set)
   that OpenCC changes. Simplified text is never passed through the converter.

:func:`comparator` reads the one-character OCR confusions that are only meaningful in a column of
comparators (``2`` for ``≥``, ``W`` for ``≤``); the extractors call it where they know the column.

The original text is not lost: readers keep it beside the normalised text (``Paragraph.original``,
``Cell.original``) when the two differ, and every ``place`` points into the file as written.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opencc import OpenCC

# Full-width digits, Latin letters, ％ and the comparison signs; the ideographic space. Other
# full-width punctuation (，：；（）－／…) stays as written: only between digits are ``．`` and
# ``－`` a decimal point and a minus or range dash.
_WIDE = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), *map(ord, "％＜＝＞")]
_WIDTH_TRANS = {cp: cp - 0xFEE0 for cp in _WIDE} | {
    ord("\u3000"): " ",
    ord("≧"): "≥",
    ord("≦"): "≤",
    ord("≮"): "≥",
    ord("≯"): "≤",
    ord("═"): "=",
}
_NEEDS_WIDTH = re.compile("[０-９Ａ-Ｚａ-ｚ％＜＝＞\u3000≧≦≮≯═]")
_WIDE_IN_NUMBER = re.compile(r"(?<=\d)([．－])(?=\d)")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（]\s*(?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\s*[)）]",
)
# An OCR “O” or “o” among digits: a run of digits, dots and O/o holding at least one digit and
# one O, not touching a Latin letter or another digit on either side.
_OCR_ZERO = re.compile(
    r"(?<![A-Za-z0-9.,])(?=[0-9.,]*[Oo])[0-9](?:[0-9Oo]|[.,](?=[0-9Oo]))*(?![A-Za-z0-9])"
)  # a separator (“1,O86.4O”) only between digits
_OCR_ZERO_LEAD = re.compile(r"(?<![A-Za-z0-9.])[Oo](?=\.[0-9])")
# An OCR “W” for ≤ in front of a percentage or a number with a Chinese unit.
_OCR_LE = re.compile(r"(?<![A-Za-z0-9])W(?=\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]))")


# OCR glyph confusions in the budget block's labels, each read back only inside the label it
# damages: 预匏 for 预算 (年初预匏数), 预算将 for 预算数 (调整预算将), 万兀 for 万元, 项Fl (before 资金)
# and 顼目 for 项目. Elsewhere these characters are left alone: 匏, 兀 and 将 are words of their own.
_OCR_LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=预)(\s*)匏"), r"\1算"),
    (re.compile(r"(?<=预)(\s*算\s*)将"), r"\1数"),
    (re.compile(r"(?<=万)(\s*)兀"), r"\1元"),
    (re.compile(r"(?<=项)Fl(?=\s*资\s*金)"), "目"),
    (re.compile(r"顼(?=目)"), "项"),
)
_OCR_LABEL_HINT = re.compile("[匏将兀顼]|Fl")


def _ocr_labels(text: str) -> str:
    for pattern, repl in _OCR_LABELS:
        text = pattern.sub(repl, text)
    return text


@cache
def _converter() -> OpenCC:
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _traditional() -> re.Pattern[str]:
    """The characters whose presence means Traditional text (see the module docstring)."""
    candidates: list[str] = []
    for cp in range(0x4E00, 0xA000):
        ch = chr(cp)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            candidates.append(ch)
    converted = _converter().convert("\n".join(candidates)).split("\n")
    if len(converted) != len(candidates):  # the converter never joins lines; be safe if it did
        converted = [_converter().convert(ch) for ch in candidates]
    changed = "".join(a for a, b in zip(candidates, converted, strict=True) if a != b)
    return re.compile(f"[{changed}]")


def has_traditional(text: str) -> bool:
    """Whether ``text`` holds a Traditional-only character."""
    return not text.isascii() and _traditional().search(text) is not None


def _zero(match: re.Match[str]) -> str:
    return match.group(0).replace("O", "0").replace("o", "0")


def normalise(text: str) -> str:
    """The text in the spelling the extractors read (see the module docstring)."""
    if text.isascii():
        if "O" in text or "o" in text:
            text = _OCR_ZERO_LEAD.sub("0", _OCR_ZERO.sub(_zero, text))
        return _OCR_LE.sub("≤", text) if "W" in text else text
    if _NEEDS_WIDTH.search(text):
        text = text.translate(_WIDTH_TRANS)
    if ("．" in text or "－" in text) and _WIDE_IN_NUMBER.search(text):
        text = _WIDE_IN_NUMBER.sub(lambda m: "." if m.group(1) == "．" else "-", text)
    if "O" in text or "o" in text:
        text = _OCR_ZERO_LEAD.sub("0", _OCR_ZERO.sub(_zero, text))
    if "W" in text:
        text = _OCR_LE.sub("≤", text)
    if _OCR_LABEL_HINT.search(text):
        text = _ocr_labels(text)
    if ("(" in text or "（" in text) and _PINYIN.search(text):
        text = _PINYIN.sub("", text)
    if _traditional().search(text):
        text = _converter().convert(text)
    return text


# What a scanner makes of a comparator cell: ≥ read as “2” or “>”, ≤ as “W” or “<”.
_COMPARATORS = {"2": "≥", ">": "≥", ">=": "≥", "=>": "≥", "W": "≤", "w": "≤", "<": "≤", "<=": "≤", "=<": "≤"}


def comparator(cell: str) -> str:
    """A cell of a comparator column (指标性质/符号) as the comparator it stands for.

    Only a whole cell is read: ``"2"`` is ``≥`` here because a comparator column holds nothing
    else, while the same digit anywhere else is a number.
    """
    text = normalise(cell.strip())
    return _COMPARATORS.get(text, text)
