"""``jixiao serve --workers N``: N server processes, each listening on a socket of its own.

uvicorn's own workers share one listening socket, and the kernel then hands nearly every new
connection to the same waiting process: in the web benchmark one process held 15 of the 16
keep-alive connections while the other idled, so a page waited for one core (Python runs one
request at a time per process) with the other one free. Here every process listens on its own
socket, all bound to the same address with ``SO_REUSEPORT``, and Linux spreads new connections
over them (by a hash of the client's address and port).

The parent binds the sockets (so a port already in use is reported before anything starts), starts
the processes, starts again one that dies (on the same socket: connections the kernel gave it wait
in its queue), and stops them all on Ctrl-C or SIGTERM. A process that dies within
:data:`QUICK_EXIT` seconds of starting :data:`QUICK_EXITS` times in a row (the database is gone,
say) stops the server with an error instead of being restarted for ever.

Without ``SO_REUSEPORT`` (not Linux), :func:`supported` is false and ``jixiao serve`` uses
uvicorn's shared socket.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess

from jixiao.errors import JixiaoError

BACKLOG = 2048
QUICK_EXIT = 10.0
QUICK_EXITS = 3
STOP_SECONDS = 30.0
GRACE_SECONDS = 1.0
"""On Ctrl-C every process gets the signal itself; a second one would make uvicorn drop the
requests under way, so the processes get this long to stop on their own before SIGTERM."""


def supported() -> bool:
    """Whether the kernel spreads connections over sockets sharing a port (Linux does)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _address(host: str, port: int) -> tuple[socket.AddressFamily, tuple[object, ...]]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise JixiaoError(f"无法解析监听地址 {host}：{exc.strerror}") from None
    family, _, _, _, address = infos[0]
    return family, address


def bind(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` listening sockets on ``host:port`` sharing the port; refused, in Chinese, when
    another program listens there already (a plain bind is tried first: with ``SO_REUSEPORT``
    alone a second jixiao of the same user would silently share the port)."""
    family, address = _address(host, port)
    where = f"{host}:{port}"
    sockets: list[socket.socket] = []
    try:
        if port:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)
            if not port:  # the first socket got a free port: the others share that one
                address = (address[0], sock.getsockname()[1], *address[2:])
            sock.listen(BACKLOG)
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise JixiaoError(
            f"无法监听 {where}：{exc.strerror or exc}（端口已被占用？可用 --port 换一个）"
        ) from None
    return sockets


@dataclass(slots=True)
class _Slot:
    sock: socket.socket
    process: BaseProcess
    started: float
    quick_exits: int = 0


class Workers:
    """Runs ``target(sock)`` in one process per socket until stopped (see the module)."""

    def __init__(
        self,
        sockets: list[socket.socket],
        target: Callable[[socket.socket], None],
        *,
        report: Callable[[str], None] = print,
        signals: bool = True,
    ) -> None:
        self.sockets = sockets
        self.target = target
        self.report = report
        self.signals = signals  # stop on SIGINT/SIGTERM (only where run() is in the main thread)
        self._context = multiprocessing.get_context("spawn")
        self._stop = threading.Event()
        self._slots: list[_Slot] = []

    def _start(self, sock: socket.socket) -> BaseProcess:
        process = self._context.Process(target=self.target, args=(sock,), daemon=False)
        process.start()
        return process

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> int:
        """Serve until stopped (0), or until a process keeps dying at start (1)."""
        stopping = (signal.SIGINT, signal.SIGTERM) if self.signals else ()
        previous = {sig: signal.signal(sig, lambda *_: self.stop()) for sig in stopping}
        failed = False
        try:
            self._slots = [_Slot(s, self._start(s), time.monotonic()) for s in self.sockets]
            while not self._stop.wait(0.5):
                for slot in self._slots:
                    if slot.process.is_alive():
                        continue
                    lived = time.monotonic() - slot.started
                    slot.quick_exits = slot.quick_exits + 1 if lived < QUICK_EXIT else 0
                    if slot.quick_exits >= QUICK_EXITS:
                        self.report(
                            f"服务进程连续 {QUICK_EXITS} 次在启动后 {QUICK_EXIT:.0f} 秒内退出"
                            f"（退出码 {slot.process.exitcode}），已停止服务；请查看上面的错误信息"
                        )
                        failed = True
                        self._stop.set()
                        break
                    self.report(
                        f"服务进程 {slot.process.pid} 已退出（退出码 {slot.process.exitcode}），正在重新启动"
                    )
                    slot.process = self._start(slot.sock)
                    slot.started = time.monotonic()
        finally:
            self._shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            for sock in self.sockets:
                sock.close()
        return 1 if failed else 0

    def _shutdown(self) -> None:
        deadline = time.monotonic() + GRACE_SECONDS
        for slot in self._slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
        for slot in self._slots:
            if slot.process.is_alive():
                with contextlib.suppress(OSError):
                    slot.process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        deadline = time.monotonic() + STOP_SECONDS
        for slot in self._slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()


def serve_app(sock: socket.socket) -> None:
    """One server process: the app (:mod:`jixiao.web.asgi`, settings from the environment) on ``sock``."""
    import uvicorn

    from jixiao.web.protocol import NoDelayHttpToolsProtocol

    config = uvicorn.Config(
        "jixiao.web.asgi:app",
        log_level="warning",
        proxy_headers=True,
        http=NoDelayHttpToolsProtocol,
        backlog=BACKLOG,
    )
    # uvicorn stops gracefully on Ctrl-C, then raises the signal again: a KeyboardInterrupt,
    # whose traceback would be all a user sees of a normal stop.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
