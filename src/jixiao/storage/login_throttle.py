"""Failed logins, counted per account and per address in the database, with a growing back-off.

Kept in the database (table ``login_throttle``), not in a process's memory, so every server
process sees the same counts and a restart forgets nothing. Each key (``user:<name>`` for the
user name tried, whether or not it exists, and ``addr:<address>``) may fail a few times freely;
after that each further failure blocks the key for twice as long as the one before, from
:data:`FIRST_BLOCK` up to :data:`LONGEST_BLOCK`. While a key is blocked no password is even
checked, the right one included. A key's count starts again after :data:`FORGET_AFTER` without
a failure; a successful login clears its user name's count (never its address's, so one
account of one's own does not reset the guesses against others).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jixiao.storage.db import Database
from jixiao.storage.schema import LoginThrottleRow
from jixiao.storage.schema import aware

FREE_USER_FAILURES = 5
# An office behind one NAT address shares it: more room before its address is held back.
FREE_ADDRESS_FAILURES = 20
FIRST_BLOCK = dt.timedelta(seconds=30)
LONGEST_BLOCK = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(hours=1)


def user_key(username: str) -> str:
    return "user:" + username.strip().lower()[:150]


def address_key(address: str) -> str:
    return "addr:" + address[:150]


def _free(key: str) -> int:
    return FREE_ADDRESS_FAILURES if key.startswith("addr:") else FREE_USER_FAILURES


def block_after(failures: int, free: int) -> dt.timedelta | None:
    """How long a key with ``failures`` failures is blocked (None: not at all)."""
    beyond = failures - free
    if beyond <= 0:
        return None
    return min(FIRST_BLOCK * (1 << min(beyond - 1, 20)), LONGEST_BLOCK)


@dataclass(frozen=True, slots=True)
class Blocked:
    """A refused attempt: how many seconds until the next one is allowed."""

    seconds: int

    @property
    def message(self) -> str:
        wait = f"{math.ceil(self.seconds / 60)} 分钟" if self.seconds >= 60 else f"{self.seconds} 秒"
        return f"登录失败次数过多，已暂时锁定；请 {wait}后再试"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LoginThrottle:
    """The counts of failed logins (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def blocked(self, *keys: str) -> Blocked | None:
        """Whether any of ``keys`` is blocked now, and for how long."""
        now = _now()
        with self.db.sessions() as s:
            rows = s.scalars(select(LoginThrottleRow).where(LoginThrottleRow.key.in_(keys))).all()
        until = [aware(r.blocked_until) for r in rows if r.blocked_until is not None]
        latest = max(until, default=None)
        if latest is None or latest <= now:
            return None
        return Blocked(max(1, math.ceil((latest - now).total_seconds())))

    def failed(self, *keys: str) -> None:
        """Count a failure against each key (in one transaction per key; a concurrent first
        failure of the same key is retried once as an update)."""
        for key in keys:
            try:
                self._fail(key)
            except IntegrityError:
                self._fail(key)

    def _fail(self, key: str) -> None:
        now = _now()
        with self.db.sessions.begin() as s:
            row = s.scalars(
                select(LoginThrottleRow).where(LoginThrottleRow.key == key).with_for_update()
            ).first()
            if row is None:
                row = LoginThrottleRow(key=key, failures=0, last_failure_at=now)
                s.add(row)
            elif aware(row.last_failure_at) < now - FORGET_AFTER:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            block = block_after(row.failures, _free(key))
            row.blocked_until = now + block if block is not None else None

    def succeeded(self, key: str) -> None:
        with self.db.sessions.begin() as s:
            s.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))
