"""The budget block of a 自评表 grid: 年度资金总额 and its 其中 rows under a header that names the columns.

The national form (财预〔2020〕10号 附1) and its provincial versions print, under a header such as
年初预算数 | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分, a 年度资金总额 row and 其中 rows
(本年财政拨款 / 上年结转 / 其他资金; 中央补助 / 地方资金 in the transfer form). The 部门整体 form
adds 执行率权重 / 执行率得分. The labels are found wherever they stand:

- the header may be split over two rows (“全年 / 预算数”), its role cells are matched by their
  words, in whatever order;
- when the figures of the total row sit under the header cells, each is read from its column;
- otherwise (merged cells shifted the columns, a converter flattened the grid, a value is left
  out) the figures after the 年度资金总额 label are aligned with the header's roles in order.
  When a figure is missing (a total row printing two of three amounts), every way of dropping
  roles that fits the kinds of the figures (an amount, a rate with %, a weight, a score within
  it) and whose arithmetic checks (执行数 ÷ 预算数 = the printed rate) is tried, and a fact is
  kept only when all of them agree on it; otherwise it is left empty with a note;
- a total row that prints 0 while a 其中 row holds money is not read as 0: note.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.core.model import BudgetLine
from jixiao.core.values import parse_amount
from jixiao.core.values import parse_rate
from jixiao.intake.extract import budget_labels as labels
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.prose import points
from jixiao.intake.extract.prose import squash

# Header cells of a budget block, tested in this order (得分 headers often mention 执行率, and the
# 部门整体 form heads its columns 执行率权重 / 执行率得分).
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("score", re.compile(r"得分|^自评分")),
    ("weight", re.compile(r"^(分值|权重)|权重$|^满分")),
    ("rate", labels.cell_pattern(labels.RATE)),
    ("initial", labels.cell_pattern(labels.INITIAL)),
    ("received", labels.cell_pattern(labels.RECEIVED)),
    ("planned", labels.cell_pattern((*labels.PLANNED, "预算资金"))),  # a cell: 预算资金(万元)
    ("executed", labels.cell_pattern(labels.EXECUTED)),
)
_AMOUNTS = ("initial", "planned", "received", "executed")
_DETAIL_HEAD = re.compile(
    r"^(序号|项目内容|支出内容|明细|用途|支出项目|经费项目|任务名称|主要内容|年度主要任务)$"
)
_TOTAL_ROW = re.compile(r"资金总额|总金额|资金合计|合计|总计|总额")
_SUB_ROW = re.compile(r"^其中|结转|其他资金|自筹|财政拨款|中央|地方|省级|市级|县级|本级")
_STOP = re.compile(r"目标|绩效指标|一级指标|三级指标")
_DASH = re.compile(r"^[—\-－–/／\\无]+$|^[(（]?空[)）]?$")
_UNIT_WAN = re.compile(r"万元|[（(]万[)）]|单位[:：]?万")
_UNIT_YUAN = re.compile(r"[（(]元[)）]|单位[:：]?元")
# A unit stated outside the block's own cells (a title row, the line before the table): only as
# “金额单位：元” / “（单位：万元）” or a cell that is nothing but the unit.
_UNIT_LINE = re.compile(r"单位[:：]?(?P<a>万元|元)|^[（(]?(?P<b>万元|元)[)）]?$")
# An amount read as 万元 at or above this (10亿元) when no unit is stated is more likely 元.
_IMPLAUSIBLE_WAN = Decimal(100_000) * Decimal(10_000)
# An amount under a stated 万元 at or above this (100亿元) is a figure in 元 under the wrong label
# more likely than one project's money (“项目资金（万元）… 1,250,000.00”).
_IMPLAUSIBLE_STATED_WAN = Decimal(1_000_000) * Decimal(10_000)
# Two budget columns: the one that says 调整/全年 is the year's budget, the other the initial one.
_ADJUSTED = re.compile(r"调整|全年|变更后")
_GLUED = re.compile(r"^(?P<label>[^：:]{2,20})[：:](?P<figure>[^：:]+)$")
_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)分")
_HUNDRED = Decimal(100)
_SPAN = 8  # rows after the header the block may use
_PAIR_SPAN = 3  # rows the label-beside-value pairs of one budget block may spread over


@dataclass(slots=True)
class BudgetFacts:
    """What the document states about its budget, with where."""

    planned: Decimal | None = None
    initial: Decimal | None = None
    received: Decimal | None = None
    executed: Decimal | None = None
    rate: Decimal | None = None
    score: Decimal | None = None
    weight: Decimal | None = None
    unit_stated: bool = True
    precision: Decimal = Decimal("0.01")
    where: dict[str, str] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    # The 其中 rows (funding sources: 财政拨款 / 上年结转 / 中央补助 / 地方资金 …), which add up to the total.
    lines: tuple[BudgetLine, ...] = ()


@dataclass(frozen=True, slots=True)
class _Header:
    first: int  # first header row
    last: int  # last header row (== first unless split over two rows)
    columns: dict[str, int]  # role → grid column

    @property
    def roles(self) -> list[str]:
        return [role for _, role in sorted((c, role) for role, c in self.columns.items())]


@dataclass(frozen=True, slots=True)
class _Run:
    """A row label and the figures that follow it in reading order (“” for a dash)."""

    label: str
    row: int
    figures: tuple[str, ...]


def _role(text: str) -> str | None:
    if not text or len(text) > 24:
        return None
    for role, pattern in _COLUMNS:
        if pattern.search(text):
            return role
    return None


def _columns(cells: list[tuple[int, str]]) -> dict[str, int]:
    columns: dict[str, int] = {}
    budgets: list[tuple[int, str]] = []
    for col, text in cells:
        role = _role(squash(text))
        if role == "planned":
            budgets.append((col, squash(text)))
        if role is not None and role not in columns:
            columns[role] = col
    if len(budgets) == 2 and "initial" not in columns:
        # 预算安排数 | 调整预算数: the adjusted budget is the year's budget (A), the other the initial
        adjusted = [col for col, text in budgets if _ADJUSTED.search(text)]
        if len(adjusted) == 1:
            columns["planned"] = adjusted[0]
            columns["initial"] = next(col for col, _ in budgets if col != adjusted[0])
    return columns


def _usable(columns: dict[str, int] | dict[str, str]) -> bool:
    return "planned" in columns or "initial" in columns


def _enough(columns: dict[str, int] | dict[str, str]) -> bool:
    return _usable(columns) and bool({"executed", "rate"} & columns.keys())


def _find_header(grid: Grid, start: int) -> _Header | None:
    for r in range(start, grid.n_rows):
        slots = grid.row(r)
        if any(_DETAIL_HEAD.search(squash(s.text)) for s in slots):
            continue  # a detail table (序号 | 项目内容 | 预算金额 | 实际支出), not the budget block
        columns = _columns([(s.col, s.text) for s in slots])
        enough = _enough(columns)
        if r + 1 < grid.n_rows and columns and (not enough or _sub_header(grid, r + 1)):
            # A header split over two rows: “全年 / 预算数(A)”, each column's words joined.
            top, bottom = grid.texts(r), grid.texts(r + 1)
            joined = [
                (c, top[c] + (bottom[c] if grid.cells[r + 1][c] is not grid.cells[r][c] else ""))
                for c in range(len(top))
            ]
            merged = _columns(joined)
            if _enough(merged) and len(merged) > len(columns):
                return _Header(r, r + 1, merged)
        if enough:
            return _Header(r, r, columns)
    return None


def _sub_header(grid: Grid, r: int) -> bool:
    """Row ``r`` is the lower half of a split header (“年初预算数 | 全年预算数(A) | (B/A)”): it
    names a column and holds no figure."""
    slots = [s for s in grid.row(r) if s.text and not s.above]
    return any(_role(squash(s.text)) for s in slots) and not any(
        _is_figure(s.text) and not _is_dash(s.text) for s in slots
    )


def _is_dash(text: str) -> bool:
    return bool(_DASH.match(squash(text)))


def _is_figure(text: str) -> bool:
    t = squash(text)
    return bool(t) and (_is_dash(t) or parse_amount(t, "元") is not None or parse_rate(t) is not None)


def _runs(grid: Grid, header: _Header) -> list[_Run]:
    """Labelled runs of figures after the header, in reading order (a flattened grid's order)."""
    runs: list[_Run] = []
    label, row = "", header.last
    figures: list[str] = []
    last_role_col = max(header.columns.values())
    for r in range(header.first, min(grid.n_rows, header.last + 1 + _SPAN)):
        for slot in grid.row(r):
            if slot.above or not slot.text:
                continue
            if r <= header.last and (slot.col <= last_role_col or _role(squash(slot.text))):
                continue
            text = squash(slot.text)
            glued = _GLUED.match(text)
            if glued and _is_figure(glued["figure"]) and not _is_figure(glued["label"]):
                # “年度资金总额：456,780.00”: the label and the first figure in one cell
                if figures:
                    runs.append(_Run(label, row, tuple(figures)))
                label, row, figures = glued["label"], r, [glued["figure"]]
                continue
            if _is_figure(text):
                if r > header.last or figures or label:
                    if not figures and not label:
                        row = r
                    figures.append("" if _is_dash(text) else text)
                continue
            if _STOP.search(text) and (label or figures or r > header.last):
                if figures:
                    runs.append(_Run(label, row, tuple(figures)))
                return runs
            if figures:
                runs.append(_Run(label, row, tuple(figures)))
            label, row, figures = text.rstrip("：:"), r, []
    if figures:
        runs.append(_Run(label, row, tuple(figures)))
    return runs


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m[1]) if m else 0


def _fits(role: str, text: str, unit: str) -> bool:
    """Whether figure ``text`` can be the value of column ``role`` (a dash fits any column)."""
    if not text:
        return True
    has_pct = "%" in nfkc(text)
    if role == "rate":
        return parse_rate(text) is not None
    if has_pct:
        return False
    if role in _AMOUNTS:
        return parse_amount(text, unit) is not None
    value = points(text)
    return value is not None and value <= _HUNDRED


def _rate_agrees(budget: Decimal, executed: Decimal, rate_text: str) -> bool:
    """执行数 ÷ 预算数 equals the printed rate to its last printed digit (rounded or cut off)."""
    rate = parse_rate(rate_text)
    if rate is None or budget <= 0:
        return budget == 0 and executed == 0
    text = nfkc(rate_text).strip()
    as_fraction = "%" not in text and Decimal(re.sub(r"[^\d.]", "", text) or "0") <= 1
    step = Decimal(1).scaleb(-_decimals(text) - (0 if as_fraction else 2))
    return abs(executed / budget - rate) <= step + Decimal("0.00001")


def _consistent(values: dict[str, str], unit: str) -> bool | None:
    """True when 执行数 ÷ 预算数 equals the printed rate, False when it does not, None when the
    reading does not state all three; weights and scores must also fit together."""
    weight, score = points(values.get("weight") or None), points(values.get("score") or None)
    if weight is not None and score is not None and score > weight:
        return False
    budget = parse_amount(values.get("planned") or None, unit)
    if budget is None:
        budget = parse_amount(values.get("initial") or None, unit)
    executed = parse_amount(values.get("executed") or None, unit)
    rate = values.get("rate") or ""
    if budget is None or executed is None or not rate:
        return None
    return _rate_agrees(budget, executed, rate)


def _readings(roles: list[str], figures: tuple[str, ...], unit: str) -> list[dict[str, str]]:
    """Every assignment of ``figures`` to ``roles`` in order (dropping roles when there are fewer
    figures) whose figure kinds fit their columns; when there are fewer figures, only readings
    whose arithmetic checks."""
    figures = tuple(figures)
    while len(figures) > len(roles) and figures and not figures[-1]:
        figures = figures[:-1]
    if len(figures) > len(roles) or not any(figures):
        return []
    out: list[dict[str, str]] = []
    for kept in itertools.combinations(roles, len(figures)):
        values = dict(zip(kept, figures, strict=True))
        if not all(_fits(role, text, unit) for role, text in values.items()):
            continue
        verdict = _consistent(values, unit)
        if verdict is False or (verdict is None and len(kept) < len(roles) and not _partial_ok(values)):
            continue
        out.append(values)
    return out


def _partial_ok(values: dict[str, str]) -> bool:
    """A reading that leaves a column out without an arithmetic check is kept only when it states
    no spending (it then cannot disagree with another reading on 执行数)."""
    return not values.get("executed")


@dataclass(slots=True)
class _Values:
    """A reading of the total row: amounts in yuan, the rate, weight and score as printed."""

    amounts: dict[str, Decimal] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    disputed: list[str] = field(default_factory=list)


def _as_values(values: dict[str, str], unit: str) -> _Values:
    out = _Values()
    for role, text in values.items():
        if not text:
            continue
        if role in _AMOUNTS:
            amount = parse_amount(text, unit)
            if amount is not None:
                out.amounts[role] = amount
        else:
            out.texts[role] = text
    return out


def _agreed(readings: list[dict[str, str]], unit: str) -> _Values:
    """The facts every reading agrees on; the amounts they disagree on are ``disputed``."""
    out = _Values()
    parsed = [_as_values(v, unit) for v in readings]

    def budget_of(v: _Values) -> Decimal | None:
        return v.amounts.get("planned", v.amounts.get("initial"))

    def executed_of(v: _Values) -> Decimal | None:
        executed = v.amounts.get("executed")
        if executed is None and parse_rate(v.texts.get("rate")) == 1:
            return budget_of(v)  # at exactly 100 % what was spent is the budget
        return executed

    for role, of in (("planned", budget_of), ("executed", executed_of)):
        found = {of(v) for v in parsed}
        value = next(iter(found)) if len(found) == 1 else None
        if value is not None:
            out.amounts[role] = value
        elif any(x is not None for x in found):
            out.disputed.append(role)
    for role in ("initial", "received"):
        amounts = {v.amounts.get(role) for v in parsed}
        amount = next(iter(amounts)) if len(amounts) == 1 else None
        if amount is not None:
            out.amounts[role] = amount
    for role in ("rate", "weight", "score"):
        texts = {v.texts.get(role) for v in parsed}
        text = next(iter(texts)) if len(texts) == 1 else None
        if text:
            out.texts[role] = text
    return out


def _aligned(grid: Grid, header: _Header, row: int, unit: str) -> dict[str, str] | None:
    """Row ``row``'s figures when they stand in the header's columns; None when they do not."""
    texts = grid.texts(row)
    role_cols = set(header.columns.values())
    for slot in grid.row(row):
        if slot.above or not slot.text:
            continue
        if _is_figure(slot.text) and slot.col not in role_cols:
            return None
    values = {role: squash(texts[c]) if c < len(texts) else "" for role, c in header.columns.items()}
    values = {role: "" if _is_dash(text) else text for role, text in values.items()}
    amount_roles = [role for role in _AMOUNTS if role in values]
    if not any(values.get(role) for role in [*amount_roles, "rate", "score"]):
        return None  # nothing in the row (a rate or score beside empty amounts is aligned)
    if not all(_fits(role, text, unit) for role, text in values.items()):
        return None
    return values


def _unit_of(grid: Grid, rows: range) -> str | None:
    text = "".join(squash(t) for r in rows for t in grid.texts(r))
    if _UNIT_WAN.search(text):
        return "万元"
    if _UNIT_YUAN.search(text):
        return "元"
    return None


def _stated_units(text: str) -> set[str]:
    """The units “金额单位：元” / “（单位：万元）” / a bare “万元” cell state in ``text``."""
    return {m["a"] or m["b"] for m in _UNIT_LINE.finditer(squash(text))}


@dataclass(frozen=True, slots=True)
class _Unit:
    """The unit the block's amounts are in, and why they cannot be read when it is not certain."""

    unit: str  # the unit to parse with (万元 when none is stated)
    stated: bool
    doubt: str | None = None


def _unit(grid: Grid, block: range, before: str) -> _Unit:
    """The unit from the block's own cells (“项目资金（万元）”), the form's rows above it (a title
    row, a 金额单位 cell) and the lines right before the table; places that disagree leave it open."""
    found: set[str] = set()
    own = _unit_of(grid, range(max(0, block.start - 2), block.stop))
    if own is not None:
        found.add(own)
    for r in range(block.start):
        found |= {u for slot in grid.row(r) for u in _stated_units(slot.text)}
        found |= _stated_units("".join(grid.texts(r)))
    found |= _stated_units(before)
    if len(found) > 1:
        return _Unit("万元", True, "表头、表上方的金额单位有“元”也有“万元”，无法确定金额单位，金额未读取")
    if found:
        return _Unit(found.pop(), True)
    return _Unit("万元", False)


def _settle_unit(facts: BudgetFacts, unit: _Unit, place: str) -> None:
    """Leave the amounts empty when the unit is in doubt, or when none is stated and, read as 万元,
    they would be implausibly large (10亿元 or more: a figure in 元 more likely)."""
    amounts = [a for a in (getattr(facts, r) for r in _AMOUNTS) if a is not None]
    doubt = unit.doubt
    if doubt is None and not unit.stated and amounts and max(amounts) >= _IMPLAUSIBLE_WAN:
        doubt = "预算表未注明金额单位，按万元读取金额达10亿元以上，不合常理，金额未读取"
    elif doubt is None and unit.unit == "万元" and amounts and max(amounts) >= _IMPLAUSIBLE_STATED_WAN:
        doubt = "预算表注明金额单位为万元，但按万元读取金额达100亿元以上，疑为以元填列，金额未读取"
    if doubt is None or not amounts:
        return
    for role in _AMOUNTS:
        setattr(facts, role, None)
        facts.where.pop(role, None)
    facts.lines = ()
    facts.unit_stated = True  # nothing was read in an assumed unit
    facts.notes.append((place, doubt))


def _total_run(runs: list[_Run]) -> _Run | None:
    labelled = next((run for run in runs if _TOTAL_ROW.search(run.label)), None)
    if labelled is not None:
        return labelled
    # Without a total label the block's one row is the total; several rows are a list of items
    # (tasks, detail lines), whose first is not the budget.
    rows = [run for run in runs if not _SUB_ROW.search(run.label)]
    return rows[0] if len(rows) == 1 else None


def from_table(grid: Grid, before: str = "") -> BudgetFacts | None:
    """The budget block of a 自评表 (or a budget table), if ``grid`` has one; ``before`` is the
    text right before the table (where “金额单位：元” is often printed)."""
    start = 0
    while (header := _find_header(grid, start)) is not None:
        if _paired(grid, header.first):
            break  # the header's labels carry their values beside them
        facts = _read_block(grid, header, before)
        if facts is not None:
            return facts
        start = header.first + 1
    return _pairs(grid, before)


def _paired(grid: Grid, r: int) -> bool:
    slots = [s for s in grid.row(r) if s.text and not s.above]
    hits = sum(
        1
        for slot, nxt in itertools.pairwise(slots)
        if _role(squash(slot.text)) is not None and _is_figure(nxt.text) and not _is_dash(nxt.text)
    )
    return hits >= 2


def _pairs(grid: Grid, before: str) -> BudgetFacts | None:
    """Labels with their value right beside them (“预算数 | 6.84 | 到位数 | 6.84 | 执行数 | 6.84”, or
    one per row): read when the budget and the spending (or the rate) are both there."""
    values: dict[str, tuple[str, int]] = {}
    for r in range(grid.n_rows):
        slots = [s for s in grid.row(r) if s.text and not s.above]
        for slot, nxt in itertools.pairwise(slots):
            role = _role(squash(slot.text))
            text = squash(nxt.text)
            if (
                role is None
                or role in values
                or _role(text) is not None
                or not _is_figure(text)
                or _is_dash(text)
            ):
                continue
            values[role] = (text, r)
    texts = {role: text for role, (text, _) in values.items()}
    rows = [r for _, r in values.values()]
    if not _enough(texts) or (rows and max(rows) - min(rows) > _PAIR_SPAN):
        return None  # too few, or pairs far apart (other parts of the document)
    first = min(rows) if rows else 0
    stated = _unit(grid, range(first, grid.n_rows), before)
    unit = stated.unit
    if not all(_fits(role, text, unit) for role, text in texts.items()) or _consistent(texts, unit) is False:
        return None
    read = _as_values(texts, unit)
    facts = BudgetFacts(unit_stated=stated.stated or not read.amounts)
    facts.precision = Decimal("100") if unit == "万元" else Decimal("0.01")
    for role, amount in read.amounts.items():
        setattr(facts, role, amount)
        facts.where[role] = grid.place(values[role][1])
    if "rate" in read.texts:
        facts.rate, facts.where["rate"] = parse_rate(read.texts["rate"]), grid.place(values["rate"][1])
    for role in ("score", "weight"):
        value = points(read.texts.get(role))
        if value is not None and not (role == "weight" and value >= _HUNDRED):
            setattr(facts, role, value)
            facts.where[role] = grid.place(values[role][1])
    _settle_unit(facts, stated, grid.place(first))
    return facts


def _read_block(grid: Grid, header: _Header, before: str) -> BudgetFacts | None:
    runs = _runs(grid, header)
    total = _total_run(runs)
    if total is None:
        return None
    stated = _unit(grid, range(header.first, min(total.row + 2, grid.n_rows)), before)
    unit = stated.unit
    place = grid.place(total.row)
    facts = BudgetFacts(unit_stated=stated.stated)
    facts.precision = Decimal("100") if unit == "万元" else Decimal("0.01")
    values = _row_values(grid, header, total, unit)
    if values is None:
        shown = " ".join(f or "—" for f in total.figures)
        facts.notes.append((place, f"年度资金总额一行列出的数（{shown}）与表头各栏对不上，未读取"))
        return facts
    for role, amount in values.amounts.items():
        setattr(facts, role, amount)
        facts.where[role] = place
    if values.disputed:
        names = "、".join({"planned": "预算数", "executed": "执行数"}[d] for d in values.disputed)
        count = len([f for f in total.figures if f])
        facts.notes.append((place, f"年度资金总额一行只列出{count}个数，无法确定哪个是{names}，未读取"))
    _zero_total(facts, runs, total, unit, place)
    facts.lines = _source_lines(grid, header, runs[runs.index(total) + 1 :], unit)
    if values.texts.get("rate"):
        facts.rate, facts.where["rate"] = parse_rate(values.texts["rate"]), place
    score = points(values.texts.get("score"))
    if score is not None:
        facts.score, facts.where["score"] = score, place
    if not any(getattr(facts, role) is not None for role in _AMOUNTS):
        facts.unit_stated = True  # no amount was read, so no unit was assumed
    facts.weight = points(values.texts.get("weight"))
    if facts.weight is not None and facts.weight >= _HUNDRED:
        # the whole form's full marks written in the budget row's 分值 cell, not the budget's weight
        facts.notes.append((place, f"年度资金总额一行的分值为{facts.weight}，不是预算执行的分值，未读取"))
        facts.weight = None
    elif facts.weight is not None:
        facts.where["weight"] = place
    if facts.weight is None:
        facts.weight = _block_weight(grid, header)
        if facts.weight is not None:
            facts.where["weight"] = grid.place(header.first)
    _settle_unit(facts, stated, place)
    return facts


def _row_values(grid: Grid, header: _Header, run: _Run, unit: str) -> _Values | None:
    """A money row's values: from the columns its figures stand under when they line up with the
    header, else what every consistent reading of its figures agrees on; None when none fits."""
    aligned = _aligned(grid, header, run.row, unit) if run.row > header.last else None
    if aligned is not None:
        return _as_values(aligned, unit)
    readings = _readings(header.roles, run.figures, unit)
    return _agreed(readings, unit) if readings else None


def _source_lines(grid: Grid, header: _Header, runs: list[_Run], unit: str) -> tuple[BudgetLine, ...]:
    """The 其中 rows as budget lines, when every one of them reads without doubt (at least two)."""
    lines: list[BudgetLine] = []
    for run in runs:
        if not run.label or not any(run.figures):
            continue
        values = _row_values(grid, header, run, unit)
        if values is None or values.disputed:
            return ()
        planned = values.amounts.get("planned", values.amounts.get("initial"))
        executed = values.amounts.get("executed")
        if planned is None and executed is None:
            return ()
        name = re.sub(r"^其中[:：]?", "", run.label) or run.label
        lines.append(
            BudgetLine(name=name, planned_yuan=planned, executed_yuan=executed, location=grid.place(run.row))
        )
    return tuple(lines) if len(lines) >= 2 else ()


def _zero_total(facts: BudgetFacts, runs: list[_Run], total: _Run, unit: str, place: str) -> None:
    """A total printed as 0 while a 其中 row holds money is not a budget of 0."""
    held = any(
        (parse_amount(f, unit) or 0) > 0
        for run in runs
        if run is not total and _SUB_ROW.search(run.label)
        for f in run.figures
    )
    for role, name in (("planned", "预算数"), ("initial", "年初预算数"), ("executed", "执行数")):
        value: Decimal | None = getattr(facts, role)
        if value != 0:
            continue
        other = facts.executed if role != "executed" else facts.planned
        if held or (role == "planned" and other):
            setattr(facts, role, None)
            facts.where.pop(role, None)
            facts.notes.append(
                (place, f"年度资金总额一行的{name}为0，但其中各行或执行数有金额，未读取{name}")
            )


def _block_weight(grid: Grid, header: _Header) -> Decimal | None:
    """The budget block's weight: “预算执行情况（20分）”, “得分（20分*执行率）”."""
    for r in range(max(0, header.first - 1), min(grid.n_rows, header.last + 2)):
        for slot in grid.row(r):
            text = squash(slot.text)
            if "预算执行" in text or "得分" in text:
                m = _WEIGHT.search(text)
                if m:
                    return Decimal(m[1])
    return None
