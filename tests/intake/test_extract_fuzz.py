"""Whatever a text file holds, extraction returns an evaluation and never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from jixiao.intake.pipeline import extract_file

PIECES = st.sampled_from(
    [
        "\t",
        "\n",
        "\n\n",
        "：",
        "，",
        "。",
        "（",
        "）",
        "(20分)",
        "万元",
        "元",
        "%",
        "≥",
        "≤",
        "☑",
        "☐",
        "■",
        "□",
        "一、",
        "（一）",
        "1、",
        "（1）",
        "项目名称",
        "预算数",
        "执行数",
        "执行率",
        "得分",
        "总分",
        "三级指标",
        "年初目标值",
        "实际完成值",
        "产出指标",
        "效益指标",
        "满意度指标",
        "数量指标",
        "合计",
        "存在的问题",
        "自评总分",
        "评价等级为",
        "优秀",
        "预算安排",
        "实际支出",
        "2020年",
        "12.5",
        "100",
        "0",
        "3,000.00",
    ]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=120).map("".join)


@settings(max_examples=150)
@given(TEXTS)
def test_any_text_gives_an_evaluation(text: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "x.txt"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))  # lone surrogates: invalid UTF-8
        ev = extract_file(path)
    internal = [f for f in ev.findings if "内部错误" in f.message]
    assert not internal, internal[0].message
