"""The 自评表 workbook: merges, borders, exact numbers with formats, fonts, print setup."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from export.support import SEED_002
from export.support import SEED_004
from export.support import scored
from jixiao.export import export_evaluation


@pytest.fixture(scope="module")
def hubei_004(tmp_path_factory: pytest.TempPathFactory) -> Worksheet:
    ev, scheme = scored(SEED_004)
    out = export_evaluation(ev, scheme, tmp_path_factory.mktemp("x") / "自评表.xlsx")
    return load_workbook(out).active


@pytest.fixture(scope="module")
def national_002(tmp_path_factory: pytest.TempPathFactory) -> Worksheet:
    ev, scheme = scored(SEED_002)
    out = export_evaluation(ev, scheme, tmp_path_factory.mktemp("x") / "自评表.xlsx", layout="mof-2020")
    return load_workbook(out).active


def find(ws: Worksheet, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text} not in sheet")


def merged(ws: Worksheet, row: int, col: int) -> tuple[int, int]:
    """(rows, columns) of the merged range whose top-left is (row, col); (1, 1) if none."""
    for rng in ws.merged_cells.ranges:
        if (rng.min_row, rng.min_col) == (row, col):
            return rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1
    return 1, 1


def test_sheet_title_and_header_block(hubei_004: Worksheet) -> None:
    ws = hubei_004
    assert ws.title == "项目自评表"
    assert ws["A1"].value == "2020年度社会保障专项项目绩效自评表"
    assert merged(ws, 1, 1) == (1, 7)
    assert ws["A2"].value == "单位名称：武汉市东湖新技术开发区花山街道办事处"
    assert ws["A2"].alignment.horizontal == "left"
    assert ws["A2"].border.top is None or ws["A2"].border.top.style is None  # no frame above the table
    row, col = find(ws, "项目名称")
    assert merged(ws, row, col) == (1, 2)
    assert ws.cell(row=row, column=3).value == "社会保障专项"
    assert merged(ws, row, 3) == (1, 5)
    row, _ = find(ws, "项目实施单位")
    assert ws.cell(row=row, column=6).value == "花山街社区办、民政办"
    assert find(ws, "1、部门预算项目 ■\u30002、专项资金 □\u30003、上级转移支付项目 □")


def test_filled_date_is_a_real_date(hubei_004: Worksheet) -> None:
    row, col = find(hubei_004, "填报日期：")
    date = hubei_004.cell(row=row, column=col + 2)
    assert date.value == dt.datetime(2021, 6, 30)
    assert date.number_format == 'yyyy"年"m"月"d"日"'


def test_budget_block_holds_exact_numbers(hubei_004: Worksheet) -> None:
    ws = hubei_004
    row, col = find(ws, "预算执行情况（万元）\n（20分）")
    assert merged(ws, row, col) == (2, 2)
    assert [ws.cell(row=row, column=c).value for c in range(4, 8)] == [
        "预算数（A）",
        "执行数（B）",
        "执行率（B/A）",
        "得分\n（20分*执行率）",
    ]
    values = [ws.cell(row=row + 1, column=c) for c in range(3, 8)]
    assert values[0].value == "年度财政资金总额"
    assert [Decimal(str(v.value)) for v in values[1:]] == [Decimal("2440.91"), Decimal("2440.91"), 1, 20]
    assert [v.number_format for v in values[1:]] == ["#,##0.00", "#,##0.00", "0.00%", "General"]


def test_budget_of_002_keeps_the_yuan(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    ws = load_workbook(export_evaluation(ev, scheme, tmp_path / "t.xlsx")).active
    row, col = find(ws, "年度财政资金总额")
    assert Decimal(str(ws.cell(row=row, column=col + 1).value)) * 10000 == Decimal("5358672")


def test_indicator_block_merges_and_borders(hubei_004: Worksheet) -> None:
    ws = hubei_004
    head, _ = find(ws, "一级指标")
    assert [ws.cell(row=head, column=c).value for c in range(1, 8)] == [
        "项目年度绩效指标",
        "一级指标",
        "二级指标",
        "三级指标（权重）",
        "年初目标值（A）",
        "实际完成值（B）",
        "得分",
    ]
    assert merged(ws, head + 1, 2) == (16, 1)
    assert ws.cell(row=head + 1, column=2).value == "产出指标\n（40分）"
    assert merged(ws, head + 17, 2) == (11, 1)
    assert merged(ws, head + 1, 1) == (27, 1)
    # every cell of a merged range carries the border, else Excel draws gaps
    for r in range(head + 1, head + 17):
        side = ws.cell(row=r, column=2).border
        assert side.left.style == side.right.style == "thin"
    # the label sits in the repeated header row, with no line between it and the block below
    assert ws.cell(row=head, column=1).border.bottom.style is None
    assert ws.cell(row=head + 1, column=1).border.top.style is None
    assert ws.cell(row=head + 27, column=1).border.bottom.style == "thin"
    score = ws.cell(row=head + 5, column=7)
    assert (score.value, ws.cell(row=head + 5, column=4).value) == (1, "年组织开展群众文体活动（2分）")


def test_total_grade_and_notes(hubei_004: Worksheet) -> None:
    ws = hubei_004
    row, _ = find(ws, "总分")
    assert ws.cell(row=row, column=3).value == "=SUM(G10,G12:G38)"  # 98: see the test below
    row, _ = find(ws, "自评等级")
    assert ws.cell(row=row, column=3).value == "优"
    notes = ws.cell(row=ws.max_row, column=1).value
    assert notes.startswith("备注：\n1.预算执行情况口径")
    assert merged(ws, ws.max_row, 1) == (1, 7)


def test_fonts_are_named_for_the_east_asian_slot(hubei_004: Worksheet) -> None:
    head, _ = find(hubei_004, "一级指标")
    font = hubei_004.cell(row=head, column=2).font
    assert (font.name, font.charset, font.b) == ("宋体", 134, True)
    assert hubei_004["A1"].font.sz == 18


def test_print_setup(hubei_004: Worksheet) -> None:
    ws = hubei_004
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    head, _ = find(ws, "一级指标")
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws.print_options.horizontalCentered
    assert "&P" in ws.oddFooter.center.text
    assert all(ws.row_dimensions[r].height for r in range(head, head + 28))
    assert ws.cell(row=head + 1, column=5).alignment.wrap_text


def test_national_layout(national_002: Worksheet) -> None:
    ws = national_002
    assert str(ws["A1"].value) == "项目支出绩效自评表\n（2018年度）"
    assert ws.title == "项目支出绩效自评表"
    row, col = find(ws, "项目资金（万元）")
    assert merged(ws, row, col) == (5, 1)
    assert [ws.cell(row=row, column=c).value for c in range(4, 10)] == [
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ]
    assert ws.cell(row=row + 2, column=2).value == "其中：当年财政拨款"
    assert ws.cell(row=row + 2, column=7).value == "—"
    head, _ = find(ws, "一级指标")
    assert ws.cell(row=head, column=9).value == "偏差原因分析及改进措施"
    assert ws.cell(row=head + 1, column=7).value == 10
    row, _ = find(ws, "总分")
    # 100 and 97, as sums of the 分值 and 得分 columns with the 预算执行率 row
    assert [ws.cell(row=row, column=c).value for c in (7, 8)] == ["=SUM(G9,G16:G24)", "=SUM(I9,H16:H24)"]


def test_a_ten_billion_budget_keeps_its_fen(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    big = ev.model_copy(
        update={"budget": ev.budget.model_copy(update={"planned_yuan": Decimal("99999999999.99")})}
    )
    out = export_evaluation(big, scheme, tmp_path / "t.xlsx")
    with zipfile.ZipFile(out) as z:
        assert "<v>9999999.999999</v>" in z.read("xl/worksheets/sheet1.xml").decode()


def test_an_official_form_prints_no_remark_of_jixiao(tmp_path: Path) -> None:
    """The mof-2020 备注 quotes the regulation; jixiao's own remark on how it applies it
    (“由复核人员判断，本方案不自动扣分”) stays in the scheme, off the form."""
    from jixiao.core.engine import evaluate
    from jixiao.core.model import SchemeRef
    from jixiao.schemes import load_scheme

    ev, _ = scored(SEED_002)
    scheme = load_scheme("mof-2020")
    ev = evaluate(ev.model_copy(update={"scheme": SchemeRef(id="mof-2020")}), scheme)
    ws = load_workbook(export_evaluation(ev, scheme, tmp_path / "自评表.xlsx")).active
    assert any("本方案" in n for n in scheme.notes)  # the scheme keeps it
    notes = ws.cell(row=ws.max_row, column=1).value
    assert notes.startswith("备注：\n1.预算执行率")
    assert "应按偏离度适度调减分值（第十六条）。" in notes
    assert "本方案" not in notes and "复核人员" not in notes


def test_official_note_drops_only_the_remarks() -> None:
    from jixiao.export.form import official_note

    assert official_note("甲：乙；本方案不扣分。") == "甲：乙。"
    assert (
        official_note("适用于设置成本指标的项目；未设置成本指标的项目用 mof-2020。")
        == "适用于设置成本指标的项目。"
    )
    assert official_note("由本方案自动计分") == ""
    kept = "定量指标计分原则：正向指标（即目标值为≥X，得分=权重*B/A），得分不得突破权重总额。"
    assert official_note(kept) == kept


def test_the_total_is_a_sum_that_re_totals_a_corrected_score(tmp_path: Path) -> None:
    """The 总分 is ``=SUM`` of the 预算执行率 score and the indicator scores: LibreOffice computes
    the stated 98, and 97 once a reviewer corrects one indicator's score down by one point."""
    from jixiao import office

    ev, scheme = scored(SEED_004)
    out = export_evaluation(ev, scheme, tmp_path / "自评表.xlsx")
    book = load_workbook(out)
    ws = book.active
    row, _ = find(ws, "总分")
    assert ws.cell(row=row, column=3).value == "=SUM(G10,G12:G38)"
    # the file holds the value too, for readers that do not calculate
    assert load_workbook(out, data_only=True).active.cell(row=row, column=3).value == 98
    stated = ws["G12"].value
    assert isinstance(stated, int | float)
    corrected = tmp_path / "corrected" / "自评表.xlsx"
    corrected.parent.mkdir()
    ws["G12"] = stated - 1
    book.save(corrected)
    for source, total in ((out, 98), (corrected, 97)):
        again = office.convert(source, "xlsx", tmp_path / f"lo-{total}", 120)
        computed = load_workbook(again, data_only=True).active
        assert computed.cell(row=row, column=3).value == total


def test_a_stated_total_that_disagrees_stays_as_stated(tmp_path: Path) -> None:
    """A total the unit wrote that is not the sum of its scores is printed as written, not
    replaced by a formula that would show another number."""
    ev, scheme = scored(SEED_004)
    ev = ev.model_copy(update={"claimed": ev.claimed.model_copy(update={"total": Decimal("99.5")})})
    ws = load_workbook(export_evaluation(ev, scheme, tmp_path / "自评表.xlsx")).active
    row, _ = find(ws, "总分")
    assert ws.cell(row=row, column=3).value == 99.5


def test_the_hubei_form_keeps_the_deviation_analysis_in_its_own_row(hubei_004: Worksheet) -> None:
    """The unit wrote its 偏差大或目标未完成原因分析 inside 存在的问题; the Hubei form prints that
    section in the row so named and the rest (改进措施…) in 存在的问题及改进措施, nothing lost."""
    row, _ = find(hubei_004, "偏差大或目标未完成原因分析")
    deviation = hubei_004.cell(row=row, column=3).value
    problems = hubei_004.cell(row=row + 1, column=3).value
    assert hubei_004.cell(row=row + 1, column=1).value == "存在的问题及改进措施"
    assert deviation.startswith("1、各社区公共文化服务基础设施建设不足")
    assert "偏差大或目标未完成原因分析" not in problems
    assert problems.startswith("改进措施及结果应用方案：") and "加大社区便民设施的资金投入" in problems


def test_split_deviation_keeps_every_line() -> None:
    from jixiao.export.fields import split_deviation

    text = (
        "总体情况良好。\n二、偏差大或目标未完成原因分析：资金到位晚。\n人手不足。\n三、改进措施：\n加快拨付。"
    )
    assert split_deviation(text) == ("资金到位晚。\n人手不足。", "总体情况良好。\n三、改进措施：\n加快拨付。")
    assert split_deviation("无偏差。") == ("", "无偏差。")
    assert split_deviation(None) == ("", "")
