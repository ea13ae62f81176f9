"""The ``jixiao new`` template: a commented authoring YAML laid out for one scheme.

The template names the scheme in its header, lists the scheme's level-1 groups with their
weights, the usual 二级 names under each (财预〔2020〕10号 附1; 财预〔2021〕101号 for 成本指标)
and one example 三级 row per 二级 that shows a target notation (≥50个, ≤200元/人, 100%, 是).
Every field carries a Chinese ``#`` comment saying what it is, its unit and whether it may be left
out. The text loads with :func:`~jixiao.authoring.loader.load_evaluation` as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from jixiao.authoring.keys import GROUP_LABELS
from jixiao.authoring.writer import quote
from jixiao.core.model import Group
from jixiao.core.numbers import fmt_number
from jixiao.core.scheme import BudgetRule
from jixiao.core.scheme import Scheme
from jixiao.schemes import BUILTIN_IDS


@dataclass(frozen=True, slots=True)
class _Row:
    """An example 三级 row: its name and a target showing one notation."""

    name: str
    target: str
    actual_hint: str


# The usual 二级 names of each level-1 group, each with one example row, in table order
# (101号 puts 成本 first).
_LEVEL2: dict[Group, tuple[tuple[str, _Row], ...]] = {
    Group.COST: (
        ("经济成本指标", _Row("人均培训成本", "≤200元/人", "如 185元/人")),
        ("社会成本指标", _Row("对周边居民生活的不利影响", "无明显影响", "照实描述")),
        ("生态环境成本指标", _Row("施工扬尘投诉次数", "≤2次", "如 0次")),
    ),
    Group.OUTPUT: (
        ("数量指标", _Row("新建或维修社区活动设施数量", "≥50个", "如 52个")),
        ("质量指标", _Row("设施验收合格率", "100%", "如 100%")),
        ("时效指标", _Row("是否按期完成", "是", "是 或 否")),
        ("成本指标", _Row("人均培训成本", "≤200元/人", "如 185元/人")),
    ),
    Group.EFFECT: (
        ("经济效益指标", _Row("带动居民增收", "≥10万元", "如 12.5万元")),
        ("社会效益指标", _Row("受益群众人数", "≥1000人", "如 1200人")),
        ("生态效益指标", _Row("社区绿化覆盖率", "≥35%", "如 36%")),
        ("可持续影响指标", _Row("是否建立长效管理机制", "是", "是 或 否")),
    ),
    Group.SATISFACTION: (("服务对象满意度指标", _Row("服务对象满意度", "≥90%", "问卷结果，如 95%")),),
}
_COMMENT_COLUMN = 28
_ROW_COLUMN = 40


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """A weight split over ``parts`` entries as evenly as possible, in whole points when it can."""
    if total == total.to_integral_value():
        base, rest = divmod(int(total), parts)
        return [Decimal(base + (1 if i < rest else 0)) for i in range(parts)]
    share = (total / parts).quantize(Decimal("0.01"))
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def example_groups(scheme: Scheme) -> Iterator[tuple[Group, Decimal, list[tuple[str, _Row, Decimal]]]]:
    """The 一级 groups a scheme weighs, each with its weight and its example 二级 rows (name,
    example 三级 row, weight: the group's weight split over them)."""
    for group, usual in _LEVEL2.items():
        total = scheme.weights.of(group)
        if total <= 0:
            continue
        # With a 成本 level-1 group, 成本指标 is not also an 产出 二级.
        level2 = [
            e for e in usual if not (group is Group.OUTPUT and scheme.weights.cost > 0 and e[0] == "成本指标")
        ]
        weights = _split(total, len(level2))
        yield group, total, [(name, row, w) for (name, row), w in zip(level2, weights, strict=True)]


def _line(text: str, comment: str | None = None, column: int = _COMMENT_COLUMN) -> str:
    """``text`` with a trailing ``# comment`` aligned at ``column`` (CJK characters count two)."""
    if comment is None:
        return text
    width = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(1, column - width) + "# " + comment


def _comment_block(text: str, prefix: str = "# ") -> list[str]:
    return [f"{prefix}{line}".rstrip() for line in text.splitlines() or [""]]


def _budget_rule(rule: BudgetRule, weight: Decimal) -> str:
    w = fmt_number(weight)
    if rule.rule == "linear":
        return f"{w}分×执行率，不超过{w}分"
    if rule.rule == "tiered":
        steps = "、".join(
            f"≥{fmt_number(t.min * 100)}%得{fmt_number(t.share * weight)}分" for t in rule.tiers
        )
        return f"按区间：{steps}"
    return (
        f"执行率100%得{w}分，每低1个百分点扣{fmt_number(rule.deduct_per_point * weight)}分，"
        f"{fmt_number(rule.zero_at * 100)}%及以下不得分"
    )


def _grades(scheme: Scheme) -> str:
    parts = [f"≥{fmt_number(b.min)}分为{b.grade}" if b.min > 0 else f"其余为{b.grade}" for b in scheme.grades]
    return "、".join(parts)


def _header(scheme: Scheme, ref: str) -> list[str]:
    weights = "、".join(
        f"{name}{fmt_number(scheme.weights.of(group))}分"
        for group, name in GROUP_LABELS.items()
        if scheme.weights.of(group) > 0
    )
    lines = [
        "# ==========================================================================",
        "# 项目支出绩效自评（jixiao 手写格式）",
        f"# 评分方案：{scheme.id} —— {scheme.name}",
    ]
    if scheme.jurisdiction:
        lines.append(f"# 适用范围：{scheme.jurisdiction}")
    if scheme.source:
        lines.extend(_comment_block(f"方案依据：{scheme.source}"))
    lines += [
        f"# 一级指标分值：{weights}",
        f"# 等级：{_grades(scheme)}",
    ]
    for note in scheme.notes:
        lines.extend(_comment_block(f"  · {note}"))
    lines += [
        "#",
        "# 填写说明：",
        "# - 每行写“键: 值”，英文冒号后空一格；缩进只用空格，每深一层多两个空格。",
        "# - “#”之后是说明文字，计分时忽略，可以删去。标“可省”的项可以不写或留空。",
        "# - 金额、分数照表抄写；值里有“: ”或以 # 开头时，请给整个值加英文引号。",
        "# - 多行文字写成“键: |”，再另起一行缩进书写。",
        "# - 键也可以用英文名（name、year、planned_yuan……），对照表见 examples/README.md。",
        "# - 写完后运行：jixiao score 本文件.yaml",
        "# ==========================================================================",
        "",
        _line(f"方案: {quote(ref)}", f"评分方案：内置方案（{'、'.join(BUILTIN_IDS)}）或自定义 .toml 路径"),
        "",
    ]
    return lines


def _project() -> list[str]:
    return [
        "项目:",
        _line("  项目名称:", "必填：项目名称，如 基层政权和社区建设"),
        _line("  年度:", "必填：预算年度，四位数字，如 2023"),
        _line("  单位名称:", "填报单位，如 ××街道办事处"),
        _line("  主管部门:", "可省"),
        _line("  实施单位:", "可省：项目实施单位"),
        _line("  项目类别:", "可省：部门预算项目 / 专项资金 / 转移支付项目"),
        _line("  项目属性:", "可省：持续性项目 / 新增性项目"),
        _line("  项目类型:", "可省：常年性项目 / 延续性项目 / 一次性项目"),
        _line("  填报日期:", "可省：2024-03-31、2024年3月31日 或 2024/3/31"),
        "",
        "年度总体目标:",
        _line("  预期目标:", "年初设定的总体目标（文字）"),
        _line("  实际完成情况:", "总体目标的实际完成情况（文字）"),
        "",
    ]


def _budget(scheme: Scheme) -> list[str]:
    weight = scheme.weights.budget_execution
    return [
        "预算:",
        _line("  金额单位: 元", "下面不带单位的金额按此计：元（默认）或 万元"),
        _line(f"  权重: {fmt_number(weight)}", f"预算执行分值，本方案{fmt_number(weight)}分；可省"),
        _line("  年初预算数:", "可省：年初批复的预算"),
        _line("  预算数:", "全年预算数（调整后，含上年结转），执行率的分母"),
        _line("  到位数:", "可省：实际到位资金"),
        _line("  执行数:", "全年执行数（实际支出）"),
        _line("  执行率:", "可省：表上写的执行率，如 100% 或 99.24%"),
        "  # 金额也可以带单位写，如 535.87万元 或 5,358,672.00元。",
        _line("  明细:", "可省：预算明细，每项以“- ”开头，例如："),
        "    # - 名称: 社区公共服务综合事务经费",
        "    #   预算数: 2570284.00",
        "    #   执行数: 2570284.00",
        "    #   所属: 社区经费        # 可省：该行所属的小计行名称",
        "",
    ]


def _indicators(scheme: Scheme) -> list[str]:
    lines = [
        "指标:",
        "  # 一级指标 → 二级指标 → 三级指标；权重（分值）写在各自的“权重”里。",
        "  # 年初目标值、实际完成值照表抄写，常见写法：",
        "  #   ≥50个（不少于）  ≤200元/人（不超过）  100%（等于）  25~30人（区间）  是 / 合格（定性）",
        "  # 下面每个二级指标下有一行示例，请改成本项目的指标，多的行照样添加，不用的删去。",
    ]
    for group, total, examples in example_groups(scheme):
        lines += [
            f"  - 名称: {GROUP_LABELS[group]}",
            _line(f"    权重: {fmt_number(total)}", f"一级指标分值，本方案{fmt_number(total)}分"),
            "    二级指标:",
        ]
        for name, row, weight in examples:
            w = fmt_number(weight)
            lines += [
                f"      - 名称: {name}",
                _line(f"        权重: {w}", "二级指标分值（可省）", _ROW_COLUMN),
                "        三级指标:",
                f"          - 名称: {row.name}",
                _line(f"            权重: {w}", "本项分值", _ROW_COLUMN),
                _line(f"            年初目标值: {quote(row.target)}", "年初设定的指标值", _ROW_COLUMN),
                _line("            实际完成值:", row.actual_hint, _ROW_COLUMN),
                _line("            自评得分:", "本项自评分，不超过权重", _ROW_COLUMN),
                _line("            偏差原因:", "可省：未完成或超额较多时说明原因", _ROW_COLUMN),
            ]
    if scheme.weights.satisfaction <= 0:
        lines.append("  # 本方案不设满意度指标分值；表上若有，可仿照上面加一个“满意度指标”一级指标。")
    lines.append("")
    return lines


def _tail(scheme: Scheme) -> list[str]:
    rule = _budget_rule(scheme.budget_execution, scheme.weights.budget_execution)
    return [
        "自评:",
        _line(
            "  预算执行得分:",
            f"表上写的预算执行得分（本方案：{rule}）",
        ),
        _line("  总分:", "表上写的自评总分（预算执行得分 + 各三级指标得分）"),
        _line("  等级:", "可省：表上写的等级"),
        "",
        _line("存在的问题:", "存在的问题及改进措施；多行时写“存在的问题: |”再另起缩进的行"),
        "",
        "# 下级单位（可省）：一个单位汇总几个下级单位时，各写资金和自己的指标，",
        "# jixiao 按资金额度加权汇总（绝对值累加、相对值加权平均）。此时上面的“指标”可以不写。",
        "# 下级单位:",
        "#   - 名称: 甲社区",
        "#     预算数: 1200000.00",
        "#     执行数: 1180000.00",
        "#     指标:",
        "#       - 名称: 产出指标",
        "#         二级指标: …（与上面的指标写法相同）",
    ]


def render_template(scheme: Scheme, ref: str | None = None) -> str:
    """The commented authoring template for ``scheme``.

    ``ref`` is what the template's 方案 line says (a built-in id or a .toml path); it defaults to
    the scheme's id.
    """
    lines = [
        *_header(scheme, ref or scheme.id),
        *_project(),
        *_budget(scheme),
        *_indicators(scheme),
        *_tail(scheme),
    ]
    return "\n".join(lines) + "\n"
