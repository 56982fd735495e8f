"""Digest subscriptions, the action items a digest shows, and the messages
it was posted as."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, insert, or_
from sqlmodel import Session, col, select

from store.models import ActionItem, DigestMessage, DigestSubscription, Incident


def list_subscriptions(session: Session) -> list[DigestSubscription]:
    """Every subscription of every workspace (one per subscribed channel)."""
    return list(
        session.exec(select(DigestSubscription).order_by(col(DigestSubscription.id)))
    )


def get_subscription(
    session: Session, *, team_id: str, channel_id: str
) -> DigestSubscription | None:
    return session.exec(
        select(DigestSubscription).where(
            DigestSubscription.team_id == team_id,
            DigestSubscription.channel_id == channel_id,
        )
    ).first()


def subscribe(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    weekday: int,
    at_time: str,
    timezone: str,
    by: str,
    now: datetime,
) -> DigestSubscription:
    """Subscribe the channel, or change its day and time."""
    subscription = get_subscription(session, team_id=team_id, channel_id=channel_id)
    if subscription is None:
        subscription = DigestSubscription(
            team_id=team_id, channel_id=channel_id, created_by=by, created_at=now
        )
    subscription.weekday = weekday
    subscription.at_time = at_time
    subscription.timezone = timezone
    subscription.updated_at = now
    session.add(subscription)
    return subscription


def unsubscribe(session: Session, *, team_id: str, channel_id: str) -> bool:
    subscription = get_subscription(session, team_id=team_id, channel_id=channel_id)
    if subscription is None:
        return False
    session.delete(subscription)
    return True


@dataclass(frozen=True)
class DigestItemFacts:
    """What deciding an action item's digest group needs (the names of
    ActionItem's fields), without the rest of its row."""

    id: int
    team_id: str
    incident_id: int
    owner_id: str | None
    status: str
    deadline: date | None
    deadline_zone: str
    done_at: datetime | None
    # The last progress, or the creation when there was none: read as one
    # column (coalesced), since the group needs only the later of the two.
    last_progress_at: datetime


@dataclass(frozen=True)
class DigestIncidentFacts:
    """What deciding where an item may be shown needs of its incident."""

    id: int
    channel_id: str
    is_private: bool


def list_digest_facts(
    session: Session, *, team_ids: Iterable[str], done_since: datetime
) -> list[tuple[DigestItemFacts, DigestIncidentFacts]]:
    """Open items of the workspaces, and those done since `done_since`, each
    with its incident, in one statement. Only the columns that decide an
    item's group are read: a workspace has thousands of open items, a
    digest lists a hundred (read those with `list_items_of_teams`)."""
    team_ids = sorted(set(team_ids))
    if not team_ids:
        return []
    item_columns = [
        func.coalesce(ActionItem.last_progress_at, ActionItem.created_at)
        if name == "last_progress_at"
        else getattr(ActionItem, name)
        for name in DigestItemFacts.__dataclass_fields__
    ]
    incident_columns = [
        getattr(Incident, name) for name in DigestIncidentFacts.__dataclass_fields__
    ]
    rows = session.connection().execute(
        select(*item_columns, *incident_columns)
        .join(Incident, col(Incident.id) == col(ActionItem.incident_id))
        .where(
            col(ActionItem.team_id).in_(team_ids),
            or_(
                col(ActionItem.status) == "open",
                and_(
                    col(ActionItem.status) == "done",
                    col(ActionItem.done_at) >= done_since,
                ),
            ),
        )
        .order_by(col(ActionItem.id))
    )
    split = len(item_columns)
    return [
        (DigestItemFacts(*row[:split]), DigestIncidentFacts(*row[split:]))
        for row in rows
    ]


def list_items_of_teams(
    session: Session, *, team_ids: Iterable[str], item_ids: Iterable[int]
) -> list[tuple[ActionItem, Incident]]:
    """The items of `item_ids` that belong to one of `team_ids`, each with
    its incident, in one statement however many workspaces."""
    team_ids, item_ids = sorted(set(team_ids)), sorted(set(item_ids))
    if not team_ids or not item_ids:
        return []
    rows = session.exec(
        select(ActionItem, Incident)
        .join(Incident, col(Incident.id) == col(ActionItem.incident_id))
        .where(
            col(ActionItem.team_id).in_(team_ids),
            col(ActionItem.id).in_(item_ids),
        )
    ).all()
    return [(item, incident) for item, incident in rows]


def list_items_by_id(
    session: Session, *, team_id: str, item_ids: Sequence[int]
) -> list[tuple[ActionItem, Incident]]:
    if not item_ids:
        return []
    rows = session.exec(
        select(ActionItem, Incident)
        .join(Incident, col(Incident.id) == col(ActionItem.incident_id))
        .where(
            ActionItem.team_id == team_id,
            col(ActionItem.id).in_(list(item_ids)),
        )
    ).all()
    return [(item, incident) for item, incident in rows]


def record_messages(session: Session, *, messages: Sequence[DigestMessage]) -> None:
    """Keep posted digest messages, in one statement however many."""
    if not messages:
        return
    table = DigestMessage.__table__
    columns = [column.name for column in table.columns if column.name != "id"]
    session.execute(
        insert(table),
        [{name: getattr(message, name) for name in columns} for message in messages],
    )


def get_message(
    session: Session, *, team_id: str, channel_id: str, message_ts: str
) -> DigestMessage | None:
    return session.exec(
        select(DigestMessage).where(
            DigestMessage.team_id == team_id,
            DigestMessage.channel_id == channel_id,
            DigestMessage.message_ts == message_ts,
        )
    ).first()
