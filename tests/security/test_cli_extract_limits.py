"""Issue 15 items 11 and 13: ``jixiao extract`` has the per-file limits of ``check`` (a FIFO does
not hang it, a slow file is stopped), a timeout is reported as given, a GBK text is not “全文未能识别”.
Through the real command, in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"


def jixiao(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400"},
        timeout=timeout,
        check=False,
    )


def test_extract_of_a_fifo_answers_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "报告.pdf"
    os.mkfifo(fifo)
    done = jixiao("extract", "--json", str(fifo), timeout=60)  # it used to wait for a writer for ever
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["code"] == "UNREADABLE_DOCUMENT"
    assert "不是普通文件" in finding["message"]


def test_check_of_a_fifo_given_by_name_answers_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "表.xlsx"
    os.mkfifo(fifo)
    done = jixiao("check", "--format", "json", "--timeout", "100", str(fifo), timeout=60)
    [finding] = json.loads(done.stdout)["findings"]
    assert "不是普通文件" in finding["message"]


def test_extract_is_stopped_at_its_timeout_and_says_the_limit_as_given() -> None:
    done = jixiao("extract", "--timeout", "0.05", str(DATA / "001_report.pdf"))
    assert done.returncode == 1, done.stderr
    assert "文件无法读取" in done.stdout
    assert "处理超时（超过 0.05 秒），已中止" in done.stdout  # not “超过 0 秒”


def test_check_reports_a_fractional_timeout_as_given() -> None:
    done = jixiao("check", "--timeout", "0.5", "--format", "json", str(DATA / "002_report.doc"))
    [finding] = json.loads(done.stdout)["findings"]
    assert "处理超时（超过 0.5 秒），已中止" in finding["message"]


def test_a_gbk_text_that_decodes_is_not_reported_as_unrecognised(tmp_path: Path) -> None:
    text = (
        "关于乡村道路养护项目的绩效自评报告\n一、基本情况\n"
        "2021年该项目预算安排120万元，实际支出120万元，预算执行率100%。\n"
        "二、自评结论\n综合评分92分，评价等级为“优秀”。\n"
    )
    path = tmp_path / "养护.txt"
    path.write_bytes(text.encode("gbk"))
    done = jixiao("extract", "--json", str(path))
    ev = json.loads(done.stdout)
    assert ev["project"]["name"] == "乡村道路养护"
    assert ev["claimed"]["total"] == 92
    assert not [f for f in ev["findings"] if "全文未能识别" in f["message"]], ev["findings"]
