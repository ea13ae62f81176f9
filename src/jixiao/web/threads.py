"""The threads a server process runs its requests in: a few for pages, others for slow work.

Every page is synchronous code (SQLAlchemy, Jinja) run in a worker thread, and one process runs
Python on one core at a time. Forty threads (Starlette's default) all ready to run only take
the interpreter's lock from each other, and a thread back from the database waits for it behind
them, several times per request. The evaluation list under load (16 clients, 2 processes, 2
cores, PostgreSQL on the same machine; three runs each) answered about 20 % more requests with 2
threads per process than with 40, and its p95 latency was 221 ms against 281–324 (3 threads:
255–280; 4: 272–296; 1: 198–205). One thread would let a single slow query hold up every page
of its process, so :data:`PAGE_THREADS` is 2. Requests beyond that wait their turn.

Work that takes seconds — reading uploaded files, converting exports with LibreOffice, hashing
a password — runs in threads of its own (:func:`slow`, at most :data:`SLOW_THREADS` at once per process), so it never holds up the
pages. (A dashboard is built in a page thread: most of its requests find it built, and the
first of several requests for one waits while the others wait for it.)
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from collections.abc import Callable
from typing import ParamSpec
from typing import TypeVar

import anyio
import anyio.to_thread

PAGE_THREADS = 2
SLOW_THREADS = 8

P = ParamSpec("P")
R = TypeVar("R")


def configure() -> None:
    """Size the page threads (Starlette's default limiter); call in the app's event loop."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = PAGE_THREADS


@functools.cache
def _slow_limiter() -> anyio.CapacityLimiter:
    """One per process, made in its event loop on first use."""
    return anyio.CapacityLimiter(SLOW_THREADS)


def slow(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """A synchronous route run in the slow threads (see the module). FastAPI reads the route's
    parameters from ``fn`` itself (``functools.wraps``)."""

    @functools.wraps(fn)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=_slow_limiter())

    return run
