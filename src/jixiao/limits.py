"""Limits that keep a hostile or broken file from exhausting the machine.

Every reader takes a :class:`Limits`. The defaults suit real submissions (a report with photos is
rarely above 30 MB); a bureau changes them through the settings (``jixiao.settings``: config file,
``JIXIAO_MAX_FILE_MB`` and friends, ``--max-size``), which build one and hand it to the intake.
A plain value below every layer that uses it: the settings, the intake and the web read it
without reaching into one another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How big, how long, how many: beyond these a file is rejected with a finding."""

    max_file_bytes: int = 100 * MB
    # What a file may unpack to in all: the members of a zip-based file (docx/xlsx), the streams
    # of a PDF. No zip member may compress better than ``max_ratio`` : 1 (real XML compresses
    # about 10:1; bombs 1000:1).
    max_unpacked_bytes: int = 400 * MB
    max_ratio: int = 200
    # No single part (one XML file inside a zip, one PDF stream) may unpack beyond this: its parse
    # tree would take several times as much memory.
    max_part_bytes: int = 150 * MB
    # The address space of each worker process (``jixiao.intake.worker``), set by the worker
    # from what its parent passes: a reader bug that allocates without end gets a MemoryError
    # (the file is reported unreadable) instead of taking the machine down. 0: no limit.
    max_worker_bytes: int = 2048 * MB
    # LibreOffice conversions (.doc/.wps/.et/.xls) and whole-file processing in a batch.
    convert_timeout: float = 120.0
    file_timeout: float = 300.0
    max_pages: int = 500
    max_cells: int = 200_000
    # An uploaded archive (.zip of submissions): at most this many members, and archives inside
    # it only this deep (1: an archive's own members; a zip in a zip is depth 2). Its unpacked
    # size and ratio are bounded by ``max_unpacked_bytes`` and ``max_ratio`` like any container,
    # each member by ``max_file_bytes``.
    max_archive_members: int = 2000
    max_archive_depth: int = 2
    # OCR: a figure the engine read with a confidence below this is not trusted (its cell is
    # left unread, or the page gets a finding) unless the arithmetic decides it.
    ocr_min_confidence: float = 0.8
    # Scans (image files, PDF pages without a text layer): at most this many pages of a file are
    # read by OCR (the rest get a finding), no page image may hold more pixels than this (a
    # decompression bomb: Pillow is held to it too), and once a page took longer than this the
    # file's remaining pages are not read (each page still counts for the batch's file timeout).
    ocr_max_pages: int = 50
    ocr_max_pixels: int = 60_000_000
    ocr_page_seconds: float = 60.0


class ArchiveMember(Protocol):
    """What :func:`unpack_refusal` reads of a member (``zipfile.ZipInfo`` has it)."""

    @property
    def filename(self) -> str: ...
    @property
    def file_size(self) -> int: ...
    @property
    def compress_size(self) -> int: ...


# Members smaller than this are not judged by their ratio: tiny parts of repeated XML compress
# very well and can do no harm.
_RATIO_FLOOR = 1024 * 1024


def unpack_refusal(members: Sequence[ArchiveMember], limits: Limits, archive: str = "压缩包") -> str | None:
    """Why a zip archive must not be unpacked (its members say it unpacks beyond
    ``max_unpacked_bytes``, or one compresses better than ``max_ratio`` : 1), else ``None``.

    One rule for every archive jixiao opens: a docx/xlsx before its parser touches it, an
    uploaded .zip of submissions before a member is taken. ``archive`` names it in the message
    (``压缩包“报送.zip”``).
    """
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        return (
            f"{archive}展开后为 {human_size(total)}，超过 {human_size(limits.max_unpacked_bytes)}"
            "（疑似压缩炸弹），已拒绝"
        )
    for m in members:
        if m.compress_size > 0 and m.file_size > _RATIO_FLOOR:
            ratio = m.file_size / m.compress_size
            if ratio > limits.max_ratio:
                return f"{archive}内 {m.filename} 的压缩比为 {ratio:.0f}:1（疑似压缩炸弹），已拒绝"
    return None


def human_size(n: int) -> str:
    """``209715200`` → ``"200 MB"`` (for messages)."""
    if n >= MB:
        return f"{n / MB:.0f} MB" if n >= 10 * MB else f"{n / MB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def seconds_text(seconds: float) -> str:
    """``300.0`` → ``"300"``, ``0.5`` → ``"0.5"`` (for messages)."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".")
