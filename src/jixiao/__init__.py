"""jixiao（绩效）: performance self-evaluation of public budget projects.

Author, score and review 预算项目支出绩效自评 documents. The domain rules live in
``jixiao.core``; the use cases are the front door, :mod:`jixiao.services`, whose functions are
re-exported here so the library reads like its CLI::

    import jixiao

    for ev in jixiao.extract("自评报告.docx"):       # jixiao extract
        print(ev.computed.total, [f.code for f in ev.findings])
    ev = jixiao.score("自评.yaml")                    # jixiao score
    jixiao.export_evaluation(ev, jixiao.scheme_for(ev), "自评表.xlsx")

They are imported on first use, so ``import jixiao`` (and ``jixiao --help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any

__version__ = "0.1.0"

# The front door's names, all from :mod:`jixiao.services`.
__all__ = [
    "__version__",
    "build_portfolio",
    "check",
    "evaluation_bytes",
    "export_evaluation",
    "extract",
    "ingest",
    "portfolio_bytes",
    "review_bytes",
    "scheme_for",
    "scheme_for_document",
    "schemes_offered",
    "score",
    "write_portfolio",
    "write_review",
]
FRONT_DOOR = frozenset(__all__) - {"__version__"}

if TYPE_CHECKING:
    from jixiao.services import build_portfolio as build_portfolio
    from jixiao.services import check as check
    from jixiao.services import evaluation_bytes as evaluation_bytes
    from jixiao.services import export_evaluation as export_evaluation
    from jixiao.services import extract as extract
    from jixiao.services import ingest as ingest
    from jixiao.services import portfolio_bytes as portfolio_bytes
    from jixiao.services import review_bytes as review_bytes
    from jixiao.services import scheme_for as scheme_for
    from jixiao.services import scheme_for_document as scheme_for_document
    from jixiao.services import schemes_offered as schemes_offered
    from jixiao.services import score as score
    from jixiao.services import write_portfolio as write_portfolio
    from jixiao.services import write_review as write_review


def __getattr__(name: str) -> Any:
    if name in FRONT_DOOR:
        value = getattr(importlib.import_module("jixiao.services"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
