"""The indicator table (绩效指标表): one Indicator per 三级指标 row.

The header row names the columns (一级指标 | 二级指标 | 三级指标 | 年初目标值 | 实际完成值 | 分值 |
得分 | 偏差原因分析…, in whatever wording and order). Below it:

- 一级/二级 labels are merged over their rows, or written once and left empty below, or repeated;
  an empty label cell carries the one above. A label is also recognised by its words (“数量指标
  （20分）” is a 二级 label wherever it stands), which repairs tables whose rows were flattened
  out of place by a text export.
- A row whose text starts left of the 三级指标 column with something that is not a label has
  been shifted by such an export: its non-empty cells are read in the header's column order.
- A weight is the 分值/权重 column, else “（2分）” in the name, else the 二级 label's weight when
  the label covers only that row.
- The table ends at 总分/合计 (whose score is the claimed total) or at a notes row.

A table with the same number of columns and no header right after an indicator table continues it
(a table split across pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.core.groups import classify_level1
from jixiao.core.groups import strip_weight
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.values import parse_value
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.grid import Slot
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.prose import points
from jixiao.intake.extract.prose import squash

_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^序号$")),
    ("level1", re.compile(r"^一级(指标)?")),
    ("level2", re.compile(r"^二级(指标)?")),
    ("name", re.compile(r"^三级(指标)?|指标名称|^具体指标|^绩效指标$|^指标内容")),
    ("deviation", re.compile(r"偏差|原因|改进措施|备注|说明")),
    ("score", re.compile(r"得分|评分|^自评分")),
    ("weight", re.compile(r"^(指标)?(分值|权重|满分)")),
    ("actual", re.compile(r"实际|完成值|完成情况|完成数")),
    ("nature", re.compile(r"^指标性质$|^性质$|^比较符号?$")),
    ("unit", re.compile(r"^(度量|计量|计算)?单位$")),
    ("target", re.compile(r"目标|指标值|预期|计划|标准")),
)
# 指标性质 cells: how the target compares (“≧ | 735 | 人次” is “≥735人次”).
_COMPARATORS = {
    "≥": "≥",
    "≧": "≥",
    ">=": "≥",
    "＞＝": "≥",
    "大于等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    ">": ">",
    "＞": ">",
    "大于": ">",
    "≤": "≤",
    "≦": "≤",
    "<=": "≤",
    "＜＝": "≤",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "<": "<",
    "＜": "<",
    "小于": "<",
    "=": "=",
    "＝": "=",
    "═": "=",
    "==": "=",
    "等于": "=",
}
_BARE_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)*$")
_NO_UNIT = re.compile(r"^[—\-－–/／无]*$")
_NEEDED = {"name", "target", "actual"}
_VALUE_ROLES = ("target", "actual", "weight", "score")
_PLAIN = re.compile(r"\d{1,3}(?:\.\d+)?")
_SPECIFIC_NAME = re.compile(r"^三级|指标名称|^具体指标")
_MAX_LABEL = 12
_LEVEL1 = re.compile(r"^(项目)?(产出|效益|效果|满意度?|成本|影响)(类)?(指标)?$")
_LEVEL2 = re.compile(
    r"^(数量|质量|时效|成本|经济成本|社会成本|生态环境成本|经济效益|社会效益|生态效益|环境效益|可持续影响|可持续发展|"
    r"服务对象满意度|满意度|社会公众满意度|使用者满意度|群众满意度|公众满意度|社会满意度|其他)(类)?(指标)?$"
)
_END = re.compile(
    r"^(总分|合计|总计|自评总分|综合得分|得分合计|偏差大|改进措施|备注|说明|注[:：]?|填报说明|其他(需要)?说明)"
)
_TOTAL_CELL = re.compile(r"^(总分|合计|总计|自评总分|综合得分|得分合计)[：:]?$")
_NATURE_WORD = re.compile(r"^(正向|反向|定量|定性)(指标)?$")  # a 指标性质 that is no comparator
_HEADER_WORD = re.compile(
    r"^(分值|得分|权重|满分|(全年)?实际完成值|完成值|(年度|年初)?指标值|(年初)?目标值|指标性质|(度量|计量)单位|"
    r"偏差原因.*|[一二三]级指标|完成率|备注)$"
)
_UNIT_CELL = re.compile(r"^[^\d\s.,，。；;]{1,6}$")
_WEIGHT_IN = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")
_SEQ = re.compile(r"^\s*\d{1,3}\s*[.、]?\s*$")


def label_kind(text: str) -> int | None:
    """1 for a 一级 label, 2 for a 二级 label, None otherwise (weights in brackets ignored)."""
    core = strip_weight(squash(text))
    core = re.sub(r"[（(]\s*\d+(?:\.\d+)?\s*[)）]$", "", core)  # “质量指标(10)”
    core = core.removesuffix("等")  # “服务对象满意度指标等”
    if not core:
        return None
    if _LEVEL2.match(core) and not _LEVEL1.match(core):
        return 2
    if _LEVEL1.match(core):
        return 1
    return None


def label_weight(text: str) -> Decimal | None:
    m = _WEIGHT_IN.search(squash(text)) or re.search(r"[（(]\s*(\d+(?:\.\d+)?)\s*[)）]$", squash(text))
    return Decimal(m[1]) if m else None


def _level1_of_level2(level2: str) -> str | None:
    if "满意" in level2:
        return "满意度指标"
    if re.match(r"数量|质量|时效|成本", level2):
        return "产出指标"
    if "效益" in level2 or "影响" in level2 or "可持续" in level2:
        return "效益指标"
    return None


@dataclass(slots=True)
class Header:
    row: int
    columns: dict[str, int]  # role → grid column
    n_cols: int
    # A header flattened into one row by a converter (both header rows, then the first indicator
    # row, in one line): the roles in the form's column order, and the cells after the header.
    order: tuple[str, ...] = ()
    inline: tuple[str, ...] = ()


def find_header(grid: Grid) -> Header | None:
    """The indicator table's header row, if ``grid`` has one."""
    for r in range(grid.n_rows):
        columns: dict[str, int] = {}
        for slot in grid.row(r):
            text = squash(slot.text)
            if not text or len(text) > 24:
                continue
            for role, pattern in _ROLES:
                if pattern.search(text):
                    if role == "name" and "name" in columns and _SPECIFIC_NAME.search(text):
                        columns["name"] = slot.col  # “三级指标” beats a block label “绩效指标”
                    columns.setdefault(role, slot.col)
                    break
        if columns.keys() >= _NEEDED:
            flat = _flattened(grid, r)
            if flat is not None:
                return flat
            return _with_subheader(grid, Header(r, columns, grid.table.n_cols))
    return None


def _header_role(text: str) -> str | None:
    text = squash(text)
    if not text or len(text) > 24:
        return None
    return next((role for role, pattern in _ROLES if pattern.search(text)), None)


def _flattened(grid: Grid, r: int) -> Header | None:
    """Row ``r`` as a flattened header: the contiguous run of header cells around 三级指标, then at
    least two cells of the first indicator row. The form's column order is 一级 | 二级 | 三级 first,
    then the other columns in the order the header names them, the 指标性质 | 指标值 | 度量单位 of
    a split header in place of their parent 年度指标值."""
    texts = [s.text for s in grid.row(r) if s.text and not s.above]
    anchor = next((i for i, t in enumerate(texts) if _SPECIFIC_NAME.search(squash(t))), None)
    if anchor is None:
        return None
    start = anchor
    while start > 0 and _header_role(texts[start - 1]) is not None:
        start -= 1
    end = anchor + 1
    while end < len(texts) and _header_role(texts[end]) is not None:
        end += 1
    inline = tuple(texts[end:])
    if (
        len(inline) < 2
        or not any(re.search(r"\d", t) for t in inline)
        or any(_HEADER_WORD.match(squash(t)) for t in inline)
    ):
        return None  # no indicator row after the header, or a header column not understood
    return _flat_header(r, [_header_role(t) for t in texts[start:end]], grid.table.n_cols, inline)


def _flat_header(r: int, roles: list[str | None], n_cols: int, inline: tuple[str, ...]) -> Header | None:
    """A flattened header's roles in the form's column order (see :func:`_flattened`)."""
    order: list[str] = [role for role in ("level1", "level2", "name") if role in roles]
    targets = [i for i, role in enumerate(roles) if role == "target"]
    parent = targets[0] if len(targets) > 1 else None  # 年度指标值 over its sub-columns
    sub = [x for i, x in enumerate(roles) if x in {"nature", "target", "unit"} and i != parent]
    for role in roles:
        if role is None or role in order or role in {"nature", "unit", "seq"}:
            continue
        if role == "target":
            order.extend(sub)  # the sub-columns where their parent (or the first of them) stands
            continue
        order.append(role)
    if not {"name", "target", "actual"} <= set(order):
        return None
    columns = {role: i for i, role in enumerate(order)}
    return Header(r, columns, n_cols, tuple(order), inline)


def _with_subheader(grid: Grid, header: Header) -> Header:
    """A header split over two rows: 年度指标值 over 指标性质 | 指标值 | 度量单位 (the target is then
    the 指标值 column, the comparator and unit beside it)."""
    r = header.row + 1
    if r >= grid.n_rows:
        return header
    sub: dict[str, int] = {}
    for slot in grid.row(r):
        if slot.above:
            continue
        text = squash(slot.text)
        for role in ("nature", "unit", "target"):
            pattern = dict(_ROLES)[role]
            if text and pattern.search(text) and len(text) <= 8:
                sub.setdefault(role, slot.col)
                break
    if not ({"nature", "unit"} & sub.keys()):
        return header
    if min(sub.values()) <= header.columns["name"]:
        # The sub-header does not stand under its parent: a converter flattened the rows, so the
        # columns are the form's order, not positions.
        top = [_header_role(s.text) for s in grid.row(header.row) if s.text and not s.above]
        below = [_header_role(s.text) for s in grid.row(r) if s.text and not s.above]
        flat = _flat_header(r, top + below, header.n_cols, ())
        return flat if flat is not None else header
    return Header(r, {**header.columns, **sub}, header.n_cols)


@dataclass(slots=True)
class Extracted:
    """Indicators read from the tables, and what the table states besides."""

    indicators: list[Indicator] = field(default_factory=list)
    level1_weights: dict[Group, tuple[Decimal, str]] = field(default_factory=dict)
    total: tuple[Decimal, str] | None = None
    grade: tuple[str, str] | None = None  # a grade printed in the 总分 row (“总分 | 100 | 96 | 优”)
    budget_row: BudgetRow | None = None
    unread_totals: set[str] = field(default_factory=set)  # 总分 rows whose score was not certain
    # An indicator's location → its cells that held figures that were not read (a rebuilt table)
    unread_cells: dict[str, frozenset[str]] = field(default_factory=dict)
    rows_unread: str | None = None  # where the first row that was noted and not read stands
    # An indicator's location → the table and row it was read from (its cells' scan provenance)
    rows: dict[str, tuple[Grid, int]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    tables: int = 0


@dataclass(slots=True)
class _State:
    level1: str | None = None
    level2: str | None = None
    level2_cell: object | None = None
    level2_weight: Decimal | None = None
    group: int = 0


def read_table(grid: Grid, header: Header, start: int, out: Extracted, state: _State, label: str) -> None:
    """Read indicator rows of ``grid`` from row ``start`` into ``out``."""
    cols = header.columns
    order = sorted((c, role) for role, c in cols.items() if role not in {"level1", "level2", "seq"})
    roles_in_order = [role for _, role in order]
    if start > 0:
        _labels_in_row(grid, start - 1, out, state, header_row=True)
    first_row = len(out.indicators)
    for r in range(start, grid.n_rows):
        slots = grid.row(r)
        texts = grid.texts(r)
        lead = next((s.text for s in slots if s.text and not s.above), "")
        if lead and _END.match(squash(lead)):
            _end_row(grid, r, header, out)
            break
        if _is_header_again(grid, r):
            continue
        own = [s for s in slots if s.text and not s.above]
        if (
            len(own) == 1
            and own[0].col < cols["name"]
            and len(squash(own[0].text)) <= 4
            and label_kind(own[0].text) is None
        ):
            continue  # the last characters of a wrapped label on a row of their own (from a PDF)
        values = _aligned(texts, slots, cols, header.row)
        _labels_in_row(grid, r, out, state, header_row=False, cols=cols, aligned=values is not None)
        if values is None:
            values = _in_order(slots, roles_in_order, header.row)
        name = (values.get("name") or "").strip()
        if not name:
            if any(values.get(k) for k in _VALUE_ROLES):
                out.notes.append(
                    (f"{label} 第{r + 1}行", "该行有目标值、实际完成值、分值或得分，但没有指标名称，未读取")
                )
                out.rows_unread = out.rows_unread or f"{label} 第{r + 1}行"
            continue
        ind = _indicator(name, values, state, f"{label} 第{r + 1}行")
        out.indicators.append(ind)
        out.rows[ind.location or ""] = (grid, r)
        unread = frozenset(
            role for role in _VALUE_ROLES if role in cols and (r, cols[role]) in grid.table.unread
        )
        if unread and ind.location:
            out.unread_cells[ind.location] = unread
    _fill_group_weights(out.indicators, first_row)


def _labels_in_row(
    grid: Grid,
    r: int,
    out: Extracted,
    state: _State,
    *,
    header_row: bool,
    cols: dict[str, int] | None = None,
    aligned: bool = False,
) -> None:
    """Update the current 一级/二级 labels from row ``r``'s cells.

    A cell's words decide (“数量指标” is a 二级 label wherever it stands). In a row whose cells
    are where the header says, a short text in the 一级/二级 column is a label whatever its words,
    and the column settles “成本指标”, which is a 一级 label in some schemes and a 二级 label under
    产出 in others; in a shifted row 成本 is a 二级 label under a current 产出.
    """
    seen_level2 = False
    for slot in grid.row(r):
        if not slot.text:
            continue
        if cols is not None and "name" in cols and slot.col >= cols["name"]:
            break
        kind = _kind_in_row(slot, state, cols, aligned)
        if kind == 1:
            name = strip_weight(squash(slot.text))
            if name != state.level1:
                state.level1 = name
                state.level2 = None
                state.level2_cell = None
            weight = label_weight(slot.text)
            group = classify_level1(name)
            if weight is not None and group is not None and group not in out.level1_weights:
                out.level1_weights[group] = (weight, grid.place(r))
        elif kind == 2 and not header_row and not seen_level2:
            seen_level2 = True
            if slot.cell is state.level2_cell:
                continue
            state.level2 = re.sub(r"[（(]\s*\d+(?:\.\d+)?\s*[)）]$", "", strip_weight(squash(slot.text)))
            state.level2_cell = slot.cell
            state.level2_weight = label_weight(slot.text)
            state.group += 1
            inferred = _level1_of_level2(state.level2)
            if inferred and (state.level1 is None or classify_level1(state.level1) is None):
                state.level1 = inferred


def _kind_in_row(slot: Slot, state: _State, cols: dict[str, int] | None, aligned: bool) -> int | None:
    kind = label_kind(slot.text)
    core = strip_weight(squash(slot.text))
    by_position: int | None = None
    if cols is not None and aligned:
        if slot.col == cols.get("level1"):
            by_position = 1
        elif slot.col == cols.get("level2"):
            by_position = 2
    if kind is not None and core.startswith("成本"):
        if by_position is not None:
            return by_position
        return 2 if classify_level1(state.level1) is Group.OUTPUT else 1
    if kind is None and by_position is not None and len(core) <= _MAX_LABEL and not _SEQ.match(slot.text):
        return by_position
    return kind


def _is_header_again(grid: Grid, r: int) -> bool:
    texts = [squash(s.text) for s in grid.row(r) if s.text and not s.above]
    hits = sum(1 for t in texts if re.match(r"^(一级|二级|三级)(指标)?|^年初目标|^实际完成", t))
    return hits >= 2


def _is_noise_left(slot_text: str) -> bool:
    return not slot_text or _SEQ.match(slot_text) is not None or label_kind(slot_text) is not None


def _aligned(
    texts: list[str], slots: list[Slot], cols: dict[str, int], header_row: int
) -> dict[str, str] | None:
    """Values by column position; None when the row is shifted (see the module docstring)."""
    name_col = cols["name"]
    label_cols = {cols.get("level1"), cols.get("level2")} - {None}
    for slot in slots:
        if slot.col >= name_col:
            break
        if slot.above and slot.cell.row <= header_row:
            continue  # a block label merged down from the header (“项目年度绩效指标”)
        if not _is_noise_left(slot.text):
            if slot.col in label_cols and len(squash(slot.text)) <= _MAX_LABEL and _in_place(texts, cols):
                continue  # a label in its column whose words are cut (“服务对象满意度指”)
            return None
    values = {role: texts[c] if c < len(texts) else "" for role, c in cols.items()}
    if not values.get("name"):
        # The name column is empty but text sits further right than it should: shifted, unless
        # the row's 分值 and 得分 stand in their columns (a row whose name cell is empty).
        tail = [s for s in slots if s.col > name_col and s.text and not s.above]
        if len(tail) >= 2 and not _scores_in_place(values, slots, cols):
            return None
    if label_kind(values.get("name", "")) is not None and not any(
        values.get(k) for k in ("target", "actual", "score")
    ):
        # A label alone in the name column (a merged label spilling over); a row with figures
        # is an indicator even when its name reads like a label (“服务对象满意度”).
        return {**values, "name": ""}
    return values


def _scores_in_place(values: dict[str, str], slots: list[Slot], cols: dict[str, int]) -> bool:
    """A row's 分值 and 得分 are plain figures in their columns (0 ≤ 得分 ≤ 分值 ≤ 100) and no text
    stands right of the header's last column: its cells were not shifted."""
    weight, score = (nfkc(values.get(r) or "").strip() for r in ("weight", "score"))
    if not (_PLAIN.fullmatch(weight) and _PLAIN.fullmatch(score)):
        return False
    if not Decimal(0) <= Decimal(score) <= Decimal(weight) <= Decimal(100):
        return False
    last = max(cols.values())
    return not any(s.col > last and s.text for s in slots)


def _in_place(texts: list[str], cols: dict[str, int]) -> bool:
    """The name, and the target or the actual, stand in their columns (the name not a value)."""

    def at(role: str) -> str:
        col = cols.get(role)
        return squash(texts[col]) if col is not None and col < len(texts) else ""

    name = at("name")
    return bool(name) and not re.match(r"^[≥≤><=≧≦]|^\d", nfkc(name)) and bool(at("target") or at("actual"))


def _in_order(slots: list[Slot], roles: list[str], header_row: int) -> dict[str, str]:
    cells: list[str] = []
    for s in slots:
        if not s.text or (s.above and s.cell.row <= header_row):
            continue
        if not cells and (label_kind(s.text) is not None or _SEQ.match(s.text)):
            continue  # labels and a 序号 before the name
        cells.append(s.text)
    return dict(zip(roles, cells, strict=False))


def _indicator(name: str, values: dict[str, str], state: _State, location: str) -> Indicator:
    one_line = re.sub(r"\s*\n\s*", "", name)
    own_weight = label_weight(one_line)
    clean = strip_weight(one_line)
    weight = points(values.get("weight")) if values.get("weight") else None
    if weight is None:
        weight = own_weight
    target, actual = _with_unit(values)
    level1 = state.level1
    if level1 is None and state.level2:
        level1 = _level1_of_level2(state.level2)
    if level1 is None and "满意" in clean:
        level1 = "满意度指标"
    return Indicator(
        level1=level1,
        level2=state.level2,
        name=clean or one_line,
        weight=weight,
        target=parse_value(target) if target.strip() else None,
        actual=parse_value(actual) if actual.strip() else None,
        claimed_score=points(values.get("score")),
        level2_weight=state.level2_weight,
        group=state.group or None,
        deviation_reason=(values.get("deviation") or "").strip() or None,
        location=f"{location} 三级指标“{clean or one_line}”",
    )


def _with_unit(values: dict[str, str]) -> tuple[str, str]:
    """The target with its comparator and unit from their own columns, and the actual value with
    the unit when it is a bare number (“≧ | 735 | 人次 | 735” → “≥735人次”, “735人次”)."""
    target = (values.get("target") or "").strip()
    actual = (values.get("actual") or "").strip()
    unit = squash(values.get("unit") or "")
    if _NO_UNIT.match(unit):
        unit = ""
    if unit and _BARE_NUMBER.match(nfkc(target)):
        target += unit
    if unit and _BARE_NUMBER.match(nfkc(actual)):
        actual += unit
    comparator = _COMPARATORS.get(squash(values.get("nature") or ""))
    if comparator and target and not target.startswith(tuple(_COMPARATORS)):
        target = comparator + target
    return target, actual


def _fill_group_weights(indicators: list[Indicator], start: int) -> None:
    """A row without a weight of its own takes its 二级 label's weight when it is alone under it."""
    sizes: dict[int | None, int] = {}
    for ind in indicators[start:]:
        sizes[ind.group] = sizes.get(ind.group, 0) + 1
    for i in range(start, len(indicators)):
        ind = indicators[i]
        if (
            ind.weight is None
            and ind.level2_weight is not None
            and ind.group is not None
            and sizes[ind.group] == 1
        ):
            indicators[i] = ind.model_copy(update={"weight": ind.level2_weight})


def read_flat(grid: Grid, header: Header, out: Extracted, state: _State, label: str) -> None:
    """Indicator rows of a flattened table (see :func:`_flattened`): each row's cells are read in
    the form's column order, 指标性质 and 度量单位 only where the cell is one; a row broken over
    several lines (a name, then its values) is joined until it holds a name, a target and a value."""
    roles = list(header.order[header.order.index("name") :])
    rows = [(header.row, list(header.inline))]
    rows += [
        (r, [s.text for s in grid.row(r) if s.text and not s.above])
        for r in range(header.row + 1, grid.n_rows)
    ]
    first_row = len(out.indicators)
    pending: list[str] = []
    start = header.row
    for r, cells in rows:
        if not cells:
            continue
        if _END.match(squash(cells[0])) or any(_TOTAL_CELL.match(squash(c)) for c in cells):
            _total_after(cells, grid.place(r), out)
            break
        i = 0
        while not pending and i < len(cells) and (label_kind(cells[i]) is not None or _SEQ.match(cells[i])):
            _flat_label(cells[i], state, out, grid.place(r))
            i += 1
        if not pending:
            start = r
        rest = pending + cells[i:]
        if len(rest) < 3:
            pending = rest
            continue
        pending = []
        values = _in_shape(rest, roles)
        ind = _indicator(values["name"], values, state, f"{label} 第{start + 1}行")
        out.indicators.append(ind)
        out.rows[ind.location or ""] = (grid, start)
    if pending:
        out.notes.append((f"{label} 第{start + 1}行", "该行只有指标名称或部分数值，未能读取"))
        out.rows_unread = out.rows_unread or f"{label} 第{start + 1}行"
    _fill_group_weights(out.indicators, first_row)


def _flat_label(text: str, state: _State, out: Extracted, place: str) -> None:
    kind = label_kind(text)
    if kind is None:
        return
    name = strip_weight(squash(text)).removesuffix("等")
    if kind == 1 and not (name.startswith("成本") and classify_level1(state.level1) is Group.OUTPUT):
        state.level1, state.level2, state.level2_cell = name, None, None
        weight, group = label_weight(text), classify_level1(name)
        if weight is not None and group is not None and group not in out.level1_weights:
            out.level1_weights[group] = (weight, place)
        return
    state.level2 = re.sub(r"[（(]\s*\d+(?:\.\d+)?\s*[)）]$", "", name)
    state.level2_weight = label_weight(text)
    state.group += 1
    inferred = _level1_of_level2(state.level2)
    if inferred and (state.level1 is None or classify_level1(state.level1) is None):
        state.level1 = inferred


def _in_shape(cells: list[str], roles: list[str]) -> dict[str, str]:
    """``cells`` in ``roles`` order; 指标性质 and 度量单位 are taken only when the cell is one."""
    values: dict[str, str] = {}
    k = 0
    for role in roles:
        if k >= len(cells):
            break
        cell = cells[k].strip()
        if role == "nature":
            if squash(cell) in _COMPARATORS or _NATURE_WORD.match(squash(cell)):
                values[role], k = cell, k + 1
            continue
        if role == "unit":
            target = nfkc(values.get("target", ""))
            if _BARE_NUMBER.match(target) and _UNIT_CELL.match(squash(cell)) and label_kind(cell) is None:
                values[role], k = cell, k + 1
            continue
        values[role], k = cell, k + 1
    return values


def _total_after(cells: list[str], place: str, out: Extracted) -> None:
    """The score after a 总分/合计 cell anywhere in a row (“其他说明 | 无 | 总分 | 100 | 96 | 优”): one
    number is the score; after the full 100 marks the next is; anything else is not guessed."""
    at = next((i for i, c in enumerate(cells) if _TOTAL_CELL.match(squash(c))), None)
    if at is None:
        return
    nums: list[Decimal] = []
    for cell in cells[at + 1 :]:
        value = points(cell)
        if value is None:
            grade = _grade_word(cell)
            if grade is not None:
                out.grade = (grade, place)
            break
        nums.append(value)
    if len(nums) == 1:
        out.total = (nums[0], place)
    elif len(nums) == 2 and nums[0] == 100 and nums[1] <= 100:
        out.total = (nums[1], place)
    elif nums:
        out.unread_totals.add(place)
        out.notes.append(
            (place, f"总分一行有{len(nums)}个数（{'、'.join(map(str, nums))}），无法确定哪个是自评得分")
        )


def _end_row(grid: Grid, r: int, header: Header, out: Extracted) -> None:
    slots = grid.row(r)
    lead = next(s for s in slots if s.text and not s.above)
    key = squash(lead.text)
    if re.match(r"^(总分|合计|总计|自评总分|综合得分|得分合计)", key):
        texts = grid.texts(r)
        value = None
        if "score" in header.columns:
            value = points(texts[header.columns["score"]])
        if value is None:
            inline = re.search(r"(\d+(?:\.\d+)?)\s*分?$", nfkc(key))
            value = (
                Decimal(inline[1])
                if inline and inline[1] not in {"100"} and not key.endswith("100")
                else None
            )
            if value is None:
                # the score column is empty: a number in the 分值 column is the full marks
                full = header.columns.get("weight") if "score" in header.columns else None
                after = [s for s in slots if s.col > lead.col and s.text and s.col != full]
                nums = [n for n in (points(s.text) for s in after) if n is not None]
                value = nums[-1] if nums else None
        if value is not None:
            out.total = (value, grid.place(r))
        else:
            out.unread_totals.add(grid.place(r))
        grade = next((g for s in slots if s.col > lead.col and (g := _grade_word(s.text))), None)
        if grade is not None:
            out.grade = (grade, grid.place(r))
    else:
        # A 总分 cell further on, in this row or the next (“其他需要说明事项 | 无 | 总分 | 100 | 96”).
        for rr in range(r, min(grid.n_rows, r + 3)):
            _total_after([s.text for s in grid.row(rr) if s.text and not s.above], grid.place(rr), out)
            if out.total is not None:
                break
    # Rows below the table: deviation analysis and improvement measures are the problems section.
    for rr in range(r, grid.n_rows):
        row = [s for s in grid.row(rr) if s.text and not s.above]
        if len(row) >= 2 and re.search(r"原因|问题|改进|措施", squash(row[0].text)):
            out.problems.append((row[1].text, grid.place(rr)))


_GRADE = re.compile(r"^(优秀|良好|合格|不合格|一般|较差|中等|优|良|中|差)(等|级|等级)?$")


def _grade_word(text: str) -> str | None:
    m = _GRADE.match(squash(text).strip("“”\"'"))
    return m[1] if m else None


def extract_indicators(grids: list[Grid]) -> Extracted:
    """Indicators from every indicator table in the document, in order."""
    out = Extracted()
    state = _State()
    last: Header | None = None
    headed = [(g, find_header(g)) for g in grids]
    count = sum(1 for _, h in headed if h is not None)
    k = 0
    for grid, header in headed:
        if header is not None:
            k += 1
            out.tables += 1
            label = _label(grid, k, count)
            if header.order:
                read_flat(grid, header, out, state, label)
                last = None
                continue
            read_table(grid, header, header.row + 1, out, state, label)
            last = header
        elif last is not None and grid.table.n_cols == last.n_cols and out.indicators:
            label = _label(grid, k, count) + "（续）"
            read_table(grid, Header(-1, last.columns, last.n_cols), 0, out, state, label)
        else:
            last = None
    _budget_row(out)
    return out


_BUDGET_ROW = re.compile(r"^(预算|资金|项目资金|预算资金)执行(率|情况|进度)$")


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """A 预算执行率 row inside the indicator table (some provincial forms score the budget there)."""

    weight: Decimal | None
    score: Decimal | None
    rate: Decimal | None
    location: str


def _budget_row(out: Extracted) -> None:
    """Take a 预算执行率 row out of the indicators: it is the budget block's weight and score."""
    for i, ind in enumerate(out.indicators):
        names = {squash(ind.name), squash(strip_weight(ind.level1 or ""))}
        if not any(_BUDGET_ROW.match(n) for n in names):
            continue
        rate = None
        if ind.actual is not None and ind.actual.unit == "%" and ind.actual.value is not None:
            rate = Decimal(ind.actual.value) / 100
        out.budget_row = BudgetRow(ind.weight, ind.claimed_score, rate, ind.location or "")
        del out.indicators[i]
        return


def _label(grid: Grid, k: int, count: int) -> str:
    name = "自评表" if count <= 1 else f"自评表{k}"
    page = re.match(r"^(第\d+页) ", grid.table.place)
    return f"{page[1]} {name}" if page else name
