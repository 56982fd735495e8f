"""Reading action-item deadlines: the owner's zone, preferring the future."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.times import UnreadableDeadline, UnreadableTime, read_deadline

# Tuesday 2024-12-03 16:00 UTC: already Wednesday 01:00 in Tokyo.
NOW = datetime(2024, 12, 3, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("next friday", "Europe/Berlin", date(2024, 12, 6)),
        ("friday", "Europe/Berlin", date(2024, 12, 6)),
        ("by monday", "Europe/Berlin", date(2024, 12, 9)),
        ("in 2 weeks", "Europe/Berlin", date(2024, 12, 17)),
        ("in 2 weeks", "Asia/Tokyo", date(2024, 12, 18)),
        ("tomorrow", "America/Los_Angeles", date(2024, 12, 4)),
        ("tomorrow", "Asia/Tokyo", date(2024, 12, 5)),
        ("2024-12-20", "UTC", date(2024, 12, 20)),
        ("20 Dec", "UTC", date(2024, 12, 20)),
        ("Dec 31", "UTC", date(2024, 12, 31)),
        ("end of month", "UTC", date(2024, 12, 31)),
        ("eow", "UTC", date(2024, 12, 6)),
        ("today", "Asia/Tokyo", date(2024, 12, 4)),
    ],
)
def test_deadline_is_the_day_named_in_the_owners_zone(text, zone, expected) -> None:
    assert read_deadline(text, now=NOW, timezone=zone) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-01-01", "last monday"])
def test_a_day_already_past_is_refused_with_the_day_named(text) -> None:
    with pytest.raises(UnreadableDeadline, match="already passed"):
        read_deadline(text, now=NOW, timezone="UTC")


@pytest.mark.parametrize("text", ["banana", "", "soon-ish", "x" * 500])
def test_unreadable_deadline_says_what_to_type(text) -> None:
    with pytest.raises(UnreadableDeadline, match="next friday"):
        read_deadline(text, now=NOW, timezone="UTC")


@given(st.text(max_size=60))
def test_any_text_is_a_date_or_a_clear_refusal(text) -> None:
    try:
        day = read_deadline(text, now=NOW, timezone="Europe/Berlin")
    except UnreadableTime as error:
        assert str(error)
    else:
        assert day >= date(2024, 12, 3)
