"""TOML data files (scoring schemes, 表样 layouts) read one way, with errors in Chinese that name
the file and the line.

The caller passes what it calls the file (``where``: a path, or ``mof-2020（内置）``) and its own
error class, built as ``error(where, problem)`` (:class:`~jixiao.errors.SchemeError`,
:class:`~jixiao.export.errors.LayoutError`), so each says the problem in its own words:
``评分方案 我的方案.toml：TOML 格式错误：第3行第7列，键后面缺少“=”（Expected '=' …）``.
Validating the data is the caller's business.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

ErrorFactory = Callable[[str, str], Exception]
"""``error(where, problem)``: the caller's exception for a file it cannot use."""

# tomllib ends each message with where it stopped: “(at line 3, column 7)” or “(at end of document)”.
_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")

# What tomllib's messages mean (Python 3.11's wording); any other is shown as written.
_MEANINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), meaning)
    for pattern, meaning in (
        (r"^Invalid value$", "值缺失或无效（字符串要加引号，数字不要加）"),
        (r"^Cannot overwrite a value$", "同一个键赋值了两次"),
        (r"^Cannot declare .+ twice$", "同一个表声明了两次"),
        (r"^Cannot (?:mutate immutable|redefine) namespace", "与前面已定义的键或表冲突"),
        (r"^Duplicate inline table key", "内联表中有重复的键"),
        (r"^Expected '=' after a key", "键后面缺少“=”"),
        (r"^Expected '\]' at the end of a table declaration$", "表头缺少结尾的“]”"),
        (r"^Expected '\]\]' at the end of an array declaration$", "表数组的表头缺少结尾的“]]”"),
        (r"^Expected newline or end of document after a statement$", "一行只能写一个键值对"),
        (r"^Unterminated string$", "字符串缺少结尾的引号"),
        (r"^Unclosed array$", "数组缺少结尾的“]”"),
        (r"^Unclosed inline table$", "内联表缺少结尾的“}”"),
        (r"^Invalid statement$", "无法识别的语句"),
        (r"^Invalid initial character for a key part$", "键名的第一个字符无效"),
        (r"^Invalid date or datetime$", "日期或时间无效"),
        (r"^(?:Illegal|Found invalid) character", "含有不允许的字符"),
        (r"^Unescaped '\\\\' in a string$", "字符串中的“\\”未转义（写成“\\\\”，或改用单引号）"),
    )
)


def read_toml(source: Path | Traversable, where: str, error: ErrorFactory) -> dict[str, Any]:
    """The data of a TOML file (a path, or a packaged resource); ``error(where, problem)`` when
    it cannot be read or is not TOML."""
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise error(where, f"无法读取：{exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(where, f"无法读取：第{line}行不是 UTF-8 编码的文字（请以 UTF-8 保存）") from None
    return parse_toml(text, where, error)


def parse_toml(text: str, where: str, error: ErrorFactory) -> dict[str, Any]:
    """The data of TOML text; ``error(where, problem)`` when it is not TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(where, f"TOML 格式错误：{_explain(str(exc), text)}") from None


def _explain(message: str, text: str) -> str:
    """“第3行第7列，键后面缺少“=”（Expected '=' after a key in a key/value pair）”."""
    position = _POSITION.search(message)
    detail = message[: position.start()] if position else message
    if position is None:
        place = ""
    elif position.group(1):
        place = f"第{position.group(1)}行第{position.group(2)}列，"
    else:
        place = f"第{len(text.rstrip().splitlines()) or 1}行（文件末尾），"
    meaning = next((m for pattern, m in _MEANINGS if pattern.search(detail)), "")
    return f"{place}{meaning}（{detail}）" if meaning else f"{place}{detail}"
