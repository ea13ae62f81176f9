"""The ids a Store remembers between saves (units, projects) are only ever committed ones."""

from __future__ import annotations

import pytest

from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Project
from jixiao.schemes import load_scheme
from jixiao.storage.db import Database
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store


def _ev(unit: str, name: str = "社区建设", year: int = 2023) -> Evaluation:
    ev = Evaluation(project=Project(name=name, year=year, unit=unit))
    return evaluate(ev, load_scheme(ev.scheme.id))


def _doc(sha: str) -> DocumentInfo:
    return DocumentInfo(sha256=sha * 64, name="报告.docx", path="/收件箱/报告.docx", format="docx", size=1)


def test_a_rolled_back_unit_and_project_are_not_remembered(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(db)
    assert store.save(_ev("甲单位"), _doc("a")).version == 1
    real = Store._insert

    def failing(self: Store, *args: object, **kwargs: object) -> object:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("the transaction fails after the unit and project were inserted")

    monkeypatch.setattr(Store, "_insert", failing)
    with pytest.raises(RuntimeError):
        store.save(_ev("乙单位"), _doc("b"))
    monkeypatch.undo()
    # Had the rolled-back ids been kept, these would point at rows that do not exist.
    again = store.save(_ev("乙单位"), _doc("b"))
    assert again.evaluation_id is not None and again.version == 1
    assert {e.unit for e in store.list()} == {"甲单位", "乙单位"}
    # Remembered (committed) ids keep serving, and versions still count what is stored.
    assert store.save(_ev("甲单位"), _doc("c")).version == 2
    assert Store(db).save(_ev("甲单位"), _doc("d")).version == 3
    assert store.count() == (4, 4)
