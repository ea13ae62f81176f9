"""Fixtures for the web app's tests: the app on SQLite and on a real PostgreSQL server, its users
(an admin, a reviewer and two units' users), and logged-in clients.

``client("unit_a")`` is a ``TestClient`` logged in as that user; its ``csrf`` attribute holds the
session's CSRF token, which every POST must send (form field ``csrf_token`` or header
``X-CSRF-Token``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jixiao.settings import Settings
from jixiao.settings import load_settings
from jixiao.storage.accounts import Role
from jixiao.web.app import create_app
from jixiao.web.security import hash_password

UNIT_A = "某市教育局"
UNIT_B = "某市文化旅游局"
PASSWORD = "test-pass-123"


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    role: Role
    unit: str | None


PEOPLE = {
    "admin": Person("admin", Role.ADMIN, None),
    "reviewer": Person("reviewer", Role.REVIEWER, None),
    "unit_a": Person("unit_a", Role.UNIT, UNIT_A),
    "unit_b": Person("unit_b", Role.UNIT, UNIT_B),
}


def settings_for(url: str, data_dir: Path) -> Settings:
    return load_settings(cli={"database_url": url, "data_dir": data_dir, "workers": 1}, env={})


@pytest.fixture(params=["sqlite", "postgresql"])
def web_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        return settings_for(f"sqlite:///{data_dir / 'jixiao.db'}", data_dir)
    url: str = request.getfixturevalue("postgres_url")
    return settings_for(url, data_dir)


@pytest.fixture
def web_app(web_settings: Settings) -> Iterator[FastAPI]:
    app = create_app(web_settings)
    accounts = app.state.web.accounts
    hashed = hash_password(PASSWORD)  # one argon2 hash for everyone: the tests stay fast
    for p in PEOPLE.values():
        accounts.add_user(p.username, hashed, p.role, unit=p.unit, display_name=f"{p.username}用户")
    yield app
    app.state.web.close_readers()  # the warm workers uploads started (the lifespan does it in a server)
    app.state.web.db.close()


class Client(TestClient):
    csrf: str = ""


def login(app: FastAPI, username: str, password: str = PASSWORD) -> Client:
    client = Client(app, base_url="http://testserver")
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get("/evaluations")
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text)
    assert meta, home.text
    client.csrf = meta.group(1)
    return client


@pytest.fixture
def client(web_app: FastAPI) -> Callable[[str], Client]:
    """``client("admin")`` etc.: a client logged in as one of :data:`PEOPLE`."""
    made: dict[str, Client] = {}

    def make(who: str) -> Client:
        if who not in made:
            made[who] = login(web_app, PEOPLE[who].username)
        return made[who]

    return make
