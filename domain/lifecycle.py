"""An incident's life: declared, mitigated, resolved."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from domain.errors import (
    AlreadyAnIncident,
    NotAnIncidentChannel,
    PirError,
)
from domain.incidents import Declaration, Status
from store import incidents, search, workspaces
from store.db import Database
from store.errors import IncidentAlreadyDeclared
from store.models import Incident

logger = logging.getLogger(__name__)

# Clocks differ a little; a moment this far ahead still counts as now.
CLOCK_SLACK = timedelta(minutes=1)


class MilestoneRefused(PirError):
    """A mitigated or resolved time that cannot be right."""


def declare_incident(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    channel_name: str,
    declaration: Declaration,
    declared_by: str,
    now: datetime,
    is_private: bool = False,
) -> Incident:
    """Make a channel an incident channel. Raises AlreadyAnIncident."""
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id)
        try:
            incident = incidents.declare(
                session,
                team_id=team_id,
                channel_id=channel_id,
                channel_name=channel_name,
                title=declaration.title,
                severity=declaration.severity.value,
                declared_by=declared_by,
                commander_id=declaration.commander_id,
                declared_at=now,
                is_private=is_private,
            )
        except IncidentAlreadyDeclared as error:
            raise AlreadyAnIncident(error.title) from None
        search.reindex_incident(session, team_id=team_id, incident_id=incident.id)
    logger.info(
        "Declared incident %s (%s) in channel %s of team %s",
        incident.id,
        incident.severity,
        channel_id,
        team_id,
    )
    return incident


def find_incident(db: Database, *, team_id: str, channel_id: str) -> Incident | None:
    with db.reading() as session:
        return incidents.get_by_channel(session, team_id=team_id, channel_id=channel_id)


def mark_milestone(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    status: Status,
    at: datetime,
    now: datetime,
) -> Incident:
    """Record when the incident was mitigated or resolved.

    A resolution also stands for the mitigation when none was recorded.
    Raises NotAnIncidentChannel, or MilestoneRefused for a time in the
    future or one that contradicts the other milestones.
    """
    if status not in (Status.MITIGATED, Status.RESOLVED):
        raise ValueError(f"not a milestone: {status}")
    if at > now + CLOCK_SLACK:
        raise MilestoneRefused(
            f"{at:%Y-%m-%d %H:%M} UTC is in the future; give the time it happened."
        )
    with db.session() as session:
        incident = incidents.get_by_channel(
            session, team_id=team_id, channel_id=channel_id
        )
        if incident is None:
            raise NotAnIncidentChannel(channel_id)
        if status is Status.MITIGATED:
            if incident.resolved_at and at > incident.resolved_at:
                raise MilestoneRefused(
                    "That is after the incident was resolved; check the time."
                )
            incident.mitigated_at = at
            if incident.status == Status.OPEN.value:
                incident.status = Status.MITIGATED.value
        else:
            if incident.mitigated_at and at < incident.mitigated_at:
                raise MilestoneRefused(
                    "That is before the incident was mitigated; check the time."
                )
            incident.resolved_at = at
            incident.mitigated_at = incident.mitigated_at or at
            incident.status = Status.RESOLVED.value
        incidents.touch(incident)
        session.add(incident)
    logger.info("Incident %s marked %s", incident.id, status.value)
    return incident


def follow_channel(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    name: str | None = None,
    archived: bool | None = None,
) -> bool:
    """A renamed or (un)archived channel; its incident keeps all its data."""
    with db.session() as session:
        incident = incidents.follow_channel(
            session,
            team_id=team_id,
            channel_id=channel_id,
            name=name,
            archived=archived,
        )
    if incident is not None:
        logger.info(
            "Incident %s follows a change of channel %s", incident.id, channel_id
        )
    return incident is not None


def change_incident(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    severity: str | None = None,
    commander_id: str | None = None,
) -> Incident:
    """Set the severity or the commander. Raises NotAnIncidentChannel."""
    with db.session() as session:
        incident = incidents.get_by_channel(
            session, team_id=team_id, channel_id=channel_id
        )
        if incident is None:
            raise NotAnIncidentChannel(channel_id)
        if severity is not None:
            incident.severity = severity
        if commander_id is not None:
            incident.commander_id = commander_id
        incidents.touch(incident)
        session.add(incident)
        search.reindex_incident(session, team_id=team_id, incident_id=incident.id)
    logger.info("Incident %s changed (severity %s)", incident.id, incident.severity)
    return incident


def get_incident(db: Database, *, team_id: str, incident_id: int) -> Incident | None:
    """The incident by id, only if it belongs to `team_id`."""
    with db.reading() as session:
        incident = session.get(Incident, incident_id)
    if incident is None or incident.team_id != team_id:
        return None
    return incident


def note_responder(
    db: Database, *, team_id: str, channel_id: str, user_id: str, at: datetime
) -> bool:
    """Someone posted in a channel: remember them if it is an incident's.

    Returns whether they are new to the incident.
    """
    with db.session() as session:
        incident = incidents.get_by_channel(
            session, team_id=team_id, channel_id=channel_id
        )
        if incident is None:
            return False
        added = incidents.note_responder(
            session, team_id=team_id, incident_id=incident.id, user_id=user_id, at=at
        )
    if added:
        logger.info("User %s responds to incident %s", user_id, incident.id)
    return added


def list_responders(db: Database, *, incident: Incident) -> list[str]:
    """Everyone who posted or tagged in the incident, commander first."""
    with db.reading() as session:
        return incidents.list_responders(
            session, team_id=incident.team_id, incident_id=incident.id
        )
