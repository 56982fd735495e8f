"""The review as a Markdown document, in the template's order.

The document is what gets shared and searched, so it keeps every word
exactly as stored; only Markdown's own table characters are escaped. The
same input always gives the same bytes: nothing here reads a clock, and
every list is in a stable order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.review import (
    ActionItemsContent,
    ImpactContent,
    ListContent,
    RootCauseContent,
    Section,
    SummaryContent,
    TimelineContent,
)
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
Scrub = Callable[[str], str]
NOT_WRITTEN = "_Not written yet._"


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


class ActionItemLike(Protocol):
    deliverable: str
    owner_id: str | None
    deadline: date | None
    priority: str
    status: str
    vague_kept: bool
    contributing_factor: str | None


# Slack's links in message text: <https://host/path|label>, <mailto:a@b|a@b>.
_SLACK_LINK = re.compile(r"<((?:https?|mailto|ftp):[^|>\s]+)(?:\|([^>]*))?>")

# A table cell is one line; every other character is kept as written
# (no-break spaces, zero-width joiners, bidi marks and all).
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _keep(text: str) -> str:
    return text


class _Writer:
    """Turns stored text into document text: names for mentions, and, when
    redacting, every personal detail scrubbed."""

    def __init__(self, name_of: NameOf, scrub: Scrub, links: bool) -> None:
        self.name_of = name_of
        self.scrub = scrub
        self.links = links

    def words(self, text: str) -> str:
        """Slack's markup as Markdown: mentions as names, links as Markdown
        links (or their labels alone when links are left out), and `<` as
        `&lt;` so that a message's <script> stays text in any renderer."""
        readable = plain_mentions(text, self.name_of)
        readable = _SLACK_LINK.sub(self._link, readable)
        readable = unescape_slack(readable).replace("<", "&lt;")
        return self.scrub(readable)

    def _link(self, match: re.Match[str]) -> str:
        url, label = unescape_slack(match.group(1)), match.group(2)
        if not self.links:
            return label or "[link removed]"
        if not label or label == url or label == url.removeprefix("mailto:"):
            return url.removeprefix("mailto:")
        return f"[{label}]({url})"

    def inline(self, text: str) -> str:
        return _cell(_LINE_BREAKS.sub(" ", self.words(text)).strip())

    def person(self, user_id: str | None) -> str:
        if not user_id:
            return "—"
        return _cell(self.scrub(self.name_of(user_id) or user_id))


def render_review(
    incident: IncidentLike,
    events: Iterable[EventLike],
    *,
    sections: Mapping[Section, object] | None = None,
    action_items: Iterable[ActionItemLike] = (),
    timezone: str = "UTC",
    name_of: NameOf = lambda _id: None,
    scrub: Scrub = _keep,
    links: bool = True,
    review_held_at: datetime | None = None,
) -> str:
    """The review document in Markdown.

    `events` are the timeline as it goes in the review (deleted and left-out
    events already removed); times are shown in `timezone` (the team's),
    with UTC beside them. `sections` maps a section to its content model;
    a missing one reads "not written yet". `scrub` rewrites every free text
    (redaction) and `links` keeps or drops message links.
    """
    events = list(events)
    sections = sections or {}
    zone = ZoneInfo(timezone)
    writer = _Writer(name_of, scrub, links)

    lines = [f"# Incident review: {writer.inline(incident.title)}", ""]
    lines += _facts_table(incident, zone, writer, review_held_at=review_held_at)
    lines += _summary(sections.get(Section.SUMMARY), writer)
    lines += _impact(sections.get(Section.IMPACT), writer)
    lines += _timeline(incident, events, sections.get(Section.TIMELINE), zone, writer)
    lines += _root_cause(sections.get(Section.ROOT_CAUSE), writer)
    lines += _points("What went well", sections.get(Section.WENT_WELL), writer)
    lines += _points(
        "What could be improved", sections.get(Section.COULD_IMPROVE), writer
    )
    cause = sections.get(Section.ROOT_CAUSE)
    factors = list(cause.contributing_factors) if cause is not None else []
    lines += _action_items(
        list(action_items), sections.get(Section.ACTION_ITEMS), writer, factors
    )
    return "\n".join(lines).rstrip("\n") + "\n"


def _facts_table(
    incident: IncidentLike, zone: ZoneInfo, writer: _Writer, *, review_held_at
) -> list[str]:
    def moment(value: datetime | None) -> str:
        return _both_clocks(value, zone, with_date=True) if value else "—"

    rows = [
        "| | |",
        "| --- | --- |",
        f"| Severity | {incident.severity} |",
        f"| Status | {incident.status} |",
    ]
    if writer.links:
        rows.append(f"| Channel | #{_cell(incident.channel_name)} |")
    rows += [
        f"| Commander | {writer.person(incident.commander_id)} |",
        f"| Facilitator | {writer.person(incident.facilitator_id)} |",
        f"| Declared | {moment(incident.declared_at)} |",
        f"| Mitigated | {moment(incident.mitigated_at)} |",
        f"| Resolved | {moment(incident.resolved_at)} |",
    ]
    if review_held_at:
        rows.append(f"| Review held | {moment(review_held_at)} |")
    return rows


def _summary(content: SummaryContent | None, writer: _Writer) -> list[str]:
    lines = ["", "## Summary", ""]
    if content is None:
        return [*lines, NOT_WRITTEN]
    facts = []
    if content.date:
        facts.append(f"- Date: {content.date}")
    if content.duration_minutes is not None:
        facts.append(f"- Duration: {_minutes(content.duration_minutes)}")
    if content.severity:
        facts.append(f"- Severity: {content.severity}")
    if content.commander_id:
        facts.append(f"- Commander: {writer.person(content.commander_id)}")
    if content.participants:
        people = ", ".join(writer.person(p) for p in content.participants)
        facts.append(f"- Participants: {people}")
    lines += facts
    if content.summary:
        lines += ["", writer.words(content.summary).strip()]
    return lines


def _impact(content: ImpactContent | None, writer: _Writer) -> list[str]:
    lines = ["", "## Impact", ""]
    if content is None:
        return [*lines, NOT_WRITTEN]
    sla = {True: "breached", False: "not breached"}.get(content.sla_breached, "—")
    if content.sla_notes:
        sla += f" ({writer.inline(content.sla_notes)})"
    services = ", ".join(writer.inline(s) for s in content.services) or "—"
    lines += [
        f"- Users affected: {writer.inline(content.users_affected) or '—'}",
        f"- Services and features affected: {services}",
        f"- Duration of impact: {_minutes(content.duration_minutes)}",
        f"- Revenue impact: {writer.inline(content.revenue) or '—'}",
        f"- SLA: {sla}",
    ]
    return lines


def _timeline(
    incident: IncidentLike,
    events: list[EventLike],
    content: TimelineContent | None,
    zone: ZoneInfo,
    writer: _Writer,
) -> list[str]:
    zone_name = str(zone)
    lines = ["", "## Timeline", ""]
    if content is not None and content.note:
        lines += [writer.words(content.note).strip(), ""]
    lines += render_timeline_table(events, zone=zone, writer=writer)
    lines += ["", "### Durations", ""]
    lines += _durations(incident, events)
    if zone_name != "UTC":
        lines += ["", f"_Times in {zone_name}, with UTC beside them._"]
    return lines


def render_timeline_table(
    events: list[EventLike], *, zone: ZoneInfo, writer: _Writer
) -> list[str]:
    if not events:
        return ["_No timeline events were tagged._"]
    in_utc = str(zone) == "UTC"
    show_dates = len({e.occurred_at.astimezone(zone).date() for e in events}) > 1
    # Across a daylight-saving change local clocks repeat or skip an hour:
    # the zone's abbreviation then goes with each time.
    offsets = {e.occurred_at.astimezone(zone).utcoffset() for e in events}
    with_zone = len(offsets) > 1
    if in_utc:
        rows = ["| Time (UTC) | Kind | What happened | Tagged by |"]
        rows.append("| --- | --- | --- | --- |")
    else:
        rows = [f"| Time ({zone}) | UTC | Kind | What happened | Tagged by |"]
        rows.append("| --- | --- | --- | --- | --- |")
    utc = ZoneInfo("UTC")
    for event in events:
        when = _clock(event.occurred_at, zone, with_date=show_dates)
        if with_zone:
            when += event.occurred_at.astimezone(zone).strftime(" %Z")
        both = posted_and_stated(
            posted_at=event.posted_at, stated_at=event.stated_at, zone=zone
        )
        if both:
            when += f" ({both})"
        what = writer.inline(event.text) or "(no text)"
        if event.note:
            what += f" — _{writer.inline(event.note)}_"
        if event.permalink and writer.links:
            what += f" ([message]({event.permalink}))"
        label = KIND_LABELS.get(EventKind(event.kind), event.kind)
        tagger = writer.person(event.tagged_by)
        if in_utc:
            rows.append(f"| {when} | {label} | {what} | {tagger} |")
        else:
            in_utc_clock = _clock(event.occurred_at, utc, with_date=False)
            rows.append(f"| {when} | {in_utc_clock} | {label} | {what} | {tagger} |")
    return rows


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


def _root_cause(content: RootCauseContent | None, writer: _Writer) -> list[str]:
    lines = ["", "## Root cause", ""]
    if content is None:
        return [*lines, NOT_WRITTEN]
    lines.append(f"**Trigger:** {writer.inline(content.trigger) or '—'}")
    if content.category:
        lines += ["", f"**Category:** {writer.inline(content.category)}"]
    if content.contributing_factors:
        lines += ["", "### Contributing factors", ""]
        lines += _numbered(content.contributing_factors, writer)
    if content.whys:
        lines += ["", "### Five whys", ""]
        lines += _numbered(content.whys, writer)
    return lines


def _points(title: str, content: ListContent | None, writer: _Writer) -> list[str]:
    lines = ["", f"## {title}", ""]
    if content is None or not content.items:
        return [*lines, NOT_WRITTEN]
    return lines + [f"- {writer.inline(point)}" for point in content.items]


def _action_items(
    items: list[ActionItemLike],
    content: ActionItemsContent | None,
    writer: _Writer,
    factors: list[str],
) -> list[str]:
    """The items as a table; an item names the contributing factor it
    answers by its number in the root cause's list."""
    lines = ["", "## Action items", ""]
    if content is not None and content.note:
        lines += [writer.words(content.note).strip(), ""]
    if not items:
        return [*lines, "_No action items._"]
    lines += [
        "| # | Item | Owner | Deadline | Priority | Status |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for number, item in enumerate(items, start=1):
        what = writer.inline(item.deliverable)
        if item.vague_kept:
            what += " ⚠ _flagged as vague, kept by the facilitator_"
        if item.contributing_factor in factors:
            what += f" (answers factor {factors.index(item.contributing_factor) + 1})"
        elif item.contributing_factor:
            what += f" (answers: {writer.inline(item.contributing_factor)})"
        deadline = item.deadline.isoformat() if item.deadline else "—"
        lines.append(
            f"| {number} | {what} | {writer.person(item.owner_id)} | {deadline} "
            f"| {item.priority} | {item.status} |"
        )
    return lines


def _numbered(points: list[str], writer: _Writer) -> list[str]:
    return [f"{n}. {writer.inline(point)}" for n, point in enumerate(points, 1)]


def _minutes(value: int | None) -> str:
    if value is None:
        return "—"
    hours, minutes = divmod(value, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _clock(value: datetime, zone: ZoneInfo, *, with_date: bool) -> str:
    local = value.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M") if with_date else local.strftime("%H:%M")


def _both_clocks(value: datetime, zone: ZoneInfo, *, with_date: bool) -> str:
    local = _clock(value, zone, with_date=with_date)
    if str(zone) == "UTC":
        return f"{local} UTC"
    abbreviation = value.astimezone(zone).strftime("%Z")
    utc = _clock(value, ZoneInfo("UTC"), with_date=False)
    return f"{local} {abbreviation} ({utc} UTC)"


def _cell(text: str) -> str:
    # Table cells end at a pipe or a line break.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
