"""Checking many submitted files: find them, process them in worker processes, never stop.

Each file is read in a worker process, so a file that hangs a parser or exhausts its memory takes
down only that worker: after ``Limits.file_timeout`` seconds the worker is killed, the file gets
an ``UNREADABLE_DOCUMENT`` finding (处理超时), and a fresh worker takes the next file. Results come
back in input order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.intake.limits import Limits
from jixiao.intake.pipeline import extract_file
from jixiao.intake.pipeline import unreadable

_SKIP_PREFIXES = (".", "~$", "~")


def find_files(paths: Iterable[Path]) -> list[Path]:
    """The files to check: each file as given; every file below a folder, recursively, in name
    order (hidden files and Office lock files ``~$…`` skipped)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(_SKIP_PREFIXES) for part in p.relative_to(path).parts)
            ]
            found.extend(inside)
        else:
            found.append(path)
    return found


def _worker(conn: Connection, scheme: str | None, limits: Limits) -> None:
    """Worker loop: receive a path, send back the evaluation's JSON; ``None`` ends it."""
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        ev = extract_file(Path(task), scheme=scheme, limits=limits)
        conn.send(ev.to_json(indent=None))


@dataclass(slots=True)
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection
    index: int | None = None
    started: float = 0.0


def _context() -> mp.context.ForkServerContext | mp.context.SpawnContext:
    """Workers start from a fork server where there is one: a clean, single-threaded process
    that has already imported the readers, so starting a worker is a cheap fork, and nothing the
    caller runs in threads (a progress bar, a web server) is copied into it mid-operation."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["jixiao.intake.pipeline"])
        return ctx
    return mp.get_context("spawn")


def check_files(
    files: list[Path],
    *,
    scheme: str | None = None,
    limits: Limits | None = None,
    jobs: int | None = None,
    on_done: Callable[[Path, Evaluation], None] | None = None,
) -> Iterator[tuple[Path, Evaluation]]:
    """Extract, score and check ``files``; yield ``(path, evaluation)`` in input order.

    ``jobs`` worker processes (default: the number of CPUs, at most the number of files);
    ``on_done`` is called as each file finishes, in completion order (for progress bars).
    """
    limits = limits or Limits.from_env()
    if not files:
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    ctx = _context()

    def spawn() -> _Slot:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_worker, args=(child, scheme, limits), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    slots = [spawn() for _ in range(jobs)]
    pending = iter(range(len(files)))
    results: dict[int, Evaluation] = {}
    next_out = 0
    try:
        for slot in slots:
            _assign(slot, pending, files)
        while any(s.index is not None for s in slots):
            busy = [s for s in slots if s.index is not None]
            timeout = max(0.05, min(s.started + limits.file_timeout for s in busy) - time.monotonic())
            ready = wait([s.conn for s in busy], timeout=timeout)
            now = time.monotonic()
            for i in range(len(slots)):
                slots[i] = _collect(slots[i], files, ready, now, limits, spawn, results, on_done)
                _assign(slots[i], pending, files)
            while next_out in results:
                yield files[next_out], results.pop(next_out)
                next_out += 1
    finally:
        for slot in slots:
            _stop(slot)


def _collect(
    slot: _Slot,
    files: list[Path],
    ready: Sequence[object],
    now: float,
    limits: Limits,
    spawn: Callable[[], _Slot],
    results: dict[int, Evaluation],
    on_done: Callable[[Path, Evaluation], None] | None,
) -> _Slot:
    """Take a finished (or timed-out, or crashed) file off ``slot``; return the slot to reuse."""
    if slot.index is None:
        return slot
    path = files[slot.index]
    ev: Evaluation | None = None
    if slot.conn in ready:
        try:
            ev = Evaluation.from_json(slot.conn.recv())
        except (EOFError, OSError):
            ev = unreadable(path, "处理该文件的进程意外退出（可能内存耗尽或解析库崩溃）")
            slot = _replace(slot, spawn)
    elif now - slot.started > limits.file_timeout:
        ev = unreadable(path, f"处理超时（超过 {limits.file_timeout:.0f} 秒），已中止")
        slot = _replace(slot, spawn)
    if ev is None or slot.index is None:
        return slot
    results[slot.index] = ev
    if on_done is not None:
        on_done(path, ev)
    slot.index = None
    return slot


def _assign(slot: _Slot, pending: Iterator[int], files: list[Path]) -> None:
    if slot.index is not None:
        return
    index = next(pending, None)
    if index is None:
        return
    slot.index = index
    slot.started = time.monotonic()
    slot.conn.send(str(files[index]))


def _replace(slot: _Slot, spawn: Callable[[], _Slot]) -> _Slot:
    index = slot.index
    slot.process.kill()
    slot.process.join()
    slot.conn.close()
    fresh = spawn()
    fresh.index = index
    return fresh


def _stop(slot: _Slot) -> None:
    try:
        if slot.process.is_alive():
            slot.conn.send(None)
            slot.process.join(timeout=2)
    except (OSError, BrokenPipeError):
        pass
    if slot.process.is_alive():
        slot.process.kill()
        slot.process.join()
    slot.conn.close()
