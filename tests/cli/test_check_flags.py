"""``jixiao check``'s view flags: --min-severity, --errors-only, --quiet, --sort; the 单位 column
of the summary; each finding's place printed once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.cli.review import sort_results
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Project
from jixiao.core.model import Severity
from jixiao.core.model import Source
from jixiao.core.places import message_without_place

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
# Three real reports: real_03 and real_01 have errors, real_08 only warnings.
FILES = [REAL / "real_01.txt", REAL / "real_03.txt", REAL / "real_08.txt"]


def _check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *map(str, FILES), "--jobs", "1", *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def plain_run() -> tuple[int, str]:
    return _check()


def test_default_lists_every_file_with_all_severities_and_a_unit_column(plain_run: tuple[int, str]) -> None:
    code, out = plain_run
    assert code == 1
    for name in ("real_01.txt", "real_03.txt", "real_08.txt"):
        assert f"▌{REAL / name}" in out
    assert "[警告]" in out and "[提示]" in out
    header = next(line for line in out.splitlines() if "文件" in line and "项目" in line)
    assert "单位" in header
    assert "阆中市交通运输局" in out.split("汇总：")[1]  # real_08's unit, in the summary


def test_errors_only_lists_only_files_with_errors_and_only_their_errors() -> None:
    code, out = _check("--errors-only")
    assert code == 1
    assert f"▌{REAL / 'real_08.txt'}" not in out  # warnings only: left out of the listing …
    assert "real_08.txt" in out.split("汇总：")[1]  # … but still in the summary
    listing = out.split("汇总：")[0]
    assert "[错误]" in listing and "[警告]" not in listing and "[提示]" not in listing
    assert "较低级别的问题未列出" in listing


def test_min_severity_warning_drops_notes_only() -> None:
    code, out = _check("--min-severity", "warning")
    listing = out.split("汇总：")[0]
    assert code == 1
    assert "[警告]" in listing and "[错误]" in listing and "[提示]" not in listing
    assert f"▌{REAL / 'real_08.txt'}" in listing


def test_quiet_prints_the_summary_only() -> None:
    code, out = _check("--quiet")
    assert code == 1  # the exit code still says there are errors
    assert "▌" not in out and "[错误]" not in out
    assert "汇总：3 个文件" in out and "共 3 个文件" in out


def test_sort_severity_puts_the_most_errors_first() -> None:
    _, out = _check("--sort", "severity", "--quiet")
    rows = [line for line in out.splitlines() if "real_0" in line]
    assert [r.split()[1] for r in rows] == ["real_03.txt", "real_01.txt", "real_08.txt"]


def test_sort_unit_and_path() -> None:
    def ev(unit: str | None, path: str, errors: int) -> Evaluation:
        findings = tuple(Finding(code="X", severity=Severity.ERROR, message="m") for _ in range(errors))
        return Evaluation(project=Project(unit=unit), source=Source(path=path), findings=findings)

    items = [
        (Path("c.txt"), ev("乙", "c", 0)),
        (Path("a.txt"), ev(None, "a", 2)),
        (Path("b.txt"), ev("甲", "b", 1)),
    ]
    assert [p.name for p, _ in sort_results(items, "path")] == ["a.txt", "b.txt", "c.txt"]
    assert [p.name for p, _ in sort_results(items, "severity")] == ["a.txt", "b.txt", "c.txt"]
    by_unit = [e.project.unit for _, e in sort_results(items, "unit")]
    assert by_unit[-1] is None and sorted(by_unit[:2]) == by_unit[:2]  # no unit last


def test_place_is_printed_once(plain_run: tuple[int, str]) -> None:
    _, out = plain_run
    joined = out.replace("\n", "")
    # real_01 row 11: the location names the indicator; the message no longer repeats it.
    assert "三级指标“资金到位及时率”：自评7分" in joined
    assert "三级指标“资金到位及时率”：三级指标“资金到位及时率”" not in joined


def test_bad_flag_values_are_refused_in_chinese() -> None:
    runner = CliRunner()
    for args, words in (
        (["--min-severity", "fatal"], "--min-severity 只能是"),
        (["--sort", "size"], "--sort 只能是"),
        (["--errors-only", "--min-severity", "info"], "不一致"),
        (["--quiet", "--format", "json"], "--quiet 只用于文字输出"),
    ):
        result = runner.invoke(app, ["check", str(FILES[0]), *args])
        assert result.exit_code == 2 and words in result.output, result.output
        assert "▌" not in result.output  # refused before any work


def test_message_without_place() -> None:
    loc = "自评表 第11行 三级指标“资金到位及时率”"
    assert message_without_place("三级指标“资金到位及时率”自评7分", loc) == "自评7分"
    assert message_without_place("表1 第9行未能识别：竖线", "表1 第9行") == "未能识别：竖线"
    assert message_without_place("没有“存在的问题”部分", "存在的问题") == "没有“存在的问题”部分"
    assert message_without_place("anything", None) == "anything"
    assert message_without_place("第9行", "表1 第9行") == "第9行"  # never an empty message
