"""A block pasted from Excel (tab-separated values) read into indicator rows.

Excel copies a range as one line per row, its cells separated by tabs; a cell holding a line
break or a tab is quoted (``"a<LF>b"``, a quote doubled). When the first line is a header (its
cells name three of the table's columns, or two and no figure: 一级指标, 三级指标, 年度指标值, 实际完成值, 分值,
得分…) each column goes where its header says and columns it does not name are left out;
otherwise the columns are taken in the official form's order (一级, 二级, 三级, 年度指标值, 实际完成
值, 分值, 得分, 偏差原因分析), starting from ``start`` (the column pasted into). A 一级 or 二级 cell
left empty (Excel copies a merged cell's value into its first row only) takes the row above's.

Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The official column order of the indicator table (财预〔2020〕10号附1 and the provincial forms).
OFFICIAL_ORDER: tuple[str, ...] = (
    "level1",
    "level2",
    "name",
    "target",
    "actual",
    "weight",
    "claimed_score",
    "deviation_reason",
)

# Header words → column; the first that matches wins (checked in this order).
_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("level1", re.compile(r"一级")),
    ("level2", re.compile(r"二级")),
    ("name", re.compile(r"三级|指标名称|^指标$")),
    ("deviation_reason", re.compile(r"偏差|原因|改进措施|备注")),
    ("actual", re.compile(r"实际|完成值|完成情况|实际值")),
    ("target", re.compile(r"目标值|指标值|年初目标|预期|目标")),
    ("claimed_score", re.compile(r"得分|自评分")),
    ("weight", re.compile(r"分值|权重|满分")),
)
MAX_PASTE_ROWS = 100
MAX_PASTE_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Pasted:
    """The rows read from a pasted block (each a mapping of row field → text), whether the first
    line was taken as a header, and which column each pasted column went to (None: left out)."""

    rows: tuple[dict[str, str], ...]
    header: bool
    columns: tuple[str | None, ...]


def split_tsv(text: str) -> list[list[str]]:
    """The cells of a tab-separated block, Excel's quoting undone; trailing empty lines dropped."""
    text = text[:MAX_PASTE_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i, n = 0, len(text)
    at_start = True  # at the start of a cell
    while i < n:
        c = text[i]
        if at_start and c == '"':
            # A quoted cell: up to the closing quote ("" is one quote).
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        cell.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                cell.append(text[i])
                i += 1
            at_start = False
            continue
        if c == "\t":
            row.append("".join(cell))
            cell, at_start = [], True
        elif c == "\n":
            row.append("".join(cell))
            rows.append(row)
            row, cell, at_start = [], [], True
        else:
            cell.append(c)
            at_start = False
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    while rows and not any(v.strip() for v in rows[-1]):
        rows.pop()
    return rows


def header_columns(cells: list[str]) -> tuple[str | None, ...] | None:
    """What each cell of a header line names, or None when the line is not a header (it must
    name three different columns, or two and hold no figure)."""
    found: list[str | None] = []
    for raw in cells:
        text = re.sub(r"\s+", "", raw)
        column = None
        if text and len(text) <= 30:
            column = next((col for col, pattern in _HEADERS if pattern.search(text)), None)
        if column in found:  # a second 得分 column (复核得分…) is not the first's
            column = None
        found.append(column)
    named = len({c for c in found if c is not None})
    figures = any(re.search(r"\d", c) for c in cells)
    return tuple(found) if named >= 3 or (named == 2 and not figures) else None


def parse_paste(text: str, start: str = "level1") -> Pasted:
    """The indicator rows of a pasted block (see the module docstring). ``start`` is the row
    field pasted into, where the first column goes when there is no header."""
    lines = split_tsv(text)
    if not lines:
        return Pasted((), False, ())
    header = header_columns(lines[0])
    if header is not None:
        columns, body = header, lines[1:]
    else:
        first = OFFICIAL_ORDER.index(start) if start in OFFICIAL_ORDER else 0
        width = max(len(line) for line in lines)
        columns = tuple(
            OFFICIAL_ORDER[first + k] if first + k < len(OFFICIAL_ORDER) else None for k in range(width)
        )
        body = lines
    rows: list[dict[str, str]] = []
    above: dict[str, str] = {}
    for line in body[:MAX_PASTE_ROWS]:
        if not any(v.strip() for v in line):
            continue
        row: dict[str, str] = {}
        for column, value in zip(columns, line, strict=False):
            if column is not None:
                row[column] = value.strip()
        for merged in ("level1", "level2"):
            if merged in columns:
                if row.get(merged):
                    above[merged] = row[merged]
                elif merged in above:
                    row[merged] = above[merged]
        rows.append(row)
    return Pasted(tuple(rows), header is not None, columns)
