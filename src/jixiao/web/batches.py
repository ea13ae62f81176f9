"""Batch uploads that survive the browser: many files (or .zip archives of them) in one request,
kept on disk and in the database (:mod:`jixiao.storage.upload_batches`), read in the background.

:func:`receive_batch` takes the files as they arrived: each is copied under the size limit to
``<data_dir>/uploads/batches/<random>/`` (an archive is opened into its members there, under the
bomb limits of :mod:`jixiao.web.archives`, and removed), and the batch is written with one row per
file — a refused one with its reason. :func:`start` then reads the batch in a thread of this
server process: one :func:`jixiao.services.ingest` over all its waiting files, in the server's
warm worker processes (``WebState.readers``: as many as the settings' ``workers``, started once and
kept between batches; the same reading ``jixiao check`` does), each
file's outcome recorded as soon as it is saved, and a scan's pages, as its worker recognises them,
kept in this process's memory (``WebState.scan_pages``) for the progress page. A second thread beats the batch's heartbeat; a
batch whose runner died with its server is taken up again when a server starts
(:func:`resume_unfinished`) or by the next :func:`ensure_running` (the progress page calls it on
every poll). The file name each version came from is stored with
its document and read under it (``Incoming.shown``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from typing import Protocol

from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
from jixiao.errors import JixiaoError
from jixiao.limits import Limits
from jixiao.services import Incoming
from jixiao.storage.upload_batches import STALE
from jixiao.storage.upload_batches import WAITING
from jixiao.storage.upload_batches import Batch
from jixiao.storage.upload_batches import Batches
from jixiao.storage.upload_batches import BatchFile
from jixiao.storage.upload_batches import NewFile
from jixiao.storage.upload_batches import Outcome
from jixiao.storage.workflow import Actor
from jixiao.web import archives
from jixiao.web import uploads
from jixiao.web.scan_pages import Reading
from jixiao.web.state import WebState

BATCHES = "batches"
BEAT_SECONDS = 15.0
_UNREADABLE = "UNREADABLE_DOCUMENT"
STATUS_LABELS = {WAITING: "等待读取", **uploads.STATUS_LABELS}
log = logging.getLogger(__name__)
_running: set[int] = set()  # batches this process is reading
_lock = threading.Lock()


def batches(state: WebState) -> Batches:
    return Batches(state.db)


def _batch_dir(state: WebState) -> Path:
    return uploads.uploads_dir(state) / BATCHES


@dataclass(frozen=True, slots=True)
class Sent:
    """A file as the request brought it (already parsed by Starlette)."""

    filename: str | None
    file: BinaryIO
    size: int


def receive_batch(
    state: WebState,
    sent: Sequence[Sent],
    *,
    actor: Actor,
    unit: str | None,
    scope_unit_id: int | None,
    year: int | None,
    limits: Limits | None = None,
    into: int | None = None,
) -> int:
    """Keep ``sent`` on disk and write the batch (see the module docstring), or add them to
    batch ``into`` (the caller has checked it is the user's); the batch's id."""
    limits = limits or state.settings.limits()
    directory = _batch_dir(state) / secrets.token_hex(8)
    directory.mkdir(parents=True, exist_ok=True)
    files: list[NewFile] = []
    for item in sent:
        name = uploads.display_name(item.filename)
        other = archives.unsupported_archive(name)
        if other is not None:
            files.append(NewFile(name, item.size, None, None, other))
            continue
        try:
            received = uploads.receive_copy(
                item.filename, item.file, directory, limits.max_file_bytes, also=archives.ARCHIVES
            )
        except uploads.UploadRefused as exc:
            files.append(NewFile(name, item.size, None, None, exc.reason))
            continue
        if archives.is_archive(received.name):
            files += _members(state, received, directory, limits)
            continue
        files.append(NewFile(received.name, received.size, received.sha256, _relative(state, received.path)))
    if into is not None:
        batches(state).add(into, files)
        batch_id = into
    else:
        batch_id = batches(state).create(
            files, user_id=actor.user_id, actor=actor.name, unit=unit, scope_unit_id=scope_unit_id, year=year
        )
    if not any(f.stored_as for f in files):
        shutil.rmtree(directory, ignore_errors=True)
    return batch_id


def _members(state: WebState, received: uploads.Received, directory: Path, limits: Limits) -> list[NewFile]:
    try:
        members = archives.open_archive(received.path, received.name, directory, limits, uploads.suffix_of)
    except archives.ArchiveRefused as exc:
        return [NewFile(received.name, received.size, None, None, exc.reason)]
    finally:
        received.path.unlink(missing_ok=True)
    if not members:
        return [NewFile(received.name, received.size, None, None, "压缩包中没有可读取的文件")]
    return [
        NewFile(m.name, m.size, m.sha256, _relative(state, m.path) if m.path else None, m.reason)
        for m in members
    ]


def _relative(state: WebState, path: Path) -> str:
    return str(path.relative_to(state.data_dir))


# -- reading --------------------------------------------------------------------------------------


class _Answer(Protocol):
    """What ``ingest`` tells of a file it saved (``jixiao.portfolio.ingest.Ingested``)."""

    @property
    def item(self) -> Incoming: ...

    @property
    def evaluations(self) -> list[Evaluation]: ...

    @property
    def ids(self) -> list[int] | None: ...

    @property
    def refused(self) -> str | None: ...  # why it was not saved (an approved, locked record)


def ensure_running(state: WebState, batch_id: int) -> None:
    """Start reading the batch in this process unless it is finished or a live runner has it."""
    with _lock:
        if batch_id in _running:
            return
        if not batches(state).claim(batch_id):
            return
        _running.add(batch_id)
    thread = threading.Thread(
        target=_run, args=(state, batch_id), name=f"jixiao-batch-{batch_id}", daemon=True
    )
    thread.start()


def resume_unfinished(state: WebState, stop: threading.Event) -> threading.Thread:
    """At server start, in a thread: take up every unfinished batch that no live runner reads
    (its server died). :func:`ensure_running` claims each through the heartbeat, so a batch a live
    server process reads is left to it and none is read twice. A batch whose heartbeat was still
    fresh (its server stopped moments ago) is looked at once more when that heartbeat would be
    stale, unless ``stop`` (the server stopping) is set first."""

    def resume() -> None:
        try:
            store = batches(state)
            found = store.unfinished()
            for batch_id in found:
                ensure_running(state, batch_id)
            with _lock:
                left = [b for b in found if b not in _running]
            if left and not stop.wait(STALE.total_seconds() + BEAT_SECONDS):
                for batch_id in set(left) & set(store.unfinished()):
                    ensure_running(state, batch_id)
        except Exception:  # the next look at a batch's page takes it up
            log.exception("启动时未能接续未完成的上传批次")

    thread = threading.Thread(target=resume, name="jixiao-batch-resume", daemon=True)
    thread.start()
    return thread


def start(state: WebState, batch_id: int) -> None:
    ensure_running(state, batch_id)


def run_now(state: WebState, batch_id: int) -> None:
    """Read the batch in the calling thread (tests, benchmarks); a no-op when another runner has it."""
    with _lock:
        if batch_id in _running or not batches(state).claim(batch_id):
            return
        _running.add(batch_id)
    _run(state, batch_id)


def _run(state: WebState, batch_id: int) -> None:
    store = batches(state)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(BEAT_SECONDS):
            with contextlib.suppress(Exception):
                store.beat(batch_id)

    beater = threading.Thread(target=beat, name=f"jixiao-batch-{batch_id}-beat", daemon=True)
    beater.start()
    try:
        batch = store.get(batch_id)
        # Each pass gives every file waiting at its start an outcome; files added meanwhile (the
        # next part of a batch sent in parts) are read by the next pass.
        while batch is not None and store.waiting(batch_id):
            _read(state, store, batch)
    except Exception:  # left waiting: the next look at the batch takes it up again
        log.exception("上传批次 %s 的读取中断", batch_id)
    finally:
        stop.set()
        state.scan_pages.stopped(batch_id)
        with contextlib.suppress(Exception):
            store.release(batch_id)
        with _lock:
            _running.discard(batch_id)
    with contextlib.suppress(Exception):
        if store.waiting(batch_id):  # added between the last look and the release
            ensure_running(state, batch_id)


def _read(state: WebState, store: Batches, batch: Batch) -> None:
    """Read the files waiting now; the batch is finished when none is left."""
    waiting = [f for f in store.files(batch.id) if f.status == WAITING]
    present = []
    for f in waiting:
        if f.stored_as is None or not (state.data_dir / f.stored_as).is_file():
            store.record(
                f.id, Outcome("failed", reason="上传的文件已不在服务器上（服务器曾被清理），请重新上传")
            )
        else:
            present.append(f)
    if present:
        _ingest(state, store, batch, present)
    store.finish(batch.id)
    folders = set()
    for f in waiting:  # read (or gone): their bytes are no longer needed
        if f.stored_as:
            path = state.data_dir / f.stored_as
            path.unlink(missing_ok=True)
            folders.add(path.parent)
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only once empty: another request's files may still wait there


def _ingest(state: WebState, store: Batches, batch: Batch, files: list[BatchFile]) -> None:
    limits = state.settings.limits()
    items = [
        uploads.incoming(state.data_dir / f.stored_as, f.name, f.sha256, f.size) for f in files if f.stored_as
    ]
    by_path = {item.path: f for item, f in zip(items, files, strict=True)}
    recorded: set[int] = set()
    actor = Actor(batch.actor, batch.user_id)
    pages = state.scan_pages

    def saved(answer: _Answer) -> None:  # from ingest's saving thread
        f = by_path[answer.item.path]
        store.record(f.id, _outcome(answer.evaluations, answer.ids, answer.refused))
        recorded.add(f.id)
        pages.finished(batch.id, f.id)

    def paged(path: Path, done: int, total: int) -> None:  # from this thread, as a scan is read
        f = by_path.get(path)
        if f is not None:
            pages.page(batch.id, f.id, f.name, done, total)

    try:
        answers = uploads.ingest_uploads(
            state,
            items,
            actor=actor,
            unit=batch.unit,
            scope_unit_id=batch.scope_unit_id,
            year=batch.year,
            limits=limits,
            # warm: the server's workers, kept between batches; this run's own page listener
            executor=dataclasses.replace(state.readers, on_page=paged),
            on_saved=saved,
        )
    except JixiaoError as exc:  # no worker process could be started
        for f in files:
            if f.id not in recorded:
                store.record(f.id, Outcome("failed", reason=f"未能读取：{exc.message}"))
        return
    for answer in answers:
        f = by_path[answer.item.path]
        if f.id in recorded:
            continue
        found = state.workflow.for_document(f.sha256, batch.scope_unit_id) if f.sha256 else None
        if found is None:
            store.record(f.id, Outcome("failed", reason="未能保存，请重新上传"))
        else:
            store.record(f.id, Outcome("known", evaluation_id=found, forms=1))


def _outcome(evaluations: list[Evaluation], ids: list[int] | None, refused: str | None) -> Outcome:
    if ids is None:
        return Outcome("failed", reason=refused or "未能保存，请重新上传")
    errors = sum(1 for ev in evaluations for x in ev.findings if x.severity is Severity.ERROR)
    unreadable = next((x.message for ev in evaluations for x in ev.findings if x.code == _UNREADABLE), None)
    return Outcome(
        "unreadable" if unreadable else "done",
        evaluation_id=ids[0] if ids else None,
        forms=len(ids),
        errors=errors,
        reason=unreadable,
    )


# -- progress -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a batch is: counts by status, the ETA, and its files."""

    batch: Batch
    files: tuple[BatchFile, ...]
    counts: dict[str, int]
    total: int
    finished: int
    eta_seconds: int | None
    elapsed_seconds: int | None
    reading: tuple[Reading, ...] = ()  # scans being read now, by page (this process's runner)

    @property
    def done(self) -> bool:
        return self.batch.finished_at is not None

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.finished / self.total)

    @property
    def eta_text(self) -> str:
        if self.done:
            return "已完成"
        if self.eta_seconds is None:
            return "正在估算剩余时间…"
        seconds = self.eta_seconds
        if seconds < 60:
            return f"预计还需约 {max(1, seconds)} 秒"
        return f"预计还需约 {seconds // 60} 分 {seconds % 60:02d} 秒"


def progress(state: WebState, batch: Batch, now: dt.datetime | None = None) -> Progress:
    found = progress_of(batch, tuple(batches(state).files(batch.id)), now)
    if found.done:
        return found
    return dataclasses.replace(found, reading=state.scan_pages.of(batch.id))


def progress_of(batch: Batch, files: tuple[BatchFile, ...], now: dt.datetime | None = None) -> Progress:
    """The counts and the ETA: the files still waiting at the pace of those read so far."""
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for f in files:
        counts[f.status] = counts.get(f.status, 0) + 1
    total = len(files)
    finished = total - counts[WAITING]
    now = now or dt.datetime.now(dt.UTC)
    elapsed = eta = None
    if batch.started_at is not None:
        end = batch.finished_at or now
        elapsed_f = max(0.0, (end - batch.started_at).total_seconds())
        elapsed = round(elapsed_f)
        read = sum(1 for f in files if f.status != WAITING and f.stored_as is not None)
        if read and batch.finished_at is None:
            eta = round(elapsed_f / read * counts[WAITING])
    return Progress(batch, files, counts, total, finished, eta, elapsed)


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait until this process reads no batch — a batch shows finished a moment before its runner
    has removed its files and released it — for a caller about to close the database or remove
    the data folder (benchmarks, tests); whether that happened within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            if not _running:
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def wait(state: WebState, batch_id: int, timeout: float = 600.0) -> Batch:
    """Wait until the batch is read (benchmarks and tests); raises TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        batch = batches(state).get(batch_id)
        if batch is not None and batch.finished_at is not None:
            return batch
        if time.monotonic() > deadline:
            raise TimeoutError(f"batch {batch_id} not read within {timeout} s")
        time.sleep(0.1)
