"""The pipeline records results exactly as pydantic would."""

from __future__ import annotations

from decimal import Decimal

from builders import evaluation
from builders import row
from jixiao.core.engine import _updated
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.schemes import load_scheme


def test_updated_equals_model_copy() -> None:
    ind = row("≥2次/年", "1次/年", weight=2, claimed=1)
    changes = {"computed_score": Decimal("1.00"), "explanation": "正向指标", "rule": "positive"}
    fast = _updated(ind, **changes)
    slow = ind.model_copy(update=changes)
    assert fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump_json() == slow.model_dump_json()
    assert ind.computed_score is None  # the original is untouched


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
