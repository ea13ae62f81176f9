"""The 自评报告 draft says what the evaluation says: every figure, each missed target and its gap,
the total and grade, and marked places where only the unit can write."""

from __future__ import annotations

from decimal import Decimal

from builders import evaluation
from builders import row
from export.support import SEED_002
from export.support import SEED_004
from export.support import scored
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.scoring import score_evaluation
from jixiao.export.fields import Facts
from jixiao.export.report_text import Grid
from jixiao.export.report_text import Para
from jixiao.export.report_text import report_blocks
from jixiao.export.report_text import title_lines
from jixiao.schemes import load_scheme


def draft(ev: Evaluation, scheme_id: str | None = None) -> list[Para | Grid]:
    scheme = load_scheme(scheme_id or ev.scheme.id)
    scored_ev = evaluate(ev, scheme)
    return report_blocks(Facts.of(scored_ev, scheme), score_evaluation(scored_ev, scheme), "自评表")


def text(blocks: list[Para | Grid]) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, Para))


def para(blocks: list[Para | Grid], start: str) -> Para:
    return next(b for b in blocks if isinstance(b, Para) and start in b.text)


def test_budget_figures_are_woven_in() -> None:
    ev, _ = scored(SEED_004)
    body = text(draft(ev))
    assert "2020年度项目全年预算数24,409,100.00元，全年执行数24,409,100.00元，预算执行率100.00%。" in body
    assert (
        "预算执行情况：全年预算数24,409,100.00元，全年执行数24,409,100.00元，执行率100.00%，该项自评得分20分（分值20分）。"
        in body
    )


def test_a_missed_target_states_its_gap_and_asks_for_the_reason() -> None:
    ev, _ = scored(SEED_004)
    line = para(draft(ev), "“年组织开展群众文体活动”")
    assert line.text.startswith(
        "（5）数量指标“年组织开展群众文体活动”：年初目标值“≥2次/年”，实际完成值“1次/年”，"
    )
    assert "未完成年度目标（完成目标的50.00%，差1次/年），自评得分1分（权重2分）。偏差原因：" in line.text
    assert [s.mark for s in line.spans][-1] == "fill"


def test_an_error_on_a_row_is_flagged_in_that_row() -> None:
    ev, _ = scored(SEED_004)
    line = para(draft(ev), "“青少年活动参与人数”")
    checks = [s.text for s in line.spans if s.mark == "check"]
    assert any("却自评满分2分" in c for c in checks)
    assert "完成目标的83.33%" in line.text


def test_the_conclusion_states_total_and_grade_and_what_to_check() -> None:
    ev, _ = scored(SEED_004)
    blocks = draft(ev)
    body = text(blocks)
    assert "综合以上，社会保障专项项目绩效自评总分98分，评价等级为“优”。" in body
    assert "产出指标自评得分35分（分值40分），效益指标自评得分43分（分值40分）" in body
    assert "复算，总分为97.67分，与自评总分98分相差0.33分" in body
    assert "二级指标“环境效益指标”下6项三级指标权重合计28，应等于其声明的5" in body
    assert (
        "jixiao 检查另有13项警告、1项提示（目标不可计量、实际完成值无法与目标比较、指标重复、未完成目标未说明原因）"
        in body
    )


def test_a_consistent_evaluation_has_nothing_to_check_about_its_total() -> None:
    ev, _ = scored(SEED_002)
    body = text(draft(ev))
    assert "综合以上，基层政权和社区建设项目绩效自评总分97分，评价等级为“优”。" in body
    assert "复算" not in body
    assert "1、在老旧社区综合环境改造" in body


def test_budget_lines_become_table_1() -> None:
    ev, _ = scored(SEED_002)
    grid = next(b for b in draft(ev) if isinstance(b, Grid))
    assert len(grid.rows) == 13
    assert grid.rows[-1] == ("合计", "", "5,358,672.00", "5,358,672.00", "100.00%")


def test_over_achievement_asks_whether_the_target_was_too_low() -> None:
    ev = evaluation(
        row("≥100人", "150人", weight=10, claimed=10, name="培训人数"),
        row("≥10次", "20次", weight=10, claimed=10, name="宣传次数", reason="群众需求大，增加场次"),
        planned=100,
        executed=80,
    )
    blocks = draft(ev)
    training = para(blocks, "“培训人数”")
    assert "已完成年度目标（完成目标的150.00%，超额较多）" in training.text
    assert training.spans[-1].text == "【请填写：超额完成的原因，年初目标值是否设定偏低】"
    assert "偏差原因：群众需求大，增加场次。" in para(blocks, "“宣传次数”").text
    body = text(blocks)
    assert "预算执行率未达到100%，【请填写：未执行资金的金额、原因及处理情况】" in body
    assert "预算执行率为80.00%，【请填写：提高预算执行进度的措施】" in body


def test_an_empty_evaluation_is_all_places_to_fill() -> None:
    blocks = draft(Evaluation(), "mof-2020")
    titles = [b.text for b in blocks if isinstance(b, Para) and b.style == "title"]
    assert titles == ["项目支出绩效自评报告"]
    body = text(blocks)
    assert "本项目未设置三级绩效指标。" in body
    assert "本年度项目【请填写：预算数、到位资金、执行数及执行率】。" in body
    assert "【请填写：单位名称（盖章）】" in body
    fills = [s for b in blocks if isinstance(b, Para) for s in b.spans if s.mark == "fill"]
    assert len(fills) >= 8


def test_title_lines() -> None:
    assert title_lines("", "2018年度", "基层建设") == ["2018年度基层建设项目支出绩效自评报告"]
    assert title_lines("某街道", "2020年度", "社会保障专项") == [
        "某街道",
        "2020年度社会保障专项",
        "项目支出绩效自评报告",
    ]


def test_scores_are_printed_exactly() -> None:
    ev = evaluation(
        row("≥3个", "2个", weight=Decimal("7.5"), claimed=Decimal("4.995")), planned=10, executed=10
    )
    assert "自评得分4.995分（权重7.5分）" in text(draft(ev))
