"""Issue 15 item 4: what comes from a document is printed as plain text by ``check``, ``extract``,
``show`` and ``score``: rich markup in it is shown, not interpreted (``[/]`` used to end
``jixiao check`` with a traceback, before the later files, the summary and ``--report``), and
control characters (ANSI escapes from a .txt) are shown as escapes, never sent to the terminal.
The real command, in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED_002 = EXAMPLES / "002-基层政权和社区建设-2018.yaml"
ESC = "\x1b"
REPORT = (
    "项目名称：{name}\n主管部门：某区财政局\n实施单位：某街道办事处\n"
    "2021年该项目预算安排120万元，实际支出120万元，预算执行率100%。\n"
    "二、自评结论\n综合评分92分，评价等级为“优秀”。\n"
)
FILLER = "本项目按计划实施，资金使用规范，群众反映良好。" * 40 + "\n"


def jixiao(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "300", **(env or {})},
        timeout=300,
        check=False,
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT.format(name="[/]"), encoding="utf-8")
    (folder / "b.txt").write_text(REPORT.format(name="[bold red]x"), encoding="utf-8")
    ansi = REPORT.format(name="道路养护\x1b[2J\x1b[31m红字") + FILLER
    ansi += "三、存在问题\n部分\x1b[5m闪烁\x1b[0m记录\r覆盖不完整。\n" + FILLER
    (folder / "c.txt").write_text(ansi, encoding="utf-8")
    (folder / "d[red]\x1b[31m.txt").write_text(REPORT.format(name="普通项目"), encoding="utf-8")
    return folder


def assert_plain(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode in (0, 1), done.stderr  # 3 would be the crash
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr
    assert ESC not in done.stdout and ESC not in done.stderr


def test_check_prints_markup_and_escapes_as_text_and_finishes_the_batch(inbox: Path, tmp_path: Path) -> None:
    report = tmp_path / "复核报告.xlsx"
    done = jixiao("check", str(inbox), "--report", str(report), "-j", "1")
    assert_plain(done)
    out = done.stdout
    assert "项目：[/]" in out
    assert "项目：[bold red]x" in out
    assert "道路养护\\x1b[2J\\x1b[31m红字" in out
    assert "d[red]\\x1b[31m.txt" in out  # a file name is a document's text too
    assert "项目：普通项目" in out
    assert "共 4 个" in out  # the summary
    assert report.is_file()


def test_extract_prints_markup_and_escapes_as_text(inbox: Path) -> None:
    done = jixiao("extract", str(inbox / "a.txt"))
    assert_plain(done)
    assert "[/]" in done.stdout
    done = jixiao("extract", str(inbox / "c.txt"))
    assert_plain(done)
    assert "道路养护\\x1b[2J\\x1b[31m红字" in done.stdout


def test_show_prints_stored_markup_and_escapes_as_text(inbox: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    env = {"JIXIAO_DATA_DIR": str(tmp_path / "data")}
    imported = jixiao("import", str(inbox), "--database", url, "-w", "1", env=env)
    assert imported.returncode == 0, imported.stderr
    shown = [jixiao("show", str(i), "--database", url, env=env) for i in range(1, 5)]
    for done in shown:
        assert_plain(done)
    text = "".join(done.stdout for done in shown)
    assert "[/]" in text and "[bold red]x" in text
    assert "道路养护\\x1b[2J\\x1b[31m红字" in text


def test_score_prints_markup_in_an_authoring_file_as_text(tmp_path: Path) -> None:
    text = SEED_002.read_text(encoding="utf-8")
    text = text.replace("  项目名称: 基层政权和社区建设\n", "  项目名称: '[/]'\n", 1)
    text = text.replace("- 名称: 加强治安防范，降低发案率\n", '- 名称: "[bold red]x\\e[2J"\n')
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    done = jixiao("score", str(hostile), str(SEED_002))
    assert_plain(done)
    assert "[/]" in done.stdout
    assert "[bold red]x\\x1b[2J" in done.stdout
    assert "基层政权和社区建设" in done.stdout  # the next file
