"""Budget, spending, rate, score and grade sentences of narrative reports, in wordings written
here (not taken from the corpus), and near-misses whose right answer is “not read”."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.extract.budget_prose import from_prose
from jixiao.intake.extract.narrative import prose_grade
from jixiao.intake.extract.narrative import prose_indicators
from jixiao.intake.extract.narrative import prose_total
from jixiao.intake.extract.sections import Para
from jixiao.intake.extract.sections import outline
from jixiao.intake.pipeline import extract_file

D = Decimal


def paras(*texts: str) -> list[Para]:
    doc = Document(path="x", format="txt", blocks=[Paragraph(t, f"第{i + 1}行") for i, t in enumerate(texts)])
    return outline(doc)


def budget(*texts: str) -> dict[str, Decimal | None]:
    facts, _ = from_prose(paras(*texts))
    return {
        "planned": facts.planned,
        "initial": facts.initial,
        "received": facts.received,
        "executed": facts.executed,
        "rate": facts.rate,
    }


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        # 指标金额 / 拨付: disbursed money is received, not spent
        (
            ("本年度县财政下达该项经费，指标金额是86万元，实际拨付金额是80万元。",),
            {"planned": D(860000), "received": D(800000), "executed": None},
        ),
        # 项目资金 / 已支付 / 支付率
        (
            ("2023年项目资金为23.5万元，实际已支付23.5万元，支付率为100%。",),
            {"planned": D(235000), "executed": D(235000), "rate": D(1)},
        ),
        # 下达 with a qualifier between the verb and 资金
        (("上级下达专项补助资金120万元，全部用于村道硬化。",), {"planned": D(1200000), "executed": None}),
        # 安排项目资金
        (("为完成上述任务，安排项目资金48万元。",), {"planned": D(480000)}),
        # 全年预算 in 元 with thousands separators, spending in 万元 in the same sentence
        (
            ("全年预算数为3,250,000.00元，截至12月31日累计支出318.6万元，占预算的98.03%。",),
            {"planned": D("3250000.00"), "executed": D(3186000), "rate": D("0.9803")},
        ),
        # 资金总额 … 全年共支出 … 执行率达
        (
            ("本项目资金总额共计500万元，全年共支出487.5万元，预算执行率达97.5%。",),
            {"planned": D(5000000), "executed": D(4875000), "rate": D("0.975")},
        ),
        # clause order: spending first, budget later
        (
            ("截至年底，实际支出资金76.8万元，年度预算安排80万元，执行率96%。",),
            {"planned": D(800000), "executed": D(768000), "rate": D("0.96")},
        ),
        # the nearest keyword decides: 项目资金的实际支出 is spending
        (
            ("截至评价时点，项目资金的实际支出1,234,567.80元。",),
            {"planned": None, "executed": D("1234567.80")},
        ),
        # 年初预算 + 追加 in 元: the adjusted budget is their sum
        (
            ("保洁服务费年初预算300万元，执行中追加预算456,789.10元，全年实际支出3,456,789.10元。",),
            {"initial": D(3000000), "planned": D("3456789.10"), "executed": D("3456789.10")},
        ),
        # 年初 alone is the budget
        (
            ("年初预算批复42万元，实际执行42万元。",),
            {"initial": D(420000), "planned": D(420000), "executed": D(420000)},
        ),
        # a 调减 lowers it
        (
            ("年初预算安排100万元，年中调减预算20万元，实际支出79.5万元。",),
            {"initial": D(1000000), "planned": D(800000), "executed": D(795000)},
        ),
        # 其中: the parts are not the project's figures; the whole comes back after them
        (
            ("全年预算200万元，其中中央资金120万元，地方资金80万元，全年实际支出195万元，执行率97.5%。",),
            {"planned": D(2000000), "executed": D(1950000), "rate": D("0.975")},
        ),
        # 其中： lists parts up to the end of the sentence
        (
            ("预算资金合计60万元。其中：本级资金40万元，实际支出38万元，执行率95%；上级资金20万元。",),
            {"planned": D(600000), "executed": None, "rate": None},
        ),
        # a numbered list of items that repeat the same figures: sub-items, then the whole
        (
            (
                "1、培训费10万元，实际已支付9万元，支付率90%；",
                "2、印刷费5万元，实际已支付5万元，支付率100%。",
                "以上项目资金合计15万元，实际已支付14万元，支付率93.33%。",
            ),
            {"planned": D(150000), "executed": D(140000), "rate": D("0.9333")},
        ),
        # short numbered items read as headings are items all the same
        (
            ("（1）培训费预算10万元", "（2）印刷费预算5万元", "项目预算合计15万元，全年实际支出14.2万元。"),
            {"planned": D(150000), "executed": D(142000)},
        ),
        # a label that carries the unit, then a bare number
        (
            ("全年预算数（万元）：52.80", "全年执行数(万元): 50.16", "执行率：95%"),
            {"planned": D(528000), "executed": D(501600), "rate": D("0.95")},
        ),
        (("项目资金（元）：1,234,500.00",), {"planned": D("1234500.00")}),
        # 实施 … 经费
        (("在全镇范围内实施2022年农机购置补贴经费12.6万元。",), {"planned": D(126000)}),
        # 部门整体 budget in 元
        (
            ("部门整体支出总额预算数12,345,678.90元，执行数12,000,000.00元。",),
            {"planned": D("12345678.90"), "executed": D(12000000)},
        ),
        # one figure named twice in a sentence: the sum when it is marked as one
        (
            ("中央财政下达资金80万元，省级财政下达资金20万元，合计下达资金100万元，实际支出96万元。",),
            {"planned": D(1000000), "executed": D(960000)},
        ),
        # a department's revenue budget is not its spending budget
        (
            ("2023年部门收入预算6,120.5万元，支出预算5,980万元，全年实际支出5,861.2万元，执行率98.01%。",),
            {"planned": D(59800000), "executed": D(58612000), "rate": D("0.9801")},
        ),
        # the form's three figures written as a sentence
        (
            ("年初预算数320万元，全年预算数350万元，全年执行数346.5万元，执行率99%。",),
            {"initial": D(3200000), "planned": D(3500000), "executed": D(3465000), "rate": D("0.99")},
        ),
        # 全年度实际总支出 with a space before the unit
        (
            ("实际下达预算88万元，全年度实际总支出87.12 万元。",),
            {"planned": D(880000), "executed": D(871200)},
        ),
    ],
)
def test_budget_sentences(texts: tuple[str, ...], want: dict[str, Decimal | None]) -> None:
    got = budget(*texts)
    for key, value in want.items():
        assert got[key] == value, key


@pytest.mark.parametrize(
    "text",
    [
        "本项目计划总投资1200万元，分三年实施。",  # a total investment is not a year's budget
        "项目支出14.97万元，主要用于档案整理。",  # 项目支出 names a budget category
        "剩余未执行完的3.5万元将结转下年使用。",
        "年终结余资金2.3万元已上缴财政。",
        "按每月65,600.00元的标准与服务单位结算。",
        "全年共支付12个月份合计786,000.00元。",  # “支付” does not name this amount
        "受益群众满意度达到95%，覆盖率100%。",  # rates that are not execution rates
        "培训费支出12万元，占预算的24%。",  # a share of a part, not the execution rate
        "培训费执行率90%，印刷费执行率100%。",  # items' rates
        "中央财政下达资金80万元，省级财政下达资金20万元。",  # two parts and no sum: neither is the budget
        "项目总预算1500万元，分三年安排。",  # a multi-year total
        "预算数（万元）：见附表2。",  # a unit with no number after it
        "人数（人）：120",  # not money
        "支出较上年增加35.2万元，增长12%。",  # a change on last year, not a budget figure
    ],
)
def test_budget_near_misses_read_nothing(text: str) -> None:
    got = budget(text)
    assert got["planned"] is None and got["executed"] is None and got["rate"] is None, got


def test_two_amounts_for_one_figure_without_a_sum_are_reported_not_read() -> None:
    facts, notes = from_prose(paras("市级下达资金30万元，县级下达资金12万元，实际支出40万元。"))
    assert facts.planned is None and facts.executed == D(400000)
    assert [(n.role, n.where) for n in notes] == [("planned", "正文 第1段（第1行）")]
    assert "多个预算数" in notes[0].reason


def test_an_adjustment_apart_from_the_initial_budget_is_not_guessed() -> None:
    facts, notes = from_prose(
        paras("年初预算安排50万元。", "因工作量增加，下半年追加资金8万元。", "全年实际支出56万元。")
    )
    assert facts.initial == D(500000)
    assert facts.planned is None  # 50 + 8 would be a guess: the adjustment stands alone
    assert facts.executed == D(560000)
    assert notes and notes[0].role == "planned" and "调整" in notes[0].reason


@pytest.mark.parametrize(
    ("texts", "total"),
    [
        (("经自评，本项目自评得分为96.5分。",), D("96.5")),
        (("项目综合得分96分，绩效等级为优。",), D(96)),
        (("项目自评分：88分",), D(88)),
        (("整体而言，本局2023年支出绩效完成情况自评分93分。",), D(93)),
        (("综合评价得分为 91.25分。",), D("91.25")),
        (("对照年初设定的各项指标值进行打分，自评得分100分。",), D(100)),
        (("因此评价分95分，自评等级为优秀。",), D(95)),
        (("本次评价总分100分，自评得分87分。",), D(87)),  # 总分100 is the form's maximum here
        (("自评总分：92",), D(92)),  # no 分, but the clause ends with the number
        (("项目绩效自评分数为89.5分。",), D("89.5")),
        # an item's score before the total does not win over it
        (("预算执行率得分9分。", "产出指标得分48分。", "最终得分90分。"), D(90)),
        # budget execution's own points, in a sentence about it, then the total as a generic 得分
        (("资金预算执行率：全年执行率95.5%，得分9.55分。", "经综合评定，该项目得分92分，等级为优。"), D(92)),
        (("2.项目资金执行情况，执行率88%，得分8.8分；", "本项目自评得分90.5分。"), D("90.5")),
        # a numbered list of items, each with its 自评得分, then the total
        (
            (
                "1.资金到位率，年初目标值=100%，实际完成值=100%，自评得分25分；",
                "2.补助发放率，年初目标值≥95%，实际完成值98%，自评得分25分；",
                "3.群众满意度，年初目标值≥90%，实际完成值92%，自评得分25分；",
                "4.工作完成及时率，年初目标值≥90%，实际完成值95%，自评得分20分。",
                "综上，项目评价分95分。",
            ),
            D(95),
        ),
    ],
)
def test_total_sentences(texts: tuple[str, ...], total: Decimal) -> None:
    found = prose_total(paras(*texts))
    assert found is not None and found[0] == total


@pytest.mark.parametrize(
    "texts",
    [
        ("满意度指标得分10分。",),  # a group's score
        ("该项自评得分20分。",),
        ("预算执行情况：执行率90.98%，得分9.1分。",),  # budget execution's points
        (
            "1.覆盖率，年初目标值≥90%，实际完成值≥90%，自评得分20分；",
            "2.知晓率，年初目标值≥80%，实际完成值85%，自评得分20分；",
        ),
        ("自评得分90分（含）以上为优，80分（含）至90分为良。",),  # grade bands
        ("项目满分100分，权重分值按指标重要程度设置。",),
        ("自评得分120分。",),  # not a 100-point score
        ("评价指标体系总分为100分，其中产出指标50分、效益指标30分。",),  # the form's maximum
        ("总分100分，产出指标40分，效益指标30分，满意度指标10分，预算执行率20分。",),
    ],
)
def test_total_near_misses_read_nothing(texts: tuple[str, ...]) -> None:
    assert prose_total(paras(*texts)) is None


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("自评结果为“优”。", "优"),
        ("综合评价等级为“良”，其中：5个项目评价等级为“优”有3个。", "良"),
        ("因此评价分100分，自评等级为优秀。", "优秀"),
        ("绩效评价结论：良好。", "良好"),
        ("经自评，该项目绩效等级评定为合格。", "合格"),
        ("本项目评价等次为“中”，下一步将加强管理。", "中"),
        ("经自评，项目得分95分，等级为优。", "优"),
    ],
)
def test_grade_sentences(text: str, grade: str) -> None:
    found = prose_grade(paras(text))
    assert found is not None and found[0] == grade


@pytest.mark.parametrize(
    "texts",
    [
        ("本级48个项目评价等级为“优”有37个、评价等级为“中”有5个。",),  # counts of graded items
        ("工程质量等级为合格。",),  # the works' quality, not the evaluation
        ("项目得分95分，工程质量等级为合格。",),  # a score before it does not make it the evaluation's
        ("得分≥90分为优秀；80≤得分＜90分为良好。",),
        ("评价等级分为优、良、中、差四个等次。",),
        ("自评结论：各项工作顺利完成，取得良好的社会效益。",),
        ("项目被评为优秀示范工程。",),
        ("1、甲项目评价等级为“优”；", "2、乙项目评价等级为“良”。"),  # grades of listed projects
    ],
)
def test_grade_near_misses_read_nothing(texts: tuple[str, ...]) -> None:
    assert prose_grade(paras(*texts)) is None


def test_indicator_lines_with_their_scores() -> None:
    found = prose_indicators(
        paras(
            "（1）农户补贴发放到位率，年初目标值=100%，实际完成值=100%，自评得分15分；",
            "（2）新建机耕道长度，计划目标值≥12公里，实际完成值12.6公里，得分为15分；",
            "（3）受益农户满意度，年初目标值≥90%，实际完成值93%。",
        )
    )
    assert [(i.name, i.claimed_score) for i in found] == [
        ("农户补贴发放到位率", D(15)),
        ("新建机耕道长度", D(15)),
        ("受益农户满意度", None),
    ]
    assert found[1].actual is not None and found[1].actual.value == D("12.6")
    assert found[2].level1 == "满意度指标"


def test_an_indicator_line_without_a_name_is_not_read() -> None:
    assert prose_indicators(paras("年初目标值≥90%，实际完成值≥90%，自评得分20分。")) == []


def test_an_unsettled_budget_is_a_finding_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    path.write_text(
        "2024年度乡村公路养护项目绩效自评报告\n一、资金情况\n市级下达资金30万元，县级下达资金12万元，实际支出40万元。\n",
        encoding="utf-8",
    )
    ev = extract_file(path)
    assert ev.budget.planned_yuan is None and ev.budget.executed_yuan == D(400000)
    notes = [f for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE"]
    assert any("多个预算数" in f.message and f.location and "第3行" in f.location for f in notes), notes


def test_a_long_run_on_paragraph_is_read_in_linear_time() -> None:
    # 70,000+ characters with thousands of amounts, scores and grades and no sentence break (a text
    # whose line breaks were lost): each reader once took 6–14 s on this, quadratic in the length.
    text = "项目预算100万元实际支出98万元执行率98%产出指标得分40分自评得分96分评价等级为优" * 1500
    started = time.perf_counter()
    facts, _ = from_prose(paras(text))
    prose_total(paras(text))
    prose_grade(paras(text))
    assert time.perf_counter() - started < 3
    assert facts.planned == D(1000000) and facts.executed == D(980000)


def test_an_earlier_years_figures_are_not_this_years(tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    path.write_text(
        "某县2022年度农村供水保障项目绩效自评报告\n"
        "一、以前年度情况\n2021年本项目预算80万元，实际支出75万元，执行率93.75%，自评得分88分，评价等级为良。\n"
        "二、本年度资金情况\n本年度全年预算数为96万元，实际支出94.08万元，执行率98%。2020年曾安排资金60万元。\n"
        "三、自评结论\n数量指标：新建供水点12处，得分20分；质量指标：水质达标率100%，得分15分。\n"
        "经综合评定，本项目自评得分93分，评价等级为优。\n",
        encoding="utf-8",
    )
    ev = extract_file(path)
    assert ev.project.year == 2022
    assert ev.budget.planned_yuan == D(960000) and ev.budget.executed_yuan == D(940800)
    assert ev.budget.stated_rate == D("0.98")
    assert ev.claimed.total == 93 and ev.claimed.grade == "优"  # not 2021's 88/良, not an item's 20


def test_a_later_date_does_not_hide_this_years_spending() -> None:
    facts, _ = from_prose(paras("截至2023年3月，2022年度项目实际支出45万元。", "项目预算50万元。"), 2022)
    assert facts.executed == D(450000) and facts.planned == D(500000)
    facts, _ = from_prose(paras("2021年项目预算50万元，实际支出45万元。"), 2022)
    assert facts.planned is None and facts.executed is None
