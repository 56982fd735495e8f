"""Which nudge is due when: steps after resolution, working hours,
downtime, severities, and the reminder before a review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.follow_up_settings import NudgePolicy, WorkingHours
from domain.nudges import NudgeStep, current_nudge, reminder_due, reminder_period

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = WorkingHours(timezone="Europe/Berlin")
DAY = timedelta(hours=24)
CATCH_UP = timedelta(hours=24)
# Tuesday 10:00 in Berlin.
RESOLVED = datetime(2024, 12, 3, 10, 0, tzinfo=BERLIN)


def _due(
    at: datetime, *, policy=NudgePolicy.ALWAYS, resolved=RESOLVED, catch_up=CATCH_UP
):
    return current_nudge(
        resolved_at=resolved, policy=policy, hours=HOURS, now=at, catch_up=catch_up
    )


def test_nothing_is_due_in_the_first_day() -> None:
    assert _due(RESOLVED + DAY - timedelta(minutes=1)) is None


@pytest.mark.parametrize(
    ("after", "step"),
    [(1, NudgeStep.FIRST), (2, NudgeStep.SECOND), (3, NudgeStep.OVERDUE)],
)
def test_each_step_is_due_its_number_of_days_after_resolution(after, step) -> None:
    nudge = _due(RESOLVED + after * DAY)
    assert nudge.step is step
    assert nudge.due_at == RESOLVED + after * DAY


def test_the_overdue_step_stays_due_through_the_catch_up_period_then_lapses() -> None:
    overdue_at = RESOLVED + 3 * DAY
    assert _due(overdue_at + CATCH_UP).step is NudgeStep.OVERDUE
    assert _due(overdue_at + CATCH_UP + timedelta(minutes=1)) is None


def test_after_downtime_only_the_latest_step_applies() -> None:
    # Down from +20 h to +50 h: the first step is overtaken, never sent.
    assert _due(RESOLVED + timedelta(hours=50)).step is NudgeStep.SECOND


def test_a_step_due_at_the_weekend_waits_for_monday_and_overtakes_the_one_before():
    friday_four_pm = datetime(2024, 12, 6, 16, 0, tzinfo=BERLIN)
    monday_nine = datetime(2024, 12, 9, 9, 0, tzinfo=BERLIN)
    assert _due(monday_nine - timedelta(minutes=1), resolved=friday_four_pm) is None
    nudge = _due(monday_nine, resolved=friday_four_pm)
    assert nudge.step is NudgeStep.SECOND
    assert nudge.due_at == monday_nine
    overdue = _due(monday_nine + timedelta(hours=7), resolved=friday_four_pm)
    assert overdue.step is NudgeStep.OVERDUE


def test_a_step_due_at_night_waits_for_the_next_working_hour() -> None:
    late = datetime(2024, 12, 3, 23, 30, tzinfo=BERLIN)
    nudge = _due(datetime(2024, 12, 5, 9, 0, tzinfo=BERLIN), resolved=late)
    assert nudge.step is NudgeStep.FIRST
    assert nudge.due_at == datetime(2024, 12, 5, 9, 0, tzinfo=BERLIN)


def test_once_means_one_reminder_and_never_means_none() -> None:
    assert _due(RESOLVED + DAY, policy=NudgePolicy.ONCE).step is NudgeStep.FIRST
    later = RESOLVED + 2 * DAY + timedelta(hours=1)
    assert _due(later, policy=NudgePolicy.ONCE) is None
    assert _due(RESOLVED + 3 * DAY, policy=NudgePolicy.NEVER) is None


def test_the_reminder_is_due_from_its_lead_until_the_review_starts() -> None:
    review = datetime(2024, 12, 5, 14, 0, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert not reminder_due(review_at=review, lead=hour, now=review - 2 * hour)
    assert reminder_due(review_at=review, lead=hour, now=review - hour)
    assert reminder_due(review_at=review, lead=hour, now=review - timedelta(minutes=1))
    assert not reminder_due(review_at=review, lead=hour, now=review)
    assert not reminder_due(review_at=review, lead=None, now=review - hour)


def test_a_new_review_time_is_a_new_reminder() -> None:
    first = datetime(2024, 12, 5, 14, 0, tzinfo=UTC)
    assert reminder_period(first) == "2024-12-05T14:00Z"
    assert reminder_period(first + timedelta(hours=1)) != reminder_period(first)
