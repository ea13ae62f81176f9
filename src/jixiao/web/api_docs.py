"""``/api/docs``: the REST API described on a page of this server.

FastAPI's Swagger page loads its script and styles from a CDN, which the app's own
Content-Security-Policy (``script-src 'self'``) blocks, and users sit on intranets anyway: the
page was blank. Instead, the OpenAPI description the app generates is shown as a plain
server-rendered table (method, path, summary, tag), with a link to the JSON itself
(``/api/openapi.json``) for tools that read it. No script, nothing from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import Response

from jixiao.web.deps import render

router = APIRouter()

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI description, grouped by tag, in path order within it."""
    found = [
        Operation(
            method.upper(),
            path,
            str(op.get("summary") or op.get("description") or "").strip(),
            str((op.get("tags") or ["其他"])[0]),
        )
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if method in _METHODS and isinstance(op, dict)
    ]
    tags = [str(t) for t in dict.fromkeys(o.tag for o in found)]
    return sorted(found, key=lambda o: (tags.index(o.tag), o.path, _METHODS.index(o.method.lower())))


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request) -> Response:
    spec = request.app.openapi()
    data = {
        "title": spec.get("info", {}).get("title", ""),
        "description": spec.get("info", {}).get("description", ""),
        "operations": operations(spec),
    }
    # Always the page: its JSON twin is /api/openapi.json itself.
    return render(request, "api_docs.html", data, html_only=True)
