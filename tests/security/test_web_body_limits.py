"""Issue 15 item 2: request bodies of any size were read to the end (a 1 GB body to ``POST /login``
spooled 810 MB to disk before its 403; the no-JS ``/upload`` form took 2 GB before saying the file
was too large). Every endpoint now refuses a body past its cap with a 413, by ``Content-Length``
before reading any of it and while a body without a length streams in, before spooling it.

Against a real ``jixiao serve`` (upload cap 1 MB, other requests 1 MB), over raw sockets so the
test controls exactly what is sent and sees how far the server let it get.
"""

from __future__ import annotations

import json
import select
import socket
import time

from live_server import LiveServer
from live_server import live_fixture  # noqa: F401

MB = 1024 * 1024
GB = 1024 * MB
CHUNK = 64 * 1024
BOUNDARY = "jixiaoattackboundary"


def _head(path: str, *, length: int | None, extra: str = "", boundary: str = BOUNDARY) -> bytes:
    framing = f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n{framing}{extra}\r\n"
    ).encode()


def _file_part(name: str = "报告.docx", field: str = "file") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def _read_answer(sock: socket.socket, wait: float = 20) -> bytes:
    sock.settimeout(wait)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and len(data) > 2000:
                break
    except (TimeoutError, ConnectionResetError):
        pass
    return data


def _stream(live: LiveServer, head: bytes, first: bytes, total: int) -> tuple[int, bytes, int, float]:
    """Send ``head`` then a chunked body (``first``, then zeros) of up to ``total`` bytes, stopping
    as soon as the server answers or closes. Returns the bytes sent, the answer, the most the
    server's temporary and uploads folders held meanwhile, and the seconds it took."""
    began = time.monotonic()
    sent = 0
    peak = 0
    payload = b"\0" * CHUNK
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as sock:
        sock.sendall(head)
        try:
            sock.sendall(b"%x\r\n%s\r\n" % (len(first), first))
            sent += len(first)
            while sent < total:
                if select.select([sock], [], [], 0)[0]:
                    break  # answered (or closed): stop sending
                sock.sendall(b"%x\r\n%s\r\n" % (CHUNK, payload))
                sent += CHUNK
                if sent % (16 * MB) < CHUNK:
                    peak = max(peak, live.disk_usage())
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = _read_answer(sock)
    return sent, answer, max(peak, live.disk_usage()), time.monotonic() - began


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def _body(answer: bytes) -> str:
    return answer.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")


def test_a_declared_gigabyte_to_login_is_refused_before_its_body(live: LiveServer) -> None:
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as sock:
        sock.sendall(_head("/login", length=GB))
        answer = _read_answer(sock, wait=10)
    assert _status(answer) == 413, answer[:300]
    assert "请求内容超过" in _body(answer) and "未接收" in _body(answer)
    assert b"connection: close" in answer.lower()
    assert time.monotonic() - began < 5


def test_a_streamed_gigabyte_to_login_is_cut_off_near_the_cap(live: LiveServer) -> None:
    sent, answer, peak, seconds = _stream(live, _head("/login", length=None), _file_part(), GB)
    assert _status(answer) == 413, answer[:300]
    assert "请求内容超过 1.0 MB" in _body(answer) or "请求内容超过 1 MB" in _body(answer), _body(answer)
    # What the socket buffers took beyond the 1 MB cap, never the gigabyte.
    assert sent < 64 * MB, sent
    assert peak < 2 * MB, peak
    assert seconds < 30


def test_the_no_js_upload_form_refuses_a_large_file_while_it_streams(live: LiveServer) -> None:
    client, csrf = live.login("unit_a")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    head = _head("/upload", length=None, extra=f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n")
    sent, answer, peak, _ = _stream(live, head, _file_part(), GB)
    assert _status(answer) == 413, answer[:300]
    assert "上传内容超过大小上限 1.0 MB" in _body(answer) or "上传内容超过大小上限 1 MB" in _body(answer)
    assert sent < 64 * MB, sent
    assert peak < 3 * MB, peak
    assert not list((live.data_dir / "uploads").glob("*"))


def test_the_upload_api_refuses_a_declared_oversize_body_in_json(live: LiveServer) -> None:
    client, csrf = live.login("unit_a")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    with socket.create_connection(("127.0.0.1", live.port), timeout=20) as sock:
        sock.sendall(
            _head("/api/uploads", length=2 * MB, extra=f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n")
        )
        sock.sendall(_file_part())
        answer = _read_answer(sock, wait=10)
    assert _status(answer) == 413
    assert "上传内容超过大小上限" in json.loads(_body(answer))["detail"]


def test_a_json_api_body_past_the_small_cap_is_refused(live: LiveServer) -> None:
    """Not only forms: a 2 MB JSON body to the evaluations API (cap 1 MB) is refused unread."""
    client, csrf = live.login("admin")
    answer = client.post(
        "/api/evaluations",
        content=b'{"x": "' + b"a" * (2 * MB) + b'"}',
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )
    assert answer.status_code == 413
    assert "请求内容超过" in answer.json()["detail"]


def test_ordinary_requests_under_the_caps_still_work(live: LiveServer) -> None:
    client, csrf = live.login("unit_a")  # a login form passes the small cap
    answer = client.post(
        "/api/uploads",
        files={"file": ("说明.txt", "项目名称：测试项目\n".encode() * 2000, "text/plain")},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code in (200, 201), answer.text
