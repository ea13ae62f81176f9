"""Measurement: facts read from scans against the facts read from the text-layer PDF of the same
evaluation, per scan condition.

    uv run python bench/ocr_accuracy.py                       # out/scans (made first if missing)
    uv run python bench/ocr_accuracy.py --dir tests/data/scans --verbose
    uv run python bench/ocr_accuracy.py --conditions 300dpi,150dpi --generated 2

The scans come from ``tests/data/scans/make.py`` (its ``manifest.json`` names each scan's truth
PDF and condition). Both the scan and its truth PDF go through ``jixiao check``'s workers (read,
extract, score, check). The facts compared are those of ``../shared/tools/seedcheck.py`` and
``realcheck.py``, per evaluation: year, unit, project name, budget planned / executed / rate,
claimed budget score, total and grade, the number of indicator rows, and for every indicator row
of the truth: its name, weight, target, actual and claimed score (rows are paired by name).

Each fact is *matched*, *missing* (the scan left it unstated), or *wrong*. A wrong number is
*flagged* when a finding says it was read with low confidence (置信度) for that row (or, for the
budget and totals, for the document), and *certain* otherwise: certain wrong numbers must be 0.
Goals (issue 14): ≥ 95 % matched at 300 dpi, ≥ 90 % at 150 dpi and on every degraded condition.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.intake.batch import check_files_grouped
from jixiao.intake.limits import MB
from jixiao.intake.limits import Limits

ROOT = Path(__file__).resolve().parents[1]
MAKE = ROOT / "tests" / "data" / "scans" / "make.py"
GOALS = {"300dpi": 95.0}
DEFAULT_GOAL = 90.0
LOW_CONFIDENCE = "置信"


def _generator() -> Any:
    """tests/data/scans/make.py (a script in the test data, not a module of a package)."""
    spec = importlib.util.spec_from_file_location("scans_make", MAKE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
CONDITIONS: tuple[str, ...] = GENERATOR.CONDITIONS


def committed_pairs() -> list[tuple[str, str]]:
    """(source, condition) of every scan committed in tests/data/scans."""
    return list(GENERATOR.COMMITTED)


Fact = tuple[str, Any, bool]  # (name, value, is a number)


def _text(value: Any) -> str:
    """Text compared without spaces, line breaks, full-/half-width differences of punctuation and a
    closing full stop."""
    text = re.sub(r"\s+", "", str(value or "")).translate(str.maketrans("，：；（）％", ",:;()%"))
    return text.rstrip("。.;")  # a sentence's last stop is not a fact


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _quantity(value: dict[str, Any] | None) -> tuple[Any, bool]:
    """A target or actual as compared: (op, value, high, unit) when it states a number, else its text."""
    value = value or {}
    if value.get("value") is None:
        return (_text(value.get("text")) or None), False
    return (value.get("op"), _number(value["value"]), _number(value.get("high")), value.get("unit")), True


def document_facts(ev: dict[str, Any]) -> Iterator[Fact]:
    project, budget, claimed = ev.get("project") or {}, ev.get("budget") or {}, ev.get("claimed") or {}
    yield "年度", project.get("year"), True
    yield "单位", _text(project.get("unit")) or None, False
    yield "项目名称", _text(project.get("name")) or None, False
    yield "预算数", _number(budget.get("planned_yuan")), True
    yield "执行数", _number(budget.get("executed_yuan")), True
    yield "执行率", _number(budget.get("execution_rate")), True
    yield "预算执行得分", _number(claimed.get("budget_execution_score")), True
    yield "总分", _number(claimed.get("total")), True
    yield "等级", claimed.get("grade"), False
    rows = len([i for i in ev.get("indicators") or [] if i.get("name")])
    yield "指标行数", rows or None, False  # a count of rows, not a number read: a wrong one is structure


def row_facts(row: dict[str, Any]) -> Iterator[Fact]:
    yield "名称", _text(row.get("name")) or None, False
    yield "权重", _number(row.get("weight")), True
    target, target_number = _quantity(row.get("target"))
    yield "目标", target, target_number
    actual, actual_number = _quantity(row.get("actual"))
    yield "实际", actual, actual_number
    yield "自评得分", _number(row.get("claimed_score")), True


def pair_rows(truth: list[dict[str, Any]], scan: list[dict[str, Any]]) -> list[int | None]:
    """For each truth row, the index of the scan row with the same (or the most similar) name."""
    free = set(range(len(scan)))
    pairs: list[int | None] = []
    for i, row in enumerate(truth):
        name = _text(row.get("name"))
        best, best_ratio = None, 0.6
        for j in sorted(free, key=lambda j: abs(j - i)):
            ratio = difflib.SequenceMatcher(None, name, _text(scan[j].get("name"))).ratio()
            if ratio > best_ratio:
                best, best_ratio = j, ratio
        if best is not None:
            free.discard(best)
        pairs.append(best)
    return pairs


@dataclass
class Outcome:
    fact: str
    truth: Any
    got: Any
    status: str  # matched | missing | wrong text (text or structure) | wrong flagged | wrong certain


def _flagged(ev: dict[str, Any], row: int | None) -> bool:
    return any(
        LOW_CONFIDENCE in (f.get("message") or "") and (row is None or f.get("indicator") == row)
        for f in ev.get("findings") or []
    )


def _status(truth: Any, got: Any, number: bool, flagged: bool) -> str:
    if got == truth:
        return "matched"
    if got is None or (isinstance(truth, tuple) and not isinstance(got, tuple)):
        return "missing"  # unstated, or a number of the truth read as text: no number claimed
    if not number:
        return "wrong text"
    return "wrong flagged" if flagged else "wrong certain"


def compare(truth: dict[str, Any], scan: dict[str, Any] | None) -> list[Outcome]:
    """Every fact of ``truth`` held against ``scan`` (None: the scan gave no evaluation)."""
    scan = scan or {}
    outcomes = []
    got_facts = {name: value for name, value, _ in document_facts(scan)} if scan else {}
    for name, value, number in document_facts(truth):
        if value is None:
            continue
        got = got_facts.get(name)
        outcomes.append(Outcome(name, value, got, _status(value, got, number, _flagged(scan, None))))
    truth_rows = [r for r in truth.get("indicators") or [] if r.get("name")]
    scan_rows = [r for r in scan.get("indicators") or [] if r.get("name")]
    all_rows = scan.get("indicators") or []
    for row, j in zip(truth_rows, pair_rows(truth_rows, scan_rows), strict=True):
        other = scan_rows[j] if j is not None else {}
        got_row = {name: value for name, value, _ in row_facts(other)} if other else {}
        index = all_rows.index(other) if other else None
        for name, value, number in row_facts(row):
            if value is None:
                continue
            fact = f"{_text(row.get('name'))[:16]}·{name}"
            got = got_row.get(name)
            outcomes.append(Outcome(fact, value, got, _status(value, got, number, _flagged(scan, index))))
    return outcomes


def ensure_material(folder: Path, generated: int, conditions: str) -> None:
    if (folder / "manifest.json").is_file():
        return
    print(f"制作扫描件：{folder}（tests/data/scans/make.py）", flush=True)
    args = [
        sys.executable,
        str(MAKE),
        "--out",
        str(folder),
        "--generated",
        str(generated),
        "--conditions",
        conditions,
    ]
    subprocess.run(args, check=True)


def read(paths: list[Path], jobs: int, limits: Limits | None = None) -> dict[Path, dict[str, Any]]:
    """The first evaluation of every file, as contract JSON, through the workers of jixiao check."""
    found = {}
    for path, evaluations in check_files_grouped(paths, jobs=jobs, limits=limits or Limits()):
        found[path] = json.loads(evaluations[0].to_json())
    return found


def show(value: Any) -> str:
    if isinstance(value, tuple):
        op, number, high, unit = value
        return f"{op}{number}{'~' + str(high) if high is not None else ''}{unit or ''}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "out" / "scans")
    parser.add_argument(
        "--generated", type=int, default=6, help="when making the material: generated evaluations"
    )
    parser.add_argument("--conditions", default="", help="only these conditions (comma-separated)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="list every fact not matched")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    parser.add_argument(
        "--worker-mb", type=float, help="address-space cap of a worker (MB; 0: none); default as jixiao check"
    )
    parser.add_argument(
        "--slack",
        type=float,
        default=10.0,
        help="time limits (per file, per page) times this: accuracy, not speed, on a busy machine",
    )
    args = parser.parse_args(argv)
    ensure_material(args.dir, args.generated, args.conditions or ",".join(CONDITIONS))
    manifest = json.loads((args.dir / "manifest.json").read_text(encoding="utf-8"))
    wanted = {c for c in args.conditions.split(",") if c}
    scans = [m for m in manifest if not wanted or m["condition"] in wanted]
    truths = sorted({args.dir / m["truth"] for m in scans})
    started = time.monotonic()
    truth_ev = read(truths, args.jobs)
    base = Limits()
    limits = dataclasses.replace(
        base,
        file_timeout=base.file_timeout * args.slack,
        ocr_page_seconds=base.ocr_page_seconds * args.slack,
        max_worker_bytes=base.max_worker_bytes if args.worker_mb is None else int(args.worker_mb * MB),
    )
    scan_ev = read([args.dir / m["scan"] for m in scans], args.jobs, limits)
    seconds = time.monotonic() - started

    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    dump = []
    for m in scans:
        scan = scan_ev.get(args.dir / m["scan"]) or {}
        outcomes = compare(truth_ev[args.dir / m["truth"]], scan)
        if not scan.get("indicators"):  # nothing read: say why
            reasons = [f["message"] for f in scan.get("findings") or [] if f["severity"] == "error"][:2]
            print(f"  {m['scan']}: 没有读出指标：{'；'.join(reasons) or '无评价'}")
        row = per[m["condition"]]
        row["scans"] += 1
        row["pages"] += m["pages"]
        for o in outcomes:
            row["facts"] += 1
            row[o.status] += 1
            if o.status != "matched" and (args.verbose or o.status == "wrong certain"):
                print(f"  {m['scan']}: {o.fact}: {o.status}: 应为 {show(o.truth)}，读作 {show(o.got)}")
        dump.append({**m, "outcomes": [[o.fact, show(o.truth), show(o.got), o.status] for o in outcomes]})
    if args.json:
        args.json.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")

    print()
    print(
        "| condition | scans | pages | facts | matched | missing | wrong text | wrong flagged | wrong certain | goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    failed = False
    for condition in [c for c in CONDITIONS if c in per]:
        row = per[condition]
        share = 100 * row["matched"] / max(1, row["facts"])
        goal = GOALS.get(condition, DEFAULT_GOAL)
        met = share >= goal and row["wrong certain"] == 0
        failed |= not met
        print(
            f"| {condition} | {row['scans']} | {row['pages']} | {row['facts']} | {share:.1f} % | {row['missing']} | "
            f"{row['wrong text']} | {row['wrong flagged']} | {row['wrong certain']} | "
            f"≥ {goal:g} %, 0 certain: {'met' if met else 'NOT met'} |"
        )
    print(
        f"\n{len(scans)} scans and {len(truths)} truth PDFs read in {seconds:.0f} s on {args.jobs} processes"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
