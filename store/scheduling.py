"""What the scheduler's tick reads, and the claims that make each
scheduled post go out once.

Every function here runs a fixed number of statements, however many rows
it reads or claims: the tick's cost must not grow a query per incident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from domain.posts import PostKey, PostKind
from store.models import Incident, PostClaim, Workspace

# A post that failed this often is given up on (and logged as such).
MAX_ATTEMPTS = 5


def list_follow_up_incidents(
    session: Session,
    *,
    resolved_after: datetime,
    review_before: datetime,
    now: datetime,
) -> list[tuple[Incident, str]]:
    """Incidents that may have a nudge or a reminder due, with their
    workspace's time zone: resolved since `resolved_after` with no review
    time, or with a review between now and `review_before`. None whose
    review was held."""
    unscheduled = and_(
        col(Incident.review_scheduled_at).is_(None),
        col(Incident.resolved_at) >= resolved_after,
    )
    upcoming = and_(
        col(Incident.review_scheduled_at) > now,
        col(Incident.review_scheduled_at) <= review_before,
    )
    rows = session.exec(
        select(Incident, Workspace.timezone)
        .join(Workspace, col(Workspace.team_id) == col(Incident.team_id))
        .where(col(Incident.review_held_at).is_(None), or_(unscheduled, upcoming))
        .order_by(col(Incident.id))
    ).all()
    return [(incident, timezone) for incident, timezone in rows]


@dataclass(frozen=True)
class Claim:
    """A post this process now holds and must send (or release)."""

    id: int
    key: PostKey
    attempts: int


def claim_posts(
    session: Session,
    *,
    keys: Sequence[PostKey],
    claimed_by: str,
    now: datetime,
    stale_before: datetime,
) -> list[Claim]:
    """Claim the posts of `keys` that nobody has posted or is posting.

    A key never claimed is inserted; one released after a failure, or
    claimed before `stale_before` by a process that never finished, is
    taken over. Another process racing for the same key gets nothing: the
    insert skips a conflicting row and the takeover re-checks its
    condition on the row it updates. At most three statements.
    """
    wanted = {key.unique: key for key in keys}
    if not wanted:
        return []
    existing = session.exec(
        select(PostClaim).where(
            tuple_(
                col(PostClaim.kind), col(PostClaim.target), col(PostClaim.period)
            ).in_(list(wanted))
        )
    ).all()
    known = {(row.kind, row.target, row.period): row for row in existing}
    free_ids = [
        row.id
        for row in known.values()
        if row.posted_at is None
        and row.attempts < MAX_ATTEMPTS
        and (row.claimed_by == "" or row.claimed_at < stale_before)
    ]
    claims = _take_over(
        session,
        ids=free_ids,
        claimed_by=claimed_by,
        now=now,
        stale_before=stale_before,
    )
    missing = [key for unique, key in wanted.items() if unique not in known]
    claims += _insert(session, keys=missing, claimed_by=claimed_by, now=now)
    return [
        Claim(id=claim_id, key=wanted[unique], attempts=attempts)
        for claim_id, unique, attempts in claims
    ]


def _take_over(
    session: Session,
    *,
    ids: list[int],
    claimed_by: str,
    now: datetime,
    stale_before: datetime,
) -> list[tuple[int, tuple[str, str, str], int]]:
    if not ids:
        return []
    table = PostClaim.__table__
    rows = session.execute(
        update(table)
        .where(
            table.c.id.in_(ids),
            table.c.posted_at.is_(None),
            or_(table.c.claimed_by == "", table.c.claimed_at < stale_before),
        )
        .values(claimed_by=claimed_by, claimed_at=now, attempts=table.c.attempts + 1)
        .returning(
            table.c.id, table.c.kind, table.c.target, table.c.period, table.c.attempts
        )
    ).all()
    return [(row.id, (row.kind, row.target, row.period), row.attempts) for row in rows]


def _insert(
    session: Session, *, keys: list[PostKey], claimed_by: str, now: datetime
) -> list[tuple[int, tuple[str, str, str], int]]:
    if not keys:
        return []
    table = PostClaim.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = [
        {
            "team_id": key.team_id,
            "kind": key.kind.value,
            "target": key.target,
            "period": key.period,
            "claimed_by": claimed_by,
            "claimed_at": now,
            "attempts": 1,
        }
        for key in keys
    ]
    statement = (
        dialect.insert(table)
        .values(values)
        .on_conflict_do_nothing(index_elements=["kind", "target", "period"])
        .returning(
            table.c.id, table.c.kind, table.c.target, table.c.period, table.c.attempts
        )
    )
    rows = session.execute(statement).all()
    return [(row.id, (row.kind, row.target, row.period), row.attempts) for row in rows]


def record_posted(
    session: Session, *, key: PostKey, claimed_by: str, now: datetime
) -> bool:
    """Mark a post as already sent without sending it (something else said
    the same); False when it was claimed before."""
    claims = _insert(session, keys=[key], claimed_by=claimed_by, now=now)
    if not claims:
        return False
    mark_posted(session, deliveries=[(claims[0][0], None, None)], now=now)
    return True


def mark_posted(
    session: Session,
    *,
    deliveries: Sequence[tuple[int, str | None, str | None]],
    now: datetime,
) -> None:
    """(claim id, channel id, message ts) of each post sent, in one statement."""
    if not deliveries:
        return
    table = PostClaim.__table__
    session.execute(
        update(table)
        .where(table.c.id == bindparam("claim_id"))
        .values(
            posted_at=bindparam("at"),
            channel_id=bindparam("channel"),
            message_ts=bindparam("ts"),
            last_error=None,
        ),
        [
            {"claim_id": claim_id, "at": now, "channel": channel, "ts": ts}
            for claim_id, channel, ts in deliveries
        ],
    )


def release_claims(session: Session, *, failures: Sequence[tuple[int, str]]) -> None:
    """(claim id, Slack error) of each post that failed: the next tick may
    claim it again, up to MAX_ATTEMPTS attempts."""
    if not failures:
        return
    table = PostClaim.__table__
    session.execute(
        update(table)
        .where(table.c.id == bindparam("claim_id"), table.c.posted_at.is_(None))
        .values(claimed_by="", last_error=bindparam("error")),
        [{"claim_id": claim_id, "error": error[:64]} for claim_id, error in failures],
    )


def list_claims(
    session: Session, *, kind: PostKind, target: str | None = None
) -> list[PostClaim]:
    """Claims of one kind (for one target), oldest first."""
    query = select(PostClaim).where(PostClaim.kind == kind.value)
    if target is not None:
        query = query.where(PostClaim.target == target)
    return list(session.exec(query.order_by(col(PostClaim.id))).all())
