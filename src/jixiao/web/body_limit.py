"""Request bodies are bounded on every endpoint, before anything reads or spools them.

A plain ASGI middleware (like :class:`jixiao.web.app.SecurityHeaders`): it sits in front of every
route, so no form parser, dependency or handler ever sees more than its endpoint's cap. A request
announcing a larger ``Content-Length`` is answered 413 without reading its body; one sent without
a length (chunked) or lying about it is counted as it arrives and answered 413 the moment it
passes the cap. The route then only sees the body end (``http.disconnect``), whatever it was
doing, and the connection is closed, so the client cannot keep sending. A body that ends early
(refused here, or a client gone mid-upload) is not logged as a server error.

The caps: the upload endpoints take one file's limit (``max_file_mb``) plus room for the
multipart framing; everything else (login, forms, the JSON API) ``max_request_kb``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from jixiao.limits import human_size

# The endpoints that take files; each request carries at most one file's limit (plus framing).
UPLOAD_PATHS = frozenset({"/api/uploads", "/upload", "/uploads/batches"})
# Room for the multipart framing and the small fields around the file(s) of an upload.
UPLOAD_OVERHEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class BodyCaps:
    """The largest body an upload endpoint and any other endpoint accept, in bytes."""

    upload: int
    other: int

    def for_path(self, path: str) -> int:
        return self.upload + UPLOAD_OVERHEAD if path in UPLOAD_PATHS else self.other


def too_large_message(path: str, cap: int) -> str:
    if path in UPLOAD_PATHS:
        return f"上传内容超过大小上限 {human_size(cap - UPLOAD_OVERHEAD)}（每次请求），未接收；请分批上传"
    return f"请求内容超过 {human_size(cap)} 的上限，未接收"


def _refusal(scope: Scope, cap: int) -> tuple[Message, Message]:
    """The 413 answer: JSON for the API (and JSON clients), a short page otherwise."""
    path: str = scope["path"]
    message = too_large_message(path, cap)
    accept = b""
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            accept = value
    if path.startswith("/api/") or (b"application/json" in accept and b"text/html" not in accept):
        body = json.dumps({"detail": message}, ensure_ascii=False).encode()
        kind = b"application/json"
    else:
        body = (
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求过大</title>'
            f'<p>{message}</p><p><a href="/">返回首页</a></p></html>'
        ).encode()
        kind = b"text/html; charset=utf-8"
    start: Message = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            # The rest of the body is not read: the connection cannot carry another request.
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body, "more_body": False}


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return None


class BodyLimit:
    """Refuses (413) a request body larger than its endpoint's cap, by ``Content-Length`` and
    while it streams in."""

    def __init__(self, app: ASGIApp, caps: BodyCaps) -> None:
        self.app = app
        self.caps = caps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.caps.for_path(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > cap:
            for message in _refusal(scope, cap):
                await send(message)
            return

        received = 0
        refused = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    refused = True
                    if not started:
                        for answer in _refusal(scope, cap):
                            await send(answer)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # answered already: whatever the route says after is dropped
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except ClientDisconnect:
            # The body ended early: refused here (answered already), or the client went away
            # mid-body (nobody to answer). What the route had written is removed by the route.
            return
