"""The importer's writing thread: an error there stops the import, as one in the loop did."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from jixiao.core.model import Evaluation
from jixiao.intake.limits import Limits
from jixiao.portfolio.executors import ProcessExecutor
from jixiao.portfolio.importer import import_paths
from jixiao.storage.db import open_database
from jixiao.storage.schema import ImportRun
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store
from jixiao.storage.store import Stored

from .test_import import make_inbox


class _BrokenAfter(Store):
    """Saves ``n`` files' evaluations, then fails as a lost database connection would."""

    def __init__(self, db, n: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(db)
        self.left = n

    def save_all(
        self,
        evaluations: list[Evaluation],
        document: DocumentInfo | None = None,
        *,
        year: int | None = None,
        run_id: int | None = None,
    ) -> list[Stored]:
        if self.left == 0:
            raise ConnectionError("数据库连接已断开")
        self.left -= 1
        return super().save_all(evaluations, document, year=year, run_id=run_id)


def test_an_error_while_saving_stops_the_import_and_is_raised(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    make_inbox(inbox, 20)
    db = open_database(f"sqlite:///{tmp_path / 'jixiao.db'}")
    store = _BrokenAfter(db, 3)
    with pytest.raises(ConnectionError, match="连接已断开"):
        import_paths([inbox], store, ProcessExecutor(2, Limits()), tmp_path / "data")
    assert store.count() == (3, 3)
    with db.sessions() as s:
        run = s.scalars(select(ImportRun)).one()
    assert (run.status, run.imported) == ("interrupted", 3)
    assert not [t for t in threading.enumerate() if t.name == "jixiao-import-writer"]
    # The next run imports the rest, each file once.
    again = import_paths([inbox], Store(db), ProcessExecutor(2, Limits()), tmp_path / "data")
    assert (again.imported, again.skipped) == (20, 3)
    assert store.count() == (23, 23)
    db.close()


def test_on_file_sees_every_saved_file_in_order(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    files = make_inbox(inbox, 6)
    db = open_database(f"sqlite:///{tmp_path / 'jixiao.db'}")
    seen: list[tuple[Path, int]] = []
    result = import_paths(
        [inbox],
        Store(db),
        ProcessExecutor(2, Limits()),
        tmp_path / "data",
        on_file=lambda path, _ev, progress: seen.append((path, progress.done)),
    )
    assert [p for p, _ in seen] == sorted(files)
    assert [done for _, done in seen] == list(range(1, len(files) + 1))
    assert len(result.evaluation_ids) == result.imported == len(files)
    db.close()
