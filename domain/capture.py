"""Capturing timeline events: the rules between a tag in Slack and the store."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from domain.slack_text import ts_to_datetime
from domain.timeline import EventKind, infer_kind
from store import incidents, timeline
from store.db import Database
from store.models import Incident, TimelineEvent

logger = logging.getLogger(__name__)


class TagSource(StrEnum):
    REACTION = "reaction"
    SHORTCUT = "shortcut"
    COMMAND = "command"


@dataclass(frozen=True)
class Message:
    """A Slack message as the capture rules need it."""

    team_id: str
    channel_id: str
    ts: str
    text: str
    author_id: str | None = None
    author_bot_id: str | None = None
    thread_ts: str | None = None
    permalink: str | None = None


class Outcome(StrEnum):
    CAPTURED = "captured"
    ALREADY_CAPTURED = "already_captured"
    NOT_AN_INCIDENT = "not_an_incident"


@dataclass(frozen=True)
class CaptureResult:
    outcome: Outcome
    event: TimelineEvent | None = None
    incident: Incident | None = None


def capture_message(
    db: Database,
    *,
    message: Message,
    tagged_by: str,
    source: TagSource,
    kind: EventKind | None,
    reaction: str | None = None,
    note: str | None = None,
) -> CaptureResult:
    """Put a message on its incident's timeline, once.

    A second tag of the same message (another person, a Slack retry, a
    second replica) adds nothing but the tag itself.
    """
    posted_at = ts_to_datetime(message.ts)
    with db.session() as session:
        incident = incidents.get_by_channel(
            session, team_id=message.team_id, channel_id=message.channel_id
        )
        if incident is None:
            return CaptureResult(Outcome.NOT_AN_INCIDENT)

        candidate = TimelineEvent(
            team_id=message.team_id,
            incident_id=incident.id,
            channel_id=message.channel_id,
            message_ts=message.ts,
            thread_ts=message.thread_ts,
            author_id=message.author_id,
            author_bot_id=message.author_bot_id,
            tagged_by=tagged_by,
            source=source.value,
            kind=(kind or infer_kind(message.text)).value,
            text=message.text,
            note=note,
            permalink=message.permalink,
            posted_at=posted_at,
            occurred_at=posted_at,
        )
        event, created = timeline.record_event(session, event=candidate)
        if reaction is not None:
            timeline.add_tag(session, event=event, user_id=tagged_by, reaction=reaction)

    if created:
        logger.info(
            "Captured timeline event %s (%s, by %s) for incident %s",
            event.id,
            event.kind,
            source.value,
            incident.id,
        )
        return CaptureResult(Outcome.CAPTURED, event, incident)
    logger.info("Message %s is already timeline event %s", message.ts, event.id)
    return CaptureResult(Outcome.ALREADY_CAPTURED, event, incident)


def release_reaction_tag(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    user_id: str,
    reaction: str,
) -> bool:
    """Forget a reaction tag; drop the event when no tag holds it any more.

    Events made with the shortcut or a command are kept: a reaction did not
    make them. Returns whether an event was removed.
    """
    with db.session() as session:
        event = timeline.get_event_for_message(
            session, team_id=team_id, channel_id=channel_id, message_ts=message_ts
        )
        if event is None:
            return False
        left = timeline.remove_tag(
            session,
            team_id=team_id,
            channel_id=channel_id,
            message_ts=message_ts,
            user_id=user_id,
            reaction=reaction,
        )
        if left or event.source != TagSource.REACTION.value:
            return False
        event_id = event.id
        timeline.delete_event(session, event=event)
    logger.info("Removed timeline event %s: its last tag was taken off", event_id)
    return True


def list_timeline(db: Database, *, incident: Incident) -> list[TimelineEvent]:
    with db.session() as session:
        return timeline.list_events(
            session, team_id=incident.team_id, incident_id=incident.id
        )
