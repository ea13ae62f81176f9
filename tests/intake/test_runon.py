"""Forms whose cells ran together in text: the budget block, indicator rows and the total rebuilt
from what is arithmetically certain, and "not read, with a note" where it is not."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.readers import read_document
from jixiao.intake.recover.glued import Role
from jixiao.intake.recover.glued import chunks
from jixiao.intake.recover.glued import readings

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def _read(tmp_path: Path, text: str) -> Document:
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    return read_document(path)


def _recovered(doc: Document, kind: str) -> list[list[str]]:
    found = [t for t in doc.tables if f"由连排文字恢复的{kind}" in t.place]
    assert len(found) == 1, [t.place for t in doc.tables]
    return found[0].text_rows()


def _no_table(doc: Document, kind: str) -> None:
    assert not [t for t in doc.tables if f"由连排文字恢复的{kind}" in t.place]


def _notes(doc: Document) -> str:
    return "\n".join(f"{place}：{reason}" for place, reason in doc.notes)


def _form(head: str, total: str, subs: str = "", tail: str = "") -> str:
    return (
        "绩效目标自评表(2023年度)项目名称乡村道路养护主管部门某县交通运输局实施单位某县交通运输局"
        f"{head}年度资金总额:{total}{subs}年度总体目标年初设定目标完成道路养护{tail}"
    )


# --- the budget block -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "total", "subs", "expected_total", "expected_sub"),
    [
        # The national form, every figure glued: 20 | 20 | 10 | 100.00% | 10.
        (
            "资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分",
            "202010100.00%10",
            "其中:本年财政拨款2020其他资金",
            ["20", "20", "10", "100.00%", "10"],
            ["20", "20", "", "", ""],
        ),
        # 年初预算数 first and a rate below 100 %: 35 | 40 | 36.5 | 10 | 91.25% | 9.
        (
            "项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分",
            "354036.51091.25%9",
            "其中:当年财政拨款354036.5上年结转资金",
            ["35", "40", "36.5", "10", "91.25%", "9"],
            ["35", "40", "36.5", "", "", ""],
        ),
        # Rate before weight (the order some provinces print), 调整后预算数, 元.
        (
            "项目资金(元)调整后预算数执行数执行率权重得分",
            "387664.62372158.0496.00%2019",
            "",
            ["387664.62", "372158.04", "96.00%", "20", "19"],
            None,
        ),
        # Figures separated by spaces but no cell borders, amounts with 万元.
        (
            "项目资金 预算数 执行数 分值 执行率 得分",
            " 620.82万元 600万元 10 96.65% 9.5",
            " 其中:财政拨款 620.82万元 600万元",
            ["620.82", "600", "10", "96.65%", "9.5"],
            ["620.82", "600", "", "", ""],
        ),
    ],
)
def test_budget_block_glued_figures_are_split_by_arithmetic(
    tmp_path: Path,
    head: str,
    total: str,
    subs: str,
    expected_total: list[str],
    expected_sub: list[str] | None,
) -> None:
    doc = _read(tmp_path, _form(head, total, subs))
    rows = _recovered(doc, "预算表")
    assert rows[1] == ["年度资金总额", *expected_total]
    if expected_sub is not None:
        assert rows[2][1:] == expected_sub
    assert "预算" not in _notes(doc)


def test_yuan_with_thousands_separators_and_a_unit_after_the_label(tmp_path: Path) -> None:
    text = (
        "项目资金 全年预算数 全年执行数 执行率 年度资金总额(元): 1,250,000.00 1,187,500.00 95.00% "
        "其中:本级财政资金 1,250,000.00 1,187,500.00 95.00% 年度总体目标"
    )
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[0][0] == "项目资金（元）"
    assert rows[1] == ["年度资金总额", "1250000.00", "1187500.00", "95.00%"]
    assert rows[2] == ["其中:本级财政资金", "1250000.00", "1187500.00", "95.00%"]


def test_ocr_letter_o_for_zero_inside_figures(tmp_path: Path) -> None:
    text = (
        "项目资金（万元） 年初预算数 全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分\n"
        "年度资金总额 2,O4O.5O 2,1OO.OO 2,O58.OO 1O 98.OO% 9.8\n"
        "年度总体目标 完成改造\n"
    )
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[1] == ["年度资金总额", "2040.50", "2100.00", "2058.00", "10", "98.00%", "9.8"]


def test_transfer_form_without_scores_and_a_zero_sub_row(tmp_path: Path) -> None:
    text = (
        "转移支付区域(项目)绩效目标自评表(2023年度)中央主管部门农业农村部资金投入情况(万元)"
        "全年预算数(A)全年执行数(B)预算执行率(B/A×100%)"
        "年度资金总额:2500215086.00%其中:中央财政资金1800150083.33%地方资金70065092.86%其他资金资金管理情况"
    )
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[0] == ["项目资金（万元）", "全年预算数", "全年执行数", "执行率"]
    assert rows[1] == ["年度资金总额", "2500", "2150", "86.00%"]
    assert rows[2] == ["其中:中央财政资金", "1800", "1500", "83.33%"]
    assert rows[3] == ["地方资金", "700", "650", "92.86%"]


def test_zero_spent_sub_row(tmp_path: Path) -> None:
    text = "资金投入情况(万元)全年预算数(A)全年执行数(B)预算执行率(B/A)年度资金总额:1504630.67%其中:中央财政资金10400%地方资金4646100%其他资金"
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[1:3] == [["年度资金总额", "150", "46", "30.67%"], ["其中:中央财政资金", "104", "0", "0%"]]


def test_department_form_with_spending_kinds_as_sub_rows(tmp_path: Path) -> None:
    text = (
        "某区林业局2023年度部门整体支出绩效自评表 年度预算情况(万元)年初预算数全年预算数全年执行数分值执行率得分"
        "年度总金额1200.51350.81296.771096.00%9.6其中:基本支出 800.2 850.3 848.1 项目支出 400.3 500.5 448.67"
        "年度总体目标"
    )
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[1] == ["年度资金总额", "1200.5", "1350.8", "1296.77", "10", "96.00%", "9.6"]
    assert rows[2] == ["其中:基本支出", "800.2", "850.3", "848.1", "", "", ""]
    assert rows[3] == ["项目支出", "400.3", "500.5", "448.67", "", "", ""]


def test_spreadsheet_residue_labels_then_figures_with_an_empty_cell_dropped(tmp_path: Path) -> None:
    # xlsx → text: row labels, then the header, then the figures; the empty 年初预算数 cell left
    # no trace, the sub-row prints dashes for its blank 分值 and 得分.
    text = (
        "某县项目支出绩效自评表 (2022年度) 项目名称 校舍维修 主管部门 某县教育局 项目资金 年初预算数 (万元) "
        "年度资金总额 其中:当年财政拨款 实施单位 某县第二中学 全年预算数 全年执行数 分值 执行率 得分 "
        "128.4 120.7 10 94% 9 128.4 120.7 — 94% — 上年结转资金 — — 其他资金 — — 年度总体目标 完成维修"
    )
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[0][1:] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert rows[1] == ["年度资金总额", "", "128.4", "120.7", "10", "94%", "9"]


def test_residue_figures_before_the_total_label(tmp_path: Path) -> None:
    text = (
        "附件1 就业补助资金绩效目标自评表 (2022年度) 全年预算数(A) 全年执行数(B) 5120.50 4980.25 "
        "其中:中央财政资金 3000.00 3000.00 市级财政资金 2120.50 1980.25 年度资金总额 资金投入情况 (万元) "
        "情况说明 分配科学性 合理"
    )
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[1] == ["年度资金总额", "5120.50", "4980.25"]
    assert rows[2] == ["其中:中央财政资金", "3000.00", "3000.00"]
    assert rows[3] == ["市级财政资金", "2120.50", "1980.25"]


def test_ocr_labels_and_unit(tmp_path: Path) -> None:
    # 项目→项Fl, 万元→万兀, 算→匏, 数→将: the labels still name their columns.
    text = "项Fl资金(万兀)年度资金总额年初预匏数调整预算将,A、全年执行数(B)执行率(B/A)52.652.648.792.59%年度总体目标"
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows[1] == ["年度资金总额", "52.6", "52.6", "48.7", "92.59%"]


def test_illegible_amounts_leave_only_a_linear_budget_score(tmp_path: Path) -> None:
    # OCR lost the amounts (“.32.06.5”); rate | weight | score printed after the last sub-row
    # (merged cells) are read because 10 × 72.5 % is exactly the printed 7.25.
    head = "部门整体绩效自评表年初预算数全年(调整)预算数全年执行数执行率执行率权重执行率得分"
    doc = _read(tmp_path, head + "年度总金额.41.07.3其中财政拨款.41.07.372.5107.25年初绩效目标")
    rows = _recovered(doc, "预算表")
    assert rows[1] == ["年度资金总额", "", "", "", "72.5%", "10", "7.25"]
    assert "只读取了执行率、分值和得分" in _notes(doc)


def test_label_value_pairs_on_one_line(tmp_path: Path) -> None:
    text = (
        "某县财政局2021年度预算项目绩效自评表\n"
        "一、基本情况 项目名称: 农村危房改造补助 金额单位: 万元\n"
        "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)\n"
        "预算数 128.50 到位数 120.00 执行数 117.30 91.28\n"
        "其中:财政资金 128.50 其中:财政资金 120.00 其中:财政资金 117.30\n"
    )
    rows = _recovered(_read(tmp_path, text), "预算表")
    assert rows == [
        ["项目资金（万元）", "预算数", "到位数", "执行数", "执行率"],
        ["合计", "128.50", "120.00", "117.30", "91.28%"],
    ]


# --- near misses: not read, with a note -----------------------------------------------------


def test_rate_that_does_not_match_is_not_read(tmp_path: Path) -> None:
    # 30 | 24 | 10 | 95.00% | 10: 24 ÷ 30 is 80 %, and no other cut of the digits checks either.
    doc = _read(
        tmp_path, _form("资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分", "30241095.00%10")
    )
    _no_table(doc, "预算表")
    assert "年度资金总额" in _notes(doc) and "预算未读取" in _notes(doc)


def test_ambiguous_glue_is_not_read(tmp_path: Path) -> None:
    # 年初 | 全年 | 执行 from 777777 at 100 %: 77 | 77 | 77 and 7777 | 7 | 7 both check.
    doc = _read(tmp_path, _form("项目资金(万元)年初预算数全年预算数全年执行数执行率", "777777100%"))
    _no_table(doc, "预算表")
    assert "多种同样自洽的拆分" in _notes(doc)


def test_sub_row_larger_than_the_total_is_not_read(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        _form(
            "资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分",
            "505010100%10",
            "其中:本年财政拨款8080上年结转资金",
        ),
    )
    rows = _recovered(doc, "预算表")
    assert rows[1][1:] == ["50", "50", "10", "100%", "10"]
    assert rows[2][1:] == ["", "", "", "", ""]
    assert "其中:本年财政拨款" in _notes(doc)


_HEAD_A = "资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分"


def test_sub_rows_that_add_up_to_the_total_settle_a_glued_sub_row(tmp_path: Path) -> None:
    # 本年财政拨款 “2020” is 20 | 20 or 202 | 0; only 20 + 480 makes the total's 500.
    doc = _read(tmp_path, _form(_HEAD_A, "50050010100%10", "其中:本年财政拨款2020上年结转资金480480其他资金"))
    rows = _recovered(doc, "预算表")
    assert rows[2][1:3] == ["20", "20"]
    assert rows[3][1:3] == ["480", "480"]


def test_sub_rows_that_do_not_add_up_leave_the_glued_one_unread(tmp_path: Path) -> None:
    doc = _read(tmp_path, _form(_HEAD_A, "50050010100%10", "其中:本年财政拨款2020上年结转资金470470其他资金"))
    rows = _recovered(doc, "预算表")
    assert rows[2][1:3] == ["", ""]
    assert rows[3][1:3] == ["470", "470"]
    assert "“其中:本年财政拨款”一行的数字有多种同样自洽的拆分" in _notes(doc)


def test_glued_total_that_its_read_sub_rows_contradict_is_not_read(tmp_path: Path) -> None:
    # 36.8 | 36.8 | 10 | 100% | 10 cuts uniquely, but 本年 24 + 结转 11 = 35: one of them is
    # misprinted, and the cut of the glued total is not confirmed.
    subs = "其中:本年财政拨款2424上年结转资金1111其他资金"
    doc = _read(tmp_path, _form(_HEAD_A, "36.836.810100%10", subs))
    _no_table(doc, "预算表")
    assert "其中各行之和35≠36.8" in _notes(doc)


def test_score_above_the_rate_is_not_read(tmp_path: Path) -> None:
    # 100 | 40 | 10 | 40% | 10: full marks for spending 40 % is not a budget score that fits.
    doc = _read(
        tmp_path, _form("资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分", "100401040%10")
    )
    _no_table(doc, "预算表")
    assert "预算未读取" in _notes(doc)


def test_illegible_amounts_and_a_score_off_the_linear_rule_read_nothing(tmp_path: Path) -> None:
    head = "部门整体绩效自评表年初预算数全年(调整)预算数全年执行数执行率执行率权重执行率得分"
    doc = _read(tmp_path, head + "年度总金额.41.07.3其中财政拨款.41.07.372.5108年初绩效目标")
    _no_table(doc, "预算表")
    assert "预算未读取" in _notes(doc)


def test_label_value_pairs_with_a_progress_figure_that_is_not_the_rate(tmp_path: Path) -> None:
    text = "预算安排情况 资金执行情况 预算执行进度(%)\n预算数 80 执行数 60 100.00\n"
    doc = _read(tmp_path, text)
    assert _recovered(doc, "预算表")[1] == ["合计", "80", "60"]
    assert "执行率未读取" in _notes(doc)


def test_split_enumeration_keeps_rates_before_percent_signs() -> None:
    cols = [Role.PLANNED, Role.EXECUTED, Role.RATE]
    found = {
        tuple(r.values[c] for c in cols)
        for r in readings(
            chunks("40004000100%"),
            cols,
            allowed=frozenset(cols),
            amount_decimals=6,
            amount_limit=Decimal(10) ** 7,
            max_skipped=0,
        )
    }
    assert (Decimal(4000), Decimal(4000), Decimal(100)) in found
    assert all(rate in (Decimal(100), Decimal(0)) for _, _, rate in found)  # never 00 or 0100


# --- indicator rows and the total -----------------------------------------------------------


_INDICATOR_HEAD = "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施"


def test_indicator_rows_and_total(tmp_path: Path) -> None:
    body = (
        "产出指标(60分)数量指标改造农村公路里程20≥35公里36.2公里20培训人次10≥300人次280人次8受疫情影响培训推迟"
        "质量指标工程验收合格率20100%100%20时效指标按期完工率10≥95%100%10"
        "效益指标(30分)社会效益指标群众出行条件改善情况30明显改善明显改善30"
        "满意度指标(10分)服务对象满意度指标沿线群众满意度10≥90%93%10……总分10098"
    )
    doc = _read(
        tmp_path,
        _form("资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分", "", tail=_INDICATOR_HEAD + body),
    )
    rows = _recovered(doc, "绩效指标表")
    assert rows[0] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "年度指标值",
        "实际完成值",
        "得分",
        "偏差原因",
    ]
    assert rows[1] == ["产出指标", "数量指标", "改造农村公路里程", "20", "≥35公里", "36.2公里", "20", ""]
    assert rows[2] == [
        "产出指标",
        "数量指标",
        "培训人次",
        "10",
        "≥300人次",
        "280人次",
        "8",
        "受疫情影响培训推迟",
    ]
    assert rows[5] == [
        "效益指标",
        "社会效益指标",
        "群众出行条件改善情况",
        "30",
        "明显改善",
        "明显改善",
        "30",
        "",
    ]
    assert rows[6][2:] == ["沿线群众满意度", "10", "≥90%", "93%", "10", ""]
    assert rows[-1] == ["总分", "", "", "100", "", "", "98", ""]


def test_indicator_rows_with_weight_after_the_actual_and_points_marked(tmp_path: Path) -> None:
    text = (
        "项目支出绩效自评表一级指标二级指标三级指标年初目标值实际完成值分值得分"
        "产出指标(40分)数量指标新建蓄水池≥12座12座20分20分时效指标开工及时率100%90%20分18分"
        "效益指标(50分)社会效益指标灌溉条件是否改善是是50分50分"
        "满意度指标(10分)服务对象满意度指标受益农户满意度≥90%96%10分10分总分10098"
    )
    rows = _recovered(_read(tmp_path, text), "绩效指标表")
    assert rows[0][3:] == ["年度指标值", "实际完成值", "分值", "得分"]
    assert rows[1][2:] == ["新建蓄水池", "≥12座", "12座", "20", "20"]
    assert rows[2][2:] == ["开工及时率", "100%", "90%", "20", "18"]
    assert rows[3][2:] == ["灌溉条件是否改善", "是", "是", "50", "50"]
    assert rows[-1][3:] == ["", "", "100", "98"]


def test_indicator_group_whose_weights_do_not_add_up_is_not_read(tmp_path: Path) -> None:
    body = "产出指标(50分)数量指标改造农村公路里程20≥35公里36.2公里20培训人次10≥300人次280人次8效益指标(50分)社会效益指标群众出行条件改善情况50明显改善明显改善50总分10098"
    doc = _read(tmp_path, "项目自评表" + _INDICATOR_HEAD + body)
    rows = _recovered(doc, "绩效指标表")
    assert [r[2] for r in rows[1:-1]] == ["群众出行条件改善情况"]
    assert "分值合计30与标注的50分不符" in _notes(doc)


def test_run_on_self_score_label(tmp_path: Path) -> None:
    doc = _read(
        tmp_path, "某市本级部门项目支出绩效自评表(2022年)项目名称初中公用经费自评得分96.5财政审核评分"
    )
    found = [t for t in doc.tables if "由连排文字恢复" in t.place]
    assert [t.text_rows() for t in found] == [[["自评得分", "96.5"]]]


def test_run_on_header_fields(tmp_path: Path) -> None:
    text = (
        "绩效目标自评表(2023年度)项目名称高标准农田建设项目负责人及电话王明13800000000"
        "主管部门某县农业农村局实施单位某县农田建设服务中心资金情况(万元)全年预算数(A)全年执行数(B)"
    )
    found = [t.text_rows() for t in _read(tmp_path, text).tables if "表头" in t.place]
    assert found == [
        [["项目名称", "高标准农田建设"], ["主管部门", "某县农业农村局"], ["实施单位", "某县农田建设服务中心"]]
    ]


def test_run_on_header_value_with_a_swallowed_label_is_dropped(tmp_path: Path) -> None:
    # OCR turned 实施单位 into 实施第位: the department would read “某市教育局实施第位某中学”.
    text = "项目支出绩效自评表项目名称校园安全经费主管部门某市教育局实施第位某中学自评得分95"
    found = [t.text_rows() for t in _read(tmp_path, text).tables if "表头" in t.place]
    assert found == [[["项目名称", "校园安全经费"]]]


def test_sentences_are_not_forms(tmp_path: Path) -> None:
    text = (
        "一、项目基本情况\n本项目预算数为500万元，执行数450万元，执行率90%，得分9分。年度资金总额：500万元。\n"
        "1.道路养护里程，年初目标值≥90公里，实际完成值95公里，该指标自评得分20分；\n"
        "项目名称：农村公路养护（主管部门：某县交通运输局）\n"
    )
    doc = _read(tmp_path, text)
    assert [t.place for t in doc.tables if "由连排文字恢复" in t.place] == []
    assert doc.notes == []


def test_web_page_printing_the_form_as_running_text(tmp_path: Path) -> None:
    cells = [
        "绩效目标自评表(2023年度)",
        "项目名称",
        "村级公益事业奖补",
        "主管部门",
        "某县财政局",
        "资金情况(万元)",
        "全年预算数(A)",
        "全年执行数(B)",
        "分值",
        "执行率(B/A)",
        "得分",
        "年度资金总额:",
        "150",
        "142.5",
        "10",
        "95%",
        "9.5",
        "年度总体目标",
    ]
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{c}</p>" for c in cells)
    page.write_text(
        f"<html><head><title>自评表</title></head><body><div>首页 > 政务公开</div>"
        f"<p>{''.join(cells[:11])}年度资金总额:150142.5109.5</p><hr/>{paragraphs}</body></html>",
        encoding="utf-8",
    )
    doc = read_document(page)
    found = [t.text_rows() for t in doc.tables if "预算表" in t.place]
    # The run-on paragraph has no rate to check 150142.5109.5 against: not read. The page's cell
    # per paragraph copy is read (each figure its own cell).
    assert [rows[1] for rows in found] == [["年度资金总额", "150", "142.5", "10", "95%", "9.5"]]
    assert "年度资金总额" in _notes(doc)


_RESIDUE_HEAD = (
    "一级 指标 二级指标 三级指标 年度 实际 指标值 完成值 分值 得分 偏差原因分析及改进措施 数量指标 "
)


def test_spreadsheet_residue_numbered_rows(tmp_path: Path) -> None:
    text = (
        "某县项目支出绩效自评表.xlsx\n"
        + _RESIDUE_HEAD
        + "指标1:新建村级 卫生室 12个 12个 10 10 指标2:培训乡村医生 ≥150人次 162人次 10 10 "
        "指标3:群众就医满意度 ≥90% 88% 10 9 质量指标"
    )
    doc = _read(tmp_path, text)
    rows = _recovered(doc, "绩效指标表")
    assert [r[2:] for r in rows[1:]] == [
        ["新建村级卫生室", "12个", "12个", "10", "10"],
        ["培训乡村医生", "≥150人次", "162人次", "10", "10"],
        ["群众就医满意度", "≥90%", "88%", "10", "9"],
    ]
    assert "编号指标行" not in _notes(doc)


def test_spreadsheet_residue_rows_out_of_step_are_not_read(tmp_path: Path) -> None:
    # Two names, then both rows' figures: 14例 belongs to 指标4, not to 指标5.
    text = (
        _RESIDUE_HEAD + "指标2:建立预防接种证 221人 221人 2 2 指标3:疫苗接种率 100% 97.3% 2 1.9 "
        "指标4:传染病报告 数 指标5:家庭医生签约率 14例 14例 2 2 24694人 22584人 2 1.7 质量指标"
    )
    doc = _read(tmp_path, text)
    names = [r[2] for r in _recovered(doc, "绩效指标表")[1:]]
    assert names == ["建立预防接种证", "疫苗接种率"]
    assert "另有2个编号指标行的名称与数值无法一一对应" in _notes(doc)


# --- real documents -------------------------------------------------------------------------


def test_real_run_on_form(tmp_path: Path) -> None:
    """real_02: 中江县 水标尺 (run-on web text, table complete)."""
    path = tmp_path / "real_02.txt"
    shutil.copy(REAL / "real_02.txt", path)
    doc = read_document(path)
    budget = _recovered(doc, "预算表")
    assert budget[1] == ["年度资金总额", "20", "20", "10", "100.00%", "10"]
    indicators = _recovered(doc, "绩效指标表")
    assert len(indicators) == 1 + 9 + 1
    assert indicators[6][2:] == ["项目计划总投资", "10", "20万元", "20万元", "10", ""]
    assert indicators[-1] == ["总分", "", "", "100", "", "", "100", ""]


def test_real_transfer_form_lines(tmp_path: Path) -> None:
    """real_08 (transfer form, glued amounts) and real_11 (xlsx residue, figures before label)."""
    rows = _recovered(read_document(REAL / "real_08.txt"), "预算表")
    assert rows[1] == ["年度资金总额", "4000", "4000", "100%"]
    rows = _recovered(read_document(REAL / "real_11.txt"), "预算表")
    assert rows[1] == ["年度资金总额", "7165.32", "6992.95"]
    assert rows[4] == ["盟市财政资金", "433.00", "432.10"]


def test_a_real_table_is_left_alone(tmp_path: Path) -> None:
    text = "项目资金（万元）\t全年预算数\t全年执行数\t执行率\n年度资金总额\t100\t90\t90%\n"
    doc = _read(tmp_path, text)
    assert all("恢复" not in t.place for t in doc.tables)
    assert isinstance(doc.tables[0], Table)
