"""Importing inboxes: resumable, exactly once, nothing partial — on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select
from typer.testing import CliRunner

from intake.makers import TSV_REPORT
from jixiao.cli import app
from jixiao.intake.limits import Limits
from jixiao.portfolio.executors import DaskExecutor
from jixiao.portfolio.executors import ProcessExecutor
from jixiao.portfolio.importer import import_paths
from jixiao.portfolio.importer import sha256_of
from jixiao.storage.db import open_database
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import ImportRun
from jixiao.storage.store import Store

DATA = Path(__file__).parent.parent / "data"
SAMPLES = [
    DATA / "formats" / "002_report.docx",
    DATA / "formats" / "004_table.xlsx",
    DATA / "seeds" / "003_bb92a3f2b07c21bc.txt",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def make_inbox(root: Path, copies: int) -> list[Path]:
    """``copies`` distinct text reports (one number differs) plus the real samples, in unit folders."""
    files: list[Path] = []
    for i in range(copies):
        folder = root / f"单位{i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"报告{i:04d}.txt"
        path.write_text(TSV_REPORT.replace("86万元", f"{86 + i}万元"), encoding="utf-8")
        files.append(path)
    for sample in SAMPLES:
        target = root / "样本" / sample.name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(sample, target)
        files.append(target)
    return files


def test_import_then_resume_imports_nothing_twice(db_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    files = make_inbox(inbox, 12)
    shutil.copyfile(files[0], inbox / "单位0" / "同一文件另存.txt")  # same bytes, other name
    db = open_database(db_url)
    store = Store(db)
    data = tmp_path / "data"
    first = import_paths([inbox], store, ProcessExecutor(2, Limits()), data, year=2022)
    assert (first.files, first.imported, first.skipped) == (16, 15, 1)
    again = import_paths([inbox], store, ProcessExecutor(2, Limits()), data)
    assert (again.imported, again.skipped) == (0, 16)
    assert store.count() == (15, 15)
    # originals are kept content-addressed as evidence
    sha = sha256_of(files[0])
    assert (
        sha is not None
        and (data / "documents" / sha[:2] / f"{sha}.txt").read_bytes() == files[0].read_bytes()
    )
    with db.sessions() as s:
        runs = s.scalars(select(ImportRun).order_by(ImportRun.id)).all()
        assert [(r.status, r.imported, r.skipped) for r in runs] == [("finished", 15, 1), ("finished", 0, 16)]
        years = set(s.scalars(select(EvaluationRow.year)))
    assert years == {2022}  # the inbox's year, as the bureau says, over what extraction guessed
    db.close()


def test_dask_cluster_executor_gives_the_same_results(db_url: str, tmp_path: Path) -> None:
    from distributed import LocalCluster

    inbox = tmp_path / "收件箱"
    make_inbox(inbox, 4)
    db = open_database(db_url)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        result = import_paths([inbox], Store(db), DaskExecutor(address, Limits()), tmp_path / "data")
    assert result.imported == 7
    local_db = open_database(f"sqlite:///{tmp_path / 'local.db'}")
    import_paths([inbox], Store(local_db), ProcessExecutor(1, Limits()), tmp_path / "data2")

    def totals(database):
        with database.sessions() as s:
            return sorted(
                (row.claimed_total, row.computed_total, row.errors)
                for row in s.scalars(select(EvaluationRow))
            )

    assert totals(db) == totals(local_db)
    db.close()
    local_db.close()


def test_killed_import_resumes_exactly_once(db_url: str, tmp_path: Path) -> None:
    """SIGKILL an import part way, run it again: every file once, no evaluation partial."""
    inbox = tmp_path / "收件箱"
    files = make_inbox(inbox, 300)
    env = {**os.environ, "JIXIAO_DATABASE_URL": db_url, "JIXIAO_DATA_DIR": str(tmp_path / "data")}
    cmd = [sys.executable, "-m", "jixiao", "import", str(inbox), "--workers", "2"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    db = open_database(db_url)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline:
        with db.sessions() as s:
            stored = s.scalar(select(func.count()).select_from(EvaluationRow)) or 0
        if stored >= 40 or proc.poll() is not None:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the importer and its workers, mid-run
    proc.wait()
    assert 0 < stored < len(files), "the import must be killed part way"
    rerun = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with db.sessions() as s:
        hashes = s.scalars(select(Document.sha256)).all()
        rows = s.scalars(select(EvaluationRow)).all()
    assert len(hashes) == len(set(hashes)) == len(files)
    assert {sha256_of(f) for f in files} == set(hashes)
    store = Store(db)
    for row in rows:  # whole evaluations only: the tables hold exactly what the record says
        ev = store.get(row.id)
        assert ev is not None
        assert store.parts(row.id) == (len(ev.indicators), len(ev.budget.lines), len(ev.findings))
    db.close()


def test_cli_import_show_and_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "收件箱"
    make_inbox(inbox, 2)
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    runner = CliRunner()
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 0 and "未初始化" in status.output
    result = runner.invoke(app, ["import", str(inbox), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "新导入 5 个" in result.output
    assert (tmp_path / "data" / "jixiao.db").exists()
    status = runner.invoke(app, ["db", "status"])
    assert "评价 5 份，报送文件 5 个" in status.output
    shown = runner.invoke(app, ["show", "1", "--json"])
    assert shown.exit_code == 0 and '"schema": "jixiao.evaluation/1"' in shown.output
    missing = runner.invoke(app, ["show", "999"])
    assert missing.exit_code == 2 and "没有编号为 999" in missing.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and "已是最新结构" in upgraded.output
    nothing = runner.invoke(app, ["import", str(tmp_path / "nope")])
    assert nothing.exit_code == 2 and "找不到" in nothing.output
