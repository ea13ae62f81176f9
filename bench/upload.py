"""Benchmark: a batch upload through the web app against ``jixiao check`` on the same files.

    uv run python bench/upload.py [--n 60] [--workers 2] [--inbox DIR] [--zip]

Generates ``--n`` synthetic reports (``bench/make_inbox.py``: docx, xlsx and txt; or reads
``--inbox``), then, in one run on the same files:

1. ``jixiao check DIR --jobs W --quiet`` as a subprocess (wall time, start to exit);
2. the web app (a fresh SQLite database in a temporary data folder, ``workers = W``): one
   ``POST /uploads/batches`` carrying every file (or, with ``--zip``, one .zip of them), then the
   batch's progress API polled until it is read — the time from the first byte sent to the batch
   finished, so receiving, unpacking, reading (in W warm worker processes), scoring and saving
   every evaluation with its original kept are all in it.

It prints both times, files per second and the ratio (goal: the upload within 1.5× of the
check). Figures only: nothing is asserted (machines are noisy).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _inbox(n: int, out: Path) -> list[Path]:
    from inbox import generate

    generate(out, n, seed=7, formats=("docx", "xlsx", "txt"), pdf_share=0.0, defects=0.3, workers=2, log=None)
    return sorted(p for p in out.rglob("*") if p.is_file() and p.suffix in {".docx", ".xlsx", ".txt"})


def _check(folder: Path, workers: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "jixiao", "check", str(folder), "--jobs", str(workers), "--quiet"],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


@dataclass(slots=True)
class Session:
    """The web app on a fresh database, a reviewer logged in, and the page's CSRF token."""

    app: Any
    client: Any
    csrf: str


@contextlib.contextmanager
def web_session(workers: int) -> Iterator[Session]:
    """The web app on a fresh SQLite database in a temporary data folder, ``workers`` warm workers;
    its workers are stopped at the end."""
    from fastapi.testclient import TestClient

    from jixiao.settings import load_settings
    from jixiao.storage.accounts import Role
    from jixiao.web.app import create_app
    from jixiao.web.security import hash_password

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-upload-") as tmp:
        data = Path(tmp) / "data"
        settings = load_settings(
            cli={"database_url": f"sqlite:///{data / 'jixiao.db'}", "data_dir": data, "workers": workers},
            env={},
        )
        app = create_app(settings)
        try:
            app.state.web.accounts.add_user(
                "bench", hash_password("bench-pass-123"), Role.REVIEWER, display_name="测速"
            )
            client = TestClient(app, base_url="http://testserver")
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert token is not None
            client.post(
                "/login",
                data={
                    "username": "bench",
                    "password": "bench-pass-123",
                    "csrf_token": token.group(1),
                    "next": "/",
                },
            )
            meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/evaluations").text)
            assert meta is not None
            yield Session(app, client, meta.group(1))
        finally:
            from jixiao.web import batches

            batches.wait_idle()  # a finished batch's runner still removes its files
            app.state.web.close_readers()
            app.state.web.db.close()


def send_batch(
    session: Session,
    parts: list[tuple[str, tuple[str, bytes]]],
    on_poll: Callable[[dict[str, Any]], None] | None = None,
    every: float = 0.05,
) -> tuple[float, dict[str, int]]:
    """One ``POST /uploads/batches`` with ``parts``, then its progress polled until it is read:
    the seconds from sending to finished, and the count of files by outcome. ``on_poll`` sees
    every progress answer; ``every`` is the pause between polls (each answer lists every file of
    the batch: for a large batch poll as a browser does, not 20 times a second)."""
    started = time.perf_counter()
    sent = session.client.post(
        "/uploads/batches", files=parts, data={"csrf_token": session.csrf}, follow_redirects=False
    )
    assert sent.status_code == 303, sent.text
    batch = sent.headers["location"].rsplit("/", 1)[1]
    while True:
        body: dict[str, Any] = session.client.get(f"/api/uploads/batches/{batch}").json()
        if on_poll is not None:
            on_poll(body)
        if body["done"]:
            break
        time.sleep(every)
    return time.perf_counter() - started, body["counts"]


def _upload(files: list[Path], root: Path, workers: int, as_zip: bool) -> tuple[float, dict[str, int]]:
    if as_zip:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, str(f.relative_to(root)))
        parts = [("files", ("材料.zip", buffer.getvalue()))]
    else:
        parts = [("files", (f.name, f.read_bytes())) for f in files]
    with web_session(workers) as session:
        return send_batch(session, parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--inbox", type=Path, help="a folder of files to use instead of generated ones")
    ap.add_argument("--zip", action="store_true", help="upload the files as one .zip")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-inbox-") as tmp:
        root = args.inbox or Path(tmp)
        files = (
            sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".jsonl"))
            if args.inbox
            else _inbox(args.n, root)
        )
        check = _check(root, args.workers)
        upload, counts = _upload(files, root, args.workers, args.zip)
    n = len(files)
    print(f"files: {n}   workers: {args.workers}   upload as: {'one .zip' if args.zip else 'files'}")
    print(f"jixiao check : {check:6.1f} s  ({n / check:5.1f} files/s)")
    print(f"batch upload : {upload:6.1f} s  ({n / upload:5.1f} files/s)  outcomes: {counts}")
    print(f"ratio upload/check: {upload / check:.2f}× (goal ≤ 1.5×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
