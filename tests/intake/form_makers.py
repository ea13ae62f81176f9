"""Write one form layout as a Word table and as a worksheet, merges included.

A layout is a list of paragraphs (``str``) and tables (rows of cell texts). In a table, ``"<"``
means "merged into the cell on the left" and ``"^"`` "merged into the cell above", so the same
grid becomes a docx with merged cells (python-docx) and an xlsx with merged ranges (openpyxl,
numbers stored as numbers, rates as percentages).
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import docx
import openpyxl

Layout = list["str | list[list[str]]"]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")


def _spans(rows: list[list[str]]) -> list[tuple[int, int, int, int, str]]:
    """(row, col, rowspan, colspan, text) of every cell that is not a merge marker."""
    out: list[tuple[int, int, int, int, str]] = []
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text in {"<", "^"}:
                continue
            cs = 1
            while c + cs < width and row[c + cs] == "<":
                cs += 1
            rs = 1
            while r + rs < len(grid) and grid[r + rs][c] == "^":
                rs += 1
            out.append((r, c, rs, cs, text))
    return out


def write_docx(layout: Layout, path: Path) -> Path:
    d = docx.Document()
    for item in layout:
        if isinstance(item, str):
            d.add_paragraph(item)
            continue
        width = max(len(r) for r in item)
        table = d.add_table(rows=len(item), cols=width)
        table.style = "Table Grid"  # ruled, as forms are (a PDF of it shows the grid)
        for r, c, rs, cs, text in _spans(item):
            cell = table.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
            cell.text = text
    d.save(str(path))
    return path


def write_xlsx(layout: Layout, path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "自评表"
    top = 1
    for item in layout:
        if isinstance(item, str):
            ws.cell(top, 1, item)
            top += 1
            continue
        for r, c, rs, cs, text in _spans(item):
            cell = ws.cell(top + r, c + 1)
            if _NUMBER.match(text):
                cell.value = int(text) if "." not in text else float(text)
                if "." in text:
                    cell.number_format = "0." + "0" * len(text.split(".")[1])
            elif _PERCENT.match(text):
                cell.value = float(text[:-1]) / 100
                decimals = len(text[:-1].split(".")[1]) if "." in text else 0
                cell.number_format = "0" + ("." + "0" * decimals if decimals else "") + "%"
            else:
                cell.value = text or None
            if rs > 1 or cs > 1:
                ws.merge_cells(
                    start_row=top + r, start_column=c + 1, end_row=top + r + rs - 1, end_column=c + cs
                )
        top += len(item)
    wb.save(str(path))
    return path


def write_html(layout: Layout, path: Path) -> Path:
    """A portal page: navigation and footer around the form, merges as rowspan/colspan."""
    parts = ["<html><head><meta charset='utf-8'><title>信息公开</title></head><body>"]
    parts.append("<div class='nav'><a href='/'>首页</a> &gt; <a href='#'>政务公开</a></div>")
    for item in layout:
        if isinstance(item, str):
            parts.append(f"<p>{escape(item)}</p>")
            continue
        cells = _spans(item)
        parts.append("<table border='1'>")
        for r in range(len(item)):
            parts.append("<tr>")
            for rr, _c, rs, cs, text in cells:
                if rr != r:
                    continue
                span = (f" rowspan='{rs}'" if rs > 1 else "") + (f" colspan='{cs}'" if cs > 1 else "")
                parts.append(f"<td{span}>{escape(text)}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("<div class='footer'>主办单位：某县人民政府办公室 版权所有</div></body></html>")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def write(layout: Layout, folder: Path, fmt: str, name: str = "自评表") -> Path:
    path = folder / f"{name}.{fmt}"
    if fmt == "html":
        return write_html(layout, path)
    return write_docx(layout, path) if fmt == "docx" else write_xlsx(layout, path)
