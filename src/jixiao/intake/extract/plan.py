"""From a read document to a 绩效目标申报表 (:class:`Declaration`) or a 绩效目标执行监控表
(:class:`Monitoring`), and which of the two (or neither) a document is.

:func:`plan_kind` tells the two apart from each other and from a 自评表 by what a document
calls itself (a title line, a title cell, the file name) and by the head of its indicator table:
a 自评表's has 实际完成值 and 得分, a monitoring table's 执行情况 with 全年预计 or 完成目标可能性, a
declaration's only 指标值. A document holding a 自评表 is never taken for a plan, even when it
appends its 目标申报表.

:func:`extract_declaration` and :func:`extract_monitoring` read the labelled facts (项目名称,
主管部门, 实施单位, the amounts in the unit the form states), the 年度总体目标 and the indicator
table, whose columns are found by their heads wherever a form puts them, sub-columns included
(偏差原因分析 by category, 完成目标可能性 by choice). What cannot be placed becomes a note
``(place, reason)`` for an ``EXTRACTION_INCOMPLETE`` finding, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from pathlib import PurePath
from typing import Literal

from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Period
from jixiao.core.values import parse_amount
from jixiao.core.values import parse_rate
from jixiao.core.values import parse_value
from jixiao.intake.document import CHECKED
from jixiao.intake.document import UNCHECKED
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.extract.fields import Field
from jixiao.intake.extract.fields import labelled
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.header import checked_option
from jixiao.intake.extract.header import parse_date
from jixiao.intake.extract.prose import points
from jixiao.intake.extract.prose import squash
from jixiao.intake.extract.scan_marks import scan_marks

PlanKind = Literal["declaration", "monitoring"]

_MONITORING_TITLE = re.compile(r"(执行|运行)监控(情况)?(表|汇总表)|绩效监控(情况)?表|监控情况表")
_DECLARATION_TITLE = re.compile(r"绩效目标(申报|审核|批复)?表|绩效目标申报")
_EVALUATION_TITLE = re.compile(r"自评|评价(报告|表)")
_FIRST_PARAGRAPHS = 8
_TITLE_ROWS = 3
_TITLE_MAX = 60

# Heads of the indicator table, on whitespace-free text.
_NAME_HEAD = re.compile(r"^(三级指标|指标名称|绩效指标名称|具体指标|三级指标名称)$")
_EVALUATION_HEAD = re.compile(r"实际完成值|实际完成情况|完成值|^得分|自评得分")
_TO_DATE_HEAD = re.compile(r"执行情况|完成情况|实际完成")
_EXPECTED_HEAD = re.compile(r"全年预计|预计(全年)?完成")
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("expected", _EXPECTED_HEAD),
    ("cause", re.compile(r"偏差原因")),
    ("likelihood", re.compile(r"可能性")),
    ("note", re.compile(r"^备注")),
    ("level1", re.compile(r"^一级指标")),
    ("level2", re.compile(r"^二级指标")),
    ("name", _NAME_HEAD),
    ("weight", re.compile(r"^(分值|权重|指标分值|指标权重)")),
    ("to_date", re.compile(r"\d{1,2}\s*[-—–~至到]\s*\d{1,2}\s*月.*(执行|完成)|(执行|完成)情况|截至")),
    ("target", re.compile(r"指标值|目标值")),
)
_CAUSES = {c.value: c for c in DeviationCause}
_CAUSE_WORDS = {**_CAUSES, "硬件保障": DeviationCause.HARDWARE}
_LIKELIHOODS = {c.value: c for c in Likelihood}
_TICKS = re.compile(rf"^[√✓✔{CHECKED}☒■●是]$")
# A category named at the start of a one-column 偏差原因分析 (“经费保障：资金7月才到位”); a reason
# that merely starts with a related word (“经费未到位”) names none.
_CAUSE_LEAD = re.compile(rf"^({'|'.join(_CAUSE_WORDS)})(?:[：:，,、;；\s]+|$)")
_NO_REASON = re.compile(r"^(无|无偏差|没有|/|—+|-+|无。|不适用)$")

_PERIOD = re.compile(r"(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})\s*月")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_UNIT = re.compile(r"[（(]\s*(万元|元)\s*[)）]|单位\s*[:：]\s*(万元|元)")

_PROJECT_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("name", re.compile(r"项目名称")),
    ("department", re.compile(r"主管部门(及代码|名称)?")),
    ("implementer", re.compile(r"(项目)?实施单位(名称)?")),
    ("unit", re.compile(r"(填报)?单位(名称)?(（盖章）|\(盖章\))?|填报单位")),
    ("attribute", re.compile(r"项目属性")),
)
_DATE_LABEL = re.compile(r"填报日期|填表日期|日期")
_DECLARED_FUNDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("planned_yuan", re.compile(r"年度资金(申请)?总额|年度预算(资金)?总额|资金总额")),
    ("fiscal_yuan", re.compile(r"(其中[:：]?)?(当年)?财政(拨款|资金)")),
    ("other_yuan", re.compile(r"(其中[:：]?)?其他资金")),
)
_OBJECTIVE = re.compile(r"年度(总体)?目标|总体目标|年度绩效目标")
_OBJECTIVE_PLANNED = re.compile(r"年初目标|预期目标|年度目标|目标内容")
_OBJECTIVE_PROGRESS = re.compile(r"执行情况|完成情况|进展")
_FUNDS_PLANNED = re.compile(r"全年预算数|年初预算数|预算数|资金总额|年度预算")
_FUNDS_ADJUSTED = re.compile(r"全年预算|调整后预算")
_FUNDS_EXECUTED = re.compile(r"执行数|支出数|实际支出")
_FUNDS_RATE = re.compile(r"执行率|执行进度")
_FUNDS_EXPECTED = re.compile(r"全年预计(执行|支出)")
_NOT_MONEY = re.compile(r"时间进度")


@dataclass(slots=True)
class _Found:
    """What the table reader found: rows, where the table is, what it could not read."""

    declared: list[Indicator] = field(default_factory=list)
    monitored: list[MonitoredIndicator] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


# --- which record --------------------------------------------------------------------------------


def _titles(doc: Document, grids: list[Grid]) -> list[str]:
    texts = [
        squash(b.text)
        for b in doc.blocks[: _FIRST_PARAGRAPHS * 2]
        if isinstance(b, Paragraph) and len(b.text) <= _TITLE_MAX
    ][:_FIRST_PARAGRAPHS]
    for grid in grids:
        for r in range(min(grid.n_rows, _TITLE_ROWS)):
            texts.extend(squash(s.text) for s in grid.row(r) if len(s.text) <= _TITLE_MAX)
    if doc.title:
        texts.append(squash(doc.title))
    texts.append(squash(PurePath(doc.path).stem))
    return texts


def _header_rows(grid: Grid) -> list[int]:
    """Rows of ``grid`` holding an indicator table's head (a 三级指标 / 指标名称 cell)."""
    return [r for r in range(grid.n_rows) if any(_NAME_HEAD.match(squash(t)) for t in grid.texts(r))]


def _head_text(grid: Grid, r: int) -> str:
    """The head of an indicator table: its row and the next (sub-column heads)."""
    rows = [r, r + 1] if r + 1 < grid.n_rows else [r]
    return "|".join(squash(t) for rr in rows for t in grid.texts(rr))


def _evaluation_head(head: str) -> bool:
    """Whether an indicator table's head is a 自评表's: it scores (得分), or it states the actual
    values without the 1—7月 / 全年预计 / 可能性 columns of a monitoring table."""
    if "得分" in head:
        return True
    monitoring = _EXPECTED_HEAD.search(head) or "可能性" in head or _PERIOD.search(head)
    return bool(_EVALUATION_HEAD.search(head)) and not monitoring


def plan_kind(doc: Document) -> PlanKind | None:
    """Whether ``doc`` is a 目标申报表, a 监控情况表 or neither (see the module docstring)."""
    grids = [Grid(b) for b in doc.blocks if isinstance(b, Table)]
    heads = [_head_text(g, r) for g in grids for r in _header_rows(g)]
    if not heads or any(_evaluation_head(h) for h in heads):
        return None  # no indicator table, or a 自评表's
    titles = _titles(doc, grids)
    monitoring_title = any(_MONITORING_TITLE.search(t) for t in titles)
    declaration_title = any(_DECLARATION_TITLE.search(t) and not _EVALUATION_TITLE.search(t) for t in titles)
    if any(_EVALUATION_TITLE.search(t) for t in titles[:-1]) and not (monitoring_title or declaration_title):
        return None
    if monitoring_title or any(
        _TO_DATE_HEAD.search(h) and (_EXPECTED_HEAD.search(h) or "可能性" in h) for h in heads
    ):
        return "monitoring"
    return "declaration" if declaration_title else None


# --- the labelled facts ------------------------------------------------------------------------


_LABEL_UNIT = re.compile(r"[（(][^（()）]*[)）]$")


def _bare(label: str) -> str:
    """A label without a trailing “（万元）” or “(盖章)”."""
    return _LABEL_UNIT.sub("", label)


def _first(fields: list[Field], pattern: re.Pattern[str]) -> Field | None:
    return next(
        (
            f
            for f in fields
            if (pattern.fullmatch(f.label) or pattern.fullmatch(_bare(f.label))) and f.value.strip()
        ),
        None,
    )


def _project(doc: Document, fields: list[Field], titles: list[str], prov: dict[str, str]) -> Project:
    found: dict[str, object] = {}
    for key, pattern in _PROJECT_LABELS:
        got = _first(fields, pattern)
        if got is not None:
            value: str | None = got.value.strip()
            if key == "attribute" and (CHECKED in got.value or UNCHECKED in got.value):
                value = checked_option(got.value)  # “1、新增项目 ☐　2、延续项目 ☑”; none ticked: None
            if value is None:
                continue
            found[key] = value
            prov[f"project.{key}"] = got.location
    date = _first(fields, _DATE_LABEL)
    if date is not None and (day := parse_date(date.value)) is not None:
        found["filled_date"] = day
        prov["project.filled_date"] = date.location
    for text in titles:
        if m := _YEAR.search(text):
            found["year"] = int(m[1])
            prov["project.year"] = "标题"
            break
    return Project.model_validate(found)


def _beside(
    grids: list[Grid], pattern: re.Pattern[str], column: int | None = None
) -> tuple[Field, int] | None:
    """The value right of a table cell that is exactly the label (“其中：财政拨款 | 180.00”,
    which the inline reading takes for a label 其中), and the label's column. With ``column``
    (the 年度资金总额 label's, when a form sets 中期 and 年度 funds side by side) only a label in
    that column."""
    for grid in grids:
        for r, slot in grid.find(pattern):
            label = squash(slot.text).rstrip("：:")
            if column is not None and slot.col != column:
                continue
            if (pattern.fullmatch(label) or pattern.fullmatch(_bare(label))) and (
                value := grid.right_of(r, slot)
            ) is not None:
                return Field(label, value.text, grid.place(r)), slot.col
    return None


def _amount_unit(doc: Document, notes: list[tuple[str, str]], what: str) -> str:
    """The money unit the form states (万元 or 元); 万元 with a note when it states none."""
    for block in doc.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [c.text for c in block.cells]
        for text in texts:
            if ("资金" in text or "预算" in text or "金额" in text) and (m := _UNIT.search(text)):
                return m[1] or m[2]
    notes.append((what, "未注明金额单位，已按万元读取"))
    return "万元"


def _money(text: str, unit: str) -> Decimal | None:
    return parse_amount(text.replace(",", "").strip(), unit) if text.strip() else None


# --- the indicator table -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Columns:
    roles: dict[str, int]
    causes: dict[int, DeviationCause]
    likelihoods: dict[int, Likelihood]
    first_data_row: int
    note: str | None = None


_LEVEL2_HEAD = re.compile(r"^二级指标")


def _annual_group(grid: Grid, r: int) -> tuple[range | None, str | None]:
    """The columns of the 年度 indicators when the head at row ``r`` has several groups (the
    national 申报表 sets 中期 and 年度 indicators side by side), and a note when it cannot tell
    which group is the 年度 one. ``(None, None)`` for a head with one group."""
    texts = [squash(t) for t in grid.texts(r)]
    names = [
        c
        for c, t in enumerate(texts)
        if _NAME_HEAD.match(t) and (c == 0 or grid.cells[r][c] is not grid.cells[r][c - 1])
    ]
    if len(names) < 2:
        return None, None
    starts = []
    for c in names:
        start = c
        while start > 0 and _LEVEL2_HEAD.match(texts[start - 1]):
            start -= 1
        starts.append(start)
    groups = [range(a, b) for a, b in zip(starts, [*starts[1:], len(texts)], strict=True)]

    def above(group: range) -> str:
        return "".join(squash(grid.texts(rr)[c]) for rr in range(max(0, r - 2), r) for c in group)

    annual = [g for g in groups if "年度" in above(g) and "中期" not in above(g)]
    if len(annual) == 1:
        return annual[0], None
    return range(0), f"指标表有{len(groups)}组三级指标，无法确定哪一组是年度指标，未读取"


def _columns(grid: Grid, r: int) -> _Columns:
    """The role of each column under the head at row ``r`` (and the sub-heads below it)."""
    roles: dict[str, int] = {}
    group, note = _annual_group(grid, r)
    for c, text in enumerate(grid.texts(r)):
        head = squash(text)
        if group is not None and c not in group and not head.startswith("一级指标"):
            continue
        for role, pattern in _ROLES:
            if role not in roles and pattern.search(head):
                if role == "to_date" and _EXPECTED_HEAD.search(head):
                    continue
                if role == "target" and ("执行" in head or "完成" in head):
                    continue
                roles[role] = c
                break
    causes: dict[int, DeviationCause] = {}
    likelihoods: dict[int, Likelihood] = {}
    first = r + 1
    if r + 1 < grid.n_rows:
        # A row of sub-heads holds only choice words (and the heads merged down into it); a data
        # row that says 完全不可能 holds a name too.
        own = [
            (c, squash(t))
            for c, t in enumerate(grid.texts(r + 1))
            if t.strip() and grid.cells[r + 1][c] is not grid.cells[r][c]
        ]
        if own and all(text in _CAUSE_WORDS or text in _LIKELIHOODS for _, text in own):
            for c, text in own:
                if text in _CAUSE_WORDS:
                    causes[c] = _CAUSE_WORDS[text]
                else:
                    likelihoods[c] = _LIKELIHOODS[text]
            first = r + 2
    return _Columns(roles, causes, likelihoods, first, note)


def _cell(grid: Grid, r: int, c: int | None) -> str:
    if c is None:
        return ""
    return grid.texts(r)[c].strip()


def _cause(
    grid: Grid, r: int, cols: _Columns, place: str, notes: list[tuple[str, str]]
) -> tuple[DeviationCause | None, str | None]:
    """(category, reason) of one row: from the category sub-columns, else from the one column."""
    texts = grid.texts(r)
    if cols.causes:
        marked = [(cause, texts[c].strip()) for c, cause in cols.causes.items() if texts[c].strip()]
        if not marked:
            return None, None
        if len(marked) > 1:
            notes.append(
                (place, f"偏差原因分析勾选了{len(marked)}个类别，已取“{marked[0][0].value}”，其余写入原因")
            )
        reasons = [t if not _TICKS.match(t) else "" for _, t in marked]
        extra = [f"{cause.value}：{t}" for (cause, _), t in zip(marked[1:], reasons[1:], strict=True) if t]
        text = "；".join(part for part in (reasons[0], *extra) if part) or None
        return marked[0][0], text
    raw = _cell(grid, r, cols.roles.get("cause"))
    if not raw or _NO_REASON.match(squash(raw)):
        return None, None
    if m := _CAUSE_LEAD.match(raw):
        return _CAUSE_WORDS[m[1]], raw[m.end() :].strip() or None
    return None, raw


def _likelihood(
    grid: Grid, r: int, cols: _Columns, place: str, notes: list[tuple[str, str]]
) -> Likelihood | None:
    texts = grid.texts(r)
    if cols.likelihoods:
        marked = [choice for c, choice in cols.likelihoods.items() if texts[c].strip()]
        if len(marked) > 1:
            notes.append((place, "完成目标可能性勾选了多项，无法确定，未读取"))
            return None
        return marked[0] if marked else None
    raw = squash(_cell(grid, r, cols.roles.get("likelihood")))
    if not raw:
        return None
    named = [choice for word, choice in _LIKELIHOODS.items() if word in raw]
    if len(named) == 1:
        return named[0]
    if named:
        notes.append((place, f"完成目标可能性“{raw}”写了多项，无法确定，未读取"))
        return None
    notes.append((place, f"完成目标可能性“{raw}”不是 确定能/有可能/完全不可能 之一，未读取"))
    return None


def _weight(text: str, place: str, notes: list[tuple[str, str]]) -> Decimal | None:
    if not text.strip():
        return None
    value = points(text)
    if value is None:
        notes.append((place, f"分值“{text}”不是数字，未读取"))
    return value


def _table(grids: list[Grid], kind: PlanKind) -> _Found:
    found = _Found()
    for grid in grids:
        for r in _header_rows(grid):
            cols = _columns(grid, r)
            if cols.note is not None:
                found.notes.append((grid.place(r), cols.note))
            if "target" not in cols.roles or "name" not in cols.roles:
                continue
            _rows(grid, cols, kind, found)
            if found.declared or found.monitored:
                return found
    if not found.notes:
        found.notes.append(("全文", "没有找到绩效指标表（三级指标、指标值两栏）"))
    return found


def _rows(grid: Grid, cols: _Columns, kind: PlanKind, found: _Found) -> None:
    name_col = cols.roles["name"]
    for r in range(cols.first_data_row, grid.n_rows):
        name = _cell(grid, r, name_col)
        squashed = squash(name)
        if not name or _NAME_HEAD.match(squashed):
            continue  # an empty row, or the head repeated on a new page
        place = grid.place(r)
        level1 = _cell(grid, r, cols.roles.get("level1")) or None
        level2 = _cell(grid, r, cols.roles.get("level2")) or None
        target = parse_value(_cell(grid, r, cols.roles.get("target")))
        weight = _weight(_cell(grid, r, cols.roles.get("weight")), place, found.notes)
        if kind == "declaration":
            found.declared.append(
                Indicator(
                    level1=level1, level2=level2, name=name, weight=weight, target=target, location=place
                )
            )
            continue
        cause, text = _cause(grid, r, cols, place, found.notes)
        found.monitored.append(
            MonitoredIndicator(
                level1=level1,
                level2=level2,
                name=name,
                weight=weight,
                target=target,
                to_date=parse_value(_cell(grid, r, cols.roles.get("to_date"))),
                expected=parse_value(_cell(grid, r, cols.roles.get("expected"))),
                cause=cause,
                cause_text=text,
                likelihood=_likelihood(grid, r, cols, place, found.notes),
                note=_cell(grid, r, cols.roles.get("note")) or None,
                location=place,
            )
        )


# --- objectives and the monitoring's money ---------------------------------------------------


def _objective(grids: list[Grid], fields: list[Field], prov: dict[str, str]) -> tuple[str | None, str | None]:
    """The 年度总体目标 (and, in a monitoring table, its progress to date)."""
    for grid in grids:
        for r, slot in grid.find(_OBJECTIVE):
            if len(squash(slot.text)) > 12:
                continue
            right = [s for s in grid.row(r) if s.col > slot.col and s.cell is not slot.cell]
            heads = [
                s
                for s in right
                if _OBJECTIVE_PLANNED.search(squash(s.text)) or _OBJECTIVE_PROGRESS.search(squash(s.text))
            ]
            if heads and r + 1 < grid.n_rows:  # 年初目标 | 执行情况 heads, the texts below them
                planned = progress = None
                for head in heads:
                    below = grid.cells[r + 1][head.col]
                    text = below.text.strip() if below is not None and below is not head.cell else ""
                    if _OBJECTIVE_PLANNED.search(squash(head.text)) and planned is None:
                        planned = text or None
                    elif progress is None:
                        progress = text or None
                prov["objective"] = grid.place(r + 1)
                return planned, progress
            texts = [s.text for s in right if s.text]
            if texts:
                prov["objective"] = grid.place(r)
                return texts[0], None
    got = _first(fields, _OBJECTIVE)
    if got is not None:
        prov["objective"] = got.location
        return got.value.strip(), None
    return None, None


@dataclass(frozen=True, slots=True)
class _Funds:
    planned: Decimal | None = None
    executed: Decimal | None = None
    expected: Decimal | None = None
    rate: Decimal | None = None


def _monitoring_funds(grids: list[Grid], unit: str, prov: dict[str, str]) -> _Funds:
    """The budget block: a row of heads (全年预算数 | 1—7月执行数 | 执行率 | 全年预计执行数) over
    a row of figures."""
    for grid in grids:
        for r in range(grid.n_rows):
            heads = [squash(t) for t in grid.texts(r)]
            if not any(_FUNDS_EXECUTED.search(h) for h in heads):
                continue
            for rr in range(r + 1, min(r + 4, grid.n_rows)):
                values = grid.texts(rr)
                found: dict[str, Decimal | None] = {}
                for c, head in enumerate(heads):
                    if c >= len(values) or grid.cells[rr][c] is grid.cells[r][c] or _NOT_MONEY.search(head):
                        continue
                    for role, pattern in (
                        ("expected", _FUNDS_EXPECTED),
                        ("rate", _FUNDS_RATE),
                        ("executed", _FUNDS_EXECUTED),
                        ("adjusted", _FUNDS_ADJUSTED),
                        ("planned", _FUNDS_PLANNED),
                    ):
                        if pattern.search(head) and role not in found:
                            value = parse_rate(values[c]) if role == "rate" else _money(values[c], unit)
                            if value is not None:
                                found[role] = value
                            break
                if "adjusted" in found:  # the 全年 (adjusted) budget, not the 年初 one, is the base
                    found["planned"] = found.pop("adjusted")
                if "executed" in found or "planned" in found:
                    for role in found:
                        prov[f"{role}_yuan" if role != "rate" else "stated_rate"] = grid.place(rr)
                    return _Funds(**found)
    return _Funds()


def _period(texts: list[str]) -> tuple[Period, bool]:
    for text in texts:
        if (m := _PERIOD.search(text)) and 1 <= int(m[1]) <= int(m[2]) <= 12:
            return Period(first_month=int(m[1]), last_month=int(m[2])), True
    return Period(), False


# --- the two records -------------------------------------------------------------------------------


def extract_declaration(doc: Document) -> tuple[Declaration, list[tuple[str, str]]]:
    """A 目标申报表 and the notes on what could not be read."""
    o = _open(doc)
    amounts: dict[str, Decimal] = {}
    column: int | None = None
    for key, pattern in _DECLARED_FUNDS:
        beside = _beside(o.grids, pattern, column)
        if beside is not None and key == "planned_yuan":
            column = beside[1]  # 其中 rows under the 年度资金总额 label, not the 中期 one
        got = beside[0] if beside is not None else _first(o.fields, pattern)
        if got is None:
            continue
        value = _money(got.value, o.unit)
        if value is None:
            o.notes.append((got.location, f"“{got.label}”的金额“{got.value}”无法读取"))
            continue
        amounts[key] = value
        o.prov[key] = got.location
    objective, _ = _objective(o.grids, o.fields, o.prov)
    found = _table(o.grids, "declaration")
    o.notes.extend(found.notes)
    dec = Declaration(
        project=o.project,
        objective=objective,
        indicators=tuple(found.declared),
        provenance=o.prov,
        **amounts,
    )
    return dec.model_copy(update={"scanned": scan_marks(doc, dec)}), o.notes


def extract_monitoring(doc: Document) -> tuple[Monitoring, list[tuple[str, str]]]:
    """A 监控情况表 and the notes on what could not be read."""
    o = _open(doc)
    funds = _monitoring_funds(o.grids, o.unit, o.prov)
    if funds.planned is None and funds.executed is None:
        o.notes.append(("项目资金", "没有找到预算执行情况（全年预算数、执行数）"))
    heads = [squash(t) for g in o.grids for r in range(g.n_rows) for t in g.texts(r) if len(t) <= 20]
    period, stated = _period(o.titles + heads)
    if not stated:
        o.notes.append(("标题", "未写明监控期间，已按1—7月计算时间进度"))
    objective, progress = _objective(o.grids, o.fields, o.prov)
    found = _table(o.grids, "monitoring")
    o.notes.extend(found.notes)
    mon = Monitoring(
        project=o.project,
        period=period,
        planned_yuan=funds.planned,
        executed_yuan=funds.executed,
        expected_yuan=funds.expected,
        stated_rate=funds.rate,
        objective=objective,
        objective_progress=progress,
        indicators=tuple(found.monitored),
        provenance=o.prov,
    )
    return mon.with_rates().model_copy(update={"scanned": scan_marks(doc, mon)}), o.notes


@dataclass(slots=True)
class _Opened:
    """What both records start from: the document's grids, its labelled facts and titles, the
    project they name and the amount unit, with the provenance and the notes to add to."""

    grids: list[Grid]
    fields: list[Field]
    titles: list[str]
    prov: dict[str, str]
    notes: list[tuple[str, str]]
    project: Project
    unit: str


def _open(doc: Document) -> _Opened:
    by_block = _grids_by_block(doc)
    grids = list(by_block.values())
    fields, titles = list(labelled(doc, by_block)), _titles(doc, grids)
    prov: dict[str, str] = {}
    notes = list(doc.notes)
    project = _project(doc, fields, titles, prov)
    return _Opened(grids, fields, titles, prov, notes, project, _amount_unit(doc, notes, "项目资金"))


def _grids_by_block(doc: Document) -> dict[int, Grid]:
    return {i: Grid(b) for i, b in enumerate(doc.blocks) if isinstance(b, Table)}
