"""Load an evaluation from an authoring file: hand-written YAML or the contract JSON.

This module owns the file: its type, its bytes and encoding (UTF-8, with or without BOM), an
empty file, and the contract JSON with its validation errors in Chinese. A YAML document is
handed to :mod:`jixiao.authoring.yaml_builder`, which flattens its tree into the contract.
Nothing is scored here: ``computed`` and ``findings`` stay empty for the engine. Every problem
raises :class:`~jixiao.errors.AuthoringError` naming the first bad line, in Chinese.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import ValidationError

from jixiao.authoring.yaml_builder import build_evaluation
from jixiao.authoring.yaml_reader import read_yaml
from jixiao.core.model import Evaluation
from jixiao.core.model import Source
from jixiao.core.scheme import Scheme
from jixiao.errors import AuthoringError
from jixiao.errors import SchemeError
from jixiao.errors import explain
from jixiao.schemes import load_scheme

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)

"""Accepted 金额单位 spellings and the unit each means."""


def load_evaluation(path: str | Path) -> Evaluation:
    """Read an authoring file (``.yaml``/``.yml`` or contract ``.json``) into an Evaluation.

    Raises :class:`~jixiao.errors.AuthoringError` for the first problem found, with its line.
    """
    return load_authored(path)[0]


def load_authored(path: str | Path) -> tuple[Evaluation, Scheme | None]:
    """Read an authoring file and the scheme it names.

    The scheme is returned as loaded, because a user's own ``.toml`` named by ``方案`` is found
    relative to the file and cannot be reloaded from ``SchemeRef.id`` alone. For a contract JSON
    file it is the built-in scheme of that id, or None when the id is not a built-in one.
    """
    file = Path(path)
    where = str(path)
    raw = _read_bytes(file, where)
    suffix = file.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise AuthoringError(
            where,
            f"不支持的文件类型“{file.suffix or '（无扩展名）'}”",
            hint=(
                "自评文件应是 .yaml / .yml（手写格式，可用 jixiao new 生成模板）"
                "或 .json（jixiao score --json 输出的评价合同格式）。"
            ),
        )
    text = _decode(raw, where)
    if not text.strip():
        raise AuthoringError(where, "文件是空的", hint="可以用“jixiao new”生成一个带说明的模板再填写。")
    if suffix in JSON_SUFFIXES:
        ev = _load_json(text, where, _source(file, "json", raw))
        try:
            return ev, load_scheme(ev.scheme.id)
        except SchemeError:
            return ev, None
    document = read_yaml(text, where)
    if document.data is None:
        raise AuthoringError(
            where, "文件里只有注释，没有内容", hint="可以用“jixiao new”生成一个带说明的模板再填写。"
        )
    return build_evaluation(where, file, document, _source(file, "yaml", raw))


# --- the file ------------------------------------------------------------------------------------


# A hand-written evaluation is tens of kilobytes; the cap keeps a wrong file from filling memory.
MAX_BYTES = 20 * 2**20


def _read_bytes(file: Path, where: str) -> bytes:
    if not file.exists():
        raise AuthoringError(where, "文件不存在", hint="请检查文件名和所在文件夹是否写对。")
    if file.is_dir():
        raise AuthoringError(
            where, "这是一个文件夹，不是文件", hint="请给出自评文件（.yaml 或 .json）本身的路径。"
        )
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise AuthoringError(
                where,
                f"文件有{size / 2**20:.0f} MB，超过自评文件的上限{MAX_BYTES // 2**20} MB",
                hint="一份自评文件通常只有几十 KB；请确认选对了文件。",
            )
        return file.read_bytes()
    except OSError:
        raise AuthoringError(where, "无法读取文件（没有权限，或文件正被其他程序占用）") from None


def _decode(raw: bytes, where: str) -> str:
    """UTF-8 text, with or without a byte-order mark."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise AuthoringError(
            where,
            "文件不是 UTF-8 编码（可能是 GBK/GB2312）",
            line=line,
            hint="请用文本编辑器（如记事本、VS Code、WPS）“另存为”，编码选择 UTF-8 后再试。",
        ) from None


def _source(file: Path, fmt: str, raw: bytes) -> Source:
    return Source(path=str(file), format=fmt, sha256=hashlib.sha256(raw).hexdigest())


# --- JSON ----------------------------------------------------------------------------------------


def _load_json(text: str, where: str, source: Source) -> Evaluation:
    """The contract JSON; its own ``source`` (the document it was extracted from) is kept."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AuthoringError(
            where,
            "JSON 格式错误",
            line=exc.lineno,
            column=exc.colno,
            hint="请检查这一处附近的逗号、引号和括号是否成对；JSON 的最后一项后面不能有逗号。",
        ) from None
    if not isinstance(data, dict):
        raise AuthoringError(
            where,
            "JSON 文件最外层应是一个对象（{…}）",
            hint="请使用 jixiao score --json 输出的评价合同格式。",
        )
    try:
        evaluation = Evaluation.from_json(text)
    except ValidationError as exc:  # its English text is not shown
        first = explain(exc)[0]
        raise AuthoringError(
            where,
            f"字段“{first.field or '（最外层）'}”{first.problem}",
            hint="JSON 文件须符合 jixiao.evaluation/1 格式（见 docs/contract.md）。",
        ) from None
    if evaluation.source is None:
        evaluation = evaluation.model_copy(update={"source": source})
    return evaluation
