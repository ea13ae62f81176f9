"""A batch whose runner died with its server is taken up when a server starts, on both backends,
and a batch a live runner still reads (its heartbeat fresh) is left to it: none is read twice."""

from __future__ import annotations

import datetime as dt
import threading
import time

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from jixiao.settings import Settings
from jixiao.storage.upload_batches import Batch
from jixiao.storage.upload_batches import Batches
from jixiao.storage.upload_batches import UploadBatchRow
from jixiao.storage.workflow import Actor
from jixiao.web import batches
from jixiao.web.app import create_app
from jixiao.web.state import WebState
from web.test_upload_batches import SEEDS
from web.test_upload_batches import state


def _received(web: WebState, count: int = 2) -> int:
    """A batch written as a server receives it, with nobody reading it (as if it stopped)."""
    handles = [p.open("rb") for p in SEEDS[:count]]
    try:
        return batches.receive_batch(
            web,
            [
                batches.Sent(p.name, fh, p.stat().st_size)
                for p, fh in zip(SEEDS[:count], handles, strict=True)
            ],
            actor=Actor("测试", None),
            unit=None,
            scope_unit_id=None,
            year=None,
        )
    finally:
        for fh in handles:
            fh.close()


def _beaten(web: WebState, batch_id: int, at: dt.datetime) -> None:
    with web.db.sessions.begin() as s:
        s.execute(update(UploadBatchRow).where(UploadBatchRow.id == batch_id).values(heartbeat_at=at))


def _finished(store: Batches, batch_id: int, timeout: float = 120) -> Batch:
    deadline = time.monotonic() + timeout
    while True:
        batch = store.get(batch_id)
        assert batch is not None
        if batch.finished_at is not None or time.monotonic() > deadline:
            return batch
        time.sleep(0.2)


def test_a_starting_server_takes_up_the_batch_a_dead_one_left(
    web_app: FastAPI, web_settings: Settings
) -> None:
    web = state(web_app)
    store = Batches(web.db)
    batch_id = _received(web)
    _beaten(web, batch_id, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))  # its runner died
    assert len(store.waiting(batch_id)) == 2
    restarted = create_app(web_settings)
    with TestClient(restarted):  # the server starts (its lifespan runs); nobody opens the batch's page
        batch = _finished(store, batch_id)
    assert batch.finished_at is not None
    files = store.files(batch_id)
    assert [f.status for f in files] == ["done", "done"], [(f.status, f.reason) for f in files]


def test_a_batch_with_a_live_runner_is_left_to_it(web_app: FastAPI) -> None:
    web = state(web_app)
    store = Batches(web.db)
    batch_id = _received(web, 1)
    assert store.claim(batch_id)  # a live runner (another server process) has it and beats
    stop = threading.Event()
    resumer = batches.resume_unfinished(web, stop)
    time.sleep(1.0)
    assert batch_id not in batches._running and len(store.waiting(batch_id)) == 1
    stop.set()  # the server stops before the heartbeat would be stale: nothing more is done
    resumer.join(10)
    assert not resumer.is_alive() and len(store.waiting(batch_id)) == 1
    # Its runner dies; the next start takes it up, and a second start at the same time does not.
    _beaten(web, batch_id, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    first, second = threading.Event(), threading.Event()
    batches.resume_unfinished(web, first)
    batches.resume_unfinished(web, second)
    batch = _finished(store, batch_id)
    first.set()
    second.set()
    assert batch.finished_at is not None
    assert [f.status for f in store.files(batch_id)] == ["done"]
