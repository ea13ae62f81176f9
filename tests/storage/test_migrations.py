"""The shipped migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from jixiao.storage import db as storage_db
from jixiao.storage.db import Database
from jixiao.storage.db import open_database
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


def test_0005_keeps_every_row_and_files_documents_under_their_unit(db_url: str) -> None:
    """A database at 0004 holding an evaluation with its children and a review upgrades to 0005
    with all of them (on SQLite the evaluations table is rebuilt: a cascade would empty its
    children), its document under the evaluation's unit, and the same bytes free for another
    unit; a document's evaluations are then unique by part."""
    engine = create_engine(db_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", storage_db._sqlite_pragmas)
    config = storage_db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    rows = [
        "INSERT INTO units (id, name) VALUES (1, '甲单位'), (2, '乙单位')",
        "INSERT INTO projects (id, unit_id, name) VALUES (1, 1, '项目')",
        "INSERT INTO users (id, username, display_name, password_hash, role, unit_id, active, created_at)"
        " VALUES (1, 'r', 'r', 'x', 'reviewer', NULL, true, '2026-01-01')",
        "INSERT INTO documents (id, sha256, name, path, format, size, stored, imported_at)"
        " VALUES (1, 'abc', 'a.docx', 'a.docx', 'docx', 10, NULL, '2026-01-01')",
        "INSERT INTO evaluations (id, project_id, unit_id, year, version, document_id, scheme_id,"
        " errors, warnings, infos, unreadable, latest, contract, created_at)"
        " VALUES (1, 1, 1, 2024, 1, 1, 's', 0, 0, 0, false, true, '{}', '2026-01-01')",
        "INSERT INTO indicators (evaluation_id, position, name) VALUES (1, 0, '指标')",
        "INSERT INTO budget_lines (evaluation_id, position, name) VALUES (1, 0, '资金')",
        "INSERT INTO findings (evaluation_id, position, code, severity, message) VALUES (1, 0, 'C', 'error', 'm')",
        "INSERT INTO reviews (evaluation_id, status, user_id, updated_at) VALUES (1, 'approved', 1, '2026-01-01')",
        "INSERT INTO audit_log (at, user_id, actor, project_id, year, evaluation_id, action)"
        " VALUES ('2026-01-01', 1, 'r', 1, 2024, 1, 'review')",
    ]
    with engine.begin() as conn:
        for statement in rows:
            conn.execute(text(statement))
    engine.dispose()

    engine = storage_db.make_engine(db_url)
    storage_db.upgrade(engine)  # what `jixiao db upgrade` runs
    engine.dispose()
    database = open_database(db_url)
    try:
        with database.engine.begin() as conn:
            for table in ("indicators", "budget_lines", "findings", "reviews", "evaluations", "documents"):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
            assert conn.execute(text("SELECT evaluation_id FROM audit_log")).scalar() == 1
            assert conn.execute(text("SELECT unit_id FROM documents")).scalar() == 1
            assert conn.execute(text("SELECT part FROM evaluations")).scalar() is None
            conn.execute(
                text(
                    "INSERT INTO documents (id, sha256, unit_id, name, path, size, imported_at)"
                    " VALUES (2, 'abc', 2, 'a.docx', 'a.docx', 10, '2026-01-01')"
                )
            )
        insert_part = (
            "INSERT INTO evaluations (id, project_id, unit_id, year, version, document_id, part, scheme_id,"
            " errors, warnings, infos, unreadable, latest, contract, created_at)"
            " VALUES ({v}, 1, 1, 2024, {v}, 1, '表2', 's', 0, 0, 0, false, false, '{{}}', '2026-01-01')"
        )
        with database.engine.begin() as conn:
            conn.execute(text(insert_part.format(v=2)))
        with pytest.raises(IntegrityError), database.engine.begin() as conn:
            conn.execute(text(insert_part.format(v=3)))
        with pytest.raises(IntegrityError), database.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO documents (id, sha256, unit_id, name, path, size, imported_at)"
                    " VALUES (3, 'abc', 1, 'b.docx', 'b.docx', 10, '2026-01-01')"
                )
            )
    finally:
        database.close()
