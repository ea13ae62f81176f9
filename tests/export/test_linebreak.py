"""Cell text broken into lines as a Chinese word processor does (``export/linebreak.py``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jixiao.export.linebreak import NO_LINE_END
from jixiao.export.linebreak import NO_LINE_START
from jixiao.export.linebreak import break_lines
from jixiao.export.linebreak import units


def width(text: str) -> float:
    """Full-width characters 2 units, others 1 (a monospaced stand-in for a font)."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def test_units_keep_marks_with_their_neighbours_and_words_whole() -> None:
    assert units("东湖社区14场（3个）。") == ["东", "湖", "社", "区", "14", "场", "（3", "个）。"]
    assert units("完成率 98.5% ，达标") == ["完", "成", "率", " ", "98.5%", " ，", "达", "标"]
    assert units("执行率(B/A)，2,440.91万元") == ["执", "行", "率", "(B/A)，", "2,440.91", "万", "元"]


def test_a_closing_mark_takes_the_character_before_it_down_instead_of_hanging() -> None:
    # 4 characters of 2 units fit a line of 8: “达到。” would start the next line with “。”
    assert break_lines("目标基本达到。", 8, width) == ["目标基本", "达到。"]
    assert break_lines("目标基本。", 8, width) == ["目标基", "本。"]


def test_numbers_stay_whole_and_a_too_long_word_is_cut() -> None:
    assert break_lines("共计1234567户", 8, width) == ["共计", "1234567", "户"]
    assert break_lines("x" * 20, 8, width) == ["x" * 8, "x" * 8, "x" * 4]


def test_own_line_breaks_are_kept() -> None:
    assert break_lines("产出指标\n（40分）", 40, width) == ["产出指标", "（40分）"]


@given(
    st.text(alphabet="社区服务活动，。、（）“”0123456789ab %", min_size=1, max_size=80), st.integers(6, 30)
)
def test_lines_fit_keep_the_text_and_never_start_with_a_closing_mark(text: str, limit: int) -> None:
    lines = break_lines(text, limit, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        # a line is over the limit only where one unbreakable piece is longer than a line
        assert width(line) <= limit or len(units(line)) == 1 or all(width(ch) <= limit for ch in line)
    for line in lines[1:]:
        if line:
            assert line[0] not in NO_LINE_START or units(line)[0][0] in NO_LINE_START
    for line in lines[:-1]:
        if line:
            assert line[-1] not in NO_LINE_END
