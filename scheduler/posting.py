"""Sending claimed posts and recording how each one went."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient

from store import digests, scheduling
from store.db import Database
from store.models import DigestMessage
from store.scheduling import MAX_ATTEMPTS, Claim

logger = logging.getLogger(__name__)

# Answers that mean the channel cannot be posted in any more: its post goes
# to a person instead.
UNREACHABLE_CHANNEL = frozenset({"is_archived", "not_in_channel", "channel_not_found"})


@dataclass(frozen=True)
class Delivered:
    channel_id: str
    ts: str


def send(
    client: WebClient,
    *,
    channel: str,
    text: str,
    blocks: list[dict],
    thread_ts: str | None = None,
) -> Delivered:
    """Post one message (a user id as `channel` is a direct message).

    The client waits out 429s and `message_limit_exceeded`; raises
    SlackApiError when Slack still refuses.
    """
    answer = client.chat_postMessage(
        channel=channel,
        text=text,
        blocks=blocks,
        thread_ts=thread_ts,
        unfurl_links=False,
        unfurl_media=False,
    )
    return Delivered(channel_id=answer["channel"], ts=answer["ts"])


@dataclass
class Outcomes:
    """What happened to the claims of one run, saved in one transaction."""

    delivered: list[tuple[int, str | None, str | None]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    messages: list[DigestMessage] = field(default_factory=list)

    def posted(self, claim: Claim, delivered: Delivered | None) -> None:
        channel = delivered.channel_id if delivered else None
        self.delivered.append((claim.id, channel, delivered.ts if delivered else None))
        logger.info(
            "Posted %s %s of %s to %s",
            claim.key.kind.value,
            claim.key.period,
            claim.key.target,
            channel or "nobody",
        )

    def failure(self, claim: Claim, error: str) -> None:
        self.failed.append((claim.id, error))
        key = claim.key
        if claim.attempts >= MAX_ATTEMPTS:
            logger.error(
                "Gave up on %s %s for %s after %d attempts: %s",
                key.kind.value,
                key.period,
                key.target,
                claim.attempts,
                error,
            )
        else:
            logger.warning(
                "Could not post %s %s for %s (%s, attempt %d); released for the "
                "next tick",
                key.kind.value,
                key.period,
                key.target,
                error,
                claim.attempts,
            )

    def keep(self, messages: Sequence[DigestMessage]) -> None:
        self.messages.extend(messages)

    def save(self, db: Database, *, now: datetime) -> None:
        if not (self.delivered or self.failed or self.messages):
            return
        with db.session() as session:
            scheduling.mark_posted(session, deliveries=self.delivered, now=now)
            scheduling.release_claims(session, failures=self.failed)
            digests.record_messages(session, messages=self.messages)
