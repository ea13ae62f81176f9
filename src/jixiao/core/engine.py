"""The pipeline over one evaluation: aggregate sub-units, score, check, and record the result.

``evaluate`` is what every front end calls (CLI, importers, web): it takes an evaluation as
authored or extracted and returns it with ``computed`` filled, each indicator's recomputed score
and explanation set, and the checker's findings. It is idempotent — findings from an earlier run
are replaced, while findings an importer raised (unreadable parts) are kept — and it never raises
on bad data.
"""

from __future__ import annotations

from jixiao.core.aggregate import aggregate
from jixiao.core.checks import CHECK_CODES
from jixiao.core.checks import Context
from jixiao.core.checks import run_checks
from jixiao.core.model import Computed
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Severity
from jixiao.core.numbers import RATE
from jixiao.core.numbers import round_to
from jixiao.core.scheme import Scheme
from jixiao.core.scoring import Scorecard
from jixiao.core.scoring import score_evaluation

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def evaluate(ev: Evaluation, scheme: Scheme) -> Evaluation:
    """Score and check one evaluation under ``scheme``; return it with the results recorded and
    ``scheme`` remembered by its content hash (``scheme.sha256``; the id stays the caller's)."""
    ref = ev.scheme.model_copy(update={"sha256": scheme.digest})
    if not ref.declared and ref.weights.total == 0:
        # Contract JSON from another tool may name a scheme without its weights: use the scheme's.
        ref = ref.model_copy(update={"weights": scheme.weights})
    ev = ev.model_copy(update={"scheme": ref})
    if ev.sub_units and not ev.indicators:
        ev = aggregate(ev, scheme.score_places)
    card = score_evaluation(ev, scheme)
    findings = run_checks(Context(ev, scheme, card))
    return apply(ev, card, findings)


def apply(ev: Evaluation, card: Scorecard, findings: list[Finding]) -> Evaluation:
    """Record a scorecard and findings on an evaluation (a new, equally immutable one)."""
    indicators = tuple(
        ind.model_copy(
            update={"computed_score": item.computed, "explanation": item.explanation, "rule": item.rule}
        )
        for ind, item in zip(ev.indicators, card.items, strict=True)
    )
    rate = card.execution_rate
    budget = ev.budget
    if rate is not None:
        budget = budget.model_copy(update={"execution_rate": round_to(rate, RATE)})
    check = card.verification
    computed = Computed(
        verified_weight=check.verified_weight if check else None,
        carried_weight=check.carried_weight if check else None,
        verified_points=check.verified_points if check else None,
        carried_points=check.carried_points if check else None,
        budget_execution_score=card.budget_score,
        total=card.total,
        grade=card.grade,
        max_total=card.max_total,
        budget_explanation=card.budget_explanation,
        total_explanation=card.total_explanation,
    )
    kept = [f for f in ev.findings if f.code not in CHECK_CODES]
    ordered = sorted(kept + findings, key=lambda f: _SEVERITY_ORDER[f.severity])
    return ev.model_copy(
        update={"indicators": indicators, "budget": budget, "computed": computed, "findings": tuple(ordered)}
    )


def has_errors(ev: Evaluation) -> bool:
    """Whether any finding is an error (the CLI exits 1, like a linter)."""
    return any(f.severity is Severity.ERROR for f in ev.findings)
