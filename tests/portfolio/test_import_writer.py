"""The ingest's writing thread: an error there stops the import, as one in the loop did."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jixiao.intake.limits import Limits
from jixiao.portfolio.executors import ProcessExecutor
from jixiao.portfolio.importer import import_paths
from jixiao.storage.db import open_database
from jixiao.storage.schema import ImportRun
from jixiao.storage.store import Store
from jixiao.storage.workflow import Workflow

from .test_import import make_inbox


def _broken_after(n: int) -> Callable[..., list[int] | None]:
    """Saves ``n`` files' evaluations (through the one save of ``jixiao.portfolio.ingest``), then
    fails as a lost database connection would."""
    save = Workflow.save_new_all
    left = [n]

    def saving(workflow: Workflow, *args: Any, **kwargs: Any) -> list[int] | None:
        if left[0] == 0:
            raise ConnectionError("数据库连接已断开")
        left[0] -= 1
        return save(workflow, *args, **kwargs)

    return saving


def test_an_error_while_saving_stops_the_import_and_is_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "收件箱"
    make_inbox(inbox, 20)
    db = open_database(f"sqlite:///{tmp_path / 'jixiao.db'}")
    store = Store(db)
    with monkeypatch.context() as patched:
        patched.setattr(Workflow, "save_new_all", _broken_after(3))
        with pytest.raises(ConnectionError, match="连接已断开"):
            import_paths([inbox], store, ProcessExecutor(2, Limits()), tmp_path / "data")
    assert store.count() == (3, 3)
    with db.sessions() as s:
        run = s.scalars(select(ImportRun)).one()
    assert (run.status, run.imported) == ("interrupted", 3)
    assert not [t for t in threading.enumerate() if t.name == "jixiao-ingest-writer"]
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
