"""A throwaway PostgreSQL server for the tests, and the pytest fixtures that use it.

``start_server()`` creates a fresh cluster in a new temporary directory, starts it on a free port
of 127.0.0.1 only (its unix socket inside that directory, durability switched off: tests need
speed, not crash safety) and returns a `Server`; ``Server.stop()`` stops it and removes the
directory. A server is also stopped when the interpreter exits (atexit), and a small watchdog
process stops it if the test process dies without running atexit (SIGKILL, SIGTERM), so no
server outlives the tests.

PostgreSQL refuses to run as root: as root the cluster belongs to the OS user ``postgres`` that
the Debian package creates, otherwise to the current user. The server binaries are taken from
the newest ``/usr/lib/postgresql/<major>/bin`` (Debian), else from PATH; ``scripts/system-deps``
installs them. Without them the fixtures fail (they do not skip): the storage tests must not
pass silently without PostgreSQL.

Escape hatch: set ``JIXIAO_TEST_POSTGRES_URL`` (e.g. ``postgresql://user:pw@host:5432/postgres``)
to use an existing server instead of starting one; its user needs the CREATEDB privilege, and
the tests create and drop their own databases (``t_<hex>``) there, nothing else.

Fixtures (import them into a conftest): ``postgres_server`` (session-scoped, started on first
use) and ``postgres_url`` (a fresh empty database per test, dropped afterwards)::

    def test_roundtrip(postgres_url: str) -> None:
        engine = sqlalchemy.create_engine(postgres_url)
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import pytest

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import URL

URL_ENV = "JIXIAO_TEST_POSTGRES_URL"
DRIVER = "postgresql+psycopg"
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 60
PORT_ATTEMPTS = 5
DEBIAN_BIN_ROOT = Path("/usr/lib/postgresql")  # <major>/bin/{initdb,pg_ctl,postgres}

# Appended to postgresql.conf. Test data is thrown away, so nothing has to survive a crash.
SERVER_SETTINGS: dict[str, str] = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "autovacuum": "off",  # short-lived databases; also keeps the 2-core CI machines quiet
    "jit": "off",  # compiling queries only costs time on test-sized data
}


class PostgresNotInstalledError(RuntimeError):
    """The PostgreSQL server programs (initdb, pg_ctl, postgres) are not installed."""


class PostgresStartError(RuntimeError):
    """A throwaway PostgreSQL server could not be created or started."""


def find_bin_dir() -> Path:
    """The directory of initdb/pg_ctl/postgres: the newest Debian major version, else PATH."""
    found: list[tuple[tuple[int, ...], Path]] = []
    for initdb in DEBIAN_BIN_ROOT.glob("*/bin/initdb"):
        version = initdb.parent.parent.name
        if re.fullmatch(r"\d+(\.\d+)*", version):
            found.append((tuple(int(part) for part in version.split(".")), initdb.parent))
    if found:
        return max(found)[1]
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    raise PostgresNotInstalledError(
        "PostgreSQL server is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH). "
        "Run scripts/system-deps to install it, or set "
        f"{URL_ENV}=postgresql://user@host:port/postgres to use an existing server."
    )


class Server:
    """A PostgreSQL server for tests: ours (throwaway) or an existing one (``JIXIAO_TEST_POSTGRES_URL``)."""

    def __init__(self, url: str, *, cluster: _Cluster | None = None, startup_seconds: float = 0.0) -> None:
        self.url = url  # SQLAlchemy URL of the maintenance database (postgres)
        self.startup_seconds = startup_seconds  # initdb + start; 0 for an existing server
        self._cluster = cluster

    @property
    def owned(self) -> bool:
        """True for a throwaway server started here (stop() stops it), False for an existing one."""
        return self._cluster is not None

    @property
    def port(self) -> int:
        port = _parse_url(self.url).port
        return 5432 if port is None else port

    @property
    def base_dir(self) -> Path | None:
        """The temporary directory holding data/, sock/ and server.log (None for an existing server)."""
        return None if self._cluster is None else self._cluster.base_dir

    @property
    def data_dir(self) -> Path | None:
        return None if self._cluster is None else self._cluster.data_dir

    def url_for(self, database: str) -> str:
        """The SQLAlchemy URL of another database on this server."""
        return _parse_url(self.url).set(database=database).render_as_string(hide_password=False)

    def connect(self, database: str | None = None) -> psycopg.Connection[Any]:
        """A psycopg connection (autocommit) to the maintenance database, or to ``database``."""
        url = _parse_url(self.url if database is None else self.url_for(database))
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        import psycopg

        return psycopg.connect(conninfo, autocommit=True, connect_timeout=10)

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        from psycopg import sql

        with self.connect() as conn:
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if self.owned and conn.info.server_version >= 150000:
                # Copying the template's files is about twice as fast as PostgreSQL 15's default
                # (WAL_LOG); the checkpoint it costs is nothing with fsync off. Not on a shared server.
                statement += sql.SQL(" STRATEGY FILE_COPY")
            conn.execute(statement)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever connections are still open to it."""
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the throwaway server and remove its directory (idempotent; no-op for an existing server)."""
        if self._cluster is not None:
            self._cluster.stop()
            _LIVE.discard(self)


def existing_server() -> Server | None:
    """The server named by ``JIXIAO_TEST_POSTGRES_URL``, if that is set."""
    raw = os.environ.get(URL_ENV, "").strip()
    if not raw:
        return None
    url = _parse_url(raw)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"{URL_ENV} must be a postgresql:// URL, not {url.drivername}://")
    return Server(url.set(drivername=DRIVER).render_as_string(hide_password=False))


def start_server() -> Server:
    """Create and start a throwaway cluster on a free port of 127.0.0.1 (see the module docstring)."""
    bin_dir = find_bin_dir()
    began = time.perf_counter()
    cluster = _Cluster(bin_dir)
    try:
        cluster.initdb()
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    server = Server(
        f"{DRIVER}://{SUPERUSER}@127.0.0.1:{cluster.port}/postgres",
        cluster=cluster,
        startup_seconds=time.perf_counter() - began,
    )
    _LIVE.add(server)
    return server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """The test session's PostgreSQL server, started when a test first asks for it."""
    server = existing_server() or start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: Server) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty database, dropped after the test."""
    name = f"t_{uuid.uuid4().hex}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


# --- the throwaway cluster ---------------------------------------------------------------------------


class _Cluster:
    """A cluster in its own temporary directory: data/, sock/ (unix socket), server.log."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = 0
        self._stopped = False
        # PostgreSQL refuses to run as root: then everything runs as the OS user postgres.
        self.user: int | None = None
        self.group: int | None = None
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PostgresStartError(
                    f"running as root, but there is no OS user {SUPERUSER!r} to run PostgreSQL as; "
                    "install PostgreSQL with scripts/system-deps (the Debian package creates it)"
                ) from None
            self.user, self.group = entry.pw_uid, entry.pw_gid
        self.base_dir = Path(tempfile.mkdtemp(prefix="jixiao-pg-", dir=self._temp_root()))
        self.data_dir = self.base_dir / "data"
        self.socket_dir = self.base_dir / "sock"
        self.log_file = self.base_dir / "server.log"
        self.socket_dir.mkdir()
        if self.user is not None and self.group is not None:
            for path in (self.base_dir, self.socket_dir):
                os.chown(path, self.user, self.group)
        # Started before initdb, so that even a half-made cluster goes away with the test process.
        self._watchdog = self._start_watchdog()

    def _temp_root(self) -> str | None:
        """The default temp dir, or /tmp when the postgres user could not reach it (a root-only TMPDIR)."""
        root = tempfile.gettempdir()
        if self.user is None:
            return root
        for directory in (Path(root), *Path(root).parents):
            mode = os.stat(directory).st_mode
            if not mode & 0o001:  # not searchable by others (postgres is neither owner nor group here)
                return "/tmp"
        return root

    def _env(self) -> dict[str, str]:
        # No PG* variables from the caller's shell (PGDATA, PGPORT, ...), and the C.UTF-8 locale
        # (built into Debian's glibc) whatever the caller's LANG: English server messages, which
        # start() reads, and no dependence on which locales a machine happens to have.
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PG", "LC_"))}
        env.pop("LANGUAGE", None)
        env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
        return env

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            cwd=self.base_dir,
            env=self._env(),
            user=self.user,
            group=self.group,
            extra_groups=None if self.user is None else [],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _stop_command(self) -> list[str]:
        return [
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-m",
            "immediate",
            "-w",
            "-t",
            "30",
            "stop",
        ]

    def _start_watchdog(self) -> subprocess.Popen[bytes]:
        spec = {
            "stop": self._stop_command(),
            "base_dir": str(self.base_dir),
            "data_dir": str(self.data_dir),
            "user": self.user,
            "group": self.group,
        }
        return subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, json.dumps(spec)],
            stdin=subprocess.PIPE,
            env=self._env(),  # not in its argv: anyone can read a command line
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to the test run must not kill it before it cleans up
        )

    def initdb(self) -> None:
        result = self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",  # the data is thrown away anyway
        )
        if result.returncode != 0:
            raise PostgresStartError(f"initdb failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        settings = dict(SERVER_SETTINGS, unix_socket_directories=_quote(str(self.socket_dir)))
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# jixiao tests: a throwaway server\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        """Start on a free port; another process may take the port in between, then try another one."""
        for _ in range(PORT_ATTEMPTS):
            self.port = _free_port()
            log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
            result = self._run(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                str(START_TIMEOUT_SECONDS),
                "-o",
                f"-p {self.port}",
                "start",
                timeout=START_TIMEOUT_SECONDS + 30,
            )
            if result.returncode == 0:
                return
            self._kill()  # pg_ctl gives up after its timeout but leaves a slow postmaster running
            log = self._read_log(log_start)
            if "Address already in use" not in log:
                raise PostgresStartError(
                    f"pg_ctl start failed ({result.returncode}):\n{result.stdout}{result.stderr}\n"
                    f"{self.log_file}:\n{log}"
                )
        raise PostgresStartError(f"no free port for PostgreSQL after {PORT_ATTEMPTS} attempts")

    def _read_log(self, offset: int) -> str:
        try:
            with self.log_file.open("rb") as log:
                log.seek(offset)
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def postmaster_pid(self) -> int | None:
        """The postmaster's pid from postmaster.pid, if the server is (or seems to be) running."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def _kill(self) -> None:
        """Immediate shutdown; SIGKILL the postmaster if pg_ctl could not stop it."""
        if not (self.data_dir / "postmaster.pid").exists():
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._run(*self._stop_command(), timeout=60)
        pid = self.postmaster_pid()
        if pid is not None and _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            self._kill()
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            if self._watchdog.stdin is not None:
                self._watchdog.stdin.close()  # EOF: the watchdog finds nothing left to do and exits
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._watchdog.wait(timeout=10)


# Runs in its own process with only the standard library: it waits for EOF on stdin, which comes
# when the test process has stopped the server (it closes the pipe) or has died in any way (the
# kernel closes it), then stops the server if it still runs and removes the directory.
_WATCHDOG = """
import json, os, shutil, signal, subprocess, sys
spec = json.loads(sys.argv[1])
sys.stdin.buffer.read()
pid_file = os.path.join(spec["data_dir"], "postmaster.pid")
if os.path.exists(pid_file):
    try:
        subprocess.run(spec["stop"], cwd=spec["base_dir"], user=spec["user"],
                       group=spec["group"], extra_groups=None if spec["user"] is None else [],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except Exception:
        pass
    try:
        with open(pid_file) as f:
            os.kill(int(f.readline()), signal.SIGKILL)
    except Exception:
        pass
shutil.rmtree(spec["base_dir"], ignore_errors=True)
"""


def _parse_url(url: str) -> URL:
    # Imported here, like psycopg, so that a process that only starts servers starts quickly.
    from sqlalchemy.engine import make_url

    return make_url(url)


def _quote(value: str) -> str:
    """A string literal for postgresql.conf."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _free_port() -> int:
    """A port that was free a moment ago (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie (which an init that never reaps may keep)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (not Linux), or it has just gone
        return not Path("/proc/self").exists()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


_LIVE: set[Server] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()
