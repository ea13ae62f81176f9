"""A synthetic inbox of performance self-evaluation reports, with the ground truth of each file.

:func:`generate` writes ``n`` reports into unit folders (``OUT/<单位名>/<文件>``) and
``OUT/ground_truth.jsonl``, one JSON line per file: what the file states (project, unit, year,
budget, claimed total and grade, every indicator row) and the defects deliberately injected, each
with the finding codes it must raise.

Reproducibility: file ``i`` is drawn from ``random.Random(f"{seed}:{i}")`` (units, project names,
years and formats from ``random.Random(seed)``), whatever the number of workers, and Office files
are written with fixed timestamps, so the same arguments give byte-identical files and ground
truth. PDFs are the exception: LibreOffice stamps each with its creation time.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from inbox import facts as facts_mod
from inbox import layouts
from inbox import writers
from inbox.doc import Doc
from inbox.facts import Facts
from inbox.layouts import Printed
from inbox.layouts import Style

FORMATS = ("docx", "xlsx", "txt", "pdf")
# Further formats, each made from one of the above: .doc, .wps and .xls converted by LibreOffice
# (a .wps is written in Word's binary format, as WPS Office saves it for Word users: jixiao reads it
# by its content), .html written from the same document as a web page.
DERIVED = {"doc": "docx", "wps": "docx", "xls": "xlsx", "html": "docx"}
# A scan: the PDF LibreOffice prints from a generated .docx, rendered at 200 dpi in grey as a
# multi-page TIFF, as a unit scans its signed and stamped print-out. Only when asked for: OCR takes
# seconds a page.
SCANNED = {"scan": "docx"}
SCAN_DPI = 200
ALL_FORMATS = FORMATS + tuple(DERIVED) + tuple(SCANNED)
_BASE = {**DERIVED, **SCANNED}
# The file name's suffix where it is not the format's name.
_SUFFIX = {"scan": "tif"}
# What LibreOffice converts each staged file to (a .pdf from a .docx, the derived ones from their base).
_CONVERT_TO = {
    "pdf": "pdf",
    "scan": "pdf",
    "doc": "doc:MS Word 97",
    "wps": "doc:MS Word 97",
    "xls": "xls:MS Excel 97",
}
GROUND_TRUTH = "ground_truth.jsonl"

# Ordinary report features jixiao's extractor currently misreads. They are left out unless asked
# for (``known_issues=True``, ``--known-issues``), so that agreement measures everything else;
# a file that contains one lists it under ``known_issues`` in its ground truth.
KNOWN_ISSUES: dict[str, str] = {}  # none at present


@dataclass(frozen=True, slots=True)
class Plan:
    """What the inbox as a whole decides for file ``index``; the rest comes from its own RNG."""

    index: int
    seed: int
    unit: str
    name: str
    year: int
    fmt: str
    defects: float
    known_issues: bool = False


def plan_inbox(
    n: int,
    seed: int,
    formats: tuple[str, ...],
    pdf_share: float,
    defects: float,
    known_issues: bool = False,
) -> list[Plan]:
    """Units (about five reports each), a project name unique within its unit, a year and a format
    for every file."""
    rng = random.Random(seed)
    units: list[str] = []
    seen_units: set[str] = set()
    while len(units) < max(1, n // 5):
        unit = facts_mod.draw_unit(rng)
        if unit not in seen_units:
            seen_units.add(unit)
            units.append(unit)
    others = [f for f in formats if f != "pdf"]
    taken: set[tuple[str, str]] = set()
    plans: list[Plan] = []
    for index in range(n):
        unit = rng.choice(units)
        name = facts_mod.draw_project_name(rng)
        while (unit, name) in taken:
            name = facts_mod.draw_project_name(rng)
        taken.add((unit, name))
        year = rng.randint(2018, 2024)
        pdf = "pdf" in formats and (not others or rng.random() < pdf_share)
        fmt = "pdf" if pdf else rng.choice(others)
        plans.append(Plan(index, seed, unit, name, year, fmt, defects, known_issues))
    return plans


def _stem(rng: random.Random, f: Facts, style: Style) -> str:
    kind = "自评报告" if style.narrative else "自评表"
    return rng.choice(
        (
            f"{f.year}年度{f.name}项目绩效{kind}",
            f"{f.name}项目{f.year}年绩效{kind}",
            f"附件{rng.randint(1, 3)}：{f.name}项目绩效{kind}",
            f"{f.name}-{f.year}年度项目支出绩效{kind}",
        )
    )


def build(plan: Plan) -> tuple[Facts, Style, Printed, Doc, random.Random]:
    """The facts, style and document of one planned file (no I/O)."""
    rng = random.Random(f"{plan.seed}:{plan.index}")
    style, profile = layouts.choose_style(rng, _BASE.get(plan.fmt, plan.fmt), plan.known_issues)
    # Half the PDFs let rows break across pages, as word processors do by default (drawn from a
    # generator of its own, so that every other choice of the file stays as it was).
    style.split_rows = plan.fmt == "pdf" and random.Random(f"{plan.seed}:{plan.index}:rows").random() < 0.5
    facts = facts_mod.build_facts(
        rng,
        plan.unit,
        plan.name,
        plan.year,
        profile=profile,
        exact_yuan=style.exact_yuan,
        grade_stated=rng.random() < 0.7,
    )
    facts_mod.inject(rng, facts, facts_mod.choose_defects(rng, plan.defects))
    doc, printed = layouts.compose(facts, style, rng)
    facts_mod.explain_deviations(facts, printed.row_reasons)
    return facts, style, printed, doc, rng


def make_file(plan: Plan, out: Path, staging: Path) -> dict[str, object]:
    """Write one file (a PDF's .docx, a .doc's or .wps's .docx and an .xls's .xlsx go to
    ``staging`` for the batch conversions) and return its ground-truth record."""
    facts, style, printed, doc, rng = build(plan)
    when = dt.datetime.combine(facts.filled, dt.time(9, 30))
    folder = out / plan.unit
    folder.mkdir(parents=True, exist_ok=True)
    stem = _stem(rng, facts, style)
    encoding = None
    if plan.fmt == "docx":
        (folder / f"{stem}.docx").write_bytes(writers.docx_bytes(doc, rng, when))
    elif plan.fmt == "pdf":
        docx_data = writers.docx_bytes(doc, rng, when, split_rows=style.split_rows)
        (staging / f"c{plan.index:06d}.docx").write_bytes(docx_data)
    elif plan.fmt == "xlsx":
        (folder / f"{stem}.xlsx").write_bytes(writers.xlsx_bytes(doc, rng, when))
    elif plan.fmt in {"doc", "wps", "scan"}:
        (staging / f"c{plan.index:06d}.docx").write_bytes(writers.docx_bytes(doc, rng, when))
    elif plan.fmt == "xls":
        (staging / f"c{plan.index:06d}.xlsx").write_bytes(writers.xlsx_bytes(doc, rng, when))
    elif plan.fmt == "html":
        heading = rng.random() < 0.5  # the title as an <h1>, or as a bold centred paragraph
        (folder / f"{stem}.html").write_bytes(writers.html_bytes(doc, title_heading=heading))
    else:
        data, encoding = writers.txt_bytes(doc, rng)
        (folder / f"{stem}.txt").write_bytes(data)
    suffix = _SUFFIX.get(plan.fmt, plan.fmt)
    return ground_truth(plan, f"{plan.unit}/{stem}.{suffix}", facts, style, printed, encoding)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def ground_truth(
    plan: Plan, rel: str, f: Facts, style: Style, printed: Printed, encoding: str | None
) -> dict[str, object]:
    """What the file states, and the defects injected into it."""
    b = f.budget
    codes = sorted({c for d in f.defects for c in d.codes})
    # What the clean content raises by design: qualitative targets cannot be measured. (A GBK
    # text is read in full, so its encoding raises nothing: jixiao.intake.readers.text.)
    baseline = []
    if any(r.kind == "qual" for r in f.rows):
        baseline.append("TARGET_NOT_QUANTIFIED")
    return {
        "index": plan.index,
        "path": rel,
        "format": plan.fmt,
        "layout": style.layout,
        "narrative": style.narrative,
        "encoding": encoding,
        "project": {
            "name": f.name,
            "unit": f.unit,
            "year": f.year,
            "department": f.department,
            "implementer": f.implementer,
            "filled_date": f.filled.isoformat(),
        },
        "budget": {
            "planned_yuan": _money(b.planned),
            "executed_yuan": _money(b.executed),
            "stated_rate": str(printed.rate),
            "table_unit": style.table_unit,
            "prose_unit": style.prose_unit if style.narrative else None,
        },
        "scheme": f.profile.scheme,
        "weights": {
            "budget_execution": f.profile.budget,
            "output": f.profile.output,
            "effect": f.profile.effect,
            "satisfaction": f.profile.satisfaction,
        },
        "claimed": {
            "total": facts_mod.show(f.total),
            "grade": f.grade,
            "budget_execution_score": facts_mod.show(b.score),
        },
        "satisfaction": f.has_satisfaction,
        "problems": None if f.problems is None else "\n".join(f.problems),
        "indicators": [
            {
                "level1": r.level1,
                "level2": r.level2,
                "name": r.name,
                "weight": facts_mod.show(r.weight),
                "claimed_score": facts_mod.show(r.score),
                "target": r.target,
                "actual": r.actual,
            }
            for r in f.rows
        ],
        "defects": [{"kind": d.kind, "codes": d.codes, "detail": d.detail} for d in f.defects],
        "expected_codes": codes,
        "baseline_codes": baseline,
        "known_issues": sorted(set(printed.issues)),
    }


def _make_star(args: tuple[Plan, Path, Path]) -> dict[str, object]:
    return make_file(*args)


def _records(tasks: list[tuple[Plan, Path, Path]], workers: int) -> Iterator[dict[str, object]]:
    if workers <= 1:
        for task in tasks:
            yield _make_star(task)
        return
    with mp.get_context("fork").Pool(workers) as pool:
        yield from pool.imap_unordered(_make_star, tasks, chunksize=8)


@dataclass(slots=True)
class Summary:
    files: int
    by_format: dict[str, int]
    with_defects: int
    seconds: float
    pdf_seconds: float
    problems: list[str]


def generate(
    out: Path,
    n: int,
    *,
    seed: int = 1,
    formats: tuple[str, ...] = FORMATS,
    pdf_share: float = 0.05,
    defects: float = 0.3,
    workers: int = 2,
    known_issues: bool = False,
    log: Callable[[str], None] | None = print,
) -> Summary:
    """Write the inbox and its ground truth (see the module docstring)."""
    say = log or (lambda _text: None)
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    plans = plan_inbox(n, seed, formats, pdf_share, defects, known_issues)
    staging = Path(tempfile.mkdtemp(prefix="inbox-pdf-"))
    problems: list[str] = []
    try:
        tasks = [(p, out, staging) for p in plans]
        records: dict[int, dict[str, object]] = {}
        step = max(1, n // 20)
        for record in _records(tasks, workers):
            records[int(str(record["index"]))] = record
            done = len(records)
            if done % step == 0 or done == n:
                rate = done / max(time.perf_counter() - start, 1e-9)
                say(f"  {done}/{n} files written ({rate:.0f} files/s)")
        converted, pdf_seconds = _convert(plans, records, out, staging, workers, say, log is not None)
        problems += converted
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with (out / GROUND_TRUTH).open("w", encoding="utf-8") as fh:
        for index in sorted(records):
            fh.write(json.dumps(records[index], ensure_ascii=False, sort_keys=True) + "\n")
    by_format = Counter(str(r["format"]) for r in records.values())
    with_defects = sum(1 for r in records.values() if r["defects"])
    return Summary(
        files=len(records),
        by_format={f: by_format.get(f, 0) for f in formats},
        with_defects=with_defects,
        seconds=time.perf_counter() - start,
        pdf_seconds=pdf_seconds,
        problems=problems,
    )


def _convert(
    plans: list[Plan],
    records: dict[int, dict[str, object]],
    out: Path,
    staging: Path,
    workers: int,
    say: Callable[[str], None],
    progress: bool,
) -> tuple[list[str], float]:
    """Convert the staged files (PDFs, .doc, .wps, .xls) in batches, one LibreOffice call per
    batch, and move each to its place; a file that did not convert is left out of the ground truth.
    Returns the problems met and the seconds the PDFs took."""
    from inbox.pdf import convert_all

    problems: list[str] = []
    pdf_seconds = 0.0
    for target in dict.fromkeys(_CONVERT_TO.values()):
        chosen = [p for p in plans if _CONVERT_TO.get(p.fmt) == target]
        if not chosen:
            continue
        started = time.perf_counter()
        base = _BASE.get(chosen[0].fmt, "docx")
        sources = [staging / f"c{p.index:06d}.{base}" for p in chosen]
        say(f"  converting {len(sources)} files to {target} through LibreOffice ({workers} at a time)")
        written, failed = convert_all(
            sources, staging / "converted", workers, progress=progress, target=target
        )
        problems += failed
        suffix = target.split(":", 1)[0]
        for p in chosen:
            made = staging / "converted" / f"c{p.index:06d}.{suffix}"
            record = records[p.index]
            if made in written and p.fmt in SCANNED:
                scanned(made, out / str(record["path"]))
                made.unlink()
            elif made in written:
                shutil.move(str(made), str(out / str(record["path"])))
            else:
                problems.append(f"no {p.fmt} for {record['path']}; left out of the ground truth")
                del records[p.index]
        if target == "pdf":
            pdf_seconds = time.perf_counter() - started
    return problems, pdf_seconds


def scanned(pdf: Path, out: Path, dpi: int = SCAN_DPI) -> None:
    """The pages of ``pdf`` rendered at ``dpi`` in grey into the multi-page TIFF ``out``: the file
    a scanner makes of the print-out (no text layer)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = [document[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()
    pages[0].save(out, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(dpi, dpi))


def read_ground_truth(out: Path) -> list[dict[str, object]]:
    """The records of ``OUT/ground_truth.jsonl``, in file order."""
    with (out / GROUND_TRUTH).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
