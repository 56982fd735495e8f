"""Moments a message states in its text: each case gives the message's own
time, the author's zone and the expected moment in UTC (None: the event
keeps the message's time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dateparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.stated_times import LOOKBACK, SKEW, extract_stated_time


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# 14:20 UTC: 16:20 in Berlin, 10:20 in New York, 19:50 in Kolkata.
POSTED = utc(2024, 7, 2, 14, 20)
# Berlin's clocks jump from 02:00 to 03:00 at 01:00 UTC on 31 March 2024.
SPRING_BERLIN = utc(2024, 3, 31, 3, 0)  # 05:00 CEST
# New York's clocks fall back from 02:00 to 01:00 at 06:00 UTC, 3 Nov 2024.
FALL_NEW_YORK = utc(2024, 11, 3, 8, 0)  # 03:00 EST

CASES = [
    # A clock time after a word that names a moment.
    ("rolled back at 14:05 UTC", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 5)),
    ("rolled back at 16:05", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 5)),
    ("~16:05 errors dropped", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 5)),
    ("since 13:40 errors climbing", POSTED, "UTC", utc(2024, 7, 2, 13, 40)),
    (
        "since 09:40 errors climbing",
        POSTED,
        "America/New_York",
        utc(2024, 7, 2, 13, 40),
    ),
    ("started around 9:40am", POSTED, "America/New_York", utc(2024, 7, 2, 13, 40)),
    ("started around 9:40 am", POSTED, "America/New_York", utc(2024, 7, 2, 13, 40)),
    ("alert fired at 7:05 PM", POSTED, "Asia/Kolkata", utc(2024, 7, 2, 13, 35)),
    ("at 2:05 p.m. the queue filled", POSTED, "Europe/Berlin", utc(2024, 7, 2, 12, 5)),
    ("@ 14:01 UTC pages went out", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 1)),
    ("AT 14:05 utc it broke", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 5)),
    ("at 14:05:30 UTC exactly", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 5, 30)),
    ("🔥 at 14:05 UTC 🔥", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 5)),
    ("the nightly job at 09:00 failed", POSTED, "UTC", utc(2024, 7, 2, 9, 0)),
    # Zones and offsets written in the text win over the author's zone.
    ("at 13:40 CEST", POSTED, "America/New_York", utc(2024, 7, 2, 11, 40)),
    ("at 14:05 +02:00", POSTED, "UTC", utc(2024, 7, 2, 12, 5)),
    ("at 14:05 UTC+2", POSTED, "UTC", utc(2024, 7, 2, 12, 5)),
    ("at 08:05 GMT-5", POSTED, "UTC", utc(2024, 7, 2, 13, 5)),
    ("at 23:50 PST", utc(2024, 7, 2, 9, 0), "UTC", utc(2024, 7, 2, 7, 50)),
    # A clock time that opens the message.
    ("14:02 first alert fired", POSTED, "UTC", utc(2024, 7, 2, 14, 2)),
    ("16:02 first alert fired", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 2)),
    # Spans ago count back from the message, whatever the zone.
    ("about 10 min ago", POSTED, "Europe/Berlin", utc(2024, 7, 2, 14, 10)),
    ("errors began about 10 mins ago", POSTED, "UTC", utc(2024, 7, 2, 14, 10)),
    ("10 minutes ago", POSTED, "Asia/Kolkata", utc(2024, 7, 2, 14, 10)),
    ("an hour ago the cpu spiked", POSTED, "UTC", utc(2024, 7, 2, 13, 20)),
    ("half an hour ago", POSTED, "America/New_York", utc(2024, 7, 2, 13, 50)),
    ("2 hours ago", POSTED, "UTC", utc(2024, 7, 2, 12, 20)),
    ("a minute ago", POSTED, "UTC", utc(2024, 7, 2, 14, 19)),
    ("about 10-min ago", POSTED, "UTC", utc(2024, 7, 2, 14, 10)),
    # Just after midnight, a late clock time is the evening before.
    ("at 23:50", utc(2024, 7, 3, 0, 10), "UTC", utc(2024, 7, 2, 23, 50)),
    ("at 23:30", POSTED, "Australia/Sydney", utc(2024, 7, 2, 13, 30)),
    # The week clocks change: each side of the change has its own offset.
    ("at 01:30", SPRING_BERLIN, "Europe/Berlin", utc(2024, 3, 31, 0, 30)),
    ("at 04:00", SPRING_BERLIN, "Europe/Berlin", utc(2024, 3, 31, 2, 0)),
    ("3 hours ago", SPRING_BERLIN, "Europe/Berlin", utc(2024, 3, 31, 0, 0)),
    ("since 00:30", FALL_NEW_YORK, "America/New_York", utc(2024, 11, 3, 4, 30)),
    ("at 02:30", FALL_NEW_YORK, "America/New_York", utc(2024, 11, 3, 7, 30)),
    ("2 hours ago", FALL_NEW_YORK, "America/New_York", utc(2024, 11, 3, 6, 0)),
    # Two moments: the first one stated is the event's.
    (
        "deploy at 13:30 UTC, rolled back at 14:05 UTC",
        POSTED,
        "UTC",
        utc(2024, 7, 2, 13, 30),
    ),
    # Plans and plain numbers are not stated times.
    ("we deploy at 15:00", POSTED, "UTC", None),
    ("at 9am PST", POSTED, "Europe/Berlin", None),
    ("ETA 15:30", POSTED, "UTC", None),
    ("at 100% CPU", POSTED, "UTC", None),
    ("502s everywhere", POSTED, "UTC", None),
    ("v14.05 released", POSTED, "UTC", None),
    ("HTTP 503 from 10.0.14.5", POSTED, "UTC", None),
    ("took 10 minutes to recover", POSTED, "UTC", None),
    ("at 25:99", POSTED, "UTC", None),
    ("ratio went 3:1", POSTED, "UTC", None),
    # A zone abbreviation that could mean several zones is not guessed.
    ("since 13:40 IST", POSTED, "Europe/Berlin", None),
    # Links and code are not prose.
    ("<https://grafana.example/d?from=13:40|dashboard> red", POSTED, "UTC", None),
    ("`at 13:40` in the log", POSTED, "UTC", None),
    ("nothing here at all", POSTED, "UTC", None),
    ("", POSTED, "UTC", None),
]


@pytest.mark.parametrize(("text", "posted_at", "zone", "expected"), CASES)
def test_stated_time_is_read_relative_to_the_message(
    text, posted_at, zone, expected
) -> None:
    assert extract_stated_time(text, posted_at=posted_at, timezone=zone) == expected


def test_the_table_covers_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_a_time_at_the_end_of_a_very_long_message_is_found() -> None:
    text = "log line without a moment. " * 1500 + "recovered at 14:05 UTC"
    got = extract_stated_time(text, posted_at=POSTED, timezone="UTC")
    assert got == utc(2024, 7, 2, 14, 5)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata"]))
def test_any_text_gives_a_moment_in_the_day_before_or_none(text, zone) -> None:
    got = extract_stated_time(text, posted_at=POSTED, timezone=zone)
    assert got is None or POSTED - LOOKBACK <= got <= POSTED + SKEW


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=300))
def test_text_without_digits_or_ago_never_reaches_dateparser(monkeypatch_parse, text):
    if "ago" in text.lower():
        return
    assert extract_stated_time(text, posted_at=POSTED, timezone="UTC") is None
    assert monkeypatch_parse.calls == 0


class _CountingParse:
    def __init__(self) -> None:
        self.calls = 0
        self.real = dateparser.parse

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


@pytest.fixture(scope="module")
def monkeypatch_parse():
    counting = _CountingParse()
    original = dateparser.parse
    dateparser.parse = counting
    yield counting
    dateparser.parse = original


def test_stated_moment_is_aware_utc() -> None:
    got = extract_stated_time("at 16:05", posted_at=POSTED, timezone="Europe/Berlin")
    assert got is not None and got.utcoffset() == timedelta(0)


def test_a_clock_time_in_the_repeated_hour_is_read_and_never_raises() -> None:
    # Posted at 03:40 CET on 25 October 2026, an hour after 03:00 CEST
    # became 02:00 CET: "02:30" is the second 02:30, ten minutes before.
    posted = datetime(2026, 10, 25, 2, 40, tzinfo=UTC)
    stated = extract_stated_time(
        "failed over the primary db at 02:30",
        posted_at=posted,
        timezone="Europe/Berlin",
    )
    assert stated == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_a_clock_time_the_clocks_skipped_states_nothing() -> None:
    posted = datetime(2026, 3, 29, 3, 0, tzinfo=UTC)
    assert (
        extract_stated_time(
            "failed over at 02:30", posted_at=posted, timezone="Europe/Berlin"
        )
        is None
    )
