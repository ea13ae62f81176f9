"""Batch uploads (files and .zip archives) read in the background and kept in the database, on
both backends: progress with an ETA, the “本批” filter of the list, the batch review workbook,
and a batch whose runner died taken up again."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import update

from jixiao.intake import pool as pool_mod
from jixiao.limits import Limits
from jixiao.storage.upload_batches import Batches
from jixiao.storage.upload_batches import UploadBatchRow
from jixiao.web import batches
from jixiao.web.state import WebState
from web.conftest import UNIT_A
from web.conftest import Client

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests/data/seeds").glob("*.txt"))
People = Callable[[str], Client]


def state(app: FastAPI) -> WebState:
    web: WebState = app.state.web
    return web


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _send(who: Client, files: list[tuple[str, bytes]], **data: str) -> int:
    response = who.post(
        "/uploads/batches",
        files=[("files", (name, content)) for name, content in files],
        data={"csrf_token": who.csrf, **data},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/uploads/batches/")
    return int(location.rsplit("/", 1)[1])


def _progress(who: Client, batch_id: int, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, object] = who.get(f"/api/uploads/batches/{batch_id}").json()
        if body["done"] or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_a_batch_of_files_and_a_zip_is_read_in_the_background(web_app: FastAPI, client: People) -> None:
    reviewer = client("reviewer")
    archive = _zip(
        {
            "二级单位/" + SEEDS[3].name: SEEDS[3].read_bytes(),
            "二级单位/" + SEEDS[4].name: SEEDS[4].read_bytes(),
            "说明.exe": b"MZ",
            "__MACOSX/._x.txt": b"junk",
        }
    )
    sent = [(p.name, p.read_bytes()) for p in SEEDS[:3]]
    batch_id = _send(reviewer, [*sent, ("材料.zip", archive), ("旧材料.rar", b"Rar!"), ("a.exe", b"MZ")])
    body = _progress(reviewer, batch_id)
    assert body["done"] is True and body["total"] == 8 and body["percent"] == 100
    by_name = {f["name"]: f for f in body["files"]}  # type: ignore[union-attr]
    assert {n for n, f in by_name.items() if f["status"] == "done"} == {
        *(p.name for p in SEEDS[:3]),
        f"材料.zip/二级单位/{SEEDS[3].name}",
        f"材料.zip/二级单位/{SEEDS[4].name}",
    }
    assert "不支持的文件类型" in by_name["材料.zip/说明.exe"]["reason"]
    assert ".zip" in by_name["旧材料.rar"]["reason"]
    assert "不支持的文件类型" in by_name["a.exe"]["reason"]
    # Each version names its source file: the archive member's name is the document's.
    member = by_name[f"材料.zip/二级单位/{SEEDS[3].name}"]
    ev = state(web_app).store.get(member["evaluation_id"])
    assert ev is not None and ev.source is not None and ev.source.path == f"材料.zip/二级单位/{SEEDS[3].name}"
    # The page shows the progress; the list's “本批” filter shows exactly the batch's evaluations.
    page = reviewer.get(f"/uploads/batches/{batch_id}")
    assert "已完成" in page.text and f"/evaluations?batch={batch_id}" in page.text
    listed = reviewer.get(f"/evaluations?batch={batch_id}", headers={"Accept": "application/json"}).json()
    ids = {f["evaluation_id"] for f in body["files"] if f["evaluation_id"]}  # type: ignore[union-attr]
    assert {r["id"] for r in listed["rows"]} == ids and listed["total"] == 5
    html = reviewer.get(f"/evaluations?batch={batch_id}").text
    assert "本批" in html and f"review.xlsx?batch={batch_id}" in html
    # The batch's review workbook: two sheets, relative names, no server path.
    book = reviewer.get(f"/evaluations/review.xlsx?batch={batch_id}")
    assert book.status_code == 200
    wb = load_workbook(io.BytesIO(book.content))
    assert wb.sheetnames == ["汇总", "问题明细"]
    files = [r[1] for r in wb["汇总"].iter_rows(min_row=4, values_only=True)]
    assert len(files) == 5 and f"材料.zip/二级单位/{SEEDS[3].name}" in files
    data_dir = str(state(web_app).data_dir)
    assert not [c.value for ws in wb for row in ws.iter_rows() for c in row if data_dir in str(c.value)]
    # Nothing is left in the batch folder once it is read.
    left = list((state(web_app).data_dir / "uploads" / "batches").rglob("*.*"))
    assert left == []


def test_a_resent_file_is_known_and_a_unit_sees_only_its_batches(web_app: FastAPI, client: People) -> None:
    unit_a, unit_b = client("unit_a"), client("unit_b")
    first = _send(unit_a, [(SEEDS[0].name, SEEDS[0].read_bytes())], year="2024")
    assert _progress(unit_a, first)["counts"]["done"] == 1  # type: ignore[index]
    again = _send(unit_a, [("再次.txt", SEEDS[0].read_bytes())])
    body = _progress(unit_a, again)
    [f] = body["files"]  # type: ignore[misc]
    assert f["status"] == "known" and f["evaluation_id"]
    assert unit_b.get(f"/api/uploads/batches/{first}").status_code == 404
    # The upload page leads back to one's own batches (a closed tab is not the end of them).
    assert f'href="/uploads/batches/{again}"' in unit_a.get("/upload").text
    assert f'href="/uploads/batches/{first}"' not in unit_b.get("/upload").text
    assert unit_b.get(f"/uploads/batches/{first}").status_code == 404
    meta = state(web_app).workflow.meta(f["evaluation_id"])
    assert meta is not None and meta.unit == UNIT_A and meta.year == 2024  # the batch's year


def test_a_batch_whose_runner_died_is_taken_up_again(web_app: FastAPI, client: People) -> None:
    reviewer = client("reviewer")
    web = state(web_app)
    # As if the server stopped right after receiving: the batch is written, nobody reads it.
    source = SEEDS[4]
    with source.open("rb") as fh:
        batch_id = batches.receive_batch(
            web,
            [batches.Sent(source.name, fh, source.stat().st_size)],
            actor=batches.Actor("测试", None),
            unit=None,
            scope_unit_id=None,
            year=None,
        )
    store = Batches(web.db)
    assert store.claim(batch_id)  # a runner takes it …
    assert not store.claim(batch_id)  # … and while it beats nobody else may
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    with web.db.sessions.begin() as s:  # … then it dies with its server
        s.execute(update(UploadBatchRow).where(UploadBatchRow.id == batch_id).values(heartbeat_at=stale))
    body = _progress(reviewer, batch_id)  # the page's poll takes the batch up again
    assert body["done"] is True and body["counts"]["done"] == 1  # type: ignore[index]


def test_progress_eta() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    batch = batches.Batch(1, None, "x", None, None, None, start, start, None, start)
    files = tuple(
        batches.BatchFile(i, i, f"{i}.txt", 1, "h", "p", "done" if i < 10 else "waiting", None, 0, 0, None)
        for i in range(40)
    )

    p = batches.progress_of(batch, files, start + dt.timedelta(seconds=20))
    assert p.finished == 10 and p.percent == 25
    assert p.eta_seconds == 60  # 10 files in 20 s: 30 left take 60 s
    assert p.eta_text == "预计还需约 1 分 00 秒"


def test_a_batch_sent_in_parts_is_one_batch(web_app: FastAPI, client: People) -> None:
    unit_a, unit_b = client("unit_a"), client("unit_b")
    headers = {"Accept": "application/json", "X-CSRF-Token": unit_a.csrf}
    first = unit_a.post(
        "/uploads/batches", files=[("files", (SEEDS[0].name, SEEDS[0].read_bytes()))], headers=headers
    )
    assert first.status_code == 202, first.text
    batch_id = first.json()["id"]
    second = unit_a.post(
        "/uploads/batches",
        files=[("files", (SEEDS[1].name, SEEDS[1].read_bytes()))],
        data={"into": str(batch_id)},
        headers=headers,
    )
    assert second.status_code == 202 and second.json()["id"] == batch_id
    body = _progress(unit_a, batch_id)
    assert body["total"] == 2 and body["counts"]["done"] == 2  # type: ignore[index]
    # Nobody else adds to it.
    other = unit_b.post(
        "/uploads/batches",
        files=[("files", (SEEDS[2].name, SEEDS[2].read_bytes()))],
        data={"into": str(batch_id)},
        headers={"Accept": "application/json", "X-CSRF-Token": unit_b.csrf},
    )
    assert other.status_code == 404
    assert _progress(unit_a, batch_id)["total"] == 2


def test_a_new_version_of_an_approved_record_is_refused_with_the_reason(
    web_app: FastAPI, client: People
) -> None:
    unit_a = client("unit_a")
    first = _send(unit_a, [(SEEDS[1].name, SEEDS[1].read_bytes())])
    [f] = _progress(unit_a, first)["files"]  # type: ignore[misc]
    web = state(web_app)
    web.workflow.set_status(f["evaluation_id"], "审核通过", None, batches.Actor("审核员", None))
    changed = SEEDS[1].read_bytes() + "\n补充说明。\n".encode()  # other bytes, same project × year
    again = _send(unit_a, [("修改后.txt", changed)])
    [g] = _progress(unit_a, again)["files"]  # type: ignore[misc]
    assert g["status"] == "failed" and g["reason"], g
    assert g["evaluation_id"] is None


def test_requests_reuse_the_servers_warm_workers(
    web_app: FastAPI, client: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first upload starts the server's workers; later batches and single uploads start none."""
    started: list[int] = []
    real_start = pool_mod.start

    def counted(scheme: str | None, limits: Limits, workers: int = 1) -> pool_mod.Slot:
        slot = real_start(scheme, limits, workers)
        started.append(slot.process.pid)
        return slot

    monkeypatch.setattr(pool_mod, "start", counted)
    reviewer = client("reviewer")
    first = _progress(reviewer, _send(reviewer, [(SEEDS[0].name, SEEDS[0].read_bytes())]))
    assert first["counts"]["done"] == 1  # type: ignore[index]
    warm = state(web_app).readers.pool
    assert warm is not None and len(started) == 1 and warm.idle_pids() == started
    second = _progress(reviewer, _send(reviewer, [(p.name, p.read_bytes()) for p in SEEDS[1:3]]))
    assert second["counts"]["done"] == 2  # type: ignore[index]
    single = reviewer.post(
        "/api/uploads",
        files={"file": (SEEDS[3].name, SEEDS[3].read_bytes())},
        headers={"X-CSRF-Token": reviewer.csrf},
    )
    assert single.status_code == 201, single.text
    assert len(started) == 1 and warm.idle_pids() == started  # no request started a process
    assert batches.wait_idle(timeout=30)  # every runner has released its batch
