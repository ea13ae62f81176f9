"""Exceptions jixiao raises when it cannot go on. Problems *in* an evaluation are never
exceptions: they are findings (``jixiao.core.model.Finding``).

The hierarchy::

    JixiaoError                 every jixiao exception; message in Chinese, for the user
    ├── InputError              a file the user gave cannot be used
    │   └── AuthoringError      an authoring (YAML/JSON) file is malformed: file, line, fix
    └── SchemeError             a scheme file is malformed or names an unknown rule
        └── UnknownSchemeError  no scheme has that id

Each class builds its message in ``__init__`` so a raise site stays one line; ``str(error)``
is what the CLI prints.
"""

from __future__ import annotations


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
