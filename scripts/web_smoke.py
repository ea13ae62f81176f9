"""Start ``jixiao serve`` on a free port over $JIXIAO_DATA_DIR, log in as the demo user, print the
evaluation list as the web app serves it (its JSON twin), and stop the server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from decimal import Decimal

import httpx


def _points(value: str | None) -> str:
    """A score as the API gives it (an exact decimal string), to two places."""
    return "—" if value is None else f"{Decimal(value):.2f}"


def main() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        env=os.environ,
    )
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(300):
                try:
                    page = client.get("/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                print("网页未能启动", file=sys.stderr)
                return 1
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            client.post(
                "/login",
                data={"username": "demo", "password": "demo-jixiao-2024", "csrf_token": token.group(1)},
            )
            listing = client.get("/api/evaluations")
            if listing.status_code != 200:
                print(f"登录或列表失败：HTTP {listing.status_code} {listing.text[:200]}", file=sys.stderr)
                return 1
            data = listing.json()
            print(f"网页 {url} 列出 {data['total']} 份评价：")
            for row in data["rows"]:
                print(
                    f"  #{row['id']} {row['unit']} · {row['project']} · 自评 {_points(row['claimed_total'])}"
                    f" · 复核 {_points(row['computed_total'])} · {row['status']}"
                )
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
