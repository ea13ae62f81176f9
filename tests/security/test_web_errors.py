"""Issue 15 items 7 and 8: requests that answered HTTP 500 or left files behind.

- integers past 64 bits in ``year``, ``page`` or an id (``OverflowError``);
- malformed multipart and a file name over 4 KB on ``/api/uploads`` (``MultipartParseError``;
  the keep-alive connection was reset after it);
- a truncated upload left its partial file in ``<data_dir>/uploads/`` for 24 hours.

Against a real ``jixiao serve``: each answer is a 4xx with a Chinese message, the connection
still serves the next request, nothing is left in the uploads folder, and the server logs no
traceback (the fixture checks its stderr when it stops).
"""

from __future__ import annotations

import socket
import time

import pytest
from live_server import LiveServer
from live_server import live_fixture  # noqa: F401

HUGE = "9" * 30  # far past 64 bits
BOUNDARY = "jixiaoerrorsboundary"


@pytest.mark.parametrize(
    "path",
    [
        f"/evaluations/{HUGE}",
        f"/api/evaluations/{HUGE}",
        f"/evaluations/{HUGE}/edit",
        f"/api/evaluations/{HUGE}/original",
        f"/evaluations?year={HUGE}",
        f"/api/evaluations?year={HUGE}",
        f"/evaluations?page={HUGE}",
        f"/api/evaluations?page={HUGE}",
        f"/api/dashboard?year={HUGE}",
        f"/?year={HUGE}",
    ],
)
def test_huge_numbers_are_answered_with_a_4xx(live: LiveServer, path: str) -> None:
    client, _ = live.login("admin")
    answer = client.get(path)
    client.close()
    assert 400 <= answer.status_code < 500 or answer.status_code == 200, (
        answer.status_code,
        answer.text[:300],
    )
    if answer.status_code != 200:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.text), answer.text[:300]


def test_a_huge_id_in_a_form_post_is_a_4xx(live: LiveServer) -> None:
    client, csrf = live.login("reviewer")
    answer = client.post(f"/evaluations/{HUGE}/status", data={"csrf_token": csrf, "status": "approved"})
    client.close()
    assert 400 <= answer.status_code < 500, answer.text[:300]


def _raw(live: LiveServer, who: str) -> tuple[str, str]:
    client, csrf = live.login(who)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    client.close()
    return cookie, csrf


def _post(sock: socket.socket, cookie: str, csrf: str, body: bytes, *, length: int | None = None) -> None:
    head = (
        "POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n"
        f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\r\n"
    ).encode()
    sock.sendall(head + body)


def _answer(sock: socket.socket) -> tuple[int, str]:
    """One HTTP response (headers and a Content-Length body) from a keep-alive connection."""
    sock.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0
    return status, body.decode("utf-8", "replace")


@pytest.mark.parametrize(
    "body",
    [
        # a part header line without a colon
        f"--{BOUNDARY}\r\nthis is not a header\r\n\r\ndata\r\n--{BOUNDARY}--\r\n".encode(),
        # a file name of 5,000 characters
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{"报" * 5000}.docx"\r\n\r\n'
            f"data\r\n--{BOUNDARY}--\r\n"
        ).encode(),
        # bytes after the closing boundary that are not a boundary at all
        f"garbage\r\n--{BOUNDARY}X\r\n\r\n".encode(),
    ],
    ids=["header-without-colon", "file-name-5000", "garbage"],
)
def test_malformed_multipart_is_a_400_and_the_connection_lives_on(live: LiveServer, body: bytes) -> None:
    cookie, csrf = _raw(live, "unit_a")
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        _post(sock, cookie, csrf, body)
        status, text = _answer(sock)
        assert status in (400, 413, 415), (status, text)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
        # The same keep-alive connection answers the next request.
        sock.sendall(f"GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n\r\n".encode())
        status, text = _answer(sock)
        assert status == 200, text
    assert not list((live.data_dir / "uploads").glob("*"))


def test_a_truncated_upload_leaves_no_file(live: LiveServer) -> None:
    """The body ends (the client stops) in the middle of the file: its partial copy is removed
    as soon as the request fails, not 24 hours later."""
    cookie, csrf = _raw(live, "unit_a")
    start = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="报告.docx"\r\n\r\n'
        ).encode()
        + b"PK\x03\x04"
        + b"x" * 200_000
    )
    # Complete as sent (the Content-Length matches) but the multipart never ends.
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        _post(sock, cookie, csrf, start)
        status, text = _answer(sock)
    assert status == 400, text
    assert not list((live.data_dir / "uploads").glob("*"))
    # And a client that goes away mid-body.
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        _post(sock, cookie, csrf, start, length=len(start) * 3)
        time.sleep(1.0)  # the server has written some of it
    deadline = time.monotonic() + 10
    while list((live.data_dir / "uploads").glob("*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list((live.data_dir / "uploads").glob("*"))
