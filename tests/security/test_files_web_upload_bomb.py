"""Issue 15 item 1 through the web upload: the server's reading workers have the same stream bound
and address-space cap as ``jixiao check``. A PDF whose content inflates to 800 MB, and one that
needs more memory than the worker may take, are stored as unreadable with the reason; the server
stays up and the next upload is read. Against a real ``jixiao serve`` (worker cap 250 MB)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer
from live_server import start
from live_server import stop
from test_files_pdf_bomb import MB
from test_files_pdf_bomb import flate_of_spaces
from test_files_pdf_bomb import one_page_pdf

FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    proc, server = start(tmp_path_factory.mktemp("capped"), env_extra={"JIXIAO_MAX_WORKER_MB": "250"})
    try:
        yield server
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err


def _upload(live: LiveServer, path: Path) -> dict[str, object]:
    client, csrf = live.login("unit_a")
    try:
        answer = client.post(
            "/api/uploads",
            files={"file": (path.name, path.read_bytes(), "application/pdf")},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status_code == 201, answer.text
        result: dict[str, object] = answer.json()
        return result
    finally:
        client.close()


def test_a_pdf_bomb_upload_is_unreadable_and_the_server_goes_on(capped: LiveServer, tmp_path: Path) -> None:
    bomb = one_page_pdf(tmp_path / "炸弹.pdf", flate_of_spaces(800 * MB))
    result = _upload(capped, bomb)
    assert result["status"] == "unreadable"
    assert "数据流解压后超过 150 MB（疑似压缩炸弹），已拒绝" in str(result["reason"])

    heavy = one_page_pdf(tmp_path / "超内存.pdf", flate_of_spaces(120 * MB))
    result = _upload(capped, heavy)
    assert result["status"] == "unreadable"
    assert "超过每个处理进程的内存上限 250 MB" in str(result["reason"])

    result = _upload(capped, FORMATS / "001_report.pdf")  # the next upload is read as ever
    assert result["status"] == "done", result
    assert result["project"] == "龙城街道办事处指挥部街道工作经费"
