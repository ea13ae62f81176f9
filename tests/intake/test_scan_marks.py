"""Each fact's scan mark is the cell that states it (jixiao.intake.extract.scan_marks), checked
without OCR: a text-layer document whose cells are given boxes that encode their table, row and
column, as if OCR had read them. The real scans are in test_scans.py."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from jixiao.core.model import ScanMark
from jixiao.export.plan_api import export_plan
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Scanned
from jixiao.intake.document import Table
from jixiao.intake.extract import extract
from jixiao.intake.extract.plan import extract_declaration
from jixiao.intake.ocr.boxes import Box
from jixiao.intake.readers import read_document
from plan_samples import declaration

SCANS = Path(__file__).resolve().parents[1] / "data" / "scans"
WIDTH, HEIGHT = 9000, 9000


def as_scanned(doc: Document) -> Document:
    """``doc`` as if OCR had read it: cell (table t, row r, col c) at x = 100·c, y = 1000·t + 10·r;
    paragraph number k at y = 8000 + k."""
    blocks: list[Paragraph | Table] = []
    tables = 0
    for k, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            scan = Scanned(1, Box(0, 8000 + k, 50, 8000.5 + k), 0.97, WIDTH, HEIGHT)
            blocks.append(replace(block, scan=scan))
            continue
        tables += 1
        assert block.n_rows < 100 and block.n_cols < 90
        cells = tuple(
            replace(cell, scan=Scanned(1, _box(tables, cell), 0.91 if cell.col % 2 else 0.99, WIDTH, HEIGHT))
            for cell in block.cells
        )
        blocks.append(replace(block, cells=cells))
    return Document(doc.path, doc.format, blocks, doc.title, doc.pages, list(doc.notes), scanned=1)


def _box(table: int, cell: Cell) -> Box:
    x, y = 100 * cell.col, 1000 * table + 10 * cell.row
    return Box(x, y, x + 50, y + 5)


def where(mark: ScanMark) -> tuple[int, int, int]:
    """(table from 1, row, col) a mark's box encodes."""
    x0, y0, _, _ = mark.box
    return y0 // 1000, (y0 % 1000) // 10, x0 // 100


def cell_text(doc: Document, at: tuple[int, int, int]) -> str:
    table = [b for b in doc.blocks if isinstance(b, Table)][at[0] - 1]
    return next(c.text for c in table.cells if (c.row, c.col) == at[1:])


def test_each_figure_of_a_form_is_marked_with_the_cell_that_states_it() -> None:
    doc = as_scanned(read_document(SCANS / "truth" / "gen-01.pdf"))
    ev = extract(doc).evaluation
    marks = ev.scanned
    assert ev.indicators and ev.provenance
    columns: dict[str, set[int]] = {}
    for i, ind in enumerate(ev.indicators):
        for role in ("target", "actual", "weight", "claimed_score"):
            at = where(marks[f"indicators.{i}.{role}"])
            columns.setdefault(role, set()).add(at[2])
            text = cell_text(doc, at).replace(" ", "")
            value = getattr(ind, role)
            shown = value.text if role in {"target", "actual"} else f"{value.normalize():f}"
            assert shown.replace(" ", "") in text, (i, role, text)
    # one column per role, four different columns: 分值 10 | 得分 10 go to their own cells
    assert all(len(cols) == 1 for cols in columns.values()), columns
    assert len({next(iter(cols)) for cols in columns.values()}) == 4
    planned, executed = where(marks["budget.planned_yuan"]), where(marks["budget.executed_yuan"])
    assert planned[:2] == executed[:2] and planned[2] < executed[2]
    total = marks["claimed.total"]
    assert total.confidence == (Decimal("0.91") if where(total)[2] % 2 else Decimal("0.99"))
    assert "79.64" in cell_text(doc, where(total))
    assert marks["budget.planned_yuan"].width == WIDTH
    # every key is a fact path of provenance or a row's figure
    assert all(k in ev.provenance or k.startswith(("indicators.", "budget.lines.")) for k in marks)


def test_a_document_that_is_no_scan_has_no_marks() -> None:
    ev = extract(read_document(SCANS / "truth" / "gen-01.pdf")).evaluation
    assert ev.scanned == {}
    assert "scanned" not in ev.to_json()


def test_a_declaration_read_from_a_scan_carries_its_marks(tmp_path: Path) -> None:
    written = declaration()
    doc = as_scanned(read_document(export_plan(written, tmp_path / "目标申报表.xlsx")))
    dec, _ = extract_declaration(doc)
    assert "planned_yuan" in dec.scanned
    assert "200" in cell_text(doc, where(dec.scanned["planned_yuan"]))  # 200万元 or 2,000,000
    targets = {where(dec.scanned[f"indicators.{i}.target"])[2] for i in range(len(dec.indicators))}
    weights = {where(dec.scanned[f"indicators.{i}.weight"])[2] for i in range(len(dec.indicators))}
    assert len(targets) == 1 and len(weights) == 1 and targets != weights
    for i, ind in enumerate(dec.indicators):
        assert ind.target is not None
        assert ind.target.text in cell_text(doc, where(dec.scanned[f"indicators.{i}.target"]))
    again = type(dec).from_json(dec.to_json())
    assert again.scanned == dec.scanned
