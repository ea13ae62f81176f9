"""Round trip through the importers: export a 自评表, read it back, get the same facts.

The facts are the ones the layout prints — header, budget, every indicator row (一级/二级 labels
and which rows share a 二级 cell, name, weight, target, actual, score, deviation reason), the
budget score, the total and the grade — with the score that is printed (the stated one, else the
rules'). See ``support.expected_facts``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings

from export.strategies import evaluations
from export.support import EXAMPLES
from export.support import SEED_004
from export.support import expected_facts
from export.support import read_facts
from export.support import scored
from export.support import squashed
from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.export import export_evaluation
from jixiao.export import load_layout
from jixiao.export import write_review
from jixiao.export.layout import BUILTIN_LAYOUTS
from jixiao.intake.pipeline import extract_file
from jixiao.schemes import load_scheme

SUFFIXES = (".xlsx", ".docx")


@pytest.mark.parametrize("layout_id", BUILTIN_LAYOUTS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_come_back_from_the_pdf(example: Path, layout_id: str, tmp_path: Path) -> None:
    """The 自评表 PDF (drawn by ReportLab) read back by jixiao's PDF reader: every fact the same,
    numbers exact; texts up to their whitespace (a space where a line breaks is not in the PDF's
    text layer: “重视, 促进” wrapped after the comma reads back as “重视,促进”)."""
    ev, scheme = scored(example)
    layout = load_layout(layout_id)
    out = export_evaluation(ev, scheme, tmp_path / "自评表.pdf", layout=layout_id, pdf_engine="reportlab")
    back = extract_file(out)
    assert squashed(read_facts(back, layout)) == squashed(expected_facts(ev, scheme, layout))


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("layout_id", BUILTIN_LAYOUTS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_come_back_with_the_same_facts(
    example: Path, layout_id: str, suffix: str, tmp_path: Path
) -> None:
    ev, scheme = scored(example)
    layout = load_layout(layout_id)
    out = export_evaluation(ev, scheme, tmp_path / f"自评表{suffix}", layout=layout_id)
    back = extract_file(out)
    assert read_facts(back, layout) == expected_facts(ev, scheme, layout)


def _round_trip(ev: Evaluation, layout_id: str, suffix: str) -> None:
    scheme = load_scheme(ev.scheme.id)
    layout = load_layout(layout_id)
    with tempfile.TemporaryDirectory() as work:
        engine = "reportlab" if suffix == ".pdf" else None
        out = export_evaluation(
            ev, scheme, Path(work) / f"自评表{suffix}", layout=layout_id, pdf_engine=engine
        )
        back = extract_file(out)
    assert read_facts(back, layout) == expected_facts(ev, scheme, layout)


@pytest.mark.parametrize("suffix", [*SUFFIXES, ".pdf"])
@pytest.mark.parametrize("layout_id", BUILTIN_LAYOUTS)
@settings(max_examples=12, deadline=None)
@given(ev=evaluations())
def test_generated_evaluations_come_back_with_the_same_facts(
    ev: Evaluation, layout_id: str, suffix: str
) -> None:
    _round_trip(ev, layout_id, suffix)


def test_an_inconsistent_evaluation_exports_and_its_findings_reach_the_review(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_004)
    errors = {f.code for f in ev.findings if f.severity is Severity.ERROR}
    assert {"FULL_SCORE_TARGET_MISSED", "WEIGHTS_SUM_MISMATCH"} <= errors
    out = export_evaluation(ev, scheme, tmp_path / "自评表.xlsx")
    back = extract_file(out)
    found = {f.code for f in back.findings if f.severity is Severity.ERROR}
    assert {"FULL_SCORE_TARGET_MISSED", "WEIGHTS_SUM_MISMATCH"} <= found
    review = write_review([back], tmp_path / "复核报告.html")
    page = review.read_text(encoding="utf-8")
    assert "FULL_SCORE_TARGET_MISSED" in page
    assert "青少年活动参与人数" in page
