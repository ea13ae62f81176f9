"""List every value ``jixiao extract`` reports as certain that the held-out truth says is wrong.

Run from the repository root: ``python3 tests/data/holdout/wrong_values.py [--dir tests/data/holdout2] [--jobs 2] [FILE ...]``.
For every document of INDEX.json (and its twins in formats/) it runs
``uv run --frozen jixiao extract FILE --json`` like a user would and prints
- WRONG: a fact the truth states that jixiao reports with another value (worse than a miss),
- NEAR-MISS: a value of NEAR_MISSES.json jixiao reports (the right answer is "not read"),
- MISS: a fact the truth states that jixiao leaves empty,
and last a count of each. Exits 1 when anything WRONG or NEAR-MISS was printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WAN = 10000.0


def reported(ev: dict[str, Any]) -> dict[str, Any]:
    """The facts jixiao reports, in the units of INDEX.json (万元, fraction)."""
    budget, claimed = ev.get("budget") or {}, ev.get("claimed") or {}
    planned, executed = budget.get("planned_yuan"), budget.get("executed_yuan")
    return {
        "year": (ev.get("project") or {}).get("year"),
        "planned": None if planned is None else float(planned) / WAN,
        "executed": None if executed is None else float(executed) / WAN,
        "rate": budget.get("execution_rate"),
        "total": claimed.get("total"),
        "grade": claimed.get("grade"),
        "budget_score": claimed.get("budget_execution_score"),
        "rows": len([i for i in ev.get("indicators") or [] if i.get("name")]),
    }


def stated(doc: dict[str, Any]) -> dict[str, Any]:
    """The facts the truth states (None = not stated / not to be read)."""
    planned = [doc[k] for k in ("budget_adjusted", "budget_initial") if isinstance(doc.get(k), (int, float))]
    rows = doc.get("indicator_rows") if "table" in doc.get("doc_type", "") else None
    return {
        "year": doc.get("fiscal_year"),
        "planned": planned or None,
        "executed": doc.get("executed"),
        "rate": doc.get("exec_rate_printed"),
        "total": doc.get("self_score"),
        "grade": doc.get("grade"),
        "budget_score": doc.get("budget_score_printed"),
        "rows": rows,
    }


def same(fact: str, got: Any, want: Any) -> bool:
    """The tolerances of realcheck.py."""
    if got is None:
        return False
    if fact == "grade":
        return str(got)[:1] == str(want)[:1]
    if fact == "year":
        return bool(got == want)
    if fact == "rows":
        return abs(int(got) - int(want)) <= 1
    try:
        g = float(got)
    except (TypeError, ValueError):
        return False
    if fact == "planned":
        return any(abs(g - float(p)) * WAN <= 0.6 + float(p) * 0.5 for p in want)
    if fact == "executed":
        return abs(g - float(want)) * WAN <= 0.6 + float(want) * 0.5
    if fact == "rate":
        return abs(g - float(want)) <= 0.006
    return abs(g - float(want)) <= 0.01


def extract(path: Path) -> list[dict[str, Any]]:
    run = subprocess.run(
        ["uv", "run", "--frozen", "jixiao", "extract", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,  # exit 1 means "errors found", the JSON is still there
    )
    data = json.loads(run.stdout)
    return data if isinstance(data, list) else [data]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", help="only these file names (default: all)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=HERE, help="the held-out set's folder (default: this one)")
    args = ap.parse_args()
    here = args.dir.resolve()
    docs = json.loads((here / "INDEX.json").read_text(encoding="utf-8"))["documents"]
    near = json.loads((here / "NEAR_MISSES.json").read_text(encoding="utf-8"))["wrong_values"]
    jobs: list[tuple[dict[str, Any], Path]] = []
    for doc in docs:
        for path in [here / doc["file"], *sorted((here / "formats").glob(Path(doc["file"]).stem + ".*"))]:
            if not args.files or path.name in args.files:
                jobs.append((doc, path))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: extract(job[1]), jobs))
    counts = {"WRONG": 0, "NEAR-MISS": 0, "MISS": 0}
    for (doc, path), evs in zip(jobs, results, strict=True):
        if len(evs) != 1:
            print(f"WRONG {path.name}: {len(evs)} evaluations for one form")
            counts["WRONG"] += 1
        got = reported(evs[0])
        for fact, want in stated(doc).items():
            if want is None:
                continue
            if got[fact] is None or (fact == "rows" and got[fact] == 0):
                counts["MISS"] += 1
                print(f"MISS {path.name}: {fact} (expected {want})")
            elif not same(fact, got[fact], want):
                counts["WRONG"] += 1
                print(f"WRONG {path.name}: {fact} got {got[fact]} expected {want}")
        # a near-miss fact has no right value: anything reported for it is reported as certain wrongly
        for fact in sorted({n["fact"] for n in near if n["file"] == doc["file"]}):
            if got[fact] is not None:
                counts["NEAR-MISS"] += 1
                listed = [
                    n["why"]
                    for n in near
                    if n["file"] == doc["file"]
                    and n["fact"] == fact
                    and same(fact, got[fact], [n["wrong"]] if fact == "planned" else n["wrong"])
                ]
                print(
                    f"NEAR-MISS {path.name}: {fact} got {got[fact]} ({'; '.join(listed) or 'should not be read'})"
                )
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 1 if counts["WRONG"] or counts["NEAR-MISS"] else 0


if __name__ == "__main__":
    sys.exit(main())
