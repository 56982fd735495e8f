"""The tables. Every row carries the `team_id` of the workspace it belongs to.

Slack ids (`C…`, `U…`) and message timestamps (`"1733240000.123456"`) are
kept as the exact strings Slack sends: a message `ts` is an id, not a number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime, utc_now


def _moment(*, nullable: bool = True, default_now: bool = False) -> Any:
    """A UTC timestamp column, optionally defaulting to the current time."""
    if default_now:
        return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


# --- Workspaces -------------------------------------------------------------


class Workspace(SQLModel, table=True):
    """A Slack workspace the bot is installed in."""

    team_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=200)
    domain: str = Field(default="", max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    created_at: datetime = _moment(default_now=True)


class WorkspaceSetting(SQLModel, table=True):
    """One named, JSON-valued setting of a workspace (tag reactions, ...)."""

    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    key: str = Field(max_length=64)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = _moment(default_now=True)


# --- Incidents and their timelines ------------------------------------------


class Incident(SQLModel, table=True):
    """An incident, known by the Slack channel it is handled in."""

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id"),
        # The scheduler's tick looks incidents up by these two moments.
        Index("ix_incident_resolved_at", "resolved_at"),
        Index("ix_incident_review_scheduled_at", "review_scheduled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32, index=True)
    channel_id: str = Field(max_length=32)
    channel_name: str = Field(default="", max_length=200)
    is_private: bool = False
    is_archived: bool = False
    title: str = Field(max_length=500)
    severity: str = Field(default="P3", max_length=2)
    status: str = Field(default="open", max_length=16)
    commander_id: str | None = Field(default=None, max_length=32)
    facilitator_id: str | None = Field(default=None, max_length=32)
    declared_by: str | None = Field(default=None, max_length=32)
    declared_at: datetime = _moment(default_now=True)
    mitigated_at: datetime | None = _moment()
    resolved_at: datetime | None = _moment()
    review_scheduled_at: datetime | None = _moment()
    review_held_at: datetime | None = _moment()
    review_published_at: datetime | None = _moment()
    # The one review card message of the incident, refreshed in place.
    review_card_channel_id: str | None = Field(default=None, max_length=32)
    review_card_ts: str | None = Field(default=None, max_length=32)
    # Copied from the root-cause section when it is saved, so that repeat
    # causes can be counted without reading every review.
    root_cause_category: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = _moment(default_now=True)
    updated_at: datetime = _moment(default_now=True)


class Responder(SQLModel, table=True):
    """Someone who posted or tagged in an incident's channel during it.

    Kept as messages arrive, since reading a channel's history back is
    slow and rate limited. The review suggests a facilitator from outside
    this list and the review time is confirmed to everyone on it.
    """

    __table_args__ = (UniqueConstraint("team_id", "incident_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    user_id: str = Field(max_length=32)
    first_seen_at: datetime = _moment(default_now=True)


class TimelineEvent(SQLModel, table=True):
    """A moment of an incident: a tagged message or an event typed in.

    `posted_at` is when the message was posted (its `ts`); `stated_at` is a
    moment the text itself names, if any; `occurred_at` is the one the
    timeline uses. A tagged message appears once, however often it is tagged
    or a tag is re-delivered: the unique key on (team, channel, message ts)
    enforces it. Events typed with a command have no message ts.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts"),
        Index("ix_timelineevent_incident_time", "incident_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    incident_id: int = Field(foreign_key="incident.id")
    channel_id: str = Field(max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    author_id: str | None = Field(default=None, max_length=32)
    author_bot_id: str | None = Field(default=None, max_length=32)
    tagged_by: str = Field(max_length=32)
    source: str = Field(max_length=16)
    kind: str = Field(default="other", max_length=32)
    text: str = ""
    original_text: str | None = None
    note: str | None = None
    permalink: str | None = Field(default=None, max_length=500)
    posted_at: datetime = _moment(nullable=False)
    stated_at: datetime | None = _moment()
    occurred_at: datetime = _moment(nullable=False)
    edited_at: datetime | None = _moment()
    deleted_at: datetime | None = _moment()
    # Left out of the review's timeline by the facilitator (kept, not shown).
    left_out: bool = False
    # When the facilitator last changed it in the review. A curated event
    # keeps the review's words: untagging its message or editing it in Slack
    # no longer changes it.
    curated_at: datetime | None = _moment()
    created_at: datetime = _moment(default_now=True)


class TimelineTag(SQLModel, table=True):
    """Who tagged a message with which reaction.

    A timeline event made by reactions lives as long as one of its tags does.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", "user_id", "reaction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    event_id: int = Field(foreign_key="timelineevent.id", index=True)
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    reaction: str = Field(max_length=100)
    created_at: datetime = _moment(default_now=True)


class PendingTag(SQLModel, table=True):
    """A tag on a message in a channel that is not an incident yet.

    It waits here until an incident is declared in the channel, which puts
    the message on the timeline; taking the reaction off forgets it.
    """

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", "user_id", "reaction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    channel_id: str = Field(max_length=32, index=True)
    message_ts: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    reaction: str = Field(max_length=100)
    created_at: datetime = _moment(default_now=True)


# --- Reviews ------------------------------------------------------------------


class ReviewSection(SQLModel, table=True):
    """One section of an incident's review, versioned against lost edits."""

    __table_args__ = (UniqueConstraint("team_id", "incident_id", "section"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    section: str = Field(max_length=32)
    state: str = Field(default="empty", max_length=16)
    content: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    version: int = 0
    updated_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime = _moment(default_now=True)


class ActionItem(SQLModel, table=True):
    """A follow-up from a review, with an owner, a deadline and a priority.

    `deadline` is a calendar day in `deadline_zone` (the owner's zone when it
    was set): the item is on time when done before that day ends there.
    `version` grows with every change, so that two people editing one item
    cannot overwrite each other unknowingly.
    """

    __table_args__ = (Index("ix_actionitem_team_status", "team_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32, index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    deliverable: str
    owner_id: str | None = Field(default=None, max_length=32, index=True)
    deadline: date | None = None
    deadline_zone: str = Field(default="UTC", max_length=64)
    priority: str = Field(default="medium", max_length=8)
    contributing_factor: str | None = None
    status: str = Field(default="open", max_length=16)
    vague_kept: bool = False
    version: int = 0
    created_by: str | None = Field(default=None, max_length=32)
    updated_by: str | None = Field(default=None, max_length=32)
    done_at: datetime | None = _moment()
    last_progress_at: datetime | None = _moment()
    created_at: datetime = _moment(default_now=True)
    updated_at: datetime = _moment(default_now=True)


# --- Scheduler ----------------------------------------------------------------


class PostClaim(SQLModel, table=True):
    """A scheduled post (a digest, a nudge) claimed by one process.

    The row is inserted before the post is sent; the unique key on
    (kind, target, period) is what makes each post go out once even with
    several replicas. `target` is a Slack id, unique across workspaces.

    A claim with no `posted_at` is being posted by `claimed_by`; one whose
    `claimed_by` is empty was released after a failed post (`last_error`
    says why) and is free for the next tick, as is one claimed longer ago
    than the claim timeout (its process died).
    """

    __table_args__ = (UniqueConstraint("kind", "target", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    kind: str = Field(max_length=32)
    target: str = Field(max_length=64)
    period: str = Field(max_length=64)
    claimed_by: str = Field(max_length=128)
    claimed_at: datetime = _moment(default_now=True)
    posted_at: datetime | None = _moment()
    # Where the post went, so that it can be updated in place.
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    attempts: int = 1
    last_error: str | None = Field(default=None, max_length=64)


class DigestSubscription(SQLModel, table=True):
    """A channel that gets the weekly action-item digest.

    `weekday` is 0 for Monday; `at_time` ("09:00") and `weekday` are read in
    `timezone`, so the digest keeps its local hour across daylight saving.
    """

    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    channel_id: str = Field(max_length=32)
    weekday: int = 0
    at_time: str = Field(default="09:00", max_length=5)
    timezone: str = Field(default="UTC", max_length=64)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = _moment(default_now=True)
    # When the day or time last changed: earlier slots are never caught up.
    updated_at: datetime = _moment(default_now=True)


class DigestMessage(SQLModel, table=True):
    """One posted message of a digest (in a channel, or to an owner) and the
    action items it shows, so that a click can redraw it in place.

    `page` holds what the message shows besides the items themselves (its
    heading and counts as of posting, how many items did not fit).
    """

    __table_args__ = (UniqueConstraint("team_id", "channel_id", "message_ts"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    claim_id: int | None = Field(default=None, foreign_key="postclaim.id")
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    item_ids: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    page: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = _moment(default_now=True)


# --- Search -------------------------------------------------------------------


class SearchRefresh(SQLModel, table=True):
    """An incident whose search document lacks timeline events captured
    since it was built. A capture only adds a row here: rebuilding the
    document (and, on PostgreSQL, its whole tsvector) on every capture made
    captures into a long incident slower with each event. Search brings
    the documents it is about to read up to date first."""

    incident_id: int = Field(foreign_key="incident.id", primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32, index=True)


class SearchDocument(SQLModel, table=True):
    """Everything one incident's review says, as text to search.

    Rebuilt whole by `store.search.reindex_incident` whenever something it
    holds changes, except a new timeline event: a capture only marks it
    behind (`SearchRefresh`), and search rebuilds it before reading. The
    full-text index over it is not part of this model: on SQLite it is the
    FTS5 table `searchdocument_fts`, kept in step by triggers; on
    PostgreSQL a generated `search_vector` column with a GIN index. Both
    come from migration 0007.
    """

    __table_args__ = (UniqueConstraint("team_id", "incident_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", max_length=32)
    incident_id: int = Field(foreign_key="incident.id")
    title: str = ""
    # Summary, timeline, root cause, lessons and action items, a piece a line.
    body: str = ""
    updated_at: datetime = _moment(default_now=True)
