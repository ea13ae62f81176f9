"""Alembic environment: migrations run on the connection jixiao hands over (see db.upgrade)."""

from __future__ import annotations

from alembic import context

from jixiao.storage.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
