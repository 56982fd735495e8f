"""Declaring an incident from a tag: a channel that is not an incident yet
gets one question, with a button that opens a short declaration modal.

Whichever way an incident is declared, tags made in its channel before
then go on the timeline at that moment.
"""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View as ModalView

from domain import capture, lifecycle
from domain.errors import PirError
from domain.incidents import MAX_TITLE_LENGTH, Severity, parse_declaration
from domain.slack_text import clamp
from handlers import blocks, slack_reads
from handlers.capture import capture_tag
from handlers.deps import Deps
from handlers.errors import guarded
from handlers.ids import INPUT_ACTION, DeclareAction, DeclareBlock, View
from handlers.past_reviews import post_seen_before

logger = logging.getLogger(__name__)


def announce_incident(
    deps: Deps, client: WebClient, context: BoltContext, incident
) -> int:
    """Post the declaration in the channel, put the tags made there before
    it on the timeline, then mention past incidents that look alike.
    Returns how many events those tags made."""
    text, message_blocks = blocks.declared_blocks(incident)
    client.chat_postMessage(
        channel=incident.channel_id, text=text, blocks=message_blocks
    )
    held = capture.take_held_tags(
        deps.db, team_id=incident.team_id, channel_id=incident.channel_id
    )
    captured = 0
    for tag in held:
        outcome = capture_tag(
            deps,
            client,
            context,
            channel_id=incident.channel_id,
            ts=tag.message_ts,
            user_id=tag.user_id,
            reaction=tag.reaction,
        )
        captured += outcome is capture.Outcome.CAPTURED
    if held:
        logger.info(
            "Incident %s took %d of %d tags made before it was declared",
            incident.id,
            captured,
            len(held),
        )
    post_seen_before(deps, client, incident)
    return captured


def build_declare_modal(*, channel_id: str, channel_name: str) -> dict:
    severities = [Option(text=s.value, value=s.value) for s in Severity]
    view = ModalView(
        type="modal",
        callback_id=View.DECLARE_INCIDENT.value,
        title="Declare an incident",
        submit="Declare",
        close="Cancel",
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=[
            InputBlock(
                block_id=DeclareBlock.TITLE.value,
                label="Title",
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION,
                    initial_value=clamp(channel_name, MAX_TITLE_LENGTH) or None,
                    max_length=MAX_TITLE_LENGTH,
                    placeholder="Checkout errors in EU",
                ),
            ),
            InputBlock(
                block_id=DeclareBlock.SEVERITY.value,
                label="Severity",
                element=StaticSelectElement(
                    action_id=INPUT_ACTION,
                    options=severities,
                    initial_option=severities[2],
                ),
            ),
        ],
    )
    return view.to_dict()


def _read_form(view: dict) -> tuple[str, str]:
    values = (view.get("state") or {}).get("values") or {}
    title = (values.get(DeclareBlock.TITLE.value) or {}).get(INPUT_ACTION) or {}
    severity = (values.get(DeclareBlock.SEVERITY.value) or {}).get(INPUT_ACTION) or {}
    chosen = (severity.get("selected_option") or {}).get("value") or "P3"
    return (title.get("value") or "").strip(), chosen


def _channel_of(view: dict) -> str | None:
    """The channel the declaration modal was opened for (its metadata)."""
    try:
        channel_id = json.loads(view.get("private_metadata") or "{}")["channel_id"]
    except (ValueError, TypeError, KeyError):
        return None
    return channel_id if isinstance(channel_id, str) else None


class DeclareFromTag:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_declare_button(
        self, body: dict, client: WebClient, context: BoltContext
    ) -> None:
        """Open the declaration modal (the trigger lives three seconds)."""
        action = (body.get("actions") or [{}])[0]
        channel_id = action.get("value") or (body.get("channel") or {}).get("id")
        if not channel_id:
            return
        name = ""
        try:
            name = slack_reads.channel_facts(client, channel_id).name
        except (PirError, SlackApiError):
            logger.info("No name for channel %s; the title starts empty", channel_id)
        client.views_open(
            trigger_id=body["trigger_id"],
            view=build_declare_modal(channel_id=channel_id, channel_name=name),
        )

    def check_declaration(self, ack: Ack, view: dict, body: dict) -> None:
        title, severity = _read_form(view)
        try:
            parse_declaration(f"{severity} {title}", declared_by=body["user"]["id"])
        except PirError as error:
            ack(response_action="errors", errors={DeclareBlock.TITLE.value: str(error)})
            return
        ack()

    def handle_declaration(
        self, view: dict, body: dict, client: WebClient, context: BoltContext
    ) -> None:
        """Declare the incident of a checked modal and announce it."""
        user_id = body["user"]["id"]
        title, severity = _read_form(view)
        try:
            declaration = parse_declaration(f"{severity} {title}", declared_by=user_id)
        except PirError:
            return  # answered in the modal by check_declaration
        channel_id = _channel_of(view)
        if channel_id is None:
            logger.warning("Ignored a declaration modal without its channel")
            return
        channel = slack_reads.channel_facts(client, channel_id)
        try:
            incident = lifecycle.declare_incident(
                self.deps.db,
                team_id=context.team_id,
                channel_id=channel_id,
                channel_name=channel.name,
                declaration=declaration,
                declared_by=user_id,
                now=self.deps.now(),
                is_private=channel.is_private,
            )
        except PirError as error:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=str(error))
            return
        announce_incident(self.deps, client, context, incident)


def _just_ack(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    declare = DeclareFromTag(deps)
    app.action(DeclareAction.FROM_TAG.value)(
        ack=_just_ack, lazy=[guarded(declare.handle_declare_button)]
    )
    app.view(View.DECLARE_INCIDENT.value)(
        ack=declare.check_declaration, lazy=[guarded(declare.handle_declaration)]
    )
