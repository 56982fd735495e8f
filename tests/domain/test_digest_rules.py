"""The digest's schedule across daylight saving, and how items are grouped."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.digest import (
    DigestError,
    DigestGroup,
    DigestSchedule,
    done_on_time,
    due_slot,
    group_of,
    on_time_rate,
    parse_schedule,
    slot_period,
    week_period,
)
from store.models import ActionItem

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY_NINE_BERLIN = DigestSchedule(weekday=0, at=time(9), timezone="Europe/Berlin")


@pytest.mark.parametrize(
    ("monday", "utc_hour"),
    [
        (date(2024, 3, 25), 8),  # winter time, UTC+1
        (date(2024, 4, 1), 7),  # the day after clocks went forward, UTC+2
        (date(2024, 10, 21), 7),
        (date(2024, 10, 28), 8),  # the week after clocks went back
    ],
)
def test_a_monday_nine_digest_stays_at_nine_local_around_the_change(
    monday, utc_hour
) -> None:
    during_the_week = datetime.combine(monday, time(12), tzinfo=UTC) + timedelta(days=2)
    slot = MONDAY_NINE_BERLIN.last_slot(during_the_week)
    assert slot.astimezone(BERLIN).replace(tzinfo=None) == datetime.combine(
        monday, time(9)
    )
    assert slot.hour == utc_hour


def test_the_slot_of_a_day_starts_at_its_time_not_before() -> None:
    schedule = DigestSchedule(weekday=0, at=time(9), timezone="America/New_York")
    monday_nine = datetime(2024, 11, 4, 9, 0, tzinfo=NEW_YORK)  # first week of EST
    just_before = schedule.last_slot(monday_nine - timedelta(seconds=1))
    assert just_before == datetime(2024, 10, 28, 9, 0, tzinfo=NEW_YORK)
    assert schedule.last_slot(monday_nine) == monday_nine
    assert schedule.next_slot(monday_nine) == datetime(2024, 11, 11, 9, tzinfo=NEW_YORK)
    assert slot_period(schedule, monday_nine) == "2024-11-04"
    assert week_period(schedule, monday_nine) == "2024-W45"


def test_a_slot_is_due_until_the_catch_up_period_passes() -> None:
    slot = datetime(2024, 12, 2, 8, 0, tzinfo=UTC)
    day = timedelta(hours=24)
    since = datetime(2024, 1, 1, tzinfo=UTC)
    due = {
        offset: due_slot(
            MONDAY_NINE_BERLIN, now=slot + offset, catch_up=day, changed_at=since
        )
        for offset in (
            timedelta(0),
            timedelta(hours=6),
            day,
            day + timedelta(minutes=1),
        )
    }
    assert due[timedelta(0)] == slot
    assert due[timedelta(hours=6)] == slot
    assert due[day] == slot
    assert due[day + timedelta(minutes=1)] is None


def test_a_slot_from_before_the_subscription_is_not_caught_up() -> None:
    slot = datetime(2024, 12, 2, 8, 0, tzinfo=UTC)
    subscribed = slot + timedelta(hours=1)
    assert (
        due_slot(
            MONDAY_NINE_BERLIN,
            now=subscribed,
            catch_up=timedelta(hours=24),
            changed_at=subscribed,
        )
        is None
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (0, time(9), "Europe/Paris")),
        ("friday 16:30", (4, time(16, 30), "Europe/Paris")),
        ("tue 9am America/New_York", (1, time(9), "America/New_York")),
        ("UTC thursdays at 8 am", (3, time(8), "UTC")),
    ],
)
def test_a_digest_schedule_is_read_in_any_order_with_defaults(text, expected) -> None:
    schedule = parse_schedule(text, default_zone="Europe/Paris")
    assert (schedule.weekday, schedule.at, schedule.timezone) == expected


@pytest.mark.parametrize("text", ["monday 25:00", "weekly", "monday CET", "mon tue"])
def test_an_unreadable_digest_schedule_is_refused(text) -> None:
    with pytest.raises(DigestError):
        parse_schedule(text, default_zone="UTC")


# --- Groups ---------------------------------------------------------------------

NOW = datetime(2024, 12, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin


def _item(**fields) -> ActionItem:
    values = {
        "id": 1,
        "team_id": "T1",
        "incident_id": 1,
        "deliverable": "Alert on checkout 502s",
        "owner_id": "U1",
        "deadline_zone": "UTC",
        "status": "open",
        "created_at": NOW - timedelta(days=3),
        "last_progress_at": NOW - timedelta(days=3),
    }
    values.update(fields)
    return ActionItem(**values)


def test_an_item_past_its_deadline_day_is_overdue() -> None:
    assert group_of(_item(deadline=date(2024, 12, 1)), now=NOW) is DigestGroup.OVERDUE


def test_the_deadline_day_ends_in_the_owners_zone() -> None:
    # 08:00 UTC on 2 Dec is already 17:00 in Tokyo, but still 2 Dec there.
    tokyo = _item(deadline=date(2024, 12, 2), deadline_zone="Asia/Tokyo")
    assert group_of(tokyo, now=NOW) is DigestGroup.DUE_SOON
    after_midnight_there = NOW + timedelta(hours=7, minutes=1)
    assert group_of(tokyo, now=after_midnight_there) is DigestGroup.OVERDUE


def test_items_due_within_seven_days_are_due_this_week() -> None:
    assert group_of(_item(deadline=date(2024, 12, 8)), now=NOW) is DigestGroup.DUE_SOON
    assert group_of(_item(deadline=date(2024, 12, 9)), now=NOW) is DigestGroup.ON_TRACK


def test_fourteen_days_without_progress_make_an_item_stale() -> None:
    quiet = _item(deadline=date(2025, 1, 31), last_progress_at=NOW - timedelta(days=14))
    busy = _item(deadline=date(2025, 1, 31), last_progress_at=NOW - timedelta(days=13))
    assert group_of(quiet, now=NOW) is DigestGroup.STALE
    assert group_of(busy, now=NOW) is DigestGroup.ON_TRACK


def test_overdue_wins_over_stale() -> None:
    both = _item(deadline=date(2024, 11, 1), last_progress_at=NOW - timedelta(days=30))
    assert group_of(both, now=NOW) is DigestGroup.OVERDUE


def test_done_items_show_for_seven_days() -> None:
    recent = _item(status="done", done_at=NOW - timedelta(days=6))
    old = _item(status="done", done_at=NOW - timedelta(days=8))
    assert group_of(recent, now=NOW) is DigestGroup.DONE
    assert group_of(old, now=NOW) is None


def test_on_time_means_done_before_the_deadline_day_ended_in_its_zone() -> None:
    deadline = date(2024, 11, 29)
    on_time = _item(
        deadline=deadline,
        deadline_zone="America/Los_Angeles",
        status="done",
        done_at=datetime(2024, 11, 30, 7, 0, tzinfo=UTC),  # 23:00 on the 29th there
    )
    late = _item(
        deadline=deadline,
        status="done",
        done_at=datetime(2024, 11, 30, 7, 0, tzinfo=UTC),
    )
    no_deadline = _item(status="done", done_at=NOW)
    assert done_on_time(on_time) is True
    assert done_on_time(late) is False
    rate = on_time_rate([on_time, late, no_deadline])
    assert (rate.on_time, rate.counted, rate.percent) == (1, 2, 50)
