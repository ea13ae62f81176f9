"""Shared helpers of the exporter tests: the examples, the facts a document must carry, PDFs.

``expected_facts`` says what a reader of an exported 自评表 must find again: the facts the
layout prints (a layout without a 分值 column does not carry the weights, one without 项目类别
does not carry the category), with the score that is printed (the stated one, else the rules').
``read_facts`` puts an imported evaluation in the same shape, so a round trip is one ``==``.
"""

from __future__ import annotations

import functools
import re
import subprocess
from decimal import Decimal
from pathlib import Path

from jixiao.core.engine import evaluate
from jixiao.core.groups import strip_weight
from jixiao.core.model import Evaluation
from jixiao.core.scheme import Scheme
from jixiao.export.fields import Facts
from jixiao.export.fields import indicator_score
from jixiao.export.layout import CellSpec
from jixiao.export.layout import IndicatorsSection
from jixiao.export.layout import Layout
from jixiao.export.layout import RowsSection
from jixiao.export.layout import placeholders
from jixiao.schemes import load_scheme
from jixiao.services import score_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SEED_002 = ROOT / "examples" / "002-基层政权和社区建设-2018.yaml"
SEED_004 = ROOT / "examples" / "004-社会保障专项-2020.yaml"
SUB_UNITS = ROOT / "examples" / "sub-units-社区服务-2023.yaml"


@functools.cache
def scored(path: Path) -> tuple[Evaluation, Scheme]:
    """An example, scored, with its scheme."""
    ev = score_file(path)
    return ev, load_scheme(ev.scheme.id)


def printed(layout: Layout) -> set[str]:
    """Every field and indicator column a layout prints."""
    names: set[str] = set(placeholders(layout.title) + placeholders(layout.subtitle or ""))
    specs: list[CellSpec] = [c for line in layout.lines for c in line]
    for section in layout.sections:
        if isinstance(section, RowsSection):
            specs += [c for row in section.rows for c in row]
        elif isinstance(section, IndicatorsSection):
            names |= {f"column.{c.value}" for c in section.columns}
            if "{weight}" in section.name_label:
                names.add("column.weight")
            if "{weight}" in section.level2_label:
                names.add("column.level2_weight")
    for spec in specs:
        if spec.field:
            names.add(spec.field)
        names |= set(placeholders(spec.text or ""))
    return names


def _text(value: str | None) -> str:
    return (value or "").strip()


def _label(value: str | None) -> str:
    return strip_weight(_text(value))


def _runs(keys: list[object]) -> list[int]:
    """Lengths of runs of equal consecutive keys: which rows share one merged cell."""
    runs: list[int] = []
    for i, key in enumerate(keys):
        if i and keys[i - 1] == key:
            runs[-1] += 1
        else:
            runs.append(1)
    return runs


def _shape(
    ev: Evaluation,
    fields: set[str],
    *,
    total: Decimal | None,
    budget: Decimal | None,
    grade: str | None,
    score: list[Decimal | None],
) -> dict[str, object]:
    p, b = ev.project, ev.budget
    header = {
        "project.name": _text(p.name),
        "project.unit": _text(p.unit),
        "project.department": _text(p.department),
        "project.implementer": _text(p.implementer),
        "project.category": _text(p.category),
        "project.attribute": _text(p.attribute),
        "project.type": _text(p.type),
        "project.filled_date": p.filled_date,
        "project.year": p.year,
        "budget.planned": b.planned_yuan,
        "budget.executed": b.executed_yuan,
        "budget.initial": b.initial_yuan,
        "budget.score": budget,
        "total": total,
        "grade": _text(grade),
    }
    facts: dict[str, object] = {k: v for k, v in header.items() if k in fields}
    columns = {f.removeprefix("column.") for f in fields if f.startswith("column.")}
    rows = []
    for i, ind in enumerate(ev.indicators):
        row: dict[str, object] = {"name": _text(ind.name)}
        if "level1" in columns:
            row["level1"] = _label(ind.level1)
        if "level2" in columns:
            row["level2"] = _label(ind.level2)
        if "level2_weight" in columns:
            row["level2_weight"] = ind.level2_weight
        if "weight" in columns:
            row["weight"] = ind.weight
        if "target" in columns:
            row["target"] = _text(ind.target.text if ind.target else None)
        if "actual" in columns:
            row["actual"] = _text(ind.actual.text if ind.actual else None)
        if "score" in columns:
            row["score"] = score[i]
        if "deviation" in columns:
            row["deviation"] = _text(ind.deviation_reason)
        rows.append(row)
    facts["indicators"] = rows
    if "level2" in columns:
        facts["level2_cells"] = _runs(
            [(_label(i.level1), i.group if i.group is not None else _label(i.level2)) for i in ev.indicators]
        )
    return facts


def expected_facts(ev: Evaluation, scheme: Scheme, layout: Layout) -> dict[str, object]:
    """What an exported 自评表 in ``layout`` states, in the shape of :func:`read_facts`."""
    scored_ev = evaluate(ev, scheme)
    facts = Facts.of(scored_ev, scheme)
    return _shape(
        scored_ev,
        printed(layout),
        total=facts.total,
        budget=facts.budget_score,
        grade=facts.grade,
        score=[indicator_score(i) for i in scored_ev.indicators],
    )


def read_facts(ev: Evaluation, layout: Layout) -> dict[str, object]:
    """An imported evaluation in the shape of :func:`expected_facts` (stated values only)."""
    return _shape(
        ev,
        printed(layout),
        total=ev.claimed.total,
        budget=ev.claimed.budget_execution_score,
        grade=ev.claimed.grade,
        score=[i.claimed_score for i in ev.indicators],
    )


# --- PDFs ------------------------------------------------------------------------------------------


def pdf_info(pdf: Path) -> dict[str, str]:
    """``pdfinfo`` as a dict (Pages, Page size, …)."""
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if v}


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The text layer in the order it was drawn (``pdftotext -raw``): a table cell by cell."""
    cmd = ["pdftotext", "-raw"]
    if first is not None:
        cmd += ["-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """Text without any whitespace, for finding words a layout may have wrapped."""
    return re.sub(r"\s+", "", text)


def render_pngs(pdf: Path, outdir: Path, dpi: int = 40) -> list[Path]:
    """Every page as a PNG (pdftoppm)."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(outdir / "page")], check=True)
    return sorted(outdir.glob("page-*.png"))


def png_size(png: Path) -> tuple[int, int]:
    """Width and height from a PNG header."""
    data = png.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _ranges(charset: str) -> list[tuple[int, int]]:
    out = []
    for part in charset.split():
        lo, _, hi = part.partition("-")
        out.append((int(lo, 16), int(hi or lo, 16)))
    return out


@functools.cache
def font_coverage() -> dict[str, list[tuple[int, int]]]:
    """Every installed face's PostScript name → the code points it has glyphs for (fontconfig)."""
    out = subprocess.run(
        ["fc-list", "--format", "%{postscriptname}\t%{charset}\n"], capture_output=True, text=True, check=True
    ).stdout
    faces: dict[str, list[tuple[int, int]]] = {}
    for line in out.splitlines():
        name, _, charset = line.partition("\t")
        if name:
            faces.setdefault(name, []).extend(_ranges(charset))
    return faces


def _face(pdf_font: str) -> str | None:
    """The installed face a PDF font name stands for: ``BAAAAA+NotoSerifCJKjp-Regular-VKana`` →
    ``NotoSerifCJKjp-Regular`` (subset prefix and LibreOffice's variant suffix dropped)."""
    name = pdf_font.split("+", 1)[-1]
    faces = font_coverage()
    while name and name not in faces:
        if "-" not in name:
            return None
        name = name.rsplit("-", 1)[0]
    return name or None


def missing_glyphs(pdf: Path) -> list[tuple[str, str]]:
    """Characters drawn with a font that has no glyph for them (tofu), as (char, font) pairs.

    LibreOffice falls back to another installed font for a character its font lacks; when no
    installed font has it, the character is drawn from a font without the glyph — an empty box
    on paper. Each drawn character is looked up in the coverage of the face that drew it.
    """
    import pdfplumber

    bad: list[tuple[str, str]] = []
    faces = font_coverage()
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for char in page.chars:
                text, font = char["text"], char["fontname"]
                if not text.strip():
                    continue
                face = _face(font)
                if face is None:
                    bad.append((text, font))
                    continue
                ranges = faces[face]
                if not all(any(lo <= ord(c) <= hi for lo, hi in ranges) for c in text):
                    bad.append((text, font))
    return bad


def squashed(facts: object) -> object:
    """Facts with the whitespace inside their texts removed, for round trips through a PDF: where a
    line wraps right after a space (“重视, 促进” broken after the comma) the printed page cannot show
    the space, so it does not come back. Every other character must."""
    if isinstance(facts, str):
        return re.sub(r"\s+", "", facts)
    if isinstance(facts, dict):
        return {k: squashed(v) for k, v in facts.items()}
    if isinstance(facts, list):
        return [squashed(v) for v in facts]
    return facts
