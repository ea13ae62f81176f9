"""The 预算执行情况 block: planned, received and executed amounts, the rate, the budget score.

Two sources. The 自评表's budget rows (预算数 | 执行数 | 执行率 | 得分, in 万元 or 元 as the label
says), and prose (“2019年预算安排314.65万元……实际资金到位314.65万元，实际使用310.69694万元”).
A figure is taken from prose only when a keyword in the same clause, right before it, says what
it is. When both state a figure and agree within the table's rounding, the more precise wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.core.values import parse_amount
from jixiao.core.values import parse_rate
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.prose import amounts
from jixiao.intake.extract.prose import clause_before
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.prose import points
from jixiao.intake.extract.prose import squash
from jixiao.intake.extract.sections import Para

# Header cells of a budget block, tested in this order (得分 headers often mention 执行率).
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("score", re.compile(r"^得分|^自评得分")),
    ("rate", re.compile(r"执行率")),
    ("weight", re.compile(r"^(分值|权重)")),
    ("initial", re.compile(r"年初预算")),
    ("received", re.compile(r"到位")),
    ("planned", re.compile(r"预算数|预算金额|预算资金|调整后预算|批复数|全年预算")),
    ("executed", re.compile(r"执行数|实际支出|支出数|决算数|执行金额|实际执行|全年执行")),
)
_DETAIL_HEAD = re.compile(r"^(序号|项目内容|支出内容|明细|用途|支出项目|经费项目)$")
_TOTAL_ROW = re.compile(r"资金总额|合计|总计|总额")
_SUB_ROW = re.compile(r"^其中|结转|其他资金|自筹")
_UNIT_WAN = re.compile(r"万元|[（(]万[)）]|单位[:：]?万")
_UNIT_YUAN = re.compile(r"[（(]元[)）]|单位[:：]?元")
_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)分")

# Prose: the keyword right before an amount says which figure it is.
_PROSE_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("initial", re.compile(r"年初(预算|批复|安排)(安排|批复)?(资金|金额|数)?(为|共|合计|是)?$")),
    ("received", re.compile(r"(到位|拨付|拨入|下拨)(资金|金额|数)?(为|共|合计|了)?$")),
    (
        "executed",
        re.compile(
            r"(实际(使用|支出|执行|开支)|执行(金额|数)|支出(资金|金额|数)?|使用(资金|金额)?|决算(数|金额)?|完成支出)"
            r"(资金|金额)?(为|共|合计|了|达)?$"
        ),
    ),
    (
        "planned",
        re.compile(
            r"(?<!年初)(预算(安排|资金|金额|数|总额|批复)?|(?<!年初)安排(资金|经费)?|(?<!年初)批复(资金|金额)?|下达(资金|预算)?|总投资)"
            r"(资金|金额|总额)?(为|共|合计|是|了)?$"
        ),
    ),
)
_PROSE_SKIP = re.compile(r"节约|结余|收回|多申报|超支|差额|少于|缩减|追加|调减|调增")
_PROSE_RATE = re.compile(r"执行率\s*(?:为|达到|达|是|:)?\s*(\d+(?:\.\d+)?)\s*%")
_BUDGET_SCORE = re.compile(r"(?:该项)?(?:自评)?得分[为：:]?\s*(\d+(?:\.\d+)?)\s*分")


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


def _unit_of(grid: Grid, rows: range) -> str | None:
    text = "".join(squash(t) for r in rows for t in grid.texts(r))
    if _UNIT_WAN.search(text):
        return "万元"
    if _UNIT_YUAN.search(text):
        return "元"
    return None


def _header_columns(grid: Grid, r: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for slot in grid.row(r):
        text = squash(slot.text)
        for role, pattern in _COLUMNS:
            if pattern.search(text) and role not in columns:
                columns[role] = slot.col
                break
    return columns


def from_table(grid: Grid) -> BudgetFacts | None:
    """The budget block of a 自评表 (or a budget table), if ``grid`` has one."""
    for r in range(grid.n_rows):
        columns = _header_columns(grid, r)
        if "planned" not in columns or not ({"executed", "rate"} & columns.keys()):
            continue
        if any(_DETAIL_HEAD.search(squash(slot.text)) for slot in grid.row(r)):
            continue  # a detail table (序号 | 项目内容 | 预算金额 | 实际支出), not the budget block
        found = _data_row(grid, r, columns)
        if found is None:
            continue
        data, values = found
        label_rows = range(max(0, r - 1), data + 1)
        unit = _unit_of(grid, label_rows)
        facts = BudgetFacts(unit_stated=unit is not None)
        unit = unit or "万元"
        place = grid.place(data)
        for role in ("planned", "initial", "received", "executed"):
            amount = parse_amount(values.get(role), unit)
            if amount is not None:
                setattr(facts, role, amount)
                facts.where[role] = place
        facts.precision = Decimal("100") if unit == "万元" else Decimal("0.01")
        if values.get("rate"):
            facts.rate = parse_rate(values["rate"])
            facts.where["rate"] = place
        score = points(values.get("score"))
        if score is not None:
            facts.score, facts.where["score"] = score, place
        facts.weight = _block_weight(grid, r, columns)
        if facts.weight is not None:
            facts.where["weight"] = grid.place(r)
        return facts
    return None


def _row_values(grid: Grid, r: int, columns: dict[str, int]) -> dict[str, str] | None:
    """Row ``r``'s figures by header column; or, when the row was shifted by a text export (its
    planned cell holds no amount), its figures in the header's column order."""
    texts = grid.texts(r)
    aligned = {role: texts[c] for role, c in columns.items()}
    if parse_amount(aligned["planned"], "万元") is not None:
        return aligned
    cells = [t for t in texts if t]
    figures = [t for t in cells if parse_amount(t, "万元") is not None or parse_rate(t) is not None]
    if len(figures) < 2 or parse_amount(figures[0], "万元") is None:
        return None
    roles = [role for c, role in sorted((c, role) for role, c in columns.items())]
    return dict(zip(roles[roles.index("planned") :], figures, strict=False))


def _data_row(grid: Grid, header: int, columns: dict[str, int]) -> tuple[int, dict[str, str]] | None:
    first: tuple[int, dict[str, str]] | None = None
    for r in range(header + 1, min(grid.n_rows, header + 6)):
        values = _row_values(grid, r, columns)
        if values is None:
            if first is not None:
                break
            continue
        texts = grid.texts(r)
        label = "".join(
            squash(t) for t in texts if t and parse_amount(t, "万元") is None and parse_rate(t) is None
        )
        if _TOTAL_ROW.search(label):
            return r, values
        if first is None and not _SUB_ROW.search(label):
            first = (r, values)
    return first


def _block_weight(grid: Grid, header: int, columns: dict[str, int]) -> Decimal | None:
    """The budget block's weight: “预算执行情况（20分）”, a 分值 column, “得分（20分*执行率）”."""
    if "weight" in columns:
        for r in range(header + 1, min(grid.n_rows, header + 3)):
            value = points(grid.texts(r)[columns["weight"]])
            if value is not None:
                return value
    for r in range(max(0, header - 1), min(grid.n_rows, header + 2)):
        for slot in grid.row(r):
            text = squash(slot.text)
            if "预算执行" in text or "得分" in text:
                m = _WEIGHT.search(text)
                if m:
                    return Decimal(m[1])
    return None


def from_prose(paras: list[Para]) -> BudgetFacts:
    """The first statement of each budget figure in the running text."""
    facts = BudgetFacts()
    for p in paras:
        text = p.text
        for amount in amounts(text):
            clause = clause_before(text, amount.start, 20)
            if _PROSE_SKIP.search(clause):
                continue
            stem = re.sub(r"[\s（(][^）)]*$", "", clause).rstrip()
            for role, pattern in _PROSE_ROLES:
                if getattr(facts, role) is None and pattern.search(stem):
                    setattr(facts, role, amount.yuan)
                    facts.where[role] = p.location
                    break
        if facts.rate is None:
            m = _PROSE_RATE.search(nfkc(text))
            if m:
                facts.rate, facts.where["rate"] = Decimal(m[1]) / 100, p.location
        if facts.score is None and ("预算执行" in text or "预算执行" in p.heading):
            m = _BUDGET_SCORE.search(text)
            if m:
                facts.score, facts.where["score"] = Decimal(m[1]), p.location
    return facts


def _only_initial(facts: BudgetFacts) -> BudgetFacts:
    """A text that states only the 年初 budget: that is the budget the rate is taken against."""
    if facts.planned is None and facts.initial is not None:
        facts.planned = facts.initial
        facts.where["planned"] = facts.where["initial"]
    return facts


def merge(table: BudgetFacts | None, prose: BudgetFacts) -> BudgetFacts:
    """The table's figures, refined by prose that agrees with them more precisely."""
    if table is None:
        return _only_initial(prose)
    merged = BudgetFacts(
        planned=table.planned,
        initial=table.initial,
        received=table.received,
        executed=table.executed,
        rate=table.rate if table.rate is not None else prose.rate,
        score=table.score if table.score is not None else prose.score,
        weight=table.weight,
        unit_stated=table.unit_stated,
        where=dict(table.where),
    )
    if table.rate is None and prose.rate is not None:
        merged.where["rate"] = prose.where["rate"]
    if table.score is None and prose.score is not None:
        merged.where["score"] = prose.where["score"]
    half = table.precision / 2
    for role in ("planned", "initial", "received", "executed"):
        stated: Decimal | None = getattr(table, role)
        said: Decimal | None = getattr(prose, role)
        if said is None:
            continue
        if stated is None:
            if role == "received" or any(getattr(table, r) is not None for r in ("planned", "executed")):
                # Prose states what the table has no column for (到位), or fills a gap.
                setattr(merged, role, said)
                merged.where[role] = prose.where[role]
            continue
        if abs(stated - said) <= half and said != stated:
            setattr(merged, role, said)
            merged.where[role] = prose.where[role]
    return merged
