"""Issue 15 item 12: ``/api/docs`` was blank (Swagger UI from a CDN, which the app's own CSP
blocks). It is now a page of this server: every API operation listed from the OpenAPI
description, the JSON linked, and nothing loaded from elsewhere, against a real ``jixiao serve``.
"""

from __future__ import annotations

import re

from live_server import LiveServer
from live_server import live_fixture  # noqa: F401


def test_api_docs_lists_the_api_with_nothing_from_elsewhere(live: LiveServer) -> None:
    with live.client() as client:
        page = client.get("/api/docs")
        spec = client.get("/api/openapi.json").json()
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # Every operation of the description is on the page.
    for path, item in spec["paths"].items():
        for method in item:
            assert f"<code>{method.upper()}</code></td><td><code>{path}</code>" in page.text, (method, path)
    assert 'href="/api/openapi.json"' in page.text
    # What the page loads comes from this server only (a "#main" skip link stays on the page).
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith(("/", "#")) and not s.startswith("//") for s in sources), sources
    assert "cdn" not in page.text.lower()
