"""One long-lived LibreOffice per jixiao process, started on first need and reused.

Starting LibreOffice costs about two seconds; converting a report once it runs, a tenth of that.
So each process (the CLI, each batch worker, the web server) keeps one office running behind the
helper :mod:`jixiao.office.server` (run under a Python that can ``import uno``) and sends it one conversion at a time over a pipe.

The guarantees:

- a conversion has a timeout; when it runs out, or the office crashes, the helper's whole process
  group (the helper, ``oosplash``, ``soffice.bin``) is killed and the next conversion starts a
  fresh office, so a batch goes on (a crash is retried once on the fresh office: it may have
  been the office's state, not the file);
- an office is renewed after :data:`RENEW_AFTER` conversions (LibreOffice's memory grows);
- every office has its own profile directory (LibreOffice locks its profile), removed when it
  ends; a forked child never uses its parent's office, it starts its own;
- nothing outlives jixiao: the offices end at exit, and the helper kills its group itself when
  its parent dies, ``kill -9`` included (it watches its parent pid and its stdin).

Offices are kept per set of extra environment variables (the exporters' ``FONTCONFIG_FILE``),
so a process that reads and writes PDFs may run two.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from jixiao.office.errors import ConversionError

START_TIMEOUT = 120.0
RENEW_AFTER = 1000  # conversions one office serves before a fresh one takes over
SERVER = Path(__file__).with_name("server.py")
_UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")


def uno_python() -> str | None:
    """A Python that can ``import uno`` (``JIXIAO_OFFICE_PYTHON``, empty for none), or ``None``:
    then every conversion starts its own LibreOffice (:mod:`jixiao.office.oneshot`)."""
    override = os.environ.get("JIXIAO_OFFICE_PYTHON")
    if override is not None:
        return override or None
    return _found_uno_python()


_checked: dict[str, bool] = {}


def _found_uno_python() -> str | None:
    for candidate in _UNO_PYTHONS:
        if candidate not in _checked:
            ok = Path(candidate).exists()
            if ok:
                probe = subprocess.run(
                    [candidate, "-c", "import uno"], capture_output=True, timeout=60, check=False
                )
                ok = probe.returncode == 0
            _checked[candidate] = ok
        if _checked[candidate]:
            return candidate
    return None


@dataclass(eq=False)
class Office:
    """One helper and its LibreOffice: started on first use, one conversion at a time."""

    exe: str
    python: str
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    office_pid: int | None = None
    profile: str | None = None
    _buffer: bytes = b""
    served: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        profile = tempfile.mkdtemp(prefix="jixiao-office-")
        self.profile = profile
        run_env = {**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp", **self.env}
        run_env.pop("PYTHONPATH", None)
        run_env.pop("PYTHONHOME", None)
        args = [self.python, str(SERVER), str(os.getpid()), self.exe]
        args += [Path(profile, "user").as_uri(), f"jixiao-{os.getpid()}-{uuid.uuid4().hex}"]
        try:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=run_env,
                start_new_session=True,
            )
        except OSError as exc:
            self.stop()
            raise ConversionError(f"无法启动 LibreOffice（{exc}）") from None
        ready = self._answer(START_TIMEOUT)
        if ready is None or "ready" not in ready:
            why = f"：{ready['error']}" if ready and ready.get("error") else ""
            self.stop()
            raise ConversionError(f"无法启动 LibreOffice{why}")
        self.office_pid = int(ready["ready"])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def convert(self, source: Path, result: Path, timeout: float) -> None:
        """Convert ``source`` into ``result`` (the format by its suffix) within ``timeout``."""
        if self.served >= RENEW_AFTER:
            self.stop()  # a fresh office now and then: LibreOffice's memory only grows
        if not self.alive():
            self.stop()
            self.start()
        self.served += 1
        assert self.proc is not None and self.proc.stdin is not None
        request = {"src": str(source.resolve()), "dst": str(result.resolve())}
        try:
            self.proc.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            self.stop()
            raise _Crashed() from None
        answer = self._answer(timeout)
        if answer is None:
            timed_out = self.alive()
            self.stop()
            if not timed_out:
                raise _Crashed()
            raise ConversionError(f"LibreOffice 转换超时（超过 {timeout:.0f} 秒），已中止")
        if answer.get("crashed"):
            self.stop()
            raise _Crashed()
        if not answer.get("ok"):
            raise ConversionError(
                f"LibreOffice 无法转换此文件（文件可能已损坏或已加密）：{answer.get('error', '')}"
            )

    def _answer(self, timeout: float) -> dict[str, Any] | None:
        """The helper's next line, or ``None`` when it ends or the time runs out."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):  # not the helper's answer: the helper has gone wrong
            return {"crashed": True, "error": "LibreOffice 辅助进程的回答无法识别"}
        return answer

    def stop(self) -> None:
        """Kill the helper's whole group (LibreOffice with it) and remove the profile."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
        self.proc, self.office_pid, self._buffer, self.served = None, None, b"", 0
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None


class _Crashed(ConversionError):
    def __init__(self) -> None:
        super().__init__("LibreOffice 进程意外退出，未能转换此文件")


@dataclass
class _Registry:
    """This process's offices, by (LibreOffice, Python, extra variables)."""

    offices: dict[tuple[str, str, tuple[tuple[str, str], ...]], Office] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_registry = _Registry()


def office_for(exe: str, python: str, env: dict[str, str]) -> Office:
    """This process's office for ``exe`` with the extra variables ``env``."""
    key = (exe, python, tuple(sorted(env.items())))
    with _registry.lock:
        found = _registry.offices.get(key)
        if found is None:
            found = _registry.offices[key] = Office(exe, python, dict(env))
        return found


def convert(exe: str, python: str, source: Path, result: Path, timeout: float, env: dict[str, str]) -> None:
    """Convert ``source`` into ``result`` on this process's office (a crash is retried once)."""
    office = office_for(exe, python, env)
    with office.lock:
        try:
            office.convert(source, result, timeout)
        except _Crashed:
            office.convert(source, result, timeout)


def running() -> list[tuple[int, int, str]]:
    """This process's running offices: (helper pid, soffice pid, profile directory)."""
    with _registry.lock:
        return [
            (o.proc.pid, o.office_pid, o.profile)
            for o in _registry.offices.values()
            if o.alive() and o.proc is not None and o.office_pid is not None and o.profile is not None
        ]


def shutdown() -> None:
    """End every office of this process (at exit; tests call it too)."""
    with _registry.lock:
        offices = list(_registry.offices.values())
        _registry.offices.clear()
    for office in offices:
        office.stop()


def _forget_in_child() -> None:
    # A forked child must not talk to (or kill) its parent's offices: it starts its own.
    _registry.offices = {}
    _registry.lock = threading.Lock()


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_in_child)
