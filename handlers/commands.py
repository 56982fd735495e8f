"""The `/pir` slash command and its sub-commands."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from domain import capture, lifecycle
from domain.errors import BotNotInChannel, NotAnIncidentChannel
from domain.incidents import (
    DeclarationError,
    Status,
    parse_declaration,
    parse_mention,
    parse_severity,
)
from domain.slack_text import clamp, escape_mrkdwn, slack_date, unescape_slack
from domain.times import is_only_a_time, read_when, split_leading_time
from handlers import blocks, follow_up_commands, ids, slack_reads
from handlers.declare import announce_incident
from handlers.deps import Deps
from handlers.errors import guarded
from handlers.ids import TimelineAction
from handlers.metrics import run_metrics_command
from handlers.past_reviews import run_search_command
from handlers.review_card import ReviewCard
from handlers.tag_reactions import run_reactions_command
from handlers.timeline_views import TimelinePage, build_timeline_message

logger = logging.getLogger(__name__)


def split_command(text: str | None) -> tuple[str, str]:
    """(`declare`, `P1 Payments down`) from `declare P1 Payments down`."""
    words = (text or "").strip().split(maxsplit=1)
    if not words:
        return "help", ""
    return words[0].lower(), words[1] if len(words) > 1 else ""


class PirCommand:
    """Runs `/pir <sub-command>`; each sub-command is one method, or one of
    the review's (`review_card`)."""

    def __init__(self, deps: Deps, review_card: ReviewCard) -> None:
        self.deps = deps
        self.subcommands: dict[str, Callable[..., None]] = {
            "declare": self.declare,
            "severity": self.severity,
            "commander": self.commander,
            "event": self.event,
            "mitigated": self.mitigated,
            "resolved": self.resolved,
            "status": self.status,
            "timeline": self.timeline,
            "reactions": partial(run_reactions_command, deps),
            "review": review_card.review_command,
            "facilitator": review_card.facilitator_command,
            "publish": review_card.publish_command,
            "categories": review_card.categories_command,
            "reviews-channel": review_card.reviews_channel_command,
            "metrics": partial(run_metrics_command, deps),
            "search": partial(run_search_command, deps),
            "schedule": review_card.refreshing(
                partial(follow_up_commands.run_schedule_command, deps)
            ),
            "held": review_card.refreshing(
                partial(follow_up_commands.run_held_command, deps)
            ),
            "digest": partial(follow_up_commands.run_digest_command, deps),
            "settings": partial(follow_up_commands.run_settings_command, deps),
        }

    def ack_command(self, ack: Ack, command: dict) -> None:
        name, _ = split_command(command.get("text"))
        if name in self.subcommands:
            ack()
        elif name == "help":
            ack(text=blocks.help_text())
        else:
            ack(text=blocks.help_text(unknown=name))

    def run_command(
        self,
        command: dict,
        client: WebClient,
        respond: Respond,
        context: BoltContext,
    ) -> None:
        name, rest = split_command(command.get("text"))
        subcommand = self.subcommands.get(name)
        if subcommand is None:
            return
        extra = {}
        # A sub-command that needs Bolt's context (the bot's own ids, say)
        # names it as a parameter.
        if "context" in inspect.signature(subcommand).parameters:
            extra["context"] = context
        subcommand(command=command, rest=rest, client=client, respond=respond, **extra)

    def declare(
        self, *, command: dict, rest: str, client: WebClient, respond, context
    ) -> None:
        team_id, channel_id = command["team_id"], command["channel_id"]
        user_id = command["user_id"]
        declaration = parse_declaration(unescape_slack(rest), declared_by=user_id)
        channel = slack_reads.channel_facts(client, channel_id)
        if not channel.is_member:
            raise BotNotInChannel(channel_id)

        incident = lifecycle.declare_incident(
            self.deps.db,
            team_id=team_id,
            channel_id=channel_id,
            channel_name=channel.name,
            declaration=declaration,
            declared_by=user_id,
            now=self.deps.now(),
            is_private=channel.is_private,
        )
        announce_incident(self.deps, client, context, incident)

    def severity(self, *, command: dict, rest: str, client: WebClient, respond) -> None:
        severity = parse_severity(rest)
        incident = lifecycle.change_incident(
            self.deps.db,
            team_id=command["team_id"],
            channel_id=command["channel_id"],
            severity=severity.value,
        )
        respond(
            response_type="in_channel",
            text=f"<@{command['user_id']}> set the severity to {incident.severity}.",
        )

    def commander(
        self, *, command: dict, rest: str, client: WebClient, respond
    ) -> None:
        commander_id = parse_mention(rest)
        self.deps.people.require_person(
            client, team_id=command["team_id"], user_id=commander_id
        )
        lifecycle.change_incident(
            self.deps.db,
            team_id=command["team_id"],
            channel_id=command["channel_id"],
            commander_id=commander_id,
        )
        respond(
            response_type="in_channel",
            text=f"<@{commander_id}> now commands this incident.",
        )

    def event(self, *, command: dict, rest: str, client: WebClient, respond) -> None:
        """`/pir event [when] <text>`: a moment that never was a message."""
        team_id, user_id = command["team_id"], command["user_id"]
        now = self.deps.now()
        zone = self.deps.people.zone_of(client, team_id=team_id, user_id=user_id)
        at, text = split_leading_time(
            unescape_slack(rest), base=now, timezone=zone or self.deps.default_timezone
        )
        timezone = zone or self.deps.default_timezone
        if not text or (
            at is None and is_only_a_time(text, base=now, timezone=timezone)
        ):
            raise DeclarationError(
                "Say what happened, e.g. `/pir event 14:02 first alert fired`."
            )
        event = capture.add_typed_event(
            self.deps.db,
            team_id=team_id,
            channel_id=command["channel_id"],
            text=text,
            typed_by=user_id,
            at=at,
            now=now,
        )
        respond(
            response_type="ephemeral",
            text=f"Added to the timeline at {slack_date(event.occurred_at)}: "
            f"{escape_mrkdwn(clamp(text, 500))}",
        )

    def timeline(self, *, command: dict, rest: str, client: WebClient, respond) -> None:
        incident = lifecycle.find_incident(
            self.deps.db, team_id=command["team_id"], channel_id=command["channel_id"]
        )
        if incident is None:
            raise NotAnIncidentChannel(command["channel_id"])
        text, blocks = self.timeline_page(
            client, incident=incident, viewer=command["user_id"], page=0
        )
        respond(response_type="ephemeral", text=text, blocks=blocks)

    def timeline_page(self, client, *, incident, viewer: str, page: int):
        team_id = incident.team_id
        zone = self.deps.people.zone_of(client, team_id=team_id, user_id=viewer)
        events = capture.list_timeline(self.deps.db, incident=incident)

        def name_of(user_id: str) -> str:
            return self.deps.people.name_of(client, team_id=team_id, user_id=user_id)

        return build_timeline_message(
            incident,
            events,
            page=page,
            timezone=zone or self.deps.default_timezone,
            name_of=name_of,
        )

    def handle_timeline_page_action(
        self,
        ack: Ack,
        action: dict,
        body: dict,
        client: WebClient,
        respond,
        context: BoltContext,
    ) -> None:
        """The Earlier/Later buttons replace the ephemeral timeline in place."""
        ack()
        if not body.get("response_url"):
            logger.warning("Ignored a timeline page button with nowhere to answer")
            return
        page = TimelinePage.load(action.get("value") or "{}")
        incident = page and lifecycle.get_incident(
            self.deps.db, team_id=context.team_id, incident_id=page.incident_id
        )
        if incident is None or page is None:
            respond(text="That incident is gone.", replace_original=True)
            return
        text, blocks = self.timeline_page(
            client, incident=incident, viewer=body["user"]["id"], page=page.page
        )
        respond(text=text, blocks=blocks, replace_original=True)

    def mitigated(self, **kwargs) -> None:
        self._milestone(Status.MITIGATED, **kwargs)

    def resolved(self, **kwargs) -> None:
        self._milestone(Status.RESOLVED, **kwargs)

    def _milestone(
        self, status: Status, *, command: dict, rest: str, client: WebClient, respond
    ) -> None:
        team_id, user_id = command["team_id"], command["user_id"]
        now = self.deps.now()
        at = now
        if rest.strip():
            zone = self.deps.people.zone_of(client, team_id=team_id, user_id=user_id)
            at = read_when(rest, base=now, timezone=zone or self.deps.default_timezone)
        incident = lifecycle.mark_milestone(
            self.deps.db,
            team_id=team_id,
            channel_id=command["channel_id"],
            status=status,
            at=at,
            now=now,
        )
        respond(
            response_type="in_channel",
            text=(
                f"<@{user_id}> marked the incident {status.value} at "
                f"{slack_date(at)}. Status: {incident.status}."
            ),
        )

    def status(self, *, command: dict, rest: str, client: WebClient, respond) -> None:
        incident = lifecycle.find_incident(
            self.deps.db, team_id=command["team_id"], channel_id=command["channel_id"]
        )
        if incident is None:
            raise NotAnIncidentChannel(command["channel_id"])
        respond(response_type="ephemeral", text=blocks.status_text(incident))


def register(app: App, deps: Deps, review_card: ReviewCard) -> None:
    pir = PirCommand(deps, review_card)
    app.command(ids.COMMAND)(ack=pir.ack_command, lazy=[guarded(pir.run_command)])
    for action in TimelineAction:
        app.action(action.value)(pir.handle_timeline_page_action)
