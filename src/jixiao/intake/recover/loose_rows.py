"""Indicator rows of text whose table lost its cells: space-separated, one row per line, or run on.

The national form's indicator block keeps its header words (三级指标 / 指标名称, 指标值, 分值, 得分 …)
and its 一级/二级 labels (产出指标, 数量指标 …) when a converter, an archive or OCR drops the grid.
After the header, each row is a name followed by its values::

    产出指标 质量指标 覆盖率 享受补贴人数占比 >= 98 %(百分比) 100% 完成 25.00 25.00 6.25   (cells spaced)
    数量指标建设普通省道二级公路32.1公里2020                                          (a line run on)
    …说明天然林管护完成率%901010010国家级公益林管护面积万亩2810810…                     (rows run on)

The labels are known words, so they cut the block into pieces; in a piece a row starts at a name
(at least three characters of text that are no label, header word, unit or status word) once the
row before has shown a value. A row is kept with its name, its 一级/二级 labels and, where the
cells were spaced, its target and actual as written. Its 分值 and 得分 are read only when they are
unambiguous: spaced cells whose trailing figures match the header's 分值 and 得分 one for one
(得分 ≤ 分值), or a run-on figure that splits into the header's numeric columns in exactly one
well-formed way. Otherwise they stay empty and a note (``EXTRACTION_INCOMPLETE``) says why.
"""

from __future__ import annotations

import re
from decimal import Decimal
from decimal import InvalidOperation

from jixiao.intake.document import Table
from jixiao.intake.document import table_from_rows
from jixiao.intake.recover.budget_block import place_at

_ANCHOR = re.compile(r"三\s*级\s*指\s*标|指\s*标\s*名\s*称")
# Header words after the anchor (also split over two lines), each with the role its column plays.
_HEADER_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("deviation", re.compile(r"(?:偏\s*差|未\s*完\s*成)\s*原\s*因[^\d\n≥≤]{0,12}?措\s*施|偏\s*差\s*原\s*因")),
    (
        "score",
        re.compile(
            r"(?:单\s*项\s*指\s*标\s*)?(?:折\s*算\s*|自\s*评\s*|指\s*标\s*)?得\s*分(?:\s*\(\s*分\s*\))?"
        ),
    ),
    ("weight", re.compile(r"(?:指\s*标\s*)?(?:分\s*值|权\s*重(?:\s*占\s*比)?)(?:\s*\(\s*(?:分|%)\s*\))?")),
    (
        "actual",
        re.compile(
            r"(?:单\s*项\s*指\s*标\s*)?(?:全\s*年\s*|年\s*终\s*|年\s*度\s*)?(?:实\s*际\s*)?"
            r"(?:完\s*成\s*值|完\s*成\s*情\s*况|实\s*际\s*值)(?:\s*\(\s*[A-Z]\s*\))?"
        ),
    ),
    (
        "target",
        re.compile(
            r"(?:年\s*度\s*|预\s*期\s*|年\s*初\s*|全\s*年\s*|计\s*划\s*)?(?:目\s*标\s*)?(?:指\s*标\s*值|目\s*标\s*值)"
            r"(?:\s*\(\s*[A-Z]\s*\))?"
        ),
    ),
    ("unit", re.compile(r"(?:计\s*量\s*|度\s*量\s*)?单\s*位(?:\s*\([^)\n]{0,6}\))?")),
    ("nature", re.compile(r"(?:指\s*标\s*)?性\s*质|符\s*号")),
    ("deviation", re.compile(r"说\s*明|备\s*注|改\s*进\s*措\s*施")),
    ("name", _ANCHOR),
)
_LEVEL = re.compile(
    r"(?P<l2>(?:数\s*量|质\s*量|时\s*效|成\s*本|经\s*济\s*效\s*益|社\s*会\s*效\s*益|生\s*态\s*效\s*益|可\s*持\s*续\s*影\s*响|"
    r"服\s*务\s*对\s*象\s*满\s*意\s*度)\s*指\s*标)"
    r"|(?P<l1>(?:产\s*出|效\s*益|效\s*果|满\s*意\s*度)\s*指\s*标)"
)
_LABEL_WEIGHT = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]")
_END = re.compile(r"总\s*分|合\s*计|注\s*[:：]|说\s*明\s*[:：]|填\s*报\s*说\s*明|预\s*算\s*执\s*行\s*率")
_SPAN = 4000
_FILLER = re.compile(r"…+|\.{3,}")
_COMPARATOR = re.compile(r"^(?:[≥≤><=＝≧≦]=?|>=|<=)")
_NUM = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,2})?")
_UNITS = (
    "%",
    "万亩",
    "亩",
    "公顷",
    "公里",
    "千米",
    "平方米",
    "米",
    "万元",
    "元",
    "人次",
    "万人",
    "人",
    "户",
    "个",
    "次",
    "件",
    "项",
    "家",
    "所",
    "株",
    "台",
    "套",
    "辆",
    "天",
    "日",
    "月",
    "年",
    "小时",
    "场",
    "期",
    "篇",
    "份",
    "册",
    "种",
    "例",
    "吨",
    "座",
    "处",
    "条",
    "批",
)
_STATUS = re.compile(r"^(?:已?完成|未完成|达标|未达标|是|否|无|有|合格|良好|优|良|中|差)$")
_MIN_NAME = 3
_MAX_NAME = 60
_MAX_SPLITS = 4


def recover_loose_rows(
    text: str, place_of: dict[int, str] | None = None
) -> tuple[Table, int, list[tuple[str, str]]] | None:
    """The first indicator block of ``text`` read as loose rows (see the module docstring): the
    rebuilt table, where its header starts, and notes; None when no row could be read."""
    for anchor in _ANCHOR.finditer(text):
        roles, body_start = _header(text, anchor.start())
        if not ({"target", "actual"} & set(roles)):
            continue  # 三级指标 in prose, not a column header
        end = _END.search(text, body_start, body_start + _SPAN)
        body_end = end.start() if end else min(len(text), body_start + _SPAN)
        where = place_at(place_of, anchor.start())
        rows, notes = _rows(
            text[body_start:body_end], _level_before(text, anchor.start(), body_start), roles, where
        )
        if not rows:
            continue
        header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
        table = table_from_rows([header, *rows], place=f"{where}（由连排文字恢复的绩效指标表）")
        return table, anchor.start(), notes
    return None


def _header(text: str, pos: int) -> tuple[list[str], int]:
    """The roles the header names from ``pos`` (its anchor), in order, and where it ends.

    Header words before the anchor on its line (一级指标 二级指标) are skipped by the caller; a
    header split over two lines continues on the next line while that line starts with header
    words."""
    roles: list[str] = []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        for role, pattern in _HEADER_WORDS:
            m = pattern.match(text, pos)
            if m:
                roles.append(role)
                pos = m.end()
                break
        else:
            return roles, pos


def _level_before(text: str, start: int, end: int) -> tuple[str, str]:
    """A 一级/二级 label printed among the header words (“二级指标 数量指标 三级指标”)."""
    level1 = level2 = ""
    line_start = text.rfind("\n", 0, start) + 1
    for m in _LEVEL.finditer(text, line_start, end):
        if m.group("l1"):
            level1, level2 = squash(m.group(0)), ""
        else:
            level2 = squash(m.group(0))
    return level1, level2


def _group(label: str) -> str:
    """The 一级 group a label belongs to: 产出, 效益 (效果 is a provincial name for it) or 满意度."""
    if "满意" in label:
        return "满意度指标"
    if re.match(r"产出|数量|质量|时效|成本", label):
        return "产出指标"
    return "效益指标"


def level1_for(level2: str, level1: str) -> str:
    """The 一级 label over ``level2``: the current one when ``level2`` belongs to it, else the
    group's own name (a 二级 label of another group starts that group even when its 一级 label
    was lost)."""
    return level1 if level1 and _group(level1) == _group(level2) else _group(level2)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _rows(
    body: str, levels: tuple[str, str], roles: list[str], where: str
) -> tuple[list[list[str]], list[tuple[str, str]]]:
    level1, level2 = levels
    out: list[list[str]] = []
    unread: list[str] = []
    pieces: list[tuple[str, str, str]] = []
    pos = 0
    for m in _LEVEL.finditer(body):
        pieces.extend((level1, level2, p) for p in body[pos : m.start()].split("\n"))
        if m.group("l1"):
            level1, level2 = squash(m.group(0)), ""
        else:
            level2 = squash(m.group(0))
            level1 = level1_for(level2, level1)
        pos = m.end()
        declared = _LABEL_WEIGHT.match(body, pos)
        if declared:
            pos = declared.end()
    pieces.extend((level1, level2, p) for p in body[pos:].split("\n"))
    for l1, l2, written in pieces:
        piece = _FILLER.sub(" ", written).strip()
        if not piece:
            continue
        tokens = piece.split()
        rows = _spaced(tokens, roles) if len(tokens) > 1 else _run_on(piece, roles)
        for name, target, actual, weight, score, raw in rows:
            out.append([l1, l2, name, target, actual, weight, score])
            if not (weight and score) and raw:
                unread.append(f"{name}（{raw[:24]}）")
    notes: list[tuple[str, str]] = []
    if unread:
        notes.append(
            (
                where,
                f"绩效指标表的单元格在文字中已连排或错位：{len(unread)}个指标行只读取了名称"
                f"（及能确定的目标值、实际值），分值和得分无法与表头各列唯一对应，未读取："
                + "；".join(unread[:6])
                + ("等" if len(unread) > 6 else ""),
            )
        )
    return out, notes


_Row = tuple[str, str, str, str, str, str]  # name, target, actual, weight, score, unread text


def _is_value(token: str) -> bool:
    return bool(_COMPARATOR.match(token) or token[:1].isdigit() or token.startswith("%"))


def _unit_of(token: str) -> str | None:
    core = re.sub(r"[(（][^)）]*[)）]$", "", token)
    return core if core in _UNITS else None


def _namey(token: str) -> bool:
    """Whether a text token can be an indicator's name."""
    core = token.strip("、,，:：;；。.()（）")
    if len(core) < _MIN_NAME or len(core) > _MAX_NAME or _unit_of(core) or _STATUS.match(core):
        return False
    if not re.match(r"[\u4e00-\u9fff(（]", core):
        return False
    return not any(p.fullmatch(core) for _, p in _HEADER_WORDS)


def _spaced(tokens: list[str], roles: list[str]) -> list[_Row]:
    """Rows from whitespace-separated cells: a name, text cells (a description), then values."""
    groups: list[list[str]] = []
    seen_value = True
    for token in tokens:
        if not _is_value(token) and _namey(token) and seen_value:
            groups.append([token])
            seen_value = False
            continue
        if groups:
            groups[-1].append(token)
            seen_value = seen_value or _is_value(token)
    return [row for g in groups if (row := _spaced_row(g, roles)) is not None]


def _spaced_row(cells: list[str], roles: list[str]) -> _Row | None:
    name, rest = cells[0], cells[1:]
    i = 0
    while i < len(rest) and not _is_value(rest[i]):
        i += 1  # a description printed beside the name
    values = rest[i:]
    if not values:
        return None  # a name whose cells were cut off
    target = actual = ""
    j = 0
    if "target" in roles and j < len(values):
        target, j = _value_at(values, j)
    if "actual" in roles and "target" in roles and j < len(values) and _measured(values[j]):
        actual, j = _value_at(values, j)
    trailing = [v for v in values[j:] if _plain(v) is not None]
    numeric = [r for r in roles if r in ("weight", "score")]
    weight = score = ""
    if sorted(numeric) == ["score", "weight"] and len(trailing) == len(values[j:]) == 2:
        pair = dict(zip(numeric, trailing, strict=True))
        if _fits(pair["weight"], pair["score"]):
            weight, score = pair["weight"], pair["score"]
    raw = " ".join(values[j:]) if numeric and not (weight and score) else ""
    return name.strip("、,，:："), target, actual, weight, score, raw


def _measured(token: str) -> bool:
    """A value cell that cannot be a bare 分值 or 得分: a comparator, a percent or a unit with it."""
    return _is_value(token) and _plain(token) is None


def _value_at(values: list[str], j: int) -> tuple[str, int]:
    """A target or actual cell from ``values[j]``: a comparator cell joins the figure after it,
    and a figure joins the unit cell after it (``>= | 98 | %(百分比)`` is ``>=98%``)."""
    text = values[j]
    j += 1
    if _COMPARATOR.fullmatch(text) and j < len(values) and values[j][:1].isdigit():
        text += values[j]
        j += 1
    if _plain(re.sub(r"^(?:[≥≤><=＝≧≦]=?|>=|<=)", "", text)) is not None and j < len(values):
        unit = _unit_of(values[j])
        if unit:
            text += unit
            j += 1
    return text, j


def _plain(token: str) -> str | None:
    m = _NUM.fullmatch(token)
    return m.group(0) if m else None


def _fits(weight: str, score: str) -> bool:
    try:
        w, s = Decimal(weight), Decimal(score)
    except InvalidOperation:
        return False
    return 0 < w <= 100 and 0 <= s <= w


def _run_on(piece: str, roles: list[str]) -> list[_Row]:
    """Rows from text with no separators: a name (text), then its figures and units."""
    parts = re.findall(r"\d+(?:\.\d+)?|[^\d]+", piece)
    groups: list[list[str]] = []
    for part in parts:
        if not part[0].isdigit() and _namey(_strip_unit(part)) and (not groups or len(groups[-1]) > 1):
            groups.append([part])
        elif groups:
            groups[-1].append(part)
    numeric = [r for r in roles if r in ("target", "weight", "actual", "score")]
    rows: list[_Row] = []
    for group in groups:
        if len(group) < 2 or not any(p[0].isdigit() for p in group[1:]):
            continue  # a name without figures: cut off, or not a row
        name = _strip_unit(group[0])
        unit = group[0][len(name) :]
        target = actual = weight = score = ""
        rest = "".join(group[1:])
        if len(group) == 2 and {"weight", "score"} <= set(numeric):
            split = _unique_split(group[1], numeric)
            if split is not None:
                weight, score = split["weight"], split["score"]
                target = split["target"] + unit if "target" in split else ""
                actual = split["actual"] + unit if "actual" in split else ""
        rows.append(
            (name.strip("、,，:："), target, actual, weight, score, rest if not (weight and score) else "")
        )
    return rows


def _strip_unit(text: str) -> str:
    for unit in sorted(_UNITS, key=len, reverse=True):
        if text.endswith(unit) and len(text) - len(unit) >= _MIN_NAME:
            return text[: -len(unit)]
    return text


def _unique_split(digits: str, columns: list[str]) -> dict[str, str] | None:
    """``digits`` cut into ``columns`` when exactly one cut is well formed (no leading zeros, at
    most two decimals, 0 < 分值 ≤ 100, 得分 ≤ 分值)."""
    found: list[dict[str, str]] = []

    def walk(pos: int, k: int, got: dict[str, str]) -> None:
        if len(found) > _MAX_SPLITS:
            return
        if k == len(columns):
            if pos == len(digits) and _fits(got["weight"], got["score"]):
                found.append(dict(got))
            return
        for end in range(pos + 1, min(len(digits), pos + 8) + 1):
            piece = digits[pos:end]
            if _NUM.fullmatch(piece):
                walk(end, k + 1, {**got, columns[k]: piece})

    walk(0, 0, {})
    return found[0] if len(found) == 1 else None
