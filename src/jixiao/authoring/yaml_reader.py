"""Read an authoring YAML text into plain data whose every scalar is a string, with line marks.

PyYAML's ``safe_load`` applies YAML 1.1's implicit types: ``no`` becomes ``False``, ``0.1`` a binary
float, ``010`` the octal 8 and ``2019-07-28`` a date. None of that is wanted in an evaluation, whose
numbers must stay exact and whose texts must stay as written. So the text is only *composed* into
PyYAML's node tree and converted here: every scalar stays the string it was written as, except an
explicit null (``~``, ``null``, or nothing after the colon), which becomes ``None``. Every node's
position is kept, so a later problem can name its line.

Every problem becomes an :class:`~jixiao.errors.AuthoringError` in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

import yaml

from jixiao.errors import AuthoringError

Data = dict[str, "Data"] | list["Data"] | str | None
"""Plain data from a YAML text: mappings, lists, strings and None."""

Path = tuple[str | int, ...]
"""Where a node sits: mapping keys (as written) and list indexes from the top."""

_NULL_TAG = "tag:yaml.org,2002:null"

_SYNTAX_HINT = "请检查这一行和上一行：缩进只能用空格且同级对齐，冒号“:”后要有一个空格，引号要成对。"

# PyYAML's English problem texts and what they mean for a hand-written file.
_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    (
        "mapping values are not allowed",
        "这里出现了多余的冒号“: ”，或者缩进不对",
        '值里有“: ”时请给整个值加引号（如 名称: "说明: 内容"）；否则请检查缩进。',
    ),
    ("could not find expected ':'", "缺少冒号“:”", "每个键后面要写冒号和一个空格，如“年度: 2018”。"),
    (
        "that cannot start any token",
        "出现了不能用在这里的字符（常见原因是用 Tab 缩进，或值以 @、` 等符号开头）",
        "缩进只能用空格，不能用 Tab；以特殊符号开头的值请加引号。",
    ),
    ("found unexpected end of stream", "文件在引号或括号闭合之前就结束了", "请检查引号和括号是否成对。"),
    (
        "found unknown escape character",
        "双引号里有无法识别的反斜杠转义",
        "把双引号换成单引号，或把 \\ 写成 \\\\。",
    ),
    ("expected <block end>", "缩进不一致，这一行与同级的其他行没有对齐", _SYNTAX_HINT),
    ("expected ',' or ']'", "方括号列表没有正确结束", "请检查 [ ] 是否成对、各项之间是否用英文逗号分隔。"),
    ("expected ',' or '}'", "花括号没有正确结束", "请检查 { } 是否成对、各项之间是否用英文逗号分隔。"),
    ("found undefined alias", "引用了没有定义的锚点（*名称）", "请先用 &名称 定义，或去掉 *。"),
    ("found duplicate anchor", "锚点（&名称）重复定义", "请给每个锚点起不同的名字。"),
    (
        "expected a single document",
        "文件里有多个 YAML 文档（出现了 ---）",
        "一个文件只写一份自评，请删去多余的 ---。",
    ),
    (
        "expected alphabetic or numeric character",
        "锚点或引用（& 或 *）后面缺少名称",
        "值以 & 或 * 开头时请加引号。",
    ),
    ("found a tab character", "出现了 Tab 字符", "缩进只能用空格，不能用 Tab。"),
)


@dataclass(frozen=True, slots=True)
class Mark:
    """A position in the file, both counted from 1."""

    line: int
    column: int


@dataclass(slots=True)
class YamlDocument:
    """Plain data of one YAML text and where each of its nodes was written.

    ``marks`` holds the start of every node (for a mapping entry: its value), ``key_marks`` the
    start of the key of every mapping entry.
    """

    data: Data
    marks: dict[Path, Mark] = field(default_factory=dict)
    key_marks: dict[Path, Mark] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """The line where the node at ``path`` starts."""
        mark = self.marks.get(path)
        return mark.line if mark else None

    def key_line(self, path: Path) -> int | None:
        """The line of the key of the mapping entry at ``path`` (else of its node)."""
        mark = self.key_marks.get(path) or self.marks.get(path)
        return mark.line if mark else None


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


# Problems whose useful place is where PyYAML started the construct (the key without a colon, the
# opening quote), not where it noticed the problem (often the next line).
_AT_CONTEXT = ("could not find expected ':'", "found unexpected end of stream")


def _problem(error: yaml.YAMLError) -> tuple[str, str]:
    """A Chinese problem and hint for a PyYAML error."""
    text = " ".join(
        str(part) for part in (getattr(error, "context", None), getattr(error, "problem", None)) if part
    )
    for needle, problem, hint in _PROBLEMS:
        if needle in text:
            return problem, hint
    return "YAML 格式错误", _SYNTAX_HINT


def _line_of_offset(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1


# Anchors and aliases (&a / *a) may repeat a block, but nested ones multiply: nine lines can stand
# for a billion nodes. No real evaluation comes near this many nodes once expanded.
MAX_NODES = 200_000


class _Converter:
    def __init__(self, where: str) -> None:
        self.where = where
        self.marks: dict[Path, Mark] = {}
        self.key_marks: dict[Path, Mark] = {}
        self.nodes = 0

    def convert(self, node: yaml.Node, path: Path) -> Data:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise AuthoringError(
                self.where,
                f"文件展开后超过{MAX_NODES:,}个条目，可能是锚点引用（&、*）层层嵌套所致",
                line=_mark(node).line,
                hint="请直接写出内容，不要用层层嵌套的锚点引用。",
            )
        self.marks[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _NULL_TAG and node.style is None:
                return None
            return str(node.value)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Data] = {}
            for key_node, value_node in node.value:
                mark = _mark(key_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise AuthoringError(
                        self.where,
                        "键必须是一段文字，不能是列表或键值对",
                        line=mark.line,
                        column=mark.column,
                        hint="键后面直接写冒号，如“项目名称: …”；以 ? 开头的复杂键不受支持。",
                    )
                key = str(key_node.value)
                if key in result:
                    first = self.key_marks[(*path, key)]
                    raise AuthoringError(
                        self.where,
                        f"键“{key}”重复出现（第{first.line}行已经写过）",
                        line=mark.line,
                        column=mark.column,
                        hint="同一层里每个键只能写一次，请删去或合并其中一处。",
                    )
                self.key_marks[(*path, key)] = mark
                result[key] = self.convert(value_node, (*path, key))
            return result
        raise AuthoringError(self.where, "无法识别的 YAML 结构", line=_mark(node).line)  # pragma: no cover


def read_yaml(text: str, where: str) -> YamlDocument:
    """Read a YAML text (already decoded) into a :class:`YamlDocument`.

    ``where`` names the file in error messages. An empty text (or one of only comments) gives a
    document whose ``data`` is None.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        problem, hint = _problem(exc)
        at_context = any(needle in str(exc.problem) for needle in _AT_CONTEXT)
        mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise AuthoringError(where, problem, line=line, column=column, hint=hint) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_of_offset(text, exc.position)
        raise AuthoringError(
            where,
            f"含有不能出现在 YAML 文件里的控制字符（{exc.character!r}）",
            line=line,
            column=column,
            hint="请删除这个字符；从其他软件复制来的文字有时会带上它。",
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML parse error is marked
        problem, hint = _problem(exc)
        raise AuthoringError(where, problem, hint=hint) from None
    if root is None:
        return YamlDocument(None)
    converter = _Converter(where)
    data = converter.convert(root, ())
    return YamlDocument(data, converter.marks, converter.key_marks)
