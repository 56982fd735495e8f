"""What one person's Home tab reads: their open action items, the reviews
they facilitate or command that are not held yet, and the workspace's
latest reviews.

Each function is one statement, whatever the number of rows; a list that
is cut at `limit` says how many rows there were in all (a window count,
taken before the LIMIT applies).
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, union_all
from sqlmodel import Session, col, select

from domain.review import ActionItemStatus, SectionState
from store.models import ActionItem, Incident, ReviewSection


def list_open_items_of_owner(
    session: Session, *, team_id: str, owner_id: str, limit: int
) -> tuple[list[tuple[ActionItem, Incident]], int]:
    """The owner's open items with their incidents, earliest deadline first
    (items without one last), at most `limit`; and how many there are."""
    total = func.count().over().label("total")
    rows = session.exec(
        select(ActionItem, Incident, total)
        .join(
            Incident,
            and_(
                col(Incident.id) == col(ActionItem.incident_id),
                col(Incident.team_id) == col(ActionItem.team_id),
            ),
        )
        .where(
            ActionItem.team_id == team_id,
            ActionItem.owner_id == owner_id,
            ActionItem.status == ActionItemStatus.OPEN.value,
        )
        .order_by(
            col(ActionItem.deadline).is_(None),
            col(ActionItem.deadline),
            col(ActionItem.id),
        )
        .limit(limit)
    ).all()
    return [(item, incident) for item, incident, _ in rows], _total(rows)


def list_reviews_to_finish(
    session: Session, *, team_id: str, user_id: str, limit: int
) -> tuple[list[tuple[Incident, int]], int]:
    """Resolved incidents whose review is not held yet and that `user_id`
    facilitates or commands, each with its number of done sections; those
    without a review time first (resolved longest ago first), then by
    review time. At most `limit`, and how many there are."""
    done = (
        select(func.count(col(ReviewSection.id)))
        .where(
            col(ReviewSection.team_id) == col(Incident.team_id),
            col(ReviewSection.incident_id) == col(Incident.id),
            col(ReviewSection.state) == SectionState.DONE.value,
        )
        .correlate(Incident)
        .scalar_subquery()
        .label("done")
    )
    total = func.count().over().label("total")
    rows = session.exec(
        select(Incident, done, total)
        .where(
            Incident.team_id == team_id,
            or_(
                col(Incident.facilitator_id) == user_id,
                col(Incident.commander_id) == user_id,
            ),
            col(Incident.resolved_at).is_not(None),
            col(Incident.review_held_at).is_(None),
        )
        .order_by(
            col(Incident.review_scheduled_at).is_not(None),
            col(Incident.review_scheduled_at),
            col(Incident.resolved_at),
            col(Incident.id),
        )
        .limit(limit)
    ).all()
    return [(incident, done or 0) for incident, done, _ in rows], _total(rows)


def review_moment():
    """When a review took place, or was shared if it was never marked held."""
    return func.coalesce(
        col(Incident.review_held_at), col(Incident.review_published_at)
    )


def list_latest_reviews(
    session: Session, *, team_id: str, public_limit: int, private_limit: int
) -> list[Incident]:
    """The newest held or published reviews, newest first: up to
    `public_limit` of public channels and up to `private_limit` of private
    ones, for the caller to keep those the reader may see."""

    def newest(private: bool, limit: int):
        return (
            select(col(Incident.id).label("id"))
            .where(
                Incident.team_id == team_id,
                col(Incident.is_private) == private,
                review_moment().is_not(None),
            )
            .order_by(review_moment().desc(), col(Incident.id).desc())
            .limit(limit)
            .subquery()
        )

    public, private = newest(False, public_limit), newest(True, private_limit)
    chosen = union_all(select(public.c.id), select(private.c.id))
    return list(
        session.exec(
            select(Incident)
            .where(Incident.team_id == team_id, col(Incident.id).in_(chosen))
            .order_by(review_moment().desc(), col(Incident.id).desc())
        ).all()
    )


def _total(rows) -> int:
    return int(rows[0][-1]) if rows else 0
