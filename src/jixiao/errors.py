"""Exceptions jixiao raises when it cannot go on. Problems *in* an evaluation are never
exceptions: they are findings (``jixiao.core.model.Finding``).

The hierarchy::

    JixiaoError                 every jixiao exception; message in Chinese, for the user
    ├── InputError              a file the user gave cannot be used
    │   └── AuthoringError      an authoring (YAML/JSON) file is malformed: file, line, fix
    └── SchemeError             a scheme file is malformed or names an unknown rule
        └── UnknownSchemeError  no scheme has that id

Each class builds its message in ``__init__`` so a raise site stays one line; ``str(error)``
is what the CLI prints. :func:`explain` is the one place a pydantic validation error becomes
Chinese, wherever it is raised (contract JSON, scheme and layout files, web forms and API bodies).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Protocol


class JixiaoError(Exception):
    """jixiao 无法继续。"""

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else (self.__doc__ or "").strip()
        super().__init__(self.message)


class InputError(JixiaoError):
    """输入文件无法使用。"""


class AuthoringError(InputError):
    """A malformed authoring file: where it is wrong, what is wrong, how to fix it."""

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        self.column = column
        self.hint = hint
        place = path
        if line is not None:
            place += f" 第{line}行"
            if column is not None:
                place += f"第{column}列"
        text = f"{place}：{problem}"
        if hint:
            text += f"\n  修改建议：{hint}"
        super().__init__(text)


class SchemeError(JixiaoError):
    """A scheme definition cannot be used."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"评分方案 {where}：{problem}")


class UnknownSchemeError(SchemeError):
    """No built-in scheme has that id and no such scheme file exists."""

    def __init__(self, scheme_id: str, known: tuple[str, ...]) -> None:
        self.scheme_id = scheme_id
        self.known = known
        super().__init__(
            scheme_id,
            f"没有名为“{scheme_id}”的评分方案。内置方案：{'、'.join(known)}；"
            "也可以给出自定义方案的 .toml 文件路径。",
        )


# -- validation errors in Chinese ------------------------------------------------------------------

# What each pydantic error type means, said to the user. ``{…}`` names come from the error's ctx.
_PROBLEMS: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "int_parsing": "应是整数",
    "int_from_float": "应是整数",
    "int_type": "应是整数",
    "decimal_parsing": "应是数字",
    "decimal_type": "应是数字",
    "decimal_max_digits": "数字的位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数部分位数过多",
    "float_parsing": "应是数字",
    "float_type": "应是数字",
    "finite_number": "应是有限的数字",
    "string_type": "应是文字",
    "string_too_short": "文字过短（至少 {min_length} 个字符）",
    "string_too_long": "文字过长（至多 {max_length} 个字符）",
    "string_pattern_mismatch": "格式不符合要求",
    "bool_parsing": "应是 true 或 false",
    "bool_type": "应是 true 或 false",
    "date_from_datetime_parsing": '应是日期（如 "2019-07-28"）',
    "date_from_datetime_inexact": '应是日期（如 "2019-07-28"）',
    "date_parsing": '应是日期（如 "2019-07-28"）',
    "date_type": '应是日期（如 "2019-07-28"）',
    "datetime_parsing": '应是日期时间（如 "2019-07-28T09:00:00"）',
    "datetime_from_date_parsing": '应是日期时间（如 "2019-07-28T09:00:00"）',
    "datetime_type": '应是日期时间（如 "2019-07-28T09:00:00"）',
    "literal_error": "取值不在允许的范围内（可用：{expected}）",
    "enum": "取值不在允许的范围内（可用：{expected}）",
    "model_type": "应是一个对象（{{…}}）",
    "model_attributes_type": "应是一个对象（{{…}}）",
    "dict_type": "应是一个对象（{{…}}）",
    "tuple_type": "应是一个列表（[…]）",
    "list_type": "应是一个列表（[…]）",
    "set_type": "应是一个列表（[…]）",
    "too_short": "项数过少（至少 {min_length} 项）",
    "too_long": "项数过多（至多 {max_length} 项）",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应是 JSON 文本",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应是 {multiple_of} 的倍数",
    "frozen_instance": "不可修改",
    "frozen_field": "不可修改",
    "union_tag_invalid": "类型标记不在允许的范围内",
    "union_tag_not_found": "缺少类型标记",
    "url_parsing": "应是网址",
    "uuid_parsing": "应是 UUID",
    "bytes_type": "应是二进制内容",
    "none_required": "应为空",
    "is_instance_of": "类型不对",
}
_GENERIC = "取值不符合要求"
# Where a request's part is named by pydantic (FastAPI puts "body", "query" or "path" first).
_REQUEST_PARTS = ("body", "query", "path", "header", "cookie")


class _HasErrors(Protocol):
    def errors(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Problem:
    """One invalid value: ``field`` is its dotted path (``indicators.0.weight``; empty for the
    whole), ``problem`` what is wrong with it, in Chinese."""

    field: str
    problem: str

    def text(self, whole: str = "（顶层）") -> str:
        """“field：problem”, the whole named ``whole``."""
        return f"{self.field or whole}：{self.problem}"


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _said(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        # Our own validators raise Chinese messages ("一级权重合计应为100…"); pydantic prefixes them.
        own = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return own if _has_cjk(own) else _GENERIC
    template = _PROBLEMS.get(kind)
    if template is None:
        return _GENERIC
    ctx = {
        k: str(v).replace("', '", "'、'").replace(" or ", "、") for k, v in (error.get("ctx") or {}).items()
    }
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):  # a ctx value missing: say it without the detail
        head = template.split("（", 1)[0]
        return head if "{" not in head else _GENERIC


def explain(exc: _HasErrors) -> list[Problem]:
    """Each error of a pydantic ``ValidationError`` (or FastAPI's ``RequestValidationError``) in
    Chinese: the one translation every layer uses, so the CLI, the web pages and the API all say
    the same thing for the same mistake."""
    out: list[Problem] = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        if loc and loc[0] in _REQUEST_PARTS:
            loc = loc[1:]
        out.append(Problem(".".join(loc), _said(error)))
    return out


def explain_text(exc: _HasErrors, whole: str = "（顶层）") -> str:
    """All of :func:`explain`'s problems as one line, “field：problem；field：problem”."""
    return "；".join(p.text(whole) for p in explain(exc))
