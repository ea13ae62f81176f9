"""A table row that a page break cuts is read as one row.

Word and LibreOffice let a row break across pages unless told not to, so a long 三级指标 name is
printed partly at the foot of one page and partly at the top of the next, with the row's other
cells (target, weight, score) empty there. Read as two rows, the rest of the name became an
indicator of its own and the cut row's name was short.

The join is taken only where the second part plainly is such a rest; the drawn cases below are
rows that merely look like one, which must stay rows of their own (merging two real rows would
misname an indicator, and a figure must never be glued onto another).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pdfplumber
import pytest

from intake.readers.pdf_builders import CUT_NAME
from intake.readers.pdf_builders import DRAWN_HEADER
from intake.readers.pdf_builders import cut_rows_docx
from intake.readers.pdf_builders import to_pdf
from intake.readers.pdf_builders import two_page_table_pdf
from jixiao.intake.document import Table
from jixiao.intake.limits import Limits
from jixiao.intake.readers import read_document

LIMITS = Limits()


def _rows(path: Path) -> list[list[str]]:
    """The texts of the one table read from ``path``, row by row (cells starting in the row)."""
    (table,) = [b for b in read_document(path, LIMITS).blocks if isinstance(b, Table)]
    rows: list[list[str]] = [[] for _ in range(table.n_rows)]
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell.text)
    return rows


def _row(name: list[str], target: str = "≥90%", actual: str = "95%", weight: str = "10") -> list[list[str]]:
    return [
        name,
        [target] if target else [],
        [actual] if actual else [],
        [weight] if weight else [],
        [weight],
    ]


FULL = "组织开展社区居民文化体育健身活动并做好"  # 19 characters: fills the 三级指标 cell's line
SHORT = "第一项服务人数达标率"
LEAD = [DRAWN_HEADER, _row([SHORT])]
AFTER = [_row(["第三项服务满意度"])]


def test_a_cut_row_is_joined_and_its_name_read_whole(tmp_path: Path) -> None:
    path = two_page_table_pdf(
        tmp_path / "cut.pdf",
        [*LEAD, _row([FULL, "宣传动员与组织保障工作的完成情况是否达"])],
        [[["标率"], [], [], [], []], *AFTER],
    )
    assert _rows(path)[1:] == [
        [SHORT, "≥90%", "95%", "10", "10"],
        [FULL + "宣传动员与组织保障工作的完成情况是否达标率", "≥90%", "95%", "10", "10"],
        ["第三项服务满意度", "≥90%", "95%", "10", "10"],
    ]


def test_a_cut_row_after_a_repeated_header_is_joined(tmp_path: Path) -> None:
    path = two_page_table_pdf(
        tmp_path / "cut.pdf", [*LEAD, _row([FULL])], [DRAWN_HEADER, [["的完成率"], [], [], [], []], *AFTER]
    )
    assert [row[0] for row in _rows(path)] == ["三级指标", SHORT, FULL + "的完成率", "第三项服务满意度"]


@pytest.mark.parametrize(
    ("last", "top"),
    [
        # The name above ends short of its cell's width: it was not cut, the row below is its own
        # (an indicator whose values were left blank).
        (_row(["第二项活动开展次数"]), [["第四项宣传覆盖率"], [], [], [], []]),
        # Below, a figure: a weight of its own row, never the rest of a text.
        (_row([FULL]), [["第四项宣传覆盖率"], [], [], ["5"], []]),
        # Text where the row above has none: not the rest of anything above.
        (_row([FULL], actual=""), [["第四项宣传覆盖率"], [], ["92%"], [], []]),
        # Every cell filled: a complete row, even under a name that fills its line.
        (_row([FULL]), _row(["第四项宣传覆盖率"])),
    ],
    ids=["name-ends-short", "bare-figure", "text-under-blank", "complete-row"],
)
def test_a_row_that_only_looks_cut_stays_a_row(
    tmp_path: Path, last: list[list[str]], top: list[list[str]]
) -> None:
    path = two_page_table_pdf(tmp_path / "rows.pdf", [*LEAD, last], [top, *AFTER])
    rows = _rows(path)
    assert len(rows) == 5
    assert rows[2][0] == last[0][0]
    assert rows[3][0] == "第四项宣传覆盖率"


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("JIXIAO_SOFFICE"),
    reason="LibreOffice is not installed",
)
def test_rows_a_word_processor_cut_across_pages_read_whole(tmp_path: Path) -> None:
    """A .docx whose rows may break, printed to PDF by LibreOffice: every name whole, every merged
    一级指标 label over its nine rows, however the page breaks fell."""
    pdf = to_pdf(cut_rows_docx(tmp_path / "cut.docx", n_rows=40, group=9), tmp_path)
    with pdfplumber.open(pdf) as opened:
        tops = [page.extract_text().splitlines()[1] for page in opened.pages[1:]]
    cut = [top for top in tops if not top.startswith("第")]
    assert len(cut) >= 2, f"no row was cut by a page break: {tops}"  # the material is what it claims

    (table,) = [b for b in read_document(pdf, LIMITS).blocks if isinstance(b, Table)]
    assert table.n_rows == 41
    names = [c.text for c in sorted(table.cells, key=lambda c: c.row) if c.col == 1]
    assert names == ["三级指标", *(CUT_NAME.format(r=r) for r in range(1, 41))]
    labels = [(c.text, c.rowspan) for c in sorted(table.cells, key=lambda c: c.row) if c.col == 0]
    assert labels == [
        ("一级指标", 1),
        ("产出指标", 9),
        *((f"效益指标{g}", 9) for g in (1, 2, 3)),
        ("效益指标4", 4),
    ]
