"""What each server process keeps between requests: built dashboard reports, the list's filter
choices and its counts, each under the database's version at the time it was built.

Stored evaluations are never updated in place: an edit or a resubmission adds a row, a new unit
adds a unit, and nothing is deleted. So the numbers of evaluations, documents and units — three
index counts, a few milliseconds — tell whether a kept value is still the database's. Review
decisions change none of those numbers: nothing that depends on them is kept. The version is read
at most once a second per process (:data:`VERSION_SECONDS`), so a change shows within a second.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from fastapi import Request

from jixiao.storage.browse import Facets
from jixiao.web.deps import web

T = TypeVar("T")

SIZES = {"reports": 4096, "list": 1024}
"""Entries kept per kind: built reports and their pages' parts, and many small list counts and
choices (kept apart, so browsing many filters never pushes a built report out)."""
BUDGETS: dict[str, int | None] = {"reports": 64 * 1024 * 1024, "list": None}
"""Bytes kept per kind and process, as :func:`weight` estimates them. Reports range from a small
unit's (about 200 KB with its page part, at 400 evaluations) to the whole portfolio's (a few MB):
64 MB keeps every unit's dashboard of a bureau of about 300 units, so a unit user who comes back
finds it built until the data change."""
VERSION_SECONDS = 1.0
"""How long a read of the database's version is trusted: a change shows within this time (a
page costs the counts only once per this time and process)."""


def weight(value: object) -> int:
    """About how many bytes ``value`` holds: its own estimate (``weight()``), the length of bytes
    or text, else a small constant (a count, a few choices)."""
    estimate = getattr(value, "weight", None)
    if callable(estimate):
        return int(estimate())
    if isinstance(value, bytes | str):
        return len(value)
    return 256


class Cache:
    """Values (built reports, filter choices, list counts) by key, the key ending with the
    database's version (see the module); the least recently used dropped beyond ``size``
    entries or ``budget`` bytes (as :func:`weight` estimates them)."""

    def __init__(self, size: int = 64, budget: int | None = None) -> None:
        self.size = size
        self.budget = budget
        self._bytes = 0
        self._entries: OrderedDict[tuple[object, ...], tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[object, ...], threading.Lock] = {}
        self._version: tuple[object, float] | None = None

    def version(self, read: Callable[[], object], now: float) -> object:
        """The database's version: read by ``read``, at most once every :data:`VERSION_SECONDS`
        (the counts cost PostgreSQL a few milliseconds, most of a kept dashboard's time)."""
        with self._lock:
            known = self._version
        if known is not None and now - known[1] < VERSION_SECONDS:
            return known[0]
        value = read()
        with self._lock:
            self._version = (value, now)
        return value

    def get(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """The entry under ``key``, built by ``build`` if missing (once, however many ask)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                found: T = self._entries[key][0]
                return found
            gate = self._building.setdefault(key, threading.Lock())
        with gate:  # one build per key; the others wait for it and take its result
            try:
                with self._lock:
                    if key in self._entries:
                        done: T = self._entries[key][0]
                        return done
                made = build()
                size = weight(made) if self.budget is not None else 0
                with self._lock:
                    self._entries[key] = (made, size)
                    self._bytes += size
                    while len(self._entries) > 1 and (
                        len(self._entries) > self.size
                        or (self.budget is not None and self._bytes > self.budget)
                    ):
                        _, (_, dropped) = self._entries.popitem(last=False)
                        self._bytes -= dropped
                return made
            finally:
                with self._lock:
                    self._building.pop(key, None)


_LOCK = threading.Lock()


def kept(request: Request, kind: str = "reports") -> Cache:
    """The app's kept values of ``kind`` (see :data:`SIZES`; one set per server process)."""
    state = request.app.state
    caches: dict[str, Cache] | None = getattr(state, "kept", None)
    if caches is None:
        with _LOCK:
            caches = getattr(state, "kept", None)
            if caches is None:
                caches = {name: Cache(size, BUDGETS[name]) for name, size in SIZES.items()}
                state.kept = caches
    return caches[kind]


def data_version(request: Request) -> object:
    """The database's version (see the module), read at most once every :data:`VERSION_SECONDS`."""
    return kept(request).version(web(request).store.data_version, time.monotonic())


def facets(request: Request, scope_unit_id: int | None) -> Facets:
    """The filter's choices (years, units, grades) the list and the dashboard offer, kept."""
    browser = web(request).browser
    key = ("facets", scope_unit_id, data_version(request))
    return kept(request, "list").get(key, lambda: browser.facets(scope_unit_id))
