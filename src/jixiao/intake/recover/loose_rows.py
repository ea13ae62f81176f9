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
from jixiao.intake.recover.levels import level_regex

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
_LEVEL = level_regex()
_LABEL_WEIGHT = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]")
_END = re.compile(r"总\s*分|合\s*计|注\s*[:：]|说\s*明\s*[:：]|填\s*报\s*说\s*明|预\s*算\s*执\s*行\s*率")
_SPAN = 4000
_FILLER = re.compile(r"…+|\.{3,}")
_COMPARATOR = re.compile(r"^(?:[≥≤><=＝≧≦]=?|>=|<=)")
# An OCR'd “≥” read as “Z” before a percentage (“Z90%”); extract/degraded settles the reading.
_OCR_GE = re.compile(r"[Zz](?=\d{1,3}(?:\.\d+)?\s*%)")
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
_FULL_MARK = Decimal(100)


# The columns of a table rebuilt from text, in the national form's order.
RECOVERED_HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)


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
        rows, notes, unread = _rows(
            text[body_start:body_end], _level_before(text, anchor.start(), body_start), roles, where
        )
        if not rows:
            continue
        header = list(RECOVERED_HEADER)
        if end and re.match(r"总\s*分|合\s*计", end.group(0)):
            total = _total(text[end.end() : end.end() + 40], _order(roles))
            if total is not None:
                rows.append(["总分", "", "", "", "", *total, ""])
            elif re.match(r"\s*[:：]?\s*\d", text[end.end() : end.end() + 40]):
                notes.append((where, "“总分”一行的数字无法与分值、得分两列唯一对应，自评总分未从表中读取"))
        table = table_from_rows(
            [header, *rows],
            place=f"{where}（由连排文字恢复的绩效指标表）",
            unread=frozenset((r + 1, c) for r, c in unread),  # below the header row
        )
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
        role_end = _header_word(text, pos)
        if role_end is None:
            garbled = _garbled_word(text, pos)
            if garbled is None:
                return roles, pos
            roles.append("unknown")
            pos = garbled
            continue
        roles.append(role_end[0])
        pos = role_end[1]


def _header_word(text: str, pos: int) -> tuple[str, int] | None:
    for role, pattern in _HEADER_WORDS:
        m = pattern.match(text, pos)
        if m:
            return role, m.end()
    return None


def _garbled_word(text: str, pos: int) -> int | None:
    """Where a header word that OCR garbled (“实际完戍值”) ends: two to six characters of text,
    then two header words in a row (so a name that starts the body is not taken for one)."""
    for size in range(2, 7):
        piece = text[pos : pos + size]
        if len(piece) < size or re.search(r"[\d\s≥≤><=%]", piece):
            return None
        start = pos + size
        while start < len(text) and text[start].isspace():
            start += 1
        first = _header_word(text, start)
        if first is None:
            continue
        after = first[1]
        while after < len(text) and text[after].isspace():
            after += 1
        if _header_word(text, after) is not None:
            return pos + size
    return None


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


# The rebuilt table's column of each value role (see RECOVERED_HEADER).
_COLUMN = {"target": 3, "actual": 4, "weight": 5, "score": 6}


def _rows(
    body: str, levels: tuple[str, str], roles: list[str], where: str
) -> tuple[list[list[str]], list[tuple[str, str]], set[tuple[int, int]]]:
    """The rows, notes, and the (row, column) cells of the rows that held figures not read."""
    level1, level2 = levels
    out: list[list[str]] = []
    unread_cells: set[tuple[int, int]] = set()
    unread: list[str] = []
    # Each piece with its labels and the 一级 label it falls under (its index in ``declared``).
    pieces: list[tuple[str, str, int, str]] = []
    declared: list[tuple[str, Decimal | None]] = [(level1, None)]
    pos = 0
    for m in _LEVEL.finditer(body):
        pieces.extend((level1, level2, len(declared) - 1, p) for p in _lines(body[pos : m.start()]))
        pos = m.end()
        weight = _LABEL_WEIGHT.match(body, pos)
        if weight:
            pos = weight.end()
        if m.group("l1"):
            level1, level2 = squash(m.group(0)), ""
            figure = re.search(r"\d+(?:\.\d+)?", weight.group(0)) if weight else None
            declared.append((level1, Decimal(figure.group(0)) if figure else None))
        else:
            level2 = squash(m.group(0))
            level1 = level1_for(level2, level1)
            if level1 != declared[-1][0]:
                declared.append((level1, None))
    pieces.extend((level1, level2, len(declared) - 1, p) for p in _lines(body[pos:]))
    order = _order(roles)
    group_of: list[int] = []
    for l1, l2, group, piece in pieces:
        tokens = piece.split()
        rows = _spaced(tokens, roles, order) if len(tokens) > 1 else _run_on(piece, roles, order)
        for name, target, actual, weight_text, score, raw, reason in rows:
            out.append([l1, l2, name, target, actual, weight_text, score, reason])
            group_of.append(group)
            if not (weight_text and score) and raw:
                unread.append(f"{name}（{raw[:24]}）")
            if raw:  # the row printed figures: the value cells left empty were not read
                row = [target, actual, weight_text, score]
                unread_cells.update(
                    (len(out) - 1, _COLUMN[role])
                    for role, text in zip(("target", "actual", "weight", "score"), row, strict=True)
                    if role in roles and not text
                )
    notes: list[tuple[str, str]] = []
    for index, (label, weight_of) in enumerate(declared):
        members = [row for row, g in zip(out, group_of, strict=True) if g == index]
        if weight_of is None or not members or not all(row[5] for row in members):
            continue
        total = sum((Decimal(row[5]) for row in members), Decimal(0))
        if total != weight_of:
            for k, row in enumerate(out):
                if group_of[k] == index:
                    row[5] = row[6] = ""  # a cut that does not add up is not certain
                    unread_cells.update({(k, _COLUMN["weight"]), (k, _COLUMN["score"])})
            notes.append(
                (
                    where,
                    f"连排文字中“{label}”下各指标行分值合计{total}与标注的{weight_of}分不符，这些指标行的分值和得分未读取",
                )
            )
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
    return out, notes, unread_cells


def _lines(chunk: str) -> list[str]:
    """The pieces of a chunk between labels: its lines, or, when every line is a single cell and
    some are values (one cell per line), the cells joined as one spaced line."""
    lines = [x for x in (_FILLER.sub(" ", line).strip() for line in chunk.split("\n")) if x]
    if len(lines) > 1 and all(len(x.split()) == 1 for x in lines) and any(_is_value(x) for x in lines):
        return [" ".join(lines)]
    return lines


def _order(roles: list[str]) -> list[str] | None:
    """The value columns after the name in the header's order, when each is named once (a
    header that names a column twice, or a word not understood, leaves no certain order)."""
    known = ("target", "actual", "weight", "score")
    if roles.count("unknown") == 1:
        # A garbled word stands where the one column the header does not otherwise name belongs
        # (the national form's columns: 指标值, 实际完成值, 分值, 得分).
        missing = [r for r in known if r not in roles]
        if len(missing) != 1 or roles.index("unknown") < roles.index("name"):
            return None
        roles = [missing[0] if r == "unknown" else r for r in roles]
    values = [r for r in roles if r in known]
    if "unknown" in roles or len(values) != len(set(values)) or roles.count("name") > 1:
        return None
    return values


# name, target, actual, weight, score, the figures not read, 偏差原因
_Row = tuple[str, str, str, str, str, str, str]


def _is_value(token: str) -> bool:
    return bool(
        _COMPARATOR.match(token) or token[:1].isdigit() or token.startswith("%") or _OCR_GE.match(token)
    )


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


def _spaced(tokens: list[str], roles: list[str], order: list[str] | None) -> list[_Row]:
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
    merged: list[list[str]] = []
    for group in groups:
        if merged and not any(_is_value(t) for t in group):
            merged[-1].extend(group)  # text after a row's figures with none of its own: its 偏差原因
        else:
            merged.append(group)
    return [row for g in merged if (row := _spaced_row(g, roles, order)) is not None]


def _cells(tokens: list[str]) -> list[str]:
    """Cells with a comparator joined to its figure and a figure to its unit (``>= | 98 |
    %(百分比)`` is ``>=98%``)."""
    out: list[str] = []
    j = 0
    while j < len(tokens):
        text = tokens[j]
        j += 1
        if _COMPARATOR.fullmatch(text) and j < len(tokens) and tokens[j][:1].isdigit():
            text += tokens[j]
            j += 1
        bare = re.sub(r"^(?:[≥≤><=＝≧≦]=?|>=|<=)", "", text)
        if bare != text and _plain(bare) is not None and j < len(tokens) and (unit := _unit_of(tokens[j])):
            text += unit  # a unit cell after a target with a comparator
            j += 1
        out.append(text)
    return out


def _spaced_row(cells: list[str], roles: list[str], order: list[str] | None) -> _Row | None:
    name, rest = cells[0].strip("、,，:："), _cells(cells[1:])
    if not any(_is_value(c) for c in rest):
        return None  # a name whose cells were cut off
    # The header's value columns one for one (a deviation text may follow): certain.
    if order and len(rest) >= len(order) and (len(rest) == len(order) or "deviation" in roles):
        got = dict(zip(order, rest, strict=False))
        numbers_ok = all(_plain(got[r]) is not None for r in ("weight", "score") if r in got)
        if numbers_ok and ("weight" not in got or "score" not in got or _fits(got["weight"], got["score"])):
            return (
                name,
                got.get("target", ""),
                got.get("actual", ""),
                got.get("weight", ""),
                got.get("score", ""),
                "",
                " ".join(rest[len(order) :]),
            )
    # Otherwise: the first value is the target (after a description), then a measured actual;
    # the figures after them are not placed.
    i = 0
    while i < len(rest) and not _is_value(rest[i]):
        i += 1
    values = rest[i:]
    numeric = [r for r in roles if r in ("weight", "score")]
    target = actual = ""
    j = 0
    if "target" in roles and (_measured(values[0]) or not numeric):
        target, j = values[0], 1
        if "actual" in roles and j < len(values) and _measured(values[j]):
            actual, j = values[j], j + 1
    raw = " ".join(values[j:]) if numeric else ""
    return name, target, actual, "", "", raw, ""


def _measured(token: str) -> bool:
    """A value cell that cannot be a bare 分值 or 得分: a comparator, a percent or a unit with it."""
    return _is_value(token) and _plain(token) is None


def _plain(token: str) -> str | None:
    m = _NUM.fullmatch(token)
    return m.group(0) if m else None


def _fits(weight: str, score: str) -> bool:
    try:
        w, s = Decimal(weight), Decimal(score)
    except InvalidOperation:
        return False
    return 0 < w <= _FULL_MARK and 0 <= s <= w


def _run_on(piece: str, roles: list[str], order: list[str] | None) -> list[_Row]:
    """Rows from text with no separators: a name (text), then its figures and units."""
    parts = re.findall(
        r"\d+(?:\.\d+)?|[≥≤><=＝≧≦]=?|[Zz](?=\d{1,3}(?:\.\d+)?%)|(?:(?![Zz]\d{1,3}(?:\.\d+)?%)[^\d≥≤><=＝≧≦])+",
        piece,
    )
    groups: list[list[str]] = []
    for part in parts:
        if not part[0].isdigit() and _namey(_strip_unit(part)) and (not groups or len(groups[-1]) > 1):
            groups.append([part])
        elif groups:
            groups[-1].append(part)
    rows: list[_Row] = []
    for group in groups:
        if len(group) < 2 or not any(p[0].isdigit() for p in group[1:]):
            continue  # a name without figures: cut off, or not a row
        name = _strip_unit(group[0])
        unit = group[0][len(name) :]
        read = None
        if order and {"weight", "score"} <= set(order):
            read = _glued(group[1:], unit, order)
            doubled = _doubled(name) if read is None and not unit else None
            if doubled is not None and order[:2] == ["target", "actual"]:
                # A text target met word for word (“明显改善明显改善”): the even cut.
                read = _glued(group[1:], "", order, given=[doubled[1], doubled[1]])
                name = doubled[0] if read is not None else name
        name = name.strip("、,，:：")
        if read is not None:
            rows.append(
                (name, read.get("target", ""), read.get("actual", ""), read["weight"], read["score"], "", "")
            )
        else:
            rows.append((name, "", "", "", "", "".join(group[1:]), ""))
    return rows


def _glued(
    parts: list[str], unit: str, order: list[str], given: list[str] | None = None
) -> dict[str, str] | None:
    """A run-on row's values: cells that carry a comparator or a unit stand apart; the figures
    glued at the end are cut into the remaining columns when exactly one cut is well formed.
    Only with 分值 and 得分 among the columns (the check that makes a cut certain). ``given``: the
    first cells, read by the caller (a text target and actual)."""
    cells: list[str] = list(given or [])
    i = 0
    while i < len(parts):
        part = parts[i]
        if part[0].isdigit() and i + 1 < len(parts) and _unit_of(parts[i + 1]) is not None:
            cells.append(part + parts[i + 1])
            i += 2
        elif (
            not part[0].isdigit()
            and (_COMPARATOR.fullmatch(part) or part in ("Z", "z"))
            and i + 1 < len(parts)
        ):
            joined = part + parts[i + 1]
            if i + 2 < len(parts) and _unit_of(parts[i + 2]) is not None:
                joined += parts[i + 2]
                i += 1
            cells.append(joined)
            i += 2
        elif part[0].isdigit():
            cells.append(part)
            i += 1
        else:
            return None  # text among the figures: not a row of figures
    if not cells or not re.fullmatch(r"[\d.]+", cells[-1]):
        return None  # the figures do not end in a glued run of 分值/得分
    fixed, run = cells[:-1], cells[-1]
    if len(fixed) >= len(order):
        return None
    got = dict(zip(order, fixed, strict=False))
    if any(r in got for r in ("weight", "score")) or set(order[len(fixed) :]) != {"weight", "score"}:
        return None  # a figure with a unit where 分值 stands, or a target with no figure of its own
    split = _unique_split(run, order[len(fixed) :])
    if split is None:
        return None
    got.update(split)
    for role in ("target", "actual"):
        if role in split and unit:
            got[role] = split[role] + unit  # the unit column printed before the figures
    return got


def _doubled(text: str) -> tuple[str, str] | None:
    """``text`` as a name followed by the same words twice (a text target and its actual)."""
    for size in range((len(text) - _MIN_NAME) // 2, 1, -1):
        if text[-2 * size : -size] == text[-size:] and not re.search(r"\d", text[-size:]):
            return text[: -2 * size], text[-size:]
    return None


def _total(tail: str, order: list[str] | None) -> list[str] | None:
    """The 总分 row's 分值 and 得分 from the figures right after its label: two figures, or one
    run that cuts into them in exactly one way; the full mark is 100."""
    if not order or not {"weight", "score"} <= set(order):
        return None
    m = re.match(r"\s*[:：]?\s*((?:\d+(?:\.\d+)?\s*){1,2})", tail)
    if not m:
        return None
    figures = m.group(1).split()
    numeric = [r for r in order if r in ("weight", "score")]
    if len(figures) == len(numeric):
        got = dict(zip(numeric, figures, strict=True))
    elif len(figures) == 1 and (split := _unique_split(figures[0], numeric)) is not None:
        got = split
    else:
        return None
    if not _fits(got["weight"], got["score"]) or Decimal(got["weight"]) != _FULL_MARK:
        return None
    return [got["weight"], got["score"]]


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
