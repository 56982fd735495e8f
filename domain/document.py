"""The review as a Markdown document.

The document is what gets shared and searched, so it keeps every word
exactly as stored; only Markdown's own table characters are escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.slack_text import plain_mentions, unescape_slack
from domain.timeline import (
    KIND_LABELS,
    EventKind,
    Moment,
    derive_durations,
    format_duration,
    posted_and_stated,
)

NameOf = Callable[[str], str | None]


class IncidentLike(Protocol):
    title: str
    severity: str
    status: str
    channel_name: str
    commander_id: str | None
    facilitator_id: str | None
    declared_at: datetime
    mitigated_at: datetime | None
    resolved_at: datetime | None


class EventLike(Protocol):
    kind: str
    text: str
    note: str | None
    tagged_by: str
    author_id: str | None
    occurred_at: datetime
    posted_at: datetime
    stated_at: datetime | None
    permalink: str | None


def render_review(
    incident: IncidentLike,
    events: Iterable[EventLike],
    *,
    timezone: str = "UTC",
    name_of: NameOf = lambda _id: None,
) -> str:
    """The review document in Markdown, times shown in `timezone`."""
    events = list(events)
    zone = ZoneInfo(timezone)
    lines = [f"# Incident review: {_inline(incident.title, name_of)}", ""]
    lines += _facts_table(incident, zone, name_of)
    lines += ["", f"## Timeline (times in {timezone})", ""]
    lines += render_timeline_table(events, zone=zone, name_of=name_of)
    lines += ["", "### Durations", ""]
    lines += _durations(incident, events)
    return "\n".join(lines) + "\n"


def render_timeline_table(
    events: list[EventLike], *, zone: ZoneInfo, name_of: NameOf
) -> list[str]:
    if not events:
        return ["_No timeline events were tagged._"]
    show_dates = len({e.occurred_at.astimezone(zone).date() for e in events}) > 1
    rows = ["| Time | Kind | What happened | Tagged by |", "| --- | --- | --- | --- |"]
    for event in events:
        when = _clock(event.occurred_at, zone, with_date=show_dates)
        both = posted_and_stated(
            posted_at=event.posted_at, stated_at=event.stated_at, zone=zone
        )
        if both:
            when += f" ({both})"
        what = _inline(event.text, name_of) or "(no text)"
        if event.note:
            what += f" — _{_inline(event.note, name_of)}_"
        if event.permalink:
            what += f" ([message]({event.permalink}))"
        label = KIND_LABELS.get(EventKind(event.kind), event.kind)
        rows.append(
            f"| {when} | {label} | {what} | {_person(event.tagged_by, name_of)} |"
        )
    return rows


def _facts_table(incident: IncidentLike, zone: ZoneInfo, name_of: NameOf) -> list[str]:
    def moment(value: datetime | None) -> str:
        return _clock(value, zone, with_date=True) if value else "—"

    return [
        "| | |",
        "| --- | --- |",
        f"| Severity | {incident.severity} |",
        f"| Status | {incident.status} |",
        f"| Channel | #{_cell(incident.channel_name)} |",
        f"| Commander | {_person(incident.commander_id, name_of)} |",
        f"| Facilitator | {_person(incident.facilitator_id, name_of)} |",
        f"| Declared | {moment(incident.declared_at)} |",
        f"| Mitigated | {moment(incident.mitigated_at)} |",
        f"| Resolved | {moment(incident.resolved_at)} |",
    ]


def _durations(incident: IncidentLike, events: list[EventLike]) -> list[str]:
    durations = derive_durations(
        [Moment(kind=e.kind, at=e.occurred_at) for e in events],
        declared_at=incident.declared_at,
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
    )
    return [
        f"- Time to detect: {format_duration(durations.detect)}",
        f"- Time to acknowledge: {format_duration(durations.acknowledge)}",
        f"- Time to mitigate: {format_duration(durations.mitigate)}",
        f"- Time to resolve: {format_duration(durations.resolve)}",
    ]


def _clock(value: datetime, zone: ZoneInfo, *, with_date: bool) -> str:
    local = value.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M") if with_date else local.strftime("%H:%M")


def _person(user_id: str | None, name_of: NameOf) -> str:
    if not user_id:
        return "—"
    return _cell(name_of(user_id) or user_id)


# A table cell is one line; every other character is kept as written
# (no-break spaces, zero-width joiners, bidi marks and all).
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _inline(text: str, name_of: NameOf) -> str:
    readable = unescape_slack(plain_mentions(text, name_of))
    return _cell(_LINE_BREAKS.sub(" ", readable).strip())


def _cell(text: str) -> str:
    # Table cells end at a pipe or a line break.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
