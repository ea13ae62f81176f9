"""A 部门整体 evaluation keeps its kind through storage (it rides in the contract JSON)."""

from __future__ import annotations

from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Kind
from jixiao.core.model import Project
from jixiao.schemes import load_scheme
from jixiao.storage.db import Database
from jixiao.storage.store import Store


def test_department_kind_survives_save_and_load(db: Database) -> None:
    ev = Evaluation(kind=Kind.DEPARTMENT, project=Project(name="部门整体支出", year=2024, unit="某县林业局"))
    ev = evaluate(ev, load_scheme(ev.scheme.id))
    store = Store(db)
    saved = store.save(ev)
    assert saved.evaluation_id is not None
    back = store.get(saved.evaluation_id)
    assert back is not None and back.kind is Kind.DEPARTMENT and back == ev
