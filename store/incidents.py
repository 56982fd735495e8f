"""Incidents, one per incident channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.errors import IncidentAlreadyDeclared
from store.models import Incident, Responder, TimelineEvent
from store.types import utc_now

# Built once: every tag, command and modal looks its incident up this way.
_BY_CHANNEL = select(Incident).where(
    Incident.team_id == bindparam("team_id"),
    Incident.channel_id == bindparam("channel_id"),
)


def get_by_channel(
    session: Session, *, team_id: str, channel_id: str
) -> Incident | None:
    return session.exec(
        _BY_CHANNEL, params={"team_id": team_id, "channel_id": channel_id}
    ).first()


def declare(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    channel_name: str,
    title: str,
    severity: str,
    declared_by: str,
    commander_id: str,
    declared_at: datetime,
    is_private: bool = False,
) -> Incident:
    """Make the channel an incident channel.

    Raises IncidentAlreadyDeclared when the channel already has one, also
    when two people declare at the same moment (the database decides).
    """
    existing = get_by_channel(session, team_id=team_id, channel_id=channel_id)
    if existing is not None:
        raise IncidentAlreadyDeclared(channel_id, existing.title)
    incident = Incident(
        team_id=team_id,
        channel_id=channel_id,
        channel_name=channel_name,
        title=title,
        severity=severity,
        declared_by=declared_by,
        commander_id=commander_id,
        declared_at=declared_at,
        is_private=is_private,
    )
    try:
        with session.begin_nested():
            session.add(incident)
    except IntegrityError:
        winner = get_by_channel(session, team_id=team_id, channel_id=channel_id)
        title = winner.title if winner else title
        raise IncidentAlreadyDeclared(channel_id, title) from None
    return incident


def touch(incident: Incident) -> None:
    incident.updated_at = utc_now()


def follow_channel(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    name: str | None = None,
    archived: bool | None = None,
) -> Incident | None:
    """Keep an incident's channel name and archived flag as Slack has them."""
    incident = get_by_channel(session, team_id=team_id, channel_id=channel_id)
    if incident is None:
        return None
    if name is not None:
        incident.channel_name = name
    if archived is not None:
        incident.is_archived = archived
    touch(incident)
    session.add(incident)
    return incident


def note_responder(
    session: Session, *, team_id: str, incident_id: int, user_id: str, at: datetime
) -> bool:
    """Remember that `user_id` took part in the incident; False if known."""
    known = session.exec(
        select(Responder.id).where(
            Responder.team_id == team_id,
            Responder.incident_id == incident_id,
            Responder.user_id == user_id,
        )
    ).first()
    if known is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                Responder(
                    team_id=team_id,
                    incident_id=incident_id,
                    user_id=user_id,
                    first_seen_at=at,
                )
            )
    except IntegrityError:
        return False
    return True


def list_responders(session: Session, *, team_id: str, incident_id: int) -> list[str]:
    """Everyone who posted or tagged in the incident, commander first, then
    in the order they joined in. Bots and integrations are not people."""
    incident = session.get(Incident, incident_id)
    if incident is None or incident.team_id != team_id:
        return []
    seen: dict[str, datetime] = {}

    def saw(user_id: str | None, at: datetime) -> None:
        if user_id and (user_id not in seen or at < seen[user_id]):
            seen[user_id] = at

    for user_id, at in session.exec(
        select(Responder.user_id, Responder.first_seen_at).where(
            Responder.team_id == team_id, Responder.incident_id == incident_id
        )
    ).all():
        saw(user_id, at)
    for tagger, author, at in session.exec(
        select(
            TimelineEvent.tagged_by, TimelineEvent.author_id, TimelineEvent.created_at
        ).where(
            TimelineEvent.team_id == team_id, TimelineEvent.incident_id == incident_id
        )
    ).all():
        saw(tagger, at)
        saw(author, at)

    ordered = sorted(seen, key=lambda user_id: seen[user_id])
    if incident.commander_id:
        ordered = [incident.commander_id] + [
            user_id for user_id in ordered if user_id != incident.commander_id
        ]
    return ordered


def claim_review_card(
    session: Session, *, team_id: str, incident_id: int, channel_id: str, pending: str
) -> bool:
    """Mark the review card as being posted; False if it exists or another
    caller is posting it. The conditional UPDATE is the lock."""
    claimed = session.execute(
        update(Incident)
        .where(
            col(Incident.id) == incident_id,
            col(Incident.team_id) == team_id,
            col(Incident.review_card_ts).is_(None),
        )
        .values(review_card_ts=pending, review_card_channel_id=channel_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def set_review_card(
    session: Session,
    *,
    team_id: str,
    incident_id: int,
    channel_id: str | None,
    ts: str | None,
) -> None:
    session.execute(
        update(Incident)
        .where(col(Incident.id) == incident_id, col(Incident.team_id) == team_id)
        .values(review_card_ts=ts, review_card_channel_id=channel_id)
        .execution_options(synchronize_session=False)
    )


def find_incidents(
    session: Session,
    *,
    team_id: str | None = None,
    incident_id: int | None = None,
    channel_id: str | None = None,
    channel_name: str | None = None,
) -> list[Incident]:
    """Incidents matching every given criterion, newest first (for the
    command line, where a person names an incident as they know it)."""
    query = select(Incident)
    if team_id is not None:
        query = query.where(Incident.team_id == team_id)
    if incident_id is not None:
        query = query.where(Incident.id == incident_id)
    if channel_id is not None:
        query = query.where(Incident.channel_id == channel_id)
    if channel_name is not None:
        query = query.where(Incident.channel_name == channel_name)
    return list(session.exec(query.order_by(col(Incident.declared_at).desc())).all())
