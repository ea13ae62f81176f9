"""Uploading a scan through the web app: a phone photo (.jpg) of a printed 自评表 is read by OCR and
stored with the facts its text-layer PDF gives."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from jixiao.intake.pipeline import extract_file
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
