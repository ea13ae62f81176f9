"""The hand-transcribed examples agree with the corpus's hand-checked facts (expected.json), and
the checker raises what those facts say it must, and nothing they say it must not."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.model import Evaluation
from jixiao.services import score_file

ROOT = Path(__file__).resolve().parents[1]
FACTS = json.loads((ROOT / "tests" / "data" / "seeds" / "expected.json").read_text(encoding="utf-8"))
TRANSCRIBED = {
    "002_d2da961157e41a94.txt": ROOT / "examples" / "002-基层政权和社区建设-2018.yaml",
    "004_4158cb152188c568.txt": ROOT / "examples" / "004-社会保障专项-2020.yaml",
}


def _close(got: object, want: float, tol: float) -> bool:
    return got is not None and abs(float(got) - want) <= tol  # type: ignore[arg-type]


def check_facts(ev: Evaluation, expect: dict) -> list[str]:  # type: ignore[type-arg]
    wrong: list[str] = []
    project = ev.project.model_dump(mode="json")
    for key, want in expect.get("project", {}).items():
        field = key.removesuffix("_contains")
        got = project.get(field)
        ok = (want in (got or "")) if key.endswith("_contains") else got == want
        if not ok:
            wrong.append(f"project.{key}: {got!r} ≠ {want!r}")
    budget = ev.budget.model_dump(mode="json")
    for key, want in expect.get("budget", {}).items():
        tol = 0.0001 if key == "execution_rate" else 0.5
        got = budget.get(key)
        if not (got is None and want is None) and not _close(got, want, tol):
            wrong.append(f"budget.{key}: {got!r} ≠ {want!r}")
    if "budget_lines_count" in expect and len(ev.budget.lines) != expect["budget_lines_count"]:
        wrong.append(f"budget lines: {len(ev.budget.lines)}")
    if "budget_lines_sum_yuan" in expect:
        total = sum((line.planned_yuan or Decimal(0) for line in ev.budget.lines), Decimal(0))
        if not _close(total, expect["budget_lines_sum_yuan"], 0.5):
            wrong.append(f"budget lines sum: {total}")
    weights = ev.scheme.weights.model_dump(mode="json")
    for key, want in expect.get("scheme_weights", {}).items():
        if not _close(weights.get(key), want, 0.01):
            wrong.append(f"scheme.weights.{key}: {weights.get(key)}")
    claimed = ev.claimed.model_dump(mode="json")
    for key, want in expect.get("claimed", {}).items():
        got = claimed.get(key)
        ok = got == want if want is None or isinstance(want, str) else _close(got, want, 0.01)
        if not ok:
            wrong.append(f"claimed.{key}: {got!r} ≠ {want!r}")
    rows = [i for i in ev.indicators if i.weight is not None and i.claimed_score is not None]
    if "rows" in expect and len(rows) != expect["rows"]:
        wrong.append(f"rows: {len(rows)}")
    if "rows_weight_sum" in expect and not _close(
        sum(i.weight or 0 for i in rows), expect["rows_weight_sum"], 0.01
    ):
        wrong.append("rows weight sum")
    if "rows_claimed_sum" in expect:
        claimed_sum = sum(i.claimed_score or 0 for i in rows)
        if not _close(claimed_sum, expect["rows_claimed_sum"], 0.01):
            wrong.append("rows claimed sum")
    codes = {f.code for f in ev.findings}
    wrong += [f"finding {code} not raised" for code in expect.get("must", []) if code not in codes]
    wrong += [f"finding {code} raised" for code in expect.get("must_not", []) if code in codes]
    return wrong


@pytest.mark.parametrize("seed", sorted(TRANSCRIBED))
def test_transcribed_example_holds_the_seed_facts(seed: str) -> None:
    assert check_facts(score_file(TRANSCRIBED[seed]), FACTS[seed]) == []
