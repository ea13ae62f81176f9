"""The login throttle's counts in the database, on SQLite and on a real PostgreSQL server (the
attack tests in tests/security/test_web_login.py drive it through a real jixiao serve)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from jixiao.storage.db import Database
from jixiao.storage.login_throttle import FIRST_BLOCK
from jixiao.storage.login_throttle import FORGET_AFTER
from jixiao.storage.login_throttle import FREE_USER_FAILURES
from jixiao.storage.login_throttle import LONGEST_BLOCK
from jixiao.storage.login_throttle import LoginThrottle
from jixiao.storage.login_throttle import address_key
from jixiao.storage.login_throttle import block_after
from jixiao.storage.login_throttle import user_key
from jixiao.storage.schema import LoginThrottleRow


def test_the_back_off_doubles_up_to_its_longest() -> None:
    assert block_after(FREE_USER_FAILURES, FREE_USER_FAILURES) is None
    assert block_after(FREE_USER_FAILURES + 1, FREE_USER_FAILURES) == FIRST_BLOCK
    assert block_after(FREE_USER_FAILURES + 2, FREE_USER_FAILURES) == FIRST_BLOCK * 2
    assert block_after(FREE_USER_FAILURES + 500, FREE_USER_FAILURES) == LONGEST_BLOCK


def test_failures_block_a_key_and_a_success_clears_only_the_user(db: Database) -> None:
    throttle = LoginThrottle(db)
    user, address = user_key(" Unit_A "), address_key("10.0.0.1")
    assert user == user_key("unit_a")  # the name as typed, case and spaces aside
    for _ in range(FREE_USER_FAILURES):
        throttle.failed(user, address)
    assert throttle.blocked(user, address) is None
    throttle.failed(user, address)
    blocked = throttle.blocked(user)
    assert blocked is not None and 25 <= blocked.seconds <= 30
    assert blocked.message.endswith("秒后再试") and "登录失败次数过多" in blocked.message
    assert throttle.blocked(address) is None  # an address has more room
    assert throttle.blocked(user_key("unit_b")) is None
    throttle.succeeded(user)
    assert throttle.blocked(user) is None
    with db.sessions() as s:
        assert s.get(LoginThrottleRow, address) is not None  # the address keeps its count


def test_a_count_is_forgotten_after_a_quiet_hour(db: Database) -> None:
    throttle = LoginThrottle(db)
    key = user_key("someone")
    for _ in range(FREE_USER_FAILURES):
        throttle.failed(key)
    long_ago = dt.datetime.now(dt.UTC) - FORGET_AFTER - dt.timedelta(minutes=1)
    with db.sessions.begin() as s:
        s.execute(
            update(LoginThrottleRow).where(LoginThrottleRow.key == key).values(last_failure_at=long_ago)
        )
    throttle.failed(key)  # counts as the first again, not the sixth
    assert throttle.blocked(key) is None
    with db.sessions() as s:
        row = s.get(LoginThrottleRow, key)
        assert row is not None and row.failures == 1
