"""Indicator rows of a spreadsheet's text where the names and the figures came apart.

Copied out of a workbook, a form's cells come out column by column where rows were merged: the
numbered names (``指标1:全县参合人数`` …) in one run, their figures (``100% 100% 15 15`` = 指标值 |
完成值 | 分值 | 得分) in another, header words and wrapped label fragments in between, and the
总分 row's figures before its label (``… 95% 95% 10 9 100 94 成本指标 … 总分``).

The rows keep their order in both runs, so names and figure groups pair one for one, but only
when that is certain: as many groups as names, every group well formed (得分 ≤ 分值), and the
weights adding up to what the national form gives the indicators (90 beside a budget weight of
10, or 100). The 总分 figures are read only when they follow the last group, the full mark is 100
and the label comes after them with no figure of its own. Otherwise nothing is read here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from decimal import InvalidOperation

from jixiao.intake.document import Table
from jixiao.intake.document import table_from_rows
from jixiao.intake.recover.budget_block import place_at
from jixiao.intake.recover.levels import level_regex
from jixiao.intake.recover.loose_rows import RECOVERED_HEADER
from jixiao.intake.recover.loose_rows import level1_for
from jixiao.intake.recover.loose_rows import squash

_ANCHOR = re.compile(r"三\s*级\s*指\s*标")
_LABEL = re.compile(r"指\s*标\s*\d{1,2}\s*[:：]\s*")
_LEVEL = level_regex(residue=True)
_TOTAL = re.compile(r"总\s*分")
_LEVEL_WORD = re.compile(r"产出|效益|效果|满意|数量|质量|时效|成本|经济|社会|生态|可持续|服务对象")
_NUM = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,2})?")
_VALUE = re.compile(r"(?:[≥≤><=≧≦]=?)?(?:0|[1-9]\d*)(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?")
# Header words and the fragments a wrapped header cell leaves (“偏差原因分析及改进措 | 施”).
_SKIP = re.compile(
    r"分值|得分|实际|完成值|指标值|偏差原因\S*|改进措\S*|[\u4e00-\u9fff]|年度|一级|二级|三级|指标|\(\d+分\)|[()（）]"
)
_FORM_WEIGHTS = (Decimal(90), Decimal(100))  # the indicators' share: beside a budget weight of 10, or all
_FULL_MARK = Decimal(100)
_MIN_ROWS = 2
_NAME_WRAP = 8  # a name this long may continue in the next token (a wrapped cell)


def recover_residue_rows(
    text: str, place_of: dict[int, str] | None = None
) -> tuple[Table, int, list[tuple[str, str]]] | None:
    """The indicator rows (and the 总分 row) paired as the module docstring says; None when
    the pairing is not certain."""
    anchor = _ANCHOR.search(text)
    if anchor is None:
        return None
    region = text[anchor.end() :]
    labels = list(_LABEL.finditer(region))
    if len(labels) < _MIN_ROWS:
        return None
    names = [_name(region, m.end()) for m in labels]
    tokens = region.split()
    groups, after = _groups(tokens)
    if len(groups) != len(names) or any(not n for n in names):
        return None
    weights = [Decimal(g[2]) for g in groups]
    if sum(weights, Decimal(0)) not in _FORM_WEIGHTS:
        return None
    levels = _levels(region, [m.start() for m in labels])
    rows: list[list[str]] = [list(RECOVERED_HEADER)]
    rows.extend([l1, l2, name, *group] for (l1, l2), name, group in zip(levels, names, groups, strict=True))
    total = _total(tokens, after)
    if total is not None:
        rows.append(["总分", "", "", "", "", *total, ""])
    where = place_at(place_of, anchor.start())
    return table_from_rows(rows, place=f"{where}（由连排文字恢复的绩效指标表）"), anchor.start(), []


def _name(region: str, pos: int) -> str:
    tokens = region[pos : pos + 80].split()
    if not tokens or not re.match(r"[\u4e00-\u9fff(（]", tokens[0]):
        return ""
    name = tokens[0]
    if (
        len(name) >= _NAME_WRAP
        and len(tokens) > 1
        and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", tokens[1])
        and not re.search(r"指|标|分", tokens[1])
        and not _LEVEL_WORD.match(tokens[1])  # the next label (“满意度 指标”), not the name's end
    ):
        name += tokens[1]
    return name


def _groups(tokens: list[str]) -> tuple[list[list[str]], int]:
    """Figure groups 指标值 完成值 分值 得分 in token order (header words between the first two
    skipped), and the index of the token after the last group."""
    groups: list[list[str]] = []
    after = 0
    i = 0
    while i < len(tokens):
        if not _VALUE.fullmatch(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and not _VALUE.fullmatch(tokens[j]) and _SKIP.fullmatch(tokens[j]):
            j += 1
        if j + 2 < len(tokens) and _VALUE.fullmatch(tokens[j]) and _fits(tokens[j + 1], tokens[j + 2]):
            reason, after = _reason(tokens, j + 3)
            groups.append([tokens[i], tokens[j], tokens[j + 1], tokens[j + 2], reason])
            i = after
            continue
        i += 1
    return groups, after


def _reason(tokens: list[str], i: int) -> tuple[str, int]:
    """A 偏差原因 text right after a group's 得分 (words that explain: 导致, 由于, 原因 …), and the
    index after it."""
    j = i
    while j < len(tokens) and not _VALUE.fullmatch(tokens[j]) and not _LABEL.match(tokens[j]):
        if _LEVEL.fullmatch(tokens[j]) or len(tokens[j]) < 2:
            break
        j += 1
    text = "".join(tokens[i:j])
    if re.search(r"导致|由于|因为|原因|偏差|未能|未完成", text):
        return text, j
    return "", i


def _fits(weight: str, score: str) -> bool:
    if not (_NUM.fullmatch(weight) and _NUM.fullmatch(score)):
        return False
    try:
        w, s = Decimal(weight), Decimal(score)
    except InvalidOperation:
        return False
    return 0 < w <= _FULL_MARK and s <= w


def _levels(region: str, starts: list[int]) -> list[tuple[str, str]]:
    """The 一级/二级 labels printed last before each name's label."""
    found = list(_LEVEL.finditer(region))
    out: list[tuple[str, str]] = []
    for start in starts:
        level1 = level2 = ""
        for m in found:
            if m.start() >= start:
                break
            if m.group("l1"):
                level1, level2 = squash(m.group(0)), ""
            else:
                level2 = re.sub(r"指标$", "", squash(m.group(0)))
                level2 = ("服务对象满意度" if level2.startswith("服务对象满") else level2) + "指标"
                level1 = level1_for(level2, level1)
        out.append((level1, level2))
    return out


def _total(tokens: list[str], after: int) -> list[str] | None:
    """The 总分 row's 分值 and 得分 when they are the two figures right after the last group and
    the label comes later with no figure after it."""
    if after + 1 >= len(tokens) or not _fits(tokens[after], tokens[after + 1]):
        return None
    if Decimal(tokens[after]) != _FULL_MARK:
        return None
    rest = tokens[after + 2 :]
    at = next((i for i, t in enumerate(rest) if _TOTAL.search(t)), None)
    if at is None or any(_VALUE.fullmatch(t) for t in rest[:at]):
        return None  # no label, or other figures between the pair and it
    if re.search(r"\d", " ".join(rest[at:])):
        return None  # the label has figures of its own
    return [tokens[after], tokens[after + 1]]
