"""Users, units and login sessions of the web app.

Passwords arrive here already hashed (the web layer hashes them with argon2); session tokens
arrive as their SHA-256, so a copy of the database lets nobody log in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jixiao.errors import JixiaoError
from jixiao.storage.db import Database
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import SessionRow
from jixiao.storage.schema import Unit
from jixiao.storage.schema import UserRow
from jixiao.storage.schema import aware


class Role(StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    UNIT = "unit"

    @property
    def label(self) -> str:
        return {"admin": "管理员", "reviewer": "审核人员", "unit": "单位用户"}[self.value]


class AccountError(JixiaoError):
    """A user or unit cannot be created or changed as asked."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    unit_id: int | None
    unit_name: str | None
    active: bool
    password_hash: str

    @property
    def sees_all(self) -> bool:
        """Admins and reviewers see every unit; a unit user only their own."""
        return self.role is not Role.UNIT


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: int
    name: str
    users: int
    evaluations: int


def _user(row: UserRow, unit_name: str | None) -> User:
    return User(
        row.id,
        row.username,
        row.display_name,
        Role(row.role),
        row.unit_id,
        unit_name,
        row.active,
        row.password_hash,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Accounts:
    """Users, units and sessions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- units --------------------------------------------------------------------------------------

    def unit_id(self, name: str, *, create: bool = False) -> int | None:
        name = name.strip()
        with self.db.sessions.begin() as s:
            found = s.scalar(select(Unit.id).where(Unit.name == name))
            if found is not None or not create:
                return found
            if not name:
                raise AccountError("单位名称不能为空")
            unit = Unit(name=name[:200])
            s.add(unit)
            s.flush()
            return unit.id

    def units(self) -> list[UnitInfo]:
        with self.db.sessions() as s:
            users = dict(s.execute(select(UserRow.unit_id, func.count()).group_by(UserRow.unit_id)).all())
            evaluations = dict(
                s.execute(select(EvaluationRow.unit_id, func.count()).group_by(EvaluationRow.unit_id)).all()
            )
            return [
                UnitInfo(uid, name, users.get(uid, 0), evaluations.get(uid, 0))
                for uid, name in s.execute(select(Unit.id, Unit.name).order_by(Unit.name))
            ]

    # -- users --------------------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password_hash: str,
        role: Role,
        *,
        unit: str | None = None,
        display_name: str | None = None,
    ) -> User:
        """Create a user; a unit user's unit is created if it is new."""
        username = username.strip()
        if not username or len(username) > 100:
            raise AccountError("用户名不能为空，且不超过 100 个字符")
        if role is Role.UNIT and not (unit and unit.strip()):
            raise AccountError(f"单位用户“{username}”必须指定所属单位")
        unit_id = self.unit_id(unit, create=True) if role is Role.UNIT and unit else None
        try:
            with self.db.sessions.begin() as s:
                row = UserRow(
                    username=username,
                    display_name=(display_name or username).strip()[:100] or username,
                    password_hash=password_hash,
                    role=role.value,
                    unit_id=unit_id,
                    active=True,
                )
                s.add(row)
                s.flush()
                return _user(row, unit.strip() if unit_id is not None and unit else None)
        except IntegrityError:
            raise AccountError(f"用户名“{username}”已存在") from None

    def _query(self, s: Session, *where: object) -> User | None:
        found = s.execute(
            select(UserRow, Unit.name).outerjoin(Unit, UserRow.unit_id == Unit.id).where(*where)  # type: ignore[arg-type]
        ).first()
        return _user(found[0], found[1]) if found else None

    def user(self, user_id: int) -> User | None:
        with self.db.sessions() as s:
            return self._query(s, UserRow.id == user_id)

    def by_username(self, username: str) -> User | None:
        with self.db.sessions() as s:
            return self._query(s, UserRow.username == username.strip())

    def users(self) -> list[User]:
        with self.db.sessions() as s:
            rows = s.execute(
                select(UserRow, Unit.name).outerjoin(Unit, UserRow.unit_id == Unit.id).order_by(UserRow.id)
            )
            return [_user(row, unit) for row, unit in rows]

    def count_users(self) -> int:
        with self.db.sessions() as s:
            return s.scalar(select(func.count()).select_from(UserRow)) or 0

    def update_user(
        self,
        user_id: int,
        *,
        password_hash: str | None = None,
        active: bool | None = None,
        display_name: str | None = None,
    ) -> None:
        with self.db.sessions.begin() as s:
            row = s.get(UserRow, user_id)
            if row is None:
                raise AccountError(f"没有编号为 {user_id} 的用户")
            if password_hash is not None:
                row.password_hash = password_hash
                s.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
            if active is not None:
                row.active = active
                if not active:
                    s.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
            if display_name is not None and display_name.strip():
                row.display_name = display_name.strip()[:100]

    def change_password(self, user_id: int, password_hash: str, *, keep_session: str) -> None:
        """Set a user's own new password: every other session of theirs ends, the one that
        changed it (``keep_session``, a token hash) stays."""
        with self.db.sessions.begin() as s:
            row = s.get(UserRow, user_id)
            if row is None:
                raise AccountError(f"没有编号为 {user_id} 的用户")
            row.password_hash = password_hash
            s.execute(
                delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.token_hash != keep_session)
            )

    # -- sessions -----------------------------------------------------------------------------------

    def open_session(self, user_id: int, token_hash: str, csrf: str, lifetime: dt.timedelta) -> None:
        now = _now()
        with self.db.sessions.begin() as s:
            s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            s.add(SessionRow(token_hash=token_hash, user_id=user_id, csrf=csrf, expires_at=now + lifetime))

    def session(self, token_hash: str) -> tuple[User, str] | None:
        """The active user of a live session, and the session's CSRF token (asked on every
        request: read with plain columns, without an ORM session)."""
        q = (
            select(
                SessionRow.expires_at,
                SessionRow.csrf,
                UserRow.id,
                UserRow.username,
                UserRow.display_name,
                UserRow.role,
                UserRow.unit_id,
                UserRow.active,
                UserRow.password_hash,
                Unit.name,
            )
            .join(UserRow, SessionRow.user_id == UserRow.id)
            .outerjoin(Unit, UserRow.unit_id == Unit.id)
            .where(SessionRow.token_hash == token_hash)
        )
        with self.db.reader() as conn:
            found = conn.execute(q).first()
        if found is None:
            return None
        expires, csrf, user_id, username, display, role, unit_id, active, password, unit = found
        if aware(expires) < _now() or not active:
            return None
        return User(user_id, username, display, Role(role), unit_id, unit, active, password), csrf

    def close_session(self, token_hash: str) -> None:
        with self.db.sessions.begin() as s:
            s.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))
