"""Whether the review process works: figures over a period of time, each
with the counts behind it.

An incident belongs to the period it was declared in, [since, until). Its
start, acknowledgement and resolution follow `domain.timeline.
derive_durations`: it starts at its first start or detection event, else
when it was declared; it is resolved at its explicit resolved time, else at
its first resolution event. Deleted events and events left out of the
review do not count, as in the review document.

Percentiles (median, 90th percentile) interpolate linearly between the two
closest ranks: for n sorted values the p-th percentile sits at position
p * (n - 1), counted from 0, so the median of 1, 2, 3, 4 is 2.5 and the
90th percentile of 1..10 is 9.1. This is numpy's default and
`statistics.quantiles(..., method="inclusive")`. One value is its own
median and 90th percentile; no values give no figure (None), never zero.

A rate whose denominator is zero is None ("no figure"), not 0% or 100%.
"""

from __future__ import annotations

import calendar
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import PirError
from domain.times import UnreadableTime, read_when
from store import metrics as facts
from store import workspaces
from store.db import Database

DEFAULT_PERIOD_DAYS = 90
# The review is due this long after the incident was resolved.
REVIEW_WINDOW = timedelta(hours=72)
SEVERITIES = ("P1", "P2", "P3", "P4")
# Share of incidents of a severity that should be reviewed.
COMPLETION_TARGETS = {"P1": 1.0, "P2": 0.8}


# --- The period -------------------------------------------------------------


class PeriodUnreadable(PirError):
    def __init__(self, text: str, reason: str | None = None) -> None:
        self.text = text
        super().__init__(
            reason
            or f"I could not read {text[:40]!r} as a period. Try 30d, 12 weeks, "
            "6 months or since 2024-10-01."
        )


@dataclass(frozen=True)
class Period:
    """[since, until), both aware; `label` says it in words."""

    since: datetime
    until: datetime
    label: str


_SPAN = re.compile(
    r"^(?:(?:last|past)\s+)?(\d{1,4})\s*(d|days?|w|wks?|weeks?|m|mos?|months?)$"
)
_SINCE = re.compile(r"^(?:since|from)\s+")


def read_period(text: str, *, now: datetime, timezone: str) -> Period:
    """The period `text` names, ending now: empty for the last 90 days,
    "30d", "12 weeks", "6 months", "2024-10-01" or "since 2024-10-01"
    (a day starts at midnight in `timezone`), or any past moment `read_when`
    reads ("since last monday"). Raises PeriodUnreadable."""
    cleaned = " ".join(text.lower().split())
    if not cleaned:
        return _last_days(DEFAULT_PERIOD_DAYS, now=now)

    span = _SPAN.match(cleaned)
    if span:
        count, unit = int(span.group(1)), span.group(2)[0]
        if count == 0:
            raise PeriodUnreadable(text, "A period needs at least one day.")
        if unit == "d":
            return _last_days(count, now=now)
        if unit == "w":
            label = "the last week" if count == 1 else f"the last {count} weeks"
            return Period(now - timedelta(weeks=count), now, label)
        label = "the last month" if count == 1 else f"the last {count} months"
        return Period(_months_before(now, count, timezone), now, label)

    moment_text = _SINCE.sub("", cleaned)
    since = _read_since(moment_text, now=now, timezone=timezone, original=text)
    if since >= now:
        raise PeriodUnreadable(
            text, f"{moment_text} is not in the past; give a day before today."
        )
    return Period(since, now, f"since {since.astimezone(ZoneInfo(timezone)):%Y-%m-%d}")


def _last_days(count: int, *, now: datetime) -> Period:
    label = "the last day" if count == 1 else f"the last {count} days"
    return Period(now - timedelta(days=count), now, label)


def _months_before(now: datetime, count: int, timezone: str) -> datetime:
    """The same wall-clock moment `count` calendar months earlier (the day
    cut to the month's length: 31 March less one month is 28 or 29 Feb)."""
    local = now.astimezone(ZoneInfo(timezone))
    year, month = divmod(local.year * 12 + local.month - 1 - count, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _read_since(text: str, *, now: datetime, timezone: str, original: str):
    if _ISO_DAY.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise PeriodUnreadable(
                original, f"{text} is not a day of the calendar; write YYYY-MM-DD."
            ) from None
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))
    try:
        return read_when(text, base=now, timezone=timezone)
    except UnreadableTime:
        raise PeriodUnreadable(original) from None


# --- Percentiles --------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` (0..1) percentile by linear interpolation between the
    closest ranks (see the module's docstring); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    weight = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * weight


# --- The figures -------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """Reviews held of the incidents of one severity that were due one.

    A review is due once it was held, or once the incident was resolved
    more than REVIEW_WINDOW ago. Resolved within the window and unreviewed
    is `not_yet_due`; not resolved and unreviewed is `still_open`. Neither
    counts against the rate.
    """

    severity: str
    reviewed: int = 0
    due: int = 0
    not_yet_due: int = 0
    still_open: int = 0
    target: float | None = None

    @property
    def rate(self) -> float | None:
        return self.reviewed / self.due if self.due else None

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.rate is None:
            return None
        return self.rate >= self.target


@dataclass(frozen=True)
class ActionItemFigures:
    """Action items due in the period: their deadline day ended (in the
    deadline's zone) between `since` and now. Done by the deadline means
    done before that day ended there; an item marked done without a time
    is counted late, as its being on time cannot be shown."""

    due: int = 0
    on_time: int = 0
    done_late: int = 0
    open_past_deadline: int = 0
    # Items created in the period that have no deadline (never due).
    without_deadline: int = 0

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class Repeats:
    """Incidents whose root-cause category an earlier incident of the same
    period already had (the first of each category is no repeat)."""

    repeats: int = 0
    with_category: int = 0
    without_category: int = 0

    @property
    def rate(self) -> float | None:
        return self.repeats / self.with_category if self.with_category else None


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of some durations; `missing` counts the
    incidents that have no such duration (not acknowledged, not resolved)."""

    count: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None
    missing: int = 0

    @classmethod
    def of(cls, durations: Sequence[timedelta], *, missing: int = 0) -> Spread:
        seconds = [d.total_seconds() for d in durations]

        def at(fraction: float) -> timedelta | None:
            value = percentile(seconds, fraction)
            return None if value is None else timedelta(seconds=value)

        return cls(len(seconds), at(0.5), at(0.9), missing)


@dataclass(frozen=True)
class ReviewTimes:
    """Hours from resolution to the review held, over reviewed incidents
    with a resolution time; `within_window` of `due_resolved` (resolved
    incidents whose review is due) were reviewed within REVIEW_WINDOW.
    A review held before the resolution counts as zero hours."""

    spread: Spread = field(default_factory=Spread)
    within_window: int = 0
    due_resolved: int = 0

    @property
    def share_within_window(self) -> float | None:
        return self.within_window / self.due_resolved if self.due_resolved else None


@dataclass(frozen=True)
class MetricsReport:
    period: Period
    incidents: int
    completion: tuple[Completion, ...]
    action_items: ActionItemFigures
    repeats: Repeats
    time_to_review: ReviewTimes
    time_to_acknowledge: Spread
    time_to_resolve: Spread


def compute_metrics(
    incidents: Sequence[facts.IncidentFacts],
    items: Sequence[facts.ActionItemFacts],
    *,
    period: Period,
) -> MetricsReport:
    """The figures of `period` from its incidents and the action items whose
    deadline falls near it; "now" is the period's end."""
    return MetricsReport(
        period=period,
        incidents=len(incidents),
        completion=_completion(incidents, now=period.until),
        action_items=_action_items(items, period=period),
        repeats=_repeats(incidents),
        time_to_review=_review_times(incidents, now=period.until),
        time_to_acknowledge=_time_to_acknowledge(incidents),
        time_to_resolve=_time_to_resolve(incidents),
    )


def _started(incident: facts.IncidentFacts) -> datetime:
    return incident.first_start_at or incident.declared_at


def _resolved(incident: facts.IncidentFacts) -> datetime | None:
    return incident.resolved_at or incident.first_resolution_at


def _review_due(incident: facts.IncidentFacts, *, now: datetime) -> bool:
    resolved = _resolved(incident)
    if incident.review_held_at is not None:
        return True
    return resolved is not None and resolved + REVIEW_WINDOW <= now


def _completion(
    incidents: Sequence[facts.IncidentFacts], *, now: datetime
) -> tuple[Completion, ...]:
    tallies = {severity: Counter() for severity in SEVERITIES}
    for incident in incidents:
        tally = tallies.setdefault(incident.severity, Counter())
        if incident.review_held_at is not None:
            tally.update(("reviewed", "due"))
        elif _review_due(incident, now=now):
            tally["due"] += 1
        elif _resolved(incident) is not None:
            tally["not_yet_due"] += 1
        else:
            tally["still_open"] += 1
    return tuple(
        Completion(
            severity,
            reviewed=tally["reviewed"],
            due=tally["due"],
            not_yet_due=tally["not_yet_due"],
            still_open=tally["still_open"],
            target=COMPLETION_TARGETS.get(severity),
        )
        for severity, tally in tallies.items()
    )


def deadline_ends_at(deadline: date, zone: str) -> datetime:
    """When a deadline day ends in its zone (UTC for an unknown zone)."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=tz)


def _action_items(
    items: Sequence[facts.ActionItemFacts], *, period: Period
) -> ActionItemFigures:
    due = on_time = late = still_open = without_deadline = 0
    # Many items share a deadline day and zone: each end is worked out once.
    ends_of: dict[tuple[date, str], datetime] = {}
    for item in items:
        if item.deadline is None:
            without_deadline += period.since <= item.created_at < period.until
            continue
        day = (item.deadline, item.deadline_zone)
        ends = ends_of.get(day)
        if ends is None:
            ends = ends_of[day] = deadline_ends_at(item.deadline, item.deadline_zone)
        if not period.since <= ends <= period.until:
            continue
        due += 1
        if item.status != "done":
            still_open += 1
        elif item.done_at is not None and item.done_at < ends:
            on_time += 1
        else:
            late += 1
    return ActionItemFigures(due, on_time, late, still_open, without_deadline)


def _category_key(category: str | None) -> str | None:
    cleaned = (category or "").strip().casefold()
    return cleaned or None


def _repeats(incidents: Sequence[facts.IncidentFacts]) -> Repeats:
    seen: set[str] = set()
    repeats = with_category = 0
    for incident in sorted(incidents, key=lambda i: (i.declared_at, i.incident_id)):
        key = _category_key(incident.root_cause_category)
        if key is None:
            continue
        with_category += 1
        if key in seen:
            repeats += 1
        seen.add(key)
    return Repeats(repeats, with_category, len(incidents) - with_category)


def _review_times(
    incidents: Sequence[facts.IncidentFacts], *, now: datetime
) -> ReviewTimes:
    durations: list[timedelta] = []
    within = due_resolved = 0
    for incident in incidents:
        resolved = _resolved(incident)
        if resolved is None or not _review_due(incident, now=now):
            continue
        due_resolved += 1
        if incident.review_held_at is None:
            continue
        took = max(incident.review_held_at - resolved, timedelta(0))
        durations.append(took)
        within += took <= REVIEW_WINDOW
    missing = sum(
        1 for i in incidents if i.review_held_at is not None and _resolved(i) is None
    )
    return ReviewTimes(Spread.of(durations, missing=missing), within, due_resolved)


def _time_to_acknowledge(incidents: Sequence[facts.IncidentFacts]) -> Spread:
    durations = [
        incident.first_acknowledged_at - _started(incident)
        for incident in incidents
        if incident.first_acknowledged_at is not None
    ]
    return Spread.of(durations, missing=len(incidents) - len(durations))


def _time_to_resolve(incidents: Sequence[facts.IncidentFacts]) -> Spread:
    durations = [
        resolved - _started(incident)
        for incident in incidents
        if (resolved := _resolved(incident)) is not None
    ]
    return Spread.of(durations, missing=len(incidents) - len(durations))


# --- Gathering ----------------------------------------------------------------


def gather_metrics(db: Database, *, team_id: str, period: Period) -> MetricsReport:
    """The figures of one workspace over `period`, in two statements."""
    # Deadline days are local days; a margin of two days either side holds
    # every zone from UTC-12 to UTC+14.
    margin = timedelta(days=2)
    with db.session() as session:
        incidents = facts.list_incident_facts(
            session, team_id=team_id, since=period.since, until=period.until
        )
        items = facts.list_action_item_facts(
            session,
            team_id=team_id,
            deadlines_from=(period.since - margin).date(),
            deadlines_to=(period.until + margin).date(),
            created_since=period.since,
            created_until=period.until,
        )
    return compute_metrics(incidents, items, period=period)


@dataclass(frozen=True)
class WorkspaceChoice:
    team_id: str
    name: str
    timezone: str


def list_workspaces(db: Database) -> list[WorkspaceChoice]:
    with db.session() as session:
        return [
            WorkspaceChoice(w.team_id, w.name, w.timezone)
            for w in workspaces.list_workspaces(session)
        ]


# --- The figures as rows (command line: table, CSV, JSON) ---------------------


@dataclass(frozen=True)
class FigureRow:
    """One figure with the counts behind it: `count` of `of`. `value` is in
    `unit` ("%", "h", "min" rounded to one decimal, or a whole number of
    "items"); None when there is no figure."""

    figure: str
    scope: str
    value: float | int | None
    unit: str
    count: int | None
    of: int | None
    target: float | None = None
    note: str = ""


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _in(unit: timedelta, value: timedelta | None) -> float | None:
    return None if value is None else round(value / unit, 1)


def _note(*parts: tuple[int, str]) -> str:
    return ", ".join(f"{count} {words}" for count, words in parts if count)


def figure_rows(report: MetricsReport) -> list[FigureRow]:
    """Every figure of the report, in the order of the Slack answer."""
    return [
        *_completion_rows(report.completion),
        *_action_item_rows(report.action_items),
        _repeat_row(report.repeats),
        *_review_time_rows(report.time_to_review),
        *_spread_rows(
            "time to acknowledge",
            report.time_to_acknowledge,
            timedelta(minutes=1),
            "min",
            _note((report.time_to_acknowledge.missing, "not acknowledged")),
        ),
        *_spread_rows(
            "time to resolve",
            report.time_to_resolve,
            timedelta(minutes=1),
            "min",
            _note((report.time_to_resolve.missing, "not resolved")),
        ),
    ]


def _completion_rows(completion: Sequence[Completion]) -> list[FigureRow]:
    return [
        FigureRow(
            "review completion",
            c.severity,
            _percent(c.rate),
            "%",
            c.reviewed,
            c.due,
            _percent(c.target),
            _note((c.not_yet_due, "not yet due"), (c.still_open, "still open")),
        )
        for c in completion
    ]


def _action_item_rows(items: ActionItemFigures) -> list[FigureRow]:
    late = _note(
        (items.done_late, "done late"), (items.without_deadline, "without a deadline")
    )
    return [
        FigureRow(
            "action items done by deadline",
            "",
            _percent(items.rate),
            "%",
            items.on_time,
            items.due,
            note=late,
        ),
        FigureRow(
            "action items open past deadline",
            "",
            items.open_past_deadline,
            "items",
            items.open_past_deadline,
            items.due,
        ),
    ]


def _repeat_row(repeats: Repeats) -> FigureRow:
    return FigureRow(
        "repeat incidents",
        "",
        _percent(repeats.rate),
        "%",
        repeats.repeats,
        repeats.with_category,
        note=_note((repeats.without_category, "without a category")),
    )


def _review_time_rows(review: ReviewTimes) -> list[FigureRow]:
    missing = _note((review.spread.missing, "reviewed without a resolution time"))
    return [
        *_spread_rows(
            "time to review", review.spread, timedelta(hours=1), "h", missing
        ),
        FigureRow(
            "reviews within 72 h",
            "",
            _percent(review.share_within_window),
            "%",
            review.within_window,
            review.due_resolved,
        ),
    ]


def _spread_rows(
    figure: str, spread: Spread, unit: timedelta, label: str, note: str
) -> list[FigureRow]:
    return [
        FigureRow(
            figure,
            "median",
            _in(unit, spread.median),
            label,
            spread.count,
            None,
            note=note,
        ),
        FigureRow(
            figure, "p90", _in(unit, spread.p90), label, spread.count, None, note=note
        ),
    ]
