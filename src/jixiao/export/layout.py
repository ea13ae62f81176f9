"""Layouts (表样) as data: how one jurisdiction's 自评表 is drawn, read from a TOML file.

A layout is a grid of ``columns`` (relative widths) filled top to bottom by ``sections``:

- ``rows``: fixed rows of cells, each a literal ``text`` (which may embed ``{field}`` names) or
  a ``field`` from :data:`jixiao.export.fields.FIELDS`, with ``span`` (columns) and ``rows``
  (rows) to merge, as in an HTML table;
- ``indicators``: the indicator table, one header row and then one row per 三级指标, with the
  一级/二级 cells merged over their rows;
- ``notes``: the scheme's notes (备注) in one cell across the table.

``lines`` are rows without borders above the grid (单位名称、填报日期). Built-in layouts live in
``jixiao/export/layouts/``; each lists the ``schemes`` it is the default for. A user passes the
path of their own file; ``docs/export.md`` describes the format. Loading checks everything a
writer relies on (every row fills the grid exactly, every field name exists), so a bad layout
fails with a Chinese message naming its entry, never halfway through writing a document.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated
from typing import Any
from typing import Literal
from typing import Protocol

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError
from pydantic import ValidationInfo
from pydantic import model_validator

from jixiao.errors import explain
from jixiao.export.errors import LayoutError
from jixiao.export.fields import FIELDS
from jixiao.export.fields import INDICATOR_VALUES
from jixiao.tomlfile import parse_toml
from jixiao.tomlfile import read_toml

BUILTIN_LAYOUTS: tuple[str, ...] = ("mof-2020", "hubei-2019")
FALLBACK_LAYOUT = "mof-2020"
"""The layout of a scheme no layout names (a user's own scheme): the national 自评表."""

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholders(text: str) -> list[str]:
    """The ``{field}`` names embedded in a text."""
    return PLACEHOLDER.findall(text)


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Kinded(Protocol):
    """A field of a vocabulary, as the loader checks it: its kind (``choice`` …)."""

    @property
    def kind(self) -> str: ...


class CellSpec(_Spec):
    """One cell of a ``rows`` section or of ``lines``: literal text or a field, and its merge."""

    text: str | None = None
    field: str | None = None
    span: int = Field(default=1, ge=1)
    rows: int = Field(default=1, ge=1)
    choices: tuple[str, ...] = ()
    align: Literal["left", "center", "right"] | None = None
    bold: bool = False

    @model_validator(mode="after")
    def _known(self, info: ValidationInfo) -> CellSpec:
        # The field vocabulary is the 自评表's unless the loader names another record's
        # (``context={"fields": …}``: a 目标申报表 or 监控情况表 layout, jixiao.export.plan_fields).
        fields: Mapping[str, _Kinded] = (info.context or {}).get("fields", FIELDS)
        if self.text is not None and self.field is not None:
            raise ValueError("一个单元格只能写 text 或 field 之一")
        if self.field is not None:
            if self.field not in fields:
                raise ValueError(f"未知字段“{self.field}”（可用字段见 docs/export.md）")
            if self.choices and fields[self.field].kind != "choice":
                raise ValueError(f"字段“{self.field}”不是选项字段，不能写 choices")
        for name in placeholders(self.text or ""):
            if name not in fields:
                raise ValueError(f"文字中的“{{{name}}}”不是已知字段（可用字段见 docs/export.md）")
        return self


class RowsSection(_Spec):
    """Fixed rows. ``omit_if_empty`` drops the section when all the fields it names are empty."""

    kind: Literal["rows"]
    rows: tuple[tuple[CellSpec, ...], ...]
    omit_if_empty: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _fields(self, info: ValidationInfo) -> RowsSection:
        fields: Mapping[str, _Kinded] = (info.context or {}).get("fields", FIELDS)
        for name in self.omit_if_empty:
            if name not in fields:
                raise ValueError(f"omit_if_empty 中的“{name}”不是已知字段")
        return self


class IndicatorColumn(_Spec):
    """One column of the indicator table: its header and what each row shows in it."""

    head: str
    value: str
    span: int = Field(default=1, ge=1)
    align: Literal["left", "center", "right"] | None = None

    @model_validator(mode="after")
    def _value(self) -> IndicatorColumn:
        if self.value not in INDICATOR_VALUES:
            raise ValueError(f"未知的指标列内容“{self.value}”，可用：{'、'.join(INDICATOR_VALUES)}")
        return self


class IndicatorsSection(_Spec):
    """The indicator table. ``label`` is an optional cell down the left of the whole block
    (“项目年度绩效指标”, “绩效指标”); the ``*_label`` formats may use ``{name}`` and ``{weight}``
    (a row whose weight is unknown prints the name alone)."""

    kind: Literal["indicators"]
    label: str | None = None
    label_span: int = Field(default=1, ge=1)
    columns: tuple[IndicatorColumn, ...]
    level1_label: str = "{name}"
    level2_label: str = "{name}"
    name_label: str = "{name}"
    empty: str = "（未填写绩效指标）"
    repeat_header: bool = True

    @model_validator(mode="after")
    def _formats(self) -> IndicatorsSection:
        for fmt in (self.level1_label, self.level2_label, self.name_label):
            for name in placeholders(fmt):
                if name not in ("name", "weight"):
                    raise ValueError(f"指标格式“{fmt}”中只能用 {{name}} 和 {{weight}}")
        if not self.columns:
            raise ValueError("指标表至少要有一列")
        return self

    @property
    def width(self) -> int:
        """The grid columns the section fills."""
        return (self.label_span if self.label is not None else 0) + sum(c.span for c in self.columns)


class NotesSection(_Spec):
    """The scheme's notes (备注), numbered, in one cell across the table; omitted when it has none."""

    kind: Literal["notes"]
    label: str = "备注："


Section = Annotated[RowsSection | IndicatorsSection | NotesSection, Field(discriminator="kind")]


class Margins(_Spec):
    """Page margins in millimetres."""

    top: float = Field(default=20, ge=0, le=100)
    bottom: float = Field(default=20, ge=0, le=100)
    left: float = Field(default=20, ge=0, le=100)
    right: float = Field(default=20, ge=0, le=100)


class Page(_Spec):
    """What every form's layout says about the page: title, columns, fonts, margins and the lines
    above the grid. The table writers (xlsx, docx) read only this."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    source: str = ""
    title: str
    subtitle: str | None = None
    sheet: str = Field(default="项目自评表", min_length=1, max_length=31)
    orientation: Literal["landscape", "portrait"] = "landscape"
    margins_mm: Margins = Field(default_factory=Margins)
    font: str = "宋体"
    title_font: str = "宋体"
    font_size: float = Field(default=10.5, ge=6, le=20)
    title_size: float = Field(default=18, ge=8, le=36)
    columns: tuple[float, ...]
    lines: tuple[tuple[CellSpec, ...], ...] = ()

    @model_validator(mode="after")
    def _page(self, info: ValidationInfo) -> Page:
        fields: Mapping[str, _Kinded] = (info.context or {}).get("fields", FIELDS)
        if not self.columns or any(w <= 0 for w in self.columns):
            raise ValueError("columns 须列出每一列的相对宽度（正数）")
        if any(ch in self.sheet for ch in "[]:*?/\\"):
            raise ValueError("sheet 工作表名不能含 [ ] : * ? / \\")
        for name in placeholders(self.title) + placeholders(self.subtitle or ""):
            if name not in fields:
                raise ValueError(f"标题中的“{{{name}}}”不是已知字段")
        n = len(self.columns)
        for i, line in enumerate(self.lines, start=1):
            if sum(c.span for c in line) > n or any(c.rows != 1 for c in line):
                raise ValueError(f"lines 第{i}行超出 {n} 列，或用了 rows（表外的行不能跨行）")
        return self

    @property
    def n_cols(self) -> int:
        """How many grid columns the table has."""
        return len(self.columns)


class Layout(Page):
    """One 自评表 layout. Fields mirror the TOML file; see ``docs/export.md``."""

    schemes: tuple[str, ...] = ()
    sections: tuple[Section, ...]

    @model_validator(mode="after")
    def _fits(self) -> Layout:
        n = len(self.columns)
        if not any(isinstance(s, IndicatorsSection) for s in self.sections):
            raise ValueError('sections 中须有一个 kind = "indicators" 的指标表')
        for i, section in enumerate(self.sections, start=1):
            if isinstance(section, RowsSection):
                check_grid(section.rows, n, f"sections 第{i}节")
            elif isinstance(section, IndicatorsSection) and section.width != n:
                raise ValueError(f"sections 第{i}节（指标表）各列共占 {section.width} 列，应为 {n} 列")
        return self


def check_grid(rows: tuple[tuple[CellSpec, ...], ...], n_cols: int, where: str) -> None:
    """Every row, with the cells merged down into it from above, fills exactly ``n_cols``."""
    taken: list[set[int]] = [set() for _ in rows]
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while col in taken[r]:
                col += 1
            if col + cell.span > n_cols:
                raise ValueError(f"{where} 第{r + 1}行超出 {n_cols} 列")
            if r + cell.rows > len(rows):
                raise ValueError(f"{where} 第{r + 1}行有单元格向下合并 {cell.rows} 行，超出本节")
            for rr in range(r, r + cell.rows):
                for cc in range(col, col + cell.span):
                    if cc in taken[rr]:
                        raise ValueError(f"{where} 第{rr + 1}行第{cc + 1}列被两个单元格重叠占用")
                    taken[rr].add(cc)
            col += cell.span
        if len(taken[r]) != n_cols:
            raise ValueError(f"{where} 第{r + 1}行只占了 {len(taken[r])} 列，应为 {n_cols} 列")


def parse_layout(text: str, where: str) -> Layout:
    """A layout from TOML text; ``where`` names it in error messages."""
    return _validate(parse_toml(text, where, LayoutError), where)


def _validate(data: dict[str, Any], where: str) -> Layout:
    try:
        return Layout.model_validate(data)
    except ValidationError as exc:
        # a check of the whole layout names its own place
        problems = "；".join(p.text() if p.field else p.problem for p in explain(exc))
        raise LayoutError(where, problems) from None


@functools.cache
def _builtin(layout_id: str) -> Layout:
    where = f"{layout_id}（内置）"
    return _validate(
        read_toml(resources.files(__package__).joinpath("layouts", f"{layout_id}.toml"), where, LayoutError),
        where,
    )


def builtin_layouts() -> tuple[Layout, ...]:
    """Every built-in layout, in the order of ``BUILTIN_LAYOUTS``."""
    return tuple(_builtin(layout_id) for layout_id in BUILTIN_LAYOUTS)


def load_layout(ref: str | Path) -> Layout:
    """A built-in layout by id, or a layout TOML file by path."""
    if isinstance(ref, str) and ref in BUILTIN_LAYOUTS:
        return _builtin(ref)
    path = Path(ref)
    if path.suffix.lower() == ".toml" and path.is_file():
        return _validate(read_toml(path, str(path), LayoutError), str(path))
    raise LayoutError(
        str(ref),
        f"没有这个表样。内置表样：{'、'.join(BUILTIN_LAYOUTS)}；也可以给出自定义表样的 .toml 文件路径。",
    )


def layout_for(scheme_id: str) -> Layout:
    """The default layout of a scheme: the built-in one that lists it, else the national one."""
    for layout in builtin_layouts():
        if scheme_id in layout.schemes:
            return layout
    return _builtin(FALLBACK_LAYOUT)
