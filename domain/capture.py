"""Capturing timeline events: the rules between a tag in Slack and the store."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import NotAnIncidentChannel, PirError
from domain.slack_text import ts_to_datetime
from domain.timeline import EventKind, infer_kind
from store import incidents, pending, search, timeline, workspaces
from store.db import Database
from store.models import Incident, TimelineEvent

logger = logging.getLogger(__name__)


# A tagged moment this long before the incident was declared is a typo,
# not the start of the incident.
EARLIEST_BEFORE_DECLARED = timedelta(days=2)
CLOCK_SLACK = timedelta(minutes=1)

# Which process made a claim, for an operator reading the claims table.
REPLICA = f"{socket.gethostname()}:{os.getpid()}"


class EventTimeRefused(PirError):
    """An event time that cannot be right; the message says why."""


def check_event_time(at: datetime, *, now: datetime, declared_at: datetime) -> None:
    """Refuse a moment in the future or days before the incident began."""
    if at > now + CLOCK_SLACK:
        raise EventTimeRefused(
            "That time is in the future. Give the time it happened, "
            "for example 14:05 or 10 minutes earlier."
        )
    if at < declared_at - EARLIEST_BEFORE_DECLARED:
        raise EventTimeRefused(
            "That is days before the incident was declared; check the date."
        )


class TagSource(StrEnum):
    REACTION = "reaction"
    SHORTCUT = "shortcut"
    COMMAND = "command"
    # Added by the facilitator while curating the review's timeline.
    REVIEW = "review"


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
    stated_at: datetime | None = None,
) -> CaptureResult:
    """Put a message on its incident's timeline, once.

    A second tag of the same message (another person, a Slack retry, a
    second replica) adds nothing but the tag itself; a shortcut on an
    already tagged message updates its kind, time and note instead.
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
            stated_at=stated_at,
            occurred_at=stated_at or posted_at,
        )
        event, created = timeline.record_event(session, event=candidate)
        if not created and source is TagSource.SHORTCUT:
            _curate(event, kind=kind, note=note, stated_at=stated_at)
            session.add(event)
        if reaction is not None:
            timeline.add_tag(session, event=event, user_id=tagged_by, reaction=reaction)
        if created:
            search.mark_behind(
                session, team_id=message.team_id, incident_id=incident.id
            )
        elif source is TagSource.SHORTCUT:
            search.reindex_incident(
                session, team_id=message.team_id, incident_id=incident.id
            )

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


def _curate(
    event: TimelineEvent,
    *,
    kind: EventKind | None,
    note: str | None,
    stated_at: datetime | None,
) -> None:
    if kind is not None:
        event.kind = kind.value
    if note:
        event.note = note
    event.stated_at = stated_at
    event.occurred_at = stated_at or event.posted_at


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
    make them; so are events curated in the review. Returns whether an event
    was removed.
    """
    with db.session() as session:
        event = timeline.get_event_for_message(
            session, team_id=team_id, channel_id=channel_id, message_ts=message_ts
        )
        if event is None:
            pending.drop_tag(
                session,
                team_id=team_id,
                channel_id=channel_id,
                message_ts=message_ts,
                user_id=user_id,
                reaction=reaction,
            )
            return False
        left = timeline.remove_tag(
            session,
            team_id=team_id,
            channel_id=channel_id,
            message_ts=message_ts,
            user_id=user_id,
            reaction=reaction,
        )
        # The facilitator's curated words stay in the review: only an event
        # nobody has worked on leaves with its last tag.
        if left or event.source != TagSource.REACTION.value or event.curated_at:
            return False
        event_id = event.id
        timeline.delete_event(session, event=event)
        search.reindex_incident(session, team_id=team_id, incident_id=event.incident_id)
    logger.info("Removed timeline event %s: its last tag was taken off", event_id)
    return True


@dataclass(frozen=True)
class HeldTag:
    """A reaction tag made before its channel was an incident."""

    message_ts: str
    user_id: str
    reaction: str


def hold_tag(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    user_id: str,
    reaction: str,
) -> bool:
    """Keep a tag in a channel that is not an incident, for when one is
    declared there. Returns whether to ask the tagger to declare one: only
    the first tag of a channel asks."""
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id)
        pending.hold_tag(
            session,
            team_id=team_id,
            channel_id=channel_id,
            message_ts=message_ts,
            user_id=user_id,
            reaction=reaction,
        )
        ask = pending.claim_declare_prompt(
            session, team_id=team_id, channel_id=channel_id, claimed_by=REPLICA
        )
    logger.info("Held a tag in channel %s until an incident is declared", channel_id)
    return ask


def take_held_tags(db: Database, *, team_id: str, channel_id: str) -> list[HeldTag]:
    """The tags held for a channel, oldest first; they are held no longer."""
    with db.session() as session:
        tags = pending.take_tags(session, team_id=team_id, channel_id=channel_id)
        return [HeldTag(t.message_ts, t.user_id, t.reaction) for t in tags]


def list_timeline(db: Database, *, incident: Incident) -> list[TimelineEvent]:
    with db.reading() as session:
        return timeline.list_events(
            session, team_id=incident.team_id, incident_id=incident.id
        )


def record_edit(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    text: str,
    edited_at: datetime,
    stated_at: datetime | None = None,
) -> bool:
    """A tagged message was edited: its event shows the new text and keeps
    the first. Returns whether an event changed."""
    with db.session() as session:
        event = timeline.record_edit(
            session,
            team_id=team_id,
            channel_id=channel_id,
            message_ts=message_ts,
            text=text,
            edited_at=edited_at,
            stated_at=stated_at,
        )
        if event is not None:
            search.reindex_incident(
                session, team_id=team_id, incident_id=event.incident_id
            )
    if event is not None:
        logger.info("Timeline event %s follows an edit of its message", event.id)
    return event is not None


def is_tagged(db: Database, *, team_id: str, channel_id: str, message_ts: str) -> bool:
    """Whether a message is on a timeline: most messages in a channel are not."""
    with db.reading() as session:
        event = timeline.get_event_for_message(
            session, team_id=team_id, channel_id=channel_id, message_ts=message_ts
        )
    return event is not None


def record_deletion(
    db: Database, *, team_id: str, channel_id: str, message_ts: str, at: datetime
) -> bool:
    """A tagged message was deleted: its event is kept for the record and
    marked deleted, which leaves it out of the document."""
    with db.session() as session:
        event = timeline.mark_message_deleted(
            session,
            team_id=team_id,
            channel_id=channel_id,
            message_ts=message_ts,
            at=at,
        )
        if event is not None:
            search.reindex_incident(
                session, team_id=team_id, incident_id=event.incident_id
            )
    if event is not None:
        logger.info("Timeline event %s marked deleted with its message", event.id)
    return event is not None


def add_typed_event(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    text: str,
    typed_by: str,
    at: datetime | None,
    now: datetime,
) -> TimelineEvent:
    """An event that never was a message ("14:02 first alert fired").

    Raises NotAnIncidentChannel, or EventTimeRefused for an impossible time.
    """
    with db.session() as session:
        incident = incidents.get_by_channel(
            session, team_id=team_id, channel_id=channel_id
        )
        if incident is None:
            raise NotAnIncidentChannel(channel_id)
        check_event_time(at or now, now=now, declared_at=incident.declared_at)
        event = TimelineEvent(
            team_id=team_id,
            incident_id=incident.id,
            channel_id=channel_id,
            author_id=typed_by,
            tagged_by=typed_by,
            source=TagSource.COMMAND.value,
            kind=infer_kind(text).value,
            text=text,
            posted_at=now,
            stated_at=at,
            occurred_at=at or now,
        )
        session.add(event)
        session.flush()
        search.mark_behind(session, team_id=team_id, incident_id=incident.id)
    logger.info("Typed timeline event %s for incident %s", event.id, incident.id)
    return event
