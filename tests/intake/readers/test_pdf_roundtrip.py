"""A 自评表 a unit saved as .docx and printed to PDF reads back with the same facts.

jixiao's own .docx of each example, in each built-in layout, is printed to PDF by LibreOffice (as a
unit's word processor would) and read by the PDF reader: the facts the layout prints — header,
budget, every indicator row with its 一级/二级 labels, the scores — must equal the evaluation's.
The tables run over page breaks, where merged 一级/二级 cells are cut and drawn open, and long
cells wrap inside numbers (“10” / “0%”).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from export.support import EXAMPLES
from export.support import expected_facts
from export.support import read_facts
from export.support import scored
from export.support import squashed
from intake.readers.pdf_builders import to_pdf
from jixiao.export import export_evaluation
from jixiao.export import load_layout
from jixiao.export.layout import BUILTIN_LAYOUTS
from jixiao.intake.pipeline import extract_file

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("JIXIAO_SOFFICE"),
    reason="LibreOffice is not installed",
)


@pytest.mark.parametrize("layout_id", BUILTIN_LAYOUTS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_printed_docx_comes_back_with_the_same_facts(example: Path, layout_id: str, tmp_path: Path) -> None:
    ev, scheme = scored(example)
    layout = load_layout(layout_id)
    docx = export_evaluation(ev, scheme, tmp_path / "自评表.docx", layout=layout_id)
    back = extract_file(to_pdf(docx, tmp_path / "pdf"))
    assert squashed(read_facts(back, layout)) == squashed(expected_facts(ev, scheme, layout))
