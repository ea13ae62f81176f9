"""Reading the 目标申报表 and the 监控情况表 (docx, xlsx, pdf): files in the official layouts (written
by the exporter) and reworded variants built by hand, told apart from each other and from a
自评表."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import Monitoring
from jixiao.export.plan_api import export_plan
from jixiao.intake.extract.plan import plan_kind
from jixiao.intake.pipeline import extract_evaluations
from jixiao.intake.plans import PlanFileError
from jixiao.intake.plans import read_plan
from jixiao.intake.readers import read_document
from plan_samples import declaration
from plan_samples import monitoring

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "submissions"


def _facts(record: Declaration | Monitoring) -> list[tuple[object, ...]]:
    return [(i.level1, i.level2, i.name, i.target.text if i.target else None) for i in record.indicators]


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".pdf"])
def test_a_declaration_in_the_official_layout_reads_back(tmp_path: Path, suffix: str) -> None:
    written = declaration()
    written = written.model_copy(
        update={"project": written.project.model_copy(update={"attribute": "延续项目"})}
    )
    path = export_plan(written, tmp_path / f"目标申报表{suffix}")
    read = read_plan(path, "declaration")
    assert isinstance(read, Declaration)
    assert read.project == written.project
    assert (read.planned_yuan, read.fiscal_yuan, read.other_yuan) == (
        Decimal("2000000.00"),
        Decimal("1800000.00"),
        Decimal("200000.00"),
    )
    assert read.objective == written.objective
    assert _facts(read) == _facts(written)
    assert [i.weight for i in read.indicators] == [i.weight for i in written.indicators]
    assert read.findings == ()
    assert read.source is not None and read.source.sha256
    assert read.indicators[0].location is not None and "第" in read.indicators[0].location


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".pdf"])
def test_a_monitoring_table_in_the_official_layout_reads_back(tmp_path: Path, suffix: str) -> None:
    written = monitoring()
    path = export_plan(written, tmp_path / f"监控情况表{suffix}")
    read = read_plan(path, "monitoring")
    assert isinstance(read, Monitoring)
    assert read.project == written.project
    assert (read.period.first_month, read.period.last_month) == (1, 7)
    assert (read.planned_yuan, read.executed_yuan, read.expected_yuan) == (
        Decimal("2000000.00"),
        Decimal("650000.00"),
        Decimal("1900000.00"),
    )
    assert read.execution_rate == Decimal("0.325")
    assert (read.objective, read.objective_progress) == (written.objective, written.objective_progress)
    assert _facts(read) == _facts(written)
    got = [(i.to_date, i.expected, i.cause, i.cause_text, i.likelihood, i.note) for i in read.indicators]
    want = [(i.to_date, i.expected, i.cause, i.cause_text, i.likelihood, i.note) for i in written.indicators]
    assert got == want
    assert read.findings == ()


def _reworded_monitoring(path: Path) -> Path:
    """A county's own 监控情况表: other title, heads reworded and reordered, amounts in 元 (the
    年初 and the adjusted 全年 budget), the 偏差原因 and 可能性 each in one column, a 经费 reason,
    one row naming two likelihoods."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "监控"
    rows: list[list[object]] = [
        ["2023年度项目绩效运行监控情况表"],
        ["项目名称", "乡村道路养护", None, "实施单位", "某县交通运输局"],
        ["主管部门", "某县交通运输局"],
        ["项目资金（单位：元）", "年初预算数", "1至6月执行数", "执行进度", "全年预计执行数", "全年预算数"],
        ["年度资金总额", 900000, 420000.5, "52.50%", 800000, 800000],
        [
            "序号",
            "一级指标",
            "二级指标",
            "指标名称",
            "目标值",
            "1至6月完成情况",
            "预计全年完成情况",
            "偏差原因分析",
            "完成目标可能性",
            "备注",
        ],
        [
            1,
            "产出指标",
            "数量指标",
            "养护农村公路里程",
            "≥120公里",
            "50公里",
            "110公里",
            "经费保障：养护资金下半年才拨付",
            "完全不可能",
            "",
        ],
        [2, "产出指标", "质量指标", "路面完好率", "≥95%", "96%", "96%", "无", "确定能", ""],
        [
            3,
            "效益指标",
            "社会效益指标",
            "群众出行满意度",
            "≥90%",
            "—",
            "≥90%",
            "",
            "有可能、确定能",
            "年底调查",
        ],
        [4, "产出指标", "时效指标", "养护及时率", "≥98%", "90%", "95%", "经费未到位", "有可能", ""],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("B2:C2")
    wb.save(path)
    return path


def test_a_reworded_monitoring_table_reads(tmp_path: Path) -> None:
    read = read_plan(_reworded_monitoring(tmp_path / "监控.xlsx"), "monitoring")
    assert isinstance(read, Monitoring)
    assert (read.project.name, read.project.year, read.project.implementer) == (
        "乡村道路养护",
        2023,
        "某县交通运输局",
    )
    assert (read.period.first_month, read.period.last_month) == (1, 6)
    assert (read.planned_yuan, read.executed_yuan, read.expected_yuan) == (
        Decimal("800000.00"),
        Decimal("420000.50"),
        Decimal("800000.00"),
    )
    assert read.stated_rate == Decimal("0.525")
    first, second, third, fourth = read.indicators
    assert (first.name, first.target and first.target.value, first.to_date and first.to_date.value) == (
        "养护农村公路里程",
        Decimal(120),
        Decimal(50),
    )
    assert first.expected is not None and first.expected.text == "110公里"
    assert (first.cause, first.cause_text, first.likelihood) == (
        DeviationCause.FUNDING,
        "养护资金下半年才拨付",
        Likelihood.IMPOSSIBLE,
    )
    assert (second.cause, second.cause_text, second.likelihood) == (None, None, Likelihood.CERTAIN)
    # a reason that only begins with a related word names no category, and keeps its words
    assert (fourth.cause, fourth.cause_text) == (None, "经费未到位")
    # two choices named in one cell: not a guess between them, a finding instead
    assert third.likelihood is None and third.note == "年底调查"
    assert [(f.code, f.location) for f in read.findings] == [("EXTRACTION_INCOMPLETE", "工作表“监控” 第9行")]
    assert "写了多项" in read.findings[0].message


def test_a_reworded_declaration_in_word_reads(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("某区2025年度部门预算项目绩效目标表")
    table = document.add_table(rows=0, cols=5)
    for cells in (
        ["项目名称", "老旧小区加装电梯补助", "", "", ""],
        ["主管部门", "某区住房和城乡建设局", "", "实施单位", "某区住房和城乡建设局"],
        ["年度资金申请总额（万元）", "350", "", "", ""],
        ["其中：财政资金", "300", "", "", ""],
        ["其他资金", "50", "", "", ""],
        ["年度目标", "完成加装电梯70部，惠及居民2000户。", "", "", ""],
        ["一级指标", "二级指标", "指标名称", "年度指标值", "权重"],
        ["产出指标", "数量指标", "加装电梯数量", "≥70部", "40"],
        ["产出指标", "成本指标", "单部补助标准", "≤5万元/部", "20"],
        ["效益指标", "社会效益指标", "惠及居民户数", "≥2000户", "20"],
        ["满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "10"],
    ):
        row = table.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            cell.text = text
    path = tmp_path / "绩效目标.docx"
    document.save(str(path))
    read = read_plan(path, "declaration")
    assert isinstance(read, Declaration)
    assert read.project.year == 2025 and read.project.name == "老旧小区加装电梯补助"
    assert (read.planned_yuan, read.fiscal_yuan, read.other_yuan) == (
        Decimal("3500000.00"),
        Decimal("3000000.00"),
        Decimal("500000.00"),
    )
    assert read.objective == "完成加装电梯70部，惠及居民2000户。"
    assert [(i.name, i.target.text if i.target else None, i.weight) for i in read.indicators] == [
        ("加装电梯数量", "≥70部", Decimal(40)),
        ("单部补助标准", "≤5万元/部", Decimal(20)),
        ("惠及居民户数", "≥2000户", Decimal(20)),
        ("居民满意度", "≥90%", Decimal(10)),
    ]


def test_the_kinds_are_told_apart(tmp_path: Path) -> None:
    dec = export_plan(declaration(), tmp_path / "a.xlsx")
    mon = export_plan(monitoring(), tmp_path / "b.docx")
    assert plan_kind(read_document(dec)) == "declaration"
    assert plan_kind(read_document(mon)) == "monitoring"
    for example in sorted(EXAMPLES.iterdir()):
        if example.suffix in (".docx", ".xlsx", ".txt"):
            assert plan_kind(read_document(example)) is None, example.name
    with pytest.raises(PlanFileError, match="这是绩效目标执行监控表"):
        read_plan(mon, "declaration")
    with pytest.raises(PlanFileError, match="不是绩效目标申报表"):
        read_plan(EXAMPLES / "2020-社会保障专项-自评表.xlsx", "declaration")


def test_a_plan_is_not_scored_as_a_self_evaluation(tmp_path: Path) -> None:
    path = export_plan(monitoring(), tmp_path / "监控.xlsx")
    (ev,) = extract_evaluations(path)
    assert [f.code for f in ev.findings] == ["UNREADABLE_DOCUMENT"]
    assert "jixiao import --kind 监控" in ev.findings[0].message


def _national_form(path: Path, *, group_heads: bool = True) -> Path:
    """财预〔2015〕88号's 申报表: 中期 and 年度 funds, objectives and indicators side by side."""
    rows = [
        ["项目名称", "智慧社区平台", "", "", "", "", "", ""],
        ["主管部门及代码", "某市民政局 101", "", "", "实施单位", "某市信息中心", "", ""],
        ["项目资金（万元）", "中期资金总额：", "", "600", "", "年度资金总额：", "", "200"],
        ["", "其中：财政拨款", "", "540", "", "其中：财政拨款", "", "180"],
        ["", "其他资金", "", "60", "", "其他资金", "", "20"],
        ["总体目标", "中期目标（2024年—2026年）", "", "", "", "年度目标", "", ""],
        ["", "建成全市平台", "", "", "", "完成一期上线", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
        ["", "产出指标", "数量指标", "接入社区数", "≥300个", "数量指标", "接入社区数", "≥100个"],
        ["", "效益指标", "社会效益指标", "线上办件量", "≥30万件", "社会效益指标", "线上办件量", "≥8万件"],
    ]
    document = docx.Document()
    document.add_paragraph("项目支出绩效目标申报表")
    document.add_paragraph("（2024年度）")
    table = document.add_table(rows=len(rows), cols=8)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(5, 1).merge(table.cell(5, 4))
    table.cell(5, 5).merge(table.cell(5, 7))
    table.cell(6, 1).merge(table.cell(6, 4))
    table.cell(6, 5).merge(table.cell(6, 7))
    if not group_heads:
        table.cell(5, 1).text = "目标一"
        table.cell(5, 5).text = "目标二"
    document.save(str(path))
    return path


def test_the_national_form_with_medium_term_columns_gives_the_annual_ones(tmp_path: Path) -> None:
    """The 年度 ones are read, never the 中期 ones."""
    read = read_plan(_national_form(tmp_path / "申报表.docx"), "declaration")
    assert isinstance(read, Declaration)
    assert (read.planned_yuan, read.fiscal_yuan, read.other_yuan) == (
        Decimal("2000000.00"),
        Decimal("1800000.00"),
        Decimal("200000.00"),
    )
    assert read.objective == "完成一期上线"
    assert [(i.level1, i.level2, i.name, i.target.text if i.target else None) for i in read.indicators] == [
        ("产出指标", "数量指标", "接入社区数", "≥100个"),
        ("效益指标", "社会效益指标", "线上办件量", "≥8万件"),
    ]


def test_two_indicator_groups_without_a_year_head_are_not_guessed(tmp_path: Path) -> None:
    read = read_plan(_national_form(tmp_path / "申报表.docx", group_heads=False), "declaration")
    assert read.indicators == ()
    assert any("无法确定哪一组是年度指标" in f.message for f in read.findings)


@pytest.mark.parametrize("kind", ["declaration", "monitoring"])
def test_other_files_are_refused_with_a_reason_never_an_exception(tmp_path: Path, kind: str) -> None:
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(export_plan(declaration(), tmp_path / "好的.xlsx").read_bytes()[:3000])
    for path in [*sorted(EXAMPLES.iterdir()), broken, tmp_path / "没有这个文件.docx"]:
        with pytest.raises(PlanFileError) as caught:
            read_plan(path, kind)  # type: ignore[arg-type]
        assert caught.value.reason and path.name in str(caught.value)


def test_a_ticked_category_without_words_reads_as_that_category(tmp_path: Path) -> None:
    record = monitoring()
    rows = tuple(
        r.model_copy(update={"cause": DeviationCause.STAFF, "cause_text": None}) if r.cause_text else r
        for r in record.indicators
    )
    path = export_plan(record.model_copy(update={"indicators": rows}), tmp_path / "监控.docx")
    read = read_plan(path, "monitoring")
    behind = next(i for i in read.indicators if i.name == "受益老年人数")
    assert (behind.cause, behind.cause_text, behind.likelihood) == (
        DeviationCause.STAFF,
        None,
        Likelihood.IMPOSSIBLE,
    )
