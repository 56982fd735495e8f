"""Timeline events and the reactions that tag them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

from store.models import TimelineEvent, TimelineTag
from store.types import utc_now


def _insert_unless_present(
    session: Session, model: type[SQLModel], values: dict[str, Any]
) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING: one round trip that either stores
    the row or finds its unique key taken (None), with no savepoint and no
    IntegrityError to catch. Returns the new row's id, or None."""
    dialect_name = session.get_bind().dialect.name
    statement = _INSERTS.get((dialect_name, model))
    if statement is None:
        statement = _build_insert(dialect_name, model)
        _INSERTS[(dialect_name, model)] = statement
    return session.scalars(statement, [values]).first()


def _build_insert(dialect_name: str, model: type[SQLModel]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    return (
        dialect.insert(table)
        .returning(table.c.id)
        .on_conflict_do_nothing(index_elements=_UNIQUE_KEYS[model])
    )


# The unique key each conflict-free insert relies on (see store.models).
_UNIQUE_KEYS = {
    TimelineEvent: ["team_id", "channel_id", "message_ts"],
    TimelineTag: ["team_id", "channel_id", "message_ts", "user_id", "reaction"],
}
# Built once per dialect and model: building an INSERT costs more than
# running it.
_INSERTS: dict = {}


def get_event_for_message(
    session: Session, *, team_id: str, channel_id: str, message_ts: str
) -> TimelineEvent | None:
    return session.exec(
        select(TimelineEvent).where(
            TimelineEvent.team_id == team_id,
            TimelineEvent.channel_id == channel_id,
            TimelineEvent.message_ts == message_ts,
        )
    ).first()


def record_event(
    session: Session, *, event: TimelineEvent
) -> tuple[TimelineEvent, bool]:
    """Store a tagged message's event unless the message already has one.

    Returns the stored event and whether it is new. A deleted-by-untagging
    event is not revived here; callers decide. The unique key on
    (team, channel, message ts) settles races between retries and replicas.
    """
    if event.message_ts is None:
        session.add(event)
        session.flush()
        return event, True
    new_id = _insert_unless_present(
        session, TimelineEvent, event.model_dump(exclude={"id"})
    )
    if new_id is not None:
        # Stored as it is: the session takes the object as the row it now
        # is, without reading it back.
        event.id = new_id
        make_transient_to_detached(event)
        session.add(event)
        return event, True
    existing = get_event_for_message(
        session,
        team_id=event.team_id,
        channel_id=event.channel_id,
        message_ts=event.message_ts,
    )
    if existing is None:
        raise LookupError(
            f"message {event.message_ts} has no event, yet its key is taken"
        )
    return existing, False


def add_tag(
    session: Session, *, event: TimelineEvent, user_id: str, reaction: str
) -> bool:
    """Remember that `user_id` tagged the event's message; False if known."""
    tag = {
        "team_id": event.team_id,
        "event_id": event.id,
        "channel_id": event.channel_id,
        "message_ts": event.message_ts,
        "user_id": user_id,
        "reaction": reaction,
        "created_at": utc_now(),
    }
    return _insert_unless_present(session, TimelineTag, tag) is not None


def remove_tag(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    user_id: str,
    reaction: str,
) -> int:
    """Forget one reaction tag; returns how many tags the message has left."""
    tags = session.exec(
        select(TimelineTag).where(
            TimelineTag.team_id == team_id,
            TimelineTag.channel_id == channel_id,
            TimelineTag.message_ts == message_ts,
        )
    ).all()
    left = 0
    for tag in tags:
        if tag.user_id == user_id and tag.reaction == reaction:
            session.delete(tag)
        else:
            left += 1
    session.flush()
    return left


def delete_event(session: Session, *, event: TimelineEvent) -> None:
    """Remove an event that no tag holds any more (an untagged message)."""
    for tag in session.exec(
        select(TimelineTag).where(TimelineTag.event_id == event.id)
    ).all():
        session.delete(tag)
    session.delete(event)
    session.flush()


def list_events(
    session: Session, *, team_id: str, incident_id: int, include_deleted: bool = False
) -> list[TimelineEvent]:
    """The incident's events in time order (ties broken by when they were stored)."""
    query = select(TimelineEvent).where(
        TimelineEvent.team_id == team_id, TimelineEvent.incident_id == incident_id
    )
    if not include_deleted:
        query = query.where(col(TimelineEvent.deleted_at).is_(None))
    query = query.order_by(col(TimelineEvent.occurred_at), col(TimelineEvent.id))
    return list(session.exec(query).all())


def mark_message_deleted(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    at: datetime | None = None,
) -> TimelineEvent | None:
    event = get_event_for_message(
        session, team_id=team_id, channel_id=channel_id, message_ts=message_ts
    )
    if event is not None and event.deleted_at is None:
        event.deleted_at = at or utc_now()
        session.add(event)
    return event


def record_edit(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    text: str,
    edited_at: datetime,
    stated_at: datetime | None = None,
) -> TimelineEvent | None:
    """Give a tagged message's event its new text, keeping the first one.

    An event tagged with a reaction also takes the moment the new text
    states; a time someone chose in the shortcut's modal stays as chosen.
    An event curated in the review keeps the review's words and time.
    """
    event = get_event_for_message(
        session, team_id=team_id, channel_id=channel_id, message_ts=message_ts
    )
    if event is None or event.text == text or event.curated_at is not None:
        return None
    if event.original_text is None:
        event.original_text = event.text
    event.text = text
    event.edited_at = edited_at
    if event.source == "reaction":
        event.stated_at = stated_at
        event.occurred_at = stated_at or event.posted_at
    session.add(event)
    return event
