"""What `pirbot` checks before it serves: the database, Slack, the port.

Each check turns what would be a traceback into a `ConfigError` of one
sentence that names the setting to look at, so that the command line can
print it and exit with code 2.
"""

from __future__ import annotations

import errno
import logging
import socket
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError

from bot.settings import ConfigError, Settings
from store.db import Database, normalise_url

logger = logging.getLogger(__name__)

# auth.test errors that mean the token itself is wrong.
_BAD_TOKEN_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)


def open_database(settings: Settings, *, existing_only: bool = False) -> Database:
    """The database of DATABASE_URL with every migration applied.

    With `existing_only` (commands that only read, such as `pirbot export`),
    a SQLite file that does not exist is refused instead of created empty.
    """
    url = settings.database_url
    if existing_only:
        missing = _missing_sqlite_file(url)
        if missing is not None:
            raise ConfigError(
                f"There is no database at {missing}: check DATABASE_URL (by "
                "default pirbot.db in the directory pirbot runs in)."
            )
    if _driver_of(url) not in _DRIVERS:
        raise ConfigError(
            "DATABASE_URL is not a database pirbot can use: give "
            "sqlite:///pirbot.db or postgresql://user@host:5432/name."
        )
    database = Database(url, default_timezone=settings.default_timezone)
    try:
        database.upgrade()
    except DatabaseError as error:
        database.dispose()
        raise ConfigError(
            f"Could not open the database of DATABASE_URL ({_first_line(error)}): "
            "check the URL and that the database server is running."
        ) from None
    return database


# The drivers pirbot installs (pyproject.toml), by SQLAlchemy's names.
_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})


def _driver_of(url: str) -> str | None:
    try:
        return make_url(normalise_url(url)).drivername
    except ArgumentError:
        return None


def _missing_sqlite_file(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if not parsed.drivername.startswith("sqlite") or parsed.database in (
        None,
        "",
        ":memory:",
    ):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path.resolve()


def _first_line(error: Exception) -> str:
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def check_bot_token(client: WebClient, settings: Settings) -> None:
    """Ask Slack's auth.test whether SLACK_BOT_TOKEN works.

    A token Slack refuses, a Slack that cannot be reached and a Slack that
    answers with an error of its own are told apart: only the first is the
    token's fault.
    """
    try:
        with _sdk_quiet():
            client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if error.response else None
        status = error.response.status_code if error.response else None
        if code in _BAD_TOKEN_ERRORS:
            raise ConfigError(
                f"Slack refused SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth "
                "Token again from OAuth & Permissions, and check SLACK_API_URL."
            ) from None
        answer = f"HTTP {status}" + (f" ({code})" if code else "")
        raise ConfigError(
            f"Slack answered auth.test with {answer} at {settings.slack_api_url}: "
            "try again later, or check SLACK_API_URL."
        ) from None
    except (URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConfigError(
            f"Could not reach Slack at {settings.slack_api_url} ({reason}): check "
            "the network, a proxy, or SLACK_API_URL."
        ) from None


@contextmanager
def _sdk_quiet():
    """The SDK logs each retry and its last failure; the sentence that
    follows says it all, so only that is shown."""
    sdk = logging.getLogger("slack_sdk")
    level = sdk.level
    sdk.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        sdk.setLevel(level)


def socket_mode_refused(error: Exception) -> ConfigError:
    """The sentence for a Socket Mode connection that could not be opened."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error") if error.response else None
        return ConfigError(
            f"Slack refused SLACK_APP_TOKEN ({code}): create an App-Level Token "
            "with the scope connections:write under Basic Information, and check "
            "that Socket Mode is on."
        )
    reason = getattr(error, "reason", error)
    return ConfigError(
        f"Could not open the Socket Mode connection to Slack ({reason}): check "
        "the network or a proxy."
    )


def port_refused(host: str, port: int, error: OSError) -> ConfigError:
    """The sentence for an address the HTTP server could not listen on."""
    reason = error.strerror or str(error)
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return ConfigError(
            f"Could not listen on {host}:{port} ({reason}): --host must be an "
            "address of this machine, such as 0.0.0.0 or 127.0.0.1."
        )
    if error.errno == errno.EACCES:
        return ConfigError(
            f"Could not listen on {host}:{port} ({reason}): ports below 1024 "
            "need privileges; pick another with --port."
        )
    return ConfigError(
        f"Could not listen on {host}:{port} ({reason}): is another process "
        "using it? Pick another with --port."
    )
