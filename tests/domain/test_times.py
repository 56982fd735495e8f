"""Reading typed moments: each case names the base, the zone and the answer."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.times import Prefer, UnknownZone, UnreadableTime, read_when

BASE = datetime(2019, 7, 2, 14, 10, tzinfo=UTC)  # 15:10 in London (BST)


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("14:09 UTC", "Europe/London", datetime(2019, 7, 2, 14, 9, tzinfo=UTC)),
        ("14:09", "Europe/London", datetime(2019, 7, 2, 13, 9, tzinfo=UTC)),
        ("14:09 UTC", "America/Los_Angeles", datetime(2019, 7, 2, 14, 9, tzinfo=UTC)),
        ("07:09", "America/Los_Angeles", datetime(2019, 7, 2, 14, 9, tzinfo=UTC)),
        ("10 minutes ago", "Europe/London", datetime(2019, 7, 2, 14, 0, tzinfo=UTC)),
        ("10 min earlier", "Europe/Berlin", datetime(2019, 7, 2, 14, 0, tzinfo=UTC)),
        ("around 15:05", "Europe/London", datetime(2019, 7, 2, 14, 5, tzinfo=UTC)),
        ("~15:05", "Europe/London", datetime(2019, 7, 2, 14, 5, tzinfo=UTC)),
        ("2pm", "Europe/London", datetime(2019, 7, 2, 13, 0, tzinfo=UTC)),
        (
            "yesterday 23:50 PST",
            "Europe/London",
            datetime(2019, 7, 2, 7, 50, tzinfo=UTC),
        ),
        # A clock time later than now means yesterday when preferring the past.
        ("16:00", "Europe/London", datetime(2019, 7, 1, 15, 0, tzinfo=UTC)),
    ],
)
def test_moment_is_read_in_the_writers_zone(text, zone, expected) -> None:
    assert read_when(text, base=BASE, timezone=zone) == expected


def test_utc_time_typed_just_after_midnight_elsewhere_is_today_in_utc() -> None:
    base = datetime(2019, 7, 2, 6, 0, tzinfo=UTC)  # still 1 July in Los Angeles
    got = read_when("05:55 UTC", base=base, timezone="America/Los_Angeles")
    assert got == datetime(2019, 7, 2, 5, 55, tzinfo=UTC)


def test_clock_time_in_the_week_clocks_go_back_uses_the_new_offset() -> None:
    # 27 October 2024: Europe/London left BST at 02:00 local.
    base = datetime(2024, 10, 27, 12, 0, tzinfo=UTC)
    assert read_when("09:30", base=base, timezone="Europe/London") == datetime(
        2024, 10, 27, 9, 30, tzinfo=UTC
    )
    base = datetime(2024, 10, 26, 12, 0, tzinfo=UTC)
    assert read_when("09:30", base=base, timezone="Europe/London") == datetime(
        2024, 10, 26, 8, 30, tzinfo=UTC
    )


def test_future_preference_moves_a_past_clock_time_to_tomorrow() -> None:
    got = read_when("09:00", base=BASE, timezone="UTC", prefer=Prefer.FUTURE)
    assert got == datetime(2019, 7, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "   ", "banana", "x" * 500, "the deploy"])
def test_text_without_a_moment_is_refused_with_examples(text: str) -> None:
    with pytest.raises(UnreadableTime, match="Try 14:05"):
        read_when(text, base=BASE, timezone="UTC")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_moment_or_unreadable_time(text: str) -> None:
    try:
        got = read_when(text, base=BASE, timezone="Europe/Berlin")
    except UnreadableTime:
        return
    assert got.tzinfo is not None and got.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("text", ["13:40 IST", "2pm ACDT", "yesterday 23:50 XYZ"])
def test_a_zone_abbreviation_dateparser_would_ignore_is_refused(text: str) -> None:
    # dateparser drops "IST" silently and reads the time in the writer's zone:
    # hours off without a word. The bot asks for an offset instead.
    with pytest.raises(UnknownZone, match="Write the offset"):
        read_when(text, base=BASE, timezone="Europe/Berlin")


def test_a_known_zone_abbreviation_is_read_in_that_zone() -> None:
    got = read_when("13:40 CEST", base=BASE, timezone="America/New_York")
    assert got == datetime(2019, 7, 2, 11, 40, tzinfo=UTC)


# The night of 25 October 2026 in Berlin: 03:00 CEST became 02:00 CET, so
# 02:00-03:00 happened twice. 02:40 UTC is 03:40 CET, after the change.
AFTER_FALL_BACK = datetime(2026, 10, 25, 2, 40, tzinfo=UTC)
# 29 March 2026: 02:00 CET became 03:00 CEST; 02:00-03:00 never happened.
AFTER_SPRING_FORWARD = datetime(2026, 3, 29, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        # The repeated hour: the latest 02:30 before the message (CET).
        ("02:30", AFTER_FALL_BACK, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        ("2:30am", AFTER_FALL_BACK, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        (
            "2026-10-25 02:30",
            AFTER_FALL_BACK,
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
        # Yesterday keeps yesterday's offset (CEST), not today's.
        ("yesterday 02:30", AFTER_FALL_BACK, datetime(2026, 10, 24, 0, 30, tzinfo=UTC)),
        (
            "yesterday 23:50",
            AFTER_FALL_BACK,
            datetime(2026, 10, 24, 21, 50, tzinfo=UTC),
        ),
        # A span is real time, whatever the clocks did.
        ("90 minutes ago", AFTER_FALL_BACK, datetime(2026, 10, 25, 1, 10, tzinfo=UTC)),
        (
            "half an hour ago",
            AFTER_FALL_BACK,
            datetime(2026, 10, 25, 2, 10, tzinfo=UTC),
        ),
        ("03:30", AFTER_SPRING_FORWARD, datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        ("01:30", AFTER_SPRING_FORWARD, datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        # A clock time from the day before, across the change: its own hour.
        (
            "23:00",
            datetime(2026, 3, 29, 22, 30, tzinfo=UTC),
            datetime(2026, 3, 29, 21, 0, tzinfo=UTC),
        ),
    ],
)
def test_daylight_saving_nights_are_read_on_the_wall_clock(text, base, expected):
    assert read_when(text, base=base, timezone="Europe/Berlin") == expected


def test_a_time_the_clocks_skipped_is_refused_with_the_reason() -> None:
    with pytest.raises(UnreadableTime, match="did not exist on 29 Mar"):
        read_when("02:30", base=AFTER_SPRING_FORWARD, timezone="Europe/Berlin")


@pytest.mark.parametrize(
    ("zone", "text", "base"),
    [
        ("America/Los_Angeles", "1:30am", datetime(2026, 11, 1, 10, 0, tzinfo=UTC)),
        ("America/New_York", "01:15", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
        ("Europe/London", "01:30", datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
    ],
)
def test_the_repeated_hour_never_raises_in_other_zones(zone, text, base) -> None:
    moment = read_when(text, base=base, timezone=zone)
    assert moment <= base
    assert moment.astimezone(ZoneInfo(zone)).strftime("%H:%M") == text.replace(
        "1:30am", "01:30"
    )


def test_a_typed_event_with_a_zone_that_cannot_be_read_is_refused() -> None:
    from domain.times import split_leading_time

    with pytest.raises(UnknownZone, match="IST"):
        split_leading_time("14:05 IST first alert", base=BASE, timezone="UTC")
    # A word in capitals that is no zone stays part of the text.
    at, text = split_leading_time("14:05 SRE paged", base=BASE, timezone="UTC")
    assert (at, text) == (datetime(2019, 7, 2, 14, 5, tzinfo=UTC), "SRE paged")
