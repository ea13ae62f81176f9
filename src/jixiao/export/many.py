"""Many documents at once: the 自评表 (or 自评报告) of every evaluation given, each written into
one folder, on parallel workers that keep their renderer warm.

:func:`export_many` takes :class:`Job` s (a file name and an evaluation with its scheme) and
writes ``<folder>/<name><suffix>`` for each through the one export API
(:func:`jixiao.export.api.evaluation_bytes`), so whatever draws a PDF there (LibreOffice kept
running per process today) serves every file. With ``workers`` above one the documents are made
in that many worker processes, each keeping its own renderer for the whole batch; the bytes come
back to the calling process, which writes each file atomically (:func:`write_atomic`). A file
that cannot be made is an :class:`Outcome` with a Chinese reason naming it, and the others go on;
a worker that dies is replaced, and the documents it held are tried once more. A worker ends
itself when the process that started it is gone (``kill -9`` included), and its LibreOffice with
it (the office helper watches its parent), so nothing outlives the batch.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import Future
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.core.scheme import Scheme
from jixiao.errors import JixiaoError
from jixiao.export.api import KIND_NAMES
from jixiao.export.api import SUFFIXES
from jixiao.export.api import evaluation_bytes
from jixiao.export.api import kind_of
from jixiao.export.errors import ExportError
from jixiao.export.files import check_suffix
from jixiao.export.files import write_atomic

_IN_FLIGHT = 4  # documents queued per worker: enough to keep it busy, few to lose when it dies


@dataclass(frozen=True, slots=True)
class Job:
    """One document to write: ``name`` (the file name without its suffix, unique in the call),
    the evaluation and the scheme it is scored under; ``source`` is what people know it by (the
    input file, or the stored evaluation) and is what a failure names."""

    name: str
    source: str
    evaluation: Evaluation
    scheme: Scheme


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one input: the file written, or why none was (``error``, in Chinese)."""

    source: str
    path: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.path is not None


def _end_with(parent: int) -> None:
    """Run in each worker as it starts: end it as soon as ``parent`` is no longer its parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)  # its office helper sees it die and ends the office's process group

    threading.Thread(target=watch, name="jixiao-export-parent", daemon=True).start()


def _render(
    ev: Evaluation, scheme: Scheme, suffix: str, kind: str, layout: str | None, timeout: float | None
) -> bytes | str:
    """One document's bytes, or the Chinese reason it cannot be made (run in a worker)."""
    try:
        return evaluation_bytes(ev, scheme, suffix, kind=kind, layout=layout, timeout=timeout)
    except JixiaoError as exc:
        return exc.message
    except Exception as exc:  # a defect on one file must not end the batch
        return f"内部错误（{type(exc).__name__}: {exc}），这是 jixiao 的缺陷，请连同该文件报告"


def export_many(
    jobs: Sequence[Job],
    folder: Path,
    suffix: str,
    *,
    kind: str = "table",
    layout: str | None = None,
    workers: int = 1,
    force: bool = False,
    timeout: float | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Write each job's document as ``folder/<name><suffix>`` (see the module docstring); one
    outcome per job, in order. ``folder`` is created when missing. An existing file is left alone
    (an outcome saying so) unless ``force``. ``on_done`` is told each outcome as it comes.
    Raises :class:`ExportError` only when nothing can be written at all (a format the document
    does not come in, a folder that cannot be made)."""
    chosen = kind_of(Path(f"d{suffix}"), kind)
    suffix = check_suffix(suffix, SUFFIXES[chosen], KIND_NAMES[chosen])
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"无法创建输出目录 {folder}：{exc.strerror or exc}") from None
    outcomes: dict[int, Outcome] = {}

    def finish(index: int, outcome: Outcome) -> None:
        outcomes[index] = outcome
        if on_done is not None:
            on_done(outcome)

    def write(index: int, made: bytes | str) -> None:
        job = jobs[index]
        if isinstance(made, str):
            finish(index, Outcome(job.source, error=made))
            return
        try:
            finish(index, Outcome(job.source, write_atomic(folder / f"{job.name}{suffix}", made)))
        except ExportError as exc:
            finish(index, Outcome(job.source, error=exc.message))

    todo: list[int] = []
    for index, job in enumerate(jobs):
        target = folder / f"{job.name}{suffix}"
        if target.exists() and not force:
            finish(index, Outcome(job.source, error=f"{target} 已存在；为免覆盖，未重写（加 --force 覆盖）"))
        else:
            todo.append(index)
    args = (suffix, chosen, layout, timeout)
    if workers <= 1 or len(todo) <= 1:  # this process, its renderer kept for every file
        for index in todo:
            write(index, _render(jobs[index].evaluation, jobs[index].scheme, *args))
    else:
        _in_workers(jobs, todo, min(workers, len(todo)), args, write, finish)
    return [outcomes[i] for i in range(len(jobs))]


def _in_workers(
    jobs: Sequence[Job],
    todo: list[int],
    workers: int,
    args: tuple[str, str, str | None, float | None],
    write: Callable[[int, bytes | str], None],
    finish: Callable[[int, Outcome], None],
) -> None:
    """Render ``todo`` in ``workers`` processes (spawned: a worker never shares its parent's
    office or threads), a few documents queued per worker; a pool broken by a dying worker is
    replaced and its documents tried once more, then reported."""
    waiting = list(reversed(todo))
    retried: set[int] = set()
    context = multiprocessing.get_context("spawn")
    while waiting:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)
        ) as pool:
            running: dict[Future[bytes | str], int] = {}
            broken = False
            while (waiting and not broken) or running:
                while waiting and not broken and len(running) < workers * _IN_FLIGHT:
                    index = waiting.pop()
                    job = jobs[index]
                    try:
                        running[pool.submit(_render, job.evaluation, job.scheme, *args)] = index
                    except BrokenProcessPool:
                        waiting.append(index)
                        broken = True
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    try:
                        write(index, future.result())
                    except BrokenProcessPool:
                        broken = True
                        if index in retried:
                            finish(
                                index, Outcome(jobs[index].source, error="导出进程意外退出（内存不足或崩溃）")
                            )
                        else:
                            retried.add(index)
                            waiting.append(index)
