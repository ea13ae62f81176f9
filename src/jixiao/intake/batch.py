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

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from jixiao.core.model import Evaluation
from jixiao.errors import JixiaoError
from jixiao.intake.limits import Limits
from jixiao.intake.limits import seconds_text
from jixiao.intake.pipeline import evaluations_from_line
from jixiao.intake.pipeline import unreadable
from jixiao.intake.worker import PAGE
from jixiao.intake.worker import READY
from jixiao.intake.worker import limits_to_json
from jixiao.intake.worker import task_line

_SKIP_PREFIXES = (".", "~$", "~")
_STARTUP_TIMEOUT = 120.0


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


PageCallback = Callable[[Path, int, int], None]


@dataclass(slots=True)
class _Slot:
    process: subprocess.Popen[bytes]
    index: int | None = None
    started: float = 0.0
    said: bytes = b""  # the worker's stderr so far, up to its last full line

    def fileno(self) -> int:
        """The worker's stdout, which ``wait`` watches."""
        stdout = self.process.stdout
        assert stdout is not None
        return stdout.fileno()

    def errno(self) -> int | None:
        """The worker's stderr (page progress), which ``wait`` watches too; None once closed."""
        stderr = self.process.stderr
        return None if stderr is None or stderr.closed else stderr.fileno()

    def pages(self) -> list[tuple[int, int]]:
        """The page lines the worker has written since last asked (reads only what is there)."""
        fd = self.errno()
        if fd is None:
            return []
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            stderr = self.process.stderr
            if stderr is not None:
                stderr.close()  # end of stream: stop watching it
            return []
        *lines, self.said = (self.said + chunk).split(b"\n")
        found = []
        for line in lines:
            parts = line.decode("utf-8", "replace").split()
            if len(parts) == 3 and parts[0] == PAGE and parts[1].isdigit() and parts[2].isdigit():
                found.append((int(parts[1]), int(parts[2])))
        self.said = self.said[-4096:]  # anything else a library printed is dropped
        return found


def _start(scheme: str | None, limits: Limits) -> _Slot:
    cmd = [sys.executable, "-m", "jixiao.intake.worker", limits_to_json(limits), scheme or ""]
    process = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    return _Slot(process)


def _ready(slot: _Slot) -> _Slot:
    """Wait until the worker has imported everything (its start-up is not a file's time)."""
    if wait([slot.fileno()], timeout=_STARTUP_TIMEOUT):
        stdout = slot.process.stdout
        if stdout is not None and stdout.readline().decode().strip() == READY:
            return slot
    _kill(slot)
    raise JixiaoError("无法启动处理进程（python -m jixiao.intake.worker）；请检查安装是否完整")


def _spawn(scheme: str | None, limits: Limits) -> _Slot:
    return _ready(_start(scheme, limits))


def check_files(
    files: list[Path],
    *,
    scheme: str | None = None,
    limits: Limits | None = None,
    jobs: int | None = None,
    on_done: Callable[[Path, Evaluation], None] | None = None,
    on_page: PageCallback | None = None,
) -> Iterator[tuple[Path, Evaluation]]:
    """Extract, score and check ``files``; yield ``(path, evaluation)`` in input order, once per
    evaluation: a file that holds several forms yields each, one after the other (see
    :func:`check_files_grouped`)."""
    for path, evaluations in check_files_grouped(
        files, scheme=scheme, limits=limits, jobs=jobs, on_done=on_done, on_page=on_page
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
    on_page: PageCallback | None = None,
) -> Iterator[tuple[Path, list[Evaluation]]]:
    """Extract, score and check ``files``; yield ``(path, evaluations)`` in input order, one
    evaluation per form the file holds (never none). ``names``, one per file, are the names people
    know the files by when the paths are not them (see ``extract_evaluations``).

    ``jobs`` worker processes (default: the number of CPUs, at most the number of files);
    ``on_done`` is called as each file finishes, in completion order, with its first evaluation
    (for progress bars); ``on_page`` with ``(path, pages done, pages)`` as a scan is read.
    """
    limits = limits or Limits()
    if not files:
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    shown: list[str | None] = list(names) if names is not None else [None] * len(files)

    def spawn() -> _Slot:
        return _spawn(scheme, limits)

    slots = [_ready(slot) for slot in [_start(scheme, limits) for _ in range(jobs)]]
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
                slots[i] = _collect(slots[i], files, shown, ready, now, limits, spawn, results, on_done)
                _assign(slots[i], pending, files, shown)
            while next_out in results:
                yield files[next_out], results.pop(next_out)
                next_out += 1
    finally:
        for slot in slots:
            _stop(slot)


def _collect(
    slot: _Slot,
    files: list[Path],
    names: list[str | None],
    ready: set[Any],
    now: float,
    limits: Limits,
    spawn: Callable[[], _Slot],
    results: dict[int, list[Evaluation]],
    on_done: Callable[[Path, Evaluation], None] | None,
) -> _Slot:
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


def _paged(slot: _Slot, files: list[Path], now: float, on_page: PageCallback | None) -> None:
    """Take the page lines a worker wrote: each restarts its file's clock (an idle worker's are dropped)."""
    for done, total in slot.pages():
        slot.started = now
        if on_page is not None and slot.index is not None:
            on_page(files[slot.index], done, total)


def _assign(slot: _Slot, pending: Iterator[int], files: list[Path], names: list[str | None]) -> None:
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


def _kill(slot: _Slot) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(slot.process.pid, signal.SIGKILL)
    slot.process.wait()
    for stream in (slot.process.stdin, slot.process.stdout, slot.process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _replace(slot: _Slot, spawn: Callable[[], _Slot]) -> _Slot:
    index = slot.index
    _kill(slot)
    fresh = spawn()
    fresh.index = index
    return fresh


def _stop(slot: _Slot) -> None:
    stdin = slot.process.stdin
    if stdin is not None:
        with contextlib.suppress(OSError):
            stdin.close()  # end of input: the worker finishes and exits
    with contextlib.suppress(subprocess.TimeoutExpired):
        slot.process.wait(timeout=2)
    _kill(slot)
