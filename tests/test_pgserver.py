"""The throwaway PostgreSQL server of the tests (tests/pgserver.py) and its fixtures.

The fixtures come from tests/conftest.py (``pytest_plugins = ["pgserver"]``).
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Column
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import create_engine
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

import pgserver
from pgserver import Server
from pgserver import start_server

TESTS_DIR = Path(__file__).parent
own_server_only = pytest.mark.skipif(
    bool(os.environ.get(pgserver.URL_ENV)),
    reason=f"{pgserver.URL_ENV} is set: the tests use that server, not a throwaway one",
)


def _items(metadata: MetaData) -> Table:
    return Table(
        "items",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", Text, nullable=False),
    )


def test_sqlalchemy_roundtrip(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")
    engine = create_engine(postgres_url)
    try:
        assert inspect(engine).get_table_names() == []  # a fresh, empty database
        items = _items(MetaData())
        items.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(items.insert(), [{"name": "项目支出绩效自评"}])
        with engine.connect() as conn:
            assert conn.execute(select(items.c.id, items.c.name)).one() == (1, "项目支出绩效自评")
            assert conn.execute(text("SHOW server_encoding")).scalar_one() == "UTF8"
    finally:
        engine.dispose()


def test_databases_are_isolated(postgres_server: Server, postgres_url: str) -> None:
    other_name = f"t_{uuid.uuid4().hex}"
    other_url = postgres_server.create_database(other_name)
    engines = [create_engine(postgres_url), create_engine(other_url)]
    try:
        _items(MetaData()).create(engines[0])
        with engines[0].begin() as conn:
            conn.execute(text("INSERT INTO items (name) VALUES ('only here')"))
        assert inspect(engines[0]).get_table_names() == ["items"]
        assert inspect(engines[1]).get_table_names() == []
    finally:
        for engine in engines:
            engine.dispose()
        postgres_server.drop_database(other_name)
    with postgres_server.connect() as conn:
        names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    assert other_name not in names
    assert postgres_url.rsplit("/", 1)[1] in names  # dropped after the test, not before


@own_server_only
def test_listens_only_on_loopback(postgres_server: Server) -> None:
    assert postgres_server.owned and postgres_server.base_dir is not None
    port = postgres_server.port
    with postgres_server.connect() as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        socket_dirs = conn.execute("SHOW unix_socket_directories").fetchone()
    assert socket_dirs == (str(postgres_server.base_dir / "sock"),)
    # Every listening TCP socket on the port is bound to 127.0.0.1; none on IPv6.
    listening = _listening_addresses(port)
    assert listening == {("tcp", "0100007F")}, listening
    # Another loopback address of this machine (all of 127/8 is local on Linux) is not served.
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.2", port), timeout=5):
        pass
    expected_owner = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
    assert postgres_server.base_dir.stat().st_uid == expected_owner


def _listening_addresses(port: int) -> set[tuple[str, str]]:
    """(table, hex local address) of the LISTEN sockets on a port, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("tcp", "tcp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: TCP_LISTEN
                found.add((table, address))
    return found


@own_server_only
def test_stop_leaves_nothing_behind() -> None:
    server = start_server()
    assert server.base_dir is not None and server.data_dir is not None
    base_dir, data_dir = server.base_dir, server.data_dir
    try:
        assert server.startup_seconds < 30, server.startup_seconds
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        assert pgserver._alive(pid)
        with server.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        server.stop()
    assert not pgserver._alive(pid)
    assert not base_dir.exists()
    assert not _processes_mentioning(str(data_dir))
    server.stop()  # a second stop is harmless


def _processes_mentioning(needle: str) -> list[int]:
    """Pids of live processes whose command line contains ``needle``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if needle in cmdline and pgserver._alive(int(entry.name)):
                pids.append(int(entry.name))
    return pids


# Starts a server, reports it, then ends the way the test asks: an uncaught exception (atexit
# runs) or SIGKILL (nothing runs in the process; the watchdog must clean up).
_CHILD = """
import json, os, signal, sys
sys.path.insert(0, sys.argv[2])
import pgserver
server = pgserver.start_server()
pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
print(json.dumps({"pid": pid, "base_dir": str(server.base_dir)}), flush=True)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
raise RuntimeError("a test crashed")
"""


@own_server_only
def test_no_server_outlives_its_process() -> None:
    # Both endings at once: each child spends most of its time starting Python and PostgreSQL.
    children = {
        ending: subprocess.Popen(
            [sys.executable, "-c", _CHILD, ending, str(TESTS_DIR)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ending in ("crash", "kill")
    }
    for ending, child in children.items():
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode != 0, ending
        started = json.loads(stdout)
        pid, base_dir = started["pid"], Path(started["base_dir"])
        deadline = time.monotonic() + 30
        while (pgserver._alive(pid) or base_dir.exists()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pgserver._alive(pid), (ending, stderr)
        assert not base_dir.exists(), ending


def test_missing_postgresql_is_an_error_not_a_skip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pgserver, "DEBIAN_BIN_ROOT", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pgserver.PostgresNotInstalledError, match="scripts/system-deps"):
        start_server()


def test_existing_server_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pgserver.URL_ENV, raising=False)
    assert pgserver.existing_server() is None
    monkeypatch.setenv(pgserver.URL_ENV, "postgresql://u:p%40ss@db.example:6543/postgres")
    server = pgserver.existing_server()
    assert server is not None and not server.owned
    assert server.url == "postgresql+psycopg://u:p%40ss@db.example:6543/postgres"
    assert server.url_for("t_x") == "postgresql+psycopg://u:p%40ss@db.example:6543/t_x"
    server.stop()  # not ours: nothing happens
    monkeypatch.setenv(pgserver.URL_ENV, "sqlite:///x.db")
    with pytest.raises(ValueError, match="postgresql"):
        pgserver.existing_server()
