"""Labelled fields wherever a report states them: ``label | value`` table cells, ``label：value``
inside a cell or a paragraph.

A form puts 项目名称 in one cell and the name in the next; a report writes “单位名称：…” as a
line. :func:`labelled` yields both shapes uniformly, so the header, total and date extractors ask
for a label and get every place that states it, in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.prose import points
from jixiao.intake.extract.prose import squash

_INLINE = re.compile(r"^(?P<label>[^：:\n]{2,16}?)\s*[：:]\s*(?P<value>.+)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Field:
    """A label (whitespace removed, trailing colon dropped) and the value stated for it."""

    label: str
    value: str
    location: str


def labelled(doc: Document, grids: dict[int, Grid]) -> Iterator[Field]:
    """Every labelled value in the document, in reading order."""
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            yield from _inline(block.text, block.place)
            continue
        grid = grids[index]
        for r in range(grid.n_rows):
            slots = grid.row(r)
            for i, slot in enumerate(slots):
                text = slot.text
                if not text or slot.above:
                    continue
                place = grid.place(r)
                label = squash(text).rstrip("：:")
                if 2 <= len(label) <= 16 and i + 1 < len(slots) and not _INLINE.match(text):
                    rest = [s.text for s in slots[i + 1 :] if s.text][:2]
                    value = rest[0] if rest else ""
                    if len(rest) == 2 and all(points(t) is not None for t in rest):
                        value = ""  # “总分 | 100 | 96”: which number is the label's is not certain
                    if value:
                        yield Field(label, value, place)
                yield from _inline(text, place)


def _inline(text: str, place: str) -> Iterator[Field]:
    for line in text.split("\n"):
        # A line may hold several fields laid out with TABs or runs of spaces:
        # “填报日期：2019-7-28  总分：97”, or “填报日期：<TAB>2019-7-28”.
        parts = [p.strip() for p in re.split(r"\t|\s{3,}|　{2,}", line.strip()) if p.strip()]
        for i, part in enumerate(parts):
            m = _INLINE.match(part)
            if m and m["value"].strip():
                yield Field(squash(m["label"]), m["value"].strip(), place)
            elif (
                part.endswith(("：", ":"))
                and i + 1 < len(parts)
                and 2 <= len(part) <= 17
                and not _INLINE.match(parts[i + 1])
            ):
                yield Field(squash(part).rstrip("：:"), parts[i + 1], place)


def first(fields: list[Field], pattern: re.Pattern[str]) -> Field | None:
    """The first field whose label matches ``pattern``."""
    return next((f for f in fields if pattern.fullmatch(f.label)), None)
