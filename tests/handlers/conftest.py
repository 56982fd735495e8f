"""The real app, served on loopback, talking to a local Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.local import LocalBot
from slack_standin import SlackStandIn
from store.db import Database
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, QUIET_CHANNEL


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        standin.add_user(ALICE, name="alice", real_name="Alice", tz="Europe/Berlin")
        standin.add_user(BOB, name="bob", real_name="Bob", tz="America/New_York")
        standin.add_user(CAROL, name="carol", real_name="Carol", tz="Asia/Kolkata")
        standin.add_channel(CHANNEL, name="inc-payments", members=[ALICE, BOB, CAROL])
        standin.add_channel(QUIET_CHANNEL, name="random", members=[ALICE, BOB])
        yield standin


@pytest.fixture
def bot(db: Database, standin: SlackStandIn) -> Iterator[LocalBot]:
    local = LocalBot(db, standin)
    yield local
    local.close()


@pytest.fixture
def declared(bot: LocalBot) -> LocalBot:
    """A bot whose CHANNEL is already an incident channel."""
    reply = bot.command("declare P1 Checkout errors", user_id=ALICE, channel_id=CHANNEL)
    assert reply.status == 200
    bot.standin.clear_calls()
    return bot
