"""Limits that keep a hostile or broken file from exhausting the machine.

Every reader takes a :class:`Limits`. The defaults suit real submissions (a report with photos is
rarely above 30 MB); a bureau changes them through the settings (``jixiao.settings``: config file,
``JIXIAO_MAX_FILE_MB`` and friends, ``--max-size``).
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How big, how long, how many: beyond these a file is rejected with a finding."""

    max_file_bytes: int = 100 * MB
    # A zip-based file (docx/xlsx) may not unpack to more than this in all, nor any member
    # compress better than ``max_ratio`` : 1 (real XML compresses about 10:1; bombs 1000:1).
    max_unpacked_bytes: int = 400 * MB
    max_ratio: int = 200
    # No single part (one XML file inside) may unpack beyond this: its parse tree would take
    # several times as much memory.
    max_part_bytes: int = 150 * MB
    # LibreOffice conversions (.doc/.wps/.et/.xls) and whole-file processing in a batch.
    convert_timeout: float = 120.0
    file_timeout: float = 300.0
    max_pages: int = 500
    max_cells: int = 200_000


def human_size(n: int) -> str:
    """``209715200`` → ``"200 MB"`` (for messages)."""
    if n >= MB:
        return f"{n / MB:.0f} MB" if n >= 10 * MB else f"{n / MB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"
