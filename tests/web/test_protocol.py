"""``jixiao serve``'s HTTP protocol turns Nagle's algorithm off on every connection, also when the
listening socket is not recognisably TCP to asyncio (as uvicorn's worker processes get it)."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from uvicorn.config import Config
from uvicorn.server import ServerState

from jixiao.web.protocol import NoDelayHttpToolsProtocol


async def _app(scope: object, receive: object, send: object) -> None:  # never called
    raise AssertionError


async def _nodelay_of_accepted_connection() -> int:
    config = Config(app=_app, http=NoDelayHttpToolsProtocol, log_level="warning")
    config.load()
    state = ServerState()
    seen: asyncio.Queue[int] = asyncio.Queue()

    class Probe(NoDelayHttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            sock = transport.get_extra_info("socket")
            seen.put_nowait(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    # proto 0, as the socket uvicorn hands its workers: asyncio leaves such connections alone.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    server = await asyncio.get_running_loop().create_server(
        lambda: Probe(config=config, server_state=state, app_state={}), sock=listener
    )
    _, writer = await asyncio.open_connection(*listener.getsockname())
    try:
        return await asyncio.wait_for(seen.get(), timeout=10)
    finally:
        writer.close()
        server.close()
        for connection in list(state.connections):
            connection.shutdown()
        await server.wait_closed()


def test_every_connection_has_nagle_off() -> None:
    # In a thread of its own: another test's event loop (Playwright's) may run in this one.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, _nodelay_of_accepted_connection()).result() != 0
