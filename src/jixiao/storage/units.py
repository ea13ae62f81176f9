"""Renaming a unit and merging two units (the admin's fixes for a typo or a reorganisation).

Both are one transaction and are audited: every project of the units concerned gets an entry
in its history (``audit_log``: action ``unit_rename`` or ``unit_merge``, field 单位, the old and
the new name, who), so a project's page says when and why its unit changed.

A merge moves the source unit's projects, documents and users to the target and removes the
source. It is refused, with every conflict named, when both units have a project of the same
name (their evaluations would become versions of one another) or filed the same file.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.errors import JixiaoError
from jixiao.storage.db import Database
from jixiao.storage.schema import AuditRow
from jixiao.storage.schema import Base
from jixiao.storage.schema import Document
from jixiao.storage.schema import Project
from jixiao.storage.schema import Unit
from jixiao.storage.schema import UserRow

MAX_NAME = 200


class UnitError(JixiaoError):
    """A rename or merge that cannot be done as asked (the message says why, in Chinese)."""


@dataclass(frozen=True, slots=True)
class Changed:
    unit: str  # the unit's name afterwards
    projects: int  # projects whose history records the change
    users: int  # users of the unit afterwards (merge: moved)


def _unit(s: Session, name: str) -> Unit:
    found = s.scalar(select(Unit).where(Unit.name == name.strip()))
    if found is None:
        raise UnitError(f"库中没有名为“{name.strip()}”的单位")
    return found


def _audit(s: Session, unit_ids: list[int], action: str, old: str, new: str, actor: str) -> int:
    projects = s.execute(select(Project.id).where(Project.unit_id.in_(unit_ids))).scalars().all()
    for project_id in projects:
        s.add(
            AuditRow(
                actor=actor[:100],
                project_id=project_id,
                year=None,
                action=action,
                field="单位",
                old=old,
                new=new,
            )
        )
    return len(projects)


def rename_unit(db: Database, old: str, new: str, *, actor: str) -> Changed:
    """Rename unit ``old`` to ``new`` (which no other unit may bear)."""
    new = new.strip()
    if not new or len(new) > MAX_NAME:
        raise UnitError(f"新单位名称不能为空，且不超过 {MAX_NAME} 个字符")
    with db.sessions.begin() as s:
        unit = _unit(s, old)
        if unit.name == new:
            raise UnitError(f"单位已名为“{new}”")
        if s.scalar(select(Unit.id).where(Unit.name == new)) is not None:
            raise UnitError(f"已有名为“{new}”的单位；要把两个单位合为一个，请用合并（jixiao unit merge）")
        before = unit.name
        unit.name = new
        projects = _audit(s, [unit.id], "unit_rename", before, new, actor)
        users = len(s.execute(select(UserRow.id).where(UserRow.unit_id == unit.id)).all())
        return Changed(new, projects, users)


def merge_units(db: Database, source: str, target: str, *, actor: str) -> Changed:
    """Move everything of unit ``source`` into unit ``target`` and remove ``source``."""
    try:
        with db.sessions.begin() as s:
            moved, kept = _unit(s, source), _unit(s, target)
            if moved.id == kept.id:
                raise UnitError("不能把一个单位合并到它自己")
            names = select(Project.name).where(Project.unit_id == kept.id)
            clashes = sorted(
                s.execute(select(Project.name).where(Project.unit_id == moved.id, Project.name.in_(names)))
                .scalars()
                .all()
            )
            if clashes:
                raise UnitError(
                    f"两个单位都有同名项目：{'、'.join(clashes[:10])}{'等' if len(clashes) > 10 else ''}；"
                    "合并后它们的评价会互相成为新版本，未合并。请先改项目名或删除重复的评价。"
                )
            files = select(Document.sha256).where(Document.unit_id == kept.id)
            same = s.execute(
                select(Document.name).where(Document.unit_id == moved.id, Document.sha256.in_(files))
            )
            same_names = sorted(n or "（无名）" for n in same.scalars().all())
            if same_names:
                raise UnitError(f"两个单位报送过相同的文件：{'、'.join(same_names[:10])}；未合并。")
            projects = _audit(s, [moved.id, kept.id], "unit_merge", moved.name, kept.name, actor)
            # Every column that points at a unit (projects, evaluations, documents, users, and
            # whatever other module's table does, such as a round's expected units).
            for table in Base.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    if fk.column.table.name == Unit.__tablename__ and table.name != Unit.__tablename__:
                        column = fk.parent
                        s.execute(update(table).where(column == moved.id).values({column.name: kept.id}))
            s.delete(moved)
            s.flush()
            users = len(s.execute(select(UserRow.id).where(UserRow.unit_id == kept.id)).all())
            return Changed(kept.name, projects, users)
    except IntegrityError:
        raise UnitError(f"单位“{source.strip()}”还被其他记录（如审核批次）引用，未合并。") from None
