"""Which scans a batch is reading right now, and how many of their pages are done: kept in the
memory of the server process whose thread reads the batch (:mod:`jixiao.web.batches`), for its
progress page.

The worker that reads a scan writes a line after each page it has recognised
(``jixiao.intake.worker.PAGE``); the batch's runner hears it through ``on_page`` and records it
here under the batch and the file. A file leaves when its outcome is recorded, a batch when its
runner stops. Ordinary files (a text-layer PDF, a workbook) never send pages, so they never show
here. Runners write from their threads while requests read from theirs: one lock guards it all.
"""

from __future__ import annotations

import threading
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
    """The scans in flight per batch (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._batches: dict[int, dict[int, Reading]] = {}

    def page(self, batch_id: int, file_id: int, name: str, done: int, pages: int) -> None:
        """Batch ``batch_id``'s file ``file_id`` has ``done`` of its ``pages`` pages recognised."""
        with self._lock:
            self._batches.setdefault(batch_id, {})[file_id] = Reading(name, done, pages)

    def finished(self, batch_id: int, file_id: int) -> None:
        """The file has its outcome: it is no longer being read."""
        with self._lock:
            files = self._batches.get(batch_id)
            if files is not None:
                files.pop(file_id, None)
                if not files:
                    del self._batches[batch_id]

    def stopped(self, batch_id: int) -> None:
        """The batch's runner has stopped (finished, or interrupted): nothing of it is read."""
        with self._lock:
            self._batches.pop(batch_id, None)

    def of(self, batch_id: int) -> tuple[Reading, ...]:
        """The batch's scans being read now, in the order they started."""
        with self._lock:
            return tuple(self._batches.get(batch_id, {}).values())
