"""The header of a national-family form whose cells ran together: ``项目名称…主管部门…实施单位…``.

The form's header labels are fixed words, so in flattened text each value is what stands between
one label and the next (``项目名称小型水库水标尺制作安装项目负责人及电话谢凯…主管部门中江县水利局``).
A value is kept only when it looks like a cell: short, no sentence punctuation, not a figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.intake.document import Table
from jixiao.intake.document import table_from_rows
from jixiao.intake.recover.budget_block import place_at

_LABELS: tuple[tuple[str, str], ...] = (
    ("项目名称", r"(?:转\s*移\s*支\s*付\s*\(\s*项\s*目\s*\)\s*|项\s*目\s*)名\s*称"),
    ("中央主管部门", r"中\s*央\s*主\s*管\s*部\s*门"),
    ("地方主管部门", r"地\s*方\s*主\s*管\s*部\s*门"),
    ("主管部门", r"主\s*管\s*部\s*门(?:\s*及\s*代\s*码)?"),
    ("实施单位", r"(?:项\s*目\s*)?实\s*施\s*单\s*位"),
    ("资金使用单位", r"资\s*金\s*使\s*用\s*单\s*位"),
    ("", r"地\s*方\s*财\s*政\s*部\s*门|项\s*目\s*负\s*责\s*人(?:\s*及\s*(?:电\s*话|联\s*系\s*方\s*式))?"),
    ("", r"(?:部\s*门\s*)?联\s*系\s*人|联\s*系\s*电\s*话|填\s*报\s*日\s*期|项\s*目\s*属\s*性"),
)
# Where the header ends: the budget block, a score, a year line.
_END = (
    r"资\s*金\s*情\s*况|项\s*目\s*资\s*金|资\s*金\s*投\s*入\s*情\s*况|年\s*度\s*资\s*金\s*总\s*额|年\s*初\s*预\s*算"
    r"|全\s*年\s*预\s*算|自\s*评\s*(?:总\s*)?得\s*分|自\s*评\s*总\s*分|金\s*额\s*单\s*位"
)
_TOKEN = re.compile("|".join([*(f"(?P<l{i}>{p})" for i, (_, p) in enumerate(_LABELS)), f"(?P<end>{_END})"]))
_MIN_LABELS = 2
_SPAN = 300  # how close the labels of one header stand
_LONGEST = 40
_LABEL_PART = re.compile(r"实施|单位|名称|负责人|联系|电话")
_NOT_A_CELL = re.compile(r"[。；;，,！？]|^[\d.\s%:：]*$")


def recover_header(text: str, place_of: dict[int, str] | None = None) -> Iterator[tuple[Table, int]]:
    """Each run-on header in ``text`` as a label | value table, with where it starts."""
    items = list(_TOKEN.finditer(text))
    i = 0
    while i < len(items):
        group = [items[i]]
        while (
            group[0].lastgroup != "end"  # an end label starts no header: the next form's may follow
            and i + len(group) < len(items)
            and items[i + len(group)].lastgroup != "end"
            and items[i + len(group)].start() - group[-1].end() <= _SPAN
        ):
            group.append(items[i + len(group)])
        i += len(group)
        if group[0].lastgroup == "end" or any(text[m.end() : m.end() + 1] in ":：" for m in group):
            continue  # “项目名称：…” lines are read as labelled fields, not as run-on cells
        rows: list[list[str]] = []
        for k, m in enumerate(group):
            label = _LABELS[int((m.lastgroup or "l0")[1:])][0]
            stop = items[i].start() if k == len(group) - 1 and i < len(items) else None
            end = group[k + 1].start() if k + 1 < len(group) else stop
            if end is None:
                continue
            value = text[m.end() : end].strip(" \t\n:：")
            value = re.sub(r"\s+", " ", value)
            if label != "项目名称" and _LABEL_PART.search(value):
                continue  # an OCR-damaged label swallowed into the value (“银川市教育局实施第位”)
            if label and value and len(value) <= _LONGEST and not _NOT_A_CELL.search(value):
                rows.append([label, value])
        named = {_LABELS[int((m.lastgroup or "l0")[1:])][0] for m in group} - {""}
        if rows and len(named) >= _MIN_LABELS:
            where = place_at(place_of, group[0].start())
            yield table_from_rows(rows, place=f"{where}（由连排文字恢复的表头）"), group[0].start()
