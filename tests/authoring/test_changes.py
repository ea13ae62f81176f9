"""What changed between two versions of an evaluation (the audit log's entries)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from authoring.conftest import Load
from jixiao.authoring.changes import FieldChange
from jixiao.authoring.changes import diff
from jixiao.authoring.changes import plain
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.values import parse_value
from jixiao.schemes import load_scheme

BASE = """
方案: mof-2020
项目:
  项目名称: 社区服务
  年度: 2023
  单位名称: 东湖街道办事处
预算:
  预算数: 100万元
  执行数: 95万元
指标:
  - 名称: 产出指标
    二级指标:
      - 名称: 数量指标
        权重: 50
        三级指标:
          - 名称: 居民文体活动场次
            权重: 30
            年初目标值: ≥12场
            实际完成值: 12场
            自评得分: 30
          - 名称: 上门为老服务次数
            权重: 20
            年初目标值: ≥200次
            实际完成值: 200次
            自评得分: 20
  - 名称: 效益指标
    三级指标:
      - 名称: 居民参与率
        权重: 30
        年初目标值: ≥80%
        实际完成值: 85%
        自评得分: 30
  - 名称: 满意度指标
    三级指标:
      - 名称: 居民满意度
        权重: 10
        年初目标值: ≥90%
        实际完成值: 95%
        自评得分: 10
自评:
  预算执行得分: 9.5
  总分: 99.5
存在的问题: 个别活动参与人数偏少。
"""

Scored = Callable[[str], Evaluation]


@pytest.fixture
def scored(load: Load) -> Scored:
    """The evaluation of an authoring YAML text, scored under mof-2020 (as the web app saves it)."""

    def _scored(text: str) -> Evaluation:
        return evaluate(load(text), load_scheme("mof-2020"))

    return _scored


def _with_indicator(ev: Evaluation, index: int, **changes: object) -> Evaluation:
    rows = list(ev.indicators)
    rows[index] = rows[index].model_copy(update=changes)
    return evaluate(ev.model_copy(update={"indicators": tuple(rows)}), load_scheme("mof-2020"))


def test_the_same_evaluation_has_no_changes(scored: Scored) -> None:
    ev = scored(BASE)
    assert diff(ev, ev) == []
    # Scoring again gives equal values, not a change.
    assert diff(ev, evaluate(ev, load_scheme("mof-2020"))) == []


def test_an_actual_value_is_listed_with_the_scores_it_moved(scored: Scored) -> None:
    old = scored(BASE)
    new = scored(BASE.replace("实际完成值: 12场", "实际完成值: 6场"))
    changes = diff(old, new)
    assert FieldChange("三级指标“居民文体活动场次”的实际完成值", "12场", "6场") in changes
    assert FieldChange("三级指标“居民文体活动场次”的复核得分", "30", "15") in changes
    assert FieldChange("复核得分", "99.5", "84.5") in changes
    assert FieldChange("复核等级", "优", "良") in changes
    # The typed field comes before what the rules made of it.
    labels = [c.field for c in changes]
    assert labels.index("三级指标“居民文体活动场次”的实际完成值") < labels.index("复核得分")
    # Nothing else changed.
    assert all("上门为老" not in label and "居民参与率" not in label for label in labels)


def test_money_and_claimed_figures_are_labelled_in_chinese(scored: Scored) -> None:
    old = scored(BASE)
    new = scored(BASE.replace("预算数: 100万元", "预算数: 120万元").replace("总分: 99.5", "总分: 95"))
    changes = {c.field: c for c in diff(old, new)}
    assert changes["年度预算数"] == FieldChange("年度预算数", "1,000,000.00元", "1,200,000.00元")
    assert changes["自评得分"] == FieldChange("自评得分", "99.5", "95")
    assert changes["预算执行率"].old == "95.00%"
    assert changes["预算执行率"].new == "79.17%"
    assert "复核预算执行得分" in changes
    assert "执行数" not in changes


def test_added_and_removed_rows(scored: Scored) -> None:
    old = scored(BASE)
    rows = list(old.indicators)
    added = Indicator(
        level1="产出指标", name="志愿服务时长", weight=Decimal(5), target=parse_value("≥100小时")
    )
    new = evaluate(
        old.model_copy(update={"indicators": (*rows[:1], *rows[2:], added)}), load_scheme("mof-2020")
    )
    changes = diff(old, new)
    removed = next(c for c in changes if c.field == "删除三级指标“上门为老服务次数”")
    assert removed.new is None
    assert "权重20" in (removed.old or "")
    assert "目标≥200次" in (removed.old or "")
    new_row = next(c for c in changes if c.field == "新增三级指标“志愿服务时长”")
    assert new_row.old is None
    assert new_row.new == "产出指标/—/志愿服务时长，权重5，目标≥100小时"


def test_repeated_names_are_matched_in_order_and_told_apart(scored: Scored) -> None:
    doubled = BASE.replace("上门为老服务次数", "居民文体活动场次")
    old = scored(doubled)
    new = _with_indicator(old, 1, claimed_score=Decimal(15))
    assert [c for c in diff(old, new) if "三级指标" in c.field] == [
        FieldChange("三级指标“居民文体活动场次”（第2处）的自评得分", "20", "15")
    ]


def test_text_fields_and_the_scheme(scored: Scored) -> None:
    old = scored(BASE)
    new = scored(
        BASE.replace("存在的问题: 个别活动参与人数偏少。", "存在的问题: 无")
        .replace("方案: mof-2020", "方案: hebei-2020")
        .replace("单位名称: 东湖街道办事处", "单位名称: 东湖街道办事处\n  主管部门: 民政局")
    )
    changes = {c.field: c for c in diff(old, new)}
    assert changes["存在的问题"] == FieldChange("存在的问题", "个别活动参与人数偏少。", "无")
    assert changes["评分方案"] == FieldChange("评分方案", "mof-2020", "hebei-2020")
    assert changes["主管部门"] == FieldChange("主管部门", None, "民政局")
    assert changes["一级指标权重"].old == "预算执行10、产出指标50、效益指标30、满意度指标10（按方案）"
    assert changes["一级指标权重"].new == "预算执行10、产出指标40、效益指标40、满意度指标10（按方案）"
    assert changes["复核发现的问题"].new is not None


@pytest.mark.parametrize(
    ("value", "text"),
    [("2.50", "2.5"), ("100", "100"), ("0.9924", "0.9924"), ("1E+2", "100"), ("-0", "0"), ("0.00", "0")],
)
def test_numbers_are_written_exactly_without_trailing_zeros(value: str, text: str) -> None:
    assert plain(Decimal(value)) == text


def test_plain_of_none_is_none() -> None:
    assert plain(None) is None
