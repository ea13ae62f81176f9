"""The command line as a user meets it: exit codes, output, and error messages without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.schemes import BUILTIN_IDS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED_002 = EXAMPLES / "002-基层政权和社区建设-2018.yaml"
SEED_004 = EXAMPLES / "004-社会保障专项-2020.yaml"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_score_clean_example_exits_0_and_explains() -> None:
    code, out, _ = run("score", str(SEED_002))
    assert code == 0
    assert "复核得分" in out
    assert "97.00" in out
    assert "目标不可计量" in out and "TARGET_NOT_QUANTIFIED" not in out
    assert "预算执行率 = 执行数5,358,672.00元 ÷ 预算数5,358,672.00元 = 100.00%" in out


def test_score_with_errors_exits_1_like_a_linter() -> None:
    code, out, _ = run("score", str(SEED_004))
    assert code == 1
    assert "未完成目标却得满分" in out
    assert "2 × 25/30 = 1.67" in out


def test_score_json_is_one_contract_document() -> None:
    code, out, _ = run("score", str(SEED_002), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "jixiao.evaluation/1"
    assert data["claimed"]["total"] == 97
    assert data["computed"]["budget_execution_score"] == 20


def test_score_json_lines_for_several_files() -> None:
    code, out, _ = run("score", str(SEED_002), str(SEED_004), "--json")
    assert code == 1
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["claimed"]["total"] for d in docs] == [97, 98]


def test_scheme_override_changes_the_rules() -> None:
    code, out, _ = run("score", str(SEED_002), "--scheme", "mof-2020", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["scheme"]["id"] == "mof-2020"
    # The document declares its own weights (20/40/40), so they stay.
    assert data["scheme"]["weights"]["budget_execution"] == 20


def test_bad_yaml_names_file_line_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "坏文件.yaml"
    bad.write_text("方案: mof-2020\n项目:\n  项目名称: 测试\n  年度 2024\n", encoding="utf-8")
    code, out, err = run("score", str(bad))
    assert code == 2
    assert "坏文件.yaml" in err
    assert "第" in err and "行" in err
    assert "Traceback" not in err + out


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text("方案: mof-2020\n项目:\n  项目明称: 测试\n", encoding="utf-8")
    code, _, err = run("score", str(bad))
    assert code == 2
    assert "a.yaml 第3行" in err
    assert "项目名称" in err


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("score", str(tmp_path / "没有这个文件.yaml"))
    assert code == 2
    assert "没有这个文件.yaml" in err


def test_unknown_scheme_lists_the_builtins() -> None:
    code, _, err = run("score", str(SEED_002), "--scheme", "shanghai-2030")
    assert code == 2
    assert "shanghai-2030" in err
    assert all(scheme_id in err for scheme_id in BUILTIN_IDS)


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_new_template_scores_without_error(tmp_path: Path, scheme_id: str) -> None:
    code, out, _ = run("new", "--scheme", scheme_id)
    assert code == 0
    assert scheme_id in out
    path = tmp_path / "2024-社区建设.yaml"
    path.write_text(out, encoding="utf-8")
    code, out, err = run("score", str(path))
    assert code in (0, 1), err
    assert "复核得分" in out


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "已有.yaml"
    target.write_text("x", encoding="utf-8")
    code, _, err = run("new", "-o", str(target))
    assert code == 2
    assert "已存在" in err
    assert target.read_text(encoding="utf-8") == "x"


def test_schemes_lists_weights_formulas_bands_and_sources() -> None:
    code, out, _ = run("schemes")
    assert code == 0
    for scheme_id in BUILTIN_IDS:
        assert scheme_id in out
    assert "≥85 优秀" in out  # hebei-2020
    assert "财预〔2020〕10号" in out
    code, out, _ = run("schemes", "--json")
    assert [s["id"] for s in json.loads(out)] == list(BUILTIN_IDS)


def test_checks_lists_every_code() -> None:
    code, out, _ = run("checks")
    assert code == 0
    assert "FULL_SCORE_TARGET_MISSED" in out


def test_the_installed_script_never_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "b.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage: [\n")
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", "score", str(bad)], check=False, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "b.yaml" in done.stderr


def test_a_users_own_scheme_file_next_to_the_evaluation(tmp_path: Path) -> None:
    from importlib import resources

    text = resources.files("jixiao.schemes").joinpath("builtin", "hebei-2020.toml").read_text("utf-8")
    (tmp_path / "本省方案.toml").write_text(text.replace('id = "hebei-2020"', 'id = "my-province"'), "utf-8")
    evaluation = SEED_002.read_text(encoding="utf-8").replace("方案: hubei-2019", "方案: 本省方案.toml")
    assert "方案: 本省方案.toml" in evaluation
    path = tmp_path / "e.yaml"
    path.write_text(evaluation, encoding="utf-8")
    code, out, err = run("score", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)["scheme"]["id"] == "my-province"


def test_a_folder_scores_every_file_in_it() -> None:
    code, out, _ = run("score", str(EXAMPLES), "--json")
    assert code == 1  # 004 has error findings
    names = [json.loads(line)["project"]["name"] for line in out.splitlines()]
    assert len(names) == 3


def test_an_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("score", str(tmp_path))
    assert code == 2
    assert "没有 .yaml" in err
