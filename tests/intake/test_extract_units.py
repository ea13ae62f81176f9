"""The extractors' building blocks on small texts, in wordings beyond the corpus."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import clean_text
from jixiao.intake.extract import lines as lines_ex
from jixiao.intake.extract.budget_prose import from_prose
from jixiao.intake.extract.header import checked_option
from jixiao.intake.extract.header import parse_date
from jixiao.intake.extract.indicators import label_kind
from jixiao.intake.extract.narrative import prose_grade
from jixiao.intake.extract.narrative import prose_indicators
from jixiao.intake.extract.narrative import prose_total
from jixiao.intake.extract.narrative import prose_weights
from jixiao.intake.extract.prose import amounts
from jixiao.intake.extract.sections import outline
from jixiao.intake.readers.text import parse_lines


def paras(*texts: str):
    doc = Document(path="x", format="txt", blocks=[Paragraph(t, f"第{i + 1}行") for i, t in enumerate(texts)])
    return outline(doc)


@pytest.mark.parametrize(
    ("text", "option"),
    [
        ("1、部门预算项目 ☑ 2、区级专项 ☐ 3、转移支付项目 ☐", "部门预算项目"),
        ("1、部门预算项目   □   2、专项资金 ■   3、上级转移支付项目 □", "专项资金"),
        ("☐新增项目 ☑延续项目", "延续项目"),
        (
            '1、持续性项目 <input checked="" type="checkbox"/> 2、新增性项目 <input type="checkbox"/>',
            "持续性项目",
        ),
        ("1、常年性项目 □ 2、延续性项目 □", None),
    ],
)
def test_checked_option(text: str, option: str | None) -> None:
    assert checked_option(clean_text(text)) == option


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2019-7-28", dt.date(2019, 7, 28)),
        ("2021年6月30日", dt.date(2021, 6, 30)),
        ("２０２２．０３．０１", dt.date(2022, 3, 1)),
        ("无", None),
    ],
)
def test_parse_date(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


def test_amounts_need_a_money_unit() -> None:
    found = amounts("预算487万，实际支出483.3万元，受益5万人，共5,358,672.00 元，1.2亿元")
    assert [a.yuan for a in found] == [
        Decimal(4870000),
        Decimal(4833000),
        Decimal("5358672.00"),
        Decimal(120000000),
    ]


def test_prose_budget_roles_by_the_keyword_before_each_amount() -> None:
    facts, _ = from_prose(
        paras(
            "资金来源于财政拨款，2023年预算安排45.6万元，其中结余0.4万元，资金到位45.6万元，实际支出43.32万元，预算执行率95%。"
        )
    )
    assert facts.planned == Decimal(456000)
    assert facts.received == Decimal(456000)
    assert facts.executed == Decimal(433200)
    assert facts.rate == Decimal("0.95")


def test_prose_lines_groups_and_spending() -> None:
    result = lines_ex.from_prose(
        paras(
            "1、设备购置费30万元；",
            "电脑12万元；",
            "打印机18万元；",
            "2、培训费10万元；",
            "讲师费6万元；",
            "场地费4万元。",
            "全年实际支出40万元。",
        )
    )
    assert result is not None
    top = [(line.name, line.executed_yuan) for line in result.lines if line.group is None]
    assert top == [("设备购置费", Decimal(300000)), ("培训费", Decimal(100000))]
    assert [line.group for line in result.lines if line.group] == ["设备购置费"] * 2 + ["培训费"] * 2
    assert all(line.planned_yuan is None for line in result.lines)


def test_prose_lines_without_closing_spending_are_planned() -> None:
    result = lines_ex.from_prose(
        paras("（1）人员经费12万元，用于聘用人员工资；", "（2）公用经费8万元，用于日常办公。")
    )
    assert result is not None
    assert [(line.name, line.planned_yuan) for line in result.lines] == [
        ("人员经费", Decimal(120000)),
        ("公用经费", Decimal(80000)),
    ]


def test_prose_totals_and_grades() -> None:
    assert prose_total(paras("指标体系设定满分100分，总分设定为100分。", "经评价，自评总分为88.5分。"))[
        0
    ] == Decimal("88.5")  # type: ignore[index]
    assert prose_total(paras("预算执行：该项自评得分20分。", "综合以上，最终得分91分。"))[0] == 91  # type: ignore[index]
    assert prose_total(paras("得分≥85分为优秀；75≤得分＜85分为良好。")) is None
    assert prose_grade(paras("得分≥85分为优秀；75≤得分＜85分为良好。")) is None
    assert prose_grade(paras("绩效评价等级为“良好”。"))[0] == "良好"  # type: ignore[index]


def test_prose_indicators_and_weights() -> None:
    found = prose_indicators(paras("办结及时率预期指标值为95%以上，全年实际完成值98.5%。"))
    assert len(found) == 1
    assert found[0].name == "办结及时率"
    assert found[0].target and found[0].target.value == 95 and found[0].target.op.value == ">="
    assert found[0].actual and found[0].actual.value == Decimal("98.5")
    weights = prose_weights(
        paras("权重设置为：产出指标50分、效益指标30分、满意度指标10分、预算执行率指标10分。")
    )
    assert {g.value: w for g, (w, _) in weights.items()} == {
        "output": 50,
        "effect": 30,
        "satisfaction": 10,
        "budget_execution": 10,
    }


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("产出指标（40分）", 1),
        ("效益指标", 1),
        ("数量指标(20分)", 2),
        ("质量指标(10)", 2),
        ("服务对象满意度指标", 2),
        ("满意度指标", 1),
        ("办公用房建设", None),
    ],
)
def test_label_kind(text: str, kind: int | None) -> None:
    assert label_kind(text) == kind


def test_text_cells_with_blank_paragraphs_stay_in_their_row() -> None:
    lines = [
        "标题",
        "\t一级指标",
        "\t三级指标",
        "\t得分",
        "",
        "\t",
        "",
        "",
        "效益指标",
        "\t完善救助",
        "\t",
        "",
        "8",
        "",
        "\t",
        "\t救助工作",
        "\t8",
        "",
        "",
        "正文继续。",
    ]
    blocks = parse_lines(lines)
    table = blocks[1]
    assert [p.text for p in blocks if isinstance(p, Paragraph)] == ["标题", "正文继续。"]
    assert table.text_rows() == [
        ["一级指标", "三级指标", "得分"],
        ["效益指标", "完善救助", "8"],
        ["", "救助工作", "8"],
    ]  # type: ignore[union-attr]


def test_report_sections_between_two_cell_per_line_tables_are_paragraphs() -> None:
    """A Tika-style dump of a report: 表1 cell by cell, the report's next sections, then the
    自评表. The sections are the report's own text (a heading says so), not more of 表1's last
    cell, and the 自评表 is a table of its own."""
    lines = [
        "\t序号", "\t项目内容", "\t预算金额", "",
        "\t1", "\t日间照料经费", "\t60", "",
        "项目建立了完善的内部管理制度，资金使用规范。",
        "三、绩效指标完成情况",
        "全年共组织开展助餐服务，覆盖辖区高龄老人。",
        "五、存在问题及整改措施",
        "1、部分指标未达到年初目标。",
        "\t指标名称", "\t目标值", "\t得分", "",
        "\t服务老人人次", "\t≥500人次", "\t9", "",
    ]  # fmt: skip
    blocks = parse_lines(lines)
    assert [type(b).__name__ for b in blocks] == ["Table", *["Paragraph"] * 5, "Table"]
    assert blocks[0].text_rows()[-1] == ["1", "日间照料经费", "60"]  # type: ignore[union-attr]
    assert blocks[4].text == "五、存在问题及整改措施"  # type: ignore[union-attr]
    assert blocks[-1].text_rows()[0] == ["指标名称", "目标值", "得分"]  # type: ignore[union-attr]


def test_a_cells_own_paragraphs_after_a_blank_one_stay_in_it() -> None:
    """Without a section heading, text after a blank line that leads on to the next cell is the
    cell's own (an empty paragraph inside it), enumerated points included."""
    lines = [
        "\t存在问题", "\t资金拨付偏慢", "", "1、部分项目推进较慢；", "2、档案不全。", "\t2",
        "", "\t改进措施", "\t加强管理", "\t3", "",
    ]  # fmt: skip
    (table,) = parse_lines(lines)
    assert table.text_rows() == [  # type: ignore[union-attr]
        ["存在问题", "资金拨付偏慢\n1、部分项目推进较慢；\n2、档案不全。", "2"],
        ["改进措施", "加强管理", "3"],
    ]


def test_tsv_rows_with_blank_lines_between_are_one_table() -> None:
    blocks = parse_lines(["项目名称\t\t社区建设", "", "主管部门\t街道\t实施单位\t社区", "说明文字"])
    assert len(blocks) == 2
    assert blocks[0].text_rows()[1] == ["主管部门", "街道", "实施单位", "社区"]  # type: ignore[union-attr]


def test_prose_initial_and_adjusted_budget() -> None:
    facts, _ = from_prose(paras("年初预算50万元，年中调整后预算数45万元，实际支出45万元。"))
    assert (facts.initial, facts.planned, facts.executed) == (
        Decimal(500000),
        Decimal(450000),
        Decimal(450000),
    )
    only, _ = from_prose(paras("该项目年初预算安排20万元，实际支出18万元。"))
    assert (only.initial, only.planned) == (Decimal(200000), Decimal(200000))


def test_scheme_weights_completed_from_the_rows() -> None:
    from jixiao.core.model import Group
    from jixiao.core.model import Indicator
    from jixiao.intake.pipeline import choose_scheme

    rows = (
        Indicator(level1="产出指标", name="a", weight=Decimal(25)),
        Indicator(level1="产出指标", name="b", weight=Decimal(15)),
        Indicator(level1="效益指标", name="c", weight=Decimal(40)),
    )
    scheme, ref = choose_scheme({Group.BUDGET_EXECUTION: Decimal(20)}, None, rows)
    assert scheme.id == "hubei-2019"
    assert (ref.weights.output, ref.weights.effect, ref.weights.satisfaction) == (40, 40, 0)
    # rows that do not complete the stated weights to 100: the scheme's defaults stand
    scheme, ref = choose_scheme({Group.BUDGET_EXECUTION: Decimal(10)}, None, rows[:2])
    assert scheme.id == "mof-2020"
    assert (ref.weights.output, ref.weights.effect) == (50, 30)
