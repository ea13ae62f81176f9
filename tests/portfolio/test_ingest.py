"""The one ingest path (``jixiao.portfolio.ingest``): ``jixiao import`` now keeps the rules the web
upload had — an audit entry per saved evaluation, and a save that collides with another writer
on a unique key tried again — and extraction reads a file under the name people know it by."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from intake.makers import TSV_REPORT
from jixiao.intake.limits import Limits
from jixiao.intake.pipeline import extract_evaluations
from jixiao.portfolio.executors import ProcessExecutor
from jixiao.portfolio.importer import import_paths
from jixiao.portfolio.ingest import Incoming
from jixiao.portfolio.ingest import ingest
from jixiao.storage import workflow
from jixiao.storage.db import open_database
from jixiao.storage.store import Store
from jixiao.storage.workflow import Actor
from jixiao.storage.workflow import Workflow


def _inbox(root: Path, n: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        path = root / f"报告{i}.txt"
        path.write_text(TSV_REPORT.replace("86万元", f"{86 + i}万元"), encoding="utf-8")
        files.append(path)
    return files


def test_the_command_line_import_writes_an_audit_entry_per_evaluation(tmp_path: Path) -> None:
    files = _inbox(tmp_path / "收件箱", 2)
    db = open_database(f"sqlite:///{tmp_path / 'jixiao.db'}")
    result = import_paths([tmp_path / "收件箱"], Store(db), ProcessExecutor(1, Limits()), tmp_path / "data")
    assert len(result.evaluation_ids) == 2
    history = Workflow(db)
    entries = history.history(result.evaluation_ids[-1])  # both are versions of one project
    assert [e.action for e in entries] == ["import", "import"]
    assert all(e.actor.startswith("命令行导入") for e in entries)
    assert sorted(e.new for e in entries) == sorted(f.name for f in files)
    # Who imported can be named (a script importing for someone).
    more = _inbox(tmp_path / "又一批", 3)[2:]
    again = import_paths(
        [more[0]], Store(db), ProcessExecutor(1, Limits()), tmp_path / "data", actor=Actor("财政局 张三")
    )
    assert [e.actor for e in history.history(again.evaluation_ids[0])][-1] == "财政局 张三"
    db.close()


def test_a_collided_import_save_is_tried_again(postgres_url: str, tmp_path: Path) -> None:
    """Another writer creates the same unit between this import's look-up and its insert: the
    unique key refuses the insert, and the save is tried again, building on the other's row."""
    (path,) = _inbox(tmp_path / "收件箱", 1)
    read = extract_evaluations(path)[0]
    other = read.model_copy(update={"project": read.project.model_copy(update={"name": "另一个项目"})})
    db = open_database(postgres_url)
    rival = open_database(postgres_url)
    collided: list[str] = []

    def rival_first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO UNITS") and not collided:
            collided.append(statement)
            Store(rival).save_all([other])  # commits the same unit first

    event.listen(db.engine, "before_cursor_execute", rival_first)
    try:
        result = import_paths([path], Store(db), ProcessExecutor(1, Limits()), tmp_path / "data")
    finally:
        event.remove(db.engine, "before_cursor_execute", rival_first)
    assert collided, "the import never inserted a unit: the collision was not staged"
    assert (result.imported, result.skipped) == (1, 0)
    assert Store(db).count() == (2, 1)  # the rival's evaluation and the import's; the import's document
    saved = Store(db).get(result.evaluation_ids[0])
    assert saved is not None and saved.project.name == read.project.name
    rival.close()
    db.close()


def test_one_try_only_would_have_failed(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same staging with a single attempt raises: the retry is what saves the file."""
    monkeypatch.setattr(workflow, "SAVE_ATTEMPTS", 1)
    (path,) = _inbox(tmp_path / "收件箱", 1)
    read = extract_evaluations(path)[0]
    other = read.model_copy(update={"project": read.project.model_copy(update={"name": "另一个项目"})})
    db = open_database(postgres_url)
    rival = open_database(postgres_url)

    def rival_first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO UNITS") and not Store(rival).count()[0]:
            Store(rival).save_all([other])

    event.listen(db.engine, "before_cursor_execute", rival_first)
    try:
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            import_paths([path], Store(db), ProcessExecutor(1, Limits()), tmp_path / "data")
    finally:
        event.remove(db.engine, "before_cursor_execute", rival_first)
    rival.close()
    db.close()


def test_an_uploaded_file_is_read_under_its_own_name(tmp_path: Path) -> None:
    """A file kept under a temporary name is extracted under the name people see: its source,
    its document row and the audit entry say that name, never the temporary one."""
    kept = tmp_path / "uploads" / "0f3a9c.txt"
    kept.parent.mkdir()
    kept.write_text(TSV_REPORT, encoding="utf-8")
    db = open_database(f"sqlite:///{tmp_path / 'jixiao.db'}")
    store = Store(db)
    item = Incoming.from_path(kept)
    item = Incoming(
        kept, "年度自评报告.txt", item.sha256, item.size, "上传：年度自评报告.txt", shown="年度自评报告.txt"
    )
    (answer,) = ingest([item], store, tmp_path / "data", actor=Actor("单位 甲"), action="upload")
    assert answer.ids is not None
    saved = store.get(answer.ids[0])
    assert saved is not None and saved.source is not None
    assert (saved.source.path, saved.source.sha256, saved.source.format) == (
        "年度自评报告.txt",
        item.sha256,
        "txt",
    )
    assert "0f3a9c" not in saved.to_json()
    assert [e.new for e in Workflow(db).history(answer.ids[0])] == ["年度自评报告.txt"]
    # The original is archived under its hash; the same bytes again are held already.
    sha = item.sha256
    assert sha is not None
    assert (tmp_path / "data" / "documents" / sha[:2] / f"{sha}.txt").read_bytes() == kept.read_bytes()
    (again,) = ingest([item], store, tmp_path / "data", actor=Actor("单位 甲"), action="upload")
    assert again.ids is None and again.evaluations == []
    db.close()


def test_the_answers_keep_the_evaluations_only_when_asked(tmp_path: Path) -> None:
    """A batch runner records each outcome as it is saved (``on_saved``, which sees the
    evaluations); the list it gets back does not hold every file's evaluations until the batch
    ends (the web server's memory grew ~60 KB a file with them), unless it asks for them."""
    files = _inbox(tmp_path / "收件箱", 3)
    db = open_database(f"sqlite:///{tmp_path / 'jixiao.db'}")
    seen: list[int] = []
    answers = ingest(
        [Incoming.from_path(f) for f in files],
        Store(db),
        tmp_path / "data",
        actor=Actor("测试"),
        action="import",
        executor=ProcessExecutor(1, Limits()),
        on_saved=lambda a: seen.append(len(a.evaluations)),
    )
    assert seen == [1, 1, 1]  # the runner saw each file's evaluation as it was saved
    assert all(a.saved for a in answers)
    assert [a.evaluations for a in answers] == [[], [], []]
    more = _inbox(tmp_path / "又一批", 5)[3:]
    kept = ingest(
        [Incoming.from_path(f) for f in more],
        Store(db),
        tmp_path / "data",
        actor=Actor("测试"),
        action="upload",
        executor=ProcessExecutor(1, Limits()),
        keep_evaluations=True,
    )
    assert [len(a.evaluations) for a in kept] == [1, 1]
    assert kept[0].evaluations[0].project.name
    db.close()
