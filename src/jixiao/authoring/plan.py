"""The authoring format of the two records before a self-evaluation: a 绩效目标申报 and a 绩效监控,
written by hand in YAML like a self-evaluation (``jixiao new --kind 目标`` / ``--kind 监控``).

A plan file says what it is in its first key, ``类型: 绩效目标申报`` or ``类型: 绩效监控``, then
holds 项目, 资金, 年度总体目标 and the 指标 tree (一级 → 二级 → 三级, as in a self-evaluation).
A declaration's 三级 rows carry 权重 and 指标值; a monitoring record's carry 指标值 and the
columns of the 监控情况表 (执行情况, 全年预计, 偏差原因类别, 偏差原因, 完成目标可能性, 备注).
Every scalar is read as written (amounts exact, in the file's 金额单位); the first problem raises
:class:`~jixiao.errors.AuthoringError` naming its line and a fix. Nothing is checked here: the
services check the record (``jixiao.core.year``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import Literal

from jixiao.authoring.keys import GROUP_LABELS
from jixiao.authoring.loader import _decode
from jixiao.authoring.loader import _read_bytes
from jixiao.authoring.template import _line
from jixiao.authoring.template import example_groups
from jixiao.authoring.writer import money
from jixiao.authoring.writer import quote
from jixiao.authoring.yaml_reader import Data
from jixiao.authoring.yaml_reader import Path as NodePath
from jixiao.authoring.yaml_reader import YamlDocument
from jixiao.authoring.yaml_reader import read_yaml
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.model import Source
from jixiao.core.numbers import fmt_number
from jixiao.core.numbers import to_decimal
from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.plan import Period
from jixiao.core.scheme import Scheme
from jixiao.core.values import parse_amount
from jixiao.core.values import parse_rate
from jixiao.core.values import parse_value
from jixiao.errors import AuthoringError
from jixiao.errors import SchemeError
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import DEFAULT_SCHEME
from jixiao.schemes import load_scheme

PlanKind = Literal["declaration", "monitoring"]
KIND_WORDS: dict[str, PlanKind] = {
    "绩效目标申报": "declaration",
    "目标申报": "declaration",
    "目标": "declaration",
    "declaration": "declaration",
    "绩效监控": "monitoring",
    "执行监控": "monitoring",
    "监控": "monitoring",
    "monitoring": "monitoring",
}
"""What ``类型`` may say (and ``jixiao new --kind``), and the record it means."""
TYPE_LINE: dict[PlanKind, str] = {"declaration": "绩效目标申报", "monitoring": "绩效监控"}
_TYPE_KEYS = ("类型", "type")

_PROJECT_KEYS = {
    "项目名称": "name",
    "年度": "year",
    "单位名称": "unit",
    "主管部门": "department",
    "实施单位": "implementer",
    "项目属性": "attribute",
    "项目类型": "type",
    "填报日期": "filled_date",
}
_DECLARATION_FUNDS = {"年度资金总额": "planned_yuan", "财政拨款": "fiscal_yuan", "其他资金": "other_yuan"}
_MONITORING_FUNDS = {
    "全年预算数": "planned_yuan",
    "执行数": "executed_yuan",
    "全年预计执行数": "expected_yuan",
}
_ROW_KEYS: dict[PlanKind, tuple[str, ...]] = {
    "declaration": ("名称", "权重", "指标值"),
    "monitoring": (
        "名称",
        "权重",
        "指标值",
        "执行情况",
        "全年预计",
        "偏差原因类别",
        "偏差原因",
        "完成目标可能性",
        "备注",
    ),
}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_PERIOD = re.compile(r"(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})\s*月?")
_UNITS = {"元": "元", "万元": "万元", "万": "万元"}


def plan_kind_of(word: str) -> PlanKind | None:
    """The record a ``--kind`` or ``类型`` word names (None: not a plan)."""
    return KIND_WORDS.get(word.strip())


def is_plan_text(text: str) -> bool:
    """Whether an authoring YAML text is a plan file (its ``类型`` line names one)."""
    for line in text.splitlines()[:80]:
        m = re.match(r"^(类型|type)\s*:\s*(\S+)", line)
        if m:
            return plan_kind_of(m[2].strip("'\"")) is not None
    return False


# --- reading --------------------------------------------------------------------------------------


class _Reader:
    """Walks a plan YAML document, failing at the first bad node."""

    def __init__(self, where: str, doc: YamlDocument) -> None:
        self.where = where
        self.doc = doc

    def fail(self, path: NodePath, problem: str, hint: str | None = None) -> AuthoringError:
        mark = self.doc.key_marks.get(path) or self.doc.marks.get(path)
        while mark is None and path:
            path = path[:-1]
            mark = self.doc.marks.get(path)
        return AuthoringError(self.where, problem, line=mark.line if mark else None, hint=hint)

    def mapping(self, data: Data, path: NodePath, allowed: tuple[str, ...], what: str) -> dict[str, Data]:
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise self.fail(path, f"“{what}”应是“键: 值”的一组", "在它下面缩进两个空格，逐行写“键: 值”。")
        for key in data:
            if key not in allowed:
                raise self.fail(
                    (*path, key), f"“{what}”中不认识的键“{key}”", f"可以写：{'、'.join(allowed)}。"
                )
        return data

    def text(self, data: Data, path: NodePath, what: str) -> str | None:
        if data is None:
            return None
        if not isinstance(data, str):
            raise self.fail(
                path, f"“{what}”应是一段文字", "直接写在冒号后面；多行时写“键: |”再另起缩进的行。"
            )
        return data.strip() or None

    def number(self, data: Data, path: NodePath, what: str) -> Decimal | None:
        text = self.text(data, path, what)
        if text is None:
            return None
        value = to_decimal(text.rstrip("分").strip())
        if value is None or value < 0:
            raise self.fail(path, f"“{what}”应是一个数，这里是“{text}”", "只写数字，如 20 或 12.5。")
        return value

    def amount(self, data: Data, path: NodePath, what: str, unit: str) -> Decimal | None:
        text = self.text(data, path, what)
        if text is None:
            return None
        value = parse_amount(text, unit)
        if value is None:
            raise self.fail(
                path, f"“{what}”应是一个金额，这里是“{text}”", "写成 200 或 200万元 或 2,000,000.00元。"
            )
        return value

    def choice(self, data: Data, path: NodePath, what: str, options: dict[str, object]) -> object | None:
        text = self.text(data, path, what)
        if text is None:
            return None
        if text not in options:
            raise self.fail(path, f"“{what}”只能是 {' / '.join(options)}，这里是“{text}”")
        return options[text]


def _date(reader: _Reader, data: Data, path: NodePath) -> dt.date | None:
    text = reader.text(data, path, "填报日期")
    if text is None:
        return None
    m = _DATE.fullmatch(text)
    day = None
    if m is not None:
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            day = None
    if day is None:
        raise reader.fail(
            path, f"“填报日期”不是日期：“{text}”", "写成 2024-03-31、2024年3月31日 或 2024/3/31。"
        )
    return day


def _project(reader: _Reader, data: Data) -> Project:
    block = reader.mapping(data, ("项目",), tuple(_PROJECT_KEYS), "项目")
    values: dict[str, object] = {}
    for key, attr in _PROJECT_KEYS.items():
        path: NodePath = ("项目", key)
        if attr == "year":
            text = reader.text(block.get(key), path, key)
            if text is not None:
                m = re.fullmatch(r"((?:19|20)\d{2})\s*年?度?", text)
                if m is None:
                    raise reader.fail(path, f"“年度”应是四位年份，这里是“{text}”", "如 2024。")
                values["year"] = int(m[1])
        elif attr == "filled_date":
            values[attr] = _date(reader, block.get(key), path)
        else:
            values[attr] = reader.text(block.get(key), path, key)
    return Project.model_validate(values)


def _unit(reader: _Reader, block: dict[str, Data]) -> str:
    text = reader.text(block.get("金额单位"), ("资金", "金额单位"), "金额单位") or "万元"
    if text not in _UNITS:
        raise reader.fail(("资金", "金额单位"), f"“金额单位”只能是 元 或 万元，这里是“{text}”")
    return _UNITS[text]


Row = dict[str, Data]


def _rows(reader: _Reader, data: Data, kind: PlanKind) -> list[tuple[str | None, str | None, Row, NodePath]]:
    """The 三级 rows of the 指标 tree with their 一级 and 二级 names."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise reader.fail(
            ("指标",), "“指标”应是以“- ”开头的一级指标列表", "见 jixiao new --kind 生成的模板。"
        )
    out: list[tuple[str | None, str | None, Row, NodePath]] = []
    for i, level1 in enumerate(data):
        p1: NodePath = ("指标", i)
        block = reader.mapping(level1, p1, ("名称", "权重", "二级指标", "三级指标"), "一级指标")
        name1 = reader.text(block.get("名称"), (*p1, "名称"), "名称")  # blank: not stated
        for j, row in enumerate(_list(reader, block.get("三级指标"), (*p1, "三级指标"))):
            out.append(
                (
                    name1,
                    None,
                    reader.mapping(row, (*p1, "三级指标", j), _ROW_KEYS[kind], "三级指标"),
                    (*p1, "三级指标", j),
                )
            )
        for j, level2 in enumerate(_list(reader, block.get("二级指标"), (*p1, "二级指标"))):
            p2: NodePath = (*p1, "二级指标", j)
            block2 = reader.mapping(level2, p2, ("名称", "权重", "三级指标"), "二级指标")
            name2 = reader.text(block2.get("名称"), (*p2, "名称"), "名称")
            for k, row in enumerate(_list(reader, block2.get("三级指标"), (*p2, "三级指标"))):
                p3: NodePath = (*p2, "三级指标", k)
                out.append((name1, name2, reader.mapping(row, p3, _ROW_KEYS[kind], "三级指标"), p3))
    return out


def _list(reader: _Reader, data: Data, path: NodePath) -> list[Data]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise reader.fail(path, f"“{path[-1]}”应是以“- ”开头的列表")
    return data


def _row_head(
    reader: _Reader, level1: str | None, level2: str | None, row: Row, path: NodePath
) -> dict[str, Any]:
    """What every indicator row states (:class:`~jixiao.core.model.IndicatorRow`) and where."""
    name = reader.text(row.get("名称"), (*path, "名称"), "名称")
    if name is None:
        raise reader.fail(path, "三级指标缺少“名称”", "每个三级指标以“- 名称: …”开头。")
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "weight": reader.number(row.get("权重"), (*path, "权重"), "权重"),
        "target": parse_value(reader.text(row.get("指标值"), (*path, "指标值"), "指标值")),
        "location": f"第{reader.doc.key_line(path) or '?'}行",
    }


def _declaration(reader: _Reader, top: dict[str, Data], scheme: Scheme) -> Declaration:
    funds = reader.mapping(top.get("资金"), ("资金",), ("金额单位", *_DECLARATION_FUNDS), "资金")
    unit = _unit(reader, funds)
    amounts = {
        attr: reader.amount(funds.get(key), ("资金", key), key, unit)
        for key, attr in _DECLARATION_FUNDS.items()
    }
    indicators = []
    for level1, level2, row, path in _rows(reader, top.get("指标"), "declaration"):
        indicators.append(Indicator(**_row_head(reader, level1, level2, row, path)))
    return Declaration(
        project=_project(reader, top.get("项目")),
        objective=reader.text(top.get("年度总体目标"), ("年度总体目标",), "年度总体目标"),
        scheme=SchemeRef(id=scheme.id, weights=scheme.weights),
        indicators=tuple(indicators),
        **amounts,
    )


def _monitoring(reader: _Reader, top: dict[str, Data]) -> Monitoring:
    funds = reader.mapping(top.get("资金"), ("资金",), ("金额单位", *_MONITORING_FUNDS, "执行率"), "资金")
    unit = _unit(reader, funds)
    amounts = {
        attr: reader.amount(funds.get(key), ("资金", key), key, unit)
        for key, attr in _MONITORING_FUNDS.items()
    }
    rate_text = reader.text(funds.get("执行率"), ("资金", "执行率"), "执行率")
    rate = parse_rate(rate_text) if rate_text else None
    if rate_text and rate is None:
        raise reader.fail(("资金", "执行率"), f"“执行率”应是百分比，这里是“{rate_text}”", "如 32.5%。")
    period = Period()
    period_text = reader.text(top.get("监控期间"), ("监控期间",), "监控期间")
    if period_text is not None:
        m = _PERIOD.fullmatch(period_text)
        if m is None or not 1 <= int(m[1]) <= int(m[2]) <= 12:
            raise reader.fail(("监控期间",), f"“监控期间”应写成 1-7月，这里是“{period_text}”")
        period = Period(first_month=int(m[1]), last_month=int(m[2]))
    objective = reader.mapping(
        top.get("年度总体目标"), ("年度总体目标",), ("年初目标", "执行情况"), "年度总体目标"
    )
    causes: dict[str, object] = {c.value: c for c in DeviationCause}
    likelihoods: dict[str, object] = {c.value: c for c in Likelihood}
    rows = []
    for level1, level2, row, path in _rows(reader, top.get("指标"), "monitoring"):

        def value(key: str, row: Row = row, path: NodePath = path) -> str | None:
            return reader.text(row.get(key), (*path, key), key)

        cause = reader.choice(row.get("偏差原因类别"), (*path, "偏差原因类别"), "偏差原因类别", causes)
        likely = reader.choice(
            row.get("完成目标可能性"), (*path, "完成目标可能性"), "完成目标可能性", likelihoods
        )
        rows.append(
            MonitoredIndicator(
                **_row_head(reader, level1, level2, row, path),
                to_date=parse_value(value("执行情况")),
                expected=parse_value(value("全年预计")),
                cause=cause if isinstance(cause, DeviationCause) else None,
                cause_text=value("偏差原因"),
                likelihood=likely if isinstance(likely, Likelihood) else None,
                note=value("备注"),
            )
        )
    return Monitoring(
        project=_project(reader, top.get("项目")),
        period=period,
        stated_rate=rate,
        objective=reader.text(objective.get("年初目标"), ("年度总体目标", "年初目标"), "年初目标"),
        objective_progress=reader.text(objective.get("执行情况"), ("年度总体目标", "执行情况"), "执行情况"),
        indicators=tuple(rows),
        **amounts,
    ).with_rates()


_TOP: dict[PlanKind, tuple[str, ...]] = {
    "declaration": ("类型", "type", "方案", "项目", "资金", "年度总体目标", "指标"),
    "monitoring": ("类型", "type", "项目", "监控期间", "资金", "年度总体目标", "指标"),
}


def load_plan_text(text: str, where: str, base: Path | None = None) -> Declaration | Monitoring:
    """A plan record from authoring YAML text (``base``: the folder a .toml 方案 is relative to)."""
    doc = read_yaml(text, where)
    reader = _Reader(where, doc)
    if not isinstance(doc.data, dict):
        raise reader.fail(
            (), "文件应以“类型: 绩效目标申报”或“类型: 绩效监控”开头", "可用 jixiao new --kind 目标 生成模板。"
        )
    top = doc.data
    key = next((k for k in _TYPE_KEYS if k in top), None)
    word = reader.text(top.get(key), (key,), "类型") if key else None
    kind = plan_kind_of(word or "")
    if kind is None:
        raise reader.fail(
            (key,) if key else (),
            f"“类型”应为 绩效目标申报 或 绩效监控{f'，这里是“{word}”' if word else ''}",
            "可用 jixiao new --kind 目标（或 --kind 监控）生成模板。",
        )
    reader.mapping(top, (), _TOP[kind], "文件")
    if kind == "monitoring":
        return _monitoring(reader, top)
    ref = reader.text(top.get("方案"), ("方案",), "方案") or DEFAULT_SCHEME
    try:
        scheme = load_scheme(ref if ref in BUILTIN_IDS or base is None else str(base / ref))
    except SchemeError as exc:
        raise reader.fail(("方案",), f"方案“{ref}”无法使用：{exc}") from None
    return _declaration(reader, top, scheme)


def load_plan(path: str | Path) -> Declaration | Monitoring:
    """Read a plan authoring file (see the module docstring); its source is the file."""
    file = Path(path)
    raw = _read_bytes(file, str(path))
    record = load_plan_text(_decode(raw, str(path)), str(path), file.parent)
    source = Source(path=str(path), format="yaml", sha256=hashlib.sha256(raw).hexdigest())
    return record.model_copy(update={"source": source})


# --- the template -------------------------------------------------------------------------------

_COL = 40


def _header(kind: PlanKind, scheme: Scheme) -> list[str]:
    title = "项目支出绩效目标申报" if kind == "declaration" else "项目支出绩效目标执行监控（1—7月）"
    lines = [
        "# ==========================================================================",
        f"# {title}（jixiao 手写格式）",
    ]
    if kind == "declaration":
        weights = "、".join(
            f"{GROUP_LABELS[g]}{fmt_number(scheme.weights.of(g))}分"
            for g in (Group.COST, Group.OUTPUT, Group.EFFECT, Group.SATISFACTION)
            if scheme.weights.of(g) > 0
        )
        lines += [
            f"# 评分方案：{scheme.id} —— {scheme.name}",
            f"# 一级指标分值：{weights}（预算执行率{fmt_number(scheme.weights.budget_execution)}分在自评时才设）",
            "# 各三级指标的权重合计应为 100 减预算执行率分值；指标值要可衡量（数字、≥/≤、是/否）。",
        ]
    else:
        lines += [
            "# 每年8月对1—7月预算执行情况和绩效目标实现程度开展监控（“双监控”）；",
            "# 监控表作为年度预算执行完成后绩效评价的依据。指标与指标值应与申报的绩效目标一致。",
            "# 偏差原因类别：经费保障 / 制度保障 / 人员保障 / 硬件条件保障 / 其他；",
            "# 完成目标可能性：确定能 / 有可能 / 完全不可能（选“完全不可能”时必须写偏差原因）。",
        ]
    lines += [
        "# 填写说明：每行写“键: 值”，英文冒号后空一格，缩进只用空格；“#”之后是说明，可删去。",
        "# 写完后：jixiao export 本文件.yaml --to 表.xlsx；jixiao import --kind "
        + ("目标" if kind == "declaration" else "监控")
        + " 本文件.yaml 读入数据库。",
        "# ==========================================================================",
        "",
        f"类型: {TYPE_LINE[kind]}",
    ]
    if kind == "declaration":
        lines.append(
            _line(
                f"方案: {quote(scheme.id)}", f"评分方案：{'、'.join(BUILTIN_IDS)} 或自定义 .toml 路径", _COL
            )
        )
    lines.append("")
    return lines


def _project_lines() -> list[str]:
    return [
        "项目:",
        _line("  项目名称:", "必填：项目名称，如 社区养老服务提升项目", _COL),
        _line("  年度:", "必填：预算年度，如 2024", _COL),
        _line("  单位名称:", "必填：填报单位，如 某市民政局", _COL),
        _line("  主管部门:", "可省", _COL),
        _line("  实施单位:", "可省", _COL),
        _line("  项目属性:", "可省：新增项目 / 延续项目", _COL),
        _line("  填报日期:", "可省：2024-03-31", _COL),
        "",
    ]


def _funds(kind: PlanKind) -> list[str]:
    lines = ["资金:", _line("  金额单位: 万元", "下面不带单位的金额按此计：万元（默认）或 元", _COL)]
    if kind == "declaration":
        lines += [
            _line("  年度资金总额:", "年度预算申请总额", _COL),
            _line("  财政拨款:", "其中：财政拨款", _COL),
            _line("  其他资金:", "可省", _COL),
            "",
            _line("年度总体目标:", "年度总体目标（文字）；多行时写“年度总体目标: |”再另起缩进的行", _COL),
        ]
    else:
        lines += [
            _line("  全年预算数:", "全年预算数（调整后）", _COL),
            _line("  执行数:", "监控期末（如7月底）累计执行数", _COL),
            _line("  全年预计执行数:", "可省", _COL),
            _line("  执行率:", "可省：表上写的执行率，如 32.5%；不写则按 执行数 ÷ 全年预算数", _COL),
            "",
            _line("监控期间: 1-7月", "监控的月份，时间进度按期末月份计（7月底为58.33%）", _COL),
            "",
            "年度总体目标:",
            _line("  年初目标:", "申报的年度总体目标", _COL),
            _line("  执行情况:", "截至监控期末的完成情况", _COL),
        ]
    return [*lines, ""]


def _indicator_lines(kind: PlanKind, scheme: Scheme) -> list[str]:
    lines = [
        "指标:",
        "  # 一级指标 → 二级指标 → 三级指标；每个二级指标下有一行示例，请改成本项目的指标。",
        "  # 指标值常见写法：≥50个（不少于） ≤200元/人（不超过） 100%（等于） 是（定性）",
    ]
    total_weight = Decimal(0)
    for group, _total, examples in example_groups(scheme):
        lines += [f"  - 名称: {GROUP_LABELS[group]}", "    二级指标:"]
        for name, row, weight in examples:
            total_weight += weight
            lines += [
                f"      - 名称: {name}",
                "        三级指标:",
                f"          - 名称: {row.name}",
                _line(f"            权重: {fmt_number(weight)}", "分值", _COL + 8),
                _line(f"            指标值: {quote(row.target)}", "年度指标值", _COL + 8),
            ]
            if kind == "monitoring":
                lines += [
                    _line("            执行情况:", f"1—7月执行情况，{row.actual_hint}", _COL + 8),
                    _line("            全年预计:", "全年预计完成情况", _COL + 8),
                    _line(
                        "            偏差原因类别:",
                        "可省：经费保障/制度保障/人员保障/硬件条件保障/其他",
                        _COL + 8,
                    ),
                    _line("            偏差原因:", "预计完不成或偏差较大时说明原因", _COL + 8),
                    _line("            完成目标可能性:", "确定能 / 有可能 / 完全不可能", _COL + 8),
                    _line("            备注:", "可省", _COL + 8),
                ]
    lines.append(f"  # 示例权重合计 {fmt_number(total_weight)} 分。")
    return [*lines, ""]


def _filled(key: str, value: str | None, comment: str, indent: str = "  ", column: int = _COL) -> str:
    return _line(f"{indent}{key}: {quote(value)}" if value else f"{indent}{key}:", comment, column)


def _yuan(value: Decimal | None) -> str | None:
    return f"{money(value)}元" if value is not None else None


def _row_lines(ind: Indicator | MonitoredIndicator) -> list[str]:
    pad, col = " " * 12, _COL + 8
    weight = format(ind.weight, "f") if ind.weight is not None else None
    lines = [
        f"          - 名称: {quote(ind.name)}",
        _filled("权重", weight, "分值", pad, col),
        _filled("指标值", ind.target.text if ind.target else None, "年度指标值", pad, col),
    ]
    if isinstance(ind, MonitoredIndicator):
        monitored = (
            ("执行情况", ind.to_date.text if ind.to_date else None, "监控期执行情况"),
            ("全年预计", ind.expected.text if ind.expected else None, "全年预计完成情况"),
            (
                "偏差原因类别",
                ind.cause.value if ind.cause else None,
                "可省：经费保障/制度保障/人员保障/硬件条件保障/其他",
            ),
            ("偏差原因", ind.cause_text, "预计完不成或偏差较大时说明原因"),
            (
                "完成目标可能性",
                ind.likelihood.value if ind.likelihood else None,
                "确定能 / 有可能 / 完全不可能",
            ),
            ("备注", ind.note, "可省"),
        )
        lines += [_filled(key, value, comment, pad, col) for key, value, comment in monitored]
    return lines


def _tree_lines(rows: tuple[Indicator, ...] | tuple[MonitoredIndicator, ...]) -> list[str]:
    """The 指标 tree of the rows in their order: consecutive rows of one 一级 in one entry, a
    row without a 二级 directly under its 一级 (a new entry when that changes, so the order holds)."""
    Rows = list[Indicator | MonitoredIndicator]
    blocks: list[tuple[str | None, list[tuple[str | None, Rows]]]] = []
    for ind in rows:
        last = blocks[-1] if blocks else None
        if last is None or last[0] != ind.level1 or (ind.level2 is None) != (last[1][-1][0] is None):
            blocks.append((ind.level1, [(ind.level2, [ind])]))
        elif last[1][-1][0] == ind.level2:
            last[1][-1][1].append(ind)
        else:
            last[1].append((ind.level2, [ind]))
    lines: list[str] = []
    for level1, groups in blocks:
        lines.append(f"  - 名称: {quote(level1)}" if level1 else "  - 名称:")
        if groups[0][0] is None:
            lines.append("    三级指标:")
            lines += [line for ind in groups[0][1] for line in _row_lines(ind)]
            continue
        lines.append("    二级指标:")
        for level2, members in groups:
            lines += [f"      - 名称: {quote(level2 or '')}", "        三级指标:"]
            lines += [line for ind in members for line in _row_lines(ind)]
    return lines


def plan_to_yaml(record: Declaration | Monitoring, *, note: str | None = None) -> str:
    """``record`` as its authoring file (every fact it holds, the keys it leaves blank written
    blank to fill); it loads back with :func:`load_plan_text` as the same record. ``note`` is a
    comment line for the top (where the record came from)."""
    kind: PlanKind = "declaration" if isinstance(record, Declaration) else "monitoring"
    p = record.project
    lines = [
        "# ==========================================================================",
        f"# {TYPE_LINE[kind]}（jixiao 手写格式）",
    ]
    if note:
        lines.append(f"# {note}")
    lines += [
        "# ==========================================================================",
        "",
        f"类型: {TYPE_LINE[kind]}",
    ]
    if isinstance(record, Declaration):
        lines.append(f"方案: {quote(record.scheme.id)}")
    lines += [
        "",
        "项目:",
        _filled("项目名称", p.name, "必填"),
        _filled("年度", str(p.year) if p.year is not None else None, "必填"),
        _filled("单位名称", p.unit, "必填"),
        _filled("主管部门", p.department, "可省"),
        _filled("实施单位", p.implementer, "可省"),
        _filled("项目属性", p.attribute, "可省"),
        _filled("项目类型", p.type, "可省"),
        _filled("填报日期", p.filled_date.isoformat() if p.filled_date else None, "可省"),
        "",
        "资金:",
        _line("  金额单位: 万元", "不带单位的金额按万元计；下面的金额都写明了元", _COL),
    ]
    if isinstance(record, Declaration):
        lines += [
            _filled("年度资金总额", _yuan(record.planned_yuan), "年度预算申请总额"),
            _filled("财政拨款", _yuan(record.fiscal_yuan), "其中：财政拨款"),
            _filled("其他资金", _yuan(record.other_yuan), "可省"),
            "",
            _filled("年度总体目标", record.objective, "年度总体目标", ""),
        ]
    else:
        rate = record.stated_rate
        lines += [
            _filled("全年预算数", _yuan(record.planned_yuan), "全年预算数（调整后）"),
            _filled("执行数", _yuan(record.executed_yuan), "监控期末累计执行数"),
            _filled("全年预计执行数", _yuan(record.expected_yuan), "可省"),
            _filled(
                "执行率",
                f"{format((rate * 100).normalize(), 'f')}%" if rate is not None else None,
                "可省：表上写的执行率",
            ),
            "",
            _line(f"监控期间: {record.period.first_month}-{record.period.last_month}月", "监控的月份", _COL),
            "",
            "年度总体目标:",
            _filled("年初目标", record.objective, "申报的年度总体目标"),
            _filled("执行情况", record.objective_progress, "截至监控期末的完成情况"),
        ]
    lines += ["", "指标:", *_tree_lines(record.indicators)]
    return "\n".join(lines) + "\n"


def monitoring_from(dec: Declaration) -> str:
    """The monitoring authoring file of a declared project-year: its project, 全年预算数,
    年度总体目标 and indicators with their 权重 and 指标值 as declared, the columns of the
    监控情况表 left blank to fill. It loads with :func:`load_plan_text` as it is."""
    start = Monitoring(
        project=dec.project.model_copy(update={"filled_date": None}),
        planned_yuan=dec.planned_yuan,
        objective=dec.objective,
        indicators=tuple(
            MonitoredIndicator(
                level1=i.level1, level2=i.level2, name=i.name, weight=i.weight, target=i.target
            )
            for i in dec.indicators
        ),
    )
    p = dec.project
    note = f"由申报的绩效目标生成（{p.name or ''} {p.year or ''}年）：指标与指标值照申报，请逐项填写执行情况、全年预计和可能性"
    return plan_to_yaml(start, note=note)


def render_plan_template(kind: PlanKind, scheme: Scheme) -> str:
    """The commented authoring template of a declaration or a monitoring record; it loads with
    :func:`load_plan_text` as it is (blank facts stay blank)."""
    lines = [*_header(kind, scheme), *_project_lines(), *_funds(kind), *_indicator_lines(kind, scheme)]
    return "\n".join(lines) + "\n"
