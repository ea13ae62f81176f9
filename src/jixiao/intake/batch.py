"""Checking many submitted files: find them, process them in worker processes, never stop.

Each file is read in a worker process (``python -m jixiao.intake.worker``), so a file that hangs a parser or exhausts its memory takes
down only that worker: after ``Limits.file_timeout`` seconds the worker is killed, the file gets
an ``UNREADABLE_DOCUMENT`` finding (处理超时), and a fresh worker takes the next file. Results come
back in input order.

A scan reports each page it has read (on the worker's stderr); each page restarts the file's clock,
so the time limit holds for every page of a scan (their number is bounded by ``ocr_max_pages``),
and ``on_page`` hears of it for progress bars.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from jixiao.core.model import Evaluation
from jixiao.intake.limits import Limits
from jixiao.intake.limits import seconds_text
from jixiao.intake.pipeline import evaluations_from_line
from jixiao.intake.pipeline import unreadable
from jixiao.intake.pool import Slot
from jixiao.intake.pool import WorkerPool
from jixiao.intake.pool import kill
from jixiao.intake.worker import task_line

_SKIP_PREFIXES = (".", "~$", "~")

PageCallback = Callable[[Path, int, int], None]


def find_files(paths: Iterable[Path], refused: dict[Path, str] | None = None) -> list[Path]:
    """The files to check: each file as given; every file below a folder, recursively, in name
    order (hidden files and Office lock files ``~$…`` skipped).

    Below a folder, a link is followed only to a file inside the folders given: a link that leads
    out of them (``inbox/report.pdf → /etc/…``), a dangling link and a link loop are left out, and
    put in ``refused`` with the reason when the caller passes it (to report them). Linked folders are
    not entered. A file named on the command line is read as named."""
    paths = list(paths)
    roots = [p.resolve() for p in paths if p.is_dir()]
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for p in sorted(path.rglob("*")):
            if any(part.startswith(_SKIP_PREFIXES) for part in p.relative_to(path).parts):
                continue
            if p.is_symlink():
                reason = _link_problem(p, roots)
                if reason is not None:
                    if refused is not None:
                        refused[p] = reason
                    continue
            if p.is_file():
                found.append(p)
    return found


def _link_problem(link: Path, roots: list[Path]) -> str | None:
    """Why a link below the folders given is not followed, or None when it stays inside them."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return "链接指向的文件不存在（断开的链接），未读取"
    except (OSError, RuntimeError):
        return "链接无法解析（循环链接或无权访问），未读取"
    if not any(target.is_relative_to(root) for root in roots):
        return f"链接指向所给文件夹之外的 {target}，未读取"
    return None


def check_files(
    files: list[Path],
    *,
    scheme: str | None = None,
    limits: Limits | None = None,
    jobs: int | None = None,
    on_done: Callable[[Path, Evaluation], None] | None = None,
    pool: WorkerPool | None = None,
    on_page: PageCallback | None = None,
) -> Iterator[tuple[Path, Evaluation]]:
    """Extract, score and check ``files``; yield ``(path, evaluation)`` in input order, once per
    evaluation: a file that holds several forms yields each, one after the other (see
    :func:`check_files_grouped`)."""
    for path, evaluations in check_files_grouped(
        files, scheme=scheme, limits=limits, jobs=jobs, on_done=on_done, pool=pool, on_page=on_page
    ):
        for ev in evaluations:
            yield path, ev


def check_files_grouped(
    files: list[Path],
    *,
    scheme: str | None = None,
    limits: Limits | None = None,
    jobs: int | None = None,
    on_done: Callable[[Path, Evaluation], None] | None = None,
    names: Sequence[str | None] | None = None,
    pool: WorkerPool | None = None,
    on_page: PageCallback | None = None,
) -> Iterator[tuple[Path, list[Evaluation]]]:
    """Extract, score and check ``files``; yield ``(path, evaluations)`` in input order, one
    evaluation per form the file holds (never none). ``names``, one per file, are the names people
    know the files by when the paths are not them (see ``extract_evaluations``).

    ``jobs`` worker processes (default: the number of CPUs, at most the number of files);
    ``on_done`` is called as each file finishes, in completion order, with its first evaluation
    (for progress bars); ``on_page`` with ``(path, pages done, pages)`` as a scan is read. ``pool`` lends warm workers (a server's, kept between batches) when it
    serves this ``scheme`` and ``limits``; otherwise the batch starts its own and stops them at the end.
    """
    limits = limits or Limits()
    if not files:
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    shown: list[str | None] = list(names) if names is not None else [None] * len(files)
    if pool is None or not pool.serves(scheme, limits):
        with WorkerPool(jobs, scheme=scheme, limits=limits, idle_seconds=0) as own:
            yield from _run(own, jobs, files, shown, limits, on_done, on_page)
    else:
        yield from _run(pool, jobs, files, shown, limits, on_done, on_page)


def _run(
    pool: WorkerPool,
    jobs: int,
    files: list[Path],
    shown: list[str | None],
    limits: Limits,
    on_done: Callable[[Path, Evaluation], None] | None,
    on_page: PageCallback | None,
) -> Iterator[tuple[Path, list[Evaluation]]]:
    slots = pool.take(jobs)
    pending = iter(range(len(files)))
    results: dict[int, list[Evaluation]] = {}
    next_out = 0
    try:
        for slot in slots:
            _assign(slot, pending, files, shown)
        while any(s.index is not None for s in slots):
            busy = [s for s in slots if s.index is not None]
            timeout = max(0.05, min(s.started + limits.file_timeout for s in busy) - time.monotonic())
            # Every worker's stderr is drained, idle ones too, so nothing that writes there can
            # fill the pipe and stall.
            watched = [s.fileno() for s in busy] + [fd for s in slots if (fd := s.errno()) is not None]
            ready = set(wait(watched, timeout=timeout))
            now = time.monotonic()
            for slot in slots:
                if slot.errno() in ready:
                    _paged(slot, files, now, on_page)
            for i in range(len(slots)):
                slots[i] = _collect(slots[i], files, shown, ready, now, limits, pool.spawn, results, on_done)
                _assign(slots[i], pending, files, shown)
            while next_out in results:
                yield files[next_out], results.pop(next_out)
                next_out += 1
    finally:
        pool.give_back(slots)


def _collect(
    slot: Slot,
    files: list[Path],
    names: list[str | None],
    ready: set[Any],
    now: float,
    limits: Limits,
    spawn: Callable[[], Slot],
    results: dict[int, list[Evaluation]],
    on_done: Callable[[Path, Evaluation], None] | None,
) -> Slot:
    """Take a finished (or timed-out, or crashed) file off ``slot``; return the slot to reuse."""
    if slot.index is None:
        return slot
    path, name = files[slot.index], names[slot.index]
    ev: Evaluation | None = None
    evaluations: list[Evaluation] | None = None
    if slot.fileno() in ready:
        line = slot.process.stdout.readline() if slot.process.stdout else b""
        try:
            evaluations = evaluations_from_line(line)
        except ValueError:
            ev = unreadable(path, "处理该文件的进程意外退出（可能内存耗尽或解析库崩溃）", name=name)
            slot = _replace(slot, spawn)
    elif now - slot.started > limits.file_timeout:
        ev = unreadable(path, f"处理超时（超过 {seconds_text(limits.file_timeout)} 秒），已中止", name=name)
        slot = _replace(slot, spawn)
    if evaluations is None and ev is not None:
        evaluations = [ev]
    if evaluations is None or slot.index is None:
        return slot
    results[slot.index] = evaluations
    if on_done is not None:
        on_done(path, evaluations[0])
    slot.index = None
    return slot


def _paged(slot: Slot, files: list[Path], now: float, on_page: PageCallback | None) -> None:
    """Take the page lines a worker wrote: each restarts its file's clock (an idle worker's are dropped)."""
    for done, total in slot.pages():
        slot.started = now
        if on_page is not None and slot.index is not None:
            on_page(files[slot.index], done, total)


def _assign(slot: Slot, pending: Iterator[int], files: list[Path], names: list[str | None]) -> None:
    if slot.index is not None:
        return
    index = next(pending, None)
    if index is None:
        return
    while (fd := slot.errno()) is not None and wait([fd], timeout=0):
        slot.pages()  # what is left of the last file's page lines belongs to no one
    slot.index = index
    slot.started = time.monotonic()
    stdin = slot.process.stdin
    assert stdin is not None
    try:
        stdin.write(task_line(files[index], names[index]))
        stdin.flush()
    except BrokenPipeError:
        pass  # the worker is gone; its empty answer is reported as a crash


def _replace(slot: Slot, spawn: Callable[[], Slot]) -> Slot:
    index = slot.index
    kill(slot)
    fresh = spawn()
    fresh.index = index
    return fresh
