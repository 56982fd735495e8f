"""The `/pir` slash command and its sub-commands."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from domain import lifecycle
from domain.errors import BotNotInChannel, NotAnIncidentChannel
from domain.incidents import Status, parse_declaration
from domain.slack_text import slack_date
from domain.times import read_when
from handlers import blocks, ids, slack_reads
from handlers.deps import Deps
from handlers.errors import guarded

logger = logging.getLogger(__name__)


def split_command(text: str | None) -> tuple[str, str]:
    """(`declare`, `P1 Payments down`) from `declare P1 Payments down`."""
    words = (text or "").strip().split(maxsplit=1)
    if not words:
        return "help", ""
    return words[0].lower(), words[1] if len(words) > 1 else ""


class PirCommand:
    """Runs `/pir <sub-command>`; each sub-command is one method."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.subcommands: dict[str, Callable[..., None]] = {
            "declare": self.declare,
            "mitigated": self.mitigated,
            "resolved": self.resolved,
            "status": self.status,
        }

    def ack_command(self, ack: Ack, command: dict) -> None:
        name, _ = split_command(command.get("text"))
        if name in self.subcommands:
            ack()
        elif name == "help":
            ack(text=blocks.help_text())
        else:
            ack(text=blocks.help_text(unknown=name))

    def run_command(self, command: dict, client: WebClient, respond: Respond) -> None:
        name, rest = split_command(command.get("text"))
        subcommand = self.subcommands.get(name)
        if subcommand is not None:
            subcommand(command=command, rest=rest, client=client, respond=respond)

    def declare(self, *, command: dict, rest: str, client: WebClient, respond) -> None:
        team_id, channel_id = command["team_id"], command["channel_id"]
        user_id = command["user_id"]
        declaration = parse_declaration(rest, declared_by=user_id)
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
        text, message_blocks = blocks.declared_blocks(incident)
        client.chat_postMessage(channel=channel_id, text=text, blocks=message_blocks)

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
            zone = self.deps.user_zones.zone_of(
                client, team_id=team_id, user_id=user_id
            )
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


def register(app: App, deps: Deps) -> None:
    pir = PirCommand(deps)
    app.command(ids.COMMAND)(ack=pir.ack_command, lazy=[guarded(pir.run_command)])
