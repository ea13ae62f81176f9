"""Indicator rows from text whose table structure was lost (issue 13): spaced cells, one cell per
line, rows run on, labels merged above, spreadsheet residue whose names and figures came apart.

Every document here is written for these tests (not a corpus file). Where the numbers cannot be
placed with certainty the row is still read by its name, its 分值/得分 stay empty and an
EXTRACTION_INCOMPLETE note says why.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.intake.pipeline import extract_evaluations


def _extract(tmp_path: Path, text: str) -> Evaluation:
    path = tmp_path / "自评表.txt"
    path.write_text(text, encoding="utf-8")
    evs = extract_evaluations(path)
    assert len(evs) == 1
    return evs[0]


def _rows(ev: Evaluation) -> list[tuple[str | None, str | None, str, str, str, str, str]]:
    def text(v: object) -> str:
        return getattr(v, "text", "") or ""

    def num(v: Decimal | None) -> str:
        return "" if v is None else format(v.normalize(), "f")

    return [
        (i.level1, i.level2, i.name, text(i.target), text(i.actual), num(i.weight), num(i.claimed_score))
        for i in ev.indicators
    ]


def _codes(ev: Evaluation) -> list[str]:
    return [f.code for f in ev.findings]


def _incomplete(ev: Evaluation) -> str:
    return "\n".join(f.message for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE")


# --- spaced cells, one row per line; 一级/二级 left blank where they were merged above ------------


SPACED = """\
某区2022年度项目支出绩效自评表
项目名称：老旧小区雨污分流改造
年度绩效指标完成情况
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施
产出指标 数量指标 改造小区个数 ≥8个 9个 20 20
质量指标 管网闭水试验合格率 100% 97% 20 17 两处返工已整改
效益指标 社会效益指标 居民生活环境 明显改善 明显改善 30 30
满意度指标 服务对象满意度指标 住户满意度 ≥90% 93% 20 20
总分 100 97
"""


def test_spaced_rows_read_with_their_numbers_and_labels_carried(tmp_path: Path) -> None:
    ev = _extract(tmp_path, SPACED)
    assert _rows(ev) == [
        ("产出指标", "数量指标", "改造小区个数", "≥8个", "9个", "20", "20"),
        ("产出指标", "质量指标", "管网闭水试验合格率", "100%", "97%", "20", "17"),
        ("效益指标", "社会效益指标", "居民生活环境", "明显改善", "明显改善", "30", "30"),
        ("满意度指标", "服务对象满意度指标", "住户满意度", "≥90%", "93%", "20", "20"),
    ]
    assert ev.indicators[1].deviation_reason == "两处返工已整改"
    assert ev.claimed.total == Decimal(97)
    assert "EXTRACTION_INCOMPLETE" not in _codes(ev)


# A provincial header that names 得分 three times (单项得分, 自评得分, 折算得分): the trailing
# figures cannot be placed; names, targets and actuals still are.
SPACED_AMBIGUOUS = """\
某县民政局2021年度预算项目绩效自评表
年度绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 实际完成值 完成情况 自评得分
单项得分 权重占比(%) 折算得分
产出指标 数量指标 救助对象人数 困难群众临时救助 >= 350 人 362人 完成 40.00 40.00 16.00
时效指标 资金发放及时率 按月发放 >= 95 % 100% 完成 30.00 30.00 9.00
满意度指标 服务对象满意度指标 救助对象满意度 >= 90 % 96% 完成 30.00 30.00 9.00
"""


def test_spaced_rows_whose_figures_cannot_be_placed_keep_names_and_targets(tmp_path: Path) -> None:
    ev = _extract(tmp_path, SPACED_AMBIGUOUS)
    assert _rows(ev) == [
        ("产出指标", "数量指标", "救助对象人数", ">=350人", "362人", "", ""),
        ("产出指标", "时效指标", "资金发放及时率", ">=95%", "100%", "", ""),
        ("满意度指标", "服务对象满意度指标", "救助对象满意度", ">=90%", "96%", "", ""),
    ]
    note = _incomplete(ev)
    assert "3个指标行只读取了名称" in note and "救助对象人数（完成 40.00 40.00 16.00）" in note
    # Rows not read whole: the sums are not checked, and nothing claims a number.
    assert "WEIGHTS_SUM_MISMATCH" not in _codes(ev)
    assert "TOTAL_MISMATCH" not in _codes(ev)


# --- one cell per line -----------------------------------------------------------------------

CELL_PER_LINE = """\
就业技能培训补贴绩效自评表（2023年度）
绩效指标
一级指标
二级指标
三级指标
年度指标值
实际完成值
分值
得分
产出指标
数量指标
技能培训人次
≥600人次
645人次
25
25
参训企业数
≥15家
13家
15
12
效益指标
社会效益指标
培训后就业人数
≥300人
331人
30
30
满意度指标
服务对象满意度指标
学员满意度
≥95%
97%
20
20
总分
100
97
"""


def test_one_cell_per_line(tmp_path: Path) -> None:
    ev = _extract(tmp_path, CELL_PER_LINE)
    assert _rows(ev) == [
        ("产出指标", "数量指标", "技能培训人次", "≥600人次", "645人次", "25", "25"),
        ("产出指标", "数量指标", "参训企业数", "≥15家", "13家", "15", "12"),
        ("效益指标", "社会效益指标", "培训后就业人数", "≥300人", "331人", "30", "30"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥95%", "97%", "20", "20"),
    ]
    assert ev.claimed.total == Decimal(97)


# --- rows run on -----------------------------------------------------------------------------

RUN_ON = (
    "河道清淤项目绩效自评表\n"
    "一级指标二级指标三级指标年度指标值实际完成值分值得分\n"
    "产出指标数量指标清淤河道长度≥18公里19.5公里2520质量指标验收合格率100%100%1515"
    "时效指标按期完工率≥95%88%107效益指标生态效益指标河道水质明显好转明显好转3030\n"
    "总分\n"
)


def test_run_on_rows_split_where_one_cut_is_well_formed(tmp_path: Path) -> None:
    ev = _extract(tmp_path, RUN_ON)
    assert _rows(ev) == [
        ("产出指标", "数量指标", "清淤河道长度", "≥18公里", "19.5公里", "25", "20"),
        ("产出指标", "质量指标", "验收合格率", "100%", "100%", "15", "15"),
        ("产出指标", "时效指标", "按期完工率", "≥95%", "88%", "10", "7"),
        ("效益指标", "生态效益指标", "河道水质", "明显好转", "明显好转", "30", "30"),
    ]


# The 指标值 / 完成值 columns hold bare figures glued together and there is no 分值/得分 column to
# check a cut against: “2020” may be 20 | 20 or 202 | 0. Rows by name, figures not read.
RUN_ON_NO_SCORES = """\
农村公路养护补助资金绩效目标自评表
绩效指标一级
指标
二级指标三级指标指标值全年实际完成值未完成原因和改进措施
数量指标新改建村道里程2525

质量指标路面质量达标1515
……
经济效益
指标
降低群众出行成本1010
服务对象
满意度指标
沿线群众满意度2020
说明
注:1.资金使用单位按项目填报。
"""


def test_run_on_rows_without_score_columns_are_read_by_name_only(tmp_path: Path) -> None:
    ev = _extract(tmp_path, RUN_ON_NO_SCORES)
    assert _rows(ev) == [
        ("产出指标", "数量指标", "新改建村道里程", "", "", "", ""),
        ("产出指标", "质量指标", "路面质量达标", "", "", "", ""),
        ("效益指标", "经济效益指标", "降低群众出行成本", "", "", "", ""),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "", "", "", ""),
    ]
    note = _incomplete(ev)
    assert "4个指标行只读取了名称" in note and "新改建村道里程（2525）" in note


# OCR'd: a unit column printed between the name and its figures, every figure glued. Each run
# cuts into 指标值 | 分值 | 完成值 | 得分 in more than one well-formed way.
OCR_UNIT_COLUMN = (
    "2023年度部门整体绩效自评表自评总分(分)96.5"
    "绩效指标指标名称计量单位指标值指标权重(分)全年完成值指标得分(分)说明"
    "农田灌溉面积万亩1210129.5病虫害防治率%951096.210村级服务站覆盖率%1001010010"
)


def test_ocr_rows_with_a_unit_column_keep_names_when_figures_are_ambiguous(tmp_path: Path) -> None:
    ev = _extract(tmp_path, OCR_UNIT_COLUMN)
    assert [r[2:] for r in _rows(ev)] == [
        ("农田灌溉面积", "", "", "", ""),
        ("病虫害防治率", "", "", "", ""),
        ("村级服务站覆盖率", "", "", "", ""),
    ]
    assert "农田灌溉面积（1210129.5）" in _incomplete(ev)


# --- spreadsheet residue: names and figure groups apart ----------------------------------------

RESIDUE = (
    "某县项目支出绩效自评表 (2022年度) 项目名称 学生营养改善计划 主管部门 某县教育局 "
    "一级 指标 二级指标 三级指标 数量指标 指标1:受益学生人数 绩 效 指 标 产出 指标 (60分 ) 实际 "
    "指标值 完成值 4200 分值 得分 偏差原因分析及改进措 施 4150 20 18 部分学生转学 导致人数减少 "
    "质量指标 指标1:食品安全抽检合格 率 100% 100% 20 20 时效指标 指标1:补助资金按月拨付 "
    "12次 12次 10 10 ≤4元 4元 10 10 90% 93% 20 20 95% 96% 10 9 100 92 成本指标 "
    "指标1:每生每天补助标准 效益指 标(20 分) 年度 社会效益 指标1:学生营养健康状况改善 "
    "满意度 指标 服务对象满 指标1:家长满意度 (10分 ) 总分"
)


def test_residue_names_and_figure_groups_pair_when_weights_add_up(tmp_path: Path) -> None:
    ev = _extract(tmp_path, RESIDUE)
    assert _rows(ev) == [
        ("产出指标", "数量指标", "受益学生人数", "4200", "4150", "20", "18"),
        ("产出指标", "质量指标", "食品安全抽检合格", "100%", "100%", "20", "20"),
        ("产出指标", "时效指标", "补助资金按月拨付", "12次", "12次", "10", "10"),
        ("产出指标", "成本指标", "每生每天补助标准", "≤4元", "4元", "10", "10"),
        ("效益指标", "社会效益指标", "学生营养健康状况改善", "90%", "93%", "20", "20"),
        ("满意度指标", "服务对象满意度指标", "家长满意度", "95%", "96%", "10", "9"),
    ]
    assert ev.indicators[0].deviation_reason == "部分学生转学导致人数减少"
    assert ev.claimed.total == Decimal(92)
    # 18 + 20 + 10 + 10 + 20 + 9 = 87 of 90: the stated 92 needs a budget score of 5.
    assert "SCORE_MISMATCH" in _codes(ev)  # 96% of a 95% target met, yet 9 of 10


def test_residue_whose_weights_do_not_add_up_is_not_paired(tmp_path: Path) -> None:
    # One group's weight misread (20 → 25): the weights add up to 95, neither 90 nor 100.
    bad = RESIDUE.replace("90% 93% 20 20", "90% 93% 25 20")
    ev = _extract(tmp_path, bad)
    assert not any(r[5] for r in _rows(ev)), "no weight may be read from an unpaired residue"


# --- near misses: read by name, numbers not read --------------------------------------------


def test_a_score_above_its_weight_is_not_read(tmp_path: Path) -> None:
    text = SPACED.replace("管网闭水试验合格率 100% 97% 20 17", "管网闭水试验合格率 100% 97% 17 20")
    ev = _extract(tmp_path, text)
    row = next(r for r in _rows(ev) if r[2] == "管网闭水试验合格率")
    assert row[5:] == ("", "")
    assert "管网闭水试验合格率" in _incomplete(ev)


def test_an_ambiguous_glued_total_is_not_read(tmp_path: Path) -> None:
    # “总分 9896.5” cannot be 100 | …: no cut has the full mark 100; the total is not read.
    text = RUN_ON.replace("总分\n", "总分 9896.5\n")
    ev = _extract(tmp_path, text)
    assert ev.claimed.total is None
    assert len(ev.indicators) == 4


def test_prose_mentioning_indicator_levels_yields_no_rows(tmp_path: Path) -> None:
    text = (
        "关于2023年度项目绩效自评的说明\n"
        "本项目设置了产出指标、效益指标和满意度指标，三级指标共12项，全部完成年度目标。\n"
        "数量指标完成率100%，质量指标合格率98%。自评得分95分，评价等级为优。\n"
    )
    ev = _extract(tmp_path, text)
    assert ev.indicators == ()


# --- garbled headers ---------------------------------------------------------------------------


GARBLED = """\
某镇2024年度项目支出绩效自评表
一级指标 二级指标 三级指标 年度指標值 实际完戍值 分值 得分
产出指标 数量指标 新建文化广场 ≥2个 2个 30 30
时效指标 项目完工时间 ≤11月 12月 20 15
"""


def test_a_garbled_header_word_is_the_one_column_left(tmp_path: Path) -> None:
    # 年度指標值 is read (Traditional 標 → 标); 实际完戍值 is garbled: the one column the header
    # does not otherwise name is 实际完成值.
    ev = _extract(tmp_path, GARBLED)
    assert [r[2:] for r in _rows(ev)] == [
        ("新建文化广场", "≥2个", "2个", "30", "30"),
        ("项目完工时间", "≤11月", "12月", "20", "15"),
    ]


def test_two_garbled_header_words_leave_the_figures_unread(tmp_path: Path) -> None:
    ev = _extract(tmp_path, GARBLED.replace("分值 得分", "分傎 得汾 得分"))
    names = [r[2] for r in _rows(ev)]
    assert names == ["新建文化广场", "项目完工时间"]
    assert not any(r[5] or r[6] for r in _rows(ev))


def test_spaced_rows_in_a_web_page(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in SPACED.splitlines())
    path = tmp_path / "自评表.html"
    path.write_text(
        f"<html><body><div class='nav'>首页 &gt; 信息公开</div>{body}</body></html>", encoding="utf-8"
    )
    evs = extract_evaluations(path)
    assert [r[2:] for r in _rows(evs[0])] == [r[2:] for r in _rows(_extract(tmp_path, SPACED))]


def test_rows_whose_weights_miss_their_group_weight_keep_no_figures(tmp_path: Path) -> None:
    # 产出指标(50分) over rows weighing 20 + 20: a cut that does not add up is not certain.
    text = SPACED.replace("产出指标 数量指标", "产出指标(50分) 数量指标")
    ev = _extract(tmp_path, text)
    rows = _rows(ev)
    assert [r[5:] for r in rows if r[0] == "产出指标"] == [("", ""), ("", "")]
    assert [r[5:] for r in rows if r[0] == "满意度指标"] == [("20", "20")]
    assert "“产出指标”下各指标行分值合计40与标注的50分不符" in _incomplete(ev)
    assert "WEIGHTS_SUM_MISMATCH" not in _codes(ev) and "TOTAL_MISMATCH" not in _codes(ev)
    # … and where they do add up, they are read.
    ev = _extract(tmp_path, SPACED.replace("产出指标 数量指标", "产出指标(40分) 数量指标"))
    assert [r[5:] for r in _rows(ev) if r[0] == "产出指标"] == [("20", "20"), ("20", "17")]


# --- published documents (copies of public pages in tests/data/rows_degraded) ---------------------

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "rows_degraded"


def _published(name: str) -> Evaluation:
    evs = extract_evaluations(PUBLISHED / name)
    assert len(evs) == 1
    return evs[0]


def test_published_spaced_rows_with_a_provincial_header() -> None:
    # 河北: 指标分值 … 自评得分 / 单项指标得分 权重占比(%) 单项指标折算得分 — three score columns.
    ev = _published("real_04.txt")
    assert [r[2:] for r in _rows(ev)] == [
        ("符合条件申报对象覆盖率", ">=98%", "100%", "", ""),
        ("完成率", ">=99%", "100%", "", ""),
        ("补贴发放率", ">=75%", "100%", "", ""),
        ("服务对象满意度", ">=95%", "100%", "", ""),
    ]
    assert "4个指标行只读取了名称" in _incomplete(ev)


def test_published_spreadsheet_residue() -> None:
    ev = _published("real_05.txt")
    assert [r[5:] for r in _rows(ev)] == [
        ("15", "13"),
        ("15", "15"),
        ("10", "10"),
        ("10", "10"),
        ("30", "27"),
        ("10", "9"),
    ]
    assert ev.claimed.total == Decimal(94)
    assert {"TOTAL_MISMATCH", "SCORE_MISMATCH"} <= set(_codes(ev))


def test_published_run_on_rows_without_score_columns() -> None:
    ev = _published("real_08.txt")
    assert len(ev.indicators) == 7
    assert not any(r[3] or r[4] or r[5] or r[6] for r in _rows(ev))  # 2020 may be 20|20 or 202|0


def test_published_ocr_rows_with_a_unit_column() -> None:
    ev = _published("real_12.txt")
    assert [r[2] for r in _rows(ev)][:2] == ["天然林和公益林管护当期任务完成率", "国家级公益林管护面积"]
    assert len(ev.indicators) == 6
    assert not any(r[5] or r[6] for r in _rows(ev))
