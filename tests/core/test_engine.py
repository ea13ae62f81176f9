"""The pipeline scores, checks and records the results on an evaluation."""

from __future__ import annotations

from decimal import Decimal

from builders import evaluation
from builders import row
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.schemes import load_scheme


def test_evaluate_records_every_row() -> None:
    ev = evaluate(evaluation(row("≥2次/年", "1次/年", weight=2, claimed=1)), load_scheme("mof-2020"))
    [ind] = ev.indicators
    assert (ind.computed_score, ind.rule) == (Decimal("1.00"), "positive")
    assert Evaluation.from_json(ev.to_json()) == ev


def test_unset_weights_take_the_schemes() -> None:
    ev = Evaluation.from_json('{"scheme": {"id": "hubei-2019"}, "claimed": {"total": 90}}')
    scored = evaluate(ev, load_scheme("hubei-2019"))
    assert scored.scheme.weights == load_scheme("hubei-2019").weights
    assert "WEIGHTS_SUM_MISMATCH" not in {f.code for f in scored.findings}
