"""Reading `/pir settings` values and keeping nudges to working hours."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from domain.follow_up_settings import (
    FollowUpSettings,
    NudgePolicy,
    SettingError,
    WorkingHours,
    parse_clock,
    parse_days,
    parse_hours,
    parse_policy,
    parse_reminder,
    parse_zone,
    read_settings,
)

BERLIN = WorkingHours(timezone="Europe/Berlin")


def _berlin(*args) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Berlin"))


def test_a_moment_in_working_hours_goes_out_as_it_is() -> None:
    tuesday_noon = _berlin(2024, 12, 3, 12, 0)
    assert BERLIN.next_open(tuesday_noon) == tuesday_noon


def test_a_moment_at_night_waits_for_nine_the_next_morning() -> None:
    assert BERLIN.next_open(_berlin(2024, 12, 3, 22, 30)) == _berlin(2024, 12, 4, 9)
    assert BERLIN.next_open(_berlin(2024, 12, 4, 6, 0)) == _berlin(2024, 12, 4, 9)


def test_closing_time_itself_is_after_hours() -> None:
    assert BERLIN.next_open(_berlin(2024, 12, 3, 18, 0)) == _berlin(2024, 12, 4, 9)


def test_a_weekend_moment_waits_for_monday() -> None:
    friday_evening = _berlin(2024, 12, 6, 19, 0)
    sunday = _berlin(2024, 12, 8, 11, 0)
    assert BERLIN.next_open(friday_evening) == _berlin(2024, 12, 9, 9)
    assert BERLIN.next_open(sunday) == _berlin(2024, 12, 9, 9)


def test_opening_stays_at_nine_local_across_the_spring_change() -> None:
    # Clocks go forward on Sunday 31 March 2024 in Berlin.
    saturday = _berlin(2024, 3, 30, 12, 0)
    opens = BERLIN.next_open(saturday)
    assert opens == _berlin(2024, 4, 1, 9)
    assert opens.astimezone(UTC).hour == 7


def test_other_working_days_and_hours_are_followed() -> None:
    sunday_to_thursday = WorkingHours(
        timezone="Asia/Jerusalem",
        days=frozenset({6, 0, 1, 2, 3}),
        start=time(8, 30),
        end=time(17),
    )
    friday = datetime(2024, 12, 6, 10, 0, tzinfo=UTC)
    opens = sunday_to_thursday.next_open(friday)
    assert opens == datetime(2024, 12, 8, 6, 30, tzinfo=UTC)  # Sunday 08:30 local


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9)),
        ("9", time(9)),
        ("9am", time(9)),
        ("5:30pm", time(17, 30)),
        ("12am", time(0)),
        ("23:59", time(23, 59)),
    ],
)
def test_clock_times_are_read(text, expected) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9:75", "13pm", "noonish", ""])
def test_impossible_clock_times_are_refused(text) -> None:
    with pytest.raises(SettingError, match="09:00"):
        parse_clock(text)


def test_working_hours_are_a_range_that_ends_after_it_starts() -> None:
    assert parse_hours("08:30-17:00") == (time(8, 30), time(17))
    assert parse_hours("9am to 5pm") == (time(9), time(17))
    with pytest.raises(SettingError, match="end after they start"):
        parse_hours("22:00-06:00")
    with pytest.raises(SettingError, match="09:00-18:00"):
        parse_hours("09:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", [0, 1, 2, 3, 4]),
        ("weekdays", [0, 1, 2, 3, 4]),
        ("sun-thu", [0, 1, 2, 3, 6]),
        ("mon,wed,friday", [0, 2, 4]),
        ("every day", [0, 1, 2, 3, 4, 5, 6]),
        ("Tues Thurs", [1, 3]),
    ],
)
def test_working_days_are_read(text, expected) -> None:
    assert parse_days(text) == expected


def test_a_word_that_is_no_day_is_refused_with_the_forms_that_work() -> None:
    with pytest.raises(SettingError, match="mon-fri"):
        parse_days("mon-someday")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1h", 60), ("30m", 30), ("90 minutes", 90), ("2 hours", 120), ("off", 0)],
)
def test_reminder_leads_are_read_in_minutes(text, minutes) -> None:
    assert parse_reminder(text) == minutes


@pytest.mark.parametrize("text", ["2m", "3 days", "48h", "soon"])
def test_reminder_leads_out_of_range_or_unreadable_are_refused(text) -> None:
    with pytest.raises(SettingError):
        parse_reminder(text)


def test_zone_abbreviations_are_refused_for_a_place_name() -> None:
    assert parse_zone("Europe/Berlin") == "Europe/Berlin"
    assert parse_zone("UTC") == "UTC"
    with pytest.raises(SettingError, match="daylight saving"):
        parse_zone("CET")
    with pytest.raises(SettingError, match="IANA"):
        parse_zone("Mars/Olympus")


def test_nudge_rules_default_to_p1_p2_always_p3_once_p4_never() -> None:
    settings = FollowUpSettings()
    assert [settings.policy_for(s) for s in ("P1", "P2", "P3", "P4")] == [
        NudgePolicy.ALWAYS,
        NudgePolicy.ALWAYS,
        NudgePolicy.ONCE,
        NudgePolicy.NEVER,
    ]
    with pytest.raises(SettingError, match="always"):
        parse_policy("sometimes")


def test_unreadable_stored_settings_fall_back_to_the_defaults() -> None:
    assert read_settings({"working_days": "weekdays"}) == FollowUpSettings()
    assert read_settings(None).reminder_minutes == 60
    kept = read_settings({"reminder_minutes": 15, "unknown": 1})
    assert kept.reminder_minutes == 15
