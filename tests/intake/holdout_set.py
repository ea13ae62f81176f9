"""What both held-out sets' tests share (tests/intake/test_holdout.py and test_holdout2.py): the
facts compared exactly as ``../shared/tools/realcheck.py`` compares them, the careless-value test, and
the reading of a set's files through the workers of ``jixiao check``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jixiao.intake.batch import check_files_grouped
from jixiao.intake.limits import Limits

WAN = 10000.0

# flags whose prefix names the finding code the checker must raise (as in realcheck.py)
FLAG_CODES = {
    "budget_score_rounded_up": "BUDGET_SCORE_MISMATCH",
    "budget_score_0_despite_100pct": "BUDGET_SCORE_MISMATCH",
    "full_score_despite_shortfall": "FULL_SCORE_TARGET_MISSED",
    "score_computed_as_weight_times_actual": "SCORE_MISMATCH",
    "actual_values_blank": "ACTUAL_MISSING",
    "targets_not_quantified": "TARGET_NOT_QUANTIFIED",
    "qualitative_targets_vague": "TARGET_NOT_QUANTIFIED",
    "budget_score_below_rule": "BUDGET_SCORE_MISMATCH",
    "score_not_per_rule": "SCORE_MISMATCH",
    "total_mismatch": "TOTAL_MISMATCH",
    "weights_sum_mismatch": "WEIGHTS_SUM_MISMATCH",
    "budget_lines_sum_mismatch": "BUDGET_LINES_SUM_MISMATCH",
}


def near(a: Any, b: Any, tol: float) -> bool:
    try:
        return a is not None and abs(float(a) - float(b)) <= tol
    except (TypeError, ValueError):
        return False


def facts(doc: dict[str, Any], ev: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """(fact, held) for every fact the truth states — realcheck.py's comparison, rewritten."""
    project, budget = ev.get("project") or {}, ev.get("budget") or {}
    claimed = ev.get("claimed") or {}
    if isinstance(doc.get("fiscal_year"), int):
        yield "year", project.get("year") == doc["fiscal_year"]
    planned = [
        doc[k]
        for k in ("budget_adjusted", "budget_initial")
        if isinstance(doc.get(k), (int, float)) and doc[k]
    ]
    if planned:
        yield "planned", any(near(budget.get("planned_yuan"), p * WAN, 0.6 + p * 0.5) for p in planned)
    if isinstance(doc.get("executed"), (int, float)):
        yield (
            "executed",
            near(budget.get("executed_yuan"), doc["executed"] * WAN, 0.6 + doc["executed"] * 0.5),
        )
    rate = doc.get("exec_rate_printed")
    if isinstance(rate, (int, float)) and rate > 0:
        yield "rate", near(budget.get("execution_rate"), rate, 0.006)
    if isinstance(doc.get("self_score"), (int, float)):
        yield "total", near(claimed.get("total"), doc["self_score"], 0.01)
    if doc.get("grade"):
        yield "grade", (claimed.get("grade") or "")[:1] == doc["grade"][:1]
    if isinstance(doc.get("budget_score_printed"), (int, float)):
        yield "budget_score", near(claimed.get("budget_execution_score"), doc["budget_score_printed"], 0.01)
    rows = doc.get("indicator_rows")
    if isinstance(rows, int) and "table" in doc.get("doc_type", ""):
        n = len([i for i in ev.get("indicators") or [] if i.get("name")])
        yield "rows", abs(n - rows) <= 1
    codes = {f.get("code") for f in ev.get("findings") or []}
    for flag in doc.get("flags") or []:
        for prefix, code in FLAG_CODES.items():
            if flag.startswith(prefix):
                yield f"finds {code}", code in codes


def reported(ev: dict[str, Any], fact: str) -> Any:
    """One fact as jixiao reports it, in INDEX.json units (万元, fraction), or None."""
    budget, claimed = ev.get("budget") or {}, ev.get("claimed") or {}
    value: Any = {
        "planned": budget.get("planned_yuan"),
        "executed": budget.get("executed_yuan"),
        "rate": budget.get("execution_rate"),
        "total": claimed.get("total"),
        "grade": claimed.get("grade"),
        "budget_score": claimed.get("budget_execution_score"),
    }[fact]
    if value is not None and fact in {"planned", "executed"}:
        return float(value) / WAN
    return value


def same_as(fact: str, got: Any, wrong: Any) -> bool:
    """``got`` is the careless value ``wrong``, within realcheck's tolerance for that fact."""
    if got is None:
        return False
    if isinstance(wrong, str):
        return str(got)[:1] == wrong[:1]
    if fact in {"planned", "executed"}:
        return bool(abs(float(got) - wrong) * WAN <= 0.6 + wrong * 0.5)
    return near(got, wrong, 0.006 if fact == "rate" else 0.01)


def index(folder: Path) -> list[dict[str, Any]]:
    """The hand-checked facts of a held-out set (INDEX.json)."""
    documents: list[dict[str, Any]] = json.loads((folder / "INDEX.json").read_text(encoding="utf-8"))[
        "documents"
    ]
    return documents


def near_misses(folder: Path) -> list[dict[str, Any]]:
    """The values a careless reader would report (NEAR_MISSES.json)."""
    wrong: list[dict[str, Any]] = json.loads((folder / "NEAR_MISSES.json").read_text(encoding="utf-8"))[
        "wrong_values"
    ]
    return wrong


def documents(folder: Path, docs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Path]]:
    """Every document of ``docs`` (the set's INDEX, the same objects) with its office/web twins
    (formats/<stem>.<ext>), as realcheck pairs them."""
    jobs = []
    for doc in docs:
        jobs.append((doc, folder / doc["file"]))
        jobs.extend((doc, twin) for twin in sorted((folder / "formats").glob(Path(doc["file"]).stem + ".*")))
    return jobs


def read_all(folder: Path) -> dict[Path, list[dict[str, Any]]]:
    """The evaluation JSON of every held-out file, read by the workers of ``jixiao check``."""
    paths = [path for _, path in documents(folder, index(folder))]
    grouped = check_files_grouped(paths, jobs=2, limits=Limits())
    return {path: [json.loads(ev.to_json()) for ev in evs] for path, evs in grouped}


def check_whole(folder: Path, near_files: int) -> None:
    """Every file INDEX.json and NEAR_MISSES.json name exists; each near-miss fact is left unstated."""
    key = {
        "planned": "budget_adjusted",
        "executed": "executed",
        "rate": "exec_rate_printed",
        "total": "self_score",
    }
    docs, near = index(folder), near_misses(folder)
    by_file = {doc["file"]: doc for doc in docs}
    for _doc, path in documents(folder, docs):
        assert path.is_file(), path
    assert len(docs) >= 40 and len({n["file"] for n in near}) >= near_files
    for item in near:
        doc = by_file[item["file"]]
        assert doc.get(key.get(item["fact"], item["fact"])) is None, item
        assert item["fact"] != "planned" or doc.get("budget_initial") is None, item


def careless_reads(
    near: list[dict[str, Any]], evaluations: list[dict[str, Any]], name: str, fact: str | None = None
) -> list[str]:
    """Each careless value of ``name`` (of one ``fact``, or all) that its evaluations report."""
    wrong = []
    for item in (n for n in near if n["file"] == name and fact in (None, n["fact"])):
        for ev in evaluations:
            got = reported(ev, item["fact"])
            if same_as(item["fact"], got, item["wrong"]):
                wrong.append(f"{name} {item['fact']} = {got} ({item['why']})")
    return wrong


def facts_held(
    jobs: list[tuple[dict[str, Any], Path]], evaluations: dict[Path, list[dict[str, Any]]]
) -> tuple[float, int, list[str]]:
    """The share of stated facts read right (percent), how many facts there are, and the misses."""
    held = total = 0
    misses: list[str] = []
    for doc, path in jobs:
        evs = evaluations[path]
        got = list(facts(doc, evs[0] if len(evs) == 1 else {}))
        held += sum(1 for _, ok in got if ok)
        total += len(got)
        misses.extend(f"{path.name}: {name}" for name, ok in got if not ok)
    return 100.0 * held / total, total, misses
