"""Incidents, one per incident channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from store.errors import IncidentAlreadyDeclared
from store.models import Incident
from store.types import utc_now


def get_by_channel(
    session: Session, *, team_id: str, channel_id: str
) -> Incident | None:
    return session.exec(
        select(Incident).where(
            Incident.team_id == team_id, Incident.channel_id == channel_id
        )
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
