"""Telling a running import from one that was killed.

An import records its run as ``running`` and sets it ``finished`` or ``interrupted`` when it ends;
a process killed with ``kill -9`` (or a machine that lost power) never does. So each import holds
an exclusive lock on ``<data_dir>/runs/<run id>.lock`` while it runs, and every import first looks
at the runs still marked ``running``: one whose lock nobody holds belongs to a dead process and is
marked ``interrupted``. The kernel drops a dead process's locks, so this needs no clock and leaves
imports running at the same time alone (they share the data directory, where the originals live).
A run without a lock file is left alone for :data:`GRACE_SECONDS` after it started (the time an
import takes from recording its run to taking the lock).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

from jixiao.storage.store import Store

GRACE_SECONDS = 10.0

try:
    import fcntl
except ImportError:  # not POSIX: no way to tell; runs stay as they were recorded
    fcntl = None  # type: ignore[assignment]


def _lock_path(data_dir: Path, run_id: int) -> Path:
    return data_dir / "runs" / f"{run_id}.lock"


def _try_lock(path: Path) -> int | None:
    """An open descriptor holding the lock on ``path``, or None when another process holds it."""
    assert fcntl is not None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextlib.contextmanager
def holding(data_dir: Path, run_id: int) -> Iterator[None]:
    """Hold the run's lock for the ``with`` block (the import's whole run)."""
    if fcntl is None:
        yield
        return
    path = _lock_path(data_dir, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _try_lock(path)
    try:
        yield
    finally:
        if fd is not None:
            path.unlink(missing_ok=True)
            os.close(fd)


def close_dead_runs(store: Store, data_dir: Path) -> list[int]:
    """Mark ``interrupted`` every run still ``running`` whose process is gone; return their ids."""
    if fcntl is None:
        return []
    now = dt.datetime.now(dt.UTC)
    dead: list[int] = []
    for run_id, started in store.running_runs():
        path = _lock_path(data_dir, run_id)
        if not path.exists():
            if (now - started).total_seconds() > GRACE_SECONDS:
                dead.append(run_id)
            continue
        fd = _try_lock(path)
        if fd is None:
            continue  # its import is running
        try:
            dead.append(run_id)
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
    store.interrupt_runs(dead)
    return dead
