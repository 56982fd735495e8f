"""Tagging messages as timeline events with a reaction."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain import capture, lifecycle
from domain.errors import NotAnIncidentChannel
from domain.messages import message_text
from domain.slack_text import ts_to_datetime
from domain.stated_times import extract_stated_time
from domain.timeline import base_reaction, kind_for_reaction
from handlers import ids, slack_reads
from handlers.deps import Deps

logger = logging.getLogger(__name__)


class ReactionTags:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_tag_reaction(
        self, event: dict, context: BoltContext, client: WebClient
    ) -> None:
        """A tagging reaction puts the message on the incident's timeline once."""
        item = event.get("item") or {}
        is_tag, kind = kind_for_reaction(str(event.get("reaction", "")))
        if not is_tag or item.get("type") != "message":
            return
        team_id, channel_id, ts = context.team_id, item.get("channel"), item.get("ts")
        user_id = event.get("user")
        if not (team_id and channel_id and ts and user_id):
            logger.warning("Ignored a reaction event without channel, ts or user")
            return

        incident = lifecycle.find_incident(
            self.deps.db, team_id=team_id, channel_id=channel_id
        )
        if incident is None:
            self._hint_not_an_incident(client, channel_id=channel_id, user_id=user_id)
            return
        message = slack_reads.fetch_message(client, channel_id, ts)
        if message is None:
            logger.info(
                "Tagged message %s in %s is gone; nothing captured", ts, channel_id
            )
            return
        if is_own_message(message, context):
            return

        text = message_text(message)
        result = capture.capture_message(
            self.deps.db,
            message=capture.Message(
                team_id=team_id,
                channel_id=channel_id,
                ts=ts,
                text=text,
                author_id=message.get("user"),
                author_bot_id=message.get("bot_id"),
                thread_ts=thread_of(message),
                permalink=slack_reads.permalink(client, channel_id, ts),
            ),
            tagged_by=user_id,
            source=capture.TagSource.REACTION,
            kind=kind,
            reaction=base_reaction(event["reaction"]),
            stated_at=stated_time_of(
                self.deps,
                client,
                team_id=team_id,
                author_id=message.get("user"),
                text=text,
                ts=ts,
            ),
        )
        if result.outcome is capture.Outcome.CAPTURED:
            confirm_tag(client, channel_id=channel_id, ts=ts)

    def handle_untag_reaction(self, event: dict, context: BoltContext) -> None:
        """Taking off the last tagging reaction takes the event off the timeline."""
        item = event.get("item") or {}
        is_tag, _kind = kind_for_reaction(str(event.get("reaction", "")))
        if not is_tag or item.get("type") != "message":
            return
        if not (context.team_id and item.get("channel") and item.get("ts")):
            return
        capture.release_reaction_tag(
            self.deps.db,
            team_id=context.team_id,
            channel_id=item["channel"],
            message_ts=item["ts"],
            user_id=str(event.get("user")),
            reaction=base_reaction(event["reaction"]),
        )

    @staticmethod
    def _hint_not_an_incident(client: WebClient, *, channel_id: str, user_id: str):
        try:
            client.chat_postEphemeral(
                channel=channel_id,
                user=user_id,
                text=str(NotAnIncidentChannel(channel_id)),
            )
        except SlackApiError as error:
            logger.info("Could not hint %s: %s", user_id, error.response.get("error"))


def is_own_message(message: dict, context: BoltContext) -> bool:
    """Whether the bot itself posted `message`: those are never captured."""
    return bool(
        (context.bot_user_id and message.get("user") == context.bot_user_id)
        or (context.bot_id and message.get("bot_id") == context.bot_id)
    )


def confirm_tag(client: WebClient, *, channel_id: str, ts: str) -> None:
    """The bot's quiet answer to a tag: its own reaction on the message."""
    try:
        client.reactions_add(
            channel=channel_id, timestamp=ts, name=ids.CONFIRMATION_REACTION
        )
    except SlackApiError as error:
        if error.response.get("error") != "already_reacted":
            logger.warning(
                "Could not confirm the tag of %s in %s: %s",
                ts,
                channel_id,
                error.response.get("error"),
            )


def stated_time_of(
    deps: Deps,
    client: WebClient,
    *,
    team_id: str,
    author_id: str | None,
    text: str,
    ts: str,
) -> datetime | None:
    """The moment a message's text states ("at 14:05", "10 min ago"), read in
    its author's Slack time zone; integrations and unknown users have none,
    so theirs is read in the workspace's default zone."""
    zone = None
    if author_id:
        zone = deps.people.zone_of(client, team_id=team_id, user_id=author_id)
    return extract_stated_time(
        text, posted_at=ts_to_datetime(ts), timezone=zone or deps.default_timezone
    )


def thread_of(message: dict) -> str | None:
    thread_ts = message.get("thread_ts")
    return thread_ts if thread_ts and thread_ts != message.get("ts") else None


def register(app: App, deps: Deps) -> None:
    tags = ReactionTags(deps)
    app.event("reaction_added")(tags.handle_tag_reaction)
    app.event("reaction_removed")(tags.handle_untag_reaction)
