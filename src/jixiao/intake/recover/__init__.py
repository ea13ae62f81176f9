"""Forms whose table structure was lost in the text: rebuild neutral tables from what is certain.

Text copied out of a web page, a spreadsheet, a PDF or an OCR'd preview keeps a form's labels and
figures but not its cells (``年度资金总额:202010100.00%10其中:本年财政拨款2020…总分100100``). The
national form's labels come in a fixed order, so :func:`recover_forms` finds them in the
paragraphs a reader produced, lays the figures after each label over the columns the header named
and keeps only readings that are arithmetically consistent. What it rebuilds is a plain
:class:`~jixiao.intake.document.Table` in the national form's shape, inserted before the paragraph
it came from, so the table extractors read it like any other grid; what it could not read is
returned as notes (``EXTRACTION_INCOMPLETE``), never guessed.

Paragraphs are left in place (the header and narrative extractors still read them). A document
that already has the block as a real table is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.intake.document import Block
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.recover.budget_block import recover_budget
from jixiao.intake.recover.budget_block import recover_pairs
from jixiao.intake.recover.header_fields import recover_header
from jixiao.intake.recover.indicator_rows import recover_indicators
from jixiao.intake.recover.indicator_rows import recover_numbered_rows
from jixiao.intake.recover.indicator_rows import recover_totals
from jixiao.intake.recover.loose_rows import recover_loose_rows
from jixiao.intake.recover.residue_rows import recover_residue_rows

# Full-width ASCII to ASCII, one character for one (positions in the text stay valid).
_WIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "})
_HAS_BLOCK = re.compile(r"资\s*金\s*总\s*额|总\s*金\s*额")
_INDICATOR_HEAD = re.compile(r"三\s*级\s*指\s*标|指\s*标\s*名\s*称")
_MARK = "由连排文字恢复"  # in the place of every table rebuilt here
_LABEL_CELL = 20
_LONG_CELL = 120


def recover_forms(blocks: list[Block]) -> tuple[list[Block], list[tuple[str, str]]]:
    """``blocks`` with tables rebuilt from flattened form text, and notes on what was not read."""
    if any(isinstance(b, Table) and (_has_block(b) or _MARK in b.place) for b in blocks):
        return blocks, []
    sources = list(_sources(blocks))
    if not sources:
        return blocks, []
    text_parts: list[str] = []
    place_of: dict[int, str] = {}
    index_of: dict[int, int] = {}
    offset = 0
    for i, place, part in sources:
        place_of[offset] = place
        index_of[offset] = i
        text_parts.append(part.translate(_WIDTH))
        offset += len(part) + 1
    text = "\n".join(text_parts)
    inserts: dict[int, list[tuple[int, Table]]] = {}  # block → (where in the text, table)
    notes: list[tuple[str, str]] = []

    def at(pos: int) -> int:
        return index_of[max(s for s in index_of if s <= pos)]

    def put(pos: int, table: Table) -> None:
        inserts.setdefault(at(pos), []).append((pos, table))

    start = 0
    while True:
        found = recover_budget(text, start, place_of)
        if found is None:
            break
        notes.extend(found.notes)
        if found.table is not None:
            put(found.start, found.table)
        start = found.start + len("资金总额")
    if start == 0 and (pairs := recover_pairs(text, place_of)) is not None:
        notes.extend(pairs.notes)
        if pairs.table is not None:
            put(pairs.start, pairs.table)
    indicator_tables = 0
    read: list[tuple[Table | None, int, list[tuple[str, str]]]] = list(recover_indicators(text, place_of))
    loose = None if _has_indicator_grid(blocks) else recover_loose_rows(text, place_of)
    if loose is not None and len(read) <= 1 and _reads_more(loose[0], read[0][0] if read else None):
        read = [loose]  # the cells read as spaced or loose rows: more rows certain
        loose = None
    for table, pos, table_notes in read:
        if table is not None:
            put(pos, table)
            indicator_tables += 1
        notes.extend(table_notes)
    if not indicator_tables and (residue := recover_residue_rows(text, place_of)) is not None:
        put(residue[1], residue[0])
        notes.extend(residue[2])
        indicator_tables += 1
    if not indicator_tables and (numbered := recover_numbered_rows(text, place_of)) is not None:
        put(numbered[1], numbered[0])
        notes.extend(numbered[2])
        indicator_tables += 1
    if not indicator_tables and loose is not None:
        put(loose[1], loose[0])
        notes.extend(loose[2])
    for table, pos in recover_header(text, place_of):
        put(pos, table)
    for table, pos in recover_totals(text, place_of):
        put(pos, table)
    if not inserts:
        return blocks, notes
    out: list[Block] = []
    for i, block in enumerate(blocks):
        # In the order the text printed them: each form's header before its budget block, so the
        # forms of one run-on paragraph that holds several stay apart (see extract/segment.py).
        out.extend(table for _, table in sorted(inserts.get(i, ()), key=lambda found: found[0]))
        out.append(block)
    return out, notes


def _has_block(table: Table) -> bool:
    """Whether a real grid holds the budget block (its 年度资金总额 label in a cell of its own)."""
    return any(len(c.text) <= _LABEL_CELL and _HAS_BLOCK.search(c.text) for c in table.cells)


def _reads_more(table: Table, other: Table | None) -> bool:
    """Whether ``table`` holds more rows with 分值 and 得分 read than ``other``, or as many and
    more rows in all (the 总分 row not counted)."""
    if other is None:
        return True
    return _row_counts(table) > _row_counts(other)


def _row_counts(table: Table) -> tuple[int, int]:
    rows = table.text_rows()
    if not rows:
        return 0, 0
    head = rows[0]
    weight = next((i for i, h in enumerate(head) if h == "分值"), None)
    score = next((i for i, h in enumerate(head) if h == "得分"), None)
    body = [r for r in rows[1:] if not (r and r[0].startswith(("总分", "合计")))]
    full = sum(
        1
        for r in body
        if weight is not None and score is not None and len(r) > max(weight, score) and r[weight] and r[score]
    )
    return full, len(body)


def _has_indicator_grid(blocks: list[Block]) -> bool:
    """Whether a real grid holds an indicator header (三级指标 or 指标名称 in a cell of its own)."""
    return any(
        isinstance(b, Table)
        and any(len(c.text) <= _LABEL_CELL and _INDICATOR_HEAD.search(c.text) for c in b.cells)
        for b in blocks
    )


def _sources(blocks: list[Block]) -> Iterator[tuple[int, str, str]]:
    """The text that may hold a flattened form: paragraphs, and long cells of a table a page
    wrapped around a whole form (``| 内容概述 | …年度资金总额:1484631.00%… |``)."""
    for i, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            yield i, block.place, block.text
        else:
            for cell in block.cells:
                if len(cell.text) >= _LONG_CELL:
                    yield i, block.place, cell.text
