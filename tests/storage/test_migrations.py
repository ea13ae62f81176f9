"""The shipped migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from jixiao.storage.db import Database
from jixiao.storage.schema import SEARCH_INDEXES
from jixiao.storage.schema import SORT_INDEXES
from jixiao.storage.schema import Base


def _modelled(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
    return not (kind == "index" and name in SEARCH_INDEXES | SORT_INDEXES)


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": _modelled}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []


def test_postgresql_has_the_search_indexes(db: Database) -> None:
    """On PostgreSQL (whose pg_trgm the test server has), the list's search is indexed."""
    from sqlalchemy import inspect

    if db.engine.dialect.name != "postgresql":
        assert not any(
            ix["name"] in SEARCH_INDEXES
            for t in ("projects", "documents")
            for ix in inspect(db.engine).get_indexes(t)
        )
        return
    names = {ix["name"] for t in ("projects", "documents") for ix in inspect(db.engine).get_indexes(t)}
    assert names >= SEARCH_INDEXES


def test_postgresql_has_the_sort_indexes(db: Database) -> None:
    """The list's sort indexes (migration 0004) exist on PostgreSQL only."""
    from sqlalchemy import inspect

    names = {ix["name"] for t in ("evaluations", "projects") for ix in inspect(db.engine).get_indexes(t)}
    if db.engine.dialect.name == "postgresql":
        assert names >= SORT_INDEXES
    else:
        assert not names & SORT_INDEXES
