"""The review meeting: when it is scheduled, and that it was held.

Scheduling stops the nudges and sets up the reminder before the meeting;
marking the review held stops every nudge and reminder for good.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.capture import REPLICA
from domain.errors import NotAnIncidentChannel, PirError
from domain.nudges import reminder_period
from domain.posts import PostKey, PostKind
from store import incidents, scheduling
from store.db import Database
from store.models import Incident

logger = logging.getLogger(__name__)

# Clocks differ a little; a moment this far ahead still counts as now.
CLOCK_SLACK = timedelta(minutes=1)


class ReviewTimeRefused(PirError):
    """A review time that cannot be right; the message says why."""


@dataclass(frozen=True)
class ScheduledReview:
    incident: Incident
    responders: list[str]


def schedule_review(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    at: datetime,
    by: str,
    now: datetime,
    reminder_lead: timedelta | None,
) -> ScheduledReview:
    """Record when the incident's review takes place.

    A review so close that its reminder would be due at once gets none: the
    confirmation says the same. Returns the incident and everyone invited
    (its responders, the facilitator among them). Raises
    NotAnIncidentChannel, or ReviewTimeRefused for a time already past or a
    review already held.
    """
    if at <= now:
        raise ReviewTimeRefused(
            "That time has already passed; give one ahead, e.g. "
            "`/pir schedule thursday 3pm`."
        )
    with db.session() as session:
        incident = incidents.get_by_channel(
            session, team_id=team_id, channel_id=channel_id
        )
        if incident is None:
            raise NotAnIncidentChannel(channel_id)
        if incident.review_held_at is not None:
            raise ReviewTimeRefused(
                "This incident's review was already held; nothing to schedule."
            )
        incident.review_scheduled_at = at
        incidents.touch(incident)
        session.add(incident)

        if reminder_lead is not None and at - reminder_lead <= now:
            _no_reminder(session, incident=incident, at=at, now=now)
        responders = incidents.list_responders(
            session, team_id=team_id, incident_id=incident.id
        )
    if incident.facilitator_id and incident.facilitator_id not in responders:
        responders.append(incident.facilitator_id)
    logger.info(
        "User %s scheduled the review of incident %s for %s",
        by,
        incident.id,
        at.isoformat(),
    )
    return ScheduledReview(incident=incident, responders=responders)


def _no_reminder(session, *, incident: Incident, at: datetime, now: datetime) -> None:
    """Count the review's reminder as sent: the confirmation just said it all."""
    key = PostKey(
        team_id=incident.team_id,
        kind=PostKind.REMINDER,
        target=incident.channel_id,
        period=reminder_period(at),
    )
    scheduling.record_posted(session, key=key, claimed_by=REPLICA, now=now)


def mark_review_held(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    at: datetime,
    by: str,
    now: datetime | None = None,
) -> Incident:
    """Record that the incident's review took place at `at`; no nudge or
    reminder is sent for it afterwards. Marking it again corrects the time.
    Raises NotAnIncidentChannel, or ReviewTimeRefused for a time before the
    incident was declared or (given `now`) one still to come."""
    if now is not None and at > now + CLOCK_SLACK:
        raise ReviewTimeRefused(
            "That is still to come; mark the review held once it took place."
        )
    with db.session() as session:
        incident = incidents.get_by_channel(
            session, team_id=team_id, channel_id=channel_id
        )
        if incident is None:
            raise NotAnIncidentChannel(channel_id)
        if incident.resolved_at is None:
            raise ReviewTimeRefused(
                "The incident is not resolved yet: mark it with `/pir resolved`, "
                "then hold its review."
            )
        if at < incident.declared_at - CLOCK_SLACK:
            raise ReviewTimeRefused(
                "That is before the incident was declared; check the time."
            )
        incident.review_held_at = at
        incidents.touch(incident)
        session.add(incident)
    logger.info("User %s marked the review of incident %s held", by, incident.id)
    return incident
