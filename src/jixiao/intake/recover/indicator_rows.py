"""Indicator rows and the total of a national-family form whose cells were run together.

Flattened, the 绩效指标 block reads ``…三级指标分值年度指标值全年实际值得分…产出指标(70分)数量指标
安装坡面水标尺10≥266米≥266米10水标尺宽度10≥50厘米≥50厘米10…总分100100``. The 一级/二级 labels are
known words, so they cut the block into groups; inside a group each row is a name, then the
columns the header named (分值, 指标值, 实际值, 得分 in its order). A group is read only when
exactly one way to cut it into rows keeps every row well formed (a name that ends before the
weight, a value in each value column, 得分 ≤ 分值) and, where the 一级 label prints its 分, the
weights of its rows add up to it. Groups that cannot be read are reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from jixiao.intake.document import Table
from jixiao.intake.document import table_from_rows
from jixiao.intake.recover.budget_block import place_at as _place
from jixiao.intake.recover.levels import level_regex

_HEADER = re.compile(r"三\s*级\s*指\s*标")
_HEADER_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("weight", re.compile(r"(?:指\s*标\s*)?(?:分\s*值|权\s*重)(?:\s*\(\s*分\s*\))?")),
    ("score", re.compile(r"(?:自\s*评\s*)?得\s*分(?:\s*\(\s*分\s*\))?")),
    (
        "actual",
        re.compile(
            r"(?:全\s*年\s*|年\s*终\s*|年\s*度\s*)?(?:实\s*际\s*(?:完\s*成\s*)?值|完\s*成\s*值|实\s*际\s*完\s*成\s*(?:情\s*况)?)"
            r"(?:\s*\(\s*[A-Z]\s*\))?"
        ),
    ),
    (
        "target",
        re.compile(
            r"(?:年\s*度\s*|预\s*期\s*|年\s*初\s*|全\s*年\s*|计\s*划\s*)?(?:指\s*标\s*值|目\s*标\s*值)(?:\s*\(\s*[A-Z]\s*\))?"
        ),
    ),
    ("deviation", re.compile(r"(?:偏\s*差|未\s*完\s*成)\s*原\s*因[^产效满数质时成]{0,16}")),
)
_LEVEL = level_regex(weights=True)
_END = re.compile(r"总\s*分|合\s*计|注\s*[:：]|说\s*明\s*[:：]?|填\s*报\s*说\s*明")
_FILLER = re.compile(r"[…．.。\s]+")
_NUM = r"(?:0|[1-9]\d*)(?:\.\d{1,2})?"
# An OCR'd “≥” read as “Z” before a percentage (“Z90%”): a comparator there, never a name's end.
_OCR_GE = r"(?:[Zz](?=\d{1,3}(?:\.\d+)?%))"
_COMPARATOR = rf"(?:[≥≤><=＝≧≦]=?|{_OCR_GE})"
# A measured value: comparator, number, unit of up to three characters (万元, 厘米, %); or a
# short phrase without digits (显著提升, 有效).
_VALUE = re.compile(
    rf"{_COMPARATOR}?{_NUM}(?:%|[\u4e00-\u9fff]{{1,3}}(?:/[\u4e00-\u9fff]{{1,2}})?)?|[\u4e00-\u9fff]{{1,8}}"
)
_NAME = re.compile(r"[^\d≥≤><=＝≧≦%][^≥≤><=＝≧≦]*?[^\d≥≤><=＝≧≦%.Zz]")
_SCORE_AT_END = re.compile(rf"{_NUM}$")
_MAX_PARSES = 64
_MAX_SEGMENT = 800
# Text after a row's score that explains a shortfall, not another row (no comparator, no %).
_EXPLANATION = re.compile(r"[^≥≤><=＝≧≦%]{2,200}")
_SPAN = 4000


@dataclass(frozen=True, slots=True)
class _Row:
    name: str
    values: dict[str, str]


def recover_indicators(
    text: str, place_of: dict[int, str] | None = None
) -> Iterator[tuple[Table | None, int, list[tuple[str, str]]]]:
    """Each indicator block found in ``text``: the rebuilt table (None when no row could be
    read), where it starts, and notes."""
    for head in _HEADER.finditer(text):
        named, body_start = _columns(text, head.end())
        columns = [c for c in named if c != "deviation"]
        explained = "deviation" in named
        if "weight" not in columns or "score" not in columns:
            continue  # without 分值 and 得分 nothing can check a cut
        where = _place(place_of, head.start())
        end_match = _END.search(text, body_start, body_start + _SPAN)
        body_end = end_match.start() if end_match else min(len(text), body_start + _SPAN)
        rows, notes = _read_body(text[body_start:body_end], columns, where, explained)
        if explained:
            columns = [*columns, "deviation"]
        out_rows: list[list[str]] = [["一级指标", "二级指标", "三级指标", *(_HEAD[c] for c in columns)]]
        out_rows.extend(
            [level1, level2, row.name, *(row.values.get(c, "") for c in columns)]
            for level1, level2, row in rows
        )
        if end_match and re.match(r"总\s*分|合\s*计", end_match.group(0)):
            total = _total(text[end_match.end() : end_match.end() + 40], columns)
            if total is not None:
                out_rows.append(["总分", "", "", *(total.get(c, "") for c in columns)])
            else:
                notes.append((where, "连排文字中“总分”一行的数字无法唯一拆分，自评总分未从表中读取"))
        if len(out_rows) > 1 or notes:
            table = (
                table_from_rows(out_rows, place=f"{where}（由连排文字恢复的绩效指标表）")
                if len(out_rows) > 1
                else None
            )
            yield table, head.start(), notes


_HEAD = {
    "weight": "分值",
    "target": "年度指标值",
    "actual": "实际完成值",
    "score": "得分",
    "deviation": "偏差原因",
}


def _columns(text: str, pos: int) -> tuple[list[str], int]:
    """The column roles the indicator header names after 三级指标, in order; where it ends."""
    columns: list[str] = []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        for role, pattern in _HEADER_ROLES:
            m = pattern.match(text, pos)
            if m:
                if role not in columns:
                    columns.append(role)
                pos = m.end()
                break
        else:
            return columns, pos


def _read_body(
    body: str, columns: list[str], where: str, explained: bool
) -> tuple[list[tuple[str, str, _Row]], list[tuple[str, str]]]:
    labels = list(_LEVEL.finditer(body))
    rows: list[tuple[str, str, _Row]] = []
    notes: list[tuple[str, str]] = []
    level1 = level2 = ""
    group_weight: Decimal | None = None
    group: list[tuple[str, str, _Row]] = []
    group_glued = False

    def close() -> None:
        if group_weight is not None and group and group_glued:
            total = sum((Decimal(r.values["weight"]) for _, _, r in group), Decimal(0))
            if total != group_weight:
                notes.append(
                    (
                        where,
                        f"连排文字中“{level1}”下各行分值合计{total}与标注的{group_weight}分不符，该组指标未读取",
                    )
                )
                group.clear()
                return
        rows.extend(group)
        group.clear()

    for i, label in enumerate(labels):
        segment = body[label.end() : labels[i + 1].start() if i + 1 < len(labels) else len(body)]
        name = re.sub(r"\s+", "", label.group(0))
        if label.group("l1"):
            close()
            level1, level2 = re.sub(r"\(.*", "", name), ""
            group_weight = Decimal(label.group("w1")) if label.group("w1") else None
            group_glued = False
        else:
            level2 = re.sub(r"\(.*", "", name)
        segment = (
            _FILLER.sub("", segment) if not re.search(r"\d", _FILLER.sub("", segment)) else segment.strip()
        )
        if not segment.strip("…. "):
            continue
        parses = _parses(re.sub(r"\s+", "", segment).strip("…"), columns, group_weight, explained)
        if len(parses) == 1:
            group.extend((level1, level2, row) for row in parses[0])
            group_glued = True
        else:
            why = "无法拆成“名称+各列数值”" if not parses else "有多种同样合理的拆分"
            notes.append((where, f"连排文字中“{level2 or level1}”下的指标行{why}，未读取：{segment[:40]}"))
    close()
    return rows, notes


def _parses(
    segment: str, columns: list[str], cap: Decimal | None, deviation: bool = False
) -> list[list[_Row]]:
    """Every way to cut ``segment`` into rows of name + ``columns`` (at most a few).

    With a 偏差原因 column, text after the last row's score that cannot be a row (no comparator,
    no percent) is that row's explanation.
    """
    if len(segment) > _MAX_SEGMENT:
        return []

    def value_at(pos: int, role: str) -> Iterator[tuple[str, int]]:
        if role in ("weight", "score"):
            for end in range(pos + 1, min(len(segment), pos + 7) + 1):
                piece = segment[pos:end]
                if re.fullmatch(_NUM, piece):
                    yield piece, end
                    if segment[end : end + 1] == "分":
                        yield piece, end + 1  # “10分”
            return
        for end in range(pos + 1, min(len(segment), pos + 16) + 1):
            piece = segment[pos:end]
            if _VALUE.fullmatch(piece):
                yield piece, end

    def row_at(pos: int) -> Iterator[tuple[_Row, int]]:
        for name_end in range(pos + 2, min(len(segment), pos + 60) + 1):
            name = segment[pos:name_end]
            if not _NAME.fullmatch(name):
                continue
            yield from cells(name, name_end, 0, {})

    def cells(name: str, pos: int, k: int, values: dict[str, str]) -> Iterator[tuple[_Row, int]]:
        if k == len(columns):
            weight, score = Decimal(values["weight"]), Decimal(values["score"])
            if 0 < weight <= (cap if cap is not None else Decimal(100)) and score <= weight:
                yield _Row(name, dict(values)), pos
            return
        role = columns[k]
        for piece, end in value_at(pos, role):
            yield from cells(name, end, k + 1, {**values, role: piece})

    memo: dict[int, list[list[_Row]]] = {}

    def tails(pos: int) -> list[list[_Row]]:
        """The ways to read ``segment[pos:]`` as rows (capped just past _MAX_PARSES)."""
        if pos == len(segment):
            return [[]]
        if pos in memo:
            return memo[pos]
        out: list[list[_Row]] = []
        for row, end in row_at(pos):
            rest = tails(end)
            if explain and end < len(segment) and _explanation(segment, end):
                rest = [*rest, [_Row("", {"deviation": segment[end:]})]]
            for tail in rest:
                if tail and not tail[0].name:  # the explanation after the last row
                    out.append([_Row(row.name, {**row.values, **tail[0].values})])
                else:
                    out.append([row, *tail])
                if len(out) > _MAX_PARSES:
                    break
            if len(out) > _MAX_PARSES:
                break
        memo[pos] = out
        return out

    explain = False
    found = tails(0)
    if not found and deviation:
        # Only when the segment cannot be read as rows alone: text after the last score.
        explain = True
        memo.clear()
        found = tails(0)
    if len(found) > _MAX_PARSES:
        return found  # too many ways: ambiguous, whatever the preferences below would say
    if len(found) > 1:
        # Prefer names without figures in them and a target and an actual printed alike (both
        # with a comparator, both with the same unit): the cut that leaves a digit of the weight
        # in a name, or a unit on only one side, is the wrong one.
        best = min(_oddness(p) for p in found)
        found = [p for p in found if _oddness(p) == best]
    # Target and actual glued as text (显著提升显著提升) cut anywhere: prefer the even cut.
    if len(found) > 1:
        even = [p for p in found if all(_even(r) for r in p)]
        if even and _same_frame(even):
            return [even[0]]
        if (
            _same_frame(found)
            and len({tuple(tuple(sorted(r.values.items())) for r in p) for p in found}) == 1
        ):
            return [found[0]]
    return found


def _explanation(segment: str, pos: int) -> bool:
    """Whether ``segment[pos:]`` reads as a 偏差原因 text: no comparator or percent, and not
    starting with a digit or with a unit the segment prints after a target (“≥300人次”)."""
    tail = segment[pos:]
    if not _EXPLANATION.fullmatch(tail) or tail[0].isdigit():
        return False
    units = {m[1] for m in re.finditer(rf"{_COMPARATOR}\d+(?:\.\d+)?([^\d.%≥≤><=＝≧≦])", segment)}
    return tail[0] not in units


def _shape(value: str | None) -> tuple[bool, str]:
    if value is None:
        return False, ""
    m = re.match(rf"({_COMPARATOR}?)\s*{_NUM}(.*)$", value)
    return (bool(m[1]), m[2]) if m else (False, "text")


def _oddness(parse: list[_Row]) -> tuple[int, int]:
    digits = sum(ch.isdigit() for r in parse for ch in r.name)
    unlike = sum(_shape(r.values.get("target")) != _shape(r.values.get("actual")) for r in parse)
    return digits, unlike


def _even(row: _Row) -> bool:
    t, a = row.values.get("target"), row.values.get("actual")
    return t is None or a is None or t == a or bool(re.search(r"\d", t + a))


def _same_frame(parses: list[list[_Row]]) -> bool:
    """Whether all parses agree on the rows' names, weights and scores."""
    frames = {tuple((r.name, r.values.get("weight"), r.values.get("score")) for r in p) for p in parses}
    return len(frames) == 1


def _total(tail: str, columns: list[str]) -> dict[str, str] | None:
    """The 总分 row's 分值 and 得分 from the figures right after the label."""
    m = re.match(r"\s*[:：]?\s*([\d.\s]+)", tail)
    if not m:
        return None
    figures = m.group(1).split()
    numeric = [c for c in columns if c in ("weight", "score")]
    options: list[dict[str, str]] = []
    if len(figures) == len(numeric):
        options.append(dict(zip(numeric, figures, strict=True)))
    elif len(figures) == 1 and numeric == ["weight", "score"]:
        digits = figures[0]
        for cut in range(1, len(digits)):
            w, s = digits[:cut], digits[cut:]
            if (
                re.fullmatch(_NUM, w)
                and re.fullmatch(_NUM, s)
                and Decimal(s) <= Decimal(w) <= 100 < 2 * Decimal(w)
            ):
                options.append({"weight": w, "score": s})
    valid = [o for o in options if all(re.fullmatch(_NUM, v) for v in o.values())]
    if len(valid) != 1:
        return None
    o = valid[0]
    if "weight" in o and "score" in o and Decimal(o["score"]) > Decimal(o["weight"]):
        return None
    return o


_TOTAL_FIELD = re.compile(
    r"(自\s*评\s*(?:总\s*)?得\s*分|自\s*评\s*总\s*分|综\s*合\s*得\s*分)\s*(?:\(\s*分\s*\))?\s*[:：]?\s*"
    rf"({_NUM})(?![\d.%]|\s*分)"
)
# Before an indicator's own score (“该指标自评得分20分”, a column header): not the form's total.
_INDICATOR_CONTEXT = re.compile(r"指\s*标|实\s*际\s*值|完\s*成\s*值|分\s*值")


def recover_totals(text: str, place_of: dict[int, str] | None = None) -> Iterator[tuple[Table, int]]:
    """``自评得分98`` run into the next cell: the claimed total as a label | value table.

    Only the cell shape: a figure followed by ``分`` (“自评得分95分”) is a sentence, which the
    narrative extractor reads in its context.
    """
    for m in _TOTAL_FIELD.finditer(text):
        if _INDICATOR_CONTEXT.search(text[max(0, m.start() - 40) : m.start()]):
            continue  # a column header of the indicator table, not the form's total
        value = Decimal(m.group(2))
        if not 0 < value <= 100:
            continue
        label = re.sub(r"\s+", "", m.group(1))
        where = _place(place_of, m.start())
        yield table_from_rows([[label, m.group(2)]], place=f"{where}（由连排文字恢复）"), m.start()
        return


# Spreadsheet residue: numbered rows printed whole, their cells separated by spaces
# (“指标8:适龄儿童疫苗接种率 100.00% 97.30% 2 1.9” = name | 指标值 | 完成值 | 分值 | 得分).
_WORD = r"(?:(?!指\s*标\s*\d)[^\s:：])+"
_NUMBERED = re.compile(
    rf"指\s*标\s*\d{{1,2}}\s*[:：]\s*(?P<name>{_WORD}(?:\s{_WORD}){{0,3}}?)\s+(?P<target>\S{{1,16}})\s+(?P<actual>\S{{1,16}})"
    rf"\s+(?P<weight>{_NUM})\s+(?P<score>{_NUM})(?=\s|$)"
)
_RESIDUE_HEAD = re.compile(r"指\s*标\s*值|完\s*成\s*值")
_ORDER = re.compile(r"分\s*值[\s\S]{0,80}?得\s*分")
_MIN_NUMBERED = 2
_ROW_LABEL = re.compile(r"指\s*标\s*\d{1,2}\s*[:：]")
_LABEL_WORD = re.compile(r"分值|得分|指标值|完成值|实际值|权重|偏差|一级|二级|三级")
# Figures of some row that are not where they belong: a value, then 分值 and 得分.
_STRAY = re.compile(rf"\S+\s+{_NUM}\s+{_NUM}(?=\s|$)")


def recover_numbered_rows(
    text: str, place_of: dict[int, str] | None = None
) -> tuple[Table, int, list[tuple[str, str]]] | None:
    """Numbered indicator rows of a spreadsheet's text, when a header names 指标值/完成值 and
    分值 before 得分 and each row's cells are well formed (values, 得分 ≤ 分值).

    Residue interleaves rows (two names, then both rows' figures): a row is taken only where the
    figures around it are its own, with no stray figures between it and the row before or
    right after it.
    """
    if not (_RESIDUE_HEAD.search(text) and _ORDER.search(text)):
        return None
    shaped = [m for m in _NUMBERED.finditer(text) if _well_formed(m)]
    rows: list[list[str]] = []
    first = -1
    for m in shaped:
        label_before = list(_ROW_LABEL.finditer(text, 0, m.start()))
        since = max(
            [x.end() for x in shaped if x.end() <= m.start()] + [x.end() for x in label_before[-1:]] + [0]
        )
        after = text[m.end() : m.end() + 60]
        after = after[: (nxt.start() if (nxt := _ROW_LABEL.search(after)) else len(after))]
        if _STRAY.search(text[since : m.start()]) or _STRAY.search(after):
            continue
        first = m.start() if first < 0 else first
        rows.append(
            ["", "", re.sub(r"\s+", "", m["name"]), m["target"], m["actual"], m["weight"], m["score"]]
        )
    if len(rows) < _MIN_NUMBERED:
        return None
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    where = _place(place_of, first)
    notes: list[tuple[str, str]] = []
    unread = len(_ROW_LABEL.findall(text)) - len(rows)
    if unread > 0:
        notes.append(
            (
                where,
                f"表格文字错位：另有{unread}个编号指标行的名称与数值无法一一对应，未读取（指标和权重合计不完整）",
            )
        )
    return table_from_rows([header, *rows], place=f"{where}（由连排文字恢复的绩效指标表）"), first, notes


def _well_formed(m: re.Match[str]) -> bool:
    if any(_LABEL_WORD.search(m[g]) for g in ("name", "target", "actual")):
        return False  # a header label read as a cell
    if not (_VALUE.fullmatch(m["target"]) and _VALUE.fullmatch(m["actual"])):
        return False
    weight, score = Decimal(m["weight"]), Decimal(m["score"])
    return 0 < weight <= 100 and score <= weight
