"""Slow routes run in threads of their own: however many are under way, pages are answered."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
from fastapi import FastAPI

from jixiao.web import threads


def _app(release: threading.Event, started: threading.Semaphore) -> FastAPI:
    app = FastAPI()

    @app.get("/slow/{n}")
    @threads.slow
    def slow_route(n: int) -> dict[str, int]:  # a LibreOffice conversion, say
        started.release()
        release.wait(30)
        return {"n": n}

    @app.get("/page")
    def page() -> dict[str, str]:
        return {"page": "ok"}

    return app


def test_slow_routes_leave_the_page_threads_free() -> None:
    release, started = threading.Event(), threading.Semaphore(0)
    app = _app(release, started)
    busy = threads.PAGE_THREADS + 2  # more slow requests than there are page threads

    async def main() -> tuple[list[dict[str, int]], dict[str, str]]:
        threads.configure()
        transport = httpx.ASGITransport(app=app)
        answers: list[dict[str, int]] = []
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def ask(n: int) -> None:
                answers.append((await client.get(f"/slow/{n}")).json())

            async with anyio.create_task_group() as tg:
                for n in range(busy):
                    tg.start_soon(ask, n)
                try:
                    for _ in range(busy):  # every slow request is running in its thread now
                        assert await anyio.to_thread.run_sync(
                            lambda: started.acquire(timeout=10), limiter=anyio.CapacityLimiter(1)
                        )
                    with anyio.fail_after(10):  # and a page is answered meanwhile
                        page = (await client.get("/page")).json()
                finally:
                    release.set()
        return answers, page

    # In a thread of its own: another test's event loop (Playwright's) may run in this one.
    with ThreadPoolExecutor(1) as pool:
        answers, page = pool.submit(anyio.run, main).result()
    assert page == {"page": "ok"}
    assert sorted(a["n"] for a in answers) == list(range(busy))
