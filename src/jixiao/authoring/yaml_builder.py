"""Walk an authoring YAML document and build the contract Evaluation from it.

The YAML format is a tree (一级 → 二级 → 三级 indicators) with Chinese keys (English aliases
accepted, see :mod:`jixiao.authoring.keys`); this module checks it and flattens it into the
contract :class:`~jixiao.core.model.Evaluation`:

- ``level1``/``level2`` are the names with a trailing weight (“（40分）”) removed; a weight
  written only in the name counts as the 权重;
- every 二级 entry (with rows) gets its own ``group`` id, 1, 2, 3, … in file order, counted anew
  in each indicator tree (the top one and each 下级单位's); rows written directly under a 一级
  entry have no ``group`` and no ``level2``;
- the 一级 权重 and 预算.权重 override the scheme's default weights (``SchemeRef.declared``);
  when the stated ones already make 100, a group not stated is 0, else it keeps the scheme's;
  every statement of one group's weight must agree;
- amounts go through ``parse_amount`` with the block's 金额单位, rates through ``parse_rate``,
  targets and actuals through ``parse_value``; weights, scores and the year are exact numbers.

It fails at the first bad node with an ``AuthoringError`` naming its line and a fix.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.authoring.keys import CONTEXT_KEYS
from jixiao.authoring.keys import GROUP_LABELS
from jixiao.authoring.keys import Context
from jixiao.authoring.keys import display
from jixiao.authoring.keys import label
from jixiao.authoring.keys import lookup
from jixiao.authoring.keys import suggest
from jixiao.authoring.yaml_reader import Data
from jixiao.authoring.yaml_reader import Path as NodePath
from jixiao.authoring.yaml_reader import YamlDocument
from jixiao.core.groups import classify_level1
from jixiao.core.groups import strip_weight
from jixiao.core.model import Budget
from jixiao.core.model import BudgetLine
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import Objectives
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.model import Source
from jixiao.core.model import SubUnit
from jixiao.core.model import Value
from jixiao.core.model import Weights
from jixiao.core.numbers import to_decimal
from jixiao.core.scheme import Scheme
from jixiao.core.values import parse_amount
from jixiao.core.values import parse_rate
from jixiao.core.values import parse_value
from jixiao.errors import AuthoringError
from jixiao.errors import SchemeError
from jixiao.errors import UnknownSchemeError
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import DEFAULT_SCHEME
from jixiao.schemes import load_scheme

AMOUNT_UNITS = {"元": "元", "万元": "万元", "万": "万元"}
"""Accepted 金额单位 spellings and the unit each means."""

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_YEAR = re.compile(r"(\d{4})\s*(?:年度?)?")
_SUFFIX_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE_HINT = "日期写成 2019-07-28、2019年7月28日 或 2019/7/28。"


# --- YAML ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entries:
    """A mapping's entries by key id, each with the value and its node path."""

    values: dict[str, tuple[Data, NodePath]]

    def get(self, key_id: str) -> tuple[Data, NodePath] | None:
        return self.values.get(key_id)

    def __contains__(self, key_id: str) -> bool:
        return key_id in self.values


def _shape(value: Data) -> str:
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, list):
        return "列表"
    shown = value if value is None or len(value) <= 20 else value[:20] + "…"
    return f"文字“{shown}”"


def _suffix_weight(name: str) -> tuple[str, Decimal | None]:
    """A name without its trailing weight, and that weight: “产出指标（40分）” → 产出指标, 40."""
    whole = name.strip()
    stripped = strip_weight(whole)
    if stripped == whole:
        return whole, None
    found = _SUFFIX_NUMBER.search(whole[len(stripped) :])
    return stripped, Decimal(found.group()) if found else None


_Converter = Callable[["_Entries", str], Any]
"""Turns one entry of a block (by key id) into its model value."""


class _Builder:
    """Walks a YAML document and builds the Evaluation, failing at the first bad node."""

    def __init__(self, where: str, file: Path, document: YamlDocument) -> None:
        self.where = where
        self.file = file
        self.doc = document
        self.declared: dict[Group, tuple[Decimal, int | None]] = {}
        self.provenance: dict[str, str] = {}

    # --- errors and places ---

    def fail(
        self, path: NodePath, problem: str, hint: str | None = None, *, at_key: bool = False
    ) -> AuthoringError:
        mark = (self.doc.key_marks.get(path) if at_key else None) or self.doc.marks.get(path)
        if mark is None:  # an absent node: point at its parent
            parent = path[:-1]
            while parent and parent not in self.doc.marks:
                parent = parent[:-1]
            mark = self.doc.marks.get(parent)
        return AuthoringError(
            self.where,
            problem,
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            hint=hint,
        )

    def place(self, path: NodePath) -> str | None:
        line = self.doc.line(path)
        return f"{self.file.name} 第{line}行" if line is not None else None

    # --- shapes ---

    def entries(self, value: Data, path: NodePath, context: Context, what: str) -> _Entries:
        """A mapping's entries by key id; unknown keys and aliases written twice fail."""
        if value is None:
            return _Entries({})
        if not isinstance(value, dict):
            if not path:
                raise self.fail(
                    path,
                    f"文件最外层应是键值对（每行“键: 值”），而不是{_shape(value)}",
                    "文件应从“方案: …”“项目:”“预算:”“指标:”等键写起，键顶格书写。",
                )
            example = display(context, CONTEXT_KEYS[context][0])
            if isinstance(path[-1], int):
                hint = f"列表的每一项写成“- {example}: …”，同一项的其他键与“{example}”对齐。"
            else:
                hint = f"在“{what}:”下面另起一行，缩进两个空格，逐项写“键: 值”，如“{example}: …”。"
            raise self.fail(path, f"“{what}”应是键值对（每行“键: 值”），而不是{_shape(value)}", hint)
        found: dict[str, tuple[Data, NodePath]] = {}
        written: dict[str, str] = {}
        for raw_key, item in value.items():
            item_path = (*path, raw_key)
            key = lookup(context, raw_key)
            if key is None:
                raise self.unknown_key(context, raw_key, item_path, what)
            if key.id in found:
                raise self.fail(
                    item_path,
                    f"“{raw_key}”与“{written[key.id]}”是同一项（{key.label}），只能写一个",
                    "请删去其中一个。",
                    at_key=True,
                )
            found[key.id] = (item, item_path)
            written[key.id] = raw_key
        return _Entries(found)

    def unknown_key(self, context: Context, raw_key: str, path: NodePath, what: str) -> AuthoringError:
        close = suggest(context, raw_key)
        names = "、".join(display(context, key_id) for key_id in CONTEXT_KEYS[context])
        hint = f"“{what}”下可用的键：{names}（也可用英文名）。"
        if close is not None:
            hint = f"是不是“{close}”？" + hint
        return self.fail(path, f"“{what}”下没有“{raw_key}”这个键", hint, at_key=True)

    def items(self, value: Data, path: NodePath, what: str) -> list[tuple[Data, NodePath]]:
        """A list's items with their paths."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(
                path,
                f"“{what}”下应是列表（每项以“- ”开头），而不是{_shape(value)}",
                f"在“{what}:”下面每一项前加“- ”，如：\n    - 名称: …",
            )
        return [(item, (*path, index)) for index, item in enumerate(value)]

    def text(self, entries: _Entries, key_id: str) -> str | None:
        """A text value, stripped; None when absent or blank."""
        found = entries.get(key_id)
        if found is None:
            return None
        value, path = found
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(
                path,
                f"“{label(key_id)}”应是一个值（文字或数字），而不是{_shape(value)}",
                "值和键写在同一行（“键: 值”）；多行文字请用“键: |”后另起一行缩进书写；"
                "值里有冒号时请给整个值加引号。",
            )
        return value.strip() or None

    def long_text(self, entries: _Entries, key_id: str) -> str | None:
        """A text that may also be written as a list of lines (存在的问题)."""
        found = entries.get(key_id)
        if found is not None and isinstance(found[0], list):
            lines = []
            for item, path in self.items(found[0], found[1], label(key_id)):
                if isinstance(item, dict | list):
                    raise self.fail(path, f"“{label(key_id)}”的每一项应是一段文字，而不是{_shape(item)}")
                if item is not None and item.strip():
                    lines.append(item.strip())
            return "\n".join(lines) or None
        return self.text(entries, key_id)

    # --- numbers ---

    def number(self, entries: _Entries, key_id: str, *, what: str | None = None) -> Decimal | None:
        """An exact non-negative number (权重, 得分); a trailing 分 is allowed."""
        text = self.text(entries, key_id)
        if text is None:
            return None
        path = entries.values[key_id][1]
        name = what or label(key_id)
        number = to_decimal(unicodedata.normalize("NFKC", text).removesuffix("分").strip())
        if number is None:
            raise self.fail(path, f"{name}“{text}”不是数字", f"{name}请写阿拉伯数字，如 10 或 7.5。")
        if number < 0:
            raise self.fail(path, f"{name}“{text}”不能是负数", f"{name}应是 0 或正数。")
        return number

    def amount(self, entries: _Entries, key_id: str, unit: str) -> Decimal | None:
        text = self.text(entries, key_id)
        if text is None:
            return None
        amount = parse_amount(text, default_unit=unit)
        if amount is None:
            raise self.fail(
                entries.values[key_id][1],
                f"{label(key_id)}“{text}”不是可识别的金额",
                f"写成数字（按金额单位{unit}计，如 5358672.00），或带单位（如 535.87万元）。",
            )
        return amount

    def rate(self, entries: _Entries, key_id: str) -> Decimal | None:
        text = self.text(entries, key_id)
        if text is None:
            return None
        rate = parse_rate(text)
        if rate is None:
            raise self.fail(
                entries.values[key_id][1],
                f"{label(key_id)}“{text}”不是可识别的比率",
                "写成百分数（如 99.24%）或小数（如 0.9924）。",
            )
        return rate

    def year(self, entries: _Entries, key_id: str) -> int | None:
        text = self.text(entries, key_id)
        if text is None:
            return None
        match = _YEAR.fullmatch(unicodedata.normalize("NFKC", text))
        if match is None:
            raise self.fail(
                entries.values[key_id][1], f"年度“{text}”不是四位数字的年份", "年度写成四位数字，如 2018。"
            )
        return int(match.group(1))

    def date(self, entries: _Entries, key_id: str) -> dt.date | None:
        text = self.text(entries, key_id)
        if text is None:
            return None
        path = entries.values[key_id][1]
        match = _DATE.fullmatch(unicodedata.normalize("NFKC", text))
        if match is None:
            raise self.fail(path, f"填报日期“{text}”不是可识别的日期", _DATE_HINT)
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise self.fail(
                path, f"填报日期“{text}”不存在（{year}年没有{month}月{day}日）", _DATE_HINT
            ) from None

    def amount_unit(self, entries: _Entries) -> str:
        text = self.text(entries, "amount_unit")
        if text is None:
            return "元"
        if text not in AMOUNT_UNITS:
            raise self.fail(
                entries.values["amount_unit"][1], f"金额单位“{text}”无法识别", "金额单位只能是“元”或“万元”。"
            )
        return AMOUNT_UNITS[text]

    # --- weights ---

    def declare(self, group: Group, weight: Decimal, path: NodePath) -> None:
        """Record a declared level-1 weight; every statement of one group must agree."""
        line = self.doc.line(path)
        if group in self.declared:
            earlier, earlier_line = self.declared[group]
            if earlier != weight:
                raise self.fail(
                    path,
                    f"{GROUP_LABELS[group]}的权重前后不一致：第{earlier_line}行是{earlier}，这里是{weight}",
                    "同一类一级指标的权重只需写一次；若写多次，数值须相同。",
                )
            return
        self.declared[group] = (weight, line)

    # --- blocks ---

    def convert(self, entries: _Entries, converters: Mapping[str, _Converter]) -> dict[str, Any]:
        """Convert a block's entries in file order, so that the first bad line is the one reported.

        Keys without a converter are left to the caller.
        """
        return {
            key_id: converters[key_id](entries, key_id) for key_id in entries.values if key_id in converters
        }

    def evaluation(self, source: Source) -> tuple[Evaluation, Scheme]:
        top = self.entries(self.doc.data, (), Context.TOP, "文件最外层")
        fields = self.convert(
            top,
            {
                "scheme": self.scheme,
                "project": self.project,
                "objectives": self.objectives,
                "budget": self.budget,
                "indicators": self.tree,
                "claimed": self.claimed,
                "problems": self.long_text,
                "sub_units": self.sub_units,
            },
        )
        scheme: Scheme = fields.pop("scheme", None) or load_scheme(DEFAULT_SCHEME)
        if fields.get("problems") is not None:
            self.note("problems", top, "problems")
        if self.declared:
            # Groups the file does not weigh keep the scheme's weight, unless the stated ones
            # already make 100: then the file has no such group (湖北表: no 满意度 block).
            stated = {g.value: w for g, (w, _) in self.declared.items()}
            base = Weights() if sum(stated.values(), Decimal(0)) == 100 else scheme.weights
            weights = base.model_copy(update=stated)
            ref = SchemeRef(id=scheme.id, weights=weights, declared=True)
        else:
            ref = SchemeRef(id=scheme.id, weights=scheme.weights, declared=False)
        return Evaluation(source=source, scheme=ref, provenance=self.provenance, **fields), scheme

    def note(self, fact: str, entries: _Entries, key_id: str) -> None:
        """Record where a fact is stated (``provenance``)."""
        found = entries.get(key_id)
        if found is not None and (place := self.place(found[1])) is not None:
            self.provenance[fact] = place

    def block(self, parent: _Entries, key_id: str, context: Context) -> _Entries:
        """The entries of a nested mapping block."""
        value, path = parent.values[key_id]
        return self.entries(value, path, context, label(key_id))

    def scheme(self, top: _Entries, key_id: str) -> Scheme | None:
        ref = self.text(top, key_id)
        if ref is None:
            return None
        path = top.values[key_id][1]
        candidates: list[str | Path] = [ref]
        if ref.lower().endswith(".toml") and not Path(ref).is_absolute():
            candidates.insert(0, self.file.parent / ref)
        for candidate in candidates:
            try:
                return load_scheme(candidate)
            except UnknownSchemeError:
                continue
            except SchemeError as exc:
                raise self.fail(
                    path, f"评分方案文件有误：{exc.problem}", "请检查该 .toml 文件，或改用内置方案。"
                ) from None
        known = "、".join(BUILTIN_IDS)
        raise self.fail(
            path,
            f"没有名为“{ref}”的评分方案",
            f"内置方案：{known}；也可以写自定义方案 .toml 文件的路径（相对于本文件所在的文件夹）。",
        )

    def project(self, top: _Entries, key_id: str) -> Project:
        entries = self.block(top, key_id, Context.PROJECT)
        text = self.text
        return Project(
            **self.convert(
                entries,
                {
                    "name": text,
                    "year": self.year,
                    "unit": text,
                    "department": text,
                    "implementer": text,
                    "category": text,
                    "attribute": text,
                    "type": text,
                    "filled_date": self.date,
                },
            )
        )

    def objectives(self, top: _Entries, key_id: str) -> Objectives:
        entries = self.block(top, key_id, Context.OBJECTIVES)
        return Objectives(**self.convert(entries, {"planned": self.text, "achieved": self.text}))

    def budget(self, top: _Entries, key_id: str) -> Budget:
        entries = self.block(top, key_id, Context.BUDGET)
        unit = self.amount_unit(entries)

        def amount(entries: _Entries, key_id: str) -> Decimal | None:
            return self.amount(entries, key_id, unit)

        def weight(entries: _Entries, key_id: str) -> None:
            found = self.number(entries, key_id, what="预算执行权重")
            if found is not None:
                self.declare(Group.BUDGET_EXECUTION, found, entries.values[key_id][1])

        fields = self.convert(
            entries,
            {
                "weight": weight,
                "initial_yuan": amount,
                "planned_yuan": amount,
                "received_yuan": amount,
                "executed_yuan": amount,
                "stated_rate": self.rate,
                "lines": lambda entries, key_id: self.lines(entries, key_id, unit),
            },
        )
        fields.pop("weight", None)
        for fact in ("planned_yuan", "executed_yuan", "stated_rate"):
            if fields.get(fact) is not None:
                self.note(f"budget.{fact}", entries, fact)
        return Budget(**fields)

    def lines(self, budget: _Entries, key_id: str, unit: str) -> tuple[BudgetLine, ...]:
        value, path = budget.values[key_id]

        def amount(entries: _Entries, key_id: str) -> Decimal | None:
            return self.amount(entries, key_id, unit)

        lines = []
        for index, (item, item_path) in enumerate(self.items(value, path, "明细"), start=1):
            entries = self.entries(item, item_path, Context.BUDGET_LINE, f"明细第{index}项")
            fields = self.convert(
                entries,
                {"name": self.text, "planned_yuan": amount, "executed_yuan": amount, "group": self.text},
            )
            if fields.get("name") is None:
                raise self.fail(item_path, f"预算明细第{index}项缺少“名称”", "每一行明细都要写“名称: …”。")
            lines.append(BudgetLine(**fields, location=self.place(item_path)))
        return tuple(lines)

    def tree(self, parent: _Entries, key_id: str) -> tuple[Indicator, ...]:
        """Flatten one indicator tree (一级 → 二级 → 三级) into contract indicators."""
        value, path = parent.values[key_id]
        rows: list[Indicator] = []
        group = 0
        for index, (item, item_path) in enumerate(self.items(value, path, "指标"), start=1):
            entries = self.entries(item, item_path, Context.LEVEL1, f"一级指标第{index}项")
            level1, weight = self.named_weight(entries, "一级指标权重")
            if weight is not None:
                kind = classify_level1(level1)
                if kind is None:
                    raise self.fail(
                        entries.values["name"][1] if "name" in entries else item_path,
                        f"无法判断一级指标“{level1 or '（未命名）'}”属于哪一类，不能计入它的权重",
                        "一级指标名称应含“产出”“效益”“满意度”“成本”或“预算执行”，如“产出指标”。",
                    )
                self.declare(kind, weight, entries.values["weight"][1] if "weight" in entries else item_path)
            if "level2" in entries and "indicators" in entries:
                raise self.fail(
                    entries.values["indicators"][1],
                    f"一级指标“{level1 or '（未命名）'}”下“二级指标”和“三级指标”只能写一个",
                    "有二级指标时，把三级指标写在各二级指标下；没有二级指标时，直接写“三级指标”。",
                    at_key=True,
                )
            rows.extend(self.rows(entries, level1, None, None, None))
            found = entries.get("level2")
            if found is None:
                continue
            for index2, (item2, path2) in enumerate(self.items(found[0], found[1], "二级指标"), start=1):
                entries2 = self.entries(item2, path2, Context.LEVEL2, f"二级指标第{index2}项")
                level2, weight2 = self.named_weight(entries2, "二级指标权重")
                cell = self.rows(entries2, level1, level2, weight2, group + 1)
                if cell:  # an empty 二级 entry is no cell of the table and takes no id
                    group += 1
                    rows.extend(cell)
        return tuple(rows)

    def named_weight(
        self, entries: _Entries, what: str, fields: Mapping[str, Any] | None = None
    ) -> tuple[str | None, Decimal | None]:
        """A name without its trailing “（40分）”, and the weight: 权重, else the one in the name.

        ``fields`` are the block's already converted entries, if it has been converted.
        """
        if fields is None:
            fields = self.convert(
                entries, {"name": self.text, "weight": lambda e, k: self.number(e, k, what=what)}
            )
        name: str | None = fields.get("name")
        weight: Decimal | None = fields.get("weight")
        if name is None:
            return None, weight
        stripped, in_name = _suffix_weight(name)
        if weight is None:
            return stripped, in_name
        if in_name is not None and in_name != weight:
            raise self.fail(
                entries.values["weight"][1],
                f"“{name}”名称里写的是{in_name}分，权重却是{weight}",
                "请删去名称里的分值，或使两者一致。",
            )
        return stripped, weight

    def rows(
        self,
        parent: _Entries,
        level1: str | None,
        level2: str | None,
        level2_weight: Decimal | None,
        group: int | None,
    ) -> list[Indicator]:
        """The 三级 rows written under a 一级 or 二级 entry."""
        found = parent.get("indicators")
        if found is None:
            return []
        rows = []
        for index, (item, item_path) in enumerate(self.items(found[0], found[1], "三级指标"), start=1):
            entries = self.entries(item, item_path, Context.INDICATOR, f"三级指标第{index}项")
            fields = self.convert(
                entries,
                {
                    "name": self.text,
                    "weight": lambda e, k: self.number(e, k, what="权重"),
                    "target": self.value,
                    "actual": self.value,
                    "claimed_score": self.number,
                    "deviation_reason": self.text,
                },
            )
            name, weight = self.named_weight(entries, "权重", fields)
            if name is None:
                raise self.fail(
                    item_path,
                    f"“{level2 or level1 or '指标'}”下第{index}项三级指标缺少“名称”",
                    "每一项三级指标都要写“名称: …”。",
                )
            fields.update(name=name, weight=weight)
            rows.append(
                Indicator(
                    **fields,
                    level1=level1,
                    level2=level2,
                    level2_weight=level2_weight,
                    group=group,
                    location=self.place(item_path),
                )
            )
        return rows

    def value(self, entries: _Entries, key_id: str) -> Value | None:
        return parse_value(self.text(entries, key_id))

    def claimed(self, top: _Entries, key_id: str) -> Claimed:
        entries = self.block(top, key_id, Context.CLAIMED)
        fields = self.convert(
            entries, {"budget_execution_score": self.number, "total": self.number, "grade": self.text}
        )
        for fact, present in fields.items():
            if present is not None:
                self.note(f"claimed.{fact}", entries, fact)
        return Claimed(**fields)

    def sub_units(self, top: _Entries, key_id: str) -> tuple[SubUnit, ...]:
        value, path = top.values[key_id]
        units = []
        for index, (item, item_path) in enumerate(self.items(value, path, "下级单位"), start=1):
            entries = self.entries(item, item_path, Context.SUB_UNIT, f"下级单位第{index}项")
            unit = self.amount_unit(entries)

            def amount(entries: _Entries, key_id: str, unit: str = unit) -> Decimal | None:
                return self.amount(entries, key_id, unit)

            fields = self.convert(
                entries,
                {"name": self.text, "planned_yuan": amount, "executed_yuan": amount, "indicators": self.tree},
            )
            if fields.get("name") is None:
                raise self.fail(item_path, f"下级单位第{index}项缺少“名称”", "每个下级单位都要写“名称: …”。")
            units.append(SubUnit(**fields, location=self.place(item_path)))
        return tuple(units)


def build_evaluation(
    where: str, file: Path, document: YamlDocument, source: Source
) -> tuple[Evaluation, Scheme]:
    """The Evaluation an authoring document states, and the scheme it names (or the default)."""
    return _Builder(where, file, document).evaluation(source)
