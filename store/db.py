"""Engines, sessions and migrations."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Make a PostgreSQL URL use psycopg 3, whichever form it was given in."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine ready for several threads (Bolt runs listeners in a pool)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
        )
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        # A server that does not answer is reported down, not waited for.
        connect_args={"connect_timeout": 5},
    )


def _tune_sqlite(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions
    # begin, so that savepoints work; see _begin_immediate.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    if not _is_memory(dbapi_connection):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


# An execution option that marks a connection as only reading.
READ_ONLY = "pirbot_read_only"


def _begin_immediate(connection) -> None:
    # Take the write lock at the start: two writers that both began reading
    # could otherwise fail to upgrade their locks instead of waiting. A
    # reader needs no lock: in WAL mode it reads beside the writer.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _is_memory(dbapi_connection) -> bool:
    cursor = dbapi_connection.cursor()
    try:
        rows = cursor.execute("PRAGMA database_list").fetchall()
    finally:
        cursor.close()
    return all(not row[2] for row in rows)


class Database:
    """The engine and a way to run one unit of work in a transaction.

    `default_timezone` is the zone a workspace keeps time in until someone
    sets its own; sessions carry it for the code that creates workspaces.
    """

    def __init__(self, url: str, *, default_timezone: str = "UTC") -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.default_timezone = default_timezone
        self._reader = self.engine.execution_options(**{READ_ONLY: True})

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed at the end of the block, rolled back on error."""
        info = {"default_timezone": self.default_timezone}
        with Session(self.engine, expire_on_commit=False, info=info) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads. On SQLite it takes no write lock, so an
        ack that looks something up never waits for a listener's writes."""
        info = {"default_timezone": self.default_timezone}
        with Session(self._reader, expire_on_commit=False, info=info) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> bool:
        """Whether the database answers a trivial query now."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except SQLAlchemyError as error:
            logger.warning("The database did not answer: %s", type(error).__name__)
            return False
        return True

    def upgrade(self) -> None:
        """Apply every Alembic migration not yet applied."""
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # The engine itself is handed over; the URL is only for Alembic's
        # own messages (% doubled for its config parser).
        url = engine.url.render_as_string(hide_password=True)
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)
    logger.info("Database schema is at %s", revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
