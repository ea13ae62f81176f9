"""Wrong-value risks of degraded text, on documents written for these tests (not corpus copies):
what every consistent reading agrees on is read, the rest is left empty with a note; an OCR'd
``≥`` before a percentage target is read only when the row confirms it; sums stand down when
rows were not read."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.checks.catalogue import ROWS_INCOMPLETE
from jixiao.core.model import Evaluation
from jixiao.intake.extract.degraded import mark_incomplete_rows
from jixiao.intake.extract.degraded import ocr_ge_percent
from jixiao.intake.normalise import normalise
from jixiao.intake.pipeline import extract_file


def _ev(tmp_path: Path, text: str, name: str = "form.txt") -> Evaluation:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_file(path)


def _notes(ev: Evaluation) -> str:
    return "\n".join(f.message for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE")


def _codes(ev: Evaluation) -> set[str]:
    return {f.code for f in ev.findings}


# --- a printed rate and score kept when only the amounts are ambiguous ---------------------------

_RUN_ON_HEAD = (
    "{year}年度项目支出绩效自评表项目名称{name}主管部门{dept}实施单位{dept}"
    "项目资金(万元)年初预算数全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:{figures}"
    "其中:本年财政拨款上年结转资金其他资金年度总体目标按期完成{name}"
)


@pytest.mark.parametrize(
    ("figures", "rate", "score"),
    [
        # 72 | 66 | 66 and 7266 | 6 | 6 both spend 100 %.
        ("72666610100%10", Decimal(1), Decimal(10)),
        # 48 | 99 | 99 and 4899 | 9 | 9, written with two decimals on the rate and a score of 10.00.
        ("48999910100.00%10.00", Decimal(1), Decimal(10)),
    ],
)
def test_ambiguous_amounts_keep_the_printed_rate_and_score(
    tmp_path: Path, figures: str, rate: Decimal, score: Decimal
) -> None:
    text = _RUN_ON_HEAD.format(year=2023, name="村级光伏电站运维", dept="某县发展和改革局", figures=figures)
    ev = _ev(tmp_path, text)
    assert ev.budget.planned_yuan is None and ev.budget.executed_yuan is None
    assert ev.budget.stated_rate == rate and ev.budget.execution_rate == rate
    assert ev.claimed.budget_execution_score == score
    assert "多种同样自洽的拆分" in _notes(ev) and "金额未读取" in _notes(ev)


def test_two_amounts_under_three_columns_keep_the_score_not_the_rate(tmp_path: Path) -> None:
    # 84.00 and 79.80 under 年初 | 全年 | 执行: which two columns they fill is unknown, and 79.80 ÷
    # 84 is 95 % while the row prints 97 %. No cut confirms 97 % (a missing amount might explain
    # it), so it is not read; 10 and 9.7 are printed plainly and kept.
    text = (
        "某区2022年度项目绩效自评表\n项目名称 老旧小区加装电梯补助 主管部门 某区住房和城乡建设局 金额单位 万元\n"
        "项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
        "年度资金总额 84.00 79.80 10 97% 9.7\n其中：财政拨款 84.00 79.80\n"
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
    )
    ev = _ev(tmp_path, text)
    assert ev.budget.planned_yuan is None and ev.budget.executed_yuan is None
    assert ev.budget.stated_rate is None and ev.budget.execution_rate is None
    assert ev.claimed.budget_execution_score == Decimal("9.7")
    assert "只读取了分值、得分" in _notes(ev)


def test_disputed_rate_reads_nothing(tmp_path: Path) -> None:
    # Without a percent sign, 100 could be a rate or an amount: the cuts disagree on every column.
    text = _RUN_ON_HEAD.format(year=2021, name="河道保洁", dept="某镇人民政府", figures="5555555")
    ev = _ev(tmp_path, text)
    assert ev.budget.stated_rate is None and ev.claimed.budget_execution_score is None


# --- an OCR'd ≥ before a percentage target -----------------------------------------------------

_OCR_FORM = """2024年度项目支出绩效自评表
项目名称 城乡居民养老保险经办补助
主管部门 某县人力资源和社会保障局 实施单位 某县社会保险事业管理中心
项目资金（万元） 年初预算数 全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分
年度资金总额 4O.OO 4O.OO 4O.OO 1O 1OO% 1O
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分
产出指标 数量指标 参保登记人数 ≧8OOO人 8124人 30 30
产出指标 时效指标 待遇按时发放率 {target} {actual} 20 {score}
效益指标 社会效益指标 应保尽保率 ≧95% 96% 30 30
满意度指标 服务对象满意度指标 参保群众满意度 ≧9O% 92% 10 10
总 分 1OO {total}
"""


def test_ocr_two_for_ge_confirmed_by_the_row(tmp_path: Path) -> None:
    ev = _ev(tmp_path, _OCR_FORM.format(target="298%", actual="99%", score="20", total="100"))
    row = next(i for i in ev.indicators if i.name == "待遇按时发放率")
    assert row.target is not None and row.target.text == "≥98%" and row.target.value == Decimal(98)
    assert row.computed_score == Decimal(20)
    assert "原文“298%”" in ev.provenance["indicators.1.target"]
    assert not {"SCORE_MISMATCH", "FULL_SCORE_TARGET_MISSED"} & _codes(ev)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("295%", "95"),
        ("Z90%", "90"),
        ("z99.5%", "99.5"),
        ("2100%", "100"),
        ("25%", None),  # a 25 % target
        ("200%", None),  # “2” and “00” is no target
        ("1295%", None),
        ("≥95%", None),
        ("295人", None),
    ],
)
def test_ocr_ge_percent_reads_only_the_confusion(text: str, figure: str | None) -> None:
    assert ocr_ge_percent(text) == figure


@pytest.mark.parametrize(
    ("target", "actual", "score", "total"),
    [
        # Short of the guess (97 < 98) and not full marks: ≥98% or 298% cannot be told apart.
        ("298%", "97%", "19.8", "99.8"),
        # The actual reaches the printed 250 % too: 250 % and ≥50 % both give full marks.
        ("250%", "260%", "20", "100"),
    ],
)
def test_ocr_two_for_ge_unconfirmed_leaves_the_target_unread(
    tmp_path: Path, target: str, actual: str, score: str, total: str
) -> None:
    ev = _ev(tmp_path, _OCR_FORM.format(target=target, actual=actual, score=score, total=total))
    row = next(i for i in ev.indicators if i.name == "待遇按时发放率")
    assert row.target is not None and row.target.value is None and row.target.text == target
    assert f"年初目标值“{target}”" in _notes(ev) and "目标值未读取" in _notes(ev)
    codes = [f for f in ev.findings if f.code in {"TARGET_NOT_QUANTIFIED", "SCORE_MISMATCH"}]
    assert not [f for f in codes if "待遇按时发放率" in f.message]


def test_a_plain_percentage_target_is_left_alone(tmp_path: Path) -> None:
    ev = _ev(tmp_path, _OCR_FORM.format(target="25%", actual="27%", score="20", total="100"))
    row = next(i for i in ev.indicators if i.name == "待遇按时发放率")
    assert row.target is not None and row.target.value == Decimal(25)


# --- sums stand down when indicator rows were not read ---------------------------------------

_SPACED = """2022年度项目支出绩效自评表
项目名称 农村生活污水治理 主管部门 某县生态环境局 实施单位 某县生态环境局
项目资金（万元） 年初预算数 全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分
年度资金总额 150.00 150.00 147.00 10 98.00% 9.8
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分
产出指标 数量指标 新建污水处理设施 ≥12座 12座 30 30
产出指标 质量指标 出水水质达标率 ≥90% 93% 20 20
{extra}满意度指标 服务对象满意度指标 村民满意度 ≥85% 90% 10 10
总 分 100 {total}
"""


@pytest.mark.parametrize(
    "reason",
    [
        # The wordings by which the table readers say rows were left out.
        "连排文字中“社会效益指标”下的指标行有多种同样合理的拆分，未读取：学校卫生状况 持续改善",
        "连排文字中“产出指标”下各行分值合计45与标注的50分不符，该组指标未读取",
        "表格文字错位：另有3个编号指标行的名称与数值无法一一对应，未读取（指标和权重合计不完整）",
        "该行有目标值或得分，但没有指标名称",
        "该行只有指标名称或部分数值，未能读取",
    ],
)
def test_notes_about_unread_rows_stand_the_sums_down(reason: str) -> None:
    notes = [("第3行", "连排文字中“年度资金总额”一行的数字无法与表头各列对应，预算未读取"), ("第9行", reason)]
    prov: dict[str, str] = {}
    mark_incomplete_rows(notes, prov)
    assert prov == {ROWS_INCOMPLETE: "第9行"}
    assert notes[-1][0] == "第9行" and "核对未进行" in notes[-1][1]


@pytest.mark.parametrize(
    "reason",
    [
        "连排文字中“年度资金总额”一行的数字有多种同样自洽的拆分（全年预算数无法确定），预算未读取",
        "连排文字中“总分”一行的数字无法唯一拆分，自评总分未从表中读取",
        "没有找到项目名称、预算、绩效指标或自评得分，文件可能不是绩效自评报告",
        "年初目标值“295%”前没有比较符号，可能是“≥95%”的“≥”被识读为“2”，实际完成值与得分不足以确认，目标值未读取",
    ],
)
def test_other_notes_leave_the_sums_on(reason: str) -> None:
    notes = [("第2行", reason)]
    prov: dict[str, str] = {}
    mark_incomplete_rows(notes, prov)
    assert prov == {} and len(notes) == 1


def test_a_whole_table_that_does_not_add_up_is_still_reported(tmp_path: Path) -> None:
    # 60 points of rows and a total of 97.8 they cannot make: the table was read whole, so the
    # sums are checked (the counterpart of the notes above).
    ev = _ev(tmp_path, _SPACED.format(extra="", total="97.8"))
    assert "核对未进行" not in _notes(ev)
    assert {"WEIGHTS_SUM_MISMATCH", "TOTAL_MISMATCH"} <= _codes(ev)


# --- each form's header in run-on text that holds several ----------------------------------------

_TWO_FORMS = (
    "项目支出绩效自评表(2022年度)项目名称{a}主管部门某市文化广电旅游局实施单位{ua}"
    "项目资金(万元)年初预算数全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:303010100%10"
    "其中:本年财政拨款3030上年结转资金其他资金年度总体目标全年开展活动\n"
    "项目支出绩效自评表(2022年度)项目名称{b}主管部门某市文化广电旅游局实施单位{ub}"
    "项目资金(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:80721090%9"
    "其中:本年财政拨款8072上年结转资金其他资金年度总体目标完成修缮\n"
)


@pytest.mark.parametrize("one_line", [False, True])
def test_every_run_on_form_gets_its_own_header(tmp_path: Path, one_line: bool) -> None:
    from jixiao.intake.pipeline import extract_evaluations

    text = _TWO_FORMS.format(a="公共文化服务体系建设", ua="某市图书馆", b="文物保护单位修缮", ub="某市博物馆")
    if one_line:  # both forms in one paragraph: each form's tables in the order the text printed them
        text = text.replace("\n", "") + "\n"
    path = tmp_path / "forms.txt"
    path.write_text(text, encoding="utf-8")
    evs = extract_evaluations(path)
    assert [e.project.name for e in evs] == ["公共文化服务体系建设", "文物保护单位修缮"]
    assert [e.project.implementer for e in evs] == ["某市图书馆", "某市博物馆"]
    assert [e.budget.planned_yuan for e in evs] == [Decimal(300000), Decimal(800000)]
    assert evs[1].budget.stated_rate == Decimal("0.9")


def test_header_recovery_reads_both_headers_of_one_line() -> None:
    from jixiao.intake.recover.header_fields import recover_header

    line = _TWO_FORMS.format(a="甲项目", ua="甲单位", b="乙项目", ub="乙单位").replace("\n", "")
    found = [table.text_rows() for table, _ in recover_header(line)]
    assert [rows[0] for rows in found] == [["项目名称", "甲项目"], ["项目名称", "乙项目"]]


# --- a total row printing 0 as its budget; a form that scores the rate in a row of its own -------

_ZERO_TOTAL = (
    "某县项目支出绩效自评表 (2022年度) 项目名称 村卫生室运行补助 主管部门 某县卫生健康局 年初预算 数 0 "
    "项目资金 (万元) 年度资金总额 实施单位 某镇卫生院 全年预算数 全年执行数 分值 执行率 得分 {figures} "
    "其中:当年财政拨款 上年结转资金 其他资金 年度 总体 目标 保障村卫生室正常运行"
)


def test_zero_budget_over_money_spent_reads_the_rest_as_printed(tmp_path: Path) -> None:
    ev = _ev(tmp_path, _ZERO_TOTAL.format(figures="0 58.3 10 100% 10 58.3 — 100% —"))
    assert ev.budget.planned_yuan is None  # 0 over 58.3 spent is no budget
    assert ev.budget.executed_yuan == Decimal(583000)
    assert ev.budget.stated_rate == Decimal(1) and ev.claimed.budget_execution_score == Decimal(10)
    assert "预算数为0" in _notes(ev)


def test_zero_budget_glued_to_its_figures_is_not_read(tmp_path: Path) -> None:
    # 058.310100%10: without cell borders 0 | 58.3 is one cut among others and cannot be checked.
    ev = _ev(tmp_path, _ZERO_TOTAL.format(figures="058.310100%10"))
    assert ev.budget.executed_yuan is None and ev.budget.planned_yuan is None


_RATE_ROW_FORM = (
    "某市本级部门项目支出绩效自评表(2022年)项目名称中学校舍维修主管部门某市教育局实施单位某市第三中学"
    "自评得分{total}项目资金(万元)年度资金总额年初预算数调整预算数(A)全年执行数(B)执行率(B/A)"
    "120.5 120.5 118.09 98%年度总体目标完成校舍维修\n"
    "一级指标二级指标三级指标分值指标值(A)全年实际值(B)得分项目决策(10分)项目目标完整性4一目标明确4"
    "项目管理(25分)预算执行率10一{rate}%{score}财务管理制度有效性7一财务制度健全7\n"
)


def test_rate_scored_in_its_own_row(tmp_path: Path) -> None:
    ev = _ev(tmp_path, _RATE_ROW_FORM.format(total="97", rate="98", score="9.8"))
    assert ev.budget.planned_yuan == Decimal(1205000) and ev.budget.stated_rate == Decimal("0.98")
    assert ev.claimed.budget_execution_score == Decimal("9.8")


@pytest.mark.parametrize(
    ("rate", "score"),
    [
        ("97", "9.7"),  # another rate than the block's: another row, or a misprint
        ("98", "12"),  # a score above the weight
    ],
)
def test_rate_row_that_disagrees_with_the_block_is_not_read(tmp_path: Path, rate: str, score: str) -> None:
    ev = _ev(tmp_path, _RATE_ROW_FORM.format(total="97", rate=rate, score=score))
    assert ev.budget.stated_rate == Decimal("0.98")
    assert ev.claimed.budget_execution_score is None


# --- OCR glyph confusions in the budget labels, read back by normalisation -----------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("年初预匏数调整预算将(A)", "年初预算数调整预算数(A)"),
        ("资金情况(万兀)", "资金情况(万元)"),
        ("项Fl资金", "项目资金"),
        ("顼目产出", "项目产出"),
        ("预 匏 数", "预 算 数"),
        # the same characters outside a label are words of their own
        ("匏瓜", "匏瓜"),
        ("兀自", "兀自"),
        ("将于年底完成", "将于年底完成"),
        ("Flask", "Flask"),
    ],
)
def test_ocr_label_confusions(written: str, read: str) -> None:
    assert normalise(written) == read


def test_ocr_damaged_budget_header_is_read(tmp_path: Path) -> None:
    text = (
        "某市本级部门项目支出绩效自评表(2021年)项目名称小学课后服务补助主管部门某市教育局实施单位某市实验小学"
        "项Fl资金(万兀)年度资金总额年初预匏数调整预算将,A、全年执行数(B)执行率(B/A)52.852.852.8100%"
        "年度总体目标开展课后服务\n"
    )
    ev = _ev(tmp_path, text)
    assert ev.budget.planned_yuan == Decimal(528000) and ev.budget.executed_yuan == Decimal(528000)
    assert ev.budget.initial_yuan == Decimal(528000)
