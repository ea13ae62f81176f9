"""The 自评报告 draft as neutral blocks: the official outline with the evaluation's numbers in it.

The outline follows the self-evaluation report as units write it (财预〔2020〕10号附3 and the
provincial 自评报告提纲, ``../shared/domain.md``):

    一、项目基本情况      （一）项目概况  （二）资金投入和使用情况（表1 资金明细）
    二、绩效目标及完成情况（一）年度总体目标  （二）绩效指标完成情况（逐项：目标、实际、差距、原因）
    三、自评结论          预算执行得分、各一级指标得分、总分与等级
    四、存在的问题及改进措施
    五、其他需要说明的问题
    落款、附件（自评表）

Every figure comes from the evaluation: budget, execution rate, each indicator's target and
actual value, each missed target and its gap, the total and grade. What only the unit can write
is a :class:`Span` marked ``fill`` (printed as 【请填写：…】); what jixiao's rules dispute is marked
``check`` (【核对：…】), to be resolved and deleted before the report is filed. The writer decides
how marks look; this module only decides what is said.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from jixiao.core.checks import BY_CODE
from jixiao.core.groups import classify_level1
from jixiao.core.groups import strip_weight
from jixiao.core.model import Finding
from jixiao.core.model import Indicator
from jixiao.core.model import Op
from jixiao.core.model import Severity
from jixiao.core.model import Value
from jixiao.core.numbers import ONE
from jixiao.core.numbers import ZERO
from jixiao.core.scoring import ItemScore
from jixiao.core.scoring import Scorecard
from jixiao.core.units import align
from jixiao.export.fields import Facts
from jixiao.export.fields import indicator_score
from jixiao.export.formatting import clean
from jixiao.export.formatting import date_text
from jixiao.export.formatting import percent_text
from jixiao.export.formatting import plain
from jixiao.export.formatting import short_name
from jixiao.export.formatting import yuan_text

Mark = Literal["", "fill", "check"]
Style = Literal["title", "h1", "h2", "h3", "body", "item", "note", "sign", "caption", "attachment"]

CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a paragraph: plain text, a place for the unit's words, or a point to check."""

    text: str
    mark: Mark = ""


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph of one style."""

    style: Style
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        """The paragraph as printed."""
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True, slots=True)
class Grid:
    """A simple table (表1): a header row and text rows; the last row may be a total."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    total_row: bool = False


Block = Para | Grid


def fill(what: str) -> Span:
    """A place for the unit's own words."""
    return Span(f"【请填写：{what}】", "fill")


def check(what: str) -> Span:
    """A point jixiao's rules dispute, to resolve before filing."""
    return Span(f"【核对：{what}】", "check")


def _p(style: Style, *parts: str | Span) -> Para:
    return Para(style, tuple(p if isinstance(p, Span) else Span(p) for p in parts if p))


def _yuan(amount: Decimal | None) -> str:
    return f"{yuan_text(amount)}元"


def _sentences(text: str | None) -> list[str]:
    """A multi-line text as paragraphs (blank lines dropped)."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


# --- 一、项目基本情况 -------------------------------------------------------------------------------


def _overview(facts: Facts) -> Iterator[Block]:
    p = facts.ev.project
    name = clean(p.name) or "本"
    who = []
    if p.department:
        who.append(f"由{clean(p.department)}主管")
    if p.implementer:
        who.append(f"{clean(p.implementer)}实施")
    kinds = "、".join(clean(k) for k in (p.category, p.attribute, p.type) if k)
    sentence = (
        f"{name}项目" + ("，" + "、".join(who) if who else "") + (f"，属{kinds}" if kinds else "") + "。"
    )
    yield _p("body", sentence, fill("项目立项背景和依据、主要内容及实施情况"))


def _funds(facts: Facts) -> Iterator[Block]:
    ev = facts.ev
    b = ev.budget
    year = f"{ev.project.year}年度" if ev.project.year else "本年度"
    parts = []
    if b.initial_yuan is not None:
        parts.append(f"年初预算数{_yuan(b.initial_yuan)}")
    if b.planned_yuan is not None:
        parts.append(f"全年预算数{_yuan(b.planned_yuan)}")
    if b.received_yuan is not None:
        parts.append(f"实际到位资金{_yuan(b.received_yuan)}")
    if b.executed_yuan is not None:
        parts.append(f"全年执行数{_yuan(b.executed_yuan)}")
    if b.execution_rate is not None:
        parts.append(f"预算执行率{percent_text(b.execution_rate)}")
    if parts:
        sentence = f"{year}项目" + "，".join(parts) + "。"
        yield _p("body", sentence)
    else:
        yield _p("body", f"{year}项目", fill("预算数、到位资金、执行数及执行率"), "。")
    if b.execution_rate is not None and b.execution_rate < ONE:
        yield _p("body", "预算执行率未达到100%，", fill("未执行资金的金额、原因及处理情况"))
    if b.lines:
        yield _p("body", "项目资金明细见表1。")
        yield _budget_table(facts)
    yield _p("body", fill("资金管理和使用情况：拨付程序、财务制度执行、资金使用合规性等"))


def _budget_table(facts: Facts) -> Grid:
    lines = facts.ev.budget.lines
    rows: list[tuple[str, ...]] = []
    for n, line in enumerate(lines, start=1):
        rate = (
            percent_text(line.executed_yuan / line.planned_yuan)
            if line.planned_yuan and line.executed_yuan is not None
            else ""
        )
        rows.append(
            (str(n), clean(line.name), yuan_text(line.planned_yuan), yuan_text(line.executed_yuan), rate)
        )
    top = [line for line in lines if line.group is None]
    planned = [line.planned_yuan for line in top if line.planned_yuan is not None]
    executed = [line.executed_yuan for line in top if line.executed_yuan is not None]
    total = bool(planned or executed)
    if total:
        sum_p = sum(planned, ZERO) if planned else None
        sum_e = sum(executed, ZERO) if executed else None
        rate = percent_text(sum_e / sum_p) if sum_p and sum_e is not None else ""
        rows.append(("合计", "", yuan_text(sum_p), yuan_text(sum_e), rate))
    return Grid(
        "表1　项目资金明细（单位：元）",
        ("序号", "项目内容", "预算数", "执行数", "执行率"),
        tuple(rows),
        (7, 41, 19, 19, 14),
        total_row=total,
    )


# --- 二、绩效目标及完成情况 ---------------------------------------------------------------------------


def _gap(ind: Indicator) -> str:
    """How far a quantitative actual is from its target, in the target's unit, if they share one."""
    target, actual = ind.target, ind.actual
    if target is None or actual is None or not target.is_quantity or not actual.is_quantity:
        return ""
    # 30人/次 against 25人: the same count, but the rules' ratio is the safer statement.
    if (target.unit or "") != (actual.unit or "") and target.unit and actual.unit:
        return ""
    unit = target.unit or actual.unit or ""
    if actual.op is Op.RANGE and actual.high is not None:
        b_value: Value = actual.model_copy(
            update={"value": actual.high if target.op is Op.LE else actual.value, "op": Op.EQ}
        )
    else:
        b_value = actual
    pair = align(target, b_value)
    if pair is None:
        return ""
    a, b = pair
    if target.op is Op.LE and b > a:
        return f"超出目标上限{plain(b - a)}{unit}"
    if target.op in (Op.GE, Op.EQ) and b < a:
        return f"差{plain(a - b)}{unit}"
    return ""


def _indicator_line(
    n: int, ind: Indicator, item: ItemScore, errors: list[Finding], over_ratio: Decimal | None
) -> Para:
    where = strip_weight(clean(ind.level2)) if ind.level2 and ind.level2.strip() else ""
    head = f"（{n}）{where}“{clean(ind.name)}”："
    target = (
        f"年初目标值“{clean(ind.target.text)}”"
        if ind.target and ind.target.text.strip()
        else "未填写年初目标值"
    )
    actual = (
        f"实际完成值“{clean(ind.actual.text)}”"
        if ind.actual and ind.actual.text.strip()
        else "未填写实际完成值"
    )
    score = indicator_score(ind)
    scored = f"自评得分{plain(score)}分" if score is not None else "未自评得分"
    weight = f"（权重{plain(ind.weight)}分）" if ind.weight is not None else ""
    spans: list[str | Span] = [f"{head}{target}，{actual}，"]
    reason = clean(ind.deviation_reason).strip()
    if item.met is False:
        how = [f"完成目标的{percent_text(item.ratio)}"] if item.ratio is not None else []
        gap = _gap(ind)
        if gap:
            how.append(gap)
        detail = f"（{'，'.join(how)}）" if how else ""
        spans.append(f"未完成年度目标{detail}，{scored}{weight}。偏差原因：")
        spans.append(reason + "。" if reason else fill("未完成的原因及改进措施"))
    elif item.met is True and over_ratio is not None and item.ratio is not None and item.ratio >= over_ratio:
        spans.append(f"已完成年度目标（完成目标的{percent_text(item.ratio)}，超额较多），{scored}{weight}。")
        spans.append(f"偏差原因：{reason}。" if reason else fill("超额完成的原因，年初目标值是否设定偏低"))
    elif item.met is True:
        spans.append(f"已完成年度目标，{scored}{weight}。" + (f"说明：{reason}。" if reason else ""))
    else:
        spans.append(f"{scored}{weight}。" + (f"说明：{reason}。" if reason else ""))
    spans.extend(check(clean(f.message)) for f in errors)
    return _p("item", *spans)


def _groups(facts: Facts) -> list[tuple[str, list[int]]]:
    """Indicator rows by 一级指标, in the order the groups first appear."""
    order: dict[str, list[int]] = {}
    for i, ind in enumerate(facts.ev.indicators):
        key = strip_weight(clean(ind.level1)) if ind.level1 and ind.level1.strip() else "其他指标"
        order.setdefault(key, []).append(i)
    return list(order.items())


def _group_weight(facts: Facts, label: str) -> Decimal | None:
    group = classify_level1(label)
    if group is None:
        return None
    weight = facts.ev.scheme.weights.of(group)
    return weight if weight > 0 else None


def _group_score(facts: Facts, rows: list[int]) -> Decimal | None:
    scores = [indicator_score(facts.ev.indicators[i]) for i in rows]
    known = [s for s in scores if s is not None]
    return sum(known, ZERO) if known else None


def _targets(facts: Facts, card: Scorecard) -> Iterator[Block]:
    ev = facts.ev
    yield _p("h2", "（一）年度总体目标")
    planned = _sentences(ev.objectives.planned)
    if planned:
        yield _p("body", "年初设定的总体目标：", planned[0])
        for line in planned[1:]:
            yield _p("body", line)
    else:
        yield _p("body", "年初设定的总体目标：", fill("年度总体绩效目标"))
    achieved = _sentences(ev.objectives.achieved)
    if achieved:
        yield _p("body", "实际完成情况：", achieved[0])
        for line in achieved[1:]:
            yield _p("body", line)
    else:
        yield _p("body", "实际完成情况：", fill("总体目标的实际完成情况"))
    yield _p("h2", "（二）绩效指标完成情况")
    items = card.items
    n = len(ev.indicators)
    over = facts.scheme.over_achievement.review_ratio
    errors: dict[int, list[Finding]] = {}
    for finding in ev.findings:
        if finding.severity is Severity.ERROR and finding.indicator is not None:
            errors.setdefault(finding.indicator, []).append(finding)
    if n == 0:
        yield _p("body", "本项目未设置三级绩效指标。", fill("绩效指标设置情况"))
        return
    met = sum(1 for it in items if it.met is True)
    missed = sum(1 for it in items if it.met is False)
    other = n - met - missed
    summary = f"项目共设置三级绩效指标{n}项，对照年初目标值逐项评价：{met}项达到目标，{missed}项未达到目标"
    summary += f"，{other}项为定性指标或无法按数值比较。" if other else "。"
    yield _p("body", summary)
    for k, (label, rows) in enumerate(_groups(facts), start=1):
        weight = _group_weight(facts, label)
        score = _group_score(facts, rows)
        head = f"{k}．{label}"
        yield _p("h3", head)
        parts = [f"{label}共{len(rows)}项"]
        if weight is not None:
            parts.append(f"分值{plain(weight)}分")
        if score is not None:
            parts.append(f"自评得分{plain(score)}分")
        yield _p("body", "，".join(parts) + "。")
        for m, i in enumerate(rows, start=1):
            yield _indicator_line(m, ev.indicators[i], items[i], errors.get(i, []), over)


# --- 三、自评结论 ---------------------------------------------------------------------------------


def _conclusion(facts: Facts, card: Scorecard) -> Iterator[Block]:
    ev = facts.ev
    b = ev.budget
    weight = ev.scheme.weights.budget_execution
    money = []
    if b.planned_yuan is not None:
        money.append(f"全年预算数{_yuan(b.planned_yuan)}")
    if b.executed_yuan is not None:
        money.append(f"全年执行数{_yuan(b.executed_yuan)}")
    if b.execution_rate is not None:
        money.append(f"执行率{percent_text(b.execution_rate)}")
    budget = "，".join(money) + "，" if money else ""
    if facts.budget_score is not None:
        yield _p(
            "body",
            f"预算执行情况：{budget}该项自评得分{plain(facts.budget_score)}分（分值{plain(weight)}分）。",
        )
    else:
        yield _p("body", f"预算执行情况：{budget}", fill(f"预算执行自评得分（分值{plain(weight)}分）"), "。")
    parts = []
    for label, rows in _groups(facts):
        score = _group_score(facts, rows)
        group_weight = _group_weight(facts, label)
        if score is None:
            continue
        parts.append(
            f"{label}自评得分{plain(score)}分" + (f"（分值{plain(group_weight)}分）" if group_weight else "")
        )
    if parts:
        yield _p("body", "绩效指标情况：" + "，".join(parts) + "。")
    name = clean(ev.project.name) or "本"
    if facts.total is not None:
        grade = f"，评价等级为“{facts.grade}”" if facts.grade else ""
        yield _p("body", f"综合以上，{name}项目绩效自评总分{plain(facts.total)}分{grade}。")
    else:
        yield _p("body", f"综合以上，{name}项目绩效自评总分", fill("自评总分及等级"), "。")
    computed = card.total
    if (
        computed is not None
        and facts.total is not None
        and abs(computed - facts.total) > facts.scheme.tolerance
    ):
        yield _p(
            "note",
            check(
                f"按{facts.scheme.name}的计分规则复算，总分为{plain(computed)}分，"
                f"与自评总分{plain(facts.total)}分相差{plain(abs(computed - facts.total))}分，请逐项核对得分"
            ),
        )
    for finding in ev.findings:
        if finding.severity is Severity.ERROR and finding.indicator is None:
            yield _p("note", check(clean(finding.message)))
    minor = [f for f in ev.findings if f.severity is not Severity.ERROR]
    if minor:
        warnings = sum(1 for f in minor if f.severity is Severity.WARNING)
        notes = len(minor) - warnings
        counts = "、".join(
            p for p in (f"{warnings}项警告" if warnings else "", f"{notes}项提示" if notes else "") if p
        )
        titles = list(dict.fromkeys(BY_CODE[f.code].title if f.code in BY_CODE else f.code for f in minor))
        kinds = "、".join(titles[:4]) + ("等" if len(titles) > 4 else "")
        yield _p("note", check(f"jixiao 检查另有{counts}（{kinds}），可运行 jixiao score 查看"))


# --- 四、五 and the close ---------------------------------------------------------------------------


def _problems(facts: Facts, card: Scorecard) -> Iterator[Block]:
    ev = facts.ev
    lines = _sentences(ev.problems)
    if lines and lines != ["无"]:
        for line in lines:
            yield _p("body", line)
    else:
        yield _p("body", fill("存在的问题及原因分析"))
        yield _p("body", fill("改进措施及结果应用（如调整以后年度预算安排）"))
    missed = [clean(ev.indicators[i].name) for i, it in enumerate(card.items) if it.met is False]
    if missed:
        names = "、".join(f"“{m}”" for m in missed)
        yield _p("body", f"未达到年初目标的指标有{len(missed)}项：{names}，", fill("对应的改进措施"))
    rate = ev.budget.execution_rate
    if rate is not None and rate < ONE:
        yield _p("body", f"预算执行率为{percent_text(rate)}，", fill("提高预算执行进度的措施"))


TITLE_CHARS = 20
"""Characters of 二号 type on one line of the 156 mm 版心."""


def title_lines(unit: str, year: str, name: str) -> list[str]:
    """The title, broken where a reader expects: the unit on its own line, and a long project
    title before 项目支出绩效自评报告 rather than wherever the line happens to end."""
    lines = [unit] if unit else []
    subject = f"{year}{name}"
    whole = f"{subject}项目支出绩效自评报告"
    if len(whole) <= TITLE_CHARS or not subject:
        lines.append(whole)
    else:
        lines += [subject, "项目支出绩效自评报告"]
    return lines


def report_blocks(
    facts: Facts, card: Scorecard, attachment: str | None = None, evidence: Sequence[str] = ()
) -> list[Block]:
    """The whole draft, top to bottom. ``attachment`` names the appended 自评表, if any."""
    ev = facts.ev
    p = ev.project
    year = f"{p.year}年度" if p.year else ""
    blocks: list[Block] = [
        _p("title", line) for line in title_lines(clean(p.unit), year, short_name(clean(p.name)))
    ]
    sections: list[tuple[str, list[Block]]] = [
        (
            "项目基本情况",
            [
                _p("h2", "（一）项目概况"),
                *_overview(facts),
                _p("h2", "（二）资金投入和使用情况"),
                *_funds(facts),
            ],
        ),
        ("绩效目标及完成情况", list(_targets(facts, card))),
        ("自评结论", list(_conclusion(facts, card))),
        ("存在的问题及改进措施", list(_problems(facts, card))),
        ("其他需要说明的问题", [_p("body", fill("其他需要说明的问题；没有的写“无”"))]),
    ]
    for n, (title, body) in enumerate(sections):
        blocks.append(_p("h1", f"{CHINESE_NUMBERS[n]}、{title}"))
        blocks.extend(body)
    if attachment and not evidence:
        blocks.append(_p("attachment", f"附件：{attachment}"))
    elif evidence:
        # The 自评表 first, then each 佐证材料 (evidence file) by name, numbered.
        listed = [attachment] if attachment else []
        listed += [f"佐证材料：{clean(name)}" for name in evidence]
        blocks.append(_p("attachment", f"附件：1. {listed[0]}"))
        blocks.extend(_p("attachment", f"{n}. {item}") for n, item in enumerate(listed[1:], start=2))
    blocks.append(_p("sign", clean(p.unit) if p.unit else "", fill("单位名称（盖章）") if not p.unit else ""))
    blocks.append(_p("sign", date_text(p.filled_date)) if p.filled_date else _p("sign", fill("日期")))
    return blocks
