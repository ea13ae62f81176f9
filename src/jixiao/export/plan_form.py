"""A declaration or a monitoring record laid out by a plan layout: the same neutral
:class:`~jixiao.export.form.Form` the 自评表 becomes, so the xlsx and docx writers draw it as
they draw a 自评表.

The indicator table merges the 一级/二级 cells over their rows like the 自评表's. A column
with ``choices`` (偏差原因分析, 完成目标可能性) becomes one sub-column per choice under its head:
the chosen 偏差原因 category's cell holds the unit's reason (√ when it wrote none), the chosen
完成目标可能性 a √. A reason whose category the record does not name is printed across the
category cells, never under a category the unit did not choose.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
from decimal import Decimal

from jixiao.core.groups import strip_weight
from jixiao.core.model import Indicator
from jixiao.core.model import Value
from jixiao.core.plan import MonitoredIndicator
from jixiao.export.fields import FieldValue
from jixiao.export.form import Align
from jixiao.export.form import Form
from jixiao.export.form import FormCell
from jixiao.export.form import Grid
from jixiao.export.form import Lookup
from jixiao.export.form import _runs
from jixiao.export.form import fill_by
from jixiao.export.form import page_form
from jixiao.export.form import row_cell
from jixiao.export.form import rows_section
from jixiao.export.formatting import clean
from jixiao.export.formatting import plain
from jixiao.export.layout import RowsSection
from jixiao.export.plan_fields import FIELDS_OF
from jixiao.export.plan_fields import Plan
from jixiao.export.plan_fields import PlanField
from jixiao.export.plan_layout import PlanColumn
from jixiao.export.plan_layout import PlanIndicators
from jixiao.export.plan_layout import PlanLayout

TICK = "√"

Row = Indicator | MonitoredIndicator


def _lookup(record: Plan, fields: dict[str, PlanField]) -> Lookup:
    """The fields of a declaration or a monitoring record, by name."""

    def lookup(name: str) -> tuple[str, FieldValue]:
        field = fields[name]
        return field.kind, field.get(record)

    return lookup


def _value_text(value: Value | None) -> str:
    return clean(value.text) if value is not None else ""


def _cell_text(column: PlanColumn, n: int, row: Row) -> tuple[str, Decimal | None]:
    """What a plain (no choices) column prints for one indicator row."""
    value = column.value
    if value == "index":
        return str(n + 1), Decimal(n + 1)
    if value == "name":
        return clean(row.name), None
    if value == "weight":
        return plain(row.weight), row.weight
    if value == "target":
        return _value_text(row.target), None
    if not isinstance(row, MonitoredIndicator):
        return "", None
    if value == "to_date":
        return _value_text(row.to_date), None
    if value == "expected":
        return _value_text(row.expected), None
    if value == "cause":
        cause = row.cause.value if row.cause is not None else ""
        text = clean(row.cause_text).strip()
        return ("：".join(part for part in (cause, text) if part)), None
    if value == "likelihood":
        return (row.likelihood.value if row.likelihood is not None else ""), None
    return clean(row.note), None  # "note"


def _choice_cells(column: PlanColumn, row: Row, r: int, col: int) -> Iterator[FormCell]:
    """The sub-column cells of one row for a column with choices."""
    chosen: str | None = None
    text = ""
    if isinstance(row, MonitoredIndicator):
        if column.value == "cause":
            chosen = row.cause.value if row.cause is not None else None
            text = clean(row.cause_text).strip()
        else:
            chosen = row.likelihood.value if row.likelihood is not None else None
    if column.value == "cause" and chosen not in column.choices and text:
        # A reason without a category the layout shows: across the category cells.
        label = f"{chosen}：{text}" if chosen else text
        yield FormCell(r, col, label, 1, len(column.choices), align="left")
        return
    for k, choice in enumerate(column.choices):
        mark = (text or TICK) if choice == chosen else ""
        align: Align = "left" if column.value == "cause" and text and choice == chosen else "center"
        yield FormCell(r, col + k, mark, align=align)


def _indicators(section: PlanIndicators, top: int, record: Plan, lookup: Lookup) -> Iterator[FormCell]:
    rows: Sequence[Row] = record.indicators
    body = max(1, len(rows))
    heads = section.header_rows
    col = 0
    if section.label is not None:
        yield FormCell(top, 0, section.label, heads + body, section.label_span, is_label=True)
        col = section.label_span
    positions: list[int] = []
    for column in section.columns:
        positions.append(col)
        head = fill_by(column.head, lookup)
        if column.choices:
            yield FormCell(top, col, head, 1, column.width, bold=True, is_label=True)
            for k, choice in enumerate(column.choices):
                yield FormCell(top + 1, col + k, choice, bold=True, is_label=True)
        else:
            yield FormCell(top, col, head, heads, column.span, bold=True, is_label=True)
        col += column.width
    first = top + heads
    if not rows:
        yield FormCell(first, positions[0], section.empty, 1, col - positions[0])
        return
    level1_keys: list[object] = [strip_weight(i.level1) if i.level1 else None for i in rows]
    level1_runs = _runs(level1_keys)
    run_of = {i: n for n, (start, length) in enumerate(level1_runs) for i in range(start, start + length)}
    level2_keys: list[object] = [(run_of[n], strip_weight(i.level2 or "")) for n, i in enumerate(rows)]
    for column, col in zip(section.columns, positions, strict=True):
        align: Align = column.align or "center"
        if column.value in ("level1", "level2"):
            keyed = level1_runs if column.value == "level1" else _runs(level2_keys)
            for start, length in keyed:
                ind = rows[start]
                name = ind.level1 if column.value == "level1" else ind.level2
                yield FormCell(
                    first + start, col, clean(strip_weight(name or "")), length, column.span, align=align
                )
        elif column.choices:
            for n, ind in enumerate(rows):
                yield from _choice_cells(column, ind, first + n, col)
        else:
            for n, ind in enumerate(rows):
                text, number = _cell_text(column, n, ind)
                yield row_cell(first + n, col, column.span, text, number, align, column.value)


def build_plan_form(record: Plan, layout: PlanLayout) -> Form:
    """Lay a declaration or a monitoring record out by ``layout`` (of the same record)."""
    fields = FIELDS_OF[layout.record]
    lookup = _lookup(record, fields)
    cells: list[FormCell] = []
    top = header_row = indicator_row = indicator_end = 0
    for section in layout.sections:
        if isinstance(section, RowsSection):
            if section.omit_if_empty and all(
                fields[n].get(record) in (None, "") for n in section.omit_if_empty
            ):
                continue
            cells.extend(rows_section(section, top, lookup))
            top += len(section.rows)
        else:
            header_row = indicator_row = top
            cells.extend(_indicators(section, top, record, lookup))
            top += section.header_rows + max(1, len(record.indicators))
            indicator_end = top
    # A header of two rows is not repeated; these forms are a page or two.
    grid = Grid(tuple(cells), top, header_row, indicator_row, False, indicator_end)
    return page_form(layout, lookup, grid)
