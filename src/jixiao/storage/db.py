"""Opening the database and managing its schema (Alembic migrations shipped in the package).

``open_database(url)`` gives a :class:`Database` for ``sqlite:///…`` or
``postgresql+psycopg://…``. SQLite runs in WAL mode with foreign keys on and a busy timeout, so a
reader (the web app) and the importer can share it. A new, empty database is created at the
current schema on first use; an existing one that is behind must be upgraded explicitly with
``jixiao db upgrade``, so a shared server is never migrated by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from jixiao.errors import JixiaoError


class StorageError(JixiaoError):
    """The database cannot be opened or is not at the schema this version needs."""


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("jixiao.storage") / "migrations"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StorageError("缺少数据库迁移脚本")
    return head


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# A web server's connections: as many as its threads run requests at once (a connection opened
# and closed per request costs PostgreSQL a new backend process each time).
POOL_SIZE = 10
POOL_OVERFLOW = 20


def make_engine(url: str, *, serving: bool = False) -> Engine:
    """An engine for ``url``; the SQLite file's folder is created if needed.

    ``serving``: for a server answering many short requests at once. Its PostgreSQL
    connections run no parallel query: each parallel worker is a process started for one query,
    which costs more than it saves when every core is already busy with other requests (a list
    sorted by a unit's name was planned as a parallel hash join and sort, 50 ms, instead of an
    incremental sort over the sort index, 3 ms)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(
            f"数据库地址无效：{url}（应为 sqlite:///路径 或 postgresql+psycopg://…）"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    options = {"options": "-c max_parallel_workers_per_gather=0"} if serving else {}
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, connect_args=options
    )


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the current version.

    On SQLite a migration that changes a table's constraints rebuilds it (copy, drop, rename):
    with foreign keys on, dropping the old ``evaluations`` would cascade to its indicators,
    findings and reviews. So they are off while migrating (the pragma only takes effect outside a
    transaction), checked after, and on again before the connection goes back to the pool."""
    config = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise StorageError("数据库迁移后外键不一致，已撤销本次迁移")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


@dataclass(slots=True)
class Database:
    """An open database: its engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    def reader(self) -> Connection:
        """A connection for reads that need no transaction (each statement sees the data as it
        is then): in autocommit mode, which spares PostgreSQL a BEGIN and a ROLLBACK, a round
        trip each, around every page's few queries."""
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, create: bool = True, serving: bool = False) -> Database:
    """Open ``url``; create the schema in an empty database when ``create``. ``serving``: see
    :func:`make_engine`."""
    engine = make_engine(url, serving=serving)
    try:
        revision = current_revision(engine)
        if revision is None:
            if inspect(engine).get_table_names():
                raise StorageError(f"数据库 {safe_url(url)} 中已有其他表，不是 jixiao 的数据库")
            if not create:
                raise StorageError(f"数据库 {safe_url(url)} 尚未初始化；请运行 jixiao db upgrade")
            upgrade(engine)
        elif revision != head_revision():
            raise StorageError(
                f"数据库 {safe_url(url)} 的结构版本为 {revision}，本程序需要 {head_revision()}；"
                "请先备份，再运行 jixiao db upgrade"
            )
    except OperationalError as exc:
        engine.dispose()
        raise StorageError(f"无法连接数据库 {safe_url(url)}：{exc.orig or exc}") from None
    except BaseException:
        engine.dispose()
        raise
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
