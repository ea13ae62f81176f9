"""Tables that text keeps as pipes: Markdown, converter output, and one cell per line.

Three shapes reach a bureau, often mixed in one block of lines:

- **a row per line** (Markdown, ``| a | b |``; converters also write ``a | b | ||||``): the cells
  between the pipes; a leading pipe opens the row, trailing empty fields are padding (the
  *ragged pipes* of a converter that writes one pipe per merged column) and are dropped; Markdown
  separator lines (``|---|:--:|``) and lines of pipes only are skipped. A label cell a converter
  broke off its row (``资金投入情况(万元) |`` alone on a line, the rest of the row on the next) is
  joined to the row that follows it when that row is one cell short of the row after it;
  otherwise (a title over the table) it stays a row of its own.
- **a cell per line** (``项目名称 |``, ``30 |``; what a web archive keeps of an HTML table): every
  line ending in a pipe is one cell, a line of a single pipe is an empty cell, and a line of two or
  more pipes ends the row. Some converters mark no row ends at all and write a single pipe after
  every row instead: in a block with no line of two or more pipes, a single pipe ends the row.
  Lines without a pipe just before a cell line are that cell's earlier lines.

Which shape a block has is decided by its lines: more lines with two or more cells than lines with
one cell make it row-per-line.

A cell-per-line block often marks only some row ends (a converter writes the mark after rows
without merged cells), so the rows of an indicator table run together into one long row. Such a
row is cut into rows of a width ``w`` only when the cut is consistent: every column of the rows
after the first (the header) holds the same kind of cell (empty, number, percentage, text) in at
least :data:`_CONSISTENT` of them. The width tried first is the one most other rows of the block
have; else the smallest consistent one. A row no width explains is left as it is.
"""

from __future__ import annotations

import re
from collections import Counter

PIPES = "|｜"
_SEPARATOR = re.compile(r"^\s*[|｜]?\s*:?-{3,}:?\s*([|｜]\s*:?-{3,}:?\s*)*[|｜]?\s*$")
_SPLIT = re.compile("[|｜]")
# How many pipe-less lines may precede a cell line and still be that cell's earlier lines.
_CELL_LEAD = 2


def _pipes(line: str) -> int:
    return sum(line.count(p) for p in PIPES)


def pipe_only(line: str) -> bool:
    """A line of pipes and spaces only (an empty cell, or a row end)."""
    stripped = line.strip()
    return bool(stripped) and not stripped.strip(PIPES + " \t")


def cell_line(line: str) -> bool:
    """``text |``: one cell of the cell-per-line shape."""
    stripped = line.strip()
    return _pipes(stripped) == 1 and stripped[-1] in PIPES and len(stripped) > 1


def row_line(line: str) -> bool:
    """A line holding cells between pipes: two non-empty fields, or one field between two pipes."""
    if _pipes(line) == 0 or pipe_only(line) or cell_line(line):
        return False
    return _SEPARATOR.match(line) is not None or sum(1 for f in _SPLIT.split(line) if f.strip()) >= 1


def starts_block(line: str) -> bool:
    return row_line(line) or cell_line(line)


def _in_block(lines: list[str], i: int) -> bool:
    """Whether line ``i`` continues a pipe block: a pipe line, or text just before a cell line."""
    line = lines[i]
    if _pipes(line):
        return True
    if not line.strip():
        return False
    return any(cell_line(x) for x in lines[i + 1 : i + 1 + _CELL_LEAD])


def block_end(lines: list[str], start: int) -> int:
    """The index after the pipe block starting at ``start`` (blank lines inside it allowed)."""
    i, n = start, len(lines)
    end = start
    while i < n:
        if lines[i].strip():
            if not _in_block(lines, i):
                break
            end = i + 1
        i += 1
    return end


def _fields(line: str) -> list[str]:
    fields = [f.strip() for f in _SPLIT.split(line.strip())]
    if fields and not fields[0] and line.strip()[0] in PIPES:
        fields = fields[1:]  # the pipe that opens the row
    while fields and not fields[-1]:
        fields.pop()  # closing pipe and padding pipes
    return fields


def block_rows(lines: list[str]) -> list[list[str]]:
    """The rows of one pipe block (see the module docstring)."""
    content = [x for x in lines if x.strip()]
    multi = sum(1 for x in content if row_line(x) and len(_fields(x)) >= 2)
    single = sum(1 for x in content if cell_line(x) or pipe_only(x))
    if multi > single:
        return _row_rows(content)
    return _cell_rows(content)


def _row_rows(lines: list[str]) -> list[list[str]]:
    # Rows and lone cells (a line with one cell, or text without a pipe) in order.
    items: list[tuple[bool, list[str]]] = []  # (lone, fields)
    for line in lines:
        if pipe_only(line) or _SEPARATOR.match(line):
            continue
        if not _pipes(line) or cell_line(line):
            text = line.strip() if not _pipes(line) else _fields(line)[0]
            if items and items[-1][0]:
                items[-1][1][0] += " " + text  # one cell written over several lines
            else:
                items.append((True, [text]))
            continue
        items.append((False, _fields(line)))
    rows: list[list[str]] = []
    i = 0
    while i < len(items):
        lone, fields = items[i]
        if lone and _broken_off(items, i):
            rows.append(fields + items[i + 1][1])
            i += 2
            continue
        rows.append(fields)
        i += 1
    return rows


def _broken_off(items: list[tuple[bool, list[str]]], i: int) -> bool:
    """Whether the lone cell ``i`` is the first cell of the row after it: that row is one cell
    shorter than the row after it (``资金投入情况(万元) |`` over a header of three amounts whose
    rows hold a label and three amounts). A title line over full rows stays its own row."""
    if i + 2 >= len(items) or items[i + 1][0] or items[i + 2][0]:
        return False
    return len(items[i + 1][1]) + 1 == len(items[i + 2][1])


def _cell_rows(lines: list[str]) -> list[list[str]]:
    marked = any(pipe_only(x) and _pipes(x) >= 2 for x in lines)
    rows: list[list[str]] = [[]]
    lead: list[str] = []  # a cell's earlier lines
    for line in lines:
        if pipe_only(line):
            if marked and _pipes(line) == 1:
                rows[-1].append("\n".join(lead))
            elif rows[-1] or lead:
                if lead:
                    rows[-1].append("\n".join(lead))
                rows.append([])
            lead = []
        elif cell_line(line):
            lead.append(_fields(line)[0] if _fields(line) else "")
            rows[-1].append("\n".join(x for x in lead if x))
            lead = []
        elif _pipes(line):  # a row line inside a cell block: its own row
            if rows[-1]:
                rows.append([])
            rows[-1].extend(_fields(line))
            rows.append([])
        else:
            lead.append(line.strip())
    if lead:
        rows[-1].append("\n".join(lead))
    out = [_trim(r) for r in rows]
    return _cut_long([r for r in out if r])


# How alike each column must be for a long row to be cut into rows, and how many rows it must give.
_CONSISTENT = 0.85
_MIN_CHUNKS = 3
_MAX_WIDTH = 16
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)*$")


def _kind(cell: str) -> str:
    if not cell:
        return "empty"
    if _NUMBER.match(cell):
        return "number"
    if cell.endswith("%") and _NUMBER.match(cell[:-1]):
        return "percent"
    return "text"


def _consistency(row: list[str], width: int) -> float:
    """How alike the columns are when ``row`` after its first ``width`` cells is cut every ``width``."""
    kinds = [_kind(c) for c in row[width:]]
    full = len(kinds) // width
    if full < _MIN_CHUNKS:
        return 0.0
    total = 0.0
    for col in range(width):
        counts = Counter(kinds[k * width + col] for k in range(full))
        total += counts.most_common(1)[0][1] / full
    return total / width


def _long(row: list[str], common: int) -> bool:
    """Whether a row is long enough to be several rows run together."""
    return len(row) >= 4 * _MIN_CHUNKS and len(row) > 2 * max(common, 1)


def _common_widths(rows: list[list[str]]) -> Counter[int]:
    return Counter(len(r) for r in rows if len(r) >= 3)


def _common(widths: Counter[int], row: list[str]) -> int:
    """The width most other rows have."""
    others = widths - Counter({len(row): 1})
    return others.most_common(1)[0][0] if others else 0


def run_together(rows: list[list[str]]) -> list[int]:
    """The rows (indexes) that still look like several rows run together after cutting: no width
    made their columns consistent, so their cells are not in the columns a header names."""
    widths = _common_widths(rows)
    return [i for i, row in enumerate(rows) if _long(row, _common(widths, row))]


def _cut_long(rows: list[list[str]]) -> list[list[str]]:
    widths = _common_widths(rows)
    out: list[list[str]] = []
    for row in rows:
        common = _common(widths, row)
        width = 0
        if _long(row, common):
            tried = ([common] if 3 <= common <= _MAX_WIDTH else []) + list(range(3, _MAX_WIDTH + 1))
            width = next((w for w in tried if _consistency(row, w) >= _CONSISTENT), 0)
        if width:
            out.extend(row[k : k + width] for k in range(0, len(row), width))
        else:
            out.append(row)
    return out


def _trim(row: list[str]) -> list[str]:
    """A row without the empty cells that only pad it at its end."""
    while row and not row[-1]:
        row.pop()
    return row
