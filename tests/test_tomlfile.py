"""One TOML loader for schemes and layouts: errors in Chinese naming the file and the line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.errors import SchemeError
from jixiao.export.errors import LayoutError
from jixiao.export.layout import load_layout
from jixiao.schemes import load_scheme
from jixiao.tomlfile import read_toml


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("load", "name", "data", "expected"),
    [
        (
            load_scheme,
            "我的方案.toml",
            b'id = "x"\nname = "x"\nweights budget = 10\n',
            "评分方案 {path}：TOML 格式错误：第3行第9列，键后面缺少“=”（Expected '=' after a key in a key/value pair）",
        ),
        (
            load_layout,
            "本省表样.toml",
            b'id = "x"\n[sections\n',
            "表样 {path}：TOML 格式错误：第2行第10列，表头缺少结尾的“]”（Expected ']' at the end of a table declaration）",
        ),
    ],
)
def test_a_syntax_error_names_the_file_line_and_column(
    tmp_path: Path, load: Callable[[Path], object], name: str, data: bytes, expected: str
) -> None:
    """Schemes and layouts alike, each in its own words."""
    path = _write(tmp_path, name, data)
    with pytest.raises((SchemeError, LayoutError)) as raised:
        load(path)
    assert str(raised.value) == expected.format(path=path)


def test_a_value_missing_at_the_end_names_the_last_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.toml", b'id = "x"\n\nname = ')
    with pytest.raises(SchemeError, match=r"第3行（文件末尾），值缺失或无效.*（Invalid value）"):
        load_scheme(path)


def test_a_message_without_a_meaning_is_shown_as_written(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.toml", b'a = "\\uZZZZ"\n')
    with pytest.raises(SchemeError) as raised:
        load_scheme(path)
    assert str(raised.value).endswith("TOML 格式错误：第1行第8列，Invalid hex value")


def test_a_file_not_in_utf8_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "gbk.toml", 'id = "x"\nname = "湖北省"\n'.encode("gbk"))
    with pytest.raises(SchemeError) as raised:
        load_scheme(path)
    assert str(raised.value) == f"评分方案 {path}：无法读取：第2行不是 UTF-8 编码的文字（请以 UTF-8 保存）"


def test_an_unreadable_file_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "方案.toml"
    folder.mkdir()
    with pytest.raises(LayoutError, match=r"表样 .*方案\.toml：无法读取：Is a directory"):
        read_toml(folder, str(folder), LayoutError)
