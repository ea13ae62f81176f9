"""Write the office and web twins of some held-out text forms into formats/ (deterministic).

Run from the repository root: ``uv run --frozen python tests/data/holdout/make.py [--dir tests/data/holdout2]``.
A twin holds the same form as its ``<stem>.txt``: the ``| a | b |`` lines become table rows (one
table per run of such lines), every other line a paragraph. Merged cells are declared per file in
the set's twins.json so the grids look like the forms units fill in (a label spanning two header rows, a
"预算数" heading over two columns); the text of a merged-away cell is always empty.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
from lxml import etree
from lxml.html import builder as E

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2024, 1, 1, 0, 0, 0)

# Each set declares its twins in twins.json: "twins" (stem -> the formats it is written in), "merges"
# (stem -> [table number, row, column, rowspan, colspan] of merged cells) and "numeric" (stems whose
# xlsx twin stores figures as numbers with a display format, as spreadsheets do). main() loads them.
Merge = tuple[int, int, int, int, int]
TWINS: dict[str, tuple[str, ...]] = {}
MERGES: dict[str, list[Merge]] = {}
NUMERIC: set[str] = set()
NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?")

Block = str | list[list[str]]


def blocks(text: str) -> list[Block]:
    """Paragraphs (str) and tables (rows of cells) in the order the text gives them."""
    out: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= {"-", ":"} and c for c in cells):
                continue  # a Markdown separator row
            if not out or isinstance(out[-1], str):
                out.append([])
            table = out[-1]
            assert isinstance(table, list)
            table.append(cells)
        else:
            out.append(line.lstrip("# "))
    for block in out:
        if isinstance(block, list):
            width = max(len(r) for r in block)
            for r in block:
                r.extend([""] * (width - len(r)))
    return out


def covered(merges: list[Merge], table: int) -> dict[tuple[int, int], tuple[int, int] | None]:
    """(row, col) -> (rowspan, colspan) for a merge's anchor, None for the cells it covers."""
    cells: dict[tuple[int, int], tuple[int, int] | None] = {}
    for t, r, c, rs, cs in merges:
        if t != table:
            continue
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                cells[(i, j)] = None
        cells[(r, c)] = (rs, cs)
    return cells


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed entry times, so the twin is byte-for-byte reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data)
            dst.writestr(entry, data)
    return buf.getvalue()


def write_docx(stem: str, parts: list[Block], path: Path) -> None:
    document = docx.Document()
    document.core_properties.created = FIXED
    document.core_properties.modified = FIXED
    number = 0
    for block in parts:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        table.style = "Table Grid"
        for i, row in enumerate(block):
            for j, text in enumerate(row):
                table.cell(i, j).text = text
        for t, r, c, rs, cs in MERGES.get(stem, []):
            if t == number:
                anchor = table.cell(r, c)
                text = anchor.text
                merged = anchor.merge(table.cell(r + rs - 1, c + cs - 1))
                merged.text = text
        number += 1
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(fixed_zip(buf.getvalue()))


def as_number(cell: Any, text: str) -> None:
    """Store a figure as a spreadsheet number with the format that displays it as printed."""
    digits = text[:-1] if text.endswith("%") else text
    if not NUMBER.fullmatch(digits):
        return
    places = len(digits.split(".")[1]) if "." in digits else 0
    shape = "0" + ("." + "0" * places if places else "")
    value = Decimal(digits.replace(",", ""))
    if text.endswith("%"):
        cell.value, cell.number_format = float(value / 100), shape + "%"
    else:
        cell.value, cell.number_format = float(value), ("#,##" if "," in digits else "") + shape


def write_xlsx(stem: str, parts: list[Block], path: Path) -> None:
    book = openpyxl.Workbook()
    book.properties.created = FIXED
    book.properties.modified = FIXED
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    row_no = 1
    number = 0
    for block in parts:
        if isinstance(block, str):
            sheet.cell(row=row_no, column=1, value=block)
            row_no += 1
            continue
        first = row_no
        for row in block:
            for j, text in enumerate(row):
                if text:
                    cell = sheet.cell(row=row_no, column=j + 1, value=text)
                    if stem in NUMERIC:
                        as_number(cell, text)
            row_no += 1
        for t, r, c, rs, cs in MERGES.get(stem, []):
            if t == number:
                sheet.merge_cells(
                    start_row=first + r, start_column=c + 1, end_row=first + r + rs - 1, end_column=c + cs
                )
        number += 1
    buf = io.BytesIO()
    book.save(buf)
    path.write_bytes(fixed_zip(buf.getvalue()))


def write_html(stem: str, parts: list[Block], path: Path) -> None:
    body = [
        E.DIV(
            E.A("首页", href="/"),
            " > ",
            E.A("政府信息公开", href="/zwgk/"),
            " > 财政预决算",
            **{"class": "nav"},
        ),
        E.DIV("发布机构：财政局　发布日期：2024-04-15　浏览次数：126", **{"class": "meta"}),
    ]
    number = 0
    for block in parts:
        if isinstance(block, str):
            body.append(E.P(block))
            continue
        spans = covered(MERGES.get(stem, []), number)
        rows = []
        for i, row in enumerate(block):
            tds = []
            for j, text in enumerate(row):
                span = spans.get((i, j), (1, 1))
                if span is None:
                    continue
                td = E.TD(text)
                if span[0] > 1:
                    td.set("rowspan", str(span[0]))
                if span[1] > 1:
                    td.set("colspan", str(span[1]))
                tds.append(td)
            rows.append(E.TR(*tds))
        body.append(E.TABLE(E.TBODY(*rows), border="1", cellspacing="0"))
        number += 1
    body.append(
        E.DIV(
            "主办单位：县人民政府办公室　联系电话：0000-1234567　网站标识码：0000000000",
            **{"class": "footer"},
        )
    )
    page = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(str(parts[0]) if parts else stem)), E.BODY(*body))
    path.write_bytes(
        b"<!DOCTYPE html>\n" + etree.tostring(page, encoding="utf-8", method="html", pretty_print=True)
    )


WRITERS = {"docx": write_docx, "xlsx": write_xlsx, "html": write_html}


def main() -> None:
    ap = argparse.ArgumentParser(description="Write a held-out set's office and web twins (deterministic).")
    ap.add_argument("--dir", type=Path, default=HERE, help="the set's folder (default: this one)")
    here = ap.parse_args().dir.resolve()
    out = here / "formats"
    config = json.loads((here / "twins.json").read_text(encoding="utf-8"))
    TWINS.update({stem: tuple(kinds) for stem, kinds in config["twins"].items()})
    MERGES.update(
        {stem: [(t, r, c, rs, cs) for t, r, c, rs, cs in spans] for stem, spans in config["merges"].items()}
    )
    NUMERIC.update(config["numeric"])
    out.mkdir(exist_ok=True)
    for stem, kinds in TWINS.items():
        parts = blocks((here / f"{stem}.txt").read_text(encoding="utf-8"))
        for kind in kinds:
            WRITERS[kind](stem, parts, out / f"{stem}.{kind}")


if __name__ == "__main__":
    main()
