"""Issue 15 item 9: the API could file a version under one year while its content said another
(``PUT /api/evaluations/{id}`` with a different year). One rule now for the web form and the
API: a version is filed under the year and unit its content names, and an edit may change
neither (the form keeps them fixed; the API refuses with 409 and a Chinese reason).

Against a real ``jixiao serve`` with a real Word report of the test corpus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from live_server import LiveServer
from live_server import live_fixture  # noqa: F401

REPORT = Path(__file__).resolve().parents[1] / "data" / "formats" / "003_report.docx"


def _contract(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k not in ("meta", "downloads")}


def test_a_put_may_not_move_a_version_to_another_year_or_unit(live: LiveServer) -> None:
    client, csrf = live.login("admin")
    uploaded = client.post(
        "/api/uploads",
        files={"file": (REPORT.name, REPORT.read_bytes(), "application/octet-stream")},
        headers={"X-CSRF-Token": csrf},
    ).json()
    first = uploaded["evaluation_id"]
    stored = client.get(f"/api/evaluations/{first}").json()
    year = stored["project"]["year"]
    assert year is not None and stored["meta"]["year"] == year

    moved = _contract(stored)
    moved["project"] = {**moved["project"], "year": year + 1}
    answer = client.put(f"/api/evaluations/{first}", json=moved, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 409, answer.text
    assert "修改不能变更年度" in answer.json()["detail"]

    elsewhere = _contract(stored)
    elsewhere["project"] = {**elsewhere["project"], "unit": "另一个单位"}
    answer = client.put(f"/api/evaluations/{first}", json=elsewhere, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 409, answer.text
    assert "修改不能变更单位" in answer.json()["detail"]

    # Nothing was filed: one version, under the year its content names.
    listed = client.get(f"/api/evaluations?year={year + 1}").json()
    assert listed["total"] == 0, listed
    assert client.get(f"/api/evaluations/{first}").json()["meta"]["latest_id"] == first

    # An edit that keeps both is saved as the next version, filed where its content says.
    renamed = _contract(stored)
    renamed["project"] = {**renamed["project"], "name": renamed["project"]["name"] + "（修订）"}
    answer = client.put(f"/api/evaluations/{first}", json=renamed, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200, answer.text
    new = answer.json()["id"]
    saved = client.get(f"/api/evaluations/{new}").json()
    assert saved["meta"]["year"] == saved["project"]["year"] == year
    client.close()
