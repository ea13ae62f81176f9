"""The HTTP protocol ``jixiao serve`` gives uvicorn: its httptools protocol (a C parser, where h11
is pure Python and showed in profiles under load), with Nagle's algorithm off.

With several server processes, uvicorn hands each one a listening socket that asyncio does not
recognise as TCP, so it leaves Nagle's algorithm on for the accepted connections, and every
keep-alive request after the first waits for the client's delayed ACK (about 40 ms, even for a
small stylesheet; Kludex/uvicorn#3149). Setting ``TCP_NODELAY`` on each connection, as asyncio
does for a socket it recognises, makes several processes as quick per request as one.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):  # not TCP after all: nothing to turn off
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
