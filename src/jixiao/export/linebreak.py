"""Breaking a cell's text into lines as a Chinese word processor does.

A line may break before any CJK character, but not before a closing mark (，。）” …) nor after an
opening one (（“《 …): such a mark travels with its neighbour, so the line breaks one character
earlier (the previous character goes down with it) rather than hanging the mark past the margin.
A Latin word or a number is not split unless it is longer than a whole line. This is what
LibreOffice and Word do, and what jixiao's PDF reader expects when it joins a cell's wrapped
lines again (``intake/readers/pdf_layout.py``: a line that stops short of the cell's edge by
more than the next line's first unit is the end of a paragraph).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

NO_LINE_START = frozenset("，。、；：！？）》」』】〕〉”’%％,.;:!?)]}·…—")
NO_LINE_END = frozenset("“‘（《「『【〔〈([{")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F"}


def units(line: str) -> list[str]:
    """The unbreakable units of one line of text: a CJK character, a Latin word or number, or a
    space, each with the closing marks after it and the opening marks before it."""
    out: list[str] = []
    pending = ""  # opening marks waiting for the unit they open
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch in NO_LINE_END or (pending and ch.isspace()):
            pending += ch  # an opening mark waits, with any space after it, for what it opens
            i += 1
            continue
        if ch in NO_LINE_START and out and not pending:
            out[-1] += ch
            i += 1
            continue
        if ch.isspace() or _wide(ch) or ch in NO_LINE_START:
            unit = ch
            i += 1
        else:
            j = i + 1  # a Latin word or a number with its own marks: “98.5%”, “2,440.91”, “(B/A)”
            while j < n and not (line[j].isspace() or _wide(line[j]) or line[j] in NO_LINE_END):
                j += 1
            unit, i = line[i:j], j
        out.append(pending + unit)
        pending = ""
    if pending:
        out.append(pending)
    return out


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` as lines at most ``width`` wide (``measure`` gives a string's width); its own
    line breaks are kept. A unit wider than a whole line is cut character by character."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for unit in units(paragraph):
            w = measure(unit)
            if used + w <= width or not line:
                if w > width and not line:
                    # Longer than a line on its own: fill this line character by character.
                    for ch in unit:
                        cw = measure(ch)
                        if used + cw > width and line:
                            lines.append(line)
                            line, used = "", 0.0
                        line += ch
                        used += cw
                    continue
                if not line and unit.isspace():
                    continue  # no line starts with a space
                line += unit
                used += w
                continue
            lines.append(line.rstrip())
            line, used = ("", 0.0) if unit.isspace() else (unit, w)
        lines.append(line.rstrip())
    return lines
