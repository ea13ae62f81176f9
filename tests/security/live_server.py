"""A real ``jixiao serve`` for the web attack tests: a child process on a free port, its own data
directory, database and temporary directory (``TMPDIR``, so what a request spools to disk can be
measured), and the users of ``tests/web`` (an admin, a reviewer and two units' users).

Import the fixture into a test module: ``from live_server import live_fixture  # noqa: F401`` (the fixture is called ``live``).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from jixiao.storage.accounts import Accounts
from jixiao.storage.accounts import Role
from jixiao.storage.db import open_database
from jixiao.web.security import hash_password

UNIT_A = "某市教育局"
UNIT_B = "某市文化旅游局"
PASSWORD = "Test-pass-123"
PEOPLE = {
    "admin": (Role.ADMIN, None),
    "reviewer": (Role.REVIEWER, None),
    "unit_a": (Role.UNIT, UNIT_A),
    "unit_b": (Role.UNIT, UNIT_B),
}
MAX_FILE_MB = 1  # the upload cap of the test server


@dataclass(frozen=True, slots=True)
class LiveServer:
    port: int
    data_dir: Path
    tmp: Path  # the server's TMPDIR
    database_url: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)  # type: ignore[arg-type]

    def login(self, username: str, password: str = PASSWORD) -> tuple[httpx.Client, str]:
        """A client logged in as ``username`` and its session's CSRF token."""
        client = self.client()
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text
        answer = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token.group(1), "next": "/"},
        )
        assert answer.status_code in (200, 303), answer.text
        home = client.get("/evaluations")
        meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text)
        assert meta, home.text
        return client, meta.group(1)

    def disk_usage(self) -> int:
        """Bytes in the server's temporary directory and its uploads folder right now."""
        total = 0
        for root in (self.tmp, self.data_dir / "uploads"):
            for path in root.rglob("*"):
                with contextlib.suppress(OSError):
                    if path.is_file():
                        total += path.stat().st_size
        return total


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(
    tmp_path: Path, *, env_extra: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], LiveServer]:
    data_dir = tmp_path / "data"
    tmp = tmp_path / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{data_dir / 'jixiao.db'}"
    db = open_database(url)
    accounts = Accounts(db)
    hashed = hash_password(PASSWORD)
    for name, (role, unit) in PEOPLE.items():
        if accounts.by_username(name) is None:
            accounts.add_user(name, hashed, role, unit=unit)
    db.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env.update({"JIXIAO_DATA_DIR": str(data_dir), "JIXIAO_MAX_FILE_MB": str(MAX_FILE_MB), "TMPDIR": str(tmp)})
    env.update(env_extra or {})
    command = [sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--workers", "1"]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True
    )
    server = LiveServer(port, data_dir, tmp, url)
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"GET /login HTTP/1.0\r\n\r\n")
            if conn.recv(12).startswith(b"HTTP/1.1 200"):
                return proc, server
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise AssertionError(f"jixiao serve did not start: {proc.communicate()}")
        time.sleep(0.3)


def stop(proc: subprocess.Popen[str]) -> str:
    """Stop the server; its stderr (a traceback there means a request crashed it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    return err


@pytest.fixture(scope="module", name="live")
def live_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for a test module (starting one takes seconds on a loaded machine)."""
    proc, server = start(tmp_path_factory.mktemp("live"))
    try:
        yield server
    finally:
        err = stop(proc)
    assert "Traceback" not in err, err
