"""Glyphs, lines and paragraphs of a PDF page: the geometry half of the PDF reader.

A PDF holds positioned glyphs, not words or paragraphs. This module

- reads a page's glyphs with pdfminer (through pdfplumber), dropping glyphs a clipping path hides
  (spreadsheet exports draw a merged cell's label once per page and clip all but one copy away);
- reads them with PDFium instead when pdfminer cannot map a font to Unicode;
- groups glyphs into visual lines, with spaces only where the page shows a gap (no spaces between
  CJK characters, none for the narrow “autospace” word processors put between CJK and Latin);
- decides whether a line continues the paragraph of the line above (:func:`continues`,
  :func:`joins_in_cell`).
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt
from pdfplumber.page import Page
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import PdfminerException

# pdfminer's rendering of a glyph its font cannot map to Unicode.
CID_TOKEN = re.compile(r"^\(cid:\d+\)$")

# Symbol fonts draw check boxes with ordinary letters: Wingdings 2 “R” is a ticked box, “£” an
# empty one. Codes arrive as the letter, as a Private Use code point (U+F000 + code) or as a CID.
_WINGDINGS: dict[str, dict[int, str]] = {
    "wingdings2": {0x50: "☑", 0x52: "☑", 0x53: "☑", 0x54: "☑", 0xA3: "☐", 0x2A: "☐"},
    "wingdings": {0xFE: "☑", 0xFD: "☑", 0xFC: "☑", 0x6E: "☑", 0xA8: "☐", 0x6F: "☐"},
}


@dataclass(slots=True)
class _Box:
    """Text and where it stands, in top-down page coordinates (points); ``size`` is the font's."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class Glyph(_Box):
    """One drawn character."""


@dataclass(slots=True)
class Line(_Box):
    """A visual line of text: the text its glyphs spell, left to right, and where it stands."""

    # Width of what a word processor would have had to fit at the end of the line above for this
    # line not to start here: the first character (with the punctuation that may not start a
    # line), or the first Latin word.
    head_width: float
    page: int = 0

    @property
    def width(self) -> float:
        return self.x1 - self.x0


# ---------------------------------------------------------------------------------------------
# Reading glyphs
# ---------------------------------------------------------------------------------------------


class _ClipDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, dropping characters outside the current clipping box."""

    clip: tuple[float, float, float, float] | None = None

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv: float = super().render_char(*args, **kwargs)
        clip = self.clip
        objs = self.cur_item._objs
        if clip is not None and objs:
            item = objs[-1]
            cx = (item.x0 + item.x1) / 2
            cy = (item.y0 + item.y1) / 2
            if not (clip[0] - 1 <= cx <= clip[2] + 1 and clip[1] - 1 <= cy <= clip[3] + 1):
                objs.pop()
        return adv


class _ClipInterpreter(PDFPageInterpreter):
    """pdfminer ignores clipping paths; this tracks the bounding box of the clip in device space."""

    inherited_clip: tuple[float, float, float, float] | None = None

    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)
        self.clip = self.inherited_clip
        self.clip_stack: list[tuple[float, float, float, float] | None] = []
        self._publish()

    def _publish(self) -> None:
        if isinstance(self.device, _ClipDevice):
            self.device.clip = self.clip

    def subinterp(self) -> PDFPageInterpreter:
        interp = super().subinterp()
        if isinstance(interp, _ClipInterpreter):
            interp.inherited_clip = self.clip
        return interp

    def do_q(self) -> None:
        super().do_q()
        self.clip_stack.append(self.clip)

    def do_Q(self) -> None:
        super().do_Q()
        if self.clip_stack:
            self.clip = self.clip_stack.pop()
            self._publish()

    def do_W(self) -> None:
        self._set_clip()

    def do_W_a(self) -> None:
        self._set_clip()

    def do_Do(self, xobjid_arg: Any) -> None:
        super().do_Do(xobjid_arg)
        self._publish()

    def _set_clip(self) -> None:
        xs: list[float] = []
        ys: list[float] = []
        for segment in self.curpath:
            coords = segment[1:]
            for i in range(0, len(coords) - 1, 2):
                x, y = coords[i], coords[i + 1]
                if isinstance(x, int | float) and isinstance(y, int | float):
                    px, py = apply_matrix_pt(self.ctm, (float(x), float(y)))
                    xs.append(px)
                    ys.append(py)
        if not xs:
            return
        box = (min(xs), min(ys), max(xs), max(ys))
        if self.clip is not None:
            old = self.clip
            box = (max(box[0], old[0]), max(box[1], old[1]), min(box[2], old[2]), min(box[3], old[3]))
        self.clip = box
        self._publish()


class ClipAwarePage(Page):
    """A pdfplumber page whose characters exclude text hidden by clipping paths."""

    @property
    def layout(self) -> Any:
        if hasattr(self, "_layout"):
            return self._layout
        device = _ClipDevice(self.pdf.rsrcmgr, pageno=self.page_number, laparams=self.pdf.laparams)
        interpreter = _ClipInterpreter(self.pdf.rsrcmgr, device)
        try:
            interpreter.process_page(self.page_obj)
        except Exception as exc:
            raise PdfminerException(exc) from exc
        self._layout = device.get_result()
        return self._layout


def _symbol_text(text: str, fontname: str) -> str:
    """The check box a Wingdings glyph draws, or the text unchanged."""
    key = re.sub(r"[^a-z0-9]", "", fontname.lower().split("+")[-1])
    table = _WINGDINGS["wingdings2"] if "wingdings2" in key else None
    if table is None and "wingdings" in key:
        table = _WINGDINGS["wingdings"]
    if table is None:
        return text
    match = re.match(r"^\(cid:(\d+)\)$", text)
    code = int(match.group(1)) if match else (ord(text) if len(text) == 1 else -1)
    if 0xF000 <= code <= 0xF0FF:
        code -= 0xF000
    return table.get(code, text)


def reads_forward(char: dict[str, Any]) -> bool:
    """Whether a pdfplumber character is set upright and left to right (not turned or mirrored)."""
    matrix = char.get("matrix")
    if not matrix:
        return bool(char.get("upright", True))
    a, b, c, d = (float(v) for v in matrix[:4])
    return a > 0 and d > 0 and abs(b) <= 0.01 * a and abs(c) <= 0.01 * d


def glyphs_from_chars(chars: Iterable[dict[str, Any]]) -> tuple[list[Glyph], int, int]:
    """pdfplumber characters → glyphs; also counts of glyphs and of undecodable ``(cid:N)`` ones.

    Turned characters (watermarks, stamps) are left out; spaces are kept (they mark word gaps).
    """
    glyphs: list[Glyph] = []
    total = undecodable = 0
    for char in chars:
        if not reads_forward(char):
            continue
        text = char["text"]
        fontname = char.get("fontname") or ""
        if "ingdings" in fontname:
            text = _symbol_text(text, fontname)
        if text.strip():
            total += 1
            if CID_TOKEN.match(text):
                undecodable += 1
        size = float(char.get("size") or 0) or float(char["bottom"] - char["top"])
        glyphs.append(
            Glyph(text, float(char["x0"]), float(char["x1"]), float(char["top"]), float(char["bottom"]), size)
        )
    return glyphs, total, undecodable


def pdfium_glyphs(textpage: Any, ctm: Sequence[float], page_height: float) -> tuple[list[Glyph], int, int]:
    """Glyphs of a page as PDFium reads them (it knows fonts pdfminer cannot map to Unicode).

    ``ctm`` maps PDF user space to pdfplumber's device space (the page's rotation and origin), so the
    glyphs line up with the tables pdfplumber finds on the same page. Returns the glyphs, the count
    of visible glyphs and the count PDFium could not map to Unicode either.
    """
    import pypdfium2.raw as pdfium_c

    glyphs: list[Glyph] = []
    total = undecodable = 0
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        text = chr(code) if 0 < code < 0x110000 else ""
        if not text or unicodedata.category(text) in {"Cc", "Cs"}:
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        if text.strip():
            total += 1
            if pdfium_c.FPDFText_HasUnicodeMapError(textpage, index) == 1 or 0xE000 <= code <= 0xF8FF:
                undecodable += 1
                continue
        points = [apply_matrix_pt(tuple(ctm), (x, y)) for x, y in ((left, bottom), (right, top))]  # type: ignore[arg-type]
        x0, x1 = sorted(p[0] for p in points)
        y0, y1 = sorted(p[1] for p in points)
        size = float(pdfium_c.FPDFText_GetFontSize(textpage, index)) or (y1 - y0)
        glyphs.append(Glyph(text, x0, x1, page_height - y1, page_height - y0, size))
    return glyphs, total, undecodable


# ---------------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------------

# Punctuation that may not start a line (a word processor carries the previous character along).
_NO_LINE_START = set("，。、；：！？）》」』】〕〉”’%％‰℃°,.;:!?)]}·…—/／")
# Opening marks that may not end a line (a word processor moves them to the next one).
_NO_LINE_END = set("“‘（《「『【〔〈([{")


def is_wide(ch: str) -> bool:
    """CJK characters and full-width forms: text written without spaces between words."""
    return unicodedata.east_asian_width(ch) in {"W", "F"}


def group_lines(glyphs: Sequence[Glyph], tab_gap: float | None = 2.0) -> list[Line]:
    """Group glyphs into visual lines, top to bottom.

    A glyph belongs to a line when its vertical middle is close to the line's. ``tab_gap`` (in
    ems) is the gap from which the text gets a TAB instead of a space (``None``: never).
    """
    if not glyphs:
        return []
    ordered = sorted(glyphs, key=lambda g: (g.middle, g.x0))
    groups: list[list[Glyph]] = []
    current: list[Glyph] = []
    middle = 0.0
    size = 0.0
    for glyph in ordered:
        if current and abs(glyph.middle - middle) <= 0.35 * max(size, glyph.size, 1.0):
            current.append(glyph)
            if glyph.text.strip():
                size = max(size, glyph.size)
            continue
        if current:
            groups.append(current)
        current = [glyph]
        middle = glyph.middle
        size = glyph.size if glyph.text.strip() else 0.0
    if current:
        groups.append(current)
    lines = [line for group in groups if (line := _make_line(group, tab_gap)) is not None]
    lines.sort(key=lambda line: (line.top, line.x0))
    return lines


def _make_line(glyphs: list[Glyph], tab_gap: float | None) -> Line | None:
    glyphs = sorted(glyphs, key=lambda g: g.x0)
    visible: list[Glyph] = []
    parts: list[str] = []
    pending_space = False
    for glyph in glyphs:
        if not glyph.text.strip():
            pending_space = bool(visible)
            continue
        if CID_TOKEN.match(glyph.text):
            continue
        if visible:
            prev = visible[-1]
            if glyph.text == prev.text and abs(glyph.x0 - prev.x0) < 0.3 * (prev.x1 - prev.x0):
                continue  # the same glyph drawn again, slightly offset (“fake bold”)
            parts.append(_separator(prev, glyph, pending_space, tab_gap))
        parts.append(glyph.text)
        visible.append(glyph)
        pending_space = False
    if not visible:
        return None
    sizes = [round(g.size, 1) for g in visible]
    size = statistics.mode(sizes)
    return Line(
        text="".join(parts),
        x0=visible[0].x0,
        x1=visible[-1].x1,
        top=min(g.top for g in visible),
        bottom=max(g.bottom for g in visible),
        size=size,
        head_width=_head_width(visible),
    )


def _separator(prev: Glyph, glyph: Glyph, spaced: bool, tab_gap: float | None) -> str:
    gap = glyph.x0 - prev.x1
    em = max((prev.size + glyph.size) / 2, 1.0)
    if tab_gap is not None and gap >= tab_gap * em:
        return "\t"
    if spaced:
        return " "
    wide = is_wide(prev.text[-1]) or is_wide(glyph.text[0])
    # Word processors put about a quarter em between CJK and Latin text (“autospace”): no space.
    return " " if gap > (0.6 if wide else 0.2) * em else ""


def _head_width(glyphs: Sequence[Glyph]) -> float:
    """Width of the unit that starts a line: opening marks, a CJK character or a Latin word, and
    the punctuation that may not start a line (none of it can be split across lines; a slash
    takes the character after it along, as in 元/处)."""
    i, n = 0, len(glyphs)
    while i < n - 1 and glyphs[i].text in _NO_LINE_END:
        i += 1
    if is_wide(glyphs[i].text[0]):
        i += 1
    else:
        i += 1
        while i < n and glyphs[i].x0 - glyphs[i - 1].x1 <= 0.2 * max(glyphs[i].size, 1.0):
            if is_wide(glyphs[i].text[0]) or glyphs[i].text in _NO_LINE_END:
                break
            i += 1
    while i < n and glyphs[i].text in _NO_LINE_START:
        i += 1
        if glyphs[i - 1].text in "/／" and i < n:
            i += 1  # a unit's slash holds the character after it too: 元/处, 人/次 are not broken
    return glyphs[i - 1].x1 - glyphs[0].x0


# ---------------------------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇两"
# Numbering that starts a heading or a list item: 一、 （一） 1、 1. 1.2 （1） (1) ① 第一章 第一，
HEADING_START = re.compile(
    rf"""^\s*(
        第[{_CN_NUM}\d]+[章节条部分款项篇、，,．.]
      | [{_CN_NUM}]+\s*[、．.]
      | [（(]\s*[{_CN_NUM}\d]+\s*[)）]
      | \d+(\s*[.．]\s*\d+)*\s*[、]
      | \d+(\s*[.．]\s*\d+)*\s*[.．](?!\d)
      | [①-⑳⑴-⒇⒈-⒛]
      | [●•◆◇▶►★▪]
    )""",
    re.VERBOSE,
)


def starts_item(text: str) -> bool:
    """Whether a line starts with heading or list numbering (so it starts a paragraph)."""
    return HEADING_START.match(text) is not None


def join_text(first: str, second: str) -> str:
    """Join a wrapped line to the line above: a space only between two Latin words.

    In Chinese text a word processor breaks lines between any two characters, digits of one number
    included (“出租屋登记率10” / “0%”), and nobody writes two figures apart with a bare space: a
    break next to a digit there joins without one, so the number is read whole.
    """
    if not first:
        return second
    if not second:
        return first
    a, b = first[-1], second[0]
    if (a.isascii() and (a.isalnum() or a in ",;:!?)")) and (b.isascii() and (b.isalnum() or b in "(")):
        if (a.isdigit() or b.isdigit()) and any(map(is_wide, first)):
            return first + second
        return f"{first} {second}"
    return first + second


@dataclass(frozen=True, slots=True)
class Spacing:
    """How far apart lines of one font size are within a paragraph (``usual``), and the step
    beyond which the next line starts a new paragraph (``limit``)."""

    usual: float
    limit: float


@dataclass(frozen=True, slots=True)
class Column:
    """The text column of a page: its left and right edges, and the document's line spacing."""

    left: float
    right: float
    spacing: dict[int, Spacing]
    # The middle of the page: centred lines (titles) are centred on it.
    centre: float = 0.0

    def centred(self, line: Line) -> bool:
        """Whether a line is set centred (not against the left edge of the column)."""
        size = max(line.size, 1.0)
        middle = (line.x0 + line.x1) / 2
        return line.x0 - self.left >= size and abs(middle - self.centre) < max(0.5 * size, 3.0)

    def step(self, size: float) -> Spacing | None:
        return self.spacing.get(round(size))


def estimate_column(lines: Sequence[Line]) -> tuple[float, float] | None:
    """The left and right edges most body lines start and end at (robust to a few outliers)."""
    if not lines:
        return None
    lefts = sorted(line.x0 for line in lines)
    rights = sorted((line.x1 for line in lines), reverse=True)
    k = min(len(lines) - 1, len(lines) // 10)
    return lefts[k], rights[k]


def estimate_spacing(pages: Iterable[Sequence[Line]]) -> dict[int, Spacing]:
    """Line spacing per font size, from consecutive lines of the same size.

    The usual step is the median of all steps (most pairs of lines are inside a paragraph). Steps
    before lines that plainly start a paragraph (indented, or numbered after a short line) tell
    whether the document puts space between paragraphs.
    """
    steps: dict[int, list[float]] = {}
    starts: dict[int, list[float]] = {}
    for lines in pages:
        right = max((line.x1 for line in lines), default=0.0)
        for a, b in itertools.pairwise(lines):
            if abs(a.size - b.size) > 0.5:
                continue
            step = b.top - a.top
            if not 0.8 * a.size < step < 4.0 * a.size:
                continue
            key = round(a.size)
            steps.setdefault(key, []).append(step)
            if b.x0 >= a.x0 + a.size or (starts_item(b.text) and a.x1 < right - 3 * a.size):
                starts.setdefault(key, []).append(step)
    spacing: dict[int, Spacing] = {}
    for key, values in steps.items():
        if len(values) < 3:
            continue
        usual = statistics.median(values)
        gaps = starts.get(key, [])
        between = statistics.median(gaps) if len(gaps) >= 2 else usual
        if between > usual + max(1.5, 0.06 * usual):
            spacing[key] = Spacing(usual, (usual + between) / 2)
        else:
            spacing[key] = Spacing(usual, 1.35 * usual + 1.0)
    return spacing


_MARKER = re.compile(
    rf"""^\s*(?:
        [（(]\s*(?P<bracketed>[{_CN_NUM}]+|\d+)\s*[)）]
      | (?P<plain>[{_CN_NUM}]+|\d+)\s*(?P<delim>[、.．])(?!\d)
      | (?P<circled>[①-⑳])
    )""",
    re.VERBOSE,
)
_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    text = text.replace("〇", "零").replace("两", "二")
    if len(text) == 1:
        return 10 if text == "十" else _CN_DIGITS.get(text)
    if len(text) == 2 and text[0] == "十":
        return 10 + _CN_DIGITS.get(text[1], -100)
    if len(text) == 2 and text[1] == "十":
        return 10 * _CN_DIGITS.get(text[0], -100)
    if len(text) == 3 and text[1] == "十":
        return 10 * _CN_DIGITS.get(text[0], -100) + _CN_DIGITS.get(text[2], -100)
    return None


def _numeral(n: int, like: str) -> str:
    if like.isdigit():
        return str(n)
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def inline_sequel(paragraph: str, text: str) -> bool:
    """Whether ``text`` starts with the item number that follows one inside ``paragraph``.

    “完成情况：（1）…” followed by a line “（2）…”: an enumeration running inside a paragraph,
    which the line wrap happened to put at the start of a line.
    """
    match = _MARKER.match(text)
    if match is None:
        return False
    if match.group("circled"):
        previous = [chr(ord(match.group("circled")) - 1)] if match.group("circled") != "①" else []
    else:
        raw = match.group("bracketed") or match.group("plain")
        n = _number(raw)
        if n is None or n < 2:
            return False
        before = _numeral(n - 1, raw)
        if match.group("bracketed"):
            previous = [f"{o}{before}{c}" for o, c in (("（", "）"), ("(", ")"), ("（", ")"), ("(", "）"))]
        else:
            previous = [before + match.group("delim")]
    for marker in previous:
        at = paragraph.find(marker, 1)
        while at > 0:
            end = at + len(marker)
            before_ok = not (marker[0].isdigit() and paragraph[at - 1].isdigit())
            after_ok = not (marker[-1] in ".．" and end < len(paragraph) and paragraph[end].isdigit())
            if before_ok and after_ok:
                return True
            at = paragraph.find(marker, at + 1)
    return False


def continues(prev: Line, line: Line, column: Column, same_page: bool, paragraph: str = "") -> bool:
    """Whether ``line`` continues the paragraph whose last line is ``prev`` (text so far:
    ``paragraph``).

    It does when ``prev`` ran to the right edge (the start of ``line`` would not have fitted
    after it), ``line`` is not indented further than ``prev``, has the same font size, does not
    start with numbering (unless it goes on with an enumeration inside the paragraph, see
    :func:`inline_sequel`) and, on the same page, follows at the usual line distance.
    """
    size = max(prev.size, line.size, 1.0)
    if abs(prev.size - line.size) > max(1.0, 0.15 * size):
        return False
    if line.x0 > prev.x0 + 0.5 * size:
        return False
    if starts_item(line.text) and not inline_sequel(paragraph, line.text):
        return False
    if column.centred(prev) and column.centred(line):
        return False  # lines of a centred title
    if same_page:
        step = line.top - prev.top
        spacing = column.step(prev.size)
        limit = spacing.limit if spacing else 2.2 * size
        if step <= 0 or step > limit:
            return False
    return prev.x1 + line.head_width > column.right - 0.3 * size


def joins_in_cell(prev: Line, line: Line, inner_width: float) -> bool:
    """Whether a line in a table cell continues the text of the line above (it was wrapped)."""
    size = max(prev.size, line.size, 1.0)
    if abs(prev.size - line.size) > max(1.0, 0.15 * size):
        return False
    if starts_item(line.text):
        return False
    return prev.width + line.head_width > inner_width - 0.3 * size


def cell_text(lines: Sequence[Line], inner_width: float) -> str:
    """The text of a table cell: wrapped lines joined, other line breaks kept as ``"\\n"``."""
    parts: list[str] = []
    prev: Line | None = None
    for line in lines:
        if prev is not None and parts and joins_in_cell(prev, line, inner_width):
            parts[-1] = join_text(parts[-1], line.text)
        else:
            parts.append(line.text)
        prev = line
    return "\n".join(parts)
