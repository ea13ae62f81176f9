"""The national form family read from grids, in docx and xlsx, with layouts and wordings varied:
split headers, merged cells, 元 or 万元, a total row short of a figure, the transfer form, the
部门整体 form, 指标性质 | 指标值 | 度量单位 columns, 分值 before or after 实际完成值, 总分 rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from intake.form_makers import Layout
from intake.form_makers import write
from jixiao.core.model import Evaluation
from jixiao.core.model import Kind
from jixiao.core.model import Op
from jixiao.intake.pipeline import extract_file

FORMATS = ["docx", "xlsx", "html"]


def incomplete(ev: Evaluation) -> list[str]:
    return [f.message for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE"]


def national_split_header() -> Layout:
    """万元 in the label, 年初 present, the budget header split over two rows, an indicator header
    with 年度指标值 over 指标性质 | 指标值 | 度量单位, 分值 before 实际完成值, grade in the 总分 row."""
    w = ["<"] * 9
    return [
        [
            ["项目支出绩效自评表", *w],
            ["（2022年度）", *w],
            ["项目名称", "城乡居民健康体检", *["<"] * 8],
            ["主管部门", "县卫生健康局", "<", "<", "<", "实施单位", "县人民医院", "<", "<", "<"],
            ["项目资金（万元）", "", "", "年初", "全年", "全年", "分值", "执行率（B/A）", "得分", "<"],
            ["^", "", "", "预算数", "预算数（A）", "执行数（B）", "^", "^", "^", "^"],
            ["^", "年度资金总额", "<", "1,320.00", "1,280.50", "1,216.48", "10", "95%", "9.5", "<"],
            ["^", "其中：当年财政拨款", "<", "1,320.00", "1,280.50", "1,216.48", "—", "—", "—", "<"],
            ["^", "上年结转资金", "<", "0", "0", "0", "—", "—", "—", "<"],
            ["^", "其他资金", "<", "", "", "", "—", "—", "—", "<"],
            ["年度总体目标", "预期目标", "<", "<", "<", "实际完成情况", "<", "<", "<", "<"],
            ["^", "完成全县6万名城乡居民健康体检", "<", "<", "<", "完成6.2万人体检", "<", "<", "<", "<"],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "<",
                "<",
                "分值",
                "实际完成值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            ["^", "^", "^", "指标性质", "指标值", "度量单位", "^", "^", "^", "^"],
            ["产出指标", "数量指标", "体检人数", "≧", "6", "万人", "20", "6.2", "20", ""],
            ["^", "质量指标", "体检报告出具率", "═", "100", "%", "15", "98", "14", "个别报告延迟出具"],
            ["^", "时效指标", "完成时限", "≤", "12", "月", "15", "11", "15", ""],
            ["效益指标", "社会效益指标", "疾病早筛人数", "≥", "300", "人", "30", "320", "30", ""],
            ["满意度指标", "服务对象满意度指标", "受检群众满意度", "≥", "90", "%", "10", "93", "10", ""],
            ["总分", "<", "<", "<", "<", "<", "100", "", "98.5", "优"],
        ]
    ]


@pytest.fixture(scope="module", params=FORMATS)
def national(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return extract_file(write(national_split_header(), tmp_path_factory.mktemp("nat"), request.param))


def test_split_budget_header_is_read_by_its_labels(national: Evaluation) -> None:
    b = national.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal("13200000.00"),
        Decimal("12805000.00"),
        Decimal("12164800.00"),
    )
    assert b.stated_rate == Decimal("0.95")
    assert national.claimed.budget_execution_score == Decimal("9.5")
    assert national.scheme.weights.budget_execution == 10


def test_nature_value_unit_columns_make_the_target(national: Evaluation) -> None:
    inds = national.indicators
    assert [i.name for i in inds] == [
        "体检人数",
        "体检报告出具率",
        "完成时限",
        "疾病早筛人数",
        "受检群众满意度",
    ]
    first = inds[0]
    assert first.target is not None and first.target.op is Op.GE and first.target.value == 6
    assert first.target.unit == "万人"
    assert first.actual is not None and first.actual.value == Decimal("6.2") and first.actual.unit == "万人"
    second = inds[1]
    assert second.target is not None and second.target.op is Op.EQ and second.target.value == 100
    assert second.actual is not None and second.actual.text == "98%"
    assert inds[2].target is not None and inds[2].target.op is Op.LE
    assert [i.weight for i in inds] == [20, 15, 15, 30, 10]
    assert [i.claimed_score for i in inds] == [20, 14, 15, 30, 10]
    assert inds[1].deviation_reason == "个别报告延迟出具"


def test_total_and_grade_from_the_total_row(national: Evaluation) -> None:
    assert national.claimed.total == Decimal("98.5")
    assert national.claimed.grade == "优"
    assert national.project.department == "县卫生健康局"
    assert national.project.implementer == "县人民医院"
    assert national.project.year == 2022


def national_yuan(total_row: list[str], sub_row: list[str] | None = None) -> Layout:
    """元 in the label, 调整后预算数 instead of 全年预算数, one header row, a 绩效指标 column merged
    down the indicator rows, 分值 after 实际完成值, a 合计 row."""
    head = ["项目资金（元）", "年初预算数", "调整后预算数", "全年执行数", "分值", "执行率", "得分", ""]
    rows = [
        ["2021年度项目支出绩效自评表", *["<"] * 7],
        ["项目名称", "乡村学校少年宫运行补助", *["<"] * 6],
        head,
        ["^", *total_row],
    ]
    if sub_row is not None:
        rows.append(["^", *sub_row])
    rows += [
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分"],
        ["^", "产出指标", "数量指标", "开展活动场次", "≥40场", "44场", "50", "50"],
        ["^", "效益指标", "社会效益指标", "参与学生人数", "≥1200人", "1100人", "30", "27"],
        ["^", "满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", "95%", "10", "10"],
        ["合计", "<", "<", "<", "<", "<", "100", "96"],
    ]
    return [rows]


@pytest.mark.parametrize("fmt", FORMATS)
def test_total_row_with_two_of_three_amounts_at_100_percent(tmp_path: Path, fmt: str) -> None:
    # The row lost a cell: two equal amounts for three amount columns, the rate 100 %: the two
    # are what was planned and what was spent; which of 年初/全年 is missing cannot be told.
    row = ["年度资金总额：456,780.00", "456,780.00", "10", "100%", "10", "", ""]
    ev = extract_file(write(national_yuan(row), tmp_path, fmt))
    assert ev.budget.planned_yuan == Decimal("456780.00")
    assert ev.budget.executed_yuan == Decimal("456780.00")
    assert ev.budget.initial_yuan is None
    assert ev.budget.stated_rate == 1
    assert ev.claimed.budget_execution_score == 10
    assert ev.claimed.total == 96


@pytest.mark.parametrize("fmt", FORMATS)
def test_total_row_with_two_of_three_amounts_below_100_percent_is_not_guessed(
    tmp_path: Path, fmt: str
) -> None:
    row = ["年度资金总额", "1,250,000.00", "1,200,000.00", "10", "96%", "9.6", ""]
    ev = extract_file(write(national_yuan(row), tmp_path, fmt))
    assert ev.budget.planned_yuan is None
    assert ev.budget.executed_yuan is None
    assert ev.budget.stated_rate == Decimal("0.96")
    assert any("无法确定" in m and "预算数" in m for m in incomplete(ev))


@pytest.mark.parametrize("fmt", FORMATS)
def test_total_row_zero_while_the_sub_row_holds_the_money(tmp_path: Path, fmt: str) -> None:
    row = ["年度资金总额", "0", "0", "0", "10", "—", "0"]
    sub = ["其中：财政拨款", "500,000.00", "500,000.00", "480,000.00", "—", "—", "—"]
    ev = extract_file(write(national_yuan(row, sub), tmp_path, fmt))
    assert ev.budget.planned_yuan is None
    assert ev.budget.executed_yuan is None
    assert any("为0" in m for m in incomplete(ev))


@pytest.mark.parametrize("fmt", FORMATS)
def test_yuan_form_with_adjusted_budget(tmp_path: Path, fmt: str) -> None:
    row = ["年度资金总额", "480,000.00", "512,300.50", "498,011.00", "10", "97.21%", "9.72"]
    ev = extract_file(write(national_yuan(row), tmp_path, fmt))
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal("480000.00"),
        Decimal("512300.50"),
        Decimal("498011.00"),
    )
    assert [i.name for i in ev.indicators] == ["开展活动场次", "参与学生人数", "学生满意度"]
    assert [i.weight for i in ev.indicators] == [50, 30, 10]
    assert ev.claimed.total == 96


def transfer_form(local: str = "150") -> Layout:
    return [
        "宣城市转移支付区域（项目）绩效目标自评表",
        "（2023年度）",
        [
            ["转移支付（项目）名称", "农村综合改革转移支付", "<", "<", "<", "<"],
            ["中央主管部门", "财政部", "<", "地方主管部门", "县财政局", "<"],
            ["资金使用单位", "县农业农村局", "<", "<", "<", "<"],
            ["资金投入情况（万元）", "", "全年预算数（A）", "全年执行数（B）", "预算执行率（B/A）", "<"],
            ["^", "年度资金总额：", "500", "482.5", "96.50%", "<"],
            ["^", "其中：中央补助", "300", "300", "100%", "<"],
            ["^", "地方资金", local, "132.5", "88.33%", "<"],
            ["^", "其他资金", "50", "50", "100%", "<"],
            ["年度总体目标", "预期目标", "<", "实际完成情况", "<", "<"],
            ["^", "完成12个村的美丽乡村建设", "<", "完成12个村", "<", "<"],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "全年实际完成值"],
            ["^", "产出指标", "数量指标", "美丽乡村建设村数", "12个", "12个"],
            ["^", "^", "质量指标", "工程验收合格率", "100%", "100%"],
            ["^", "效益指标", "社会效益指标", "受益农户数", "≥3000户", "3150户"],
            ["^", "满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "96%"],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_transfer_form(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write(transfer_form(), tmp_path, fmt))
    assert ev.project.department == "县财政局"
    assert ev.project.implementer == "县农业农村局"
    assert ev.project.year == 2023
    assert ev.budget.planned_yuan == Decimal("5000000")
    assert ev.budget.executed_yuan == Decimal("4825000")
    assert ev.budget.stated_rate == Decimal("0.965")
    names = [i.name for i in ev.indicators]
    assert names == ["美丽乡村建设村数", "工程验收合格率", "受益农户数", "受益群众满意度"]
    assert all(i.weight is None for i in ev.indicators)
    assert ev.indicators[2].actual is not None and ev.indicators[2].actual.value == 3150


def department_form() -> Layout:
    """部门整体: key tasks with their own 预算数 | 执行数 first, 执行率权重 / 执行率得分 columns;
    indicators with 度量单位 before 指标值 and 分值 before 实际完成值."""
    return [
        [
            ["2023年度部门整体支出绩效自评表", *["<"] * 7],
            ["部门（单位）名称", "县林业局", "<", "<", "<", "<", "<", "<"],
            ["年度主要任务", "任务名称", "<", "主要内容", "<", "预算数", "执行数", "<"],
            ["^", "森林资源管护", "<", "天然林和公益林管护", "<", "800", "780", "<"],
            ["^", "营造林", "<", "植树造林和森林抚育", "<", "600", "590", "<"],
            [
                "年度预算执行情况（万元）",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "执行率",
                "执行率权重",
                "执行率得分",
            ],
            ["^", "年度总金额", "2,400.00", "2,650.00", "2,100.66", "79.27%", "10", "7.93"],
            ["^", "其中：财政拨款", "2,400.00", "2,650.00", "2,100.66", "79.27%", "—", "—"],
            ["一级指标", "二级指标", "三级指标", "度量单位", "指标值", "分值", "实际完成值", "得分"],
            ["产出指标", "数量指标", "公益林管护面积", "万亩", "28", "30", "28", "30"],
            ["^", "质量指标", "森林火灾受害率", "‰", "≤0.9", "30", "0.5", "30"],
            ["效益指标", "生态效益指标", "森林覆盖率", "%", "≥55", "30", "55.2", "30"],
            ["自评总分", "<", "<", "<", "<", "<", "<", "97.93"],
        ]
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_department_form(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write(department_form(), tmp_path, fmt))
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal("24000000.00"),
        Decimal("26500000.00"),
        Decimal("21006600.00"),
    )
    assert b.stated_rate == Decimal("0.7927")
    assert ev.claimed.budget_execution_score == Decimal("7.93")
    assert ev.scheme.weights.budget_execution == 10
    assert ev.project.unit == "县林业局"
    assert [i.weight for i in ev.indicators] == [30, 30, 30]
    first = ev.indicators[0]
    assert first.target is not None and first.target.value == 28 and first.target.unit == "万亩"
    assert ev.indicators[2].target is not None and ev.indicators[2].target.op is Op.GE
    assert ev.claimed.total == Decimal("97.93")
    assert ev.kind is Kind.DEPARTMENT
    assert ev.budget.lines == ()  # the tasks' money is not a breakdown of the budget


# ---------------------------------------------------------------------------------------------
# A form flattened by a web converter: each line holds what survived of a row, the two header rows
# and the first indicator row run together, a row broken over several lines.

REAL_01 = Path(__file__).resolve().parent.parent / "data" / "real" / "real_01.txt"


def test_real_flattened_national_form() -> None:
    ev = extract_file(REAL_01)
    assert ev.budget.planned_yuan == ev.budget.executed_yuan == Decimal("387664.62")
    assert ev.budget.initial_yuan is None  # two amounts for three columns: 年初 or 全年 unknown
    assert ev.claimed.budget_execution_score == 10
    assert (ev.claimed.total, ev.claimed.grade) == (Decimal(96), "优")
    assert len(ev.indicators) == 9
    timely = next(i for i in ev.indicators if i.name == "资金到位及时率")
    assert timely.target is not None and timely.target.op is Op.GE and timely.target.value == 100
    assert (timely.weight, timely.claimed_score) == (10, 7)
    assert "SCORE_MISMATCH" in {f.code for f in ev.findings}


def flattened(
    total_row: str, budget_row: str = "| 1,286,400.00 | 1,286,400.00 | 10 | 100.00% | 10 | 其中:财政拨款 |"
) -> str:
    return "\n".join(
        [
            "2023年度项目支出绩效自评表 | 单位:某县第二人民医院 |",
            "| 项目名称 | 县域医共体信息化建设 | 主管部门 | 某县卫生健康委员会 | 项目资金 (元) |",
            "| 年初预算数 | 调整后预算数 | 全年执行数 | 分值 | 执行率 | 得分 | 年度资金总额: |",
            budget_row,
            "| 1,286,400.00 | 1,286,400.00 | — |",
            "| — | 其他资金 | — | — | — |",
            "| 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 |"
            " 三级指标 | 指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 接入乡镇卫生院数 | ≥ | 14 | 家 | 14 | 20 | 20 |",
            "| 质量指标 | 系统上线运行率 | 正向 | 95 | % | 97% | 20 | 20 |",
            "| 效益指标 | 社会效益 指标 | 远程会诊开展情况 |",
            "| 常态化开展 |",
            "| 已常态化开展 | 30 | 28 |",
            "| 满意度指标 | 服务对象满意度 指标 | 患者满意度 | ≥ | 90 | % | 92% | 20 | 20 |",
            total_row,
        ]
    )


def test_flattened_form_in_other_wording(tmp_path: Path) -> None:
    path = tmp_path / "医共体.txt"
    path.write_text(flattened("| 其他说明事项 | 无 | 总分 | 100 | 98 | 优 |"), encoding="utf-8")
    ev = extract_file(path)
    assert ev.budget.planned_yuan == ev.budget.executed_yuan == Decimal("1286400.00")
    assert [i.name for i in ev.indicators] == [
        "接入乡镇卫生院数",
        "系统上线运行率",
        "远程会诊开展情况",
        "患者满意度",
    ]
    remote = ev.indicators[2]
    assert remote.target is not None and remote.target.text == "常态化开展"
    assert (remote.weight, remote.claimed_score) == (30, 28)
    first = ev.indicators[0]
    assert first.target is not None and (first.target.op, first.target.value, first.target.unit) == (
        Op.GE,
        14,
        "家",
    )
    uptime = ev.indicators[1]  # 指标性质 “正向” is no comparator: the target is the value and unit
    assert uptime.target is not None and uptime.target.text == "95%"
    assert (uptime.weight, uptime.claimed_score) == (20, 20)
    assert (ev.claimed.total, ev.claimed.grade) == (Decimal(98), "优")


def test_flattened_near_misses_are_not_read(tmp_path: Path) -> None:
    # A total row with two scores neither of which is the full 100 marks; a budget row whose two
    # amounts differ at a rate below 100 % (which is 年初 and which 全年 cannot be told).
    path = tmp_path / "近似.txt"
    text = flattened(
        "| 其他说明事项 | 无 | 总分 | 95 | 98 |",
        "| 1,300,000.00 | 1,286,400.00 | 10 | 98.95% | 9.9 | 其中:财政拨款 |",
    )
    path.write_text(text, encoding="utf-8")
    ev = extract_file(path)
    assert ev.claimed.total is None
    assert ev.budget.planned_yuan is None and ev.budget.executed_yuan is None
    notes = incomplete(ev)
    assert any("总分" in m and "无法确定" in m for m in notes)
    assert any("无法确定哪个是预算数" in m for m in notes)


@pytest.mark.parametrize("fmt", FORMATS)
def test_year_from_a_form_title_inside_a_long_cell(tmp_path: Path, fmt: str) -> None:
    summary = (
        "某市转移支付区域(项目)绩效目标自评表(2022年度)转移支付(项目)名称农业生产发展资金中央主管部门"
        "农业农村部地方主管部门省农业农村厅资金使用单位某市农业农村局资金投入情况(万元)"
    )
    layout: Layout = [
        [
            ["信息名称", "某市农业农村局关于公开绩效自评结果的通知"],
            ["发布日期", "2023年4月3日"],
            ["内容概述", summary],
        ]
    ]
    ev = extract_file(write(layout, tmp_path, fmt))
    assert ev.project.year == 2022


@pytest.mark.parametrize("fmt", FORMATS)
def test_funding_rows_are_budget_lines_that_must_add_up(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write(transfer_form(), tmp_path, fmt))
    lines = [(line.name, line.planned_yuan, line.executed_yuan) for line in ev.budget.lines]
    assert lines == [
        ("中央补助", Decimal(3000000), Decimal(3000000)),
        ("地方资金", Decimal(1500000), Decimal(1325000)),
        ("其他资金", Decimal(500000), Decimal(500000)),
    ]
    assert "BUDGET_LINES_SUM_MISMATCH" not in {f.code for f in ev.findings}
    folder = tmp_path / "off"
    folder.mkdir()
    off = extract_file(write(transfer_form(local="149.97"), folder, fmt))
    assert "BUDGET_LINES_SUM_MISMATCH" in {f.code for f in off.findings}


def budget_rate_row_form(total_weight: str = "", total: str = "97") -> Layout:
    """A provincial form that scores the budget as the first row of the indicator table; its budget
    block has no 分值/得分 columns."""
    return [
        [
            ["某市本级部门项目支出绩效自评表（2021年）", *["<"] * 6],
            ["项目名称", "高中实验室运行经费", *["<"] * 5],
            [
                "项目资金（万元）",
                "",
                "年初预算数",
                "调整预算数（A）",
                "全年执行数（B）",
                "执行率（B/A）",
                "<",
            ],
            ["^", "年度资金总额", "72.5", "80", "80", "100%", "<"],
            ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分"],
            ["预算执行率", "<", "<", "10", "100%", "100%", "9"],
            ["项目产出（40分）", "数量指标", "实验课开出率", "20", "≥95%", "98%", "20"],
            ["^", "质量指标", "仪器完好率", "20", "≥90%", "92%", "20"],
            ["项目效益（40分）", "社会效益指标", "学生实验能力提升", "40", "明显提升", "明显提升", "38"],
            ["满意度（10分）", "服务对象满意度指标", "学生满意度", "10", "≥90%", "95%", "10"],
            ["总分", "<", "<", total_weight, "", "", total],
        ]
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_budget_rate_row_in_the_indicator_table_is_the_budget_score(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write(budget_rate_row_form(), tmp_path, fmt))
    assert [i.name for i in ev.indicators] == ["实验课开出率", "仪器完好率", "学生实验能力提升", "学生满意度"]
    assert ev.budget.planned_yuan == ev.budget.executed_yuan == Decimal(800000)
    assert ev.budget.initial_yuan == Decimal(725000)
    assert ev.claimed.budget_execution_score == 9
    assert ev.scheme.weights.budget_execution == 10
    assert ev.claimed.total == 97
    assert "BUDGET_SCORE_MISMATCH" in {f.code for f in ev.findings}  # 100 % executed, scored 9 of 10


def pairs_form(executed: str) -> Layout:
    """The budget as labels with their values beside them, one row (“预算数 | 6.84 | 到位数 | …”)
    and the score below, one label per row."""
    return [
        "某县民政局2020年度预算项目绩效自评表",
        [
            ["项目名称", "百岁老人高龄津贴", "金额单位：万元", "<", "<", "<", "<", "<"],
            ["预算数", "6.84", "到位数", "6.84", "执行数", executed, "执行率", "100.00%"],
        ],
        [["预算执行得分", "10"], ["自评总分", "95"]],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_budget_values_right_of_their_labels(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write(pairs_form("6.84"), tmp_path, fmt))
    b = ev.budget
    assert (b.planned_yuan, b.received_yuan, b.executed_yuan) == (
        Decimal(68400),
        Decimal(68400),
        Decimal(68400),
    )
    assert b.stated_rate == 1
    assert ev.claimed.total == 95


@pytest.mark.parametrize("fmt", FORMATS)
def test_budget_pairs_whose_rate_does_not_check_are_not_read(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write(pairs_form("5.84"), tmp_path, fmt))
    assert ev.budget.planned_yuan is None and ev.budget.executed_yuan is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_total_row_with_only_the_full_marks_has_no_score(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write(budget_rate_row_form(total_weight="100", total=""), tmp_path, fmt))
    assert ev.claimed.total is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_full_marks_in_the_budget_rows_weight_cell_is_not_its_weight(tmp_path: Path, fmt: str) -> None:
    row = ["年度资金总额", "480,000.00", "512,300.50", "498,011.00", "100", "97.21%", "9.72"]
    ev = extract_file(write(national_yuan(row), tmp_path, fmt))
    assert ev.budget.planned_yuan == Decimal("512300.50")
    assert ev.claimed.budget_execution_score == Decimal("9.72")
    assert ev.scheme.weights.budget_execution < 100
    assert any("分值为100" in m for m in incomplete(ev))


# The same forms printed to PDF by LibreOffice (the PDF reader recovers the ruled grid; a label
# wrapped inside its cell comes back as two rows).


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Evaluation]:
    from jixiao.export.pdf import to_pdf

    out: dict[str, Evaluation] = {}
    for name, layout in (("national", national_split_header()), ("transfer", transfer_form())):
        folder = tmp_path_factory.mktemp(name)
        out[name] = extract_file(to_pdf(write(layout, folder, "docx"), folder))
    return out


def test_national_form_as_pdf(printed: dict[str, Evaluation]) -> None:
    ev = printed["national"]
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal("13200000.00"),
        Decimal("12805000.00"),
        Decimal("12164800.00"),
    )
    assert ev.claimed.budget_execution_score == Decimal("9.5")
    got = [(i.name, i.weight, i.claimed_score) for i in ev.indicators]
    assert got == [
        ("体检人数", 20, 20),
        ("体检报告出具率", 15, 14),
        ("完成时限", 15, 15),
        ("疾病早筛人数", 30, 30),
        ("受检群众满意度", 10, 10),
    ]
    assert ev.indicators[4].target is not None and ev.indicators[4].target.text == "≥90%"
    assert (ev.claimed.total, ev.claimed.grade) == (Decimal("98.5"), "优")


def test_transfer_form_as_pdf(printed: dict[str, Evaluation]) -> None:
    ev = printed["transfer"]
    assert (ev.budget.planned_yuan, ev.budget.executed_yuan) == (Decimal(5000000), Decimal(4825000))
    assert [i.name for i in ev.indicators] == [
        "美丽乡村建设村数",
        "工程验收合格率",
        "受益农户数",
        "受益群众满意度",
    ]


TWO_LINE_HEADER = """\
2023年度项目支出绩效自评表
| 项目名称 | 社区居家养老服务补助 |
| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
| 年度资金总额 | 50 | 50 | 48 | 10 | 96% | 9.6 |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |
| 指标性质 | 指标值 | 度量单位 |
| 产出指标 | 数量指标 | 服务老人人次 | ≥ | 500 | 人次 | 520 | 30 | 30 | |
| 质量指标 | 服务合格率 | ≥ | 95 | % | 97% | 20 | 20 | |
| 效益指标 | 社会效益指标 | 老人生活质量 | 明显改善 | 明显改善 | 30 | 28 | |
| 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥ | 90 | % | 93% | 10 | 10 | |
| 总分 | 100 | 97.6 | 良 |
"""


def test_flattened_header_on_two_lines(tmp_path: Path) -> None:
    # The sub-header 指标性质 | 指标值 | 度量单位 sits at the start of its own line, not under its
    # parent 年度指标值: the rows are in the form's column order, not in positions.
    path = tmp_path / "养老.txt"
    path.write_text(TWO_LINE_HEADER, encoding="utf-8")
    ev = extract_file(path)
    got = [(i.name, i.target.text if i.target else None, i.weight, i.claimed_score) for i in ev.indicators]
    assert got == [
        ("服务老人人次", "≥500人次", 30, 30),
        ("服务合格率", "≥95%", 20, 20),
        ("老人生活质量", "明显改善", 30, 28),
        ("老人满意度", "≥90%", 10, 10),
    ]
    assert (ev.claimed.total, ev.claimed.grade) == (Decimal("97.6"), "良")


def test_flattened_budget_row_whose_rate_does_not_check_is_not_read(tmp_path: Path) -> None:
    # Three amounts for three columns, but 执行数 ÷ 预算数 is not the printed rate: the figures may
    # have slid between columns, so none is taken.
    path = tmp_path / "不符.txt"
    row = "| 1,300,000.00 | 1,286,400.00 | 1,100,000.00 | 10 | 99.00% | 9.9 | 其中:财政拨款 |"
    text = flattened("| 其他说明事项 | 无 | 总分 | 100 | 98 | 优 |", row)
    path.write_text(text, encoding="utf-8")
    ev = extract_file(path)
    assert (ev.budget.planned_yuan, ev.budget.executed_yuan, ev.budget.initial_yuan) == (None, None, None)
    assert any("对不上" in m for m in incomplete(ev))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_cited_file_name_does_not_give_the_year(tmp_path: Path, fmt: str) -> None:
    # A sharing site's wrapper names the file with another year than the form's own title.
    layout: Layout = [
        "《某县财政局2021年度项目支出绩效自评表.docx》由会员分享，可在线阅读，更多相关文档请搜索。",
        [
            ["项目支出绩效自评表（2020年度）", "<", "<", "<"],
            ["项目名称", "农村公路养护", "<", "<"],
            ["项目资金（万元）", "全年预算数", "全年执行数", "执行率"],
            ["年度资金总额", "120", "120", "100%"],
        ],
    ]
    ev = extract_file(write(layout, tmp_path, fmt))
    assert ev.project.year == 2020
    assert ev.budget.planned_yuan == Decimal(1200000)


@pytest.mark.parametrize("fmt", FORMATS)
def test_budget_pairs_far_apart_are_not_one_block(tmp_path: Path, fmt: str) -> None:
    filler = [["说明", f"第{i}项工作按计划推进"] for i in range(1, 7)]
    layout: Layout = [[["预算数", "100"], *filler, ["执行数", "80"]]]
    ev = extract_file(write(layout, tmp_path, fmt))
    assert ev.budget.planned_yuan is None and ev.budget.executed_yuan is None


def test_real_cell_per_line_national_form() -> None:
    # One cell per line with blank spacer lines (a page listing eight forms; the first is read).
    ev = extract_file(REAL_01.parent / "real_10.txt")
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal(990000),
        Decimal(990000),
        Decimal(990000),
    )
    assert b.stated_rate == 1
    assert ev.claimed.budget_execution_score == 10
    assert ev.project.year == 2022
