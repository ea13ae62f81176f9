"""The budget block's column labels, written once for the grid reader and the run-on reader.

The national form and its provincial versions name the money columns in many words (全年预算数,
调整后预算数, 预算安排数, 批复数; 全年执行数, 实际支出数, 决算数 …). Two readers look for them:

- :mod:`jixiao.intake.extract.budget_table` tests a header *cell* (its text squashed) with
  :func:`cell_pattern`: a word anywhere in the cell names the column;
- :mod:`jixiao.intake.recover.budget_block` finds the labels in flattened *text* with
  :func:`text_pattern`: the same words, whitespace allowed between their characters (text exports
  break labels), longest first so a label is taken whole, with a parenthesis after it (``(A)``,
  ``(B/A)``).

OCR glyph confusions (预匏数, 调整预算将, 万兀) are read back by :mod:`jixiao.intake.normalise`
before either reader sees the text, so no reader lists them. 分值/得分 are not here: a grid cell
and running text name them differently (the grid anchors 分值 at a cell's start; the run-on
reader knows the 部门整体 form's 执行率权重 / 执行率得分 pair).
"""

from __future__ import annotations

import re

# Role → the words a header prints for that column. A cell containing a word names the column;
# in text a word is a label only whole.
INITIAL = ("年初预算数", "年初预算", "年初批复数", "年初批复")
PLANNED = (
    "全年(调整)预算数",
    "全年(调整)预算",
    "全年预算数",
    "全年预算",
    "调整后预算数",
    "调整后预算",
    "调整预算数",
    "调整预算",
    "预算安排数",
    "预算安排",
    "预算数",
    "预算金额",
    "批复数",
)
RECEIVED = ("到位数", "到位资金", "到位")  # the grid reads it; the run-on reader has no such column
EXECUTED = (
    "全年执行数",
    "全年执行",
    "实际执行数",
    "实际执行",
    "执行数",
    "执行金额",
    "实际支出数",
    "实际支出",
    "支出数",
    "决算数",
)
RATE = ("预算资金执行率", "预算执行率", "资金执行率", "执行率", "预算执行进度", "资金执行进度", "执行进度")


def cell_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A header cell (squashed, no whitespace) naming the column: one of ``words`` in it."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def spaced(word: str) -> str:
    """``word`` as a pattern with any whitespace allowed between its characters."""
    return r"\s*".join(re.escape(ch) for ch in word)


def text_pattern(words: tuple[str, ...], after: str = "") -> str:
    """A label in flattened text: one of ``words`` whole (longest first), then ``after``."""
    alternatives = "|".join(spaced(w) for w in sorted(words, key=len, reverse=True))
    return f"(?:{alternatives}){after}"
