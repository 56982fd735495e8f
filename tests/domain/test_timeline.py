from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.slack_text import (
    InvalidTimestamp,
    escape_mrkdwn,
    plain_mentions,
    ts_to_datetime,
)
from domain.timeline import (
    EventKind,
    Moment,
    derive_durations,
    format_duration,
    infer_kind,
    kind_for_reaction,
    posted_and_stated,
)


def at(hour: int, minute: int) -> datetime:
    return datetime(2019, 7, 2, hour, minute, tzinfo=UTC)


def test_durations_run_from_the_first_start_or_detection() -> None:
    durations = derive_durations(
        [
            Moment("detection", at(13, 45)),
            Moment("start", at(13, 42)),
            Moment("acknowledgement", at(13, 47)),
            Moment("mitigation", at(14, 7)),
        ],
        declared_at=at(13, 46),
        resolved_at=at(14, 52),
    )
    assert durations.started_at == at(13, 42)
    assert durations.detect == timedelta(minutes=3)
    assert durations.acknowledge == timedelta(minutes=5)
    assert durations.mitigate == timedelta(minutes=25)
    assert durations.resolve == timedelta(minutes=70)


def test_without_start_events_the_declared_time_is_the_start() -> None:
    durations = derive_durations([], declared_at=at(13, 46), mitigated_at=at(14, 9))
    assert durations.mitigate == timedelta(minutes=23)
    assert durations.detect is None


def test_explicit_mitigated_time_wins_over_a_tagged_mitigation() -> None:
    durations = derive_durations(
        [Moment("start", at(13, 42)), Moment("mitigation", at(14, 7))],
        declared_at=at(13, 46),
        mitigated_at=at(14, 9),
    )
    assert durations.mitigate == timedelta(minutes=27)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        (timedelta(seconds=45), "45 s"),
        (timedelta(minutes=27), "27 min"),
        (timedelta(minutes=70), "1 h 10 min"),
        (timedelta(minutes=-3), "-3 min"),
    ],
)
def test_duration_format(value, shown) -> None:
    assert format_duration(value) == shown


def test_reactions_map_to_kinds_and_skin_tones_are_ignored() -> None:
    assert kind_for_reaction("pushpin") == (True, None)
    assert kind_for_reaction("rotating_light") == (True, EventKind.DETECTION)
    assert kind_for_reaction("eyes::skin-tone-3") == (True, EventKind.ACKNOWLEDGEMENT)
    assert kind_for_reaction("thumbsup") == (False, None)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Deploying the new WAF rules", EventKind.START),
        ("[TRIGGERED] alert firing on edge", EventKind.DETECTION),
        ("We rolled back the release", EventKind.MITIGATION),
        ("All clear, resolved", EventKind.RESOLUTION),
        ("Status page updated for customers", EventKind.COMMUNICATION),
        ("lunch?", EventKind.OTHER),
    ],
)
def test_kind_is_inferred_from_the_words(text, kind) -> None:
    assert infer_kind(text) == kind


def test_ts_is_read_exactly_without_float_rounding() -> None:
    assert ts_to_datetime("1733240000.123456") == datetime(
        2024, 12, 3, 15, 33, 20, 123456, tzinfo=UTC
    )


@pytest.mark.parametrize("ts", ["", "abc", "1.2.3", 1733240000.1, None])
def test_malformed_ts_is_refused(ts) -> None:
    with pytest.raises(InvalidTimestamp):
        ts_to_datetime(ts)


def test_escaping_stops_pings_and_links() -> None:
    assert escape_mrkdwn("<!here> & <@U1> <http://x|y>") == (
        "&lt;!here&gt; &amp; &lt;@U1&gt; &lt;http://x|y&gt;"
    )


def test_mentions_become_names() -> None:
    names = {"U1": "SRE on call"}.get
    text = "<@U1> see <#C9|inc-payments> <!here> <@U2>"
    assert plain_mentions(text, names) == "@SRE on call see #inc-payments @here @U2"


def test_time_to_detect_is_unknown_without_a_start_event() -> None:
    declared = datetime(2024, 12, 3, 15, 0, tzinfo=UTC)
    durations = derive_durations(
        [
            Moment(kind="detection", at=declared),
            Moment(kind="mitigation", at=declared + timedelta(minutes=24)),
        ],
        declared_at=declared,
    )
    assert durations.detect is None
    assert durations.mitigate == timedelta(minutes=24)


def test_posted_and_stated_on_the_same_day_show_clock_times() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    posted = datetime(2024, 12, 3, 13, 20, tzinfo=UTC)

    said = posted_and_stated(
        posted_at=posted, stated_at=posted - timedelta(minutes=15), zone=berlin
    )

    assert said == "posted 14:20, says 14:05"
    assert posted_and_stated(posted_at=posted, stated_at=posted, zone=berlin) is None


def test_posted_and_stated_on_different_days_show_both_days() -> None:
    posted = datetime(2026, 11, 1, 7, 50, tzinfo=UTC)

    said = posted_and_stated(
        posted_at=posted, stated_at=posted - timedelta(hours=18, minutes=45), zone=UTC
    )

    assert said == "posted Sun 01 Nov 07:50, says Sat 31 Oct 13:05"
