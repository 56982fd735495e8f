"""Settings read from the environment and from a `.env` file.

Every Slack value carries a note on where to find it in the Slack app's
settings (https://api.slack.com/apps, then the app). Tokens are kept as
`SecretStr` so that they never show up in a log line or a traceback.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_APPS_PAGE = "https://api.slack.com/apps"


class ConfigError(Exception):
    """A setting is missing or malformed; the message is meant for a person."""


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


# Each token kind: (variable, expected prefix, where to get it).
_TOKEN_SOURCES = {
    "slack_bot_token": (
        "SLACK_BOT_TOKEN",
        "xoxb-",
        "OAuth & Permissions > Bot User OAuth Token",
    ),
    "slack_app_token": (
        "SLACK_APP_TOKEN",
        "xapp-",
        "Basic Information > App-Level Tokens (scope connections:write)",
    ),
}


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"

    @classmethod
    def _missing_(cls, value: object):
        # LOG_LEVEL=info reads as INFO.
        return cls.__members__.get(str(value).upper())


def known_time_zone(value: str) -> str:
    """`value` if it is an IANA time zone name; a ValueError for pydantic
    otherwise."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not an IANA time zone name such as Europe/Berlin"
        ) from None
    return value


TimeZoneName = Annotated[str, AfterValidator(known_time_zone)]

# Slack tokens of other kinds, which people paste by mistake.
_KNOWN_TOKEN_KINDS = {
    "xoxb-": "a bot token",
    "xapp-": "an app-level token",
    "xoxp-": "a user token",
    "xoxe-": "a refresh token",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    # OAuth & Permissions > Bot User OAuth Token (starts with xoxb-).
    slack_bot_token: SecretStr | None = None
    # Basic Information > App-Level Tokens, scope connections:write (xapp-).
    # Only Socket Mode needs it.
    slack_app_token: SecretStr | None = None
    # Basic Information > App Credentials > Signing Secret. Only HTTP mode
    # needs it: it proves that a request came from Slack.
    slack_signing_secret: SecretStr | None = None
    # Base URL of Slack's Web API. Tests and `pirbot demo` point it at a
    # local stand-in.
    slack_api_url: str = "https://slack.com/api/"

    database_url: str = "sqlite:///pirbot.db"
    default_timezone: TimeZoneName = "UTC"
    log_level: LogLevel = LogLevel.INFO
    log_format: LogFormat = LogFormat.TEXT
    # How long after its time a digest missed by downtime is still posted
    # (nudges due longer ago than this are dropped as no longer true).
    scheduler_catch_up_hours: Annotated[float, Field(gt=0, le=24 * 14)] = 24.0
    # After this long a claimed but unposted post is retried by another
    # process (the first one is taken to have died).
    scheduler_claim_timeout_seconds: Annotated[int, Field(ge=60, le=86_400)] = 600

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    def require_socket_mode_tokens(self) -> None:
        """Raise ConfigError unless both Socket Mode tokens look right."""
        self._require_token("slack_bot_token")
        self._require_token("slack_app_token")

    def require_http_mode_secrets(self) -> None:
        """Raise ConfigError unless the bot token and signing secret are set."""
        self._require_token("slack_bot_token")
        secret = self.slack_signing_secret
        if secret is None or not secret.get_secret_value().strip():
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from "
                f"Basic Information > App Credentials at {SLACK_APPS_PAGE} "
                "into .env or the environment."
            )

    def _require_token(self, field: str) -> None:
        variable, prefix, where = _TOKEN_SOURCES[field]
        token = getattr(self, field)
        value = token.get_secret_value().strip() if token else ""
        if not value:
            raise ConfigError(
                f"{variable} is not set: copy it from {where} at "
                f"{SLACK_APPS_PAGE} into .env or the environment."
            )
        kind = _KNOWN_TOKEN_KINDS.get(value[:5])
        if kind is not None and not value.startswith(prefix):
            raise ConfigError(
                f"{variable} holds {kind} ({value[:5]}…), not the one pirbot "
                f"needs ({prefix}…): copy it from {where} at {SLACK_APPS_PAGE}."
            )
        if not value.startswith(prefix):
            raise ConfigError(
                f"{variable} does not look like a Slack token (it should start "
                f"with {prefix}): copy it again from {where} at {SLACK_APPS_PAGE}."
            )
        if len(value) < len(prefix) + 8:
            raise ConfigError(
                f"{variable} is too short to be a whole Slack token: copy it "
                f"again from {where} at {SLACK_APPS_PAGE}."
            )


def load_settings(**overrides) -> Settings:
    """Build the settings, turning a validation failure into a ConfigError."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{variable} is invalid: {reason}.") from None
