"""Benchmark: is scoring and checking no dearer than reading the data?

Generates N random but valid evaluations (about 25 indicators each) as contract JSON lines into
a temporary file, then streams them back in one run and times, side by side:

  (a) loading each line from contract JSON into the model (``Evaluation.from_json``);
  (b) scoring and checking it, explanations included (``evaluate``), recorded on a new model.

It prints evaluations/s and indicator rows/s for each, the ratio b / a (goal ≤ 1), and the peak
RSS after 10% and after 100% of the stream (goal: flat, because nothing is kept).

    uv run python bench/score.py            # 100,000 evaluations
    uv run python bench/score.py --n 20000  # quicker
    uv run python bench/score.py --split    # also time (b)'s parts separately
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from jixiao.core.checks import Context
from jixiao.core.checks import run_checks
from jixiao.core.engine import apply
from jixiao.core.engine import evaluate
from jixiao.core.model import Budget
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Op
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.model import Value
from jixiao.core.scoring import score_evaluation
from jixiao.schemes import builtin_schemes

LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("社会效益指标", "经济效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
UNITS = ("个", "次", "人", "项", "户", "场", "次/年", "人次", "%")
QUALITATIVE = ("效果明显", "持续改善居民生活环境", "达成预期指标", "部分达成预期指标", "群众认可度提高")


def _value(rng: random.Random) -> tuple[Value, Value]:
    """A target and an actual of a realistic kind: most targets are met, some are missed."""
    kind = rng.random()
    missed = rng.random() < 0.15
    if kind < 0.45:
        a = Decimal(rng.randint(1, 500))
        unit = rng.choice(UNITS)
        b = a * Decimal(rng.randint(40, 99)) / 100 if missed else a + Decimal(rng.randint(0, 40))
        b = b.quantize(Decimal(1))
        return Value(text=f"≥{a}{unit}", op=Op.GE, value=a, unit=unit), Value(
            text=f"{b}{unit}", op=Op.EQ, value=b, unit=unit
        )
    if kind < 0.6:
        a = Decimal(rng.randint(50, 2000))
        b = a + Decimal(rng.randint(1, 300)) if missed else a - Decimal(rng.randint(0, 40))
        return (
            Value(text=f"≤{a}元/人", op=Op.LE, value=a, unit="元/人"),
            Value(text=f"{b}元", op=Op.EQ, value=b, unit="元"),
        )
    if kind < 0.75:
        b = Decimal(rng.randint(800, 999)) / 10 if missed else Decimal(100)
        return Value(text="100%", op=Op.EQ, value=Decimal(100), unit="%"), Value(
            text=f"{b}%", op=Op.EQ, value=b, unit="%"
        )
    if kind < 0.85:
        return Value(text="是"), Value(text="否" if missed else "是")
    if kind < 0.92:
        lo = rng.randint(5, 30)
        return (
            Value(text=f"≥{lo}人/次", op=Op.GE, value=Decimal(lo), unit="人/次"),
            Value(
                text=f"{lo}~{lo + 8}人",
                op=Op.RANGE,
                value=Decimal(lo - 3 if missed else lo),
                high=Decimal(lo + 8),
                unit="人",
            ),
        )
    return Value(text=rng.choice(QUALITATIVE)), Value(text=rng.choice(QUALITATIVE))


def _rule_score(weight: Decimal, target: Value, actual: Value) -> Decimal:
    """The score a careful unit would claim (computed independently of jixiao's engine)."""
    if target.value is None or actual.value is None:
        return (
            weight
            if actual.text in ("是", "达成预期指标")
            else (weight * Decimal("0.8")).quantize(Decimal("0.01"))
        )
    a, b = target.value, actual.value
    if target.op is Op.LE:
        share = min(Decimal(1), a / b) if b > 0 else Decimal(1)
    else:
        share = min(Decimal(1), b / a)
    return (weight * share).quantize(Decimal("0.01"))


def make_evaluation(rng: random.Random, index: int, scheme_id: str, weights: object) -> Evaluation:
    """One random but valid evaluation with 20–30 indicator rows."""
    rows: list[Indicator] = []
    n = rng.randint(20, 30)
    group = 0
    for level1, level2s in LEVEL2.items():
        share = {"产出指标": n // 2, "效益指标": n - n // 2 - 2, "满意度指标": 2}[level1]
        for k in range(share):
            if k % 3 == 0:
                group += 1
            target, actual = _value(rng)
            weight = Decimal(rng.choice((2, 3, 4, 5)))
            # Most units score by the rules; about one row in ten is scored generously or arbitrarily.
            if rng.random() < 0.9:
                claimed = _rule_score(weight, target, actual)
            else:
                claimed = (weight * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.01"))
            rows.append(
                Indicator(
                    level1=level1,
                    level2=level2s[k % len(level2s)],
                    name=f"指标{index}-{len(rows)}",
                    weight=weight,
                    target=target,
                    actual=actual,
                    claimed_score=claimed,
                    group=group,
                    location=f"自评表 第{len(rows) + 8}行",
                )
            )
    planned = Decimal(rng.randint(10_000, 50_000_000)) + Decimal(rng.randint(0, 99)) / 100
    executed = (planned * Decimal(rng.randint(60, 100)) / 100).quantize(Decimal("0.01"))
    budget_score = (10 * executed / planned).quantize(Decimal("0.01"))
    return Evaluation(
        project=Project(name=f"项目{index}", year=2020 + index % 5, unit=f"单位{index % 300}"),
        budget=Budget(planned_yuan=planned, executed_yuan=executed),
        scheme=SchemeRef(id=scheme_id, weights=weights),  # type: ignore[arg-type]
        indicators=tuple(rows),
        claimed=Claimed(
            total=budget_score + sum((r.claimed_score or Decimal(0) for r in rows), Decimal(0)),
            budget_execution_score=budget_score,
        ),
        problems="资金使用进度偏慢" if rng.random() < 0.8 else None,
    )


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="how many evaluations")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--split", action="store_true", help="also time (b)'s parts: score, check, record")
    args = parser.parse_args()

    schemes = {s.id: s for s in builtin_schemes()}
    scheme = schemes["mof-2020"]
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "evaluations.jsonl"
        started = time.perf_counter()
        with path.open("w", encoding="utf-8") as out:
            for i in range(args.n):
                out.write(make_evaluation(rng, i, scheme.id, scheme.weights).to_json(indent=None) + "\n")
        made = time.perf_counter() - started
        size = path.stat().st_size
        print(f"generated {args.n:,} evaluations ({size / 2**20:.0f} MiB JSON lines) in {made:.1f} s")

        load_s = score_s = 0.0
        parts = {"score": 0.0, "check": 0.0, "record": 0.0}
        rows = findings = 0
        rss_at_10 = 0.0
        tenth = max(1, args.n // 10)
        with path.open("rb") as lines:
            for i, line in enumerate(lines, 1):
                t0 = time.perf_counter()
                ev = Evaluation.from_json(line)
                t1 = time.perf_counter()
                scored = evaluate(ev, scheme)
                t2 = time.perf_counter()
                load_s += t1 - t0
                score_s += t2 - t1
                if args.split:
                    t3 = time.perf_counter()
                    card = score_evaluation(ev, scheme)
                    t4 = time.perf_counter()
                    found = run_checks(Context(ev, scheme, card))
                    t5 = time.perf_counter()
                    apply(ev, card, found)
                    parts["score"] += t4 - t3
                    parts["check"] += t5 - t4
                    parts["record"] += time.perf_counter() - t5
                rows += len(ev.indicators)
                findings += len(scored.findings)
                if i == tenth:
                    rss_at_10 = peak_rss_mib()
    n = args.n
    print(f"indicator rows: {rows:,} ({rows / n:.1f} per evaluation), findings: {findings:,}")
    print(
        f"(a) load JSON → model : {load_s:8.2f} s  {n / load_s:10,.0f} evaluations/s  {rows / load_s:12,.0f} rows/s"
    )
    print(
        f"(b) score + check     : {score_s:8.2f} s  {n / score_s:10,.0f} evaluations/s  {rows / score_s:12,.0f} rows/s"
    )
    print(f"ratio b / a           : {score_s / load_s:.2f}  (goal ≤ 1)")
    if args.split:
        split = ", ".join(f"{name} {seconds / n * 1e6:.0f} µs" for name, seconds in parts.items())
        print(f"(b) per evaluation    : {split}  (load {load_s / n * 1e6:.0f} µs)")
    print(f"peak RSS after 10%    : {rss_at_10:.0f} MiB;  after 100%: {peak_rss_mib():.0f} MiB  (goal: flat)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
