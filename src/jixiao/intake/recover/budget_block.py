"""The budget block of a national-family form whose table structure the text lost.

The 项目支出绩效自评表 and the 转移支付 form print the same block: a header naming the money columns
(年初预算数 / 全年预算数(A) / 全年执行数(B) / 分值 / 执行率(B/A) / 得分, or 全年预算数 / 全年执行数 /
预算执行率 without scores), then the 年度资金总额 row and its 其中 sub-rows (本年财政拨款, 上年结转,
其他资金; 中央补助, 地方资金 …). Flattened, the labels and figures follow each other in one of two
orders:

- **label first** (web pages, run-on text): ``年度资金总额:202010100.00%10其中:本年财政拨款2020``;
- **residue** (text taken from a spreadsheet): the labels first, the figures after them
  (``年度资金总额 其中:当年财政拨款 … 全年预算数 全年执行数 分值 执行率 得分 65.66 65.07 10 99% 9 …``),
  or the figures before the row's label.

The columns a row's figures belong to are the header labels in the order printed (a label printed
only after the figures is appended). A row is read only when exactly one way to cut its figures
over those columns is arithmetically consistent (执行数 ÷ 预算数 equals the printed rate, 得分 within
分值 and the rate, a sub-row within the total); readings that disagree leave those cells empty,
and every row that could not be read is reported with the reason.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.intake.document import Table
from jixiao.intake.document import table_from_rows
from jixiao.intake.extract import budget_labels as labels
from jixiao.intake.recover.glued import AMOUNTS
from jixiao.intake.recover.glued import Chunk
from jixiao.intake.recover.glued import Piece
from jixiao.intake.recover.glued import Reading
from jixiao.intake.recover.glued import Role
from jixiao.intake.recover.glued import chunks
from jixiao.intake.recover.glued import readings

_PAREN = r"(?:\s*\([^()]{0,30}\))?"
_COLUMN_PATTERNS: tuple[tuple[Role, str], ...] = (
    (Role.WEIGHT, "执行率权重"),
    (Role.SCORE, "执行率得分" + _PAREN),
    (Role.RATE, labels.text_pattern(labels.RATE, _PAREN)),
    (Role.INITIAL, labels.text_pattern(labels.INITIAL, _PAREN)),
    (Role.PLANNED, labels.text_pattern(labels.PLANNED, _PAREN)),
    (Role.EXECUTED, labels.text_pattern(labels.EXECUTED, _PAREN)),
    (Role.WEIGHT, r"分\s*值|权\s*重"),
    (Role.SCORE, r"得\s*分"),
)
_COMPOUND = 2  # the first two patterns name a column after the rate's (执行率权重, 执行率得分)
_TOTAL_ROW = r"年\s*度\s*(?:资\s*金\s*)?总\s*(?:额|金\s*额)|资\s*金\s*总\s*额"
_SUB_ROWS = (
    r"(?:其\s*中\s*[:：]?\s*)?(?:(?:本|当)\s*年\s*)?财\s*政\s*拨\s*款",
    r"上\s*年\s*结\s*转\s*(?:资\s*金)?",
    # 部门整体: the block's sub-rows are the kinds of spending.
    r"(?:其\s*中\s*[:：]?\s*)?(?:基\s*本\s*支\s*出|项\s*目\s*支\s*出|人\s*员\s*经\s*费|公\s*用\s*经\s*费)",
    r"其\s*他\s*资\s*金" + _PAREN,
    r"(?:其\s*中\s*[:：]?\s*)?(?:中\s*央|地\s*方|省\s*级?|本\s*级|上\s*级|自\s*治\s*区|盟\s*市|市\s*级?|州\s*级?|旗\s*县|县\s*级?|区\s*级?)"
    r"\s*(?:财\s*政\s*)?(?:补\s*助\s*(?:资\s*金)?|资\s*金)",
)
_STOP = (
    r"年\s*度\s*总\s*体\s*目\s*标|总\s*体\s*目\s*标|预\s*期\s*目\s*标|年\s*初\s*设\s*定\s*目\s*标|绩\s*效\s*指\s*标|"
    r"一\s*级\s*指\s*标|情\s*况\s*说\s*明|年\s*度\s*绩\s*效\s*目\s*标|资\s*金\s*管\s*理\s*情\s*况|年\s*初\s*绩\s*效\s*目\s*标"
)
_TOKEN = re.compile(
    "|".join(
        [
            f"(?P<stop>{_STOP})",
            f"(?P<total>{_TOTAL_ROW})",
            *(f"(?P<sub{i}>{p})" for i, p in enumerate(_SUB_ROWS)),
        ]
        + [f"(?P<col{i}>{p})" for i, (_, p) in enumerate(_COLUMN_PATTERNS)]
    )
)
_HEADING = re.compile(
    r"资\s*金\s*(?:情\s*况|投\s*入\s*情\s*况)?\s*\(\s*万?\s*元\s*\)|项\s*目\s*资\s*金|资\s*金\s*情\s*况|资\s*金\s*投\s*入\s*情\s*况"
)
_UNIT_WAN = re.compile(r"万\s*元")
_UNIT_YUAN = re.compile(r"[(（]\s*元\s*[)）]|单\s*位\s*[:：]?\s*元")
_FIGURES = re.compile(r"[\s:：0-9.,%—－–\-万元Oo]*")
# A unit printed right after a row label: “年度资金总额(万元):…”.
_LABEL_UNIT = re.compile(r"^\s*[(（]\s*万?\s*元\s*[)）]")
_HEADER_GAP = 4  # characters between two header labels (“,A、”, “(万元)”)
_BACK = 400  # how far before the 年度资金总额 label its header may start
_AHEAD = 700  # how far after it the block may run
_SCORE_SLACK = Decimal("0.25")  # share of the weight a score may exceed the linear rule by
_WAN_LIMIT = Decimal(10) ** 7
_YUAN_LIMIT = Decimal(10) ** 11


@dataclass(slots=True)
class _Row:
    label: str
    start: int
    run: list[Chunk] | None = None


@dataclass(slots=True)
class BudgetRecovery:
    """A rebuilt budget table, where it starts in the text, and what could not be read."""

    table: Table | None
    start: int
    notes: list[tuple[str, str]] = field(default_factory=list)


def _canonical_label(kind: str, text: str) -> str:
    if kind == "total":
        return "年度资金总额"
    text = re.sub(r"\s+", "", text)
    return text if text.startswith("其中") or kind != "sub0" else "其中：" + text


def recover_budget(
    text: str, start: int = 0, place_of: dict[int, str] | None = None
) -> BudgetRecovery | None:
    """The first budget block in ``text`` (flattened form text) from ``start``, or None."""
    total = re.compile(_TOTAL_ROW).search(text, start)
    if total is None:
        return None
    where = place_at(place_of, total.start())
    begin = max(start, total.start() - _BACK)
    # The header starts after the last stop label before the total row (a previous block), at
    # the block's heading (项目资金(万元), 资金投入情况) when it has one.
    window = text[begin : total.start()]
    stops = list(re.finditer(_STOP, window))
    if stops:
        window, begin = window[stops[-1].end() :], begin + stops[-1].end()
    heading = _HEADING.search(window)
    if heading:
        begin += heading.start()
    end = min(len(text), total.end() + _AHEAD)
    items = list(_TOKEN.finditer(text, begin, end))
    columns: list[Role] = []
    rows: list[_Row] = []
    floating: list[list[Chunk]] = []
    block_end = end
    for i, m in enumerate(items):
        kind = m.lastgroup or ""
        if kind == "stop":
            if m.start() > total.start():
                block_end = m.start()
                break
            continue
        gap_end = items[i + 1].start() if i + 1 < len(items) else end
        gap = text[m.end() : gap_end]
        figures = _FIGURES.match(_LABEL_UNIT.sub("", gap))
        lead = figures.group(0) if figures else ""
        run = chunks(lead) if re.search(r"\d|[—－–]", lead) else None
        if kind.startswith("col"):
            number = int(kind[3:])
            role = _COLUMN_PATTERNS[number][0]
            if number < _COMPOUND and Role.RATE not in columns:
                columns.append(Role.RATE)  # “执行率得分” with no rate column before: 执行率 | 得分
            if role not in columns:
                columns.append(role)
            if run:
                floating.append(run)
            continue
        rows.append(_Row(_canonical_label(kind, m.group(0)), m.start(), run))
    if not _tight_header(items, text) or not any(r.label == "年度资金总额" for r in rows):
        return None  # money words in a sentence, not a form's header
    region = text[begin:block_end]
    unit = "元" if _UNIT_YUAN.search(region) and not _UNIT_WAN.search(region) else "万元"
    unit_stated = bool(_UNIT_WAN.search(region) or _UNIT_YUAN.search(region))
    _assign_floating(rows, floating)
    rows = [r for r in rows if r.label != "年度资金总额" or r is _first_total(rows)]
    if (first := _first_total(rows)) is not None:
        rows.remove(first)
        rows.insert(0, first)
    solver = _Solver(columns, unit)
    out = BudgetRecovery(table=None, start=total.start())
    head_row = _first_total(rows)
    best = solver.candidates(head_row.run, None, is_total=True) if head_row and head_row.run else []
    total_values, reason = _agree(best, columns)
    if reason and (kept := _undisputed(best, columns)):
        # The amounts are cut several ways, but every consistent cut gives the same printed rate,
        # 分值 and 得分: those are read, the amounts are not.
        names = "、".join(_HEADERS[role] for role in columns if role in kept)
        out.notes.append((where, f"连排文字中“年度资金总额”一行的数字{reason}，金额未读取，只读取了{names}"))
        header = ["项目资金"] + [_HEADERS[role] for role in columns]
        line = ["年度资金总额"] + [_cell(role, kept.get(role)) for role in columns]
        out.table = table_from_rows([header, line], place=f"{where}（由连排文字恢复的预算表）")
        return out
    if reason or sum(v is not None for v in total_values.values()) < 2:
        why = reason or "无法与表头各列对应或算术不一致（执行数÷预算数≠执行率、得分超出分值等）"
        tail = _scores_only(rows, columns)
        if tail is None:
            if head_row and head_row.run:
                out.notes.append((where, f"连排文字中“年度资金总额”一行的数字{why}，预算未读取"))
            return out
        out.notes.append((where, f"连排文字中“年度资金总额”一行的金额{why}，只读取了执行率、分值和得分"))
        header = ["项目资金"] + [_HEADERS[role] for role in columns]
        line = ["年度资金总额"] + [_cell(role, tail.get(role)) for role in columns]
        out.table = table_from_rows([header, line], place=f"{where}（由连排文字恢复的预算表）")
        return out
    subs = {
        id(r): solver.candidates(r.run, total_values, is_total=False)
        for r in rows
        if r.run and r is not head_row
    }
    _settle_by_sum(subs, total_values, columns)
    if best[0].splits > 0 and (off := _sub_rows_disagree(subs, total_values)) is not None:
        out.notes.append(
            (
                where,
                f"连排文字中“年度资金总额”一行的数字是拆开读的，但其中各行之和{off}，拆分无法确认，预算未读取",
            )
        )
        return out
    values: list[list[str]] = []
    for row in rows:
        chosen: dict[Role, Decimal | None] = total_values
        if row is not head_row:
            chosen, reason = _agree(subs.get(id(row), []), columns) if row.run else ({}, None)
            if reason:
                out.notes.append((where, f"连排文字中“{row.label}”一行的数字{reason}，该行未读取"))
                chosen = {}
        values.append([row.label] + [_cell(role, chosen.get(role)) for role in columns])
    head = "项目资金（" + unit + "）" if unit_stated else "项目资金"
    header = [head] + [_HEADERS[role] for role in columns]
    if Role.SCORE not in columns and (scored := _rate_row(text, block_end, total_values.get(Role.RATE))):
        # The block has no 分值/得分 columns; the form scores the rate in a row of its own.
        header += [_HEADERS[Role.WEIGHT], _HEADERS[Role.SCORE]]
        values[0] += [str(scored[0]), str(scored[1])]
        values[1:] = [[*line, "", ""] for line in values[1:]]
    out.table = table_from_rows([header, *values], place=f"{where}（由连排文字恢复的预算表）")
    return out


# A 预算执行率 row of the form's scored items: 分值, an empty 指标值 (a dash), the rate, 得分:
# “预算执行率10—100%9”. The dash keeps the weight apart from the rate; the % the rate from the score.
_RATE_ROW = re.compile(
    r"预\s*算\s*执\s*行\s*率\s*(?P<weight>[1-9]\d?(?:\.\d+)?)\s*[一—\-－–]+\s*"
    r"(?P<rate>\d{1,3}(?:\.\d+)?)\s*%\s*(?P<score>(?:0|[1-9]\d?)(?:\.\d+)?)(?![\d.%])"
)
_RATE_ROW_AHEAD = 3000  # how far after the budget block the scored items may print it


def _rate_row(text: str, start: int, rate: Decimal | None) -> tuple[Decimal, Decimal] | None:
    """The 分值 and 得分 of the first 预算执行率 row after the block, when its rate is the block's
    (read from 执行数 ÷ 预算数) and the score is within the weight; else None."""
    if rate is None:
        return None
    m = _RATE_ROW.search(text, start, start + _RATE_ROW_AHEAD)
    if m is None or Decimal(m["rate"]) != rate:
        return None
    weight, score = Decimal(m["weight"]), Decimal(m["score"])
    return (weight, score) if score <= weight else None


def _scores_only(rows: list[_Row], columns: list[Role]) -> dict[Role, Decimal] | None:
    """执行率 | 分值 | 得分 at the end of the block when its amounts cannot be read (OCR, or merged
    cells that put them after the last sub-row): taken only when 得分 = 分值 × 执行率 exactly as
    printed, by one cut of the digits alone."""
    tail = [role for role in columns if role not in AMOUNTS]
    if set(tail) != {Role.RATE, Role.WEIGHT, Role.SCORE} or columns[-len(tail) :] != tail:
        return None
    runs = [r.run for r in sorted(rows, key=lambda r: r.start) if r.run]
    if not runs or not any(c.broken for run in runs for c in run):
        return None  # legible amounts that do not add up are a wrong reading, not a lost one
    last = [c for c in runs[-1] if not c.dash]
    found: set[tuple[Decimal | None, ...]] = set()
    for k in range(1, min(len(tail), len(last)) + 1):
        first, rest = last[-k], last[-k + 1 :] if k > 1 else []
        if not first.pieces:
            continue
        digits = first.pieces[0].digits
        for i in range(len(digits)):
            cut = Chunk((Piece(digits[i:], first.pieces[0].percent), *first.pieces[1:]))
            for r in readings(
                [cut, *rest],
                tail,
                allowed=frozenset(tail),
                amount_decimals=2,
                amount_limit=Decimal(1),
                max_skipped=0,
            ):
                rate, weight, score = r.values[Role.RATE], r.values[Role.WEIGHT], r.values[Role.SCORE]
                if rate is None or weight is None or score is None or rate > 100:
                    continue
                exponent = score.as_tuple().exponent
                unit = Decimal(10) ** exponent if isinstance(exponent, int) else Decimal(1)
                if abs(weight * rate / 100 - score) <= unit / 2:
                    found.add((rate, weight, score))
    if len(found) != 1:
        return None
    rate, weight, score = found.pop()
    return (
        {Role.RATE: rate, Role.WEIGHT: weight, Role.SCORE: score}
        if rate and weight and score is not None
        else None
    )


def _agree(best: list[Reading], columns: list[Role]) -> tuple[dict[Role, Decimal | None], str | None]:
    """The values all ``best`` readings agree on, and why the row is not read when they differ."""
    if not best:
        return {}, "无法与表头各列对应或算术不一致（执行数÷预算数≠执行率、得分超出分值等）"
    disputed = [_HEADERS[role] for role in columns if len({r.values.get(role) for r in best}) > 1]
    if disputed:
        return {}, "有多种同样自洽的拆分（" + "、".join(disputed) + "无法确定）"
    return {role: best[0].values.get(role) for role in columns}, None


def _undisputed(best: list[Reading], columns: list[Role]) -> dict[Role, Decimal]:
    """The rate, 分值 and 得分 every reading in ``best`` gives alike (none when they differ).

    Amounts are all or nothing: when two consistent cuts disagree on any amount, the one amount
    they happen to share is no more certain than the cut, so no amount is kept. The printed rate
    is kept only when every cut confirms it (执行数 ÷ 预算数 equals it in each); when some cut
    leaves an amount column empty, the rate is unchecked and may be what a missing amount would
    have explained, so only the 分值 and 得分 are kept."""
    kept: dict[Role, Decimal] = {}
    if len(best) < 2:
        return kept
    confirmed = all(_checked(r, columns) for r in best)
    for role in (Role.RATE, Role.WEIGHT, Role.SCORE):
        if role not in columns or (role is Role.RATE and not confirmed):
            continue
        found = {r.values.get(role) for r in best}
        value = found.pop() if len(found) == 1 else None
        if value is not None:
            kept[role] = value
    if Role.SCORE not in kept or not ({Role.RATE, Role.WEIGHT} & kept.keys()):
        return {}  # a score is kept with what it is scored against
    return kept


def _checked(r: Reading, columns: list[Role]) -> bool:
    """Whether reading ``r`` has the rate and both amounts it is computed from (so the solver
    checked 执行数 ÷ 预算数 against it)."""
    v = r.values
    planned = v.get(Role.PLANNED)
    if planned is None and Role.PLANNED not in columns:
        planned = v.get(Role.INITIAL)
    return planned is not None and v.get(Role.EXECUTED) is not None and v.get(Role.RATE) is not None


def _settle_by_sum(
    subs: dict[int, list[Reading]], total: dict[Role, Decimal | None], columns: list[Role]
) -> None:
    """One sub-row with several readings: keep those that make the sub-rows add up to the total."""
    open_rows = [k for k, found in subs.items() if len({tuple(r.values.items()) for r in found}) > 1]
    if len(open_rows) != 1 or any(not found for found in subs.values()):
        return
    key = open_rows[0]
    rest: dict[Role, Decimal] = {}
    for k, found in subs.items():
        if k != key:
            for role in AMOUNTS:
                rest[role] = rest.get(role, Decimal(0)) + (found[0].values.get(role) or Decimal(0))

    def adds_up(r: Reading) -> bool:
        return all(
            total.get(role) is None
            or (r.values.get(role) or Decimal(0)) + rest.get(role, Decimal(0)) == total[role]
            for role in AMOUNTS
            if role in columns
        )

    kept = [r for r in subs[key] if adds_up(r)]
    if kept:
        subs[key] = kept


def _sub_rows_disagree(subs: dict[int, list[Reading]], total: dict[Role, Decimal | None]) -> str | None:
    """How the sub-rows, when every one was read, fail to add up to the total (else None)."""
    if not subs or any(len({tuple(r.values.items()) for r in found}) != 1 for found in subs.values()):
        return None
    for role in AMOUNTS:
        whole = total.get(role)
        parts = [found[0].values.get(role) for found in subs.values()]
        if whole is None or all(p is None for p in parts):
            continue
        added = sum((p for p in parts if p is not None), Decimal(0))
        if added != whole:
            return f"{added}≠{whole}（{_HEADERS[role]}）"
    return None


def _first_total(rows: list[_Row]) -> _Row | None:
    return next((r for r in rows if r.label == "年度资金总额"), None)


_HEADERS = {
    Role.INITIAL: "年初预算数",
    Role.PLANNED: "全年预算数",
    Role.EXECUTED: "全年执行数",
    Role.WEIGHT: "分值",
    Role.RATE: "执行率",
    Role.SCORE: "得分",
}


def _assign_floating(rows: list[_Row], floating: list[list[Chunk]]) -> None:
    """Figures that follow the header instead of their row label go to the rows without figures.

    One floating run over several label-less rows is kept whole on the first of them; the solver
    then cuts it where the total row's reading ends (see :meth:`_Solver.solve`).
    """
    empty = [r for r in rows if not r.run]
    if not floating or not empty:
        return
    if len(floating) == 1:
        empty[0].run = floating[0]
        return
    for row, run in zip(empty, floating, strict=False):
        row.run = run


def _tight_header(items: list[re.Match[str]], text: str) -> bool:
    """Whether two column labels stand next to each other, as a form's header prints them (in a
    sentence, figures and words come between 预算数, 执行数 and 执行率)."""
    labels = [m for m in items if (m.lastgroup or "").startswith("col")]
    gaps = (re.sub(r"\s+", "", text[a.end() : b.start()]) for a, b in itertools.pairwise(labels))
    return any(len(gap) <= _HEADER_GAP and not re.search(r"\d", gap) for gap in gaps)


def _rate_fits(true: Decimal, rate: Decimal, strict: bool) -> bool:
    """Whether a printed rate is 执行数 ÷ 预算数 × 100: rounded or truncated to its decimals
    (``strict``), or else hand-typed a little off (31.00% for 31.08%): up to one point but no
    more than 2 % of the rate."""
    exponent = rate.as_tuple().exponent
    unit = Decimal(10) ** exponent if isinstance(exponent, int) else Decimal(1)
    if abs(true - rate) <= unit / 2 or rate <= true < rate + unit:
        return True
    return not strict and abs(true - rate) <= min(Decimal(1), rate * Decimal("0.02"))


def _cell(role: Role, value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value}%" if role is Role.RATE else str(value)


def place_at(place_of: dict[int, str] | None, pos: int) -> str:
    """The place (``第3行``) of the text that ``pos`` falls in; ``place_of`` maps start offsets."""
    if not place_of:
        return "正文"
    starts = [s for s in place_of if s <= pos]
    return place_of[max(starts)] if starts else next(iter(place_of.values()))


class _Solver:
    def __init__(self, columns: list[Role], unit: str) -> None:
        self.columns = columns
        self.decimals = 6 if unit == "万元" else 2
        self.limit = _WAN_LIMIT if unit == "万元" else _YUAN_LIMIT

    def candidates(
        self, run: list[Chunk], total: dict[Role, Decimal | None] | None, *, is_total: bool
    ) -> list[Reading]:
        """The consistent readings of ``run`` that leave the fewest columns empty."""
        if is_total:
            return self._candidates(run, total, is_total, frozenset(self.columns))
        # A sub-row's 分值 and 得分 are normally blank: try it without them first.
        found = self._candidates(run, total, is_total, frozenset(AMOUNTS) | {Role.RATE})
        return found or self._candidates(run, total, is_total, frozenset(self.columns))

    def _candidates(
        self,
        run: list[Chunk],
        total: dict[Role, Decimal | None] | None,
        is_total: bool,
        allowed: frozenset[Role],
    ) -> list[Reading]:
        # A total row followed by its sub-rows' figures in one run: read the longest prefix.
        for cut in range(len(run), 0, -1):
            every = list(
                readings(
                    run[:cut],
                    self.columns,
                    allowed=allowed,
                    amount_decimals=self.decimals,
                    amount_limit=self.limit,
                )
            )
            # A rate as rounded (or truncated) first; a hand-typed one a little off only if none is.
            for strict in (True, False):
                verdicts = [(r, self._consistent(r, total, is_total, strict)) for r in every]
                found = [r for r, v in verdicts if v is not None]
                if any(v for _, v in verdicts):
                    found = [r for r, v in verdicts if v]
                if found:
                    fewest = min(r.skipped for r in found)
                    return [r for r in found if r.skipped == fewest]
            if not is_total:
                break
        return []

    def _consistent(
        self, r: Reading, total: dict[Role, Decimal | None] | None, is_total: bool, strict: bool
    ) -> bool | None:
        """None when ``r`` contradicts itself; else whether its arithmetic was checked (a rate
        against 执行数 ÷ 预算数, a sub-row against the total)."""
        v = r.values
        planned = v.get(Role.PLANNED)
        if planned is None and Role.PLANNED not in self.columns:
            planned = v.get(Role.INITIAL)
        executed, rate = v.get(Role.EXECUTED), v.get(Role.RATE)
        weight, score = v.get(Role.WEIGHT), v.get(Role.SCORE)
        checked = False
        if planned == 0 and executed and is_total and r.splits == 0 and r.skipped == 0:
            # A total row printing 0 as its budget over money spent, every figure in its own
            # cell: read as printed (the table reader leaves the 0 unread and says so), the
            # rate unchecked.
            pass
        elif planned is not None and executed is not None:
            if executed > planned * 2:
                return None
            if rate is not None:
                if (rate == 0) != (executed == 0):
                    return None  # nothing spent is a 0 % rate, and a 0 % rate spent nothing
                if planned == 0:
                    if executed != 0:
                        return None
                elif not _rate_fits(executed / planned * 100, rate, strict):
                    return None
                else:
                    checked = True
        if score is not None:
            if rate == 0 and score != 0:
                return None  # no budget score for money not spent
            if weight is not None and score > weight:
                return None
            if (
                weight is not None
                and rate is not None
                and score > weight * min(rate, Decimal(100)) / 100 + weight * _SCORE_SLACK
            ):
                return None
        if not is_total:
            if total is None or (rate is not None and (planned is None or executed is None)):
                return None  # a sub-row's rate stands with the two amounts it is computed from
            for role in AMOUNTS:
                mine, whole = v.get(role), total.get(role)
                if mine is not None and (whole is None or mine > whole):
                    return None
            return True
        # A glued total row must check arithmetically; an unglued one is as printed.
        if not checked and r.splits > 0:
            return None
        return checked


_N = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_PAIRS = re.compile(
    rf"(?:调\s*整\s*后\s*|全\s*年\s*)?预\s*算\s*数\s*[:：]?\s*(?P<planned>{_N})\s*(?:万\s*元)?\s*"
    rf"(?:(?:到\s*位\s*数|到\s*位\s*资\s*金)\s*[:：]?\s*(?P<received>{_N})\s*(?:万\s*元)?\s*)?"
    rf"(?:执\s*行\s*数|实\s*际\s*支\s*出)\s*[:：]?\s*(?P<executed>{_N})(?![\d.])(?:\s*万\s*元)?"
    rf"(?:[ \t]+(?P<rate>{_N})\s*%?)?"
)
_RATE_HEAD = re.compile(r"执\s*行\s*(?:率|进\s*度)")
_UNIT_LINE = re.compile(r"(?:金\s*额\s*)?单\s*位\s*[:：]?\s*(万\s*元|元)|[(（]\s*(万\s*元|元)\s*[)）]")


def recover_pairs(text: str, place_of: dict[int, str] | None = None) -> BudgetRecovery | None:
    """A budget line printed as label-value pairs (``预算数 6.84 到位数 6.84 执行数 6.84 100.00``).

    Each amount follows its own label, so no figure needs cutting; a figure after the executed
    amount is taken as the rate only under a 执行率/执行进度 header and when it equals 执行数 ÷
    预算数 as printed.
    """
    m = _PAIRS.search(text)
    if m is None:
        return None
    where = place_at(place_of, m.start())
    out = BudgetRecovery(table=None, start=m.start())
    planned, executed = Decimal(m["planned"]), Decimal(m["executed"])
    header = ["预算数"] + (["到位数"] if m["received"] else []) + ["执行数"]
    row = [m["planned"]] + ([m["received"]] if m["received"] else []) + [m["executed"]]
    if m["rate"] and _RATE_HEAD.search(text[max(0, m.start() - 200) : m.start()]):
        rate = Decimal(m["rate"])
        if planned > 0 and _rate_fits(executed / planned * 100, rate, strict=True):
            header.append("执行率")
            row.append(f"{rate}%")
        else:
            out.notes.append((where, f"预算执行进度“{m['rate']}”与执行数÷预算数不符，执行率未读取"))
    unit = _UNIT_LINE.search(text[max(0, m.start() - 600) : m.start()])
    head = "项目资金（" + re.sub(r"\s+", "", unit[1] or unit[2]) + "）" if unit else "项目资金"
    out.table = table_from_rows([[head, *header], ["合计", *row]], place=f"{where}（由连排文字恢复的预算表）")
    return out
