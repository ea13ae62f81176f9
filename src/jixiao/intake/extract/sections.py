"""The outline of a report: which heading each paragraph sits under, and where to point a reader.

Reports are organised by numbered headings (一、 （一） 1、 （1）), or by Heading styles in Word.
:func:`outline` walks the blocks once and gives every paragraph its section and a location a
reviewer can follow: ``正文 二、项目资金使用及管理情况 第2段`` (plus the reader's own place for
plain text and PDF: ``（第12行）``, ``（第3页）``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.extract.prose import heading_level

# A heading is short and does not end like a sentence.
_MAX_HEADING = 40
_SENTENCE_END = re.compile(r"[。；;：:]$")
_OWN_PLACE = re.compile(r"^第\d+段$")


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph with its section path and a location for findings."""

    text: str
    heading: str  # the nearest heading above it ("" before the first one)
    path: tuple[str, ...]  # every heading above it, outermost first
    level: int | None  # its own outline level when it is itself a heading
    location: str
    index: int  # position among all blocks


def _is_heading(p: Paragraph) -> int | None:
    if p.heading is not None:
        return p.heading
    text = p.text.strip()
    if len(text) > _MAX_HEADING or _SENTENCE_END.search(text):
        return None
    return heading_level(text)


def outline(doc: Document) -> list[Para]:
    """Every paragraph of ``doc`` with its section and location, in reading order."""
    paras: list[Para] = []
    stack: list[tuple[int, str]] = []
    counts: dict[tuple[str, ...], int] = {}
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Table):
            continue
        level = _is_heading(block)
        text = block.text.strip()
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            path = tuple(h for _, h in stack)
            paras.append(Para(text, path[-1] if path else "", path, level, _place("", 0, block), index))
            stack.append((level, text))
            continue
        path = tuple(h for _, h in stack)
        counts[path] = counts.get(path, 0) + 1
        section = path[-1] if path else ""
        paras.append(Para(text, section, path, None, _place(section, counts[path], block), index))
    return paras


def _place(section: str, nth: int, block: Paragraph) -> str:
    own = "" if _OWN_PLACE.match(block.place) else f"（{block.place}）"
    if not nth:
        return f"正文 标题“{_short(block.text)}”{own}"
    where = f"正文 {_short(section)} 第{nth}段" if section else f"正文 第{nth}段"
    return where + own


def _short(text: str, limit: int = 24) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section_text(paras: list[Para], start: int) -> tuple[str, list[Para]]:
    """The body of the section whose heading is ``paras[start]``: the paragraphs up to the next
    heading of the same or a higher level (sub-headings and their text included)."""
    head = paras[start]
    level = head.level or 1
    body: list[Para] = []
    for p in paras[start + 1 :]:
        if p.level is not None and p.level <= level:
            break
        body.append(p)
    return "\n".join(p.text for p in body), body


_PAST = re.compile(r"上年|上一年|上年度|以前年度|往年|去年|历年")


def past_years(p: Para) -> bool:
    """Whether a paragraph sits under a heading about earlier years (“一、上年度情况回顾”)."""
    return any(_PAST.search(h) for h in p.path) or bool(p.level is not None and _PAST.search(p.text))
