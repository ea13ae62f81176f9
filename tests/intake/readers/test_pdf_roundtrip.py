"""A 自评表 a unit saved as .docx and printed to PDF reads back with the same facts.

jixiao's own .docx of each example, in each built-in layout, is printed to PDF by LibreOffice (as a
unit's word processor would) and read by the PDF reader: the facts the layout prints — header,
budget, every indicator row with its 一级/二级 labels, the scores — must equal the evaluation's.
The tables run over page breaks, where merged 一级/二级 cells are cut and drawn open, and long
cells wrap inside numbers (“10” / “0%”).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from export.support import EXAMPLES
from export.support import expected_facts
from export.support import read_facts
from export.support import scored
from intake.readers.pdf_builders import to_pdf
from jixiao.export import export_evaluation
from jixiao.export import load_layout
from jixiao.export.layout import BUILTIN_LAYOUTS
from jixiao.intake.pipeline import extract_file

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("JIXIAO_SOFFICE"),
    reason="LibreOffice is not installed",
)


def _unspaced(value: object) -> object:
    """The facts with the space after an ASCII comma or colon dropped: where a line wraps right
    after one (“经济压力,” / “预防社会矛盾”) the printed page cannot show whether a space was
    typed there. Every other character must come back."""
    if isinstance(value, str):
        return re.sub(r"(?<=[,;:!?]) ", "", value)
    if isinstance(value, dict):
        return {k: _unspaced(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unspaced(v) for v in value]
    return value


@pytest.mark.parametrize("layout_id", BUILTIN_LAYOUTS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_printed_docx_comes_back_with_the_same_facts(example: Path, layout_id: str, tmp_path: Path) -> None:
    ev, scheme = scored(example)
    layout = load_layout(layout_id)
    docx = export_evaluation(ev, scheme, tmp_path / "自评表.docx", layout=layout_id)
    back = extract_file(to_pdf(docx, tmp_path / "pdf"))
    assert _unspaced(read_facts(back, layout)) == _unspaced(expected_facts(ev, scheme, layout))
