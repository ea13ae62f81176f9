"""The one way a document enters the database: :func:`ingest`, for ``jixiao import`` and the web
upload alike.

Given files (paths found in an inbox, or uploaded bytes kept under a temporary name, each with the
name people know it by), it skips those whose bytes the database holds already (of the unit in
scope, when one is given) or that came earlier in the same call, has the rest extracted by an
:class:`~jixiao.portfolio.executors.Executor` under those names (nothing is renamed afterwards),
and saves each file: its original kept in the archive (``storage/archive.py``), then every form
it holds, each with its part, in one transaction with an audit entry saying who and how — tried
again when another writer collides on a unique key, and answered “held already” when that writer
stored the same bytes. Extraction goes on in the calling thread while a second thread saves, so
the workers never wait for the database.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.intake.limits import Limits
from jixiao.intake.readers import SUFFIXES
from jixiao.portfolio.executors import Executor
from jixiao.portfolio.executors import ProcessExecutor
from jixiao.storage.archive import keep_original
from jixiao.storage.archive import sha256_of
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store
from jixiao.storage.workflow import Actor
from jixiao.storage.workflow import Locked
from jixiao.storage.workflow import Workflow

READABLE = SUFFIXES  # the suffixes of the files jixiao reads, and their formats


@dataclass(frozen=True, slots=True)
class Incoming:
    """One file to ingest.

    ``path`` holds the bytes; ``name`` is what people call the file; ``origin`` is where it came
    from, as the document row keeps it; ``shown`` is the name extraction reads it under (its
    evaluations' ``source.path`` and places), None for ``path`` itself."""

    path: Path
    name: str
    sha256: str | None
    size: int
    origin: str
    shown: str | None = None

    @classmethod
    def from_path(cls, path: Path, sha256: str | None = None) -> Incoming:
        """A file found on disk, known by its own path (hashed here unless given)."""
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        return cls(path, path.name, sha256 if sha256 is not None else sha256_of(path), size, str(path))

    @property
    def format(self) -> str | None:
        suffix = self.path.suffix.lower()
        return SUFFIXES.get(suffix, suffix.lstrip(".") or None)


@dataclass(frozen=True, slots=True)
class Ingested:
    """What became of one file: ``ids`` of its saved evaluations (one per form, in order, read as
    ``evaluations``), or None when it was not saved because the database holds its bytes already
    (before, or meanwhile); ``earlier`` is the index of a file of the same call with the same
    bytes; ``refused`` says why a file was not saved when its project × year is approved and
    locked (nothing of it is stored)."""

    item: Incoming
    evaluations: list[Evaluation]
    ids: list[int] | None = None
    earlier: int | None = None
    refused: str | None = None

    @property
    def saved(self) -> bool:
        return self.ids is not None


def ingest(
    items: Sequence[Incoming],
    store: Store,
    data_dir: Path,
    *,
    actor: Actor,
    action: str,
    executor: Executor | None = None,
    limits: Limits | None = None,
    unit: str | None = None,
    scope_unit_id: int | None = None,
    year: int | None = None,
    run_id: int | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_saved: Callable[[Ingested], None] | None = None,
    keep_evaluations: bool = False,
) -> list[Ingested]:
    """Bring ``items`` into the database (see the module docstring); one answer per item, in order.

    ``executor`` reads the files (default: one worker process under ``limits``); ``unit`` is the
    unit the evaluations are filed under (None: the unit each document names);
    ``scope_unit_id`` is the unit whose documents count as held already (None: any unit's);
    ``action`` names the way in for the audit log (``import``, ``upload``); ``on_start`` is told
    how many files will be read and how many are held already, before any is read; ``on_saved``
    is called from the saving thread after each file read is saved (or found held meanwhile),
    with the file's evaluations. The answers returned carry those evaluations only when
    ``keep_evaluations``: a batch of a thousand files would otherwise hold every one of them
    (about 130 KiB of Python objects a file) until it ends, when its runner needs only what
    ``on_saved`` recorded."""
    known = store.known_hashes((i.sha256 for i in items if i.sha256), unit_id=scope_unit_id)
    answers: dict[int, Ingested] = {}
    first: dict[str, int] = {}
    pending: list[int] = []
    for index, item in enumerate(items):
        sha = item.sha256
        if sha is not None and (sha in known or sha in first):
            answers[index] = Ingested(item, [], None, first.get(sha))
            continue
        if sha is not None:
            first[sha] = index
        pending.append(index)
    if on_start is not None:
        on_start(len(pending), len(items) - len(pending))
    if pending:
        saver = _Saver(
            store, data_dir, actor, action, unit, year, run_id, items, answers, on_saved, keep_evaluations
        )
        waiting: dict[Path, list[int]] = {}
        for index in pending:
            waiting.setdefault(items[index].path, []).append(index)
        try:
            saver.start()
            reader = executor or ProcessExecutor(1, limits or Limits())
            read = reader.run([items[i].path for i in pending], [items[i].shown for i in pending])
            for path, evaluations in read:
                saver.put(waiting[path].pop(0), evaluations)
            saver.finish()
        finally:
            saver.stop()
    return [answers[i] for i in range(len(items))]


def save_file(
    item: Incoming,
    evaluations: list[Evaluation],
    store: Store,
    data_dir: Path,
    *,
    actor: Actor,
    action: str,
    unit: str | None = None,
    year: int | None = None,
    run_id: int | None = None,
) -> list[int] | None:
    """Keep one extracted file's original and save its evaluations with their audit entries;
    their ids, or None when the unit holds these bytes already."""
    document = None
    if item.sha256 is not None:
        evaluations = [_known_source(ev, item) for ev in evaluations]
        document = DocumentInfo(
            sha256=item.sha256,
            name=item.name,
            path=item.origin,
            format=item.format,
            size=item.size,
            stored=keep_original(item.path, item.sha256, data_dir),
        )
    return Workflow(store.db).save_new_all(
        evaluations, actor, action=action, year=year, document=document, unit=unit, run_id=run_id
    )


def _known_source(ev: Evaluation, item: Incoming) -> Evaluation:
    """The evaluation with the file's hash and format in its source, when the reading could not
    say (a worker that crashed or timed out on the file)."""
    if ev.source is None or ev.source.sha256 is not None:
        return ev
    source = ev.source.model_copy(update={"sha256": item.sha256, "format": ev.source.format or item.format})
    return ev.model_copy(update={"source": source})


_QUEUED = 64  # extracted files waiting to be saved, at most (then extraction waits)
_DONE = None


class _Saver:
    """The thread that saves each extracted file, one transaction each, in the order given. An
    error stops it; the next :meth:`put` or :meth:`finish` raises it."""

    def __init__(
        self,
        store: Store,
        data_dir: Path,
        actor: Actor,
        action: str,
        unit: str | None,
        year: int | None,
        run_id: int | None,
        items: Sequence[Incoming],
        answers: dict[int, Ingested],
        on_saved: Callable[[Ingested], None] | None,
        keep_evaluations: bool,
    ) -> None:
        self.store = store
        self.data_dir = data_dir
        self.actor = actor
        self.action = action
        self.unit = unit
        self.year = year
        self.run_id = run_id
        self.items = items
        self.answers = answers
        self.on_saved = on_saved
        self.keep_evaluations = keep_evaluations
        self._queue: queue.Queue[tuple[int, list[Evaluation]] | None] = queue.Queue(_QUEUED)
        self._stopping = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="jixiao-ingest-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, index: int, evaluations: list[Evaluation]) -> None:
        self._offer((index, evaluations))

    def finish(self) -> None:
        """Wait until everything put is saved."""
        self._offer(_DONE)
        self._thread.join()
        self._raise()

    def stop(self) -> None:
        """Stop after the file being saved (the rest is left for the next run)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _offer(self, item: tuple[int, list[Evaluation]] | None) -> None:
        while True:
            self._raise()
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    got = self._queue.get(timeout=0.1)
                except queue.Empty:
                    continue
                if got is _DONE:
                    return
                self._save(*got)
        except BaseException as exc:  # handed to the ingesting thread
            self._error = exc

    def _save(self, index: int, evaluations: list[Evaluation]) -> None:
        item = self.items[index]
        try:
            ids = save_file(
                item,
                evaluations,
                self.store,
                self.data_dir,
                actor=self.actor,
                action=self.action,
                unit=self.unit,
                year=self.year,
                run_id=self.run_id,
            )
        except Locked as exc:  # an approved project × year: this file alone is refused
            self._answer(index, Ingested(item, evaluations, None, None, exc.message))
            return
        self._answer(index, Ingested(item, evaluations, ids))

    def _answer(self, index: int, answer: Ingested) -> None:
        """Tell ``on_saved``, then keep the answer — without its evaluations unless asked to."""
        if self.on_saved is not None:
            self.on_saved(answer)
        self.answers[index] = answer if self.keep_evaluations else dataclasses.replace(answer, evaluations=[])
