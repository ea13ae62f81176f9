"""Tests for jixiao.core.wording: verdicts, qualitative bands and vague targets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.values import parse_value
from jixiao.core.wording import is_binary_target
from jixiao.core.wording import judgement
from jixiao.core.wording import qualitative_level
from jixiao.core.wording import vague_target

AFFIRMATIVE = [
    "是",
    "合格",
    "达标",
    "已完成",
    "完成",
    "全部完成",
    "按时完成",
    "通过",
    "验收合格",
    "达到",
    "已达到",
    "符合",
    "符合要求",
    "满足要求",
    "已实现",
    "达成预期指标",
    "达成年度指标",
    "完成。",
    "  合格 ",
    "√",
    "100%完成",
    "完成30个",
    "项目已按时完成并验收合格",
    "已全部完成",
    "已按计划完成任务",
]
NEGATIVE = [
    "否",
    "不合格",
    "未达标",
    "不达标",
    "未完成",
    "未通过",
    "不符合",
    "未达到",
    "没有完成",
    "未能按时完成",
    "未按时完成",
    "未全部完成",
    "尚未完成",
    "无法完成",
    "不符合要求",
    "×",
    "未达成年度指标且效果较差",
]
UNDECIDED = [
    None,
    "",
    "   ",
    "无",
    "无安全事故",
    "基本完成",
    "部分完成",
    "基本达标",
    "是否完成",
    "是否按时完成",
    "通过开展宣传活动提高了群众满意度",
    "完成率95%",
    "合格率98%",
    "效果明显",
    "惠民项目",
    "😀",
    "30人",
]


@pytest.mark.parametrize("text", AFFIRMATIVE)
def test_judgement_affirmative(text: str) -> None:
    assert judgement(text) is True


@pytest.mark.parametrize("text", NEGATIVE)
def test_judgement_negative(text: str) -> None:
    assert judgement(text) is False


@pytest.mark.parametrize("text", UNDECIDED)
def test_judgement_undecided(text: str | None) -> None:
    assert judgement(text) is None


BINARY_TARGETS = [
    "是",
    "否",
    "合格",
    "达标",
    "完成",
    "通过",
    "验收合格",
    "符合要求",
    "符合标准",
    "无",
    "零",
    "0起",
    "0次",
    "=0",
    "≤0起",
    "无安全事故",
    "无重大安全责任事故",
    "零投诉",
    "杜绝安全事故",
    "未发生安全事故",
    "按时完成",
    "按期完成",
    "全部完成",
    "足额发放",
    "及时发放到位",
    "验收通过",
    "100%完成",
    "  合格。",
]
NOT_BINARY = [
    None,
    "",
    "≥80%",
    "30人",
    "惠民项目",
    "效果明显",
    "达成预期指标",
    "美化环境",
    "提高群众满意度",
    "好",
    "基本完成",
    "≥0",
    "不合格",
]


@pytest.mark.parametrize("text", BINARY_TARGETS)
def test_is_binary_target(text: str) -> None:
    assert is_binary_target(text) is True


@pytest.mark.parametrize("text", NOT_BINARY)
def test_is_not_binary_target(text: str | None) -> None:
    assert is_binary_target(text) is False


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("达成预期指标", "achieved"),
        ("达成年度指标", "achieved"),
        ("达到预期", "achieved"),
        ("达到预期目标", "achieved"),
        ("效果明显", "achieved"),
        ("效果显著", "achieved"),
        ("好", "achieved"),
        ("高", "achieved"),
        ("良好", "achieved"),
        ("较好", "achieved"),
        ("较高", "achieved"),
        ("基本达成目标", "achieved"),
        ("社区环境明显改善，群众满意度较高", "achieved"),
        ("已完成", "achieved"),
        ("验收合格", "achieved"),
        ("部分达成年度指标并具有一定效果", "partial"),
        ("部分达成", "partial"),
        ("部分实现目标", "partial"),
        ("一般", "partial"),
        ("中", "partial"),
        ("未完全达成", "partial"),
        ("未达成年度指标且效果较差", "missed"),
        ("未达成", "missed"),
        ("效果较差", "missed"),
        ("效果不明显", "missed"),
        ("无明显效果", "missed"),
        ("差", "missed"),
        ("低", "missed"),
        ("较低", "missed"),
        ("实现目标程度较低", "missed"),
        ("未完成", "missed"),
        ("不合格", "missed"),
    ],
)
def test_qualitative_level(text: str, level: str) -> None:
    assert qualitative_level(text) == level


@pytest.mark.parametrize("text", [None, "", "惠民项目", "30人", "基本完成", "美化环境", "高度重视"])
def test_qualitative_level_none(text: str | None) -> None:
    assert qualitative_level(text) is None


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "惠民项目",
        "效果明显",
        "美化环境",
        "提高群众满意度",
        "达成预期指标",
        "好",
        "三会一课",
        "2019年",
    ],
)
def test_vague_target(text: str | None) -> None:
    assert vague_target(text) is True


@pytest.mark.parametrize("text", ["≥80%", "30人", "合格", "无安全事故", "0起", "每月一次", "25~30人", "是"])
def test_not_vague_target(text: str) -> None:
    assert vague_target(text) is False


@given(st.text())
def test_wording_never_raises_and_is_consistent(text: str) -> None:
    verdict = judgement(text)
    assert verdict in (True, False, None)
    assert qualitative_level(text) in ("achieved", "partial", "missed", None)
    value = parse_value(text)
    quantity = value is not None and value.is_quantity
    assert vague_target(text) == (not is_binary_target(text) and not quantity)


@given(
    st.sampled_from(["完成", "达标", "通过", "合格", "符合要求", "达到"]),
    st.sampled_from(["未", "没有", "未能", "不"]),
)
def test_negation_wins(verb: str, negation: str) -> None:
    assert judgement(negation + verb) is False
    assert judgement(verb) is True
