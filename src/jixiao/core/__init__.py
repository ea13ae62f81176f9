"""The pure domain core: the evaluation model, schemes, value parsing, scoring and checks.

Correct, immutable, agnostic. This package owns the rules of 预算项目支出绩效自评 and nothing
else: it reads no files, opens no databases and knows no document formats, web framework or
terminal. It may import only the standard library, pydantic, cn2an and ``jixiao.core.*``
(``tests/test_layers.py`` enforces it). Importers, exporters, storage, the CLI and the web app
stand around it and depend on it, never the other way round.

Modules:
    model      the contract (``jixiao.evaluation/1``) as immutable pydantic models
    numbers    exact Decimal rounding and formatting (四舍五入)
    values     target/actual and money text → numbers with operator and unit
    units      unit comparison (万元 vs 元, 次/月)
    wording    Chinese yes/no and qualitative-band vocabulary
    groups     level-1 group of an indicator
    scheme     the shape of a scoring scheme
    scoring    the rules, with an explanation for every point
    aggregate  fund-weighted aggregation of sub-units
    checks     the finding catalogue and its checks
    engine     ``evaluate``: aggregate → score → check → record
"""

from jixiao.core.engine import evaluate
from jixiao.core.engine import has_errors
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Indicator
from jixiao.core.model import Severity
from jixiao.core.model import Value
from jixiao.core.scheme import Scheme

__all__ = ["Evaluation", "Finding", "Indicator", "Scheme", "Severity", "Value", "evaluate", "has_errors"]
