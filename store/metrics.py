"""The facts the review metrics are computed from, read in a fixed number
of statements however many incidents and events there are.

Timeline events are aggregated in SQL: each incident comes back as one row
with the first moment of each kind of event that the durations need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from store.models import ActionItem, Incident, TimelineEvent

# Kinds of events, as stored (domain.timeline.EventKind values).
_STARTS = ("start", "detection")
_ACKNOWLEDGEMENT = "acknowledgement"
_RESOLUTION = "resolution"


@dataclass(frozen=True)
class IncidentFacts:
    """One incident and the first event of each kind on its timeline
    (deleted events and those left out of the review do not count)."""

    incident_id: int
    severity: str
    declared_at: datetime
    resolved_at: datetime | None
    review_held_at: datetime | None
    root_cause_category: str | None
    first_start_at: datetime | None
    first_acknowledged_at: datetime | None
    first_resolution_at: datetime | None


@dataclass(frozen=True)
class ActionItemFacts:
    deadline: date | None
    deadline_zone: str
    status: str
    done_at: datetime | None
    # Only for an item without a deadline (None for the others).
    created_at: datetime | None


def list_incident_facts(
    session: Session, *, team_id: str, since: datetime, until: datetime
) -> list[IncidentFacts]:
    """Incidents declared in [since, until), oldest first; one statement."""

    def first(*kinds: str):
        return func.min(
            case((col(TimelineEvent.kind).in_(kinds), col(TimelineEvent.occurred_at)))
        )

    kept_event = and_(
        col(TimelineEvent.incident_id) == col(Incident.id),
        col(TimelineEvent.team_id) == col(Incident.team_id),
        col(TimelineEvent.deleted_at).is_(None),
        col(TimelineEvent.left_out).is_(False),
    )
    columns = (
        col(Incident.id),
        col(Incident.severity),
        col(Incident.declared_at),
        col(Incident.resolved_at),
        col(Incident.review_held_at),
        col(Incident.root_cause_category),
    )
    # Core rows, not ORM ones: a two-year period has thousands of incidents.
    rows = session.connection().execute(
        select(
            *columns,
            first(*_STARTS),
            first(_ACKNOWLEDGEMENT),
            first(_RESOLUTION),
        )
        .select_from(Incident)
        .outerjoin(TimelineEvent, kept_event)
        .where(
            Incident.team_id == team_id,
            col(Incident.declared_at) >= since,
            col(Incident.declared_at) < until,
        )
        .group_by(*columns)
        .order_by(col(Incident.declared_at), col(Incident.id))
    )
    return [IncidentFacts(*row) for row in rows]


def list_action_item_facts(
    session: Session,
    *,
    team_id: str,
    deadlines_from: date,
    deadlines_to: date,
    created_since: datetime,
    created_until: datetime,
) -> list[ActionItemFacts]:
    """Items with a deadline day in [deadlines_from, deadlines_to], and
    items without a deadline created in [created_since, created_until);
    one statement. Whether a deadline has passed depends on its zone,
    which the caller decides."""
    rows = session.connection().execute(
        select(
            col(ActionItem.deadline),
            col(ActionItem.deadline_zone),
            col(ActionItem.status),
            col(ActionItem.done_at),
            # Only read where it counts: a period of years has tens of
            # thousands of items with a deadline, and each time read costs.
            case((col(ActionItem.deadline).is_(None), col(ActionItem.created_at))),
        ).where(
            ActionItem.team_id == team_id,
            or_(
                col(ActionItem.deadline).between(deadlines_from, deadlines_to),
                and_(
                    col(ActionItem.deadline).is_(None),
                    col(ActionItem.created_at) >= created_since,
                    col(ActionItem.created_at) < created_until,
                ),
            ),
        )
    )
    return [ActionItemFacts(*row) for row in rows]
