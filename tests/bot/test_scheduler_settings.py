"""The scheduler's settings: read from the environment, refused with the
variable's name when they cannot be right."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, load_settings


def test_catch_up_and_claim_timeout_have_defaults(monkeypatch) -> None:
    monkeypatch.delenv("SCHEDULER_CATCH_UP_HOURS", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.scheduler_catch_up_hours == 24
    assert settings.scheduler_claim_timeout_seconds == 600


def test_a_catch_up_period_of_zero_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SCHEDULER_CATCH_UP_HOURS", "0")
    with pytest.raises(ConfigError, match="SCHEDULER_CATCH_UP_HOURS"):
        load_settings(_env_file=None)


def test_a_claim_timeout_shorter_than_a_tick_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("SCHEDULER_CLAIM_TIMEOUT_SECONDS", "30")
    with pytest.raises(ConfigError, match="SCHEDULER_CLAIM_TIMEOUT_SECONDS"):
        load_settings(_env_file=None)
