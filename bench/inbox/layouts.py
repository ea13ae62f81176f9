"""From facts to a document: three 自评表 layouts, form-only and narrative reports, many wordings.

Layouts of the indicator table:

- ``hubei``: the Hubei/Wuhan form (seed 004): header block with ticked options, a 预算执行情况
  block “（万元）（20分）”, 一级/二级 labels with their weights merged down their rows, weights in
  the indicator names (“（2分）”), a 总分 row and the 偏差/改进 rows; 6 or 7 columns (with the
  merged “项目年度绩效指标” block label).
- ``national``: the national form of 财预〔2020〕10号 附1: 年初预算数 | 全年预算数 | 全年执行数 |
  分值 | 执行率 | 得分, the 年度总体目标 rows, 一级/二级/三级 | 年度指标值 | 实际完成值 | 分值 | 得分 |
  偏差原因分析及改进措施, a 总分 row with 分值 100.
- ``simple``: 指标名称 | 目标值 | 完成值 | 权重 | 得分 (some with 序号 or 备注), the budget in prose
  or in a small block above it, and the level-1 weights in a sentence.

A report is a form (title, unit, the table; what a spreadsheet holds) or a narrative (title,
numbered sections with the budget, the conclusion, the problems, and the table inside it or
attached). Every choice is drawn from the ``random.Random`` passed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal

from inbox import vocab
from inbox.doc import Cell
from inbox.doc import Doc
from inbox.doc import Grid
from inbox.doc import Para
from inbox.facts import DEFAULT_PROFILE
from inbox.facts import PROFILES_WITH_SATISFACTION
from inbox.facts import PROFILES_WITHOUT_SATISFACTION
from inbox.facts import Facts
from inbox.facts import Profile
from inbox.facts import Row
from inbox.facts import show

LAYOUTS = ("hubei", "national", "simple")
WAN = Decimal(10000)
CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(slots=True)
class Style:
    """The choices that shape one file (the rest are drawn while composing)."""

    fmt: str  # docx, xlsx, txt, pdf
    layout: str  # hubei, national, simple
    narrative: bool
    table_unit: str  # 万元 or 元: the unit of the budget block
    prose_unit: str  # the unit budget sentences use
    weights_sentence: bool  # the level-1 weights stated in a sentence
    repeat_labels: bool  # a text dump repeats merged labels instead of leaving them empty
    known_issues: bool = False  # also use wordings jixiao is known to misread (KNOWN_ISSUES)
    split_rows: bool = False  # a PDF's table rows may break across pages, as word processors allow

    @property
    def exact_yuan(self) -> bool:
        """Whether some statement in the file carries amounts to the yuan (else every amount is a
        whole number of 万元 to two places, so the rounded table states them exactly)."""
        return self.narrative or self.table_unit == "元" or self.fmt == "xlsx"


def choose_style(rng: random.Random, fmt: str, known_issues: bool = False) -> tuple[Style, Profile]:
    layout = rng.choice(LAYOUTS)
    narrative = fmt != "xlsx" and rng.random() < 0.6
    table_unit = "万元" if rng.random() < 0.7 else "元"
    prose_unit = "万元" if rng.random() < 0.6 else "元"
    # Weights must be stated somewhere jixiao reads them: the forms state them in labels or
    # columns; a simple table needs a sentence (a workbook has none, so it uses the default).
    weights_sentence = layout == "simple" and fmt != "xlsx"
    if not weights_sentence and narrative:
        weights_sentence = rng.random() < 0.3
    if layout == "simple" and fmt == "xlsx":
        profile = DEFAULT_PROFILE
    elif rng.random() < 0.65:
        profile = rng.choice(PROFILES_WITH_SATISFACTION)
    else:
        profile = rng.choice(PROFILES_WITHOUT_SATISFACTION)
    style = Style(fmt, layout, narrative, table_unit, prose_unit, weights_sentence, rng.random() < 0.3)
    if known_issues:
        style.known_issues = True
    return style, profile


# ---------------------------------------------------------------------------------------------
# Text of numbers
# ---------------------------------------------------------------------------------------------


def _grouped(value: Decimal, places: int, commas: bool) -> str:
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{q:,.{places}f}" if commas else f"{q:.{places}f}"


def table_amount(yuan: Decimal, unit: str, rng: random.Random) -> str:
    """An amount as a form prints it: 万元 to two places (rounded), 元 to the fen."""
    commas = rng.random() < 0.6
    if unit == "万元":
        return _grouped(yuan / WAN, 2, commas)
    return _grouped(yuan, 2, commas)


def prose_amount(yuan: Decimal, unit: str, rng: random.Random) -> str:
    """An amount as a sentence states it, exactly: “314.65万元”, “5,358,672.00元”, “487万元”."""
    if unit == "万元":
        wan = yuan / WAN
        text = format(wan.normalize(), "f")
        if "." in text and len(text.split(".")[1]) == 1 and rng.random() < 0.5:
            text += "0"
        return f"{text}万元"
    if yuan == yuan.to_integral_value() and rng.random() < 0.4:
        return f"{int(yuan)}元"
    return f"{_grouped(yuan, 2, rng.random() < 0.7)}元"


def rate_text(rate: Decimal, rng: random.Random) -> str:
    pct = rate * 100
    whole = pct.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if pct == whole or (abs(pct - whole) < Decimal("0.3") and rng.random() < 0.3):
        return f"{whole}%"
    return f"{pct.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def printed_rate(text: str) -> Decimal:
    """The fraction a rate text states (“96.35%” → 0.9635)."""
    return Decimal(text.rstrip("%")) / 100


def date_text(facts: Facts, rng: random.Random) -> str:
    d = facts.filled
    return rng.choice(
        (
            f"{d.year}年{d.month}月{d.day}日",
            f"{d.year}-{d.month}-{d.day}",
            f"{d.year}.{d.month:02d}.{d.day:02d}",
        )
    )


def _checks(options: tuple[str, ...], chosen: str, rng: random.Random) -> str:
    on, off = rng.choice((("■", "□"), ("☑", "□"), ("√", "□")))
    return " ".join(f"{i}、{o} {on if o == chosen else off}" for i, o in enumerate(options, 1))


# ---------------------------------------------------------------------------------------------
# What the files print, recorded for the ground truth
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Printed:
    """Facts as the file prints them where printing rounds: the execution rate, printed the
    same way everywhere in one file (“96.35%”, or “96%” when that is within 0.3 points)."""

    rate_text: str
    issues: list[str] = field(default_factory=list)  # known-issue triggers the file contains
    row_reasons: bool = False  # the indicator table prints each row's 偏差原因

    @property
    def rate(self) -> Decimal:
        return printed_rate(self.rate_text)


def _rate_cell(facts: Facts, rng: random.Random, printed: Printed) -> Cell:
    rate = printed.rate
    return Cell(printed.rate_text, float(rate), "0.00%" if rate * 10000 % 100 else "0%")


def _amount_cell(yuan: Decimal, unit: str, rng: random.Random) -> Cell:
    value = yuan / WAN if unit == "万元" else yuan
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    return Cell(table_amount(yuan, unit, rng), number, "#,##0.00")


def _score_cell(value: Decimal) -> Cell:
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    return Cell(show(value), number)


# ---------------------------------------------------------------------------------------------
# The hubei form
# ---------------------------------------------------------------------------------------------


def _level_runs(rows: list[Row]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Index ranges (start, end inclusive) of equal 一级 labels and of equal (一级, 二级) labels."""
    runs1: list[tuple[int, int]] = []
    runs2: list[tuple[int, int]] = []
    for i, r in enumerate(rows):
        if runs1 and rows[runs1[-1][0]].level1 == r.level1:
            runs1[-1] = (runs1[-1][0], i)
        else:
            runs1.append((i, i))
        first = rows[runs2[-1][0]] if runs2 else None
        if first is not None and (first.level1, first.level2) == (r.level1, r.level2):
            runs2[-1] = (runs2[-1][0], i)
        else:
            runs2.append((i, i))
    return runs1, runs2


def _put_levels(
    grid: Grid,
    top: int,
    rows: list[Row],
    col1: int,
    col2: int,
    label1: dict[int, str],
    label2: dict[int, str],
    *,
    merged: bool,
    repeat1: bool,
    repeat2: bool,
) -> None:
    """Write the 一级/二级 labels of rows starting at grid row ``top``: merged down their rows,
    or (a text dump) once per run, or repeated on every row."""
    runs1, runs2 = _level_runs(rows)
    for runs, col, labels, repeat in ((runs1, col1, label1, repeat1), (runs2, col2, label2, repeat2)):
        for start, end in runs:
            text = labels[start]
            grid.rows[top + start][col] = Cell(text)
            if merged:
                grid.merge_down(col, top + start, top + end)
            elif repeat:
                for i in range(start + 1, end + 1):
                    grid.rows[top + i][col] = Cell(text)


def _weight_label(label: str, weight: Decimal, rng: random.Random, paren: tuple[str, str]) -> str:
    unit = "分" if rng.random() < 0.9 else ""
    return f"{label}{paren[0]}{show(weight)}{unit}{paren[1]}"


def hubei_grid(
    facts: Facts,
    style: Style,
    rng: random.Random,
    printed: Printed,
    *,
    title_rows: list[str],
    date_row: bool = False,
) -> Grid:
    """The Hubei form; ``date_row`` adds 填报日期 with a real date cell (a workbook, as seed 004)."""
    block = rng.random() < 0.6
    n = 7 if block else 6
    lab = 2 if block else 1
    grid = Grid(n)
    for text in title_rows:
        grid.add((text, n))
    if date_row:
        shown = f"{facts.filled.year}年{facts.filled.month}月{facts.filled.day}日"
        grid.add(("填报日期：", lab), (Cell(shown, facts.filled, 'yyyy"年"m"月"d"日"'), n - lab))
    paren = ("（", "）") if rng.random() < 0.6 else ("(", ")")
    grid.add(("项目名称", lab), (facts.name, n - lab))
    grid.add(("主管部门", lab), (facts.department, 2), "项目实施单位", (facts.implementer, n - lab - 3))
    grid.add(("项目类别", lab), (_checks(vocab.CATEGORY_OPTIONS, facts.category, rng), n - lab))
    grid.add(("项目属性", lab), (_checks(vocab.ATTRIBUTE_OPTIONS, facts.attribute, rng), n - lab))
    grid.add(("项目类型", lab), (_checks(vocab.TYPE_OPTIONS, facts.type, rng), n - lab))
    b = facts.budget
    unit_label = {"万元": rng.choice(("万元", "万元", "万")), "元": "元"}[style.table_unit]
    head = f"预算执行情况{paren[0]}{unit_label}{paren[1]}{paren[0]}{b.weight}分{paren[1]}"
    top = grid.add(
        (head, lab),
        "",
        f"预算数{paren[0]}A{paren[1]}",
        f"执行数{paren[0]}B{paren[1]}",
        f"执行率{paren[0]}B/A{paren[1]}",
        f"得分{paren[0]}{b.weight}分*执行率{paren[1]}",
    )
    grid.add(
        ("", lab),
        "年度财政资金总额",
        _amount_cell(b.planned, style.table_unit, rng),
        _amount_cell(b.executed, style.table_unit, rng),
        _rate_cell(facts, rng, printed),
        _score_cell(b.score),
    )
    grid.merge_down(0, top, top + 1, lab)
    header = [
        "一级指标",
        "二级指标",
        f"三级指标{paren[0]}权重{paren[1]}",
        f"年初目标值{paren[0]}A{paren[1]}",
        f"实际完成值{paren[0]}B{paren[1]}",
        "得分",
    ]
    if block:
        header.insert(0, "项目年度绩效指标")
    head_row = grid.add(*header)
    first = head_row + 1
    w1: dict[str, Decimal] = {}
    w2: dict[tuple[str, str], Decimal] = {}
    for r in facts.rows:
        w1[r.level1] = w1.get(r.level1, Decimal(0)) + r.weight
        w2[(r.level1, r.level2)] = w2.get((r.level1, r.level2), Decimal(0)) + r.weight
    for r in facts.rows:
        name = _weight_label(r.name, r.weight, rng, paren)
        cells: list[str | Cell] = ["", "", name, r.target, r.actual, _score_cell(r.score)]
        if block:
            cells.insert(0, "")
        grid.add(*cells)
    off = 1 if block else 0
    merged = style.fmt != "txt"
    _put_levels(
        grid,
        first,
        facts.rows,
        off,
        off + 1,
        {i: _weight_label(r.level1, w1[r.level1], rng, paren) for i, r in enumerate(facts.rows)},
        {i: _weight_label(r.level2, w2[(r.level1, r.level2)], rng, paren) for i, r in enumerate(facts.rows)},
        merged=merged,
        repeat1=style.repeat_labels,
        repeat2=False,  # a repeated 二级 label with its weight reads as one cell per row
    )
    if block and merged:
        grid.merge_down(0, head_row, first + len(facts.rows) - 1)
    grid.body = (first, first + len(facts.rows) - 1)
    grid.add(("总分", lab), (_score_cell(facts.total), n - lab))
    if facts.grade is not None and (not style.narrative or rng.random() < 0.5):
        grid.add(("评价等级", lab), (facts.grade, n - lab))
    if facts.problems is not None and not style.narrative:
        if _nothing(facts.problems):
            grid.add(("偏差大或目标未完成原因分析", lab), (facts.problems[0], n - lab))
        else:
            grid.add(("偏差大或目标未完成原因分析", lab), (_numbered(facts.problems), n - lab))
            grid.add(("改进措施及结果应用方案", lab), (_numbered(facts.measures), n - lab))
    return grid


def _nothing(problems: list[str] | None) -> bool:
    """Whether a problems section says nothing (“无。”)."""
    return (
        problems is not None
        and len(problems) == 1
        and problems[0].rstrip("。") in {"无", "暂无", "无明显问题"}
    )


def _numbered(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return " ".join(f"{i}、{t}" for i, t in enumerate(items, 1))


# ---------------------------------------------------------------------------------------------
# The national form (财预〔2020〕10号 附1)
# ---------------------------------------------------------------------------------------------


def national_grid(
    facts: Facts,
    style: Style,
    rng: random.Random,
    printed: Printed,
    *,
    title_rows: list[str],
    tail_rows: bool,
) -> Grid:
    n = 8
    grid = Grid(n)
    for text in title_rows:
        grid.add((text, n))
    grid.add("项目名称", (facts.name, 7))
    if rng.random() < 0.5:
        grid.add("主管部门", (facts.department, 3), "实施单位", (facts.implementer, 3))
    else:
        grid.add("主管部门", (facts.department, 7))
        grid.add("实施单位", (facts.implementer, 7))
    b = facts.budget
    u = style.table_unit
    top = grid.add(f"项目资金（{u}）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    grid.add(
        "",
        "年度资金总额",
        _amount_cell(b.initial, u, rng),
        _amount_cell(b.planned, u, rng),
        _amount_cell(b.executed, u, rng),
        _score_cell(Decimal(b.weight)),
        _rate_cell(facts, rng, printed),
        _score_cell(b.score),
    )
    grid.add(
        "",
        "其中：当年财政拨款",
        _amount_cell(b.initial, u, rng),
        _amount_cell(b.planned, u, rng),
        _amount_cell(b.executed, u, rng),
        "—",
        "—",
        "—",
    )
    last = grid.add("", "上年结转资金", "—", "—", "—", "—", "—", "—")
    if rng.random() < 0.5:
        last = grid.add("", "其他资金", "—", "—", "—", "—", "—", "—")
    grid.merge_down(0, top, last)
    if rng.random() < 0.7:
        goal = grid.add("年度总体目标", ("预期目标", 3), ("实际完成情况", 4))
        grid.add("", (facts.objectives[0], 3), (facts.objectives[1], 4))
        grid.merge_down(0, goal, goal + 1)
    printed.row_reasons = True
    deviation = rng.choice(("偏差原因分析及改进措施", "偏差原因分析及改进措施", "偏差原因分析"))
    target = rng.choice(("年度指标值", "年度指标值", "指标值"))
    grid.add("一级指标", "二级指标", "三级指标", target, "实际完成值", "分值", "得分", deviation)
    first = len(grid.rows)
    for r in facts.rows:
        grid.add("", "", r.name, r.target, r.actual, _score_cell(r.weight), _score_cell(r.score), r.reason)
    merged = style.fmt != "txt"
    _put_levels(
        grid,
        first,
        facts.rows,
        0,
        1,
        {i: r.level1 for i, r in enumerate(facts.rows)},
        {i: r.level2 for i, r in enumerate(facts.rows)},
        merged=merged,
        repeat1=style.repeat_labels,
        repeat2=style.repeat_labels,
    )
    grid.body = (first, first + len(facts.rows) - 1)
    grid.add(("总分", 5), "100", _score_cell(facts.total), "")
    if tail_rows:
        if facts.grade is not None:
            grid.add("评价等级", (facts.grade, 7))
        if facts.problems is not None:
            grid.add("存在的问题及改进措施", (_numbered(facts.problems), 7))
    return grid


# ---------------------------------------------------------------------------------------------
# The simple table
# ---------------------------------------------------------------------------------------------


def simple_grid(
    facts: Facts,
    style: Style,
    rng: random.Random,
    printed: Printed,
    *,
    form_rows: list[str] | None,
    total_row: bool,
) -> Grid:
    """The indicator table; with ``form_rows`` (title rows, possibly none) also the header,
    budget block and the closing rows of a form."""
    variant = rng.randrange(4)
    header = [
        ["指标名称", "目标值", "完成值", "权重", "得分"],
        ["绩效指标", "年度目标值", "实际完成值", "分值", "自评得分"],
        ["序号", "指标内容", "计划目标", "完成情况", "权重", "得分"],
        ["指标名称", "目标值", "完成值", "权重", "得分", "备注"],
    ][variant]
    seq = variant == 2
    remark = variant == 3
    printed.row_reasons = printed.row_reasons or remark
    n = len(header)
    grid = Grid(n)
    if form_rows is not None:
        for text in form_rows:
            grid.add((text, n))
        grid.add("项目名称", (facts.name, n - 1))
        grid.add(rng.choice(("单位名称", "填报单位")), (facts.unit, n - 1))
        b = facts.budget
        lead = n - 4
        grid.add(
            (f"预算执行情况（{style.table_unit}）", lead),
            "全年预算数",
            "全年执行数",
            "执行率",
            f"得分（{b.weight}分）",
        )
        grid.add(
            ("年度资金总额", lead),
            _amount_cell(b.planned, style.table_unit, rng),
            _amount_cell(b.executed, style.table_unit, rng),
            _rate_cell(facts, rng, printed),
            _score_cell(b.score),
        )
    grid.add(*header)
    grid.body = (len(grid.rows), len(grid.rows) + len(facts.rows) - 1)
    for i, r in enumerate(facts.rows, 1):
        cells: list[str | Cell] = [r.name, r.target, r.actual, _score_cell(r.weight), _score_cell(r.score)]
        if seq:
            cells.insert(0, str(i))
        if remark:
            cells.append(r.reason)
        grid.add(*cells)
    if total_row:
        score_col = n - 2 if remark else n - 1
        grid.add(("总分", score_col), _score_cell(facts.total), *([""] if remark else []))
    if form_rows is not None:
        if facts.grade is not None:
            grid.add("评价等级", (facts.grade, n - 1))
        if facts.problems is not None:
            grid.add("存在的问题及改进措施", (_numbered(facts.problems), n - 1))
    return grid


# ---------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------


def weights_sentence(facts: Facts, rng: random.Random) -> str:
    p = facts.profile
    parts = [f"预算执行率指标{p.budget}分", f"产出指标{p.output}分", f"效益指标{p.effect}分"]
    if p.satisfaction:
        parts.append(f"满意度指标{p.satisfaction}分")
    if rng.random() < 0.5:
        return "本项目绩效评价指标体系满分为100分，其中" + "、".join(parts) + "。"
    parts.insert(0, parts.pop(1))
    return "一级指标权重统一设置为：" + "、".join(parts) + "。"


def budget_sentences(
    facts: Facts,
    style: Style,
    rng: random.Random,
    printed: Printed,
    *,
    with_score: bool,
    state_initial: bool = False,
) -> list[str]:
    """The budget statement of a narrative, every figure with the keyword jixiao reads it by;
    ``state_initial`` names the 年初预算 even when it equals the budget."""
    b = facts.budget
    u = style.prose_unit

    def m(yuan: Decimal) -> str:
        return prose_amount(yuan, u, rng)

    rate = printed.rate_text
    y, name = facts.year, facts.name
    if b.initial != b.planned:
        first = f"{y}年该项目年初预算{m(b.initial)}，调整后全年预算数为{m(b.planned)}，"
    elif state_initial:
        first = f"{y}年该项目年初预算{m(b.initial)}，全年预算数{m(b.planned)}，"
    else:
        first = rng.choice(
            (
                f"{y}年{name}项目预算安排{m(b.planned)}，",
                f"该项目{y}年全年预算数为{m(b.planned)}，",
                f"项目资金来源于一般公共预算财政拨款，{y}年预算资金{m(b.planned)}，",
                f"{y}年度{name}项目批复预算{m(b.planned)}，",
            )
        )
    received = rng.choice((f"实际到位资金{m(b.received)}，", f"资金到位{m(b.received)}，", ""))
    spent = rng.choice(
        (
            f"实际支出{m(b.executed)}，",
            f"全年执行数为{m(b.executed)}，",
            f"实际使用资金{m(b.executed)}，",
            f"截至12月31日实际执行金额{m(b.executed)}，",
        )
    )
    rate_part = rng.choice((f"预算执行率{rate}。", f"执行率为{rate}。", f"预算执行率达{rate}。"))
    out = [first + received + spent + rate_part]
    if with_score:
        out.append(
            rng.choice(
                (
                    f"按照预算执行率计算，预算执行情况得分为{show(b.score)}分。",
                    f"预算执行率指标权重{b.weight}分，该项自评得分{show(b.score)}分。",
                    f"预算执行情况：执行率{rate}，得分{show(b.score)}分。",
                )
            )
        )
    return out


def total_sentence(facts: Facts, rng: random.Random) -> str:
    t = show(facts.total)
    head = rng.choice(
        (
            f"综合以上情况，{facts.name}项目{facts.year}年度绩效自评总分为{t}分",
            f"经自评工作组综合评价，该项目最终得分{t}分",
            f"根据评价指标体系逐项打分，本项目综合得分{t}分",
            f"按照评分标准，项目自评得分{t}分",
            f"经综合评定，该项目综合评分为{t}分",
        )
    )
    if facts.grade is None:
        return head + "。"
    g = facts.grade
    return head + rng.choice(
        (f"，评价等级为“{g}”。", f"，绩效评价等级为{g}。", f"，自评等级：{g}。", f"，等级评定为“{g}”。")
    )


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------


def compose(facts: Facts, style: Style, rng: random.Random) -> tuple[Doc, Printed]:
    printed = Printed(rate_text(facts.budget.stated_rate, rng))
    doc = _narrative(facts, style, rng, printed) if style.narrative else _form(facts, style, rng, printed)
    if style.fmt in {"docx", "pdf"}:
        _break_tables(doc, rng)
    return doc, printed


def _break_tables(doc: Doc, rng: random.Random) -> None:
    """Save some indicator tables as two tables, the second without a header (a table that was
    broken across pages and split in Word)."""
    blocks: list[Para | Grid] = []
    for block in doc.blocks:
        if isinstance(block, Grid) and block.body is not None and rng.random() < 0.25:
            first, last = block.body
            if last - first >= 5:
                blocks.extend(block.split(rng.randint(first + 2, last - 1)))
                continue
        blocks.append(block)
    doc.blocks = blocks


def _form(facts: Facts, style: Style, rng: random.Random, printed: Printed) -> Doc:
    doc = Doc(title=f"{facts.name}项目绩效自评表")
    sheet = style.fmt == "xlsx"
    y, name = facts.year, facts.name
    if style.layout == "hubei":
        title = rng.choice(
            (f"{y}年度{name}项目自评表", f"{y}年度{name}项目绩效自评表", f"{y}年{name}项目支出绩效自评表")
        )
        unit_line = f"单位名称：{facts.unit}"
        date_line = f"填报日期：{date_text(facts, rng)}"
        if sheet:
            doc.grid(hubei_grid(facts, style, rng, printed, title_rows=[title, unit_line], date_row=True))
        else:
            doc.p(title, "title")
            doc.p(unit_line)
            doc.p(date_line)
            doc.grid(hubei_grid(facts, style, rng, printed, title_rows=[]))
    elif style.layout == "national":
        unit_line = f"{rng.choice(('填报单位（盖章）', '填报单位', '单位名称'))}：{facts.unit}"
        if sheet:
            title = rng.choice((f"项目支出绩效自评表（{y}年度）", f"{y}年度{name}项目支出绩效自评表"))
            doc.grid(national_grid(facts, style, rng, printed, title_rows=[title, unit_line], tail_rows=True))
        else:
            doc.p("项目支出绩效自评表", "title")
            doc.p(f"（{y}年度）", "center")
            doc.p(unit_line)
            tail_rows = rng.random() < 0.5
            doc.grid(national_grid(facts, style, rng, printed, title_rows=[], tail_rows=tail_rows))
            if not tail_rows:
                if facts.grade is not None:
                    doc.p(f"评价等级：{facts.grade}")
                if facts.problems is not None:
                    doc.p("存在的问题及改进措施")
                    for text in facts.problems:
                        doc.p(text)
    else:
        title = rng.choice((f"{y}年度{name}项目绩效自评表", f"{name}项目{y}年度绩效自评表"))
        if sheet:
            doc.grid(simple_grid(facts, style, rng, printed, form_rows=[title], total_row=True))
        else:
            doc.p(title, "title")
            if style.weights_sentence:
                doc.p(weights_sentence(facts, rng))
            doc.grid(simple_grid(facts, style, rng, printed, form_rows=[], total_row=True))
    return doc


def _heading(doc: Doc, number: int, text: str) -> None:
    doc.p(f"{CHINESE_NUMBERS[number - 1]}、{text}", "heading1")


def _narrative(facts: Facts, style: Style, rng: random.Random, printed: Printed) -> Doc:
    doc = Doc(title=f"{facts.name}项目绩效自评报告")
    y, name, unit = facts.year, facts.name, facts.unit
    front = rng.randrange(5)
    unit_in_front = front in {1, 2, 4}
    if front == 0:
        doc.p(f"{y}年度{name}项目绩效自评报告", "title")
    elif front == 1:
        doc.p(unit, "title")
        doc.p(f"{y}年度{name}项目绩效自评报告", "title")
    elif front == 2:
        doc.p(f"{y}年{unit}", "title")
        doc.p(f"关于{name}项目的绩效自评报告", "title")
    elif front == 3:
        doc.p(f"{name}项目{y}年绩效自评报告", "title")
    else:
        doc.p(f"{y}年度{name}项目支出绩效自评报告", "title")
        doc.p(f"单位名称：{unit}", "center")

    def fill(template: str) -> str:
        return template.format(
            u=unit,
            n=name,
            y=y,
            a=rng.choice(vocab.ACTIVITIES),
            a2=rng.choice(vocab.ACTIVITIES),
            p=rng.choice(vocab.GROUPS_OF_PEOPLE),
            t=rng.choice(vocab.THINGS),
        )

    section = 1
    _heading(doc, section, "项目基本情况")
    sub = rng.random() < 0.5
    if sub:
        doc.p("（一）项目概况", "heading2")
    for template in rng.sample(vocab.BACKGROUND, k=rng.randint(2, 4)):
        doc.p(fill(template))
    if sub:
        doc.p("（二）项目绩效目标", "heading2")
    doc.p(facts.objectives[0])

    section += 1
    _heading(doc, section, rng.choice(("项目资金使用及管理情况", "预算执行情况", "项目资金投入和使用情况")))
    simple = style.layout == "simple"
    # The national form prints 年初预算数 rounded to 万元; the prose states the exact 年初 too, or
    # (in an inbox with the known issues' wordings, for variety) only the exact 全年预算, which
    # jixiao must then compare with the rounded 年初 at the precision it was printed with.
    rounded_initial = style.layout == "national" and style.table_unit == "万元"
    if rounded_initial and style.known_issues:
        rounded_initial = False
    sentences = budget_sentences(
        facts, style, rng, printed, with_score=simple or rng.random() < 0.3, state_initial=rounded_initial
    )
    for text in sentences:
        doc.p(text)
    if rng.random() < 0.4:
        _detail_lines(doc, facts, style, rng)
    doc.p(fill(rng.choice(vocab.BACKGROUND[3:4] + vocab.BACKGROUND[7:8])))

    section += 1
    _heading(doc, section, rng.choice(("项目绩效目标完成情况", "绩效指标完成情况", "项目绩效情况")))
    for template in rng.sample(vocab.ACHIEVEMENTS, k=rng.randint(1, 3)):
        doc.p(fill(template))
    if style.weights_sentence:
        doc.p(weights_sentence(facts, rng))
    attached = False
    if simple:
        doc.p(rng.choice(("各项绩效指标完成情况如下表：", "具体指标完成情况见下表。", "绩效指标完成情况表")))
        doc.grid(simple_grid(facts, style, rng, printed, form_rows=None, total_row=rng.random() < 0.4))
    elif rng.random() < 0.5:
        doc.p("各项指标的目标值、完成值及自评得分详见下表。")
        _form_inside(doc, facts, style, rng, printed)
    else:
        doc.p("各项指标完成情况详见附件绩效自评表。")
        attached = True

    section += 1
    _heading(doc, section, rng.choice(("自评结论", "综合评价结论", "项目综合评价结论和评价等级")))
    if facts.profile.scheme == "hebei-2020" and rng.random() < 0.5:
        doc.p(
            "项目综合绩效评价分为4个等级：得分≥85分为优秀；75≤得分＜85分为良好；60≤得分＜75分为一般；得分＜60分为较差。"
        )
    doc.p(total_sentence(facts, rng))

    if facts.problems is not None:
        section += 1
        _heading(
            doc, section, rng.choice(("存在的问题及改进措施", "存在的问题和改进措施", "存在问题及整改措施"))
        )
        if _nothing(facts.problems):
            doc.p(facts.problems[0])
        else:
            sub = rng.random() < 0.5
            if sub:
                doc.p("（一）存在的问题", "heading2")
            for i, text in enumerate(facts.problems, 1):
                doc.p(f"{i}、{text}" if len(facts.problems) > 1 else text)
            if sub:
                doc.p("（二）改进措施", "heading2")
            for i, text in enumerate(facts.measures, 1):
                doc.p(f"{i}、{text}" if len(facts.measures) > 1 else text)
    if _nothing(facts.problems) or rng.random() < 0.5:
        section += 1
        _heading(doc, section, rng.choice(("下一步工作计划", "其他需要说明的情况", "结果应用")))
        doc.p(fill(rng.choice(vocab.NEXT_STEPS)))
    # The unit is stated somewhere: in the front matter, in the form, or in the signature.
    if rng.random() < 0.6 or (not unit_in_front and simple):
        doc.p(unit, "right")
        doc.p(date_text(facts, rng), "right")
    if attached:
        doc.p(f"附件：{y}年度{name}项目绩效自评表")
        _form_inside(doc, facts, style, rng, printed)
    return doc


def _form_inside(doc: Doc, facts: Facts, style: Style, rng: random.Random, printed: Printed) -> None:
    """The hubei or national form inside (or attached to) a narrative report."""
    y, name = facts.year, facts.name
    if style.layout == "hubei":
        doc.p(f"{y}年度{name}项目自评表", "center")
        doc.p(f"单位名称：{facts.unit}")
        doc.grid(hubei_grid(facts, style, rng, printed, title_rows=[]))
    else:
        doc.p("项目支出绩效自评表", "center")
        doc.p(f"（{y}年度）", "center")
        doc.p(f"{rng.choice(('填报单位（盖章）', '填报单位', '单位名称'))}：{facts.unit}")
        doc.grid(national_grid(facts, style, rng, printed, title_rows=[], tail_rows=False))
        if facts.grade is not None:
            doc.p(f"评价等级：{facts.grade}")


def _detail_lines(doc: Doc, facts: Facts, style: Style, rng: random.Random) -> None:
    """表1: budget detail lines that add up to the budget and to the spending exactly."""
    b = facts.budget
    unit = "元" if style.exact_yuan else rng.choice(("元", "万元"))
    quantum = Decimal(1) if style.exact_yuan else Decimal(100)
    k = rng.randint(3, 7)
    planned = _split_amount(rng, b.planned, k, quantum)
    executed: list[Decimal] = []
    rate = b.executed / b.planned
    for amount in planned[:-1]:
        executed.append(((amount * rate) / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum)
    executed.append(b.executed - sum(executed, Decimal(0)))
    if executed[-1] < 0:
        executed = [*planned[:-1], b.executed - sum(planned[:-1], Decimal(0))]
        if executed[-1] < 0:
            return
    doc.p(f"具体明细见表1。表1  {facts.name}项目资金明细")
    grid = Grid(4)
    # 决算金额 and 账面支出 are what seed 002 uses; 实际支出 is also the 预算执行 block's word, so
    # jixiao must tell this table from the block by more than its spending column's title.
    spent = rng.choice(("决算金额", "账面支出", "实际支出"))
    grid.add("序号", "项目内容", f"预算金额（{unit}）", f"{spent}（{unit}）")
    names = rng.sample(vocab.ACTIVITIES, k=k)
    for i, (p, e) in enumerate(zip(planned, executed, strict=True), 1):
        grid.add(str(i), f"{names[i - 1]}工作经费", _line_amount(p, unit), _line_amount(e, unit))
    grid.add(("合计", 2), _line_amount(b.planned, unit), _line_amount(b.executed, unit))
    doc.grid(grid)


def _line_amount(yuan: Decimal, unit: str) -> Cell:
    if unit == "万元":
        value = yuan / WAN
        return Cell(f"{value:,.2f}", float(value), "#,##0.00")
    return Cell(f"{yuan:,.2f}", float(yuan), "#,##0.00")


def _split_amount(rng: random.Random, total: Decimal, k: int, quantum: Decimal) -> list[Decimal]:
    units = int(total // quantum)
    rest = total - units * quantum
    cuts = sorted(rng.sample(range(1, units), k - 1)) if units > k else list(range(1, k))
    bounds = [0, *cuts, units]
    parts = [Decimal(bounds[i + 1] - bounds[i]) * quantum for i in range(k)]
    parts[-1] += rest
    return parts
