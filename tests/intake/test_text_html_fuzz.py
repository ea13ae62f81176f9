"""Nothing lost, nothing crashes: arbitrary pipe/TAB text and arbitrary HTML keep every word."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from jixiao.intake.document import Document
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.readers import read_document
from jixiao.intake.readers.html import parse_html
from jixiao.intake.readers.text import parse_lines

WORDS = [
    "预算数",
    "执行数",
    "年度资金总额",
    "得分",
    "产出指标",
    "12.5",
    "100%",
    "80",
    "≥95%",
    "合格率",
    "项目名称",
]
word = st.sampled_from(WORDS)
piece = st.one_of(
    word,
    st.sampled_from(["|", "||", "|||||", "｜", " | ", "\t", " ", "|---|", "", ":"]),
)
line = st.lists(piece, max_size=8).map("".join)


def _words_in(text: str) -> list[str]:
    return [w for w in WORDS if w in text]


@settings(max_examples=300, deadline=None)
@given(st.lists(line, max_size=40))
def test_text_lines_keep_every_word(lines: list[str]) -> None:
    text = Document(path="x", format="txt", blocks=parse_lines(lines)).text()
    for written in lines:
        for w in _words_in(written):
            assert w in text, (w, lines)


TAGS = ["div", "p", "span", "b", "td", "tr", "table", "br", "h2", "li", "font", "th", "tbody"]


@st.composite
def html_tree(draw: st.DrawFn, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 5 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attrs = draw(
                st.sampled_from(["", ' rowspan="2"', ' colspan="3"', ' rowspan="0"', ' colspan="x"'])
            )
            parts.append(f"<{tag}{attrs}>{draw(html_tree(depth + 1))}</{tag}>")
        else:
            parts.append(draw(word))
    return " ".join(parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_tree())
def test_html_keeps_every_word(body: str) -> None:
    page = f"<html><body>{body}</body></html>"
    try:
        doc = parse_html(page, Path("x.html"), "html", Limits())
    except UnreadableDocument:
        assert not _words_in(body)
        return
    text = doc.text()
    for w in _words_in(body):
        assert w in text, (w, body)


def test_fuzzed_text_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("| 预算数 |\n||\n| 执行数 | 80 |\n", encoding="utf-8")
    assert "执行数" in read_document(path).text()
