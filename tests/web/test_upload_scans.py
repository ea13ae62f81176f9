"""Uploading a scan through the web app: a phone photo (.jpg) of a printed 自评表 is read by OCR and
stored with the facts its text-layer PDF gives; a batch, and a single upload, show a scan's pages
as they are read."""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from jixiao.intake.pipeline import extract_file
from web.test_upload_batches import SEEDS
from web.test_upload_batches import _send
from web.test_upload_batches import state
from web.test_uploads import People
from web.test_uploads import leftovers
from web.test_uploads import stored
from web.test_uploads import upload

SCANS = Path(__file__).resolve().parents[2] / "tests" / "data" / "scans"


def test_a_photographed_form_uploaded_as_jpg_is_read(web_app: FastAPI, client: People) -> None:
    photo = SCANS / "gen-01-photo.jpg"
    body = upload(client("admin"), photo)
    assert body["http"] == 201, body
    assert body["status"] == "done", body
    got = stored(web_app, body["evaluation_id"])
    assert "UNREADABLE_DOCUMENT" not in {f.code for f in got.findings}
    truth = extract_file(SCANS / "truth" / "gen-01.pdf")
    assert got.project.year == truth.project.year
    assert got.project.unit == truth.project.unit
    assert got.claimed.total == truth.claimed.total
    rows = [(i.name, i.weight, i.claimed_score) for i in got.indicators]
    assert rows == [(i.name, i.weight, i.claimed_score) for i in truth.indicators]
    assert got.source is not None and got.source.path == photo.name
    assert leftovers(web_app) == []


def test_a_batch_shows_the_pages_of_the_scan_it_reads(web_app: FastAPI, client: People) -> None:
    """A two-page scan in a batch, read by the server's real worker: while it is read the batch's
    progress (JSON and the polled page) names it with its pages recognised so far; an ordinary
    file beside it never shows there; nothing is left once the batch is read."""
    scan = SCANS / "002-150dpi.tif"
    seed = SEEDS[0]
    reviewer = client("reviewer")
    batch_id = _send(reviewer, [(seed.name, seed.read_bytes()), (scan.name, scan.read_bytes())])
    seen: list[tuple[str, int, int]] = []
    shown: list[str] = []
    deadline = time.monotonic() + 300
    while True:
        body = reviewer.get(f"/api/uploads/batches/{batch_id}").json()
        for r in body["reading"]:
            if (r["name"], r["done"], r["pages"]) not in seen:
                seen.append((r["name"], r["done"], r["pages"]))
        if body["reading"] and not shown:
            html = reviewer.get(f"/uploads/batches/{batch_id}/progress").text
            shown = [line for line in html.splitlines() if f"正在识别 {scan.name}，已识别 " in line]
        if body["done"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert body["done"] is True, body
    statuses = {f["name"]: f["status"] for f in body["files"]}
    assert statuses == {seed.name: "done", scan.name: "done"}, body["files"]
    assert seen and seen[0] == (scan.name, 1, 2), seen
    assert seen == sorted(seen) and {s[2] for s in seen} == {2} and {s[0] for s in seen} == {scan.name}
    assert shown and "/2 页" in shown[0], shown
    assert body["reading"] == []
    assert state(web_app).scan_pages.of(batch_id) == ()
    final = reviewer.get(f"/uploads/batches/{batch_id}/progress").text
    assert "正在识别" not in final


def test_a_single_upload_shows_the_pages_of_its_scan(web_app: FastAPI, client: People) -> None:
    """The upload page sends each file with a token and polls its scan's pages by it while the
    request is read: the sender's own token shows them, another user's poll of it nothing."""
    scan = SCANS / "002-150dpi.tif"
    sender, watcher, other = client("reviewer"), client("reviewer"), client("admin")
    token = secrets.token_hex(16)
    answer: dict[str, Any] = {}

    def send() -> None:
        response = sender.post(
            "/api/uploads",
            files={"file": (scan.name, scan.read_bytes())},
            data={"progress": token},
            headers={"X-CSRF-Token": sender.csrf},
        )
        answer.update(response.json(), http=response.status_code)

    thread = threading.Thread(target=send)
    thread.start()
    seen: list[tuple[str, int, int]] = []
    foreign: list[object] = []
    while thread.is_alive():
        for r in watcher.get(f"/api/uploads/reading/{token}").json()["reading"]:
            if (r["name"], r["done"], r["pages"]) not in seen:
                seen.append((r["name"], r["done"], r["pages"]))
        foreign += other.get(f"/api/uploads/reading/{token}").json()["reading"]
        time.sleep(0.1)
    thread.join()
    assert answer["http"] == 201 and answer["status"] == "done", answer
    assert seen and seen[0] == (scan.name, 1, 2) and seen == sorted(seen), seen
    assert foreign == []
    assert watcher.get(f"/api/uploads/reading/{token}").json() == {"reading": []}
    assert watcher.get("/api/uploads/reading/not-a-token").status_code == 400
