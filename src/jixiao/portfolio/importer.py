"""Importing an inbox into the database: resumable, never twice, nothing lost.

A file is known by the SHA-256 of its bytes. Before any work the importer asks the database which
files it already holds and skips them, so a run stopped by Ctrl-C or a killed machine resumes
where it was. The rest go through :func:`jixiao.portfolio.ingest.ingest`, the one way a document
enters the database (the web upload uses it too): each file's evaluations (one per form it holds,
each with its part) are saved in one transaction with an audit entry, after its original has been
copied, content-addressed, under ``<data_dir>/documents/``; a crash between the two leaves only an
orphan copy that the next run overwrites with the same bytes.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.intake.batch import find_files
from jixiao.portfolio.executors import Executor
from jixiao.portfolio.ingest import Incoming
from jixiao.portfolio.ingest import Ingested
from jixiao.portfolio.ingest import ingest
from jixiao.portfolio.run_locks import close_dead_runs
from jixiao.portfolio.run_locks import holding
from jixiao.storage.archive import keep_original
from jixiao.storage.archive import sha256_of
from jixiao.storage.store import Store
from jixiao.storage.workflow import Actor

__all__ = [
    "ImportProgress",
    "ImportResult",
    "command_line_actor",
    "import_paths",
    "keep_original",
    "sha256_of",
]


@dataclass(slots=True)
class ImportProgress:
    """Counts so far, for a progress display."""

    total: int = 0
    done: int = 0
    imported: int = 0
    evaluations: int = 0  # saved: more than ``imported`` files when a file holds several forms
    unreadable: int = 0
    with_errors: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


@dataclass(slots=True)
class ImportResult:
    run_id: int
    files: int
    imported: int
    skipped: int
    unreadable: int
    with_errors: int
    seconds: float
    evaluation_ids: list[int] = field(default_factory=list)  # one per form of each imported file
    evaluations: int = 0  # saved: more than ``imported`` files when a file holds several forms
    refused: dict[Path, str] = field(default_factory=dict)  # links not followed, and why


def command_line_actor() -> Actor:
    """Who the audit log says imported from the command line: the system user running it."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = ""
    return Actor(f"命令行导入（{user}）" if user else "命令行导入")


def import_paths(
    paths: list[Path],
    store: Store,
    executor: Executor,
    data_dir: Path,
    *,
    year: int | None = None,
    on_start: Callable[[ImportProgress], None] | None = None,
    on_file: Callable[[Path, list[Evaluation], ImportProgress], None] | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Import every file under ``paths`` not yet in the database (see the module docstring).

    The results are written by a second thread while this one keeps the extraction going, so
    the workers never wait for the database; ``on_file`` is called from that writing thread,
    after each file is saved."""
    started = time.monotonic()
    refused: dict[Path, str] = {}  # links out of the folders given, dangling links: never read
    files = find_files(paths, refused)
    progress = ImportProgress()
    close_dead_runs(store, data_dir)  # runs of imports killed with -9 are no longer "running"
    run_id = store.start_run(" ".join(str(p) for p in paths))
    ids: list[int] = []
    last_update = time.monotonic()

    def saved(answer: Ingested) -> None:
        nonlocal last_update
        _count(progress, answer, ids)
        if on_file is not None:
            on_file(answer.item.path, answer.evaluations, progress)
        if time.monotonic() - last_update > 2:
            _record(store, run_id, progress)
            last_update = time.monotonic()

    def starting(to_read: int, held: int) -> None:
        progress.total, progress.skipped = to_read, held
        store.update_run(run_id, files_seen=len(files), skipped=held)
        if on_start is not None:
            on_start(progress)

    with holding(data_dir, run_id):
        status = "interrupted"
        try:
            ingest(
                [Incoming.from_path(f) for f in files],
                store,
                data_dir,
                executor=executor,
                actor=actor or command_line_actor(),
                action="import",
                year=year,
                run_id=run_id,
                on_start=starting,
                on_saved=saved,
            )
            status = "finished"
        finally:
            _record(store, run_id, progress, status=status)
    return ImportResult(
        run_id,
        len(files),
        progress.imported,
        progress.skipped,
        progress.unreadable,
        progress.with_errors,
        time.monotonic() - started,
        ids,
        progress.evaluations,
        refused,
    )


def _count(progress: ImportProgress, answer: Ingested, ids: list[int]) -> None:
    progress.done += 1
    if answer.ids is None:  # stored meanwhile by another import or upload
        progress.skipped += 1
    else:
        progress.imported += 1
        progress.evaluations += len(answer.ids)
        ids.extend(answer.ids)
    findings = [f for ev in answer.evaluations for f in ev.findings]
    if any(f.code == "UNREADABLE_DOCUMENT" for f in findings):
        progress.unreadable += 1
    elif any(f.severity is Severity.ERROR for f in findings):
        progress.with_errors += 1


def _record(store: Store, run_id: int, progress: ImportProgress, status: str | None = None) -> None:
    store.update_run(
        run_id,
        status=status,
        imported=progress.imported,
        skipped=progress.skipped,
        unreadable=progress.unreadable,
    )
