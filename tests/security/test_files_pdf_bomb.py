"""Issue 15 item 1: what a PDF may inflate is bounded, and so is each worker process's memory.

Real PDFs built here, read by the real ``jixiao`` command in a child process whose peak memory is
measured (``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process, so nothing else counts).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

MB = 1024 * 1024
DATA = Path(__file__).resolve().parents[1] / "data" / "formats"

# Runs the command given as JSON and prints its output, its exit code and the peak RSS (KB) of
# everything it started.
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr, "peak_kb": peak}))
"""


def flate_of_spaces(size: int) -> bytes:
    """zlib of ``size`` spaces, made in pieces (800 MB of spaces compress to under 1 MB)."""
    packer = zlib.compressobj(9)
    piece = b" " * (16 * MB)
    out: list[bytes] = []
    left = size
    while left:
        n = min(left, len(piece))
        out.append(packer.compress(piece[:n]))
        left -= n
    out.append(packer.flush())
    return b"".join(out)


def one_page_pdf(path: Path, contents: bytes) -> Path:
    """A valid one-page PDF whose ``/Contents`` stream is ``contents`` (Flate-encoded)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(contents) + contents + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def measured(args: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    jixiao = [sys.executable, "-m", "jixiao", *args]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, json.dumps(jixiao)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400", **(env or {})},
        timeout=600,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_pdf_whose_contents_inflate_to_800_mb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    bomb = one_page_pdf(tmp_path / "bomb.pdf", flate_of_spaces(800 * MB))
    assert bomb.stat().st_size < 1 * MB
    result = measured(["extract", "--json", str(bomb)])
    assert result["code"] == 1, result["err"]
    ev = json.loads(str(result["out"]))
    [finding] = ev["findings"]
    assert finding["code"] == "UNREADABLE_DOCUMENT"
    assert "数据流解压后超过 150 MB（疑似压缩炸弹），已拒绝" in finding["message"]
    # Without the bound pdfminer inflates all 800 MB at once (and the parser goes on from there).
    assert int(str(result["peak_kb"])) < 400 * 1024, result["peak_kb"]


def test_a_worker_past_its_memory_cap_reports_the_file_and_the_batch_goes_on(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # 120 MB inflated is within the stream bound, but not within a 250 MB worker.
    one_page_pdf(inbox / "a_heavy.pdf", flate_of_spaces(120 * MB))
    shutil.copy(DATA / "001_report.pdf", inbox / "b_report.pdf")
    result = measured(
        ["check", "--format", "json", "-j", "1", str(inbox)], env={"JIXIAO_MAX_WORKER_MB": "250"}
    )
    heavy, report = (json.loads(line) for line in str(result["out"]).splitlines())
    assert heavy["source"]["path"].endswith("a_heavy.pdf")
    [finding] = heavy["findings"]
    assert finding["code"] == "UNREADABLE_DOCUMENT"
    assert "超过每个处理进程的内存上限 250 MB" in finding["message"]
    assert report["project"]["name"] == "龙城街道办事处指挥部街道工作经费"
    assert int(str(result["peak_kb"])) < 300 * 1024, result["peak_kb"]
