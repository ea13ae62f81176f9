"""Layouts (表样) of the 目标申报表 and the 监控情况表, as data like the 自评表's.

A plan layout is a :class:`~jixiao.export.layout.Page` (title, columns, fonts, lines above the
grid) with ``record = "declaration"`` or ``"monitoring"`` and ``sections``: ``rows`` sections as
in a 自评表 layout (fields from the record's vocabulary, :mod:`jixiao.export.plan_fields`), and
one ``indicators`` section whose columns name the record's indicator values. A column of
``cause`` (偏差原因分析) or ``likelihood`` (完成目标可能性) with ``choices`` is drawn as the
official forms draw it: the head over one sub-column per choice, two header rows.

Built-in layouts live beside the 自评表's in ``jixiao/export/layouts/``; a user passes the path of
their own ``.toml``. Loading checks that every row fills the grid and every name exists.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import Field
from pydantic import ValidationError
from pydantic import model_validator

from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.errors import explain
from jixiao.export.errors import LayoutError
from jixiao.export.layout import Page
from jixiao.export.layout import RowsSection
from jixiao.export.layout import _Spec
from jixiao.export.layout import check_grid
from jixiao.export.plan_fields import CHOICE_VALUES
from jixiao.export.plan_fields import FIELDS_OF
from jixiao.export.plan_fields import INDICATOR_VALUES
from jixiao.export.plan_fields import RECORD_NAMES
from jixiao.export.plan_fields import Record
from jixiao.tomlfile import parse_toml
from jixiao.tomlfile import read_toml

BUILTIN_PLAN_LAYOUTS: dict[Record, str] = {
    "declaration": "mof-declaration",
    "monitoring": "henan-monitoring",
}
"""The built-in layout of each record."""

_KNOWN_CHOICES: dict[str, tuple[str, ...]] = {
    "cause": tuple(c.value for c in DeviationCause),
    "likelihood": tuple(c.value for c in Likelihood),
}


class PlanColumn(_Spec):
    """One column of the indicator table (``span`` grid columns), or with ``choices`` one
    sub-column per choice under a head over them all."""

    head: str
    value: str
    span: int = Field(default=1, ge=1)
    align: Literal["left", "center", "right"] | None = None
    choices: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _choices(self) -> PlanColumn:
        if self.choices:
            if self.value not in CHOICE_VALUES:
                raise ValueError(f"只有 {'、'.join(CHOICE_VALUES)} 列可以写 choices")
            unknown = [c for c in self.choices if c not in _KNOWN_CHOICES[self.value]]
            if unknown:
                raise ValueError(
                    f"choices 中的“{'、'.join(unknown)}”不是可选值（{'、'.join(_KNOWN_CHOICES[self.value])}）"
                )
            if self.span != 1:
                raise ValueError("写 choices 的列每个选项占一列，不能再写 span")
        return self

    @property
    def width(self) -> int:
        """The grid columns the column fills."""
        return len(self.choices) if self.choices else self.span


class PlanIndicators(_Spec):
    """The indicator table: an optional ``label`` cell down its left, then its columns."""

    kind: Literal["indicators"]
    label: str | None = None
    label_span: int = Field(default=1, ge=1)
    columns: tuple[PlanColumn, ...]
    empty: str = "（未填写绩效指标）"

    @property
    def width(self) -> int:
        """The grid columns the section fills."""
        return (self.label_span if self.label is not None else 0) + sum(c.width for c in self.columns)

    @property
    def header_rows(self) -> int:
        """One header row, two when a column has sub-columns."""
        return 2 if any(c.choices for c in self.columns) else 1


PlanSection = Annotated[RowsSection | PlanIndicators, Field(discriminator="kind")]


class PlanLayout(Page):
    """One 目标申报表 or 监控情况表 layout (see the module docstring)."""

    record: Record
    sections: tuple[PlanSection, ...]

    @model_validator(mode="after")
    def _fits(self) -> PlanLayout:
        n = len(self.columns)
        tables = [s for s in self.sections if isinstance(s, PlanIndicators)]
        if len(tables) != 1:
            raise ValueError('sections 中须有且只有一个 kind = "indicators" 的指标表')
        values = INDICATOR_VALUES[self.record]
        for i, section in enumerate(self.sections, start=1):
            if isinstance(section, RowsSection):
                check_grid(section.rows, n, f"sections 第{i}节")
                continue
            for column in section.columns:
                if column.value not in values:
                    raise ValueError(
                        f"{RECORD_NAMES[self.record]}的指标列不能写“{column.value}”，可用：{'、'.join(values)}"
                    )
            if section.width != n:
                raise ValueError(f"sections 第{i}节（指标表）各列共占 {section.width} 列，应为 {n} 列")
        return self


def _validate(data: dict[str, Any], where: str) -> PlanLayout:
    record = data.get("record")
    if record not in FIELDS_OF:
        raise LayoutError(where, f"record 应为 {' 或 '.join(FIELDS_OF)}（目标申报表或监控情况表）")
    try:
        return PlanLayout.model_validate(data, context={"fields": FIELDS_OF[record]})
    except ValidationError as exc:
        problems = "；".join(p.text() if p.field else p.problem for p in explain(exc))
        raise LayoutError(where, problems) from None


def parse_plan_layout(text: str, where: str) -> PlanLayout:
    """A plan layout from TOML text; ``where`` names it in error messages."""
    return _validate(parse_toml(text, where, LayoutError), where)


@functools.cache
def _builtin(layout_id: str) -> PlanLayout:
    where = f"{layout_id}（内置）"
    return _validate(
        read_toml(resources.files(__package__).joinpath("layouts", f"{layout_id}.toml"), where, LayoutError),
        where,
    )


def plan_layout(record: Record, ref: str | Path | PlanLayout | None = None) -> PlanLayout:
    """The layout to draw ``record`` with: one given (a built-in id, a ``.toml`` path or an
    object), else the built-in one. A layout of the other record is refused."""
    if isinstance(ref, PlanLayout):
        chosen = ref
    elif ref is None:
        chosen = _builtin(BUILTIN_PLAN_LAYOUTS[record])
    elif isinstance(ref, str) and ref in BUILTIN_PLAN_LAYOUTS.values():
        chosen = _builtin(ref)
    else:
        path = Path(ref)
        if path.suffix.lower() != ".toml" or not path.is_file():
            raise LayoutError(
                str(ref),
                f"没有这个表样。内置表样：{'、'.join(BUILTIN_PLAN_LAYOUTS.values())}；"
                "也可以给出自定义表样的 .toml 文件路径。",
            )
        chosen = _validate(read_toml(path, str(path), LayoutError), str(path))
    if chosen.record != record:
        raise LayoutError(
            chosen.id, f"这是{RECORD_NAMES[chosen.record]}的表样，不能用来导出{RECORD_NAMES[record]}"
        )
    return chosen
