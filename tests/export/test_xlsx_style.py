"""One look for the report workbooks: the 复核报告 and the 汇总报告 take their fonts, header row,
widths and page setup from ``export/xlsx_style.py``, not from copies of their own."""

from __future__ import annotations

import ast
from pathlib import Path

from jixiao.export import xlsx_style
from jixiao.export.review import review_rows
from jixiao.export.review_xlsx import review_workbook
from jixiao.intake.pipeline import extract_file

SRC = Path(__file__).resolve().parents[2] / "src" / "jixiao"
WRITERS = (SRC / "export" / "review_xlsx.py", SRC / "portfolio" / "report_xlsx.py")
SEED = Path(__file__).resolve().parents[1] / "data" / "seeds" / "002_d2da961157e41a94.txt"


def test_the_review_workbook_wears_the_shared_style() -> None:
    ws = review_workbook(review_rows([extract_file(SEED)])).worksheets[0]
    header = [c for c in next(ws.iter_rows(min_row=1, max_row=ws.max_row)) if c.value]
    rows = [r for r in ws.iter_rows() if any(c.fill == xlsx_style.HEAD_FILL for c in r)]
    assert rows, "no header row in the shared grey"
    for cell in rows[0]:
        if cell.value:
            assert cell.font == xlsx_style.BOLD and cell.alignment == xlsx_style.CENTER
    assert header and ws.page_setup.orientation == "landscape"
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_no_writer_keeps_its_own_copy_of_the_helpers() -> None:
    shared = {"_put", "_head", "_widths", "_landscape"}
    for path in WRITERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        made = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name)
            and n.func.id in {"PatternFill", "PageSetupProperties"}
        }
        assert defined & shared == set(), path.name
        assert made == set(), path.name
