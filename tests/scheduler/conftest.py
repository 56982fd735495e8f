"""Scheduler tests drive the jobs directly with a clock they set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from slack_standin import SlackStandIn
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, QUIET_CHANNEL
from tests.scheduler.world import DAVE, Clock, World

# A Tuesday afternoon.
START = datetime(2024, 12, 3, 14, 0, tzinfo=UTC)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        standin.add_user(ALICE, name="alice", real_name="Alice", tz="Europe/Berlin")
        standin.add_user(BOB, name="bob", real_name="Bob", tz="America/New_York")
        standin.add_user(CAROL, name="carol", real_name="Carol", tz="Asia/Kolkata")
        standin.add_user(DAVE, name="dave", real_name="Dave", tz="Europe/London")
        standin.add_channel(CHANNEL, name="inc-payments", members=[ALICE, BOB, CAROL])
        standin.add_channel(QUIET_CHANNEL, name="eng-reviews", members=[ALICE, BOB])
        yield standin


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def world(db, standin, clock) -> World:
    return World(db, standin, clock=clock)
