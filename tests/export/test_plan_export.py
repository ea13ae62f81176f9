"""The 目标申报表 and the 监控情况表 written in their layouts (xlsx and docx), and plan layouts
checked on load."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from jixiao.export.errors import LayoutError
from jixiao.export.plan_api import export_plan
from jixiao.export.plan_api import plan_bytes
from jixiao.export.plan_fields import FIELDS_OF
from jixiao.export.plan_fields import INDICATOR_VALUES
from jixiao.export.plan_layout import parse_plan_layout
from jixiao.export.plan_layout import plan_layout
from plan_samples import declaration
from plan_samples import monitoring

DOC = (Path(__file__).resolve().parents[2] / "docs" / "export.md").read_text(encoding="utf-8")


def _rows(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _row_with(rows: list[list[object]], text: str) -> list[object]:
    return next(r for r in rows if text in r)


def test_declaration_xlsx_holds_the_declared_facts(tmp_path: Path) -> None:
    out = export_plan(declaration(), tmp_path / "目标申报表.xlsx")
    rows = _rows(out)
    assert rows[0][0] == "项目支出绩效目标申报表\n（2024年度）"
    assert _row_with(rows, "项目名称")[1] == "社区养老服务提升项目"
    assert _row_with(rows, "年度资金总额")[3] == Decimal("200")  # 万元, exact
    assert _row_with(rows, "其中：财政拨款")[3] == Decimal("180")
    header = _row_with(rows, "三级指标")
    assert [h for h in header if h] == ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "分值"]
    row = _row_with(rows, "单站建设成本")
    assert row[4:6] == ["≤15万元", 10]
    assert _row_with(rows, "服务站验收合格率")[1] is None  # 产出指标 merged over its five rows


def test_monitoring_xlsx_ticks_the_chosen_sub_columns(tmp_path: Path) -> None:
    out = export_plan(monitoring(), tmp_path / "监控表.xlsx")
    rows = _rows(out)
    assert rows[0][0] == "项目支出绩效目标执行监控表\n（2024年度 1—7月）"
    head = _row_with(rows, "偏差原因分析")
    subs = _row_with(rows, "经费保障")
    assert subs[9:17] == [
        "经费保障",
        "制度保障",
        "人员保障",
        "硬件条件保障",
        "其他",
        "确定能",
        "有可能",
        "完全不可能",
    ]
    assert head[9] == "偏差原因分析" and head[14] == "完成目标可能性"
    behind = _row_with(rows, "受益老年人数")
    assert behind[6:9] == ["≥3000人", "900人", "2500人"]
    assert behind[9] == "上级资金7月才到位，部分站点开工推迟"  # under 经费保障
    assert behind[10:14] == [None] * 4
    assert behind[14:17] == [None, None, "√"]  # 完全不可能
    assert behind[17] == "拟申请调整"
    money = rows[rows.index(_row_with(rows, "全年预算数")) + 1]
    assert money[3] == Decimal("200") and money[6] == Decimal("65")
    assert Decimal(str(money[9])) == Decimal("0.325")  # 执行率 65 ÷ 200
    assert Decimal(str(money[12])) == Decimal("0.5833")  # 7/12 of the year


def test_docx_draws_the_same_table(tmp_path: Path) -> None:
    out = export_plan(monitoring(), tmp_path / "监控表.docx")
    table = docx.Document(str(out)).tables[-1]
    texts = {c.text for row in table.rows for c in row.cells}
    assert {
        "偏差原因分析",
        "完成目标可能性",
        "完全不可能",
        "上级资金7月才到位，部分站点开工推迟",
        "√",
    } <= texts


def test_a_reason_without_a_category_is_not_put_under_one(tmp_path: Path) -> None:
    record = monitoring()
    rows = tuple(r.model_copy(update={"cause": None}) if r.cause_text else r for r in record.indicators)
    out = export_plan(record.model_copy(update={"indicators": rows}), tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    merged = [str(m) for m in ws.merged_cells.ranges]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "上级资金7月才到位，部分站点开工推迟")
    assert f"{cell.coordinate}:{openpyxl.utils.get_column_letter(cell.column + 4)}{cell.row}" in merged


def test_pdf_and_wrong_suffix() -> None:
    with pytest.raises(Exception, match=r"\.xlsx"):
        plan_bytes(declaration(), ".txt")


def test_a_layout_of_the_other_record_is_refused() -> None:
    with pytest.raises(LayoutError, match="监控表的表样"):
        plan_layout("declaration", "henan-monitoring")


_MINIMAL = """
id = "my-declaration"
record = "declaration"
name = "测试"
title = "绩效目标表"
columns = [1, 1, 1]
[[sections]]
kind = "rows"
rows = [[{ text = "项目名称" }, { field = "FIELD", span = 2 }]]
[[sections]]
kind = "indicators"
columns = [{ head = "三级指标", value = "name" }, { head = "指标值", value = "COLUMN" }, { head = "分值", value = "weight" }]
"""


def test_a_plan_layout_names_only_its_records_facts() -> None:
    ok = parse_plan_layout(_MINIMAL.replace("FIELD", "funds.total").replace("COLUMN", "target"), "t")
    assert ok.record == "declaration"
    with pytest.raises(LayoutError, match=r"budget\.executed"):
        parse_plan_layout(_MINIMAL.replace("FIELD", "budget.executed").replace("COLUMN", "target"), "t")
    with pytest.raises(LayoutError, match="to_date"):
        parse_plan_layout(_MINIMAL.replace("FIELD", "funds.total").replace("COLUMN", "to_date"), "t")
    with pytest.raises(LayoutError, match="record"):
        parse_plan_layout(_MINIMAL.replace('record = "declaration"', 'record = "x"'), "t")


@pytest.mark.parametrize(
    "name", sorted({*FIELDS_OF["declaration"], *FIELDS_OF["monitoring"], *INDICATOR_VALUES["monitoring"]})
)
def test_every_plan_field_is_documented(name: str) -> None:
    assert f"`{name}`" in DOC
