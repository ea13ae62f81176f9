"""A batch worker process: ``python -m jixiao.intake.worker LIMITS_JSON [SCHEME]``.

It reads one file per line on stdin (a JSON array: its path, and the name people know it by or
null) and answers each with one line of contract JSON on
stdout (an array when the file holds several forms), until stdin closes. While a scan is read, a
line ``jixiao-page DONE TOTAL`` on stderr follows each page (:data:`PAGE`). Being its own program
(not a fork of the caller), it carries none of the caller's threads or state, and works whatever
the caller's ``__main__`` is (a notebook, a web server, a script without a main guard).
"""

from __future__ import annotations

import dataclasses
import json
import stat
import sys
from pathlib import Path

from jixiao.core.model import Evaluation
from jixiao.intake import progress
from jixiao.intake.limits import Limits
from jixiao.intake.pipeline import evaluations_to_line
from jixiao.intake.pipeline import extract_evaluations
from jixiao.intake.pipeline import unreadable

READY = "jixiao-worker-ready"
PAGE = "jixiao-page"


def limits_to_json(limits: Limits) -> str:
    return json.dumps(dataclasses.asdict(limits))


def bound_memory(limits: Limits) -> None:
    """Cap this process's address space at ``limits.max_worker_bytes`` (the parent's choice): past
    it an allocation fails with MemoryError, which the file's reading reports, and the machine
    stays up. Programs this process starts (LibreOffice) inherit the cap."""
    if not limits.max_worker_bytes:
        return
    try:
        import resource
    except ImportError:  # not on a POSIX system: no per-process cap
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = limits.max_worker_bytes
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def task_line(path: Path, name: str | None) -> bytes:
    """The line that asks a worker for one file (a path's undecodable bytes travel escaped)."""
    return json.dumps([str(path), name]).encode("ascii") + b"\n"


def _read_one(path: Path, name: str | None, scheme: str | None, limits: Limits) -> list[Evaluation]:
    """One file's evaluation; a FIFO, device or socket is refused before anything opens it (opening
    a FIFO would wait for a writer for ever)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None  # missing or unreadable: extract_file says which
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return [unreadable(path, "不是普通文件（命名管道、设备或套接字），未读取", name=name)]
    return extract_evaluations(path, scheme=scheme, limits=limits, name=name)


def _page_line(done: int, total: int) -> None:
    sys.stderr.write(f"{PAGE} {done} {total}\n")
    sys.stderr.flush()


def main(argv: list[str]) -> int:
    limits = Limits(**json.loads(argv[0]))
    bound_memory(limits)
    scheme = argv[1] if len(argv) > 1 and argv[1] else None
    out = sys.stdout
    out.write(READY + "\n")  # imports done: the caller's per-file clock may start
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        path, name = json.loads(line)
        with progress.listening(_page_line):
            evaluations = _read_one(Path(path), name, scheme, limits)
        out.write(evaluations_to_line(evaluations) + "\n")  # one line per file, however many forms
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
