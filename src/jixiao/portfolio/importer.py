"""Importing an inbox into the database: resumable, never twice, nothing lost.

A file is known by the SHA-256 of its bytes. Before any work the importer asks the database which
files it already holds and skips them, so a run stopped by Ctrl-C or a killed machine resumes
where it was. Each file's evaluations (one per form it holds, each with its part) are saved in
one transaction, after its original has
been copied, content-addressed, under ``<data_dir>/documents/``; a crash between the two leaves
only an orphan copy that the next run overwrites with the same bytes.

The importing process keeps the extraction going in one thread and archives and saves the results
in another, so the workers never wait for the database.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.intake.batch import find_files
from jixiao.intake.readers import SUFFIXES
from jixiao.portfolio.executors import Executor
from jixiao.portfolio.run_locks import close_dead_runs
from jixiao.portfolio.run_locks import holding
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store

_CHUNK = 1 << 20


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


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


def keep_original(path: Path, sha: str, data_dir: Path) -> str | None:
    """Copy the file to ``documents/<ab>/<sha><suffix>`` (atomically); return the relative path."""
    relative = Path("documents") / sha[:2] / f"{sha}{path.suffix.lower()}"
    target = data_dir / relative
    if target.exists():
        return relative.as_posix()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with path.open("rb") as src, tmp.open("wb") as out:
            while chunk := src.read(_CHUNK):
                out.write(chunk)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        return None
    return relative.as_posix()


def import_paths(
    paths: list[Path],
    store: Store,
    executor: Executor,
    data_dir: Path,
    *,
    year: int | None = None,
    on_start: Callable[[ImportProgress], None] | None = None,
    on_file: Callable[[Path, list[Evaluation], ImportProgress], None] | None = None,
) -> ImportResult:
    """Import every file under ``paths`` not yet in the database (see the module docstring).

    The results are written by a second thread while this one keeps the extraction going, so
    the workers never wait for the database; ``on_file`` is called from that writing thread,
    after each file is saved."""
    started = time.monotonic()
    refused: dict[Path, str] = {}  # links out of the folders given, dangling links: never read
    files = find_files(paths, refused)
    hashes: dict[Path, str | None] = {f: sha256_of(f) for f in files}
    known = store.known_hashes(h for h in hashes.values() if h)
    pending: list[Path] = []
    seen: set[str] = set()
    for f in files:
        h = hashes[f]
        if h is not None and (h in known or h in seen):
            continue
        if h is not None:
            seen.add(h)
        pending.append(f)
    progress = ImportProgress(total=len(pending), skipped=len(files) - len(pending))
    close_dead_runs(store, data_dir)  # runs of imports killed with -9 are no longer "running"
    run_id = store.start_run(" ".join(str(p) for p in paths))
    with holding(data_dir, run_id):
        store.update_run(run_id, files_seen=len(files), skipped=progress.skipped)
        if on_start is not None:
            on_start(progress)
        writer = _Writer(store, run_id, data_dir, year, progress, on_file)
        status = "interrupted"
        try:
            writer.start()
            for path, evaluations in executor.run(pending):
                writer.put(path, hashes.get(path), evaluations)
            writer.finish()
            status = "finished"
        finally:
            writer.stop()
            _record(store, run_id, progress, status=status)
    return ImportResult(
        run_id,
        len(files),
        progress.imported,
        progress.skipped,
        progress.unreadable,
        progress.with_errors,
        time.monotonic() - started,
        writer.ids,
        progress.evaluations,
        refused,
    )


_QUEUED = 64  # extracted files waiting for the writer, at most (then extraction waits)
_DONE = None


class _Writer:
    """The thread that archives and saves each extracted file, one transaction each, in the
    order given. An error stops it; the next :meth:`put` or :meth:`finish` raises it."""

    def __init__(
        self,
        store: Store,
        run_id: int,
        data_dir: Path,
        year: int | None,
        progress: ImportProgress,
        on_file: Callable[[Path, list[Evaluation], ImportProgress], None] | None,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.data_dir = data_dir
        self.year = year
        self.progress = progress
        self.on_file = on_file
        self.ids: list[int] = []
        self._queue: queue.Queue[tuple[Path, str | None, list[Evaluation]] | None] = queue.Queue(_QUEUED)
        self._stopping = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="jixiao-import-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, path: Path, sha: str | None, evaluations: list[Evaluation]) -> None:
        while True:
            self._raise()
            try:
                self._queue.put((path, sha, evaluations), timeout=0.1)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait until everything put is saved."""
        while True:
            self._raise()
            try:
                self._queue.put(_DONE, timeout=0.1)
                break
            except queue.Full:
                continue
        self._thread.join()
        self._raise()

    def stop(self) -> None:
        """Stop after the file being saved (the rest is left for the next run)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        last_update = time.monotonic()
        try:
            while not self._stopping.is_set():
                try:
                    item = self._queue.get(timeout=0.1)
                except queue.Empty:
                    continue
                if item is _DONE:
                    return
                self._save(*item)
                if time.monotonic() - last_update > 2:
                    _record(self.store, self.run_id, self.progress)
                    last_update = time.monotonic()
        except BaseException as exc:  # handed to the importing thread
            self._error = exc

    def _save(self, path: Path, sha: str | None, evaluations: list[Evaluation]) -> None:
        document = None
        if sha is not None:
            stored = keep_original(path, sha, self.data_dir)
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            document = DocumentInfo(
                sha256=sha,
                name=path.name,
                path=str(path),
                format=SUFFIXES.get(path.suffix.lower(), path.suffix.lower().lstrip(".") or None),
                size=size,
                stored=stored,
            )
        results = self.store.save_all(evaluations, document, year=self.year, run_id=self.run_id)
        progress = self.progress
        progress.done += 1
        if results[0].duplicate:
            progress.skipped += 1
        else:
            progress.imported += 1
            progress.evaluations += len(results)
            self.ids.extend(r.evaluation_id for r in results if r.evaluation_id is not None)
        findings = [f for ev in evaluations for f in ev.findings]
        if any(f.code == "UNREADABLE_DOCUMENT" for f in findings):
            progress.unreadable += 1
        elif any(f.severity is Severity.ERROR for f in findings):
            progress.with_errors += 1
        if self.on_file is not None:
            self.on_file(path, evaluations, progress)


def _record(store: Store, run_id: int, progress: ImportProgress, status: str | None = None) -> None:
    store.update_run(
        run_id,
        status=status,
        imported=progress.imported,
        skipped=progress.skipped,
        unreadable=progress.unreadable,
    )
