"""Warm workers kept between batches (``jixiao.intake.pool``): the same processes serve the next
batch, a worker that died while idle or timed out is replaced, idle ones are stopped, and closing
the pool leaves nothing running."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.readers.pdf_builders import raw_pdf
from jixiao.intake.batch import check_files
from jixiao.intake.limits import Limits
from jixiao.intake.pool import WorkerPool

DATA = Path(__file__).parent.parent / "data"
GOOD = DATA / "formats" / "002_report.docx"
LIMITS = Limits()


def _gone(pid: int, within: float = 5.0) -> bool:
    """The process has exited (a zombie not yet waited for counts: it runs nothing)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in {"Z", "X"}:
            return True
        time.sleep(0.05)
    return False


def _read(pool: WorkerPool, files: list[Path], jobs: int = 2) -> list[float | None]:
    out = list(check_files(files, jobs=jobs, limits=LIMITS, pool=pool))
    assert [p for p, _ev in out] == files
    return [None if ev.claimed.total is None else float(ev.claimed.total) for _p, ev in out]


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(2, limits=LIMITS) as warm:
        yield warm


def test_the_next_batch_is_read_by_the_same_workers(pool: WorkerPool) -> None:
    first = _read(pool, [GOOD, GOOD, GOOD])
    workers = sorted(pool.idle_pids())
    assert len(workers) == 2 and pool.started == 2
    second = _read(pool, [GOOD, GOOD])
    assert sorted(pool.idle_pids()) == workers and pool.started == 2
    assert first[0] is not None and first == second[:1] * 3


def test_a_batch_with_other_limits_starts_its_own_workers_and_stops_them(pool: WorkerPool) -> None:
    _read(pool, [GOOD])
    warm = pool.idle_pids()
    other = list(check_files([GOOD], jobs=1, limits=Limits(file_timeout=30), pool=pool))
    assert other[0][1].claimed.total is not None
    assert pool.idle_pids() == warm and pool.started == 1  # the pool's worker was not lent


def test_a_worker_that_died_while_idle_is_replaced(pool: WorkerPool) -> None:
    _read(pool, [GOOD, GOOD])
    dead, kept = pool.idle_pids()
    os.kill(dead, signal.SIGKILL)
    assert _gone(dead)
    assert _read(pool, [GOOD, GOOD])[0] is not None
    assert dead not in pool.idle_pids() and kept in pool.idle_pids() and pool.started == 3


def test_a_timed_out_worker_is_replaced_and_the_pool_stays_warm(tmp_path: Path) -> None:
    slow = raw_pdf(tmp_path / "slow.pdf", ["0 0 m n\n" * 2_500_000])
    quick = Limits(file_timeout=3)
    with WorkerPool(1, limits=quick) as warm:
        list(check_files([GOOD], jobs=1, limits=quick, pool=warm))
        (first,) = warm.idle_pids()
        out = list(check_files([slow, GOOD], jobs=1, limits=quick, pool=warm))
        assert "超时" in out[0][1].findings[0].message and out[1][1].claimed.total is not None
        assert _gone(first)
        (second,) = warm.idle_pids()
        assert second != first and warm.started == 2


def test_idle_workers_are_stopped_after_their_time_and_on_close() -> None:
    warm = WorkerPool(2, limits=LIMITS, idle_seconds=300)
    _read(warm, [GOOD, GOOD])
    first = warm.idle_pids()
    warm.stop_idle(now=time.monotonic() + 1)  # not idle long enough
    assert warm.idle_pids() == first
    warm.stop_idle(now=time.monotonic() + 301)
    assert warm.idle_pids() == [] and all(_gone(pid) for pid in first)
    _read(warm, [GOOD])
    (again,) = warm.idle_pids()
    warm.close()
    assert _gone(again) and warm.idle_pids() == []
    assert not warm.serves(None, LIMITS)  # a closed pool lends nothing; batches start their own
    assert _read(warm, [GOOD], jobs=1)[0] is not None and warm.idle_pids() == []


def test_an_abandoned_batch_kills_the_worker_it_left_mid_file(pool: WorkerPool) -> None:
    batch = check_files([GOOD, GOOD, GOOD, GOOD], jobs=2, limits=LIMITS, pool=pool)
    next(batch)
    batch.close()  # the caller stopped reading: workers still busy are killed, idle ones kept
    assert len(pool.idle_pids()) <= 2
    assert _read(pool, [GOOD, GOOD])[0] is not None


def test_each_worker_gets_its_share_of_the_cpus_for_ocr() -> None:
    """Two workers on N cores: each OCR engine may run N // 2 threads (not N each, which on two
    cores makes four spinning threads); the engine takes the figure it is given."""
    from jixiao.intake.ocr import THREADS_ENV

    with WorkerPool(2, limits=LIMITS) as pool:
        slots = pool.take(2)
        try:
            for slot in slots:
                environ = Path(f"/proc/{slot.process.pid}/environ").read_bytes().split(b"\0")
                share = max(1, (os.cpu_count() or 1) // 2)
                assert f"{THREADS_ENV}={share}".encode() in environ
        finally:
            pool.give_back(slots)


def test_the_ocr_engine_runs_the_threads_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.intake.ocr import THREADS_ENV
    from jixiao.intake.ocr import engine

    monkeypatch.setenv(THREADS_ENV, "1")
    engine._rapidocr.cache_clear()
    try:
        options = engine._rapidocr().text_det.infer.session.get_session_options()
        assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
    finally:
        engine._rapidocr.cache_clear()


def test_workers_keep_their_address_space_small() -> None:
    """Few malloc arenas per worker (the OCR engine's threads otherwise reserve 64 MB each and a
    scan meets the worker's address-space cap), unless the user chose otherwise."""
    with WorkerPool(1, limits=LIMITS) as pool:
        slots = pool.take(1)
        try:
            environ = Path(f"/proc/{slots[0].process.pid}/environ").read_bytes().split(b"\0")
            assert any(v.startswith(b"MALLOC_ARENA_MAX=") for v in environ)
        finally:
            pool.give_back(slots)
