"""Review metrics on a small workspace whose every figure is worked out by
hand (tests/metrics_workspace.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from domain import metrics
from domain.metrics import Period, percentile, read_period
from store.db import Database
from tests.metrics_workspace import NOW, PERIOD, TEAM, Workspace, at, build_workspace


@pytest.fixture
def report(db: Database) -> metrics.MetricsReport:
    build_workspace(db)
    return metrics.gather_metrics(db, team_id=TEAM, period=PERIOD)


def _completion(report, severity: str) -> metrics.Completion:
    return next(c for c in report.completion if c.severity == severity)


def test_incidents_declared_in_the_period_are_counted(report) -> None:
    assert report.incidents == 6


def test_review_completion_per_severity_against_the_targets(report) -> None:
    p1, p2, p3 = (_completion(report, s) for s in ("P1", "P2", "P3"))
    # P1: I1 reviewed, I2 due and not reviewed.
    assert (p1.reviewed, p1.due, p1.rate, p1.target) == (1, 2, 0.5, 1.0)
    assert p1.meets_target is False
    # P2: I3 and I4 reviewed; I5 resolved 26 h ago is not due yet.
    assert (p2.reviewed, p2.due, p2.not_yet_due, p2.rate) == (2, 2, 1, 1.0)
    assert p2.meets_target is True
    # P3: I6 is still open, so there is nothing to rate.
    assert (p3.due, p3.still_open, p3.rate, p3.meets_target) == (0, 1, None, None)


def test_action_items_done_by_their_deadline_in_their_own_zone(report) -> None:
    items = report.action_items
    # Due: 15 Oct, 20 Oct LA, 20 Oct Tokyo, 26 Oct Berlin, 10 Nov, 1 Dec
    # Auckland, 29 Nov. On time: 15 Oct, LA, Auckland. Late: Tokyo, Berlin,
    # 29 Nov (done, no time). Open: 10 Nov.
    assert (items.due, items.on_time, items.done_late) == (7, 3, 3)
    assert items.open_past_deadline == 1
    assert items.rate == pytest.approx(3 / 7)
    assert items.without_deadline == 1


def test_repeat_incidents_count_only_earlier_ones_in_the_period(report) -> None:
    repeats = report.repeats
    # deploy (I1), Deploy (I2, repeat), capacity (I3), deploy (I4, repeat).
    assert (repeats.repeats, repeats.with_category, repeats.without_category) == (
        2,
        4,
        2,
    )
    assert repeats.rate == 0.5


def test_time_from_resolution_to_review(report) -> None:
    times = report.time_to_review
    # Reviews after 24, 42 and 96 h: median 42; p90 at 1.8 is 42 + 0.8 * 54.
    assert times.spread.count == 3
    assert times.spread.median == timedelta(hours=42)
    assert times.spread.p90 == timedelta(hours=85.2)
    # Due and resolved: I1, I2, I3, I4; within 72 h: I1 and I4.
    assert (times.within_window, times.due_resolved) == (2, 4)
    assert times.share_within_window == 0.5


def test_time_to_acknowledge_from_the_timelines(report) -> None:
    ack = report.time_to_acknowledge
    # 15, 40 and 20 min: median 20; p90 at 1.8 is 20 + 0.8 * 20 = 36.
    assert (ack.count, ack.missing) == (3, 3)
    assert ack.median == timedelta(minutes=20)
    assert ack.p90 == timedelta(minutes=36)


def test_time_to_resolve_from_explicit_times_and_resolution_events(report) -> None:
    resolve = report.time_to_resolve
    # 180, 240, 120, 360 and 60 min: median 180; p90 at 3.6 is
    # 240 + 0.6 * 120 = 312. I6 is not resolved.
    assert (resolve.count, resolve.missing) == (5, 1)
    assert resolve.median == timedelta(minutes=180)
    assert resolve.p90 == timedelta(minutes=312)


def test_a_period_without_incidents_has_no_figures_but_its_due_items(db) -> None:
    build_workspace(db)
    quiet = Period(at("2024-10-11T00:00"), at("2024-10-31T00:00"), "October")

    report = metrics.gather_metrics(db, team_id=TEAM, period=quiet)

    assert report.incidents == 0
    assert all(c.rate is None and c.due == 0 for c in report.completion)
    assert report.repeats.rate is None
    assert report.time_to_review.spread.median is None
    assert report.time_to_review.share_within_window is None
    assert report.time_to_acknowledge.median is None
    assert report.time_to_resolve.p90 is None
    # 15 Oct, 20 Oct LA, 20 Oct Tokyo and 26 Oct Berlin fell due then.
    assert (report.action_items.due, report.action_items.on_time) == (4, 2)


def test_other_workspaces_do_not_count(db) -> None:
    build_workspace(db)
    build_workspace(db, team_id="T0OTHER001")
    report = metrics.gather_metrics(db, team_id=TEAM, period=PERIOD)
    assert report.incidents == 6
    assert report.action_items.due == 7


def _statements(db: Database, work) -> int:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return sum(1 for s in seen if s.lstrip().upper().startswith("SELECT"))


def test_metrics_run_two_queries_however_many_incidents(db) -> None:
    build_workspace(db)

    def run() -> None:
        metrics.gather_metrics(db, team_id=TEAM, period=PERIOD)

    few = _statements(db, run)
    for _ in range(3):
        build_workspace(db)
    many = _statements(db, run)

    assert few == many == 2
    assert metrics.gather_metrics(db, team_id=TEAM, period=PERIOD).incidents == 24


def test_open_incident_resolved_only_by_event_is_due_for_review(db) -> None:
    w = Workspace(db)
    w.incident("P1", "2024-11-01T00:00", events=(("resolution", "2024-11-01T01:00"),))
    report = metrics.gather_metrics(db, team_id=TEAM, period=PERIOD)
    assert (_completion(report, "P1").due, _completion(report, "P1").still_open) == (
        1,
        0,
    )


def test_an_unknown_deadline_zone_is_read_as_utc() -> None:
    ends = metrics.deadline_ends_at(date(2024, 10, 1), "Mars/Olympus")
    assert ends == datetime(2024, 10, 2, tzinfo=UTC)


# --- Percentiles --------------------------------------------------------------


def test_percentiles_interpolate_between_closest_ranks() -> None:
    assert percentile([4, 1, 3, 2], 0.5) == 2.5
    assert percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)
    assert percentile([7], 0.9) == 7
    assert percentile([], 0.5) is None


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=2, max_size=40))
def test_percentiles_agree_with_statistics_inclusive_method(values) -> None:
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert percentile(values, 0.9) == pytest.approx(deciles[8], abs=1e-6)
    assert percentile(values, 0.5) == pytest.approx(statistics.median(values))


# --- Periods ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("", NOW - timedelta(days=90)),
        ("30d", NOW - timedelta(days=30)),
        ("last 30 days", NOW - timedelta(days=30)),
        ("12 weeks", NOW - timedelta(weeks=12)),
        ("1 month", at("2024-11-01T12:00")),
        # Midnight in Berlin (winter time) is 23:00 UTC the day before.
        ("2024-10-31", at("2024-10-30T23:00")),
        ("since 2024-10-31", at("2024-10-30T23:00")),
    ],
)
def test_periods_read_in_the_readers_zone(text, since) -> None:
    period = read_period(text, now=NOW, timezone="Europe/Berlin")
    assert (period.since, period.until) == (since, NOW)


def test_months_back_from_the_end_of_a_month_keep_to_the_shorter_month() -> None:
    now = at("2024-03-31T10:00")
    period = read_period("1 month", now=now, timezone="UTC")
    assert period.since == at("2024-02-29T10:00")


@pytest.mark.parametrize("text", ["0d", "banana", "since 2025-01-01", "2024-13-01"])
def test_unreadable_or_future_periods_are_refused_with_a_sentence(text) -> None:
    with pytest.raises(metrics.PeriodUnreadable) as refused:
        read_period(text, now=NOW, timezone="UTC")
    assert str(refused.value).endswith(".")


def test_each_figure_row_carries_its_counts(report) -> None:
    rows = {(r.figure, r.scope): r for r in metrics.figure_rows(report)}
    p1 = rows[("review completion", "P1")]
    assert (p1.value, p1.count, p1.of, p1.target) == (50.0, 1, 2, 100.0)
    items = rows[("action items done by deadline", "")]
    assert (items.value, items.count, items.of) == (42.9, 3, 7)
    assert rows[("time to review", "p90")].value == 85.2
    assert rows[("time to resolve", "median")].value == 180.0
