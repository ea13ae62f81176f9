"""A folder of good and bad submissions: every file gets its result, none stops the batch."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont
from typer.testing import CliRunner

from intake.makers import TSV_REPORT
from intake.makers import gbk_report
from intake.readers.docx_builders import entity_bomb_xml
from intake.readers.docx_builders import replace_part
from intake.readers.docx_builders import zip_bomb_docx
from intake.readers.pdf_builders import raw_pdf
from jixiao.cli import app
from jixiao.core.model import Evaluation
from jixiao.intake.batch import check_files
from jixiao.intake.batch import find_files
from jixiao.intake.limits import MB
from jixiao.intake.limits import Limits
from jixiao.intake.readers.libreoffice import soffice

DATA = Path(__file__).parent.parent / "data"
GOOD_DOCX = DATA / "formats" / "002_report.docx"


def _encrypted_docx(target: Path) -> None:
    with GOOD_DOCX.open("rb") as src, target.open("wb") as out:
        office = OOXMLFile(src)
        office.encrypt("secret", out)


def _encrypted_pdf(target: Path) -> None:
    exe = soffice()
    assert exe, "LibreOffice is installed by scripts/system-deps"
    opts = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}'
    with tempfile.TemporaryDirectory() as work:
        src = Path(work) / "x.txt"
        src.write_text("保密文件", encoding="utf-8")
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation={Path(work, 'p').as_uri()}",
                "--headless",
                "--convert-to",
                f"pdf:writer_pdf_Export:{opts}",
                "--outdir",
                work,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.copyfile(Path(work) / "x.pdf", target)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("收件箱")
    sub = root / "二级单位"
    sub.mkdir()
    shutil.copyfile(GOOD_DOCX, root / "good.docx")
    (sub / "report.txt").write_text(TSV_REPORT, encoding="utf-8")
    gbk_report(sub / "gbk.txt")
    (root / "empty.docx").write_bytes(b"")
    (root / "random.docx").write_bytes(bytes(range(256)) * 40)
    data = GOOD_DOCX.read_bytes()
    (root / "truncated.docx").write_bytes(data[: len(data) // 2])
    _encrypted_docx(root / "encrypted.docx")
    _encrypted_pdf(root / "encrypted.pdf")
    zip_bomb_docx(GOOD_DOCX, root / "zipbomb.docx", padding_mb=200)
    replace_part(GOOD_DOCX, root / "entitybomb.docx", "word/document.xml", entity_bomb_xml())
    with (root / "huge.txt").open("wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * MB)
    Image.new("RGB", (600, 800), "white").save(root / "scanned.pdf")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (root / "~$good.docx").write_bytes(b"lock")  # an Office lock file: skipped
    return root


@pytest.fixture(scope="module")
def results(inbox: Path) -> dict[str, Evaluation]:
    files = find_files([inbox])
    return {p.name: ev for p, ev in check_files(files, jobs=2, limits=Limits())}


def reason(ev: Evaluation) -> str:
    found = [f for f in ev.findings if f.code == "UNREADABLE_DOCUMENT"]
    assert len(found) == 1, [f.code for f in ev.findings]
    return found[0].message


def test_every_file_has_a_result(results: dict[str, Evaluation]) -> None:
    assert "~$good.docx" not in results
    assert len(results) == 13


def test_good_files_are_read(results: dict[str, Evaluation]) -> None:
    assert results["good.docx"].claimed.total == 97
    assert results["report.txt"].claimed.total is not None
    assert results["gbk.txt"].project.name == "乡村道路养护"
    for name in ("good.docx", "report.txt", "gbk.txt"):
        assert not any(f.code == "UNREADABLE_DOCUMENT" for f in results[name].findings)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.docx", "为空"),
        ("random.docx", "损坏"),
        ("truncated.docx", "损坏"),
        ("encrypted.docx", "加密"),
        ("encrypted.pdf", "加密"),
        ("zipbomb.docx", "压缩炸弹"),
        ("entitybomb.docx", "实体"),
        ("huge.txt", "过大"),
        ("scanned.pdf", "没有识别出文字"),  # a blank page image: OCR finds nothing
        ("photo.png", "图片已损坏"),
    ],
)
def test_bad_files_get_their_reason(results: dict[str, Evaluation], name: str, words: str) -> None:
    assert words in reason(results[name])


def test_scan_pages_are_reported_as_they_are_read(tmp_path: Path) -> None:
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 40)
    pages = []
    for line in ("预算数 2,440.91 万元", "自评得分 92.5 分"):
        page = Image.new("RGB", (900, 300), "white")
        ImageDraw.Draw(page).text((60, 100), line, fill="black", font=font)
        pages.append(page)
    scan = tmp_path / "扫描.tif"
    pages[0].save(scan, save_all=True, append_images=pages[1:])
    seen: list[tuple[str, int, int]] = []
    [(_, ev)] = check_files(
        [scan],
        jobs=1,
        limits=Limits(),
        on_page=lambda path, done, total: seen.append((path.name, done, total)),
    )
    assert seen == [("扫描.tif", 1, 2), ("扫描.tif", 2, 2)]
    assert ev.source is not None and ev.source.format == "image"
    assert not any(f.code == "UNREADABLE_DOCUMENT" for f in ev.findings)


def test_size_limit_is_configurable(inbox: Path) -> None:
    files = [inbox / "good.docx"]
    [(_, ev)] = list(check_files(files, jobs=1, limits=Limits(max_file_bytes=10_000)))
    assert "过大" in reason(ev)


@pytest.mark.skipif(soffice() is None, reason="needs LibreOffice")
def test_a_file_over_its_time_is_killed_and_the_batch_goes_on(tmp_path: Path) -> None:
    # Ten million content-stream tokens: pdfminer parses them for well over a minute; the text
    # report takes a fraction of a second, also on a loaded machine.
    slow = raw_pdf(tmp_path / "slow.pdf", ["0 0 m n\n" * 2_500_000])
    fast = tmp_path / "fast.txt"
    fast.write_text(TSV_REPORT, encoding="utf-8")
    out = dict(check_files([slow, fast], jobs=1, limits=Limits(file_timeout=3)))
    assert "超时" in reason(out[slow])
    assert out[fast].claimed.total is not None


def test_cli_check_prints_every_file_and_the_summary(inbox: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(inbox), "--jobs", "2"])
    assert result.exit_code == 1, result.output  # unreadable files are errors
    for name in ("good.docx", "gbk.txt", "zipbomb.docx", "scanned.pdf"):
        assert name in result.output
    assert "汇总：13 个文件" in result.output
    assert "文件无法读取" in result.output
    assert "自评表 第" in result.output  # findings name their row


def test_cli_check_json_lines(inbox: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(inbox / "二级单位"), "--format", "json"])
    lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [Path(d["source"]["path"]).name for d in lines] == ["gbk.txt", "report.txt"]
    assert all(d["schema"] == "jixiao.evaluation/1" for d in lines)
    assert result.exit_code in {0, 1}


def test_cli_extract_json_and_errors(inbox: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["extract", str(inbox / "good.docx"), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["claimed"]["total"] == 97
    missing = runner.invoke(app, ["extract", str(tmp_path / "nope.docx")])
    assert missing.exit_code == 2 and "找不到文件" in missing.output
    folder = runner.invoke(app, ["extract", str(inbox)])
    assert folder.exit_code == 2 and "jixiao check" in folder.output
    bad_scheme = runner.invoke(app, ["check", str(inbox / "good.docx"), "--scheme", "nope"])
    assert bad_scheme.exit_code == 2


def test_zip_archive_member_count_does_not_matter_only_size(tmp_path: Path) -> None:
    # a docx with many small parts is fine: the limits are about bytes, not parts
    target = tmp_path / "many.docx"
    with zipfile.ZipFile(GOOD_DOCX) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
        for i in range(300):
            out.writestr(f"customXml/extra{i}.xml", "<a/>")
    [(_, ev)] = list(check_files([target], jobs=1))
    assert ev.claimed.total == 97


def test_cli_check_writes_the_review_report(inbox: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "复核报告.xlsx"
    result = CliRunner().invoke(
        app, ["check", str(inbox / "二级单位"), str(inbox / "random.docx"), "--report", str(out)]
    )
    assert result.exit_code == 1
    book = load_workbook(out)
    text = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    for words in ("gbk.txt", "report.txt", "random.docx", "文件无法读取", "乡村道路养护"):
        assert words in text


def test_cli_check_refuses_an_unwritable_report_before_any_work(inbox: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad_suffix = runner.invoke(app, ["check", str(inbox / "good.docx"), "--report", str(tmp_path / "r.pdf")])
    assert bad_suffix.exit_code == 2 and ".xlsx 或 .html" in bad_suffix.output
    no_dir = runner.invoke(
        app, ["check", str(inbox / "good.docx"), "--report", str(tmp_path / "nope" / "r.xlsx")]
    )
    assert no_dir.exit_code == 2 and "不存在" in no_dir.output
    assert "good.docx" not in no_dir.output  # refused before any file was processed
