"""Which scans the server is reading right now, and how many of their pages are done: kept in the
memory of the server process that reads them, for the progress a browser polls — a batch's page
(:mod:`jixiao.web.batches`, keyed by the batch's id) and the upload page's single uploads
(keyed by the user and a token the page sends with the file).

The worker that reads a scan writes a line after each page it has recognised
(``jixiao.intake.worker.PAGE``); the reader hears it through ``on_page`` and records it here
under its key and the file. A file leaves when its outcome is recorded, a key when its reading
stops. Ordinary files (a text-layer PDF, a workbook) never send pages, so they never show here.
Readers write from their threads while requests read from theirs: one lock guards it all.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reading:
    """A scan in flight: ``done`` of its ``pages`` pages recognised."""

    name: str  # the name it was uploaded under
    done: int
    pages: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.pages) if self.pages > 0 else 0

    @property
    def text(self) -> str:
        return f"正在识别 {self.name}，已识别 {self.done}/{self.pages} 页"


class ScanPages:
    """The scans in flight per key — a batch's id, or a single upload's (user, token) — (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[Hashable, dict[Hashable, Reading]] = {}

    def page(self, key: Hashable, file: Hashable, name: str, done: int, pages: int) -> None:
        """``key``'s file ``file`` has ``done`` of its ``pages`` pages recognised."""
        with self._lock:
            self._keys.setdefault(key, {})[file] = Reading(name, done, pages)

    def finished(self, key: Hashable, file: Hashable) -> None:
        """The file has its outcome: it is no longer being read."""
        with self._lock:
            files = self._keys.get(key)
            if files is not None:
                files.pop(file, None)
                if not files:
                    del self._keys[key]

    def stopped(self, key: Hashable) -> None:
        """The reading under ``key`` has stopped (finished, or interrupted): nothing of it is read."""
        with self._lock:
            self._keys.pop(key, None)

    def of(self, key: Hashable) -> tuple[Reading, ...]:
        """The scans being read under ``key`` now, in the order they started."""
        with self._lock:
            return tuple(self._keys.get(key, {}).values())
