"""Tagging messages as timeline events with a reaction."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_bolt import App, BoltContext, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    MarkdownTextObject,
    SectionBlock,
)

from domain import capture, lifecycle
from domain.messages import message_text
from domain.slack_text import ts_to_datetime
from domain.stated_times import extract_stated_time
from domain.tag_reactions import tag_reactions
from domain.timeline import DEFAULT_TAG_REACTIONS, base_reaction, kind_for_reaction
from handlers import ids, slack_reads
from handlers.deps import Deps
from handlers.ids import DeclareAction

logger = logging.getLogger(__name__)


class ReactionTags:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_tag_reaction(
        self,
        event: dict,
        context: BoltContext,
        client: WebClient,
        request: BoltRequest,
    ) -> None:
        """A tagging reaction puts the message on the incident's timeline once.

        In a channel that is not an incident yet the tag is kept for when one
        is declared, and the first person to tag there is asked to declare.
        A redelivery of the event (Slack retries one it thinks was not
        answered) counts only while the reaction is still on the message:
        a retry that arrives after the reaction was taken off must not put
        the tag back.
        """
        item = event.get("item") or {}
        if item.get("type") != "message" or not context.team_id:
            return
        reactions = tag_reactions(self.deps.db, team_id=context.team_id)
        is_tag, _kind = kind_for_reaction(str(event.get("reaction", "")), reactions)
        if not is_tag:
            return
        team_id, channel_id, ts = context.team_id, item.get("channel"), item.get("ts")
        user_id = event.get("user")
        if not (team_id and channel_id and ts and user_id):
            logger.warning("Ignored a reaction event without channel, ts or user")
            return

        outcome = capture_tag(
            self.deps,
            client,
            context,
            channel_id=channel_id,
            ts=ts,
            user_id=user_id,
            reaction=base_reaction(event["reaction"]),
            redelivered=bool(request.headers.get("x-slack-retry-num")),
        )
        if outcome is capture.Outcome.NOT_AN_INCIDENT:
            ask = capture.hold_tag(
                self.deps.db,
                team_id=team_id,
                channel_id=channel_id,
                message_ts=ts,
                user_id=user_id,
                reaction=base_reaction(event["reaction"]),
            )
            if ask:
                ask_to_declare(client, channel_id=channel_id, user_id=user_id)

    def handle_untag_reaction(
        self, event: dict, context: BoltContext, client: WebClient
    ) -> None:
        """Taking off the last tagging reaction takes the event off the timeline,
        and the bot's confirmation off the message.

        A reaction the workspace no longer tags with still releases the tags
        it made while it did.
        """
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        if not (context.team_id and item.get("channel") and item.get("ts")):
            return
        reaction = base_reaction(str(event.get("reaction", "")))
        reactions = tag_reactions(self.deps.db, team_id=context.team_id)
        if reaction not in reactions and reaction not in DEFAULT_TAG_REACTIONS:
            return
        removed = capture.release_reaction_tag(
            self.deps.db,
            team_id=context.team_id,
            channel_id=item["channel"],
            message_ts=item["ts"],
            user_id=str(event.get("user")),
            reaction=reaction,
        )
        if removed:
            withdraw_confirmation(client, channel_id=item["channel"], ts=item["ts"])


def capture_tag(
    deps: Deps,
    client: WebClient,
    context: BoltContext,
    *,
    channel_id: str,
    ts: str,
    user_id: str,
    reaction: str,
    redelivered: bool = False,
) -> capture.Outcome | None:
    """Put a message tagged with `reaction` on its incident's timeline and
    confirm it quietly. None when there is nothing to capture: the message
    is gone, or it is the bot's own, or (`redelivered`) the reaction is no
    longer on it."""
    team_id = context.team_id
    if lifecycle.find_incident(deps.db, team_id=team_id, channel_id=channel_id) is None:
        return capture.Outcome.NOT_AN_INCIDENT
    message = slack_reads.fetch_message(client, channel_id, ts)
    if message is None:
        logger.info("Tagged message %s in %s is gone; nothing captured", ts, channel_id)
        return None
    if is_own_message(message, context):
        return None
    if redelivered and not still_reacted(message, reaction=reaction, user_id=user_id):
        logger.info("Redelivered tag of %s in %s was taken off", ts, channel_id)
        return None

    text = message_text(message)
    _is_tag, kind = kind_for_reaction(reaction, tag_reactions(deps.db, team_id=team_id))
    result = capture.capture_message(
        deps.db,
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
        reaction=reaction,
        stated_at=stated_time_of(
            deps,
            client,
            team_id=team_id,
            author_id=message.get("user"),
            text=text,
            ts=ts,
        ),
    )
    if result.outcome is capture.Outcome.CAPTURED:
        confirm_tag(client, channel_id=channel_id, ts=ts)
    return result.outcome


def still_reacted(message: dict, *, reaction: str, user_id: str) -> bool:
    """Whether `user_id`'s `reaction` is on the message as Slack returned it.

    Slack lists at most some of the people behind a popular reaction; when
    the list is cut short, the reaction is taken to be still there.
    """
    for shown in message.get("reactions") or []:
        if base_reaction(str(shown.get("name", ""))) != reaction:
            continue
        users = shown.get("users") or []
        return user_id in users or len(users) < int(shown.get("count") or 0)
    return False


def ask_to_declare(client: WebClient, *, channel_id: str, user_id: str) -> None:
    """Ask the first person who tags in a channel whether to declare."""
    question = (
        "This channel is not an incident channel yet. I kept your tag: it goes "
        "on the timeline as soon as an incident is declared here, with the "
        "button or with `/pir declare P2 <title>`."
    )
    button = ButtonElement(
        text="Declare an incident",
        action_id=DeclareAction.FROM_TAG.value,
        value=channel_id,
        style="primary",
    )
    question_blocks = [
        SectionBlock(text=MarkdownTextObject(text=question)),
        ActionsBlock(elements=[button]),
    ]
    try:
        client.chat_postEphemeral(
            channel=channel_id,
            user=user_id,
            text=question,
            blocks=[block.to_dict() for block in question_blocks],
        )
    except SlackApiError as error:
        logger.info("Could not ask %s: %s", user_id, error.response.get("error"))


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


def withdraw_confirmation(client: WebClient, *, channel_id: str, ts: str) -> None:
    """Take the bot's confirmation off a message whose event was removed."""
    try:
        client.reactions_remove(
            channel=channel_id, timestamp=ts, name=ids.CONFIRMATION_REACTION
        )
    except SlackApiError as error:
        if error.response.get("error") not in ("no_reaction", "message_not_found"):
            logger.warning(
                "Could not take the confirmation off %s in %s: %s",
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
