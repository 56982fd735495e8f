"""Where a review stands on the Home tab, and which action item is most urgent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.digest import DigestEntry
from domain.home import ReviewStep, review_step, urgency
from store.models import ActionItem, Incident

RESOLVED = datetime(2024, 12, 1, 15, 30, tzinfo=UTC)


def _incident(**fields) -> Incident:
    return Incident(
        id=1, team_id="T1", channel_id="C1", title="Checkout errors", **fields
    )


def test_a_review_without_a_time_is_overdue_from_72_hours_after_resolution():
    incident = _incident(resolved_at=RESOLVED)
    just_before = RESOLVED + timedelta(hours=72) - timedelta(seconds=1)
    assert review_step(incident, now=just_before) is ReviewStep.NEEDS_TIME
    assert review_step(incident, now=RESOLVED + timedelta(hours=72)) is (
        ReviewStep.OVERDUE
    )


def test_a_scheduled_review_is_never_overdue() -> None:
    incident = _incident(
        resolved_at=RESOLVED, review_scheduled_at=RESOLVED + timedelta(days=5)
    )
    assert review_step(incident, now=RESOLVED + timedelta(days=4)) is (
        ReviewStep.SCHEDULED
    )


def _entry(item_id: int, deadline: date | None, zone: str = "UTC") -> DigestEntry:
    item = ActionItem(
        id=item_id,
        team_id="T1",
        incident_id=1,
        deliverable="Add a canary stage",
        deadline=deadline,
        deadline_zone=zone,
    )
    return DigestEntry(item=item, incident=_incident())


def test_urgency_orders_by_when_the_deadline_day_ends_where_it_is_read():
    # 31 March 2025 ends on Kiritimati (UTC+14) at 10:00 UTC, an hour before
    # 30 March ends in Pago Pago (UTC-11); an item without a deadline is last.
    kiritimati = _entry(1, date(2025, 3, 31), "Pacific/Kiritimati")
    pago_pago = _entry(2, date(2025, 3, 30), "Pacific/Pago_Pago")
    undated = _entry(3, None)
    earlier = _entry(4, date(2025, 3, 1))

    ordered = sorted([undated, pago_pago, kiritimati, earlier], key=urgency)

    assert [entry.item.id for entry in ordered] == [4, 1, 2, 3]
