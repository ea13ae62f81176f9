"""Issue 15 item 10 (and the upload half of item 13): duplicate detection across units told unit B
that unit A already held the same bytes, and stored nothing for B. Now each unit gets its own
document and evaluation of the same bytes, the bytes are kept once, B learns nothing about A, and
the upload result names the unit the evaluation was saved under and, when it differs, the unit
the document itself names.

Against a real ``jixiao serve`` with a real Word report of the test corpus.
"""

from __future__ import annotations

from pathlib import Path

from live_server import UNIT_A
from live_server import UNIT_B
from live_server import LiveServer
from live_server import live_fixture  # noqa: F401

FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"
REPORT = FORMATS / "001_report.docx"
NAMED = FORMATS / "003_report.docx"  # names its unit (高营镇人民政府)


def _upload(live: LiveServer, who: str, data: bytes, name: str) -> tuple[int, dict[str, object]]:
    client, csrf = live.login(who)
    try:
        answer = client.post(
            "/api/uploads",
            files={"file": (name, data, "application/octet-stream")},
            headers={"X-CSRF-Token": csrf},
        )
        return answer.status_code, answer.json()
    finally:
        client.close()


def test_the_same_bytes_from_two_units_give_each_its_own_evaluation(live: LiveServer) -> None:
    data = REPORT.read_bytes()
    status_a, first = _upload(live, "unit_a", data, "甲单位报告.docx")
    assert status_a == 201, first
    status_b, second = _upload(live, "unit_b", data, "乙单位报告.docx")
    # B's upload is new to B: stored, with its own evaluation; not "known", no word about A.
    assert status_b == 201, second
    assert second["status"] in ("done", "unreadable")
    assert second["evaluation_id"] != first["evaluation_id"]
    assert second["stored_unit"] == UNIT_B and first["stored_unit"] == UNIT_A
    text = str(second)
    assert "已上传过" not in text and UNIT_A not in text and "甲单位报告" not in text

    # Each unit sees only its own; the bytes are kept once.
    client_b, _ = live.login("unit_b")
    assert client_b.get(f"/api/evaluations/{first['evaluation_id']}").status_code == 404
    assert client_b.get(f"/api/evaluations/{second['evaluation_id']}").status_code == 200
    client_b.close()
    kept = [p for p in (live.data_dir / "documents").rglob("*") if p.is_file()]
    assert len(kept) == 1 and kept[0].read_bytes() == data

    # A second upload by B is B's own duplicate: linked to B's evaluation.
    status_again, again = _upload(live, "unit_b", data, "又一次.docx")
    assert status_again == 200 and again["status"] == "known"
    assert again["evaluation_id"] == second["evaluation_id"]


def test_the_result_shows_both_units_when_the_document_names_another(live: LiveServer) -> None:
    data = NAMED.read_bytes()
    status, result = _upload(live, "unit_a", data, "报告.docx")
    assert status == 201, result
    named = result["unit"]
    assert named == "高营镇人民政府"
    assert result["stored_unit"] == UNIT_A
    assert result["unit_text"] == f"{UNIT_A}（文件中填写的单位：{named}）"
    # The no-JS form's result page says it too.
    client, csrf = live.login("unit_a")
    page = client.post(
        "/upload",
        files={
            "files": (
                "报告2.docx",
                FORMATS.joinpath("004_table.docx").read_bytes(),
                "application/octet-stream",
            )
        },
        data={"csrf_token": csrf},
    )
    client.close()
    assert page.status_code == 200, page.text
    assert f"单位 {UNIT_A}（文件中填写的单位：武汉市东湖新技术开发区花山街道办事处）" in page.text


def test_the_exported_form_names_both_units_when_they_differ(live: LiveServer) -> None:
    """Item 13: the 自评表 of a unit user's upload whose document names another unit says both."""
    from io import BytesIO

    from openpyxl import load_workbook

    status, result = _upload(live, "unit_b", NAMED.read_bytes(), "报告.docx")
    assert status in (200, 201), result
    client, _ = live.login("unit_b")
    answer = client.get(f"/evaluations/{result['evaluation_id']}/export/table.xlsx")
    client.close()
    assert answer.status_code == 200, answer.text[:300]
    book = load_workbook(BytesIO(answer.content))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert any(f"{UNIT_B}（文件中填写的单位：高营镇人民政府）" in c for c in cells), cells[:20]
