"""End-to-end tests: the real server (``jixiao serve`` in its own process, on SQLite and on a
real PostgreSQL server) driven by Debian's Chromium through Playwright.

The browser is the system's (``/usr/bin/chromium``, installed by scripts/system-deps; Playwright
downloads none); ``JIXIAO_CHROMIUM`` names another. Without it these tests fail, they do not skip.
Screenshots of the main pages are written to ``docs/images/web-*.png`` (the README shows them)
when ``JIXIAO_SCREENSHOTS=docs`` is set, else to a scratch folder.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
# Screenshots are taken on every run (a page that cannot be drawn fails the test), but written
# into docs/images only when asked (``JIXIAO_SCREENSHOTS=docs``), so a test run leaves the
# checkout clean; otherwise they go to a scratch folder.
SCREENSHOTS = (
    ROOT / "docs" / "images"
    if os.environ.get("JIXIAO_SCREENSHOTS") == "docs"
    else Path(tempfile.gettempdir()) / "jixiao-e2e-screenshots"
)
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these Chromium keeps trying to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("找不到 Chromium：请运行 scripts/system-deps（安装 Debian 的 chromium 软件包）")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    database_url: str
    data_dir: Path
    admin_password: str
    process: subprocess.Popen[str]
    env: dict[str, str]

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``jixiao`` against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "jixiao", *args, "--database", self.database_url],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )


def start_server(database_url: str, data_dir: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(data_dir / "config"),  # no user config file
        "JIXIAO_DATA_DIR": str(data_dir),
        "JIXIAO_DATABASE_URL": database_url,
        "JIXIAO_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    password = None
    lines = []
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if found := re.search(r"初始密码：(\S+)", line):
            password = found.group(1)
        if "jixiao 网页" in line:
            break
        if process.poll() is not None:
            break
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("jixiao serve 未能启动：\n" + "".join(lines))
    assert password, "首次启动应显示管理员初始密码：\n" + "".join(lines)
    return Server(url, database_url, data_dir, password, process, env)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("serve")
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'jixiao.db'}"
    else:
        pg = request.getfixturevalue("postgres_server")
        url = pg.create_database(f"e2e_{os.getpid()}_{int(time.time() * 1000) % 10**8}")
    srv = start_server(url, data_dir)
    yield srv
    srv.process.terminate()
    try:
        srv.process.wait(10)
    except subprocess.TimeoutExpired:
        srv.process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: Browser, tmp_path: Path) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


def login(page: Page, server: Server, username: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def screenshot(page: Page, name: str, server: Server) -> None:
    """Save a screenshot of the page for docs/images (from the SQLite run only)."""
    if server.database_url.startswith("sqlite"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"web-{name}.png"), full_page=False)


@pytest.fixture
def browser_context_pair(browser: Browser) -> Iterator[tuple[Page, Page, Page]]:
    """Three pages in three separate browser contexts (three people, three cookie jars)."""
    contexts = [
        browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        for _ in range(3)
    ]
    for c in contexts:
        c.set_default_timeout(30_000)
    pages = [c.new_page() for c in contexts]
    yield pages[0], pages[1], pages[2]
    for c in contexts:
        c.close()
