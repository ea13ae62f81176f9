"""The intake's side of the limits: the value itself (:class:`Limits`, sizes and how they read)
is :mod:`jixiao.limits`, which the settings build and hand to the intake; this module adds what
a reader says when a file ran out of memory.
"""

from __future__ import annotations

from jixiao.limits import MB
from jixiao.limits import Limits
from jixiao.limits import human_size
from jixiao.limits import seconds_text

__all__ = ["MB", "Limits", "human_size", "memory_reason", "seconds_text"]


def memory_reason(limits: Limits) -> str:
    """Why a file whose reading ran out of memory is reported unreadable."""
    if limits.max_worker_bytes:
        bound = f"超过每个处理进程的内存上限 {human_size(limits.max_worker_bytes)}"
    else:
        bound = "内存耗尽"
    return f"处理该文件时{bound}（可能是压缩炸弹或损坏的文件），已中止；可用 JIXIAO_MAX_WORKER_MB 调整上限"
