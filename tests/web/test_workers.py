"""``jixiao serve --workers N``'s processes: each on a socket of its own sharing the port, new
connections spread over them, a dead one started again, a failing one not restarted for ever."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao.errors import JixiaoError
from jixiao.web import workers
from jixiao.web.workers import Workers

pytestmark = pytest.mark.skipif(
    not workers.supported(), reason="SO_REUSEPORT spreads connections on Linux only"
)


def tell_pid(sock: socket.socket) -> None:
    """A worker that answers every connection with its process id."""
    while True:
        conn, _ = sock.accept()
        with conn:
            conn.sendall(str(os.getpid()).encode())


def exit_at_once(sock: socket.socket) -> None:
    raise SystemExit(3)


def _pid(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        return int(conn.recv(32))


class Running:
    def __init__(self, w: Workers) -> None:
        self.workers = w
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        self.code = self.workers.run()


@pytest.fixture
def messages() -> list[str]:
    return []


@pytest.fixture
def served(messages: list[str]) -> Iterator[tuple[Running, int]]:
    sockets = workers.bind("127.0.0.1", 0, 2)
    port = sockets[0].getsockname()[1]
    assert {s.getsockname()[1] for s in sockets} == {port}  # a free port, shared
    running = Running(Workers(sockets, tell_pid, report=messages.append, signals=False))
    yield running, port
    running.workers.stop()
    running.thread.join(60)
    assert running.code == 0


def test_connections_are_spread_over_the_processes(served: tuple[Running, int]) -> None:
    _, port = served
    seen = Counter(_pid(port) for _ in range(48))
    assert len(seen) == 2
    # uvicorn's shared socket gave one process 15 of 16; by hash each gets about half (below 10
    # of 48 has odds of about 1 in 100,000)
    assert min(seen.values()) >= 10, seen


def test_a_process_that_dies_is_started_again(served: tuple[Running, int], messages: list[str]) -> None:
    _, port = served
    first = {_pid(port) for _ in range(24)}
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert messages and str(victim) in messages[0] and "重新启动" in messages[0]
    later: set[int] = set()
    while len(later) < 2 and time.monotonic() < deadline:
        later.add(_pid(port))
    assert len(later) == 2 and victim not in later


def test_a_process_that_keeps_failing_at_start_stops_the_server(messages: list[str]) -> None:
    sockets = workers.bind("127.0.0.1", 0, 1)
    code = Workers(sockets, exit_at_once, report=messages.append, signals=False).run()
    assert code == 1
    assert "连续" in messages[-1] and "已停止服务" in messages[-1]


def test_a_port_in_use_is_refused_in_chinese() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(JixiaoError, match=f"无法监听 127.0.0.1:{port}"):
            workers.bind("127.0.0.1", port, 2)
        # nor does a second jixiao join the first one's port
        first = workers.bind("127.0.0.1", 0, 2)
        try:
            with pytest.raises(JixiaoError, match="端口已被占用"):
                workers.bind("127.0.0.1", first[0].getsockname()[1], 2)
        finally:
            for sock in first:
                sock.close()


def test_ctrl_c_stops_jixiao_serve_quietly(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops the parent and
    every server process, with exit code 0 and no traceback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env["JIXIAO_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=1) as conn,
            ):
                conn.sendall(b"GET /login HTTP/1.0\r\n\r\n")
                if conn.recv(12).startswith(b"HTTP/1.1 200"):
                    break
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    assert "2 个服务进程" in out
