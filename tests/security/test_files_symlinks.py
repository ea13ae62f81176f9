"""Issue 15 item 6 (links out of the inbox) and item 13 (import runs killed with -9).

``jixiao import`` and ``jixiao check`` do not follow a link that leaves the folders given: the
file behind it is never read, stored or served, and the link (like a dangling one) is reported
with its path and a Chinese reason. An import killed with ``kill -9`` leaves its run ``running``
only until the next import starts, which marks it ``interrupted`` — and leaves an import that is
still running alone. Real files, the real command, a real SQLite database.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from intake.makers import TSV_REPORT
from jixiao.storage.db import open_database
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import ImportRun

SECRET = "机密：不应被导入的内容 4f1c9e"


def jixiao(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "300", **env},
        timeout=300,
        check=False,
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """An inbox with a report, a link inside it, and links out of it and to nothing."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(
        TSV_REPORT.replace("86万元", "99万元") + SECRET + "\n", encoding="utf-8"
    )
    box = tmp_path / "inbox"
    (box / "单位甲").mkdir(parents=True)
    (box / "单位甲" / "报告.txt").write_text(TSV_REPORT, encoding="utf-8")
    (box / "单位甲" / "同一报告.txt").symlink_to("报告.txt")  # inside: followed
    (box / "leak.txt").symlink_to(outside / "secret.txt")
    (box / "outdir").symlink_to(outside, target_is_directory=True)
    (box / "dangling.txt").symlink_to(tmp_path / "nothing.txt")
    return box


def test_import_does_not_follow_links_out_of_the_inbox(inbox: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    done = jixiao("import", str(inbox), "--database", url, "-w", "1", env={"JIXIAO_DATA_DIR": str(data)})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert (
        f"未导入 {inbox / 'leak.txt'}：链接指向所给文件夹之外的 {tmp_path / 'outside' / 'secret.txt'}，未读取"
        in out
    )
    assert f"未导入 {inbox / 'outdir'}：链接指向所给文件夹之外的 {tmp_path / 'outside'}，未读取" in out
    assert f"未导入 {inbox / 'dangling.txt'}：链接指向的文件不存在（断开的链接），未读取" in out
    db = open_database(url)
    try:
        with db.sessions() as s:
            names = sorted(s.scalars(select(Document.name)))
            evaluations = s.scalar(select(func.count()).select_from(EvaluationRow))
    finally:
        db.close()
    assert names in (["同一报告.txt"], ["报告.txt"])  # one document: the same bytes twice
    assert evaluations == 1
    stored = [p.read_bytes() for p in (data / "documents").rglob("*") if p.is_file()]
    assert stored and not any(SECRET.encode() in b for b in stored)


def test_check_reports_links_out_of_the_folder_as_findings(inbox: Path, tmp_path: Path) -> None:
    done = jixiao("check", str(inbox), "--format", "json", "-j", "1", env={})
    assert done.returncode == 1, done.stderr  # the refused links are errors
    results = {Path(d["source"]["path"]).name: d for d in map(json.loads, done.stdout.splitlines())}
    assert sorted(results) == ["dangling.txt", "leak.txt", "outdir", "同一报告.txt", "报告.txt"]
    for name in ("dangling.txt", "leak.txt", "outdir"):
        [finding] = results[name]["findings"]
        assert finding["code"] == "UNREADABLE_DOCUMENT"
        assert "链接" in finding["message"] and "未读取" in finding["message"]
    assert results["leak.txt"]["source"].get("sha256") is None  # the target was never opened
    assert SECRET not in done.stdout


def _runs(url: str) -> dict[int, str]:
    db = open_database(url)
    try:
        with db.sessions() as s:
            return {run.id: run.status for run in s.scalars(select(ImportRun))}
    finally:
        db.close()


def test_a_run_killed_with_9_is_marked_interrupted_by_the_next_import_and_a_live_one_is_not(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    env = {"JIXIAO_DATA_DIR": str(tmp_path / "data"), "JIXIAO_DATABASE_URL": url}
    big, bigger = tmp_path / "big", tmp_path / "bigger"
    for folder, count in ((big, 300), (bigger, 1500)):
        folder.mkdir()
        for i in range(count):
            text = TSV_REPORT.replace("86万元", f"{100 + i}万元").replace("图书馆", f"图书馆{folder.name}")
            (folder / f"报告{i:04d}.txt").write_text(text, encoding="utf-8")
    small = tmp_path / "small"
    small.mkdir()
    (small / "报告.txt").write_text(TSV_REPORT, encoding="utf-8")

    def start(folder: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "jixiao", "import", str(folder), "-w", "1"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_running(proc: subprocess.Popen[bytes], run_id: int) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if (
                _runs(url).get(run_id) == "running"
                and (tmp_path / "data" / "runs" / f"{run_id}.lock").exists()
            ):
                return
            time.sleep(0.1)
        raise AssertionError("the import did not start")

    killed = start(big)
    wait_running(killed, 1)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert _runs(url) == {1: "running"}  # what kill -9 leaves

    alive = start(bigger)  # a second import, running while the next one starts
    try:
        wait_running(alive, 2)
        done = jixiao("import", str(small), env=env)
        assert done.returncode == 0, done.stderr
        runs = _runs(url)
        assert alive.poll() is None, "the second import must still run"
        assert runs[1] == "interrupted"
        assert runs[2] == "running"  # alive: left alone
        assert runs[3] == "finished"
    finally:
        os.killpg(alive.pid, signal.SIGKILL)
        alive.wait()
