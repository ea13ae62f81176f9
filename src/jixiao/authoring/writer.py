"""Write an evaluation back in the authoring YAML format, so it can be edited by hand.

``to_yaml`` is the inverse of :func:`~jixiao.authoring.loader.load_evaluation` for the facts an
author writes: loading its output gives back an equal evaluation apart from ``source``,
``provenance`` and the ``location`` of rows, lines and sub-units (they point into the new file).
Keys are the canonical Chinese labels, amounts are 元 with two decimals, rates are percentages,
targets and actuals are their original ``text`` (their meaning is read again from it).

Three things are normalised on the way, because the authoring format cannot say otherwise:
二级 cells are numbered again (``group`` 1, 2, … per indicator tree, see the loader), a row's
``Value`` is whatever ``parse_value`` reads from its text, and results of scoring (``computed``,
``findings``, a row's computed score and explanation) are not written.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

import yaml

from jixiao.authoring.keys import GROUP_LABELS
from jixiao.authoring.keys import Context
from jixiao.authoring.keys import display
from jixiao.authoring.keys import label
from jixiao.core.groups import classify_level1
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import Weights
from jixiao.core.numbers import HUNDRED
from jixiao.core.numbers import YUAN
from jixiao.core.numbers import round_to
from jixiao.errors import JixiaoError
from jixiao.schemes import load_scheme

INDENT = "  "
ROWS_LABEL = display(Context.LEVEL2, "indicators")


# --- scalars ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _reads_back(document: str, text: str) -> bool:
    """Whether the YAML ``document`` (one ``k: …`` entry) reads back as the string ``text``."""
    try:
        root = yaml.compose(document, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
        return False
    node = root.value[0][1]
    return (
        isinstance(node, yaml.ScalarNode)
        and node.value == text
        and not (node.tag == "tag:yaml.org,2002:null" and node.style is None)
    )


def quote(text: str) -> str:
    """A one-line YAML scalar for ``text``: plain when it reads back as itself, else double-quoted."""
    if "\n" not in text and _reads_back(f"k: {text}", text):
        return text
    dumped = yaml.safe_dump(text, allow_unicode=True, default_style='"', width=1_000_000_000)
    return dumped.removesuffix("\n").removesuffix("\n...")


def _block(text: str, indent: str) -> list[str] | None:
    """A literal block (``|``) for a multi-line text, or None when it would not read back exactly."""
    lines = [f"{indent}{line}" if line else "" for line in text.split("\n")]
    if _reads_back("k: |\n" + "\n".join(lines) + "\n", text + "\n"):
        return lines
    return None


def number(value: Decimal) -> str:
    """An exact number as written by hand: 10, 7.5, 0.25 (no exponent)."""
    return format(value, "f")


def money(value: Decimal) -> str:
    """Yuan with two decimals: 5358672.00."""
    return format(round_to(value, YUAN), "f")


def percent(rate: Decimal) -> str:
    """A fraction as a percentage: 0.9924 → 99.24%."""
    return format((rate * HUNDRED).normalize(), "f") + "%"


# --- the emitter -----------------------------------------------------------------------------------


@dataclass
class _Lines:
    """YAML lines under construction."""

    lines: list[str] = field(default_factory=list)

    def comment(self, text: str) -> None:
        """``# text``, one comment line per line of text."""
        for line in text.split("\n"):
            self.lines.append(f"# {line}".rstrip())

    def entry(self, indent: str, key: str, value: str | None, *, item: bool = False) -> None:
        """``key: value`` (``- key: value`` when ``item``); a multi-line text becomes a ``|`` block."""
        head = f"{indent}- " if item else indent
        if value is None:
            self.lines.append(f"{head}{key}:")
            return
        if "\n" in value:
            block = _block(value, indent + INDENT + (INDENT if item else ""))
            if block is not None:
                self.lines.append(f"{head}{key}: |")
                self.lines.extend(block)
                return
        self.lines.append(f"{head}{key}: {quote(value)}")

    def open(self, indent: str, key: str) -> None:
        """``key:`` opening a nested block."""
        self.lines.append(f"{indent}{key}:")

    def text(self) -> str:
        """The YAML text."""
        return "\n".join(self.lines) + "\n"


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else number(value)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else money(value)


# --- indicator trees -------------------------------------------------------------------------------


@dataclass
class _Level2:
    name: str | None
    weight: Decimal | None
    group: int | None
    direct: bool
    rows: list[Indicator] = field(default_factory=list)


@dataclass
class _Level1:
    name: str | None
    direct: bool
    cells: list[_Level2] = field(default_factory=list)
    weight: Decimal | None = None


def _tree(indicators: Iterable[Indicator]) -> list[_Level1]:
    """Consecutive rows regrouped into 一级 entries and their 二级 cells.

    A 一级 entry holds either rows directly (rows with no 二级 name, weight or group) or 二级
    cells, never both: a switch starts a new entry with the same name.
    """
    blocks: list[_Level1] = []
    for ind in indicators:
        direct = ind.group is None and ind.level2 is None and ind.level2_weight is None
        block = blocks[-1] if blocks else None
        if block is None or block.name != ind.level1 or block.direct != direct:
            block = _Level1(ind.level1, direct)
            blocks.append(block)
        cell = block.cells[-1] if block.cells else None
        same = cell is not None and (
            direct or (cell.group, cell.name, cell.weight) == (ind.group, ind.level2, ind.level2_weight)
        )
        if cell is None or not same:
            cell = _Level2(ind.level2, ind.level2_weight, ind.group, direct)
            block.cells.append(cell)
        cell.rows.append(ind)
    return blocks


def _write_tree(out: _Lines, blocks: list[_Level1], indent: str) -> None:
    for block in blocks:
        out.entry(indent, label("name"), block.name, item=True)
        inner = indent + INDENT
        if block.weight is not None:
            out.entry(inner, label("weight"), number(block.weight))
        if block.direct:
            out.open(inner, ROWS_LABEL)
            _write_rows(out, block.cells[0].rows if block.cells else [], inner + INDENT)
            continue
        if not block.cells:
            continue
        out.open(inner, label("level2"))
        for cell in block.cells:
            cell_indent = inner + INDENT
            out.entry(cell_indent, label("name"), cell.name, item=True)
            if cell.weight is not None:
                out.entry(cell_indent + INDENT, label("weight"), number(cell.weight))
            out.open(cell_indent + INDENT, ROWS_LABEL)
            _write_rows(out, cell.rows, cell_indent + INDENT * 2)


def _write_rows(out: _Lines, rows: list[Indicator], indent: str) -> None:
    inner = indent + INDENT
    for row in rows:
        out.entry(indent, label("name"), row.name, item=True)
        out.entry(inner, label("weight"), _fmt(row.weight))
        out.entry(inner, label("target"), row.target.text if row.target else None)
        out.entry(inner, label("actual"), row.actual.text if row.actual else None)
        out.entry(inner, label("claimed_score"), _fmt(row.claimed_score))
        if row.deviation_reason is not None:
            out.entry(inner, label("deviation_reason"), row.deviation_reason)


def _default_weights(scheme_id: str) -> Weights | None:
    try:
        return load_scheme(scheme_id).weights
    except JixiaoError:
        return None


def _place_weights(ev: Evaluation, trees: list[list[_Level1]]) -> list[_Level1]:
    """Put the declared 一级 weights on the first entry of each group in every tree.

    Returns the extra (row-less) entries needed for groups whose declared weight differs from the
    scheme's default but which no entry names.
    """
    weights = ev.scheme.weights
    named: set[Group] = set()
    for blocks in trees:
        seen: set[Group] = set()
        for block in blocks:
            group = classify_level1(block.name)
            if group is None or group in seen:
                continue
            seen.add(group)
            named.add(group)
            block.weight = weights.of(group)
    defaults = _default_weights(ev.scheme.id)
    unnamed = [g for g in GROUP_LABELS if g is not Group.BUDGET_EXECUTION and g not in named]
    written = {g for g in unnamed if defaults is None or defaults.of(g) != weights.of(g)}
    stated = weights.budget_execution + sum((weights.of(g) for g in named | written), Decimal(0))
    if stated == 100:
        # Stated weights that make 100 tell the reader the file has no other group: a group left
        # out would read as 0, not as the scheme's weight, so every weighed one is written.
        written |= {g for g in unnamed if weights.of(g) != 0}
    return [_Level1(GROUP_LABELS[g], direct=False, weight=weights.of(g)) for g in unnamed if g in written]


# --- the document ----------------------------------------------------------------------------------


def to_yaml(ev: Evaluation) -> str:
    """The evaluation as an authoring YAML text (Chinese keys, amounts in 元)."""
    out = _Lines()
    out.comment("jixiao 自评文件：可直接修改后运行“jixiao score 本文件”计分复核。")
    if ev.source is not None and ev.source.path:
        out.comment(f"来源：{' '.join(ev.source.path.splitlines())}")
    out.entry("", label("scheme"), ev.scheme.id)

    project = ev.project
    out.open("", label("project"))
    for key_id, value in (
        ("name", project.name),
        ("year", None if project.year is None else str(project.year)),
        ("unit", project.unit),
        ("department", project.department),
        ("implementer", project.implementer),
        ("category", project.category),
        ("attribute", project.attribute),
        ("type", project.type),
        ("filled_date", None if project.filled_date is None else project.filled_date.isoformat()),
    ):
        out.entry(INDENT, display(Context.PROJECT, key_id), value)

    out.open("", label("objectives"))
    out.entry(INDENT, label("planned"), ev.objectives.planned)
    out.entry(INDENT, label("achieved"), ev.objectives.achieved)

    budget = ev.budget
    out.open("", label("budget"))
    out.entry(INDENT, label("amount_unit"), "元")
    if ev.scheme.declared:
        out.entry(INDENT, label("weight"), number(ev.scheme.weights.budget_execution))
    out.entry(INDENT, label("initial_yuan"), _money(budget.initial_yuan))
    out.entry(INDENT, label("planned_yuan"), _money(budget.planned_yuan))
    out.entry(INDENT, label("received_yuan"), _money(budget.received_yuan))
    out.entry(INDENT, label("executed_yuan"), _money(budget.executed_yuan))
    out.entry(
        INDENT, label("stated_rate"), None if budget.stated_rate is None else percent(budget.stated_rate)
    )
    if budget.lines:
        out.open(INDENT, label("lines"))
        for line in budget.lines:
            indent = INDENT * 2
            out.entry(indent, label("name"), line.name, item=True)
            out.entry(indent + INDENT, label("planned_yuan"), _money(line.planned_yuan))
            out.entry(indent + INDENT, label("executed_yuan"), _money(line.executed_yuan))
            if line.group is not None:
                out.entry(indent + INDENT, label("group"), line.group)

    top = _tree(ev.indicators)
    units = [_tree(unit.indicators) for unit in ev.sub_units]
    if ev.scheme.declared:
        top.extend(_place_weights(ev, [top, *units]))
    if top:
        out.open("", label("indicators"))
        _write_tree(out, top, INDENT)

    claimed = ev.claimed
    out.open("", label("claimed"))
    out.entry(INDENT, label("budget_execution_score"), _fmt(claimed.budget_execution_score))
    out.entry(INDENT, label("total"), _fmt(claimed.total))
    out.entry(INDENT, label("grade"), claimed.grade)

    out.entry("", label("problems"), ev.problems)

    if ev.sub_units:
        out.open("", label("sub_units"))
        for unit, blocks in zip(ev.sub_units, units, strict=True):
            out.entry(INDENT, label("name"), unit.name, item=True)
            inner = INDENT * 2
            out.entry(inner, label("planned_yuan"), _money(unit.planned_yuan))
            out.entry(inner, label("executed_yuan"), _money(unit.executed_yuan))
            if blocks:
                out.open(inner, label("indicators"))
                _write_tree(out, blocks, inner)
    return out.text()
