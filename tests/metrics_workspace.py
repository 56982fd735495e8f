"""A small workspace whose review metrics are worked out by hand: the
incidents, timelines and action items, written straight into the store.

Times are UTC; "now" is 1 Dec 2024 12:00 and the period the 90 days
before it. tests/domain/test_metrics.py checks every figure against the
values worked out in the comments here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from domain.metrics import Period
from store import incidents, reviews, workspaces
from store.db import Database
from store.models import TimelineEvent

TEAM = "T0123ABCD"
NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)
PERIOD = Period(NOW - timedelta(days=90), NOW, "the last 90 days")  # from 2 Sep


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Workspace:
    """Builds incidents, timelines and action items straight in the store."""

    def __init__(self, db: Database, team_id: str = TEAM) -> None:
        self.db = db
        self.team_id = team_id
        self.channels = 0
        with db.session() as session:
            workspaces.ensure_workspace(session, team_id=team_id)

    def incident(
        self,
        severity: str,
        declared: str,
        *,
        resolved: str | None = None,
        reviewed: str | None = None,
        category: str | None = None,
        events: tuple[tuple[str, str], ...] = (),
        deleted: tuple[tuple[str, str], ...] = (),
        left_out: tuple[tuple[str, str], ...] = (),
    ) -> int:
        self.channels += 1
        channel = f"C{uuid.uuid4().hex[:10].upper()}"
        with self.db.session() as session:
            incident = incidents.declare(
                session,
                team_id=self.team_id,
                channel_id=channel,
                channel_name=f"inc-{self.channels}",
                title=f"Incident {self.channels}",
                severity=severity,
                declared_by="U1",
                commander_id="U1",
                declared_at=at(declared),
            )
            incident.resolved_at = at(resolved) if resolved else None
            incident.review_held_at = at(reviewed) if reviewed else None
            incident.root_cause_category = category
            session.add(incident)
            session.flush()
            timeline = [(kind, when, False, False) for kind, when in events]
            timeline += [(kind, when, True, False) for kind, when in deleted]
            timeline += [(kind, when, False, True) for kind, when in left_out]
            for kind, when, is_deleted, is_left_out in timeline:
                session.add(
                    TimelineEvent(
                        team_id=self.team_id,
                        incident_id=incident.id,
                        channel_id=channel,
                        tagged_by="U1",
                        source="command",
                        kind=kind,
                        text=kind,
                        posted_at=at(when),
                        occurred_at=at(when),
                        deleted_at=NOW if is_deleted else None,
                        left_out=is_left_out,
                    )
                )
            return incident.id

    def action_item(
        self,
        incident_id: int,
        deadline: date | None,
        *,
        zone: str = "UTC",
        done: str | None = None,
        done_without_time: bool = False,
        created: str = "2024-10-01T00:00",
    ) -> None:
        with self.db.session() as session:
            item = reviews.add_action_item(
                session,
                team_id=self.team_id,
                incident_id=incident_id,
                deliverable="Add an alert",
                owner_id="U2",
                deadline=deadline,
                deadline_zone=zone,
                priority="high",
                contributing_factor=None,
                vague_kept=False,
                created_by="U1",
                now=at(created),
            )
            if done or done_without_time:
                reviews.update_action_item(
                    session,
                    team_id=self.team_id,
                    item_id=item.id,
                    expected_version=None,
                    updated_by="U2",
                    status="done",
                    done_at=at(done) if done else None,
                )


def build_workspace(db: Database, team_id: str = TEAM) -> Workspace:
    """The hand-computed workspace (times UTC; now is 1 Dec 12:00)."""
    w = Workspace(db, team_id)
    _add_action_items(w, *_add_incidents(w))
    return w


def _add_incidents(w: Workspace) -> tuple[int, int, int, int, int]:
    """Seven incidents; returns the ids of I1, I2, I3, I4 and I7."""
    # I1: starts 09:50 (detection), acknowledged 10:05 (15 min), resolved
    # 12:50 (180 min), reviewed 24 h later.
    i1 = w.incident(
        "P1",
        "2024-10-01T10:00",
        resolved="2024-10-01T12:50",
        reviewed="2024-10-02T12:50",
        category="deploy",
        events=(
            ("detection", "2024-10-01T09:50"),
            ("acknowledgement", "2024-10-01T10:05"),
        ),
    )
    # I2: starts 07:30 (the start event, before the detection), acknowledged
    # 08:10 (40 min), resolved by its resolution event at 11:30 (240 min);
    # due for review long ago and never reviewed. A repeat of "deploy".
    i2 = w.incident(
        "P1",
        "2024-10-10T08:00",
        category="Deploy",
        events=(
            ("detection", "2024-10-10T07:40"),
            ("start", "2024-10-10T07:30"),
            ("acknowledgement", "2024-10-10T08:10"),
            ("resolution", "2024-10-10T11:30"),
        ),
    )
    # I3: starts when declared, resolved 120 min later, reviewed after 96 h.
    # Its only acknowledgement was deleted, so it has none. "capacity" is
    # no repeat: the earlier capacity incident (I7) is before the period.
    i3 = w.incident(
        "P2",
        "2024-11-01T00:00",
        resolved="2024-11-01T02:00",
        reviewed="2024-11-05T02:00",
        category="capacity",
        deleted=(("acknowledgement", "2024-11-01T00:05"),),
    )
    # I4: acknowledged 20 min after being declared, resolved after 360 min,
    # reviewed after 42 h. A repeat of "deploy".
    i4 = w.incident(
        "P2",
        "2024-11-20T00:00",
        resolved="2024-11-20T06:00",
        reviewed="2024-11-22T00:00",
        category="deploy",
        events=(("acknowledgement", "2024-11-20T00:20"),),
    )
    # I5: resolved 26 h ago (60 min), review not due yet; its acknowledgement
    # was left out of the review, so it has none.
    w.incident(
        "P2",
        "2024-11-30T09:00",
        resolved="2024-11-30T10:00",
        left_out=(("acknowledgement", "2024-11-30T09:10"),),
    )
    # I6: still open.
    w.incident("P3", "2024-11-25T00:00")
    # I7: before the period.
    i7 = w.incident("P2", "2024-08-01T00:00", category="capacity")
    return i1, i2, i3, i4, i7


def _add_action_items(w: Workspace, i1: int, i2: int, i3: int, i4: int, i7: int):
    """Ten action items; a deadline ends at midnight after its day, in its
    zone."""
    w.action_item(i1, date(2024, 10, 15), done="2024-10-14T16:00")  # on time
    # Ends 21 Oct 07:00 UTC in Los Angeles: on time.
    w.action_item(
        i1, date(2024, 10, 20), zone="America/Los_Angeles", done="2024-10-21T05:00"
    )
    # Ends 20 Oct 15:00 UTC in Tokyo: late.
    w.action_item(i2, date(2024, 10, 20), zone="Asia/Tokyo", done="2024-10-20T18:00")
    # Berlin is still on summer time at midnight of 27 Oct (the clocks go
    # back at 03:00): the day ends at 22:00 UTC, so 22:30 is late.
    w.action_item(i2, date(2024, 10, 26), zone="Europe/Berlin", done="2024-10-26T22:30")
    w.action_item(i3, date(2024, 11, 10))  # open past its deadline
    # Auckland's 1 Dec ended at 11:00 UTC on 1 Dec, an hour ago (in UTC the
    # day is not over yet): due, and done on time.
    w.action_item(
        i4, date(2024, 12, 1), zone="Pacific/Auckland", done="2024-11-30T10:00"
    )
    w.action_item(i4, date(2024, 11, 29), done_without_time=True)  # late
    w.action_item(i4, date(2024, 12, 5))  # not due yet
    w.action_item(i4, None, created="2024-11-21T00:00")  # no deadline
    w.action_item(i7, date(2024, 8, 20))  # due before the period
