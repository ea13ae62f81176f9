"""``jixiao export`` of many evaluations into one folder: what it writes, what it reports about
the file it cannot export while the others go on, and ``export_many`` itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from export.support import SEED_002
from export.support import SEED_004
from export.support import SUB_UNITS
from export.support import scored
from jixiao import office
from jixiao.cli import app
from jixiao.export.many import Job
from jixiao.export.many import export_many
from jixiao.export.names import unique_names

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SUBMITTED_XLSX = ROOT / "examples" / "submissions" / "2020-社会保障专项-自评表.xlsx"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_many_inputs_and_a_folder_as_pdfs_one_bad_file_reported(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(SUBMITTED_XLSX, inbox / SUBMITTED_XLSX.name)
    (inbox / "坏的.yaml").write_text("项目名称: [\n", encoding="utf-8")
    out = tmp_path / "输出"
    code, stdout, stderr = run(
        "export",
        str(SEED_002),
        str(SUB_UNITS),
        str(inbox),
        "--to",
        str(out),
        "--format",
        "pdf",
        "--jobs",
        "2",
    )
    assert code == 1  # one input could not be exported
    assert sorted(p.name for p in out.iterdir()) == [
        "002-基层政权和社区建设-2018.pdf",
        "2020-社会保障专项-自评表.pdf",
        "sub-units-社区服务-2023.pdf",
    ]
    assert stdout == f"已导出 3 份自评表（PDF）到 {out}\n"
    assert f"未能导出：{inbox / '坏的.yaml'} 第" in stderr
    assert "1 个未能导出" in stderr
    with pdfplumber.open(out / "002-基层政权和社区建设-2018.pdf") as pdf:
        assert "基层政权和社区建设" in (pdf.pages[0].extract_text() or "")
    with pdfplumber.open(out / "2020-社会保障专项-自评表.pdf") as pdf:
        assert "社会保障" in (pdf.pages[0].extract_text() or "")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_existing_file_is_kept_without_force_and_the_rest_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "004-社会保障专项-2020.xlsx").write_bytes(b"kept")
    code, stdout, stderr = run("export", str(SEED_002), str(SEED_004), "--to", str(out), "--format", "xlsx")
    assert code == 1
    assert (out / "004-社会保障专项-2020.xlsx").read_bytes() == b"kept"
    assert "004-社会保障专项-2020.xlsx 已存在" in stderr
    ws = load_workbook(out / "002-基层政权和社区建设-2018.xlsx").active
    assert ws["A1"].value == "2018年度基层政权和社区建设项目绩效自评表"
    assert stdout.startswith("已导出 1 份自评表（XLSX）")
    code, _, _ = run("export", str(SEED_004), "--to", str(out), "--format", "xlsx", "--force")
    assert code == 0
    assert (out / "004-社会保障专项-2020.xlsx").read_bytes()[:2] == b"PK"


def test_refuses_a_format_the_document_does_not_come_in(tmp_path: Path) -> None:
    code, _, stderr = run("export", str(SEED_002), str(SEED_004), "--to", str(tmp_path), "--format", "html")
    assert code == 2
    assert "--format 只能是 pdf、docx 或 xlsx" in stderr
    code, _, stderr = run(
        "export", str(SEED_002), str(SEED_004), "--to", str(tmp_path), "--format", "xlsx", "--kind", "report"
    )
    assert code == 2
    assert "自评报告初稿只能导出为 pdf 或 docx" in stderr


def test_export_many_reports_each_failure_and_goes_on(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    jobs = [Job("a", "a.yaml", ev, scheme), Job("b", "b.yaml", ev, scheme)]
    seen: list[str] = []
    outcomes = export_many(
        jobs, tmp_path / "x", ".docx", layout="no-such-layout", on_done=lambda o: seen.append(o.source)
    )
    assert [o.ok for o in outcomes] == [False, False]
    assert all(o.error and "no-such-layout" in o.error for o in outcomes)
    assert sorted(seen) == ["a.yaml", "b.yaml"]
    outcomes = export_many(jobs, tmp_path / "x", ".docx", workers=2)
    assert [o.path.name if o.path else o.error for o in outcomes] == ["a.docx", "b.docx"]


def test_unique_names_ignore_case() -> None:
    assert unique_names(["A.pdf", "a.pdf", "B.pdf", "A.pdf"]) == ["A.pdf", "a-2.pdf", "B.pdf", "A-3.pdf"]


def test_from_the_database_by_year_and_unit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    data = ["--database", url]
    imported = runner.invoke(app, ["import", str(SUBMITTED_XLSX), *data, "--data-dir", str(tmp_path / "d")])
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    out = tmp_path / "out"
    code, stdout, stderr = run(
        "export", "--db", *data, "--year", "2020", "--to", str(out), "--format", "xlsx"
    )
    assert code == 0, stderr
    (written,) = out.iterdir()
    assert written.name.endswith("_2020_社会保障专项_自评表.xlsx")
    assert stdout == f"已导出 1 份自评表（XLSX）到 {out}\n"
    code, _, stderr = run("export", "--db", *data, "--year", "2019", "--to", str(tmp_path / "none"))
    assert code == 2
    assert "库中没有符合条件的评价（年度 2019）" in stderr
    code, _, stderr = run("export", str(SEED_002), "--db", *data, "--to", str(out))
    assert code == 2
    assert "--db 从数据库导出，不再另给文件" in stderr


def _stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (state first), or ``None``."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _descendants(root: int) -> set[tuple[int, str]]:
    """The live processes below ``root`` (zombies do not count), each as (pid, start time): a pid
    the system hands to a new process after one of these ended is not mistaken for it."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields is not None and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append((int(entry.name), fields[19]))
    found: set[tuple[int, str]] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def _alive(processes: set[tuple[int, str]]) -> dict[int, str]:
    """Those of ``processes`` still running, with their command lines."""
    alive = {}
    for pid, started in processes:
        fields = _stat(pid)
        if fields is not None and fields[0] != "Z" and fields[19] == started:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            alive[pid] = (
                f"{fields[0]} ppid={fields[1]} pgrp={fields[2]} sid={fields[3]} {cmdline.decode(errors='replace')[:160]}"
            )
    return alive


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")
def test_kill_9_of_the_batch_leaves_nothing_running(tmp_path: Path) -> None:
    """The workers (and the LibreOffice each keeps) end when the exporting process is killed.
    自评报告 PDFs, which LibreOffice prints (the 自评表 PDF is drawn without it)."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(30):
        shutil.copy(SEED_002, inbox / f"a{i}.yaml")
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "jixiao",
        "export",
        str(inbox),
        "--to",
        str(out),
        "--kind",
        "report",
        "--jobs",
        "2",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not (out.is_dir() and any(out.glob("*.pdf"))) and time.monotonic() < deadline:
            assert proc.poll() is None, "the export ended before it could be killed"
            time.sleep(0.2)
        below = _descendants(proc.pid)
        assert any("soffice" in cmdline for cmdline in _alive(below).values())
    finally:
        proc.kill()  # SIGKILL: no atexit, no cleanup in jixiao
        proc.wait()
    # Each process notices within a second; the deadline is for a machine busy with other tests.
    deadline = time.monotonic() + 60
    while _alive(below) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(below) == {}
    assert sum(1 for _ in out.glob("*.pdf")) < 30  # killed midway
