"""Form grids: the amount unit printed above the table, two-row budget headers whose top row
alone already names the columns, 预算安排数 / 调整预算数 / 实际支出数 wordings, OCR “O” for 0 in
amounts with thousands separators. Documents written here, in every format the layout occurs in,
plus the held-out cases that showed the misses."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from intake.form_makers import Layout
from intake.form_makers import write
from jixiao.core.model import Evaluation
from jixiao.intake.normalise import normalise
from jixiao.intake.pipeline import extract_file

FORMATS = ["txt", "docx", "xlsx", "html"]
HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "holdout"


def incomplete(ev: Evaluation) -> list[str]:
    return [f.message for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE"]


def write_any(layout: Layout, folder: Path, fmt: str) -> Path:
    """The layout as a file; as text, one pipe line per row (merge markers left empty)."""
    if fmt != "txt":
        return write(layout, folder, fmt)
    lines: list[str] = []
    for item in layout:
        if isinstance(item, str):
            lines.append(item)
            continue
        for row in item:
            cells = ["" if c in {"<", "^"} else c for c in row]
            lines.append("| " + " | ".join(cells) + " |")
    path = folder / "自评表.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def form(unit_line: str | None, head_label: str, total: list[str]) -> Layout:
    rows = [
        ["项目名称", "社区养老服务站运营补贴", "<", "<", "<", "<", "<"],
        ["主管部门", "某区民政局", "<", "实施单位", "某区养老服务中心", "<", "<"],
        [head_label, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", *total],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "服务老人人次", "≥5000人次", "5210人次", "40", "40"],
        ["效益指标", "社会效益指标", "助餐覆盖率", "≥80%", "82%", "30", "30"],
        ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "91%", "20", "20"],
        ["总分", "<", "<", "<", "<", "100", "99"],
    ]
    layout: Layout = ["2023年度项目支出绩效自评表"]
    if unit_line is not None:
        layout.append(unit_line)
    layout.append(rows)
    return layout


YUAN_TOTAL = ["1,200,000.00", "1,350,000.00", "1,323,000.00", "10", "98.00%", "9"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("unit_line", ["金额单位：元", "（单位：元）", "单位: 元"])
def test_yuan_printed_above_the_table(tmp_path: Path, fmt: str, unit_line: str) -> None:
    ev = extract_file(write_any(form(unit_line, "项目资金", YUAN_TOTAL), tmp_path, fmt))
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal("1200000.00"),
        Decimal("1350000.00"),
        Decimal("1323000.00"),
    )
    assert not any("万元" in m for m in incomplete(ev))


@pytest.mark.parametrize("fmt", FORMATS)
def test_wan_printed_above_the_table(tmp_path: Path, fmt: str) -> None:
    total = ["120.00", "135.00", "132.30", "10", "98.00%", "9"]
    ev = extract_file(write_any(form("（金额单位：万元）", "项目资金", total), tmp_path, fmt))
    assert ev.budget.planned_yuan == Decimal("1350000")
    assert ev.budget.executed_yuan == Decimal("1323000")
    assert not any("金额单位" in m for m in incomplete(ev))


@pytest.mark.parametrize("fmt", FORMATS)
def test_units_that_disagree_leave_the_amounts_unread(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write_any(form("金额单位：万元", "项目资金（元）", YUAN_TOTAL), tmp_path, fmt))
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (None, None, None)
    assert b.stated_rate == Decimal("0.98")  # the rate needs no unit
    assert ev.claimed.budget_execution_score == 9
    assert any("无法确定金额单位" in m for m in incomplete(ev))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_unit_and_amounts_too_large_for_wan_are_not_read(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write_any(form(None, "项目资金", YUAN_TOTAL), tmp_path, fmt))
    assert (ev.budget.planned_yuan, ev.budget.executed_yuan) == (None, None)
    assert any("不合常理" in m for m in incomplete(ev))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_unit_and_plausible_amounts_are_read_as_wan_with_a_note(tmp_path: Path, fmt: str) -> None:
    total = ["120.00", "135.00", "132.30", "10", "98.00%", "9"]
    ev = extract_file(write_any(form(None, "项目资金", total), tmp_path, fmt))
    assert ev.budget.planned_yuan == Decimal("1350000")
    assert any("已按万元读取" in m for m in incomplete(ev))


def split_header(unit: str = "（万元）") -> Layout:
    """The top row alone names 预算数 / 执行数 / 分值 / 执行率 / 得分; the row below splits 预算数
    into 年初 and 全年 (the 执行数 cell spans both rows in office files)."""
    return [
        "2020年度项目支出绩效自评表",
        [
            ["项目名称", "高标准农田建设项目", "<", "<", "<", "<", "<"],
            [f"项目资金{unit}", "预算数", "<", "执行数", "分值", "执行率", "得分"],
            ["^", "年初预算数", "调整后预算数（A）", "实际执行数（B）", "^", "（B/A）", "^"],
            ["年度资金总额", "880.00", "920.50", "901.09", "10", "97.89%", "9.79"],
            ["其中：本级财政资金", "880.00", "920.50", "901.09", "—", "—", "—"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "建成高标准农田面积", "≥1.2万亩", "1.25万亩", "50", "50"],
            ["满意度指标", "服务对象满意度指标", "农户满意度", "≥85%", "90%", "40", "40"],
            ["总分", "<", "<", "<", "<", "100", "99.79"],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_split_header_whose_top_row_already_names_columns(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write_any(split_header(), tmp_path, fmt))
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal("8800000"),
        Decimal("9205000"),
        Decimal("9010900"),
    )
    assert b.stated_rate == Decimal("0.9789")
    assert ev.claimed.budget_execution_score == Decimal("9.79")


def adjusted_labels() -> Layout:
    return [
        "某区项目支出绩效自评表（2022年度）",
        "金额单位：万元",
        [
            ["项目名称", "老旧小区改造补助", "<", "<", "<"],
            ["资金来源", "预算安排数", "调整预算数", "实际支出数", "执行率"],
            ["资金合计", "300.00", "280.00", "266.00", "95.00%"],
            ["其中：区级财政资金", "300.00", "280.00", "266.00", "95.00%"],
            ["一级指标", "二级指标", "三级指标", "目标值", "完成值"],
            ["产出指标", "数量指标", "改造小区数量", "≥8个", "8个"],
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_budget_arranged_and_adjusted_columns(tmp_path: Path, fmt: str) -> None:
    ev = extract_file(write_any(adjusted_labels(), tmp_path, fmt))
    b = ev.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal("3000000"),
        Decimal("2800000"),
        Decimal("2660000"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年度资金总额 1,O86.4O 1,O52.92 1O", "年度资金总额 1,086.40 1,052.92 10"),
        ("2,3OO,OOO.OO元", "2,300,000.00元"),
        ("共1O，其余", "共10，其余"),
        ("Office,OK 12,OK", "Office,OK 12,OK"),  # words are left alone
    ],
)
def test_ocr_o_inside_amounts_with_separators(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("name", "initial", "planned", "executed"),
    [
        ("h21.txt", "560000.00", "615800.00", "603484.00"),  # 金额单位：元 above the table
        ("h23.txt", "2100000", "2364000", "2245800"),  # two-row header
        ("formats/h23.docx", "2100000", "2364000", "2245800"),
        ("formats/h23.html", "2100000", "2364000", "2245800"),
        ("h20.txt", "1500000", "1680000", "1596000"),  # 预算安排数 / 调整预算数 / 实际支出数
        ("formats/h20.html", "1500000", "1680000", "1596000"),
        ("h06.txt", "10864000", "10864000", "10529200"),  # OCR 1,O86.4O
    ],
)
def test_holdout_cases(name: str, initial: str, planned: str, executed: str) -> None:
    b = extract_file(HOLDOUT / name).budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal(initial),
        Decimal(planned),
        Decimal(executed),
    )
