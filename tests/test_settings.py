"""Settings: one table, four sources, in order; every setting documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.errors import JixiaoError
from jixiao.settings import SETTINGS
from jixiao.settings import load_settings
from jixiao.settings import settings_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_precedence_default_file_env_cli(tmp_path: Path) -> None:
    config = tmp_path / "jixiao.toml"
    config.write_text('workers = 3\nmax_file_mb = 50\ndata_dir = "/srv/jixiao"\n', encoding="utf-8")
    env = {"JIXIAO_CONFIG": str(config), "JIXIAO_WORKERS": "5", "HOME": str(tmp_path)}
    s = load_settings(cli={"max_file_mb": 20.0}, env=env)
    assert s.workers == 5 and s.sources["workers"] == "环境变量 JIXIAO_WORKERS"
    assert s.max_file_mb == 20.0 and s.sources["max_file_mb"].startswith("命令行")
    assert s.data_dir == Path("/srv/jixiao") and s.sources["data_dir"].startswith("配置文件")
    assert s.database_url == "sqlite:////srv/jixiao/jixiao.db"  # derived from the data dir
    assert s.file_timeout == 300 and s.sources["file_timeout"] == "默认"
    assert s.limits().max_file_bytes == 20 * 1024 * 1024


def test_xdg_defaults(tmp_path: Path) -> None:
    s = load_settings(
        env={"XDG_DATA_HOME": str(tmp_path / "share"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    )
    assert s.data_dir == tmp_path / "share" / "jixiao"
    assert s.workers >= 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("workers = 'many'\n", "workers"),
        ("colour = 'red'\n", "未知的设置"),
        ("workers = [\n", "格式错误"),
    ],
)
def test_bad_config_files_are_explained(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(JixiaoError, match=message):
        load_settings(env={"JIXIAO_CONFIG": str(config)})


def test_bad_environment_values_are_explained() -> None:
    with pytest.raises(JixiaoError, match="环境变量 JIXIAO_WORKERS"):
        load_settings(env={"JIXIAO_WORKERS": "two"})
    with pytest.raises(JixiaoError, match="至少为 1"):
        load_settings(env={"JIXIAO_WORKERS": "0"})
    with pytest.raises(JixiaoError, match="ocr_min_confidence 应在 0 与 1 之间"):
        load_settings(env={"JIXIAO_OCR_MIN_CONFIDENCE": "80"})
    assert load_settings(env={"JIXIAO_OCR_MIN_CONFIDENCE": "0.6"}).limits().ocr_min_confidence == 0.6


def test_every_setting_is_documented() -> None:
    assert DOCS.read_text(encoding="utf-8") == settings_markdown()
    for s in SETTINGS:
        assert f"`{s.env}`" in settings_markdown()


def test_settings_build_the_limits_without_reaching_into_the_intake() -> None:
    """The limits are a plain value below both: the settings build one, the intake receives it."""
    import ast

    import jixiao.settings
    from jixiao.intake.limits import Limits as IntakeLimits
    from jixiao.limits import MB
    from jixiao.limits import Limits

    tree = ast.parse(Path(jixiao.settings.__file__).read_text(encoding="utf-8"))
    ours = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jixiao")
    }
    assert ours <= {"jixiao.errors", "jixiao.limits", "jixiao.tomlfile"}
    limits = load_settings(cli={"max_file_mb": 3}, env={}).limits()
    assert isinstance(limits, Limits) and IntakeLimits is Limits
    assert limits.max_file_bytes == 3 * MB
