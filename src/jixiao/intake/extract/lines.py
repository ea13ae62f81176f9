"""Budget detail lines (预算明细): from a table (表1: 序号 | 项目内容 | 预算金额 | 决算金额 …) or from an
enumerated list in prose (“1、基层党建办公室经费49万元，负责……”).

A 合计 row is the table's own total, not a line. In prose, a numbered line followed by unnumbered
(or differently numbered) lines that add up to it is a group heading (小计) with its children;
children get ``group`` set so the top-level lines alone must add up to the budget. A list that is
closed by a statement of actual spending equal to its sum (“2019年众和社区实际支出310.69694万元”)
breaks down what was spent, so its amounts are executed, not planned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.model import BudgetLine
from jixiao.core.numbers import ZERO
from jixiao.core.values import parse_amount
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.prose import ENUMERATOR
from jixiao.intake.extract.prose import amounts
from jixiao.intake.extract.prose import squash
from jixiao.intake.extract.prose import strip_enumerator
from jixiao.intake.extract.sections import Para

_NAME_HEAD = re.compile(r"项目内容|项目名称|支出内容|明细|用途|支出项目|经费项目|内容|名称")
_PLANNED_HEAD = re.compile(r"预算(金额|数|资金)?|安排|批复")
_EXECUTED_HEAD = re.compile(r"决算|执行|实际支出|支出金额|账面支出|支出数")
_TASKS = re.compile(r"年度主要任务|任务名称")
_TOTAL = re.compile(r"^(合计|总计|小计|共计)")
_UNIT_WAN = re.compile(r"万元|[（(]万[)）]")
_SPENT = re.compile(r"实际(支出|使用|执行|开支)|支出合计|共支出|累计支出")
_MAX_NAME = 60
_TOLERANCE = Decimal(1)


@dataclass(frozen=True, slots=True)
class LinesResult:
    lines: tuple[BudgetLine, ...]
    where: str


def from_table(grid: Grid, budget_total: Decimal | None) -> LinesResult | None:
    """Lines from a detail table: a name column and an amount column under a header row."""
    for r in range(min(grid.n_rows, 4)):
        header = {s.col: squash(s.text) for s in grid.row(r)}
        name_col = next((c for c, t in header.items() if _NAME_HEAD.search(t) and "序号" not in t), None)
        planned_col = next((c for c, t in header.items() if _PLANNED_HEAD.search(t) and c != name_col), None)
        executed_col = next(
            (c for c, t in header.items() if _EXECUTED_HEAD.search(t) and c not in {name_col, planned_col}),
            None,
        )
        if name_col is None or (planned_col is None and executed_col is None):
            continue
        if any(_TASKS.search(t) for t in header.values()):
            continue  # a 部门整体 form's key tasks: their money need not add up to the budget
        rows = _table_rows(grid, r, name_col, planned_col, executed_col)
        if len(rows) < 2:
            return None
        unit = _table_unit(grid, r, rows, planned_col, executed_col, budget_total)
        lines = tuple(
            BudgetLine(
                name=name,
                planned_yuan=parse_amount(planned, unit) if planned else None,
                executed_yuan=parse_amount(executed, unit) if executed else None,
                location=grid.place(row),
            )
            for row, name, planned, executed in rows
        )
        return LinesResult(lines, grid.table.place)
    return None


def _table_rows(
    grid: Grid, header: int, name_col: int, planned_col: int | None, executed_col: int | None
) -> list[tuple[int, str, str | None, str | None]]:
    rows: list[tuple[int, str, str | None, str | None]] = []
    for r in range(header + 1, grid.n_rows):
        texts = grid.texts(r)
        name = texts[name_col].replace("\n", "")
        planned = texts[planned_col] if planned_col is not None else None
        executed = texts[executed_col] if executed_col is not None else None
        if not name or _TOTAL.match(squash(name)) or any(_TOTAL.match(squash(t)) for t in texts[:name_col]):
            continue
        if parse_amount(planned or "", "元") is None and parse_amount(executed or "", "元") is None:
            continue
        rows.append((r, name, planned, executed))
    return rows


def _table_unit(
    grid: Grid,
    header: int,
    rows: list[tuple[int, str, str | None, str | None]],
    planned_col: int | None,
    executed_col: int | None,
    budget_total: Decimal | None,
) -> str:
    heads = "".join(squash(t) for t in grid.texts(header)) + grid.table.place
    if _UNIT_WAN.search(heads):
        return "万元"
    if budget_total is not None:
        col = planned_col if planned_col is not None else executed_col
        total = (
            sum((parse_amount(grid.texts(r)[col], "元") or ZERO for r, *_ in rows), ZERO)
            if col is not None
            else ZERO
        )
        if abs(total * 10000 - budget_total) <= _TOLERANCE * 10000 and abs(total - budget_total) > _TOLERANCE:
            return "万元"
    return "元"


@dataclass(frozen=True, slots=True)
class _Item:
    para: Para
    name: str
    amount: Decimal
    numbered: str | None  # the enumerator's style: "N、", "（N）", …, None when unnumbered


def _style(text: str) -> str | None:
    m = ENUMERATOR.match(text)
    if m is None:
        return None
    return re.sub(r"\d+|[一二三四五六七八九十]+", "N", squash(m.group()))


def _item(p: Para) -> _Item | None:
    """A paragraph that states one line: a name and its amount (“外挂电梯费用69.8万元（…）；”)."""
    if p.level is not None and not ENUMERATOR.match(p.text):
        return None
    text = p.text.strip()
    found = amounts(text)
    if not found:
        return None
    first = found[0]
    numbered = _style(text)
    head = text[: first.start]
    tail = text[first.end :].strip()
    closes = re.match(r"^([（(][^）)]*[)）])?\s*[；;。，,]?$", tail) is not None
    if re.search(r"[，,。；;：:]", head) and not (numbered and closes and len(found) == 1):
        return None  # the amount is neither in the opening clause nor closing a numbered line
    name = strip_enumerator(head).strip()
    if numbered is None and (len(found) > 1 or len(text) > _MAX_NAME + 30):
        return None  # an unnumbered line must be short and state one amount
    if numbered is None and tail and not closes:
        return None
    if (
        not name
        or len(name) > _MAX_NAME
        or re.search(r"预算|执行率|到位|合计|共计|总计|小计", name)
        or _SPENT.search(name)
    ):
        return None
    return _Item(p, name, first.yuan, numbered)


def from_prose(paras: list[Para]) -> LinesResult | None:
    """The longest run of consecutive line-paragraphs (at least two), as budget lines."""
    runs: list[list[_Item]] = []
    current: list[_Item] = []
    for p in paras:
        item = _item(p)
        if item is None:
            if len(current) >= 2:
                runs.append(current)
            current = []
            continue
        current.append(item)
    if len(current) >= 2:
        runs.append(current)
    if not runs:
        return None
    run = max(runs, key=len)
    lines = _hierarchy(run)
    top = [line for line in lines if line.group is None]
    total = sum((line.planned_yuan or ZERO for line in top), ZERO)
    after = _closing_statement(paras, run[-1].para)
    spent = after is not None and abs(after - total) <= _TOLERANCE
    if spent:
        lines = [
            line.model_copy(update={"executed_yuan": line.planned_yuan, "planned_yuan": None})
            for line in lines
        ]
    return LinesResult(tuple(lines), run[0].para.location)


def _hierarchy(run: list[_Item]) -> list[BudgetLine]:
    """Group heads and their children (see the module docstring); else all lines top-level."""
    styles = [item.numbered for item in run]
    head_style = styles[0]
    heads = [i for i, s in enumerate(styles) if s == head_style and head_style is not None]
    if len(heads) < len(run) and heads and heads[0] == 0:
        lines: list[BudgetLine] = []
        ok = True
        for k, start in enumerate(heads):
            end = heads[k + 1] if k + 1 < len(heads) else len(run)
            children = run[start + 1 : end]
            if children and abs(sum((c.amount for c in children), ZERO) - run[start].amount) > _TOLERANCE:
                ok = False
                break
            head = run[start]
            lines.append(BudgetLine(name=head.name, planned_yuan=head.amount, location=head.para.location))
            lines.extend(
                BudgetLine(name=c.name, planned_yuan=c.amount, group=head.name, location=c.para.location)
                for c in children
            )
        if ok:
            return lines
    return [BudgetLine(name=i.name, planned_yuan=i.amount, location=i.para.location) for i in run]


def _closing_statement(paras: list[Para], last: Para) -> Decimal | None:
    """The amount of a spending statement right after the list (“……实际支出310.69694万元。”)."""
    index = next((i for i, p in enumerate(paras) if p is last), None)
    if index is None or index + 1 >= len(paras):
        return None
    nxt = paras[index + 1]
    if not _SPENT.search(nxt.text):
        return None
    found = amounts(nxt.text)
    return found[0].yuan if len(found) == 1 else None
