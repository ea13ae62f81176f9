"""Warm worker processes (``python -m jixiao.intake.worker``) kept between batches.

A batch (:func:`jixiao.intake.batch.check_files_grouped`) takes its workers from a
:class:`WorkerPool` and gives back the ones that are still healthy and idle when it ends. ``jixiao
check`` uses a pool for one batch; a long-running process (the web server) keeps one pool for its
whole life, so a request does not pay a worker's start-up (importing jixiao, and whatever the
worker keeps warm itself, such as its LibreOffice) again.

Batches may run at the same time: each takes what is idle and starts what is missing, and a pool
keeps at most ``keep`` idle workers (the rest are stopped when given back). A worker idle for
``idle_seconds`` is stopped (it holds memory, and a LibreOffice of its own); a worker that died
while idle is never handed out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import wait

from jixiao.errors import JixiaoError
from jixiao.intake.limits import Limits
from jixiao.intake.ocr import THREADS_ENV
from jixiao.intake.worker import PAGE
from jixiao.intake.worker import READY
from jixiao.intake.worker import limits_to_json

STARTUP_TIMEOUT = 120.0
IDLE_SECONDS = 600.0


@dataclass(slots=True)
class Slot:
    """One worker process and the file it is reading (an index into the batch's files)."""

    process: subprocess.Popen[bytes]
    index: int | None = None
    started: float = 0.0
    idle_since: float = 0.0
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
        """The page lines (:data:`~jixiao.intake.worker.PAGE`) the worker has written since last
        asked, as ``(done, total)``; reads only what is there."""
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

    def alive(self) -> bool:
        return self.process.poll() is None


def start(scheme: str | None, limits: Limits, workers: int = 1) -> Slot:
    """Start a worker, one of ``workers`` that will run side by side: each is given its share of
    the CPUs for the threads of its OCR engine (:data:`~jixiao.intake.ocr.THREADS_ENV`),
    so that two workers on two cores do not run four spinning threads."""
    cmd = [sys.executable, "-m", "jixiao.intake.worker", limits_to_json(limits), scheme or ""]
    share = max(1, (os.cpu_count() or 1) // max(1, workers))
    # glibc gives each thread that allocates its own 64 MB arena of address space; the OCR engine's
    # threads made a worker reading one 300 dpi scan reach the 2 GB address-space cap
    # (``max_worker_bytes``) with well under 1 GB in use. Two arenas: the same speed, ~0.5 GB less.
    env = {"MALLOC_ARENA_MAX": "2", **os.environ, THREADS_ENV: str(share)}
    process = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
    )
    return Slot(process)


def ready(slot: Slot) -> Slot:
    """Wait until the worker has imported everything (its start-up is not a file's time)."""
    if wait([slot.fileno()], timeout=STARTUP_TIMEOUT):
        stdout = slot.process.stdout
        if stdout is not None and stdout.readline().decode().strip() == READY:
            return slot
    kill(slot)
    raise JixiaoError("无法启动处理进程（python -m jixiao.intake.worker）；请检查安装是否完整")


def kill(slot: Slot) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(slot.process.pid, signal.SIGKILL)
    slot.process.wait()
    for stream in (slot.process.stdin, slot.process.stdout, slot.process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def stop_all(slots: list[Slot]) -> None:
    """End of input: each worker finishes and exits (and stops what it started); killed after 2 s."""
    for slot in slots:
        stdin = slot.process.stdin
        if stdin is not None:
            with contextlib.suppress(OSError):
                stdin.close()
    deadline = time.monotonic() + 2
    for slot in slots:
        with contextlib.suppress(subprocess.TimeoutExpired):
            slot.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        kill(slot)


class WorkerPool:
    """Warm workers for one ``scheme`` and ``limits`` (see the module docstring)."""

    def __init__(
        self,
        keep: int,
        *,
        scheme: str | None = None,
        limits: Limits | None = None,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self.keep = max(1, keep)
        self.scheme = scheme
        self.limits = limits or Limits()
        self.idle_seconds = idle_seconds
        self.started = 0  # worker processes this pool has started, for tests and benchmarks
        self._idle: list[Slot] = []
        self._lock = threading.Lock()
        self._closed = False
        self._reaper: threading.Thread | None = None
        self._wake = threading.Event()

    def serves(self, scheme: str | None, limits: Limits) -> bool:
        return not self._closed and scheme == self.scheme and limits == self.limits

    def spawn(self) -> Slot:
        """A fresh worker, ready (replacing one that timed out or crashed)."""
        with self._lock:
            self.started += 1
        return ready(start(self.scheme, self.limits, self.keep))

    def take(self, n: int) -> list[Slot]:
        """``n`` ready workers: the idle ones first, the rest started (all at once, then waited for)."""
        with self._lock:
            taken: list[Slot] = []
            while self._idle and len(taken) < n:
                slot = self._idle.pop()
                if slot.alive():
                    taken.append(slot)
                else:
                    kill(slot)
            missing = n - len(taken)
            self.started += missing
        fresh = [start(self.scheme, self.limits, self.keep) for _ in range(missing)]
        try:
            for slot in fresh:
                ready(slot)
        except JixiaoError:
            for slot in [*fresh, *taken]:
                kill(slot)
            raise
        return taken + fresh

    def give_back(self, slots: list[Slot]) -> None:
        """Keep the healthy idle workers (up to ``keep``); stop the others."""
        now = time.monotonic()
        surplus: list[Slot] = []
        with self._lock:
            for slot in slots:
                if slot.index is None and slot.alive() and not self._closed and len(self._idle) < self.keep:
                    slot.idle_since = now
                    self._idle.append(slot)
                else:
                    surplus.append(slot)
            if self._idle and self._reaper is None and self.idle_seconds > 0:
                self._reaper = threading.Thread(
                    target=_reap,
                    args=(weakref.ref(self), self._wake),
                    name="jixiao-worker-reaper",
                    daemon=True,
                )
                self._reaper.start()
        for slot in surplus:
            if slot.index is not None:
                kill(slot)  # given back mid-file (the batch was abandoned)
        stop_all([s for s in surplus if s.index is None])

    def idle_pids(self) -> list[int]:
        with self._lock:
            return [s.process.pid for s in self._idle]

    def stop_idle(self, now: float | None = None) -> None:
        """Stop the workers idle for ``idle_seconds`` or longer."""
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [s for s in self._idle if now - s.idle_since >= self.idle_seconds]
            self._idle = [s for s in self._idle if s not in old]
        stop_all(old)

    def close(self) -> None:
        """Stop every idle worker; workers in use are stopped when their batch gives them back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        self._wake.set()
        stop_all(idle)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _reap(pool_ref: weakref.ref[WorkerPool], wake: threading.Event) -> None:
    """Stop idle workers now and then, for as long as the pool lives and is open (a weak reference:
    a pool nobody holds any more is collected, its workers' pipes close and they exit)."""
    while True:
        pool = pool_ref()
        if pool is None:
            return
        period = min(60.0, pool.idle_seconds)
        del pool
        if wake.wait(period):
            return
        pool = pool_ref()
        if pool is None:
            return
        pool.stop_idle()
        del pool
