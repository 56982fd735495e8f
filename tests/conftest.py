"""Fixtures shared by the whole suite: databases on SQLite and PostgreSQL.

PostgreSQL tests run against PIRBOT_TEST_POSTGRES_URL (default: the local
server on 127.0.0.1:5432, database `test`). Where it cannot be reached they
skip with the reason, unless PIRBOT_REQUIRE_POSTGRES=1 (set by CI), in which
case they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlmodel import SQLModel

from store.db import Database, normalise_url

POSTGRES_URL = os.environ.get(
    "PIRBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("PIRBOT_REQUIRE_POSTGRES") == "1"

# Slack variables in the environment would leak into Bolt's App().
for _variable in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN"):
    os.environ.pop(_variable, None)


def _postgres_problem() -> str | None:
    try:
        engine = sqlalchemy.create_engine(normalise_url(POSTGRES_URL))
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(error).__name__})"
    return None


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a schema of their own, dropped at the end.

    A schema per test run lets two runs share one database.
    """
    problem = _postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"{problem}, and PIRBOT_REQUIRE_POSTGRES=1")
        pytest.skip(problem)
    schema = f"pirbot_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(normalise_url(POSTGRES_URL))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{normalise_url(POSTGRES_URL)}{separator}options=-csearch_path%3D{schema}"
    migrated = Database(url)
    migrated.upgrade()
    migrated.dispose()
    yield url
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file that each test copies instead of migrating."""
    path = tmp_path_factory.mktemp("template") / "pirbot.db"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return path


def _truncate_all(database: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path) -> Iterator[Database]:
    """An empty, migrated database: each test runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "pirbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_schema_url"))
        _truncate_all(database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path, sqlite_template) -> Iterator[Database]:
    """An empty, migrated SQLite database, for tests about Slack, not SQL."""
    path = tmp_path / "pirbot.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Give back the root logger's handlers after each test.

    `bot.logs.configure_logging` (run by CLI tests) points the root logger at
    the sys.stderr of that moment, which pytest closes when the test ends; a
    listener thread still finishing would then log into a closed file.
    """
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
