"""What the listeners need from the rest of the bot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from handlers.slack_reads import ChannelMembers, People
from store.db import Database
from store.types import utc_now


@dataclass
class Deps:
    db: Database
    default_timezone: str = "UTC"
    # The clock: replaced by `pirbot demo` to replay an incident at its
    # real times, and by tests.
    now: Callable[[], datetime] = field(default=utc_now)
    people: People = field(default_factory=People)
    members: ChannelMembers = field(default_factory=ChannelMembers)
