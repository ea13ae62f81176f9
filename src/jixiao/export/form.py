"""An evaluation laid out by a layout: a neutral grid of merged cells every table writer draws.

:func:`build_form` resolves everything a writer should not have to know — which fields a cell
shows, how a number prints, which 一级/二级 cells merge over which rows, where the indicator
header sits — into a :class:`Form`. The xlsx and docx writers then only draw cells, so both
formats show the same table by construction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from decimal import Decimal
from typing import Literal

from jixiao.core.groups import classify_level1
from jixiao.core.groups import strip_weight
from jixiao.core.model import Indicator
from jixiao.export.fields import FIELDS
from jixiao.export.fields import Facts
from jixiao.export.fields import FieldValue
from jixiao.export.fields import indicator_score
from jixiao.export.formatting import BLANK
from jixiao.export.formatting import CHECKED_BOX
from jixiao.export.formatting import EMPTY_BOX
from jixiao.export.formatting import clean
from jixiao.export.formatting import date_text
from jixiao.export.formatting import percent_text
from jixiao.export.formatting import plain
from jixiao.export.formatting import wan
from jixiao.export.formatting import wan_text
from jixiao.export.layout import PLACEHOLDER
from jixiao.export.layout import CellSpec
from jixiao.export.layout import IndicatorColumn
from jixiao.export.layout import IndicatorsSection
from jixiao.export.layout import Layout
from jixiao.export.layout import NotesSection
from jixiao.export.layout import Page
from jixiao.export.layout import RowsSection

Align = Literal["left", "center", "right"]

# Spreadsheet number formats by field kind. Money cells hold the exact amount in 万元 and only
# display two decimals, so a reader of the .xlsx gets the yuan back to the fen.
MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
NUMBER_FORMAT = "General"


@dataclass(frozen=True, slots=True)
class FormCell:
    """One cell at its top-left grid position, with what it prints and, for numbers and dates,
    the typed value a spreadsheet should hold."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: Decimal | dt.date | None = None
    number_format: str | None = None
    align: Align = "center"
    bold: bool = False
    is_label: bool = False
    open_top: bool = False
    open_bottom: bool = False
    source: str | None = None  # the field (``total``) or indicator column (``column.score``) shown
    sum_of: tuple[tuple[int, int], ...] = ()  # grid cells (row, col) whose values this one totals


@dataclass(frozen=True, slots=True)
class Form:
    """A 自评表 ready to draw.

    ``lines`` are the rows without borders above the grid (their cells' ``row`` is the line
    number). ``header_row`` is the indicator table's header (the row to repeat on every page),
    ``indicator_row`` the first grid row of the indicator section.
    """

    layout: Page
    title: str
    subtitle: str | None
    lines: tuple[tuple[FormCell, ...], ...]
    cells: tuple[FormCell, ...]
    n_rows: int
    header_row: int
    indicator_row: int
    repeat_header: bool
    indicator_end: int = 0  # the first grid row after the indicator section (0: none)

    @property
    def n_cols(self) -> int:
        """How many grid columns the table has."""
        return self.layout.n_cols


# --- values ----------------------------------------------------------------------------------------


def _choice_text(value: str | None, choices: tuple[str, ...]) -> str:
    """A ■/□ list: “1、部门预算项目 □　2、专项资金 ■”; a value not among the choices is added, ticked."""
    chosen = (value or "").strip()
    if not choices:
        return chosen
    options = list(choices)
    if chosen and chosen not in options:
        options.append(chosen)
    return "\u3000".join(
        f"{n}、{option} {CHECKED_BOX if option == chosen else EMPTY_BOX}"
        for n, option in enumerate(options, start=1)
    )


Lookup = Callable[[str], tuple[str, FieldValue]]
"""A field's kind and value by its name: an evaluation's (:func:`facts_lookup`) or a
declaration's or monitoring record's."""


def facts_lookup(facts: Facts) -> Lookup:
    """The fields of an evaluation's facts, by name."""

    def lookup(name: str) -> tuple[str, FieldValue]:
        field = FIELDS[name]
        return field.kind, field.get(facts)

    return lookup


def field_text(name: str, facts: Facts) -> str:
    """A field as printed text ("" when the evaluation does not state it)."""
    return _printed(*facts_lookup(facts)(name))[0]


def _printed(kind: str, raw: FieldValue) -> tuple[str, Decimal | dt.date | None, str | None]:
    """Text, typed value and number format of a field value."""
    if raw is None:
        return "", None, None
    if isinstance(raw, dt.date):
        return date_text(raw), raw, DATE_FORMAT
    if isinstance(raw, Decimal):
        if kind == "money":
            return wan_text(raw), wan(raw), MONEY_FORMAT
        if kind == "rate":
            return percent_text(raw), raw, RATE_FORMAT
        return plain(raw), raw, NUMBER_FORMAT
    return clean(raw), None, None


def fill(template: str, facts: Facts) -> str:
    """A literal text with its ``{field}`` names replaced; a missing fact leaves a blank to fill."""
    return fill_by(template, facts_lookup(facts))


def fill_by(template: str, lookup: Lookup) -> str:
    """:func:`fill` with the fields of any record."""
    if "{" not in template:
        return template
    return PLACEHOLDER.sub(lambda m: _printed(*lookup(m.group(1)))[0] or BLANK, template)


def spec_cell(spec: CellSpec, row: int, col: int, lookup: Lookup, label_align: Align = "center") -> FormCell:
    """The cell a layout's cell spec makes: a label, a ■/□ choice or a field's printed value."""
    if spec.field is None:
        text, align = fill_by(spec.text or "", lookup), spec.align or label_align
        return FormCell(row, col, text, spec.rows, spec.span, align=align, bold=spec.bold, is_label=True)
    kind, raw = lookup(spec.field)
    if kind == "choice":
        text = _choice_text(clean(raw) if isinstance(raw, str) else None, spec.choices)
        return FormCell(row, col, text, spec.rows, spec.span, align=spec.align or "left", bold=spec.bold)
    text, value, number_format = _printed(kind, raw)
    align = spec.align or ("left" if kind in ("text", "date") else "center")
    return FormCell(
        row, col, text, spec.rows, spec.span, value, number_format, align, spec.bold, source=spec.field
    )


def _empty(facts: Facts, names: tuple[str, ...]) -> bool:
    return bool(names) and all(FIELDS[n].get(facts) in (None, "") for n in names)


# --- sections --------------------------------------------------------------------------------------


def rows_section(section: RowsSection, top: int, lookup: Lookup) -> Iterator[FormCell]:
    """The cells of a section of rows, each spec at the first grid column no merge above takes."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(section.rows):
        col = 0
        for spec in row:
            while (r, col) in taken:
                col += 1
            yield spec_cell(spec, top + r, col, lookup)
            taken.update((rr, cc) for rr in range(r, r + spec.rows) for cc in range(col, col + spec.span))
            col += spec.span


def _labelled(fmt: str, name: str, weight: Decimal | None) -> str:
    if weight is None and "{weight}" in fmt:
        return name
    return fmt.replace("{name}", name).replace("{weight}", plain(weight))


def _level1_weight(ind: Indicator, facts: Facts) -> Decimal | None:
    group = classify_level1(ind.level1)
    if group is None:
        return None
    weight = facts.ev.scheme.weights.of(group)
    return weight if weight > 0 else None


def _runs(keys: list[object]) -> list[tuple[int, int]]:
    """(start, length) of runs of equal consecutive keys."""
    runs: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if runs and keys[runs[-1][0]] == key:
            start, length = runs[-1]
            runs[-1] = (start, length + 1)
        else:
            runs.append((i, 1))
    return runs


# A merged cell's text is printed once, on the page where the cell starts: a 一级 cell over a
# hundred rows would leave nine pages without their label. Longer runs are cut into labelled
# pieces of about this many rows (the label repeated, as many forms write it).
LEVEL1_MAX_ROWS = 24


def _chunks(start: int, length: int) -> list[tuple[int, int]]:
    """A run of rows as pieces of at most ``LEVEL1_MAX_ROWS``, of nearly equal length."""
    if length <= LEVEL1_MAX_ROWS:
        return [(start, length)]
    pieces = -(-length // LEVEL1_MAX_ROWS)
    size, extra = divmod(length, pieces)
    out, at = [], start
    for k in range(pieces):
        n = size + (1 if k < extra else 0)
        out.append((at, n))
        at += n
    return out


def _row_value(
    column: IndicatorColumn, i: int, ind: Indicator, section: IndicatorsSection
) -> tuple[str, Decimal | None]:
    value = column.value
    if value == "index":
        return str(i + 1), Decimal(i + 1)
    if value == "name":
        return _labelled(section.name_label, clean(ind.name), ind.weight), None
    if value == "weight":
        return plain(ind.weight), ind.weight
    if value == "score":
        score = indicator_score(ind)
        return plain(score), score
    if value == "target":
        return (clean(ind.target.text) if ind.target else ""), None
    if value == "actual":
        return (clean(ind.actual.text) if ind.actual else ""), None
    return clean(ind.deviation_reason), None  # "deviation"


def _indicators_section(section: IndicatorsSection, top: int, facts: Facts) -> Iterator[FormCell]:
    indicators = facts.ev.indicators
    body = max(1, len(indicators))
    col = 0
    if section.label is not None and section.repeat_header:
        # A header row repeats on each page only if no cell merges it with the rows below, so
        # the label heads its column in the header row, above an empty cell merged down the
        # block, with no line between them: it reads as one cell and shows on every page.
        yield FormCell(top, 0, section.label, 1, section.label_span, is_label=True, open_bottom=True)
        yield FormCell(top + 1, 0, "", body, section.label_span, open_top=True)
        col = section.label_span
    elif section.label is not None:
        yield FormCell(top, 0, section.label, 1 + body, section.label_span, is_label=True)
        col = section.label_span
    positions: list[int] = []
    for column in section.columns:
        positions.append(col)
        yield FormCell(top, col, column.head, 1, column.span, bold=True, is_label=True)
        col += column.span
    first = top + 1
    if not indicators:
        start = positions[0]
        yield FormCell(first, start, section.empty, 1, col - start)
        return
    level1_keys: list[object] = [strip_weight(i.level1) if i.level1 else None for i in indicators]
    whole_runs = _runs(level1_keys)
    level1_runs = [chunk for run in whole_runs for chunk in _chunks(*run)]
    run_of = {i: n for n, (start, length) in enumerate(whole_runs) for i in range(start, start + length)}
    level2_keys: list[object] = [
        (run_of[n], ("group", i.group) if i.group is not None else ("text", strip_weight(i.level2 or "")))
        for n, i in enumerate(indicators)
    ]
    for column, col in zip(section.columns, positions, strict=True):
        if column.value == "level1":
            for start, length in level1_runs:
                ind = indicators[start]
                text = _labelled(
                    section.level1_label, clean(strip_weight(ind.level1 or "")), _level1_weight(ind, facts)
                )
                yield FormCell(first + start, col, text, length, column.span, align=column.align or "center")
        elif column.value == "level2":
            for start, length in _runs(level2_keys):
                ind = indicators[start]
                text = _labelled(
                    section.level2_label, clean(strip_weight(ind.level2 or "")), ind.level2_weight
                )
                yield FormCell(first + start, col, text, length, column.span, align=column.align or "center")
        else:
            for n, ind in enumerate(indicators):
                text, number = _row_value(column, n, ind, section)
                yield row_cell(
                    first + n, col, column.span, text, number, column.align or "center", column.value
                )


def row_cell(
    row: int, col: int, span: int, text: str, number: Decimal | None, align: Align, column: str
) -> FormCell:
    """One indicator row's cell of a plain column (a number keeps its value for a spreadsheet)."""
    number_format = NUMBER_FORMAT if number is not None else None
    return FormCell(row, col, text, 1, span, number, number_format, align, source=f"column.{column}")


SUMS: dict[str, tuple[str, ...]] = {
    "total": ("budget.score", "column.score"),
    "weights.total": ("budget.weight", "column.weight"),
}
"""A total and the cells it adds up: a spreadsheet writes it as a ``SUM`` of them, so a
corrected score re-totals."""


def _with_sums(cells: list[FormCell]) -> list[FormCell]:
    """Mark each total of :data:`SUMS` with the cells it adds up — only when every one of them
    holds a number and they add up to exactly the total printed (a stated total that disagrees
    stays the number stated: the form records the evaluation as filed)."""
    out = list(cells)
    for i, cell in enumerate(cells):
        parts_of = SUMS.get(cell.source or "")
        if parts_of is None or not isinstance(cell.value, Decimal):
            continue
        parts = [c for c in cells if c.source in parts_of and c.text.strip()]
        if not parts or not all(isinstance(c.value, Decimal) for c in parts):
            continue
        if sum((c.value for c in parts if isinstance(c.value, Decimal)), Decimal(0)) != cell.value:
            continue
        out[i] = replace(cell, sum_of=tuple((c.row, c.col) for c in parts))
    return out


_SCHEME_ID = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b")
_CLAUSE_END = "：；;。"


def _authors_remark(clause: str) -> bool:
    """A clause in which the scheme speaks of itself (本方案) or names a scheme by its id
    (``mof-2020``): jixiao's remark on how it applies the rule, not the regulation's text."""
    return "本方案" in clause or _SCHEME_ID.search(clause) is not None


def official_note(note: str) -> str:
    """A scheme note as an official form may print it: without the clauses that are jixiao's own
    remarks (“……适度调减分值（第十六条）：由复核人员判断，本方案不自动扣分。” → “……适度调减分值
    （第十六条）。”). Clauses end at ：；。; empty when every clause is a remark."""
    clauses = re.findall(f"[^{_CLAUSE_END}]+[{_CLAUSE_END}]?", clean(note))
    kept = [c for c in clauses if c.strip(_CLAUSE_END).strip() and not _authors_remark(c)]
    if not kept:
        return ""
    text = "".join(kept).strip()
    return text.rstrip(_CLAUSE_END) + "。"


def official_notes(notes: tuple[str, ...]) -> list[str]:
    """The notes an official form prints (see :func:`official_note`), empty ones left out."""
    return [text for text in (official_note(n) for n in notes if n.strip()) if text]


def _notes_section(section: NotesSection, top: int, n_cols: int, facts: Facts) -> Iterator[FormCell]:
    notes = official_notes(facts.scheme.notes)
    text = "\n".join([section.label, *(f"{n}.{note}" for n, note in enumerate(notes, start=1))])
    yield FormCell(top, 0, text, 1, n_cols, align="left")


def build_form(facts: Facts, layout: Layout) -> Form:
    """Lay one evaluation out by a layout."""
    n_cols = layout.n_cols
    cells: list[FormCell] = []
    top = 0
    header_row = indicator_row = indicator_end = 0
    repeat = False
    for section in layout.sections:
        if isinstance(section, RowsSection):
            if _empty(facts, section.omit_if_empty):
                continue
            cells.extend(rows_section(section, top, facts_lookup(facts)))
            top += len(section.rows)
        elif isinstance(section, IndicatorsSection):
            header_row = indicator_row = top
            repeat = section.repeat_header
            cells.extend(_indicators_section(section, top, facts))
            top += 1 + max(1, len(facts.ev.indicators))
            indicator_end = top
        else:
            if not official_notes(facts.scheme.notes):
                continue
            cells.extend(_notes_section(section, top, n_cols, facts))
            top += 1
    grid = Grid(tuple(_with_sums(cells)), top, header_row, indicator_row, repeat, indicator_end)
    return page_form(layout, facts_lookup(facts), grid)


@dataclass(frozen=True, slots=True)
class Grid:
    """A laid-out grid: its cells, its height and where its indicator section stands."""

    cells: tuple[FormCell, ...]
    n_rows: int
    header_row: int
    indicator_row: int
    repeat_header: bool
    indicator_end: int


def page_form(layout: Page, lookup: Lookup, grid: Grid) -> Form:
    """A laid-out grid with its page's title, subtitle and lines filled from ``lookup``."""
    lines = tuple(
        tuple(
            spec_cell(spec, r, sum(s.span for s in line[:k]), lookup, label_align="left")
            for k, spec in enumerate(line)
        )
        for r, line in enumerate(layout.lines)
    )
    subtitle = fill_by(layout.subtitle, lookup) if layout.subtitle else None
    return Form(
        layout,
        fill_by(layout.title, lookup),
        subtitle,
        lines,
        grid.cells,
        grid.n_rows,
        grid.header_row,
        grid.indicator_row,
        grid.repeat_header,
        grid.indicator_end,
    )
